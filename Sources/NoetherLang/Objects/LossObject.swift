import NoetherEngine
import NoetherSyntax

/// A loss as a language value (`mse`, `cross_entropy`, `interpolated_loss(0.5)`).
public struct LossObject: NoetherObject, FieldTable {
    public let loss: Loss
    public init(_ loss: Loss) { self.loss = loss }

    public static let typeName = "loss"
    public static let fields: [ObjectField<LossObject>] = [
        ObjectField("name", "the loss's name", \.loss.name),
        ObjectField(
            "ce_weight", "the weight ε of cross-entropy: 0 for mse, 1 for cross_entropy, ε for interpolated_loss(ε)"
        ) { o in
            switch o.loss {
            case .mse: .number(0)
            case .crossEntropy: .number(1)
            case .interpolated(let e): .number(e)
            }
        },
        ObjectField("needs_labels", "whether the loss needs class labels (any cross-entropy part)", \.loss.needsLabels),
    ]

    public var summary: String { "loss \(loss.name)" }
    /// Its name, as the JSON of a run carries it.
    public var json: JSONValue { .string(loss.name) }
}
