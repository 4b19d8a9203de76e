import NoetherEngine
import NoetherLang
import NoetherSyntax
import Testing

/// Where an engine refusal is reported: `ctx.engine` points an `outOfDomain` error at
/// the argument it names when the call gave that argument, else at `at:`'s argument,
/// else at the call.
@Suite struct EngineErrorPositionTests {
    /// `probe_engine(x, steps=…)` refuses with `error` through `ctx.engine(at: "x")`,
    /// or through `ctx.engine` alone with `labelled: false`.
    static func render(_ text: String, labelled: Bool = true, _ error: EngineError) -> String? {
        var registry = BuiltinRegistry.standard
        registry.register(
            Builtin(
                "probe_engine", category: "math", abstract: "Refuses through the engine.",
                parameters: [
                    Parameter("x", .number, help: "a number"),
                    .number("steps", default: 0, help: "a number"),
                ],
                returns: "number", example: "probe_engine(1)"
            ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
                let body = { () throws(EngineError) -> Value in throw error }
                return labelled ? try ctx.engine(at: "x", body) : try ctx.engine(body)
            })
        let source = SourceFile(name: "test.noe", text: text)
        do {
            try Interpreter(registry: registry).run(try Parser.parse(source), source: source)
            return nil
        } catch {
            return DiagnosticRenderer.render(error, in: source)
        }
    }

    static let steps = EngineError.outOfDomain(.steps, .atLeast(1), got: .integer(0))

    @Test func outOfDomainPointsAtItsArgument() {
        // The argument it names, given in the call: there, even over at:.
        #expect(
            Self.render("probe_engine(1, steps=0)", Self.steps)?.hasPrefix(
                "test.noe:1:23: error: 'steps' must be at least 1, got 0") == true)
        #expect(
            Self.render("probe_engine(1, steps=0)", labelled: false, Self.steps)?.hasPrefix(
                "test.noe:1:23: error: 'steps' must be at least 1, got 0") == true)
        // Left to its default: at: names the argument, else the call.
        #expect(Self.render("probe_engine(1)", Self.steps)?.hasPrefix("test.noe:1:14: error: 'steps'") == true)
        #expect(
            Self.render("probe_engine(1)", labelled: false, Self.steps)?.hasPrefix("test.noe:1:1: error: 'steps'")
                == true)
        // An argument the builtin does not declare: as before.
        let lr = EngineError.outOfDomain(.learningRate, .finitePositive, got: .number(-1))
        #expect(Self.render("probe_engine(2)", lr)?.hasPrefix("test.noe:1:14: error: 'lr'") == true)
        #expect(Self.render("probe_engine(2)", labelled: false, lr)?.hasPrefix("test.noe:1:1: error: 'lr'") == true)
    }

    @Test func otherRefusalsStayAtTheLabelOrTheCall() {
        let problem = EngineError.theory(.noPositiveEigenvalue)
        #expect(
            Self.render("probe_engine(1, steps=0)", problem)?.hasPrefix(
                "test.noe:1:14: error: no eigenvalue is positive, so there is no mode to fit") == true)
        #expect(
            Self.render("probe_engine(1, steps=0)", labelled: false, problem)?.hasPrefix(
                "test.noe:1:1: error: no eigenvalue is positive, so there is no mode to fit") == true)
    }
}
