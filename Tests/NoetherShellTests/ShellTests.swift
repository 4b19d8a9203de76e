import Foundation
import NoetherLang
import NoetherSyntax
import Synchronization
import Testing
@testable import NoetherShell

/// What a shell printed, collected from any thread.
final class Captured: Sendable {
    private let state = Mutex<(out: [String], err: [String])>(([], []))
    var out: [String] { state.withLock { $0.out } }
    var err: [String] { state.withLock { $0.err } }
    var console: Console {
        Console(
            out: { line in self.state.withLock { $0.out.append(line) } },
            err: { line in self.state.withLock { $0.err.append(line) } })
    }
}

/// A temporary folder removed when the value goes away.
final class TemporaryFolder {
    let path: String
    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("noether-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
    deinit { try? FileManager.default.removeItem(atPath: path) }
    func file(_ name: String) -> String { path + "/" + name }
    func write(_ name: String, _ text: String) throws {
        try text.write(toFile: file(name), atomically: true, encoding: .utf8)
    }
    func read(_ name: String) throws -> String { try String(contentsOfFile: file(name), encoding: .utf8) }
}

/// Sessions in process: recording, save, replay, check, run, parameters, journal, recovery.
@Suite struct ShellTests {
    static let cells = [
        "## A small session",
        "data = gaussian_mixture(n=30, d=4, classes=2, seed=3)",
        "r = train(mlp([4, 6, 2], seed=3), data, gd(lr=0.05), steps=25)",
        "r.drift",
        "xs = [1, 2, 3]; total = 0\nfor x in xs {\n  total = total + x\n}\ntotal",
        "print(\"drift is\", r.drift)\nr.ledger_residual < 1e-6",
        "t = sweep(lr=[0.01, 0.1], seed=[1, 2]) {\n  {loss=train(mlp([4, 6, 2], seed=seed), data, gd(lr=lr), steps=10).loss}\n}",
        "t",
        "g = group(t, by=\"lr\", mean=\"loss\")",
        "nope + 1",
        "help train",
        "fn twice(v) { 2 * v }\ntwice(total)",
    ]

    private func session(_ folder: TemporaryFolder) -> (Shell, Captured) {
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.interpreter.baseDirectory = folder.path
        for cell in Self.cells { shell.runCell(cell) }
        return (shell, captured)
    }

    @Test func recordsEveryCellThatRanWithItsOutput() throws {
        let folder = try TemporaryFolder()
        let (shell, captured) = session(folder)
        // The help cell is not part of the record; the failing cell is, with its error
        // as its output (so the saved session replays as it ran).
        #expect(shell.cells.count == Self.cells.count - 1)
        #expect(!shell.cells.contains { $0.text.hasPrefix("help") })
        #expect(shell.cells.contains { $0 == RecordedCell(text: "nope + 1", output: ["error: unknown name 'nope'"]) })
        #expect(shell.cells[0] == RecordedCell(text: "## A small session", output: []))
        #expect(shell.cells[4].output == ["6"])
        #expect(shell.cells[5].output.count == 2 && shell.cells[5].output[1] == "true")
        #expect(shell.cells[7].output.count == 7)  // the table: header, rule, 4 rows, footer
        #expect(captured.err.contains { $0.contains("In[10]:1:1: error: unknown name 'nope'") })
    }

    @Test func aSavedSessionReplaysToTheSameBindingsAndOutputs() throws {
        let folder = try TemporaryFolder()
        let (shell, _) = session(folder)
        shell.runCell("save \"s.noe\"")
        let saved = try folder.read("s.noe")
        #expect(saved.hasPrefix("# Noether \(noetherVersion) session saved "))
        #expect(saved.contains(", BLAS threads "))
        #expect(saved.contains("## A small session\n"))
        #expect(saved.contains("total\n#=> 6\n"))
        #expect(!saved.contains("help train") && !saved.contains("save \""))
        #expect(saved.contains("nope + 1\n#=> error: unknown name 'nope'\n"))

        let replay = Captured()
        let second = Shell(console: replay.console)
        #expect(second.runBatch(SourceFile(name: "s.noe", text: saved)) == .success)
        // The expected error goes to standard error, the rest to standard output.
        #expect(
            replay.out.flatMap(SessionScript.lines) == shell.cells.flatMap(\.output).filter { !$0.hasPrefix("error: ") }
        )
        // `_` and `out` belong to the prompt's notebook, not to the script.
        for name in shell.interpreter.globalOrder where name != "_" && name != "out" {
            #expect(second.interpreter.globals[name]?.rendered == shell.interpreter.globals[name]?.rendered, "\(name)")
        }
        // The replayed session (recorded statement by statement) saves to a file that
        // checks just as well.
        #expect(second.cells.flatMap(\.output) == shell.cells.flatMap(\.output))
        let checker = Captured()
        #expect(
            Shell(console: checker.console).check(
                SourceFile(name: "again.noe", text: second.savedText()),
                tolerance: .standard) == .success)
    }

    @Test func checkPassesOnAFaithfulReplay() throws {
        let folder = try TemporaryFolder()
        let (shell, _) = session(folder)
        let captured = Captured()
        let checker = Shell(console: captured.console)
        #expect(checker.check(SourceFile(name: "s.noe", text: shell.savedText()), tolerance: .standard) == .success)
        #expect(captured.out.isEmpty)
        #expect(captured.err.last?.hasPrefix("noether check: s.noe: all 6 outputs match") == true)
    }

    @Test func checkPrintsADiffOfWhatDiffers() throws {
        let text = """
            x = 0.5
            x * 2
            #=> 1.0000001
            y = [1, 2]
            y + 1
            #=> [2, 4]
            print("a")
            print("b")
            #=> a
            #=> b
            x
            #=> 0.5000004 (rtol=1e-6)
            """
        let captured = Captured()
        let status = Shell(console: captured.console).check(SourceFile(name: "c.noe", text: text), tolerance: .standard)
        #expect(status == .failure)
        #expect(
            captured.out.joined(separator: "\n") == """
                --- c.noe (recorded)
                +++ c.noe (replayed)
                @@ -3 +3 @@ x * 2
                -#=> 1.0000001
                +#=> 1
                @@ -6 +6 @@ y + 1
                -#=> [2, 4]
                +#=> [2, 3]
                """)
        #expect(captured.err.last == "noether check: c.noe: 2 of 4 outputs differ (rtol=1e-09, atol=0)")
        // A looser tolerance accepts the first difference but not the second.
        let loose = Captured()
        #expect(
            Shell(console: loose.console).check(SourceFile(name: "c.noe", text: text), tolerance: Tolerance(rtol: 1e-6))
                == .failure)
        #expect(loose.err.last == "noether check: c.noe: 1 of 4 outputs differ (rtol=1e-06, atol=0)")
    }

    @Test func checkReportsMissingAndUnexpectedOutput() {
        let captured = Captured()
        let status = Shell(console: captured.console).check(
            SourceFile(name: "m.noe", text: "1 + 1\nz = 3\n#=> 3\n"), tolerance: .standard)
        #expect(status == .failure)
        #expect(
            captured.out.joined(separator: "\n") == """
                --- m.noe (recorded)
                +++ m.noe (replayed)
                @@ -3 +3 @@ z = 3
                -#=> 3
                +#=> 2
                """)
    }

    @Test func checkStopsAtARuntimeErrorWithStatusOne() {
        let captured = Captured()
        let status = Shell(console: captured.console).check(
            SourceFile(name: "e.noe", text: "x = 1\nx\n#=> 1\ny = nope\ny\n#=> 2\n"),
            tolerance: .standard)
        #expect(status == .failure)
        #expect(captured.err.contains { $0.hasPrefix("e.noe:4:5: error: unknown name 'nope'") })
        #expect(captured.err.last == "noether check: e.noe: stopped by an error after 1 of 2 cells")
        let syntax = Captured()
        #expect(
            Shell(console: syntax.console).check(SourceFile(name: "p.noe", text: "x = (1"), tolerance: .standard)
                == .dataError)
    }

    @Test func runExecutesAFileInTheSession() throws {
        let folder = try TemporaryFolder()
        try folder.write("lib.noe", "fn sq(v) { v * v }\nbase = 7\nprint(\"loaded\")\n")
        try folder.write("self.noe", "run \"self.noe\"\n")
        try folder.write("bad.noe", "ok = 1\nbroken = nope\n")
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.interpreter.baseDirectory = folder.path
        #expect(shell.runCell("run \"lib.noe\"\nsq(base)"))
        #expect(captured.out == ["loaded", "49"])
        #expect(shell.cells.last == RecordedCell(text: "run \"lib.noe\"\nsq(base)", output: ["loaded", "49"]))
        #expect(shell.runCell("load \"lib.noe\""))
        #expect(!shell.runCell("run \"self.noe\""))
        #expect(captured.err.last?.contains("'self.noe' is already running") == true)
        #expect(!shell.runCell("run \"missing.noe\""))
        #expect(captured.err.last?.contains("error: no such file 'missing.noe'") == true)
        #expect(!shell.runCell("run \"bad.noe\""))
        #expect(captured.err.last?.hasPrefix("bad.noe:2:10: error: unknown name 'nope'") == true)
        #expect(shell.interpreter.globals["ok"] != nil)
        #expect(!shell.runCell("run"))
        #expect(captured.err.last?.contains("'run' needs one file name") == true)
    }

    @Test func saveReportsUnwritableFiles() throws {
        let folder = try TemporaryFolder()
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.interpreter.baseDirectory = folder.path
        #expect(!shell.runCell("save \"no/such/dir/s.noe\""))
        #expect(captured.err.last?.contains("no such file or directory") == true)
        #expect(shell.runCell("save \"ok.noe\""))
        // The failed save is in the record, with its error.
        #expect(captured.err.last == "saved 1 cell to ok.noe")
    }

    @Test func parametersReplaceTheScriptsDefaults() throws {
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.parameters = [("lr", .number(0.5)), ("tag", .string("run-7")), ("fresh", .bool(true))]
        let status = shell.runBatch(
            SourceFile(name: "p.noe", text: "lr = 0.01\nsteps = 10\nlr * steps\ntag\nfresh\nlr = 2\nlr"))
        #expect(status == .success)
        #expect(captured.out == ["5", "\"run-7\"", "true", "2"])
        #expect(
            shell.cells.map(\.text) == [
                "tag = \"run-7\"  # parameter (-p)", "fresh = true  # parameter (-p)", "lr = 0.01",
                "lr = 0.5  # parameter (-p)", "steps = 10", "lr * steps", "tag", "fresh", "lr = 2", "lr",
            ])
        // The saved session replays with the parameters in place.
        let replay = Captured()
        #expect(
            Shell(console: replay.console).check(
                SourceFile(name: "s.noe", text: shell.savedText()), tolerance: .standard) == .success)
    }

    @Test func quitStopsABatch() {
        let captured = Captured()
        #expect(Shell(console: captured.console).runBatch(SourceFile(name: "q.noe", text: "1\nquit\n2")) == .success)
        #expect(captured.out == ["1"])
    }

    @Test func theJournalKeepsEveryCellAsItRuns() throws {
        let folder = try TemporaryFolder()
        let captured = Captured()
        let shell = Shell(console: captured.console)
        let journal = Journal(directory: folder.path)
        shell.journal = journal
        shell.runCell("a = 2")
        shell.runCell("b = nope")
        shell.runCell("a * 21")
        let text = try String(contentsOfFile: journal.path, encoding: .utf8)
        #expect(text.hasPrefix("# Noether \(noetherVersion) journal started "))
        #expect(text.hasSuffix("\na = 2\n\nb = nope\n#=> error: unknown name 'nope'\n\na * 21\n#=> 42\n"))
        #expect(Journal.files(in: folder.path) == [journal.path])

        // Recovery replays it into a new session: bindings, outputs and record.
        let next = Captured()
        let recovered = Shell(console: next.console)
        #expect(recovered.recover(from: journal.path) == .success)
        #expect(next.out == ["42"])
        #expect(recovered.interpreter.globals["a"]?.rendered == "2")
        #expect(recovered.cells.map(\.text) == ["a = 2", "b = nope", "a * 21"])
        // Numbering continues after the recovered cells, the failed one included.
        #expect(recovered.notebook.nextNumber == 4)
    }

    @Test func questionMarksAskForHelp() {
        #expect(Shell.helpShorthand("?x") == "help x")
        #expect(Shell.helpShorthand("x?") == "help x")
        #expect(Shell.helpShorthand(" ?run.C \n") == "help run.C")
        #expect(Shell.helpShorthand("η?") == "help η")
        #expect(Shell.helpShorthand("?") == "help")
        #expect(Shell.helpShorthand("x ? y") == nil)
        #expect(Shell.helpShorthand("f(x)?") == nil)
        #expect(Shell.helpShorthand("x = 1") == nil)
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.runCell("lr = 0.5")
        #expect(shell.runCell("lr?"))
        #expect(captured.out.first?.hasPrefix("lr: a number") == true)
        #expect(shell.runCell("?train"))
        #expect(captured.out.last?.hasPrefix("train(") == true)
        #expect(shell.cells.map(\.text) == ["lr = 0.5"])  // help is not part of the record
    }

    @Test func journalsArePrunedToTheNewest() throws {
        let folder = try TemporaryFolder()
        try FileManager.default.createDirectory(atPath: folder.file("journal"), withIntermediateDirectories: true)
        for k in 0..<25 {
            try folder.write("journal/2020010\(k / 10)-0000\(String(format: "%02d", k))-1.noe", "x = \(k)\n")
        }
        let shell = Shell(console: Captured().console)
        shell.journal = Journal(directory: folder.path)
        shell.runCell("y = 1")
        let files = Journal.files(in: folder.path)
        #expect(files.count == Journal.keep)
        #expect(files.last == shell.journal?.path)
    }
}
