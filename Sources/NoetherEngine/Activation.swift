#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An elementwise activation σ applied after every hidden layer (never after the output).
///
/// Conventions: every derivative at a kink takes the right-continuous value of
/// PyTorch's autograd at 0, i.e. ReLU′(0) = 0 and σ_ε′(0) = 1 − ε. σ″ is the exact
/// second derivative, 0 almost everywhere for the piecewise-linear family.
public enum Activation: Sendable, Equatable, Hashable {
    /// max(0, z).
    case relu
    /// The identity (a linear network).
    case linear
    /// σ_ε(z) = (1 − ε)·z + ε·max(0, z): ε = 0 linear, ε = 1 ReLU.
    case interpolated(Double)
    /// z for z > 0, a·z otherwise.
    case leakyReLU(Double)
    /// tanh(z); not homogeneous, so conservation does not hold.
    case tanh
    /// z·Φ(z) with Φ the standard normal CDF (exact, via erf); not homogeneous.
    case gelu

    /// Whether σ(a·z) = a·σ(z) for every a > 0, the condition for the conservation law.
    public var isPositivelyHomogeneous: Bool {
        switch self {
        case .relu, .linear, .interpolated, .leakyReLU: true
        case .tanh, .gelu: false
        }
    }

    @inline(__always)
    public func value(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? z : 0
        case .linear: return z
        case .interpolated(let e): return (1 - e) * z + (z > 0 ? e * z : 0)
        case .leakyReLU(let a): return z > 0 ? z : a * z
        case .tanh: return Glibc.tanh(z)
        case .gelu: return 0.5 * z * (1 + erf(z * 0.7071067811865476))
        }
    }

    @inline(__always)
    public func derivative(_ z: Double) -> Double {
        switch self {
        case .relu: return z > 0 ? 1 : 0
        case .linear: return 1
        case .interpolated(let e): return (1 - e) + (z > 0 ? e : 0)
        case .leakyReLU(let a): return z > 0 ? 1 : a
        case .tanh:
            let t = Glibc.tanh(z)
            return 1 - t * t
        case .gelu:
            return 0.5 * (1 + erf(z * 0.7071067811865476)) + z * standardNormalDensity(z)
        }
    }

    @inline(__always)
    public func secondDerivative(_ z: Double) -> Double {
        switch self {
        case .relu, .linear, .interpolated, .leakyReLU: return 0
        case .tanh:
            let t = Glibc.tanh(z)
            return -2 * t * (1 - t * t)
        case .gelu: return standardNormalDensity(z) * (2 - z * z)
        }
    }

    /// Whether σ′(z) is a function of σ(z) alone in the form `Backprop` uses without
    /// stored slopes: ReLU (σ′ = 1 exactly when σ(z) > 0) and linear (σ′ = 1).
    public var slopeFollowsFromValue: Bool {
        switch self {
        case .relu, .linear: true
        default: false
        }
    }

    /// Writes σ(z) into `value` (same count as `z`); no slopes. ReLU and linear only
    /// need this fast path; other activations take the scalar form (in Double, rounded
    /// to the buffer's precision for Float).
    func applyValue<S: TrainingScalar>(_ z: UnsafeBufferPointer<S>, value out: UnsafeMutableBufferPointer<S>) {
        let n = z.count
        switch self {
        case .relu:
            // A plain loop over raw pointers, which the compiler vectorizes for Double and
            // Float alike (generic SIMD masks do not lower to vector instructions).
            guard let zb = z.baseAddress, let ob = out.baseAddress else { return }
            for i in 0..<n { ob[i] = zb[i] > 0 ? zb[i] : 0 }
        case .linear:
            _ = out.update(fromContentsOf: z)
        default:
            for i in 0..<n { out[i] = S(value(Double(z[i]))) }
        }
    }

    /// Writes σ(z) into `value` and σ′(z) into `slope` for every element of `z`
    /// (all three the same count). One pass, no allocation.
    func apply<S: TrainingScalar>(
        _ z: UnsafeBufferPointer<S>, value out: UnsafeMutableBufferPointer<S>,
        slope: UnsafeMutableBufferPointer<S>
    ) {
        let n = z.count
        switch self {
        case .relu:
            // Branch-free selects in a plain loop the compiler vectorizes (NaN compares
            // false, so σ(NaN) = 0 as in the scalar form).
            guard let zb = z.baseAddress, let ob = out.baseAddress, let sb = slope.baseAddress else { return }
            for i in 0..<n {
                let x = zb[i]
                let positive = x > 0
                ob[i] = positive ? x : 0
                sb[i] = positive ? 1 : 0
            }
        case .linear:
            for i in 0..<n {
                out[i] = z[i]
                slope[i] = 1
            }
        default:
            for i in 0..<n {
                out[i] = S(value(Double(z[i])))
                slope[i] = S(derivative(Double(z[i])))
            }
        }
    }
}

@inline(__always)
func standardNormalDensity(_ z: Double) -> Double { 0.3989422804014327 * exp(-0.5 * z * z) }
