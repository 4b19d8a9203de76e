import NoetherEngine

extension NetworkProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        case .tooFewLayerSizes(let sizes):
            "a network needs at least an input and an output size, got \(sizes)"
        case .layerSizeBelowOne(let size, let sizes):
            "every layer size must be at least 1, got \(size) in \(sizes)"
        case .balancingNeedsHomogeneousActivation:
            "balancing needs a positively homogeneous activation; "
                + "rescaling the layers of this network would change its function"
        case .balancingZeroLayer(let layer):
            "cannot balance a network whose layer \(layer + 1) is all zeros while others are not"
        case .balancingNonFiniteWeights:
            "cannot balance a network with non-finite weights"
        case .inputsDiffer(let network, let data):
            "the network takes \(count(network, "input")) but the data have \(count(data, "feature"))"
        case .outputsDiffer(let network, let data, let classification):
            "the network has \(count(network, "output")) but the data have "
                + (classification ? "\(data) classes" : count(data, "target column"))
        case .lossNeedsLabels(let loss, let dataset):
            "\(loss.name) needs class labels, but '\(dataset)' has real-valued targets; use mse"
        case .batchExceedsSamples(let batch, let samples, let dataset):
            "the sgd batch size \(batch) exceeds the \(samples) samples of '\(dataset)'"
        case .noSamples(let dataset):
            "'\(dataset)' has no samples"
        case .checkpointOutsideRun(let checkpoint, let steps):
            "checkpoint \(checkpoint) lies outside the run's steps 0…\(steps)"
        case .patternProbeNeedsHiddenLayer:
            "the activation-pattern probe needs a hidden layer, but the network has none"
        case .stoppedBeforeCheckpoint(let checkpoint, let stoppedAt):
            "the run stopped at step \(stoppedAt) before checkpoint \(checkpoint)"
        case .notACheckpoint(let step, let kept):
            "step \(step) is not a checkpoint of this run (checkpoints: "
                + (kept.isEmpty ? "none" : kept.map(String.init).joined(separator: ", ")) + ")"
        }
    }

    /// "1 input", "3 inputs".
    private func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }
}
