/// XOR-2D of experiments.md §1.1: x ~ N(0, I₂), y = 1[x₀ > 0] XOR 1[x₁ > 0], two
/// classes, **not** shuffled.
///
/// Draws from one `RandomSource(seed:)`: for each sample in order, x₀ then x₁.
/// The dataset is called `name`, as every generator's here (the language names it).
public func xor2d(name: String, n: Int, seed: Int) throws(EngineError) -> Dataset {
    guard n >= 1 else { throw .outOfDomain(.sampleCount, .atLeast(1), got: .integer(n)) }
    var rng = RandomSource(seed: seed)
    var x = Matrix(rows: n, columns: 2)
    var labels = [Int](repeating: 0, count: n)
    for i in 0..<n {
        let a = rng.normal()
        let b = rng.normal()
        x[i, 0] = a
        x[i, 1] = b
        labels[i] = (a > 0) != (b > 0) ? 1 : 0
    }
    return Dataset(name: name, inputs: x, labels: labels, classes: 2)
}

/// Concentric spheres of experiments.md §1.1: the first ⌊n/2⌋ points
/// `innerRadius·u + noise·N(0, I_d)` (label 0), the rest `outerRadius·u + noise·N(0, I_d)`
/// (label 1), u a normalized standard normal; then one joint shuffle.
///
/// Draws from one `RandomSource(seed:)`, block by block (inner, then outer): the
/// block's directions (rows × d standard normals, row-major; each row normalized),
/// then its noise (rows × d, row-major); finally `permutation(n)`, applied so that
/// sample i of the result is pre-shuffle sample perm[i].
public func spheres(
    name: String, n: Int, d: Int = 10, innerRadius: Double = 1, outerRadius: Double = 2, noise: Double = 0.1,
    seed: Int
) throws(EngineError) -> Dataset {
    guard n >= 2 else { throw .outOfDomain(.sampleCount, .atLeast(2), got: .integer(n)) }
    guard d >= 1 else { throw .outOfDomain(.inputDimension, .atLeast(1), got: .integer(d)) }
    for (argument, v) in [(EngineArgument.innerRadius, innerRadius), (.outerRadius, outerRadius), (.noise, noise)]
    where !(v.isFinite && v >= 0) {
        throw .outOfDomain(argument, .finiteNonNegative, got: .number(v))
    }
    var rng = RandomSource(seed: seed)
    var x = Matrix(rows: n, columns: d)
    var labels = [Int](repeating: 0, count: n)
    let inner = n / 2
    for (first, count, radius, label) in [(0, inner, innerRadius, 0), (inner, n - inner, outerRadius, 1)] {
        for i in first..<(first + count) {
            drawDirection(into: &x, row: i, radius: radius, &rng)
            labels[i] = label
        }
        for i in first..<(first + count) {
            for j in 0..<d { x[i, j] += noise * rng.normal() }
        }
    }
    let perm = rng.permutation(n)
    return Dataset(name: name, inputs: x.rows(perm), labels: perm.map { labels[$0] }, classes: 2)
}

/// Row `i` of `m` becomes radius·u, u a standard normal draw normalized to length 1
/// (one draw per column, in order, from `rng`; an all-zero draw gives 0).
func drawDirection(into m: inout Matrix, row i: Int, radius: Double, _ rng: inout RandomSource) {
    var norm2 = 0.0
    for j in 0..<m.columns {
        let z = rng.normal()
        m[i, j] = z
        norm2 += z * z
    }
    let f = norm2 > 0 ? radius / norm2.squareRoot() : 0
    for j in 0..<m.columns { m[i, j] *= f }
}

/// The teacher network of `teacherStudent`: exactly
/// `Network.mlp(sizes: [d, hidden, out], activation: .relu, bias: false, seed: seed)`.
public func teacherNetwork(d: Int, hidden: Int, out: Int, seed: Int) throws(EngineError) -> Network {
    try Network.mlp(sizes: [d, hidden, out], activation: .relu, bias: false, seed: seed)
}

/// Teacher–student regression data: inputs x ~ N(0, I_d) and real targets
/// y = W₂ relu(W₁ x) (+ `noise`·N(0, I_out)) from a random teacher network.
///
/// Draws from one `RandomSource(seed:)`: first the teacher, exactly as
/// `teacherNetwork(d:hidden:out:seed:)` (PyTorch default init: W₁ then W₂, row-major,
/// U(±1/√fan_in)); then X (n × d standard normals, row-major); then, when `noise`
/// is positive, the target noise (n × out, row-major). Targets are the teacher's
/// outputs, not labels: train with `mse`.
public func teacherStudent(
    name: String, n: Int, d: Int, hidden: Int, out: Int, noise: Double = 0,
    seed: Int
) throws(EngineError) -> Dataset {
    guard n >= 1 else { throw .outOfDomain(.sampleCount, .atLeast(1), got: .integer(n)) }
    guard d >= 1 else { throw .outOfDomain(.inputDimension, .atLeast(1), got: .integer(d)) }
    guard hidden >= 1 else { throw .outOfDomain(.hiddenWidth, .atLeast(1), got: .integer(hidden)) }
    guard out >= 1 else { throw .outOfDomain(.outputCount, .atLeast(1), got: .integer(out)) }
    guard noise.isFinite, noise >= 0 else {
        throw .outOfDomain(.noise, .finiteNonNegative, got: .number(noise))
    }
    let teacher = try teacherNetwork(d: d, hidden: hidden, out: out, seed: seed)
    var rng = RandomSource(seed: seed)
    for _ in 0..<(hidden * d + out * hidden) { _ = rng.next() }  // the teacher's uniform draws
    var x = Matrix(rows: n, columns: d)
    for i in 0..<x.count { x.storage[i] = rng.normal() }
    var y = teacher.outputs(on: x)
    if noise > 0 {
        for i in 0..<y.count { y.storage[i] += noise * rng.normal() }
    }
    return Dataset(name: name, inputs: x, targets: y)
}

extension Matrix {
    /// The rows at `indices`, in that order, as a new matrix.
    func rows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        let c = columns
        storage.withUnsafeBufferPointer { src in
            out.storage.withUnsafeMutableBufferPointer { dst in
                for (r, i) in indices.enumerated() {
                    for j in 0..<c { dst[r * c + j] = src[i * c + j] }
                }
            }
        }
        return out
    }
}
