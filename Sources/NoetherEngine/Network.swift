/// The shape of a fully connected network: layer widths, activation, biases.
///
/// `sizes = [d, m₁, …, K]`; layer l (0-based) maps sizes[l] → sizes[l+1] with
/// W_l ∈ ℝ^{sizes[l+1] × sizes[l]} (row-major, out × in). The activation follows
/// every layer but the last.
public struct Architecture: Sendable, Equatable, Hashable {
    public var sizes: [Int]
    public var activation: Activation
    public var hasBias: Bool

    public init(sizes: [Int], activation: Activation, hasBias: Bool) {
        self.sizes = sizes
        self.activation = activation
        self.hasBias = hasBias
    }

    /// Number of weight matrices L.
    public var layerCount: Int { sizes.count - 1 }
    /// Number of parameters P (weights, plus biases when present).
    public var parameterCount: Int {
        var p = 0
        for l in 0..<layerCount { p += sizes[l] * sizes[l + 1] + (hasBias ? sizes[l + 1] : 0) }
        return p
    }
}

/// All trainable parameters of a network: one weight matrix per layer and, when
/// the architecture has biases, one bias vector per layer (stored as 1×out).
///
/// Flattened order (for Hessians and vectors over θ): W₁ row-major, b₁, W₂, b₂, ….
public struct ParameterSet<Scalar: TrainingScalar>: Sendable, Equatable {
    public var weights: [DenseMatrix<Scalar>]
    public var biases: [DenseMatrix<Scalar>]?

    public init(weights: [DenseMatrix<Scalar>], biases: [DenseMatrix<Scalar>]?) {
        self.weights = weights
        self.biases = biases
    }

    /// The same parameters in another precision (rounded to nearest when narrowing).
    public init<Other>(converting other: ParameterSet<Other>) {
        weights = other.weights.map { DenseMatrix(converting: $0) }
        biases = other.biases?.map { DenseMatrix(converting: $0) }
    }

    /// ||W_l||²_F for every layer (accumulated in Double).
    public var weightSquaredNorms: [Double] { weights.map(\.squaredNorm) }

    /// C_l = ||W_{l+1}||² − ||W_l||² for l = 1 … L−1 (weights only, biases never enter).
    public var conservedQuantities: [Double] {
        let norms = weightSquaredNorms
        return (0..<(norms.count - 1)).map { norms[$0 + 1] - norms[$0] }
    }

    public var isFinite: Bool {
        weights.allSatisfy(\.isFinite) && (biases?.allSatisfy(\.isFinite) ?? true)
    }

    /// Total number of scalars.
    public var count: Int { weights.reduce(0) { $0 + $1.count } + (biases?.reduce(0) { $0 + $1.count } ?? 0) }
}

/// The parameters of a network in Double, the engine's precision.
public typealias Parameters = ParameterSet<Double>

extension Parameters {
    /// The parameters as one vector in the documented order.
    public var flattened: [Double] {
        var v = [Double]()
        v.reserveCapacity(count)
        for l in 0..<weights.count {
            v.append(contentsOf: weights[l].storage)
            if let biases { v.append(contentsOf: biases[l].storage) }
        }
        return v
    }

    /// Parameters of the same shapes as `self`, read from a flat vector in the documented order.
    public func unflattened(_ v: [Double]) -> Parameters {
        precondition(v.count == count, "vector has \(v.count) entries, the network \(count) parameters")
        var out = self
        var offset = 0
        for l in 0..<weights.count {
            let c = weights[l].count
            out.weights[l].storage = Array(v[offset..<(offset + c)])
            offset += c
            if out.biases != nil {
                let bc = out.biases![l].count
                out.biases![l].storage = Array(v[offset..<(offset + bc)])
                offset += bc
            }
        }
        return out
    }
}

/// A fully connected network: an architecture and its parameters. Immutable, so
/// one θ₀ can start many runs; training returns a new network.
public final class Network: Sendable {
    public let architecture: Architecture
    public let parameters: Parameters

    public init(architecture: Architecture, parameters: Parameters) {
        precondition(parameters.weights.count == architecture.layerCount, "one weight matrix per layer")
        for l in 0..<architecture.layerCount {
            precondition(
                parameters.weights[l].rows == architecture.sizes[l + 1]
                    && parameters.weights[l].columns == architecture.sizes[l], "weight \(l) has the wrong shape")
        }
        precondition((parameters.biases != nil) == architecture.hasBias, "biases must match the architecture")
        self.architecture = architecture
        self.parameters = parameters
    }

    /// A network with PyTorch's default `nn.Linear` initialization: every weight of
    /// W ∈ ℝ^{out×in} i.i.d. U(−1/√in, +1/√in), drawn row-major, layers in forward
    /// order; each layer's bias (when present) drawn right after its weights from
    /// the same bound. All draws come from one `RandomSource(seed:)`.
    /// Other schemes, scaling and balancing: `mlp(sizes:activation:bias:seed:initialization:)`.
    public static func mlp(sizes: [Int], activation: Activation, bias: Bool, seed: Int) throws(EngineError) -> Network {
        try mlp(sizes: sizes, activation: activation, bias: bias, seed: seed, initialization: Initialization())
    }

    /// A network with the same architecture and new parameters.
    public func with(parameters: Parameters) -> Network {
        Network(architecture: architecture, parameters: parameters)
    }

    public var layerCount: Int { architecture.layerCount }
    public var parameterCount: Int { architecture.parameterCount }
    public var conservedQuantities: [Double] { parameters.conservedQuantities }

    /// Checks that the network can read `data` (input size) and produce its targets.
    public func checkCompatible(with data: Dataset, loss: Loss) throws(EngineError) {
        let sizes = architecture.sizes
        guard sizes.first == data.inputDimension else {
            throw .network(.inputsDiffer(network: sizes.first!, data: data.inputDimension))
        }
        guard sizes.last == data.outputDimension else {
            throw .network(
                .outputsDiffer(network: sizes.last!, data: data.outputDimension, classification: data.isClassification))
        }
        if loss.needsLabels && !data.isClassification {
            throw .network(.lossNeedsLabels(loss, dataset: data.name))
        }
    }
}
