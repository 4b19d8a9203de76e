import Foundation
import NoetherLang
import Testing

/// End to end: the real `noether` binary at a prompt on a pseudo-terminal — typing,
/// Tab, Ctrl-C at the prompt and during training, continuation, colour, Ctrl-D,
/// then a second session that finds the first one's history.
@Suite(.serialized) struct REPLTerminalTests {
    final class Sandbox {
        let path: String
        init() throws {
            path =
                FileManager.default.temporaryDirectory.appendingPathComponent("noether-tty-\(UUID().uuidString)").path
            try FileManager.default.createDirectory(atPath: path + "/home", withIntermediateDirectories: true)
            _ = FileManager.default.createFile(atPath: path + "/inputrc", contents: Data())
            _ = FileManager.default.createFile(atPath: path + "/session.noe", contents: Data("y = 7\n".utf8))
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }

        func environment(colour: Bool) -> [String: String] {
            var env = [
                "HOME": path + "/home", "TERM": "xterm", "INPUTRC": path + "/inputrc",
                "NOETHER_HISTORY": path + "/history", "OPENBLAS_NUM_THREADS": "1", "LANG": "C.UTF-8",
                "PATH": ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin",
            ]
            if !colour { env["NO_COLOR"] = "1" }
            return env
        }

        func start(colour: Bool) throws -> PseudoTerminal {
            try PseudoTerminal(
                executable: BinaryTests.binary.path, environment: environment(colour: colour), directory: path)
        }
    }

    /// Sends `input`, then waits for `expected` in what follows; records a failure
    /// with the transcript's tail when it does not come.
    @discardableResult
    static func step(
        _ tty: PseudoTerminal, _ input: String, expect expected: [String], timeout: Double = 10,
        sourceLocation: SourceLocation = #_sourceLocation
    ) -> Bool {
        let mark = tty.mark
        tty.send(input)
        for e in expected {
            guard tty.wait(for: e, after: mark, timeout: timeout) else {
                Issue.record(
                    "after \(input.debugDescription), no \(e.debugDescription) in:\n\(String(tty.transcript.suffix(1500)))",
                    sourceLocation: sourceLocation)
                return false
            }
        }
        return true
    }

    @Test func aSessionAtATerminal() throws {
        let sandbox = try Sandbox()
        let tty = try sandbox.start(colour: true)
        #expect(tty.wait(for: "[1]> ", timeout: 20), "no prompt:\n\(tty.transcript)")
        // The prompt is coloured on a colour terminal.
        #expect(tty.rawOutput.contains("\u{1B}[1;32m[1]> "))

        // Cells, values and their labels.
        Self.step(tty, "x = 41\r", expect: ["[2]> "])
        Self.step(tty, "x + 1\r", expect: ["out[2]: 42", "[3]> "])

        // Tab: a builtin's name, an argument label, a field, a path in a string.
        Self.step(tty, "data = gaussian_mi\t", expect: ["data = gaussian_mixture"])
        Self.step(tty, "(n=30, d=4, classes=2, seed=1)\r", expect: ["[4]> "])
        Self.step(tty, "r = train(mlp([4, 8, 2]), data, gd(lr=0.1), ste\t", expect: ["ste", "ps="])
        Self.step(tty, "20)\r", expect: ["[5]> "])
        Self.step(tty, "r.dr\t", expect: ["r.drift"])
        Self.step(tty, "\r", expect: ["out[5]: [", "[6]> "])
        Self.step(tty, "run \"ses\t", expect: ["run \"session.noe\""])

        // Ctrl-C at the prompt drops the line: the next one starts clean.
        Self.step(tty, "\u{03}", expect: ["^C", "[6]> "])
        Self.step(tty, "x\r", expect: ["out[6]: 41", "[7]> "])

        // Continuation while a bracket is open.
        Self.step(tty, "xs = [1,\r", expect: ["...> "])
        Self.step(tty, "2]\r", expect: ["[8]> "])

        // Ctrl-C during a long training stops it fast and keeps the session (the
        // interrupted cell binds nothing).
        Self.step(
            tty, "big = train(mlp([20, 256, 5]), gaussian_mixture(), gd(lr=0.001), steps=10000000, every=100)\r",
            expect: ["/10000000"], timeout: 15)  // the progress bar is up: training runs
        let start = Date()
        Self.step(tty, "\u{03}", expect: ["interrupted: train stopped at step", "[9]> "])
        let seconds = Date().timeIntervalSince(start)
        #expect(seconds < 3, "the prompt came back after \(seconds) s")
        Self.step(tty, "x\r", expect: ["out[9]: 41", "[10]> "])
        Self.step(tty, "big\r", expect: ["unknown name 'big'", "[11]> "])
        Self.step(tty, "xs\r", expect: ["out[11]: [1, 2]", "[12]> "])

        // Errors are coloured on a colour terminal, and the session goes on.
        let before = tty.rawOutput.count
        Self.step(tty, "nope\r", expect: ["error: unknown name 'nope'", "[13]> "])
        #expect(String(tty.rawOutput.dropFirst(before)).contains("\u{1B}[1;31merror:\u{1B}[0m"))

        // Binding a command word at the prompt is pointed out, the first time for this user.
        Self.step(tty, "run = 3\r", expect: ["'run' is also a command", "[14]> "])

        // Ctrl-D leaves, with success.
        tty.send("\u{04}")
        #expect(tty.waitForExit(timeout: 10) == 0)

        // Every cell but the cancelled one is in the history file, multi-line ones escaped.
        let history = try String(contentsOfFile: sandbox.path + "/history", encoding: .utf8)
        #expect(history.hasPrefix("#noether-history v1\nx = 41\nx + 1\n"))
        #expect(history.contains("\nxs = [1,\\n2]\n"))
        #expect(!history.contains("run \"session.noe\""))

        // A second session, without colour: the history is there (Up, Ctrl-R), and a
        // bracketed paste of several statements runs as several cells.
        let second = try sandbox.start(colour: false)
        #expect(second.wait(for: "[1]> ", timeout: 20))
        Self.step(second, "\u{1B}[A", expect: ["run = 3"])
        Self.step(second, "\u{03}", expect: ["[1]> "])
        Self.step(second, "\u{12}x = 4", expect: ["x = 41"])
        Self.step(second, "\r", expect: ["[2]> "])
        Self.step(second, "\u{1B}[200~a = 1\nb = [a,\n  2]\nb\u{1B}[201~", expect: ["2]"])
        Self.step(second, "\r", expect: ["out[4]: [1, 2]", "[5]> "])
        Self.step(second, "x\r", expect: ["out[5]: 41"])
        // The note was said in the first session: not again.
        Self.step(second, "run = 4\r", expect: ["[7]> "])
        #expect(!second.transcript.contains("is also a command"))
        Self.step(second, "quit\r", expect: [])
        #expect(second.waitForExit(timeout: 10) == 0)
        #expect(!second.rawOutput.contains("\u{1B}[1;32m"))
        #expect(!second.rawOutput.contains("\u{1B}[1;31m"))
    }

    /// The banner names `lesson`; long help goes through `$PAGER` wrapped at the
    /// window's width (never cutting a word); short help and `?x` print in place.
    @Test func helpIsWrappedAndPagedAtATerminal() throws {
        let sandbox = try Sandbox()
        var environment = sandbox.environment(colour: false)
        environment["PAGER"] = "sed 's/^/PAGED|/'"
        let tty = try PseudoTerminal(
            executable: BinaryTests.binary.path, environment: environment, directory: sandbox.path, columns: 60,
            rows: 20)
        #expect(tty.wait(for: "[1]> ", timeout: 20), "no prompt:\n\(tty.transcript)")
        #expect(tty.transcript.contains("'lesson' lists the lessons"))

        var mark = tty.mark
        Self.step(tty, "help\r", expect: ["PAGED|Noether builtins", "PAGED|  train", "[2]> "])
        let paged = String(tty.transcript.dropFirst(mark)).split(separator: "\n").filter { $0.hasPrefix("PAGED|") }
        #expect(paged.count > 20)
        for line in paged {
            #expect(line.count <= 60 + "PAGED|".count, "too wide: \(line)")
        }
        // Wrapped at spaces only: the same words as the unwrapped overview, in order, and
        // continuation lines indented under the abstracts' column.
        func words(_ text: String) -> [Substring] { text.split(whereSeparator: { $0 == " " || $0 == "\n" }) }
        let shown = paged.map { $0.dropFirst("PAGED|".count) }.joined(separator: "\n")
        #expect(words(shown) == words(BuiltinRegistry.standard.overview))
        #expect(paged.contains { $0.dropFirst("PAGED|".count).hasPrefix("        ") })

        // Short help is not paged; ?x and x? describe a binding.
        Self.step(tty, "x = 3\r", expect: ["[3]> "])
        mark = tty.mark
        Self.step(tty, "?x\r", expect: ["x: a number", "Bound by In[2]: x = 3", "[4]> "])
        Self.step(tty, "x?\r", expect: ["x: a number", "[5]> "])
        #expect(!String(tty.transcript.dropFirst(mark)).contains("PAGED|"))
        tty.send("\u{04}")
        #expect(tty.waitForExit(timeout: 10) == 0)

        // Without $PAGER, `less -R` (where installed): q leaves it, the session goes on.
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/less") else { return }
        environment["PAGER"] = nil
        let less = try PseudoTerminal(
            executable: BinaryTests.binary.path, environment: environment, directory: sandbox.path, columns: 60,
            rows: 20)
        #expect(less.wait(for: "[1]> ", timeout: 20))
        Self.step(less, "help\r", expect: ["Noether builtins"])
        Self.step(less, "q", expect: ["[2]> "])
        Self.step(less, "1 + 1\r", expect: ["out[2]: 2", "[3]> "])
        less.send("\u{04}")
        #expect(less.waitForExit(timeout: 10) == 0)
    }
}
