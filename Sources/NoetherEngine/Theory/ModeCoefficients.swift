// The mode coefficients c_k of the crossover formula (theory.md §4): the reference's
// projected gradient, the derived e_k(0)²λ_{x,k}², uniform, and (in
// FittedCoefficients.swift) a non-negative least-squares fit.

/// The reference's c_k (experiments.md §1.11 step 1): the gradient's energy in each
/// Hessian eigenmode, rescaled so that the coefficients sum to |δ_c|:
/// c_k = (v_kᵀg)²·|δ_c| / Σ_j (v_jᵀg)², the sum over **every** column given
/// (including negative-curvature modes; pass the full eigenbasis to follow the
/// reference exactly).
///
/// - Parameters:
///   - eigenvectors: P × k, orthonormal eigenvectors as columns (as `eigs` returns
///     them: column j ↔ `values[j]`, ascending).
///   - gradient: g at the checkpoint, P entries, in the same parameter order.
///   - imbalance: δ_c = ‖g_{W₂}‖² − ‖g_{W₁}‖² at the checkpoint (its absolute value is used).
/// - Returns: k coefficients aligned with the columns; all 0 when g is orthogonal to
///   every column. Cost: one P × k matrix–vector product.
/// - Throws: `.theory`: `.lengthsDiffer(.projectedGradient, …)` when g does not have
///   P entries, `.notFinite(.projection)` for non-finite input.
public func projectedCoefficients(eigenvectors: Matrix, gradient: [Double], imbalance: Double) throws(EngineError)
    -> [Double]
{
    guard gradient.count == eigenvectors.rows else {
        throw .theory(.lengthsDiffer(.projectedGradient, gradient.count, eigenvectors.rows))
    }
    guard gradient.allSatisfy(\.isFinite), imbalance.isFinite, eigenvectors.isFinite else {
        throw .theory(.notFinite(.projection))
    }
    let g = Matrix(rows: 1, columns: gradient.count, storage: gradient)
    let projections = Matrix.product(.none, g, .none, eigenvectors).storage  // gᵀV: 1 × k
    let energy = projections.map { $0 * $0 }
    let total = TheoryMath.sum(energy)
    guard total > 0 else { return [Double](repeating: 0, count: energy.count) }
    let scale = abs(imbalance) / total
    return energy.map { $0 * scale }
}

/// c_k = 1/P for each of `count` modes (experiments.md §1.11 step 5).
/// - Throws: `.theory(.tooFew(.uniformModes, …))` when count < 1.
public func uniformCoefficients(count: Int) throws(EngineError) -> [Double] {
    guard count >= 1 else { throw .theory(.tooFew(.uniformModes, needed: 1, got: count)) }
    return [Double](repeating: 1 / Double(count), count: count)
}

/// The target the derived c_k measure the error against.
public enum DerivedTarget: Sendable, CaseIterable {
    /// The reference's (E20): Ŷ* = YᵀXU_x/n, the input–target cross-covariance in the
    /// data eigenbasis. It is not the least-squares optimum (§4).
    case crossCovariance
    /// The least-squares optimum of the end-to-end map in the data eigenbasis:
    /// column k of Ŷ* divided by λ_{x,k} (W* = YᵀX(XᵀX)⁻¹ in that basis). Data modes
    /// with λ_{x,k} ≤ 1e-12·λ_{x,max} get a zero target column.
    case leastSquares
}

/// The derived coefficients of the mode-coefficient theorem in the data eigenbasis.
public struct DerivedCoefficients: Sendable, Equatable {
    /// λ_{x,k} of Σ_x = XᵀX/n (uncentered), descending.
    public var dataEigenvalues: [Double]
    /// U_x: d × d, column k ↔ `dataEigenvalues[k]`.
    public var dataEigenvectors: Matrix
    /// e_k(0)² = ‖W_eff[:, k] − Ŷ*[:, k]‖².
    public var errors: [Double]
    /// c_k = e_k(0)²·λ_{x,k}², aligned with `dataEigenvalues`.
    public var coefficients: [Double]
    public var target: DerivedTarget
    /// The active fractions ā used in W_eff (nil for a linear network).
    public var activeFractions: [Double]?
}

/// The derived c_k = e_k(0)²·λ_{x,k}² of experiments.md E20 (linear) and E21 (ReLU).
///
/// Σ_x = XᵀX/n (uncentered) with eigenpairs (λ_{x,k}, U_x) sorted descending (LAPACK
/// `dsyevd`); Ŷ* = YᵀXU_x/n (K × d); W_eff = W₂·diag(ā)·W₁·U_x (K × d), with ā = 1
/// for a linear network or the active fractions for ReLU (E21; `activeFractions`);
/// e_k² = ‖W_eff[:, k] − target_k‖² with target_k = Ŷ*[:, k] (`.crossCovariance`, the
/// reference) or Ŷ*[:, k]/λ_{x,k} (`.leastSquares`).
///
/// With `.leastSquares` these are exact for a linear model trained by GD on the
/// quadratic loss ½·tr((W − W*)Σ_x(W − W*)ᵀ): its gradient energy decomposes as
/// Σ_k e_k(t)²λ_{x,k}² with e_k(t) = (1 − ηλ_{x,k})^t e_k(0).
/// - Parameters:
///   - inputs: X, n × d; targets: Y, n × K (one-hot for classification);
///   - firstLayer: W₁, m × d; secondLayer: W₂, K × m;
///   - activeFractions: ā, m values in [0, 1] (nil: all 1).
/// - Throws: `.theory`: `.lengthsDiffer` (`.targetRows`, `.firstLayerInputs`,
///   `.activeFractions`) or `.secondLayerShape` for inconsistent shapes,
///   `.empty(.derivedSamples)` for no samples, `.notFinite(.derivedInputs)` for
///   non-finite input; as `eigs` (`.curvature(.eigensolverFailed)`, `.outOfMemory`) if
///   the eigendecomposition fails.
public func derivedCoefficients(
    inputs: Matrix, targets: Matrix, firstLayer: Matrix, secondLayer: Matrix,
    activeFractions: [Double]? = nil,
    target: DerivedTarget = .crossCovariance
) throws(EngineError) -> DerivedCoefficients {
    let n = inputs.rows
    let d = inputs.columns
    let k = targets.columns
    let m = firstLayer.rows
    guard n >= 1 else { throw .theory(.empty(.derivedSamples)) }
    guard targets.rows == n else {
        throw .theory(.lengthsDiffer(.targetRows, targets.rows, n))
    }
    guard firstLayer.columns == d else {
        throw .theory(.lengthsDiffer(.firstLayerInputs, firstLayer.columns, d))
    }
    guard secondLayer.columns == m, secondLayer.rows == k else {
        throw .theory(
            .secondLayerShape(rows: secondLayer.rows, columns: secondLayer.columns, expectedRows: k, expectedColumns: m)
        )
    }
    if let a = activeFractions, a.count != m {
        throw .theory(.lengthsDiffer(.activeFractions, a.count, m))
    }
    guard inputs.isFinite, targets.isFinite, firstLayer.isFinite, secondLayer.isFinite,
        activeFractions?.allSatisfy(\.isFinite) ?? true
    else {
        throw .theory(.notFinite(.derivedInputs))
    }
    let (lambdas, u) = try descendingDataEigen(inputs)
    // Ŷ* = YᵀX U / n.
    var yx = Matrix.product(.transposed, targets, .none, inputs)
    yx.scale(by: 1 / Double(n))
    let yStar = Matrix.product(.none, yx, .none, u)
    // W_eff = W₂ diag(ā) W₁ U.
    var w1 = firstLayer
    if let a = activeFractions {
        for i in 0..<m { for j in 0..<d { w1[i, j] *= a[i] } }
    }
    let wEff = Matrix.product(.none, Matrix.product(.none, secondLayer, .none, w1), .none, u)
    let largest = lambdas.map(abs).max() ?? 0
    var errors = [Double]()
    var coefficients = [Double]()
    for col in 0..<d {
        let lambda = lambdas[col]
        var e2 = 0.0
        for row in 0..<k {
            var goal = yStar[row, col]
            if target == .leastSquares { goal = lambda > 1e-12 * largest ? goal / lambda : 0 }
            let diff = wEff[row, col] - goal
            e2 += diff * diff
        }
        errors.append(e2)
        coefficients.append(e2 * lambda * lambda)
    }
    return DerivedCoefficients(
        dataEigenvalues: lambdas, dataEigenvectors: u, errors: errors,
        coefficients: coefficients, target: target, activeFractions: activeFractions)
}

/// ā_j: the fraction of samples on which hidden unit j is active, (XW₁ᵀ)_ij > 0
/// (ReLU′(0) = 0, so a zero pre-activation is inactive), as E21 uses it.
/// - Throws: `.theory`: `.lengthsDiffer(.firstLayerInputs, …)` when W₁ does not take
///   X's d inputs, `.empty(.activeFractionSamples)` for no samples.
public func activeFractions(inputs: Matrix, firstLayer: Matrix) throws(EngineError) -> [Double] {
    guard inputs.rows >= 1 else { throw .theory(.empty(.activeFractionSamples)) }
    guard firstLayer.columns == inputs.columns else {
        throw .theory(.lengthsDiffer(.firstLayerInputs, firstLayer.columns, inputs.columns))
    }
    let z = Matrix.product(.none, inputs, .transposed, firstLayer)  // n × m
    var fractions = [Double](repeating: 0, count: z.columns)
    for i in 0..<z.rows { for j in 0..<z.columns where z[i, j] > 0 { fractions[j] += 1 } }
    return fractions.map { $0 / Double(z.rows) }
}

/// The first-layer gradient's energy in each data mode: ‖G₁·u_k‖² for the columns
/// u_k of `dataEigenvectors` (U_x, e.g. `DerivedCoefficients.dataEigenvectors`).
///
/// With an orthonormal U_x these sum to ‖G₁‖², an exact decomposition of (part of)
/// the same gradient energy the projected c_k distribute over Hessian modes, but
/// indexed by data mode k: the common basis in which projected and derived
/// coefficients can be compared mode by mode (`compareCoefficients`). For a linear
/// 2-layer net under the reference's MSE, G₁ = (2/K)·W₂ᵀ(W_eΣ_x − YᵀX/n), so
/// ‖G₁u_k‖² = (4/K²)·λ_{x,k}²·‖W₂ᵀ e_k‖² with e_k the `.leastSquares` error: e_k²λ_{x,k}²
/// up to W₂ᵀ (a multiple of it when W₂W₂ᵀ ∝ I, the balanced case of the theorem).
/// - Throws: `.theory(.lengthsDiffer(.dataModeGradient, …))` when G₁ (m × d) and
///   U_x (d × k) do not fit.
public func dataModeGradientEnergy(firstLayerGradient: Matrix, dataEigenvectors: Matrix) throws(EngineError) -> [Double]
{
    guard firstLayerGradient.columns == dataEigenvectors.rows else {
        throw .theory(.lengthsDiffer(.dataModeGradient, firstLayerGradient.columns, dataEigenvectors.rows))
    }
    let projected = Matrix.product(.none, firstLayerGradient, .none, dataEigenvectors)  // m × k
    var energy = [Double](repeating: 0, count: projected.columns)
    for i in 0..<projected.rows { for j in 0..<projected.columns { energy[j] += projected[i, j] * projected[i, j] } }
    return energy
}
