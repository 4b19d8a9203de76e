import NoetherEngine
import NoetherSyntax

/// Network builtins and the activation constants.
enum NetworkBuiltins {
    static let all: [Builtin] = [mlp, interpolated, leakyReLU, balance, save, load]

    static let activationNames = ["relu", "linear", "tanh", "gelu", "interpolated", "leaky_relu"]

    static let constants: [Constant] = [
        Constant(
            "relu", category: "networks", help: "ReLU activation max(0, z), with ReLU′(0) = 0 (homogeneous)",
            value: .object(ActivationObject(.relu))),
        Constant(
            "linear", category: "networks", help: "the identity activation: a linear network (homogeneous)",
            value: .object(ActivationObject(.linear))),
        Constant(
            "tanh", category: "networks",
            help: "tanh activation; not homogeneous, so C_l is not conserved (the ledger shows by how much)",
            value: .object(ActivationObject(.tanh))),
        Constant(
            "gelu", category: "networks",
            help: "GELU activation z·Φ(z), exact via erf; not homogeneous, so C_l is not conserved",
            value: .object(ActivationObject(.gelu))),
    ]

    static let mlp = Builtin(
        "mlp", category: "networks",
        abstract: "A fully connected network, by default with PyTorch's nn.Linear initialization.",
        discussion: """
            sizes = [d, m₁, …, K]: the activation follows every layer but the last. Draws, from
            one seeded stream: layers in order, each W (out×in) row-major, then its bias.
            init="uniform" (default): every weight U(−1/√in, +1/√in), PyTorch's nn.Linear default.
            init="kaiming_normal": N(0, 2/in). init="xavier_uniform": U(±√(6/(in+out))).
            Biases are always U(±1/√in). Then every weight (not bias) is multiplied by `scale`,
            and with balanced=true the layers are rescaled so every C_l(θ₀) = 0 without
            changing the function (homogeneous activations only).
            Without bias and with a homogeneous activation (relu, linear, interpolated,
            leaky_relu), C_l = ||W_{l+1}||² − ||W_l||² is conserved by gradient flow.
            """,
        parameters: [
            Parameter("sizes", .list(.integer), help: "layer widths [d, m₁, …, K]"),
            Parameter(
                "activation", .object("activation"), .value(.object(ActivationObject(.relu)), text: "relu"),
                help: "hidden-layer activation: relu, linear, tanh, gelu, interpolated(ε), leaky_relu(a)",
                completion: .values(activationNames)),
            Parameter("bias", .bool, .value(.bool(false), text: "false"), help: "whether every layer has a bias"),
            Parameter("seed", .integer, .value(.number(42), text: "42"), help: "random seed of the initialization"),
            Choices.initialization.parameter("init", default: "uniform", help: "weight distribution: "),
            Parameter.number("scale", default: 1, help: "multiply every weight by this after drawing (not the biases)"),
            Parameter(
                "balanced", .bool, .value(.bool(false), text: "false"),
                help: "rescale layers so every C_l(θ₀) = 0, keeping the function"),
        ],
        returns: "network",
        example: """
            net = mlp([20, 64, 5], activation=relu, bias=false, seed=42)
            mlp([20, 64, 5], init="kaiming_normal", scale=0.5, balanced=true).C
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let sizes = try ctx.list("sizes").compactMap { v -> Int? in
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
        let activation = try ctx.object("activation", as: ActivationObject.self).activation
        let bias = try ctx.bool("bias")
        let seed = try ctx.integer("seed")
        let scheme = try ctx.choice("init", Choices.initialization)
        let scale = try ctx.number("scale")
        guard scale.isFinite else {
            throw ctx.error("'scale' must be a finite number, got \(formatNumber(scale))", at: "scale")
        }
        let balanced = try ctx.bool("balanced")
        if balanced && !activation.isPositivelyHomogeneous {
            throw ctx.error(
                "balanced=true needs a homogeneous activation; rescaling the layers of a "
                    + "'\(activation.name)' network would change its function", at: "balanced",
                hint: "use relu, linear, interpolated(ε) or leaky_relu(a)")
        }
        let initialization = Initialization(scheme: scheme, scale: scale, balanced: balanced)
        let net = try ctx.engine { () throws(EngineError) in
            try Network.mlp(
                sizes: sizes, activation: activation, bias: bias, seed: seed, initialization: initialization)
        }
        // A huge scale overflows the weights (or their squares, in C_l): refuse it.
        let norms = net.parameters.weightSquaredNorms
        guard norms.allSatisfy(\.isFinite) else {
            throw ctx.error(
                "scale=\(formatNumber(scale)) makes weights whose squared norms overflow a 64-bit float",
                at: "scale", hint: "use a scale whose weights stay below about 1e150")
        }
        return .object(NetworkObject(net))
    }

    static let interpolated = Builtin(
        "interpolated", category: "networks",
        abstract: "The activation σ_ε(z) = (1 − ε)·z + ε·max(0, z): ε = 0 linear, ε = 1 relu.",
        discussion: """
            σ_ε′(z) = (1 − ε) + ε·1[z > 0] (so σ_ε′(0) = 1 − ε, ReLU′(0) = 0 as in PyTorch).
            Every σ_ε is positively homogeneous, so C_l is conserved for all ε: ε measures
            the degree of nonlinearity, not of homogeneity.
            """,
        parameters: [Parameter("eps", .number, help: "the degree of nonlinearity ε (0 = linear, 1 = relu)")],
        returns: "activation",
        example: "net = mlp([20, 64, 5], activation=interpolated(0.5))"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let eps = try ctx.number("eps")
        guard eps.isFinite else {
            throw ctx.error("'eps' must be a finite number, got \(formatNumber(eps))", at: "eps")
        }
        return .object(ActivationObject(.interpolated(eps)))
    }

    static let leakyReLU = Builtin(
        "leaky_relu", category: "networks",
        abstract: "The activation z for z > 0, a·z otherwise (homogeneous, so C_l is conserved).",
        discussion: """
            The default slope 0.01 is PyTorch's nn.LeakyReLU default; the paper's universality
            sweeps use leaky_relu(0.1). The derivative at 0 is a (PyTorch's convention).
            """,
        parameters: [Parameter.number("a", default: 0.01, help: "the slope for z ≤ 0")],
        returns: "activation",
        example: "net = mlp([20, 64, 5], activation=leaky_relu(0.1))"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let a = try ctx.number("a")
        guard a.isFinite else { throw ctx.error("'a' must be a finite number, got \(formatNumber(a))", at: "a") }
        return .object(ActivationObject(.leakyReLU(a)))
    }

    static let balance = Builtin(
        "balance", category: "networks",
        abstract: "The same function with balanced layers: every ||W_l||² equal, so every C_l = 0.",
        discussion: """
            W_l is multiplied by a_l = √(c/||W_l||²) with c the geometric mean of the ||W_l||², so
            Π a_l = 1 and, for a homogeneous activation, the outputs are unchanged (biases are
            rescaled by Π_{k≤l} a_k). Refused for tanh and gelu, whose function would change.
            """,
        parameters: [
            Parameter(
                "net", .object("network"), help: "the network to balance (not modified)",
                completion: .variables)
        ],
        returns: "network",
        example: "balance(mlp([20, 64, 5])).C   # [0] up to rounding"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        return .object(NetworkObject(try ctx.engine(at: "net") { () throws(EngineError) in try net.balanced() }))
    }

    static let save = Builtin(
        "save", category: "networks",
        abstract: "Writes a network to a file in the versioned noether-network text format.",
        discussion: """
            Format version \(NetworkFile.version): a header line 'noether-network \(NetworkFile.version)', the sizes, the
            activation and bias, then every weight matrix (and bias) as text with round-trip
            precision, and a checksum over the parameters. `load` reads it back bit for bit.
            A file that exists is replaced only when this session wrote it or with overwrite=true,
            and only inside the folders a session may write to (docs/security.md). A relative
            path is relative to the running script's folder. (`save "session.noe"`, without parentheses, is the session command.)
            """,
        parameters: [
            Parameter("net", .object("network"), help: "the network to save", completion: .variables),
            Parameter("path", .string, help: "the file to write, e.g. \"net.txt\"", completion: .filePath),
            Parameter(
                "overwrite", .bool, .value(.bool(false), text: "false"),
                help: "replace a file that exists and that this session did not write"),
        ],
        returns: "nothing",
        example: """
            save(run.net, "trained.net")
            net2 = load("trained.net")
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        let path = try ctx.interpreter.pathForWriting(
            try ctx.string("path"), overwrite: try ctx.bool("overwrite"), at: ctx.range(of: "path"))
        try ctx.engine(at: "path") { () throws(EngineError) in try net.save(to: path) }
        return .nothing
    }

    static let load = Builtin(
        "load", category: "networks",
        abstract: "Reads a network written by `save`.",
        discussion: """
            A missing file is a missing-file error (exit status 66 in batch). A file that is not
            a noether network, has another format version, or is damaged (a bad number, a wrong
            count, a checksum mismatch, truncation) is refused with a message saying what and where.
            (`load "setup.noe"`, without parentheses, is the session command that runs a script.)
            """,
        parameters: [Parameter("path", .string, help: "the file to read", completion: .filePath)],
        returns: "network",
        example: """
            save(net, "start.net")
            net2 = load("start.net")
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let path = ctx.interpreter.pathForReading(try ctx.string("path"))
        do throws(Diagnostic) {
            return .object(
                NetworkObject(try ctx.engine(at: "path") { () throws(EngineError) in try Network.load(from: path) }))
        } catch var d {
            if d.kind == .runtime {
                d.notes.append(
                    "network files are written by save(net, \"file\") in the noether-network format, version \(NetworkFile.version)"
                )
            }
            throw d
        }
    }
}
