import NoetherEngine

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reductions over Float64 values, in a fixed left-to-right order so the same data
/// gives the same bits everywhere. nan propagates through every one of them. Sums go
/// through the engine's compensated sum, so `mean()` at the prompt and a fit's seed
/// means agree to the bit.
enum Statistics {
    /// Σ xᵢ, compensated, in input order (0 for no values).
    static func sum(_ xs: [Double]) -> Double { compensatedSum(xs) }

    /// The mean and the population standard deviation √(Σ(xᵢ − x̄)²/(n − ddof)),
    /// two-pass (the mean first, then the squared deviations). nan for no values or
    /// when n ≤ ddof.
    static func meanAndStd(_ xs: [Double], ddof: Int = 0) -> (mean: Double, std: Double) {
        guard !xs.isEmpty else { return (.nan, .nan) }
        let mean = sum(xs) / Double(xs.count)
        guard xs.count > ddof else { return (mean, .nan) }
        let squares = sum(xs.map { ($0 - mean) * ($0 - mean) })
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
