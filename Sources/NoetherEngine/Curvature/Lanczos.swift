/// A symmetric linear map of ℝ^dimension known only through products, the interface
/// of the iterative eigensolvers (Lanczos, power iteration, SLQ, Hutchinson).
/// `HVPWorkspace` is one (Hessian, Gauss–Newton or JᵀJ/n products); `DenseOperator`
/// wraps an explicit symmetric matrix.
public protocol SymmetricOperator {
    var dimension: Int { get }
    /// out ← A·v; `out` has `dimension` entries on return.
    mutating func apply(_ v: [Double], into out: inout [Double])
    /// Row b of `out` (B × dimension) ← A·(row b of `directions`). The default applies
    /// the rows one by one; `HVPWorkspace` and `DenseOperator` use matrix products.
    mutating func apply(block directions: Matrix, into out: inout Matrix)
}

extension SymmetricOperator {
    public mutating func apply(block directions: Matrix, into out: inout Matrix) {
        let n = dimension
        if out.rows != directions.rows || out.columns != n { out.resize(rows: directions.rows, columns: n) }
        var y = [Double](repeating: 0, count: n)
        for b in 0..<directions.rows {
            apply(directions.row(b), into: &y)
            for j in 0..<n { out[b, j] = y[j] }
        }
    }
}

extension HVPWorkspace: SymmetricOperator {}

/// An explicit symmetric matrix as an operator (products by `cblas_dgemv`, 2·n² flops).
public struct DenseOperator: SymmetricOperator, Sendable {
    public let matrix: Matrix
    public private(set) var productCount = 0
    public init(_ matrix: Matrix) {
        precondition(matrix.rows == matrix.columns, "an operator needs a square matrix")
        self.matrix = matrix
    }
    public var dimension: Int { matrix.rows }
    public mutating func apply(_ v: [Double], into out: inout [Double]) {
        if out.count != dimension { out = [Double](repeating: 0, count: dimension) }
        blasGemv(.none, matrix, rows: matrix.rows, v, &out)
        productCount += 1
    }
    /// out = V·A (= (A·Vᵀ)ᵀ, A symmetric): one gemm.
    public mutating func apply(block directions: Matrix, into out: inout Matrix) {
        if out.rows != directions.rows || out.columns != dimension {
            out.resize(rows: directions.rows, columns: dimension)
        }
        Matrix.gemm(.none, directions, .none, matrix, into: &out)
        productCount += directions.rows
    }
}

/// A Ritz pair: an approximate eigenvalue θ, the bound ‖A y − θ y‖ on its residual
/// (exact arithmetic: = |β_m·s_m| from the tridiagonal matrix), and the unit Ritz
/// vector y when requested. |θ − λ| ≤ residual for some eigenvalue λ.
public struct RitzPair: Sendable, Equatable {
    public var value: Double
    public var residual: Double
    public var vector: [Double]?
}

/// Options of `lanczos`.
public struct LanczosOptions: Sendable, Equatable {
    /// Maximum Krylov dimension m (capped at the operator's dimension).
    public var steps: Int
    /// Number of Ritz pairs returned at each end.
    public var pairs: Int
    /// Full reorthogonalization (two classical Gram–Schmidt passes against every
    /// Lanczos vector, O(m·P) per step). Off: the plain three-term recurrence, which
    /// loses orthogonality and produces spurious copies of converged eigenvalues.
    public var reorthogonalize: Bool
    /// Stop early once the requested pairs at `which` end(s) have residual bounds
    /// ≤ tolerance · max|θ|; `nil` always runs `steps` steps.
    public var tolerance: Double?
    /// Never stop before this many steps (guards warm starts that begin on an
    /// eigenvector which is no longer the extreme one).
    public var minimumSteps: Int
    /// The end(s) whose convergence `tolerance` watches.
    public var which: End
    /// Compute the Ritz vectors of the returned pairs.
    public var vectors: Bool
    /// Seed of the random normal start vector (`RandomSource(seed:)`) and of restarts.
    public var seed: Int
    /// Start vector (normalized here), e.g. the previous top eigenvector (warm start).
    public var start: [Double]?

    public enum End: Sendable, Equatable { case top, bottom, both }

    public init(
        steps: Int = 80, pairs: Int = 1, reorthogonalize: Bool = true, tolerance: Double? = nil,
        minimumSteps: Int = 1, which: End = .both, vectors: Bool = false, seed: Int = 0, start: [Double]? = nil
    ) {
        self.steps = steps
        self.pairs = pairs
        self.reorthogonalize = reorthogonalize
        self.tolerance = tolerance
        self.minimumSteps = minimumSteps
        self.which = which
        self.vectors = vectors
        self.seed = seed
        self.start = start
    }
}

extension LanczosOptions {
    /// The settings of a one-off extreme-eigenvalue run (the `lanczos` builtin's
    /// defaults): at most 80 steps, the 5 extreme Ritz pairs at each end, full
    /// reorthogonalization, no early stop, no vectors, seed 0.
    public static let standard = LanczosOptions(steps: 80, pairs: 5)
}

/// The outcome of a Lanczos run.
public struct LanczosResult: Sendable {
    /// Krylov dimension m actually built.
    public var steps: Int
    /// Operator products used (= steps).
    public var products: Int
    /// The tridiagonal matrix T_m: α (m entries) and β (m − 1 entries; a zero marks a
    /// restart after an invariant subspace was found).
    public var diagonal: [Double]
    public var offDiagonal: [Double]
    /// All m Ritz values, ascending, with their residual bounds.
    public var ritzValues: [Double]
    public var residualBounds: [Double]
    /// The `pairs` largest Ritz pairs, largest first.
    public var top: [RitzPair]
    /// The `pairs` smallest Ritz pairs, smallest first.
    public var bottom: [RitzPair]
    /// Whether `tolerance` was met (false when no tolerance was given).
    public var converged: Bool
}

/// Extreme eigenpairs of a symmetric operator from products only (Lanczos with
/// optional full reorthogonalization).
///
/// Algorithm: q₁ = start/‖start‖ (or a random normal vector); for j = 1 … m:
/// w = A q_j − β_{j−1} q_{j−1}, α_j = q_jᵀ w, w ← w − α_j q_j, then (reorthogonalize)
/// w ← w − Q(Qᵀw) twice; β_j = ‖w‖, q_{j+1} = w/β_j. When β_j falls below
/// 1e-12·‖T‖ the Krylov space is invariant: with reorthogonalization the run
/// continues from a fresh random vector orthogonal to Q (β_j = 0 in T), otherwise
/// it stops. Ritz values are the eigenvalues of T_m by LAPACK `dstevr`
/// (`tridiagonalEigen`); Ritz vectors y = Q s.
///
/// Cost: m products, plus O(m·P) per step for reorthogonalization, memory m·P
/// doubles for Q (kept only when reorthogonalizing or returning vectors).
/// Accuracy: extreme eigenvalues converge first; each Ritz value lies within its
/// residual bound of a true eigenvalue. LAPACK failures become `.eigensolverFailed`.
///
/// `progress` is told the steps done (of at most m) after every product; when it
/// returns false the run throws `EngineError.stopped`.
public func lanczos<Op: SymmetricOperator>(
    _ op: inout Op, options: LanczosOptions = LanczosOptions(),
    progress: CurvatureProgress? = nil
) throws(EngineError) -> LanczosResult {
    let n = op.dimension
    guard n > 0 else { throw .curvature(.emptyOperator(.lanczos)) }
    guard options.steps >= 1 else { throw .outOfDomain(.lanczosSteps, .atLeast(1), got: .integer(options.steps)) }
    guard options.pairs >= 1 else { throw .outOfDomain(.ritzPairs, .atLeast(1), got: .integer(options.pairs)) }
    let m = Swift.min(options.steps, n)
    var rng = RandomSource(seed: options.seed)
    var q: [Double]
    if let start = options.start {
        guard start.count == n else {
            throw .curvature(.vectorLength(.startVector, entries: start.count, expected: n))
        }
        q = start
    } else {
        q = normalVector(n, &rng)
    }
    var qn = blasNorm(q)
    if !(qn > 0) || !qn.isFinite {
        q = normalVector(n, &rng)
        qn = blasNorm(q)
    }
    blasScale(1 / qn, &q)

    let keepBasis = options.reorthogonalize || options.vectors
    var basis = Matrix(rows: keepBasis ? m : 0, columns: n)
    var previous = [Double](repeating: 0, count: n)
    var w = [Double](repeating: 0, count: n)
    var coefficients = [Double](repeating: 0, count: m)
    var alpha = [Double]()
    var beta = [Double]()
    alpha.reserveCapacity(m)
    beta.reserveCapacity(m)
    var betaPrevious = 0.0
    var scale = 0.0
    var converged = false
    var lastBeta = 0.0

    func store(_ v: [Double], at row: Int, _ basis: inout Matrix) {
        basis.storage.withUnsafeMutableBufferPointer { b in
            v.withUnsafeBufferPointer { s in
                for i in 0..<n { b[row * n + i] = s[i] }
            }
        }
    }

    for j in 0..<m {
        if keepBasis { store(q, at: j, &basis) }
        op.apply(q, into: &w)
        try reportCurvatureProgress(progress, j + 1, m)
        if betaPrevious != 0 { blasAxpy(-betaPrevious, previous, &w) }
        let a = blasDot(q, w)
        blasAxpy(-a, q, &w)
        if options.reorthogonalize {
            for _ in 0..<2 {
                blasGemv(.none, basis, rows: j + 1, w, &coefficients)
                blasGemv(.transposed, basis, rows: j + 1, coefficients, &w, alpha: -1, beta: 1)
            }
        }
        alpha.append(a)
        var b = blasNorm(w)
        scale = Swift.max(scale, abs(a) + b + betaPrevious)
        lastBeta = b

        if let tol = options.tolerance, j + 1 >= Swift.max(options.minimumSteps, 1),
            j + 1 >= Swift.min(options.pairs, m)
        {
            let (values, bounds) = try ritzBounds(alpha, beta, lastBeta: b)
            if extremesConverged(values, bounds, pairs: options.pairs, which: options.which, tolerance: tol) {
                converged = true
                break
            }
        }
        if j == m - 1 { break }

        swap(&previous, &q)  // previous ← q_j
        if b <= 1e-12 * Swift.max(scale, Double.leastNormalMagnitude) {
            // Invariant subspace: restart orthogonally (or stop without a basis).
            guard options.reorthogonalize else { break }
            var fresh = normalVector(n, &rng)
            for _ in 0..<2 {
                blasGemv(.none, basis, rows: j + 1, fresh, &coefficients)
                blasGemv(.transposed, basis, rows: j + 1, coefficients, &fresh, alpha: -1, beta: 1)
            }
            let fn = blasNorm(fresh)
            guard fn > 0 else { break }
            blasScale(1 / fn, &fresh)
            q = fresh
            b = 0
        } else {
            swap(&q, &w)  // q ← w (w keeps a spare buffer; no allocation)
            blasScale(1 / b, &q)
        }
        beta.append(b)
        betaPrevious = b
    }

    let steps = alpha.count
    let eigen: SymmetricEigen
    do {
        eigen = try tridiagonalEigen(diagonal: alpha, offDiagonal: Array(beta.prefix(steps - 1)), vectors: true)
    } catch {
        throw .curvature(.eigensolverFailed(error))
    }
    let s = eigen.vectors!
    let values = eigen.values
    let bounds = (0..<values.count).map { abs(lastBeta * s[steps - 1, $0]) }
    let k = Swift.min(options.pairs, values.count)

    func pair(_ index: Int) -> RitzPair {
        var vector: [Double]?
        if options.vectors {
            var coeffs = [Double](repeating: 0, count: steps)
            for r in 0..<steps { coeffs[r] = s[r, index] }
            var y = [Double](repeating: 0, count: n)
            blasGemv(.transposed, basis, rows: steps, coeffs, &y)
            let yn = blasNorm(y)
            if yn > 0 { blasScale(1 / yn, &y) }
            vector = y
        }
        return RitzPair(value: values[index], residual: bounds[index], vector: vector)
    }
    let top = (0..<k).map { pair(values.count - 1 - $0) }
    let bottom = (0..<k).map { pair($0) }
    return LanczosResult(
        steps: steps, products: steps, diagonal: alpha, offDiagonal: Array(beta.prefix(steps - 1)),
        ritzValues: values, residualBounds: bounds, top: top, bottom: bottom,
        converged: converged)
}

/// Ritz values of T (α, β) and their residual bounds |β_last · s_{m,i}|.
private func ritzBounds(_ alpha: [Double], _ beta: [Double], lastBeta: Double) throws(EngineError) -> (
    [Double], [Double]
) {
    let m = alpha.count
    do {
        let e = try tridiagonalEigen(diagonal: alpha, offDiagonal: Array(beta.prefix(m - 1)), vectors: true)
        let s = e.vectors!
        return (e.values, (0..<e.values.count).map { abs(lastBeta * s[m - 1, $0]) })
    } catch {
        throw .curvature(.eigensolverFailed(error))
    }
}

private func extremesConverged(
    _ values: [Double], _ bounds: [Double], pairs: Int, which: LanczosOptions.End,
    tolerance: Double
) -> Bool {
    let c = values.count
    guard c >= pairs else { return false }
    let size = values.reduce(0) { Swift.max($0, abs($1)) }
    let limit = tolerance * Swift.max(size, Double.leastNormalMagnitude)
    var ok = true
    if which != .bottom { for i in 0..<pairs where bounds[c - 1 - i] > limit { ok = false } }
    if which != .top { for i in 0..<pairs where bounds[i] > limit { ok = false } }
    return ok
}

/// The outcome of power iteration.
public struct PowerIterationResult: Sendable {
    /// The reference code's number of iterations (experiments.md §1.10), the default
    /// of `powerIteration` and of the sharpness methods that use it.
    public static let referenceIterations = 30

    /// The Rayleigh quotient vᵀAv of the final unit vector.
    public var value: Double
    public var vector: [Double]
    public var iterations: Int
    /// Operator products used (iterations + 1).
    public var products: Int
}

/// Power iteration exactly as the reference code runs it (experiments.md §1.10):
/// v = a random normal vector (`RandomSource(seed:)`, or `start`), normalized; then
/// `iterations` times v ← Av/‖Av‖; returns the Rayleigh quotient vᵀAv.
///
/// It converges to the eigenvalue of largest |λ| (for a Hessian near a minimum, the
/// top positive one) at the rate |λ₂/λ₁| per iteration; there is no convergence
/// test. If Av = 0 the result is 0.
///
/// `progress` is told the products done (of iterations + 1) after each one; when it
/// returns false the iteration throws `EngineError.stopped`.
public func powerIteration<Op: SymmetricOperator>(
    _ op: inout Op, iterations: Int = PowerIterationResult.referenceIterations, seed: Int = 0,
    start: [Double]? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> PowerIterationResult {
    let n = op.dimension
    guard iterations >= 0 else { throw .outOfDomain(.powerIterations, .nonNegative, got: .integer(iterations)) }
    var v: [Double]
    if let start {
        guard start.count == n else {
            throw .curvature(.vectorLength(.startVector, entries: start.count, expected: n))
        }
        v = start
    } else {
        var rng = RandomSource(seed: seed)
        v = normalVector(n, &rng)
    }
    let vn = blasNorm(v)
    if vn > 0 { blasScale(1 / vn, &v) }
    var hv = [Double](repeating: 0, count: n)
    for i in 0..<iterations {
        op.apply(v, into: &hv)
        try reportCurvatureProgress(progress, i + 1, iterations + 1)
        let norm = blasNorm(hv)
        guard norm > 0 else {
            return PowerIterationResult(value: 0, vector: v, iterations: iterations, products: iterations + 1)
        }
        swap(&v, &hv)
        blasScale(1 / norm, &v)
    }
    op.apply(v, into: &hv)
    try reportCurvatureProgress(progress, iterations + 1, iterations + 1)
    return PowerIterationResult(value: blasDot(v, hv), vector: v, iterations: iterations, products: iterations + 1)
}
