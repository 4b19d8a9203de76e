// Lawson–Hanson non-negative least squares (Lawson & Hanson, "Solving Least Squares
// Problems", 1974, ch. 23), used to fit mode coefficients c_k ≥ 0 to measured S(η).

/// The solution of min ‖A x − b‖₂ subject to x ≥ 0.
public struct NNLSResult: Sendable, Equatable {
    /// x ≥ 0 (entries in the active set are exactly 0).
    public var solution: [Double]
    /// ‖A x − b‖₂.
    public var residualNorm: Double
    /// The dual vector w = Aᵀ(b − A x): ≈ 0 on the passive set, ≤ tolerance on the
    /// active set at a KKT point.
    public var dual: [Double]
    /// Indices held at the bound x_j = 0 (the active constraints).
    public var active: [Int]
    /// Outer iterations (columns added to the passive set).
    public var iterations: Int
}

/// Non-negative least squares by the Lawson–Hanson active-set algorithm.
///
/// - Parameters:
///   - a: the m × n design matrix (any m ≥ 1, n ≥ 1; m < n is allowed, the passive
///     set then stays of full column rank).
///   - b: the m right-hand sides.
///   - tolerance: the dual threshold for adding a column; default
///     10·ε·max(m, n)·‖A‖₁ (SciPy's choice).
///   - maxIterations: outer iterations allowed (default 3n).
/// - Returns: the solution with its residual, dual and active set. The KKT conditions
///   x ≥ 0, w ≤ tolerance, w_j ≈ 0 where x_j > 0 hold on return.
/// - Cost: each inner solve is a Householder QR of the passive columns, O(m·p²).
/// - Throws: `.theory`: `.leastSquaresRightHandSides` when b does not have m entries,
///   `.empty(.leastSquaresMatrix)` for no rows or columns, `.notFinite(.leastSquares)`
///   for non-finite input, `.leastSquaresDidNotConverge` when an iteration limit is
///   reached, `.singular(.leastSquaresPassiveSet)` for a singular passive set.
public func nonNegativeLeastSquares(
    _ a: Matrix, _ b: [Double], tolerance: Double? = nil,
    maxIterations: Int? = nil
) throws(EngineError) -> NNLSResult {
    let m = a.rows
    let n = a.columns
    guard b.count == m else {
        throw .theory(.leastSquaresRightHandSides(rows: m, columns: n, rightHandSides: b.count))
    }
    guard m >= 1, n >= 1 else { throw .theory(.empty(.leastSquaresMatrix)) }
    guard a.isFinite, b.allSatisfy(\.isFinite) else {
        throw .theory(.notFinite(.leastSquares))
    }
    var norm1 = 0.0
    for j in 0..<n {
        var s = 0.0
        for i in 0..<m { s += abs(a[i, j]) }
        norm1 = Swift.max(norm1, s)
    }
    let tol = tolerance ?? 10 * Double.ulpOfOne * Double(Swift.max(m, n)) * norm1
    let limit = maxIterations ?? 3 * n

    var x = [Double](repeating: 0, count: n)
    var passive = [Bool](repeating: false, count: n)
    var excluded = [Bool](repeating: false, count: n)  // columns whose addition made A_P singular
    func dual() -> [Double] {
        var r = b
        for i in 0..<m { for j in 0..<n where x[j] != 0 { r[i] -= a[i, j] * x[j] } }
        return (0..<n).map { j in (0..<m).reduce(0.0) { $0 + a[$1, j] * r[$1] } }
    }
    /// Unconstrained least squares on the passive columns; nil if rank deficient.
    func solvePassive() -> [Double]? {
        let columns = (0..<n).filter { passive[$0] }
        guard !columns.isEmpty, columns.count <= m else { return nil }
        var sub = [Double](repeating: 0, count: m * columns.count)
        for i in 0..<m { for (c, j) in columns.enumerated() { sub[i * columns.count + c] = a[i, j] } }
        guard let s = TheoryMath.leastSquares(sub, rows: m, columns: columns.count, b) else { return nil }
        var z = [Double](repeating: 0, count: n)
        for (c, j) in columns.enumerated() { z[j] = s[c] }
        return z
    }

    var w = dual()
    var iterations = 0
    while true {
        var best = -1
        var bestValue = tol
        for j in 0..<n where !passive[j] && !excluded[j] && w[j] > bestValue {
            best = j
            bestValue = w[j]
        }
        if best < 0 { break }
        guard iterations < limit else {
            throw .theory(.leastSquaresDidNotConverge(.outer(iterations: limit)))
        }
        iterations += 1
        passive[best] = true
        guard var z = solvePassive() else {
            passive[best] = false
            excluded[best] = true
            continue
        }
        // Inner loop: step back towards x until every passive entry is positive.
        var inner = 0
        var removedAny = false
        while (0..<n).contains(where: { passive[$0] && z[$0] <= 0 }) {
            inner += 1
            guard inner <= 3 * n + 3 else {
                throw .theory(.leastSquaresDidNotConverge(.inner))
            }
            var alpha = Double.infinity
            for j in 0..<n where passive[j] && z[j] <= 0 {
                let denom = x[j] - z[j]
                if denom > 0 { alpha = Swift.min(alpha, x[j] / denom) }
            }
            if !alpha.isFinite { alpha = 0 }
            for j in 0..<n { x[j] += alpha * (z[j] - x[j]) }
            for j in 0..<n where passive[j] && x[j] <= 1e-15 * Swift.max(1, x.map(abs).max() ?? 0) {
                passive[j] = false
                x[j] = 0
                removedAny = true
            }
            if !passive.contains(true) {
                z = [Double](repeating: 0, count: n)
                break
            }
            guard let next = solvePassive() else {
                throw .theory(.singular(.leastSquaresPassiveSet))
            }
            z = next
        }
        x = z
        for j in 0..<n where !passive[j] { x[j] = 0 }
        // A column that was dependent on the old passive set may not be on the new one.
        if removedAny { for j in 0..<n { excluded[j] = false } }
        w = dual()
    }
    var residual = b
    for i in 0..<m { for j in 0..<n where x[j] != 0 { residual[i] -= a[i, j] * x[j] } }
    return NNLSResult(
        solution: x, residualNorm: residual.reduce(0) { $0 + $1 * $1 }.squareRoot(),
        dual: w, active: (0..<n).filter { x[$0] == 0 }, iterations: iterations)
}
