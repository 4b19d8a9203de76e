import NoetherSyntax

/// Writing results to files.
enum OutputBuiltins {
    static let all: [Builtin] = [export]

    static let export = Builtin(
        "export", category: "output",
        abstract: "Writes a table (or any value) to a CSV or JSON file, chosen by the file's extension.",
        discussion: """
        .csv: a header row, then one line per row; numbers with round-trip precision (the
        shortest text that reads back to the same Float64, nan and inf spelled out), lists and
        records as JSON text in a quoted field, empty cells empty. Only tables export to CSV.
        .json: a table as an array of objects, one per row; any other value as its JSON form.
        JSON has no nan or inf: they are written as null. An existing file is replaced.
        """,
        parameters: [
            Parameter("value", .any, help: "the table (or value) to write"),
            Parameter("file", .string, help: "the file name, ending in .csv or .json", completion: .filePath),
        ],
        returns: "nothing",
        example: "export(t, \"drift.csv\")"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let value = ctx.value("value")!
        let file = ctx.string("file")
        let lower = file.lowercased()
        let text: String
        if lower.hasSuffix(".csv") {
            guard case .object(let t as TableObject) = value else {
                throw ctx.error("only tables can be written as CSV, this is \(article(value.typeName)) \(value.typeName)",
                                at: "value", hint: "use a .json file, or make a table with table(…)")
            }
            text = t.csv
        } else if lower.hasSuffix(".json") {
            if case .object(let t as TableObject) = value { text = t.jsonText } else { text = value.json.serialized(pretty: true) + "\n" }
        } else {
            throw ctx.error("'export' writes .csv or .json files, not '\(file)'", at: "file")
        }
        do throws(TextFile.Failure) {
            try TextFile.write(text, to: ctx.interpreter.resolvePath(file))
        } catch {
            throw Diagnostic(.runtime, error.message, at: ctx.range(of: "file"))
        }
        return .nothing
    }
}
