// The reductions the language's `sum`, `mean`, `std`, `min`, `max`, table grouping
// and plot error bars report, next to the compensated sum they share with the fits
// (Statistics.swift): one statistics module, so `mean()` at the prompt and a fit's
// seed means agree to the bit.

/// Σ values / n with the compensated sum (`compensatedSum`); NaN for no values.
/// The same bits as a fit's seed mean over the same values.
public func compensatedMean(_ values: [Double]) -> Double {
    values.isEmpty ? .nan : compensatedSum(values) / Double(values.count)
}

/// The mean and the standard deviation √(Σ(xᵢ − x̄)²/(n − ddof)), two-pass (the mean
/// first, then the squared deviations), both sums compensated, in input order.
/// ddof = 0 is the population standard deviation (NumPy's default), 1 the sample one.
/// NaN for no values; the standard deviation is NaN when n ≤ ddof. NaN and ±∞ propagate.
public func meanAndStandardDeviation(_ values: [Double], ddof: Int = 0) -> (mean: Double, standardDeviation: Double) {
    guard !values.isEmpty else { return (.nan, .nan) }
    let mean = compensatedSum(values) / Double(values.count)
    guard values.count > ddof else { return (mean, .nan) }
    let squares = compensatedSum(values.map { ($0 - mean) * ($0 - mean) })
    return (mean, (squares / Double(values.count - ddof)).squareRoot())
}

/// The smallest value; NaN when any value is NaN (unlike `Array.min()`, which skips
/// it depending on its position); nil for no values.
public func minimumPropagatingNaN(_ values: [Double]) -> Double? {
    guard var m = values.first else { return nil }
    for x in values {
        if x.isNaN { return .nan }
        if x < m { m = x }
    }
    return m
}

/// The largest value; NaN when any value is NaN; nil for no values.
public func maximumPropagatingNaN(_ values: [Double]) -> Double? {
    guard var m = values.first else { return nil }
    for x in values {
        if x.isNaN { return .nan }
        if x > m { m = x }
    }
    return m
}
