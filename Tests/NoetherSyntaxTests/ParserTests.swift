import Testing
@testable import NoetherSyntax

@Suite struct ParserTests {
    private func parse(_ text: String) throws(Diagnostic) -> Program {
        try Parser.parse(SourceFile(name: "t", text: text))
    }

    private func diagnostic(_ text: String) -> Diagnostic? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func quickstartParses() throws {
        let program = try parse(
            """
            data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)
            net  = mlp([20, 64, 5], activation=relu, bias=false, seed=42)
            run  = train(net, data, gd(lr=0.001), loss=cross_entropy, steps=2000)
            run.C0
            """)
        #expect(program.statements.count == 4)
        guard case .assignment(let name, _, .call(let call), _) = program.statements[2] else {
            Issue.record("expected an assignment of a call")
            return
        }
        #expect(name == "run")
        #expect(call.arguments.map(\.label) == [nil, nil, nil, "loss", "steps"])
        guard case .expression(.field(.name("run", _), let field, _, _), false) = program.statements[3] else {
            Issue.record("expected a field access")
            return
        }
        #expect(field == "C0")
    }

    /// A lexical error anywhere is reported before a syntax error earlier in the text
    /// (the whole text is lexed first), and one after a program that parses is
    /// reported too — what any lazier lexing must keep.
    @Test func aLexicalErrorAnywhereComesBeforeASyntaxError() throws {
        #expect(diagnostic("x = )\ny = 1\nz = \"abc")?.message == "unterminated string")
        #expect(diagnostic("x = 1\ny = 2\n$")?.message.hasPrefix("unexpected character '$'") == true)
        #expect(diagnostic("x = )\ny = 1")?.message.contains("')'") == true)
        // Long texts, the error far from the start.
        let long = String(repeating: "a = [1, 2, 3]\n", count: 3000)
        #expect(try parse(long + "b = a").statements.count == 3001)
        #expect(diagnostic(long + "b = (a\n" + long + "c = \"x")?.message == "unterminated string")
    }

    @Test func precedence() throws {
        let program = try parse("-2 ^ 2 + 3 * 4 < 5 and not false")
        guard case .expression(let e, _) = program.statements[0] else {
            Issue.record("not an expression")
            return
        }
        // ((-(2^2) + (3*4)) < 5) and (not false)
        guard
            case .binary(
                .and,
                .binary(
                    .less,
                    .binary(
                        .add, .unary(.negate, .binary(.power, _, _, _, _), _),
                        .binary(.multiply, _, _, _, _), _, _), _, _, _),
                .unary(.not, _, _), _, _) = e
        else {
            Issue.record("wrong tree: \(e)")
            return
        }
    }

    @Test func trailingSemicolonSilences() throws {
        let program = try parse("1; 2\n3;")
        let silent = program.statements.map { s -> Bool in
            if case .expression(_, let silent) = s { return silent }
            return false
        }
        #expect(silent == [true, false, true])
    }

    @Test func blocksFunctionsAndControlFlow() throws {
        let program = try parse(
            """
            fn f(a, b=1) {
              c = a + b
              c * 2
            }
            for x in [1, 2] { print(x) }
            y = if x > 1 { 1 } else { 2 }
            t = sweep(lr=[1, 2]) { lr * 2 }
            """)
        #expect(program.statements.count == 4)
        guard case .function(let f) = program.statements[0] else {
            Issue.record("no function")
            return
        }
        #expect(f.parameters.map(\.name) == ["a", "b"])
        #expect(f.body.statements.count == 2)
        guard case .assignment(_, _, .call(let call), _) = program.statements[3] else {
            Issue.record("no sweep")
            return
        }
        #expect(call.block?.statements.count == 1)
    }

    @Test func ifConditionDoesNotSwallowTheBlock() throws {
        let program = try parse("if ok(1) { 2 }")
        guard case .expression(.conditional(.call(let c), let then, nil, _), _) = program.statements[0] else {
            Issue.record("wrong tree")
            return
        }
        #expect(c.block == nil)
        #expect(then.statements.count == 1)
    }

    @Test func commands() throws {
        let program = try parse("save \"s.noe\"\nhelp train\nrun = 3\nrun.x\nhelp")
        guard case .command("save", _, let args, _) = program.statements[0] else {
            Issue.record("no save")
            return
        }
        #expect(args.count == 1)
        guard case .command("help", _, _, _) = program.statements[1] else {
            Issue.record("no help")
            return
        }
        guard case .assignment("run", _, _, _) = program.statements[2] else {
            Issue.record("run assignment")
            return
        }
        guard case .expression = program.statements[3] else {
            Issue.record("run field")
            return
        }
        guard case .command("help", _, [], _) = program.statements[4] else {
            Issue.record("bare help")
            return
        }
    }

    @Test func indexingAndSlices() throws {
        let program = try parse("xs[0]\nxs[-1]\nxs[1:3]\nxs[:2]\nxs[2:]")
        #expect(program.statements.count == 5)
    }

    @Test(arguments: [
        ("train(net, data", "unclosed '(' in call", 5),
        ("x = ", "expected a value after '=', found end of input", 4),
        ("f(a=1, 2)", "positional argument after a labelled one", 7),
        ("f(a=1, a=2)", "argument 'a' given twice", 7),
        ("x = (1 + 2", "unclosed '('", 4),
        ("[1, 2", "unclosed '['", 0),
        ("1 2", "expected end of statement, found number", 2),
        ("a < b < c", "comparisons cannot be chained", 6),
        (")", "unmatched ')'", 0),
        ("x.", "expected a field name after '.', found end of input", 2),
        ("fn (a) { a }", "expected a function name after 'fn', found '('", 3),
        ("for x [1] { }", "expected 'in' after the loop variable, found '['", 6),
        ("{a=1, 2}", "expected a field name in the record, found number", 6),
    ])
    func syntaxErrors(text: String, message: String, offset: Int) {
        let d = diagnostic(text)
        #expect(d?.message == message)
        #expect(d?.range?.start == offset)
        #expect(d?.kind == .syntax)
    }

    @Test func deepNestingIsAnErrorNotACrash() {
        let text = String(repeating: "(", count: 5000) + "1" + String(repeating: ")", count: 5000)
        let d = diagnostic(text)
        #expect(d?.message.hasPrefix("expression nested too deeply") == true)
    }
}
