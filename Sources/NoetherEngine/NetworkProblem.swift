/// What a network, its initialization or its training refused. The language words it
/// (`NetworkProblem+Words.swift`).
public enum NetworkProblem: Sendable, Equatable {
    /// `mlp` was given fewer than two layer sizes (an input and an output).
    case tooFewLayerSizes([Int])
    /// A layer size below 1 (`size`) among `sizes`.
    case layerSizeBelowOne(Int, sizes: [Int])
    /// Balancing with an activation that is not positively homogeneous: rescaling the
    /// layers would change the network's function.
    case balancingNeedsHomogeneousActivation(Activation)
    /// Balancing a network whose 0-based layer `layer` has all-zero weights while
    /// other layers do not.
    case balancingZeroLayer(layer: Int)
    /// Balancing a network with non-finite weights.
    case balancingNonFiniteWeights
    /// The network takes `network` inputs, the data have `data` features.
    case inputsDiffer(network: Int, data: Int)
    /// The network has `network` outputs, the data `data` classes (classification)
    /// or target columns (regression).
    case outputsDiffer(network: Int, data: Int, classification: Bool)
    /// `loss` needs class labels, but the dataset named has real-valued targets.
    case lossNeedsLabels(Loss, dataset: String)
    /// An sgd batch of `batch` samples is larger than the `samples` of the dataset.
    case batchExceedsSamples(batch: Int, samples: Int, dataset: String)
    /// Training on a dataset without samples.
    case noSamples(dataset: String)
    /// A requested checkpoint outside the run's steps 0…`steps`.
    case checkpointOutsideRun(Int, steps: Int)
    /// The activation-pattern probe on a network without a hidden layer.
    case patternProbeNeedsHiddenLayer
    /// The network at a requested checkpoint the run stopped (at `stoppedAt`) before.
    case stoppedBeforeCheckpoint(Int, stoppedAt: Int)
    /// The network at a step that is not one of the run's kept checkpoints `kept`.
    case notACheckpoint(Int, kept: [Int])
}
