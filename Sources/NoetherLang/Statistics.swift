#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reductions over Float64 values, in a fixed left-to-right order so the same data
/// gives the same bits everywhere. nan propagates through every one of them.
enum Statistics {
    /// Σ xᵢ, summed left to right (0 for no values).
    static func sum(_ xs: [Double]) -> Double {
        var s = 0.0
        for x in xs { s += x }
        return s
    }

    /// The mean and the population standard deviation √(Σ(xᵢ − x̄)²/(n − ddof)),
    /// two-pass (the mean first, then the squared deviations). nan for no values or
    /// when n ≤ ddof.
    static func meanAndStd(_ xs: [Double], ddof: Int = 0) -> (mean: Double, std: Double) {
        guard !xs.isEmpty else { return (.nan, .nan) }
        let mean = sum(xs) / Double(xs.count)
        guard xs.count > ddof else { return (mean, .nan) }
        var squares = 0.0
        for x in xs { squares += (x - mean) * (x - mean) }
        return (mean, (squares / Double(xs.count - ddof)).squareRoot())
    }

    /// The smallest value, nan when any value is nan, nil for no values.
    static func minimum(_ xs: [Double]) -> Double? {
        guard var m = xs.first else { return nil }
        for x in xs {
            if x.isNaN { return .nan }
            if x < m { m = x }
        }
        return m
    }

    /// The largest value, nan when any value is nan, nil for no values.
    static func maximum(_ xs: [Double]) -> Double? {
        guard var m = xs.first else { return nil }
        for x in xs {
            if x.isNaN { return .nan }
            if x > m { m = x }
        }
        return m
    }
}
