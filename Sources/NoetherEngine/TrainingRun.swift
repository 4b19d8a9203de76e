/// The record of one training run: the recorded series, the exact ledger and the
/// run's summaries. Immutable and `Sendable`.
///
/// Two kinds of series, both thinned by `TrainingOptions.every` (k):
/// - **per-step** series, taken at θ_t before the update of step t, at the steps
///   `steps` (0, k, 2k, …, plus the last step evaluated): `losses`, `accuracies`,
///   and, for steps whose update was applied, `gradientSquaredNorms` and the ledger
///   `measuredChange` = C_l(t+1) − C_l(t) beside `predictedChange` = η²δ_l(t) with
///   δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||². Entry i belongs to step `steps[i]`; the
///   update-dependent series are one shorter than `losses` when the last step
///   evaluated applied no update (divergence of the loss, or `stopWhenLossBelow`).
/// - **per-state** series, of θ_t after t updates, at `stateSteps` (0, k, 2k, …,
///   plus the final state θ_stepsRun): `conserved`, `weightSquaredNorms`,
///   `neuronBalanceSeries`.
///
/// With k = 1 every step is recorded: `losses[t]`, `gradientSquaredNorms[l][t]`,
/// `measuredChange[l][t]` belong to step t and `conserved[l][t]` is C_l(θ_t) for
/// t = 0 … stepsRun. Layer indices are 0-based (pair l = 0 is the paper's C₁).
///
/// For sgd, the per-step loss, accuracy and gradients are those of the mini-batch
/// of that step, and δ_l is taken from the mini-batch gradient actually applied (the
/// identity ΔC_l = η²δ_l then still holds exactly). For momentum and Adam δ_l is
/// still the loss gradient's imbalance, so the ledger shows how much of ΔC_l the
/// identity no longer explains; `updateImbalanceSum` has the imbalance of the
/// updates actually applied. Weight decay is never part of δ.
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
    /// The recording interval k.
    public let every: Int
    /// Why the loop ended.
    public let stopReason: StopReason
    /// The precision the run computed in (`TrainingOptions.precision`).
    public let precision: Precision

    /// Steps of the per-step series.
    public let steps: [Int]
    public let losses: [Double]
    /// Accuracy at θ_t per recorded step (mini-batch accuracy under sgd); `nil` for
    /// regression data or when not recorded.
    public let accuracies: [Double]?
    /// ||∂L/∂W_l||² per layer per recorded step.
    public let gradientSquaredNorms: [[Double]]
    public let measuredChange: [[Double]]
    public let predictedChange: [[Double]]

    /// Steps of the per-state series.
    public let stateSteps: [Int]
    /// C_l(θ_t) per pair per recorded state.
    public let conserved: [[Double]]
    /// ||W_l||² per layer per recorded state.
    public let weightSquaredNorms: [[Double]]
    /// Per-neuron balances (see `Parameters.neuronBalances`) per hidden layer: a
    /// matrix with one row per recorded state and one column per unit; `nil` unless
    /// `TrainingOptions.neuronBalances` was on.
    public let neuronBalanceSeries: [Matrix]?
    /// The largest |Δ balance_j(t) − η²(||∂L/∂W_{h+1}[:, j]||² − ||∂L/∂W_h[j, :]||²)|
    /// over every step and hidden unit (rounding-level for gd on homogeneous,
    /// bias-free nets); `nil` unless neuron balances were on.
    public let neuronLedgerStepError: Double?

    /// The activation-pattern probe; `nil` unless it was on.
    public let pattern: ActivationPatternRecord?
    /// Sharpness along the run; `nil` unless a `SharpnessProbe` was given.
    public let sharpness: SharpnessRecord?

    /// The steps at which θ was kept (ascending; those the run reached).
    public let checkpointSteps: [Int]
    private let checkpointNetworks: [Network]
    private let requestedCheckpoints: [Int]

    /// C_l(θ₀) per pair.
    public let initialConserved: [Double]
    /// C_l after the last update per pair.
    public let finalConserved: [Double]
    /// S_l = Σ_t δ_l(t) per pair (signed) over every step whose update was applied.
    public let imbalanceSum: [Double]
    /// Σ_t (||Δθ_{l+1}||² − ||Δθ_l||²) per pair over the updates Δθ actually applied
    /// (weights only); equal to η²S_l for plain gd/sgd without weight decay.
    public let updateImbalanceSum: [Double]
    /// Σ_t ||∂L/∂W_l||² per layer over every step whose update was applied.
    public let gradientSquaredNormSum: [Double]
    private let maxDeviation: [Double]
    /// The largest |ΔC_l(t) − η²δ_l(t)| over every step and pair (rounding-level in
    /// Float64 when the identity holds); NaN when an entry was not finite.
    public let ledgerStepError: Double

    /// Accuracy of the last forward pass (θ_{T−1}) for the full-batch methods; for sgd
    /// the accuracy on the full data at the final θ. NaN for regression or diverged runs.
    public let accuracy: Double
    /// For sgd: the full-batch loss at the final θ (one extra forward pass); `nil` otherwise.
    public let finalFullBatchLoss: Double?
    /// The step at which divergence was detected: t when the loss at θ_t was
    /// non-finite or too large (no update applied), t + 1 when θ_{t+1} was not finite.
    public let divergedAt: Int?
    /// Wall time of the training loop, seconds (probes included).
    public let seconds: Double

    init(_ r: RunRecord) {
        initialNetwork = r.initialNetwork
        network = r.network
        datasetName = r.datasetName
        optimizer = r.optimizer
        loss = r.loss
        stepsRequested = r.stepsRequested
        stepsRun = r.stepsRun
        every = r.every
        stopReason = r.stopReason
        precision = r.precision
        steps = r.steps
        losses = r.losses
        accuracies = r.accuracies
        gradientSquaredNorms = r.gradientSquaredNorms
        measuredChange = r.measuredChange
        predictedChange = r.predictedChange
        stateSteps = r.stateSteps
        conserved = r.conserved
        weightSquaredNorms = r.weightSquaredNorms
        neuronBalanceSeries = r.neuronBalanceSeries
        neuronLedgerStepError = r.neuronLedgerStepError
        pattern = r.pattern
        sharpness = r.sharpness
        checkpointSteps = r.checkpointSteps
        checkpointNetworks = r.checkpointNetworks
        requestedCheckpoints = r.requestedCheckpoints
        initialConserved = r.initialConserved
        finalConserved = r.finalConserved
        imbalanceSum = r.imbalanceSum
        updateImbalanceSum = r.updateImbalanceSum
        gradientSquaredNormSum = r.gradientSquaredNormSum
        maxDeviation = r.maxDeviation
        ledgerStepError = r.ledgerStepError
        accuracy = r.accuracy
        finalFullBatchLoss = r.finalFullBatchLoss
        divergedAt = r.divergedAt
        seconds = r.seconds
    }

    public var learningRate: Double { optimizer.learningRate }
    public var pairCount: Int { initialConserved.count }
    public var diverged: Bool { stopReason == .diverged }
    /// Stopped early by the caller's monitor (e.g. Ctrl-C).
    public var interrupted: Bool { stopReason == .interrupted }

    /// Loss of the last forward pass (at θ_{T−1}); NaN when no step ran.
    public var finalLoss: Double { losses.last ?? .nan }

    /// Learning-rate-scaled time ηt of every recorded step (the gradient-flow clock).
    public var time: [Double] { steps.map { learningRate * Double($0) } }
    /// ηt of every recorded state.
    public var stateTime: [Double] { stateSteps.map { learningRate * Double($0) } }

    /// |C_l(T) − C_l(0)| per pair; NaN for a diverged run (its parameters are not finite
    /// or its last step was not taken), as the reference records it.
    public var drift: [Double] {
        (0..<pairCount).map { l in diverged ? .nan : abs(finalConserved[l] - initialConserved[l]) }
    }

    /// Mean over pairs of |ΔC_l| (the deep-network drift of experiments.md §1.7).
    public var meanDrift: Double {
        let d = drift
        return d.isEmpty ? .nan : d.reduce(0, +) / Double(d.count)
    }

    /// Sum over pairs of |ΔC_l| (E4's drift, here measured from θ₀).
    public var summedDrift: Double {
        let d = drift
        return d.isEmpty ? .nan : d.reduce(0, +)
    }

    /// max over t ≥ 1 (every state, not only recorded ones) of |C_l(t) − C_l(0)| / |C_l(0)|
    /// per pair (absolute deviation when |C_l(0)| < 1e-10), as in experiments.md §1.7.
    public var relativeDrift: [Double] {
        (0..<pairCount).map { l in
            let c0 = initialConserved[l]
            return abs(c0) < 1e-10 ? maxDeviation[l] : maxDeviation[l] / abs(c0)
        }
    }

    /// The identity over the whole run: max over l of
    /// |(C_l(T) − C_l(0)) − η²S_l| / |C_l(T) − C_l(0)|.
    public var ledgerResidual: Double {
        let eta2 = learningRate * learningRate
        var worst = 0.0
        for l in 0..<pairCount {
            let change = finalConserved[l] - initialConserved[l]
            let r = abs(change - eta2 * imbalanceSum[l]) / abs(change)
            if r.isNaN { return .nan }
            worst = Swift.max(worst, r)
        }
        return worst
    }

    /// Per-neuron balances of θ₀ and of the final network, per hidden layer.
    public var initialNeuronBalances: [[Double]] { initialNetwork.neuronBalances }
    public var finalNeuronBalances: [[Double]] { network.neuronBalances }

    /// The network θ_step kept as a checkpoint.
    ///
    /// Throws a `NetworkProblem` when `step` was not requested as a checkpoint, or
    /// when the run stopped before reaching it.
    public func at(_ step: Int) throws(EngineError) -> Network {
        if let i = checkpointSteps.firstIndex(of: step) { return checkpointNetworks[i] }
        if requestedCheckpoints.contains(step) {
            throw .network(.stoppedBeforeCheckpoint(step, stoppedAt: stepsRun))
        }
        if step == stepsRun { return network }
        if step == 0 { return initialNetwork }
        throw .network(.notACheckpoint(step, kept: checkpointSteps))
    }
}

/// Everything a `TrainingRun` holds, assembled by the training loop.
struct RunRecord {
    var initialNetwork: Network
    var network: Network
    var datasetName: String
    var optimizer: Optimizer
    var loss: Loss
    var stepsRequested = 0
    var stepsRun = 0
    var every = 1
    var stopReason = StopReason.completed
    var precision = Precision.float64
    var steps: [Int] = []
    var losses: [Double] = []
    var accuracies: [Double]?
    var gradientSquaredNorms: [[Double]] = []
    var measuredChange: [[Double]] = []
    var predictedChange: [[Double]] = []
    var stateSteps: [Int] = []
    var conserved: [[Double]] = []
    var weightSquaredNorms: [[Double]] = []
    var neuronBalanceSeries: [Matrix]?
    var neuronLedgerStepError: Double?
    var pattern: ActivationPatternRecord?
    var sharpness: SharpnessRecord?
    var checkpointSteps: [Int] = []
    var checkpointNetworks: [Network] = []
    var requestedCheckpoints: [Int] = []
    var initialConserved: [Double] = []
    var finalConserved: [Double] = []
    var imbalanceSum: [Double] = []
    var updateImbalanceSum: [Double] = []
    var gradientSquaredNormSum: [Double] = []
    var maxDeviation: [Double] = []
    var ledgerStepError = 0.0
    var accuracy = Double.nan
    var finalFullBatchLoss: Double?
    var divergedAt: Int?
    var seconds = 0.0
}
