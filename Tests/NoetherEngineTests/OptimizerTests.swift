#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import Testing

/// Update rules against hand-computed steps in PyTorch's conventions.
@Suite("Optimizers")
struct OptimizerTests {
    /// θ = one 1×3 weight matrix and a 1×1 bias; the gradients of three steps.
    static let theta0: [Double] = [0.5, -1.25, 2.0]
    static let bias0: [Double] = [0.3]
    static let grads: [[Double]] = [[0.1, -0.2, 0.3], [0.05, 0.4, -0.1], [-0.3, 0.0, 0.2]]
    static let biasGrads: [[Double]] = [[0.7], [-0.1], [0.2]]

    static func parameters() -> Parameters {
        Parameters(
            weights: [Matrix(rows: 1, columns: 3, storage: theta0)],
            biases: [Matrix(rows: 1, columns: 1, storage: bias0)])
    }

    /// Runs `optimizer` for the three gradients; returns θ (weights, bias) after each step.
    static func trajectory(_ optimizer: Optimizer) -> [([Double], [Double], Double)] {
        var p = parameters()
        var state = OptimizerState(optimizer: optimizer, parameters: p)
        var out = [([Double], [Double], Double)]()
        for s in 0..<3 {
            state.step(
                &p, weightGradients: [Matrix(rows: 1, columns: 3, storage: grads[s])],
                biasGradients: [Matrix(rows: 1, columns: 1, storage: biasGrads[s])])
            out.append((p.weights[0].storage, p.biases![0].storage, state.updateSquaredNorms[0]))
        }
        #expect(state.stepCount == 3)
        return out
    }

    /// The expected scalars, one parameter at a time, as PyTorch's loops write them.
    static func expected(_ rule: (inout [Double], Int, Double, Double) -> Double) -> [([Double], [Double])] {
        var w = theta0
        var b = bias0
        var wState = [[Double]](repeating: [0, 0], count: 3)
        var bState = [[Double]](repeating: [0, 0], count: 1)
        var out = [([Double], [Double])]()
        for s in 0..<3 {
            for i in 0..<3 { w[i] -= rule(&wState[i], s + 1, grads[s][i], w[i]) }
            b[0] -= rule(&bState[0], s + 1, biasGrads[s][0], b[0])
            out.append((w, b))
        }
        return out
    }

    static func check(_ got: [([Double], [Double], Double)], _ want: [([Double], [Double])], tolerance: Double = 1e-15)
    {
        for s in 0..<3 {
            for i in 0..<3 {
                #expect(abs(got[s].0[i] - want[s].0[i]) <= tolerance * max(1, abs(want[s].0[i])), "step \(s + 1) w\(i)")
            }
            #expect(abs(got[s].1[0] - want[s].1[0]) <= tolerance * max(1, abs(want[s].1[0])), "step \(s + 1) bias")
        }
    }

    @Test("gd, with and without weight decay")
    func gradientDescent() throws {
        let eta = 0.1
        let wd = 0.01
        let got = Self.trajectory(try .gradientDescent(learningRate: eta))
        Self.check(got, Self.expected { _, _, g, _ in eta * g })
        // Plain gd leaves ||Δθ||² to the caller (it is η²||g||²); with decay it is measured.
        #expect(got[0].2 == 0)
        let decayed = Self.trajectory(try .gradientDescent(learningRate: eta, weightDecay: wd))[0].2
        let d = (0..<3).map { Self.grads[0][$0] + wd * Self.theta0[$0] }
        #expect(abs(decayed - eta * eta * d.reduce(0) { $0 + $1 * $1 }) < 1e-17)
        Self.check(
            Self.trajectory(try .gradientDescent(learningRate: eta, weightDecay: wd)),
            Self.expected { _, _, g, th in eta * (g + wd * th) })
        // Hand-computed first step of w0 with decay: 0.5 − 0.1·(0.1 + 0.01·0.5) = 0.4895.
        #expect(abs(Self.trajectory(try .gradientDescent(learningRate: eta, weightDecay: wd))[0].0[0] - 0.4895) < 1e-15)
    }

    @Test("momentum: v ← βv + g, θ ← θ − ηv (first step v = g); nesterov θ ← θ − η(g + βv)")
    func momentum() throws {
        let eta = 0.1
        let beta = 0.9
        let wd = 0.05
        Self.check(
            Self.trajectory(try .momentum(learningRate: eta, beta: beta)),
            Self.expected { st, _, g, _ in
                st[0] = beta * st[0] + g
                return eta * st[0]
            })
        Self.check(
            Self.trajectory(try .momentum(learningRate: eta, beta: beta, nesterov: true, weightDecay: wd)),
            Self.expected { st, _, g, th in
                let d = g + wd * th
                st[0] = beta * st[0] + d
                return eta * (d + beta * st[0])
            })
        // By hand, w0 over two steps: v₁ = 0.1, θ₁ = 0.49; v₂ = 0.09 + 0.05 = 0.14, θ₂ = 0.476.
        let t = Self.trajectory(try .momentum(learningRate: eta, beta: beta))
        #expect(abs(t[0].0[0] - 0.49) < 1e-15 && abs(t[1].0[0] - 0.476) < 1e-15)
    }

    @Test("adam: bias-corrected moments, PyTorch's formula and defaults")
    func adam() throws {
        let eta = 0.01
        let b1 = 0.9
        let b2 = 0.999
        let eps = 1e-8
        let wd = 0.1
        for decay in [0.0, wd] {
            Self.check(
                Self.trajectory(try .adam(learningRate: eta, weightDecay: decay)),
                Self.expected { st, t, g, th in
                    let d = g + decay * th
                    st[0] = b1 * st[0] + (1 - b1) * d
                    st[1] = b2 * st[1] + (1 - b2) * d * d
                    let mHat = st[0] / (1 - pow(b1, Double(t)))
                    let vHat = st[1] / (1 - pow(b2, Double(t)))
                    return eta * mHat / (vHat.squareRoot() + eps * 1)
                }, tolerance: 1e-12)
        }
        // The first Adam step moves every coordinate by ≈ η·sign(g).
        let first = Self.trajectory(try .adam(learningRate: eta))[0]
        for i in 0..<3 { #expect(abs((Self.theta0[i] - first.0[i]) - eta * (Self.grads[0][i] > 0 ? 1 : -1)) < 1e-8) }
        #expect(abs(first.2 - 3 * eta * eta) < 1e-9)
    }

    @Test("sgd: seeded shuffling per epoch, batches in permutation order, short last batch")
    func miniBatches() throws {
        let data = TrainFixture.mixture(n: 10, d: 4, classes: 3, seed: 5)
        let net = try Network.mlp(sizes: [4, 6, 3], activation: .relu, bias: true, seed: 8)
        let eta = 0.2
        let batch = 4
        let seed = 77
        let run = try train(
            network: net, data: data, optimizer: try .stochastic(learningRate: eta, batchSize: batch, seed: seed),
            loss: .crossEntropy, steps: 7, options: TrainingOptions(checkpoints: Array(0...7)))
        // By hand: epochs of ⌈10/4⌉ = 3 steps (4, 4, 2 samples), a new permutation per epoch.
        var rng = RandomSource(seed: seed)
        var p = net.parameters
        var perm = [Int]()
        var position = 10
        for t in 0..<7 {
            if position >= 10 {
                perm = rng.permutation(10)
                position = 0
            }
            let indices = Array(perm[position..<min(position + batch, 10)])
            position += indices.count
            let sub = try data.subset(indices: indices)
            let (value, g) = try net.with(parameters: p).lossAndGradient(data: sub, loss: .crossEntropy)
            #expect(run.losses[t] == value, "step \(t)")
            for l in 0..<2 {
                p.weights[l].add(g.weights[l], scaledBy: -eta)
                p.biases![l].add(g.biases![l], scaledBy: -eta)
            }
            #expect(try run.at(t + 1).parameters == p, "step \(t)")
        }
        #expect(run.optimizer.batchSize == 4)
    }

    @Test("full-batch momentum in train matches the hand loop")
    func momentumInTraining() throws {
        let data = TrainFixture.mixture(n: 12, d: 4, classes: 3, seed: 5)
        let net = try Network.mlp(sizes: [4, 5, 3], activation: .relu, bias: false, seed: 8)
        let run = try train(
            network: net, data: data, optimizer: try .momentum(learningRate: 0.1, beta: 0.5),
            loss: .mse, steps: 5)
        var p = net.parameters
        var v = p.weights.map { Matrix(rows: $0.rows, columns: $0.columns) }
        for _ in 0..<5 {
            let g = try net.with(parameters: p).lossAndGradient(data: data, loss: .mse).gradient
            for l in 0..<2 {
                for i in 0..<v[l].count {
                    v[l].storage[i] = 0.5 * v[l].storage[i] + g.weights[l].storage[i]
                    p.weights[l].storage[i] -= 0.1 * v[l].storage[i]
                }
            }
        }
        for l in 0..<2 { #expect(run.network.parameters.weights[l].maxAbsDifference(p.weights[l]) < 1e-15) }
    }

    @Test("validation messages")
    func validation() throws {
        #expect(try Optimizer.gradientDescent(learningRate: 0.5).satisfiesDriftIdentity)
        #expect(try !Optimizer.gradientDescent(learningRate: 0.5, weightDecay: 0.1).satisfiesDriftIdentity)
        #expect(try Optimizer.stochastic(learningRate: 0.5, batchSize: 2, seed: 0).satisfiesDriftIdentity)
        #expect(try !Optimizer.adam(learningRate: 0.5).satisfiesDriftIdentity)
        #expect(
            TrainFixture.error { try Optimizer.momentum(learningRate: 0.1, beta: 1) }
                == .outOfDomain(.momentum, .unitIntervalExcludingOne, got: .number(1)))
        #expect(
            TrainFixture.error { try Optimizer.adam(learningRate: 0.1, epsilon: 0) }
                == .outOfDomain(.adamEpsilon, .finitePositive, got: .number(0)))
        #expect(
            TrainFixture.error { try Optimizer.stochastic(learningRate: 0.1, batchSize: 0, seed: 1) }
                == .outOfDomain(.batchSize, .atLeast(1), got: .integer(0)))
        #expect(
            TrainFixture.error { try Optimizer.gradientDescent(learningRate: -1) }
                == .outOfDomain(.learningRate, .finitePositive, got: .number(-1)))
        #expect(
            TrainFixture.error { try Optimizer.gradientDescent(learningRate: 1, weightDecay: -0.5) }
                == .outOfDomain(.weightDecay, .finiteNonNegative, got: .number(-0.5)))
    }
}
