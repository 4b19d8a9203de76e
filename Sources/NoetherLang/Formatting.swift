import NoetherEngine

/// The text of a number as the language prints it: integers without a fraction
/// (below 1e15), everything else as the shortest text that reads back to the same
/// Double (`0.001`, `1.5e-05`), `nan`, `inf`, `-inf`.
public func formatNumber(_ x: Double) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e15 { return x == 0 ? "0" : String(Int64(x)) }
    return "\(x)"
}

/// A number as a help page writes it: `formatNumber`'s text with the exponent
/// unpadded and unsigned when positive ("1e-8", "1e20", not Swift's "1e-08", "1e+20").
public func formatHelpNumber(_ x: Double) -> String {
    let text = formatNumber(x)
    guard let e = text.firstIndex(of: "e") else { return text }
    var exponent = String(text[text.index(after: e)...])
    let sign = exponent.hasPrefix("-") ? "-" : ""
    exponent = String(exponent.drop { $0 == "-" || $0 == "+" || $0 == "0" })
    return text[..<e] + "e" + sign + (exponent.isEmpty ? "0" : exponent)
}

/// A number for human summaries: 6 significant digits, compact.
public func formatSummary(_ x: Double, digits: Int = 6) -> String {
    if x.isNaN { return "nan" }
    if x.isInfinite { return x > 0 ? "inf" : "-inf" }
    if x == x.rounded(), abs(x) < 1e9 { return formatNumber(x) }
    let a = abs(x)
    if a != 0 && (a < 1e-4 || a >= 1e9) {
        return formatScientific(x, digits: digits)
    }
    // Fixed notation with `digits` significant digits, trailing zeros trimmed.
    var decimals = digits - 1 - Int((a).log10Floor)
    decimals = Swift.max(0, Swift.min(decimals, 17))
    var s = formatFixed(x, decimals: decimals)
    if s.contains(".") {
        while s.hasSuffix("0") { s.removeLast() }
        if s.hasSuffix(".") { s.removeLast() }
    }
    return s
}

/// A list of numbers for summaries: `[1.2e-05, 3.4]`.
public func formatSummary(_ xs: [Double]) -> String {
    "[" + xs.map { formatSummary($0) }.joined(separator: ", ") + "]"
}

private extension Double {
    var log10Floor: Double {
        var e = 0.0
        var v = self
        while v >= 10 {
            v /= 10
            e += 1
        }
        while v < 1 && v > 0 {
            v *= 10
            e -= 1
        }
        return e
    }
}

/// `x` rounded to `decimals` digits after the point, without Foundation.
func formatFixed(_ x: Double, decimals: Int) -> String {
    var scale = 1.0
    for _ in 0..<decimals { scale *= 10 }
    let negative = x < 0
    let scaled = (abs(x) * scale).rounded()
    guard scaled < 9e18 else { return "\(x)" }
    let integer = UInt64(scaled)
    var digits = String(integer)
    if decimals > 0 {
        if digits.count <= decimals { digits = String(repeating: "0", count: decimals - digits.count + 1) + digits }
        let point = digits.index(digits.endIndex, offsetBy: -decimals)
        digits = String(digits[..<point]) + "." + String(digits[point...])
    }
    return (negative && scaled != 0 ? "-" : "") + digits
}

/// Scientific notation with `digits` significant digits: `1.23457e-05`.
func formatScientific(_ x: Double, digits: Int) -> String {
    guard x != 0 else { return "0" }
    let a = abs(x)
    var exponent = 0
    var m = a
    while m >= 10 {
        m /= 10
        exponent += 1
    }
    while m < 1 {
        m *= 10
        exponent -= 1
    }
    var mantissa = formatFixed(m, decimals: digits - 1)
    if mantissa.hasPrefix("10") {
        // rounding carried into a new digit
        exponent += 1
        mantissa = formatFixed(m / 10, decimals: digits - 1)
    }
    if mantissa.contains(".") {
        while mantissa.hasSuffix("0") { mantissa.removeLast() }
        if mantissa.hasSuffix(".") { mantissa.removeLast() }
    }
    let sign = exponent < 0 ? "-" : "+"
    let e = abs(exponent)
    return (x < 0 ? "-" : "") + mantissa + "e" + sign + (e < 10 ? "0" : "") + String(e)
}

extension Value {
    /// Lists longer than this print their first and last `listEdgeItems` elements
    /// around a count of the rest (`export` writes everything).
    public static let listPrintLimit = 100
    public static let listEdgeItems = 10

    /// The most text one value prints (UTF-8 bytes); past it the text ends in `…`.
    public static let printBudget = 1_000_000

    /// How a value prints as the result of a cell: exact numbers (round-trip text),
    /// quoted strings, lists and records element by element (long lists elided in the
    /// middle: `[1, 2, …, 980 more …, 999, 1000]`; `none` for a missing element),
    /// objects by summary. At most `printBudget` bytes.
    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        switch self {
        case .nothing: return
        case .number(let x): out += formatNumber(x)
        case .bool(let b): out += b ? "true" : "false"
        case .string(let s): out += JSONValue.quote(s)
        case .list(let items):
            out += "["
            let elide = items.count > Value.listPrintLimit
            let k = Value.listEdgeItems
            for (i, item) in items.enumerated() {
                if elide && i >= k && i < items.count - k {
                    if i == k { out += ", … \(items.count - 2 * k) more …" }
                    continue
                }
                if out.utf8.count > Value.printBudget {
                    out += ", …"
                    break
                }
                if i > 0 { out += ", " }
                if item.isNothing { out += "none" } else { item.render(into: &out) }
            }
            out += "]"
        case .record(let r):
            out += "{"
            for (i, f) in r.fields.enumerated() {
                if out.utf8.count > Value.printBudget {
                    out += ", …"
                    break
                }
                if i > 0 { out += ", " }
                out += f.name + "="
                if f.value.isNothing { out += "none" } else { f.value.render(into: &out) }
            }
            out += "}"
        case .object(let o): out += o.summary
        case .function(.builtin(let b)): out += "<builtin \(b.name)\(b.signatureSuffix)>"
        case .function(.user(let f)):
            out += "<fn \(f.declaration.name)(\(f.declaration.parameters.map(\.name).joined(separator: ", ")))>"
        }
    }

    /// How `print` and `str` show a value: strings without quotes, `none` as in a list,
    /// everything else as rendered.
    public var printed: String {
        if case .string(let s) = self { return s }
        if isNothing { return "none" }
        return rendered
    }
}
