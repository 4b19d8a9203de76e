import Foundation
import NoetherLang
import NoetherSyntax
import Testing

@testable import NoetherShell

/// Notebooks as sessions: `.noe` ↔ `.ipynb`, `save "x.ipynb"`, `noether check x.ipynb`,
/// and the generated examples/notebooks.
@Suite struct JupyterNotebookTests {
    static let root = BinaryTests.packageRoot

    static func source(_ relative: String) throws -> String {
        try String(contentsOf: root.appendingPathComponent(relative), encoding: .utf8)
    }

    @Test func aSessionScriptBecomesCellsAndComesBack() throws {
        let text = """
            ## Prose first.
            xs = [1, 2, 3]

            mean(xs)
            #=> 2

            fn f(x) {
                x + 1
            }
            f(1)
            print("two lines")
            #=> 2
            #=> two lines
            #=> 2.0000001 (rtol=1e-3)
            """
        let notebook = NotebookFile(noe: text)
        let kinds = notebook.cells.map(\.kind)
        #expect(kinds == [.markdown, .code, .code, .code])
        #expect(notebook.cells[0].source == "Prose first.")
        #expect(notebook.cells[3].source.hasPrefix("fn f(x) {\n    x + 1\n}"))
        #expect(NotebookFile.outputLines(notebook.cells[3].outputs) == ["2", "two lines", "2.0000001"])
        #expect((notebook.cells[3].noether["notes"] as? [String: String]) == ["2": " (rtol=1e-3)"])

        // Through JSON and back: the same session, every output, the note kept.
        let json = notebook.json()
        let read = try NotebookFile(json: Data(json.utf8), name: "t.ipynb")
        let back = read.noeText()
        #expect(back.contains("mean(xs)\n#=> 2\n"))
        #expect(back.contains("#=> 2.0000001 (rtol=1e-3)"))
        #expect(back.hasPrefix("## Prose first.\n\nxs = [1, 2, 3]\n"))
        #expect(NotebookFile(noe: back).cells.count == notebook.cells.count)
    }

    @Test func theTourChecksAsANotebook() throws {
        let notebook = NotebookFile(noe: try Self.source("examples/tour.noe"))
        let captured = Captured()
        let status = Shell(console: captured.console).check(
            SourceFile(name: "tour.ipynb", text: notebook.noeText()), tolerance: Tolerance())
        #expect(status == .success, "\(captured.out) \(captured.err)")
    }

    @Test func aChangedOutputIsADiff() throws {
        var notebook = NotebookFile(noe: "x = 2\n\nx * 21\n#=> 42\n")
        notebook.cells[1].outputs = [NotebookFile.stream(["43"])]
        let captured = Captured()
        let status = Shell(console: captured.console).check(
            SourceFile(name: "n.ipynb", text: notebook.noeText()), tolerance: Tolerance())
        #expect(status == .failure)
        #expect(captured.out.joined(separator: "\n").contains("-#=> 43\n+#=> 42"))
    }

    @Test func executingRecordsWhatTheKernelSends() throws {
        var notebook = NotebookFile(
            noe:
                "t = table(a=[1, 2], b=[3, 4])\n\nt\n\nplot([1, 4, 9])\n\nprint(\"hi\")\n6 * 7\n\nnope\n\nplot([1, 2])\n2 * 3\n6 * 7\n"
        )
        notebook.execute()
        let outputs = notebook.cells.map { $0.outputs.map { $0["output_type"] as? String ?? "" } }
        #expect(
            outputs == [
                [], ["execute_result"], ["display_data"], ["stream", "execute_result"], ["error"],
                ["display_data", "stream", "execute_result"],
            ])
        // A plot before the cell's last statement is a display too; the record keeps its text.
        #expect(NotebookFile.outputLines(notebook.cells[5].outputs).count > 3)
        let table = notebook.cells[1].outputs[0]["data"] as? [String: Any]
        #expect(table?["text/html"] != nil)
        let plot = notebook.cells[2].outputs[0]["data"] as? [String: Any]
        let svg = NotebookFile.text(plot?["image/svg+xml"])
        #expect(svg.contains("<svg"))
        #expect(notebook.cells[3].executionCount == 4)
        let error = notebook.cells[4].outputs[0]
        #expect(error["ename"] as? String == "RuntimeError")
        #expect((error["traceback"] as? [String])?.first == "In[5]:1:1: error: unknown name 'nope'")
    }

    @Test func saveWritesANotebook() throws {
        let folder = try TemporaryFolder()
        let captured = Captured()
        let shell = Shell(console: captured.console)
        shell.runCell("x = 2")
        shell.runCell("x * 21")
        shell.runCell("save \"\(folder.file("s.ipynb"))\"")
        let data = try #require(FileManager.default.contents(atPath: folder.file("s.ipynb")))
        let notebook = try NotebookFile(json: data, name: "s.ipynb")
        #expect(notebook.cells.map(\.source) == ["x = 2", "x * 21"])
        #expect(NotebookFile.outputLines(notebook.cells[1].outputs) == ["42"])
        let object = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        #expect(object["nbformat"] as? Int == 4)
        #expect(
            ((object["metadata"] as? [String: Any])?["kernelspec"] as? [String: Any])?["name"] as? String == "noether")
    }

    @Test func notNotebooksAreClearErrors() {
        func failure(_ json: String) -> String? {
            do {
                _ = try NotebookFile(json: Data(json.utf8), name: "x.ipynb")
                return nil
            } catch {
                return error.description
            }
        }
        #expect(failure("not json")?.contains("not a notebook") == true)
        #expect(failure("{\"nbformat\": 3, \"worksheets\": []}")?.contains("not an nbformat-4 notebook") == true)
        #expect(
            failure(
                "{\"nbformat\": 4, \"nbformat_minor\": 4, \"cells\": [], \"metadata\": {\"kernelspec\": {\"language\": \"python\"}}}"
            )?.contains("is a python notebook, not a Noether one") == true)
        #expect(
            failure(
                "{\"nbformat\": 4, \"nbformat_minor\": 4, \"cells\": [{\"cell_type\": \"widget\"}], \"metadata\": {}}")?
                .contains("cell 1 has no valid cell_type") == true)
    }

    /// examples/notebooks come from `scripts/notebooks`, never from an editor: their cells
    /// are exactly those of the .noe sources (the outputs are checked by scripts/test-jupyter).
    @Test(arguments: [
        "tour", "01-symmetry", "02-ledger", "03-power-law", "04-edge-of-stability", "05-spectral-crossover",
        "06-cross-entropy",
    ])
    func generatedNotebooksMatchTheirSources(name: String) throws {
        let noe = name == "tour" ? "examples/tour.noe" : "examples/lessons/\(name).noe"
        let expected = NotebookFile(noe: try Self.source(noe))
        let data = try Data(contentsOf: Self.root.appendingPathComponent("examples/notebooks/\(name).ipynb"))
        let committed = try NotebookFile(json: data, name: name)
        #expect(committed.cells.map(\.source) == expected.cells.map(\.source), "run scripts/notebooks")
        #expect(committed.cells.map(\.kind) == expected.cells.map(\.kind), "run scripts/notebooks")
        // Every recorded output of the source is in the notebook (as the interpreter printed it).
        for (old, new) in zip(expected.cells, committed.cells) where !old.outputs.isEmpty {
            #expect(NotebookFile.outputLines(new.outputs).count == NotebookFile.outputLines(old.outputs).count)
        }
        // A lesson's predict steps are cells: the question, the answer to run, why.
        if name != "tour" {
            let roles = committed.cells.compactMap { $0.noether["role"] as? String }
            #expect(roles.contains("predict") && roles.contains("answer") && roles.contains("explain"))
        }
    }

    @Test func theBinaryConvertsAndChecksNotebooks() throws {
        let folder = try TemporaryFolder()
        try folder.write("s.noe", "x = 2\n\nx * 21\n#=> 42\n")
        let converted = try BinaryTests.run(["convert", folder.file("s.noe"), folder.file("s.ipynb")])
        #expect(converted.status == 0, "\(converted.stderr)")
        let checked = try BinaryTests.run(["check", folder.file("s.ipynb")])
        #expect(checked.status == 0, "\(checked.stderr)")
        #expect(checked.stderr.contains("all 1 outputs match"))
        let back = try BinaryTests.run(["convert", folder.file("s.ipynb"), folder.file("t.noe")])
        #expect(back.status == 0)
        #expect(try String(contentsOfFile: folder.file("t.noe"), encoding: .utf8) == "x = 2\n\nx * 21\n#=> 42\n")
        try folder.write("bad.ipynb", "{\"cells\": []}")
        let bad = try BinaryTests.run(["check", folder.file("bad.ipynb")])
        #expect(bad.status == 65)
        #expect(bad.stderr.contains("not an nbformat-4 notebook"))
        #expect(try BinaryTests.run(["check", folder.file("missing.ipynb")]).status == 66)
        #expect(try BinaryTests.run(["convert", folder.file("s.noe")]).status == 64)
    }
}
