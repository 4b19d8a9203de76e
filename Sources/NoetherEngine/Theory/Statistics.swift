import Foundation

// Descriptive statistics of experiments.md §1.8 (§3 item 19): Pearson's correlation
// and the trapezoid integral, computed as NumPy computes them (the mean and the
// population standard deviation are `compensatedMean` and `meanAndStandardDeviation`
// in Statistics+Reductions.swift), plus the Student-t quantile the fits need.

/// Σ values in input order with Neumaier's compensated summation (0 for none): the
/// one sum behind every mean and std Noether reports, at the prompt (`sum`, `mean`,
/// `std`) and in the fits (seed means), so they agree to the bit.
public func compensatedSum(_ values: [Double]) -> Double { TheoryMath.sum(values) }

/// Pearson's correlation coefficient of paired samples,
/// r = Σ(x − x̄)(y − ȳ) / sqrt(Σ(x − x̄)² Σ(y − ȳ)²), clamped to [−1, 1].
///
/// - Returns: NaN when either list is constant (the coefficient is undefined;
///   NumPy's `corrcoef` returns NaN there too).
/// - Throws: `.theory`: `.lengthsDiffer(.correlation, …)` for lists of different
///   lengths, `.tooFew(.correlationPairs, …)` for fewer than 2 pairs,
///   `.notFinite(.correlation)` for a non-finite entry (mask NaN rows first).
public func pearsonCorrelation(_ x: [Double], _ y: [Double]) throws(EngineError) -> Double {
    guard x.count == y.count else {
        throw .theory(.lengthsDiffer(.correlation, x.count, y.count))
    }
    guard x.count >= 2 else { throw .theory(.tooFew(.correlationPairs, needed: 2, got: x.count)) }
    guard x.allSatisfy(\.isFinite), y.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.correlation))
    }
    return TheoryMath.pearson(x, y)
}

/// ∫ y dx by the trapezoid rule (`numpy.trapz`): Σ_i (x_{i+1} − x_i)(y_i + y_{i+1})/2,
/// over the sample points `x`, or over equally spaced points `spacing` apart when `x`
/// is nil (E6b integrates Σ_l‖g_l‖² over steps with spacing 1).
///
/// Fewer than two points give 0. `x` need not be increasing (a decreasing `x` gives a
/// negative integral, as in NumPy). NaN propagate.
/// - Throws: `.theory(.lengthsDiffer(.trapezoid, …))` when `x` and `y` differ in length.
public func trapezoidIntegral(_ y: [Double], x: [Double]? = nil, spacing: Double = 1) throws(EngineError) -> Double {
    if let x, x.count != y.count {
        throw .theory(.lengthsDiffer(.trapezoid, x.count, y.count))
    }
    guard y.count >= 2 else { return 0 }
    var terms = [Double]()
    terms.reserveCapacity(y.count - 1)
    for i in 0..<(y.count - 1) {
        let width = x.map { $0[i + 1] - $0[i] } ?? spacing
        terms.append(width * (y[i] + y[i + 1]) / 2)
    }
    return TheoryMath.sum(terms)
}

/// The quantile function of Student's t distribution with `degreesOfFreedom` ν > 0:
/// the t with P(T ≤ t) = p. Computed by bisection on the CDF
/// F(t) = 1 − ½·I_{ν/(ν+t²)}(ν/2, ½) (t ≥ 0), with the regularized incomplete beta
/// function by its continued fraction (Lentz); absolute accuracy ~1e-10.
/// Examples: ν = 1, p = 0.975 → 12.7062; ν = 10 → 2.2281; ν → ∞ → 1.95996.
/// - Throws: `.theory(.quantileProbability)` unless 0 < p < 1,
///   `.theory(.degreesOfFreedom)` unless ν > 0 is finite.
public func studentTQuantile(_ p: Double, degreesOfFreedom nu: Double) throws(EngineError) -> Double {
    guard p > 0, p < 1 else { throw .theory(.quantileProbability(p)) }
    guard nu > 0, nu.isFinite else { throw .theory(.degreesOfFreedom(nu)) }
    return TheoryMath.studentTQuantile(p, nu)
}

/// Internal numerical helpers of the theory toolkit (a namespace, so that the names
/// stay out of the module's global scope).
enum TheoryMath {
    /// Neumaier-compensated sum in input order; ±inf and nan propagate as in a plain sum.
    static func sum(_ values: [Double]) -> Double {
        var s = 0.0
        var c = 0.0
        for v in values {
            let t = s + v
            if abs(s) >= abs(v) { c += (s - t) + v } else { c += (v - t) + s }
            s = t
        }
        // An infinity (or an overflow) makes the correction nan: the plain sum is then
        // the IEEE answer (inf, -inf, or nan for inf − inf).
        return s.isFinite ? s + c : s
    }

    /// Pearson r of finite paired lists (count ≥ 2 checked by callers); NaN when a list
    /// is constant or the lists are too short.
    static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        guard x.count == y.count, x.count >= 2 else { return .nan }
        let mx = compensatedMean(x)
        let my = compensatedMean(y)
        var sxy = [Double]()
        var sxx = [Double]()
        var syy = [Double]()
        for i in 0..<x.count {
            let dx = x[i] - mx
            let dy = y[i] - my
            sxy.append(dx * dy)
            sxx.append(dx * dx)
            syy.append(dy * dy)
        }
        let a = sum(sxx)
        let b = sum(syy)
        guard a > 0, b > 0 else { return .nan }
        return Swift.min(1, Swift.max(-1, sum(sxy) / (a * b).squareRoot()))
    }

    /// Spearman's rank correlation: Pearson of the ranks, ties sharing their mean rank.
    static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(ranks(x), ranks(y))
    }

    /// 1-based ranks, ties averaged.
    static func ranks(_ v: [Double]) -> [Double] {
        let order = v.indices.sorted { v[$0] < v[$1] }
        var r = [Double](repeating: 0, count: v.count)
        var i = 0
        while i < order.count {
            var j = i
            while j + 1 < order.count, v[order[j + 1]] == v[order[i]] { j += 1 }
            let rank = Double(i + j) / 2 + 1
            for k in i...j { r[order[k]] = rank }
            i = j + 1
        }
        return r
    }

    /// Linear-interpolation quantile of sorted values (NumPy's default method).
    static func quantile(sorted v: [Double], _ q: Double) -> Double {
        guard !v.isEmpty else { return .nan }
        let h = q * Double(v.count - 1)
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, v.count - 1)
        return v[lo] + (h - Double(lo)) * (v[hi] - v[lo])
    }

    static func median(_ values: [Double]) -> Double { quantile(sorted: values.sorted(), 0.5) }

    // MARK: Student t

    static func studentTQuantile(_ p: Double, _ nu: Double) -> Double {
        if p < 0.5 { return -studentTQuantile(1 - p, nu) }
        if p == 0.5 { return 0 }
        var lo = 0.0
        var hi = 1.0
        while studentTCDF(hi, nu) < p, hi < 1e300 {
            lo = hi
            hi *= 2
        }
        for _ in 0..<200 {
            let mid = 0.5 * (lo + hi)
            if studentTCDF(mid, nu) < p { lo = mid } else { hi = mid }
            if hi - lo <= 1e-13 * Swift.max(1, hi) { break }
        }
        return 0.5 * (lo + hi)
    }

    static func studentTCDF(_ t: Double, _ nu: Double) -> Double {
        let x = nu / (nu + t * t)
        let tail = 0.5 * regularizedIncompleteBeta(x, nu / 2, 0.5)
        return t >= 0 ? 1 - tail : tail
    }

    /// I_x(a, b) by the continued fraction of Numerical Recipes (betacf, modified Lentz).
    static func regularizedIncompleteBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let lnFront = lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x)
        if x < (a + 1) / (a + b + 2) {
            return exp(lnFront) * betaContinuedFraction(x, a, b) / a
        }
        return 1 - exp(lnFront) * betaContinuedFraction(1 - x, b, a) / b
    }

    static func betaContinuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        let qab = a + b
        let qap = a + 1
        let qam = a - 1
        var c = 1.0
        var d = 1 - qab * x / qap
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var h = d
        for m in 1...500 {
            let mm = Double(m)
            let m2 = 2 * mm
            var aa = mm * (b - mm) * x / ((qam + m2) * (a + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            h *= d * c
            aa = -(a + mm) * (qab + mm) * x / ((a + m2) * (qap + m2))
            d = 1 + aa * d
            if abs(d) < tiny { d = tiny }
            c = 1 + aa / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            h *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return h
    }
}
