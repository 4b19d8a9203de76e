import NoetherEngine
import Testing

/// Backprop against central finite differences of the loss, for every activation ×
/// loss × bias × depth (2 and 4 weight matrices).
@Suite("Gradients vs finite differences")
struct GradientTests {
    static let activations: [Activation] = [.relu, .linear, .interpolated(0.5), .leakyReLU(0.1), .tanh, .gelu]
    static let losses: [Loss] = [.mse, .crossEntropy, .interpolated(0.3)]
    static let shapes: [[Int]] = [[3, 5, 3], [3, 5, 4, 5, 3]]

    @Test(arguments: activations, losses)
    func gradientMatchesCentralDifferences(activation: Activation, loss: Loss) throws {
        let data = TrainFixture.data(n: 6, d: 3, classes: 3, seed: 7)
        for sizes in Self.shapes {
            for bias in [false, true] {
                let net = try Self.awayFromKinks(sizes: sizes, activation: activation, bias: bias, data: data)
                let (value, gradient) = try net.lossAndGradient(data: data, loss: loss)
                let g = gradient.flattened
                let fd = try Self.centralDifferences(net, data: data, loss: loss)
                var worst = 0.0
                for i in g.indices { worst = max(worst, abs(fd[i] - g[i]) / max(1e-3, abs(g[i]))) }
                #expect(value.isFinite)
                #expect(
                    worst < 1e-6, "\(activation) \(loss) \(sizes) bias=\(bias): worst relative error \(worst)"
                )
            }
        }
    }

    /// (L(θ + h·e_i) − L(θ − h·e_i)) / 2h for every parameter, the loss in Double.
    static func centralDifferences(_ net: Network, data: Dataset, loss: Loss, h: Double = 1e-6) throws -> [Double] {
        let theta = net.parameters.flattened
        return try theta.indices.map { i in
            var plus = theta
            var minus = theta
            plus[i] += h
            minus[i] -= h
            let lp = try net.with(parameters: net.parameters.unflattened(plus)).lossAndGradient(data: data, loss: loss)
            let lm = try net.with(parameters: net.parameters.unflattened(minus)).lossAndGradient(data: data, loss: loss)
            return (lp.loss - lm.loss) / (2 * h)
        }
    }

    /// The first network (seeds 11, 12, …) whose non-zero hidden pre-activations all lie
    /// at least 1e-3 from the kink at 0, so that central differences with h = 1e-6
    /// never cross it. Exact zeros (a unit fed only by dead units) stay zero under
    /// every perturbation small enough, so they are harmless.
    static func awayFromKinks(sizes: [Int], activation: Activation, bias: Bool, data: Dataset) throws -> Network {
        for seed in 11..<200 {
            let net = try Network.mlp(sizes: sizes, activation: activation, bias: bias, seed: seed)
            var bp = Backprop(architecture: net.architecture, batchSize: data.count)
            bp.forward(net.parameters, inputs: data.inputs)
            var margin = Double.infinity
            for l in 0..<(net.layerCount - 1) {
                for z in bp.preActivations[l].storage where z != 0 { margin = min(margin, abs(z)) }
            }
            if margin > 1e-3 { return net }
        }
        Issue.record("no seed gives a fixture away from the kinks")
        return try Network.mlp(sizes: sizes, activation: activation, bias: bias, seed: 11)
    }

    @Test("the Frobenius identity ⟨W_l, ∂L/∂W_l⟩ = ⟨W_{l+1}, ∂L/∂W_{l+1}⟩ for homogeneous activations")
    func homogeneityIdentity() throws {
        let data = TrainFixture.data(n: 8, d: 3, classes: 3, seed: 3)
        for activation in [Activation.relu, .linear, .interpolated(0.3), .leakyReLU(0.2)] {
            for loss in Self.losses {
                let net = try Network.mlp(sizes: [3, 5, 4, 5, 3], activation: activation, bias: false, seed: 5)
                let g = try net.lossAndGradient(data: data, loss: loss).gradient
                let inner = (0..<4).map { net.parameters.weights[$0].dot(g.weights[$0]) }
                for l in 0..<3 { #expect(abs(inner[l] - inner[l + 1]) < 1e-14 * max(1, abs(inner[l]))) }
            }
        }
    }
}
