#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Noether's own seedable random generator: **xoshiro256\*\*** (Blackman & Vigna,
/// 2018), its 256-bit state filled from the seed by **SplitMix64**.
///
/// Contract:
/// - The raw 64-bit stream for a seed is fixed forever and identical on every
///   machine (pure integer arithmetic).
/// - `uniform()` is `(next() >> 11) · 2⁻⁵³`, in [0, 1), exact.
/// - `normal()` is Box–Muller on two uniforms, returning the cosine branch only
///   (one normal per two uniforms, no cached state): `√(−2 ln(1−u₁)) · cos(2π u₂)`.
///   It uses the C library's `log`, `cos` and `sqrt`; glibc computes these to
///   within an ulp, so normals agree across glibc machines bit for bit.
/// - `permutation(n)` is a Fisher–Yates shuffle from the top, each swap index drawn
///   without bias by Lemire's multiply-and-reject method.
///
/// Not cryptographic. A value type: copying it forks the stream.
public struct RandomSource: RandomNumberGenerator, Sendable {
    private var s0: UInt64, s1: UInt64, s2: UInt64, s3: UInt64

    /// A generator whose whole stream is determined by `seed`.
    public init(seed: UInt64) {
        var sm = seed
        func splitMix() -> UInt64 {
            sm &+= 0x9E37_79B9_7F4A_7C15
            var z = sm
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        s0 = splitMix()
        s1 = splitMix()
        s2 = splitMix()
        s3 = splitMix()
    }

    /// A generator from a language-level seed (any integer; negative seeds wrap).
    public init(seed: Int) { self.init(seed: UInt64(bitPattern: Int64(seed))) }

    /// The next 64 raw bits.
    public mutating func next() -> UInt64 {
        let result = rotl(s1 &* 5, 7) &* 9
        let t = s1 << 17
        s2 ^= s0
        s3 ^= s1
        s1 ^= s2
        s0 ^= s3
        s2 ^= t
        s3 = rotl(s3, 45)
        return result
    }

    @inline(__always) private func rotl(_ x: UInt64, _ k: UInt64) -> UInt64 { (x << k) | (x >> (64 - k)) }

    /// Uniform in [0, 1) with 53 random bits.
    public mutating func uniform() -> Double { Double(next() >> 11) * 0x1.0p-53 }

    /// Uniform in [low, high).
    public mutating func uniform(_ low: Double, _ high: Double) -> Double { low + (high - low) * uniform() }

    /// Standard normal N(0, 1) by Box–Muller (cosine branch).
    public mutating func normal() -> Double {
        let u1 = uniform()
        let u2 = uniform()
        return (-2 * log(1 - u1)).squareRoot() * cos(2 * Double.pi * u2)
    }

    /// Uniform integer in 0..<bound, unbiased (Lemire's method).
    public mutating func integer(below bound: Int) -> Int {
        precondition(bound > 0, "bound must be positive")
        let b = UInt64(bound)
        var product = next().multipliedFullWidth(by: b)
        if product.low < b {
            let threshold = (0 &- b) % b
            while product.low < threshold { product = next().multipliedFullWidth(by: b) }
        }
        return Int(product.high)
    }

    /// A uniformly random permutation of 0..<n (Fisher–Yates from the top).
    public mutating func permutation(_ n: Int) -> [Int] {
        var p = Array(0..<n)
        if n < 2 { return p }
        for i in stride(from: n - 1, to: 0, by: -1) {
            let j = integer(below: i + 1)
            p.swapAt(i, j)
        }
        return p
    }
}
