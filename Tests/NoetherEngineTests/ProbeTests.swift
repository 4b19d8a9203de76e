import NoetherEngine
import Testing

/// The activation-pattern probe against a naive recomputation from checkpoints.
@Suite("Activation-pattern probe")
struct ProbeTests {
    /// Pattern, margins and distinct rows of the first hidden layer, computed plainly.
    struct Naive {
        var active: [[Bool]]
        var minMargin: Double
        var meanMargin: Double
        var distinct: Int

        init(_ net: Network, _ data: Dataset) {
            let w = net.parameters.weights[0]
            let b = net.parameters.biases?[0]
            var rows = [[Bool]]()
            var minM = Double.infinity
            var sum = 0.0
            for i in 0..<data.count {
                var row = [Bool]()
                for j in 0..<w.rows {
                    var z = 0.0
                    for k in 0..<w.columns { z += data.inputs[i, k] * w[j, k] }
                    if let b { z += b[0, j] }
                    row.append(z > 0)
                    minM = min(minM, abs(z))
                    sum += abs(z)
                }
                rows.append(row)
            }
            active = rows
            minMargin = minM
            meanMargin = sum / Double(data.count * w.rows)
            distinct = Set(rows).count
        }
    }

    @Test(
        "per-step flips, units, margins and distinct patterns match a naive recomputation",
        arguments: [false, true])
    func matchesNaive(stochastic: Bool) throws {
        let data = TrainFixture.mixture(n: 30, d: 5, classes: 3, seed: 9)
        let net = try Network.mlp(sizes: [5, 12, 3], activation: .relu, bias: stochastic, seed: 4)
        let steps = 40
        let opt =
            stochastic
            ? try Optimizer.stochastic(learningRate: 0.5, batchSize: 8, seed: 2)
            : try Optimizer.gradientDescent(learningRate: 0.5)
        let r = try train(
            network: net, data: data, optimizer: opt, loss: .crossEntropy, steps: steps,
            options: TrainingOptions(checkpoints: Array(0...steps), patternProbe: true))
        let p = try #require(r.pattern)
        #expect(p.samples == 30 && p.units == 12 && p.updates == steps)
        let naive = try (0...steps).map { Naive(try r.at($0), data) }
        var flipsTotal = 0.0
        var unitsTotal = 0.0
        var zero = 0
        for t in 0..<steps {
            var flips = 0
            var units = Set<Int>()
            for i in 0..<30 {
                for j in 0..<12 where naive[t].active[i][j] != naive[t + 1].active[i][j] {
                    flips += 1
                    units.insert(j)
                }
            }
            #expect(p.flipFraction[t] == Double(flips) / 360, "step \(t)")
            #expect(p.unitsFlipped[t] == Double(units.count), "step \(t)")
            #expect(abs(p.minMargin[t] - naive[t].minMargin) < 1e-12)
            #expect(abs(p.meanMargin[t] - naive[t].meanMargin) < 1e-12)
            #expect(p.distinctPatterns[t] == naive[t].distinct)
            flipsTotal += Double(flips) / 360
            unitsTotal += Double(units.count)
            if flips == 0 { zero += 1 }
        }
        #expect(flipsTotal > 0)
        #expect(abs(p.meanFlipFraction - flipsTotal / Double(steps)) < 1e-15)
        #expect(abs(p.meanUnitsFlipped - unitsTotal / Double(steps)) < 1e-12)
        #expect(p.zeroChangeFraction == Double(zero) / Double(steps))
        #expect(abs(p.switchRate - unitsTotal / Double(steps) / 12) < 1e-12)
        if !stochastic {
            // Correlation of the flip fraction of update t with |δ_t| (gd: δ from the run's norms).
            let x = p.flipFraction
            let y = (0..<steps).map { abs(r.gradientSquaredNorms[1][$0] - r.gradientSquaredNorms[0][$0]) }
            let mx = x.reduce(0, +) / Double(steps)
            let my = y.reduce(0, +) / Double(steps)
            var sxy = 0.0
            var sxx = 0.0
            var syy = 0.0
            for i in 0..<steps {
                sxy += (x[i] - mx) * (y[i] - my)
                sxx += (x[i] - mx) * (x[i] - mx)
                syy += (y[i] - my) * (y[i] - my)
            }
            #expect(abs(p.flipImbalanceCorrelation - sxy / (sxx * syy).squareRoot()) < 1e-10)
        }
    }

    @Test("thinned probe series are the full series at the recorded steps")
    func thinned() throws {
        let data = TrainFixture.mixture(n: 30, d: 5, classes: 3, seed: 9)
        let net = try Network.mlp(sizes: [5, 70, 3], activation: .relu, bias: false, seed: 4)
        let opt = try Optimizer.gradientDescent(learningRate: 0.05)
        let full = try train(
            network: net, data: data, optimizer: opt, loss: .mse, steps: 33,
            options: TrainingOptions(patternProbe: true)
        ).pattern!
        try #require(full.flipFraction.count == 33)
        let thin = try train(
            network: net, data: data, optimizer: opt, loss: .mse, steps: 33,
            options: TrainingOptions(every: 8, patternProbe: true)
        ).pattern!
        let steps = [0, 8, 16, 24, 32]
        #expect(thin.flipFraction == steps.map { full.flipFraction[$0] })
        #expect(thin.unitsFlipped == steps.map { full.unitsFlipped[$0] })
        #expect(thin.distinctPatterns == steps.map { full.distinctPatterns[$0] })
        #expect(thin.meanFlipFraction == full.meanFlipFraction)
        #expect(thin.zeroChangeFraction == full.zeroChangeFraction)
        // 70 units span two 64-bit words per row.
        #expect(full.units == 70)
    }

    @Test("a step without a following update has no flip entry")
    func divergedStepHasNoFlip() throws {
        let data = TrainFixture.mixture(n: 30, d: 5, classes: 3, seed: 9)
        let net = try Network.mlp(sizes: [5, 12, 3], activation: .relu, bias: false, seed: 4)
        let r = try train(
            network: net, data: data, optimizer: try .gradientDescent(learningRate: 0.1), loss: .mse,
            steps: 50, options: TrainingOptions(stopWhenLossBelow: 10, patternProbe: true))
        #expect(r.stepsRun == 0)
        #expect(r.pattern!.flipFraction.count == 1 && r.pattern!.flipFraction[0].isNaN)
        #expect(r.pattern!.updates == 0 && r.pattern!.meanFlipFraction.isNaN)
    }
}
