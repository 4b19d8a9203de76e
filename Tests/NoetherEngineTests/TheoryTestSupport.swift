import Foundation
import NoetherEngine

/// Helpers shared by the theory-toolkit suites.
enum TheoryFixture {
    static func normals(_ count: Int, seed: Int) -> [Double] {
        var rng = RandomSource(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    static func randomMatrix(_ rows: Int, _ columns: Int, seed: Int) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: normals(rows * columns, seed: seed))
    }

    /// A random orthogonal n × n matrix: the eigenvectors of a random symmetric matrix.
    static func orthogonal(_ n: Int, seed: Int) throws -> Matrix {
        let a = randomMatrix(n, n, seed: seed)
        var s = a
        s.add(a.transposed)
        return try eigs(s, vectors: true).vectors!
    }

    /// Q·diag(λ)·Qᵀ, exactly symmetrized.
    static func symmetric(eigenvalues: [Double], basis q: Matrix) -> Matrix {
        let n = eigenvalues.count
        var scaled = q
        for i in 0..<n { for j in 0..<n { scaled[i, j] *= eigenvalues[j] } }
        var h = Matrix.product(.none, scaled, .transposed, q)
        for i in 0..<n {
            for j in 0..<i {
                let v = 0.5 * (h[i, j] + h[j, i])
                h[i, j] = v
                h[j, i] = v
            }
        }
        return h
    }

    static func matVec(_ a: Matrix, _ v: [Double]) -> [Double] {
        (0..<a.rows).map { i in (0..<a.columns).reduce(0.0) { $0 + a[i, $1] * v[$1] } }
    }

    static func squaredNorm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 } }

    static func logspace(_ from: Double, _ to: Double, _ count: Int) -> [Double] {
        (0..<count).map { exp(log(from) + (log(to) - log(from)) * Double($0) / Double(count - 1)) }
    }
}
