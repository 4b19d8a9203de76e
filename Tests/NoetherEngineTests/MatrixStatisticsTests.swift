import NoetherTestSupport
import Testing

@testable import NoetherEngine

@Suite struct MatrixStatisticsTests {
    /// Against a naive loop over every (i, j), on sizes around the 64×64 tile.
    @Test func matchANaiveLoop() {
        var rng = RandomSource(seed: 5)
        for n in [1, 2, 63, 64, 65, 130] {
            var m = Matrix(rows: n, columns: n)
            for i in 0..<n { for j in 0..<n { m[i, j] = rng.normal() } }
            let s = MatrixStatistics(of: m)
            var asymmetry = 0.0
            var trace = 0.0
            var largest = 0.0
            var squares = 0.0
            var diagonal = [Double]()
            for i in 0..<n {
                trace += m[i, i]
                diagonal.append(m[i, i])
                for j in 0..<n {
                    asymmetry = max(asymmetry, abs(m[i, j] - m[j, i]))
                    largest = max(largest, abs(m[i, j]))
                    squares += m[i, j] * m[i, j]
                }
            }
            #expect(s.symmetryError == asymmetry, "n = \(n)")
            #expect(s.trace == trace, "summed in the same order")
            #expect(s.maxAbs == largest)
            #expect(s.frobenius == squares.squareRoot(), "row-major plain sum")
            #expect(s.diagonalMin == diagonal.min() && s.diagonalMax == diagonal.max())
        }
    }

    @Test func notSquareOrNotFinite() {
        let wide = MatrixStatistics(of: Matrix([[1, 2, 3], [4, 5, 6]]))
        #expect(wide.symmetryError.isNaN && wide.trace.isNaN && wide.diagonalMin.isNaN && wide.diagonalMax.isNaN)
        #expect(wide.maxAbs == 6 && wide.frobenius == 91.0.squareRoot())
        let bad = MatrixStatistics(of: Matrix([[1, .nan], [3, 4]]))
        #expect(bad.maxAbs.isNaN && bad.symmetryError.isNaN && bad.frobenius.isNaN)
        #expect(bad.trace == 5)
        let empty = MatrixStatistics(of: Matrix(rows: 0, columns: 0))
        #expect(empty.trace == 0 && empty.diagonalMin.isNaN && empty.maxAbs == 0)
    }
}
