import Foundation
import Testing
@testable import NoetherEngine

/// The training step's fast paths give the same bits as the general ones.
@Suite struct StepKernelTests {
    private func random(_ rows: Int, _ columns: Int, seed: Int) -> Matrix {
        var rng = RandomSource(seed: seed)
        return Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.normal() })
    }

    /// β = 0 ignores whatever C held before (NaN included), as BLAS defines it, although
    /// `Matrix.gemm` clears C itself and accumulates with β = 1.
    @Test func gemmWithZeroBetaIgnoresPreviousContents() {
        let a = random(7, 5, seed: 1)
        let b = random(5, 3, seed: 2)
        var clean = Matrix(rows: 7, columns: 3)
        Matrix.gemm(.none, a, .none, b, into: &clean)
        var dirty = Matrix(rows: 7, columns: 3, repeating: .nan)
        dirty.storage[4] = .infinity
        Matrix.gemm(.none, a, .none, b, into: &dirty)
        #expect(dirty == clean)
        for i in 0..<7 {
            for j in 0..<3 {
                var s = 0.0
                for k in 0..<5 { s += a[i, k] * b[k, j] }
                #expect(abs(clean[i, j] - s) <= 1e-14)
            }
        }
        // β ≠ 0 still scales the previous contents.
        var scaled = Matrix(rows: 7, columns: 3, repeating: 1)
        Matrix.gemm(.none, a, .none, b, into: &scaled, beta: 2)
        for i in 0..<scaled.count { #expect(abs(scaled.storage[i] - (clean.storage[i] + 2)) <= 1e-14) }
    }

    /// On a strided sub-block, β = 0 clears exactly the block's m×n entries (NaN
    /// ignored) and leaves the rest of the storage alone.
    @Test func stridedGemmClearsOnlyItsBlock() {
        let a = random(3, 4, seed: 3)
        let b = random(4, 2, seed: 4)
        var exact = Matrix(rows: 3, columns: 2)
        Matrix.gemm(.none, a, .none, b, into: &exact)
        var big = Matrix(rows: 5, columns: 6, repeating: 7)
        for i in 1..<4 { for j in 2..<4 { big[i, j] = .nan } }
        big.storage.withUnsafeMutableBufferPointer { c in
            a.storage.withUnsafeBufferPointer { pa in
                b.storage.withUnsafeBufferPointer { pb in
                    gemmStrided(
                        .none, pa.baseAddress!, lda: 4, .none, pb.baseAddress!, ldb: 2,
                        c.baseAddress! + 1 * 6 + 2, ldc: 6, m: 3, n: 2, k: 4)
                }
            }
        }
        for i in 0..<5 {
            for j in 0..<6 {
                if (1..<4).contains(i) && (2..<4).contains(j) {
                    #expect(big[i, j] == exact[i - 1, j - 2])
                } else {
                    #expect(big[i, j] == 7)
                }
            }
        }
    }

    /// Without stored slopes (the training loop's setting) ReLU and linear networks get
    /// bit-identical gradients; other activations keep computing slopes.
    @Test(arguments: [Activation.relu, .linear, .tanh, .leakyReLU(0.1)])
    func gradientsWithoutStoredSlopesAreBitIdentical(_ activation: Activation) throws {
        let data = try gaussianMixture(n: 37, d: 6, classes: 3, separation: 1.5, seed: 4)
        let net = try Network.mlp(sizes: [6, 9, 7, 3], activation: activation, bias: false, seed: 5)
        for loss in [Loss.mse, .crossEntropy] {
            var withSlopes = Backprop(architecture: net.architecture, batchSize: data.count)
            var without = withSlopes
            without.keepsSlopes = false
            let l1 = withSlopes.evaluate(net.parameters, data: data, loss: loss)
            let l2 = without.evaluate(net.parameters, data: data, loss: loss)
            #expect(l1.bitPattern == l2.bitPattern)
            for (g1, g2) in zip(withSlopes.weightGradients, without.weightGradients) {
                #expect(g1.storage.map(\.bitPattern) == g2.storage.map(\.bitPattern))
            }
        }
    }

    /// Δ·1[A > 0] equals Δ·σ′(Z) for ReLU bit for bit, non-finite deltas included
    /// (∞·0 is NaN in both), for any count (four-lane body and scalar tail).
    @Test func positiveIndicatorMatchesStoredReLUSlopes() {
        var rng = RandomSource(seed: 8)
        for count in [0, 1, 3, 4, 5, 17] {
            let z = (0..<count).map { i in i % 5 == 0 ? 0 : rng.normal() }
            var delta = (0..<count).map { _ in rng.normal() }
            if count > 2 {
                delta[1] = .infinity
                delta[2] = .nan
            }
            var a = [Double](repeating: 0, count: count)
            var s = a
            z.withUnsafeBufferPointer { zp in
                a.withUnsafeMutableBufferPointer { ap in
                    s.withUnsafeMutableBufferPointer { sp in Activation.relu.apply(zp, value: ap, slope: sp) }
                }
            }
            var viaSlopes = delta
            var viaValues = delta
            viaSlopes.withUnsafeMutableBufferPointer { d in s.withUnsafeBufferPointer { multiplyElementwise(d, by: $0) }
            }
            viaValues.withUnsafeMutableBufferPointer { d in
                a.withUnsafeBufferPointer { multiplyByPositiveIndicator(d, of: $0) }
            }
            for (x, y) in zip(viaSlopes, viaValues) { #expect(x.bitPattern == y.bitPattern || (x.isNaN && y.isNaN)) }
            var valuesOnly = [Double](repeating: -1, count: count)
            z.withUnsafeBufferPointer { zp in
                valuesOnly.withUnsafeMutableBufferPointer { Activation.relu.applyValue(zp, value: $0) }
            }
            #expect(valuesOnly == a)
        }
    }
}
