import Foundation
import Testing

@testable import NoetherEngine

/// Issue 13 §4: the training step blocked over samples (BlockedStep.swift) against the
/// plain step, on batches that are not a multiple of the block, odd widths, deep and
/// 2-layer networks, ReLU and linear, MSE and cross-entropy.
@Suite struct BlockedStepTests {
    private func workspaces(_ net: Network, _ n: Int) -> (Backprop, Backprop) {
        var blocked = Backprop(architecture: net.architecture, batchSize: n)
        blocked.keepsSlopes = false
        var plain = blocked
        plain.fusesElementwise = false
        return (blocked, plain)
    }

    @Test(arguments: [
        ([20, 64, 5], Activation.relu, Loss.mse), ([20, 64, 5], .relu, .crossEntropy),
        ([7, 33, 17, 3], .relu, .mse), ([7, 33, 17, 3], .linear, .crossEntropy), ([9, 40, 2], .linear, .mse),
    ])
    func theBlockedStepMatchesThePlainStep(sizes: [Int], activation: Activation, loss: Loss) throws {
        let n = 1_101  // 256-row blocks and a short last block
        let data = try gaussianMixture(n: n, d: sizes[0], classes: sizes.last!, separation: 2, seed: 3)
        let net = try Network.mlp(sizes: sizes, activation: activation, bias: false, seed: 8)
        var (blocked, plain) = workspaces(net, n)
        #expect(blocked.takesBlockedStep(net.parameters, minimumEntries: 0))
        #expect(!plain.takesBlockedStep(net.parameters, minimumEntries: 0))
        let b = blocked.evaluateBlocked(
            net.parameters, inputs: data.inputs, targets: data.targets, labels: data.labels, loss: loss,
            minimumEntries: 0)
        let a = plain.evaluate(net.parameters, data: data, loss: loss)
        // The forward pass and the loss are the same arithmetic in the same order.
        #expect(b != nil && abs(b! - a) <= 1e-13 * abs(a))
        for l in 0..<sizes.count - 1 {
            let diff = zip(blocked.preActivations[l].storage, plain.preActivations[l].storage).map { abs($0 - $1) }
            #expect((diff.max() ?? 0) <= 1e-12, "Z_\(l)")
            if l < sizes.count - 2 {
                #expect(blocked.activations[l].storage.allSatisfy { $0 >= 0 } || activation == .linear)
            }
            // The weight gradients are summed over samples block by block: equal up to rounding.
            let g = blocked.weightGradients[l]
            let h = plain.weightGradients[l]
            let scale = h.storage.reduce(0) { max($0, abs($1)) }
            let err = zip(g.storage, h.storage).reduce(0) { max($0, abs($1.0 - $1.1)) }
            #expect(err <= 1e-12 * max(scale, 1e-300), "∂W_\(l): \(err) against \(scale)")
        }
    }

    /// Through `evaluate`: small batches keep the plain step (and its bits); settings the
    /// blocked step does not cover never take it.
    @Test func whenTheBlockedStepIsTaken() throws {
        let net = try Network.mlp(sizes: [20, 64, 5], activation: .relu, bias: false, seed: 1)
        let (small, _) = workspaces(net, 200)
        #expect(!small.takesBlockedStep(net.parameters, minimumEntries: Backprop.blockedStepMinimumEntries))
        let large = Backprop(architecture: net.architecture, batchSize: 40_000)
        var training = large
        training.keepsSlopes = false
        #expect(training.takesBlockedStep(net.parameters, minimumEntries: Backprop.blockedStepMinimumEntries))
        #expect(!large.takesBlockedStep(net.parameters, minimumEntries: 0))  // keeps slopes (curvature)
        let biased = try Network.mlp(sizes: [20, 64, 5], activation: .relu, bias: true, seed: 1)
        var withBias = Backprop(architecture: biased.architecture, batchSize: 2_000)
        withBias.keepsSlopes = false
        #expect(!withBias.takesBlockedStep(biased.parameters, minimumEntries: 0))
        let smooth = try Network.mlp(sizes: [20, 64, 5], activation: .tanh, bias: false, seed: 1)
        var tanhWorkspace = Backprop(architecture: smooth.architecture, batchSize: 2_000)
        tanhWorkspace.keepsSlopes = false
        #expect(!tanhWorkspace.takesBlockedStep(smooth.parameters, minimumEntries: 0))
    }

    /// A large batch through the training loop's path (`evaluate` picks the blocked
    /// step): the same loss as the plain step, gradients equal up to rounding, and the
    /// same numbers run to run.
    @Test func evaluateTakesTheBlockedStepOnLargeBatches() throws {
        let sizes = [20, 1024, 5]
        let n = 2_100
        let data = try gaussianMixture(n: n, d: 20, classes: 5, separation: 2, seed: 5)
        let net = try Network.mlp(sizes: sizes, activation: .relu, bias: false, seed: 6)
        var (blocked, plain) = workspaces(net, n)
        #expect(blocked.takesBlockedStep(net.parameters, minimumEntries: Backprop.blockedStepMinimumEntries))
        let b = blocked.evaluate(net.parameters, data: data, loss: .mse)
        let a = plain.evaluate(net.parameters, data: data, loss: .mse)
        #expect(abs(b - a) <= 1e-13 * a)
        var again = workspaces(net, n).0
        #expect(again.evaluate(net.parameters, data: data, loss: .mse).bitPattern == b.bitPattern)
        for l in 0..<2 {
            #expect(again.weightGradients[l] == blocked.weightGradients[l])
            let scale = plain.weightGradients[l].storage.reduce(0) { max($0, abs($1)) }
            let err = zip(blocked.weightGradients[l].storage, plain.weightGradients[l].storage)
                .reduce(0) { max($0, abs($1.0 - $1.1)) }
            #expect(err <= 1e-12 * scale)
        }
    }
}
