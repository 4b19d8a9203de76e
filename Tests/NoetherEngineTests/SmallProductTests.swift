import Foundation
import Testing

@testable import NoetherEngine

/// Issue 13 §2: every product path (Noether's multi-versioned kernel, called directly
/// and through the shape rule of `Matrix.gemm`, and OpenBLAS) against a naive triple
/// loop in Float64, over random shapes: 1, odd sizes, sizes that are not a multiple of
/// the vector width or the 4 × 16 tile, every transpose combination.
@Suite struct SmallProductTests {
    private func random(_ rows: Int, _ columns: Int, _ rng: inout RandomSource) -> Matrix {
        Matrix(rows: rows, columns: columns, storage: (0..<(rows * columns)).map { _ in rng.normal() })
    }

    /// op(A)·op(B) by the textbook loop, and Σ|a·b| per entry for the error bound.
    private func naive(_ ta: Transpose, _ a: Matrix, _ tb: Transpose, _ b: Matrix) -> (Matrix, Matrix) {
        let m = ta == .none ? a.rows : a.columns
        let k = ta == .none ? a.columns : a.rows
        let n = tb == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n)
        var size = Matrix(rows: m, columns: n)
        for i in 0..<m {
            for j in 0..<n {
                var s = 0.0
                var t = 0.0
                for p in 0..<k {
                    let x = ta == .none ? a[i, p] : a[p, i]
                    let y = tb == .none ? b[p, j] : b[j, p]
                    s += x * y
                    t += abs(x * y)
                }
                c[i, j] = s
                size[i, j] = t
            }
        }
        return (c, size)
    }

    private func expectClose(_ c: Matrix, _ reference: (Matrix, Matrix), _ what: String) {
        #expect(c.rows == reference.0.rows && c.columns == reference.0.columns)
        for i in 0..<c.count {
            let err = abs(c.storage[i] - reference.0.storage[i])
            if !(err <= 1e-14 * reference.1.storage[i] + 1e-300) {
                Issue.record("\(what): entry \(i) off by \(err)")
                return
            }
        }
    }

    static let sizes = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 20, 31, 33, 64, 65]

    @Test func theKernelMatchesTheNaiveLoopOnRandomShapes() {
        var rng = RandomSource(seed: 2026)
        for trial in 0..<160 {
            let m = Self.sizes[Int(rng.uniform() * Double(Self.sizes.count))]
            let n = Self.sizes[Int(rng.uniform() * Double(Self.sizes.count))]
            let k = trial < 16 ? Self.sizes[trial] : Self.sizes[Int(rng.uniform() * Double(Self.sizes.count))]
            for ta in [Transpose.none, .transposed] {
                for tb in [Transpose.none, .transposed] {
                    let a = ta == .none ? random(m, k, &rng) : random(k, m, &rng)
                    let b = tb == .none ? random(k, n, &rng) : random(n, k, &rng)
                    let reference = naive(ta, a, tb, b)
                    let what = "\(m)×\(k)·\(k)×\(n) \(ta)/\(tb)"
                    guard let direct = SmallProducts.product(ta, a, tb, b) else {
                        Issue.record("kernel refused \(what)")
                        continue
                    }
                    expectClose(direct, reference, "kernel " + what)
                    // libxsmm: a kernel for NN and TN (it generates none with a transposed B),
                    // always for the shapes the rule gives it.
                    if let viaXSMM = SmallProducts.xsmmProduct(ta, a, tb, b) {
                        expectClose(viaXSMM, reference, "libxsmm " + what)
                    } else if tb == .none {
                        Issue.record("libxsmm refused \(what)")
                    }
                    if ta == .none {
                        if let panels = SmallProducts.panelProduct(a, tb, b) {
                            expectClose(panels, reference, "panel kernel " + what)
                        } else {
                            Issue.record("panel kernel refused \(what)")
                        }
                    }
                    expectClose(Matrix.product(ta, a, tb, b), reference, "gemm " + what)
                }
            }
        }
    }

    /// The step's shapes (n = 200, d = 20, m = 64, K = 5 and the deep 32-wide layers),
    /// through `Matrix.gemm` (which routes some to the kernel), into a C full of NaN.
    @Test func theTrainingStepsShapesMatchTheNaiveLoop() {
        var rng = RandomSource(seed: 13)
        let shapes: [(Transpose, Int, Int, Transpose, Int, Int)] = [
            (.none, 200, 20, .transposed, 64, 20), (.none, 200, 64, .transposed, 5, 64),
            (.transposed, 200, 5, .none, 200, 64), (.none, 200, 5, .none, 5, 64),
            (.transposed, 200, 64, .none, 200, 20), (.none, 200, 32, .transposed, 32, 32),
            (.none, 200, 32, .none, 32, 32), (.none, 1, 64, .transposed, 16, 64),
        ]
        for (ta, ar, ac, tb, br, bc) in shapes {
            let a = random(ar, ac, &rng)
            let b = random(br, bc, &rng)
            var c = Matrix(rows: ta == .none ? ar : ac, columns: tb == .none ? bc : br, repeating: .nan)
            Matrix.gemm(ta, a, tb, b, into: &c)
            expectClose(c, naive(ta, a, tb, b), "\(ar)×\(ac) \(ta) · \(br)×\(bc) \(tb)")
        }
    }

    /// libxsmm takes the thin weight gradients (Aᵀ·B with ≤ 8 output rows) with the same
    /// bits as OpenBLAS, and is active in this build. Its β = 1 accumulation (the blocked
    /// step's) adds each term to C in turn, so it agrees with OpenBLAS's C + Gᵀ·H only to
    /// rounding.
    @Test func libxsmmTakesTheThinWeightGradients() {
        #expect(SmallProducts.xsmmState.generatesKernels)
        #expect(SmallProducts.prefersXSMM(.transposed, .none, m: 5, n: 64, k: 200))
        #expect(!SmallProducts.prefersXSMM(.transposed, .none, m: 64, n: 20, k: 200))
        #expect(!SmallProducts.prefersXSMM(.none, .none, m: 5, n: 64, k: 200))
        var rng = RandomSource(seed: 21)
        for (k, m, n) in [(200, 5, 64), (200, 5, 32), (7, 1, 3), (33, 8, 17)] {
            let g = random(k, m, &rng)
            let h = random(k, n, &rng)
            let reference = naive(.transposed, g, .none, h)
            expectClose(Matrix.product(.transposed, g, .none, h), reference, "Gᵀ·H \(m)×\(n), \(k)")
            // β = 1 (the blocked step's accumulation): C₀ + Gᵀ·H.
            let c0 = random(m, n, &rng)
            var c = c0
            let done = g.storage.withUnsafeBufferPointer { pg in
                h.storage.withUnsafeBufferPointer { ph in
                    c.storage.withUnsafeMutableBufferPointer { pc in
                        SmallProducts.xsmm(
                            .transposed, .none, m: m, n: n, k: k, pg.baseAddress!, lda: m, ph.baseAddress!, ldb: n,
                            pc.baseAddress!, ldc: n, beta: 1)
                    }
                }
            }
            #expect(done)
            var expected = reference.0
            var size = reference.1
            for i in 0..<expected.count {
                expected.storage[i] += c0.storage[i]
                size.storage[i] += abs(c0.storage[i])
            }
            expectClose(c, (expected, size), "C₀ + Gᵀ·H \(m)×\(n), \(k)")
            // β = 0: the same bits as OpenBLAS (docs/performance.md). `Matrix.gemm` with
            // β = 1 takes neither small kernel, so on zeros it is cblas_dgemm's product.
            var openBLAS = Matrix(rows: m, columns: n)
            Matrix.gemm(.transposed, g, .none, h, into: &openBLAS, beta: 1)
            #expect(Matrix.product(.transposed, g, .none, h) == openBLAS, "Gᵀ·H \(m)×\(n), \(k) against OpenBLAS")
        }
    }

    /// Products too large for the kernel's scratch are refused (and `Matrix.gemm` then
    /// runs OpenBLAS), never computed wrong.
    @Test func tooLargeForTheScratchIsRefused() {
        var rng = RandomSource(seed: 5)
        let a = random(2, 2000, &rng)
        let b = random(2000, 16, &rng)
        #expect(SmallProducts.product(.none, a, .none, b) == nil)
        let wide = random(40, 2000, &rng)
        #expect(SmallProducts.product(.none, a, .transposed, wide) == nil)
        expectClose(Matrix.product(.none, a, .none, b), naive(.none, a, .none, b), "2×2000·2000×16")
    }

    /// The ReLU and its σ′ mask fused into the products' stores give the same bits as
    /// the product followed by the separate passes (2-layer and deep networks, MSE and
    /// CE, a NaN in the data so non-finite values take the fused path too).
    @Test func fusedElementwisePassesAreBitIdentical() throws {
        for (sizes, loss) in [([20, 64, 5], Loss.mse), ([20, 32, 32, 32, 5], .crossEntropy), ([7, 17, 33, 3], .mse)] {
            let data = try gaussianMixture(n: 61, d: sizes[0], classes: sizes.last!, separation: 2, seed: 4)
            let net = try Network.mlp(sizes: sizes, activation: .relu, bias: false, seed: 9)
            var fused = Backprop(architecture: net.architecture, batchSize: data.count)
            fused.keepsSlopes = false
            var plain = fused
            plain.fusesElementwise = false
            let a = fused.evaluate(net.parameters, data: data, loss: loss)
            let b = plain.evaluate(net.parameters, data: data, loss: loss)
            #expect(a.bitPattern == b.bitPattern)
            #expect(fused.activations == plain.activations)
            #expect(fused.preActivations == plain.preActivations)
            for l in 0..<sizes.count - 1 {
                #expect(
                    fused.weightGradients[l].storage.map(\.bitPattern)
                        == plain.weightGradients[l].storage.map(\.bitPattern))
            }
            // Non-finite inputs: NaN and infinity go through both paths alike.
            var inputs = data.inputs
            inputs.storage[3] = .nan
            inputs.storage[40] = .infinity
            fused.forward(net.parameters, inputs: inputs)
            plain.forward(net.parameters, inputs: inputs)
            #expect(fused.activations[0].storage.map(\.bitPattern) == plain.activations[0].storage.map(\.bitPattern))
        }
    }

    /// The softmax's vectorized exp: within 1 ulp of libm's over the range a softmax
    /// feeds it (and beyond), with libm's special values; lengths not a multiple of 8.
    @Test func vectorizedExpIsWithinOneUlpOfLibm() {
        var rng = RandomSource(seed: 77)
        var xs = (0..<4001).map { i in i % 2 == 0 ? rng.uniform(-40, 0) : rng.uniform(-750, 710) }
        xs += [.nan, .infinity, -.infinity, 0, -0.0, -745.13, -745.2, -708.5, -709.9, 709.7, 709.8, 1e-300, -1e-17]
        var ys = xs
        ys.withUnsafeMutableBufferPointer { vectorExp($0) }
        for (x, y) in zip(xs, ys) {
            let reference = Foundation.exp(x)
            if reference.isNaN {
                #expect(y.isNaN)
            } else if reference.isInfinite || reference == 0 {
                #expect(y == reference, "exp(\(x))")
            } else {
                let ulps = abs(Int64(bitPattern: y.bitPattern) - Int64(bitPattern: reference.bitPattern))
                #expect(ulps <= 1, "exp(\(x)) = \(y), libm \(reference)")
            }
        }
    }
}
