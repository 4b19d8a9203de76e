import NoetherEngine
import NoetherSyntax

/// The result of `powerlaw`: a drift power law ȳ = prefactor·x^α over seed means,
/// with the points that entered and why the others did not.
public struct PowerLawObject: CSVExportable, FieldTable {
    public let fit: PowerLawFit
    /// The table columns fitted (x, y) and the seed column used (nil: replicate by order).
    public let xName: String
    public let yName: String
    public let seedName: String?
    /// One row per input row with its status (`rows`).
    public let rowTable: TableObject
    /// Input rows without a number in x or y (a failed sweep point): left out.
    public let missingRows: Int
    /// Whether some y cells were lists averaged over their entries (per-layer drift).
    public let averagedLists: Bool

    public init(
        fit: PowerLawFit, xName: String, yName: String, seedName: String?, rowTable: TableObject,
        missingRows: Int, averagedLists: Bool
    ) {
        self.fit = fit
        self.xName = xName
        self.yName = yName
        self.seedName = seedName
        self.rowTable = rowTable
        self.missingRows = missingRows
        self.averagedLists = averagedLists
    }

    public static let typeName = "powerlaw_fit"
    public static let fields: [ObjectField<PowerLawObject>] = [
        ObjectField(
            "alpha", "the exponent α: OLS slope of ln ȳ on ln x over the used points (ȳ = seed mean, mean before log)",
            \.fit.alpha),
        ObjectField("prefactor", "e^intercept: ȳ ≈ prefactor·x^α", \.fit.prefactor),
        ObjectField("r2", "R² of the log–log line", \.fit.r2),
        ObjectField("alpha_se", "the OLS standard error of α (nan with 2 points)", \.fit.alphaStandardError),
        ObjectField("ci", "[lo, hi]: the seed-bootstrap confidence interval of α (nothing with one seed)") { o in
            .range(o.fit.ci)
        },
        ObjectField("level", "the confidence level of ci and ols_ci (0.95)", \.fit.confidenceLevel),
        ObjectField(
            "ols_ci", "[lo, hi]: α ± t·SE from the line's residuals (not the seed spread; nothing with 2 points)"
        ) { o in .range(o.fit.olsInterval) },
        ObjectField("seed_alphas", "α refitted on each seed's own values at the used points", \.fit.seedAlphas),
        ObjectField("seed_alpha_std", "population std of seed_alphas", \.fit.seedAlphaStd),
        ObjectField(
            "local_slopes", "table lower, upper, midpoint, slope: the log–log slope between neighbouring used points"
        ) { o in .object(o.slopesTable) },
        ObjectField(
            "points",
            "table: one row per x with its seed mean, std, runs, converged, used and the reason it was left out"
        ) { o in .object(o.pointsTable) },
        ObjectField("rows", "table: every input row with its x, y, seed, diverged flag and what happened to it") { o in
            .object(o.rowTable)
        },
        ObjectField("used", "the x values that entered the fit") { o in .numbers(o.fit.used.map(\.x)) },
        ObjectField("dropped", "record of how many points were left out, by reason") { o in .record(o.droppedRecord) },
        ObjectField("diverged_runs", "input rows that diverged (flag or non-finite y)", \.fit.divergedRuns),
        ObjectField(
            "excluded_runs", "diverged rows left out of a kept point's mean (drop_seed, exclude_runs)",
            \.fit.excludedRuns),
        ObjectField(
            "missing_rows", "input rows with no number in x or y (failed sweep points): left out", \.missingRows),
        ObjectField("stable_alpha", "α over the used points with x·λ_max(θ₀) ≤ 2 alone (nothing without λ_max(θ₀))") {
            o in .optional(o.fit.stableAlpha)
        },
        ObjectField("stable_r2", "R² of the stable-points fit") { o in .optional(o.fit.stable?.r2) },
        ObjectField("stable_points", "the x values of the stable-points fit") { o in
            o.fit.stable.map { .numbers($0.xs) } ?? .nothing
        },
        ObjectField(
            "unstable_points", "used x values with x·λ_max(θ₀) > 2: starting above the edge of stability",
            \.fit.unstablePoints),
        ObjectField("has_stability", "whether the table carried λ_max(θ₀)", \.fit.hasStabilityInformation),
        ObjectField(
            "curvature", "leading coefficient of a quadratic fit of ln ȳ on ln x (E19/E22; nothing with < 3 points)"
        ) { o in .optional(o.fit.curvature) },
        ObjectField("rule", "the divergence rule: drop_point, drop_seed or exclude_runs", \.ruleName),
        ObjectField("floor", "seed means at or below it were left out", \.fit.floor),
        ObjectField("x", "the x column's name", \.xName),
        ObjectField("y", "the y column's name", \.yName),
    ]

    /// The rule's preferred name (Choices.divergenceRule).
    static func ruleName(_ r: DivergenceRule) -> String { Choices.divergenceRule.name(of: r) ?? "" }

    var ruleName: String { Self.ruleName(fit.rule) }

    /// Why a point was left out, in words.
    func reason(_ p: SweepPoint) -> String {
        switch p.status {
        case .used:
            var parts = ["used"]
            if p.unstable { parts.append("x·λ_max(θ₀) > 2") }
            if p.seedsUsed < p.runs { parts.append("\(p.runs - p.seedsUsed) diverged out") }
            return parts.joined(separator: ", ")
        case .outsideRange: return "outside the range or grid"
        case .diverged:
            return fit.rule == .dropPoint
                ? "dropped: \(p.runs - p.converged) of \(p.runs) diverged (drop_point)"
                : "dropped: every run diverged"
        case .nonPositiveX: return "dropped: x ≤ 0 has no logarithm"
        case .nonFinite: return "dropped: the mean is not finite"
        case .belowFloor: return "dropped: the mean is at or below the floor \(formatSummary(fit.floor))"
        }
    }

    public var pointsTable: TableObject {
        let ps = fit.points
        var columns: [(String, [Value])] = [
            (xName, ps.map { .number($0.x) }),
            ("mean", ps.map { .number($0.mean) }),
            ("std", ps.map { .number($0.std) }),
            ("runs", ps.map { .number(Double($0.runs)) }),
            ("converged", ps.map { .number(Double($0.converged)) }),
            ("seeds_used", ps.map { .number(Double($0.seedsUsed)) }),
        ]
        if fit.hasStabilityInformation {
            columns.append(("sharpness0", ps.map { .optional($0.sharpnessAtStart) }))
            columns.append(("x_lambda0", ps.map { .optional($0.stabilityProduct) }))
            columns.append(("unstable", ps.map { .bool($0.unstable) }))
        }
        columns.append(("used", ps.map { .bool($0.status == .used) }))
        columns.append(("reason", ps.map { .string(reason($0)) }))
        return theoryTable(columns)
    }

    public var slopesTable: TableObject {
        let s = fit.localSlopes
        return theoryTable([
            ("lower", s.map { .number($0.lowerX) }), ("upper", s.map { .number($0.upperX) }),
            ("midpoint", s.map { .number($0.midpoint) }), ("slope", s.map { .number($0.slope) }),
        ])
    }

    var droppedRecord: Record {
        let statuses: [(String, SweepPointStatus)] = [
            ("diverged", .diverged), ("outside_range", .outsideRange), ("non_positive_x", .nonPositiveX),
            ("non_finite", .nonFinite), ("below_floor", .belowFloor),
        ]
        return Record(statuses.map { (name: $0.0, value: .number(Double(fit.xs($0.1).count))) })
    }

    public var summary: String {
        let used = fit.used
        var lines = [
            "power law \(yName) ≈ \(formatSummary(fit.prefactor, digits: 4))·\(xName)^α over \(used.count) of "
                + "\(fit.points.count) points (rule \(ruleName)\(averagedLists ? "; list cells averaged over layers" : ""))"
        ]
        var line =
            "  α = \(withUncertainty(fit.alpha, fit.alphaStandardError))"
            + (fit.alphaStandardError.isFinite ? " (OLS SE)" : "")
        let level = formatSummary(100 * fit.confidenceLevel, digits: 3) + "%"
        if let ci = rangeText(fit.ci) {
            line += ", \(level) CI \(ci) from \(fit.bootstrapSamples) seed resamples"
        } else if fit.bootstrapSamples > 0 {
            line += ", no seed CI (\(fit.bootstrapSkipped) of \(fit.bootstrapSamples) resamples had an unusable point)"
        } else {
            line += ", no seed CI (one value per point)"
        }
        line += ", R² = \(formatSummary(fit.r2, digits: 4))"
        lines.append(line)
        if fit.seedAlphas.count >= 2 {
            lines.append(
                "  per-seed α \(shortList(fit.seedAlphas, digits: 4)) (std \(formatSummary(fit.seedAlphaStd, digits: 2)))"
            )
        }
        if fit.hasStabilityInformation {
            var s = "  stable points (x·λ_max(θ₀) ≤ 2): "
            if let stable = fit.stable {
                s +=
                    "α = \(withUncertainty(stable.alpha, stable.alphaStandardError)), R² = \(formatSummary(stable.r2, digits: 4)) over \(stable.xs.count)"
            } else {
                s += "fewer than 2, no α"
            }
            let unstable = fit.unstablePoints
            s += unstable.isEmpty ? "; no used point starts above the edge" : "; above the edge: \(shortList(unstable))"
            lines.append(s)
        } else {
            lines.append(
                "  no λ_max(θ₀) in the table: unstable points cannot be marked (train with sharpness_at_start=true)")
        }
        let left = fit.points.filter { $0.status != .used }
        if !left.isEmpty {
            let grouped = Dictionary(grouping: left, by: \.status)
            let parts = [SweepPointStatus.diverged, .outsideRange, .nonPositiveX, .nonFinite, .belowFloor].compactMap {
                st -> String? in
                guard let ps = grouped[st] else { return nil }
                return "\(shortList(ps.map(\.x))) (\(TheoryPowerLawText.describe(st)))"
            }
            lines.append("  left out: " + parts.joined(separator: "; "))
        }
        var counts = [String]()
        if fit.divergedRuns > 0 { counts.append("\(fit.divergedRuns) diverged run\(fit.divergedRuns == 1 ? "" : "s")") }
        if fit.excludedRuns > 0 { counts.append("\(fit.excludedRuns) left out of kept means") }
        if missingRows > 0 { counts.append("\(missingRows) row\(missingRows == 1 ? "" : "s") without a value") }
        if !counts.isEmpty { lines.append("  " + counts.joined(separator: ", ")) }
        if !fit.localSlopes.isEmpty {
            lines.append("  local slopes \(shortList(fit.localSlopes.map(\.slope), limit: 9))")
        }
        lines.append(indented(pointsTable.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { pointsTable }

}
