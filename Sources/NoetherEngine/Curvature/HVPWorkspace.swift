/// Which curvature matrix of the full-batch loss L(θ) an `HVPWorkspace` applies.
public enum CurvatureKind: Sendable, Equatable, Hashable {
    /// The exact Hessian ∇²L(θ), by the R-operator (forward-over-reverse).
    case hessian
    /// The generalized Gauss–Newton matrix G = Jᵀ M J, with J = ∂F/∂θ (nK × P) and
    /// M = blockdiag(M_i) the loss's output Hessian (experiments.md §1.4). G is H
    /// without the terms that carry the output gradient or σ″.
    case gaussNewton
    /// JᵀJ / n: the Gauss–Newton form with the output metric replaced by I/n (the
    /// first factor of the cross-entropy compression bound, theory.md §5).
    case jacobianGram
}

/// Preallocated buffers for exact curvature–vector products of the full-batch loss
/// at one θ: Hessian–vector products by the R-operator (Pearlmutter 1994), and the
/// Gauss–Newton / JᵀJ products that share its forward sweep.
///
/// **Layout.** A direction is a vector over θ in `Parameters.flattened` order (W1
/// row-major, b1, W2, …). A *block* of B directions is a B × P matrix whose rows are
/// the directions; its product is the B × P matrix whose row b is H·v_b (H is
/// symmetric, so these rows are also the columns of H·V).
///
/// **Method.** With Z_l = A_{l−1} W_lᵀ + 1 b_lᵀ, A_l = σ(Z_l), A_{−1} = X, F = Z_{L−1},
/// Δ_l = ∂L/∂Z_l, S_l = σ′(Z_l), and a direction (V_l, v_l):
/// - forward:  RZ_l = RA_{l−1} W_lᵀ + A_{l−1} V_lᵀ + 1 v_lᵀ,  RA_l = S_l ⊙ RZ_l;
/// - output:   RΔ_{L−1} = M · RF (per sample, `Loss.outputHessianProduct`'s formula);
/// - backward: (Hv)_{W_l} = RΔ_lᵀ A_{l−1} + Δ_lᵀ RA_{l−1},  (Hv)_{b_l} = 1ᵀ RΔ_l,
///   RΔ_{l−1} = (RΔ_l W_l + Δ_l V_l) ⊙ S_{l−1} + (Δ_l W_l) ⊙ σ″(Z_{l−1}) ⊙ RZ_{l−1}.
/// σ″ = 0 for the piecewise-linear activations, so their last term is skipped.
/// For the 2-layer net this is exactly experiments.md §1.10.
///
/// **Batching.** The B directions of a block travel together: every per-direction
/// buffer is stored sample-major as an (n·B) × m matrix (row i·B + b), which is also
/// an n × (B·m) matrix, so each of the six products per layer above is **one** gemm
/// for the whole block (e.g. RA_{l−1}W_lᵀ is (nB × m_{l−1})·(m_{l−1} × m_l), and
/// A_{l−1}V_lᵀ for all b is (n × m_{l−1})·(m_{l−1} × B·m_l)). Cost per block:
/// ≈ 12·n·B·P flops for the Hessian (6 gemms per layer), ≈ 6·n·B·P for
/// Gauss–Newton, plus O(B·P) packing; memory ≈ 8·B·(2·n·Σ m_l + 5·P) bytes.
///
/// **Allocation.** Buffers are sized for the last block size; repeated products with
/// the same block size (e.g. B = 1 in Lanczos) never allocate.
///
/// **Accuracy.** Exact up to rounding: agrees with central differences of the exact
/// gradient (step 1e-6) to the differences' own error, ≤ 1e-10 relative on the test
/// networks, for every activation, loss, depth and bias setting.
public struct HVPWorkspace: Sendable {
    public let architecture: Architecture
    public let layout: ParameterLayout
    public let loss: Loss
    public let kind: CurvatureKind
    public let data: Dataset
    /// θ at which the curvature is taken (see `relinearize(at:)`).
    public private(set) var parameters: Parameters
    /// L(θ) from the last linearization.
    public private(set) var lossValue: Double
    /// Number of single-direction products applied so far (a block of B counts B).
    public internal(set) var productCount: Int = 0

    /// Forward/backward pass at θ: Z, A, S = σ′, Δ, probabilities.
    var pass: Backprop
    /// (Δ_{l+1} W_{l+1}) ⊙ σ″(Z_l) for hidden layers (smooth activations only).
    var coupling: [Matrix]
    let smooth: Bool

    var blockSize = 0
    /// R(Z_l), then RΔ_l during the backward sweep; (n·B) × m_l, sample-major.
    var rZ: [Matrix]
    /// R(A_l) for hidden layers, reused as scratch for RΔ_l W_l; (n·B) × m_l.
    var rA: [Matrix]
    /// RΔ_lᵀ A_{l−1} for all directions: (B·m_l) × m_{l−1}.
    var weightScratch: [Matrix]
    /// Δ_lᵀ RA_{l−1} for all directions: m_l × (B·m_{l−1}) (Hessian only).
    var crossScratch: [Matrix]
    /// 1ᵀ RΔ_l for all directions: 1 × (B·m_l) (biases only).
    var biasScratch: [Matrix]
    /// Packed directions: V_l stacked (B·m_l) × m_{l−1}, side by side m_l × (B·m_{l−1}),
    /// and the bias parts 1 × (B·m_l).
    var stacked: [Matrix]
    var sideBySide: [Matrix]
    var biasDirections: [Matrix]
    var packedSize = 0
    /// Whether the packed directions have a non-zero W_l part (the Δ_l V_l term).
    var packedWeightActive: [Bool]
    var singleIn: Matrix
    var singleOut: Matrix

    /// A workspace linearized at `network`'s parameters on `data`.
    ///
    /// Throws `.network(.inputsDiffer)` or `.network(.outputsDiffer)` when the network
    /// cannot read the data, `.network(.lossNeedsLabels)` when the loss needs labels the
    /// data lack, `.curvature(.needsSamples(.curvature))` for no samples.
    /// `kind == .jacobianGram` ignores the loss (pass `.mse`).
    public init(network: Network, data: Dataset, loss: Loss, kind: CurvatureKind = .hessian) throws(EngineError) {
        try network.checkCompatible(with: data, loss: kind == .jacobianGram ? .mse : loss)
        guard data.count > 0 else { throw .curvature(.needsSamples(.curvature)) }
        let architecture = network.architecture
        self.architecture = architecture
        self.layout = ParameterLayout(architecture)
        self.loss = kind == .jacobianGram ? .mse : loss
        self.kind = kind
        self.data = data
        self.parameters = network.parameters
        self.lossValue = .nan
        self.pass = Backprop(architecture: architecture, batchSize: data.count)
        let smooth: Bool
        switch architecture.activation {
        case .tanh, .gelu: smooth = true
        case .relu, .linear, .interpolated, .leakyReLU: smooth = false
        }
        self.smooth = smooth
        let layers = architecture.layerCount
        let n = data.count
        coupling = (0..<layers).map { l in
            Matrix(rows: (l < layers - 1 && smooth) ? n : 0, columns: architecture.sizes[l + 1])
        }
        let empty = Matrix(rows: 0, columns: 0)
        rZ = Array(repeating: empty, count: layers)
        rA = rZ
        weightScratch = rZ
        crossScratch = rZ
        biasScratch = rZ
        stacked = rZ
        sideBySide = rZ
        biasDirections = rZ
        packedWeightActive = Array(repeating: false, count: layers)
        singleIn = Matrix(rows: 1, columns: layout.count)
        singleOut = singleIn
        relinearize(at: network.parameters)
    }

    /// P, the number of parameters (the operator's dimension).
    public var dimension: Int { layout.count }
    public var sampleCount: Int { data.count }

    /// Moves the linearization point to `parameters` (same architecture): one forward
    /// and backward pass (plus one gemm per hidden layer for smooth activations).
    /// Buffers are kept; nothing is allocated.
    public mutating func relinearize(at parameters: Parameters) {
        precondition(parameters.weights.count == architecture.layerCount, "parameters of another architecture")
        self.parameters = parameters
        lossValue = pass.evaluate(parameters, data: data, loss: loss)
        guard smooth else { return }
        let activation = architecture.activation
        for l in 0..<(architecture.layerCount - 1) {
            Matrix.gemm(.none, pass.deltas[l + 1], .none, parameters.weights[l + 1], into: &coupling[l])
            let preActivation = pass.preActivations[l]
            coupling[l].storage.withUnsafeMutableBufferPointer { c in
                preActivation.storage.withUnsafeBufferPointer { z in
                    for i in 0..<c.count { c[i] *= activation.secondDerivative(z[i]) }
                }
            }
        }
    }

    /// ∇L(θ) in flattened order (allocates).
    public var gradient: [Double] { pass.gradient.flattened }

    // MARK: - Public products

    /// H·v for one direction `v` (P entries, flattened order), written into `out`
    /// (resized to P when needed). No allocation once the workspace has run a
    /// single-direction product. Cost ≈ 12·n·P flops (Hessian).
    public mutating func apply(_ v: [Double], into out: inout [Double]) {
        precondition(v.count == dimension, "direction has \(v.count) entries, the network \(dimension) parameters")
        singleIn.storage.withUnsafeMutableBufferPointer { dst in
            v.withUnsafeBufferPointer { src in _ = dst.update(fromContentsOf: src) }
        }
        var result = Matrix(rows: 0, columns: 0)
        swap(&result, &singleOut)
        let input = singleIn
        applyPacked(count: 1, directions: input, into: &result)
        swap(&result, &singleOut)
        if out.count != dimension { out = [Double](repeating: 0, count: dimension) }
        out.withUnsafeMutableBufferPointer { dst in
            singleOut.storage.withUnsafeBufferPointer { src in _ = dst.update(fromContentsOf: src) }
        }
    }

    /// H·v as a new array.
    public mutating func apply(_ v: [Double]) -> [Double] {
        var out = [Double](repeating: 0, count: dimension)
        apply(v, into: &out)
        return out
    }

    /// The product with a block of directions: row b of `out` (B × P) becomes H·v_b for
    /// row b of `directions` (B × P). `out` is reshaped/resized when needed.
    /// All B directions share each gemm (see the type's discussion).
    public mutating func apply(block directions: Matrix, into out: inout Matrix) {
        precondition(
            directions.columns == dimension,
            "directions have \(directions.columns) columns, the network \(dimension) parameters")
        let b = directions.rows
        if out.rows != b || out.columns != dimension { out.resize(rows: b, columns: dimension) }
        if b == 0 { return }
        applyPacked(count: b, directions: directions, into: &out)
    }

    /// The product with a block of directions as a new B × P matrix.
    public mutating func apply(block directions: Matrix) -> Matrix {
        var out = Matrix(rows: directions.rows, columns: dimension)
        apply(block: directions, into: &out)
        return out
    }

    /// The products with many directions (each of length P), `blockRows` at a time
    /// through `apply(block:into:)`; `afterBlock(done)` runs after each block (progress,
    /// an interrupt check that throws).
    public mutating func apply<E: Error>(
        _ vectors: [[Double]], blockRows: Int = 64, afterBlock: (_ done: Int) throws(E) -> Void
    ) throws(E) -> [[Double]] {
        let p = dimension
        var out = [[Double]]()
        out.reserveCapacity(vectors.count)
        var start = 0
        var products = Matrix(rows: 0, columns: 0)
        while start < vectors.count {
            let b = Swift.min(blockRows, vectors.count - start)
            var block = Matrix(rows: b, columns: p)
            block.storage.withUnsafeMutableBufferPointer { dst in
                for r in 0..<b { for j in 0..<p { dst[r * p + j] = vectors[start + r][j] } }
            }
            apply(block: block, into: &products)
            for r in 0..<b { out.append(products.row(r)) }
            start += b
            try afterBlock(start)
        }
        return out
    }

    // MARK: - Core

    mutating func applyPacked(count b: Int, directions: Matrix, into out: inout Matrix) {
        let active = pack(directions, count: b)
        run(count: b, active: active, into: &out, row: 0)
    }

    /// Copies a B × P block of directions into the per-layer packed buffers; returns
    /// which layers have a non-zero component.
    mutating func pack(_ v: Matrix, count b: Int) -> [Bool] {
        let layers = architecture.layerCount
        let sizes = architecture.sizes
        let p = dimension
        let hessian = kind == .hessian
        if packedSize != b {
            for l in 0..<layers {
                let mIn = sizes[l]
                let mOut = sizes[l + 1]
                stacked[l].resize(rows: b * mOut, columns: mIn)
                if hessian { sideBySide[l].resize(rows: mOut, columns: b * mIn) }
                if architecture.hasBias { biasDirections[l].resize(rows: 1, columns: b * mOut) }
            }
            packedSize = b
        }
        var active = [Bool](repeating: false, count: layers)
        for l in 0..<layers {
            let mIn = sizes[l]
            let mOut = sizes[l + 1]
            let w = layout.weights(l)
            let cw = w.count
            var nonZero = false
            var biasNonZero = false
            v.storage.withUnsafeBufferPointer { src in
                stacked[l].storage.withUnsafeMutableBufferPointer { st in
                    for d in 0..<b {
                        let s = d * p + w.offset
                        for t in 0..<cw {
                            let x = src[s + t]
                            st[d * cw + t] = x
                            if x != 0 { nonZero = true }
                        }
                    }
                }
                if hessian && nonZero {
                    sideBySide[l].storage.withUnsafeMutableBufferPointer { sb in
                        let ld = b * mIn
                        for d in 0..<b {
                            for k in 0..<mOut {
                                let s = d * p + w.offset + k * mIn
                                let t = k * ld + d * mIn
                                for j in 0..<mIn { sb[t + j] = src[s + j] }
                            }
                        }
                    }
                }
                if let bias = layout.bias(l) {
                    biasDirections[l].storage.withUnsafeMutableBufferPointer { bd in
                        for d in 0..<b {
                            for k in 0..<mOut {
                                let x = src[d * p + bias.offset + k]
                                bd[d * mOut + k] = x
                                if x != 0 { biasNonZero = true }
                            }
                        }
                    }
                }
            }
            active[l] = nonZero || biasNonZero
            packedWeightActive[l] = nonZero
        }
        return active
    }

    /// Resizes the per-direction buffers for blocks of `b` directions.
    mutating func ensureBlock(_ b: Int) {
        guard b != blockSize else { return }
        let layers = architecture.layerCount
        let sizes = architecture.sizes
        let n = sampleCount
        for l in 0..<layers {
            let mIn = sizes[l]
            let mOut = sizes[l + 1]
            rZ[l].resize(rows: n * b, columns: mOut)
            rA[l].resize(rows: l < layers - 1 ? n * b : 0, columns: mOut)
            weightScratch[l].resize(rows: b * mOut, columns: mIn)
            if kind == .hessian && l > 0 { crossScratch[l].resize(rows: mOut, columns: b * mIn) }
            if architecture.hasBias { biasScratch[l].resize(rows: 1, columns: b * mOut) }
        }
        blockSize = b
    }

    /// Applies the curvature to the packed block of `b` directions and writes row
    /// `row + d` of `out` (which has P columns) for direction d. `active[l]` says
    /// whether the directions have a component in layer l.
    mutating func run(count b: Int, active: [Bool], into out: inout Matrix, row: Int) {
        let lowestLayer = 0
        ensureBlock(b)
        productCount += b
        let layers = architecture.layerCount
        let sizes = architecture.sizes
        let n = sampleCount
        let p = dimension
        let hessian = kind == .hessian
        guard let first = active.firstIndex(of: true) else {
            // Zero directions: zero products.
            out.storage.withUnsafeMutableBufferPointer { o in
                for d in 0..<b {
                    for l in lowestLayer..<layers {
                        let w = layout.weights(l)
                        for t in w.range { o[(row + d) * p + t] = 0 }
                        if let bias = layout.bias(l) { for t in bias.range { o[(row + d) * p + t] = 0 } }
                    }
                }
            }
            return
        }

        // Forward sweep: RZ_l, RA_l for l ≥ first (all zero below).
        for l in first..<layers {
            let mOut = sizes[l + 1]
            let input = l == 0 ? data.inputs : pass.activations[l - 1]
            var initialized = false
            if l > first {
                Matrix.gemm(.none, rA[l - 1], .transposed, parameters.weights[l], into: &rZ[l])
                initialized = true
            }
            if active[l] {
                rZ[l].reshape(rows: n, columns: b * mOut)
                Matrix.gemm(.none, input, .transposed, stacked[l], into: &rZ[l], alpha: 1, beta: initialized ? 1 : 0)
                if architecture.hasBias { addRowVector(biasDirections[l], to: &rZ[l]) }
                rZ[l].reshape(rows: n * b, columns: mOut)
            } else if !initialized {
                rZ[l].fill(0)
            }
            if l < layers - 1 { maskBroadcast(rZ[l], slope: pass.slopes[l], into: &rA[l], count: b, width: mOut) }
        }

        applyOutputMetric(count: b)

        // Backward sweep: rZ[l] holds RΔ_l.
        for l in stride(from: layers - 1, through: lowestLayer, by: -1) {
            let mIn = sizes[l]
            let mOut = sizes[l + 1]
            let input = l == 0 ? data.inputs : pass.activations[l - 1]
            rZ[l].reshape(rows: n, columns: b * mOut)
            Matrix.gemm(.transposed, rZ[l], .none, input, into: &weightScratch[l])
            let cross = hessian && l > first
            if cross {
                rA[l - 1].reshape(rows: n, columns: b * mIn)
                Matrix.gemm(.transposed, pass.deltas[l], .none, rA[l - 1], into: &crossScratch[l])
                rA[l - 1].reshape(rows: n * b, columns: mIn)
            }
            if architecture.hasBias { columnSums(rZ[l], into: &biasScratch[l]) }
            rZ[l].reshape(rows: n * b, columns: mOut)
            writeLayer(l, count: b, cross: cross, into: &out, row: row)

            if l > lowestLayer {
                // rA[l−1] ← RΔ_l W_l (+ Δ_l V_l), then RΔ_{l−1} into rZ[l−1].
                Matrix.gemm(.none, rZ[l], .none, parameters.weights[l], into: &rA[l - 1])
                if hessian && packedWeightActive[l] {
                    rA[l - 1].reshape(rows: n, columns: b * mIn)
                    Matrix.gemm(.none, pass.deltas[l], .none, sideBySide[l], into: &rA[l - 1], alpha: 1, beta: 1)
                    rA[l - 1].reshape(rows: n * b, columns: mIn)
                }
                let withCurvature = hessian && smooth && l - 1 >= first
                combineBackward(layer: l - 1, count: b, withCurvature: withCurvature)
            }
        }
    }

    /// RA_l = S_l ⊙ RZ_l, S_l (n × m) broadcast over the B directions.
    func maskBroadcast(_ z: Matrix, slope: Matrix, into a: inout Matrix, count b: Int, width m: Int) {
        broadcastCombine(z.storage, slope.storage, [], into: &a.storage, samples: sampleCount, directions: b, width: m)
    }

    /// RΔ_l = rA[l] ⊙ S_l (+ coupling_l ⊙ RZ_l), written over rZ[l].
    mutating func combineBackward(layer l: Int, count b: Int, withCurvature: Bool) {
        let m = architecture.sizes[l + 1]
        let t = rA[l].storage
        let slope = pass.slopes[l].storage
        let c = withCurvature ? coupling[l].storage : []
        broadcastCombine(t, slope, c, into: &rZ[l].storage, samples: sampleCount, directions: b, width: m)
    }

    /// RΔ_{L−1} = M·RF in place: the loss's output Hessian (or I/n for `jacobianGram`),
    /// per sample i for each of the B directions (row i·B + d uses sample i).
    mutating func applyOutputMetric(count b: Int) {
        let layers = architecture.layerCount
        let n = sampleCount
        let k = architecture.sizes[layers]
        let (wm, wc): (Double, Double)
        switch kind {
        case .jacobianGram: (wm, wc) = (Double(k) / 2, 0)  // 2/(nK)·(K/2) = 1/n
        case .hessian, .gaussNewton: (wm, wc) = loss.curvatureMixture
        }
        let ms = wm * 2 / Double(n * k)
        let cs = wc / Double(n)
        let useCE = wc != 0 && data.labels != nil
        pass.probabilities.storage.withUnsafeBufferPointer { pp in
            rZ[layers - 1].storage.withUnsafeMutableBufferPointer { x in
                for i in 0..<n {
                    let pi = i * k
                    for d in 0..<b {
                        let r = (i * b + d) * k
                        if useCE {
                            var inner = 0.0
                            for j in 0..<k { inner += pp[pi + j] * x[r + j] }
                            for j in 0..<k { x[r + j] = ms * x[r + j] + cs * pp[pi + j] * (x[r + j] - inner) }
                        } else {
                            for j in 0..<k { x[r + j] *= ms }
                        }
                    }
                }
            }
        }
    }

    /// Copies layer l's products of the block into rows row … row+B−1 of `out`.
    private func writeLayer(_ l: Int, count b: Int, cross: Bool, into out: inout Matrix, row: Int) {
        let p = dimension
        let mIn = architecture.sizes[l]
        let mOut = architecture.sizes[l + 1]
        let w = layout.weights(l)
        let cw = w.count
        out.storage.withUnsafeMutableBufferPointer { o in
            weightScratch[l].storage.withUnsafeBufferPointer { ws in
                for d in 0..<b {
                    let dst = (row + d) * p + w.offset
                    for t in 0..<cw { o[dst + t] = ws[d * cw + t] }
                }
            }
            if cross {
                crossScratch[l].storage.withUnsafeBufferPointer { cs in
                    let ld = b * mIn
                    for d in 0..<b {
                        for k in 0..<mOut {
                            let dst = (row + d) * p + w.offset + k * mIn
                            let src = k * ld + d * mIn
                            for j in 0..<mIn { o[dst + j] += cs[src + j] }
                        }
                    }
                }
            }
            if let bias = layout.bias(l) {
                biasScratch[l].storage.withUnsafeBufferPointer { bs in
                    for d in 0..<b {
                        let dst = (row + d) * p + bias.offset
                        for k in 0..<mOut { o[dst + k] = bs[d * mOut + k] }
                    }
                }
            }
        }
    }
}

extension Loss {
    /// The (MSE, CE) weights of the loss, as `evaluate` mixes them.
    var curvatureMixture: (mse: Double, ce: Double) {
        switch self {
        case .mse: (1, 0)
        case .crossEntropy: (0, 1)
        case .interpolated(let e): (1 - e, e)
        }
    }
}
