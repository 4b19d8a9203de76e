import NoetherEngine
import NoetherSyntax

/// A network as a language value.
public struct NetworkObject: NoetherObject, FieldTable {
    public let network: Network
    public init(_ network: Network) { self.network = network }

    public static let typeName = "network"
    public static let fields: [ObjectField<NetworkObject>] = [
        ObjectField("sizes", "layer widths [d, m₁, …, K]") { o in
            .numbers(o.network.architecture.sizes.map(Double.init))
        },
        ObjectField("activation", "the hidden-layer activation") { o in
            .object(ActivationObject(o.network.architecture.activation))
        },
        ObjectField("bias", "whether layers have biases", \.network.architecture.hasBias),
        ObjectField("P", "number of parameters", \.network.parameterCount),
        ObjectField("layers", "number of weight matrices L", \.network.layerCount),
        ObjectField(
            "C", "conserved quantities C_l = ||W_{l+1}||² − ||W_l||², l = 1…L−1", \.network.conservedQuantities),
        ObjectField("norms", "||W_l||²_F per layer", \.network.parameters.weightSquaredNorms),
        ObjectField("neuron_balances", "per hidden layer, ||outgoing||² − ||incoming||² of each unit (they sum to C_l)")
        { o in .list(o.network.neuronBalances.map { .numbers($0) }) },
        ObjectField(
            "conserving", "whether gradient flow conserves C_l: a homogeneous activation and no bias",
            \.network.architecture.conservesBalances),
    ]

    public var summary: String {
        let a = network.architecture
        return "network mlp \(a.sizes.map(String.init).joined(separator: "→")), \(a.activation.name), "
            + "\(a.hasBias ? "bias" : "no bias"), P=\(a.parameterCount), C=\(formatSummary(network.conservedQuantities))"
    }

}

extension Architecture {
    /// Whether gradient flow conserves every C_l (and every neuron balance): a
    /// positively homogeneous activation and no biases.
    var conservesBalances: Bool { activation.isPositivelyHomogeneous && !hasBias }
}
