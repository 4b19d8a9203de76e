/// Preallocated buffers for one forward and backward pass of a network over a fixed
/// batch size, so the training step never allocates.
///
/// Layout, for n samples and L layers (l = 0 … L−1):
/// - `preActivations[l]`  Z_l = A_{l−1} W_lᵀ (+ 1 b_lᵀ), n × sizes[l+1]
/// - `activations[l]`     A_l = σ(Z_l) for hidden layers (l < L−1); A_{−1} = X
/// - `slopes[l]`          σ′(Z_l) for hidden layers
/// - `outputGradient`     G = ∂L/∂F, n × K (F = Z_{L−1})
/// - `probabilities`      softmax(F) when the loss has a cross-entropy part
/// - `weightGradients[l]`, `biasGradients[l]` ∂L/∂W_l, ∂L/∂b_l
/// `deltas[l]` holds ∂L/∂Z_l during the backward pass.
///
/// Generic over the precision (`TrainingScalar`): `Backprop` is the Double pass every
/// caller uses; a float32 run (`train(…, precision="float32")`) uses
/// `BackpropOf<Float>`, the same code with its products in `cblas_sgemm`.
public struct BackpropOf<Scalar: TrainingScalar>: Sendable {
    public typealias Values = DenseMatrix<Scalar>
    public let architecture: Architecture
    public let batchSize: Int
    public var preActivations: [Values]
    public var activations: [Values]
    public var slopes: [Values]
    public var deltas: [Values]
    public var outputGradient: Values
    public var probabilities: Values
    public var weightGradients: [Values]
    public var biasGradients: [Values]?
    /// Whether `forward` fills `slopes` (default). The training loop turns this off:
    /// for ReLU and linear networks σ′ follows from the activations (σ′(z) = 1 exactly
    /// when σ(z) > 0, or always), so the forward pass skips one n×m store per hidden
    /// layer and `backward` derives the same 0/1 factors from `activations`, with
    /// bit-identical gradients. `slopes` is then unspecified for those activations;
    /// curvature code, which reads it, leaves this on.
    public var keepsSlopes = true
    /// Whether ReLU's value (forward) and σ′ mask (backward) are fused into the stores of
    /// the products that precede them, where Noether's small-product kernel takes the
    /// shape (`SmallProducts`; training only: needs `keepsSlopes` off and no biases).
    /// Bit-identical either way; off only to test that.
    var fusesElementwise = true

    public init(architecture: Architecture, batchSize n: Int) {
        self.architecture = architecture
        self.batchSize = n
        let sizes = architecture.sizes
        let layers = architecture.layerCount
        preActivations = (0..<layers).map { Values(rows: n, columns: sizes[$0 + 1]) }
        activations = (0..<layers).map { Values(rows: n, columns: $0 < layers - 1 ? sizes[$0 + 1] : 0) }
        slopes = activations
        deltas = preActivations
        outputGradient = Values(rows: n, columns: sizes[layers])
        probabilities = outputGradient
        weightGradients = (0..<layers).map { Values(rows: sizes[$0 + 1], columns: sizes[$0]) }
        biasGradients = architecture.hasBias ? (0..<layers).map { Values(rows: 1, columns: sizes[$0 + 1]) } : nil
    }

    /// The network outputs F = Z_{L−1} of the last forward pass (n × K).
    public var outputs: Values { preActivations[architecture.layerCount - 1] }

    /// Forward pass only: fills Z, A and σ′ for `inputs` (n × d).
    public mutating func forward(_ parameters: ParameterSet<Scalar>, inputs x: Values) {
        let layers = architecture.layerCount
        let activation = architecture.activation
        let fuse = fusesElementwise && !keepsSlopes && activation == .relu && parameters.biases == nil
        for l in 0..<layers {
            if fuse && l < layers - 1
                && Scalar.fusedProductReLU(
                    l == 0 ? x : activations[l - 1], parameters.weights[l], into: &preActivations[l],
                    activations: &activations[l])
            {
                continue
            }
            if l == 0 {
                Values.gemm(.none, x, .transposed, parameters.weights[0], into: &preActivations[0])
            } else {
                Values.gemm(.none, activations[l - 1], .transposed, parameters.weights[l], into: &preActivations[l])
            }
            if let biases = parameters.biases { addRowVector(biases[l], to: &preActivations[l]) }
            if l < layers - 1 {
                preActivations[l].storage.withUnsafeBufferPointer { z in
                    activations[l].storage.withUnsafeMutableBufferPointer { a in
                        if !keepsSlopes && activation.slopeFollowsFromValue {
                            activation.applyValue(z, value: a)
                        } else {
                            slopes[l].storage.withUnsafeMutableBufferPointer { s in
                                activation.apply(z, value: a, slope: s)
                            }
                        }
                    }
                }
            }
        }
    }

    /// Forward and backward pass on explicit `inputs` (batchSize × d), `targets`
    /// (batchSize × K) and `labels` (batchSize entries, required when the loss needs
    /// them), e.g. a mini-batch gathered into preallocated buffers. Never allocates.
    public mutating func evaluate(
        _ parameters: ParameterSet<Scalar>, inputs: Values, targets: Values, labels: [Int]?,
        loss: Loss
    ) -> Double {
        // Issue 13 §4: large batches take the step blocked over samples (BlockedStep.swift).
        if let value = Scalar.evaluateBlocked(
            &self, parameters, inputs: inputs, targets: targets, labels: labels, loss: loss)
        {
            return value
        }
        forward(parameters, inputs: inputs)
        let layers = architecture.layerCount
        let value = loss.evaluate(
            outputs: preActivations[layers - 1], targets: targets, labels: labels,
            gradient: &outputGradient, probabilities: &probabilities)
        deltas[layers - 1].storage.withUnsafeMutableBufferPointer { d in
            outputGradient.storage.withUnsafeBufferPointer { g in _ = d.update(fromContentsOf: g) }
        }
        backward(parameters, inputs: inputs)
        return value
    }

    /// Backpropagates `deltas[L−1]` = ∂L/∂F through the stored forward pass.
    public mutating func backward(_ parameters: ParameterSet<Scalar>, inputs x: Values) {
        let layers = architecture.layerCount
        for l in stride(from: layers - 1, through: 0, by: -1) {
            if l == 0 {
                Values.gemm(.transposed, deltas[0], .none, x, into: &weightGradients[0])
            } else {
                Values.gemm(.transposed, deltas[l], .none, activations[l - 1], into: &weightGradients[l])
            }
            if biasGradients != nil { columnSums(deltas[l], into: &biasGradients![l]) }
            if l > 0 {
                let activation = architecture.activation
                if fusesElementwise && !keepsSlopes && activation == .relu
                    && Scalar.fusedProductMasked(
                        deltas[l], parameters.weights[l], into: &deltas[l - 1], mask: activations[l - 1])
                {
                    continue
                }
                Values.gemm(.none, deltas[l], .none, parameters.weights[l], into: &deltas[l - 1])
                if !keepsSlopes && activation.slopeFollowsFromValue {
                    if activation == .relu {
                        deltas[l - 1].storage.withUnsafeMutableBufferPointer { d in
                            activations[l - 1].storage.withUnsafeBufferPointer { a in
                                multiplyByPositiveIndicator(d, of: a)
                            }
                        }
                    }  // linear: σ′ = 1, nothing to do
                } else {
                    deltas[l - 1].storage.withUnsafeMutableBufferPointer { d in
                        slopes[l - 1].storage.withUnsafeBufferPointer { s in multiplyElementwise(d, by: s) }
                    }
                }
            }
        }
    }

    /// The full gradient as parameters-shaped values.
    public var gradient: ParameterSet<Scalar> { ParameterSet(weights: weightGradients, biases: biasGradients) }

    /// Fraction of samples whose largest output is their label (classification only).
    public func accuracy(labels: [Int]) -> Double {
        let f = outputs
        let k = f.columns
        guard f.rows > 0 else { return .nan }
        var correct = 0
        f.storage.withUnsafeBufferPointer { out in
            for i in 0..<f.rows {
                let row = i * k
                var best = 0
                var top = out[row]
                for j in 1..<k where out[row + j] > top {
                    best = j
                    top = out[row + j]
                }
                if best == labels[i] { correct += 1 }
            }
        }
        return Double(correct) / Double(f.rows)
    }
}

/// The forward and backward pass in Double, the engine's precision.
public typealias Backprop = BackpropOf<Double>

extension Backprop {
    /// Forward and backward pass at `parameters` on `data`: returns the loss and leaves
    /// ∂L/∂θ in `weightGradients` / `biasGradients`. Cost: about 3× the forward gemms.
    public mutating func evaluate(_ parameters: Parameters, data: Dataset, loss: Loss) -> Double {
        evaluate(parameters, inputs: data.inputs, targets: data.targets, labels: data.labels, loss: loss)
    }
}

/// d[i] ← d[i]·factor(s[i]) (same counts; the factor is s[i] itself by default). A plain
/// loop over raw pointers, which the compiler vectorizes for Double and Float alike.
@inline(__always)
func multiplyElementwise<S: TrainingScalar>(
    _ d: UnsafeMutableBufferPointer<S>, by s: UnsafeBufferPointer<S>, factor: (S) -> S = { $0 }
) {
    precondition(d.count == s.count, "elementwise product of buffers of different lengths")
    guard let db = d.baseAddress, let sb = s.baseAddress else { return }
    for i in 0..<d.count { db[i] *= factor(sb[i]) }
}

/// d[i] ← d[i]·(a[i] > 0 ? 1 : 0) (same counts): ReLU's σ′ recovered from σ, as a
/// product so that non-finite deltas propagate exactly as with stored slopes.
@inline(__always)
func multiplyByPositiveIndicator<S: TrainingScalar>(_ d: UnsafeMutableBufferPointer<S>, of a: UnsafeBufferPointer<S>) {
    multiplyElementwise(d, by: a, factor: { $0 > 0 ? 1 : 0 })
}

/// m[i, :] += v for every row i (v is 1 × columns).
func addRowVector<S: TrainingScalar>(_ v: DenseMatrix<S>, to m: inout DenseMatrix<S>) {
    let c = m.columns
    v.storage.withUnsafeBufferPointer { b in
        m.storage.withUnsafeMutableBufferPointer { z in
            for i in 0..<m.rows {
                let row = i * c
                for j in 0..<c { z[row + j] += b[j] }
            }
        }
    }
}

/// out[0, j] = Σ_i m[i, j].
func columnSums<S: TrainingScalar>(_ m: DenseMatrix<S>, into out: inout DenseMatrix<S>) {
    let c = m.columns
    m.storage.withUnsafeBufferPointer { z in
        out.storage.withUnsafeMutableBufferPointer { o in
            for j in 0..<c { o[j] = 0 }
            for i in 0..<m.rows {
                let row = i * c
                for j in 0..<c { o[j] += z[row + j] }
            }
        }
    }
}

extension Network {
    /// The loss and its exact gradient at this network's parameters (allocates a workspace).
    public func lossAndGradient(data: Dataset, loss: Loss) throws(EngineError) -> (loss: Double, gradient: Parameters) {
        try checkCompatible(with: data, loss: loss)
        var bp = Backprop(architecture: architecture, batchSize: data.count)
        let value = bp.evaluate(parameters, data: data, loss: loss)
        return (value, bp.gradient)
    }

    /// Network outputs F (n × K) on `inputs`.
    public func outputs(on inputs: Matrix) -> Matrix {
        var bp = Backprop(architecture: architecture, batchSize: inputs.rows)
        bp.forward(parameters, inputs: inputs)
        return bp.outputs
    }
}
