import NoetherEngine
import NoetherLang

/// The language's words for what `body` throws, or nil when it throws nothing.
public func message(_ body: () throws(EngineError) -> Void) -> String? {
    do { try body() } catch { return error.message }
    return nil
}
