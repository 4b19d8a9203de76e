/// The cross-entropy spectral-compression bound of theory.md §5 at one θ, with the
/// true values beside it.
///
/// The CE Gauss–Newton matrix is G = (1/n) Jᵀ S J with per-sample blocks
/// S_i = diag(p_i) − p_i p_iᵀ, so λ_max(G) ≤ λ_max(JᵀJ/n) · max_i λ_max(S_i)
/// (`rigorousBound`, always true). The paper's bound replaces λ_max(S_i) by
/// q_i(1 − q_i), q_i the correct-class probability (`bound`). That is not a theorem
/// for every p: S_i's top eigenvalue can exceed q_i(1 − q_i) (for K = 2 it is
/// 2·q_i(1 − q_i)); it becomes accurate as q_i → 1, where every other p_ik ≤ 1 − q_i.
/// `paperBoundHolds` reports whether it held here. Neither bounds the full Hessian's
/// λ_max, which also has the residual term H − G; `hessianMax` shows it.
public struct CompressionBound: Sendable {
    /// λ_max(JᵀJ/n), J the (nK × P) output Jacobian.
    public var jacobianGramMax: Double
    /// max_i q_i(1 − q_i).
    public var maxConfidenceVariance: Double
    /// The paper's bound: jacobianGramMax · maxConfidenceVariance.
    public var bound: Double
    /// max_i λ_max(diag p_i − p_i p_iᵀ).
    public var outputCurvatureMax: Double
    /// jacobianGramMax · outputCurvatureMax ≥ λ_max(G).
    public var rigorousBound: Double
    /// λ_max of the CE Gauss–Newton matrix.
    public var gaussNewtonMax: Double
    /// λ_max of the full CE Hessian.
    public var hessianMax: Double
    /// q̄, min q_i, max q_i, mean q_i(1 − q_i).
    public var meanConfidence: Double
    public var minConfidence: Double
    public var maxConfidence: Double
    public var meanConfidenceVariance: Double
    /// The method that computed the three λ_max (`.dense` or `.lanczos`).
    public var method: SharpnessAlgorithm

    /// λ_max(G) ≤ bound, with a relative slack of 1e-9 for rounding.
    public var paperBoundHolds: Bool { gaussNewtonMax <= bound * (1 + 1e-9) + 1e-300 }
    /// λ_max(G) ≤ rigorousBound (rounding slack 1e-9).
    public var rigorousBoundHolds: Bool { gaussNewtonMax <= rigorousBound * (1 + 1e-9) + 1e-300 }
}

/// The cross-entropy compression bound (theory.md §5) of `network` on the
/// classification `data`: both factors, their product, the rigorous variant, and the
/// true λ_max of the CE Gauss–Newton matrix and Hessian. The three λ_max come from
/// `sharpness` with `method` (dense up to P = 2500 by default, else Lanczos) on the
/// JᵀJ/n, Gauss–Newton and Hessian workspaces. The loss is always pure cross-entropy.
/// `progress` sees the three computations as one task of 3000 units (1000 each);
/// returning false stops it with `EngineError.stopped`.
public func compressionBound(
    network: Network, data: Dataset, method: SharpnessMethod = .standard,
    seed: Int = 0, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> CompressionBound {
    guard let labels = data.labels else {
        throw .curvature(.boundNeedsLabels(dataset: data.name))
    }
    func phase(_ i: Int) -> CurvatureProgress? {
        progress.map { p in
            { done, total in p(1000 * i + (total > 0 ? 1000 * Swift.min(done, total) / total : 0), 3000) }
        }
    }
    var gram = try HVPWorkspace(network: network, data: data, loss: .crossEntropy, kind: .jacobianGram)
    let jj = try sharpness(&gram, method: method, seed: seed, availableBytes: availableBytes, progress: phase(0))
    var gn = try HVPWorkspace(network: network, data: data, loss: .crossEntropy, kind: .gaussNewton)
    let g = try sharpness(&gn, method: method, seed: seed, availableBytes: availableBytes, progress: phase(1))
    var hs = try HVPWorkspace(network: network, data: data, loss: .crossEntropy, kind: .hessian)
    let h = try sharpness(&hs, method: method, seed: seed, availableBytes: availableBytes, progress: phase(2))

    let p = hs.pass.probabilities
    let n = data.count
    let k = p.columns
    var qMean = 0.0
    var qMin = Double.infinity
    var qMax = -Double.infinity
    var varMax = 0.0
    var varMean = 0.0
    var curvatureMax = 0.0
    var s = Matrix(rows: k, columns: k)
    for i in 0..<n {
        let q = p[i, labels[i]]
        qMean += q
        qMin = Swift.min(qMin, q)
        qMax = Swift.max(qMax, q)
        varMax = Swift.max(varMax, q * (1 - q))
        varMean += q * (1 - q)
        for a in 0..<k {
            for b in 0..<k { s[a, b] = (a == b ? p[i, a] : 0) - p[i, a] * p[i, b] }
        }
        do {
            let top = try s.symmetricEigen(indices: (k - 1)...(k - 1)).values[0]
            curvatureMax = Swift.max(curvatureMax, top)
        } catch {
            throw .curvature(.eigensolverFailed(error))
        }
    }
    return CompressionBound(
        jacobianGramMax: jj.value, maxConfidenceVariance: varMax, bound: jj.value * varMax,
        outputCurvatureMax: curvatureMax, rigorousBound: jj.value * curvatureMax,
        gaussNewtonMax: g.value, hessianMax: h.value,
        meanConfidence: qMean / Double(n), minConfidence: qMin, maxConfidence: qMax,
        meanConfidenceVariance: varMean / Double(n), method: h.method)
}
