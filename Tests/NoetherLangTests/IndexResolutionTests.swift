import NoetherSyntax
import Testing

@testable import NoetherLang

/// One resolution of 0-based, negative-from-the-end indices for subscripts and index
/// arguments, and its hint, worded for an empty collection too.
@Suite struct IndexResolutionTests {
    @Test func negativeIndicesCountFromTheEnd() {
        #expect(resolveIndex(0, count: 3) == 0)
        #expect(resolveIndex(2, count: 3) == 2)
        #expect(resolveIndex(-1, count: 3) == 2)
        #expect(resolveIndex(-3, count: 3) == 0)
        #expect(resolveIndex(3, count: 3) == nil)
        #expect(resolveIndex(-4, count: 3) == nil)
        #expect(resolveIndex(0, count: 0) == nil)
        #expect(resolveIndex(-1, count: 0) == nil)
    }

    /// A builtin whose `i` indexes `count` items through `CallContext.index`.
    static func interpreter(count: Int) -> Interpreter {
        var registry = BuiltinRegistry.standard
        registry.register(
            Builtin(
                "probe_index", category: "math", abstract: "Indexes `count` items.",
                parameters: [Parameter("i", .integer, help: "an index")], returns: "number",
                example: "probe_index(0)"
            ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
                .number(Double(try ctx.index("i", count: count) { "item \($0) is out of range for \(count) items" }))
            })
        return Interpreter(registry: registry)
    }

    static func error(_ source: String, count: Int) -> Diagnostic? {
        do {
            _ = try interpreter(count: count).run(source)
            return nil
        } catch {
            return error
        }
    }

    @Test func anIndexArgumentResolvesAndHintsTheValidRange() throws {
        if case .number(let x) = try Self.interpreter(count: 3).run("probe_index(-1)") {
            #expect(x == 2)
        } else {
            Issue.record("probe_index(-1) is a number")
        }
        let d = Self.error("probe_index(3)", count: 3)
        #expect(d?.message == "item 3 is out of range for 3 items")
        #expect(d?.hint == "valid indices are 0…2 or -3…-1")
    }

    @Test func anEmptyCountHasNoValidIndex() {
        let d = Self.error("probe_index(0)", count: 0)
        #expect(d?.message == "item 0 is out of range for 0 items")
        #expect(d?.hint == "there is nothing to index")
        #expect(validIndicesHint(count: 0, empty: "the list is empty") == "the list is empty")
    }

    @Test func anEmptyListSaysSo() {
        let d = Self.error("xs = []\nxs[0]", count: 0)
        #expect(d?.message == "index 0 is out of range for a list of 0")
        #expect(d?.hint == "the list is empty")
    }
}
