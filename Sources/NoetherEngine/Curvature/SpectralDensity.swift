#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A spectral density estimate by stochastic Lanczos quadrature (SLQ; Ubaru, Chen &
/// Saad 2017; Ghorbani, Krishnan & Xiao 2019).
///
/// For each Rademacher probe z (±1 entries) the Lanczos process started at z/√P gives
/// Gauss quadrature nodes θ_j (Ritz values) and weights τ_j = (first component of the
/// j-th eigenvector of T_m)², Σ_j τ_j = 1, with vᵀ f(A) v ≈ Σ_j τ_j f(θ_j), exact for
/// polynomials of degree ≤ 2m − 1. Averaging over probes estimates the normalized
/// spectral measure (1/P) Σ_i δ(λ − λ_i); `density` is that measure broadened by a
/// Gaussian of standard deviation `sigma` and sampled on `grid` (it integrates to ≈ 1).
public struct SpectralDensity: Sendable {
    /// Quadrature nodes per probe (ascending).
    public var nodes: [[Double]]
    /// Quadrature weights per probe (each row sums to 1).
    public var weights: [[Double]]
    /// Evaluation points, evenly spaced from min θ − 5σ to max θ + 5σ.
    public var grid: [Double]
    /// φ(t) = (1/probes) Σ_probes Σ_j τ_j N(t; θ_j, σ²) at each grid point.
    public var density: [Double]
    public var sigma: Double
    public var steps: Int
    public var dimension: Int
    public var probes: Int { nodes.count }

    /// The defaults of `spectralDensity` (and of the `density` builtin): 10 probes of
    /// 60 Lanczos steps each, the density on 400 grid points.
    public static let standardProbes = 10
    public static let standardSteps = 60
    public static let standardGridPoints = 400

    /// The smallest and largest quadrature node over every probe (≈ λ_min, λ_max;
    /// nan without nodes).
    public var support: (lower: Double, upper: Double) {
        let all = nodes.flatMap { $0 }
        return (all.min() ?? .nan, all.max() ?? .nan)
    }

    /// The SLQ trace estimate P·mean over probes of Σ_j τ_j θ_j.
    public var traceEstimate: Double { Double(dimension) * moment(1) }

    /// The SLQ estimate of tr(A^k)/P: the mean over probes of Σ_j τ_j θ_j^k. Per probe
    /// it equals vᵀA^k v (v = z/√P) exactly for k ≤ 2m − 1 (Gauss quadrature), so its
    /// error is the Hutchinson error: variance 2·(‖A^k‖²_F − Σ_i (A^k)_ii²)/(P²·probes).
    public func moment(_ k: Int) -> Double {
        var total = 0.0
        for (theta, tau) in zip(nodes, weights) {
            for (t, w) in zip(theta, tau) { total += w * pow(t, Double(k)) }
        }
        return total / Double(Swift.max(probes, 1))
    }
}

/// The spectral density of a symmetric operator by stochastic Lanczos quadrature.
///
/// - `probes` Rademacher vectors from `RandomSource(seed:)` (entry −1 when a uniform
///   draw is below ½), drawn probe after probe;
/// - `steps` Lanczos steps each (capped at P), all probes advanced in lockstep so each
///   step applies the operator to the block of probes at once (one batched product);
/// - full reorthogonalization per probe when `reorthogonalize` (memory probes·m·P);
/// - Gaussian broadening `sigma` (default 1% of the node range), `gridPoints` points.
///
/// Cost: probes·m products (m block products of B = probes), O(probes·m²·P) for
/// reorthogonalization. LAPACK (`dstevr`) failures become `.eigensolverFailed`.
/// `progress` is told the Lanczos steps done (of m) after each block product; when
/// it returns false the estimate throws `EngineError.stopped`.
public func spectralDensity<Op: SymmetricOperator>(
    _ op: inout Op, probes: Int = SpectralDensity.standardProbes, steps: Int = SpectralDensity.standardSteps,
    gridPoints: Int = SpectralDensity.standardGridPoints,
    sigma: Double? = nil, seed: Int = 0,
    reorthogonalize: Bool = true,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> SpectralDensity {
    let n = op.dimension
    guard n > 0 else { throw .curvature(.emptyOperator(.density)) }
    guard probes >= 1 else { throw .outOfDomain(.probes, .atLeast(1), got: .integer(probes)) }
    guard steps >= 1 else { throw .outOfDomain(.quadratureSteps, .atLeast(1), got: .integer(steps)) }
    guard gridPoints >= 2 else { throw .outOfDomain(.gridPoints, .atLeast(2), got: .integer(gridPoints)) }
    if let sigma, !(sigma > 0) { throw .outOfDomain(.broadening, .positive, got: .number(sigma)) }
    let m = Swift.min(steps, n)
    var rng = RandomSource(seed: seed)
    var q = Matrix(rows: probes, columns: n)
    let inv = 1 / Double(n).squareRoot()
    for p in 0..<probes {
        let z = rademacherVector(n, &rng)
        for j in 0..<n { q[p, j] = z[j] * inv }
    }
    var previous = Matrix(rows: probes, columns: n)
    var w = Matrix(rows: probes, columns: n)
    var bases = (0..<probes).map { _ in Matrix(rows: reorthogonalize ? m : 0, columns: n) }
    var alpha = [[Double]](repeating: [], count: probes)
    var beta = [[Double]](repeating: [], count: probes)
    var betaPrevious = [Double](repeating: 0, count: probes)
    var done = [Bool](repeating: false, count: probes)
    var scale = [Double](repeating: 0, count: probes)
    var row = [Double](repeating: 0, count: n)
    var prev = [Double](repeating: 0, count: n)
    var cur = [Double](repeating: 0, count: n)
    var coefficients = [Double](repeating: 0, count: m)

    func copyRow(_ a: Matrix, _ r: Int, into v: inout [Double]) {
        a.storage.withUnsafeBufferPointer { s in
            v.withUnsafeMutableBufferPointer { d in for j in 0..<n { d[j] = s[r * n + j] } }
        }
    }
    func setRow(_ a: inout Matrix, _ r: Int, from v: [Double]) {
        a.storage.withUnsafeMutableBufferPointer { d in
            v.withUnsafeBufferPointer { s in for j in 0..<n { d[r * n + j] = s[j] } }
        }
    }

    for j in 0..<m {
        if reorthogonalize {
            for p in 0..<probes where !done[p] {
                copyRow(q, p, into: &cur)
                setRow(&bases[p], j, from: cur)
            }
        }
        op.apply(block: q, into: &w)
        try reportCurvatureProgress(progress, j + 1, m)
        for p in 0..<probes where !done[p] {
            copyRow(w, p, into: &row)
            copyRow(q, p, into: &cur)
            if betaPrevious[p] != 0 {
                copyRow(previous, p, into: &prev)
                blasAxpy(-betaPrevious[p], prev, &row)
            }
            let a = blasDot(cur, row)
            blasAxpy(-a, cur, &row)
            if reorthogonalize {
                for _ in 0..<2 {
                    blasGemv(.none, bases[p], rows: j + 1, row, &coefficients)
                    blasGemv(.transposed, bases[p], rows: j + 1, coefficients, &row, alpha: -1, beta: 1)
                }
            }
            alpha[p].append(a)
            var b = blasNorm(row)
            scale[p] = Swift.max(scale[p], abs(a) + b + betaPrevious[p])
            if j == m - 1 { continue }
            setRow(&previous, p, from: cur)
            if b <= 1e-12 * Swift.max(scale[p], Double.leastNormalMagnitude) {
                guard reorthogonalize else {
                    done[p] = true
                    for t in 0..<n { q[p, t] = 0 }
                    continue
                }
                var fresh = normalVector(n, &rng)
                for _ in 0..<2 {
                    blasGemv(.none, bases[p], rows: j + 1, fresh, &coefficients)
                    blasGemv(.transposed, bases[p], rows: j + 1, coefficients, &fresh, alpha: -1, beta: 1)
                }
                let fn = blasNorm(fresh)
                blasScale(fn > 0 ? 1 / fn : 0, &fresh)
                setRow(&q, p, from: fresh)
                b = 0
            } else {
                blasScale(1 / b, &row)
                setRow(&q, p, from: row)
            }
            beta[p].append(b)
            betaPrevious[p] = b
        }
    }

    var nodes = [[Double]]()
    var weights = [[Double]]()
    for p in 0..<probes {
        let k = alpha[p].count
        do {
            let e = try tridiagonalEigen(diagonal: alpha[p], offDiagonal: Array(beta[p].prefix(k - 1)), vectors: true)
            let s = e.vectors!
            nodes.append(e.values)
            weights.append((0..<e.values.count).map { s[0, $0] * s[0, $0] })
        } catch {
            throw .curvature(.eigensolverFailed(error))
        }
    }
    let all = nodes.flatMap { $0 }
    let lo = all.min()!
    let hi = all.max()!
    let width = sigma ?? (hi > lo ? 0.01 * (hi - lo) : 1e-3 * Swift.max(1, abs(hi)))
    let start = lo - 5 * width
    let end = hi + 5 * width
    let grid = (0..<gridPoints).map { start + (end - start) * Double($0) / Double(gridPoints - 1) }
    var density = [Double](repeating: 0, count: gridPoints)
    let norm = 1 / (width * (2 * Double.pi).squareRoot() * Double(probes))
    for (theta, tau) in zip(nodes, weights) {
        for (t, wt) in zip(theta, tau) where wt > 0 {
            for g in 0..<gridPoints {
                let u = (grid[g] - t) / width
                if abs(u) < 40 { density[g] += wt * exp(-0.5 * u * u) * norm }
            }
        }
    }
    return SpectralDensity(
        nodes: nodes, weights: weights, grid: grid, density: density, sigma: width, steps: m, dimension: n)
}

/// A Hutchinson trace estimate with its standard error.
public struct TraceEstimate: Sendable {
    /// (1/N) Σ_p z_pᵀ A z_p.
    public var estimate: Double
    /// Sample standard deviation (ddof = 1) of the N values over √N (NaN for N = 1).
    public var standardError: Double
    /// The N values z_pᵀ A z_p.
    public var samples: [Double]
    public var probes: Int { samples.count }

    /// The default number of probes of `hutchinsonTrace` (and of the `trace` builtin).
    public static let standardProbes = 30
}

/// Hutchinson's estimator of tr(A): N Rademacher probes z from `RandomSource(seed:)`
/// (the same draws as `spectralDensity` with that seed), E[zᵀAz] = tr(A) with variance
/// 2·(‖A‖²_F − Σ_i A_ii²) per probe. The probes are applied in blocks of up to 64
/// directions (batched products). Cost: N products. `progress` is told the probes
/// done (of N) after each block; when it returns false the estimate throws
/// `EngineError.stopped`.
public func hutchinsonTrace<Op: SymmetricOperator>(
    _ op: inout Op, probes: Int = TraceEstimate.standardProbes, seed: Int = 0,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> TraceEstimate {
    let n = op.dimension
    guard probes >= 1 else { throw .outOfDomain(.probes, .atLeast(1), got: .integer(probes)) }
    var rng = RandomSource(seed: seed)
    var samples = [Double]()
    samples.reserveCapacity(probes)
    var remaining = probes
    var out = Matrix(rows: 0, columns: 0)
    while remaining > 0 {
        let b = Swift.min(64, remaining)
        var z = Matrix(rows: b, columns: n)
        for p in 0..<b {
            let v = rademacherVector(n, &rng)
            for j in 0..<n { z[p, j] = v[j] }
        }
        op.apply(block: z, into: &out)
        for p in 0..<b {
            var s = 0.0
            for j in 0..<n { s += z[p, j] * out[p, j] }
            samples.append(s)
        }
        remaining -= b
        try reportCurvatureProgress(progress, probes - remaining, probes)
    }
    let mean = samples.reduce(0, +) / Double(probes)
    var se = Double.nan
    if probes > 1 {
        let v = samples.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(probes - 1)
        se = (v / Double(probes)).squareRoot()
    }
    return TraceEstimate(estimate: mean, standardError: se, samples: samples)
}
