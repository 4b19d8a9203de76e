#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NoetherLang
import NoetherSyntax

/// The kernel's answers that need no sockets: completion, inspection, completeness,
/// history, and a value's MIME bundle. Each reuses what the REPL uses (`Completer`,
/// `help`/`explain` texts, `Lexer.needsContinuation`, the notebook's cells).
enum JupyterRequests {
    /// `complete_request`: the REPL's completer on the text before the cursor. Jupyter
    /// counts the cursor in Unicode code points; the completer in UTF-8 bytes.
    static func complete(_ content: [String: Any], shell: Shell) -> [String: Any] {
        let code = content["code"] as? String ?? ""
        let scalars = Array(code.unicodeScalars)
        let cursor = min(max(content["cursor_pos"] as? Int ?? scalars.count, 0), scalars.count)
        var before = String.UnicodeScalarView()
        before.append(contentsOf: scalars[..<cursor])
        let text = String(before)
        let completion = Completer.complete(text, in: CompletionContext(interpreter: shell.interpreter))
        let start = String(decoding: Array(text.utf8).prefix(completion.start), as: UTF8.self).unicodeScalars.count
        return [
            "status": "ok", "matches": completion.candidates, "cursor_start": start, "cursor_end": cursor,
            "metadata": [String: Any](),
        ]
    }

    /// `inspect_request`: what `help NAME` (or `explain NAME`) prints for the name at
    /// the cursor, or a bound value's type and summary.
    static func inspect(_ content: [String: Any], shell: Shell) -> [String: Any] {
        let code = content["code"] as? String ?? ""
        let cursor = content["cursor_pos"] as? Int ?? code.unicodeScalars.count
        guard let name = word(in: code, at: cursor), let text = inspection(of: name, shell: shell) else {
            return ["status": "ok", "found": false, "data": [String: Any](), "metadata": [String: Any]()]
        }
        return ["status": "ok", "found": true, "data": ["text/plain": text], "metadata": [String: Any]()]
    }

    static func inspection(of name: String, shell: Shell) -> String? {
        let registry = shell.interpreter.registry
        if let bound = shell.interpreter.globals[name] {
            return "\(name): \(bound.typeName)\n\n\(bound.rendered)"
        }
        if let text = registry.helpText(for: name) { return text }
        let explained = registry.explanations(for: name)
        if !explained.isEmpty { return explained.map(\.rendered).joined(separator: "\n") }
        return nil
    }

    /// The name (with `.field` parts) around a cursor position, in code points.
    static func word(in code: String, at cursor: Int) -> String? {
        let scalars = Array(code.unicodeScalars)
        func isNamePart(_ s: Unicode.Scalar) -> Bool {
            s == "_" || s == "." || s.properties.isAlphabetic || s.properties.numericType != nil
        }
        var lo = min(max(cursor, 0), scalars.count)
        var hi = lo
        while lo > 0, isNamePart(scalars[lo - 1]) { lo -= 1 }
        while hi < scalars.count, isNamePart(scalars[hi]) { hi += 1 }
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[lo..<hi])
        let word = String(String(view).trimmingDots)
        return word.isEmpty ? nil : word
    }

    /// `is_complete_request`: open brackets, braces or strings wait for more, as at the
    /// prompt; text that cannot parse is invalid.
    static func isComplete(_ content: [String: Any]) -> [String: Any] {
        let code = content["code"] as? String ?? ""
        if Lexer.needsContinuation(code) { return ["status": "incomplete", "indent": ""] }
        // Closed but not a program (`x = )`): running it would only report the error.
        if (try? Parser.parse(SourceFile(name: "In", text: code))) == nil { return ["status": "invalid"] }
        return ["status": "complete"]
    }

    /// `history_request`: the cells of this session (`tail`, `range` or `search`), as
    /// `(session, line, input)`; session 1 is this one.
    static func history(_ content: [String: Any], shell: Shell) -> [String: Any] {
        var cells = shell.notebook.cells
        switch content["hist_access_type"] as? String ?? "tail" {
        case "range":
            let start = content["start"] as? Int ?? 1
            let stop = content["stop"] as? Int ?? Int.max
            cells = cells.filter { $0.number >= start && $0.number < stop }
        case "search":
            let pattern = content["pattern"] as? String ?? "*"
            cells = cells.filter { fnmatch(pattern, $0.text, 0) == 0 }
            if content["unique"] as? Bool ?? false {
                var seen = Set<String>()
                cells = cells.reversed().filter { seen.insert($0.text).inserted }.reversed()
            }
            if let n = content["n"] as? Int, n >= 0 { cells = Array(cells.suffix(n)) }
        default:
            if let n = content["n"] as? Int, n >= 0 { cells = Array(cells.suffix(n)) }
        }
        let output = content["output"] as? Bool ?? false
        let entries: [[Any]] = cells.map { cell in
            if output {
                let value = cell.number < shell.notebook.outputs.count ? shell.notebook.outputs[cell.number] : .nothing
                let text: Any = { if case .nothing = value { return NSNull() } else { return value.rendered } }()
                return [1, cell.number, [cell.text, text]]
            }
            return [1, cell.number, cell.text]
        }
        return ["status": "ok", "history": entries]
    }

    /// A value's representations: `text/plain` always (what the REPL prints), an HTML
    /// table for a table, and SVG for a plot.
    static func mimeBundle(_ value: Value) -> [String: Any] {
        var data: [String: Any] = ["text/plain": value.rendered]
        if case .object(let object) = value {
            if let table = object as? TableObject { data["text/html"] = html(table) }
            if let plot = object as? PlotObject { data["image/svg+xml"] = SVGPlot.render(plot.model) }
        }
        return data
    }

    /// A table as HTML, the rows elided like the printed table's.
    /// (XML's escapes, `SVGPlot.escape`, serve HTML too.)
    static func html(_ table: TableObject) -> String {
        func cell(_ v: Value) -> (text: String, numeric: Bool) {
            switch v {
            case .nothing: ("", false)
            case .number(let x): (formatSummary(x), true)
            case .string(let s): (s, false)
            default: (v.rendered.split(separator: "\n").joined(separator: " "), false)
            }
        }
        let rows = table.rows
        var shown = Array(rows.indices)
        var elided = 0
        if rows.count > TableObject.printLimit {
            shown = Array(0..<TableObject.headRows) + Array((rows.count - TableObject.tailRows)..<rows.count)
            elided = rows.count - TableObject.headRows - TableObject.tailRows
        }
        var html = "<table class=\"noether-table\">\n<thead><tr>"
        html += table.columns.map { "<th>\(SVGPlot.escape($0))</th>" }.joined()
        html += "</tr></thead>\n<tbody>\n"
        for (k, i) in shown.enumerated() {
            if elided > 0 && k == TableObject.headRows {
                html += "<tr><td colspan=\"\(table.columns.count)\">… \(elided) more rows …</td></tr>\n"
            }
            html += "<tr>"
            for v in rows[i] {
                let (text, numeric) = cell(v)
                html +=
                    numeric
                    ? "<td style=\"text-align:right\">\(SVGPlot.escape(text))</td>" : "<td>\(SVGPlot.escape(text))</td>"
            }
            html += "</tr>\n"
        }
        let rowWord = rows.count == 1 ? "row" : "rows"
        let columnWord = table.columns.count == 1 ? "column" : "columns"
        html += "</tbody>\n</table>\n<p>(\(rows.count) \(rowWord) × \(table.columns.count) \(columnWord))</p>"
        return html
    }

    /// The error name of a diagnostic's kind, for `ename`.
    static func errorName(_ kind: Diagnostic.Kind) -> String {
        switch kind {
        case .syntax: "SyntaxError"
        case .runtime: "RuntimeError"
        case .missingFile: "FileNotFound"
        case .interrupted: "Interrupted"
        case .internalError: "InternalError"
        }
    }
}

extension String {
    fileprivate var trimmingDots: Substring {
        var s = Substring(self)
        while s.hasPrefix(".") { s = s.dropFirst() }
        while s.hasSuffix(".") { s = s.dropLast() }
        return s
    }
}
