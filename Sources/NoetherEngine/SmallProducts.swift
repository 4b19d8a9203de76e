internal import CNoetherKernels
internal import CXSMM

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Noether's own kernel for the small products of a training step (issue 13 §2):
/// `noether_small_dgemm` in CNoetherKernels, one C source compiled for AVX-512, AVX2
/// and SSE2 (`target_clones`), 4 × 16 register tiles, each entry summed over the inner
/// dimension in order. OpenBLAS pays a fixed cost per call (interface, packing, its
/// β pass) that is as large as the arithmetic of a 200 × 64 × 20 product.
///
/// Which shapes use it was measured per shape against OpenBLAS 0.3.21's SkylakeX
/// kernels on a Zen 4 (thread CPU time, best of 15 rounds of 2000 calls; see
/// docs/performance.md): NN products (∆·W: 4.1 → 2.8 µs at 200×64×5) and NT products
/// with at least 16 output columns (X·Wᵀ: 13.0 → 9.4 µs at 200×64×20; 10.7 → 7.4 µs
/// at 200×32×32) are faster; TN products (the weight gradients ∆ᵀ·A, long inner
/// dimension) and outputs narrower than 16 columns are not, and stay with OpenBLAS,
/// as do large products (dense Hessians, eigensolvers), where OpenBLAS's blocking wins.
/// `NOETHER_SMALL_KERNELS=0` turns Noether's C kernels off: every product then runs
/// cblas_dgemm, the ReLU passes run separately, and the softmax calls libm's exp.
public enum SmallProducts {
    /// Products up to this many multiply-adds (m·n·k) may use the kernel.
    public static let maximumWork = 1 << 19

    /// The environment variable that turns the kernels off when set to 0.
    public static let switchVariable = "NOETHER_SMALL_KERNELS"

    /// Whether the kernel is used in this process.
    public static let enabled: Bool = {
        guard let value = getenv(switchVariable) else { return true }
        return String(cString: value) != "0"
    }()

    /// The instruction sets Noether's C kernels are compiled for (`target_clones`).
    public enum InstructionSet: Sendable, Equatable, CaseIterable {
        case avx512f, avx2
        /// The baseline clone ("default" in C): SSE2.
        case sse2
    }

    /// The clone the kernels run here: the widest the CPU supports.
    public static var instructionSet: InstructionSet {
        switch String(cString: noether_kernel_isa()) {
        case "avx512f": .avx512f
        case "avx2": .avx2
        default: .sse2
        }
    }

    /// Whether a product of this shape runs Noether's kernel (when enabled).
    static func prefers(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> Bool {
        transA == .none && n >= 16 && m &* n &* k <= maximumWork
    }

    /// Whether a product of this shape runs libxsmm's JIT kernel (when enabled): the thin
    /// weight gradients of an output layer, ∂W = Gᵀ·A with K ≤ 8 rows (Aᵀ·B products with
    /// m ≤ 8). Measured per shape on the Zen 4 (thread CPU time, best of 15 rounds of
    /// 2000 calls; docs/performance.md): 5×64 from k = 200, 4.15 → 2.20 µs (OpenBLAS →
    /// libxsmm); 5×32, 1.54 → 1.09 µs; both with the same bits as OpenBLAS. Everywhere
    /// else libxsmm 1.17 was slower than OpenBLAS or Noether's fused kernels, within 4 %
    /// of the better one, or had no kernel (it generates no kernel for a transposed B).
    static func prefersXSMM(_ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int) -> Bool {
        transA == .transposed && transB == .none && m <= 8 && m &* n &* k <= maximumWork
    }

    /// op(A)·op(B) + β·C into C (β = 0 or 1) by libxsmm; false (nothing written) when it
    /// has no kernel.
    static func xsmm(
        _ transA: Transpose, _ transB: Transpose, m: Int, n: Int, k: Int, _ a: UnsafePointer<Double>, lda: Int,
        _ b: UnsafePointer<Double>, ldb: Int, _ c: UnsafeMutablePointer<Double>, ldc: Int, beta: Double = 0
    ) -> Bool {
        noether_xsmm_dgemm_beta(
            transA == .none ? 0 : 1, transB == .none ? 0 : 1, m, n, k, a, lda, b, ldb, beta, c, ldc) != 0
    }

    /// libxsmm as this process has it: its version and whether it generates (JIT)
    /// kernels on this machine.
    public struct XSMMState: Sendable, Equatable {
        /// libxsmm's version, as the library states it ("1.17").
        public let version: String
        /// Whether a kernel generated here computed a 1×1 product right.
        public let generatesKernels: Bool

        public init(version: String, generatesKernels: Bool) {
            self.version = version
            self.generatesKernels = generatesKernels
        }
    }

    /// libxsmm's version and whether it generates kernels here (tried on one product).
    public static var xsmmState: XSMMState {
        var a: [Double] = [1, 2]
        var c: [Double] = [0]
        let works = a.withUnsafeMutableBufferPointer { p in
            c.withUnsafeMutableBufferPointer { q in
                xsmm(
                    .transposed, .none, m: 1, n: 1, k: 2, p.baseAddress!, lda: 1, p.baseAddress!, ldb: 1,
                    q.baseAddress!, ldc: 1)
            }
        }
        return XSMMState(version: String(cString: noether_xsmm_version()), generatesKernels: works && c[0] == 5)
    }
}

extension SmallProducts {
    /// One kernel's C = op(A)·op(B) on raw row-major storage: (transA, transB, m, n, k,
    /// A, lda, B, ldb, C, ldc) → whether it took the product.
    typealias RawProduct = (
        Transpose, Transpose, Int, Int, Int, UnsafePointer<Double>, Int, UnsafePointer<Double>, Int,
        UnsafeMutablePointer<Double>, Int
    ) -> Bool

    /// op(A)·op(B) by `kernel` alone, whatever the shape rule says (for tests); nil when
    /// the kernel refuses it.
    private static func product(
        _ transA: Transpose, _ a: Matrix, _ transB: Transpose, _ b: Matrix, by kernel: RawProduct
    ) -> Matrix? {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let n = transB == .none ? b.columns : b.rows
        var c = Matrix(rows: m, columns: n, repeating: .nan)
        let done = a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    kernel(
                        transA, transB, m, n, k, pa.baseAddress!, Swift.max(a.columns, 1), pb.baseAddress!,
                        Swift.max(b.columns, 1), pc.baseAddress!, Swift.max(n, 1))
                }
            }
        }
        return done ? c : nil
    }

    /// op(A)·op(B) by Noether's kernel alone (for tests); nil when the product exceeds
    /// the kernel's scratch.
    static func product(_ transA: Transpose, _ a: Matrix, _ transB: Transpose, _ b: Matrix) -> Matrix? {
        product(transA, a, transB, b) { ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc in
            noether_small_dgemm(ta == .none ? 0 : 1, tb == .none ? 0 : 1, m, n, k, pa, lda, pb, ldb, pc, ldc) != 0
        }
    }

    /// op(A)·op(B) by libxsmm alone (for tests); nil when libxsmm has no kernel for it.
    static func xsmmProduct(_ transA: Transpose, _ a: Matrix, _ transB: Transpose, _ b: Matrix) -> Matrix? {
        product(transA, a, transB, b) { ta, tb, m, n, k, pa, lda, pb, ldb, pc, ldc in
            xsmm(ta, tb, m: m, n: n, k: k, pa, lda: lda, pb, ldb: ldb, pc, ldc: ldc)
        }
    }

    /// A·op(B) through the panel-major path (`noether_pack_panels` +
    /// `noether_small_dgemm_panels`, the blocked step's), for tests; nil when refused.
    static func panelProduct(_ a: Matrix, _ transB: Transpose, _ b: Matrix) -> Matrix? {
        let m = a.rows
        let k = a.columns
        let n = transB == .none ? b.columns : b.rows
        var panels = [Double](repeating: .nan, count: (n + 15) / 16 * 16 * k)
        var c = Matrix(rows: m, columns: n, repeating: .nan)
        let done = a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                panels.withUnsafeMutableBufferPointer { pp in
                    c.storage.withUnsafeMutableBufferPointer { pc in
                        noether_pack_panels(
                            pb.baseAddress!, Swift.max(b.columns, 1), k, n, transB == .none ? 0 : 1, pp.baseAddress!)
                        return noether_small_dgemm_panels(
                            m, n, k, pa.baseAddress!, Swift.max(k, 1), pp.baseAddress!, pc.baseAddress!,
                            Swift.max(n, 1), 0,
                            nil, nil)
                    }
                }
            }
        }
        return done != 0 ? c : nil
    }
}

extension SmallProducts {
    /// Z = A·Wᵀ and H = max(Z, 0) in one pass over Z (the ReLU fused into the product's
    /// stores), when the kernel takes this shape; false (nothing written) otherwise.
    /// Bit-identical to the product followed by `Activation.applyValue` for ReLU.
    static func productReLU(_ a: Matrix, _ w: Matrix, into z: inout Matrix, activations h: inout Matrix) -> Bool {
        let m = a.rows
        let k = a.columns
        let n = w.rows
        guard enabled, k > 0, prefers(.none, .transposed, m: m, n: n, k: k), z.rows == m, z.columns == n,
            h.count == z.count
        else { return false }
        return a.storage.withUnsafeBufferPointer { pa in
            w.storage.withUnsafeBufferPointer { pw in
                z.storage.withUnsafeMutableBufferPointer { pz in
                    h.storage.withUnsafeMutableBufferPointer { ph in
                        noether_small_dgemm_epilogue(
                            0, 1, m, n, k, pa.baseAddress!, k, pw.baseAddress!, k, pz.baseAddress!, n, 1,
                            ph.baseAddress!, nil) != 0
                    }
                }
            }
        }
    }

    /// D = (G·W) ⊙ 1[H > 0] (ReLU's σ′ from the activations, fused into the product's
    /// stores), when the kernel takes this shape; false (nothing written) otherwise.
    /// Bit-identical to the product followed by `multiplyByPositiveIndicator`.
    static func productMasked(_ g: Matrix, _ w: Matrix, into d: inout Matrix, mask h: Matrix) -> Bool {
        let m = g.rows
        let k = g.columns
        let n = w.columns
        guard enabled, k > 0, prefers(.none, .none, m: m, n: n, k: k), w.rows == k, d.rows == m, d.columns == n,
            h.count == d.count
        else { return false }
        return g.storage.withUnsafeBufferPointer { pg in
            w.storage.withUnsafeBufferPointer { pw in
                h.storage.withUnsafeBufferPointer { ph in
                    d.storage.withUnsafeMutableBufferPointer { pd in
                        noether_small_dgemm_epilogue(
                            0, 0, m, n, k, pg.baseAddress!, k, pw.baseAddress!, n, pd.baseAddress!, n, 2, nil,
                            ph.baseAddress!) != 0
                    }
                }
            }
        }
    }
}

/// x[i] ← exp(x[i]) for every entry: Noether's vectorized exp (`noether_exp`, within
/// 1 ulp of libm's; ≈ 0.8 µs for 1000 entries against ≈ 5 µs for libm's scalar calls
/// on the development machine), or libm's exp entry by entry with NOETHER_SMALL_KERNELS=0.
func vectorExp(_ x: UnsafeMutableBufferPointer<Double>) {
    guard let base = x.baseAddress, x.count > 0 else { return }
    if SmallProducts.enabled {
        noether_exp(base, base, x.count)
    } else {
        for i in 0..<x.count { base[i] = exp(base[i]) }
    }
}
