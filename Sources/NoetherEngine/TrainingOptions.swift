/// A sharpness measurement hooked into a training run: λ_max of the full-batch
/// loss's Hessian is measured at every state θ_t with t a multiple of `every`
/// (t = 0, every, 2·every, …, including the final θ_T when T is a multiple and θ_T
/// is finite), at θ_t before the update of step t. The loop keeps one
/// `SharpnessTracker` with `method` and `seed`, so each measurement warm-starts from
/// the last top eigenvector; a failed measurement records NaN. The run summarizes
/// the values against 2/η (`SharpnessRecord`).
public struct SharpnessProbe: Sendable, Equatable {
    public var every: Int
    /// The tracking method (Lanczos or power iteration, with their settings).
    public var method: SharpnessTracker.Method
    /// The tracker's seed (the first start vector; Lanczos adds the measurement count).
    public var seed: Int

    public init(every: Int, method: SharpnessTracker.Method = SharpnessTracker.Method(.lanczos)!, seed: Int = 0) {
        self.every = every
        self.method = method
        self.seed = seed
    }
}

/// Options of `train`. The defaults reproduce the plain loop: every step recorded,
/// no checkpoints, no early stop, no probes. An option that is off costs nothing in
/// the step loop.
public struct TrainingOptions: Sendable {
    /// Record the per-step and per-state series at every k-th step only (steps 0,
    /// k, 2k, …, plus the last step and the final state). The ledger, S, the drifts
    /// and every run summary are still computed from **every** step.
    public var every: Int
    /// Steps t at which θ_t (the network after t updates) is kept on the run
    /// (`TrainingRun.at(t)`); each must lie in 0…steps.
    public var checkpoints: [Int]
    /// Stop before the update of the first step whose loss is below this value (the
    /// step's mini-batch loss under sgd).
    public var stopWhenLossBelow: Double?
    /// Treat a loss above this value as divergence (E4 uses 1e6), besides the
    /// always-on non-finite loss or parameter rule (mini-batch loss under sgd).
    public var divergenceLoss: Double?
    /// Track the first hidden layer's activation pattern (`ActivationPatternRecord`).
    /// Costs an n×m pass per step (plus one X·W₁ᵀ product per step under sgd).
    public var patternProbe: Bool
    /// Record per-neuron balances at the recorded states and check their per-step
    /// ledger (Δ balance_j = η²(||∂L/∂W_{h+1}[:, j]||² − ||∂L/∂W_h[j, :]||²) for gd).
    /// Costs one pass over the weights and gradients per step.
    public var neuronBalances: Bool
    /// Record the accuracy at every recorded step (classification data only).
    public var recordAccuracy: Bool
    /// Measure sharpness along the run (see `SharpnessProbe`).
    public var sharpness: SharpnessProbe?
    /// The precision of the run's arithmetic (see `train`): Double by default.
    public var precision: Precision

    public init(
        every: Int = 1, checkpoints: [Int] = [], stopWhenLossBelow: Double? = nil,
        divergenceLoss: Double? = nil, patternProbe: Bool = false, neuronBalances: Bool = false,
        recordAccuracy: Bool = true, sharpness: SharpnessProbe? = nil, precision: Precision = .float64
    ) {
        self.every = every
        self.checkpoints = checkpoints
        self.stopWhenLossBelow = stopWhenLossBelow
        self.divergenceLoss = divergenceLoss
        self.patternProbe = patternProbe
        self.neuronBalances = neuronBalances
        self.recordAccuracy = recordAccuracy
        self.sharpness = sharpness
        self.precision = precision
    }

    func validate(steps: Int, network: Network) throws(EngineError) {
        guard every >= 1 else { throw .outOfDomain(.recordInterval, .atLeast(1), got: .integer(every)) }
        for c in checkpoints where c < 0 || c > steps {
            throw .network(.checkpointOutsideRun(c, steps: steps))
        }
        if let x = stopWhenLossBelow, x.isNaN {
            throw .outOfDomain(.stopLoss, .notNaN, got: .number(x))
        }
        if let x = divergenceLoss, x.isNaN {
            throw .outOfDomain(.divergenceLoss, .notNaN, got: .number(x))
        }
        if let s = sharpness, s.every < 1 {
            throw .outOfDomain(.sharpnessInterval, .atLeast(1), got: .integer(s.every))
        }
        if patternProbe && network.layerCount < 2 {
            throw .network(.patternProbeNeedsHiddenLayer)
        }
    }
}

/// Sharpness along a run, measured by a `SharpnessProbe`, against the stability
/// threshold 2/η of plain gradient descent (with the nominal η for every optimizer;
/// for heavy-ball momentum the classical threshold is (2 + 2β)/η, and Adam has none
/// of this form).
public struct SharpnessRecord: Sendable {
    /// The measurement interval.
    public let every: Int
    /// The states θ_t measured.
    public let steps: [Int]
    /// λ_max(θ_t) as measured (NaN where a measurement failed or θ_t was not finite).
    public let values: [Double]
    /// 2/η.
    public let threshold: Double
    /// The first measured step with λ ≥ 2/η, if any.
    public let firstStepAtEdge: Int?
    /// The share of measurements with λ ≥ 0.9·(2/η) (NaN without measurements).
    public let fractionNearEdge: Double
    /// max over measurements of ηλ/2 (NaN without a finite measurement).
    public let maxRatio: Double
    /// Wall time spent measuring, seconds (part of the run's `seconds`).
    public let seconds: Double

    init(every: Int, steps: [Int], values: [Double], learningRate eta: Double, seconds: Double) {
        self.every = every
        self.steps = steps
        self.values = values
        self.seconds = seconds
        threshold = 2 / eta
        firstStepAtEdge = zip(steps, values).first(where: { $0.1 >= 2 / eta })?.0
        fractionNearEdge =
            values.isEmpty
            ? .nan : Double(values.count(where: { $0 >= 0.9 * (2 / eta) })) / Double(values.count)
        var m = -Double.infinity
        for v in values where v.isFinite { m = Swift.max(m, eta * v / 2) }
        maxRatio = m == -.infinity ? .nan : m
    }

    /// λ(θ₀) when it was measured.
    public var initial: Double? { steps.first == 0 ? values.first : nil }
}

/// Why a training loop ended.
public enum StopReason: Sendable, Equatable, Hashable {
    /// All requested steps ran.
    case completed
    /// A non-finite loss or parameter, or a loss above `divergenceLoss`.
    case diverged
    /// The loss fell below `stopWhenLossBelow`.
    case lossBelowThreshold
    /// The caller's monitor asked to stop (e.g. Ctrl-C).
    case interrupted
}
