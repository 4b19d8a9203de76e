import Foundation
import NoetherLang
import NoetherSyntax
import Testing

/// A builtin that reads an argument label it does not declare is a bug in Noether:
/// it must end as an internal error, and the session must go on.
@Suite struct CallContextTests {
    static func interpreter(reading label: String, optional: Bool) -> Interpreter {
        var registry = BuiltinRegistry.standard
        registry.register(
            Builtin(
                "probe_labels", category: "math", abstract: "Reads one label.",
                parameters: [.number("steps", default: 1, help: "a number")], returns: "number",
                example: "probe_labels()"
            ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
                if optional { return .number(try ctx.optionalNumber(label) ?? -1) }
                return .number(Double(try ctx.integer(label)))
            })
        return Interpreter(registry: registry)
    }

    static func number(_ value: Value) -> Double? {
        if case .number(let x) = value { return x }
        return nil
    }

    @Test(arguments: [false, true])
    func misspeltLabelIsAnInternalError(optional: Bool) throws {
        let interpreter = Self.interpreter(reading: "stpes", optional: optional)
        var caught: Diagnostic?
        do { _ = try interpreter.run("probe_labels(steps=3)") } catch { caught = error }
        #expect(caught?.kind == .internalError)
        #expect(caught?.message == "builtin 'probe_labels' reads argument 'stpes', which it does not declare")
        // The session goes on.
        #expect(Self.number(try interpreter.run("1 + 1")) == 2)
    }

    @Test func declaredLabelReads() throws {
        #expect(Self.number(try Self.interpreter(reading: "steps", optional: false).run("probe_labels(steps=3)")) == 3)
        #expect(Self.number(try Self.interpreter(reading: "steps", optional: true).run("probe_labels()")) == 1)
    }

    /// Every label a builtin's body reads with a literal (`ctx.integer("steps")`) is
    /// declared by a builtin of the same file (helpers shared by a file's builtins
    /// read their labels) or by a parameter declared there (object methods). Files
    /// that declare no builtin may read any declared label.
    @Test func everyLiteralLabelInTheSourcesIsDeclared() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/NoetherLang")
        let registry = BuiltinRegistry.standard
        let allLabels = Set(registry.builtins.values.flatMap { $0.parameters.map(\.label) })
        let accessors =
            "has|value|number|integer|string|bool|list|object|optionalNumber|optionalInteger|optionalString"
            + "|optionalBool|optionalObject|names|positiveNumber|range\\(of:|error\\([^\\n]*?at:"
        let read = try NSRegularExpression(pattern: "ctx\\.(?:\(accessors))\\(?\\s*\"([a-z_0-9]+)\"")
        let declared = try NSRegularExpression(pattern: "Builtin\\(\\s*\"([a-z_0-9]+)\"")
        // Parameters declared in the file itself (object methods are not in the registry).
        let parameter = try NSRegularExpression(pattern: "(?:Parameter|\\.number)\\(\\s*\"([a-z_0-9]+)\"")
        var checked = 0
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            let range = NSRange(text.startIndex..., in: text)
            let names = declared.matches(in: text, range: range).map { String(text[Range($0.range(at: 1), in: text)!]) }
            let local = parameter.matches(in: text, range: range).map {
                String(text[Range($0.range(at: 1), in: text)!])
            }
            let labels =
                names.isEmpty
                ? allLabels.union(local)
                : Set(names.flatMap { registry.builtins[$0]?.parameters.map(\.label) ?? [] } + local)
            for match in read.matches(in: text, range: range) {
                let label = String(text[Range(match.range(at: 1), in: text)!])
                #expect(labels.contains(label), "\(file) reads '\(label)', which no builtin of the file declares")
                checked += 1
            }
        }
        #expect(checked > 200)
    }
}
