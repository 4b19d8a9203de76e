internal import COpenBLAS

/// The LAPACK routines the engine calls.
public enum LAPACKRoutine: Sendable, Equatable {
    case dsyevd, dsyevd2stage, dsyevr, dstevr
}

/// A LAPACK routine reported failure through its `info` argument: −i when its
/// argument i had an illegal value (an internal error), > 0 when the algorithm failed
/// to converge.
public struct LAPACKError: Error, Sendable, Equatable {
    public let routine: LAPACKRoutine
    public let info: Int

    public init(routine: LAPACKRoutine, info: Int) {
        self.routine = routine
        self.info = info
    }
}

/// Eigenvalues (ascending) and, optionally, the matching orthonormal eigenvectors.
public struct SymmetricEigen: Sendable {
    /// Eigenvalues in ascending order.
    public var values: [Double]
    /// Eigenvectors as the **columns** of an n×k matrix (column j ↔ values[j]), if requested.
    public var vectors: Matrix?
}

extension SymmetricEigen {
    /// The first `found` values of `w` and, when given, the first `found` columns of
    /// the column-major `rows`×found matrix `z` (what `dsyevr` and `dstevr` return).
    init(found: Int, of w: [Double], columnMajorVectors z: [Double]?, rows n: Int) {
        values = Array(w.prefix(found))
        vectors = z.map { z in
            var v = Matrix(rows: n, columns: found)
            for j in 0..<found { for i in 0..<n { v[i, j] = z[j * n + i] } }
            return v
        }
    }
}

extension Matrix {
    /// All eigenvalues (ascending) and optionally eigenvectors of a symmetric matrix,
    /// by LAPACK `dsyevd` (divide and conquer), reading the lower triangle (row-major
    /// upper ≡ column-major lower). Cost O(n³); workspace queried from LAPACK.
    ///
    /// Throws `LAPACKError` on non-convergence; never asserts on `info`.
    public func symmetricEigen(vectors wantVectors: Bool = false) throws(LAPACKError) -> SymmetricEigen {
        try divideAndConquer(vectors: wantVectors, twoStage: !wantVectors && rows >= Matrix.twoStageThreshold)
    }

    /// From this order on, eigenvalues alone use LAPACK's two-stage reduction
    /// (`dsyevd_2stage`): its band reduction is BLAS-3, where `dsyevd`'s tridiagonal
    /// reduction is half BLAS-2 and memory-bound. Measured on a quiet core with
    /// Debian's OpenBLAS 0.3.21 (random symmetric matrices, one thread): `dsyevd` is
    /// faster up to n = 1600 (n = 800: 49 vs 63 ms; n = 1600: 0.31–0.36 vs 0.36–0.45 s),
    /// the two-stage routine from about n = 2400 on (n = 3000: 1.93 vs 2.09 s).
    public static let twoStageThreshold = 2400

    /// All eigenvalues (ascending) of a symmetric matrix by LAPACK `dsyevd_2stage`
    /// (jobz = 'N'), reading the lower triangle, whatever the order. Same contract as
    /// `symmetricEigen()`, which picks it above `twoStageThreshold`.
    public func symmetricEigenvaluesTwoStage() throws(LAPACKError) -> SymmetricEigen {
        try divideAndConquer(vectors: false, twoStage: true)
    }

    /// `dsyevd`, or `dsyevd_2stage` (eigenvalues only): the two take the same arguments.
    private func divideAndConquer(vectors wantVectors: Bool, twoStage: Bool) throws(LAPACKError) -> SymmetricEigen {
        precondition(rows == columns, "eigen-decomposition needs a square matrix, got \(rows)×\(columns)")
        precondition(!(twoStage && wantVectors), "dsyevd_2stage computes eigenvalues only")
        let n = rows
        if n == 0 { return SymmetricEigen(values: [], vectors: wantVectors ? Matrix(rows: 0, columns: 0) : nil) }
        // Row-major A is column-major Aᵀ = A (symmetric): pass as is.
        var a = storage
        var w = [Double](repeating: 0, count: n)
        var jobz: CChar = wantVectors ? 86 /* V */ : 78 /* N */
        var uplo: CChar = 85 /* U */
        var nn = blasint(n)
        var lda = blasint(n)
        try callWithWorkspace(twoStage ? .dsyevd2stage : .dsyevd) { work, lwork, iwork, liwork, info in
            if twoStage {
                dsyevd_2stage_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
            } else {
                dsyevd_(&jobz, &uplo, &nn, &a, &lda, &w, &work, &lwork, &iwork, &liwork, &info, 1, 1)
            }
        }
        // `a` now holds eigenvectors as column-major columns = row-major rows: transpose.
        return SymmetricEigen(
            values: w, vectors: wantVectors ? Matrix(rows: n, columns: n, storage: a).transposed : nil)
    }

    /// Eigenvalues with indices `range` (0-based, ascending order) and optionally their
    /// eigenvectors, by LAPACK `dsyevr` (MRRR). Cheaper than `symmetricEigen` when only
    /// a few are needed.
    public func symmetricEigen(indices range: ClosedRange<Int>, vectors wantVectors: Bool = false) throws(LAPACKError)
        -> SymmetricEigen
    {
        precondition(rows == columns, "eigen-decomposition needs a square matrix")
        let n = rows
        precondition(range.lowerBound >= 0 && range.upperBound < n, "eigenvalue indices out of range")
        var a = storage
        var jobz: CChar = wantVectors ? 86 : 78
        var rangeChar: CChar = 73 /* I */
        var uplo: CChar = 85
        var nn = blasint(n)
        var lda = blasint(n)
        var vl = 0.0
        var vu = 0.0
        var il = blasint(range.lowerBound + 1)
        var iu = blasint(range.upperBound + 1)
        var abstol = 0.0
        var m: blasint = 0
        var w = [Double](repeating: 0, count: n)
        let k = range.count
        var z = [Double](repeating: 0, count: wantVectors ? n * k : 1)
        var ldz = blasint(wantVectors ? n : 1)
        var isuppz = [blasint](repeating: 0, count: 2 * Swift.max(k, 1))
        try callWithWorkspace(.dsyevr) { work, lwork, iwork, liwork, info in
            dsyevr_(
                &jobz, &rangeChar, &uplo, &nn, &a, &lda, &vl, &vu, &il, &iu, &abstol, &m, &w, &z, &ldz,
                &isuppz, &work, &lwork, &iwork, &liwork, &info, 1, 1, 1)
        }
        return SymmetricEigen(found: Int(m), of: w, columnMajorVectors: wantVectors ? z : nil, rows: n)
    }
}

/// Eigenvalues of the symmetric tridiagonal matrix with `diagonal` and `offDiagonal`,
/// by LAPACK `dstevr`; ascending, optionally with eigenvectors as columns.
public func tridiagonalEigen(diagonal: [Double], offDiagonal: [Double], vectors wantVectors: Bool = false)
    throws(LAPACKError) -> SymmetricEigen
{
    let n = diagonal.count
    precondition(offDiagonal.count == Swift.max(n - 1, 0), "off-diagonal must have n-1 entries")
    if n == 0 { return SymmetricEigen(values: [], vectors: nil) }
    var d = diagonal
    var e = offDiagonal + [0]
    var jobz: CChar = wantVectors ? 86 : 78
    var rangeChar: CChar = 65 /* A */
    var nn = blasint(n)
    var vl = 0.0
    var vu = 0.0
    var il: blasint = 1
    var iu = blasint(n)
    var abstol = 0.0
    var m: blasint = 0
    var w = [Double](repeating: 0, count: n)
    var z = [Double](repeating: 0, count: wantVectors ? n * n : 1)
    var ldz = blasint(wantVectors ? n : 1)
    var isuppz = [blasint](repeating: 0, count: 2 * n)
    try callWithWorkspace(.dstevr) { work, lwork, iwork, liwork, info in
        dstevr_(
            &jobz, &rangeChar, &nn, &d, &e, &vl, &vu, &il, &iu, &abstol, &m, &w, &z, &ldz, &isuppz,
            &work, &lwork, &iwork, &liwork, &info, 1, 1)
    }
    return SymmetricEigen(found: Int(m), of: w, columnMajorVectors: wantVectors ? z : nil, rows: n)
}

/// Runs a LAPACK routine with (work, lwork, iwork, liwork, info) arguments twice: first
/// as a workspace query (lwork = liwork = −1, sizes returned in work[0] and iwork[0]),
/// then with workspaces of the sizes it asked for. Throws on a non-zero `info` from
/// either call, naming `routine`.
func callWithWorkspace(
    _ routine: LAPACKRoutine,
    _ call: (
        _ work: inout [Double], _ lwork: inout blasint, _ iwork: inout [blasint],
        _ liwork: inout blasint, _ info: inout blasint
    ) -> Void
) throws(LAPACKError) {
    var work = [0.0]
    var iwork: [blasint] = [0]
    var lwork: blasint = -1
    var liwork: blasint = -1
    var info: blasint = 0
    call(&work, &lwork, &iwork, &liwork, &info)
    guard info == 0 else { throw LAPACKError(routine: routine, info: Int(info)) }
    lwork = Swift.max(blasint(work[0].rounded(.up)), 1)
    liwork = Swift.max(iwork[0], 1)
    work = [Double](repeating: 0, count: Int(lwork))
    iwork = [blasint](repeating: 0, count: Int(liwork))
    call(&work, &lwork, &iwork, &liwork, &info)
    guard info == 0 else { throw LAPACKError(routine: routine, info: Int(info)) }
}
