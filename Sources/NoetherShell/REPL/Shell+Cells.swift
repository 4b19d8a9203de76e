import Foundation
import NoetherLang
import NoetherSyntax

extension Shell {
    /// Runs one cell of a session — typed at the prompt or read from piped input —
    /// and returns whether it succeeded. A blank cell does nothing and succeeds.
    ///
    /// The cell is numbered (`In[3]` in diagnostics), parsed whole, run statement
    /// by statement; bare expressions print as they run, and the cell's value goes
    /// to `out[n]` and `_` (`Notebook`). With `notebook.labelsOutputs` the value is
    /// printed last as `out[3]: …`. An error is reported and leaves every binding
    /// made before it.
    ///
    /// A cell that ran without error is recorded with the lines it printed (`save`
    /// writes the record) and appended to the journal; a failed one is journalled as
    /// failed. The `out[3]:` label is never part of the record.
    ///
    /// Interrupts: a Ctrl-C raises `interpreter.interrupt`. Work that polls it either
    /// throws `interrupted` (reported with what was under way) or returns a partial
    /// result (a training run marked `interrupted`), and then the flag is still up
    /// when the cell ends: the cell is then reported as interrupted too. Either way
    /// the flag is down when this returns.
    ///
    /// With `storeHistory` false (a Jupyter client's `store_history`), the cell runs
    /// and keeps its bindings but is outside the session's history: no number (it is
    /// `In[ ]` in diagnostics), no `out[n]` or `_`; it is recorded and journalled only
    /// when it binds or defines something (so a saved session never hides state), and a
    /// failed or interrupted one never.
    @discardableResult
    public func runCell(_ text: String, storeHistory: Bool = true) -> Bool {
        guard !text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return true }
        let number = storeHistory ? notebook.begin(text) : notebook.nextNumber - 1
        let source = SourceFile(name: storeHistory ? "In[\(number)]" : "In[ ]", text: Shell.helpShorthand(text) ?? text)
        capture = []
        let before = interpreter.snapshotBindings()
        CrashReport.started(source)
        defer {
            CrashReport.finished()
            capture = nil
            interpreter.interrupt.clear()
            notebook.progress.reset()
        }
        var program = Program(statements: [])
        var completed = 0
        do {
            program = try Parser.parse(source)
            var printLast = false
            if notebook.labelsOutputs, let last = program.statements.indices.last,
                case .expression(let e, silent: false) = program.statements[last]
            {
                program.statements[last] = .expression(e, silent: true)
                printLast = true
            }
            let statements = program.statements
            CrashReport.statement(at: statements.first?.range.start ?? 0)
            var value = try runStatements(program, source: source) {
                completed += 1
                if completed < statements.count { CrashReport.statement(at: statements[completed].range.start) }
            }
            if !Shell.hasValue(program.statements.last, interpreter) { value = .nothing }
            let assigned = program.statements.compactMap { s -> String? in
                if case .assignment(let name, _, _, _) = s { return name }
                return nil
            }
            if interpreter.interrupt.isRaised {
                // Work that returned early still ran under an interrupt: the cell binds nothing.
                interpreter.restoreBindings(before)
                reportInterruptedWork()
                if storeHistory { recordInterrupted(text) }
                return false
            }
            if storeHistory { notebook.finish(number, value: value, assigned: assigned, in: interpreter) }
            if printLast { printCellValue(value, number: number) }
            noteShadowedCommands(assigned)
            // A cell outside the history that binds or defines something is still recorded
            // (unnumbered), or the saved session and the journal would hide state it made.
            let bindsSomething = !program.statements.allSatisfy {
                if case .expression = $0 { return true }
                return false
            }
            if (storeHistory || bindsSomething) && Shell.isRecordable(program.statements) {
                let output = capture ?? []
                recordCell(
                    RecordedCell(text: CellText.renumberingOutputs(text, savedNumbers), output: output),
                    statements: program.statements.count)
                if storeHistory { savedNumbers[number] = recordedStatements }
            }
            return true
        } catch {
            var diagnostic = error
            if diagnostic.kind == .interrupted, let what = notebook.progress.interruptedDescription {
                diagnostic.notes.append(what)
            }
            notebook.progress.reset()
            let rendered = DiagnosticRenderer.render(diagnostic, in: source)
            if let show = notebook.showError {
                show(diagnostic, rendered)
            } else {
                console.err(notebook.errorStyle.diagnostic(rendered))
            }
            if diagnostic.kind == .interrupted {
                interpreter.restoreBindings(before)
                if storeHistory { recordInterrupted(text) }
            } else if storeHistory, !program.statements.isEmpty, completed < program.statements.count {
                recordFailed(text, program: program, failing: completed, source: source, error: diagnostic)
            }
            return false
        }
    }

    /// Runs a cell's statements. With `notebook.showDisplay` (the Jupyter kernel), each
    /// bare expression before the last is offered to it first — a plot becomes a
    /// display, not text — and printed as usual when it declines; its lines are
    /// recorded either way.
    /// `completed` is called after each statement that finished.
    private func runStatements(
        _ program: Program, source: SourceFile, completed: @escaping () -> Void
    ) throws(Diagnostic) -> Value {
        guard let display = notebook.showDisplay else {
            return try interpreter.run(program, source: source) { _ throws(Diagnostic) in completed() }
        }
        var value = Value.nothing
        for statement in program.statements {
            guard case .expression(let e, silent: false) = statement else {
                value = try interpreter.run(Program(statements: [statement]), source: source)
                completed()
                continue
            }
            value = try interpreter.run(Program(statements: [.expression(e, silent: true)]), source: source)
            completed()
            if case .nothing = value { continue }
            if display(value) {
                capture?.append(contentsOf: SessionScript.lines(of: value.rendered))
            } else {
                interpreter.output(value.rendered)
            }
        }
        return value
    }

    /// IPython's shorthand: a cell `?x`, `x?` or `?run.C` is `help x` (a lone `?` is
    /// `help`); nil for any other cell.
    static func helpShorthand(_ text: String) -> String? {
        let t = text.trimmingCharacters(in: .whitespacesAndNewlines)
        if t == "?" { return "help" }
        let path: Substring
        if t.hasPrefix("?") {
            path = t.dropFirst().drop { $0 == " " }
        } else if t.hasSuffix("?") {
            path = t.dropLast()
        } else {
            return nil
        }
        let parts = path.split(separator: ".", omittingEmptySubsequences: false)
        guard !parts.isEmpty, parts.allSatisfy({ Lexer.isIdentifier(String($0)) }) else { return nil }
        return "help " + path
    }

    /// Whether a cell or statement ending with `statement` has a value: an expression,
    /// or a command word standing alone that shows a binding of that name (`run`).
    static func hasValue(_ statement: Statement?, _ interpreter: Interpreter) -> Bool {
        switch statement {
        case .expression?: return true
        case .command(let name, _, let arguments, _)?: return arguments.isEmpty && interpreter.globals[name] != nil
        default: return false
        }
    }

    /// A binding of a command word is not silent at the prompt: the word alone now
    /// shows the value. Said where it can surprise — at an interactive prompt
    /// (`commandWordNote`), once per user (its marker file) — not in scripts,
    /// notebooks or lessons, whose texts bind `run` on purpose.
    private func noteShadowedCommands(_ assigned: [String]) {
        guard let note = commandWordNote else { return }
        for name in assigned where Parser.defaultCommands.contains(name) && !shadowedCommands.contains(name) {
            shadowedCommands.insert(name)
            guard note.firstTime(name) else { continue }
            console.err(
                "note: '\(name)' is also a command: '\(name)' alone now shows this value; '\(name) \"FILE\"' still runs the command"
            )
        }
    }

    /// A failed cell is kept in the record as it ran: its statements up to the one that
    /// failed, its error as the expected output (`#=> error: …`, which `check` and
    /// batch replay expect), and the statements it never reached commented out.
    private func recordFailed(
        _ text: String, program: Program, failing: Int, source: SourceFile, error: Diagnostic
    ) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let statement = program.statements[failing]
        let endLine = source.location(of: Swift.max(statement.range.start, statement.range.end - 1)).line
        var kept = lines.prefix(endLine).joined(separator: "\n")
        let rest = lines.dropFirst(endLine).filter { !$0.allSatisfy { $0 == " " || $0 == "\t" } }
        if !rest.isEmpty {
            kept += "\n# not run in the session (the error above stopped the cell):"
            for line in rest { kept += "\n# " + line }
        }
        recordCell(
            RecordedCell(
                text: CellText.renumberingOutputs(kept, savedNumbers),
                output: (capture ?? []) + [Shell.errorLine(error)]),
            statements: failing + 1)
    }

    /// The comment line that opens an interrupted cell in the record.
    static let interruptedCellHeader = "# interrupted in the session (it bound nothing; not replayed):"

    /// An interrupted cell bound nothing; it is kept commented out, with a note.
    private func recordInterrupted(_ text: String) {
        let commented = text.split(separator: "\n", omittingEmptySubsequences: false).map { "# " + $0 }
        recordCell(
            RecordedCell(
                text: ([Shell.interruptedCellHeader] + commented)
                    .joined(separator: "\n"),
                output: []),
            statements: 0)
    }

    /// Prints a cell's value after its label: `out[3]: 42`, or the label on a line of
    /// its own above a value of several lines.
    private func printCellValue(_ value: Value, number: Int) {
        if case .nothing = value { return }
        let rendered = value.rendered
        capture?.append(contentsOf: SessionScript.lines(of: rendered))
        if let show = notebook.showValue { return show(value, number) }
        let label = notebook.outputStyle.dim("out[\(number)]:")
        let saved = capture
        capture = nil  // the labelled line is for the screen only
        interpreter.output(rendered.contains("\n") ? label + "\n" + rendered : label + " " + rendered)
        capture = saved
    }

    /// Work stopped by Ctrl-C returned a partial result instead of failing.
    private func reportInterruptedWork() {
        let what = notebook.progress.interruptedDescription.map { ": \($0); its result is partial" } ?? ""
        notebook.progress.reset()
        console.err(notebook.errorStyle.red("interrupted") + what)
    }
}
