import NoetherEngine
import Testing

/// Initialization schemes, scale, balancing and per-neuron balances.
@Suite("Network initialization")
struct NetworkInitTests {
    static func moments(_ values: [Double]) -> (mean: Double, variance: Double) {
        let n = Double(values.count)
        let mean = values.reduce(0, +) / n
        return (mean, values.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / n)
    }

    @Test("the default init is PyTorch's U(±1/√in), drawn row-major, bias after its layer's weights")
    func defaultDraws() throws {
        let net = try Network.mlp(sizes: [3, 4, 2], activation: .relu, bias: true, seed: 12)
        var rng = RandomSource(seed: 12)
        let b1 = 1 / 3.0.squareRoot()
        let b2 = 0.5
        let w1 = (0..<12).map { _ in rng.uniform(-b1, b1) }
        let bias1 = (0..<4).map { _ in rng.uniform(-b1, b1) }
        let w2 = (0..<8).map { _ in rng.uniform(-b2, b2) }
        #expect(net.parameters.weights[0].storage == w1)
        #expect(net.parameters.biases![0].storage == bias1)
        #expect(net.parameters.weights[1].storage == w2)
        let explicit = try Network.mlp(
            sizes: [3, 4, 2], activation: .relu, bias: true, seed: 12,
            initialization: Initialization())
        #expect(explicit.parameters == net.parameters)
    }

    @Test("kaiming_normal: N(0, 2/in); xavier_uniform: bound √(6/(in+out)); scale multiplies weights only")
    func schemes() throws {
        let sizes = [50, 200, 10]
        let k = try Network.mlp(
            sizes: sizes, activation: .relu, bias: true, seed: 3,
            initialization: Initialization(scheme: .kaimingNormal))
        let (mk, vk) = Self.moments(k.parameters.weights[0].storage)
        #expect(abs(mk) < 0.01 && abs(vk / (2.0 / 50) - 1) < 0.05)
        // Biases keep the nn.Linear default bound.
        #expect(k.parameters.biases![0].storage.allSatisfy { abs($0) <= 1 / 50.0.squareRoot() })

        let x = try Network.mlp(
            sizes: sizes, activation: .relu, bias: false, seed: 3,
            initialization: Initialization(scheme: .xavierUniform))
        let bound = (6.0 / 250).squareRoot()
        #expect(x.parameters.weights[0].storage.allSatisfy { abs($0) <= bound })
        #expect(x.parameters.weights[0].storage.contains { abs($0) > 0.95 * bound })
        let (_, vx) = Self.moments(x.parameters.weights[0].storage)
        #expect(abs(vx / (bound * bound / 3) - 1) < 0.05)

        let plain = try Network.mlp(sizes: [4, 5, 3], activation: .relu, bias: true, seed: 9)
        let scaled = try Network.mlp(
            sizes: [4, 5, 3], activation: .relu, bias: true, seed: 9,
            initialization: Initialization(scale: 0.25))
        for l in 0..<2 {
            #expect(scaled.parameters.weights[l].storage == plain.parameters.weights[l].storage.map { $0 * 0.25 })
            #expect(scaled.parameters.biases![l] == plain.parameters.biases![l])
        }
    }

    @Test(
        "balanced init: every C_l = 0 and the same function",
        arguments: [Activation.relu, .linear, .interpolated(0.4), .leakyReLU(0.1)], [false, true])
    func balanced(activation: Activation, bias: Bool) throws {
        let data = TrainFixture.data(n: 9, d: 6, classes: 3, seed: 1)
        let sizes = [6, 20, 9, 14, 3]
        let plain = try Network.mlp(
            sizes: sizes, activation: activation, bias: bias, seed: 5,
            initialization: Initialization(scale: 1.3))
        let balanced = try Network.mlp(
            sizes: sizes, activation: activation, bias: bias, seed: 5,
            initialization: Initialization(scale: 1.3, balanced: true))
        let norms = balanced.parameters.weightSquaredNorms
        for c in balanced.conservedQuantities { #expect(abs(c) < 1e-13 * norms[0]) }
        #expect(plain.conservedQuantities.contains { abs($0) > 1 })
        let before = plain.outputs(on: data.inputs)
        let after = balanced.outputs(on: data.inputs)
        let scale = before.storage.map(abs).max()!
        #expect(before.maxAbsDifference(after) < 1e-13 * scale)
        // The per-neuron balances of a layer sum to its C_l.
        for (h, b) in balanced.neuronBalances.enumerated() {
            #expect(abs(b.reduce(0, +) - balanced.conservedQuantities[h]) < 1e-12)
        }
    }

    @Test("balancing refuses non-homogeneous activations")
    func balancedRefuses() throws {
        for activation in [Activation.tanh, .gelu] {
            #expect(
                TrainFixture.error {
                    try Network.mlp(
                        sizes: [3, 4, 2], activation: activation, bias: false, seed: 1,
                        initialization: Initialization(balanced: true))
                }
                    == .network(.balancingNeedsHomogeneousActivation(activation)))
        }
        let zero = try Network.mlp(
            sizes: [3, 4, 2], activation: .relu, bias: false, seed: 1,
            initialization: Initialization(scale: 0, balanced: true))
        #expect(zero.parameters.weightSquaredNorms == [0, 0])
    }

    @Test("per-neuron balances: outgoing minus incoming squared norms, by hand")
    func neuronBalances() throws {
        let w1 = Matrix([[1, 2], [3, -1], [0, 0.5]])
        let w2 = Matrix([[1, 0, 2], [-1, 1, 1]])
        let net = Network(
            architecture: Architecture(sizes: [2, 3, 2], activation: .relu, hasBias: false),
            parameters: Parameters(weights: [w1, w2], biases: nil))
        let expected: [[Double]] = [[-3, -9, 4.75]]
        #expect(net.neuronBalances == expected)
        #expect(net.neuronBalances[0].reduce(0, +) == net.conservedQuantities[0])
    }
}
