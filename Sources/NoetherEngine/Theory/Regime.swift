import Foundation

// Below or at the edge of stability (theory.md §6; experiments.md §1.12 and §4).

/// Where a run sits relative to the edge of stability 2/η.
public enum Regime: Sendable, CaseIterable {
    /// λ_max stays below the edge (E4's criterion fails).
    case belowEdge
    /// λ_max rises to the edge: the mean of the last measurements is ≥ 0.6·(2/η).
    case atEdge
    /// λ_max(θ₀) > 2/η: the run starts above the edge (divergence or a catapult; with
    /// CE on Gaussian data λ_max then usually falls, §4).
    case unstableStart
}

/// Thresholds of `classifyRegime`.
public struct RegimeOptions: Sendable, Equatable {
    /// Measurements averaged at the end (E4: the last 20).
    public var lastCount: Int
    /// E4's criterion: mean of the last `lastCount` ≥ edgeFraction·(2/η) (0.6).
    public var edgeFraction: Double
    /// A measurement is "near the edge" when λ ≥ nearFraction·(2/η) (0.9).
    public var nearFraction: Double

    public init(lastCount: Int = 20, edgeFraction: Double = 0.6, nearFraction: Double = 0.9) {
        self.lastCount = lastCount
        self.edgeFraction = edgeFraction
        self.nearFraction = nearFraction
    }
}

/// A run's regime with the numbers behind it.
public struct RegimeClassification: Sendable, Equatable {
    public var regime: Regime
    /// 2/η.
    public var edge: Double
    /// η·λ_max(θ₀) (from `sharpnessAtStart`, else the first finite measurement).
    public var initialProduct: Double
    /// Mean of the last `lastCount` finite measurements divided by 2/η (E4's number).
    public var finalRatio: Double
    /// max λ_max/(2/η) (E4 reports it).
    public var maxRatio: Double
    /// Share of finite measurements with λ ≥ nearFraction·(2/η).
    public var nearEdgeFraction: Double
    /// The step (or index, without steps) of the first measurement with λ ≥ 2/η,
    /// after the start.
    public var firstCrossing: Double?
    /// Finite measurements used, and non-finite ones ignored (a diverged tail).
    public var measurements: Int
    public var nonFinite: Int
    /// The activation switch rate, when given.
    public var switchRate: Double?
    /// How many measurements `finalRatio` averages (≤ `options.lastCount`).
    public var finalCount: Int
    /// The thresholds the regime was judged with.
    public var options: RegimeOptions
    /// Whether `firstCrossing` is a step (steps were given) or a measurement index.
    public var crossingIsStep: Bool
}

/// Classifies a run from its sharpness series against 2/η.
///
/// Unstable start when η·λ_max(θ₀) > 2 (λ_max(θ₀) = `sharpnessAtStart`, else the first
/// finite measurement); otherwise at the edge when the mean of the last
/// `options.lastCount` finite measurements is ≥ `edgeFraction`·(2/η) (E4's
/// criterion); otherwise below the edge.
/// - Parameters:
///   - sharpness: λ_max per measurement (NaN entries, e.g. after divergence, are ignored).
///   - learningRate: η > 0.
///   - steps: the step of each measurement (for `firstCrossing`), when known.
///   - switchRate: e.g. `ActivationPatternRecord.switchRate`, carried into the result.
/// - Throws: `.outOfDomain(.learningRate, …)` for η ≤ 0; `.theory`:
///   `.lengthsDiffer(.regimeSteps, …)` when `steps` has a different length,
///   `.regimeThresholdsNotPositive` for bad options, `.empty(.finiteSharpness)` for no
///   finite measurement.
public func classifyRegime(
    sharpness: [Double], learningRate eta: Double, steps: [Double]? = nil,
    sharpnessAtStart: Double? = nil, switchRate: Double? = nil,
    options: RegimeOptions = .init()
) throws(EngineError) -> RegimeClassification {
    guard eta > 0, eta.isFinite else {
        throw .outOfDomain(.learningRate, .finitePositive, got: .number(eta))
    }
    if let steps, steps.count != sharpness.count {
        throw .theory(.lengthsDiffer(.regimeSteps, steps.count, sharpness.count))
    }
    guard options.lastCount >= 1, options.edgeFraction > 0, options.nearFraction > 0 else {
        throw .theory(.regimeThresholdsNotPositive)
    }
    let finite = sharpness.indices.filter { sharpness[$0].isFinite }
    guard !finite.isEmpty else { throw .theory(.empty(.finiteSharpness)) }
    let edge = 2 / eta
    let start = sharpnessAtStart.flatMap { $0.isFinite ? $0 : nil } ?? sharpness[finite[0]]
    let values = finite.map { sharpness[$0] }
    let last = Array(values.suffix(options.lastCount))
    let finalRatio = compensatedMean(last) / edge
    let maxRatio = values.max()! / edge
    let near = Double(values.filter { $0 >= options.nearFraction * edge }.count) / Double(values.count)
    let crossingIndex = finite.dropFirst(sharpnessAtStart == nil ? 1 : 0).first { sharpness[$0] >= edge }
    let crossing = crossingIndex.map { i in steps?[i] ?? Double(i) }
    let regime: Regime
    if eta * start > 2 {
        regime = .unstableStart
    } else if finalRatio >= options.edgeFraction {
        regime = .atEdge
    } else {
        regime = .belowEdge
    }
    let bad = sharpness.count - finite.count
    return RegimeClassification(
        regime: regime, edge: edge, initialProduct: eta * start,
        finalRatio: finalRatio, maxRatio: maxRatio, nearEdgeFraction: near,
        firstCrossing: crossing, measurements: finite.count, nonFinite: bad,
        switchRate: switchRate, finalCount: last.count, options: options, crossingIsStep: steps != nil)
}

/// The per-neuron switch-rate exponent across widths (theory.md §6, E15): a log–log
/// fit of the rate against m; E15's β is minus the slope.
public struct SwitchRateScaling: Sendable, Equatable {
    /// The slope of ln(rate) on ln m.
    public var exponent: Double
    /// E15's β = −exponent (rate ∝ m^{−β}).
    public var beta: Double { -exponent }
    public var prefactor: Double
    public var r2: Double
    /// The underlying fit (per-width means of the runs, points used, local slopes).
    public var fit: PowerLawFit
}

/// Fits rate ∝ m^exponent over runs at several widths: the runs at one width are
/// averaged (E15's width summary over all its (η, seed) runs), zero or non-finite
/// rates are left out as in `fitPowerLaw`. The i-th run at each width counts as
/// replicate i for the seed interval.
/// - Throws: `.theory(.lengthsDiffer(.switchRates, …))` for lists of different
///   lengths; else as `fitPowerLaw`.
public func switchRateExponent(widths: [Double], rates: [Double]) throws(EngineError) -> SwitchRateScaling {
    guard widths.count == rates.count else {
        throw .theory(.lengthsDiffer(.switchRates, rates.count, widths.count))
    }
    var seen = [Double: Int]()
    var runs = [SweepRun]()
    for (m, rate) in zip(widths, rates) {
        let index = seen[m, default: 0]
        seen[m] = index + 1
        runs.append(SweepRun(x: m, y: rate, seed: index))
    }
    let fit = try fitPowerLaw(runs, options: PowerLawOptions(rule: .dropSeed))
    return SwitchRateScaling(exponent: fit.alpha, prefactor: fit.prefactor, r2: fit.r2, fit: fit)
}
