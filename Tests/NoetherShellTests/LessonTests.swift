import Foundation
import NoetherLang
import Testing
@testable import NoetherShell

/// Lessons: the file format, the step-by-step runner at a scripted prompt (Enter,
/// next/back/skip/hint/show/quit, predictions right and wrong, progress saved and
/// resumed), the unattended check, and every lesson in examples/lessons checking.
@Suite struct LessonTests {
    static let sample = """
        # Lesson 9: A test lesson
        # (header comment)

        ## Make a number.
        ## Second line.
        ##
        ## New paragraph.
        ## hint: it is 21
        x = 21
        x * 2
        #=> 42

        ## Predict twice x.
        y = x * 2
        #? predict: What is y?
        #? answer: y
        #? tolerance: 0.5
        #? explain: y is twice x.

        ## hint: you cannot run this one here
        ## Needs a missing builtin.
        #? requires: no_such_builtin
        no_such_builtin(1)

        ## Uses y.
        z = y + 1
        z
        #=> 43

        ## The end.
        """

    /// A folder with lesson files and a state folder of its own.
    final class Folder {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-lessons-\(UUID().uuidString)")
        init(_ files: [String: String]) throws {
            try FileManager.default.createDirectory(
                at: url.appendingPathComponent("lessons"), withIntermediateDirectories: true)
            for (name, text) in files {
                try text.write(to: url.appendingPathComponent("lessons/\(name)"), atomically: true, encoding: .utf8)
            }
        }
        deinit { try? FileManager.default.removeItem(at: url) }
        var library: LessonLibrary {
            LessonLibrary(
                folders: [url.appendingPathComponent("lessons").path],
                progressPath: url.appendingPathComponent("state/lessons.json").path)
        }
    }

    static func shell(_ folder: Folder) -> CapturedShell {
        let c = CapturedShell()
        c.shell.lessons = folder.library
        return c
    }

    // MARK: - Format

    @Test func aLessonIsCutIntoStepsOfProseAndCells() throws {
        let lesson = try Lesson.parse(Self.sample, path: "lessons/09-test.noe")
        #expect(lesson.title == "A test lesson" && lesson.id == "09-test")
        #expect(lesson.steps.count == 5)
        let first = lesson.steps[0]
        #expect(first.prose == ["Make a number.", "Second line.", "", "New paragraph."])
        #expect(first.hints == ["it is 21"])
        #expect(first.cell == "x = 21\nx * 2" && first.hasCell)
        let p = try #require(lesson.steps[1].prediction)
        #expect(p.question == "What is y?" && p.answer == "y" && p.tolerance == 0.5 && p.explanation == "y is twice x.")
        #expect(p.accepts(42.4, value: 42) && !p.accepts(43, value: 42))
        #expect(
            lesson.steps[2].hints == ["you cannot run this one here"] && lesson.steps[2].requires == ["no_such_builtin"]
        )
        #expect(!lesson.steps[4].hasCell && lesson.steps[4].prose == ["The end."])
        // A hint after a cell is that cell's; a hint heading prose is the prose's step's.
        let hints = try Lesson.parse(
            "## a\nx = 1\n## hint: for a\n\n## b\ny = 2\n## hint: for c\n## c\nz = 3\n", path: "h.noe")
        #expect(hints.steps.map(\.hints) == [["for a"], [], ["for c"]])
        // Without a tolerance, within 10%.
        let loose = try Lesson.parse("## q\nx = 1\n#? predict: x?\n#? answer: x\n", path: "l.noe")
        #expect(
            loose.steps[0].prediction!.accepts(1.09, value: 1) && !loose.steps[0].prediction!.accepts(1.2, value: 1))
    }

    @Test func formatErrorsNameTheLine() {
        #expect(
            throws: Lesson.FormatError(
                line: 3,
                message: "unknown lesson annotation '#? answr:' (predict, answer, tolerance, rtol, explain, requires)")
        ) {
            try Lesson.parse("## a\nx = 1\n#? answr: x\n", path: "l.noe")
        }
        #expect(
            throws: Lesson.FormatError(
                line: 3, message: "a prediction needs '#? answer: EXPRESSION' (the engine's value)")
        ) {
            try Lesson.parse("## a\nx = 1\n#? predict: what?\n", path: "l.noe")
        }
        #expect(throws: Lesson.FormatError(line: 2, message: "'tolerance' needs a non-negative number, got 'big'")) {
            try Lesson.parse("## a\n#? tolerance: big\n", path: "l.noe")
        }
    }

    // MARK: - At the prompt

    @Test func theRunnerFollowsTheStudentAndSavesProgress() throws {
        let folder = try Folder(["09-test.noe": Self.sample])
        let c = Self.shell(folder)
        let editor = REPLCellTests.ScriptedEditor([
            .line("lesson 1"), .line("hint"), .line(""),  // step 1: a hint, then run it
            .line("abc"), .line("42"),  // step 2: not a number, then a right guess
            .line(""),  // step 3 needs a missing builtin: moves on
            .line("w = x + 1"), .line("back"), .line("skip"),  // an own cell; back to 3; skip it
            .line("quit"), .line("w"),  // leave at step 4; the prompt is normal again
        ])
        _ = REPL(shell: c.shell, editor: editor, history: nil).run()
        let out = c.out.joined(separator: "\n")
        #expect(out.contains("Lesson 1: A test lesson — 5 steps"))
        #expect(out.contains("Make a number.\nSecond line.\n\nNew paragraph.\n\n    x = 21\n    x * 2\n"))
        #expect(!out.contains("#=>"))
        #expect(out.contains("Hint: it is 21"))
        #expect(out.contains("out[2]: 42"))
        #expect(out.contains("Predict: What is y?"))
        #expect(out.contains("type a number for your prediction"))
        #expect(out.contains("Right: the engine says 42; you said 42. (within ±0.5)\ny is twice x."))
        #expect(out.contains("(this step needs no_such_builtin, which this build of Noether lacks: Enter moves on)"))
        #expect(out.contains("(step 3 skipped)"))
        #expect(out.contains("Left lesson 1 at step 4; `lesson 1` resumes it."))
        #expect(c.shell.interpreter.globals["w"].map { $0.rendered } == "22")
        #expect(editor.prompts.contains("[2] lesson 1 · 1/5> ") && editor.prompts.contains("predict> "))
        #expect(editor.prompts.suffix(2) == ["[5]> ", "[6]> "])
        #expect(out.hasSuffix("out[5]: 22"))
        // The lesson's cells are the session's: save keeps them.
        #expect(c.shell.cells.map(\.text).contains("x = 21\nx * 2"))

        let progress = folder.library.loadProgress().lessons["09-test"]
        #expect(progress?.step == 3 && progress?.ran == [0, 1] && progress?.done == false)
        #expect(
            progress?.predictions["1"] == LessonLibrary.Progress.PredictionRecord(guess: 42, value: 42, correct: true))
        #expect(folder.library.listing().contains("1  A test lesson  5 steps  at step 4"))

        // A new session resumes at step 4, replaying steps 1 and 2 first.
        let d = Self.shell(folder)
        let again = REPLCellTests.ScriptedEditor([.line("lesson 1"), .line(""), .line("")])
        _ = REPL(shell: d.shell, editor: again, history: nil).run()
        let resumed = d.out.joined(separator: "\n")
        #expect(resumed.contains("Resuming at step 4: replaying the cells of steps 1–3 first …"))
        #expect(resumed.contains("out[2]: 43"))
        #expect(resumed.contains("Lesson 1 complete. Predictions: 1 of 1 right."))
        #expect(d.shell.interpreter.globals["z"]?.rendered == "43")
        #expect(folder.library.loadProgress().lessons["09-test"]?.done == true)
        #expect(folder.library.listing().contains("5 steps  done"))
    }

    @Test func aWrongPredictionIsExplainedAndRestartStartsOver() throws {
        let folder = try Folder(["09-test.noe": Self.sample])
        let c = Self.shell(folder)
        let editor = REPLCellTests.ScriptedEditor([
            .line("lesson 1"), .line("next"), .line("7"), .line("show"), .line("quit"),
            .line("lesson 1 restart"), .line("quit"),
        ])
        _ = REPL(shell: c.shell, editor: editor, history: nil).run()
        let out = c.out.joined(separator: "\n")
        #expect(out.contains("Not quite: the engine says 42; you said 7. (within ±0.5)\ny is twice x."))
        #expect(out.contains("Left lesson 1 at step 3;"))
        #expect(out.contains("Left lesson 1 at step 1;"))
        let record = folder.library.loadProgress().lessons["09-test"]?.predictions["1"]
        #expect(record == nil)  // restart forgets the earlier answers
    }

    @Test func pipedInputDrivesALessonToo() throws {
        let folder = try Folder(["09-test.noe": Self.sample])
        let c = Self.shell(folder)
        var lines = ["lesson 1", "", "", "", "", "", "lesson"]
        let status = c.shell.runCells(prompt: false) { _ in lines.isEmpty ? nil : lines.removeFirst() }
        #expect(status == .success)
        let out = c.out.joined(separator: "\n")
        #expect(out.contains("The engine says 42.\ny is twice x."))
        #expect(out.contains("Lesson 1 complete."))
        #expect(out.contains("1  A test lesson  5 steps  done"))
    }

    @Test func proseWrapsAtTheTerminalsWidth() throws {
        let long = "## " + Array(repeating: "conservation", count: 12).joined(separator: " ")
        let folder = try Folder(["09-test.noe": Self.sample.replacingOccurrences(of: "## Make a number.", with: long)])
        let c = Self.shell(folder)
        c.shell.interpreter.textWidth = { 30 }
        var lines = ["lesson 1", "quit"]
        _ = c.shell.runCells(prompt: false) { _ in lines.isEmpty ? nil : lines.removeFirst() }
        let prose = c.out.joined(separator: "\n").split(separator: "\n").filter { $0.hasPrefix("conservation") }
        #expect(prose.count == 6, "\(c.out)")
        #expect(prose.allSatisfy { $0 == "conservation conservation" })
    }

    @Test func lessonCommandErrors() throws {
        let folder = try Folder(["09-test.noe": Self.sample])
        let c = Self.shell(folder)
        #expect(!c.shell.runCell("lesson 4"))
        #expect(c.err.joined().contains("there are lessons 1 to 1, not 4"))
        #expect(!c.shell.runCell("lesson \"missing.noe\""))
        #expect(c.err.joined().contains("no such lesson file"))
    }

    // MARK: - Unattended

    @Test func theCheckComparesOutputsAndEvaluatesPredictions() throws {
        let folder = try Folder([:])
        _ = folder
        let good = try Lesson.parse(Self.sample, path: "09-test.noe")
        let c = CapturedShell()
        let report = c.shell.checkLesson(good)
        #expect(report.passed, "\(report.failures)")
        #expect(report.cellsRun == 3 && report.outputsCompared == 2 && report.predictions.map(\.value) == [42])
        #expect(report.skipped.map(\.missing) == [["no_such_builtin"]])

        let wrong = try Lesson.parse(
            Self.sample.replacingOccurrences(of: "#=> 43", with: "#=> 44"), path: "09-test.noe")
        let d = CapturedShell()
        let failed = d.shell.checkLesson(wrong)
        #expect(!failed.passed && failed.failures == ["step 4: output differs at line 28"])
        #expect(d.out.joined(separator: "\n").contains("-#=> 44\n+#=> 43"))

        let broken = try Lesson.parse("## a\nx = undefined_name\n\n## b\ny = 1\n", path: "b.noe")
        let e = CapturedShell()
        let stopped = e.shell.checkLesson(broken)
        #expect(
            !stopped.passed
                && stopped.failures.first?.contains("b.noe:2:5: error: unknown name 'undefined_name'") == true)
        #expect(stopped.cellsRun == 1)

        let badAnswer = try Lesson.parse("## a\nx = 1\n#? predict: ?\n#? answer: \"one\"\n", path: "p.noe")
        let f = CapturedShell()
        #expect(
            f.shell.checkLesson(badAnswer).failures == [
                "p.noe:3: the prediction's answer '\"one\"' gave \"one\", not a finite number"
            ])
    }

    static let lessonFiles: [String] = {
        let folder = BinaryTests.packageRoot.appendingPathComponent("examples/lessons").path
        return LessonLibrary.lessonFiles(in: folder).map { folder + "/" + $0 }
    }()

    @Test func thereAreSixLessonsAtLeast() throws {
        #expect(Self.lessonFiles.count >= 6)
        for file in Self.lessonFiles {
            let lesson = try LessonLibrary.load(file).get()
            #expect(lesson.steps.count >= 6, "\(file)")
            #expect(lesson.steps.contains { $0.prediction != nil }, "\(file) has no prediction")
            #expect(lesson.steps.contains { !$0.hints.isEmpty }, "\(file) has no hint")
        }
    }

    /// Every lesson replays unattended, as `noether lesson --check` does: no lesson can
    /// teach with a broken cell. Steps needing builtins this build lacks are skipped.
    @Test(arguments: lessonFiles)
    func everyLessonChecks(file: String) throws {
        let lesson = try LessonLibrary.load(file).get()
        let c = CapturedShell()
        let report = c.shell.checkLesson(lesson)
        #expect(report.passed, "\(file): \(report.failures.joined(separator: "\n"))\n\(c.out.joined(separator: "\n"))")
        #expect(report.outputsCompared > 0 && report.cellsRun > 0)
        #expect(report.seconds < 30, "\(file) took \(report.seconds) s unattended; keep lessons small")
    }

    @Test func theCommandLineListsAndChecks() throws {
        let folder = try Folder(["01-good.noe": Self.sample, "02-bad.noe": "## a\nx = nope\n"])
        let env = [
            "NOETHER_LESSONS": folder.url.appendingPathComponent("lessons").path,
            "NOETHER_STATE_DIR": folder.url.appendingPathComponent("state").path,
        ]
        let list = try BinaryTests.run(["lesson"], environment: env)
        #expect(list.status == 0 && list.stdout.contains("1  A test lesson  5 steps  not started"))
        let one = try BinaryTests.run(["lesson", "--check", "1"], environment: env)
        #expect(
            one.status == 0
                && one.stderr.contains("01-good.noe: 5 steps, 3 cells run, 2 outputs compared, 1 predictions"))
        let all = try BinaryTests.run(["lesson", "--check"], environment: env)
        #expect(all.status == 1 && all.stderr.contains("02-bad.noe") && all.stderr.contains("FAILED"))
        let missing = try BinaryTests.run(["lesson", "--check", "7"], environment: env)
        #expect(missing.status == 66)
        let usage = try BinaryTests.run(["--check", "x.noe"], environment: env)
        #expect(usage.status == 64)
        let taken = try BinaryTests.run(["lesson", "1"], stdin: "\n42\n\n\n\n", environment: env)
        #expect(
            taken.status == 0 && taken.stdout.contains("Lesson 1 complete. Predictions: 1 of 1 right."),
            "\(taken.stdout)\n\(taken.stderr)")
    }
}
