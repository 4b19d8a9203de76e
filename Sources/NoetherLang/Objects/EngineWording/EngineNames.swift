import NoetherEngine

// The language's spellings of engine values: the engine holds numbers, the
// language names them (help, summaries, JSON and fields print these).

extension Optimizer {
    /// The language's spelling, e.g. `momentum(lr=0.01, beta=0.9)`; non-default
    /// options and a non-zero weight decay are shown.
    public var name: String {
        let lr = "lr=\(formatNumber(learningRate))"
        let wd = weightDecay != 0 ? ", weight_decay=\(formatNumber(weightDecay))" : ""
        switch method {
        case .gradientDescent:
            return "gd(\(lr)\(wd))"
        case .momentum(let beta, let nesterov):
            return "momentum(\(lr), beta=\(formatNumber(beta))\(nesterov ? ", nesterov=true" : "")\(wd))"
        case .adam(let b1, let b2, let eps):
            var s = "adam(\(lr)"
            if b1 != 0.9 { s += ", beta1=\(formatNumber(b1))" }
            if b2 != 0.999 { s += ", beta2=\(formatNumber(b2))" }
            if eps != 1e-8 { s += ", eps=\(formatNumber(eps))" }
            return s + wd + ")"
        case .stochastic(let b, let seed):
            return "sgd(\(lr), batch=\(b), seed=\(seed)\(wd))"
        }
    }
}

extension Activation {
    /// The name the language uses for this activation, e.g. `interpolated(0.5)`.
    public var name: String {
        switch self {
        case .relu: "relu"
        case .linear: "linear"
        case .interpolated(let e): "interpolated(\(formatNumber(e)))"
        case .leakyReLU(let a): "leaky_relu(\(formatNumber(a)))"
        case .tanh: "tanh"
        case .gelu: "gelu"
        }
    }
}

extension Loss {
    /// The language's spelling, e.g. `interpolated_loss(0.5)`.
    public var name: String {
        switch self {
        case .mse: "mse"
        case .crossEntropy: "cross_entropy"
        case .interpolated(let e): "interpolated_loss(\(formatNumber(e)))"
        }
    }
}

extension ParameterBlock {
    /// The language's name of the block: `W1`, `b1`, `W2`, … (1-based layer number).
    var name: String { (isBias ? "b" : "W") + "\(layer + 1)" }
}

extension ParameterLayout.Group {
    /// The language's name of the group's block (`W1`, `b1`, …).
    var name: String { block.name }
}

extension StopReason {
    /// The language's name of why a run stopped (`run.stop_reason`).
    public var name: String {
        switch self {
        case .completed: "completed"
        case .diverged: "diverged"
        case .lossBelowThreshold: "loss_below_threshold"
        case .interrupted: "interrupted"
        }
    }
}

extension EngineArgument {
    /// The argument's label in the builtins that pass it.
    var label: String {
        switch self {
        case .sampleCount: "n"
        case .inputDimension: "d"
        case .classCount: "classes"
        case .separation: "separation"
        case .noise: "noise"
        case .innerRadius: "inner"
        case .outerRadius: "outer"
        case .hiddenWidth: "hidden"
        case .outputCount: "out"
        case .splitFraction: "fraction"
        case .initialScale: "scale"
        case .lanczosSteps, .quadratureSteps: "steps"
        case .ritzPairs: "k"
        case .powerIterations: "iterations"
        case .probes: "probes"
        case .gridPoints: "points"
        case .broadening: "sigma"
        case .blockSize: "block_size"
        case .learningRate: "lr"
        case .weightDecay: "weight_decay"
        case .momentum: "beta"
        case .adamBeta1: "beta1"
        case .adamBeta2: "beta2"
        case .adamEpsilon: "eps"
        case .batchSize: "batch"
        case .steps: "steps"
        case .recordInterval: "every"
        case .stopLoss: "stop_when_loss_below"
        case .divergenceLoss: "divergence_loss"
        case .sharpnessInterval: "sharpness_every"
        case .powerLawFloor: "floor"
        case .bootstrapSamples: "bootstrap"
        case .bins: "bins"
        case .comparedCount: "top"
        }
    }
}

extension Requirement {
    /// What follows "must" in the error.
    var words: String {
        switch self {
        case .atLeast(let k): "be at least \(k)"
        case .nonNegative: "be non-negative"
        case .sampleCount(let count, let dataset): "lie in 1…\(count) for '\(dataset)'"
        case .finiteNonNegative: "be a finite non-negative number"
        case .finite: "be a finite number"
        case .positive: "be positive"
        case .strictlyBetweenZeroAndOne: "lie strictly between 0 and 1"
        case .unitIntervalExcludingOne: "lie in [0, 1)"
        case .finitePositive: "be a positive finite number"
        case .notNaN: "be a number"
        case .between(let lower, let upper): "be between \(lower) and \(upper)"
        }
    }
}

extension ArgumentValue {
    /// The value as the error quotes it (the engine's short form for numbers).
    var text: String {
        switch self {
        case .integer(let n): "\(n)"
        case .number(let x): formatNumber(x)
        }
    }
}
