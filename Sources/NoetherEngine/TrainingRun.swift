/// The record of one training run: every per-step series and the ledger.
///
/// Indexing: step t = 0 … stepsRun−1 has `losses[t]` and `gradientSquaredNorms[l][t]`
/// taken at θ_t before its update; `conserved[l][t]` is C_l(θ_t) for t = 0 … stepsRun
/// (one more entry: θ after the last update); `measuredChange[l][t]` =
/// C_l(t+1) − C_l(t) and `predictedChange[l][t]` = η²δ_l(t). Layer pairs are
/// 0-based here (l = 0 is the paper's C₁).
public final class TrainingRun: Sendable {
    public let initialNetwork: Network
    /// The network after the last update.
    public let network: Network
    public let datasetName: String
    public let optimizer: Optimizer
    public let loss: Loss
    public let stepsRequested: Int
    /// Number of updates applied.
    public let stepsRun: Int
    public let losses: [Double]
    public let conserved: [[Double]]
    public let gradientSquaredNorms: [[Double]]
    public let measuredChange: [[Double]]
    public let predictedChange: [[Double]]
    /// Accuracy of the last forward pass (θ_{T−1}); NaN for regression or diverged runs.
    public let accuracy: Double
    public let diverged: Bool
    public let divergedAt: Int?
    /// Stopped early by the caller's monitor (e.g. Ctrl-C).
    public let interrupted: Bool
    /// Wall time of the training loop, seconds.
    public let seconds: Double

    public init(initialNetwork: Network, network: Network, datasetName: String, optimizer: Optimizer, loss: Loss,
                stepsRequested: Int, stepsRun: Int, losses: [Double], conserved: [[Double]],
                gradientSquaredNorms: [[Double]], measuredChange: [[Double]], predictedChange: [[Double]],
                accuracy: Double, diverged: Bool, divergedAt: Int?, interrupted: Bool, seconds: Double) {
        self.initialNetwork = initialNetwork
        self.network = network
        self.datasetName = datasetName
        self.optimizer = optimizer
        self.loss = loss
        self.stepsRequested = stepsRequested
        self.stepsRun = stepsRun
        self.losses = losses
        self.conserved = conserved
        self.gradientSquaredNorms = gradientSquaredNorms
        self.measuredChange = measuredChange
        self.predictedChange = predictedChange
        self.accuracy = accuracy
        self.diverged = diverged
        self.divergedAt = divergedAt
        self.interrupted = interrupted
        self.seconds = seconds
    }

    public var learningRate: Double { optimizer.learningRate }
    public var pairCount: Int { conserved.count }

    /// Loss of the last forward pass (at θ_{T−1}); NaN when no step ran.
    public var finalLoss: Double { losses.last ?? .nan }

    /// C_l(θ₀) per pair.
    public var initialConserved: [Double] { conserved.map { $0[0] } }
    /// C_l after the last update per pair.
    public var finalConserved: [Double] { conserved.map { $0[$0.count - 1] } }

    /// |C_l(T) − C_l(0)| per pair; NaN for a diverged run (its parameters are not finite
    /// or its last step was not taken), as the reference records it.
    public var drift: [Double] {
        (0..<pairCount).map { l in diverged ? .nan : abs(conserved[l].last! - conserved[l][0]) }
    }

    /// Mean over pairs of |ΔC_l| (the deep-network drift of experiments.md §1.7).
    public var meanDrift: Double {
        let d = drift
        return d.isEmpty ? .nan : d.reduce(0, +) / Double(d.count)
    }

    /// max over t ≥ 1 of |C_l(t) − C_l(0)| / |C_l(0)| per pair (absolute deviation when
    /// |C_l(0)| < 1e-10), as in experiments.md §1.7.
    public var relativeDrift: [Double] {
        (0..<pairCount).map { l in
            let c0 = conserved[l][0]
            var m = 0.0
            for t in conserved[l].indices.dropFirst() { m = Swift.max(m, abs(conserved[l][t] - c0)) }
            return abs(c0) < 1e-10 ? m : m / abs(c0)
        }
    }

    /// S_l = Σ_t δ_l(t) per pair (signed), δ_l = ||g_{l+1}||² − ||g_l||² at θ_t, over
    /// the steps whose update was applied.
    public var imbalanceSum: [Double] {
        (0..<pairCount).map { l in
            var s = 0.0
            for t in 0..<stepsRun { s += gradientSquaredNorms[l + 1][t] - gradientSquaredNorms[l][t] }
            return s
        }
    }

    /// The identity over the whole run: max over l of
    /// |(C_l(T) − C_l(0)) − η²S_l| / |C_l(T) − C_l(0)|.
    public var ledgerResidual: Double {
        let s = imbalanceSum
        let eta2 = learningRate * learningRate
        var worst = 0.0
        for l in 0..<pairCount {
            let change = conserved[l][stepsRun] - conserved[l][0]
            let r = abs(change - eta2 * s[l]) / abs(change)
            if r.isNaN { return .nan }
            worst = Swift.max(worst, r)
        }
        return worst
    }

    /// The largest |ΔC_l(t) − η²δ_l(t)| over all steps and pairs (rounding-level in
    /// Float64 when the identity holds).
    public var ledgerStepError: Double {
        var worst = 0.0
        for l in 0..<pairCount {
            for t in measuredChange[l].indices {
                let e = abs(measuredChange[l][t] - predictedChange[l][t])
                if e.isNaN { return .nan }
                worst = Swift.max(worst, e)
            }
        }
        return worst
    }
}
