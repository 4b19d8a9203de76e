import NoetherEngine
import NoetherSyntax

/// An optimizer as a language value.
public struct OptimizerObject: NoetherObject, FieldTable {
    public let optimizer: Optimizer
    public init(_ optimizer: Optimizer) { self.optimizer = optimizer }

    public static let typeName = "optimizer"
    public static let fields: [ObjectField<OptimizerObject>] = [
        ObjectField("lr", "the learning rate η", \.optimizer.learningRate),
        ObjectField("name", "the optimizer with its hyper-parameters", \.optimizer.name),
        ObjectField("kind", "\"gd\", \"momentum\", \"adam\" or \"sgd\"", \.optimizer.kind),
        ObjectField("weight_decay", "the coupled L2 weight decay (0 for none)", \.optimizer.weightDecay),
        ObjectField("batch", "the mini-batch size (sgd; nothing for the full-batch methods)") { o in
            o.optimizer.batchSize.map { .number(Double($0)) } ?? .nothing
        },
        ObjectField("options", "the method's own hyper-parameters as a record, e.g. {beta=0.9, nesterov=false}") { o in
            .record(o.options)
        },
        ObjectField(
            "identity", "whether ΔC_l = η²δ_l holds exactly under this update rule (gd and sgd without weight decay)",
            \.optimizer.satisfiesDriftIdentity),
    ]

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
