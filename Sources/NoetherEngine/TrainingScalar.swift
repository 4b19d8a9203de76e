internal import COpenBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The floating-point type a training run computes in: `Double` (the default) or
/// `Float` (`train(…, precision="float32")`, the reference's PyTorch float32).
///
/// One implementation of the training step (`BackpropOf`, the loss, the activations,
/// `OptimizerStateOf`, the loop) is generic over it; the few operations that differ
/// dispatch here: the matrix product (`cblas_dgemm` and Noether's small-product
/// kernels for Double, `cblas_sgemm` for Float), axpy/scal, the softmax's exp and log.
/// Element-wise arithmetic is written once and specialized by the compiler, so the
/// Double path performs exactly the operations it did before it was generic.
///
/// Sums of squares (`DenseMatrix.squaredNorm`) are accumulated in Double for both,
/// from the stored values, so the conservation ledger of a float32 run measures float32's
/// own rounding of the update, not a rounding of its bookkeeping.
public protocol TrainingScalar: BinaryFloatingPoint, SIMDScalar, Sendable, Codable {
    /// C ← α·op(A)·op(B) + β·C (row-major, C m×n) on raw storage; m, n, k > 0.
    static func gemm(
        _ transA: Transpose, _ a: UnsafePointer<Self>, lda: Int,
        _ transB: Transpose, _ b: UnsafePointer<Self>, ldb: Int,
        _ c: UnsafeMutablePointer<Self>, ldc: Int, m: Int, n: Int, k: Int,
        alpha: Self, beta: Self)

    /// y ← y + α·x over n entries.
    static func axpy(_ n: Int, _ alpha: Self, _ x: UnsafePointer<Self>, _ y: UnsafeMutablePointer<Self>)

    /// x ← α·x over n entries.
    static func scal(_ n: Int, _ alpha: Self, _ x: UnsafeMutablePointer<Self>)

    /// x[i] ← exp(x[i]) for every entry.
    static func exponentiate(_ x: UnsafeMutableBufferPointer<Self>)

    /// The natural logarithm.
    static func logarithm(_ x: Self) -> Self

    /// Four lanes widened to Double (exactly: every Float is a Double).
    static func widened(_ x: SIMD4<Self>) -> SIMD4<Double>

    /// Z = A·Wᵀ with ReLU fused into the stores (`SmallProducts.productReLU`); false
    /// (nothing written) when no fused kernel takes the shape, always for Float.
    static func fusedProductReLU(
        _ a: DenseMatrix<Self>, _ w: DenseMatrix<Self>, into z: inout DenseMatrix<Self>,
        activations h: inout DenseMatrix<Self>
    ) -> Bool

    /// D = (G·W) ⊙ 1[H > 0] fused (`SmallProducts.productMasked`); false likewise.
    static func fusedProductMasked(
        _ g: DenseMatrix<Self>, _ w: DenseMatrix<Self>, into d: inout DenseMatrix<Self>,
        mask h: DenseMatrix<Self>
    ) -> Bool

    /// The whole forward and backward pass blocked over samples (`BlockedStep.swift`)
    /// when the workspace qualifies; nil (nothing written) otherwise, always for Float.
    static func evaluateBlocked(
        _ workspace: inout BackpropOf<Self>, _ parameters: ParameterSet<Self>, inputs: DenseMatrix<Self>,
        targets: DenseMatrix<Self>, labels: [Int]?, loss: Loss
    ) -> Double?
}

extension Double: TrainingScalar {

    @inline(__always)
    public static func gemm(
        _ transA: Transpose, _ a: UnsafePointer<Double>, lda: Int,
        _ transB: Transpose, _ b: UnsafePointer<Double>, ldb: Int,
        _ c: UnsafeMutablePointer<Double>, ldc: Int, m: Int, n: Int, k: Int,
        alpha: Double, beta: Double
    ) {
        gemmStrided(transA, a, lda: lda, transB, b, ldb: ldb, c, ldc: ldc, m: m, n: n, k: k, alpha: alpha, beta: beta)
    }

    @inline(__always)
    public static func axpy(_ n: Int, _ alpha: Double, _ x: UnsafePointer<Double>, _ y: UnsafeMutablePointer<Double>) {
        cblas_daxpy(blasint(n), alpha, x, 1, y, 1)
    }

    @inline(__always)
    public static func scal(_ n: Int, _ alpha: Double, _ x: UnsafeMutablePointer<Double>) {
        cblas_dscal(blasint(n), alpha, x, 1)
    }

    @inline(__always)
    public static func exponentiate(_ x: UnsafeMutableBufferPointer<Double>) { vectorExp(x) }

    @inline(__always)
    public static func logarithm(_ x: Double) -> Double { log(x) }

    @inline(__always)
    public static func widened(_ x: SIMD4<Double>) -> SIMD4<Double> { x }

    @inline(__always)
    public static func fusedProductReLU(
        _ a: Matrix, _ w: Matrix, into z: inout Matrix, activations h: inout Matrix
    ) -> Bool {
        SmallProducts.productReLU(a, w, into: &z, activations: &h)
    }

    @inline(__always)
    public static func fusedProductMasked(_ g: Matrix, _ w: Matrix, into d: inout Matrix, mask h: Matrix) -> Bool {
        SmallProducts.productMasked(g, w, into: &d, mask: h)
    }

    public static func evaluateBlocked(
        _ workspace: inout Backprop, _ parameters: Parameters, inputs: Matrix, targets: Matrix, labels: [Int]?,
        loss: Loss
    ) -> Double? {
        workspace.evaluateBlocked(parameters, inputs: inputs, targets: targets, labels: labels, loss: loss)
    }
}

extension Float: TrainingScalar {

    /// `cblas_sgemm` for every shape (Noether's small-product kernels are Double-only).
    /// With β = 0 the destination is zeroed first, so NaN in it never leaks (as for Double).
    public static func gemm(
        _ transA: Transpose, _ a: UnsafePointer<Float>, lda: Int,
        _ transB: Transpose, _ b: UnsafePointer<Float>, ldb: Int,
        _ c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int,
        alpha: Float, beta: Float
    ) {
        guard m > 0, n > 0, k > 0 else { return }
        var beta = beta
        if beta == 0 {
            for i in 0..<m { (c + i * ldc).update(repeating: 0, count: n) }
            beta = 1
        }
        cblas_sgemm(
            CblasRowMajor, transA.cblas, transB.cblas, blasint(m), blasint(n), blasint(k),
            alpha, a, blasint(lda), b, blasint(ldb), beta, c, blasint(ldc))
    }

    public static func axpy(_ n: Int, _ alpha: Float, _ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>) {
        cblas_saxpy(blasint(n), alpha, x, 1, y, 1)
    }

    public static func scal(_ n: Int, _ alpha: Float, _ x: UnsafeMutablePointer<Float>) {
        cblas_sscal(blasint(n), alpha, x, 1)
    }

    /// libm's `expf` entry by entry.
    public static func exponentiate(_ x: UnsafeMutableBufferPointer<Float>) {
        for i in 0..<x.count { x[i] = expf(x[i]) }
    }

    public static func logarithm(_ x: Float) -> Float { logf(x) }

    @inline(__always)
    public static func widened(_ x: SIMD4<Float>) -> SIMD4<Double> { SIMD4<Double>(x) }

    public static func fusedProductReLU(
        _ a: DenseMatrix<Float>, _ w: DenseMatrix<Float>, into z: inout DenseMatrix<Float>,
        activations h: inout DenseMatrix<Float>
    ) -> Bool { false }

    public static func fusedProductMasked(
        _ g: DenseMatrix<Float>, _ w: DenseMatrix<Float>, into d: inout DenseMatrix<Float>,
        mask h: DenseMatrix<Float>
    ) -> Bool { false }

    public static func evaluateBlocked(
        _ workspace: inout BackpropOf<Float>, _ parameters: ParameterSet<Float>, inputs: DenseMatrix<Float>,
        targets: DenseMatrix<Float>, labels: [Int]?, loss: Loss
    ) -> Double? { nil }
}

/// The precision of a training run's arithmetic.
public enum Precision: Sendable, Equatable, Hashable, CaseIterable {
    /// Double: every number of the step in IEEE binary64 (the default).
    case float64
    /// Float: forward, backward, update and weights in IEEE binary32; the ledger's
    /// sums still in Double.
    case float32
}
