import Foundation

// Cross-entropy spectral compression (theory.md §5; experiments.md E18, E23): the
// bound's two factors along training, E18's decay fit, and E23's timescale τ.

/// Per-checkpoint series of a cross-entropy run (all arrays aligned with `steps`;
/// NaN where a quantity was not measured at that checkpoint).
public struct CompressionSeries: Sendable, Equatable {
    /// Checkpoint steps t.
    public var steps: [Double]
    /// λ_max of the Hessian.
    public var sharpness: [Double]
    /// q̄: the mean over samples of the correct-class probability.
    public var meanConfidence: [Double]
    /// min_i q_i.
    public var minConfidence: [Double]
    /// mean_i q_i(1 − q_i).
    public var meanConfidenceVariance: [Double]
    /// λ_max(JᵀJ/n), when measured.
    public var jacobianGramMax: [Double]?
    /// max_i q_i(1 − q_i), when recorded (else derived from q_min, see `analyzeCompression`).
    public var maxConfidenceVariance: [Double]?

    public init(
        steps: [Double], sharpness: [Double], meanConfidence: [Double], minConfidence: [Double],
        meanConfidenceVariance: [Double], jacobianGramMax: [Double]? = nil,
        maxConfidenceVariance: [Double]? = nil
    ) {
        self.steps = steps
        self.sharpness = sharpness
        self.meanConfidence = meanConfidence
        self.minConfidence = minConfidence
        self.meanConfidenceVariance = meanConfidenceVariance
        self.jacobianGramMax = jacobianGramMax
        self.maxConfidenceVariance = maxConfidenceVariance
    }
}

/// The compression bound's factors along training, with the E18 decay fit and the
/// E23 τ fit.
public struct CompressionAnalysis: Sendable, Equatable {
    public var steps: [Double]
    /// max_i q_i(1 − q_i) per checkpoint: recorded, or q_min(1 − q_min) when
    /// q_min ≥ ½ (then exact: q(1 − q) falls on [½, 1], so the least confident sample
    /// has the largest q(1 − q)), or ¼ (an upper bound) when q_min < ½.
    public var confidenceFactor: [Double]
    /// Whether `confidenceFactor` is the exact maximum (false: the ¼ upper bound).
    public var confidenceFactorIsExact: [Bool]
    /// The paper's bound λ_max(JᵀJ/n)·max_i q_i(1 − q_i) (NaN without the Gram factor).
    public var bound: [Double]
    /// λ_max(JᵀJ/n)·mean_i q_i(1 − q_i): a typical-sample estimate, not a bound.
    public var meanFieldEstimate: [Double]
    /// λ_max/bound (≤ 1 when the bound holds for the Hessian; it bounds the
    /// Gauss–Newton part only, see `CompressionBound`).
    public var boundRatio: [Double]
    /// λ_max at the first measured checkpoint / λ_max at the last (E18).
    public var compressionRatio: Double
    /// E18's decay fit of λ_max(t) (nil with fewer than 2 measured checkpoints or a
    /// non-positive λ_max; `noDecay` says why).
    public var decay: DecayFit?
    public var noDecay: NoDecayFit?
    /// E23's τ fit of 1 − q̄(t) in the given window.
    public var tau: TauFit
}

/// Why a compression analysis has no decay fit (the language words it).
public enum NoDecayFit: Sendable, Equatable {
    /// λ_max was measured (finite) at `measured` checkpoints; the fit needs `needed`.
    case tooFewMeasured(Int, needed: Int)
    /// The fit itself refused (a non-positive λ_max, …).
    case failed(TheoryProblem)
}

/// Analyzes a cross-entropy run's checkpoints (see `CompressionAnalysis`).
/// - Parameters:
///   - learningRate: η, needed only for a window in units of ηt and for `scaledTau`.
///   - tauWindow: the τ fit's window (the reference's by default).
/// - Throws: `.theory`: `.compressionSeriesLengths` when the series differ in length,
///   `.empty(.compressionSeries)` for an empty series, or as `fitTau`.
public func analyzeCompression(
    _ series: CompressionSeries, learningRate: Double? = nil,
    tauWindow: TauWindow = .reference
) throws(EngineError) -> CompressionAnalysis {
    let n = series.steps.count
    guard n >= 1 else { throw .theory(.empty(.compressionSeries)) }
    let lengths = [
        series.sharpness.count, series.meanConfidence.count, series.minConfidence.count,
        series.meanConfidenceVariance.count, series.jacobianGramMax?.count ?? n,
        series.maxConfidenceVariance?.count ?? n,
    ]
    guard lengths.allSatisfy({ $0 == n }) else {
        throw .theory(.compressionSeriesLengths(checkpoints: n))
    }
    var factor = [Double]()
    var exact = [Bool]()
    var bound = [Double]()
    var meanField = [Double]()
    var ratio = [Double]()
    for i in 0..<n {
        let f: Double
        let isExact: Bool
        if let recorded = series.maxConfidenceVariance?[i], recorded.isFinite {
            f = recorded
            isExact = true
        } else if series.minConfidence[i] >= 0.5 {
            let q = series.minConfidence[i]
            f = q * (1 - q)
            isExact = true
        } else {
            f = series.minConfidence[i].isFinite ? 0.25 : .nan
            isExact = false
        }
        factor.append(f)
        exact.append(isExact)
        let gram = series.jacobianGramMax?[i] ?? .nan
        bound.append(gram * f)
        meanField.append(gram * series.meanConfidenceVariance[i])
        ratio.append(series.sharpness[i] / (gram * f))
    }
    let measured = (0..<n).filter { series.sharpness[$0].isFinite && series.steps[$0].isFinite }
        .sorted { series.steps[$0] < series.steps[$1] }
    let compression =
        measured.count >= 1
        ? series.sharpness[measured.first!] / series.sharpness[measured.last!] : .nan
    var decay: DecayFit? = nil
    var noDecay: NoDecayFit? = nil
    if measured.count < 2 {
        noDecay = .tooFewMeasured(measured.count, needed: 2)
    } else {
        do {
            decay = try decayFit(measured.map { series.steps[$0] }, measured.map { series.sharpness[$0] })
        } catch {
            noDecay = .failed(error)
        }
    }
    let tau = try fitTau(
        steps: series.steps, meanConfidence: series.meanConfidence, learningRate: learningRate,
        window: tauWindow)
    return CompressionAnalysis(
        steps: series.steps, confidenceFactor: factor, confidenceFactorIsExact: exact,
        bound: bound, meanFieldEstimate: meanField, boundRatio: ratio,
        compressionRatio: compression, decay: decay, noDecay: noDecay, tau: tau)
}

/// The checkpoints a τ fit uses: t in [start, end] and lowerGap < 1 − q̄ < upperGap,
/// with t counted in steps or in units of ηt (`scaledTime`, gradient-flow time).
public struct TauWindow: Sendable, Equatable {
    public enum Clock: Sendable { case steps, scaledTime }
    public var clock: Clock
    public var start: Double
    public var end: Double
    public var lowerGap: Double
    public var upperGap: Double

    public init(
        clock: Clock = .steps, start: Double = 25, end: Double = .infinity, lowerGap: Double = 0.01,
        upperGap: Double = 0.9
    ) {
        self.clock = clock
        self.start = start
        self.end = end
        self.lowerGap = lowerGap
        self.upperGap = upperGap
    }

    /// The reference's (E23): t ≥ 25 and 0.01 < 1 − q̄ < 0.9.
    public static let reference = TauWindow()

    /// A window fixed in gradient-flow time, ηt ∈ [from, to], so that every η is fitted
    /// over the same stretch of the dynamics (experiments.md §4), with the gap bounds.
    public static func scaledTime(from: Double, to: Double, lowerGap: Double = 0.01, upperGap: Double = 0.9)
        -> TauWindow
    {
        TauWindow(clock: .scaledTime, start: from, end: to, lowerGap: lowerGap, upperGap: upperGap)
    }
}

/// A τ fit of 1 − q̄(t) ≈ e^{a − t/τ}.
public struct TauFit: Sendable, Equatable {
    /// τ = −1/slope, in steps (negative if 1 − q̄ grew, ∞ for a zero slope, NaN when
    /// fewer than 2 checkpoints lie in the window).
    public var tau: Double
    /// η·τ (gradient-flow time), when η is known.
    public var scaledTau: Double?
    /// The OLS of ln(1 − q̄) on t: slope, intercept and R² (NaN when not fitted).
    public var slope: Double
    public var intercept: Double
    public var r2: Double
    /// Checkpoints used, and their steps.
    public var points: Int
    public var usedSteps: [Double]
    public var window: TauWindow
    /// Why there is no τ, when there is none.
    public var noTau: NoTauFit?
}

/// Why a τ fit has no τ (the language words it).
public enum NoTauFit: Sendable, Equatable {
    /// `count` checkpoints lie in the window (or their t are not distinct); the fit needs `needed`.
    case tooFewInWindow(Int, needed: Int)
}

/// E23's τ fit of one run: keep the checkpoints in `window`, OLS of ln(1 − q̄) on t,
/// τ = −1/slope. With fewer than 2 points in the window the result has τ = NaN and a
/// note (not an error: a sweep may hold such runs).
/// - Throws: `.theory`: `.lengthsDiffer(.tauFit, …)` when the series differ in
///   length, `.scaledWindowNeedsLearningRate` for a `.scaledTime` window without a
///   positive η.
public func fitTau(
    steps: [Double], meanConfidence: [Double], learningRate: Double? = nil,
    window: TauWindow = .reference
) throws(EngineError) -> TauFit {
    guard steps.count == meanConfidence.count else {
        throw .theory(.lengthsDiffer(.tauFit, meanConfidence.count, steps.count))
    }
    if window.clock == .scaledTime {
        guard let eta = learningRate, eta > 0, eta.isFinite else {
            throw .theory(.scaledWindowNeedsLearningRate)
        }
    }
    let scale = window.clock == .scaledTime ? learningRate! : 1
    var ts = [Double]()
    var ys = [Double]()
    for i in steps.indices {
        let t = steps[i]
        let gap = 1 - meanConfidence[i]
        guard t.isFinite, gap.isFinite else { continue }
        let clock = t * scale
        if clock >= window.start, clock <= window.end, gap > window.lowerGap, gap < window.upperGap {
            ts.append(t)
            ys.append(log(gap))
        }
    }
    let scaled = { (tau: Double) -> Double? in learningRate.map { $0 * tau } }
    guard ts.count >= 2, let line = TheoryMath.line(ts, ys) else {
        return TauFit(
            tau: .nan, scaledTau: learningRate.map { _ in .nan }, slope: .nan, intercept: .nan, r2: .nan,
            points: ts.count, usedSteps: ts, window: window,
            noTau: .tooFewInWindow(ts.count, needed: 2))
    }
    let tau = -1 / line.slope
    return TauFit(
        tau: tau, scaledTau: scaled(tau), slope: line.slope, intercept: line.intercept, r2: line.r2,
        points: ts.count, usedSteps: ts, window: window, noTau: nil)
}

/// τ against the learning rate across a sweep (E23): τ̄(η) = C·(1/η) + b and
/// τ̄ ∝ η^γ.
public struct TauLaw: Sendable, Equatable {
    /// Distinct η (ascending) with at least one finite positive τ.
    public var learningRates: [Double]
    /// Mean τ over the finite positive values at each η, and how many there were.
    public var meanTau: [Double]
    public var counts: [Int]
    /// OLS τ̄ = C/η + b with R².
    public var inverseFit: LinearFit
    public var c: Double { inverseFit.slope }
    public var b: Double { inverseFit.intercept }
    /// OLS of ln τ̄ on ln η: γ (−1 for pure gradient-flow scaling), its R².
    public var exponentFit: LinearFit
    public var gamma: Double { exponentFit.slope }
    /// Runs whose τ was not finite and positive (left out).
    public var excludedRuns: Int
}

/// Fits τ against η over a sweep: runs with equal η are averaged (finite positive τ
/// only, as the reference does), then two OLS fits (see `TauLaw`).
/// - Throws: `.theory`: `.lengthsDiffer(.tauLaw, …)` for lists of different lengths,
///   `.learningRatesNotPositive` for a non-positive η, `.tooFew(.tauLawRates, …)` for
///   fewer than 2 distinct η with a usable τ, `.singular(.tauLaw)` when the fit is
///   singular.
public func fitTauLaw(learningRates: [Double], taus: [Double]) throws(EngineError) -> TauLaw {
    guard learningRates.count == taus.count else {
        throw .theory(.lengthsDiffer(.tauLaw, taus.count, learningRates.count))
    }
    guard learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw .theory(.learningRatesNotPositive)
    }
    let usable = learningRates.indices.filter { taus[$0].isFinite && taus[$0] > 0 }
    let etas = Array(Set(usable.map { learningRates[$0] })).sorted()
    guard etas.count >= 2 else {
        throw .theory(.tooFew(.tauLawRates, needed: 2, got: etas.count))
    }
    let groups = etas.map { eta in usable.filter { learningRates[$0] == eta }.map { taus[$0] } }
    let means = groups.map { compensatedMean($0) }
    guard let inverse = TheoryMath.line(etas.map { 1 / $0 }, means),
        let power = TheoryMath.line(etas.map { log($0) }, means.map { log($0) })
    else {
        throw .theory(.singular(.tauLaw))
    }
    return TauLaw(
        learningRates: etas, meanTau: means, counts: groups.map(\.count), inverseFit: inverse,
        exponentFit: power, excludedRuns: learningRates.count - usable.count)
}
