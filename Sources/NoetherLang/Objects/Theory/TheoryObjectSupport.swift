#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

// The values of the theory builtins (Builtins+Theory.swift): drift power laws, the
// spectral-crossover prediction and its comparison with measurements, mode
// coefficients and their comparison, cross-entropy compression, τ fits, general line
// and exponential fits, regimes and the switch-rate exponent. Every one prints a
// readable summary (numbers with their uncertainty, the rows that entered the fit),
// has a JSON form, and exports to CSV as the table `csvTable` names.

/// A value `export(x, "file.csv")` writes as a table: its per-point rows (the fit's
/// points, the prediction per η, the coefficients per mode …). `export` to `.json`
/// writes the whole value (`json`).
public protocol CSVExportable: NoetherObject {
    /// The rows CSV export writes.
    var csvTable: TableObject { get }
}

/// A table from named columns of equal length. Duplicate names get a `_2` suffix
/// (a user's x column called `mean`, say), so the table's contract always holds.
func theoryTable(_ columns: [(String, [Value])]) -> TableObject {
    var names = [String]()
    for (name, _) in columns {
        var n = name
        while names.contains(n) { n += "_2" }
        names.append(n)
    }
    let count = columns.first?.1.count ?? 0
    let rows = (0..<count).map { i in columns.map { $0.1.indices.contains(i) ? $0.1[i] : .nothing } }
    return TableObject(columns: names, rows: rows)
}

/// `x ± e` for summaries (`± e` left out when e is not finite).
func withUncertainty(_ x: Double, _ e: Double, digits: Int = 4) -> String {
    e.isFinite
        ? "\(formatSummary(x, digits: digits)) ± \(formatSummary(e, digits: 2))" : formatSummary(x, digits: digits)
}

/// `[lo, hi]` of a range for summaries, or nil.
func rangeText(_ r: ClosedRange<Double>?, digits: Int = 4) -> String? {
    r.map { "[\(formatSummary($0.lowerBound, digits: digits)), \(formatSummary($0.upperBound, digits: digits))]" }
}

extension Value {
    /// A two-element list for a range, or `nothing`.
    static func range(_ r: ClosedRange<Double>?) -> Value {
        r.map { .numbers([$0.lowerBound, $0.upperBound]) } ?? .nothing
    }

    static func optional(_ x: Double?) -> Value { x.map { .number($0) } ?? .nothing }

    static func bools(_ bs: [Bool]) -> Value { .list(bs.map { .bool($0) }) }
}

/// A short list of numbers for summaries: the first `limit`, then "…".
func shortList(_ xs: [Double], limit: Int = 6, digits: Int = 3) -> String {
    var parts = xs.prefix(limit).map { formatSummary($0, digits: digits) }
    if xs.count > limit { parts.append("… (\(xs.count - limit) more)") }
    return parts.joined(separator: ", ")
}

/// A sweep point's status in a few words (summaries and the too-few-points error).
enum TheoryPowerLawText {
    static func describe(_ status: SweepPointStatus) -> String {
        switch status {
        case .used: "used"
        case .outsideRange: "outside the range"
        case .diverged: "diverged"
        case .nonPositiveX: "x ≤ 0"
        case .nonFinite: "non-finite mean"
        case .belowFloor: "below the floor"
        }
    }
}
