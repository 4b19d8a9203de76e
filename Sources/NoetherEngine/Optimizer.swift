#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An optimizer specification: the update rule and its hyper-parameters. A value;
/// the mutable state of one run (momentum buffers …) lives in `OptimizerState`.
///
/// Every rule follows PyTorch's `torch.optim` conventions, with `g` the gradient of
/// the loss and weight decay `wd` **coupled** into it first (`g ← g + wd·θ`, for
/// every parameter, biases included, and for Adam too — not AdamW):
/// - `gradientDescent`: θ ← θ − η·g on the full batch.
/// - `momentum(β, nesterov)`: v ← β·v + g (v₀ = 0, so the first step uses v = g),
///   then θ ← θ − η·v; with Nesterov θ ← θ − η·(g + β·v). No dampening.
/// - `adam(β₁, β₂, ε)`: m ← m + (1 − β₁)(g − m), v ← β₂·v + (1 − β₂)·g², at step
///   t = 1, 2, …: θ ← θ − (η / (1 − β₁ᵗ))·m / (√v / √(1 − β₂ᵗ) + ε).
/// - `stochastic(batchSize, seed)`: θ ← θ − η·g_B with g_B the gradient of the loss
///   on one mini-batch B (the loss's own normalization, i.e. the mean over B). The
///   batches: at the start of every epoch (steps 0, E, 2E, … with E = ⌈n/B⌉) a fresh
///   permutation of 0..<n is drawn from one `RandomSource(seed:)` (epoch after epoch
///   from the same stream); step t of the epoch uses the samples at positions
///   tB ..< min((t+1)B, n) of that permutation, in permutation order. The last batch
///   of an epoch is smaller when B does not divide n (PyTorch's `DataLoader` with
///   `shuffle=True, drop_last=False`).
public struct Optimizer: Sendable, Equatable, Hashable {
    public enum Method: Sendable, Equatable, Hashable {
        /// Full-batch gradient descent.
        case gradientDescent
        /// Heavy-ball momentum (PyTorch `SGD(momentum=β, nesterov=…)`), full batch.
        case momentum(beta: Double, nesterov: Bool)
        /// Adam with bias correction (PyTorch `Adam`), full batch.
        case adam(beta1: Double, beta2: Double, epsilon: Double)
        /// Mini-batch stochastic gradient descent with seeded shuffling per epoch.
        case stochastic(batchSize: Int, seed: Int)
    }

    public var method: Method
    /// The learning rate η.
    public var learningRate: Double
    /// The coupled L2 weight decay (PyTorch `weight_decay`); 0 for none.
    public var weightDecay: Double

    public init(method: Method, learningRate: Double, weightDecay: Double = 0) {
        self.method = method
        self.learningRate = learningRate
        self.weightDecay = weightDecay
    }

    /// Plain full-batch gradient descent.
    public static func gradientDescent(learningRate: Double, weightDecay: Double = 0) throws(EngineError) -> Optimizer {
        try validate(learningRate: learningRate, weightDecay: weightDecay)
        return Optimizer(method: .gradientDescent, learningRate: learningRate, weightDecay: weightDecay)
    }

    /// Full-batch gradient descent with (heavy-ball or Nesterov) momentum, PyTorch form.
    public static func momentum(
        learningRate: Double, beta: Double = 0.9, nesterov: Bool = false,
        weightDecay: Double = 0
    ) throws(EngineError) -> Optimizer {
        try validate(learningRate: learningRate, weightDecay: weightDecay)
        guard beta.isFinite, beta >= 0, beta < 1 else {
            throw .outOfDomain(.momentum, .unitIntervalExcludingOne, got: .number(beta))
        }
        return Optimizer(
            method: .momentum(beta: beta, nesterov: nesterov), learningRate: learningRate,
            weightDecay: weightDecay)
    }

    /// Full-batch Adam with PyTorch's defaults and bias correction.
    public static func adam(
        learningRate: Double, beta1: Double = 0.9, beta2: Double = 0.999, epsilon: Double = 1e-8,
        weightDecay: Double = 0
    ) throws(EngineError) -> Optimizer {
        try validate(learningRate: learningRate, weightDecay: weightDecay)
        guard beta1.isFinite, beta1 >= 0, beta1 < 1 else {
            throw .outOfDomain(.adamBeta1, .unitIntervalExcludingOne, got: .number(beta1))
        }
        guard beta2.isFinite, beta2 >= 0, beta2 < 1 else {
            throw .outOfDomain(.adamBeta2, .unitIntervalExcludingOne, got: .number(beta2))
        }
        guard epsilon.isFinite, epsilon > 0 else {
            throw .outOfDomain(.adamEpsilon, .finitePositive, got: .number(epsilon))
        }
        return Optimizer(
            method: .adam(beta1: beta1, beta2: beta2, epsilon: epsilon), learningRate: learningRate,
            weightDecay: weightDecay)
    }

    /// Mini-batch SGD with batches of `batchSize` samples, reshuffled every epoch
    /// from `RandomSource(seed:)` (see the type's documentation for the exact order).
    public static func stochastic(
        learningRate: Double, batchSize: Int, seed: Int,
        weightDecay: Double = 0
    ) throws(EngineError) -> Optimizer {
        try validate(learningRate: learningRate, weightDecay: weightDecay)
        guard batchSize >= 1 else { throw .outOfDomain(.batchSize, .atLeast(1), got: .integer(batchSize)) }
        return Optimizer(
            method: .stochastic(batchSize: batchSize, seed: seed), learningRate: learningRate,
            weightDecay: weightDecay)
    }

    private static func validate(learningRate: Double, weightDecay: Double) throws(EngineError) {
        guard learningRate.isFinite, learningRate > 0 else {
            throw .outOfDomain(.learningRate, .finitePositive, got: .number(learningRate))
        }
        guard weightDecay.isFinite, weightDecay >= 0 else {
            throw .outOfDomain(.weightDecay, .finiteNonNegative, got: .number(weightDecay))
        }
    }

    /// The mini-batch size, or `nil` for the full-batch methods.
    public var batchSize: Int? {
        if case .stochastic(let b, _) = method { return b }
        return nil
    }

    /// Whether the drift identity ΔC_l = η²δ_l holds exactly (to rounding) for this
    /// update rule with a homogeneous, bias-free network: plain gd, and sgd with δ
    /// taken from the mini-batch gradient applied, both without weight decay.
    public var satisfiesDriftIdentity: Bool {
        guard weightDecay == 0 else { return false }
        switch method {
        case .gradientDescent, .stochastic: return true
        case .momentum, .adam: return false
        }
    }
}

/// The per-run state of an optimizer (momentum buffers, Adam moments, the step
/// count) and the in-place update. `step` never allocates: every buffer is
/// allocated in `init` with the shapes of the parameters.
///
/// Generic over the precision: a float32 run keeps its buffers and does its update
/// arithmetic in Float (η, β, 1 − β, wd, ε and Adam's bias corrections computed in
/// Double and rounded to Float once, as PyTorch's float32 tensors do), and ||Δθ_l||² is summed in Double.
public struct OptimizerStateOf<Scalar: TrainingScalar>: Sendable {
    public typealias Values = DenseMatrix<Scalar>
    public let optimizer: Optimizer
    /// Number of updates applied so far.
    public private(set) var stepCount = 0
    /// ||Δθ_l||² of the weights of every layer in the last update (Δθ the step
    /// actually taken), computed in the same pass as the update. Not maintained
    /// (left at 0) when `tracksUpdateNorms` is false: for plain gd/sgd without weight
    /// decay it is η²||g_l||², which the caller already has.
    public private(set) var updateSquaredNorms: [Double]
    /// Whether `step` maintains `updateSquaredNorms`.
    public var tracksUpdateNorms: Bool { !optimizer.satisfiesDriftIdentity }

    // First moment / velocity and second moment, per layer (weights, then biases).
    private var first: [Values]
    private var firstBias: [Values]
    private var second: [Values]
    private var secondBias: [Values]

    public init(optimizer: Optimizer, parameters: ParameterSet<Scalar>) {
        self.optimizer = optimizer
        let layers = parameters.weights.count
        updateSquaredNorms = [Double](repeating: 0, count: layers)
        func zeros(_ ms: [Values]) -> [Values] { ms.map { Values(rows: $0.rows, columns: $0.columns) } }
        switch optimizer.method {
        case .gradientDescent, .stochastic:
            first = []
            firstBias = []
            second = []
            secondBias = []
        case .momentum:
            first = zeros(parameters.weights)
            firstBias = zeros(parameters.biases ?? [])
            second = []
            secondBias = []
        case .adam:
            first = zeros(parameters.weights)
            firstBias = zeros(parameters.biases ?? [])
            second = zeros(parameters.weights)
            secondBias = zeros(parameters.biases ?? [])
        }
    }

    /// θ ← update(θ, g) in place, with g the gradient left in `bp` by its last evaluation.
    public mutating func step(_ parameters: inout ParameterSet<Scalar>, gradient bp: BackpropOf<Scalar>) {
        step(&parameters, weightGradients: bp.weightGradients, biasGradients: bp.biasGradients)
    }

    /// θ ← update(θ, g) in place, for gradients shaped like the parameters.
    public mutating func step(
        _ parameters: inout ParameterSet<Scalar>, weightGradients: [Values], biasGradients: [Values]?
    ) {
        stepCount += 1
        let eta = Scalar(optimizer.learningRate)
        let wd = Scalar(optimizer.weightDecay)
        let layers = parameters.weights.count
        switch optimizer.method {
        case .gradientDescent, .stochastic:
            if wd == 0 {
                for l in 0..<layers {
                    parameters.weights[l].add(weightGradients[l], scaledBy: -eta)
                    if parameters.biases != nil { parameters.biases![l].add(biasGradients![l], scaledBy: -eta) }
                }
            } else {
                for l in 0..<layers {
                    updateSquaredNorms[l] = Self.decayedStep(
                        &parameters.weights[l], weightGradients[l], eta: eta, wd: wd)
                    if parameters.biases != nil {
                        _ = Self.decayedStep(&parameters.biases![l], biasGradients![l], eta: eta, wd: wd)
                    }
                }
            }
        case .momentum(let beta, let nesterov):
            for l in 0..<layers {
                updateSquaredNorms[l] = Self.momentumStep(
                    &parameters.weights[l], weightGradients[l], &first[l],
                    eta: eta, wd: wd, beta: Scalar(beta), nesterov: nesterov)
                if parameters.biases != nil {
                    _ = Self.momentumStep(
                        &parameters.biases![l], biasGradients![l], &firstBias[l],
                        eta: eta, wd: wd, beta: Scalar(beta), nesterov: nesterov)
                }
            }
        case .adam(let beta1, let beta2, let eps):
            let t = Double(stepCount)
            let stepSize = optimizer.learningRate / (1 - pow(beta1, t))
            let bc2Sqrt = (1 - pow(beta2, t)).squareRoot()
            let c = AdamConstants(
                oneMinusBeta1: Scalar(1 - beta1), beta2: Scalar(beta2), oneMinusBeta2: Scalar(1 - beta2),
                eps: Scalar(eps), wd: wd, stepSize: Scalar(stepSize), bc2Sqrt: Scalar(bc2Sqrt))
            for l in 0..<layers {
                updateSquaredNorms[l] = Self.adamStep(
                    &parameters.weights[l], weightGradients[l], &first[l], &second[l], c)
                if parameters.biases != nil {
                    _ = Self.adamStep(&parameters.biases![l], biasGradients![l], &firstBias[l], &secondBias[l], c)
                }
            }
        }
    }

    /// d = g + wd·θ; θ ← θ − η·d. Returns ||η·d||².
    private static func decayedStep(_ theta: inout Values, _ g: Values, eta: Scalar, wd: Scalar) -> Double {
        var norm = 0.0
        g.storage.withUnsafeBufferPointer { gp in
            theta.storage.withUnsafeMutableBufferPointer { tp in
                for i in 0..<tp.count {
                    let d = gp[i] + wd * tp[i]
                    let u = eta * d
                    tp[i] -= u
                    let w = Double(u)
                    norm += w * w
                }
            }
        }
        return norm
    }

    /// d = g + wd·θ; v ← β·v + d; d ← d + β·v (Nesterov) or d ← v; θ ← θ − η·d.
    private static func momentumStep(
        _ theta: inout Values, _ g: Values, _ v: inout Values,
        eta: Scalar, wd: Scalar, beta: Scalar, nesterov: Bool
    ) -> Double {
        var norm = 0.0
        g.storage.withUnsafeBufferPointer { gp in
            v.storage.withUnsafeMutableBufferPointer { vp in
                theta.storage.withUnsafeMutableBufferPointer { tp in
                    for i in 0..<tp.count {
                        var d = gp[i]
                        if wd != 0 { d += wd * tp[i] }
                        let b = beta * vp[i] + d
                        vp[i] = b
                        d = nesterov ? d + beta * b : b
                        let u = eta * d
                        tp[i] -= u
                        let w = Double(u)
                        norm += w * w
                    }
                }
            }
        }
        return norm
    }

    /// Adam's constants in the run's precision. Each is computed in Double and rounded
    /// once, as PyTorch passes Python floats (1 − β₁ for `lerp_`, 1 − β₂ for `addcmul_`,
    /// the bias corrections) to float32 kernels: 1 − β₁ is not computed in Float.
    private struct AdamConstants {
        var oneMinusBeta1, beta2, oneMinusBeta2, eps, wd, stepSize, bc2Sqrt: Scalar
    }

    /// PyTorch's single-tensor Adam: d = g + wd·θ; m ← m + (1−β₁)(d − m);
    /// v ← β₂v + (1−β₂)d²; θ ← θ − stepSize·m/(√v/√bc₂ + ε).
    private static func adamStep(
        _ theta: inout Values, _ g: Values, _ m: inout Values, _ v: inout Values,
        _ c: AdamConstants
    ) -> Double {
        var norm = 0.0
        let a1 = c.oneMinusBeta1
        let a2 = c.oneMinusBeta2
        g.storage.withUnsafeBufferPointer { gp in
            m.storage.withUnsafeMutableBufferPointer { mp in
                v.storage.withUnsafeMutableBufferPointer { vp in
                    theta.storage.withUnsafeMutableBufferPointer { tp in
                        for i in 0..<tp.count {
                            var d = gp[i]
                            if c.wd != 0 { d += c.wd * tp[i] }
                            let mi = mp[i] + a1 * (d - mp[i])
                            let vi = c.beta2 * vp[i] + a2 * d * d
                            mp[i] = mi
                            vp[i] = vi
                            let u = c.stepSize * (mi / (vi.squareRoot() / c.bc2Sqrt + c.eps))
                            tp[i] -= u
                            let w = Double(u)
                            norm += w * w
                        }
                    }
                }
            }
        }
        return norm
    }
}

/// The optimizer state of a Double run.
public typealias OptimizerState = OptimizerStateOf<Double>
