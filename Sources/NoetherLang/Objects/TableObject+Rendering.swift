/// How a table prints at the prompt:
///
/// ```
///     lr  seed  drift
/// ------  ----  -------------
/// 0.0001    42  [1.23457e-06]
///  0.001    42  [2.1e-05]
/// (2 rows × 3 columns)
/// ```
///
/// Numbers show 6 significant digits (`export` writes them exactly) and are
/// right-aligned, like the header of an all-number column; other cells are
/// left-aligned. A cell is cut to `maxCellWidth` characters. Tables longer than
/// `printLimit` rows show the first `headRows` and last `tailRows` around a line
/// counting the rows left out.
extension TableObject {
    public static let printLimit = 20
    public static let headRows = 10
    public static let tailRows = 5
    public static let maxCellWidth = 40

    public var summary: String {
        guard !columns.isEmpty else { return "(empty table: 0 columns, \(rows.count) rows)" }
        let shown: [Int]
        let elided: Int
        if rows.count > TableObject.printLimit {
            shown = Array(0..<TableObject.headRows) + Array((rows.count - TableObject.tailRows)..<rows.count)
            elided = rows.count - TableObject.headRows - TableObject.tailRows
        } else {
            shown = Array(rows.indices)
            elided = 0
        }
        let texts = shown.map { i in rows[i].map(TableObject.cellText) }
        var widths = columns.map(\.count)
        for row in texts {
            for (j, t) in row.enumerated() { widths[j] = Swift.max(widths[j], t.count) }
        }
        let numeric = columns.indices.map { j in
            rows.contains { if case .number = $0[j] { true } else { false } }
                && rows.allSatisfy {
                    if case .number = $0[j] { true } else if case .nothing = $0[j] { true } else { false }
                }
        }
        func line(_ cells: [String]) -> String {
            var parts = [String]()
            for (j, cell) in cells.enumerated() {
                let pad = String(repeating: " ", count: widths[j] - cell.count)
                parts.append(numeric[j] ? pad + cell : cell + pad)
            }
            var text = parts.joined(separator: "  ")
            while text.hasSuffix(" ") { text.removeLast() }
            return text
        }
        var out = [line(columns), widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")]
        for (k, row) in texts.enumerated() {
            if elided > 0 && k == TableObject.headRows { out.append("… \(elided) more rows …") }
            out.append(line(row))
        }
        let rowWord = rows.count == 1 ? "row" : "rows"
        let columnWord = columns.count == 1 ? "column" : "columns"
        var footer = "(\(rows.count) \(rowWord) × \(columns.count) \(columnWord)"
        if let e = columnIndex("error") {
            let failed = rows.filter { if case .string = $0[e] { true } else { false } }.count
            if failed > 0 { footer += ", \(failed) with an error" }
        }
        out.append(footer + ")")
        return out.joined(separator: "\n")
    }

    /// The short text of one cell.
    static func cellText(_ v: Value) -> String {
        let text: String
        switch v {
        case .nothing: text = ""
        case .number(let x): text = formatSummary(x)
        case .bool(let b): text = b ? "true" : "false"
        case .string(let s): text = s.map { $0 == "\n" || $0 == "\t" ? " " : $0 }.reduce(into: "") { $0.append($1) }
        case .list(let items): text = "[" + items.map(cellText).joined(separator: ", ") + "]"
        case .record(let r):
            text = "{" + r.fields.map { "\($0.name)=\(cellText($0.value))" }.joined(separator: ", ") + "}"
        case .object(let o): text = o.summary.split(separator: "\n").first.map(String.init) ?? ""
        case .function: text = v.rendered
        }
        return text.count > maxCellWidth ? String(text.prefix(maxCellWidth - 1)) + "…" : text
    }
}
