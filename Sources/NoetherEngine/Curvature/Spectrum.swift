/// A set of eigenvalues of a symmetric matrix with the statistics of
/// experiments.md §1.10, computed once at construction.
///
/// - An eigenvalue is *positive* when λ > threshold, *negative* when λ < −threshold,
///   and *near zero* otherwise (threshold 1e-8 by default, stored).
/// - Effective rank: Σ_{λ > threshold} λ / λ_max (NaN without a positive eigenvalue).
/// - Spectral width: λ_max / median(positive λ) (NumPy's median: the mean of the two
///   middle values for an even count; NaN without a positive eigenvalue).
///
/// A partial spectrum (top-k, bottom-k, Lanczos) has `dimension` > `eigenvalues.count`;
/// its counts, effective rank and width then describe the computed eigenvalues only,
/// and `isComplete` is false.
public struct Spectrum: Sendable, Equatable {
    /// The eigenvalues, ascending.
    public let eigenvalues: [Double]
    /// Size of the matrix they come from.
    public let dimension: Int
    /// |λ| ≤ threshold counts as zero.
    public let threshold: Double
    public let positiveCount: Int
    public let negativeCount: Int
    public let nearZeroCount: Int
    public let effectiveRank: Double
    public let spectralWidth: Double

    /// - Parameters:
    ///   - eigenvalues: any order; stored ascending.
    ///   - dimension: the matrix size (defaults to the number of eigenvalues).
    public init(eigenvalues: [Double], dimension: Int? = nil, threshold: Double = 1e-8) {
        let sorted = eigenvalues.sorted()
        self.eigenvalues = sorted
        self.dimension = Swift.max(dimension ?? sorted.count, sorted.count)
        self.threshold = threshold
        let positive = sorted.filter { $0 > threshold }
        positiveCount = positive.count
        negativeCount = sorted.filter { $0 < -threshold }.count
        nearZeroCount = sorted.count - positiveCount - negativeCount
        if let top = positive.last {
            effectiveRank = positive.reduce(0, +) / top
            let c = positive.count
            let median = c % 2 == 1 ? positive[c / 2] : 0.5 * (positive[c / 2 - 1] + positive[c / 2])
            spectralWidth = top / median
        } else {
            effectiveRank = .nan
            spectralWidth = .nan
        }
    }

    public var isComplete: Bool { eigenvalues.count == dimension }
    /// λ_max of the computed eigenvalues (nil when there are none).
    public var largest: Double? { eigenvalues.last }
    /// λ_min of the computed eigenvalues.
    public var smallest: Double? { eigenvalues.first }
    /// Σ λ over the computed eigenvalues (the trace when complete).
    public var sum: Double { eigenvalues.reduce(0, +) }
    /// The eigenvalues, largest first.
    public var descending: [Double] { eigenvalues.reversed() }
}

/// Which eigenpairs to compute.
public enum EigenSelection: Sendable, Equatable, Hashable {
    /// Every eigenvalue (LAPACK `dsyevd`).
    case all
    /// The k largest (LAPACK `dsyevr`, index range).
    case top(Int)
    /// The k smallest (LAPACK `dsyevr`, index range).
    case bottom(Int)
}

/// Eigenvalues (ascending), optional eigenvectors, and the spectrum's statistics.
public struct EigenDecomposition: Sendable {
    /// The selected eigenvalues, ascending (for `.top(k)` the largest is last).
    public var values: [Double]
    /// Orthonormal eigenvectors as the **columns** of an n × k matrix (column j ↔
    /// `values[j]`), when requested.
    public var vectors: Matrix?
    public var spectrum: Spectrum

    /// Eigenvector j as an array (requires `vectors`).
    public func vector(_ j: Int) -> [Double] {
        guard let v = vectors else { preconditionFailure("eigenvectors were not requested") }
        return (0..<v.rows).map { v[$0, j] }
    }
}

/// Eigenvalues and optionally eigenvectors of the symmetric matrix `a`.
///
/// - `.all`: LAPACK `dsyevd` (divide and conquer), O(n³) (≈ 4/3·n³ flops for the
///   values, ≈ 9·n³ with vectors).
/// - `.top(k)` / `.bottom(k)`: LAPACK `dsyevr` (MRRR) for that index range: the same
///   O(n³) reduction to tridiagonal form, then O(n·k) per selected pair.
///
/// Accuracy: backward stable, |λ̂ − λ| ≲ n·ε·‖A‖₂. LAPACK reads one triangle, so `a`
/// must be symmetric: an asymmetry above 1e-8·max|a_ij| is refused, as are non-finite
/// entries and k outside 1…n. LAPACK failures become `.eigensolverFailed`. With vectors, the
/// memory (≈ 5·n² doubles) is checked against `availableBytes` (default MemAvailable).
public func eigs(
    _ a: Matrix, selection: EigenSelection = .all, vectors: Bool = false, threshold: Double = 1e-8,
    availableBytes: Int? = nil
) throws(EngineError) -> EigenDecomposition {
    guard a.rows == a.columns else {
        throw .curvature(.notSquare(rows: a.rows, columns: a.columns))
    }
    let n = a.rows
    try checkSymmetric(a)
    let estimate = 8 * n * n * (vectors ? 5 : 2)
    if n > 512 {
        try MemoryBudget.check(estimate, for: .eigendecomposition(order: n), available: availableBytes)
    }
    return try eigsUnchecked(a, selection, vectors, threshold)
}

func eigsUnchecked(_ a: Matrix, _ selection: EigenSelection, _ vectors: Bool, _ threshold: Double) throws(EngineError)
    -> EigenDecomposition
{
    let n = a.rows
    switch selection {
    case .all: break
    case .top(let k), .bottom(let k):
        guard k >= 1, k <= n else {
            throw .curvature(.eigenvalueCount(k, order: n))
        }
    }
    let result: SymmetricEigen
    do {
        switch selection {
        case .all: result = try a.symmetricEigen(vectors: vectors)
        case .top(let k): result = try a.symmetricEigen(indices: (n - k)...(n - 1), vectors: vectors)
        case .bottom(let k): result = try a.symmetricEigen(indices: 0...(k - 1), vectors: vectors)
        }
    } catch {
        throw .curvature(.eigensolverFailed(error))
    }
    return EigenDecomposition(
        values: result.values, vectors: result.vectors,
        spectrum: Spectrum(eigenvalues: result.values, dimension: n, threshold: threshold))
}

/// Refuses non-finite or visibly asymmetric input (LAPACK would read one triangle).
func checkSymmetric(_ a: Matrix) throws(EngineError) {
    var largest = 0.0
    var finite = true
    a.storage.withUnsafeBufferPointer { s in
        for x in s {
            if !x.isFinite { finite = false }
            largest = Swift.max(largest, abs(x))
        }
    }
    guard finite else { throw .curvature(.nonFiniteMatrix) }
    let asymmetry = a.maxAsymmetry()
    if asymmetry > 1e-8 * largest {
        throw .curvature(.notSymmetric(asymmetry: asymmetry))
    }
}
