import NoetherEngine
import Testing

/// The training loop: the exact ledger, its failure where theory says it fails,
/// recording options, checkpoints, stopping and divergence.
@Suite("Training and the conservation ledger")
struct TrainingTests {
    static let data = TrainFixture.mixture()

    static func run(
        _ activation: Activation = .relu, loss: Loss = .crossEntropy, bias: Bool = false,
        optimizer: Optimizer? = nil, steps: Int = 200, sizes: [Int] = [6, 16, 3],
        options: TrainingOptions = TrainingOptions()
    ) throws -> TrainingRun {
        let net = try Network.mlp(sizes: sizes, activation: activation, bias: bias, seed: 42)
        let opt = try optimizer ?? Optimizer.gradientDescent(learningRate: 0.1)
        return try train(network: net, data: data, optimizer: opt, loss: loss, steps: steps, options: options)
    }

    @Test(
        "ΔC = η²Σδ over 2000 steps (relative ~1e-10) and per step at rounding level",
        arguments: [Activation.relu, .linear], [Loss.mse, .crossEntropy])
    func ledgerIdentity(activation: Activation, loss: Loss) throws {
        for sizes in [[6, 16, 3], [6, 8, 8, 3]] {
            let r = try Self.run(activation, loss: loss, steps: 2000, sizes: sizes)
            #expect(!r.diverged)
            #expect(r.stepsRun == 2000)
            // A meaningful drift, explained by η²S to ~1e-10 relative.
            for l in 0..<r.pairCount { #expect(abs(r.finalConserved[l] - r.initialConserved[l]) > 1e-4) }
            #expect(r.ledgerResidual < 1e-10, "\(activation) \(loss) \(sizes): \(r.ledgerResidual)")
            #expect(r.ledgerStepError < 1e-14, "\(activation) \(loss) \(sizes): \(r.ledgerStepError)")
            // The final C agrees with the returned network.
            let c = r.network.conservedQuantities
            for l in 0..<r.pairCount { #expect(c[l] == r.finalConserved[l]) }
        }
    }

    @Test("the ledger visibly fails with bias, tanh, momentum, adam and weight decay")
    func ledgerBreaks() throws {
        let broken: [(String, TrainingRun)] = [
            ("bias", try Self.run(bias: true)),
            ("tanh", try Self.run(.tanh)),
            ("gelu", try Self.run(.gelu)),
            ("momentum", try Self.run(optimizer: try .momentum(learningRate: 0.05))),
            ("adam", try Self.run(optimizer: try .adam(learningRate: 0.01))),
            ("weight decay", try Self.run(optimizer: try .gradientDescent(learningRate: 0.1, weightDecay: 1e-3))),
        ]
        for (name, r) in broken {
            #expect(!r.diverged, "\(name)")
            #expect(r.ledgerStepError > 1e-8, "\(name): \(r.ledgerStepError)")
            #expect(r.ledgerResidual > 1e-4, "\(name): \(r.ledgerResidual)")
        }
    }

    @Test("sgd keeps the identity with δ from the mini-batch gradient applied")
    func sgdLedger() throws {
        let r = try Self.run(optimizer: try .stochastic(learningRate: 0.1, batchSize: 7, seed: 3), steps: 300)
        #expect(r.ledgerStepError < 1e-14)
        #expect(r.ledgerResidual < 1e-10)
        #expect(r.finalFullBatchLoss != nil)
        #expect(r.accuracy >= 0 && r.accuracy <= 1)
        // For plain sgd the update imbalance is η²S by definition.
        for l in 0..<r.pairCount {
            #expect(TrainFixture.relative(r.updateImbalanceSum[l], 0.01 * r.imbalanceSum[l]) < 1e-12)
        }
    }

    @Test("momentum and adam: the update imbalance explains ΔC better than η²S")
    func updateImbalance() throws {
        let r = try Self.run(optimizer: try .momentum(learningRate: 0.05), steps: 300)
        let measured = r.finalConserved[0] - r.initialConserved[0]
        let byUpdates = abs(measured - r.updateImbalanceSum[0])
        let byGradients = abs(measured - 0.05 * 0.05 * r.imbalanceSum[0])
        #expect(byUpdates < byGradients, "|ΔC − Σ update imbalance| = \(byUpdates), |ΔC − η²S| = \(byGradients)")
        #expect(r.gradientSquaredNormSum.allSatisfy { $0 > 0 })
    }

    @Test("C_l(θ₀) averages (K − m)/3 over seeds under the default init")
    func initialImbalance() throws {
        let m = 64
        let d = 20
        let k = 5
        var sum = 0.0
        let seeds = 200
        for seed in 0..<seeds {
            sum += try Network.mlp(sizes: [d, m, k], activation: .relu, bias: false, seed: seed).conservedQuantities[0]
        }
        let mean = sum / Double(seeds)
        // Per-seed std ≈ 0.54 (see the variance of ||W₁||² under U(±1/√d)); 4 standard errors.
        #expect(abs(mean - Double(k - m) / 3) < 4 * 0.54 / Double(seeds).squareRoot(), "mean C₁(θ₀) = \(mean)")

        var deep = [Double](repeating: 0, count: 3)
        for seed in 0..<100 {
            let c = try Network.mlp(sizes: [20, 32, 32, 32, 5], activation: .relu, bias: false, seed: seed)
                .conservedQuantities
            for l in 0..<3 { deep[l] += c[l] / 100 }
        }
        // (32·32)/(3·32) − (32·20)/(3·20) = 0 for the square pairs; (5 − 32)/3 for the last.
        #expect(abs(deep[0] - (32.0 - 32) / 3) < 0.2)
        #expect(abs(deep[1]) < 0.2)
        #expect(abs(deep[2] - (5.0 - 32) / 3) < 0.2)
    }

    @Test("every=k thins the series but keeps the ledger and summaries exact")
    func thinning() throws {
        let full = try Self.run(steps: 103)
        let thin = try Self.run(steps: 103, options: TrainingOptions(every: 10))
        #expect(thin.steps == Array(stride(from: 0, through: 100, by: 10)) + [102])
        #expect(thin.stateSteps == Array(stride(from: 0, through: 100, by: 10)) + [103])
        #expect(thin.ledgerStepError == full.ledgerStepError)
        #expect(thin.ledgerResidual == full.ledgerResidual)
        #expect(thin.imbalanceSum == full.imbalanceSum)
        #expect(thin.relativeDrift == full.relativeDrift)
        #expect(thin.drift == full.drift)
        #expect(thin.network.parameters == full.network.parameters)
        #expect(thin.losses == thin.steps.map { full.losses[$0] })
        #expect(thin.accuracies! == thin.steps.map { full.accuracies![$0] })
        for l in 0..<2 { #expect(thin.gradientSquaredNorms[l] == thin.steps.map { full.gradientSquaredNorms[l][$0] }) }
        #expect(thin.measuredChange[0] == thin.steps.map { full.measuredChange[0][$0] })
        #expect(thin.conserved[0] == thin.stateSteps.map { full.conserved[0][$0] })
        #expect(thin.weightSquaredNorms[1] == thin.stateSteps.map { full.weightSquaredNorms[1][$0] })
        #expect(full.conserved[0].count == 104 && full.losses.count == 103)
        #expect(thin.time == thin.steps.map { 0.1 * Double($0) })
        // Weight norms are the C's parts.
        for i in full.stateSteps.indices {
            #expect(full.conserved[0][i] == full.weightSquaredNorms[1][i] - full.weightSquaredNorms[0][i])
        }
    }

    @Test("checkpoints keep θ_t exactly; at(0) and at(T) always answer")
    func checkpoints() throws {
        let r = try Self.run(steps: 60, options: TrainingOptions(checkpoints: [0, 25, 60, 25]))
        #expect(r.checkpointSteps == [0, 25, 60])
        let short = try Self.run(steps: 25)
        #expect(try r.at(25).parameters == short.network.parameters)
        #expect(try r.at(0).parameters == r.initialNetwork.parameters)
        #expect(try r.at(60).parameters == r.network.parameters)
        #expect(
            TrainFixture.error { try r.at(7) }
                == .network(.notACheckpoint(7, kept: [0, 25, 60])))
        #expect(
            TrainFixture.error { try Self.run(steps: 10, options: TrainingOptions(checkpoints: [11])) }
                == .network(.checkpointOutsideRun(11, steps: 10)))
    }

    @Test("stop_when_loss_below stops before the update of the first step below it")
    func stopBelow() throws {
        let reference = try Self.run(steps: 300)
        let threshold = reference.losses[120]
        let r = try Self.run(
            steps: 300,
            options: TrainingOptions(
                every: 50, checkpoints: [200],
                stopWhenLossBelow: threshold * 1.0000001))
        let first = reference.losses.firstIndex { $0 < threshold * 1.0000001 }!
        #expect(r.stopReason == .lossBelowThreshold)
        #expect(r.stepsRun == first)
        #expect(r.steps.last == first && r.losses.last == reference.losses[first])
        #expect(r.stateSteps.last == first)
        #expect(r.gradientSquaredNorms[0].count == r.steps.count - 1)
        #expect(r.network.parameters == (try Self.run(steps: first)).network.parameters)
        #expect(
            TrainFixture.error { try r.at(200) }
                == .network(.stoppedBeforeCheckpoint(200, stoppedAt: first)))
        #expect(!r.diverged && !r.drift[0].isNaN)
    }

    @Test("divergence: non-finite parameters, non-finite loss, and the loss threshold")
    func divergence() throws {
        let huge = try Self.run(loss: .mse, optimizer: try .gradientDescent(learningRate: 1e3), steps: 500)
        #expect(huge.diverged && huge.stopReason == .diverged)
        let at = try #require(huge.divergedAt)
        #expect(at <= huge.stepsRun + 1 && at < 500)
        #expect(huge.drift.allSatisfy { $0.isNaN })
        #expect(huge.accuracy.isNaN)

        let limited = try Self.run(
            loss: .mse, optimizer: try .gradientDescent(learningRate: 3), steps: 500,
            options: TrainingOptions(divergenceLoss: 10))
        #expect(limited.diverged)
        let t = try #require(limited.divergedAt)
        #expect(limited.losses.last! > 10 && limited.stepsRun == t)
        #expect(limited.losses.dropLast().allSatisfy { $0 <= 10 })
        #expect(limited.network.parameters.isFinite)
    }

    @Test("a monitor can interrupt; the last step and state are still recorded")
    func interrupt() throws {
        let net = try Network.mlp(sizes: [6, 16, 3], activation: .relu, bias: false, seed: 42)
        let monitor = TrainingMonitor(interval: 7) { done, _ in done < 21 }
        let r = try train(
            network: net, data: Self.data, optimizer: try .gradientDescent(learningRate: 0.1),
            loss: .crossEntropy, steps: 100, options: TrainingOptions(every: 10), monitor: monitor)
        #expect(r.interrupted && r.stepsRun == 21)
        #expect(r.steps == [0, 10, 20])
        #expect(r.stateSteps == [0, 10, 20, 21])
    }

    @Test("per-neuron balances sum to C_l and obey their own per-step ledger")
    func neuronBalances() throws {
        let r = try Self.run(sizes: [6, 8, 8, 3], options: TrainingOptions(every: 5, neuronBalances: true))
        let series = try #require(r.neuronBalanceSeries)
        #expect(series.count == 2 && series[0].rows == r.stateSteps.count && series[0].columns == 8)
        for h in 0..<2 {
            for i in 0..<series[h].rows {
                let sum = series[h].row(i).reduce(0, +)
                #expect(abs(sum - r.conserved[h][i]) < 1e-12)
            }
        }
        #expect(try #require(r.neuronLedgerStepError) < 1e-14)
        #expect(r.finalNeuronBalances[1] == series[1].row(series[1].rows - 1))
        let biased = try Self.run(bias: true, options: TrainingOptions(neuronBalances: true))
        #expect(try #require(biased.neuronLedgerStepError) > 1e-8)
    }

    @Test("the sharpness hook: schedule, values and edge-of-stability summaries")
    func sharpness() throws {
        // λ_max by warm-started power iteration, compared with 2/η = 20.
        let method = SharpnessTracker.Method.powerIteration(iterations: 20)
        let probe = SharpnessProbe(every: 10, method: method, seed: 3)
        let r = try Self.run(steps: 45, options: TrainingOptions(checkpoints: [0, 10, 20, 30, 40], sharpness: probe))
        let s = try #require(r.sharpness)
        #expect(s.steps == [0, 10, 20, 30, 40])
        // The loop's values are one tracker's, fed the same states in order.
        var tracker = SharpnessTracker(architecture: r.network.architecture, method: method, seed: 3)
        for (t, v) in zip(s.steps, s.values) {
            let expected = try tracker.measure(parameters: r.at(t).parameters, data: Self.data, loss: .crossEntropy)
            #expect(v.bitPattern == expected.bitPattern)
            #expect(v > 0)
        }
        #expect(s.threshold == 20)
        #expect(s.initial == s.values[0])
        let expectedFirst = zip(s.steps, s.values).first { $0.1 >= 20 }?.0
        #expect(s.firstStepAtEdge == expectedFirst)
        #expect(s.fractionNearEdge == Double(s.values.filter { $0 >= 18 }.count) / 5)
        #expect(s.maxRatio == s.values.map { 0.1 * $0 / 2 }.max()!)
        // The final state is measured when T is a multiple of the interval.
        let exact = try Self.run(steps: 40, options: TrainingOptions(sharpness: probe))
        #expect(exact.sharpness!.steps == [0, 10, 20, 30, 40])
    }

    @Test("parallel runs are independent and identical to serial ones")
    func parallelRuns() async throws {
        let rates = [0.01, 0.03, 0.1, 0.3]
        let net = try Network.mlp(sizes: [6, 16, 3], activation: .relu, bias: false, seed: 1)
        let data = Self.data
        let serial = try rates.map {
            try train(
                network: net, data: data, optimizer: .gradientDescent(learningRate: $0),
                loss: .crossEntropy, steps: 100
            ).network.parameters
        }
        let parallel = try await withThrowingTaskGroup(of: (Int, Parameters).self) { group in
            for (i, rate) in rates.enumerated() {
                group.addTask {
                    let opt = try Optimizer.gradientDescent(learningRate: rate)
                    return (
                        i,
                        try train(
                            network: net, data: data, optimizer: opt, loss: .crossEntropy, steps: 100,
                            options: TrainingOptions(patternProbe: true)
                        ).network.parameters
                    )
                }
            }
            var out = [Parameters?](repeating: nil, count: rates.count)
            for try await (i, p) in group { out[i] = p }
            return out
        }
        for i in rates.indices { #expect(parallel[i] == serial[i]) }
    }

    @Test("option errors")
    func optionErrors() throws {
        #expect(
            TrainFixture.error { try Self.run(options: TrainingOptions(every: 0)) }
                == .outOfDomain(.recordInterval, .atLeast(1), got: .integer(0)))
        #expect(
            TrainFixture.error { try Self.run(sizes: [6, 3], options: TrainingOptions(patternProbe: true)) }
                == .network(.patternProbeNeedsHiddenLayer))
        #expect(
            TrainFixture.error { try Self.run(optimizer: try .stochastic(learningRate: 0.1, batchSize: 41, seed: 0)) }
                == .network(.batchExceedsSamples(batch: 41, samples: 40, dataset: "gaussian_mixture")))
    }
}
