internal import COpenBLAS

/// Whether an operand enters a product as stored or transposed.
public enum Transpose: Sendable {
    case none
    case transposed

    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
}

extension DenseMatrix {
    /// C ← α·op(A)·op(B) + β·C by `cblas_dgemm` (row-major; `cblas_sgemm` for Float,
    /// see `TrainingScalar.gemm`).
    ///
    /// `C` must already have the shape of the product; it is overwritten when β = 0
    /// (its previous contents are then ignored, NaN included). Never allocates when
    /// `C` is uniquely referenced. Cost: 2·m·n·k flops.
    public static func gemm(
        _ transA: Transpose = .none, _ a: DenseMatrix,
        _ transB: Transpose = .none, _ b: DenseMatrix,
        into c: inout DenseMatrix, alpha: Scalar = 1, beta: Scalar = 0
    ) {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        precondition(k == kb, "inner dimensions differ: \(m)×\(k) times \(kb)×\(n)")
        precondition(c.rows == m && c.columns == n, "destination is \(c.rows)×\(c.columns), product is \(m)×\(n)")
        if m == 0 || n == 0 { return }
        if k == 0 {
            if beta == 0 { c.fill(0) } else { c.scale(by: beta) }
            return
        }
        let lda = Swift.max(a.columns, 1)
        let ldb = Swift.max(b.columns, 1)
        let ldc = Swift.max(c.columns, 1)
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    Scalar.gemm(
                        transA, pa.baseAddress!, lda: lda, transB, pb.baseAddress!, ldb: ldb,
                        pc.baseAddress!, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
                }
            }
        }
    }

    /// op(A)·op(B) as a new matrix.
    public static func product(
        _ transA: Transpose = .none, _ a: DenseMatrix, _ transB: Transpose = .none, _ b: DenseMatrix
    ) -> DenseMatrix {
        let m = transA == .none ? a.rows : a.columns
        let n = transB == .none ? b.columns : b.rows
        var c = DenseMatrix(rows: m, columns: n)
        gemm(transA, a, transB, b, into: &c)
        return c
    }

    public static func * (lhs: DenseMatrix, rhs: DenseMatrix) -> DenseMatrix { product(.none, lhs, .none, rhs) }

    /// self ← self + α·X (`cblas_daxpy` / `cblas_saxpy`; shapes must match).
    public mutating func add(_ x: DenseMatrix, scaledBy alpha: Scalar = 1) {
        precondition(x.count == count, "shape mismatch in add")
        let n = count
        if n == 0 { return }
        x.storage.withUnsafeBufferPointer { px in
            storage.withUnsafeMutableBufferPointer { py in Scalar.axpy(n, alpha, px.baseAddress!, py.baseAddress!) }
        }
    }

    /// self ← α·self.
    public mutating func scale(by alpha: Scalar) {
        let n = count
        if n == 0 { return }
        storage.withUnsafeMutableBufferPointer { p in Scalar.scal(n, alpha, p.baseAddress!) }
    }
}

/// The number of threads OpenBLAS uses in this process.
public enum BLASThreads {
    public static var count: Int { Int(noether_openblas_threads()) }
    public static func set(_ n: Int) { noether_openblas_set_threads(Int32(n)) }
}
