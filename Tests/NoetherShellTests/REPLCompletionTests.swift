import NoetherLang
import NoetherSyntax
import Testing
@testable import NoetherShell

/// Tab completion as a pure function of (text before the cursor, session).
@Suite struct REPLCompletionTests {
    /// A fake file tree: `a.noe`, `data/{x.noe, sub/}`, `.hidden`, and a home with `h.noe`.
    static let files = FileSystemView(home: "/home/me") { directory in
        switch directory {
        case "":
            [
                .init(name: "a.noe", isDirectory: false), .init(name: "data", isDirectory: true),
                .init(name: ".hidden", isDirectory: false),
            ]
        case "data/": [.init(name: "x.noe", isDirectory: false), .init(name: "sub", isDirectory: true)]
        case "/home/me/": [.init(name: "h.noe", isDirectory: false)]
        default: nil
        }
    }

    /// A session with a dataset, network, optimizer, run, record, list and function.
    static let context: CompletionContext = {
        let interpreter = Interpreter(output: { _ in })
        try! interpreter.run(
            """
            data = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            net = mlp([3, 4, 2], seed=1)
            opt = gd(lr=0.1)
            run = train(net, data, opt, steps=3)
            r = {alpha=1, beta=2}
            xs = [run, 2]
            fn f(a, b=2) { a + b }
            """)
        return CompletionContext(interpreter: interpreter, files: files)
    }()

    static func complete(_ text: String, _ context: CompletionContext = context) -> [String] {
        Completer.complete(text, in: context).candidates
    }

    @Test(
        arguments: [
            // Names: builtins, bindings, constants, keywords; commands at a statement's start.
            ("gaussian_mi", ["gaussian_mixture"]),
            ("x = tim", ["time", "timeit"]),
            ("help timei", ["timeit"]),
            ("x = tr", ["trace", "train", "true"]),
            ("x = cross", ["cross_entropy", "crossover"]),
            ("he", ["help", "hessian"]),
            ("x = he", ["hessian"]),
            ("x = 1; he", ["help", "hessian"]),
            ("not tr", ["trace", "train", "true"]),
            ("help tr", ["trace", "trace_estimate", "train"]),
            ("help dat", ["dataset"]),
            // Labels inside a call, never one already given by position or label.
            ("train(net, data, opt, lo", ["loss="]),
            ("train(net, data, opt, loss=mse, st", ["steps=", "stop_when_loss_below="]),
            (
                "train(net, data, opt, loss=mse, ",
                [
                    "balances=", "checkpoints=", "divergence_loss=", "every=", "patterns=", "precision=",
                    "sharpness_at_start=", "sharpness_every=", "sharpness_method=", "steps=",
                    "stop_when_loss_below=",
                ]
            ),
            ("train(net,\n      data,\n      opt,\n      lo", ["loss="]),
            ("f(a", ["a=", "abs", "adam", "all", "and", "any", "at"]),
            // Values: declared ones, and bindings of the accepted type.
            ("train(net, data, opt, loss=", ["cross_entropy", "interpolated_loss", "mse"]),
            ("train(net, data, opt, loss=c", ["cross_entropy"]),
            ("train(net, data, opt, c", ["checkpoints=", "cross_entropy"]),
            ("mlp([20, 64, 5], activation=", ["gelu", "interpolated", "leaky_relu", "linear", "relu", "tanh"]),
            (
                "mlp([20, 64, 5], ",
                [
                    "activation=", "balanced=", "bias=", "gelu", "init=", "interpolated", "leaky_relu", "linear",
                    "relu", "scale=", "seed=", "tanh",
                ]
            ),
            ("train(n", ["net", "net="]),
            ("train(net, d", ["data", "data=", "divergence_loss="]),
            ("train(net, data, o", ["opt", "optimizer="]),
            // Fields of bound values, through chains.
            ("run.dr", ["drift"]),
            (
                "x = run.led",
                ["ledger_gap", "ledger_measured", "ledger_predicted", "ledger_residual", "ledger_step_error"]
            ),
            ("run.net.si", ["sizes"]),
            ("data.n", ["n", "name"]),
            ("r.al", ["alpha"]),
            ("xs[0].dr", ["drift"]),
            ("xs[-2].dr", ["drift"]),
            ("relu.na", ["name"]),
            ("opt.", ["batch", "identity", "kind", "lr", "name", "options", "weight_decay"]),
            ("nope.dr", []),
            ("xs.dr", []),
            // Nothing in comments, after a literal, or while typing a number.
            ("x = 1 # tr", []),
            ("x = 12", []),
            ("\"abc\" tr", []),
        ] as [(String, [String])])
    func completes(text: String, expected: [String]) {
        #expect(Self.complete(text) == expected, "completing \(text.debugDescription)")
    }

    @Test func unicodeNamesComplete() throws {
        let interpreter = Interpreter(output: { _ in })
        try interpreter.run("η_max = 0.1\nηs = [1]\nλ = 2")
        let context = CompletionContext(interpreter: interpreter, files: Self.files)
        #expect(Self.complete("x = η", context) == ["η_max", "ηs"])
        #expect(Self.complete("x = 2 * λ", context) == ["λ"])
    }

    @Test func everyRunFieldAfterADot() {
        #expect(Self.complete("run.") == RunObject.fieldDocs.map(\.name).sorted())
    }

    @Test func theWordStartIsTheUTF8OffsetOfTheWord() {
        let c = Completer.complete("x = run.dr", in: Self.context)
        #expect(c.start == 8)
        #expect(c.kind == .code)
        let empty = Completer.complete("train(net, data, opt, loss=", in: Self.context)
        #expect(empty.start == "train(net, data, opt, loss=".utf8.count)
        let unicode = Completer.complete("x = \"ü\" + tr", in: Self.context)
        #expect(unicode.start == "x = \"ü\" + ".utf8.count)
    }

    @Test(
        arguments: [
            ("save \"", ["a.noe", "data/"]),
            ("save \"da", ["data/"]),
            ("save \"data/", ["data/sub/", "data/x.noe"]),
            ("run \"data/x", ["data/x.noe"]),
            ("save \".h", [".hidden"]),
            ("save \"~/", ["~/h.noe"]),
            ("save \"nowhere/", []),
            ("x = 1; save \"a", ["a.noe"]),
            // Strings elsewhere are not paths.
            ("print(\"da", []),
            ("x = \"da", []),
        ] as [(String, [String])])
    func completesPathsInFileCommands(text: String, expected: [String]) {
        let c = Completer.complete(text, in: Self.context)
        #expect(c.candidates == expected, "completing \(text.debugDescription)")
        #expect(c.kind == .path)
        #expect(
            c.start == text.utf8.count
                - (text.split(separator: "\"", omittingEmptySubsequences: false).last?.utf8.count ?? 0))
    }

    @Test func completesPathsForFilePathParameters() throws {
        var registry = BuiltinRegistry.standard
        registry.register(
            Builtin(
                "load_table", category: "test", abstract: "test",
                parameters: [
                    Parameter("path", .string, help: "a file", completion: .filePath),
                    Parameter("name", .string, .absent, help: "a name"),
                ],
                returns: "nothing", example: ""
            ) { _ throws(Diagnostic) in .nothing })
        let context = CompletionContext(registry: registry, bindings: [:], files: Self.files)
        #expect(Self.complete("load_table(\"da", context) == ["data/"])
        #expect(Self.complete("load_table(path=\"data/x", context) == ["data/x.noe"])
        #expect(Self.complete("load_table(\"a.noe\", name=\"da", context) == [])
        // Outside a string the value is an expression: names too.
        #expect(Self.complete("load_table(p", context) == ["path=", "plot", "power_iteration", "powerlaw", "print"])
    }

    @Test func commonPrefix() {
        #expect(Completion(start: 0, candidates: ["ledger_measured", "ledger_predicted"]).commonPrefix == "ledger_")
        #expect(Completion(start: 0, candidates: ["mse"]).commonPrefix == "mse")
        #expect(Completion(start: 0, candidates: []).commonPrefix == "")
    }

    // MARK: - Fitting readline's word

    @Test func readlineWordsMatchTheCompleterWhenTheyAgree() {
        let w = ReadlineCompletion.candidates(line: "x = run.dr", partial: "", readlineStart: 8, context: Self.context)
        #expect(w == .init(words: ["drift"], isPath: false))
    }

    @Test func readlineSeesOnlyTheCurrentLineOfACell() {
        let w = ReadlineCompletion.candidates(
            line: "      lo", partial: "train(net, data,\n      opt,",
            readlineStart: 6, context: Self.context)
        #expect(w.words == ["loss="])
    }

    @Test func pathsAreShiftedToReadlinesWordAndLoseTheirSlash() {
        let quoted = ReadlineCompletion.candidates(
            line: "save \"data/", partial: "", readlineStart: 6, context: Self.context)
        #expect(quoted == .init(words: ["data/sub", "data/x.noe"], isPath: true))
        // Had readline started the word after the '/', the candidates start there too.
        let shorter = ReadlineCompletion.candidates(
            line: "save \"data/", partial: "", readlineStart: 11, context: Self.context)
        #expect(shorter.words == ["sub", "x.noe"])
        // Had it started earlier, the text in between is kept.
        let longer = ReadlineCompletion.candidates(
            line: "x = run.dr", partial: "", readlineStart: 4, context: Self.context)
        #expect(longer.words == ["run.drift"])
    }
}
