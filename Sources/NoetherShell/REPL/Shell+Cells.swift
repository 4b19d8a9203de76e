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
    @discardableResult
    public func runCell(_ text: String) -> Bool {
        guard !text.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) else { return true }
        let number = notebook.begin(text)
        let source = SourceFile(name: "In[\(number)]", text: Shell.helpShorthand(text) ?? text)
        capture = []
        defer {
            capture = nil
            interpreter.interrupt.clear()
            notebook.progress.reset()
        }
        do {
            var program = try Parser.parse(source)
            var printLast = false
            if notebook.labelsOutputs, let last = program.statements.indices.last,
                case .expression(let e, silent: false) = program.statements[last]
            {
                program.statements[last] = .expression(e, silent: true)
                printLast = true
            }
            var value = try runStatements(program, source: source)
            if case .expression? = program.statements.last {} else { value = .nothing }
            let assigned = program.statements.compactMap { s -> String? in
                if case .assignment(let name, _, _, _) = s { return name }
                return nil
            }
            notebook.finish(number, value: value, assigned: assigned, in: interpreter)
            if printLast { printCellValue(value, number: number) }
            if interpreter.interrupt.isRaised {
                reportInterruptedWork()
                journal?.appendFailed(text: text, error: "interrupted", console: console)
                return false
            }
            if Shell.isRecordable(program.statements) { recordCell(RecordedCell(text: text, output: capture ?? [])) }
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
            journal?.appendFailed(text: text, error: diagnostic.message, console: console)
            return false
        }
    }

    /// Runs a cell's statements. With `notebook.showDisplay` (the Jupyter kernel), each
    /// bare expression before the last is offered to it first — a plot becomes a
    /// display, not text — and printed as usual when it declines; its lines are
    /// recorded either way.
    private func runStatements(_ program: Program, source: SourceFile) throws(Diagnostic) -> Value {
        guard let display = notebook.showDisplay else { return try interpreter.run(program, source: source) }
        var value = Value.nothing
        for statement in program.statements {
            guard case .expression(let e, silent: false) = statement else {
                value = try interpreter.run(Program(statements: [statement]), source: source)
                continue
            }
            value = try interpreter.run(Program(statements: [.expression(e, silent: true)]), source: source)
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
