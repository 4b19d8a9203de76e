/// The scalar statistics a matrix value reports (`M.max_abs`, `M.frobenius`,
/// `M.trace`, `M.symmetry_error` …), computed in one pass over the entries plus one
/// over the upper triangle (`maxAsymmetry`).
public struct MatrixStatistics: Sendable, Equatable {
    /// max |a_ij|; NaN when an entry is not finite.
    public let maxAbs: Double
    /// ||A||_F = √(Σ a_ij²), the squares summed plainly in row-major order (not the
    /// compensated `squaredNorm`: the reported value has always been this one).
    public let frobenius: Double
    /// max over i < j of |a_ij − a_ji|; NaN when not square or an entry is not finite.
    public let symmetryError: Double
    /// Σ a_ii in order; NaN when not square.
    public let trace: Double
    /// The smallest and largest diagonal entry; NaN when not square or empty.
    public let diagonalMin: Double
    public let diagonalMax: Double

    /// The statistics of `matrix`. O(rows·columns); the symmetry check is
    /// `maxAsymmetry()`.
    public init(of matrix: Matrix) {
        let r = matrix.rows
        let c = matrix.columns
        var maxAbs = 0.0
        var sumSquares = 0.0
        var trace = 0.0
        var dMin = Double.infinity
        var dMax = -Double.infinity
        matrix.storage.withUnsafeBufferPointer { a in
            for x in a {
                maxAbs = Swift.max(maxAbs, abs(x))
                sumSquares += x * x
            }
            if r == c {
                for i in 0..<r {
                    let d = a[i * c + i]
                    trace += d
                    dMin = Swift.min(dMin, d)
                    dMax = Swift.max(dMax, d)
                }
            }
        }
        // NaN entries make max() skip them; report them as NaN statistics instead.
        let finite = matrix.isFinite
        let asymmetry = r == c ? matrix.maxAsymmetry() : 0
        self.maxAbs = finite ? maxAbs : .nan
        self.frobenius = sumSquares.squareRoot()
        self.symmetryError = r == c && finite ? asymmetry : .nan
        self.trace = r == c ? trace : .nan
        self.diagonalMin = r == c && r > 0 ? dMin : .nan
        self.diagonalMax = r == c && r > 0 ? dMax : .nan
    }
}

extension Matrix {
    /// max over i < j of |a_ij − a_ji| of this square matrix (0 for order ≤ 1), the
    /// measure of asymmetry `eigs` refuses on and `M.symmetry_error` reports. Walks the
    /// upper triangle against its mirror in 64×64 tiles for cache locality. Entries that
    /// are not finite give an unspecified value: callers check finiteness themselves.
    func maxAsymmetry() -> Double {
        precondition(rows == columns, "maxAsymmetry needs a square matrix")
        let n = rows
        var asymmetry = 0.0
        storage.withUnsafeBufferPointer { a in
            let tile = 64
            var i0 = 0
            while i0 < n {
                var j0 = i0
                while j0 < n {
                    for i in i0..<Swift.min(i0 + tile, n) {
                        let lo = Swift.max(j0, i + 1)
                        let hi = Swift.min(j0 + tile, n)
                        if lo >= hi { continue }
                        for j in lo..<hi { asymmetry = Swift.max(asymmetry, abs(a[i * n + j] - a[j * n + i])) }
                    }
                    j0 += tile
                }
                i0 += tile
            }
        }
        return asymmetry
    }
}
