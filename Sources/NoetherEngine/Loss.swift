#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A training loss over network outputs F (n×K) and targets, with the reference
/// normalization of experiments.md §1.4.
///
/// - `mse`: L = (1/(nK)) Σ_ik (F_ik − Y_ik)², no ½; G = 2(F − Y)/(nK); M_i = 2/(nK)·I.
/// - `crossEntropy`: L = (1/n) Σ_i [logsumexp(F_i) − F_{i,y_i}] by a stable
///   log-softmax; G_i = (p_i − e_{y_i})/n; M_i = (diag p_i − p_i p_iᵀ)/n.
/// - `interpolated(ε)`: (1 − ε)·MSE + ε·CE, with gradients and curvature mixed alike.
public enum Loss: Sendable, Equatable, Hashable {
    case mse
    case crossEntropy
    case interpolated(Double)

    /// Whether the loss needs class labels (cross-entropy in any proportion).
    public var needsLabels: Bool {
        switch self {
        case .mse: false
        case .crossEntropy: true
        case .interpolated(let e): e != 0
        }
    }

    private var weights: (mse: Double, ce: Double) {
        switch self {
        case .mse: (1, 0)
        case .crossEntropy: (0, 1)
        case .interpolated(let e): (1 - e, e)
        }
    }

    /// Computes the loss at outputs `f` and writes ∂L/∂F into `gradient` (same shape).
    /// When the loss has a cross-entropy part, the softmax probabilities are written
    /// into `probabilities` (n×K), which curvature products reuse. Never allocates.
    /// Generic over the precision: a float32 run computes the loss, its sums and the
    /// softmax in Float (libm's `expf`/`logf`); the value is returned as a Double.
    ///
    /// - Parameters:
    ///   - targets: n×K (one-hot for classification).
    ///   - labels: class of each sample; required when `needsLabels`.
    public func evaluate<S: TrainingScalar>(
        outputs f: DenseMatrix<S>, targets: DenseMatrix<S>, labels: [Int]?,
        gradient: inout DenseMatrix<S>, probabilities: inout DenseMatrix<S>
    ) -> Double {
        let n = f.rows
        let k = f.columns
        let wm = S(weights.mse)
        let wc = S(weights.ce)
        var total: S = 0
        f.storage.withUnsafeBufferPointer { fp in
            targets.storage.withUnsafeBufferPointer { yp in
                gradient.storage.withUnsafeMutableBufferPointer { gp in
                    probabilities.storage.withUnsafeMutableBufferPointer { pp in
                        if wm != 0 {
                            let scale = 1 / S(n * k)
                            var sum: S = 0
                            for i in 0..<(n * k) {
                                let r = fp[i] - yp[i]
                                sum += r * r
                                gp[i] = wm * 2 * r * scale
                            }
                            total += wm * sum * scale
                        } else {
                            for i in 0..<(n * k) { gp[i] = 0 }
                        }
                        if wc != 0, let labels {
                            let invN = 1 / S(n)
                            var sum: S = 0
                            // exp(F_ij − max_j F_ij) for all entries at once: Noether's
                            // vectorized exp (within 1 ulp of libm's), or libm's per entry.
                            for i in 0..<n {
                                let row = i * k
                                var mx = -S.infinity
                                for j in 0..<k { mx = Swift.max(mx, fp[row + j]) }
                                for j in 0..<k { pp[row + j] = fp[row + j] - mx }
                            }
                            S.exponentiate(UnsafeMutableBufferPointer(rebasing: pp[0..<(n * k)]))
                            for i in 0..<n {
                                let row = i * k
                                var mx = -S.infinity
                                for j in 0..<k { mx = Swift.max(mx, fp[row + j]) }
                                var z: S = 0
                                for j in 0..<k { z += pp[row + j] }
                                let logZ = mx + S.logarithm(z)
                                let invZ = 1 / z
                                for j in 0..<k { pp[row + j] *= invZ }
                                let y = labels[i]
                                sum += logZ - fp[row + y]
                                for j in 0..<k { gp[row + j] += wc * pp[row + j] * invN }
                                gp[row + y] -= wc * invN
                            }
                            total += wc * sum * invN
                        }
                    }
                }
            }
        }
        return Double(total)
    }

    /// dG = M·dF, the loss's output Hessian applied to a perturbation `dF` of the
    /// outputs, using the probabilities from the last `evaluate` (n×K each).
    /// MSE part: 2/(nK)·dF; CE part per sample: (p ⊙ dF − p·⟨p, dF⟩)/n.
    public func outputHessianProduct(_ df: Matrix, probabilities: Matrix, into dg: inout Matrix) {
        let n = df.rows
        let k = df.columns
        let (wm, wc) = weights
        df.storage.withUnsafeBufferPointer { dp in
            probabilities.storage.withUnsafeBufferPointer { pp in
                dg.storage.withUnsafeMutableBufferPointer { out in
                    let ms = wm * 2 / Double(n * k)
                    for i in 0..<(n * k) { out[i] = ms * dp[i] }
                    if wc != 0 {
                        let cs = wc / Double(n)
                        for i in 0..<n {
                            let row = i * k
                            var inner = 0.0
                            for j in 0..<k { inner += pp[row + j] * dp[row + j] }
                            for j in 0..<k { out[row + j] += cs * pp[row + j] * (dp[row + j] - inner) }
                        }
                    }
                }
            }
        }
    }
}
