import NoetherEngine
import NoetherSyntax

/// An activation function as a language value (`relu`, `interpolated(0.5)` …).
public struct ActivationObject: NoetherObject, FieldTable {
    public let activation: Activation
    public init(_ activation: Activation) { self.activation = activation }

    public static let typeName = "activation"
    public static let fields: [ObjectField<ActivationObject>] = [
        ObjectField("name", "the activation's name", \.activation.name),
        ObjectField(
            "homogeneous", "whether σ(a·z) = a·σ(z) for a > 0 (the conservation law's condition)",
            \.activation.isPositivelyHomogeneous),
        ObjectField("parameter", "ε of interpolated(ε), a of leaky_relu(a); nothing for the others") { o in
            switch o.activation {
            case .interpolated(let x), .leakyReLU(let x): .number(x)
            default: .nothing
            }
        },
    ]

    public var summary: String {
        "activation \(activation.name)"
            + (activation.isPositivelyHomogeneous ? "" : " (not homogeneous: C_l is not conserved)")
    }
    /// Its name, as the JSON of a network carries it.
    public var json: JSONValue { .string(activation.name) }
}
