import NoetherEngine
import NoetherSyntax

extension CallContext {
    /// Runs engine code, turning an `EngineError` into a diagnostic at the call
    /// (or at argument `label`).
    public func engine<T>(at label: String? = nil, _ body: () throws(EngineError) -> T) throws(Diagnostic) -> T {
        do {
            return try body()
        } catch {
            let kind: Diagnostic.Kind
            if case .file(let m) = error, m.hasPrefix("no such file") || m.contains("not found") { kind = .missingFile } else { kind = .runtime }
            throw Diagnostic(kind, error.description, at: label.map { range(of: $0) } ?? range)
        }
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
        FieldDoc("name", "the generator or file it came from"),
        FieldDoc("labels", "class of each sample (classification data)"),
        FieldDoc("class_counts", "samples per class"),
        FieldDoc("mean_norm2", "mean of ||x||² over samples"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "n": .number(Double(dataset.count))
        case "d": .number(Double(dataset.inputDimension))
        case "classes": .number(Double(dataset.outputDimension))
        case "name": .string(dataset.name)
        case "labels": dataset.labels.map { .numbers($0.map(Double.init)) } ?? .nothing
        case "class_counts": dataset.classCounts.map { .numbers($0.map(Double.init)) } ?? .nothing
        case "mean_norm2": .number(meanSquaredNorm)
        default: nil
        }
    }

    private var meanSquaredNorm: Double {
        dataset.count == 0 ? .nan : dataset.inputs.squaredNorm / Double(dataset.count)
    }

    public var summary: String {
        let kind = dataset.isClassification ? "\(dataset.outputDimension) classes" : "\(dataset.outputDimension) targets"
        return "dataset \(dataset.name): n=\(dataset.count), d=\(dataset.inputDimension), \(kind)"
    }

    public var json: JSONValue {
        .object([("type", .string("dataset")), ("name", .string(dataset.name)), ("n", .number(Double(dataset.count))),
                 ("d", .number(Double(dataset.inputDimension))), ("classes", .number(Double(dataset.outputDimension)))])
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
        return .object([("type", .string("network")), ("sizes", .numbers(a.sizes.map(Double.init))),
                        ("activation", .string(a.activation.name)), ("bias", .bool(a.hasBias)),
                        ("P", .number(Double(a.parameterCount))), ("C", .numbers(network.conservedQuantities))])
    }
}

/// An activation function as a language value (`relu`, `interpolated(0.5)` …).
public struct ActivationObject: NoetherObject {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }

    public static let typeName = "activation"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("name", "the activation's name"),
        FieldDoc("homogeneous", "whether σ(a·z) = a·σ(z) for a > 0 (the conservation law's condition)"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "name": .string(activation.name)
        case "homogeneous": .bool(activation.isPositivelyHomogeneous)
        default: nil
        }
    }

    public var summary: String { "activation \(activation.name)" }
    public var json: JSONValue { .string(activation.name) }
}

/// A loss as a language value (`mse`, `cross_entropy` …).
public struct LossObject: NoetherObject {
    public let loss: Loss
    public init(_ loss: Loss) { self.loss = loss }

    public static let typeName = "loss"
    public static let fieldDocs: [FieldDoc] = [FieldDoc("name", "the loss's name")]

    public func field(_ name: String) -> Value? { name == "name" ? .string(loss.name) : nil }
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
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "lr": .number(optimizer.learningRate)
        case "name": .string(optimizer.name)
        default: nil
        }
    }

    public var summary: String { "optimizer \(optimizer.name)" }
    public var json: JSONValue { .object([("type", .string("optimizer")), ("name", .string(optimizer.name)), ("lr", .number(optimizer.learningRate))]) }
}

/// A training run as a language value.
public struct RunObject: NoetherObject {
    public let run: TrainingRun
    public init(_ run: TrainingRun) { self.run = run }

    public static let typeName = "run"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("loss", "loss of the last forward pass (at θ_{T−1})"),
        FieldDoc("losses", "loss at every step t = 0…T−1"),
        FieldDoc("accuracy", "accuracy of the last forward pass (classification)"),
        FieldDoc("C0", "C_l(θ₀) per l"),
        FieldDoc("C", "C_l(t) per l: one series (t = 0…T) per layer pair"),
        FieldDoc("drift", "|C_l(T) − C_l(0)| per l (nan when diverged)"),
        FieldDoc("mean_drift", "mean over l of the drift (deep networks)"),
        FieldDoc("rel_drift", "max_t |C_l(t) − C_l(0)| / |C_l(0)| per l"),
        FieldDoc("S", "Σ_t δ_l(t) per l, δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||²"),
        FieldDoc("grad_norms", "||∂L/∂W_l||² at every step, one series per layer"),
        FieldDoc("ledger_measured", "ΔC_l(t) = C_l(t+1) − C_l(t), one series per l"),
        FieldDoc("ledger_predicted", "η²δ_l(t), one series per l"),
        FieldDoc("ledger_residual", "max_l |(C_l(T) − C_l(0)) − η²S_l| / |C_l(T) − C_l(0)|"),
        FieldDoc("ledger_step_error", "max over t and l of |ΔC_l(t) − η²δ_l(t)|"),
        FieldDoc("diverged", "whether the loss or parameters became non-finite"),
        FieldDoc("diverged_at", "the step where it diverged (nothing when it did not)"),
        FieldDoc("steps", "number of updates applied"),
        FieldDoc("lr", "the learning rate η"),
        FieldDoc("net", "the trained network"),
        FieldDoc("net0", "the network the run started from"),
        FieldDoc("seconds", "wall time of the training loop"),
        FieldDoc("interrupted", "whether the run was stopped early by the user"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "loss": .number(run.finalLoss)
        case "losses": .numbers(run.losses)
        case "accuracy": .number(run.accuracy)
        case "C0": .numbers(run.initialConserved)
        case "C": .list(run.conserved.map { .numbers($0) })
        case "drift": .numbers(run.drift)
        case "mean_drift": .number(run.meanDrift)
        case "rel_drift": .numbers(run.relativeDrift)
        case "S": .numbers(run.imbalanceSum)
        case "grad_norms": .list(run.gradientSquaredNorms.map { .numbers($0) })
        case "ledger_measured": .list(run.measuredChange.map { .numbers($0) })
        case "ledger_predicted": .list(run.predictedChange.map { .numbers($0) })
        case "ledger_residual": .number(run.ledgerResidual)
        case "ledger_step_error": .number(run.ledgerStepError)
        case "diverged": .bool(run.diverged)
        case "diverged_at": run.divergedAt.map { .number(Double($0)) } ?? .nothing
        case "steps": .number(Double(run.stepsRun))
        case "lr": .number(run.learningRate)
        case "net": .object(NetworkObject(run.network))
        case "net0": .object(NetworkObject(run.initialNetwork))
        case "seconds": .number(run.seconds)
        case "interrupted": .bool(run.interrupted)
        default: nil
        }
    }

    public var summary: String {
        var s = "run \(run.optimizer.name), \(run.loss.name), \(run.stepsRun)/\(run.stepsRequested) steps: "
        s += "loss \(formatSummary(run.finalLoss))"
        if !run.accuracy.isNaN { s += ", accuracy \(formatSummary(run.accuracy))" }
        s += ", drift \(formatSummary(run.drift))"
        if run.diverged {
            s += ", diverged at step \(run.divergedAt.map(String.init) ?? "?")"
        } else {
            s += ", ledger residual \(formatSummary(run.ledgerResidual, digits: 2))"
        }
        if run.interrupted { s += " (interrupted)" }
        return s
    }

    public var json: JSONValue {
        .object([
            ("type", .string("run")), ("optimizer", .string(run.optimizer.name)), ("loss_function", .string(run.loss.name)),
            ("steps", .number(Double(run.stepsRun))), ("steps_requested", .number(Double(run.stepsRequested))),
            ("loss", .number(run.finalLoss)), ("accuracy", .number(run.accuracy)),
            ("C0", .numbers(run.initialConserved)), ("C_final", .numbers(run.finalConserved)),
            ("drift", .numbers(run.drift)), ("rel_drift", .numbers(run.relativeDrift)), ("S", .numbers(run.imbalanceSum)),
            ("ledger_residual", .number(run.ledgerResidual)), ("ledger_step_error", .number(run.ledgerStepError)),
            ("diverged", .bool(run.diverged)), ("diverged_at", run.divergedAt.map { .number(Double($0)) } ?? .null),
            ("interrupted", .bool(run.interrupted)), ("seconds", .number(run.seconds)),
        ])
    }
}
