import Foundation
import NoetherLang
import NoetherSyntax
import Testing

/// Runs `text` in `interpreter` the way the fuzz tests do: interrupted after `limit`
/// seconds, the value rendered and serialized, a diagnostic rendered. An internal
/// error fails the test. Returns how it ended and the time taken.
@discardableResult
public func exercise(
    _ text: String, _ interpreter: Interpreter, limit: Double
) -> (outcome: Result<Value, Diagnostic>, elapsed: Duration) {
    let interrupt = interpreter.interrupt
    let watchdog = DispatchWorkItem { interrupt.raise() }
    DispatchQueue.global().asyncAfter(deadline: .now() + limit, execute: watchdog)
    let clock = ContinuousClock()
    let start = clock.now
    let outcome: Result<Value, Diagnostic>
    do {
        let value = try interpreter.run(text, name: "fuzz.noe")
        _ = value.rendered
        _ = value.json.serialized()
        outcome = .success(value)
    } catch {
        #expect(error.kind != .internalError, "internal error on: \(text.prefix(200))")
        _ = DiagnosticRenderer.render(error, in: nil)
        if ProcessInfo.processInfo.environment["FUZZ_SHOW"] != nil {
            print("ERR", text.prefix(120), "→", error.message)
        }
        outcome = .failure(error)
    }
    let elapsed = clock.now - start
    watchdog.cancel()
    interrupt.clear()
    return (outcome, elapsed)
}
