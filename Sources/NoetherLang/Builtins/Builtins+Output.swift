import NoetherEngine
import NoetherSyntax

/// Writing results to files.
enum OutputBuiltins {
    static let all: [Builtin] = [export]

    static let export = Builtin(
        "export", category: "output",
        abstract: "Writes a table, a run (or any value) to a CSV or JSON file, chosen by the file's extension.",
        discussion: """
            .csv: a header row, then one line per row; numbers with round-trip precision (the
            shortest text that reads back to the same Float64, nan and inf spelled out), lists and
            records as JSON text in a quoted field, empty cells empty. Only tables, runs and the
            theory results export to CSV (a result as its per-point table: a fit's points, a
            prediction per η, coefficients per mode, a compression per checkpoint). A run becomes
            the long table step,quantity,layer,value of every series it recorded (layer 1-based
            as in the paper, empty for whole-network quantities): loss, accuracy, grad_norm_sq,
            ledger_measured, ledger_predicted per step; C, weight_norm_sq, neuron_balance[j] per
            state; the pattern probe's series; sharpness.
            .json: a table as an array of objects, one per row; any other value as its JSON form
            (a result: its type and every field help TYPE lists, but methods and the fields
            marked "not in JSON").
            JSON has no nan or inf: they are written as null. An existing file is replaced.
            """,
        parameters: [
            Parameter("value", .any, help: "the table, run (or other value) to write"),
            Parameter("file", .string, help: "the file name, ending in .csv or .json", completion: .filePath),
            Parameter(
                "overwrite", .bool, .value(.bool(false), text: "false"),
                help: "replace a file that exists and that this session did not write"),
        ],
        returns: "nothing",
        example: "export(t, \"drift.csv\")\nexport(run, \"run.csv\")"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let value = try ctx.value("value")!
        let file = try ctx.string("file")
        let lower = file.lowercased()
        let text: String
        if lower.hasSuffix(".csv") {
            switch value {
            case .object(let t as TableObject): text = t.csv
            case .object(let r as RunObject): text = RunExport.csv(r.run)
            case .object(let e as any CSVExportable): text = e.csvTable.csv
            default:
                throw ctx.error(
                    "only tables and runs can be written as CSV, this is \(article(value.typeName)) \(value.typeName)",
                    at: "value", hint: "use a .json file, or make a table with table(…)")
            }
        } else if lower.hasSuffix(".json") {
            if case .object(let t as TableObject) = value {
                text = t.jsonText
            } else {
                text = value.json.serialized(pretty: true) + "\n"
            }
        } else {
            throw ctx.error("'export' writes .csv or .json files, not '\(file)'", at: "file")
        }
        let target = try ctx.interpreter.pathForWriting(
            file, overwrite: ctx.bool("overwrite"), at: ctx.range(of: "file"))
        try ctx.engine(at: "file") { () throws(EngineError) in try TextFile.write(text, to: target) }
        return .nothing
    }
}
