import NoetherEngine
import Testing

/// `train(…, precision=.float32)`: the generic step in Float against the Double one,
/// finite differences, the ledger's float32 rounding, determinism, and the
/// activation-pattern probe's count of flips below float32's resolution.
@Suite("Float32 training")
struct Float32TrainingTests {
    static let u = Double(Float.ulpOfOne)

    /// The same cross-entropy run in float64, then in float32.
    static func inBothPrecisions(
        _ net: Network, _ data: Dataset, _ optimizer: Optimizer, steps: Int
    ) throws -> (float64: TrainingRun, float32: TrainingRun) {
        func run(_ precision: Precision) throws -> TrainingRun {
            try train(
                network: net, data: data, optimizer: optimizer, loss: .crossEntropy, steps: steps,
                options: TrainingOptions(precision: precision))
        }
        return (try run(.float64), try run(.float32))
    }

    /// ∂L/∂θ in Float against central differences of the Double loss at the same
    /// (Float-rounded) θ, and against the Double gradient there: both agree to float32
    /// precision (relative to the gradient's scale), far beyond what a wrong term gives.
    @Test(arguments: [Activation.relu, .tanh], [Loss.mse, .crossEntropy])
    func float32GradientMatchesFiniteDifferences(activation: Activation, loss: Loss) throws {
        let data = TrainFixture.data(n: 6, d: 3, classes: 3, seed: 7)
        for bias in [false, true] {
            let base = try GradientTests.awayFromKinks(
                sizes: [3, 5, 4, 3], activation: activation, bias: bias, data: data)
            // θ rounded to Float, so both precisions differentiate the same point.
            let theta32 = ParameterSet<Float>(converting: base.parameters)
            let net = base.with(parameters: Parameters(converting: theta32))
            var bp = BackpropOf<Float>(architecture: net.architecture, batchSize: data.count)
            let value32 = bp.evaluate(
                theta32, inputs: DenseMatrix(converting: data.inputs), targets: DenseMatrix(converting: data.targets),
                labels: data.labels, loss: loss)
            let g32 = Parameters(converting: bp.gradient).flattened
            let (value64, gradient64) = try net.lossAndGradient(data: data, loss: loss)
            let g64 = gradient64.flattened
            let scale = g64.map(abs).max()!
            let fd = try GradientTests.centralDifferences(net, data: data, loss: loss)
            var worstFD = 0.0
            var worst64 = 0.0
            for i in g32.indices {
                worstFD = max(worstFD, abs(fd[i] - g32[i]) / scale)
                worst64 = max(worst64, abs(g64[i] - g32[i]) / scale)
            }
            // A few dozen roundings of 2⁻²⁴ each along the longest chain of the pass.
            #expect(worstFD < 64 * Self.u, "\(activation) \(loss) bias=\(bias): FD error \(worstFD / Self.u) ulp")
            #expect(worst64 < 64 * Self.u, "\(activation) \(loss) bias=\(bias): \(worst64 / Self.u) ulp")
            #expect(worst64 > 0, "the Float pass must actually compute in Float")
            #expect(abs(value32 - value64) < 16 * Self.u * max(1, abs(value64)))
        }
    }

    /// A short float32 run stays within float32 precision of the Double run: the
    /// difference of the losses grows at most linearly in the step count, by a few
    /// float32 ulps of the loss's scale per step (gd well inside its stable range).
    @Test func float32RunAgreesWithFloat64ToFloat32Precision() throws {
        let data = TrainFixture.mixture(n: 40, d: 6, classes: 3, seed: 42)
        let net = try Network.mlp(sizes: [6, 16, 3], activation: .relu, bias: false, seed: 5)
        let steps = 100
        let (a, b) = try Self.inBothPrecisions(net, data, .gradientDescent(learningRate: 0.05), steps: steps)
        #expect(a.precision == .float64 && b.precision == .float32)
        #expect(a.losses.count == steps && b.losses.count == steps)
        let scale = a.losses.map(abs).max()!
        var worst = 0.0
        for t in 0..<steps {
            let d = abs(a.losses[t] - b.losses[t])
            worst = max(worst, d / (Double(t + 1) * Self.u * scale))
            #expect(d <= 8 * Double(t + 1) * Self.u * scale, "step \(t): losses differ by \(d)")
        }
        #expect(worst > 0, "identical losses: the float32 run did not compute in Float")
        // The trained weights too, relative to their size.
        let wa = a.network.parameters.flattened
        let wb = b.network.parameters.flattened
        let wscale = wa.map(abs).max()!
        let dw = zip(wa, wb).map { abs($0 - $1) }.max()!
        #expect(dw <= 8 * Double(steps) * Self.u * wscale)
        // Every reported value is a widened Float.
        for w in wb { #expect(Double(Float(w)) == w) }
    }

    /// The ledger of a float32 run: its sums are exact enough (Double) that the step
    /// error shows float32's own rounding of the update, θ ← fl₃₂(θ − ηg): each entry
    /// moves by at most 2⁻²⁴|θ|, so ||W||² by at most 2⁻²³||W||² per step and per
    /// layer, and |ΔC_l − η²δ_l| ≲ 2⁻²³(||W_l||² + ||W_{l+1}||²). The signs of the
    /// roundings are mixed, so the largest error over the run is a fraction of that
    /// bound — but far above Double's.
    @Test func float32LedgerErrorHasTheSizeOfFloat32Rounding() throws {
        let data = TrainFixture.mixture(n: 40, d: 6, classes: 3, seed: 42)
        let net = try Network.mlp(sizes: [6, 32, 3], activation: .relu, bias: false, seed: 9)
        let (a, b) = try Self.inBothPrecisions(net, data, .gradientDescent(learningRate: 0.05), steps: 200)
        let norms = b.weightSquaredNorms
        var bound = 0.0
        for t in norms[0].indices { bound = max(bound, norms[0][t] + norms[1][t]) }
        bound *= Self.u
        #expect(a.ledgerStepError < 1e-6 * bound, "Double: \(a.ledgerStepError)")
        #expect(b.ledgerStepError > 1e3 * a.ledgerStepError)
        #expect(b.ledgerStepError <= 2 * bound, "float32 error \(b.ledgerStepError) vs bound \(bound)")
        #expect(b.ledgerStepError >= 0.01 * bound, "float32 error \(b.ledgerStepError) vs bound \(bound)")
    }

    /// Same inputs, same numbers: twice the same float32 run, every optimizer.
    @Test func float32RunsAreDeterministic() throws {
        let data = TrainFixture.mixture(n: 40, d: 6, classes: 3, seed: 42)
        let net = try Network.mlp(sizes: [6, 12, 3], activation: .relu, bias: true, seed: 2)
        let optimizers: [Optimizer] = [
            try .gradientDescent(learningRate: 0.05, weightDecay: 1e-3),
            try .momentum(learningRate: 0.05, beta: 0.9, nesterov: true),
            try .adam(learningRate: 0.01),
            try .stochastic(learningRate: 0.05, batchSize: 16, seed: 3),
        ]
        for opt in optimizers {
            let options = TrainingOptions(patternProbe: true, neuronBalances: true, precision: .float32)
            let r1 = try train(
                network: net, data: data, optimizer: opt, loss: .crossEntropy, steps: 40, options: options)
            let r2 = try train(
                network: net, data: data, optimizer: opt, loss: .crossEntropy, steps: 40, options: options)
            #expect(r1.losses == r2.losses, "\(opt.method)")
            #expect(r1.network.parameters == r2.network.parameters, "\(opt.method)")
            #expect(r1.ledgerStepError == r2.ledgerStepError)
            #expect(r1.pattern!.tinyFlips == r2.pattern!.tinyFlips)
            // And it trains: the loss falls, every number finite.
            #expect(r1.losses.last! < r1.losses.first!, "\(opt.method)")
            #expect(r1.network.parameters.isFinite)
        }
    }

    /// The probe's flip counts are consistent: every flip counted once, tiny or not;
    /// the resolved switch rate never exceeds the switch rate.
    @Test(arguments: [Precision.float64, .float32])
    func tinyFlipCountsAreConsistent(precision: Precision) throws {
        let data = TrainFixture.mixture(n: 60, d: 8, classes: 3, seed: 4)
        let net = try Network.mlp(sizes: [8, 32, 3], activation: .relu, bias: false, seed: 6)
        let run = try train(
            network: net, data: data, optimizer: .gradientDescent(learningRate: 0.2), loss: .crossEntropy,
            steps: 150, options: TrainingOptions(patternProbe: true, precision: precision))
        let p = try #require(run.pattern)
        let entries = Double(p.samples * p.units)
        let counted = p.flipFraction.filter { !$0.isNaN }.reduce(0) { $0 + $1 * entries }
        #expect(p.totalFlips > 0)
        #expect(abs(Double(p.totalFlips) - counted) < 1e-6)
        #expect(p.tinyFlips <= p.totalFlips)
        #expect(p.resolvedSwitchRate <= p.switchRate)
        #expect(p.tinyFlipFraction >= 0 && p.tinyFlipFraction <= 1)
    }

    /// The probe's counts against a brute-force recount from the networks kept at every
    /// step: Z_t = X W₁(t)ᵀ, a flip where the sign of Z changes, tiny where
    /// min(|Z_t|, |Z_{t+1}|) < 2⁻²³·Σ_k |x_ik||W₁(t+1)[j, k]|. The width, inputs and
    /// steps are E09's (quick scale) so that tiny flips actually occur.
    @Test func tinyFlipCountsMatchABruteForceRecount() throws {
        let data = TrainFixture.mixture(n: 200, d: 20, classes: 5, seed: 42)
        let net = try Network.mlp(sizes: [20, 64, 5], activation: .relu, bias: false, seed: 42)
        let steps = 300
        let run = try train(
            network: net, data: data, optimizer: .gradientDescent(learningRate: 0.1), loss: .crossEntropy,
            steps: steps, options: TrainingOptions(checkpoints: Array(0...steps), patternProbe: true))
        let p = try #require(run.pattern)
        let x = data.inputs
        let (n, d) = (x.rows, x.columns)
        var flips = 0
        var tiny = 0
        for t in 0..<steps {
            let w0 = try run.at(t).parameters.weights[0]
            let w1 = try run.at(t + 1).parameters.weights[0]
            let z0 = Matrix.product(.none, x, .transposed, w0)
            let z1 = Matrix.product(.none, x, .transposed, w1)
            for i in 0..<n {
                for j in 0..<w1.rows where (z0[i, j] > 0) != (z1[i, j] > 0) {
                    flips += 1
                    var scale = 0.0
                    for k in 0..<d { scale += abs(x[i, k]) * abs(w1[j, k]) }
                    if min(abs(z0[i, j]), abs(z1[i, j])) < Self.u * scale { tiny += 1 }
                }
            }
        }
        #expect(run.checkpointSteps == Array(0...steps))
        #expect(tiny > 0, "the setting should produce flips below float32's resolution")
        #expect(p.totalFlips == flips)
        #expect(p.tinyFlips == tiny)
    }
}
