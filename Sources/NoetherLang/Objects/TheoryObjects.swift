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

// MARK: - Helpers

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

extension JSONValue {
    static func range(_ r: ClosedRange<Double>?) -> JSONValue {
        r.map { .numbers([$0.lowerBound, $0.upperBound]) } ?? .null
    }

    static func optional(_ x: Double?) -> JSONValue { x.map { .number($0) } ?? .null }

    static func bools(_ bs: [Bool]) -> JSONValue { .array(bs.map { .bool($0) }) }
}

/// A short list of numbers for summaries: the first `limit`, then "…".
func shortList(_ xs: [Double], limit: Int = 6, digits: Int = 3) -> String {
    var parts = xs.prefix(limit).map { formatSummary($0, digits: digits) }
    if xs.count > limit { parts.append("… (\(xs.count - limit) more)") }
    return parts.joined(separator: ", ")
}

/// Indents every line of `text` by two spaces.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
}

// MARK: - Power law

/// The result of `powerlaw`: a drift power law ȳ = prefactor·x^α over seed means,
/// with the points that entered and why the others did not.
public struct PowerLawObject: CSVExportable {
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
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc(
            "alpha", "the exponent α: OLS slope of ln ȳ on ln x over the used points (ȳ = seed mean, mean before log)"),
        FieldDoc("prefactor", "e^intercept: ȳ ≈ prefactor·x^α"),
        FieldDoc("r2", "R² of the log–log line"),
        FieldDoc("alpha_se", "the OLS standard error of α (nan with 2 points)"),
        FieldDoc("ci", "[lo, hi]: the seed-bootstrap confidence interval of α (nothing with one seed)"),
        FieldDoc("level", "the confidence level of ci and ols_ci (0.95)"),
        FieldDoc("ols_ci", "[lo, hi]: α ± t·SE from the line's residuals (not the seed spread; nothing with 2 points)"),
        FieldDoc("seed_alphas", "α refitted on each seed's own values at the used points"),
        FieldDoc("seed_alpha_std", "population std of seed_alphas"),
        FieldDoc(
            "local_slopes", "table lower, upper, midpoint, slope: the log–log slope between neighbouring used points"),
        FieldDoc(
            "points",
            "table: one row per x with its seed mean, std, runs, converged, used and the reason it was left out"),
        FieldDoc("rows", "table: every input row with its x, y, seed, diverged flag and what happened to it"),
        FieldDoc("used", "the x values that entered the fit"),
        FieldDoc("dropped", "record of how many points were left out, by reason"),
        FieldDoc("diverged_runs", "input rows that diverged (flag or non-finite y)"),
        FieldDoc("excluded_runs", "diverged rows left out of a kept point's mean (drop_seed, exclude_runs)"),
        FieldDoc("missing_rows", "input rows with no number in x or y (failed sweep points): left out"),
        FieldDoc("stable_alpha", "α over the used points with x·λ_max(θ₀) ≤ 2 alone (nothing without λ_max(θ₀))"),
        FieldDoc("stable_r2", "R² of the stable-points fit"),
        FieldDoc("stable_points", "the x values of the stable-points fit"),
        FieldDoc("unstable_points", "used x values with x·λ_max(θ₀) > 2: starting above the edge of stability"),
        FieldDoc("has_stability", "whether the table carried λ_max(θ₀)"),
        FieldDoc(
            "curvature", "leading coefficient of a quadratic fit of ln ȳ on ln x (E19/E22; nothing with < 3 points)"),
        FieldDoc("rule", "the divergence rule: drop_point, drop_seed or exclude_runs"),
        FieldDoc("floor", "seed means at or below it were left out"),
        FieldDoc("x", "the x column's name"),
        FieldDoc("y", "the y column's name"),
    ]

    static func ruleName(_ r: DivergenceRule) -> String {
        switch r {
        case .dropPoint: "drop_point"
        case .dropSeed: "drop_seed"
        case .excludeRuns: "exclude_runs"
        }
    }

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

    public func field(_ name: String) -> Value? {
        switch name {
        case "alpha": .number(fit.alpha)
        case "prefactor": .number(fit.prefactor)
        case "r2": .number(fit.r2)
        case "alpha_se": .number(fit.alphaStandardError)
        case "ci": .range(fit.ci)
        case "level": .number(fit.confidenceLevel)
        case "ols_ci": .range(fit.olsInterval)
        case "seed_alphas": .numbers(fit.seedAlphas)
        case "seed_alpha_std": .number(fit.seedAlphaStd)
        case "local_slopes": .object(slopesTable)
        case "points": .object(pointsTable)
        case "rows": .object(rowTable)
        case "used": .numbers(fit.used.map(\.x))
        case "dropped": .record(droppedRecord)
        case "diverged_runs": .number(Double(fit.divergedRuns))
        case "excluded_runs": .number(Double(fit.excludedRuns))
        case "missing_rows": .number(Double(missingRows))
        case "stable_alpha": .optional(fit.stableAlpha)
        case "stable_r2": .optional(fit.stable?.r2)
        case "stable_points": fit.stable.map { .numbers($0.xs) } ?? .nothing
        case "unstable_points": .numbers(fit.unstablePoints)
        case "has_stability": .bool(fit.hasStabilityInformation)
        case "curvature": .optional(fit.curvature)
        case "rule": .string(ruleName)
        case "floor": .number(fit.floor)
        case "x": .string(xName)
        case "y": .string(yName)
        default: nil
        }
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

    public var json: JSONValue {
        .object([
            ("type", .string(Self.typeName)), ("x", .string(xName)), ("y", .string(yName)),
            ("alpha", .number(fit.alpha)), ("prefactor", .number(fit.prefactor)), ("r2", .number(fit.r2)),
            ("alpha_se", .number(fit.alphaStandardError)), ("ci", .range(fit.ci)),
            ("level", .number(fit.confidenceLevel)),
            ("ols_ci", .range(fit.olsInterval)), ("seed_alphas", .numbers(fit.seedAlphas)),
            ("seed_alpha_std", .number(fit.seedAlphaStd)), ("stable_alpha", .optional(fit.stableAlpha)),
            ("stable_r2", .optional(fit.stable?.r2)), ("stable_points", fit.stable.map { .numbers($0.xs) } ?? .null),
            ("unstable_points", .numbers(fit.unstablePoints)), ("curvature", .optional(fit.curvature)),
            ("rule", .string(ruleName)), ("floor", .number(fit.floor)),
            ("diverged_runs", .number(Double(fit.divergedRuns))), ("excluded_runs", .number(Double(fit.excludedRuns))),
            ("missing_rows", .number(Double(missingRows))), ("dropped", Value.record(droppedRecord).json),
            ("local_slopes", slopesTable.json), ("points", pointsTable.json), ("rows", rowTable.json),
        ])
    }
}

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

// MARK: - Crossover prediction

/// The result of `crossover`: S_pred(η) = Σ_k c_k f(η, λ_k, T) per learning rate.
public struct CrossoverObject: CSVExportable {
    public let prediction: CrossoverPrediction
    /// λ_k and c_k as used, in the order given.
    public let eigenvalues: [Double]
    public let coefficients: [Double]
    /// Where the coefficients came from (`projected`, `uniform`, `list` …).
    public let source: String

    public init(_ prediction: CrossoverPrediction, eigenvalues: [Double], coefficients: [Double], source: String) {
        self.prediction = prediction
        self.eigenvalues = eigenvalues
        self.coefficients = coefficients
        self.source = source
    }

    public static let typeName = "crossover_prediction"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("lr", "the learning rates η"),
        FieldDoc("S_pred", "S_pred(η) = Σ_k c_k f(η, λ_k, T) per η (nan where unstable=\"refuse\" refused)"),
        FieldDoc("drift_pred", "η²·S_pred: the predicted drift per η"),
        FieldDoc(
            "local_alpha", "the predicted local exponent d ln(η²S_pred)/d ln η per η: 2 before crossover, → 1 after"),
        FieldDoc("converged_fraction", "per η, the share of included modes past their crossover η > 1/(λ_k T)"),
        FieldDoc("converged_weight", "per η, Σ c_k over crossed-over modes / Σ c_k over included modes"),
        FieldDoc("unstable_modes", "per η, included modes with ηλ_k ≥ 2"),
        FieldDoc("refused", "per η, whether the prediction was refused (unstable=\"refuse\")"),
        FieldDoc("crossover_rates", "per mode, η_k* = 1/(λ_k T) (nan for skipped modes), in the order of eigenvalues"),
        FieldDoc("eigenvalues", "λ_k as used"),
        FieldDoc("c", "c_k as used"),
        FieldDoc("included_modes", "modes with λ_k ≥ 1e-12 (the others are skipped, as the reference does)"),
        FieldDoc("skipped_modes", "modes with λ_k < 0 or |λ_k| < 1e-12"),
        FieldDoc("steps", "T of the formula"),
        FieldDoc("unstable", "the policy for modes with ηλ_k ≥ 2: cap, skip or refuse"),
        FieldDoc(
            "table",
            "table lr, S_pred, drift_pred, local_alpha, converged_fraction, converged_weight, unstable_modes, refused"),
    ]

    var drift: [Double] { zip(prediction.learningRates, prediction.predicted).map { $0 * $0 * $1 } }

    public var table: TableObject {
        let p = prediction
        return theoryTable([
            ("lr", p.learningRates.map { .number($0) }), ("S_pred", p.predicted.map { .number($0) }),
            ("drift_pred", drift.map { .number($0) }), ("local_alpha", p.localAlpha.map { .number($0) }),
            ("converged_fraction", p.convergedFraction.map { .number($0) }),
            ("converged_weight", p.convergedWeight.map { .number($0) }),
            ("unstable_modes", p.unstableModes.map { .number(Double($0)) }), ("refused", p.refused.map { .bool($0) }),
        ])
    }

    public func field(_ name: String) -> Value? {
        let p = prediction
        switch name {
        case "lr": return .numbers(p.learningRates)
        case "S_pred": return .numbers(p.predicted)
        case "drift_pred": return .numbers(drift)
        case "local_alpha": return .numbers(p.localAlpha)
        case "converged_fraction": return .numbers(p.convergedFraction)
        case "converged_weight": return .numbers(p.convergedWeight)
        case "unstable_modes": return .numbers(p.unstableModes.map(Double.init))
        case "refused": return .bools(p.refused)
        case "crossover_rates": return .numbers(p.crossoverRates)
        case "eigenvalues": return .numbers(eigenvalues)
        case "c": return .numbers(coefficients)
        case "included_modes": return .number(Double(p.includedModes))
        case "skipped_modes": return .number(Double(p.skippedModes))
        case "steps": return .number(Double(p.steps))
        case "unstable": return .string(p.policy.rawValue)
        case "table": return .object(table)
        default: return nil
        }
    }

    public var summary: String {
        let p = prediction
        var lines = [
            "crossover prediction S_pred(η) = Σ_k c_k f(η, λ_k, T), T = \(p.steps), c_k \(source): "
                + "\(p.includedModes) mode\(p.includedModes == 1 ? "" : "s")"
                + (p.skippedModes > 0 ? " (\(p.skippedModes) skipped: λ < 0 or |λ| < 1e-12)" : "")
        ]
        let rates = p.crossoverRates.filter(\.isFinite)
        if let lo = rates.min(), let hi = rates.max() {
            lines.append(
                "  crossover rates 1/(λ_k T) from \(formatSummary(lo, digits: 3)) to \(formatSummary(hi, digits: 3))")
        }
        let unstable = p.unstableModes.enumerated().filter { $0.element > 0 }
        if !unstable.isEmpty {
            let etas = shortList(unstable.map { p.learningRates[$0.offset] })
            switch p.policy {
            case .cap:
                lines.append(
                    "  unstable modes (ηλ_k ≥ 2) at η = \(etas): capped at c_k·T/|ηλ(2 − ηλ)| as the reference does "
                        + "(no basis in the formula; see compare's R without them)")
            case .skip: lines.append("  unstable modes (ηλ_k ≥ 2) at η = \(etas): left out of S_pred")
            case .refuse: lines.append("  unstable modes (ηλ_k ≥ 2) at η = \(etas): no prediction there (refused)")
            }
        }
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        let p = prediction
        return .object([
            ("type", .string(Self.typeName)), ("steps", .number(Double(p.steps))),
            ("unstable", .string(p.policy.rawValue)),
            ("source", .string(source)), ("included_modes", .number(Double(p.includedModes))),
            ("skipped_modes", .number(Double(p.skippedModes))),
            ("lr", .numbers(p.learningRates)), ("S_pred", .numbers(p.predicted)), ("drift_pred", .numbers(drift)),
            ("local_alpha", .numbers(p.localAlpha)), ("converged_fraction", .numbers(p.convergedFraction)),
            ("converged_weight", .numbers(p.convergedWeight)),
            ("unstable_modes", .numbers(p.unstableModes.map(Double.init))),
            ("refused", .bools(p.refused)), ("eigenvalues", .numbers(eigenvalues)), ("c", .numbers(coefficients)),
            ("crossover_rates", .numbers(p.crossoverRates)),
        ])
    }
}

/// The result of `compare`: a prediction against measurements, η by η.
public struct CrossoverComparisonObject: CSVExportable {
    public let comparison: CrossoverComparison

    public init(_ comparison: CrossoverComparison) { self.comparison = comparison }

    public static let typeName = "crossover_comparison"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("lr", "the learning rates η"),
        FieldDoc("S_pred", "the prediction per η"),
        FieldDoc("S_meas", "the measurement per η"),
        FieldDoc("ratio", "S_pred/S_meas per η (nan where not compared)"),
        FieldDoc("relative_error", "|S_pred − S_meas|/S_meas per η (nan where not compared)"),
        FieldDoc("unstable", "per η, whether the prediction used unstable modes (ηλ_k ≥ 2)"),
        FieldDoc(
            "compared", "per η, whether it entered the statistics (finite prediction, finite positive measurement)"),
        FieldDoc("R", "the reference's R: Pearson of ln(S_pred + 1e-20) and ln(S_meas + 1e-20) over the compared η"),
        FieldDoc("R_stable", "the same R without the η whose prediction used unstable modes"),
        FieldDoc("points", "η compared"),
        FieldDoc("stable_points", "η compared without unstable modes"),
        FieldDoc("geometric_mean_ratio", "exp(mean ln ratio): the typical scale factor S_pred/S_meas"),
        FieldDoc("worst_factor", "max over compared η of max(ratio, 1/ratio)"),
        FieldDoc("median_relative_error", "median of relative_error over the compared η"),
        FieldDoc("max_relative_error", "max of relative_error over the compared η"),
        FieldDoc("verdict", "one line: shape (R with and without unstable η) and scale (ratios), judged separately"),
        FieldDoc("table", "table lr, S_pred, S_meas, ratio, relative_error, unstable, compared"),
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

    public func field(_ name: String) -> Value? {
        let c = comparison
        switch name {
        case "lr": return .numbers(c.learningRates)
        case "S_pred": return .numbers(c.predicted)
        case "S_meas": return .numbers(c.measured)
        case "ratio": return .numbers(c.ratio)
        case "relative_error": return .numbers(c.relativeError)
        case "unstable": return .bools(c.unstable)
        case "compared": return .bools(c.compared)
        case "R": return .number(c.correlation)
        case "R_stable": return .number(c.correlationStable)
        case "points": return .number(Double(c.pointsCompared))
        case "stable_points": return .number(Double(c.stablePointsCompared))
        case "geometric_mean_ratio": return .number(c.geometricMeanRatio)
        case "worst_factor": return .number(c.worstFactor)
        case "median_relative_error": return .number(c.medianRelativeError)
        case "max_relative_error": return .number(c.maxRelativeError)
        case "verdict": return .string(TheoryWording.verdict(c))
        case "table": return .object(table)
        default: return nil
        }
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

    public var json: JSONValue {
        let c = comparison
        return .object([
            ("type", .string(Self.typeName)), ("verdict", .string(TheoryWording.verdict(c))),
            ("R", .number(c.correlation)), ("R_stable", .number(c.correlationStable)),
            ("points", .number(Double(c.pointsCompared))), ("stable_points", .number(Double(c.stablePointsCompared))),
            ("geometric_mean_ratio", .number(c.geometricMeanRatio)), ("worst_factor", .number(c.worstFactor)),
            ("median_relative_error", .number(c.medianRelativeError)),
            ("max_relative_error", .number(c.maxRelativeError)),
            ("lr", .numbers(c.learningRates)), ("S_pred", .numbers(c.predicted)), ("S_meas", .numbers(c.measured)),
            ("ratio", .numbers(c.ratio)), ("relative_error", .numbers(c.relativeError)),
            ("unstable", .bools(c.unstable)), ("compared", .bools(c.compared)),
        ])
    }
}

// MARK: - Mode coefficients

/// The result of `coefficients`: c_k per mode with the eigenvalues they belong to.
public struct CoefficientsObject: CSVExportable {
    /// `projected`, `derived`, `uniform` or `fit`.
    public let method: String
    /// c_k, aligned with `eigenvalues` (largest λ first for Hessian modes; descending
    /// λ_{x,k} for the derived coefficients).
    public let coefficients: [Double]
    public let eigenvalues: [Double]
    /// What the eigenvalues are: Hessian modes or data modes.
    public let basis: String
    /// projected: δ_c = ‖g_{W₂}‖² − ‖g_{W₁}‖² at θ (signed), the gradient's share of
    /// energy in positive-curvature modes, and ‖G₁u_k‖² per data mode (2-layer nets).
    public var imbalance: Double?
    public var positiveShare: Double?
    public var dataModeEnergy: [Double]?
    /// Whether the eigenbasis was complete (projected: the reference sums over every mode).
    public var completeBasis: Bool = true
    /// derived: e_k(0)², the active fractions (nil for a linear network), the target.
    public var derived: DerivedCoefficients?
    /// fit: the NNLS fit.
    public var fitted: FittedCoefficients?
    /// Positive Hessian eigenvalues (> 1e-8), for the reference's K′ in ck_compare.
    public var positiveModes: Int?

    public init(method: String, coefficients: [Double], eigenvalues: [Double], basis: String) {
        self.method = method
        self.coefficients = coefficients
        self.eigenvalues = eigenvalues
        self.basis = basis
    }

    public static let typeName = "coefficients"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("method", "projected, derived, uniform or fit"),
        FieldDoc("c", "c_k per mode, aligned with eigenvalues"),
        FieldDoc("eigenvalues", "λ_k of each mode: Hessian eigenvalues largest first, or λ_{x,k} of XᵀX/n for derived"),
        FieldDoc("basis", "hessian (P Hessian modes) or data (d data modes)"),
        FieldDoc("modes", "number of modes"),
        FieldDoc("sum", "Σ c_k (projected: |δ(θ)| over a complete eigenbasis)"),
        FieldDoc(
            "delta", "projected/derived: δ = ‖∂L/∂W₂‖² − ‖∂L/∂W₁‖² at θ (signed; mean over layer pairs for deep nets)"),
        FieldDoc("positive_share", "projected: Σ_{λ_k > 1e-12} (v_kᵀg)² / ‖g‖², the gradient energy in positive modes"),
        FieldDoc(
            "data_mode_energy", "‖G₁u_k‖² per data mode k (2-layer nets): the gradient in the derived c_k's basis"),
        FieldDoc("errors", "derived: e_k(0)² = ‖W_eff[:, k] − target_k‖² per data mode"),
        FieldDoc(
            "active_fractions",
            "derived: ā_j, the mean slope σ′ of hidden unit j over the samples (nothing for linear nets)"),
        FieldDoc("target", "derived: cross_covariance (the reference's Ŷ* = YᵀXU/n) or least_squares"),
        FieldDoc("bins", "fit: table of the λ bins: lower, upper, modes, eigenvalue, C (the bin's total c)"),
        FieldDoc("lr", "fit: the learning rates that entered the fit"),
        FieldDoc("fitted", "fit: S_pred with the fitted c_k at each lr"),
        FieldDoc("measured", "fit: the measured S at each lr"),
        FieldDoc("residuals", "fit: (fitted − measured)/measured at each lr"),
        FieldDoc("rms_residual", "fit: √mean of the squared relative residuals"),
        FieldDoc("table", "table mode, eigenvalue, c (and errors, data_mode_energy where defined)"),
    ]

    public var table: TableObject {
        var columns: [(String, [Value])] = [
            ("mode", coefficients.indices.map { .number(Double($0)) }),
            ("eigenvalue", eigenvalues.map { .number($0) }), ("c", coefficients.map { .number($0) }),
        ]
        if let d = derived { columns.append(("error", d.errors.map { .number($0) })) }
        if let e = dataModeEnergy, e.count == coefficients.count {
            columns.append(("data_mode_energy", e.map { .number($0) }))
        }
        return theoryTable(columns)
    }

    var binsTable: TableObject? {
        guard let f = fitted else { return nil }
        return theoryTable([
            ("lower", f.binLower.map { .number($0) }), ("upper", f.binUpper.map { .number($0) }),
            ("modes", f.binModeCounts.map { .number(Double($0)) }),
            ("eigenvalue", f.binEigenvalues.map { .number($0) }),
            ("C", f.binCoefficients.map { .number($0) }),
        ])
    }

    var sum: Double { coefficients.reduce(0, +) }

    public func field(_ name: String) -> Value? {
        switch name {
        case "method": .string(method)
        case "c": .numbers(coefficients)
        case "eigenvalues": .numbers(eigenvalues)
        case "basis": .string(basis)
        case "modes": .number(Double(coefficients.count))
        case "sum": .number(sum)
        case "delta": .optional(imbalance)
        case "positive_share": .optional(positiveShare)
        case "data_mode_energy": dataModeEnergy.map { .numbers($0) } ?? .nothing
        case "errors": derived.map { .numbers($0.errors) } ?? .nothing
        case "active_fractions": derived?.activeFractions.map { .numbers($0) } ?? .nothing
        case "target":
            derived.map { .string($0.target == .crossCovariance ? "cross_covariance" : "least_squares") } ?? .nothing
        case "bins": binsTable.map { .object($0) } ?? .nothing
        case "lr": fitted.map { .numbers($0.learningRates) } ?? .nothing
        case "fitted": fitted.map { .numbers($0.fitted) } ?? .nothing
        case "measured": fitted.map { .numbers($0.measured) } ?? .nothing
        case "residuals": fitted.map { .numbers($0.relativeResiduals) } ?? .nothing
        case "rms_residual": fitted.map { .number($0.rmsRelativeResidual) } ?? .nothing
        case "table": .object(table)
        default: nil
        }
    }

    var methodDescription: String {
        switch method {
        case "projected": "the reference's c_k = (v_kᵀg)²·|δ|/Σ_j (v_jᵀg)², gradient energy per Hessian mode"
        case "derived":
            (derived?.activeFractions == nil
                ? "c_k = e_k(0)²·λ_{x,k}² in the data eigenbasis"
                : "c_k = e_k(0)²·λ_{x,k}² with W_eff = W₂·diag(ā)·W₁ (active fractions)")
                + (derived?.target == .leastSquares ? ", least-squares target" : ", target Ŷ* = YᵀXU/n")
        case "uniform": "c_k = 1/P for every mode"
        default: "c_k ≥ 0 fitted to measured S(η) by NNLS over λ bins"
        }
    }

    public var summary: String {
        var lines = [
            "coefficients \(method) (\(methodDescription)): \(coefficients.count) \(basis) modes, Σc_k = \(formatSummary(sum, digits: 4))"
        ]
        if let delta = imbalance {
            var s = "  δ(θ) = \(formatSummary(delta, digits: 4))"
            if let share = positiveShare {
                s += ", gradient energy in positive modes \(formatSummary(100 * share, digits: 3))%"
            }
            lines.append(s)
        }
        if !completeBasis {
            lines.append("  partial eigenbasis: Σ_j (v_jᵀg)² runs over the given modes only (the reference uses all P)")
        }
        let order = coefficients.indices.sorted { coefficients[$0] > coefficients[$1] }.prefix(5)
        if !order.isEmpty {
            let parts = order.map {
                "c = \(formatSummary(coefficients[$0], digits: 3)) at λ = \(formatSummary(eigenvalues[$0], digits: 3))"
            }
            lines.append("  largest: " + parts.joined(separator: "; "))
        }
        if let f = fitted {
            lines.append(
                "  fit over \(f.learningRates.count) η, \(f.binCoefficients.count) λ bins (\(f.activeBins.count) held at 0): "
                    + "rms relative residual \(formatSummary(f.rmsRelativeResidual, digits: 3))")
            if let b = binsTable { lines.append(indented(b.summary)) }
        }
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string(Self.typeName)), ("method", .string(method)), ("basis", .string(basis)),
            ("c", .numbers(coefficients)), ("eigenvalues", .numbers(eigenvalues)), ("sum", .number(sum)),
            ("delta", .optional(imbalance)), ("positive_share", .optional(positiveShare)),
        ]
        if let e = dataModeEnergy { pairs.append(("data_mode_energy", .numbers(e))) }
        if let d = derived {
            pairs.append(("errors", .numbers(d.errors)))
            pairs.append(("active_fractions", d.activeFractions.map { .numbers($0) } ?? .null))
            pairs.append(("target", .string(d.target == .crossCovariance ? "cross_covariance" : "least_squares")))
        }
        if let f = fitted, let b = binsTable {
            pairs.append(("bins", b.json))
            pairs.append(("lr", .numbers(f.learningRates)))
            pairs.append(("fitted", .numbers(f.fitted)))
            pairs.append(("measured", .numbers(f.measured)))
            pairs.append(("residuals", .numbers(f.relativeResiduals)))
            pairs.append(("rms_residual", .number(f.rmsRelativeResidual)))
        }
        return .object(pairs)
    }
}

/// The result of `ck_compare`: the reference's sorted-rank R beside a mode-by-mode
/// comparison in a common basis.
public struct CoefficientComparisonObject: CSVExportable {
    public let comparison: CoefficientComparison
    /// What the mode-by-mode comparison compared (nil when there is none).
    public let basis: String?
    /// Names of the two lists (their methods).
    public let nameA: String
    public let nameB: String

    public init(_ comparison: CoefficientComparison, basis: String?, nameA: String, nameB: String) {
        self.comparison = comparison
        self.basis = basis
        self.nameA = nameA
        self.nameB = nameB
    }

    public static let typeName = "ck_comparison"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc(
            "R", "the reference's R: Pearson of the logs of both lists sorted descending independently (paired by rank)"
        ),
        FieldDoc("top", "K′, the entries the sorted-rank R keeps"),
        FieldDoc("sorted_a", "a's top K′ normalized values, descending"),
        FieldDoc("sorted_b", "b's top K′ normalized values, descending"),
        FieldDoc("top_a", "a's largest normalized value"),
        FieldDoc("top_b", "b's largest normalized value"),
        FieldDoc("top_ratio", "top_a/top_b"),
        FieldDoc("mode_matched", "whether a mode-by-mode comparison was possible"),
        FieldDoc("basis", "what the mode-by-mode comparison compared"),
        FieldDoc("log_R", "mode by mode: Pearson of ln(share + 1e-20), paired by mode (no sorting)"),
        FieldDoc("spearman", "mode by mode: Spearman's rank correlation of the shares"),
        FieldDoc("total_variation", "mode by mode: ½·Σ|share_a − share_b| ∈ [0, 1] (0: the same distribution)"),
        FieldDoc("top_mode_a", "the mode holding a's largest share"),
        FieldDoc("top_mode_b", "the mode holding b's largest share"),
        FieldDoc("shares_a", "mode by mode: a's |c_k| normalized to sum 1"),
        FieldDoc("shares_b", "mode by mode: b's |c_k| normalized to sum 1"),
        FieldDoc("ratios", "mode by mode: share_a/share_b"),
        FieldDoc("summary", "one line with both comparisons"),
        FieldDoc("table", "both views side by side: rank, sorted_a, sorted_b, then mode, share_a, share_b, ratio"),
    ]

    public var table: TableObject {
        let r = comparison.rank
        let m = comparison.modeMatched
        let n = Swift.max(r.count, m?.sharesA.count ?? 0)
        func cell(_ xs: [Double]?, _ i: Int) -> Value {
            xs.map { i < $0.count ? .number($0[i]) : .nothing } ?? .nothing
        }
        var columns: [(String, [Value])] = [
            ("rank", (0..<n).map { $0 < r.count ? .number(Double($0)) : .nothing }),
            ("sorted_a", (0..<n).map { cell(r.sortedA, $0) }), ("sorted_b", (0..<n).map { cell(r.sortedB, $0) }),
        ]
        if let m {
            columns.append(("mode", (0..<n).map { $0 < m.sharesA.count ? .number(Double($0)) : .nothing }))
            columns.append(("share_a", (0..<n).map { cell(m.sharesA, $0) }))
            columns.append(("share_b", (0..<n).map { cell(m.sharesB, $0) }))
            columns.append(("ratio", (0..<n).map { cell(m.ratios, $0) }))
        }
        return theoryTable(columns)
    }

    public func field(_ name: String) -> Value? {
        let r = comparison.rank
        let m = comparison.modeMatched
        switch name {
        case "R": return .number(r.correlation)
        case "top": return .number(Double(r.count))
        case "sorted_a": return .numbers(r.sortedA)
        case "sorted_b": return .numbers(r.sortedB)
        case "top_a": return .number(r.topA)
        case "top_b": return .number(r.topB)
        case "top_ratio": return .number(r.topRatio)
        case "mode_matched": return .bool(m != nil)
        case "basis": return basis.map { .string($0) } ?? .nothing
        case "log_R": return m.map { .number($0.logCorrelation) } ?? .nothing
        case "spearman": return m.map { .number($0.rankCorrelation) } ?? .nothing
        case "total_variation": return m.map { .number($0.totalVariation) } ?? .nothing
        case "top_mode_a": return m.map { .number(Double($0.topModeA)) } ?? .nothing
        case "top_mode_b": return m.map { .number(Double($0.topModeB)) } ?? .nothing
        case "shares_a": return m.map { .numbers($0.sharesA) } ?? .nothing
        case "shares_b": return m.map { .numbers($0.sharesB) } ?? .nothing
        case "ratios": return m.map { .numbers($0.ratios) } ?? .nothing
        case "summary": return .string(comparison.summary)
        case "table": return .object(table)
        default: return nil
        }
    }

    public var summary: String {
        let r = comparison.rank
        var lines = [
            nameA == "a" && nameB == "b" ? "ck comparison of a and b" : "ck comparison of \(nameA) (a) and \(nameB) (b)"
        ]
        lines.append(
            "  sorted-rank R (the reference's, paired by rank only) = \(formatSummary(r.correlation, digits: 4)) over the top \(r.count); "
                + "top shares \(formatSummary(r.topA, digits: 3)) vs \(formatSummary(r.topB, digits: 3)) (ratio \(formatSummary(r.topRatio, digits: 3)))"
        )
        if let m = comparison.modeMatched {
            lines.append(
                "  mode by mode\(basis.map { " (\($0))" } ?? ""): log R = \(formatSummary(m.logCorrelation, digits: 4)), "
                    + "Spearman \(formatSummary(m.rankCorrelation, digits: 4)), total variation \(formatSummary(m.totalVariation, digits: 3)), "
                    + "largest mode \(m.topModeA) vs \(m.topModeB)\(m.sameTopMode ? " (the same)" : "")")
        } else {
            lines.append("  no mode-by-mode comparison: the lists are in different bases (\(nameA) vs \(nameB))")
        }
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        let r = comparison.rank
        var pairs: [(String, JSONValue)] = [
            ("type", .string(Self.typeName)), ("a", .string(nameA)), ("b", .string(nameB)),
            ("R", .number(r.correlation)), ("top", .number(Double(r.count))),
            ("sorted_a", .numbers(r.sortedA)), ("sorted_b", .numbers(r.sortedB)),
            ("top_a", .number(r.topA)), ("top_b", .number(r.topB)), ("top_ratio", .number(r.topRatio)),
            ("summary", .string(comparison.summary)),
        ]
        if let m = comparison.modeMatched {
            pairs += [
                ("basis", basis.map { .string($0) } ?? .null), ("log_R", .number(m.logCorrelation)),
                ("spearman", .number(m.rankCorrelation)), ("total_variation", .number(m.totalVariation)),
                ("top_mode_a", .number(Double(m.topModeA))), ("top_mode_b", .number(Double(m.topModeB))),
                ("shares_a", .numbers(m.sharesA)), ("shares_b", .numbers(m.sharesB)), ("ratios", .numbers(m.ratios)),
            ]
        }
        return .object(pairs)
    }
}

// MARK: - Compression and τ

/// The result of `tau`: E23's fit of 1 − q̄(t) ≈ e^{a − t/τ} over a window.
public struct TauObject: CSVExportable {
    public let fit: TauFit
    /// Every checkpoint offered to the fit, and q̄ there.
    public let steps: [Double]
    public let meanConfidence: [Double]
    public let learningRate: Double?

    public init(_ fit: TauFit, steps: [Double], meanConfidence: [Double], learningRate: Double?) {
        self.fit = fit
        self.steps = steps
        self.meanConfidence = meanConfidence
        self.learningRate = learningRate
    }

    public static let typeName = "tau_fit"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("tau", "τ = −1/slope of ln(1 − q̄) on t, in steps (nan with fewer than 2 checkpoints in the window)"),
        FieldDoc("scaled_tau", "η·τ, the timescale in gradient-flow time (nothing without η)"),
        FieldDoc("r2", "R² of the fit of ln(1 − q̄) on t"),
        FieldDoc("points", "how many checkpoints entered the fit"),
        FieldDoc("used_steps", "the steps of the checkpoints that entered"),
        FieldDoc("slope", "the OLS slope of ln(1 − q̄) on t"),
        FieldDoc("intercept", "the OLS intercept a"),
        FieldDoc("window", "[start, end] of the window, in the units of clock"),
        FieldDoc("clock", "steps (t) or time (ηt)"),
        FieldDoc("gaps", "[lower, upper]: only checkpoints with lower < 1 − q̄ < upper enter"),
        FieldDoc("note", "why there is no τ, when there is none"),
        FieldDoc("lr", "the learning rate η (nothing when unknown)"),
        FieldDoc("table", "every checkpoint: step, q_mean, gap (1 − q̄), time (ηt), used"),
    ]

    public var table: TableObject {
        var columns: [(String, [Value])] = [
            ("step", steps.map { .number($0) }), ("q_mean", meanConfidence.map { .number($0) }),
            ("gap", meanConfidence.map { .number(1 - $0) }),
        ]
        if let eta = learningRate { columns.append(("time", steps.map { .number(eta * $0) })) }
        let used = Set(fit.usedSteps)
        columns.append(("used", steps.map { .bool(used.contains($0)) }))
        return theoryTable(columns)
    }

    var windowValue: Value {
        .list([.number(fit.window.start), fit.window.end.isFinite ? .number(fit.window.end) : .nothing])
    }
    var clockName: String { fit.window.clock == .steps ? "steps" : "time" }

    public func field(_ name: String) -> Value? {
        switch name {
        case "tau": .number(fit.tau)
        case "scaled_tau": .optional(fit.scaledTau)
        case "r2": .number(fit.r2)
        case "points": .number(Double(fit.points))
        case "used_steps": .numbers(fit.usedSteps)
        case "slope": .number(fit.slope)
        case "intercept": .number(fit.intercept)
        case "window": windowValue
        case "clock": .string(clockName)
        case "gaps": .numbers([fit.window.lowerGap, fit.window.upperGap])
        case "note": fit.note.map { .string($0) } ?? .nothing
        case "lr": .optional(learningRate)
        case "table": .object(table)
        default: nil
        }
    }

    var windowText: String {
        let unit = fit.window.clock == .steps ? "t" : "ηt"
        let range =
            fit.window.end.isFinite
            ? "\(formatSummary(fit.window.start)) ≤ \(unit) ≤ \(formatSummary(fit.window.end))"
            : "\(unit) ≥ \(formatSummary(fit.window.start))"
        return "\(range), \(formatSummary(fit.window.lowerGap)) < 1 − q̄ < \(formatSummary(fit.window.upperGap))"
    }

    public var summary: String {
        var head = "τ fit of 1 − q̄(t) ≈ e^(a − t/τ) over \(windowText): "
        if let note = fit.note {
            head += "no τ (\(note))"
        } else {
            head += "τ = \(formatSummary(fit.tau, digits: 4)) steps"
            if let s = fit.scaledTau { head += " (ητ = \(formatSummary(s, digits: 4)))" }
            head += ", R² = \(formatSummary(fit.r2, digits: 4)) over \(fit.points) of \(steps.count) checkpoints"
        }
        return head + "\n" + indented(table.summary)
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        .object([
            ("type", .string(Self.typeName)), ("tau", .number(fit.tau)), ("scaled_tau", .optional(fit.scaledTau)),
            ("r2", .number(fit.r2)), ("points", .number(Double(fit.points))), ("used_steps", .numbers(fit.usedSteps)),
            ("slope", .number(fit.slope)), ("intercept", .number(fit.intercept)),
            ("window", windowValue.json), ("clock", .string(clockName)),
            ("gaps", .numbers([fit.window.lowerGap, fit.window.upperGap])),
            ("note", fit.note.map { .string($0) } ?? .null), ("lr", .optional(learningRate)),
            ("steps", .numbers(steps)), ("q_mean", .numbers(meanConfidence)),
        ])
    }
}

/// The result of `compression`: the cross-entropy bound's factors along a run, E18's
/// decay fit of λ_max(t) and E23's τ fit.
public struct CompressionObject: CSVExportable {
    public let series: CompressionSeries
    public let analysis: CompressionAnalysis
    public let maxConfidence: [Double]
    public let accuracy: [Double]
    public let losses: [Double]
    public let learningRate: Double
    public let lossName: String
    /// How λ_max was computed (`lanczos`, `dense` …; `none` when sharpness=false).
    public let method: String

    public init(
        series: CompressionSeries, analysis: CompressionAnalysis, maxConfidence: [Double], accuracy: [Double],
        losses: [Double], learningRate: Double, lossName: String, method: String
    ) {
        self.series = series
        self.analysis = analysis
        self.maxConfidence = maxConfidence
        self.accuracy = accuracy
        self.losses = losses
        self.learningRate = learningRate
        self.lossName = lossName
        self.method = method
    }

    public static let typeName = "compression"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("steps", "the checkpoints t (θ after t updates)"),
        FieldDoc("lr", "the run's learning rate η"),
        FieldDoc("sharpness", "λ_max of the training loss's Hessian at each checkpoint (nan when sharpness=false)"),
        FieldDoc("q_mean", "q̄: the mean correct-class softmax probability at each checkpoint"),
        FieldDoc("q_min", "min_i q_i at each checkpoint"),
        FieldDoc("q_max", "max_i q_i at each checkpoint"),
        FieldDoc("qvar_mean", "mean_i q_i(1 − q_i) at each checkpoint"),
        FieldDoc("max_qvar", "max_i q_i(1 − q_i): the bound's second factor, at each checkpoint"),
        FieldDoc("jtj_max", "λ_max(JᵀJ/n): the bound's first factor (nan when bound=false)"),
        FieldDoc("bound", "jtj_max · max_qvar: the paper's bound at each checkpoint"),
        FieldDoc("bound_ratio", "sharpness/bound at each checkpoint"),
        FieldDoc("mean_field", "jtj_max · qvar_mean: a typical-sample estimate, not a bound"),
        FieldDoc("compression_ratio", "λ_max at the first checkpoint / λ_max at the last (E18)"),
        FieldDoc(
            "decay",
            "E18's fit λ_max(t) ≈ a·e^(−bt) + c, c = 0.9·min λ: record {rate=b, amplitude=a, offset=c, r2, r2_log}"),
        FieldDoc("decay_note", "why there is no decay fit, when there is none"),
        FieldDoc("tau", "E23's τ fit of 1 − q̄(t) (a tau_fit; the reference's window unless given)"),
        FieldDoc("accuracy", "training accuracy at each checkpoint"),
        FieldDoc("loss", "the training loss at each checkpoint"),
        FieldDoc("method", "how λ_max was computed"),
        FieldDoc("table", "one row per checkpoint with every quantity above"),
    ]

    public var table: TableObject {
        let a = analysis
        return theoryTable([
            ("step", series.steps.map { .number($0) }), ("sharpness", series.sharpness.map { .number($0) }),
            ("q_mean", series.meanConfidence.map { .number($0) }), ("q_min", series.minConfidence.map { .number($0) }),
            ("q_max", maxConfidence.map { .number($0) }),
            ("qvar_mean", series.meanConfidenceVariance.map { .number($0) }),
            ("max_qvar", a.confidenceFactor.map { .number($0) }),
            ("jtj_max", (series.jacobianGramMax ?? series.steps.map { _ in .nan }).map { .number($0) }),
            ("bound", a.bound.map { .number($0) }), ("bound_ratio", a.boundRatio.map { .number($0) }),
            ("accuracy", accuracy.map { .number($0) }), ("loss", losses.map { .number($0) }),
        ])
    }

    var decayValue: Value {
        guard let d = analysis.decay else { return .nothing }
        return .record(
            Record([
                ("rate", .number(d.rate)), ("amplitude", .number(d.amplitude)), ("offset", .number(d.offset)),
                ("r2", .number(d.r2)), ("r2_log", .number(d.r2Log)),
            ]))
    }

    var tauObject: TauObject {
        TauObject(analysis.tau, steps: series.steps, meanConfidence: series.meanConfidence, learningRate: learningRate)
    }

    public func field(_ name: String) -> Value? {
        let a = analysis
        switch name {
        case "steps": return .numbers(series.steps)
        case "lr": return .number(learningRate)
        case "sharpness": return .numbers(series.sharpness)
        case "q_mean": return .numbers(series.meanConfidence)
        case "q_min": return .numbers(series.minConfidence)
        case "q_max": return .numbers(maxConfidence)
        case "qvar_mean": return .numbers(series.meanConfidenceVariance)
        case "max_qvar": return .numbers(a.confidenceFactor)
        case "jtj_max": return .numbers(series.jacobianGramMax ?? series.steps.map { _ in .nan })
        case "bound": return .numbers(a.bound)
        case "bound_ratio": return .numbers(a.boundRatio)
        case "mean_field": return .numbers(a.meanFieldEstimate)
        case "compression_ratio": return .number(a.compressionRatio)
        case "decay": return decayValue
        case "decay_note": return a.decayNote.map { .string($0) } ?? .nothing
        case "tau": return .object(tauObject)
        case "accuracy": return .numbers(accuracy)
        case "loss": return .numbers(losses)
        case "method": return .string(method)
        case "table": return .object(table)
        default: return nil
        }
    }

    public var summary: String {
        let a = analysis
        var lines = [
            "compression along a \(lossName) run at η = \(formatSummary(learningRate)): \(series.steps.count) checkpoints, "
                + (method == "none" ? "λ_max not computed" : "λ_max by \(method)")
        ]
        if a.compressionRatio.isFinite {
            var s =
                "  λ_max \(formatSummary(series.sharpness.first ?? .nan, digits: 4)) → \(formatSummary(series.sharpness.last ?? .nan, digits: 4)): "
                + "compression ×\(formatSummary(a.compressionRatio, digits: 3))"
            if let d = a.decay {
                s +=
                    "; decay a·e^(−bt) + c with b = \(formatSummary(d.rate, digits: 3)), a = \(formatSummary(d.amplitude, digits: 3)), "
                    + "c = \(formatSummary(d.offset, digits: 3)), R² = \(formatSummary(d.r2, digits: 3)) (log-scale \(formatSummary(d.r2Log, digits: 3)))"
            } else if let note = a.decayNote {
                s += "; no decay fit (\(note))"
            }
            lines.append(s)
        }
        lines.append(
            "  q̄ \(formatSummary(series.meanConfidence.first ?? .nan, digits: 4)) → \(formatSummary(series.meanConfidence.last ?? .nan, digits: 4)); "
                + tauObject.summary.split(separator: "\n").first.map(String.init)!)
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        let a = analysis
        return .object([
            ("type", .string(Self.typeName)), ("lr", .number(learningRate)), ("loss_function", .string(lossName)),
            ("method", .string(method)), ("compression_ratio", .number(a.compressionRatio)),
            ("decay", decayValue.json), ("decay_note", a.decayNote.map { .string($0) } ?? .null),
            ("tau", tauObject.json), ("checkpoints", table.json),
        ])
    }
}

// MARK: - General fits

/// The result of `fit_linear`: an OLS line with its quality.
public struct LinearFitObject: CSVExportable {
    public let fit: LinearFit
    public let x: [Double]
    public let y: [Double]

    public init(_ fit: LinearFit, x: [Double], y: [Double]) {
        self.fit = fit
        self.x = x
        self.y = y
    }

    public static let typeName = "linear_fit"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("slope", "the OLS slope"),
        FieldDoc("intercept", "the OLS intercept: y ≈ intercept + slope·x"),
        FieldDoc("r2", "R² = 1 − SS_res/SS_tot (nan when every y is equal)"),
        FieldDoc("slope_se", "the standard error of the slope (nan with 2 points)"),
        FieldDoc("intercept_se", "the standard error of the intercept (nan with 2 points)"),
        FieldDoc("slope_ci", "[lo, hi]: the 95% t-interval of the slope (nothing with 2 points)"),
        FieldDoc("residual_se", "√(SS_res/(n − 2))"),
        FieldDoc("residuals", "y − (intercept + slope·x) per point"),
        FieldDoc("n", "the number of points"),
        FieldDoc("table", "table x, y, fitted, residual"),
    ]

    public var table: TableObject {
        theoryTable([
            ("x", x.map { .number($0) }), ("y", y.map { .number($0) }),
            ("fitted", x.map { .number(fit.predict($0)) }), ("residual", fit.residuals.map { .number($0) }),
        ])
    }

    public func field(_ name: String) -> Value? {
        switch name {
        case "slope": .number(fit.slope)
        case "intercept": .number(fit.intercept)
        case "r2": .number(fit.r2)
        case "slope_se": .number(fit.slopeStandardError)
        case "intercept_se": .number(fit.interceptStandardError)
        case "slope_ci": .range(fit.slopeInterval())
        case "residual_se": .number(fit.residualStandardError)
        case "residuals": .numbers(fit.residuals)
        case "n": .number(Double(fit.count))
        case "table": .object(table)
        default: nil
        }
    }

    public var summary: String {
        var s =
            "line y ≈ intercept + slope·x over \(fit.count) points: slope = \(withUncertainty(fit.slope, fit.slopeStandardError)), "
            + "intercept = \(withUncertainty(fit.intercept, fit.interceptStandardError)), R² = \(formatSummary(fit.r2, digits: 4))"
        if let ci = rangeText(fit.slopeInterval()) { s += "\n  95% CI of the slope \(ci)" }
        return s
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        .object([
            ("type", .string(Self.typeName)), ("slope", .number(fit.slope)), ("intercept", .number(fit.intercept)),
            ("r2", .number(fit.r2)), ("slope_se", .number(fit.slopeStandardError)),
            ("intercept_se", .number(fit.interceptStandardError)), ("slope_ci", .range(fit.slopeInterval())),
            ("residual_se", .number(fit.residualStandardError)), ("n", .number(Double(fit.count))),
            ("x", .numbers(x)), ("y", .numbers(y)), ("residuals", .numbers(fit.residuals)),
        ])
    }
}

/// The result of `fit_exp`: y ≈ A·e^{k t} (+ c with offset=true, E18's decay fit).
public struct ExpFitObject: CSVExportable {
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
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("rate", "k in y ≈ amplitude·e^(k t) + offset (negative for a decay)"),
        FieldDoc("amplitude", "A"),
        FieldDoc("tau", "the timescale −1/k (positive for a decay)"),
        FieldDoc("offset", "c: 0 for the plain fit, 0.9·min y for offset=true (fixed, not fitted)"),
        FieldDoc(
            "r2",
            "the headline R²: log scale for the plain fit (what OLS minimizes), linear scale for offset=true (E18's)"),
        FieldDoc("r2_log", "R² of the OLS of ln(y − c) on t"),
        FieldDoc("r2_linear", "R² in linear scale, y against A·e^(kt) + c"),
        FieldDoc("points", "points fitted"),
        FieldDoc("masked", "indices left out of the plain fit (y ≤ 0 or not finite)"),
        FieldDoc("compression_ratio", "offset=true: y at the earliest t / y at the latest t"),
        FieldDoc("table", "table t, y, fitted"),
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

    public func field(_ name: String) -> Value? {
        switch name {
        case "rate": return .number(rate)
        case "amplitude": return .number(amplitude)
        case "tau": return .number(-1 / rate)
        case "offset": return .number(offset)
        case "r2": return .number(headlineR2)
        case "r2_log": return .number(r2Log)
        case "r2_linear": return .number(r2Linear)
        case "points": return .number(Double(count))
        case "masked":
            if case .plain(let f) = kind { return .numbers(f.maskedIndices.map(Double.init)) }
            return .numbers([])
        case "compression_ratio":
            if case .offset(let d) = kind { return .number(d.compressionRatio) }
            return .nothing
        case "table": return .object(table)
        default: return nil
        }
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

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string(Self.typeName)),
            ("offset_fit", .bool({ if case .offset = kind { true } else { false } }())),
            ("rate", .number(rate)), ("amplitude", .number(amplitude)), ("tau", .number(-1 / rate)),
            ("offset", .number(offset)),
            ("r2", .number(headlineR2)), ("r2_log", .number(r2Log)), ("r2_linear", .number(r2Linear)),
            ("points", .number(Double(count))), ("t", .numbers(t)), ("y", .numbers(y)),
        ]
        if case .offset(let d) = kind { pairs.append(("compression_ratio", .number(d.compressionRatio))) }
        return .object(pairs)
    }
}

// MARK: - Regimes

/// The result of `regime`: below the edge, at the edge, or an unstable start.
public struct RegimeObject: CSVExportable {
    public let classification: RegimeClassification
    public let sharpness: [Double]
    public let steps: [Double]?
    public let learningRate: Double
    /// The run's activation-switch statistics (patterns=true), when recorded.
    public let switchStatistics: Record?

    public init(
        _ classification: RegimeClassification, sharpness: [Double], steps: [Double]?, learningRate: Double,
        switchStatistics: Record?
    ) {
        self.classification = classification
        self.sharpness = sharpness
        self.steps = steps
        self.learningRate = learningRate
        self.switchStatistics = switchStatistics
    }

    public static let typeName = "regime"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("regime", "\"below_edge\", \"at_edge\" or \"unstable_start\""),
        FieldDoc("reason", "one line: the regime and the numbers that decided it"),
        FieldDoc("edge", "2/η, the stability threshold"),
        FieldDoc("eta_lambda0", "η·λ_max(θ₀) (> 2: an unstable start)"),
        FieldDoc(
            "final_ratio",
            "mean of the last measurements of λ_max divided by 2/η (E4's criterion: ≥ 0.6 is at the edge)"),
        FieldDoc("max_ratio", "max λ_max/(2/η)"),
        FieldDoc("near_edge_fraction", "share of measurements with λ_max ≥ near_fraction·(2/η)"),
        FieldDoc("first_crossing", "the first step after the start with λ_max ≥ 2/η (nothing if none)"),
        FieldDoc("measurements", "finite measurements used"),
        FieldDoc("non_finite", "non-finite measurements ignored (a diverged tail)"),
        FieldDoc("switch_rate", "the activation switch rate (patterns=true; nothing otherwise)"),
        FieldDoc("switches", "the run's switch statistics as a record (patterns=true; nothing otherwise)"),
        FieldDoc("lr", "the learning rate η"),
        FieldDoc("table", "table step, sharpness, ratio (λ_max/(2/η))"),
    ]

    var regimeName: String {
        switch classification.regime {
        case .belowEdge: "below_edge"
        case .atEdge: "at_edge"
        case .unstableStart: "unstable_start"
        }
    }

    public var table: TableObject {
        let s = steps ?? sharpness.indices.map(Double.init)
        return theoryTable([
            ("step", s.map { .number($0) }), ("sharpness", sharpness.map { .number($0) }),
            ("ratio", sharpness.map { .number($0 / classification.edge) }),
        ])
    }

    public func field(_ name: String) -> Value? {
        let c = classification
        switch name {
        case "regime": return .string(regimeName)
        case "reason": return .string(TheoryWording.reason(c))
        case "edge": return .number(c.edge)
        case "eta_lambda0": return .number(c.initialProduct)
        case "final_ratio": return .number(c.finalRatio)
        case "max_ratio": return .number(c.maxRatio)
        case "near_edge_fraction": return .number(c.nearEdgeFraction)
        case "first_crossing": return .optional(c.firstCrossing)
        case "measurements": return .number(Double(c.measurements))
        case "non_finite": return .number(Double(c.nonFinite))
        case "switch_rate": return .optional(c.switchRate)
        case "switches": return switchStatistics.map { .record($0) } ?? .nothing
        case "lr": return .number(learningRate)
        case "table": return .object(table)
        default: return nil
        }
    }

    public var summary: String {
        let c = classification
        var lines = [
            "regime at η = \(formatSummary(learningRate)) (2/η = \(formatSummary(c.edge, digits: 4))): \(TheoryWording.reason(c))"
        ]
        lines.append(
            "  ηλ_max(θ₀) = \(formatSummary(c.initialProduct, digits: 3)), final λ/(2/η) = \(formatSummary(c.finalRatio, digits: 3)), "
                + "max \(formatSummary(c.maxRatio, digits: 3)), \(c.measurements) measurement\(c.measurements == 1 ? "" : "s")"
        )
        if let s = switchStatistics {
            lines.append(
                "  switches: " + s.fields.map { "\($0.name) \(TableObject.cellText($0.value))" }.joined(separator: ", ")
            )
        }
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

    public var json: JSONValue {
        let c = classification
        return .object([
            ("type", .string(Self.typeName)), ("regime", .string(regimeName)),
            ("reason", .string(TheoryWording.reason(c))),
            ("lr", .number(learningRate)), ("edge", .number(c.edge)), ("eta_lambda0", .number(c.initialProduct)),
            ("final_ratio", .number(c.finalRatio)), ("max_ratio", .number(c.maxRatio)),
            ("near_edge_fraction", .number(c.nearEdgeFraction)), ("first_crossing", .optional(c.firstCrossing)),
            ("measurements", .number(Double(c.measurements))), ("non_finite", .number(Double(c.nonFinite))),
            ("switch_rate", .optional(c.switchRate)),
            ("switches", switchStatistics.map { Value.record($0).json } ?? .null),
            ("steps", steps.map { .numbers($0) } ?? .null), ("sharpness", .numbers(sharpness)),
        ])
    }
}

/// The result of `switch_exponent`: the per-neuron switch rate ∝ m^exponent across widths.
public struct SwitchExponentObject: CSVExportable {
    public let scaling: SwitchRateScaling
    /// The underlying power law (points, local slopes, seed interval).
    public let powerLaw: PowerLawObject

    public init(_ scaling: SwitchRateScaling, powerLaw: PowerLawObject) {
        self.scaling = scaling
        self.powerLaw = powerLaw
    }

    public static let typeName = "switch_exponent"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("exponent", "the slope of ln(rate) on ln m over the per-width means"),
        FieldDoc("beta", "E15's β = −exponent (rate ∝ m^−β)"),
        FieldDoc("prefactor", "rate ≈ prefactor·m^exponent"),
        FieldDoc("r2", "R² of the log–log fit"),
        FieldDoc("exponent_se", "the OLS standard error of the exponent"),
        FieldDoc(
            "ci", "[lo, hi]: bootstrap interval over the runs at each width (the i-th run at each width is replicate i)"
        ),
        FieldDoc("local_slopes", "table lower, upper, midpoint, slope between neighbouring widths"),
        FieldDoc("points", "table: one row per width with its mean rate, runs and status"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "exponent": .number(scaling.exponent)
        case "beta": .number(scaling.beta)
        case "prefactor": .number(scaling.prefactor)
        case "r2": .number(scaling.r2)
        case "exponent_se": .number(scaling.fit.alphaStandardError)
        case "ci": .range(scaling.fit.ci)
        case "local_slopes": .object(powerLaw.slopesTable)
        case "points": .object(powerLaw.pointsTable)
        default: nil
        }
    }

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

    public var json: JSONValue {
        .object([
            ("type", .string(Self.typeName)), ("exponent", .number(scaling.exponent)), ("beta", .number(scaling.beta)),
            ("prefactor", .number(scaling.prefactor)), ("r2", .number(scaling.r2)),
            ("exponent_se", .number(scaling.fit.alphaStandardError)), ("ci", .range(scaling.fit.ci)),
            ("local_slopes", powerLaw.slopesTable.json), ("points", powerLaw.pointsTable.json),
        ])
    }
}
