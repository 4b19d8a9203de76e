import NoetherLang
import NoetherSyntax

/// A lesson taken at the prompt, one step at a time.
///
/// Each step shows its prose and its cell; Enter (or `next`) runs the cell as an
/// ordinary cell of the session — numbered, printed, kept by `save` — and moves on.
/// Anything else the student types that is not a control word runs as their own
/// cell, between steps. Control words, alone on a line: `next`, `back`, `skip`,
/// `hint`, `show`, `quit` (leaves the lesson, not Noether).
///
/// A step with a prediction asks for a number first ("predict, then run"): the
/// student types it (or presses Enter to pass), the cell runs, the lesson's answer
/// expression is evaluated in the session, and the two are compared with the
/// step's tolerance, followed by the lesson's explanation.
///
/// Progress (the next step, the steps run, the predictions) is saved after every
/// step; `lesson N` resumes there, first replaying the earlier steps' cells quietly
/// so their bindings exist.
final class LessonSession {
    let lesson: Lesson
    let number: Int
    private(set) var index = 0
    private(set) var awaitingPrediction = false
    private var hintsShown = 0
    private unowned let shell: Shell
    private let library: LessonLibrary

    static let controlWords: Set<String> = ["next", "back", "skip", "hint", "show", "quit"]

    init(lesson: Lesson, number: Int, shell: Shell, library: LessonLibrary) {
        self.lesson = lesson
        self.number = number
        self.shell = shell
        self.library = library
    }

    var step: LessonStep { lesson.steps[index] }

    /// The prompt while the lesson runs: `[4] lesson 2 · 3/8> `, or `predict> `.
    func prompt(cellNumber: Int) -> String {
        awaitingPrediction ? "predict> " : "[\(cellNumber)] lesson \(number) · \(index + 1)/\(lesson.steps.count)> "
    }

    // MARK: - Starting

    /// Shows the lesson's heading and its first (or saved) step, replaying the cells
    /// of the steps before a saved one.
    func start(restart: Bool) {
        let entry = library.loadProgress().lessons[lesson.id]
        var resumeAt = 0
        if restart || entry?.done == true {
            library.updateProgress(lesson.id) { $0 = LessonLibrary.Progress.Entry(steps: lesson.steps.count) }
        } else if let e = entry {
            resumeAt = Swift.min(Swift.max(0, e.step), lesson.steps.count - 1)
        }
        say("Lesson \(number): \(lesson.title) — \(lesson.steps.count) steps")
        say("Enter runs each cell; type next, back, skip, hint, show or quit (leaves the lesson) on a line of its own,")
        say("or any cell of your own in between. Progress is saved as you go.")
        if resumeAt > 0 {
            say("Resuming at step \(resumeAt + 1): replaying the cells of steps 1–\(resumeAt) first …")
            index = replay(upTo: resumeAt)
        }
        show()
    }

    /// Runs the cells of steps 0..<end quietly (recorded, not printed); returns the
    /// step to continue at (where a replayed cell failed, if one did).
    private func replay(upTo end: Int) -> Int {
        for k in 0..<end {
            let s = lesson.steps[k]
            guard s.hasCell, missingRequirements(s).isEmpty else { continue }
            if let error = shell.runLessonCode(lesson, step: s, echo: false) {
                say("replaying step \(k + 1) failed: \(error); continuing at that step")
                return k
            }
        }
        return end
    }

    // MARK: - Input

    /// Takes a line the student typed; false when it is a cell of their own.
    func handle(_ line: String) -> Bool {
        let word = line.trimmingSpaces.lowercased()
        if awaitingPrediction {
            switch word {
            case "", "skip", "next": runStep(guess: nil)
            case "hint": showHint()
            case "back":
                awaitingPrediction = false
                go(to: index - 1)
            case "show": show()
            case "quit": quit()
            default:
                if let guess = Self.number(line) {
                    runStep(guess: guess)
                } else {
                    say("type a number for your prediction (e.g. 1.5, -1 or 2/3), or press Enter to skip the question")
                }
            }
            return true
        }
        switch word {
        case "", "next": runStep(guess: nil)
        case "skip":
            say("(step \(index + 1) skipped)")
            advance(ran: false)
        case "back": go(to: index - 1)
        case "hint": showHint()
        case "show": show()
        case "quit": quit()
        default: return false
        }
        return true
    }

    /// A prediction typed by the student: a number, or arithmetic on numbers
    /// (`2/0.1`), evaluated without the session's bindings.
    static func number(_ text: String) -> Double? {
        if let x = Double(text.trimmingSpaces) { return x }
        let scratch = Interpreter(output: { _ in })
        guard case .number(let x)? = try? scratch.run(text, name: "prediction") else { return nil }
        return x
    }

    // MARK: - Steps

    private func show() {
        let s = step
        let line = PlotDisplay.current.unicode ? "─" : "-"
        let rule = "\(line)\(line) step \(index + 1) of \(lesson.steps.count) "
        say("")
        say(shell.notebook.outputStyle.bold(rule + String(repeating: line, count: Swift.max(3, 60 - rule.count))))
        for p in s.prose { say(wrapped(p)) }
        let missing = missingRequirements(s)
        if s.hasCell {
            say("")
            for line in s.cell.split(separator: "\n", omittingEmptySubsequences: false) { say("    " + line) }
            say("")
        }
        if !missing.isEmpty {
            say(
                "(this step needs \(missing.joined(separator: ", ")), which this build of Noether lacks: Enter moves on)"
            )
            return
        }
        if let p = s.prediction, s.hasCell {
            say(shell.notebook.outputStyle.bold("Predict: ") + p.question)
            say(
                shell.notebook.outputStyle.dim(
                    "(type a number and press Enter; the cell then runs — Enter alone skips the question)"))
            awaitingPrediction = true
        } else {
            let action = s.hasCell ? "Enter runs it" : "Enter goes on"
            say(shell.notebook.outputStyle.dim("(\(action) · back · skip · hint · quit · or type a cell of your own)"))
        }
    }

    private func runStep(guess: Double?) {
        awaitingPrediction = false
        let s = step
        guard s.hasCell, missingRequirements(s).isEmpty else {
            advance(ran: false)
            return
        }
        guard shell.runCell(s.cell) else {
            say("the lesson's cell failed; try your own version of it, `show` it again, or `skip` it")
            return
        }
        if let p = s.prediction { judge(p, guess: guess) }
        advance(ran: true)
    }

    /// Evaluates the lesson's answer and compares it with the student's guess.
    private func judge(_ p: Prediction, guess: Double?) {
        let style = shell.notebook.outputStyle
        guard let value = shell.evaluateQuietly(p.answer) else {
            say("(the lesson's answer '\(p.answer)' could not be evaluated)")
            return
        }
        let shown = formatSummary(value)
        var correct = false
        if let guess {
            correct = p.accepts(guess, value: value)
            say(
                correct
                    ? style.green("Right:")
                        + " the engine says \(shown); you said \(formatSummary(guess)).\(p.toleranceNote)"
                    : style.yellow("Not quite:")
                        + " the engine says \(shown); you said \(formatSummary(guess)).\(p.toleranceNote)")
        } else {
            say("The engine says \(shown).")
        }
        if !p.explanation.isEmpty { say(p.explanation) }
        let record = LessonLibrary.Progress.PredictionRecord(guess: guess, value: value, correct: correct)
        report(library.updateProgress(lesson.id) { $0.predictions[String(index)] = record })
    }

    private func advance(ran: Bool) {
        let finished = index
        index += 1
        hintsShown = 0
        let count = lesson.steps.count
        report(
            library.updateProgress(lesson.id) { e in
                e.steps = count
                e.step = Swift.min(finished + 1, count - 1)
                if ran, !e.ran.contains(finished) {
                    e.ran.append(finished)
                    e.ran.sort()
                }
                if finished + 1 == count {
                    e.done = true
                    e.step = 0
                }
            })
        guard index < count else {
            finish()
            return
        }
        show()
    }

    private func go(to k: Int) {
        guard k >= 0 else {
            say("(this is the first step)")
            show()
            return
        }
        index = Swift.min(k, lesson.steps.count - 1)
        hintsShown = 0
        report(library.updateProgress(lesson.id) { $0.step = self.index })
        show()
    }

    private func showHint() {
        let hints = step.hints
        guard !hints.isEmpty else {
            say("(no hint for this step)")
            return
        }
        let k = Swift.min(hintsShown, hints.count - 1)
        say(shell.notebook.outputStyle.bold("Hint\(hints.count > 1 ? " \(k + 1)/\(hints.count)" : ""): ") + hints[k])
        hintsShown += 1
    }

    private func quit() {
        awaitingPrediction = false
        say("Left lesson \(number) at step \(index + 1); `lesson \(number)` resumes it.")
        library.session = nil
    }

    private func finish() {
        let entry = library.loadProgress().lessons[lesson.id]
        let predictions = entry?.predictions.values.filter { $0.guess != nil } ?? []
        var line = "Lesson \(number) complete."
        if !predictions.isEmpty {
            line += " Predictions: \(predictions.filter(\.correct).count) of \(predictions.count) right."
        }
        say("")
        say(
            shell.notebook.outputStyle.bold(line)
                + " `lesson` lists the others; your cells stay in this session (`save` keeps them).")
        library.session = nil
    }

    func missingRequirements(_ s: LessonStep) -> [String] {
        s.requires.filter {
            shell.interpreter.registry.builtins[$0] == nil && shell.interpreter.registry.constants[$0] == nil
        }
    }

    private func say(_ text: String) { shell.console.out(text) }

    /// Prose wrapped at the terminal's width (as written in pipes).
    private func wrapped(_ text: String) -> String {
        shell.interpreter.textWidth?().map { wrapText(text, width: $0) } ?? text
    }

    private func report(_ problem: String?) {
        if let problem { shell.console.err(shell.notebook.errorStyle.warning(problem)) }
    }
}

extension Prediction {
    /// ` (within ±0.5)` after a verdict, so the student knows how close counts.
    var toleranceNote: String {
        if let t = tolerance, t > 0 { return " (within ±\(formatSummary(t)))" }
        if let r = relativeTolerance, r > 0 { return " (within \(formatSummary(r * 100))%)" }
        if tolerance == nil && relativeTolerance == nil { return " (within 10%)" }
        return ""
    }
}
