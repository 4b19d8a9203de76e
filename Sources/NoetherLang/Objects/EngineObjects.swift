import NoetherEngine
import NoetherSyntax

extension CallContext {
    /// Runs engine code, turning an `EngineError` into a diagnostic at the call
    /// (or at argument `label`). A file that does not exist (a missing network file,
    /// CSV file or MNIST folder) becomes a `missingFile` diagnostic, so a batch run
    /// exits with status 66; every other engine error is a runtime error.
    public func engine<T>(at label: String? = nil, _ body: () throws(EngineError) -> T) throws(Diagnostic) -> T {
        do {
            return try body()
        } catch {
            throw Diagnostic(error.diagnosticKind, error.message, at: label.map { range(of: $0) } ?? range)
        }
    }
}

extension EngineError {
    /// What the user reads: the engine's structured errors worded here.
    var message: String {
        switch self {
        case .tooFewPoints(let needed, let used, let leftOut):
            let reasons = leftOut.map { "\(formatSummary($0.x, digits: 3)) \(TheoryPowerLawText.describe($0.status))" }
            return "a power law needs at least \(needed) usable points, got \(used)"
                + (reasons.isEmpty ? "" : " (left out: \(reasons.joined(separator: ", ")))")
        default:
            return description
        }
    }

    /// `missingFile` for a file or folder that does not exist, `runtime` otherwise.
    var diagnosticKind: Diagnostic.Kind {
        if case .missingFile = self { return .missingFile }
        return .runtime
    }
}

/// A dataset as a language value.
public struct DatasetObject: NoetherObject {
    public let dataset: Dataset
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public static let typeName = "dataset"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("n", "number of samples"),
        FieldDoc("d", "number of input features"),
        FieldDoc("classes", "number of classes (output columns for regression data)"),
        FieldDoc("outputs", "number of target columns K (the network's output size)"),
        FieldDoc("classification", "whether the targets are class labels (false: real-valued regression targets)"),
        FieldDoc("name", "the generator or file it came from"),
        FieldDoc("labels", "class of each sample (classification data; nothing for regression)"),
        FieldDoc("class_counts", "samples per class (classification data; nothing for regression)"),
        FieldDoc("mean_norm2", "mean of ||x||² over samples"),
        FieldDoc("feature_mean", "mean of every input feature"),
        FieldDoc("feature_std", "population standard deviation (ddof 0) of every input feature"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "n": .number(Double(dataset.count))
        case "d": .number(Double(dataset.inputDimension))
        case "classes", "outputs": .number(Double(dataset.outputDimension))
        case "classification": .bool(dataset.isClassification)
        case "name": .string(dataset.name)
        case "labels": dataset.labels.map { .numbers($0.map(Double.init)) } ?? .nothing
        case "class_counts": dataset.classCounts.map { .numbers($0.map(Double.init)) } ?? .nothing
        case "mean_norm2": .number(meanSquaredNorm)
        case "feature_mean": .numbers(dataset.featureStatistics.mean)
        case "feature_std": .numbers(dataset.featureStatistics.standardDeviation)
        default: nil
        }
    }

    private var meanSquaredNorm: Double {
        dataset.count == 0 ? .nan : dataset.inputs.squaredNorm / Double(dataset.count)
    }

    public var summary: String {
        let k = dataset.outputDimension
        let kind = dataset.isClassification ? "\(k) classes" : "\(k) real target\(k == 1 ? "" : "s")"
        return "dataset \(dataset.name): n=\(dataset.count), d=\(dataset.inputDimension), \(kind)"
    }

    public var json: JSONValue {
        .object([
            ("type", .string("dataset")), ("name", .string(dataset.name)), ("n", .number(Double(dataset.count))),
            ("d", .number(Double(dataset.inputDimension))), ("classes", .number(Double(dataset.outputDimension))),
            ("classification", .bool(dataset.isClassification)),
        ])
    }
}

/// A network as a language value.
public struct NetworkObject: NoetherObject {
    public let network: Network
    public init(_ network: Network) { self.network = network }

    public static let typeName = "network"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("sizes", "layer widths [d, m₁, …, K]"),
        FieldDoc("activation", "the hidden-layer activation"),
        FieldDoc("bias", "whether layers have biases"),
        FieldDoc("P", "number of parameters"),
        FieldDoc("layers", "number of weight matrices L"),
        FieldDoc("C", "conserved quantities C_l = ||W_{l+1}||² − ||W_l||², l = 1…L−1"),
        FieldDoc("norms", "||W_l||²_F per layer"),
        FieldDoc(
            "neuron_balances",
            "per hidden layer, ||outgoing||² − ||incoming||² of each unit (they sum to C_l)"),
        FieldDoc("conserving", "whether gradient flow conserves C_l: a homogeneous activation and no bias"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "sizes": .numbers(network.architecture.sizes.map(Double.init))
        case "activation": .object(ActivationObject(network.architecture.activation))
        case "bias": .bool(network.architecture.hasBias)
        case "P": .number(Double(network.parameterCount))
        case "layers": .number(Double(network.layerCount))
        case "C": .numbers(network.conservedQuantities)
        case "norms": .numbers(network.parameters.weightSquaredNorms)
        case "neuron_balances": .list(network.neuronBalances.map { .numbers($0) })
        case "conserving": .bool(network.architecture.conservesBalances)
        default: nil
        }
    }

    public var summary: String {
        let a = network.architecture
        return "network mlp \(a.sizes.map(String.init).joined(separator: "→")), \(a.activation.name), "
            + "\(a.hasBias ? "bias" : "no bias"), P=\(a.parameterCount), C=\(formatSummary(network.conservedQuantities))"
    }

    public var json: JSONValue {
        let a = network.architecture
        return .object([
            ("type", .string("network")), ("sizes", .numbers(a.sizes.map(Double.init))),
            ("activation", .string(a.activation.name)), ("bias", .bool(a.hasBias)),
            ("P", .number(Double(a.parameterCount))), ("C", .numbers(network.conservedQuantities)),
        ])
    }
}

extension Architecture {
    /// Whether gradient flow conserves every C_l (and every neuron balance): a
    /// positively homogeneous activation and no biases.
    var conservesBalances: Bool { activation.isPositivelyHomogeneous && !hasBias }
}

/// An activation function as a language value (`relu`, `interpolated(0.5)` …).
public struct ActivationObject: NoetherObject {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }

    public static let typeName = "activation"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("name", "the activation's name"),
        FieldDoc("homogeneous", "whether σ(a·z) = a·σ(z) for a > 0 (the conservation law's condition)"),
        FieldDoc("parameter", "ε of interpolated(ε), a of leaky_relu(a); nothing for the others"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": .string(activation.name)
        case "homogeneous": .bool(activation.isPositivelyHomogeneous)
        case "parameter":
            switch activation {
            case .interpolated(let x), .leakyReLU(let x): .number(x)
            default: .nothing
            }
        default: nil
        }
    }

    public var summary: String {
        "activation \(activation.name)"
            + (activation.isPositivelyHomogeneous ? "" : " (not homogeneous: C_l is not conserved)")
    }
    public var json: JSONValue { .string(activation.name) }
}

/// A loss as a language value (`mse`, `cross_entropy`, `interpolated_loss(0.5)`).
public struct LossObject: NoetherObject {
    public let loss: Loss
    public init(_ loss: Loss) { self.loss = loss }

    public static let typeName = "loss"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("name", "the loss's name"),
        FieldDoc(
            "ce_weight", "the weight ε of cross-entropy: 0 for mse, 1 for cross_entropy, ε for interpolated_loss(ε)"),
        FieldDoc("needs_labels", "whether the loss needs class labels (any cross-entropy part)"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": .string(loss.name)
        case "ce_weight":
            switch loss {
            case .mse: .number(0)
            case .crossEntropy: .number(1)
            case .interpolated(let e): .number(e)
            }
        case "needs_labels": .bool(loss.needsLabels)
        default: nil
        }
    }

    public var summary: String { "loss \(loss.name)" }
    public var json: JSONValue { .string(loss.name) }
}

/// An optimizer as a language value.
public struct OptimizerObject: NoetherObject {
    public let optimizer: Optimizer
    public init(_ optimizer: Optimizer) { self.optimizer = optimizer }

    public static let typeName = "optimizer"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("lr", "the learning rate η"),
        FieldDoc("name", "the optimizer with its hyper-parameters"),
        FieldDoc("kind", "\"gd\", \"momentum\", \"adam\" or \"sgd\""),
        FieldDoc("weight_decay", "the coupled L2 weight decay (0 for none)"),
        FieldDoc("batch", "the mini-batch size (sgd; nothing for the full-batch methods)"),
        FieldDoc("options", "the method's own hyper-parameters as a record, e.g. {beta=0.9, nesterov=false}"),
        FieldDoc(
            "identity", "whether ΔC_l = η²δ_l holds exactly under this update rule (gd and sgd without weight decay)"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "lr": .number(optimizer.learningRate)
        case "name": .string(optimizer.name)
        case "kind": .string(optimizer.kind)
        case "weight_decay": .number(optimizer.weightDecay)
        case "batch": optimizer.batchSize.map { .number(Double($0)) } ?? .nothing
        case "options": .record(options)
        case "identity": .bool(optimizer.satisfiesDriftIdentity)
        default: nil
        }
    }

    private var options: Record {
        switch optimizer.method {
        case .gradientDescent: Record([])
        case .momentum(let beta, let nesterov): Record([("beta", .number(beta)), ("nesterov", .bool(nesterov))])
        case .adam(let b1, let b2, let eps):
            Record([("beta1", .number(b1)), ("beta2", .number(b2)), ("eps", .number(eps))])
        case .stochastic(let batch, let seed):
            Record([("batch", .number(Double(batch))), ("seed", .number(Double(seed)))])
        }
    }

    public var summary: String { "optimizer \(optimizer.name)" }
    public var json: JSONValue {
        .object([
            ("type", .string("optimizer")), ("name", .string(optimizer.name)), ("kind", .string(optimizer.kind)),
            ("lr", .number(optimizer.learningRate)), ("weight_decay", .number(optimizer.weightDecay)),
        ])
    }
}

extension Optimizer {
    /// The builtin that makes this kind of optimizer: `gd`, `momentum`, `adam`, `sgd`.
    var kind: String {
        switch method {
        case .gradientDescent: "gd"
        case .momentum: "momentum"
        case .adam: "adam"
        case .stochastic: "sgd"
        }
    }
}
