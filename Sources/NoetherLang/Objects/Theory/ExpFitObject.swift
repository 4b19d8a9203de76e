#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// The result of `fit_exp`: y ≈ A·e^{k t} (+ c with offset=true, E18's decay fit).
public struct ExpFitObject: CSVExportable, FieldTable {
    public enum Kind: Sendable {
        case plain(ExponentialFit)
        case offset(DecayFit)
    }
    public let kind: Kind
    public let t: [Double]
    public let y: [Double]

    public init(_ kind: Kind, t: [Double], y: [Double]) {
        self.kind = kind
        self.t = t
        self.y = y
    }

    public static let typeName = "exp_fit"
    public static let fields: [ObjectField<ExpFitObject>] = [
        ObjectField("rate", "k in y ≈ amplitude·e^(k t) + offset (negative for a decay)", \.rate),
        ObjectField("amplitude", "A", \.amplitude),
        ObjectField("tau", "the timescale −1/k (positive for a decay)") { o in .number(-1 / o.rate) },
        ObjectField("offset", "c: 0 for the plain fit, 0.9·min y for offset=true (fixed, not fitted)", \.offset),
        ObjectField(
            "r2",
            "the headline R²: log scale for the plain fit (what OLS minimizes), linear scale for offset=true (E18's)",
            \.headlineR2),
        ObjectField("r2_log", "R² of the OLS of ln(y − c) on t", \.r2Log),
        ObjectField("r2_linear", "R² in linear scale, y against A·e^(kt) + c", \.r2Linear),
        ObjectField("points", "points fitted", \.count),
        ObjectField("masked", "indices left out of the plain fit (y ≤ 0 or not finite)") { o in
            if case .plain(let f) = o.kind { return .numbers(f.maskedIndices.map(Double.init)) }
            return .numbers([])
        },
        ObjectField("compression_ratio", "offset=true: y at the earliest t / y at the latest t") { o in
            if case .offset(let d) = o.kind { return .number(d.compressionRatio) }
            return .nothing
        },
        ObjectField("offset_fit", "whether this is the offset=true fit (E18's decay)") { o in
            if case .offset = o.kind { return .bool(true) }
            return .bool(false)
        },
        ObjectField("t", "the t values fitted", \.t),
        ObjectField("y", "the y values fitted", \.y),
        ObjectField("table", "table t, y, fitted") { o in .object(o.table) },
    ]

    var rate: Double {
        switch kind {
        case .plain(let f): f.rate
        case .offset(let d): -d.rate
        }
    }
    var amplitude: Double {
        switch kind {
        case .plain(let f): f.amplitude
        case .offset(let d): d.amplitude
        }
    }
    var offset: Double {
        if case .offset(let d) = kind { return d.offset }
        return 0
    }
    var r2Log: Double {
        switch kind {
        case .plain(let f): f.r2Log
        case .offset(let d): d.r2Log
        }
    }
    var r2Linear: Double {
        switch kind {
        case .plain(let f): f.r2Linear
        case .offset(let d): d.r2
        }
    }
    var headlineR2: Double {
        if case .offset = kind { return r2Linear }
        return r2Log
    }
    var count: Int {
        switch kind {
        case .plain(let f): f.count
        case .offset(let d): d.count
        }
    }
    func predict(_ x: Double) -> Double { amplitude * exp(rate * x) + offset }

    public var table: TableObject {
        theoryTable([
            ("t", t.map { .number($0) }), ("y", y.map { .number($0) }), ("fitted", t.map { .number(predict($0)) }),
        ])
    }

    public var summary: String {
        var s: String
        switch kind {
        case .plain(let f):
            s =
                "exponential y ≈ A·e^(k t) over \(f.count) points: k = \(withUncertainty(f.rate, f.line.slopeStandardError)) "
                + "(τ = −1/k = \(formatSummary(f.timescale, digits: 4))), A = \(formatSummary(f.amplitude, digits: 4)), "
                + "R² = \(formatSummary(f.r2Log, digits: 4)) in log scale, \(formatSummary(f.r2Linear, digits: 4)) in linear scale"
            if !f.maskedIndices.isEmpty {
                s +=
                    "\n  left out (y ≤ 0 or not finite): indices \(f.maskedIndices.map(String.init).joined(separator: ", "))"
            }
        case .offset(let d):
            s =
                "decay y ≈ a·e^(−bt) + c over \(d.count) points (c = 0.9·min y, fixed): b = \(formatSummary(d.rate, digits: 4)) "
                + "(τ = \(formatSummary(1 / d.rate, digits: 4))), a = \(formatSummary(d.amplitude, digits: 4)), c = \(formatSummary(d.offset, digits: 4)), "
                + "R² = \(formatSummary(d.r2, digits: 4)) in linear scale (\(formatSummary(d.r2Log, digits: 4)) in log scale), "
                + "ratio first/last \(formatSummary(d.compressionRatio, digits: 3))"
        }
        return s
    }

    public var csvTable: TableObject { table }

}
