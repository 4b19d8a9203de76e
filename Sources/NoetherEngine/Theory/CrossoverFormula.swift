import Foundation

// The spectral-crossover formula of theory.md §3 as the reference implements it
// (experiments.md §1.11):  S_pred(η) = Σ_k c_k f(η, λ_k, T).

/// What the formula does with a mode whose |1 − ηλ_k| ≥ 1 (ηλ_k ≥ 2), where its
/// derivation does not apply.
public enum UnstableModePolicy: Sendable, CaseIterable {
    /// The reference's rule: the contribution is capped at c_k·T/|ηλ_k(2 − ηλ_k)|,
    /// and the mode is skipped when that denominator is below 1e-12. It has no basis
    /// in the derivation and gives very large values at the largest η (§4).
    case cap
    /// Unstable modes contribute nothing.
    case skip
    /// An η with any unstable mode gets no prediction (NaN) and is flagged.
    case refuse
}

/// f(η, λ, T), one mode's factor in S_pred (per unit c_k).
///
/// - λ < 0 or |λ| < 1e-12: 0 (the reference skips the mode).
/// - |1 − ηλ| < 1 (0 < ηλ < 2): Σ_{t<T} (1 − ηλ)^{2t} = (1 − (1 − ηλ)^{2T})/(ηλ(2 − ηλ)),
///   evaluated as −expm1(2T·ln|1 − ηλ|)/(ηλ(2 − ηλ)) so that tiny ηλ keep full
///   accuracy (→ T as ηλ → 0; ≈ 1/(2ηλ) for ηλT ≫ 1).
/// - ηλ ≥ 2: by `policy`: `.cap` T/|ηλ(2 − ηλ)| (0 if the denominator < 1e-12),
///   `.skip` 0, `.refuse` NaN.
///
/// Note: below crossover (ηλT ≪ 1) a mode contributes ≈ T·c_k by this formula, not the
/// 2T·c_k that theory.md §3 states in passing; the local α = 2 there either way.
public func crossoverFactor(
    learningRate eta: Double, eigenvalue lambda: Double, steps: Int,
    policy: UnstableModePolicy = .cap
) -> Double {
    TheoryCrossover.factor(eta, lambda, Double(steps), policy).value
}

/// S_pred over a learning-rate grid with its diagnostics (see `crossover`).
public struct CrossoverPrediction: Sendable, Equatable {
    public var learningRates: [Double]
    public var steps: Int
    public var policy: UnstableModePolicy
    /// S_pred(η) = Σ_k c_k f(η, λ_k, T); NaN where `.refuse` refused.
    public var predicted: [Double]
    /// The predicted local exponent d ln(η²·S_pred)/d ln η = 2 + η·S′/S, analytic
    /// (the derivative of each mode's term as the policy evaluates it: a capped term
    /// contributes its own derivative; at ηλ = 2 the capped prediction jumps and α is
    /// one-sided). 2 where every mode is far below crossover, → 1 where every mode has
    /// crossed over; NaN where S_pred = 0 or refused.
    public var localAlpha: [Double]
    /// Per η: included modes with ηλ_k ≥ 2.
    public var unstableModes: [Int]
    /// Per η: the share of included modes that have crossed over (η > η_k*).
    public var convergedFraction: [Double]
    /// Per η: Σ c_k over crossed-over modes / Σ c_k over included modes.
    public var convergedWeight: [Double]
    /// Per η: whether the prediction was refused (`.refuse` with an unstable mode).
    public var refused: [Bool]
    /// Per input mode: the crossover rate η_k* = 1/(λ_k T); NaN for skipped modes.
    public var crossoverRates: [Double]
    /// Modes used (λ ≥ 1e-12) and skipped (λ < 0 or |λ| < 1e-12).
    public var includedModes: Int
    public var skippedModes: Int

    /// Per η: whether some included mode is unstable there.
    public var hasUnstableModes: [Bool] { unstableModes.map { $0 > 0 } }
}

/// The spectral-crossover prediction S_pred(η) = Σ_k c_k f(η, λ_k, T) of theory.md §3,
/// evaluated exactly as experiments.md §1.11 specifies (see `crossoverFactor`), with
/// the crossover rates η_k* = 1/(λ_k T), the share of crossed-over modes and the
/// predicted local α per η.
///
/// - Parameters:
///   - eigenvalues: λ_k (any order; Hessian eigenvalues, or λ_{x,k} for the derived c_k).
///   - coefficients: c_k, one per eigenvalue (any finite values; the reference's ≥ 0).
///   - learningRates: η > 0.
///   - steps: T ≥ 1 (2000 in the reference, even for a later checkpoint).
///   - unstable: the policy for modes with ηλ_k ≥ 2 (the reference's `.cap` by default).
/// - Cost: O(modes × rates).
/// - Throws: `.theory`: `.lengthsDiffer(.crossoverCoefficients, …)` when the counts
///   differ, `.notFinite(.crossoverSpectrum)` for non-finite input,
///   `.learningRatesNotPositive` for η ≤ 0; `.outOfDomain(.steps, …)` for T < 1.
public func crossover(
    eigenvalues: [Double], coefficients: [Double], learningRates: [Double], steps: Int = 2000,
    unstable policy: UnstableModePolicy = .cap
) throws(EngineError) -> CrossoverPrediction {
    guard eigenvalues.count == coefficients.count else {
        throw .theory(.lengthsDiffer(.crossoverCoefficients, coefficients.count, eigenvalues.count))
    }
    guard eigenvalues.allSatisfy(\.isFinite), coefficients.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.crossoverSpectrum))
    }
    guard learningRates.allSatisfy({ $0 > 0 && $0.isFinite }) else {
        throw .theory(.learningRatesNotPositive)
    }
    guard steps >= 1 else { throw .outOfDomain(.steps, .atLeast(1), got: .integer(steps)) }
    let t = Double(steps)
    let included = eigenvalues.indices.filter { TheoryCrossover.includes(eigenvalues[$0]) }
    let rates = eigenvalues.map { TheoryCrossover.includes($0) ? 1 / ($0 * t) : Double.nan }
    let totalWeight = included.reduce(0.0) { $0 + coefficients[$1] }
    var predicted = [Double]()
    var alpha = [Double]()
    var unstableCounts = [Int]()
    var fraction = [Double]()
    var weight = [Double]()
    var refused = [Bool]()
    for eta in learningRates {
        var s = 0.0
        var ds = 0.0
        var count = 0
        var crossed = 0
        var crossedWeight = 0.0
        var refuse = false
        for k in included {
            let lambda = eigenvalues[k]
            let c = coefficients[k]
            let term = TheoryCrossover.factor(eta, lambda, t, policy)
            if term.unstable { count += 1 }
            if term.value.isNaN { refuse = true }
            s += c * term.value
            ds += c * term.logDerivative
            if eta > rates[k] {
                crossed += 1
                crossedWeight += c
            }
        }
        predicted.append(refuse ? .nan : s)
        alpha.append(refuse || s == 0 ? .nan : 2 + ds / s)
        unstableCounts.append(count)
        fraction.append(included.isEmpty ? .nan : Double(crossed) / Double(included.count))
        weight.append(totalWeight != 0 ? crossedWeight / totalWeight : .nan)
        refused.append(refuse)
    }
    return CrossoverPrediction(
        learningRates: learningRates, steps: steps, policy: policy, predicted: predicted,
        localAlpha: alpha, unstableModes: unstableCounts, convergedFraction: fraction,
        convergedWeight: weight, refused: refused, crossoverRates: rates,
        includedModes: included.count, skippedModes: eigenvalues.count - included.count)
}

enum TheoryCrossover {
    /// The reference keeps λ ≥ 0 with |λ| ≥ 1e-12.
    static func includes(_ lambda: Double) -> Bool { lambda >= 0 && abs(lambda) >= 1e-12 }

    /// f(η, λ, T) and η·∂f/∂η (the numerator of the local α), and whether the mode
    /// is unstable.
    static func factor(_ eta: Double, _ lambda: Double, _ t: Double, _ policy: UnstableModePolicy)
        -> (value: Double, logDerivative: Double, unstable: Bool)
    {
        guard includes(lambda) else { return (0, 0, false) }
        let u = eta * lambda
        if abs(1 - u) < 1 {
            // f = N/D, N = 1 − (1 − u)^{2T}, D = u(2 − u); η ∂f/∂η = u f′(u).
            let d = u * (2 - u)
            if u == 1 { return (1 / d, u * (-(2 - 2 * u) / (d * d)), false) }
            let logRho = u < 1 ? log1p(-u) : log(u - 1)
            let n = -expm1(2 * t * logRho)
            // N′ = 2T(1 − u)^{2T−1}, signed like (1 − u).
            let rhoPower = exp((2 * t - 1) * logRho) * (u < 1 ? 1 : -1)
            let dn = 2 * t * rhoPower
            let dd = 2 - 2 * u
            let value = n / d
            return (value, u * (dn * d - n * dd) / (d * d), false)
        }
        switch policy {
        case .skip: return (0, 0, true)
        case .refuse: return (.nan, .nan, true)
        case .cap:
            let d = abs(u * (2 - u))
            if d < 1e-12 { return (0, 0, true) }
            // T/|u(2 − u)| = T/(u(u − 2)) for u > 2; u·d/du = −T(2u − 2)·u/(u(u − 2))².
            return (t / d, -t * (2 * u - 2) * u / (d * d), true)
        }
    }
}
