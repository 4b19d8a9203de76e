import NoetherLang
import NoetherSyntax

/// A lesson: an ordinary `.noe` script of prose and cells, cut into steps.
///
/// The format (docs/lessons.md):
///
/// ```
/// # Lesson 1: The rescaling symmetry          ← the title (first line)
///
/// ## Prose, shown to the student.             ← a step starts at prose
/// ## More prose; "##" alone is a blank line.
/// ## hint: shown when the student asks       ← hints of this step
/// net = mlp([10, 32, 3], seed=1)             ← the step's cell
/// net.C
/// #=> [-1.61337]                              ← checked when the lesson runs unattended
/// #? predict: Will C_1 go up (+1) or down (−1)?
/// #? answer: if run.net.C[0] > run.C0[0] { 1 } else { -1 }
/// #? tolerance: 0
/// #? explain: η² times the gradient imbalance decides the sign.
/// #? requires: hessian, eigs                  ← builtins the step needs
/// ```
///
/// A step is a block of `## ` prose and the code after it, up to the next prose that
/// follows code. Code before any prose is a step without prose. `## hint:` lines are
/// hints of the step they are in — placed after a cell, of that cell's step; placed
/// directly above prose, of that prose's step. `#? ` lines belong to the step whose
/// code they follow. Neither shows as prose. A step may have no cell (prose only,
/// e.g. a summary).
public struct Lesson: Sendable {
    public var title: String
    /// The file it came from.
    public var path: String
    /// The file name without folder and `.noe`: the key of its saved progress.
    public var id: String
    public var steps: [LessonStep]
    /// The file's text, for the unattended check (which runs each step's lines in place).
    public var text: String

    /// Why a lesson file cannot be used, with the line at fault.
    public struct FormatError: Error, Sendable, Equatable {
        public var line: Int
        public var message: String
    }

    /// Reads a lesson from its text. Format errors name the line (1-based).
    public static func parse(_ text: String, path: String) throws(FormatError) -> Lesson {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        lines = lines.map { $0.hasSuffix("\r") ? String($0.dropLast()) : $0 }
        var title = Lesson.id(of: path)
        var start = 0
        if let first = lines.first, first.hasPrefix("# ") {
            title = Lesson.title(String(first.dropFirst(2)))
            start = 1
        }
        var steps = [LessonStep]()
        var current: LessonStep?
        /// Whether the current step has code yet (prose after code starts a new step).
        var hasCode = false
        func startStep(at n: Int) {
            if let c = current { steps.append(c) }
            current = LessonStep(firstLine: n)
            hasCode = false
        }
        for index in start..<lines.count {
            let n = index + 1
            let line = lines[index]
            if line.hasPrefix("## hint:") {
                // After code, a hint belongs to the step of that code — unless it heads
                // the next prose block (prose follows on the very next line).
                var next = index + 1
                while next < lines.count, lines[next].hasPrefix("## hint:") { next += 1 }
                let headsProse = next < lines.count && lines[next].hasPrefix("##")
                if current == nil || (hasCode && headsProse) { startStep(at: n) }
                current!.hints.append(String(line.dropFirst("## hint:".count)).trimmingSpaces)
            } else if line.hasPrefix("#?") {
                if current == nil { startStep(at: n) }
                try current!.annotate(String(line.dropFirst(2)), line: n)
            } else if line.hasPrefix("##") {
                if current == nil || hasCode { startStep(at: n) }
                var prose = String(line.dropFirst(2))
                if prose.hasPrefix(" ") { prose.removeFirst() }
                current!.prose.append(prose)
            } else if line.trimmingSpaces.isEmpty {
                if hasCode {
                    current!.codeLines.append((n, line))
                } else if let last = current?.prose.last, !last.isEmpty {
                    current!.prose.append("")
                }
            } else {
                if current == nil {
                    // Comments before the first prose or code are the file's header.
                    if line.hasPrefix("#") { continue }
                    startStep(at: n)
                }
                current!.codeLines.append((n, line))
                hasCode = true
            }
        }
        if let c = current { steps.append(c) }
        for k in steps.indices {
            while steps[k].prose.last == "" { steps[k].prose.removeLast() }
            while let last = steps[k].codeLines.last, last.text.trimmingSpaces.isEmpty {
                steps[k].codeLines.removeLast()
            }
            if let p = steps[k].prediction, p.answer.isEmpty {
                throw FormatError(
                    line: p.line, message: "a prediction needs '#? answer: EXPRESSION' (the engine's value)")
            }
            if let p = steps[k].prediction, p.question.isEmpty {
                throw FormatError(line: p.line, message: "a prediction needs '#? predict: QUESTION'")
            }
        }
        guard !steps.isEmpty else {
            throw FormatError(line: 1, message: "the lesson has no steps (no ## prose and no cells)")
        }
        return Lesson(title: title, path: path, id: Lesson.id(of: path), steps: steps, text: text)
    }

    /// The title line without a leading "Lesson 3:" (the list numbers lessons itself).
    static func title(_ line: String) -> String {
        var t = Substring(line.trimmingSpaces)
        if t.hasPrefix("Lesson ") {
            let rest = t.dropFirst("Lesson ".count)
            let digits = rest.prefix(while: \.isNumber)
            var after = rest.dropFirst(digits.count)
            if !digits.isEmpty, let sep = after.first, ":.—–-".contains(sep) {
                after = after.dropFirst()
                t = after
            }
        }
        return String(t).trimmingSpaces
    }

    /// `examples/lessons/01-symmetry.noe` → `01-symmetry`.
    static func id(of path: String) -> String {
        var name = path.split(separator: "/").last.map(String.init) ?? path
        if name.hasSuffix(".noe") { name.removeLast(4) }
        return name
    }

    /// The text of the file with every line outside `lines` blanked, so a step runs
    /// with diagnostics at its real line numbers.
    func masked(keeping lines: Set<Int>) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { lines.contains($0.offset + 1) ? String($0.element) : "" }.joined(separator: "\n")
    }
}

/// One step of a lesson: prose, then (usually) a cell, with hints, an optional
/// prediction and the builtins it needs.
public struct LessonStep: Sendable {
    public var firstLine: Int
    /// Prose lines without their `## `; an empty string is a paragraph break.
    public var prose: [String] = []
    public var hints: [String] = []
    /// The step's code lines with their line numbers: the cell, its comments and its
    /// recorded `#=>` output.
    public var codeLines: [(line: Int, text: String)] = []
    public var prediction: Prediction?
    /// Builtins or constants the step needs; when one is missing the step is shown but
    /// not run (and the unattended check skips it).
    public var requires: [String] = []

    init(firstLine: Int) { self.firstLine = firstLine }

    /// The cell as shown and run: the code without recorded output, or "" for none.
    public var cell: String {
        codeLines.filter { SessionScriptLine.isOutput($0.text) == false }.map(\.text).joined(separator: "\n")
    }

    /// Whether the step has code to run (not only comments).
    public var hasCell: Bool {
        codeLines.contains {
            let t = $0.text.trimmingSpaces
            return !t.isEmpty && !t.hasPrefix("#")
        }
    }

    /// Reads one `#? key: value` line.
    mutating func annotate(_ body: String, line: Int) throws(Lesson.FormatError) {
        let trimmed = body.trimmingSpaces
        guard let colon = trimmed.firstIndex(of: ":") else {
            throw Lesson.FormatError(
                line: line, message: "expected '#? KEY: VALUE' (predict, answer, tolerance, explain, requires)")
        }
        let key = String(trimmed[..<colon]).trimmingSpaces
        let value = String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces
        switch key {
        case "predict":
            var p = prediction ?? Prediction(line: line)
            p.question += (p.question.isEmpty ? "" : " ") + value
            prediction = p
        case "answer":
            var p = prediction ?? Prediction(line: line)
            p.answer = value
            prediction = p
        case "tolerance", "tol", "rtol":
            guard let x = Double(value), x.isFinite, x >= 0 else {
                throw Lesson.FormatError(line: line, message: "'\(key)' needs a non-negative number, got '\(value)'")
            }
            var p = prediction ?? Prediction(line: line)
            if key == "rtol" { p.relativeTolerance = x } else { p.tolerance = x }
            prediction = p
        case "explain":
            var p = prediction ?? Prediction(line: line)
            p.explanation += (p.explanation.isEmpty ? "" : " ") + value
            prediction = p
        case "requires":
            requires += value.split(separator: ",").map { String($0).trimmingSpaces }.filter { !$0.isEmpty }
        default:
            throw Lesson.FormatError(
                line: line,
                message: "unknown lesson annotation '#? \(key):' (predict, answer, tolerance, rtol, explain, requires)")
        }
    }
}

/// "Predict, then run": the student is asked for a number before the cell runs;
/// afterwards `answer` is evaluated in the session and compared.
public struct Prediction: Sendable, Equatable {
    public var question = ""
    /// An expression giving the engine's own value, evaluated after the cell ran.
    public var answer = ""
    /// The answer is right when |guess − value| ≤ max(tolerance, relativeTolerance·|value|);
    /// with neither given, within 10% of the value.
    public var tolerance: Double?
    public var relativeTolerance: Double?
    public var explanation = ""
    public var line: Int

    init(line: Int) { self.line = line }

    public func accepts(_ guess: Double, value: Double) -> Bool {
        guard guess.isFinite, value.isFinite else { return guess == value }
        let rtol = tolerance == nil && relativeTolerance == nil ? 0.1 : relativeTolerance ?? 0
        return Swift.abs(guess - value) <= Swift.max(tolerance ?? 0, rtol * Swift.abs(value))
    }
}

/// Recognises recorded-output lines (`#=> …`) in lesson code.
enum SessionScriptLine {
    static func isOutput(_ line: String) -> Bool {
        line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(SessionScript.outputPrefix)
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}
