/// Per-output backpropagated sensitivities D_l = ∂F/∂Z_l, for every output (i, k):
/// an (n·K) × m_l matrix per layer, row i·K + k. D_{L−1} has rows e_k and
/// D_{l−1} = (D_l W_l) ⊙ σ′(Z_{l−1})[i] (one gemm per layer). Also returns the pass.
private func outputSensitivities(_ network: Network, _ inputs: Matrix) -> (pass: Backprop, d: [Matrix]) {
    let architecture = network.architecture
    let layers = architecture.layerCount
    let sizes = architecture.sizes
    let n = inputs.rows
    let k = sizes[layers]
    var pass = Backprop(architecture: architecture, batchSize: n)
    pass.forward(network.parameters, inputs: inputs)
    var d = (0..<layers).map { Matrix(rows: n * k, columns: sizes[$0 + 1]) }
    for i in 0..<n { for c in 0..<k { d[layers - 1][i * k + c, c] = 1 } }
    for l in stride(from: layers - 1, to: 0, by: -1) {
        Matrix.gemm(.none, d[l], .none, network.parameters.weights[l], into: &d[l - 1])
        let m = sizes[l]
        let slope = pass.slopes[l - 1]
        d[l - 1].storage.withUnsafeMutableBufferPointer { dp in
            slope.storage.withUnsafeBufferPointer { sp in
                for i in 0..<n {
                    for c in 0..<k {
                        let r = (i * k + c) * m
                        for j in 0..<m { dp[r + j] *= sp[i * m + j] }
                    }
                }
            }
        }
    }
    return (pass, d)
}

/// The Jacobian J = ∂F/∂θ of the network outputs on `data`'s inputs: an (n·K) × P
/// matrix whose row i·K + k is ∇_θ F_ik, columns in `Parameters.flattened` order.
///
/// Method: one backward sweep for all n·K outputs at once (one gemm per layer), then
/// the outer products D_l[(i,k)] ⊗ A_{l−1}[i] written into J. Cost O(n·K·P) plus
/// 2·n·K·Σ m_l m_{l−1} flops. Memory: 8·n·K·P bytes, checked against
/// `availableBytes` (default MemAvailable) before allocating.
public func jacobian(network: Network, data: Dataset, availableBytes: Int? = nil) throws(EngineError) -> Matrix {
    try network.checkCompatible(with: data, loss: .mse)
    let architecture = network.architecture
    let layout = ParameterLayout(architecture)
    let sizes = architecture.sizes
    let layers = architecture.layerCount
    let n = data.count
    let k = sizes[layers]
    let p = layout.count
    let needed = 8 * n * k * (p + 2 * sizes.dropFirst().reduce(0, +))
    try MemoryBudget.check(needed, for: .jacobian(rows: n * k, columns: p), available: availableBytes)
    let (pass, d) = outputSensitivities(network, data.inputs)
    var j = Matrix(rows: n * k, columns: p)
    j.storage.withUnsafeMutableBufferPointer { out in
        for l in 0..<layers {
            let mIn = sizes[l]
            let mOut = sizes[l + 1]
            let w = layout.weights(l)
            let input = l == 0 ? data.inputs : pass.activations[l - 1]
            d[l].storage.withUnsafeBufferPointer { dp in
                input.storage.withUnsafeBufferPointer { xp in
                    for i in 0..<n {
                        for c in 0..<k {
                            let row = (i * k + c)
                            for a in 0..<mOut {
                                let s = dp[row * mOut + a]
                                let dst = row * p + w.offset + a * mIn
                                for t in 0..<mIn { out[dst + t] = s * xp[i * mIn + t] }
                            }
                        }
                    }
                    if let bias = layout.bias(l) {
                        for r in 0..<(n * k) {
                            for a in 0..<mOut { out[r * p + bias.offset + a] = dp[r * mOut + a] }
                        }
                    }
                }
            }
        }
    }
    return j
}

/// The empirical neural tangent kernel Θ = J Jᵀ, (n·K) × (n·K), index i·K + k.
///
/// Method (without forming J): Θ = Σ_l (D_l D_lᵀ) ⊙ (A_{l−1}A_{l−1}ᵀ + [bias]·1)
/// broadcast over the K×K output blocks, with D_l the per-output sensitivities.
/// Cost Σ_l 2·(nK)²·m_l + 2·n²·m_{l−1} flops; memory 2·8·(nK)² bytes, checked
/// against `availableBytes` (default MemAvailable).
public func neuralTangentKernel(network: Network, data: Dataset, availableBytes: Int? = nil) throws(EngineError)
    -> Matrix
{
    try network.checkCompatible(with: data, loss: .mse)
    let architecture = network.architecture
    let sizes = architecture.sizes
    let layers = architecture.layerCount
    let n = data.count
    let k = sizes[layers]
    let nk = n * k
    let needed = 8 * (2 * nk * nk + n * n + nk * sizes.dropFirst().reduce(0, +))
    try MemoryBudget.check(needed, for: .tangentKernel(order: nk), available: availableBytes)
    let (pass, d) = outputSensitivities(network, data.inputs)
    var theta = Matrix(rows: nk, columns: nk)
    var dd = Matrix(rows: nk, columns: nk)
    var gram = Matrix(rows: n, columns: n)
    let biasTerm = architecture.hasBias ? 1.0 : 0.0
    for l in 0..<layers {
        let input = l == 0 ? data.inputs : pass.activations[l - 1]
        Matrix.gemm(.none, d[l], .transposed, d[l], into: &dd)
        Matrix.gemm(.none, input, .transposed, input, into: &gram)
        theta.storage.withUnsafeMutableBufferPointer { t in
            dd.storage.withUnsafeBufferPointer { s in
                gram.storage.withUnsafeBufferPointer { g in
                    for r in 0..<nk {
                        let i = r / k
                        for c in 0..<nk {
                            t[r * nk + c] += s[r * nk + c] * (g[i * n + c / k] + biasTerm)
                        }
                    }
                }
            }
        }
    }
    return theta
}
