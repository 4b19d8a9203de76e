/// A JSON document, written with round-trip precision for numbers.
public indirect enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    case number(Double)
    case string(String)
    case array([JSONValue])
    /// Keys keep their order.
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool { lhs.serialized() == rhs.serialized() }

    public static func numbers(_ xs: [Double]) -> JSONValue { .array(xs.map { .number($0) }) }

    /// Compact (default) or two-space indented text. Non-finite numbers become `null`
    /// (JSON has no NaN), integral numbers print without a fraction, others with the
    /// shortest text that reads back to the same Double.
    public func serialized(pretty: Bool = false) -> String {
        var out = ""
        write(to: &out, pretty: pretty, indent: 0)
        return out
    }

    private func write(to out: inout String, pretty: Bool, indent: Int) {
        let pad = pretty ? String(repeating: "  ", count: indent + 1) : ""
        let closePad = pretty ? String(repeating: "  ", count: indent) : ""
        let newline = pretty ? "\n" : ""
        switch self {
        case .null: out += "null"
        case .bool(let b): out += b ? "true" : "false"
        case .number(let x): out += x.isFinite ? formatNumber(x) : "null"
        case .string(let s): out += JSONValue.quote(s)
        case .array(let items):
            if items.isEmpty {
                out += "[]"
                return
            }
            out += "[" + newline
            for (i, item) in items.enumerated() {
                out += pad
                item.write(to: &out, pretty: pretty, indent: indent + 1)
                if i < items.count - 1 { out += "," }
                out += newline
            }
            out += closePad + "]"
        case .object(let pairs):
            if pairs.isEmpty {
                out += "{}"
                return
            }
            out += "{" + newline
            for (i, (key, value)) in pairs.enumerated() {
                out += pad + JSONValue.quote(key) + (pretty ? ": " : ":")
                value.write(to: &out, pretty: pretty, indent: indent + 1)
                if i < pairs.count - 1 { out += "," }
                out += newline
            }
            out += closePad + "}"
        }
    }

    /// `s` as a JSON string literal: quotes, backslashes and control characters escaped.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}

extension Value {
    /// The JSON form: numbers, strings, lists and records map directly; objects give
    /// their own `json`; functions and `nothing` become `null`.
    public var json: JSONValue {
        switch self {
        case .nothing: .null
        case .number(let x): .number(x)
        case .bool(let b): .bool(b)
        case .string(let s): .string(s)
        case .list(let items): .array(items.map(\.json))
        case .record(let r): .object(r.fields.map { ($0.name, $0.value.json) })
        case .object(let o): o.json
        case .function(let f): .string("<function \(f.name)>")
        }
    }
}
