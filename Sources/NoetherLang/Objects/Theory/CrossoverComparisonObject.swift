#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// The result of `compare`: a prediction against measurements, η by η.
public struct CrossoverComparisonObject: CSVExportable, FieldTable {
    public let comparison: CrossoverComparison

    public init(_ comparison: CrossoverComparison) { self.comparison = comparison }

    public static let typeName = "crossover_comparison"
    public static let fields: [ObjectField<CrossoverComparisonObject>] = [
        ObjectField("lr", "the learning rates η", \.comparison.learningRates),
        ObjectField("S_pred", "the prediction per η", \.comparison.predicted),
        ObjectField("S_meas", "the measurement per η", \.comparison.measured),
        ObjectField("ratio", "S_pred/S_meas per η (nan where not compared)", \.comparison.ratio),
        ObjectField(
            "relative_error", "|S_pred − S_meas|/S_meas per η (nan where not compared)", \.comparison.relativeError),
        ObjectField("unstable", "per η, whether the prediction used unstable modes (ηλ_k ≥ 2)", \.comparison.unstable),
        ObjectField(
            "compared", "per η, whether it entered the statistics (finite prediction, finite positive measurement)",
            \.comparison.compared),
        ObjectField(
            "R", "the reference's R: Pearson of ln(S_pred + 1e-20) and ln(S_meas + 1e-20) over the compared η",
            \.comparison.correlation),
        ObjectField(
            "R_stable", "the same R without the η whose prediction used unstable modes", \.comparison.correlationStable),
        ObjectField("points", "η compared", \.comparison.pointsCompared),
        ObjectField("stable_points", "η compared without unstable modes", \.comparison.stablePointsCompared),
        ObjectField(
            "geometric_mean_ratio", "exp(mean ln ratio): the typical scale factor S_pred/S_meas",
            \.comparison.geometricMeanRatio),
        ObjectField("worst_factor", "max over compared η of max(ratio, 1/ratio)", \.comparison.worstFactor),
        ObjectField(
            "median_relative_error", "median of relative_error over the compared η", \.comparison.medianRelativeError),
        ObjectField("max_relative_error", "max of relative_error over the compared η", \.comparison.maxRelativeError),
        ObjectField("verdict", "one line: shape (R with and without unstable η) and scale (ratios), judged separately")
        { o in .string(TheoryWording.verdict(o.comparison)) },
        ObjectField("table", "table lr, S_pred, S_meas, ratio, relative_error, unstable, compared") { o in
            .object(o.table)
        },
    ]

    public var table: TableObject {
        let c = comparison
        return theoryTable([
            ("lr", c.learningRates.map { .number($0) }), ("S_pred", c.predicted.map { .number($0) }),
            ("S_meas", c.measured.map { .number($0) }), ("ratio", c.ratio.map { .number($0) }),
            ("relative_error", c.relativeError.map { .number($0) }), ("unstable", c.unstable.map { .bool($0) }),
            ("compared", c.compared.map { .bool($0) }),
        ])
    }

    public var summary: String {
        let c = comparison
        var lines = ["crossover comparison: \(TheoryWording.verdict(c))"]
        lines.append(
            "  R = \(formatSummary(c.correlation, digits: 4)) over \(c.pointsCompared) η, "
                + "\(formatSummary(c.correlationStable, digits: 4)) over the \(c.stablePointsCompared) without unstable modes; "
                + "S_pred/S_meas typically \(formatSummary(c.geometricMeanRatio, digits: 3)), worst factor \(formatSummary(c.worstFactor, digits: 3)), "
                + "median relative error \(formatSummary(c.medianRelativeError, digits: 3))")
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
