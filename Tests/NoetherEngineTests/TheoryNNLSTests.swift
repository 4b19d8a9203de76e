import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: non-negative least squares")
struct TheoryNNLSTests {
    typealias F = TheoryFixture

    @Test func interiorSolutionIsLeastSquares() throws {
        let a = F.randomMatrix(8, 3, seed: 5)
        let truth = [0.5, 2, 1.25]
        let r = try nonNegativeLeastSquares(a, F.matVec(a, truth))
        for (x, e) in zip(r.solution, truth) { #expect(isClose(x, e, 1e-12, atol: 1e-12)) }
        #expect(r.residualNorm < 1e-12 && r.active.isEmpty)
    }

    /// A = [1 1; 1 2; 1 3], b = (3, 2, 1): the unconstrained fit has slope −1, so the
    /// bound holds x₂ = 0 and x₁ is the mean of b, 2; w₂ = 1·1 + 2·0 + 3·(−1) = −2.
    @Test func activeConstraintByHand() throws {
        let r = try nonNegativeLeastSquares(Matrix([[1, 1], [1, 2], [1, 3]]), [3, 2, 1])
        #expect(isClose(r.solution[0], 2, atol: 1e-12) && r.solution[1] == 0 && r.active == [1])
        #expect(isClose(r.residualNorm, 2.0.squareRoot(), atol: 1e-12))
        #expect(isClose(r.dual[1], -2, atol: 1e-12) && abs(r.dual[0]) < 1e-12)
        let zero = try nonNegativeLeastSquares(.identity(2), [-1, -2])
        #expect(zero.solution == [0, 0] && zero.active == [0, 1] && zero.iterations == 0)
    }

    /// Against brute force over all 2^n passive sets, and the KKT conditions.
    @Test(arguments: [11, 12, 13, 14])
    func matchesBruteForce(seed: Int) throws {
        let m = 10
        let n = 6
        let a = F.randomMatrix(m, n, seed: seed)
        let b = F.normals(m, seed: seed + 100)
        let r = try nonNegativeLeastSquares(a, b)
        var best = Double.infinity
        for mask in 0..<(1 << n) {
            let cols = (0..<n).filter { mask & (1 << $0) != 0 }
            var x = [Double](repeating: 0, count: n)
            if !cols.isEmpty {
                // Normal equations on the subset (small and well conditioned here).
                var g = Matrix(rows: cols.count, columns: cols.count)
                var rhs = [Double](repeating: 0, count: cols.count)
                for (p, i) in cols.enumerated() {
                    for (q, j) in cols.enumerated() { g[p, q] = (0..<m).reduce(0.0) { $0 + a[$1, i] * a[$1, j] } }
                    rhs[p] = (0..<m).reduce(0.0) { $0 + a[$1, i] * b[$1] }
                }
                let e = try eigs(g, vectors: true)
                let v = e.vectors!
                var z = [Double](repeating: 0, count: cols.count)
                for k in 0..<cols.count {
                    let coef = (0..<cols.count).reduce(0.0) { $0 + v[$1, k] * rhs[$1] } / e.values[k]
                    for p in 0..<cols.count { z[p] += coef * v[p, k] }
                }
                if z.contains(where: { $0 < 0 }) { continue }
                for (p, i) in cols.enumerated() { x[i] = z[p] }
            }
            let res = F.squaredNorm(zip(F.matVec(a, x), b).map { $0 - $1 }).squareRoot()
            best = min(best, res)
        }
        #expect(isClose(r.residualNorm, best, 1e-10, atol: 1e-10))
        #expect(r.solution.allSatisfy { $0 >= 0 })
        for j in 0..<n {
            #expect(r.dual[j] <= 1e-10)
            if r.solution[j] > 0 { #expect(abs(r.dual[j]) < 1e-10) }
        }
    }

    @Test func refusals() {
        #expect(throws: EngineError.theory(.leastSquaresRightHandSides(rows: 2, columns: 2, rightHandSides: 1))) {
            try nonNegativeLeastSquares(.identity(2), [1])
        }
        #expect(throws: EngineError.theory(.notFinite(.leastSquares))) {
            try nonNegativeLeastSquares(Matrix([[1, .nan]]), [1])
        }
    }
}
