import Foundation
import Testing
@testable import NoetherEngine

@Suite struct MatrixTests {
    /// A naive triple loop: the reference for every gemm shape.
    private func naiveProduct(_ a: [[Double]], _ b: [[Double]]) -> [[Double]] {
        let n = a.count
        let k = b.count
        let m = b.first?.count ?? 0
        var c = [[Double]](repeating: [Double](repeating: 0, count: m), count: n)
        for i in 0..<n { for j in 0..<m { for p in 0..<k { c[i][j] += a[i][p] * b[p][j] } } }
        return c
    }

    private func random(_ rows: Int, _ columns: Int, seed: Int) -> Matrix {
        var rng = RandomSource(seed: seed)
        var m = Matrix(rows: rows, columns: columns)
        for i in 0..<m.count { m.storage[i] = rng.uniform(-1, 1) }
        return m
    }

    private func nested(_ m: Matrix) -> [[Double]] { (0..<m.rows).map { m.row($0) } }

    @Test(arguments: [
        (Transpose.none, Transpose.none), (.transposed, .none), (.none, .transposed), (.transposed, .transposed),
    ])
    func gemmMatchesNaiveProductForEveryTransposition(ta: Transpose, tb: Transpose) {
        let a = random(ta == .none ? 5 : 7, ta == .none ? 7 : 5, seed: 1)
        let b = random(tb == .none ? 7 : 3, tb == .none ? 3 : 7, seed: 2)
        let aa = ta == .none ? a : a.transposed
        let bb = tb == .none ? b : b.transposed
        let expected = Matrix(naiveProduct(nested(aa), nested(bb)))
        let c = Matrix.product(ta, a, tb, b)
        #expect(c.maxAbsDifference(expected) < 1e-14)
    }

    @Test func gemmAccumulatesWithAlphaAndBeta() {
        let a = random(4, 3, seed: 3)
        let b = random(3, 2, seed: 4)
        var c = random(4, 2, seed: 5)
        let c0 = c
        Matrix.gemm(.none, a, .none, b, into: &c, alpha: 2, beta: -1)
        let ab = Matrix.product(.none, a, .none, b)
        for i in 0..<c.count { #expect(abs(c.storage[i] - (2 * ab.storage[i] - c0.storage[i])) < 1e-14) }
    }

    @Test func gemmOverwritesNaNWhenBetaIsZero() {
        let a = random(2, 2, seed: 6)
        var c = Matrix(rows: 2, columns: 2, repeating: .nan)
        Matrix.gemm(.none, a, .none, Matrix.identity(2), into: &c)
        #expect(c == a)
    }

    @Test func normsDotAndAxpy() {
        var a = Matrix([[1, 2], [3, 4]])
        #expect(a.squaredNorm == 30)
        #expect(a.dot(Matrix([[1, 0], [0, 1]])) == 5)
        a.add(Matrix([[1, 1], [1, 1]]), scaledBy: -1)
        #expect(a == Matrix([[0, 1], [2, 3]]))
        a.scale(by: 2)
        #expect(a == Matrix([[0, 2], [4, 6]]))
    }

    @Test func compensatedNormResolvesTinyChanges() {
        // 1e8 plus many tiny squares: plain summation would lose them.
        var m = Matrix(rows: 1, columns: 10_001)
        m.storage[0] = 1e4
        for i in 1...10_000 { m.storage[i] = 1e-4 }
        #expect(abs(m.squaredNorm - (1e8 + 10_000 * 1e-8)) < 1e-8)
    }

    /// The n×n tridiagonal Toeplitz matrix tridiag(−1, 2, −1) has eigenvalues
    /// 2 − 2cos(kπ/(n+1)), k = 1…n, and eigenvectors sin(jkπ/(n+1)).
    @Test func symmetricEigenMatchesTheClosedFormSpectrum() throws {
        let n = 40
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            a[i, i] = 2
            if i > 0 {
                a[i, i - 1] = -1
                a[i - 1, i] = -1
            }
        }
        let exact = (1...n).map { 2 - 2 * cos(Double($0) * Double.pi / Double(n + 1)) }.sorted()
        let eigen = try a.symmetricEigen(vectors: true)
        for (x, y) in zip(eigen.values, exact) { #expect(abs(x - y) < 1e-12) }
        // A·v = λ·v for every returned pair.
        let v = eigen.vectors!
        let av = Matrix.product(.none, a, .none, v)
        for j in 0..<n {
            for i in 0..<n { #expect(abs(av[i, j] - eigen.values[j] * v[i, j]) < 1e-12) }
        }
        // Selected eigenvalues by dsyevr agree, and so does the tridiagonal solver.
        let top = try a.symmetricEigen(indices: (n - 3)...(n - 1))
        for (x, y) in zip(top.values, exact.suffix(3)) { #expect(abs(x - y) < 1e-12) }
        let tri = try tridiagonalEigen(
            diagonal: [Double](repeating: 2, count: n), offDiagonal: [Double](repeating: -1, count: n - 1))
        for (x, y) in zip(tri.values, exact) { #expect(abs(x - y) < 1e-12) }
    }
}

@Suite struct SquaredNormTests {
    /// Exact reference: the squares summed as a non-overlapping expansion (a double-double
    /// accumulator is enough for these sizes), rounded once.
    private func reference(_ xs: [Double]) -> Double {
        var hi = 0.0
        var lo = 0.0
        for x in xs {
            let p = x * x
            let s = hi + p
            let bp = s - hi
            let e = (hi - (s - bp)) + (p - bp)
            hi = s
            lo += e
        }
        return hi + lo
    }

    @Test(arguments: [0, 1, 7, 8, 9, 15, 16, 17, 1280, 1601])
    func compensatedLanesAgreeWithTheExactSumWithinAnUlp(count: Int) {
        var rng = RandomSource(seed: count)
        var m = Matrix(rows: 1, columns: count)
        for i in 0..<count { m.storage[i] = rng.normal() * (i % 3 == 0 ? 1e3 : 1e-3) }
        let exact = reference(m.storage)
        #expect(abs(m.squaredNorm - exact) <= exact.ulp)
    }
}

@Suite struct TwoStageEigenTests {
    /// Above `twoStageThreshold`, eigenvalues alone come from dsyevd_2stage: they must
    /// agree with the one-stage dsyevd to rounding (checked on a smaller order, where the
    /// routine is called directly, to keep the suite fast).
    @Test func twoStageEigenvaluesAgreeWithDivideAndConquer() throws {
        let n = 437
        var rng = RandomSource(seed: 21)
        var b = Matrix(rows: n, columns: n)
        for i in 0..<b.count { b.storage[i] = rng.normal() }
        let a = Matrix.product(.transposed, b, .none, b)  // symmetric positive semi-definite
        let fast = try a.symmetricEigenvaluesTwoStage().values
        let reference = try a.symmetricEigen().values
        #expect(n < Matrix.twoStageThreshold)
        let scale = reference.last!
        for (x, y) in zip(fast, reference) { #expect(abs(x - y) <= 1e-12 * scale) }
        #expect(fast == fast.sorted())
    }
}
