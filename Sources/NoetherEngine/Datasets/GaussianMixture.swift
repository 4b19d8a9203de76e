/// The Gaussian-mixture dataset GM(n, d, K, s) of experiments.md §1.1.
///
/// Draw order from one `RandomSource(seed:)`:
/// 1. centers: a K×d matrix of standard normals, row-major, each row rescaled to
///    Euclidean norm `separation·√d` (the radius, not a distance between centers);
/// 2. samples class by class: class k gets ⌊n/K⌋ samples plus one for each of the
///    first n mod K classes, each `center_k + N(0, I_d)` (row-major draws);
/// 3. one uniform permutation applied to (X, y) jointly.
/// X is neither centered nor scaled; labels are 0..<K. The dataset is called `name`
/// (the language gives the name its users see, e.g. its builtin's).
public func gaussianMixture(name: String, n: Int, d: Int, classes k: Int, separation: Double, seed: Int)
    throws(EngineError)
    -> Dataset
{
    guard n >= 1 else { throw .outOfDomain(.sampleCount, .atLeast(1), got: .integer(n)) }
    guard d >= 1 else { throw .outOfDomain(.inputDimension, .atLeast(1), got: .integer(d)) }
    guard k >= 2 else { throw .outOfDomain(.classCount, .atLeast(2), got: .integer(k)) }
    guard separation.isFinite, separation >= 0 else {
        throw .outOfDomain(.separation, .finiteNonNegative, got: .number(separation))
    }
    var rng = RandomSource(seed: seed)
    let radius = separation * Double(d).squareRoot()
    var centers = Matrix(rows: k, columns: d)
    for c in 0..<k { drawDirection(into: &centers, row: c, radius: radius, &rng) }
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
    return Dataset(name: name, inputs: shuffled, labels: shuffledLabels, classes: k)
}
