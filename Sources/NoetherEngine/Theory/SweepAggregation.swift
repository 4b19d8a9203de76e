// Seed aggregation of a learning-rate sweep under the divergence rules of
// experiments.md §1.9, with λ_max(θ₀) stability marking (theory.md, known pitfalls).

/// How diverged runs enter the seed mean at one x (experiments.md §1.9).
public enum DivergenceRule: Sendable, CaseIterable {
    /// Rule A (E5, E6, E7, E11, E13, E14, E17): a plain mean over seeds, so one
    /// diverged seed drops the whole point.
    case dropPoint
    /// Rule B (E19, E22): the mean over converged seeds; a point drops only when every
    /// seed diverged. Predictions (if any) are still averaged over every seed.
    case dropSeed
    /// Rule C (E8, E12): as B for the measurement, and a diverged seed is also left
    /// out of the predicted aggregate at that point.
    case excludeRuns
}

/// One run of a sweep: a measured value y (drift, S, …) at x (usually η) for a seed.
public struct SweepRun: Sendable, Equatable {
    /// The swept variable (η, or a width m); must be > 0 for a log–log fit.
    public var x: Double
    /// The measurement; NaN or ±∞ for a diverged run.
    public var y: Double
    /// The seed label: runs with one label at different x form one replicate (the
    /// bootstrap and the per-seed refits resample and refit by this label).
    public var seed: Int
    /// Diverged even if `y` is finite (e.g. a run stopped at its first NaN loss).
    public var diverged: Bool
    /// An optional prediction for the same run (S_pred), aggregated per the rule.
    public var predicted: Double?
    /// λ_max(θ₀) of the run, when recorded: marks x·λ₀ > 2 (an unstable start).
    public var sharpnessAtStart: Double?

    public init(
        x: Double, y: Double, seed: Int = 0, diverged: Bool = false, predicted: Double? = nil,
        sharpnessAtStart: Double? = nil
    ) {
        self.x = x
        self.y = y
        self.seed = seed
        self.diverged = diverged
        self.predicted = predicted
        self.sharpnessAtStart = sharpnessAtStart
    }

    /// Diverged by flag or by a non-finite measurement.
    public var hasDiverged: Bool { diverged || !y.isFinite }
}

/// Why a point entered a fit or not.
public enum SweepPointStatus: Sendable, Equatable {
    /// Entered the fit.
    case used
    /// Excluded by the user's range or grid.
    case outsideRange
    /// Dropped by the divergence rule (A: some seed diverged; B/C: every seed did).
    case diverged
    /// x ≤ 0: no logarithm.
    case nonPositiveX
    /// The seed mean is not finite (an infinite value without a divergence flag).
    case nonFinite
    /// The seed mean is at or below the floor (1e-10 by default).
    case belowFloor
}

/// One x of a sweep after seed aggregation.
public struct SweepPoint: Sendable, Equatable {
    public var x: Double
    /// The seed mean under the rule (NaN when the rule dropped the point).
    public var mean: Double
    /// Population std (ddof = 0) over the seeds that entered the mean (NaN when none).
    public var std: Double
    /// Runs at this x, and how many of them converged.
    public var runs: Int
    public var converged: Int
    /// Seeds entering the mean (all under Rule A, converged ones under B and C).
    public var seedsUsed: Int
    /// The mean prediction under the rule, when the runs carry predictions.
    public var predictedMean: Double?
    /// Mean λ_max(θ₀) over the runs that recorded it.
    public var sharpnessAtStart: Double?
    /// max over runs of x·λ_max(θ₀) (η·λ_max(θ₀) for a learning-rate sweep).
    public var stabilityProduct: Double?
    /// x·λ_max(θ₀) > 2 for some run: the point starts above the edge of stability.
    public var unstable: Bool
    public var status: SweepPointStatus
}

/// A sweep after seed aggregation.
public struct SweepAggregate: Sendable, Equatable {
    public var rule: DivergenceRule
    /// One point per distinct x, ascending.
    public var points: [SweepPoint]
    /// Runs that diverged, in all.
    public var divergedRuns: Int
    /// Diverged runs left out of a kept point's mean (Rules B and C).
    public var excludedRuns: Int
    /// The x values the rule dropped.
    public var droppedByRule: [Double] { points.filter { $0.status == .diverged }.map(\.x) }
    /// Whether any run carried λ_max(θ₀).
    public var hasStabilityInformation: Bool { points.contains { $0.stabilityProduct != nil } }
}

/// Aggregates the runs of a sweep by x (runs with exactly equal x form one point)
/// under `rule`. Points get `.used` or `.diverged`; the fits add the other statuses.
/// - Throws: `.theory(.empty(.sweepRuns))` for no runs, `.theory(.notFinite(.sweepX))`
///   for a non-finite x.
public func aggregateSweep(_ runs: [SweepRun], rule: DivergenceRule = .dropPoint) throws(EngineError) -> SweepAggregate
{
    guard !runs.isEmpty else { throw .theory(.empty(.sweepRuns)) }
    guard runs.allSatisfy({ $0.x.isFinite }) else { throw .theory(.notFinite(.sweepX)) }
    let xs = Array(Set(runs.map(\.x))).sorted()
    var points = [SweepPoint]()
    var excluded = 0
    for x in xs {
        let here = runs.filter { $0.x == x }
        let good = here.filter { !$0.hasDiverged }
        let dropped: Bool
        let entering: [SweepRun]
        switch rule {
        case .dropPoint:
            dropped = good.count < here.count
            entering = dropped ? [] : here
        case .dropSeed, .excludeRuns:
            dropped = good.isEmpty
            entering = good
            if !dropped { excluded += here.count - good.count }
        }
        let values = entering.map(\.y)
        let predictionSource = rule == .excludeRuns ? good : here
        let predictions = predictionSource.compactMap(\.predicted).filter(\.isFinite)
        let sharpness = here.compactMap(\.sharpnessAtStart).filter(\.isFinite)
        let product = sharpness.isEmpty ? nil : sharpness.map { $0 * x }.max()
        points.append(
            SweepPoint(
                x: x, mean: dropped ? .nan : compensatedMean(values),
                std: dropped ? .nan : meanAndStandardDeviation(values).standardDeviation,
                runs: here.count, converged: good.count, seedsUsed: entering.count,
                predictedMean: predictions.isEmpty ? nil : compensatedMean(predictions),
                sharpnessAtStart: sharpness.isEmpty ? nil : compensatedMean(sharpness),
                stabilityProduct: product, unstable: (product ?? 0) > 2,
                status: dropped ? .diverged : .used))
    }
    return SweepAggregate(
        rule: rule, points: points, divergedRuns: runs.filter(\.hasDiverged).count,
        excludedRuns: excluded)
}
