import Foundation

// c_k fitted to measured S(η) by non-negative least squares of the formula's basis
// functions (theory.md §4, "method=fit").

/// Coefficients fitted to measured S(η), with the fit's quality.
///
/// **Binning.** A grid of a few η cannot determine one c_k per mode (1600 modes at
/// P = 1600), and modes whose crossover rates 1/(λ_k T) lie close together have
/// nearly proportional basis functions. So the included modes (λ ≥ 1e-12) are grouped
/// into `bins` intervals equally spaced in ln λ between the smallest and largest
/// included λ (empty intervals are dropped), and one coefficient C_b ≥ 0 is fitted per
/// bin, spread evenly over its modes: c_k = C_b/|b|. The bin's basis function is
/// F_b(η) = (1/|b|)·Σ_{k∈b} f(η, λ_k, T). NNLS (Lawson–Hanson) then minimizes the
/// **relative** residual Σ_i ((Σ_b C_b F_b(η_i) − S_i)/S_i)², so that every η counts by
/// its relative error whatever its magnitude (S spans decades over a grid). Columns
/// are scaled to unit norm before the solve (NNLS is invariant to that).
/// With B bins and N usable η, B ≤ N keeps the problem overdetermined; the default
/// is min(6, N).
public struct FittedCoefficients: Sendable, Equatable {
    /// B + 1 edges in λ (ascending, log-spaced) of the bins that were formed; a single
    /// bin [λ, λ] when every included mode shares one eigenvalue.
    public var binEdges: [Double]
    /// Per non-empty bin: its lower and upper edge, mode count, the geometric mean λ of
    /// its modes, and the fitted total C_b.
    public var binLower: [Double]
    public var binUpper: [Double]
    public var binModeCounts: [Int]
    public var binEigenvalues: [Double]
    public var binCoefficients: [Double]
    /// Bins held at 0 by the constraint (indices into the bin arrays).
    public var activeBins: [Int]
    /// Per input mode: C_b/|b| for its bin; 0 for skipped modes (λ < 0 or |λ| < 1e-12).
    public var coefficients: [Double]
    /// The η that entered the fit (finite positive S_meas; under `.refuse`, also no
    /// unstable mode), with the fitted S, the measured S, and the relative residuals.
    public var learningRates: [Double]
    public var fitted: [Double]
    public var measured: [Double]
    public var relativeResiduals: [Double]
    /// √(mean of the squared relative residuals).
    public var rmsRelativeResidual: Double
    public var policy: UnstableModePolicy
    public var steps: Int
}

/// Fits c_k ≥ 0 so that the crossover formula reproduces measured S(η) (see
/// `FittedCoefficients` for the binning and weighting). `crossover(eigenvalues:,
/// coefficients: result.coefficients, …)` with the same T and policy reproduces
/// `result.fitted`.
/// - Parameters:
///   - eigenvalues: λ_k (any order).
///   - learningRates, measured: the grid and S_meas(η) (NaN or ≤ 0 entries are left out).
///   - steps: T of the formula.
///   - bins: the number of λ intervals (default min(6, usable η)).
///   - unstable: the policy for ηλ_k ≥ 2 (`.refuse` leaves such η out of the fit).
/// - Throws: `.theory`: `.lengthsDiffer(.fittedMeasurements, …)` for grids of
///   different lengths, `.notFinite(.eigenvalues)`, `.learningRatesNotPositive`,
///   `.noPositiveEigenvalue` for no included mode, `.noUsableMeasurement` for no usable
///   η, or as `nonNegativeLeastSquares`; `.outOfDomain` for T < 1 (`.steps`) or
///   bins < 1 (`.bins`).
public func fitCoefficients(
    eigenvalues: [Double], learningRates: [Double], measured: [Double], steps: Int = 2000,
    bins: Int? = nil, unstable policy: UnstableModePolicy = .cap
) throws(EngineError) -> FittedCoefficients {
    guard learningRates.count == measured.count else {
        throw .theory(.lengthsDiffer(.fittedMeasurements, measured.count, learningRates.count))
    }
    guard eigenvalues.allSatisfy(\.isFinite) else { throw .theory(.notFinite(.eigenvalues)) }
    guard learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw .theory(.learningRatesNotPositive)
    }
    guard steps >= 1 else { throw .outOfDomain(.steps, .atLeast(1), got: .integer(steps)) }
    let t = Double(steps)
    let included = eigenvalues.indices.filter { TheoryCrossover.includes(eigenvalues[$0]) }
    guard !included.isEmpty else { throw .theory(.noPositiveEigenvalue) }
    let rows = learningRates.indices.filter { i in
        guard measured[i].isFinite, measured[i] > 0 else { return false }
        if policy == .refuse {
            return !included.contains { eigenvalues[$0] * learningRates[i] >= 2 }
        }
        return true
    }
    guard !rows.isEmpty else { throw .theory(.noUsableMeasurement) }
    let binCount = bins ?? Swift.min(6, rows.count)
    guard binCount >= 1 else { throw .outOfDomain(.bins, .atLeast(1), got: .integer(binCount)) }

    // Log-spaced bins over the included eigenvalues.
    let lambdas = included.map { eigenvalues[$0] }
    let lo = lambdas.min()!
    let hi = lambdas.max()!
    var edges = [Double]()
    if hi > lo {
        let a = log(lo)
        let b = log(hi)
        edges = (0...binCount).map { exp(a + (b - a) * Double($0) / Double(binCount)) }
        edges[0] = lo
        edges[binCount] = hi
    } else {
        edges = [lo, hi]
    }
    let slots = edges.count - 1
    func slot(_ lambda: Double) -> Int {
        guard slots > 1 else { return 0 }
        let position = (log(lambda) - log(lo)) / (log(hi) - log(lo)) * Double(slots)
        return Swift.min(slots - 1, Swift.max(0, Int(position.rounded(.down))))
    }
    var members = [[Int]](repeating: [], count: slots)
    for k in included { members[slot(eigenvalues[k])].append(k) }
    let nonEmpty = (0..<slots).filter { !members[$0].isEmpty }

    // Relative-weighted design: A[i, b] = F_b(η_i)/S_i, right-hand side 1.
    var design = Matrix(rows: rows.count, columns: nonEmpty.count)
    for (r, i) in rows.enumerated() {
        for (c, b) in nonEmpty.enumerated() {
            var f = 0.0
            for k in members[b] { f += TheoryCrossover.factor(learningRates[i], eigenvalues[k], t, policy).value }
            design[r, c] = f / Double(members[b].count) / measured[i]
        }
    }
    var norms = [Double](repeating: 0, count: nonEmpty.count)
    for c in 0..<nonEmpty.count {
        var s = 0.0
        for r in 0..<rows.count { s += design[r, c] * design[r, c] }
        norms[c] = s.squareRoot()
        if norms[c] > 0 { for r in 0..<rows.count { design[r, c] /= norms[c] } }
    }
    let solution = try nonNegativeLeastSquares(design, [Double](repeating: 1, count: rows.count))
    let totals = (0..<nonEmpty.count).map { norms[$0] > 0 ? solution.solution[$0] / norms[$0] : 0 }

    var coefficients = [Double](repeating: 0, count: eigenvalues.count)
    for (c, b) in nonEmpty.enumerated() {
        for k in members[b] { coefficients[k] = totals[c] / Double(members[b].count) }
    }
    var fitted = [Double]()
    for i in rows {
        var s = 0.0
        for k in included {
            s += coefficients[k] * TheoryCrossover.factor(learningRates[i], eigenvalues[k], t, policy).value
        }
        fitted.append(s)
    }
    let residuals = rows.enumerated().map { (fitted[$0.offset] - measured[$0.element]) / measured[$0.element] }
    return FittedCoefficients(
        binEdges: edges, binLower: nonEmpty.map { edges[$0] }, binUpper: nonEmpty.map { edges[$0 + 1] },
        binModeCounts: nonEmpty.map { members[$0].count },
        binEigenvalues: nonEmpty.map { b in exp(compensatedMean(members[b].map { log(eigenvalues[$0]) })) },
        binCoefficients: totals, activeBins: (0..<nonEmpty.count).filter { totals[$0] == 0 },
        coefficients: coefficients, learningRates: rows.map { learningRates[$0] }, fitted: fitted,
        measured: rows.map { measured[$0] }, relativeResiduals: residuals,
        rmsRelativeResidual: compensatedMean(residuals.map { $0 * $0 }).squareRoot(), policy: policy, steps: steps)
}
