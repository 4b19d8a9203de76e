import Foundation

// Exponential fits: the general y ≈ A·e^{k t} (theory.md §5's 1 − q̄ ≈ e^{−t/τ}) and
// E18's offset decay λ_max(t) ≈ a·e^{−bt} + c.

/// y ≈ amplitude·e^{rate·t}, fitted by OLS of ln y on t.
public struct ExponentialFit: Sendable, Equatable {
    /// k, the slope of ln y on t (negative for a decay).
    public var rate: Double
    /// A = e^{intercept}.
    public var amplitude: Double
    /// τ = −1/k (positive for a decay, negative for growth, ±∞ for k = 0).
    public var timescale: Double
    /// R² of the fit in log scale (ln y against ln A + k t): what the OLS minimizes.
    public var r2Log: Double
    /// R² in linear scale: 1 − Σ(y − A e^{kt})²/Σ(y − ȳ)² over the points used. It
    /// weights the large values; the log-scale R² weights every decade equally.
    public var r2Linear: Double
    /// Points used, and the input indices left out (y ≤ 0 or non-finite).
    public var count: Int
    public var maskedIndices: [Int]
    /// The underlying line (ln y on t) with its standard errors.
    public var line: LinearFit

    public func predict(_ t: Double) -> Double { amplitude * exp(rate * t) }
}

/// Fits y ≈ A·e^{k t} by OLS of ln y on t over the points with finite t and finite
/// y > 0; the others are left out and listed in `maskedIndices`.
/// An exact exponential is recovered to ~1e-12 relative.
/// - Throws: `.theory`: `.lengthsDiffer(.exponentialFit, …)` for lists of different
///   lengths, `.tooFew(.exponentialPoints, …)` when fewer than 2 usable points remain,
///   `.noSpread(.exponential)` when their t are all equal.
public func fitExp(_ t: [Double], _ y: [Double]) throws(EngineError) -> ExponentialFit {
    guard t.count == y.count else {
        throw .theory(.lengthsDiffer(.exponentialFit, t.count, y.count))
    }
    var ts = [Double]()
    var ly = [Double]()
    var ys = [Double]()
    var masked = [Int]()
    for i in t.indices {
        if t[i].isFinite, y[i].isFinite, y[i] > 0 {
            ts.append(t[i])
            ly.append(log(y[i]))
            ys.append(y[i])
        } else {
            masked.append(i)
        }
    }
    guard ts.count >= 2 else {
        throw .theory(.tooFew(.exponentialPoints, needed: 2, got: ts.count))
    }
    guard let line = TheoryMath.line(ts, ly) else {
        throw .theory(.noSpread(.exponential))
    }
    let amplitude = exp(line.intercept)
    let predicted = ts.map { amplitude * exp(line.slope * $0) }
    return ExponentialFit(
        rate: line.slope, amplitude: amplitude, timescale: -1 / line.slope,
        r2Log: line.r2, r2Linear: TheoryMath.r2(ys, predicted),
        count: ts.count, maskedIndices: masked, line: line)
}

/// E18's decay fit of a sharpness series: λ(t) ≈ a·e^{−b t} + c.
///
/// As the reference does it: c = 0.9·min_t λ (fixed, not fitted), then OLS of
/// ln(λ − c) on t gives b = −slope and a = e^{intercept}; `r2` is computed in linear
/// scale, λ against a·e^{−bt} + c (the reference's number), `r2Log` is the OLS's own.
/// The exponential is often only a rough description: read `r2` beside `rate`
/// (experiments.md §4).
public struct DecayFit: Sendable, Equatable {
    /// c = 0.9·min λ.
    public var offset: Double
    /// b = −slope of ln(λ − c) on t.
    public var rate: Double
    /// a = e^{intercept}.
    public var amplitude: Double
    /// R² in linear scale (λ against a·e^{−bt} + c): the reference's.
    public var r2: Double
    /// R² of the log-scale OLS.
    public var r2Log: Double
    /// λ at the earliest t divided by λ at the latest t (E18's compression ratio).
    public var compressionRatio: Double
    public var count: Int

    public func predict(_ t: Double) -> Double { amplitude * exp(-rate * t) + offset }
}

/// The E18 decay fit (see `DecayFit`) of `values` λ(t_i) at times `t`, any order
/// (sorted by t for the compression ratio).
/// - Throws: `.theory`: `.lengthsDiffer(.decayFit, …)` for lists of different lengths,
///   `.tooFew(.decayPoints, …)` for fewer than 2 points, `.notFinite(.decayFit)` for a
///   non-finite value, `.decayNeedsPositiveValues` for a minimum λ ≤ 0 (c = 0.9·min
///   would not lie below every value), `.noSpread(.decay)` for equal t values throughout.
public func fitDecay(_ t: [Double], _ values: [Double]) throws(EngineError) -> DecayFit {
    do { return try decayFit(t, values) } catch { throw .theory(error) }
}

/// `fitDecay` with its refusals as the theory problems they are (the compression
/// analysis keeps one as the reason it has no decay fit).
func decayFit(_ t: [Double], _ values: [Double]) throws(TheoryProblem) -> DecayFit {
    guard t.count == values.count else { throw .lengthsDiffer(.decayFit, t.count, values.count) }
    guard t.count >= 2 else { throw .tooFew(.decayPoints, needed: 2, got: t.count) }
    guard t.allSatisfy(\.isFinite), values.allSatisfy(\.isFinite) else { throw .notFinite(.decayFit) }
    let order = t.indices.sorted { t[$0] < t[$1] }
    let ts = order.map { t[$0] }
    let vs = order.map { values[$0] }
    let smallest = vs.min()!
    guard smallest > 0 else { throw .decayNeedsPositiveValues(minimum: smallest) }
    let c = 0.9 * smallest
    guard let line = TheoryMath.line(ts, vs.map { log($0 - c) }) else { throw .noSpread(.decay) }
    let a = exp(line.intercept)
    let b = -line.slope
    let predicted = ts.map { a * exp(-b * $0) + c }
    return DecayFit(
        offset: c, rate: b, amplitude: a, r2: TheoryMath.r2(vs, predicted), r2Log: line.r2,
        compressionRatio: vs.first! / vs.last!, count: ts.count)
}

extension TheoryMath {
    /// 1 − Σ(y − ŷ)²/Σ(y − ȳ)²; NaN when y is constant.
    static func r2(_ y: [Double], _ predicted: [Double]) -> Double {
        let my = compensatedMean(y)
        let ssTot = sum(y.map { ($0 - my) * ($0 - my) })
        let ssRes = sum(zip(y, predicted).map { ($0 - $1) * ($0 - $1) })
        return ssTot > 0 ? 1 - ssRes / ssTot : .nan
    }
}
