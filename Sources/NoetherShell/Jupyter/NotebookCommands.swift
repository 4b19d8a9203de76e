import ArgumentParser
import Foundation
import NoetherLang
import NoetherSyntax

/// Notebooks as sessions: `save "x.ipynb"`, `noether check x.ipynb` and `noether
/// convert A B [--execute]`.
extension NotebookFile {
    /// The session's recorded cells as a notebook (what `save "x.ipynb"` writes): one
    /// code cell per cell, its printed lines as a stdout stream.
    init(recorded: [RecordedCell]) {
        self.init(
            cells: recorded.enumerated().map { k, recordedCell in
                var cell = Cell(kind: .code, source: recordedCell.text)
                if !recordedCell.output.isEmpty { cell.outputs = [Self.stream(recordedCell.output)] }
                cell.executionCount = k + 1
                return cell
            })
    }

    /// Runs every code cell in a fresh session, in process, and records its outputs as
    /// the kernel sends them (streams, `execute_result` with HTML for tables,
    /// `display_data` with SVG for plots, errors). Plots' text is drawn at the
    /// standard 72×20, as the kernel draws it.
    mutating func execute() {
        PlotDisplay.provider = { .standard }
        var outputs = [[String: Any]]()
        func stream(_ name: String, _ text: String) {
            if let last = outputs.last, last["output_type"] as? String == "stream", last["name"] as? String == name {
                outputs[outputs.count - 1]["text"] = Self.text(last["text"]) + text
            } else {
                outputs.append(["output_type": "stream", "name": name, "text": text])
            }
        }
        let sink = OutputSink()
        let shell = Shell(console: Console(out: { sink.out?($0) }, err: { sink.err?($0) }))
        sink.out = { stream("stdout", $0 + "\n") }
        sink.err = { stream("stderr", $0 + "\n") }
        shell.notebook.labelsOutputs = true
        shell.notebook.showValue = { value, number in
            let data = JupyterRequests.mimeBundle(value)
            if data["image/svg+xml"] != nil {
                outputs.append(["output_type": "display_data", "data": data, "metadata": [String: Any]()])
            } else {
                outputs.append([
                    "output_type": "execute_result", "data": data, "metadata": [String: Any](),
                    "execution_count": number,
                ])
            }
        }
        shell.notebook.showDisplay = { value in
            let data = JupyterRequests.mimeBundle(value)
            guard data["image/svg+xml"] != nil else { return false }
            outputs.append(["output_type": "display_data", "data": data, "metadata": [String: Any]()])
            return true
        }
        shell.notebook.showError = { diagnostic, rendered in
            outputs.append([
                "output_type": "error", "ename": JupyterRequests.errorName(diagnostic.kind),
                "evalue": diagnostic.message, "traceback": rendered.components(separatedBy: "\n"),
            ])
        }
        for k in cells.indices where cells[k].kind == .code {
            outputs = []
            shell.runCell(cells[k].source)
            cells[k].outputs = outputs.map { output in
                var o = output
                if let text = o["text"] as? String { o["text"] = Self.lines(text) }
                if var data = o["data"] as? [String: Any] {
                    for (key, value) in data { if let s = value as? String { data[key] = Self.lines(s) } }
                    o["data"] = data
                }
                return o
            }
            cells[k].executionCount = shell.notebook.nextNumber - 1
        }
        sink.out = nil
        sink.err = nil
    }

    /// Reads a notebook file, or a clear error.
    static func read(_ path: String) throws(Failure) -> NotebookFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "'\(path)' does not exist or cannot be read")
        }
        return try NotebookFile(json: data, name: path)
    }
}

/// Console callbacks set after the shell exists (they capture state the shell's
/// hooks fill).
final class OutputSink: @unchecked Sendable {
    var out: ((String) -> Void)?
    var err: ((String) -> Void)?
}

/// `noether convert A B [--execute]`: `.noe` ↔ `.ipynb` (by the files' extensions).
public enum NotebookCommandLine {
    public static let usage = """
        usage: noether convert INPUT OUTPUT [--execute]

        Converts a session between .noe and .ipynb (nbformat 4), by extension:
        cells, prose and recorded outputs both ways. With --execute, the
        notebook's cells are run first (in one session, as the kernel runs
        them) and their outputs recorded: values, HTML tables, SVG plots.
        """

    public static func run(_ arguments: [String]) -> Int32 {
        func fail(_ message: String, _ status: ExitStatus) -> Int32 {
            Console.standard.err("noether convert: error: \(message)")
            return status.rawValue
        }
        if arguments.contains("-h") || arguments.contains("--help") {
            Console.standard.out(usage)
            return 0
        }
        let execute = arguments.contains("--execute")
        let files = arguments.filter { $0 != "--execute" }
        guard files.count == 2, !files.contains(where: { $0.hasPrefix("-") }) else {
            return fail("expected INPUT and OUTPUT\n\(usage)", .usage)
        }
        let (input, output) = (files[0], files[1])
        let notebook: NotebookFile
        do {
            if input.hasSuffix(".ipynb") {
                notebook = try NotebookFile.read(input)
            } else if input.hasSuffix(".noe") {
                guard let data = FileManager.default.contents(atPath: input) else {
                    return fail("'\(input)' does not exist or cannot be read", .noInput)
                }
                guard let text = String(data: data, encoding: .utf8) else {
                    return fail("'\(input)' is not UTF-8 text", .dataError)
                }
                notebook = NotebookFile(noe: text)
            } else {
                return fail("'\(input)' is neither .noe nor .ipynb", .usage)
            }
        } catch {
            return fail(error.description, FileManager.default.fileExists(atPath: input) ? .dataError : .noInput)
        }
        var converted = notebook
        if execute { converted.execute() }
        let text: String
        if output.hasSuffix(".ipynb") {
            text = converted.json()
        } else if output.hasSuffix(".noe") {
            text = converted.noeText()
        } else {
            return fail("'\(output)' is neither .noe nor .ipynb", .usage)
        }
        do {
            try text.write(toFile: output, atomically: true, encoding: .utf8)
        } catch {
            return fail("cannot write '\(output)': \(error.localizedDescription)", .failure)
        }
        let codeCells = converted.cells.filter { $0.kind == .code }.count
        Console.standard.err(
            "noether convert: \(input) → \(output): \(converted.cells.count) cells, \(codeCells) of code")
        return 0
    }
}

extension NotebookFile {
    /// `noether check NB.ipynb`: the notebook as the session script to replay, its
    /// plots' text at the kernel's 72×20; exit 66 when missing, 65 when not a Noether
    /// notebook (with the reason).
    static func checkText(_ path: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else {
            Console.standard.err("noether: error: '\(path)' does not exist")
            throw ExitCode(ExitStatus.noInput.rawValue)
        }
        do {
            let notebook = try read(path)
            PlotDisplay.provider = { .standard }
            return notebook.noeText()
        } catch {
            Console.standard.err("noether: error: \(error.description)")
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
    }
}
