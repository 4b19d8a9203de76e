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

    /// The name the language uses for this activation, e.g. `interpolated(0.5)`.
    public var name: String {
        switch self {
        case .relu: "relu"
        case .linear: "linear"
        case .interpolated(let e): "interpolated(\(formatShort(e)))"
        case .leakyReLU(let a): "leaky_relu(\(formatShort(a)))"
        case .tanh: "tanh"
        case .gelu: "gelu"
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

    /// Writes σ(z) into `value` and σ′(z) into `slope` for every element of `z`
    /// (all three the same count). One pass, no allocation.
    public func apply(_ z: UnsafeBufferPointer<Double>, value out: UnsafeMutableBufferPointer<Double>,
                      slope: UnsafeMutableBufferPointer<Double>) {
        let n = z.count
        switch self {
        case .relu:
            for i in 0..<n {
                let x = z[i]
                if x > 0 { out[i] = x; slope[i] = 1 } else { out[i] = 0; slope[i] = 0 }
            }
        case .linear:
            for i in 0..<n { out[i] = z[i]; slope[i] = 1 }
        default:
            for i in 0..<n {
                out[i] = value(z[i])
                slope[i] = derivative(z[i])
            }
        }
    }
}

@inline(__always)
func standardNormalDensity(_ z: Double) -> Double { 0.3989422804014327 * exp(-0.5 * z * z) }

/// Shortest round-tripping text of a number, without a trailing ".0" for integers.
public func formatShort(_ x: Double) -> String {
    if x.isFinite, x == x.rounded(), abs(x) < 1e15 { return String(Int64(x)) }
    return "\(x)"
}
