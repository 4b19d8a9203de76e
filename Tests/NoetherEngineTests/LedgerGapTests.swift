import NoetherTestSupport
import Testing

@testable import NoetherEngine

@Suite struct LedgerGapTests {
    /// The gap is the residual's numerator: |gap_l| / |C_l(T) − C_l(0)| is the
    /// ledger residual of pair l, to the bit, and small against the change for gd.
    @Test func gapIsTheResidualsNumerator() throws {
        let data = try gaussianMixture(n: 60, d: 6, classes: 3, separation: 2, seed: 7)
        let net = try Network.mlp(sizes: [6, 8, 8, 3], activation: .relu, bias: false, seed: 42)
        let r = try train(
            network: net, data: data, optimizer: try Optimizer.gradientDescent(learningRate: 0.1), loss: .mse,
            steps: 200)
        let gap = r.ledgerGap
        #expect(gap.count == r.pairCount)
        var worst = 0.0
        for l in 0..<r.pairCount {
            let change = r.finalConserved[l] - r.initialConserved[l]
            #expect(abs(change) > 0)
            #expect(abs(gap[l]) < 1e-8 * abs(change))
            worst = max(worst, abs(gap[l]) / abs(change))
        }
        #expect(worst.bitPattern == r.ledgerResidual.bitPattern)
    }
}
