import Foundation
import Testing
@testable import NoetherLang

/// Help, search and explain, generated from the declarations; golden files hold the
/// help of every builtin, so a change to a declaration shows up in review.
@Suite struct HelpTests {
    static let builtinNames = BuiltinRegistry.standard.builtins.keys.sorted()
    static let commandNames = BuiltinRegistry.standard.commands.map(\.name)

    @Test(arguments: builtinNames)
    func builtinHelpIsAsRecorded(name: String) throws {
        let h = Harness()
        try h.run("help \(name)")
        #expect(h.lines.count == 1)
        assertGolden(h.lines.joined(separator: "\n"), named: "help/\(name)")
    }

    @Test(arguments: commandNames)
    func commandHelpIsAsRecorded(name: String) throws {
        let h = Harness()
        try h.run("help \(name)")
        assertGolden(h.lines.joined(separator: "\n"), named: "help/command-\(name)")
    }

    @Test func overviewListsEveryBuiltinByCategory() throws {
        let h = Harness()
        try h.run("help")
        let text = h.lines.joined(separator: "\n")
        for name in Self.builtinNames { #expect(text.contains("  \(name) "), "\(name) missing from the overview") }
        for c in Self.commandNames { #expect(text.contains("  \(c)")) }
        // Categories come in the documented order.
        let order = BuiltinRegistry.standard.categories.compactMap { text.range(of: "\n\($0):\n")?.lowerBound }
        #expect(order == order.sorted() && order.count == BuiltinRegistry.standard.categories.count)
        assertGolden(text, named: "help/overview")
    }

    @Test func everyArgumentIsDocumented() {
        for b in BuiltinRegistry.standard.builtins.values {
            #expect(!b.abstract.isEmpty && !b.example.isEmpty, "\(b.name)")
            #expect(!b.abstract.hasSuffix(" ") && b.abstract.first?.isUppercase == true, "\(b.name)'s abstract")
            for p in b.parameters { #expect(!p.help.isEmpty, "\(b.name)(\(p.label))") }
            #expect(b.help.contains(b.usage))
        }
    }

    @Test func searchFindsNamesAbstractsAndFields() throws {
        let h = Harness()
        try h.run("help \"drift\"")
        assertGolden(h.lines.joined(separator: "\n"), named: "help/search-drift")
        h.lines = []
        try h.run("help logarithm")  // a word that names nothing searches
        #expect(h.lines.first?.hasPrefix("help \"logarithm\": 2 matches") == true)
        #expect(h.error("help zzzqqq")?.contains("no help for 'zzzqqq'") == true)
        #expect(h.error("help trian")?.contains("did you mean 'train'?") == true)
    }

    @Test func helpOnABoundNameDescribesTheValue() throws {
        let h = Harness()
        try h.run(
            "data = gaussian_mixture(n=20, d=3, classes=2, seed=1)\nrun = train(mlp([3, 4, 2], seed=1), data, gd(lr=0.1), steps=5)",
            name: "In[2]")
        h.lines = []
        try h.run("help data")
        let data = h.lines.joined(separator: "\n")
        #expect(data.hasPrefix("data: a dataset\n\n  dataset gaussian_mixture: n=20"))
        #expect(data.contains("\nFields (data.NAME):\n  n "))
        #expect(data.contains("Bound by In[2]: data = gaussian_mixture(n=20, d=3, classes=2, seed=1)"))
        #expect(data.contains("(help dataset for the type)"))
        // `run` is also a type and a command: the binding wins, the docs stay a step away.
        h.lines = []
        try h.run("help run")
        let run = h.lines.joined(separator: "\n")
        #expect(run.hasPrefix("run: a run\n"))
        #expect(run.contains("  drift "))
        #expect(run.contains("(explain drift)"))
        #expect(run.contains("(help \"run\" for the documentation of 'run')"))
        #expect(!run.contains("help run for the type"))
        // A field of a bound object: its meaning, its value.
        h.lines = []
        try h.run("help run.drift")
        #expect(h.lines.first?.hasPrefix("run.drift: a list\n\n  |C_l(T) − C_l(0)| per l") == true)
        #expect(h.lines.first?.contains("(explain drift)") == true)
        #expect(h.error("help run.drfit")?.contains("did you mean 'drift'?") == true)
        // A table lists its columns.
        h.lines = []
        try h.run("t = sweep(a=[1, 2], parallel=false) { a * 2 }\nhelp t")
        #expect(h.lines.last?.contains("\nColumns: a, value\n") == true, "\(h.lines)")
        // A quoted name still searches the docs; a record lists its fields.
        h.lines = []
        try h.run("help \"run\"")
        #expect(h.lines.first?.hasPrefix("run: a run") == false)
        h.lines = []
        try h.run("η = {a = 1, b = [2]}\nhelp η", name: "In[5]")
        #expect(
            h.lines == [
                "η: a record\n\n  {a=1, b=[2]}\n\nFields:\n  a  number\n  b  list\n\nBound by In[5]: η = {a = 1, b = [2]}\n"
            ])
    }

    @Test func typesAndConstantsHaveHelp() throws {
        let h = Harness()
        try h.run("help table\nhelp run\nhelp mse")
        #expect(h.lines[0].hasPrefix("table(column=list, …, rows=none) -> table") && h.lines[0].contains("\ntable\n"))
        #expect(h.lines[1].contains("drift") && h.lines[1].contains("(command)"))
        #expect(h.lines[2].hasPrefix("mse  (training)"))
    }

    @Test func explainGivesTheFormula() throws {
        let h = Harness()
        try h.run("explain drift")
        assertGolden(h.lines.joined(separator: "\n"), named: "explain-drift")
        h.lines = []
        try h.run("explain run.C\nexplain C\nexplain")
        #expect(h.lines[0].hasPrefix("run.C\n"))
        #expect(h.lines[1].contains("run.C\n") && h.lines[1].contains("network.C\n"))
        #expect(h.lines[2].hasPrefix("explain NAME gives the exact definition of:"))
        #expect(h.error("explain drfit")?.contains("did you mean 'drift'?") == true)
        h.lines = []
        try h.run("explain seconds")  // a documented field without a formula
        #expect(h.lines.first?.contains("wall time of the training loop") == true)
    }

    /// Every explanation names a field its type really has.
    @Test func explanationsNameRealFields() {
        let r = BuiltinRegistry.standard
        for e in r.explanations {
            #expect(r.typeFields[e.owner]?.contains { $0.name == e.name } == true, "\(e.owner).\(e.name)")
        }
    }
}

/// docs/language.md's builtin reference is the registry's, verbatim.
@Suite struct ReferenceDocTests {
    static let doc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("docs/language.md")

    @Test func generatedSectionMatchesTheRegistry() throws {
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        guard let begin = text.range(of: BuiltinRegistry.referenceBegin),
            let end = text.range(of: BuiltinRegistry.referenceEnd),
            begin.upperBound <= end.lowerBound
        else {
            Issue.record("docs/language.md lacks the generated-reference markers")
            return
        }
        let expected = "\n" + BuiltinRegistry.standard.markdownReference
        if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
            let updated = text.replacingCharacters(in: begin.upperBound..<end.lowerBound, with: expected)
            try updated.write(to: Self.doc, atomically: true, encoding: .utf8)
            return
        }
        let actual = String(text[begin.upperBound..<end.lowerBound])
        #expect(
            actual == expected,
            "docs/language.md is stale: re-record with RECORD_SNAPSHOTS=1 swift test --filter ReferenceDocTests")
    }

    @Test func theGrammarInTheDocMatchesTheParser() throws {
        // The parser's doc comment and the document state the same productions.
        let text = try String(contentsOf: Self.doc, encoding: .utf8)
        for line in [
            "unary      := ('-' | '+') unary | power",
            "postfix    := NAME block",
            "| primary ('(' args ')' block? | '.' NAME | '[' subscript ']')*",
            "block      := '{' separator* (statement separator+)* statement? '}'",
        ] {
            #expect(text.contains(line), "\(line)")
        }
    }
}

/// Every builtin's example runs.
@Suite struct ExampleTests {
    static let prelude = """
        data = gaussian_mixture(seed=1)
        net = mlp([20, 64, 5], seed=1)
        opt = gd(lr=0.01)
        run = train(net, data, opt, steps=20)
        t = table(lr=[0.1, 0.01, 0.001], drift=[3e-3, 2e-4, 1e-5])
        """

    @Test(arguments: HelpTests.builtinNames)
    func exampleRuns(name: String) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noether-example-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = Harness()
        h.interpreter.baseDirectory = dir.path
        try h.run(Self.prelude, name: "prelude.noe")
        if name == "gather" {
            // gather reads what shards wrote: write drift.results first, as one shard.
            let shard = Interpreter(output: { _ in })
            shard.shardedSweeps = ShardedSweeps(
                results: SweepResults(directory: dir.path + "/drift.results"), mode: .shard(index: 0, count: 1),
                script: "example")
            _ = try? shard.run("sweep(lr=[0.1, 0.01]) { {drift=lr * lr} }", name: "drift.noe")
        }
        let example = BuiltinRegistry.standard.builtins[name]!.example
        #expect(h.error(example, name: "example-\(name).noe") == nil, "\(h.error(example) ?? "")")
    }
}
