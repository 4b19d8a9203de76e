import Foundation
import NoetherLang
import Synchronization
import Testing
@testable import NoetherShell

/// A shell whose console is captured.
final class CapturedShell {
    final class Box: Sendable {
        private let storage = Mutex<[String]>([])
        func append(_ s: String) { storage.withLock { $0.append(s) } }
        var lines: [String] { storage.withLock { $0 } }
    }

    let shell: Shell
    private let outBox: Box
    private let errBox: Box
    var out: [String] { outBox.lines }
    var err: [String] { errBox.lines }

    init(interrupt: InterruptFlag = InterruptFlag()) {
        let o = Box()
        let e = Box()
        outBox = o
        errBox = e
        shell = Shell(console: Console(out: { o.append($0) }, err: { e.append($0) }), interrupt: interrupt)
    }
}

/// Cells: assembling them from lines, numbering, `_` and `out[n]`, the session
/// commands, and interrupts — all without a terminal.
@Suite struct REPLCellTests {
    // MARK: - Reading cells

    /// Feeds `inputs` to a reader, recording the partial cell each read saw.
    static func readAll(_ inputs: [LineInput]) -> (cells: [CellInput], partials: [String?]) {
        var reader = CellReader()
        var queue = inputs
        var partials: [String?] = []
        var cells: [CellInput] = []
        while true {
            let cell = reader.next { partial in
                partials.append(partial)
                return queue.isEmpty ? .end : queue.removeFirst()
            }
            cells.append(cell)
            if cell == .end { break }
        }
        return (cells, partials)
    }

    @Test func aCellContinuesWhileABracketIsOpen() {
        let r = Self.readAll([.line("xs = [1,"), .line("      2]"), .line("f(1,"), .line("  \"a"), .line("\")")])
        #expect(r.cells == [.cell("xs = [1,\n      2]"), .cell("f(1,\n  \"a\n\")"), .end])
        #expect(r.partials == [nil, "xs = [1,", nil, "f(1,", "f(1,\n  \"a", nil])
    }

    @Test func aPasteRunsAsIfTypedLineByLine() {
        let r = Self.readAll([.line("a = 1\nb = [2,\n3]\n\nb\r\nc = 4\n")])
        #expect(r.cells == [.cell("a = 1"), .cell("b = [2,\n3]"), .cell("b"), .cell("c = 4"), .end])
        #expect(r.partials == [nil, nil])
    }

    @Test func ctrlCDropsThePartialCellAndTheRestOfAPaste() {
        let r = Self.readAll([.line("xs = [1,"), .interrupt, .line("x = 1")])
        #expect(r.cells == [.cancelled, .cell("x = 1"), .end])
        #expect(r.partials == [nil, "xs = [1,", nil, nil])
        var reader = CellReader()
        var inputs: [LineInput] = [.line("a = (1,\n2,\n3"), .interrupt, .line("ok")]
        #expect(reader.next { _ in inputs.removeFirst() } == .cancelled)
        #expect(reader.pending.isEmpty)
        #expect(reader.next { _ in inputs.removeFirst() } == .cell("ok"))
    }

    @Test func endOfInputSubmitsAPartialCellThenEnds() {
        let r = Self.readAll([.line(""), .line("   "), .line("xs = [1,")])
        #expect(r.cells == [.cell("xs = [1,"), .end])
    }

    // MARK: - Numbering, _ and out[n]

    @Test func cellsSetUnderscoreAndOut() {
        let c = CapturedShell()
        c.shell.runCell("x = 2")
        c.shell.runCell("x * 21")
        c.shell.runCell("_ + 1")
        c.shell.runCell("out[2] - 2;")
        c.shell.runCell("_")
        c.shell.runCell("out")
        // out[n] for a cell without a value (an assignment) is nothing.
        #expect(c.out == ["42", "43", "40", "[none, none, 42, 43, 40, 40]"])
        #expect(c.err.isEmpty)
        #expect(c.shell.notebook.nextNumber == 7)
    }

    @Test func labelledOutputsOnATerminal() {
        let c = CapturedShell()
        c.shell.notebook.labelsOutputs = true
        c.shell.runCell("x = 2")
        c.shell.runCell("x * 21")
        c.shell.runCell("print(\"hi\"); x")
        c.shell.runCell("x;")
        c.shell.runCell("[1,\n 2]")
        #expect(c.out == ["out[2]: 42", "hi", "out[3]: 2", "out[5]: [1, 2]"])
        c.shell.runCell("nope")
        #expect(c.err.first?.hasPrefix("In[6]:1:1: error: unknown name 'nope'") == true)
    }

    @Test func aBindingOfTheUsersOwnWins() {
        let c = CapturedShell()
        c.shell.runCell("out = \"mine\"")
        c.shell.runCell("1 + 1")
        c.shell.runCell("out")
        #expect(c.out == ["2", "\"mine\""])
        c.shell.runCell("_")
        #expect(c.out.last == "\"mine\"")
    }

    // MARK: - Session commands

    @Test func varsListsBindingsWithTypeAndSummary() {
        let c = CapturedShell()
        c.shell.runCell("data = gaussian_mixture(n=20, d=3, classes=2, seed=1)")
        c.shell.runCell("x = 1.5")
        c.shell.runCell("fn f(a) { a }")
        c.shell.runCell("long = \"" + String(repeating: "a", count: 100) + "\"")
        c.shell.runCell("x")  // binds _ and out, which vars leaves out
        c.shell.runCell("vars")
        #expect(
            c.out.last == """
                data  dataset   dataset gaussian_mixture: n=20, d=3, 2 classes
                x     number    1.5
                f     function  <fn f(a)>
                long  string    "\(String(repeating: "a", count: 70))…
                """)
        c.shell.runCell("vars x f")
        #expect(c.out.last == "x  number    1.5\nf  function  <fn f(a)>")
        c.shell.runCell("vars 3")
        #expect(c.err.last?.contains("'vars' takes names") == true)
    }

    @Test func historyListsThisSessionsCells() {
        let c = CapturedShell()
        c.shell.runCell("x = 1")
        c.shell.runCell("xs = [1,\n 2]")
        c.shell.runCell("history")
        #expect(c.out.last == "[1] x = 1\n[2] xs = [1,\n     2]")
        c.shell.runCell("history 1")
        #expect(c.out.last == "[3] history")
    }

    @Test func resetDropsEveryBindingButNotTheNumbering() {
        let c = CapturedShell()
        c.shell.runCell("x = 1")
        c.shell.runCell("x")
        c.shell.runCell("reset")
        #expect(c.shell.interpreter.globals.isEmpty)
        c.shell.runCell("vars")
        #expect(c.out.last == "(no bindings)")
        c.shell.runCell("x")
        #expect(c.err.last?.hasPrefix("In[5]:1:1: error: unknown name 'x'") == true)
        c.shell.runCell("reset now")
        #expect(c.err.last?.contains("'reset' takes no arguments") == true)
    }

    @Test func clearDoesNothingOffATerminal() {
        let c = CapturedShell()
        #expect(c.shell.runCell("clear"))
        #expect(c.out.isEmpty && c.err.isEmpty)
    }

    // MARK: - Interrupts

    /// Raises the interrupt flag after `delay` seconds, from another thread.
    static func interrupt(_ flag: InterruptFlag, after delay: Double) {
        Thread.detachNewThread {
            Thread.sleep(forTimeInterval: delay)
            flag.raise()
        }
    }

    @Test func ctrlCStopsTrainingAndKeepsTheSession() {
        let flag = InterruptFlag()
        let c = CapturedShell(interrupt: flag)
        c.shell.runCell("x = 41")
        Self.interrupt(flag, after: 0.3)
        let start = Date()
        let ok = c.shell.runCell(
            "run = train(mlp([20, 64, 5]), gaussian_mixture(), gd(lr=0.001), steps=100000000, every=1000)")
        let seconds = Date().timeIntervalSince(start)
        #expect(!ok)
        #expect(seconds < 5, "took \(seconds) s to stop")
        #expect(!flag.isRaised)
        #expect(c.err.last?.hasPrefix("interrupted: train stopped at step ") == true, "\(c.err)")
        // The interrupted cell binds nothing (issue 15); the session goes on.
        c.shell.runCell("x + 1")
        #expect(c.out == ["42"])
        #expect(c.shell.interpreter.globals["run"] == nil)
    }

    @Test func ctrlCBetweenStatementsStopsTheCellThere() {
        let flag = InterruptFlag()
        let c = CapturedShell(interrupt: flag)
        Self.interrupt(flag, after: 0.3)
        let ok = c.shell.runCell(
            """
            a = 1
            r = train(mlp([20, 64, 5]), gaussian_mixture(), gd(lr=0.001), steps=100000000, every=1000)
            b = 2
            """)
        #expect(!ok)
        let message = c.err.joined(separator: "\n")
        #expect(message.hasPrefix("In[1]:3:1: error: interrupted"), "\(message)")
        #expect(message.contains("note: train stopped at step "))
        // An interrupted cell binds nothing, not even what ran before the interrupt.
        #expect(c.shell.interpreter.globals["a"] == nil)
        #expect(c.shell.interpreter.globals["r"] == nil)
        #expect(c.shell.interpreter.globals["b"] == nil)
        #expect(!flag.isRaised)
        #expect(c.shell.notebook.progress.tasks.isEmpty)
    }

    // MARK: - The REPL loop

    /// A line editor that plays a script and records the prompts it was shown.
    final class ScriptedEditor: LineEditor {
        var script: [LineInput]
        var prompts: [String] = []
        var partials: [String] = []
        var history: [String] = []
        init(_ script: [LineInput]) { self.script = script }
        func read(prompt: String, partial: String) -> LineInput {
            prompts.append(prompt)
            partials.append(partial)
            return script.isEmpty ? .end : script.removeFirst()
        }
        func addHistory(_ entry: String) { history.append(entry) }
    }

    @Test func theLoopNumbersPromptsRemembersCellsAndQuits() {
        let folder = REPLHistoryTests.Folder()
        let store = HistoryStore(path: folder.file("history"))
        store.append("old cell")
        let c = CapturedShell()
        let editor = ScriptedEditor([
            .line("x = 1"), .line("x + 1"), .interrupt, .line("xs = [1,"), .interrupt,
            .line("ys = [1,"), .line(" 2]"), .line(" hidden = 3"), .line("quit"), .line("never read"),
        ])
        let status = REPL(shell: c.shell, editor: editor, history: store).run()
        #expect(status == .success)
        #expect(editor.prompts == ["[1]> ", "[2]> ", "[3]> ", "[3]> ", "...> ", "[3]> ", "...> ", "[4]> ", "[5]> "])
        #expect(editor.partials[4] == "xs = [1,")
        #expect(
            c.out == ["\(REPL.banner)", "out[2]: 2"])
        #expect(editor.history == ["old cell", "x = 1", "x + 1", "ys = [1,\n 2]", "quit"])
        #expect(store.load().entries == ["old cell", "x = 1", "x + 1", "ys = [1,\n 2]", "quit"])
        #expect(c.shell.interpreter.globals["hidden"] != nil)
    }

    @Test func ctrlDEndsTheLoopAndHistoryDamageIsOnlyAWarning() {
        let folder = REPLHistoryTests.Folder()
        folder.write("history", Array("#noether-history v1\nok\nbad\\z\n".utf8))
        let c = CapturedShell()
        let editor = ScriptedEditor([.line("1")])
        let status = REPL(shell: c.shell, editor: editor, history: HistoryStore(path: folder.file("history"))).run()
        #expect(status == .success)
        #expect(c.err == ["warning: the history file '\(folder.file("history"))' has 1 damaged line; it was skipped"])
        #expect(editor.history == ["ok", "1"])
        #expect(editor.prompts == ["[1]> ", "[2]> "])
    }
}
