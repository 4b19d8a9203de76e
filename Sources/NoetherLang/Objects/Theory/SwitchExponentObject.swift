import NoetherEngine
import NoetherSyntax

/// The result of `switch_exponent`: the per-neuron switch rate ∝ m^exponent across widths.
public struct SwitchExponentObject: CSVExportable, FieldTable {
    public let scaling: SwitchRateScaling
    /// The underlying power law (points, local slopes, seed interval).
    public let powerLaw: PowerLawObject

    public init(_ scaling: SwitchRateScaling, powerLaw: PowerLawObject) {
        self.scaling = scaling
        self.powerLaw = powerLaw
    }

    public static let typeName = "switch_exponent"
    public static let fields: [ObjectField<SwitchExponentObject>] = [
        ObjectField("exponent", "the slope of ln(rate) on ln m over the per-width means", \.scaling.exponent),
        ObjectField("beta", "E15's β = −exponent (rate ∝ m^−β)", \.scaling.beta),
        ObjectField("prefactor", "rate ≈ prefactor·m^exponent", \.scaling.prefactor),
        ObjectField("r2", "R² of the log–log fit", \.scaling.r2),
        ObjectField("exponent_se", "the OLS standard error of the exponent", \.scaling.fit.alphaStandardError),
        ObjectField(
            "ci", "[lo, hi]: bootstrap interval over the runs at each width (the i-th run at each width is replicate i)"
        ) { o in .range(o.scaling.fit.ci) },
        ObjectField("local_slopes", "table lower, upper, midpoint, slope between neighbouring widths") { o in
            .object(o.powerLaw.slopesTable)
        },
        ObjectField("points", "table: one row per width with its mean rate, runs and status") { o in
            .object(o.powerLaw.pointsTable)
        },
    ]

    public var summary: String {
        var s =
            "switch rate ∝ m^exponent over \(scaling.fit.used.count) widths: exponent = "
            + "\(withUncertainty(scaling.exponent, scaling.fit.alphaStandardError)) (β = \(formatSummary(scaling.beta, digits: 4)))"
        if let ci = rangeText(scaling.fit.ci) { s += ", 95% CI \(ci)" }
        s += ", R² = \(formatSummary(scaling.r2, digits: 4))"
        if !scaling.fit.localSlopes.isEmpty {
            s += "\n  local slopes \(shortList(scaling.fit.localSlopes.map(\.slope), limit: 9))"
        }
        return s + "\n" + indented(powerLaw.pointsTable.summary)
    }

    public var csvTable: TableObject { powerLaw.pointsTable }

}
