internal import COpenBLAS
internal import CNoetherKernels

// Level-1/2 BLAS on flat arrays for the iterative eigensolvers. One internal wrapper
// per routine; pointers live inside one call.

/// xᵀy (`cblas_ddot`).
func blasDot(_ x: [Double], _ y: [Double]) -> Double {
    precondition(x.count == y.count, "dot of vectors of different lengths")
    return x.withUnsafeBufferPointer { px in
        y.withUnsafeBufferPointer { py in cblas_ddot(blasint(x.count), px.baseAddress, 1, py.baseAddress, 1) }
    }
}

/// ‖x‖₂ (`cblas_dnrm2`, overflow-safe).
func blasNorm(_ x: [Double]) -> Double {
    x.withUnsafeBufferPointer { px in cblas_dnrm2(blasint(x.count), px.baseAddress, 1) }
}

/// y ← y + α·x (`cblas_daxpy`).
func blasAxpy(_ alpha: Double, _ x: [Double], _ y: inout [Double]) {
    precondition(x.count == y.count, "axpy of vectors of different lengths")
    let n = blasint(x.count)
    x.withUnsafeBufferPointer { px in
        y.withUnsafeMutableBufferPointer { py in cblas_daxpy(n, alpha, px.baseAddress, 1, py.baseAddress, 1) }
    }
}

/// x ← α·x (`cblas_dscal`).
func blasScale(_ alpha: Double, _ x: inout [Double]) {
    let n = blasint(x.count)
    x.withUnsafeMutableBufferPointer { px in cblas_dscal(n, alpha, px.baseAddress, 1) }
}

/// y ← α·op(A[0..<rows, :])·x + β·y over the first `rows` rows of the row-major
/// `a` (`cblas_dgemv`). `.none`: y has `rows` entries, x has `a.columns`;
/// `.transposed`: y has `a.columns`, x has `rows`.
func blasGemv(
    _ trans: Transpose, _ a: Matrix, rows: Int, _ x: [Double], _ y: inout [Double],
    alpha: Double = 1, beta: Double = 0
) {
    let cols = a.columns
    precondition(rows <= a.rows, "gemv row count beyond the matrix")
    precondition(
        x.count >= (trans == .none ? cols : rows) && y.count >= (trans == .none ? rows : cols), "gemv vector sizes")
    if rows == 0 || cols == 0 {
        if beta == 0 { for i in 0..<y.count { y[i] = 0 } } else { blasScale(beta, &y) }
        return
    }
    a.storage.withUnsafeBufferPointer { pa in
        x.withUnsafeBufferPointer { px in
            y.withUnsafeMutableBufferPointer { py in
                cblas_dgemv(
                    CblasRowMajor, trans.cblas, blasint(rows), blasint(cols), alpha, pa.baseAddress,
                    blasint(Swift.max(cols, 1)), px.baseAddress, 1, beta, py.baseAddress, 1)
            }
        }
    }
}

/// A vector of n standard normals from `rng` (Box–Muller, in index order).
func normalVector(_ n: Int, _ rng: inout RandomSource) -> [Double] {
    (0..<n).map { _ in rng.normal() }
}

/// A Rademacher vector (±1 with probability ½ each) from `rng`: entry i is −1 when
/// the i-th uniform draw is below ½.
func rademacherVector(_ n: Int, _ rng: inout RandomSource) -> [Double] {
    (0..<n).map { _ in rng.uniform() < 0.5 ? -1 : 1 }
}

/// C ← α·op(A)·op(B) + β·C on raw row-major storage with explicit leading dimensions
/// (`cblas_dgemm`), for products on sub-blocks: op(A) is m × k, op(B) k × n, C m × n.
/// Every product of the engine goes through here (`Matrix.gemm` too). Small products
/// of the shapes where Noether's multi-versioned kernel measured faster than OpenBLAS
/// (`SmallProducts`) run that kernel instead of `cblas_dgemm`. The pointers must
/// come from `withUnsafe…BufferPointer` in the caller's scope. Nothing happens for
/// m, n or k = 0 (callers handle an empty inner dimension).
///
/// β = 0 clears C's m rows of n entries itself and accumulates with β = 1. OpenBLAS
/// 0.3.21 zeroes C for β = 0 in a scalar `dgemm_beta` pass that costs 2–3 µs on a
/// 200×64 output (a tenth of the training step); its kernel then adds α·op(A)op(B) to C
/// either way, so the result is bit-identical, and C's old contents (NaN included) are
/// ignored as BLAS defines.
func gemmStrided(
    _ transA: Transpose, _ a: UnsafePointer<Double>, lda: Int,
    _ transB: Transpose, _ b: UnsafePointer<Double>, ldb: Int,
    _ c: UnsafeMutablePointer<Double>, ldc: Int, m: Int, n: Int, k: Int,
    alpha: Double = 1, beta: Double = 0
) {
    guard m > 0, n > 0, k > 0 else { return }
    if alpha == 1 && beta == 0 && SmallProducts.enabled && SmallProducts.prefers(transA, transB, m: m, n: n, k: k)
        && noether_small_dgemm(
            transA == .none ? 0 : 1, transB == .none ? 0 : 1, m, n, k, a, lda, b, ldb, c, ldc) != 0
    {
        return
    }
    if alpha == 1 && beta == 0 && SmallProducts.enabled && SmallProducts.prefersXSMM(transA, transB, m: m, n: n, k: k)
        && SmallProducts.xsmm(transA, transB, m: m, n: n, k: k, a, lda: lda, b, ldb: ldb, c, ldc: ldc)
    {
        return
    }
    var beta = beta
    if beta == 0 {
        if ldc == n {
            c.update(repeating: 0, count: m * n)
        } else {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
        }
        beta = 1
    }
    cblas_dgemm(
        CblasRowMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
        alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
}

// Broadcast kernels over a block of B directions stored sample-major: row i·B + d of
// an (n·B) × m buffer belongs to sample i. Plain loops over raw pointers so the
// compiler vectorizes the inner dimension.

/// z[(i·B+d), j] ← t[(i·B+d), j] · s[i, j] + c[i, j] · z[(i·B+d), j]; with an empty `c`
/// the product alone, z[(i·B+d), j] ← t[(i·B+d), j] · s[i, j].
func broadcastCombine(
    _ t: [Double], _ s: [Double], _ c: [Double], into z: inout [Double],
    samples n: Int, directions b: Int, width m: Int
) {
    guard n > 0, b > 0, m > 0 else { return }
    let withC = !c.isEmpty
    t.withUnsafeBufferPointer { tp in
        s.withUnsafeBufferPointer { sp in
            c.withUnsafeBufferPointer { cp in
                z.withUnsafeMutableBufferPointer { zp in
                    let t0 = tp.baseAddress!
                    let s0 = sp.baseAddress!
                    let z0 = zp.baseAddress!
                    for i in 0..<n {
                        let sr = s0 + i &* m
                        for d in 0..<b {
                            let off = (i &* b &+ d) &* m
                            let tr = t0 + off
                            let zr = z0 + off
                            if withC {
                                let cr = cp.baseAddress! + i &* m
                                for j in 0..<m { zr[j] = tr[j] * sr[j] + cr[j] * zr[j] }
                            } else {
                                for j in 0..<m { zr[j] = tr[j] * sr[j] }
                            }
                        }
                    }
                }
            }
        }
    }
}
