import Foundation
import NoetherLang
import NoetherSyntax

/// A Noether session as an nbformat-4 notebook, and the two conversions between a
/// notebook and a `.noe` session script:
///
/// - `.noe` → notebook: a blank line (outside open brackets) or prose ends a cell;
///   `## ` prose becomes a markdown cell, a lesson's `#? predict:` block a markdown
///   cell with the question, a code cell with the answer expression and a markdown
///   cell with the explanation; `#=> ` lines become the code cell's outputs (a
///   `stdout` stream; a tolerance note such as `(rtol=1e-5)` is kept in the cell's
///   metadata). The exact comment lines travel in `metadata.noether.lines`.
/// - notebook → `.noe`: each code cell's source followed by its outputs as `#=> `
///   lines — what printed to standard output, and the `text/plain` of its values
///   and displays (the progress display excepted); markdown cells as `## ` lines (or
///   their recorded lines). This is what `noether check NOTEBOOK.ipynb` replays.
struct NotebookFile {
    struct Cell {
        enum Kind: String {
            case code
            case markdown
        }
        var kind: Kind
        var source: String
        var outputs: [[String: Any]] = []
        var executionCount: Int?
        /// `metadata.noether`: `lines` (exact `.noe` comment lines), `role` (`predict`,
        /// `answer`, `explain` in lessons) and `notes` (tolerance notes by output line).
        var noether: [String: Any] = [:]
    }

    var cells: [Cell] = []

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    // MARK: - JSON

    /// Reads an nbformat-4 notebook; refuses anything else, and a notebook whose
    /// kernel or language is not Noether.
    init(json data: Data, name: String) throws(Failure) {
        guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw Failure(description: "'\(name)' is not a notebook (not a JSON object)")
        }
        guard let major = object["nbformat"] as? Int, major == 4, let rawCells = object["cells"] as? [[String: Any]]
        else {
            throw Failure(description: "'\(name)' is not an nbformat-4 notebook (needs \"nbformat\": 4 and \"cells\")")
        }
        let metadata = object["metadata"] as? [String: Any] ?? [:]
        let language =
            ((metadata["kernelspec"] as? [String: Any])?["language"] as? String)
            ?? ((metadata["language_info"] as? [String: Any])?["name"] as? String)
        if let language, language != "noether" {
            throw Failure(description: "'\(name)' is a \(language) notebook, not a Noether one")
        }
        for (k, raw) in rawCells.enumerated() {
            let type = raw["cell_type"] as? String ?? ""
            let source = Self.text(raw["source"])
            switch type {
            case "code":
                var cell = Cell(kind: .code, source: source)
                cell.outputs = raw["outputs"] as? [[String: Any]] ?? []
                cell.executionCount = raw["execution_count"] as? Int
                cell.noether = (raw["metadata"] as? [String: Any])?["noether"] as? [String: Any] ?? [:]
                cells.append(cell)
            case "markdown", "raw":
                var cell = Cell(kind: .markdown, source: source)
                cell.noether = (raw["metadata"] as? [String: Any])?["noether"] as? [String: Any] ?? [:]
                cells.append(cell)
            default:
                throw Failure(description: "'\(name)': cell \(k + 1) has no valid cell_type")
            }
        }
    }

    init(cells: [Cell]) {
        self.cells = cells
    }

    /// nbformat's multiline strings: a string or a list of lines.
    static func text(_ value: Any?) -> String {
        if let s = value as? String { return s }
        if let lines = value as? [String] { return lines.joined() }
        return ""
    }

    /// nbformat's list-of-lines form (every line but the last keeps its newline).
    static func lines(_ text: String) -> [String] {
        var parts = text.split(separator: "\n", omittingEmptySubsequences: false).map { String($0) + "\n" }
        if let last = parts.last {
            parts[parts.count - 1] = String(last.dropLast())
            if parts[parts.count - 1].isEmpty { parts.removeLast() }
        }
        return parts
    }

    /// The notebook as nbformat 4 JSON.
    func json() -> String {
        var rawCells = [[String: Any]]()
        for cell in cells {
            var metadata = [String: Any]()
            if !cell.noether.isEmpty { metadata["noether"] = cell.noether }
            var raw = [String: Any]()
            raw["cell_type"] = cell.kind.rawValue
            raw["source"] = Self.lines(cell.source)
            raw["metadata"] = metadata
            if cell.kind == .code {
                raw["outputs"] = cell.outputs
                raw["execution_count"] = cell.executionCount.map { $0 as Any } ?? NSNull()
            }
            rawCells.append(raw)
        }
        let object: [String: Any] = [
            "nbformat": 4, "nbformat_minor": 4, "cells": rawCells,
            "metadata": [
                "kernelspec": ["name": "noether", "display_name": "Noether", "language": "noether"],
                "language_info": [
                    "name": "noether", "version": noetherVersion, "mimetype": "text/x-noether",
                    "file_extension": ".noe",
                ],
            ],
        ]
        let data =
            (try? JSONSerialization.data(
                withJSONObject: object, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self) + "\n"
    }

    // MARK: - Outputs

    static func stream(_ lines: [String]) -> [String: Any] {
        ["output_type": "stream", "name": "stdout", "text": Self.lines(lines.map { $0 + "\n" }.joined())]
    }

    /// What a code cell's outputs printed as session lines: stdout streams and the
    /// `text/plain` of values and displays, in order (stderr, errors and the progress
    /// display are not part of a session's record).
    static func outputLines(_ outputs: [[String: Any]]) -> [String] {
        var text = ""
        for output in outputs {
            switch output["output_type"] as? String {
            case "stream":
                if output["name"] as? String == "stdout" { text += Self.text(output["text"]) }
            case "execute_result", "display_data":
                let metadata = output["metadata"] as? [String: Any] ?? [:]
                if (metadata["noether"] as? [String: Any])?["progress"] as? Bool == true { continue }
                guard let data = output["data"] as? [String: Any] else { continue }
                let plain = Self.text(data["text/plain"])
                text += plain.hasSuffix("\n") ? plain : plain + "\n"
            default: continue
            }
        }
        guard !text.isEmpty else { return [] }
        if text.hasSuffix("\n") { text.removeLast() }
        return SessionScript.lines(of: text)
    }

    // MARK: - .noe

    /// The session script of the notebook (what `check` replays and `convert` writes).
    func noeText() -> String {
        var blocks = [String]()
        for cell in cells {
            let recorded = (cell.noether["lines"] as? [String])
            switch (cell.kind, cell.noether["role"] as? String) {
            case (_, "answer"), (_, "explain"):
                continue  // carried by the predict cell's lines
            case (.markdown, _):
                if let recorded {
                    blocks.append(recorded.joined(separator: "\n"))
                } else {
                    let text = cell.source.hasSuffix("\n") ? String(cell.source.dropLast()) : cell.source
                    blocks.append(
                        SessionScript.lines(of: text).map { $0.isEmpty ? "##" : "## " + $0 }.joined(separator: "\n"))
                }
            case (.code, _):
                var text = cell.source
                while text.hasSuffix("\n") { text.removeLast() }
                if text.allSatisfy({ $0 == " " || $0 == "\n" || $0 == "\t" }) && cell.outputs.isEmpty { continue }
                let notes = cell.noether["notes"] as? [String: String] ?? [:]
                let outputs = Self.outputLines(cell.outputs).enumerated().map { k, line in
                    SessionScript.outputLine(line + (notes[String(k)] ?? ""))
                }
                blocks.append(([text] + outputs).joined(separator: "\n"))
            }
        }
        return blocks.joined(separator: "\n\n") + "\n"
    }

    /// The notebook of a session script (see the type's comment for the rules).
    init(noe text: String) {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        // The header `save` writes is not part of the session.
        if let first = lines.first, first.hasPrefix(SessionScript.headerPrefix) {
            lines.removeFirst()
            if lines.first?.hasPrefix(SessionScript.replayPrefix) == true { lines.removeFirst() }
        }
        var cells = [Cell]()
        var code = [String]()
        var outputs = [String]()
        var notes = [String: String]()
        var prose = [String]()

        func flushCode() {
            while let last = code.last, last.allSatisfy({ $0 == " " || $0 == "\t" }) { code.removeLast() }
            while let first = code.first, first.allSatisfy({ $0 == " " || $0 == "\t" }) { code.removeFirst() }
            defer {
                code = []
                outputs = []
                notes = [:]
            }
            guard !code.isEmpty || !outputs.isEmpty else { return }
            if outputs.isEmpty && code.allSatisfy({ $0.hasPrefix("#") }) {
                // A block of comments alone reads as prose.
                var cell = Cell(
                    kind: .markdown,
                    source: code.map { String($0.drop(while: { $0 == "#" }).drop(while: { $0 == " " })) }
                        .joined(separator: "\n"))
                cell.noether = ["lines": code]
                cells.append(cell)
                return
            }
            var cell = Cell(kind: .code, source: code.joined(separator: "\n"))
            if !outputs.isEmpty { cell.outputs = [Self.stream(outputs)] }
            if !notes.isEmpty { cell.noether["notes"] = notes }
            cells.append(cell)
        }
        func flushProse() {
            defer { prose = [] }
            guard !prose.isEmpty else { return }
            if prose.contains(where: { $0.hasPrefix("#?") }) {
                cells += Self.lessonCells(prose)
                return
            }
            var cell = Cell(
                kind: .markdown,
                source: prose.map { String($0.dropFirst(2).drop(while: { $0 == " " })) }.joined(separator: "\n"))
            cell.noether = ["lines": prose]
            cells.append(cell)
        }
        for line in lines {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            let open = Lexer.needsContinuation(code.joined(separator: "\n"))
            if trimmed.hasPrefix(SessionScript.failedPrefix) { continue }
            if let output = Self.recordedOutput(trimmed), !code.isEmpty {
                if let (stripped, _) = Tolerance.parseNote(output) {
                    notes[String(outputs.count)] = String(output.dropFirst(stripped.count))
                    outputs.append(stripped)
                } else {
                    outputs.append(output)
                }
                continue
            }
            if !open && (trimmed.hasPrefix("##") || trimmed.hasPrefix("#?")) {
                flushCode()
                // A `#?` block and prose stay apart: a change of kind starts a new cell.
                if let last = prose.last, last.hasPrefix("#?") != trimmed.hasPrefix("#?") { flushProse() }
                prose.append(String(trimmed))
                continue
            }
            flushProse()
            if !open && trimmed.isEmpty {
                flushCode()
                continue
            }
            if !outputs.isEmpty && !open { flushCode() }
            code.append(line)
        }
        flushCode()
        flushProse()
        self.cells = cells
    }

    /// The content of a `#=> ` line (as the session reader takes it), or nil.
    static func recordedOutput(_ trimmed: Substring) -> String? {
        guard trimmed.hasPrefix(SessionScript.outputPrefix) else { return nil }
        var content = trimmed.dropFirst(SessionScript.outputPrefix.count)
        if content.first == " " { content = content.dropFirst() }
        return content.hasSuffix("\r") ? String(content.dropLast()) : String(content)
    }

    /// A lesson's `#? predict:` block: the question, then the answer to run, then why.
    static func lessonCells(_ lines: [String]) -> [Cell] {
        func field(_ name: String) -> String? {
            for line in lines {
                let body = line.dropFirst(2).drop(while: { $0 == " " })
                if body.hasPrefix(name + ":") {
                    return String(body.dropFirst(name.count + 1).drop(while: { $0 == " " }))
                }
            }
            return nil
        }
        var predict = Cell(kind: .markdown, source: "**Predict:** " + (field("predict") ?? ""))
        predict.noether = ["lines": lines, "role": "predict"]
        var cells = [predict]
        if let answer = field("answer") {
            var cell = Cell(kind: .code, source: answer)
            cell.noether = ["role": "answer"]
            cells.append(cell)
        }
        if let why = field("explain") {
            var cell = Cell(kind: .markdown, source: "**Why:** " + why)
            cell.noether = ["role": "explain"]
            cells.append(cell)
        }
        return cells
    }
}
