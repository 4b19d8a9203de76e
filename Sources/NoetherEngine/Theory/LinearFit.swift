// Ordinary least-squares fits: the line (experiments.md §1.8: α, β, τ against 1/η)
// and the quadratic whose leading coefficient is the log–log curvature (E19, E22).

/// An OLS line y ≈ intercept + slope·x with its quality and standard errors.
///
/// - `r2` = 1 − SS_res/SS_tot; NaN when every y is equal (SS_tot = 0; undefined).
/// - Standard errors assume independent, equal-variance residuals:
///   s² = SS_res/(n − 2), SE(slope) = s/√Sxx, SE(intercept) = s·√(1/n + x̄²/Sxx).
///   With n = 2 there is no residual degree of freedom and both are NaN.
public struct LinearFit: Sendable, Equatable {
    public var slope: Double
    public var intercept: Double
    public var r2: Double
    public var slopeStandardError: Double
    public var interceptStandardError: Double
    /// √(SS_res/(n − 2)); NaN for n = 2.
    public var residualStandardError: Double
    /// y_i − (intercept + slope·x_i), in input order.
    public var residuals: [Double]
    /// Number of points fitted.
    public var count: Int

    /// intercept + slope·x.
    public func predict(_ x: Double) -> Double { intercept + slope * x }

    /// The two-sided t-interval slope ± t_{n−2, (1+level)/2}·SE(slope); nil when n < 3
    /// (no residual degree of freedom) or `level` is not in (0, 1).
    public func slopeInterval(level: Double = 0.95) -> ClosedRange<Double>? {
        guard count >= 3, level > 0, level < 1, slopeStandardError.isFinite else { return nil }
        let t = TheoryMath.studentTQuantile((1 + level) / 2, Double(count - 2))
        return (slope - t * slopeStandardError)...(slope + t * slopeStandardError)
    }
}

/// The OLS line through the points (x_i, y_i).
///
/// Centered sums (x̄, ȳ first), so a large offset in x costs no accuracy; the slope
/// of exact linear data is recovered to a few ulps relative.
/// - Throws: `.theory`: `.lengthsDiffer(.lineFit, …)` for lists of different lengths,
///   `.tooFew(.linePoints, …)` for fewer than 2 points, `.notFinite(.lineFit)` for
///   non-finite values, `.noSpread(.line)` for x values that are all equal.
public func fitLinear(_ x: [Double], _ y: [Double]) throws(EngineError) -> LinearFit {
    guard x.count == y.count else {
        throw .theory(.lengthsDiffer(.lineFit, x.count, y.count))
    }
    guard x.count >= 2 else { throw .theory(.tooFew(.linePoints, needed: 2, got: x.count)) }
    guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.lineFit))
    }
    guard let fit = TheoryMath.line(x, y) else {
        throw .theory(.noSpread(.line))
    }
    return fit
}

/// A least-squares parabola y ≈ curvature·x² + linear·x + constant.
public struct QuadraticFit: Sendable, Equatable {
    /// The leading coefficient (E19/E22's "curvature" when x = ln η, y = ln D̄).
    public var curvature: Double
    public var linear: Double
    public var constant: Double
    /// 1 − SS_res/SS_tot (NaN when every y is equal).
    public var r2: Double
    /// y_i − ŷ_i, in input order.
    public var residuals: [Double]
    public var count: Int

    public func predict(_ x: Double) -> Double { (curvature * x + linear) * x + constant }
}

/// The least-squares parabola through (x_i, y_i) (`numpy.polyfit(x, y, 2)`).
///
/// Solved by Householder QR on the Vandermonde matrix of the centered and scaled
/// z = (x − x̄)/s (s = max|x − x̄|), then mapped back to powers of x; exact quadratic
/// data are recovered to ~1e-12 relative.
/// - Throws: `.theory`: `.lengthsDiffer(.quadraticFit, …)` for lists of different
///   lengths, `.notFinite(.quadraticFit)` for non-finite values,
///   `.tooFew(.quadraticDistinctX, …)` for fewer than 3 distinct x values,
///   `.singular(.quadraticFit)` when the least-squares system is singular.
public func fitQuadratic(_ x: [Double], _ y: [Double]) throws(EngineError) -> QuadraticFit {
    guard x.count == y.count else {
        throw .theory(.lengthsDiffer(.quadraticFit, x.count, y.count))
    }
    guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.quadraticFit))
    }
    guard Set(x).count >= 3 else {
        throw .theory(.tooFew(.quadraticDistinctX, needed: 3, got: Set(x).count))
    }
    guard let fit = TheoryMath.quadratic(x, y) else {
        throw .theory(.singular(.quadraticFit))
    }
    return fit
}

extension TheoryMath {
    /// OLS line of finite data; nil when n < 2 or x is constant.
    static func line(_ x: [Double], _ y: [Double]) -> LinearFit? {
        let n = x.count
        guard n >= 2, y.count == n else { return nil }
        let mx = compensatedMean(x)
        let my = compensatedMean(y)
        let sxx = sum(x.map { ($0 - mx) * ($0 - mx) })
        guard sxx > 0 else { return nil }
        let sxy = sum((0..<n).map { (x[$0] - mx) * (y[$0] - my) })
        let slope = sxy / sxx
        let intercept = my - slope * mx
        let residuals = (0..<n).map { y[$0] - (intercept + slope * x[$0]) }
        let ssRes = sum(residuals.map { $0 * $0 })
        let ssTot = sum(y.map { ($0 - my) * ($0 - my) })
        let r2 = ssTot > 0 ? 1 - ssRes / ssTot : Double.nan
        let s = n > 2 ? (ssRes / Double(n - 2)).squareRoot() : Double.nan
        return LinearFit(
            slope: slope, intercept: intercept, r2: r2,
            slopeStandardError: s / sxx.squareRoot(),
            interceptStandardError: s * (1 / Double(n) + mx * mx / sxx).squareRoot(),
            residualStandardError: s, residuals: residuals, count: n)
    }

    static func quadratic(_ x: [Double], _ y: [Double]) -> QuadraticFit? {
        let n = x.count
        let mx = compensatedMean(x)
        let s = x.map { abs($0 - mx) }.max() ?? 0
        guard s > 0 else { return nil }
        var design = [Double](repeating: 0, count: n * 3)
        for i in 0..<n {
            let z = (x[i] - mx) / s
            design[i * 3] = z * z
            design[i * 3 + 1] = z
            design[i * 3 + 2] = 1
        }
        guard let c = leastSquares(design, rows: n, columns: 3, y) else { return nil }
        // y = A z² + B z + C with z = (x − m)/s.
        let a = c[0] / (s * s)
        let b = c[1] / s - 2 * c[0] * mx / (s * s)
        let c0 = c[2] - c[1] * mx / s + c[0] * mx * mx / (s * s)
        let residuals = (0..<n).map { i -> Double in
            let z = (x[i] - mx) / s
            return y[i] - ((c[0] * z + c[1]) * z + c[2])
        }
        let my = compensatedMean(y)
        let ssRes = sum(residuals.map { $0 * $0 })
        let ssTot = sum(y.map { ($0 - my) * ($0 - my) })
        return QuadraticFit(
            curvature: a, linear: b, constant: c0,
            r2: ssTot > 0 ? 1 - ssRes / ssTot : .nan, residuals: residuals, count: n)
    }

    /// The least-squares solution of A x ≈ b for a row-major `rows × columns` A with
    /// rows ≥ columns, by Householder QR (no pivoting). Returns nil when A is
    /// numerically rank deficient (|R_jj| ≤ 1e-12·max_i |R_ii|) or rows < columns.
    static func leastSquares(_ a: [Double], rows m: Int, columns n: Int, _ b: [Double]) -> [Double]? {
        guard m >= n, n > 0, a.count == m * n, b.count == m else { return nil }
        // Column-major working copy.
        var q = [Double](repeating: 0, count: m * n)
        for i in 0..<m { for j in 0..<n { q[j * m + i] = a[i * n + j] } }
        var rhs = b
        var diagonal = [Double](repeating: 0, count: n)
        for j in 0..<n {
            var norm = 0.0
            for i in j..<m { norm += q[j * m + i] * q[j * m + i] }
            norm = norm.squareRoot()
            if norm == 0 {
                diagonal[j] = 0
                continue
            }
            let alpha = q[j * m + j] > 0 ? -norm : norm
            var v = [Double](repeating: 0, count: m - j)
            for i in j..<m { v[i - j] = q[j * m + i] }
            v[0] -= alpha
            let vv = v.reduce(0) { $0 + $1 * $1 }
            if vv > 0 {
                for k in j..<n {
                    var dot = 0.0
                    for i in j..<m { dot += v[i - j] * q[k * m + i] }
                    let f = 2 * dot / vv
                    for i in j..<m { q[k * m + i] -= f * v[i - j] }
                }
                var dot = 0.0
                for i in j..<m { dot += v[i - j] * rhs[i] }
                let f = 2 * dot / vv
                for i in j..<m { rhs[i] -= f * v[i - j] }
            }
            diagonal[j] = q[j * m + j]
        }
        let largest = diagonal.map(abs).max() ?? 0
        guard largest > 0, diagonal.allSatisfy({ abs($0) > 1e-12 * largest }) else { return nil }
        var x = [Double](repeating: 0, count: n)
        for j in stride(from: n - 1, through: 0, by: -1) {
            var s = rhs[j]
            for k in (j + 1)..<n { s -= q[k * m + j] * x[k] }
            x[j] = s / q[j * m + j]
        }
        return x
    }
}
