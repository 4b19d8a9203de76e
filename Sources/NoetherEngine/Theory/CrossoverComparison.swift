import Foundation

// S_pred against S_meas (experiments.md §1.11 step 4 and §4): the reference's scale-
// free log–log R, and beside it what R cannot see: per-η ratios, relative errors, and
// R without the η whose prediction rests on unstable modes. Only facts here; the
// language layer words them (NoetherLang's TheoryWording).

/// How well a prediction follows the measured shape, judged on R.
public enum ShapeAgreement: Sendable, CaseIterable {
    /// R ≥ 0.95.
    case tracks
    /// 0.8 ≤ R < 0.95.
    case roughlyTracks
    /// R < 0.8.
    case doesNotTrack
    /// R is not a number (a constant series, or fewer than 2 points).
    case undetermined
}

/// How well a prediction matches the measured scale, judged on the worst factor.
public enum ScaleAgreement: Sendable, CaseIterable {
    /// Worst factor ≤ 1.25.
    case within25Percent
    /// Worst factor ≤ 2.
    case withinFactor2
    /// Worst factor > 2 (or not a number).
    case off
}

/// A prediction compared with measurements, η by η.
public struct CrossoverComparison: Sendable, Equatable {
    public var learningRates: [Double]
    public var predicted: [Double]
    public var measured: [Double]
    /// S_pred/S_meas per η (NaN where excluded).
    public var ratio: [Double]
    /// |S_pred − S_meas|/S_meas per η (NaN where excluded).
    public var relativeError: [Double]
    /// Per η: the prediction involved unstable modes.
    public var unstable: [Bool]
    /// Per η: entered the statistics (finite prediction, finite positive measurement).
    public var compared: [Bool]
    /// The reference's R: Pearson of ln(S_pred + 1e-20) and ln(S_meas + 1e-20) over
    /// the compared η (NaN with fewer than 2, or a constant list).
    public var correlation: Double
    /// The same R over the compared η without unstable modes.
    public var correlationStable: Double
    public var pointsCompared: Int
    public var stablePointsCompared: Int
    /// exp(mean ln ratio) over the compared η: the typical scale factor.
    public var geometricMeanRatio: Double
    /// max over compared η of max(r, 1/r): the worst scale mismatch.
    public var worstFactor: Double
    public var medianRelativeError: Double
    public var maxRelativeError: Double
    /// min and max S_pred/S_meas over the compared η (NaN with none).
    public var minRatio: Double
    public var maxRatio: Double
    /// Compared η whose prediction used unstable modes.
    public var unstablePointsCompared: Int { pointsCompared - stablePointsCompared }
    /// η left out of the statistics (diverged or no prediction).
    public var pointsLeftOut: Int { learningRates.count - pointsCompared }
    /// The shape was judged on `correlationStable` (some compared η are unstable and at
    /// least 3 stable ones remain), else on `correlation`.
    public var shapeJudgedWithoutUnstable: Bool
    /// Shape and scale, judged separately.
    public var shape: ShapeAgreement
    public var scale: ScaleAgreement
    /// R moves by more than 0.05 without the unstable η (both finite).
    public var correlationLeansOnUnstable: Bool
    /// Some compared η are unstable but fewer than 3 stable ones remain.
    public var tooFewStableForShape: Bool
}

/// Compares a `crossover` prediction with measured S(η) on the same grid (the
/// prediction's unstable-mode counts mark the unstable η).
/// - Throws: `.theory(.comparisonLengths)` when `measured` has a different length.
public func compareCrossover(_ prediction: CrossoverPrediction, measured: [Double]) throws(EngineError)
    -> CrossoverComparison
{
    try compareCrossover(
        learningRates: prediction.learningRates, predicted: prediction.predicted,
        measured: measured, unstable: prediction.hasUnstableModes)
}

/// Compares predicted with measured values per learning rate.
///
/// An η enters the statistics when its prediction is finite (and ≥ 0) and its
/// measurement finite and > 0 (a diverged or missing measurement is left out and
/// shown as not compared). R follows the reference: Pearson of ln(x + 1e-20).
/// Shape is judged on R (≥ 0.95 tracks, ≥ 0.8 roughly tracks, else does not track;
/// taken over the stable η when at least 3 remain) and scale on the worst factor
/// (≤ 1.25, ≤ 2, else off) separately; `correlationLeansOnUnstable` marks an R that
/// moves by more than 0.05 without the unstable η.
/// - Parameters:
///   - unstable: per η, whether the prediction used unstable modes (all false if nil).
/// - Throws: `.theory(.comparisonLengths)` when the lists differ in length.
public func compareCrossover(
    learningRates: [Double], predicted: [Double], measured: [Double],
    unstable: [Bool]? = nil
) throws(EngineError) -> CrossoverComparison {
    let n = learningRates.count
    guard predicted.count == n, measured.count == n, (unstable?.count ?? n) == n else {
        throw .theory(.comparisonLengths(learningRates: n, predicted: predicted.count, measured: measured.count))
    }
    let flags = unstable ?? [Bool](repeating: false, count: n)
    var ratio = [Double]()
    var relative = [Double]()
    var compared = [Bool]()
    for i in 0..<n {
        let ok = predicted[i].isFinite && predicted[i] >= 0 && measured[i].isFinite && measured[i] > 0
        compared.append(ok)
        ratio.append(ok ? predicted[i] / measured[i] : .nan)
        relative.append(ok ? abs(predicted[i] - measured[i]) / measured[i] : .nan)
    }
    let all = (0..<n).filter { compared[$0] }
    let stable = all.filter { !flags[$0] }
    func r(_ idx: [Int]) -> Double {
        TheoryMath.pearson(idx.map { log(predicted[$0] + 1e-20) }, idx.map { log(measured[$0] + 1e-20) })
    }
    let rAll = r(all)
    let rStable = r(stable)
    let ratios = all.map { ratio[$0] }
    let logs = ratios.map { log(Swift.max($0, 1e-300)) }
    let geometric = all.isEmpty ? Double.nan : exp(compensatedMean(logs))
    let worst = ratios.map { $0 > 0 ? Swift.max($0, 1 / $0) : .infinity }.max() ?? .nan
    let errors = all.map { relative[$0] }
    let medianError = errors.isEmpty ? Double.nan : TheoryMath.median(errors)
    let maxError = errors.max() ?? .nan
    let unstableCompared = all.count - stable.count
    let useStable = unstableCompared > 0 && stable.count >= 3
    let rShape = all.count >= 2 ? (useStable ? rStable : rAll) : Double.nan
    let shape: ShapeAgreement =
        !rShape.isFinite ? .undetermined : rShape >= 0.95 ? .tracks : rShape >= 0.8 ? .roughlyTracks : .doesNotTrack
    let scale: ScaleAgreement = worst <= 1.25 ? .within25Percent : worst <= 2 ? .withinFactor2 : .off
    return CrossoverComparison(
        learningRates: learningRates, predicted: predicted, measured: measured, ratio: ratio,
        relativeError: relative, unstable: flags, compared: compared, correlation: rAll,
        correlationStable: rStable, pointsCompared: all.count, stablePointsCompared: stable.count,
        geometricMeanRatio: geometric, worstFactor: worst, medianRelativeError: medianError,
        maxRelativeError: maxError, minRatio: ratios.min() ?? .nan, maxRatio: ratios.max() ?? .nan,
        shapeJudgedWithoutUnstable: useStable, shape: shape, scale: scale,
        correlationLeansOnUnstable: unstableCompared > 0 && rAll.isFinite && rStable.isFinite
            && abs(rAll - rStable) > 0.05,
        tooFewStableForShape: unstableCompared > 0 && stable.count < 3)
}
