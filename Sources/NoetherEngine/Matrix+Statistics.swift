/// The scalar statistics a matrix value reports (`M.max_abs`, `M.frobenius`,
/// `M.trace`, `M.symmetry_error` …), computed in one pass over the entries plus one
/// over the upper triangle.
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

    /// The statistics of `matrix`. O(rows·columns); the symmetry check walks the
    /// upper triangle against its mirror in 64×64 tiles for cache locality.
    public init(of matrix: Matrix) {
        let r = matrix.rows
        let c = matrix.columns
        var maxAbs = 0.0
        var sumSquares = 0.0
        var asymmetry = 0.0
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
                let tile = 64
                var i0 = 0
                while i0 < r {
                    var j0 = i0
                    while j0 < c {
                        for i in i0..<Swift.min(i0 + tile, r) {
                            let lo = Swift.max(j0, i + 1)
                            let hi = Swift.min(j0 + tile, c)
                            if lo >= hi { continue }
                            for j in lo..<hi { asymmetry = Swift.max(asymmetry, abs(a[i * c + j] - a[j * c + i])) }
                        }
                        j0 += tile
                    }
                    i0 += tile
                }
            }
        }
        // NaN entries make max() skip them; report them as NaN statistics instead.
        let finite = matrix.isFinite
        self.maxAbs = finite ? maxAbs : .nan
        self.frobenius = sumSquares.squareRoot()
        self.symmetryError = r == c && finite ? asymmetry : .nan
        self.trace = r == c ? trace : .nan
        self.diagonalMin = r == c && r > 0 ? dMin : .nan
        self.diagonalMax = r == c && r > 0 ? dMax : .nan
    }
}
