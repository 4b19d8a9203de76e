import Foundation
import NoetherLang
import NoetherSyntax
import Testing

@testable import NoetherShell

/// Issue 15: every saved session replays under `check` (and in batch) as it ran —
/// `_` and `out[n]`, failed and interrupted cells, command words bound as names —
/// and `--recover` restores the session that died.
@Suite struct SessionReplayTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-replay-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func read(_ dir: URL, _ name: String) -> String {
        (try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    @Test func underscoreAndOutReplayInCheckAndBatch() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        let env = ["NOETHER_STATE_DIR": state]
        let s = try BinaryTests.run([], stdin: "1 + 1\n_ * 10\nsave \"u.noe\"\n", environment: env, directory: dir)
        #expect(s.stdout == "2\n20\n", "stderr: \(s.stderr)")
        let check = try BinaryTests.run(["check", "u.noe"], environment: env, directory: dir)
        #expect(check.status == 0, "stdout: \(check.stdout) stderr: \(check.stderr)")
        let batch = try BinaryTests.run(["u.noe"], environment: env, directory: dir)
        #expect(batch.stdout == "2\n20\n", "stderr: \(batch.stderr)")
        // In a hand-written script too: statements are numbered.
        let script = try BinaryTests.run(["-e", "x = 3\nx * 2\nout[2] + _"], directory: dir)
        #expect(script.stdout == "6\n12\n", "stderr: \(script.stderr)")
    }

    @Test func failedCellsAreKeptWithTheirErrorAndOutIsRenumbered() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let env = ["NOETHER_STATE_DIR": dir.appendingPathComponent("state").path]
        let cells = """
            a = 1
            help mlp
            y + 1
            help train
            b = a + 1; c = nope; d = 4
            b * 10
            out[6] + 1
            save "f.noe"

            """
        let s = try BinaryTests.run([], stdin: cells, environment: env, directory: dir)
        #expect(s.stdout.hasSuffix("20\n21\n"), "stdout: \(s.stdout) stderr: \(s.stderr)")
        let saved = Self.read(dir, "f.noe")
        #expect(saved.contains("y + 1\n#=> error: unknown name 'y'\n"), "\(saved)")
        #expect(saved.contains("#=> error: unknown name 'nope'"), "\(saved)")
        // Help cells are not saved and the failed cell ran b and c only, so cell 6
        // (b * 10) is statement 5 of the file.
        #expect(saved.contains("\nout[5] + 1\n#=> 21\n"), "\(saved)")
        let check = try BinaryTests.run(["check", "f.noe"], environment: env, directory: dir)
        #expect(check.status == 0, "stdout: \(check.stdout) stderr: \(check.stderr)")
        let batch = try BinaryTests.run(["f.noe"], environment: env, directory: dir)
        #expect(batch.status == 0, "stderr: \(batch.stderr)")
        #expect(batch.stdout == "20\n21\n")
    }

    @Test func aBindingOfACommandWordGetsItsOutputAndANote() throws {
        let state = try TemporaryFolder()
        let c = CapturedShell()
        c.shell.commandWordNote = OneTimeNote(marker: state.file("notes-said"))
        c.shell.runCell("run = 5")
        #expect(c.err.filter { $0.contains("'run' is also a command") }.count == 1)
        c.shell.runCell("run")
        c.shell.runCell("out[2] + 1")
        c.shell.runCell("run = 6")
        #expect(c.out == ["5", "6"])
        #expect(c.err.filter { $0.contains("is also a command") }.count == 1)
        // Once per user: the next prompt session of the same user says nothing for
        // `run`, but still points out the first binding of another command word.
        let next = CapturedShell()
        next.shell.commandWordNote = OneTimeNote(marker: state.file("notes-said"))
        next.shell.runCell("run = 7")
        #expect(!next.err.contains { $0.contains("is also a command") })
        next.shell.runCell("vars = 1")
        #expect(next.err.contains { $0.contains("'vars' is also a command") })
    }

    @Test func scriptsNotebooksAndLessonsBindRunWithoutANote() throws {
        // No `commandWordNote`: piped cells, notebooks (the kernel), lessons.
        let c = CapturedShell()
        c.shell.runCell("run = 5")
        c.shell.runCell("run")
        #expect(c.out == ["5"])
        #expect(c.err.isEmpty, "\(c.err)")
        // A script, and piped cells through the binary (not a terminal).
        let dir = try TemporaryFolder()
        let env = ["NOETHER_STATE_DIR": dir.file("state")]
        try dir.write("s.noe", "run = 2\nrun * 3\n")
        let script = try BinaryTests.run([dir.file("s.noe")], environment: env)
        #expect(script.stdout == "6\n" && script.stderr.isEmpty, "\(script.stderr)")
        let piped = try BinaryTests.run([], stdin: "run = 2\nrun\n", environment: env)
        #expect(piped.stdout == "2\n" && piped.stderr.isEmpty, "\(piped.stderr)")
    }

    @Test func aCellOutsideTheHistoryTakesNoNumberAndIsRecordedOnlyWhenItBinds() throws {
        let c = CapturedShell()
        c.shell.runCell("a = 1")
        #expect(c.shell.runCell("b = a + 1\nb * 10", storeHistory: false))
        #expect(c.shell.interpreter.globals["b"] != nil)
        #expect(c.shell.notebook.nextNumber == 2)
        #expect(c.shell.notebook.cells.map(\.text) == ["a = 1"])
        // Not `_` nor an `out[n]`; not in the saved record.
        c.shell.runCell("out[1]")
        #expect(c.shell.notebook.nextNumber == 3)
        // A cell outside the history that binds something is saved, unnumbered, so the
        // saved session replays to the same state; one that only reads is not saved.
        #expect(c.shell.savedText().contains("b = a + 1\nb * 10\n"))
        let quiet = CapturedShell()
        quiet.shell.runCell("a = 1")
        #expect(quiet.shell.runCell("b = a + 1", storeHistory: false))
        #expect(quiet.shell.runCell("b + 0", storeHistory: false))
        #expect(quiet.shell.notebook.nextNumber == 2)
        #expect(!quiet.shell.savedText().contains("b + 0"))
        let replay = CapturedShell()
        #expect(replay.shell.runCell(quiet.shell.savedText()))
        #expect(replay.shell.interpreter.globals["b"] != nil)
        // An error names the cell `In[ ]` and is not recorded either.
        #expect(!c.shell.runCell("nope", storeHistory: false))
        #expect(c.err.contains { $0.contains("In[ ]:1:1: error: unknown name 'nope'") }, "\(c.err)")
        #expect(!c.shell.savedText().contains("nope"))
    }

    @Test func anInterruptedCellBindsNothingAndIsSavedCommentedOut() throws {
        let flag = InterruptFlag()
        let c = CapturedShell(interrupt: flag)
        c.shell.runCell("x = 41")
        REPLCellTests.interrupt(flag, after: 0.3)
        let ok = c.shell.runCell(
            "y = 1\nr = train(mlp([20, 64, 5]), gaussian_mixture(), gd(lr=0.001), steps=100000000, every=1000)")
        #expect(!ok)
        #expect(c.shell.interpreter.globals["y"] == nil && c.shell.interpreter.globals["r"] == nil)
        c.shell.runCell("x + 1")
        let text = c.shell.savedText()
        #expect(text.contains("# interrupted in the session (it bound nothing; not replayed):\n# y = 1\n# r = train("))
        let check = CapturedShell()
        #expect(check.shell.check(SourceFile(name: "s.noe", text: text), tolerance: .standard) == .success)
    }

    @Test func anInterruptDuringEigsBindsNothing() {
        let flag = InterruptFlag()
        let c = CapturedShell(interrupt: flag)
        c.shell.runCell("H = [[2, 1], [1, 2]]")
        flag.raise()
        #expect(!c.shell.runCell("E = eigs(H)"))
        #expect(c.shell.interpreter.globals["E"] == nil)
        #expect(c.err.joined().contains("interrupted"))
    }

    @Test func rangeAnswersCtrlCAtOnce() {
        let flag = InterruptFlag()
        let c = CapturedShell(interrupt: flag)
        REPLCellTests.interrupt(flag, after: 0.05)
        let start = Date()
        var stopped = false
        for _ in 0..<20 where !stopped {
            stopped = !c.shell.runCell("x = range(10000000)")
        }
        #expect(stopped)
        #expect(Date().timeIntervalSince(start) < 30)
        #expect(c.shell.interpreter.globals["x"] == nil || stopped)
    }

    // MARK: - Recovery

    static func journals(_ state: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: state + "/journal")) ?? []).sorted()
    }

    @Test func recoverTakesTheSessionThatDiedNotTheNewest() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        // Session A: killed with SIGKILL while its input is still open.
        let a = Process()
        a.executableURL = BinaryTests.binary
        a.currentDirectoryURL = dir
        var env = ProcessInfo.processInfo.environment
        env["NOETHER_STATE_DIR"] = state
        env["OPENBLAS_NUM_THREADS"] = "1"
        a.environment = env
        let input = Pipe()
        a.standardInput = input
        a.standardOutput = Pipe()
        a.standardError = Pipe()
        try a.run()
        input.fileHandleForWriting.write(Data("alpha = 7\n".utf8))
        // Wait for A's journal to hold its cell.
        for _ in 0..<100
        where !Self.journals(state).contains(where: { name in
            (try? String(contentsOfFile: state + "/journal/" + name, encoding: .utf8))?.contains("alpha") == true
        }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        // Session B runs and ends cleanly while A is alive: A's journal is locked.
        let b = try BinaryTests.run([], stdin: "beta = 2\n", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(b.status == 0)
        let live = try BinaryTests.run(
            ["--recover"], stdin: "alpha\n", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(!live.stdout.contains("7"), "a live session is not offered: \(live.stderr)")
        kill(a.processIdentifier, SIGKILL)
        a.waitUntilExit()
        let r = try BinaryTests.run(
            ["--recover"], stdin: "alpha\n", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(r.stdout == "7\n", "stderr: \(r.stderr)")
        // Journals are private to the user.
        for name in Self.journals(state) {
            let attributes = try FileManager.default.attributesOfItem(atPath: state + "/journal/" + name)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test func recoverReplaysPastFailingCellsDropsATornLineAndTakesAnID() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state + "/journal", withIntermediateDirectories: true)
        let journal = """
            # Noether 0.1.0 journal started 2026-01-01 00:00:00 UTC, BLAS threads 1

            a = 1

            b = load("gone.net")

            c = a + 1

            d = [1, 2
            """
        try journal.write(toFile: state + "/journal/20260101-000000-000-1.noe", atomically: true, encoding: .utf8)
        try "# Noether 0.1.0 journal started 2026-01-02 00:00:00 UTC, BLAS threads 1\n\nz = 9\n".write(
            toFile: state + "/journal/20260102-000000-000-2.noe", atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(
            ["--recover", "20260101-000000-000-1"], stdin: "c\n", environment: ["NOETHER_STATE_DIR": state],
            directory: dir)
        #expect(r.stdout == "2\n", "stderr: \(r.stderr)")
        #expect(r.stderr.contains("dropped the journal's torn last line 'd = [1, 2'"))
        #expect(r.stderr.contains("1 recovered cell failed again"))
        // Without an ID: both are crashed, the newest is taken and the list is shown.
        let newest = try BinaryTests.run(
            ["--recover"], stdin: "z\n", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(newest.stdout == "9\n", "stderr: \(newest.stderr)")
        #expect(newest.stderr.contains("crashed sessions (newest last):"))
        let unknown = try BinaryTests.run(
            ["--recover", "nope"], stdin: "", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(unknown.status == 66)
    }

    @Test func pruningNeverRemovesALiveSessionsJournal() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let state = dir.appendingPathComponent("state").path
        try FileManager.default.createDirectory(atPath: state + "/journal", withIntermediateDirectories: true)
        // The oldest journal belongs to a live session (it holds the lock).
        let livePath = state + "/journal/20200101-000000-000-1.noe"
        try "# live\n".write(toFile: livePath, atomically: true, encoding: .utf8)
        let fd = open(livePath, O_RDONLY)
        #expect(flock(fd, LOCK_EX | LOCK_NB) == 0)
        defer { close(fd) }
        for k in 0..<25 {
            try "# old\n".write(
                toFile: state + "/journal/20210101-000000-000-\(k + 10).noe", atomically: true, encoding: .utf8)
        }
        let r = try BinaryTests.run([], stdin: "1\n", environment: ["NOETHER_STATE_DIR": state], directory: dir)
        #expect(r.status == 0)
        #expect(FileManager.default.fileExists(atPath: livePath))
        #expect(Self.journals(state).count == Journal.keep + 1)
    }
}
