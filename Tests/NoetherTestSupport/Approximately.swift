/// The tests' one approximate equality: `a` and `b` are equal (nan with nan, an
/// infinity with itself), or |a − b| ≤ max(atol, rtol·max(|a|, |b|)).
///
/// `rtol` alone is a relative comparison; `atol` covers values that should be 0 (or
/// are compared on a scale of 1, `atol: rtol`).
public func isClose(_ a: Double, _ b: Double, _ rtol: Double = 1e-12, atol: Double = 0) -> Bool {
    if a == b || (a.isNaN && b.isNaN) { return true }
    return abs(a - b) <= max(atol, rtol * max(abs(a), abs(b)))
}

/// Element by element, with the same length.
public func isClose(_ a: [Double], _ b: [Double], _ rtol: Double = 1e-12, atol: Double = 0) -> Bool {
    a.count == b.count && zip(a, b).allSatisfy { isClose($0, $1, rtol, atol: atol) }
}
