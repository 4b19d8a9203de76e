#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How `Network.mlp` draws θ₀: a weight scheme, a scale and optional balancing.
///
/// Draw order (one `RandomSource(seed:)`, whatever the scheme): layers in forward
/// order; per layer the weights of W ∈ ℝ^{out×in} row-major, then, when the network
/// has biases, its bias vector. Then, in this order, every **weight** is multiplied
/// by `scale` (biases are not), and the layers are balanced when `balanced` is set.
public struct Initialization: Sendable, Equatable, Hashable {
    /// The distribution of the weights. Biases always use PyTorch's `nn.Linear`
    /// default U(−1/√in, +1/√in) (re-initializing only the weight, as PyTorch code does).
    public enum Scheme: Sendable, Equatable, Hashable {
        /// PyTorch's `nn.Linear` default, kaiming-uniform with a = √5: U(−1/√in, +1/√in).
        case uniform
        /// `torch.nn.init.kaiming_normal_` defaults (a = 0, mode fan_in, leaky_relu
        /// gain √2): N(0, 2/in).
        case kaimingNormal
        /// `torch.nn.init.xavier_uniform_` (gain 1): U(−√(6/(in+out)), +√(6/(in+out))).
        case xavierUniform
    }

    public var scheme: Scheme
    /// Every weight is multiplied by this after drawing (biases are not).
    public var scale: Double
    /// Rescale the layers so that every C_l(θ₀) = 0 without changing the function
    /// (see `Network.balanced()`).
    public var balanced: Bool

    public init(scheme: Scheme = .uniform, scale: Double = 1, balanced: Bool = false) {
        self.scheme = scheme
        self.scale = scale
        self.balanced = balanced
    }
}

extension Network {
    /// A fully connected network initialized by `initialization` (see `Initialization`
    /// for the exact draws). With the default `Initialization()` this is PyTorch's
    /// `nn.Linear` default and identical, draw for draw, to `mlp(sizes:activation:bias:seed:)`.
    ///
    /// Throws a `NetworkProblem` for fewer than two sizes, a size below 1, or
    /// `balanced` with a non-homogeneous activation; `outOfDomain` for a non-finite scale.
    public static func mlp(
        sizes: [Int], activation: Activation, bias: Bool, seed: Int,
        initialization: Initialization
    ) throws(EngineError) -> Network {
        guard sizes.count >= 2 else {
            throw .network(.tooFewLayerSizes(sizes))
        }
        if let bad = sizes.first(where: { $0 < 1 }) {
            throw .network(.layerSizeBelowOne(bad, sizes: sizes))
        }
        guard initialization.scale.isFinite else {
            throw .outOfDomain(.initialScale, .finite, got: .number(initialization.scale))
        }
        if initialization.balanced { try checkBalanceable(activation) }
        var rng = RandomSource(seed: seed)
        var weights = [Matrix]()
        var biases = [Matrix]()
        for l in 0..<(sizes.count - 1) {
            let fanIn = sizes[l]
            let fanOut = sizes[l + 1]
            let defaultBound = 1 / Double(fanIn).squareRoot()
            var w = Matrix(rows: fanOut, columns: fanIn)
            switch initialization.scheme {
            case .uniform:
                for i in 0..<w.count { w.storage[i] = rng.uniform(-defaultBound, defaultBound) }
            case .kaimingNormal:
                let std = (2 / Double(fanIn)).squareRoot()
                for i in 0..<w.count { w.storage[i] = std * rng.normal() }
            case .xavierUniform:
                let bound = (6 / Double(fanIn + fanOut)).squareRoot()
                for i in 0..<w.count { w.storage[i] = rng.uniform(-bound, bound) }
            }
            weights.append(w)
            if bias {
                var b = Matrix(rows: 1, columns: fanOut)
                for i in 0..<fanOut { b.storage[i] = rng.uniform(-defaultBound, defaultBound) }
                biases.append(b)
            }
        }
        if initialization.scale != 1 {
            for l in weights.indices { weights[l].scale(by: initialization.scale) }
        }
        let architecture = Architecture(sizes: sizes, activation: activation, hasBias: bias)
        let network = Network(
            architecture: architecture,
            parameters: Parameters(weights: weights, biases: bias ? biases : nil))
        return initialization.balanced ? try network.balanced() : network
    }

    /// The same function with balanced layers: every ||W_l||²_F equal, so every
    /// C_l = 0 (to rounding, ~1e-15 relative).
    ///
    /// W_l is multiplied by a_l = √(c / ||W_l||²) with c the geometric mean of the
    /// ||W_l||², so Π a_l = 1. For a positively homogeneous activation every hidden
    /// pre-activation of layer l is then multiplied by Π_{k≤l} a_k and the output by
    /// Π a_l = 1: the function is unchanged. Biases, when present, are multiplied by
    /// Π_{k≤l} a_k too, which keeps the function unchanged with them (C_l uses weights
    /// only, so it is still 0). All-zero weights are left as they are.
    ///
    /// Throws a `NetworkProblem` for a non-homogeneous activation (tanh, gelu: no
    /// rescaling keeps their function) or when some but not all layers are zero.
    public func balanced() throws(EngineError) -> Network {
        try Network.checkBalanceable(architecture.activation)
        var p = parameters
        let norms = p.weightSquaredNorms
        if norms.allSatisfy({ $0 == 0 }) { return self }
        if let zero = norms.firstIndex(of: 0) {
            throw .network(.balancingZeroLayer(layer: zero))
        }
        guard norms.allSatisfy(\.isFinite) else {
            throw .network(.balancingNonFiniteWeights)
        }
        // Geometric mean in log space (no overflow for deep or large nets).
        var logMean = 0.0
        for n in norms { logMean += log(n) }
        logMean /= Double(norms.count)
        var cumulative = 1.0
        for l in 0..<p.weights.count {
            let a = exp(0.5 * (logMean - log(norms[l])))
            p.weights[l].scale(by: a)
            cumulative *= a
            if p.biases != nil { p.biases![l].scale(by: cumulative) }
        }
        return with(parameters: p)
    }

    static func checkBalanceable(_ activation: Activation) throws(EngineError) {
        guard activation.isPositivelyHomogeneous else {
            throw .network(.balancingNeedsHomogeneousActivation(activation))
        }
    }

    /// Per-neuron balances of the hidden units (see `Parameters.neuronBalances`).
    public var neuronBalances: [[Double]] { parameters.neuronBalances }
}

extension Parameters {
    /// Per-neuron balances, weights only: for hidden layer h (0-based, the output of
    /// W_h) and unit j, ||W_{h+1}[:, j]||² − ||W_h[j, :]||² (outgoing minus incoming).
    /// Conserved by gradient flow for homogeneous activations without bias; their sum
    /// over the units of layer h is C_h. One array per hidden layer (L − 1 arrays).
    public var neuronBalances: [[Double]] {
        (0..<(weights.count - 1)).map { h in
            let units = weights[h].rows
            var out = [Double](repeating: 0, count: units)
            neuronBalances(hiddenLayer: h, into: &out)
            return out
        }
    }

    /// Writes the balances of hidden layer `h` into `out` (count = its units). No allocation.
    func neuronBalances(hiddenLayer h: Int, into out: inout [Double]) {
        unitBalances(incoming: weights[h], outgoing: weights[h + 1], into: &out)
    }
}
