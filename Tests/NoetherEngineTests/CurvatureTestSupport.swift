import NoetherEngine

/// Small fixtures shared by the curvature suites.
enum CurvatureFixture {
    /// n samples of d standard-normal features with labels in 0..<classes (classification
    /// data, so every loss applies). Deterministic in `seed`.
    static func data(n: Int, d: Int, classes: Int, seed: Int) -> Dataset {
        TrainFixture.data(n: n, d: d, classes: classes, seed: seed)
    }

    /// A network with PyTorch-default initialization scaled by `scale`.
    static func network(sizes: [Int], activation: Activation, bias: Bool, seed: Int, scale: Double = 1) -> Network {
        let net = try! Network.mlp(sizes: sizes, activation: activation, bias: bias, seed: seed)
        guard scale != 1 else { return net }
        var p = net.parameters
        for l in 0..<p.weights.count { p.weights[l].scale(by: scale) }
        return net.with(parameters: p)
    }

    /// The smallest non-zero |pre-activation| over hidden layers (distance to a ReLU
    /// kink). Exact zeros come from samples whose whole previous layer is inactive: they
    /// stay exactly zero along every direction, so they never cross a kink.
    static func smallestMargin(_ net: Network, _ data: Dataset) -> Double {
        var bp = Backprop(architecture: net.architecture, batchSize: data.count)
        bp.forward(net.parameters, inputs: data.inputs)
        var m = Double.infinity
        for l in 0..<(net.layerCount - 1) { for z in bp.preActivations[l].storage where z != 0 { m = min(m, abs(z)) } }
        return m
    }

    static func randomVector(_ count: Int, seed: Int) -> [Double] {
        var rng = RandomSource(seed: seed)
        return (0..<count).map { _ in rng.normal() }
    }

    static func flatGradient(_ net: Network, parameters: [Double], data: Dataset, loss: Loss) -> [Double] {
        let moved = net.with(parameters: net.parameters.unflattened(parameters))
        return try! moved.lossAndGradient(data: data, loss: loss).gradient.flattened
    }

    /// Central difference of the exact gradient along v: (g(θ+hv) − g(θ−hv)) / 2h.
    static func finiteDifferenceHVP(_ net: Network, data: Dataset, loss: Loss, v: [Double], step h: Double) -> [Double]
    {
        let theta = net.parameters.flattened
        let plus = flatGradient(net, parameters: zip(theta, v).map { $0 + h * $1 }, data: data, loss: loss)
        let minus = flatGradient(net, parameters: zip(theta, v).map { $0 - h * $1 }, data: data, loss: loss)
        return zip(plus, minus).map { ($0 - $1) / (2 * h) }
    }

    static func norm(_ v: [Double]) -> Double { v.reduce(0) { $0 + $1 * $1 }.squareRoot() }

    /// ‖a − b‖ / ‖b‖.
    static func relativeError(_ a: [Double], _ b: [Double]) -> Double {
        norm(zip(a, b).map { $0 - $1 }) / max(norm(b), 1e-300)
    }

    static func dot(_ a: [Double], _ b: [Double]) -> Double { zip(a, b).reduce(0) { $0 + $1.0 * $1.1 } }

    /// Row i of a matrix as an array.
    static func row(_ m: Matrix, _ i: Int) -> [Double] { m.row(i) }

    /// max |A − Aᵀ|.
    static func asymmetry(_ a: Matrix) -> Double {
        var m = 0.0
        for i in 0..<a.rows { for j in 0..<i { m = max(m, abs(a[i, j] - a[j, i])) } }
        return m
    }

    static func maxAbs(_ a: Matrix) -> Double { a.storage.reduce(0) { max($0, abs($1)) } }
}
