/// An optimizer specification: the update rule and its hyper-parameters. A value;
/// the mutable state of one run (momentum buffers …) lives in `OptimizerState`.
public struct Optimizer: Sendable, Equatable, Hashable {
    public enum Method: Sendable, Equatable, Hashable {
        /// Full-batch gradient descent: θ ← θ − η·g.
        case gradientDescent
    }

    public var method: Method
    /// The learning rate η.
    public var learningRate: Double

    public init(method: Method, learningRate: Double) {
        self.method = method
        self.learningRate = learningRate
    }

    /// Plain full-batch gradient descent.
    public static func gradientDescent(learningRate: Double) throws(EngineError) -> Optimizer {
        guard learningRate.isFinite, learningRate > 0 else {
            throw .invalidArgument("the learning rate must be a positive finite number, got \(formatShort(learningRate))")
        }
        return Optimizer(method: .gradientDescent, learningRate: learningRate)
    }

    public var name: String {
        switch method {
        case .gradientDescent: "gd(lr=\(formatShort(learningRate)))"
        }
    }

    /// Whether the drift identity ΔC_l = η²δ_l holds exactly for this update rule.
    public var satisfiesDriftIdentity: Bool { method == .gradientDescent }
}

/// The per-run state of an optimizer and the in-place update. Never allocates in `step`.
public struct OptimizerState: Sendable {
    public let optimizer: Optimizer

    public init(optimizer: Optimizer, parameters: Parameters) {
        self.optimizer = optimizer
    }

    /// θ ← update(θ, g) in place.
    public mutating func step(_ parameters: inout Parameters, gradient bp: Backprop) {
        switch optimizer.method {
        case .gradientDescent:
            let eta = optimizer.learningRate
            for l in 0..<parameters.weights.count {
                parameters.weights[l].add(bp.weightGradients[l], scaledBy: -eta)
                if parameters.biases != nil { parameters.biases![l].add(bp.biasGradients![l], scaledBy: -eta) }
            }
        }
    }
}
