import NoetherLang
import NoetherSyntax

extension Shell {
    /// Connects the notebook to the interpreter: the session commands `vars`,
    /// `history`, `clear` and `reset` (ahead of the shell's own commands, which
    /// still get every other name), and progress reports into
    /// `notebook.progress` (after any reporter already set). Called once, by `init`.
    func attachNotebook() {
        let shellCommands = interpreter.commandHandler
        interpreter.commandHandler = { [unowned self] name, arguments, range throws(Diagnostic) in
            if try self.runMetaCommand(name, arguments, range) { return true }
            return try shellCommands?(name, arguments, range) ?? false
        }
        let previous = interpreter.progress
        let tracker = notebook.progress
        interpreter.progress = { done, total, label in
            previous?(done, total, label)
            tracker.update(done: done, total: total, label: label)
        }
    }

    /// Runs a session command; `false` when `name` is not one.
    private func runMetaCommand(_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) -> Bool {
        switch name {
        case "vars":
            var names: [String]? = nil
            if !arguments.isEmpty {
                names = try arguments.map { (a: Value) throws(Diagnostic) -> String in
                    guard case .string(let s) = a else {
                        throw Diagnostic(.runtime, "'vars' takes names, e.g. 'vars net run'", at: range)
                    }
                    return s
                }
            }
            interpreter.output(varsListing(only: names))
        case "history":
            var count: Int?
            if let first = arguments.first {
                guard arguments.count == 1, case .number(let x) = first, x >= 1, x == x.rounded(), x < 1e9 else {
                    throw Diagnostic(.runtime, "'history' takes a number of cells, e.g. 'history 10'", at: range)
                }
                count = Int(x)
            }
            let listing = historyListing(last: count)
            if !listing.isEmpty { interpreter.output(listing) }
        case "clear":
            try noArguments(name, arguments, range)
            // Only a terminal that understands it is cleared; elsewhere it does nothing.
            if notebook.canClearScreen { Console.writeAll(1, "\u{1B}[H\u{1B}[2J") }
        case "reset":
            try noArguments(name, arguments, range)
            interpreter.resetBindings()
            notebook.reset()
        default:
            return false
        }
        return true
    }

    private func noArguments(_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) {
        guard arguments.isEmpty else {
            throw Diagnostic(.runtime, "'\(name)' takes no arguments", at: range)
        }
    }

    /// One line per binding, in the order first bound: name, type and a one-line
    /// summary (at most `summaryWidth` characters). The notebook's `_` and `out` are
    /// left out.
    func varsListing(only names: [String]? = nil, summaryWidth: Int = 72) -> String {
        var rows = interpreter.globalOrder.filter { !notebook.isMaintained($0) }
        if let names { rows = rows.filter { names.contains($0) } }
        guard !rows.isEmpty else { return names == nil ? "(no bindings)" : "(no such bindings)" }
        let values = rows.map { interpreter.globals[$0] ?? .nothing }
        let types = values.map(\.typeName)
        let nameWidth = rows.map(\.count).max()!
        let typeWidth = types.map(\.count).max()!
        return zip(rows, zip(types, values)).map { name, typed in
            let (type, value) = typed
            var summary =
                value.rendered.split(separator: "\n", omittingEmptySubsequences: false).first.map(String.init) ?? ""
            if value.rendered.contains("\n") { summary += " …" }
            if summary.count > summaryWidth { summary = String(summary.prefix(summaryWidth - 1)) + "…" }
            return name.padding(nameWidth) + "  " + type.padding(typeWidth) + "  " + summary
        }.joined(separator: "\n")
    }

    /// The session's cells before the current one, `[n] text`, continuation lines
    /// indented under the first; the last `count` only when given.
    func historyListing(last count: Int? = nil) -> String {
        var cells = notebook.cells.filter { $0.number < notebook.nextNumber - 1 }
        if let count, cells.count > count { cells.removeFirst(cells.count - count) }
        return cells.map { cell in
            let label = "[\(cell.number)] "
            let indent = String(repeating: " ", count: label.count)
            return label
                + cell.text.split(separator: "\n", omittingEmptySubsequences: false)
                .joined(separator: "\n" + indent)
        }.joined(separator: "\n")
    }
}

extension String {
    fileprivate func padding(_ width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
