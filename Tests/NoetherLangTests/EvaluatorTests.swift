import NoetherSyntax
import Testing
@testable import NoetherLang

/// Runs source in a fresh interpreter, collecting printed lines. Suites that need
/// typed readers subclass it (`TheoryHarness`).
class Harness {
    var lines: [String] = []
    lazy var interpreter = Interpreter(output: { [unowned self] in self.lines.append($0) })

    @discardableResult
    func run(_ text: String, name: String = "test.noe") throws(Diagnostic) -> Value {
        try interpreter.run(text, name: name)
    }

    /// The rendered diagnostic of running `text`, or nil when it ran.
    func error(_ text: String, name: String = "test.noe") -> String? {
        let source = SourceFile(name: name, text: text)
        do {
            try interpreter.run(try Parser.parse(source), source: source)
            return nil
        } catch {
            return DiagnosticRenderer.render(error, in: source)
        }
    }
}

@Suite struct EvaluatorTests {
    /// `none` given to an optional builtin parameter means "not given": its default
    /// applies (help shows default-less optional parameters as `name=none`).
    @Test func noneSelectsTheDefaultOfAnOptionalParameter() throws {
        let h = Harness()
        try h.run(
            """
            round(2.5, none)
            round(2.567, digits=none)
            str(1.5, digits=none)
            str(none)
            data = gaussian_mixture(n=20, d=4, classes=2, seed=1)
            r = train(mlp([4, 8, 2], seed=1), data, gd(lr=0.01), loss=mse, steps=10, every=none)
            len(r.losses)
            """)
        #expect(h.lines == ["2", "3", "\"1.5\"", "\"none\"", "10"])
        try h.run("print(\"x\", none, [1, none])")
        #expect(h.lines.last == "x none [1, none]")
        // Still an error where the parameter is required, and a second value is "given twice".
        #expect(
            h.error("mlp(none)")?.contains("error: argument 'sizes' of 'mlp' must be a list of integers, got nothing")
                == true)
        #expect(h.error("round(1, digits=none, digits=2)")?.contains("error: argument 'digits' given twice") == true)
    }

    @Test func bareExpressionsPrintAssignmentsDoNot() throws {
        let h = Harness()
        try h.run("x = 2\nx\n\"s\"\n[1, 2.5, true]\n1e-4\n3;")
        #expect(h.lines == ["2", "\"s\"", "[1, 2.5, true]", "0.0001"])
    }

    @Test func arithmeticAndComparison() throws {
        let h = Harness()
        try h.run(
            "1 + 2 * 3\n2 ^ 3 ^ 2\n-2 ^ 2\n[1, 2] * 2\n[1, 2] + [3, 4]\n1 < 2 and not (2 < 1)\n\"a\" + \"b\"\n1 / 0")
        #expect(h.lines == ["7", "512", "-4", "[2, 4]", "[4, 6]", "true", "\"ab\"", "inf"])
    }

    @Test func indexingAndSlicing() throws {
        let h = Harness()
        try h.run("xs = [10, 20, 30, 40]\nxs[0]\nxs[-1]\nxs[1:3]\nxs[:2]\nxs[2:]")
        #expect(h.lines == ["10", "40", "[20, 30]", "[10, 20]", "[30, 40]"])
    }

    /// A list of booleans keeps the elements where it is true, a list of integers picks
    /// positions; records and objects take a field name in quotes; tables select rows.
    @Test func masksPositionsAndFieldNamesAsIndices() throws {
        let h = Harness()
        try h.run(
            """
            xs = [1, 5, 2, 8]
            xs[xs > 2]
            xs[[0, -1, 1]]
            xs[[]]
            r = {a=1, b="x"}
            r["b"]
            t = table(x=[1, 2, 3], y=[4, 5, 6])
            t[t["x"] >= 2]["y"]
            t[[2, 0]]["x"]
            """)
        #expect(h.lines == ["[5, 8]", "[1, 8, 5]", "[]", "\"x\"", "[5, 6]", "[3, 1]"])
        let errors = [
            ("[1, 5][[true]]", "a mask of 1 boolean cannot select from a list of 2"),
            ("[1, 5][[0, 7]]", "index 7 is out of range for a list of 2"),
            ("[1, 5][[\"a\"]]", "a selector is a list of booleans or of integer positions, got \"a\" in it"),
            ("{a=1}[0]", "a record is indexed by a field name in quotes, got number"),
            ("{a=1}[\"c\"]", "the record has no field 'c'"),
            ("{a=1}[0:1]", "a record cannot be sliced; it is indexed by a field name in quotes"),
        ]
        for (source, message) in errors {
            let rendered = h.error(source) ?? "(no error)"
            #expect(rendered.contains("error: \(message)"), "\(rendered)")
        }
    }

    @Test func recordsAndFields() throws {
        let h = Harness()
        try h.run("r = {a=1, b=\"x\"}\nr.a\nr")
        #expect(h.lines == ["1", "{a=1, b=\"x\"}"])
    }

    @Test func functionsLoopsAndConditionals() throws {
        let h = Harness()
        try h.run(
            """
            fn square(x, offset=0) { x * x + offset }
            square(3)
            square(3, offset=1)
            for v in [1, 2] { print("v", v) }
            if square(2) > 3 { "big" } else { "small" }
            """)
        #expect(h.lines == ["9", "10", "v 1", "v 2", "\"big\""])
    }

    @Test func blockNamesAreLocal() throws {
        let h = Harness()
        try h.run("for v in [1] { inner = v }")
        #expect(h.error("inner")?.contains("unknown name 'inner'") == true)
    }

    @Test func errorsKeepEarlierBindings() throws {
        let h = Harness()
        try h.run("a = 1")
        #expect(h.error("b = 2\nc = nope\nd = 4") != nil)
        try h.run("a\nb")
        #expect(h.lines == ["1", "2"])
        #expect(h.error("d")?.contains("unknown name 'd'") == true)
    }

    @Test func quickstartRunsAndLedgerHolds() throws {
        let h = Harness()
        try h.run(
            """
            data = gaussian_mixture(n=60, d=8, classes=3, separation=2.0, seed=1)
            net  = mlp([8, 16, 3], activation=relu, bias=false, seed=2)
            run  = train(net, data, gd(lr=0.01), loss=cross_entropy, steps=200)
            """)
        guard case .number(let residual) = try h.run("run.ledger_residual") else {
            Issue.record("not a number")
            return
        }
        #expect(residual < 1e-9)
        guard case .list(let drift) = try h.run("run.drift") else {
            Issue.record("not a list")
            return
        }
        #expect(drift.count == 1)
        // The network passed in is not modified.
        guard case .list(let c0) = try h.run("net.C"), case .list(let runC0) = try h.run("run.C0") else {
            Issue.record("no C")
            return
        }
        #expect(Operators.equal(.list(c0), .list(runC0)))
        #expect(try h.run("run.steps").rendered == "200")
        #expect(try h.run("run.diverged").rendered == "false")
    }

    @Test func divergenceIsAResultNotAnError() throws {
        let h = Harness()
        try h.run(
            """
            data = gaussian_mixture(n=50, d=10, classes=3, seed=1)
            run = train(mlp([10, 32, 3], seed=1), data, gd(lr=1000), loss=mse, steps=500)
            """)
        #expect(try h.run("run.diverged").rendered == "true")
        guard case .number(let at) = try h.run("run.diverged_at") else {
            Issue.record("no step")
            return
        }
        #expect(at > 0 && at < 500)
        #expect(try h.run("run.drift").rendered == "[nan]")
    }

    @Test func helpIsGeneratedFromDeclarations() throws {
        let h = Harness()
        try h.run("help train")
        #expect(h.lines.first?.hasPrefix("train(net, data, optimizer, loss=mse, steps=2000, ") == true)
        h.lines = []
        try h.run("help")
        #expect(h.lines.first?.contains("gaussian_mixture") == true)
    }
}
