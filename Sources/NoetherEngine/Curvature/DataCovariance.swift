/// The d × d second-moment matrix of the inputs X (n × d):
/// uncentered Σ = XᵀX/n (the paper's Σ_x, experiments.md E20), or centered
/// (X − 1μᵀ)ᵀ(X − 1μᵀ)/n with μ the feature means (divided by n, not n − 1).
/// One gemm (2·n·d² flops); exactly symmetric (the lower triangle is mirrored).
public func dataCovariance(_ inputs: Matrix, centered: Bool = false) -> Matrix {
    let n = inputs.rows
    let d = inputs.columns
    var x = inputs
    if centered && n > 0 {
        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += x[i, j] } }
        for j in 0..<d { mean[j] /= Double(n) }
        for i in 0..<n { for j in 0..<d { x[i, j] -= mean[j] } }
    }
    var c = Matrix(rows: d, columns: d)
    Matrix.gemm(.transposed, x, .none, x, into: &c, alpha: n > 0 ? 1 / Double(n) : 0)
    for i in 0..<d { for j in 0..<i { c[j, i] = c[i, j] } }
    return c
}

/// Eigenvalues (ascending) and optionally eigenvectors of the data covariance
/// (`dataCovariance`), by LAPACK `dsyevd`. For the Gaussian mixture the uncentered
/// spectrum has K large eigenvalues (the centers) and d − K of order 1.
public func covarianceSpectrum(
    data: Dataset, centered: Bool = false, vectors: Bool = false,
    threshold: Double = 1e-8
) throws(EngineError) -> EigenDecomposition {
    guard data.count > 0 else { throw .curvature(.needsSamples(.covariance)) }
    return try eigsUnchecked(dataCovariance(data.inputs, centered: centered), .all, vectors, threshold)
}
