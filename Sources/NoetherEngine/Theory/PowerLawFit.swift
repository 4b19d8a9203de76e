import Foundation

// The drift power law of theory.md §2 and experiments.md §1.8: OLS of ln D̄(η) on ln η
// over seed means (mean first, then log), with the pitfalls of experiments.md §4 made
// visible: which points entered and why the others did not, local slopes, the
// exponent over the stable points alone, and an uncertainty from the seed spread.

/// Options of `fitPowerLaw`.
public struct PowerLawOptions: Sendable, Equatable {
    /// How diverged runs enter the seed mean (experiments.md §1.9).
    public var rule: DivergenceRule
    /// Seed means at or below this value are left out (1e-10; some scripts use 1e-15).
    public var floor: Double
    /// Keep only points with x in this range (inclusive), when given.
    public var range: ClosedRange<Double>?
    /// Keep only these x values (matched to 1e-9 relative), when given: a sub-grid, or
    /// the grid common to several configurations.
    public var grid: [Double]?
    /// Confidence level of `ci` and `olsInterval` (0.95).
    public var confidenceLevel: Double
    /// Bootstrap resamples over seeds for `ci` (2000; 0 turns the bootstrap off).
    public var bootstrapSamples: Int
    /// The bootstrap's random seed (fixed, so a fit is reproducible).
    public var bootstrapSeed: Int

    public init(
        rule: DivergenceRule = .dropPoint, floor: Double = 1e-10, range: ClosedRange<Double>? = nil,
        grid: [Double]? = nil, confidenceLevel: Double = 0.95, bootstrapSamples: Int = 2000,
        bootstrapSeed: Int = 0
    ) {
        self.rule = rule
        self.floor = floor
        self.range = range
        self.grid = grid
        self.confidenceLevel = confidenceLevel
        self.bootstrapSamples = bootstrapSamples
        self.bootstrapSeed = bootstrapSeed
    }
}

/// The log–log slope between two neighbouring used points.
public struct LocalSlope: Sendable, Equatable {
    public var lowerX: Double
    public var upperX: Double
    /// (ln ȳ₂ − ln ȳ₁)/(ln x₂ − ln x₁).
    public var slope: Double
    /// √(x₁x₂), where the slope is read on a log axis.
    public var midpoint: Double { (lowerX * upperX).squareRoot() }
}

/// A power law y = prefactor·x^alpha fitted on a subset of points.
public struct PowerLawLine: Sendable, Equatable {
    public var alpha: Double
    public var prefactor: Double
    public var r2: Double
    /// OLS standard error of alpha (NaN with 2 points).
    public var alphaStandardError: Double
    /// The x values fitted.
    public var xs: [Double]
}

/// A drift power law with everything needed to judge it.
///
/// **Confidence interval (`ci`).** A percentile bootstrap over seeds: each resample
/// draws as many seed labels as there are, with replacement, recomputes every used
/// point's seed mean under the same rule (a seed drawn twice counts twice), refits,
/// and the interval is the (1 ± level)/2 quantiles of the refitted α (linear
/// interpolation), `bootstrapSamples` resamples from a fixed seed. It propagates the
/// whole pipeline (mean before log, rule, floor) and keeps the main fit's points: a
/// resample in which some used point has no valid seed (B/C) or falls below the floor
/// is skipped and counted in `bootstrapSkipped`; with more than half skipped, `ci` is
/// nil. With 3–5 seeds the interval is coarse and tends to be too narrow (it cannot
/// see beyond the seeds at hand): read it with `seedAlphas`, the per-seed refits on
/// the same points, whose population std is `seedAlphaStd`. `olsInterval` is the
/// t-interval from the line's own residuals (α ± t_{n−2}·SE): it measures how far the
/// means are from a straight line, not the seed spread.
public struct PowerLawFit: Sendable, Equatable {
    /// The exponent (OLS slope of ln ȳ on ln x); β = α − 2 when y is S rather than drift.
    public var alpha: Double
    /// e^{intercept}: ȳ ≈ prefactor·x^α.
    public var prefactor: Double
    public var r2: Double
    public var alphaStandardError: Double
    /// The seed-bootstrap interval for α (see the type's discussion); nil with fewer
    /// than 2 seeds or too many skipped resamples.
    public var ci: ClosedRange<Double>?
    public var confidenceLevel: Double
    /// Resamples drawn and skipped.
    public var bootstrapSamples: Int
    public var bootstrapSkipped: Int
    /// α ± t·SE from the OLS residuals; nil with 2 points.
    public var olsInterval: ClosedRange<Double>?
    /// α refitted on each seed's own values at the used points (seeds with ≥ 2 valid
    /// points), with their labels, and the population std of those α.
    public var seedLabels: [Int]
    public var seedAlphas: [Double]
    public var seedAlphaStd: Double
    /// Slopes between neighbouring used points.
    public var localSlopes: [LocalSlope]
    /// Every aggregated point, ascending in x, with its status: used, or the first
    /// reason that applies in the order outside the range/grid, dropped by the rule,
    /// x ≤ 0, non-finite mean, at or below the floor.
    public var points: [SweepPoint]
    /// The log–log line (x = ln x, y = ln ȳ) with residuals.
    public var line: LinearFit
    /// The quadratic fit of ln ȳ on ln x (curvature, E19/E22); nil with < 3 points.
    public var quadratic: QuadraticFit?
    /// The fit over used points with x·λ_max(θ₀) ≤ 2 alone, when the runs carry
    /// λ_max(θ₀) and at least 2 such points remain.
    public var stable: PowerLawLine?
    /// Whether the runs carried λ_max(θ₀).
    public var hasStabilityInformation: Bool
    public var rule: DivergenceRule
    public var floor: Double
    public var divergedRuns: Int
    public var excludedRuns: Int

    /// The exponent over the stable points alone (`stable?.alpha`).
    public var stableAlpha: Double? { stable?.alpha }
    /// Leading coefficient of the quadratic in ln x.
    public var curvature: Double? { quadratic?.curvature }
    /// The points that entered the fit.
    public var used: [SweepPoint] { points.filter { $0.status == .used } }
    /// x values left out, by reason.
    public func xs(_ status: SweepPointStatus) -> [Double] { points.filter { $0.status == status }.map(\.x) }
    /// Used points above the edge of stability (x·λ_max(θ₀) > 2).
    public var unstablePoints: [Double] { used.filter(\.unstable).map(\.x) }
}

/// Fits ȳ = prefactor·x^α to a sweep: seed means per x under `options.rule`, then
/// OLS of ln ȳ on ln x over the points that pass the range/grid, the rule, x > 0,
/// finiteness and the floor (see `PowerLawFit` for the interval and the extras).
/// An exact power law is recovered to ~1e-12 in α.
/// - Throws: `.outOfDomain` for a bad floor (`.powerLawFloor`) or bootstrap count
///   (`.bootstrapSamples`); `.theory`: `.confidenceLevel` for a level outside (0, 1),
///   as `aggregateSweep` for no runs or a non-finite x, `.noSpread(.powerLaw)` when the
///   usable x are all equal; `.tooFewPoints` with the points left out when fewer than 2
///   are usable.
public func fitPowerLaw(_ runs: [SweepRun], options: PowerLawOptions = .init()) throws(EngineError) -> PowerLawFit {
    guard options.floor >= 0, options.floor.isFinite else {
        throw .outOfDomain(.powerLawFloor, .finiteNonNegative, got: .number(options.floor))
    }
    guard options.confidenceLevel > 0, options.confidenceLevel < 1 else {
        throw .theory(.confidenceLevel(options.confidenceLevel))
    }
    guard options.bootstrapSamples >= 0 else {
        throw .outOfDomain(.bootstrapSamples, .nonNegative, got: .integer(options.bootstrapSamples))
    }
    let aggregate = try aggregateSweep(runs, rule: options.rule)
    var points = aggregate.points
    for i in points.indices {
        let p = points[i]
        if let range = options.range, !range.contains(p.x) {
            points[i].status = .outsideRange
        } else if let grid = options.grid,
            !grid.contains(where: { abs($0 - p.x) <= 1e-9 * Swift.max(abs($0), abs(p.x)) })
        {
            points[i].status = .outsideRange
        } else if p.status == .diverged {
            continue
        } else if p.x <= 0 {
            points[i].status = .nonPositiveX
        } else if !p.mean.isFinite {
            points[i].status = .nonFinite
        } else if p.mean <= options.floor {
            points[i].status = .belowFloor
        }
    }
    let used = points.filter { $0.status == .used }
    guard used.count >= 2 else {
        throw .tooFewPoints(needed: 2, used: used.count, leftOut: points.filter { $0.status != .used })
    }
    let lx = used.map { log($0.x) }
    let ly = used.map { log($0.mean) }
    guard let line = TheoryMath.line(lx, ly) else {
        throw .theory(.noSpread(.powerLaw))
    }
    let quadratic = Set(lx).count >= 3 ? TheoryMath.quadratic(lx, ly) : nil
    var slopes = [LocalSlope]()
    for i in 0..<(used.count - 1) {
        slopes.append(
            LocalSlope(
                lowerX: used[i].x, upperX: used[i + 1].x,
                slope: (ly[i + 1] - ly[i]) / (lx[i + 1] - lx[i])))
    }
    var stable: PowerLawLine? = nil
    if aggregate.hasStabilityInformation {
        let s = used.filter { !$0.unstable }
        if s.count >= 2, let l = TheoryMath.line(s.map { log($0.x) }, s.map { log($0.mean) }) {
            stable = PowerLawLine(
                alpha: l.slope, prefactor: exp(l.intercept), r2: l.r2,
                alphaStandardError: l.slopeStandardError, xs: s.map(\.x))
        }
    }

    // Per-seed refits and the seed bootstrap over the used points.
    let usedX = used.map(\.x)
    let valid = runs.filter { run in
        usedX.contains(run.x) && !run.hasDiverged
    }
    let seeds = Array(Set(runs.filter { usedX.contains($0.x) }.map(\.seed))).sorted()
    var labels = [Int]()
    var alphas = [Double]()
    for seed in seeds {
        let mine = valid.filter { $0.seed == seed && $0.y > options.floor }
        let xs = Dictionary(grouping: mine, by: \.x).keys.sorted()
        guard xs.count >= 2 else { continue }
        let ys = xs.map { x in compensatedMean(mine.filter { $0.x == x }.map(\.y)) }
        if let l = TheoryMath.line(xs.map { log($0) }, ys.map { log($0) }) {
            labels.append(seed)
            alphas.append(l.slope)
        }
    }
    var ci: ClosedRange<Double>? = nil
    var skipped = 0
    let level = options.confidenceLevel
    if seeds.count >= 2, options.bootstrapSamples > 0 {
        // valuesBySeed[point][seedIndex]: that seed's valid values at the point.
        let seedIndex = Dictionary(uniqueKeysWithValues: seeds.enumerated().map { ($1, $0) })
        var table = [[[Double]]](repeating: [[Double]](repeating: [], count: seeds.count), count: usedX.count)
        for (p, x) in usedX.enumerated() {
            for run in valid where run.x == x { table[p][seedIndex[run.seed]!].append(run.y) }
        }
        var rng = RandomSource(seed: options.bootstrapSeed)
        var estimates = [Double]()
        estimates.reserveCapacity(options.bootstrapSamples)
        var counts = [Int](repeating: 0, count: seeds.count)
        var ys = [Double](repeating: 0, count: usedX.count)
        for _ in 0..<options.bootstrapSamples {
            for s in counts.indices { counts[s] = 0 }
            for _ in seeds.indices { counts[rng.integer(below: seeds.count)] += 1 }
            var ok = true
            for p in usedX.indices {
                var total = 0.0
                var n = 0
                for s in seeds.indices where counts[s] > 0 {
                    for v in table[p][s] {
                        total += Double(counts[s]) * v
                        n += counts[s]
                    }
                }
                let m = n > 0 ? total / Double(n) : .nan
                guard m.isFinite, m > options.floor else {
                    ok = false
                    break
                }
                ys[p] = log(m)
            }
            guard ok, let l = TheoryMath.line(lx, ys) else {
                skipped += 1
                continue
            }
            estimates.append(l.slope)
        }
        if estimates.count * 2 >= options.bootstrapSamples, !estimates.isEmpty {
            estimates.sort()
            ci =
                TheoryMath.quantile(
                    sorted: estimates, (1 - level) / 2)...TheoryMath.quantile(sorted: estimates, (1 + level) / 2)
        }
    }
    return PowerLawFit(
        alpha: line.slope, prefactor: exp(line.intercept), r2: line.r2, alphaStandardError: line.slopeStandardError,
        ci: ci, confidenceLevel: level, bootstrapSamples: seeds.count >= 2 ? options.bootstrapSamples : 0,
        bootstrapSkipped: skipped, olsInterval: line.slopeInterval(level: level),
        seedLabels: labels, seedAlphas: alphas, seedAlphaStd: meanAndStandardDeviation(alphas).standardDeviation,
        localSlopes: slopes, points: points, line: line, quadratic: quadratic, stable: stable,
        hasStabilityInformation: aggregate.hasStabilityInformation, rule: options.rule, floor: options.floor,
        divergedRuns: aggregate.divergedRuns, excludedRuns: aggregate.excludedRuns)
}

/// `fitPowerLaw` on one value per x (already averaged, or a single seed): NaN values
/// count as diverged points. No seed interval (`ci` is nil).
/// - Throws: `.theory(.lengthsDiffer(.powerLaw, …))` for lists of different lengths,
///   else as `fitPowerLaw`.
public func fitPowerLaw(x: [Double], y: [Double], options: PowerLawOptions = .init()) throws(EngineError) -> PowerLawFit
{
    guard x.count == y.count else {
        throw .theory(.lengthsDiffer(.powerLaw, x.count, y.count))
    }
    return try fitPowerLaw(zip(x, y).map { SweepRun(x: $0, y: $1) }, options: options)
}
