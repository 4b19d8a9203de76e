import Foundation

// Comparing two lists of mode coefficients: the reference's sorted-rank correlation
// (experiments.md E20 step 3) and, beside it, a mode-by-mode comparison (§4).

/// The reference's E20/E21 metric: |·| of both lists, each sorted descending
/// independently, normalized to sum 1 (over the whole list), the top K′ kept, and
/// R = Pearson(ln(a + 1e-20), ln(b + 1e-20)). Entries are paired by rank only, so
/// almost any two decreasing sequences correlate well: read the lists themselves.
public struct RankComparison: Sendable, Equatable {
    /// R (NaN when a truncated list is constant).
    public var correlation: Double
    /// K′, the entries kept.
    public var count: Int
    /// The top K′ normalized values of each list, descending.
    public var sortedA: [Double]
    public var sortedB: [Double]
    /// The largest normalized value of each list, and their ratio a/b.
    public var topA: Double
    public var topB: Double
    public var topRatio: Double
}

/// Two coefficient lists indexed by the same modes, compared mode by mode.
public struct ModeMatchedComparison: Sendable, Equatable {
    /// Each list's |values| normalized to sum 1, in the common mode order.
    public var sharesA: [Double]
    public var sharesB: [Double]
    /// Per mode: shareA/shareB (NaN where shareB = 0).
    public var ratios: [Double]
    /// Pearson of ln(share + 1e-20) paired by mode (no sorting).
    public var logCorrelation: Double
    /// Spearman's rank correlation of the shares, paired by mode.
    public var rankCorrelation: Double
    /// ½·Σ|shareA − shareB| ∈ [0, 1]: 0 for identical distributions, 1 for disjoint
    /// support. Scale-free, and not fooled by two lists that merely both decrease.
    public var totalVariation: Double
    /// The mode holding each list's largest share, and whether they coincide.
    public var topModeA: Int
    public var topModeB: Int
    public var sameTopMode: Bool { topModeA == topModeB }
}

/// Both comparisons side by side.
public struct CoefficientComparison: Sendable, Equatable {
    /// The reference's sorted-rank metric.
    public var rank: RankComparison
    /// The mode-by-mode comparison; nil when the lists have different lengths (then
    /// they cannot be in one basis: map one onto the other's modes first, e.g. the
    /// gradient's data-mode energy `dataModeGradientEnergy` against the derived c_k).
    public var modeMatched: ModeMatchedComparison?
    /// The lengths of the two lists.
    public var countA: Int
    public var countB: Int
}

/// Compares coefficient lists `a` and `b` (e.g. the projected c_k and the derived
/// c_k) by the reference's sorted-rank correlation and, when both have the same
/// length, mode by mode: the caller asserts that index k means the same mode in both
/// (for data modes: descending λ_{x,k}, as `derivedCoefficients` orders them).
/// - Parameters:
///   - top: K′ for the rank metric (default min(a.count, b.count); the reference uses
///     min(d, number of positive Hessian eigenvalues)).
/// - Throws: `.theory`: `.empty(.coefficientLists)` for an empty list,
///   `.notFinite(.coefficients)` for non-finite values, `.comparedListsTooShort` for a
///   list with fewer than 2 entries, `.allZeroCoefficients` for one that sums to 0;
///   `.outOfDomain(.comparedCount, …)` for a `top` outside 2…min(a.count, b.count).
public func compareCoefficients(_ a: [Double], _ b: [Double], top: Int? = nil) throws(EngineError)
    -> CoefficientComparison
{
    guard !a.isEmpty, !b.isEmpty else { throw .theory(.empty(.coefficientLists)) }
    guard a.allSatisfy(\.isFinite), b.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.coefficients))
    }
    let shorter = Swift.min(a.count, b.count)
    guard shorter >= 2 else { throw .theory(.comparedListsTooShort(countA: a.count, countB: b.count)) }
    let k = top ?? shorter
    guard k >= 2, k <= shorter else { throw .outOfDomain(.comparedCount, .between(2, shorter), got: .integer(k)) }
    let absA = a.map(abs)
    let absB = b.map(abs)
    let sumA = TheoryMath.sum(absA)
    let sumB = TheoryMath.sum(absB)
    guard sumA > 0, sumB > 0 else { throw .theory(.allZeroCoefficients) }
    let sortedA = absA.sorted(by: >).prefix(k).map { $0 / sumA }
    let sortedB = absB.sorted(by: >).prefix(k).map { $0 / sumB }
    let rank = RankComparison(
        correlation: TheoryMath.pearson(sortedA.map { log($0 + 1e-20) }, sortedB.map { log($0 + 1e-20) }),
        count: k, sortedA: sortedA, sortedB: sortedB, topA: sortedA[0], topB: sortedB[0],
        topRatio: sortedA[0] / sortedB[0])

    var matched: ModeMatchedComparison? = nil
    if a.count == b.count {
        let sa = absA.map { $0 / sumA }
        let sb = absB.map { $0 / sumB }
        let topA = sa.indices.max { sa[$0] < sa[$1] }!
        let topB = sb.indices.max { sb[$0] < sb[$1] }!
        matched = ModeMatchedComparison(
            sharesA: sa, sharesB: sb, ratios: zip(sa, sb).map { $1 > 0 ? $0 / $1 : .nan },
            logCorrelation: TheoryMath.pearson(sa.map { log($0 + 1e-20) }, sb.map { log($0 + 1e-20) }),
            rankCorrelation: TheoryMath.spearman(sa, sb),
            totalVariation: 0.5 * TheoryMath.sum(zip(sa, sb).map { abs($0 - $1) }),
            topModeA: topA, topModeB: topB)
    }
    return CoefficientComparison(rank: rank, modeMatched: matched, countA: a.count, countB: b.count)
}
