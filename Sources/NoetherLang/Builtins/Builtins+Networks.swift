import NoetherEngine
import NoetherSyntax

/// Network builtins and the activation constants.
enum NetworkBuiltins {
    static let all: [Builtin] = [mlp]

    static let constants: [Constant] = [
        Constant("relu", category: "networks", help: "ReLU activation max(0, z), with ReLU′(0) = 0",
                 value: .object(ActivationObject(.relu))),
        Constant("linear", category: "networks", help: "the identity activation (a linear network)",
                 value: .object(ActivationObject(.linear))),
    ]

    static let mlp = Builtin(
        "mlp", category: "networks",
        abstract: "A fully connected network with PyTorch's default initialization.",
        discussion: """
        sizes = [d, m₁, …, K]: the activation follows every layer but the last. Weights of a
        layer with fan-in `in` are i.i.d. U(−1/√in, +1/√in), drawn row-major, layers in order.
        Without bias the network is positively homogeneous for relu and linear, and
        C_l = ||W_{l+1}||² − ||W_l||² is conserved under gradient flow.
        """,
        parameters: [
            Parameter("sizes", .list(.integer), help: "layer widths [d, m₁, …, K]"),
            Parameter("activation", .object("activation"), .value(.object(ActivationObject(.relu)), text: "relu"),
                      help: "hidden-layer activation", completion: .values(["relu", "linear"])),
            Parameter("bias", .bool, .value(.bool(false), text: "false"), help: "whether every layer has a bias"),
            Parameter("seed", .integer, .value(.number(42), text: "42"), help: "random seed of the initialization"),
        ],
        returns: "network",
        example: "net = mlp([20, 64, 5], activation=relu, bias=false, seed=42)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let sizes = ctx.list("sizes").compactMap { v -> Int? in
            if case .number(let x) = v { return Int(x) }
            return nil
        }
        guard sizes.count >= 2 else {
            throw ctx.error("'sizes' needs at least an input and an output size, e.g. [20, 64, 5]", at: "sizes")
        }
        var total = 0
        for i in 0..<(sizes.count - 1) {
            guard sizes[i] >= 1 && sizes[i] <= 1_000_000, sizes[i + 1] >= 1 && sizes[i + 1] <= 1_000_000 else {
                throw ctx.error("every layer size must be between 1 and 1000000, got \(sizes)", at: "sizes")
            }
            total += sizes[i] * sizes[i + 1]
        }
        guard total <= 200_000_000 else {
            throw ctx.error("the network would have \(total) weights; keep it under 2e8", at: "sizes")
        }
        let activation = ctx.object("activation", as: ActivationObject.self).activation
        let bias = ctx.bool("bias")
        let seed = ctx.integer("seed")
        let net = try ctx.engine { () throws(EngineError) in
            try Network.mlp(sizes: sizes, activation: activation, bias: bias, seed: seed)
        }
        return .object(NetworkObject(net))
    }
}
