/// Tables as CSV and JSON text (`export`).
extension TableObject {
    /// RFC 4180 CSV with a header row and `\n` line ends. Numbers are written with
    /// round-trip precision (the shortest text that reads back to the same Double;
    /// `nan`, `inf`, `-inf` for the non-finite ones), booleans as `true`/`false`,
    /// missing cells empty, lists, records and objects as their JSON text. A field is
    /// quoted when it holds a comma, a quote, a line break or edge spaces.
    public var csv: String {
        var out = columns.map(TableObject.csvField).joined(separator: ",") + "\n"
        for row in rows {
            out += row.map { TableObject.csvField(TableObject.csvText($0)) }.joined(separator: ",") + "\n"
        }
        return out
    }

    /// A JSON array with one object per row (keys in column order); non-finite
    /// numbers become `null`, as JSON has no NaN.
    public var jsonText: String { json.serialized(pretty: true) + "\n" }

    static func csvText(_ v: Value) -> String {
        switch v {
        case .nothing: ""
        case .number(let x): formatNumber(x)
        case .bool(let b): b ? "true" : "false"
        case .string(let s): s
        case .list, .record, .object, .function: v.json.serialized()
        }
    }

    static func csvField(_ text: String) -> String {
        let needsQuotes =
            text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
            || text.hasPrefix(" ") || text.hasSuffix(" ")
        guard needsQuotes else { return text }
        return "\"" + text.replacingAll("\"", with: "\"\"") + "\""
    }
}

extension String {
    /// Every occurrence of `target` replaced (no Foundation in this module).
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self {
            if c == target { out += replacement } else { out.append(c) }
        }
        return out
    }
}
