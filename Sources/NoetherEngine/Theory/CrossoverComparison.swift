import Foundation

// S_pred against S_meas (experiments.md §1.11 step 4 and §4): the reference's scale-
// free log–log R, and beside it what R cannot see: per-η ratios, relative errors, and
// R without the η whose prediction rests on unstable modes.

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
    /// One line: shape (R, with and without unstable η) and scale (ratios), judged
    /// separately.
    public var verdict: String
}

/// Compares a `crossover` prediction with measured S(η) on the same grid (the
/// prediction's unstable-mode counts mark the unstable η).
/// - Throws: `.shapeMismatch` when `measured` has a different length.
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
/// The verdict judges shape (R ≥ 0.95 "tracks", ≥ 0.8 "roughly tracks", else "does
/// not track"; taken over the stable η when at least 3 remain) and scale (worst
/// factor ≤ 1.25 "matches", ≤ 2 "within a factor 2", else "off by up to a factor …")
/// separately, and says when R moves by more than 0.05 without the unstable η.
/// - Parameters:
///   - unstable: per η, whether the prediction used unstable modes (all false if nil).
/// - Throws: `.shapeMismatch` when the lists differ in length.
public func compareCrossover(
    learningRates: [Double], predicted: [Double], measured: [Double],
    unstable: [Bool]? = nil
) throws(EngineError) -> CrossoverComparison {
    let n = learningRates.count
    guard predicted.count == n, measured.count == n, (unstable?.count ?? n) == n else {
        throw .shapeMismatch(
            "the comparison needs one prediction and one measurement per learning rate (\(n)), got \(predicted.count) and \(measured.count)"
        )
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
    let geometric = all.isEmpty ? Double.nan : exp(TheoryMath.mean(logs))
    let worst = ratios.map { $0 > 0 ? Swift.max($0, 1 / $0) : .infinity }.max() ?? .nan
    let errors = all.map { relative[$0] }
    let medianError = errors.isEmpty ? Double.nan : TheoryMath.median(errors)
    let maxError = errors.max() ?? .nan
    let verdict = TheoryCrossoverVerdict.line(
        rAll: rAll, rStable: rStable, compared: all.count, stableCompared: stable.count,
        unstableCompared: all.count - stable.count, geometric: geometric, worst: worst,
        minRatio: ratios.min() ?? .nan, maxRatio: ratios.max() ?? .nan, medianError: medianError,
        left: n - all.count)
    return CrossoverComparison(
        learningRates: learningRates, predicted: predicted, measured: measured, ratio: ratio,
        relativeError: relative, unstable: flags, compared: compared, correlation: rAll,
        correlationStable: rStable, pointsCompared: all.count, stablePointsCompared: stable.count,
        geometricMeanRatio: geometric, worstFactor: worst, medianRelativeError: medianError,
        maxRelativeError: maxError, verdict: verdict)
}

enum TheoryCrossoverVerdict {
    static func line(
        rAll: Double, rStable: Double, compared: Int, stableCompared: Int, unstableCompared: Int,
        geometric: Double, worst: Double, minRatio: Double, maxRatio: Double, medianError: Double,
        left: Int
    ) -> String {
        let f = { (x: Double) in TheoryMath.format(x) }
        guard compared >= 2 else {
            return "not enough points to compare (\(compared) with a finite prediction and a positive measurement)"
        }
        let useStable = unstableCompared > 0 && stableCompared >= 3
        let rShape = useStable ? rStable : rAll
        let shape: String
        if !rShape.isFinite {
            shape = "shape undetermined (a constant series)"
        } else if rShape >= 0.95 {
            shape = "tracks the shape"
        } else if rShape >= 0.8 {
            shape = "roughly tracks the shape"
        } else {
            shape = "does not track the shape"
        }
        let scale: String
        if worst <= 1.25 {
            scale = "matches the scale within 25%"
        } else if worst <= 2 {
            scale = "matches the scale within a factor 2"
        } else {
            scale = "is off in scale by up to a factor \(f(worst)) (typical S_pred/S_meas \(f(geometric)))"
        }
        var text = "prediction \(shape) and \(scale): R = \(f(rAll)) over \(compared) η"
        if unstableCompared > 0 {
            text += " (\(f(rStable)) over the \(stableCompared) without unstable modes)"
        }
        text += "; S_pred/S_meas from \(f(minRatio)) to \(f(maxRatio)), median relative error \(f(100 * medianError))%"
        if unstableCompared > 0, rAll.isFinite, rStable.isFinite, abs(rAll - rStable) > 0.05 {
            text += "; R leans on the \(unstableCompared) η with unstable modes"
        } else if unstableCompared > 0, stableCompared < 3 {
            text += "; too few stable η to judge the shape without the unstable ones"
        }
        if left > 0 { text += "; \(left) η not compared (diverged or no prediction)" }
        return text
    }
}
