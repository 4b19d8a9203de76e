import NoetherLang
import NoetherSyntax

/// The `lesson` command, the hook the prompt gives a running lesson, and the
/// unattended check of a lesson (`noether lesson --check`).
extension Shell {
    /// `lesson` lists; `lesson N` starts or resumes lesson N; `lesson N restart`
    /// starts it over; `lesson "file.noe"` takes a lesson from a file; `lesson check N`
    /// runs it unattended and reports.
    func runLessonCommand(_ arguments: [Value], _ range: SourceRange) throws(Diagnostic) {
        let library = lessons
        if arguments.isEmpty {
            console.out(library.listing())
            if let s = library.session { console.out("(taking lesson \(s.number), at step \(s.index + 1))") }
            return
        }
        var args = arguments
        var check = false
        if case .string("check") = args.first {
            check = true
            args.removeFirst()
        }
        var restart = false
        if case .string("restart") = args.last {
            restart = true
            args.removeLast()
        }
        guard args.count == 1 else {
            throw Diagnostic(
                .runtime, "'lesson' takes a lesson number or file", at: range,
                hint: "lesson lists them; lesson 2 starts the second; lesson 2 restart starts it over")
        }
        let (lesson, number) = try resolveLesson(args[0], range)
        if check {
            let report = checkLesson(lesson)
            if !report.passed {
                throw Diagnostic(
                    .runtime, "lesson \(number) does not check: \(report.failures.count) problem(s)", at: range)
            }
            return
        }
        library.session = LessonSession(lesson: lesson, number: number, shell: self, library: library)
        library.session!.start(restart: restart)
    }

    /// The lesson a `lesson` argument names: a number in the list, or a file.
    func resolveLesson(_ argument: Value, _ range: SourceRange) throws(Diagnostic) -> (Lesson, Int) {
        let path: String
        var number = 0
        switch argument {
        case .number(let x):
            let files = lessons.files
            guard x == x.rounded(), x >= 1, x <= Double(files.count) else {
                throw Diagnostic(
                    .runtime,
                    files.isEmpty
                        ? "no lessons found" : "there are lessons 1 to \(files.count), not \(formatNumber(x))",
                    at: range, hint: "lesson lists them")
            }
            number = Int(x)
            path = files[number - 1]
        case .string(let file):
            path = interpreter.resolvePath(file)
            number = (lessons.files.firstIndex(of: path) ?? -1) + 1
        default:
            throw Diagnostic(.runtime, "'lesson' takes a lesson number or file", at: range)
        }
        switch LessonLibrary.load(path) {
        case .success(let lesson): return (lesson, number)
        case .failure(let error): throw Diagnostic(.runtime, error.message, at: range)
        }
    }

    /// Offers a line typed at the prompt to the running lesson (Enter, a control word,
    /// a prediction); false when no lesson runs or the line is the student's own cell.
    public func lessonTakes(_ line: String) -> Bool {
        guard let session = lessons.session else { return false }
        return session.handle(line)
    }

    /// The prompt while a lesson runs, or nil.
    public var lessonPrompt: String? { lessons.session?.prompt(cellNumber: notebook.nextNumber) }

    /// Starts a lesson by number or file (as `lesson N` does); false, with a message,
    /// when it cannot.
    @discardableResult
    public func startLesson(_ which: Value, restart: Bool = false) -> Bool {
        do {
            try runLessonCommand([which] + (restart ? [.string("restart")] : []), SourceRange(0, 0))
            return true
        } catch {
            console.err("noether: error: \(error.message)")
            return false
        }
    }

    /// Runs one step's code (at its real line numbers), recorded as cells like a
    /// replayed script; returns the error's message when it fails.
    func runLessonCode(_ lesson: Lesson, step: LessonStep, echo shouldEcho: Bool) -> String? {
        let source = SourceFile(name: lesson.path, text: lesson.masked(keeping: Set(step.codeLines.map(\.line))))
        let program: Program
        do {
            program = try Parser.parse(source)
        } catch {
            return error.message
        }
        let saved = echo
        echo = shouldEcho
        defer { echo = saved }
        let outcome = runSegments(ScriptSegment.split(source, program), source: source, record: true)
        return outcome.error?.message
    }

    /// The value of an expression in the session, printing nothing; nil unless it is a number.
    func evaluateQuietly(_ expression: String) -> Double? {
        let output = interpreter.output
        interpreter.output = { _ in }
        defer { interpreter.output = output }
        guard case .number(let x)? = try? interpreter.run(expression, name: "answer") else { return nil }
        return x
    }
}

// MARK: - The unattended check

/// What checking one lesson found.
public struct LessonCheckReport: Sendable {
    public var lesson: String
    public var steps = 0
    public var cellsRun = 0
    public var outputsCompared = 0
    /// Each prediction's step (1-based) and the engine's value.
    public var predictions: [(step: Int, value: Double)] = []
    /// Steps not run because a builtin they need is missing, with the missing names.
    public var skipped: [(step: Int, missing: [String])] = []
    public var failures: [String] = []
    public var seconds = 0.0
    public var passed: Bool { failures.isEmpty }
}

extension Shell {
    /// Runs every step of a lesson in order, as `noether check` replays a script:
    /// each cell must run without error, recorded `#=>` output must match (numbers
    /// within `tolerance` or the cell's own note), and each prediction's answer must
    /// evaluate to a finite number. Cells without recorded output only need to run
    /// (plots print at the terminal's size). Steps needing a missing builtin are
    /// skipped and listed. Stops at the first error, since later steps build on
    /// earlier ones. Differences print to standard output; the summary to standard error.
    public func checkLesson(_ lesson: Lesson, tolerance: Tolerance = .standard) -> LessonCheckReport {
        withWritesRedirected { checkLessonRedirected(lesson, tolerance: tolerance) }
    }

    private func checkLessonRedirected(_ lesson: Lesson, tolerance: Tolerance) -> LessonCheckReport {
        let clock = ContinuousClock()
        let started = clock.now
        var report = LessonCheckReport(lesson: lesson.path, steps: lesson.steps.count)
        let saved = echo
        echo = false
        defer { echo = saved }
        stepLoop: for (k, step) in lesson.steps.enumerated() {
            let missing = step.requires.filter {
                interpreter.registry.builtins[$0] == nil && interpreter.registry.constants[$0] == nil
            }
            if !missing.isEmpty {
                report.skipped.append((k + 1, missing))
                continue
            }
            if step.hasCell {
                let source = SourceFile(
                    name: lesson.path, text: lesson.masked(keeping: Set(step.codeLines.map(\.line))))
                let program: Program
                do {
                    program = try Parser.parse(source)
                } catch {
                    report.failures.append(DiagnosticRenderer.render(error, in: source))
                    break stepLoop
                }
                let segments = ScriptSegment.split(source, program)
                let outcome = runSegments(segments, source: source, record: false)
                report.cellsRun += 1
                let failed = outcome.error != nil ? outcome.outputs.count - 1 : -1
                for (j, (segment, actual)) in zip(segments, outcome.outputs).enumerated()
                where j != failed && !segment.expected.isEmpty {
                    report.outputsCompared += 1
                    let t = segment.tolerance ?? tolerance
                    guard !OutputComparison.match(segment.expected, actual, tolerance: t) else { continue }
                    let edits = UnifiedDiff.lines(
                        segment.expected.map(SessionScript.outputLine), actual.map(SessionScript.outputLine)
                    ) {
                        OutputComparison.linesMatch($0, $1, tolerance: t)
                    }
                    let hunk = UnifiedDiff.hunk(
                        edits, oldStart: segment.outputLine, newStart: segment.outputLine,
                        title: "step \(k + 1)")
                    console.out("--- \(lesson.path) (recorded)\n+++ \(lesson.path) (replayed)\n" + hunk.dropLast())
                    report.failures.append("step \(k + 1): output differs at line \(segment.outputLine)")
                }
                if let error = outcome.error {
                    report.failures.append(DiagnosticRenderer.render(error, in: source))
                    break stepLoop
                }
            }
            if let p = step.prediction {
                let output = interpreter.output
                interpreter.output = { _ in }
                let result: Result<Value, Diagnostic>
                do throws(Diagnostic) {
                    result = .success(try interpreter.run(p.answer, name: "\(lesson.path):\(p.line)"))
                } catch {
                    result = .failure(error)
                }
                interpreter.output = output
                switch result {
                case .success(.number(let x)) where x.isFinite:
                    report.predictions.append((k + 1, x))
                case .success(let v):
                    report.failures.append(
                        "\(lesson.path):\(p.line): the prediction's answer '\(p.answer)' gave \(v.rendered), not a finite number"
                    )
                case .failure(let d):
                    report.failures.append(
                        "\(lesson.path):\(p.line): the prediction's answer '\(p.answer)' failed: \(d.message)")
                }
            }
        }
        report.seconds = (clock.now - started).seconds
        var summary =
            "noether lesson --check: \(lesson.path): \(report.steps) steps, \(report.cellsRun) cells run, "
            + "\(report.outputsCompared) outputs compared, \(report.predictions.count) predictions"
        if !report.skipped.isEmpty {
            let names = Set(report.skipped.flatMap(\.missing)).sorted().joined(separator: ", ")
            summary += ", \(report.skipped.count) steps skipped (missing: \(names))"
        }
        if !report.predictions.isEmpty {
            summary +=
                "; answers: "
                + report.predictions.map { "step \($0.step) → \(formatSummary($0.value, digits: 4))" }
                .joined(separator: ", ")
        }
        for f in report.failures { console.err(f) }
        console.err(
            summary + (report.passed ? " — ok" : " — FAILED") + " (\(formatSummary(report.seconds, digits: 2)) s)")
        return report
    }
}
