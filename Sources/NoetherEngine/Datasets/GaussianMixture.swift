/// The Gaussian-mixture dataset GM(n, d, K, s) of experiments.md §1.1.
///
/// Draw order from one `RandomSource(seed:)`:
/// 1. centers: a K×d matrix of standard normals, row-major, each row rescaled to
///    Euclidean norm `separation·√d` (the radius, not a distance between centers);
/// 2. samples class by class: class k gets ⌊n/K⌋ samples plus one for each of the
///    first n mod K classes, each `center_k + N(0, I_d)` (row-major draws);
/// 3. one uniform permutation applied to (X, y) jointly.
/// X is neither centered nor scaled; labels are 0..<K.
public func gaussianMixture(n: Int, d: Int, classes k: Int, separation: Double, seed: Int) throws(EngineError)
    -> Dataset
{
    guard n >= 1 else { throw .invalidArgument("'n' must be at least 1, got \(n)") }
    guard d >= 1 else { throw .invalidArgument("'d' must be at least 1, got \(d)") }
    guard k >= 2 else { throw .invalidArgument("'classes' must be at least 2, got \(k)") }
    guard separation.isFinite, separation >= 0 else {
        throw .invalidArgument("'separation' must be a finite non-negative number, got \(formatShort(separation))")
    }
    var rng = RandomSource(seed: seed)
    let radius = separation * Double(d).squareRoot()
    var centers = Matrix(rows: k, columns: d)
    for c in 0..<k {
        var norm2 = 0.0
        for j in 0..<d {
            let z = rng.normal()
            centers[c, j] = z
            norm2 += z * z
        }
        let factor = norm2 > 0 ? radius / norm2.squareRoot() : 0
        for j in 0..<d { centers[c, j] *= factor }
    }
    var x = Matrix(rows: n, columns: d)
    var labels = [Int](repeating: 0, count: n)
    var row = 0
    for c in 0..<k {
        let size = n / k + (c < n % k ? 1 : 0)
        for _ in 0..<size {
            for j in 0..<d { x[row, j] = centers[c, j] + rng.normal() }
            labels[row] = c
            row += 1
        }
    }
    let perm = rng.permutation(n)
    var shuffled = Matrix(rows: n, columns: d)
    var shuffledLabels = [Int](repeating: 0, count: n)
    for (i, source) in perm.enumerated() {
        for j in 0..<d { shuffled[i, j] = x[source, j] }
        shuffledLabels[i] = labels[source]
    }
    return Dataset(name: "gaussian_mixture", inputs: shuffled, labels: shuffledLabels, classes: k)
}
