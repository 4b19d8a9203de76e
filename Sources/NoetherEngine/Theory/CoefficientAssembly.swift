// The mode coefficients of a network at θ, assembled from the pieces in
// ModeCoefficients.swift: the gradient at θ, its imbalance δ, the data eigenbasis and
// the first layer's mean slopes (experiments.md §1.7, E20/E21). The language's
// `coefficients` builtin reads its arguments and calls these.

/// The reference's projected coefficients of a network at θ in a Hessian eigenbasis,
/// with what `coefficients` reports beside them.
public struct ProjectedModes: Sendable {
    /// c_k, largest eigenvalue first.
    public var coefficients: [Double]
    /// λ_k, largest first.
    public var eigenvalues: [Double]
    /// δ(θ): the gradient's imbalance (`gradientImbalance`).
    public var imbalance: Double
    /// Σ c_k over λ_k ≥ 1e-12 divided by Σ c_k: the gradient energy in positive modes
    /// (nan when Σ c_k = 0).
    public var positiveShare: Double
    /// ‖G₁u_k‖² per data mode for 2-layer networks (nil otherwise).
    public var dataModeEnergy: [Double]?
    /// Whether the eigenbasis covers every parameter (the reference sums over all P).
    public var completeBasis: Bool
}

/// The projected coefficients c_k = (v_kᵀg)²·|δ|/Σ_j (v_jᵀg)² of `network` at its θ,
/// g the full-batch gradient, in the eigenbasis `decomposition` (which must carry
/// eigenvectors of length P).
public func projectedModes(network: Network, data: Dataset, loss: Loss, decomposition: EigenDecomposition)
    throws(EngineError) -> ProjectedModes
{
    guard let vectors = decomposition.vectors else {
        throw .theory(.projectionNeedsEigenvectors)
    }
    let g = try network.lossAndGradient(data: data, loss: loss).gradient
    let delta = gradientImbalance(g)
    let c = try projectedCoefficients(eigenvectors: vectors, gradient: g.flattened, imbalance: delta)
    var energy: [Double]? = nil
    if network.layerCount == 2 {
        energy = try dataModeGradientEnergy(
            firstLayerGradient: g.weights[0], dataEigenvectors: try dataEigenvectors(data))
    }
    let lambdas = Array(decomposition.values.reversed())
    let cs = Array(c.reversed())
    let total = compensatedSum(cs)
    let positive = compensatedSum(zip(lambdas, cs).filter { $0.0 >= 1e-12 }.map(\.1))
    return ProjectedModes(
        coefficients: cs, eigenvalues: lambdas, imbalance: delta, positiveShare: total > 0 ? positive / total : .nan,
        dataModeEnergy: energy, completeBasis: decomposition.values.count == network.parameterCount)
}

/// The derived coefficients of a 2-layer network at θ (`derivedCoefficients`), with
/// the first layer's mean slopes as its active fractions (none for a linear network),
/// the gradient's imbalance δ and its energy per data mode.
public func derivedModes(network: Network, data: Dataset, loss: Loss, target: DerivedTarget)
    throws(EngineError) -> (coefficients: DerivedCoefficients, imbalance: Double, dataModeEnergy: [Double])
{
    let w = network.parameters.weights
    let fractions: [Double]?
    switch network.architecture.activation {
    case .linear: fractions = nil
    case .relu: fractions = try activeFractions(inputs: data.inputs, firstLayer: w[0])
    default: fractions = meanActivationSlopes(network: network, data: data)
    }
    let d = try derivedCoefficients(
        inputs: data.inputs, targets: data.targets, firstLayer: w[0], secondLayer: w[1],
        activeFractions: fractions, target: target)
    let g = try network.lossAndGradient(data: data, loss: loss).gradient
    let energy = try dataModeGradientEnergy(firstLayerGradient: g.weights[0], dataEigenvectors: d.dataEigenvectors)
    return (d, gradientImbalance(g), energy)
}

/// δ = mean over consecutive layer pairs of ‖g_{l+1}‖² − ‖g_l‖² (experiments.md §1.7);
/// nan with one weight matrix.
public func gradientImbalance(_ gradient: Parameters) -> Double {
    let norms = gradient.weights.map(\.squaredNorm)
    guard norms.count >= 2 else { return .nan }
    let terms = (0..<(norms.count - 1)).map { norms[$0 + 1] - norms[$0] }
    return compensatedSum(terms) / Double(terms.count)
}

/// The data covariance's eigenvectors as columns, largest eigenvalue first.
public func dataEigenvectors(_ data: Dataset) throws(EngineError) -> Matrix {
    try descendingDataEigen(data.inputs).vectors
}

/// The eigendecomposition of the data covariance of `inputs` (n × d), largest
/// eigenvalue first: the d eigenvalues and the eigenvectors as the columns of a
/// d × d matrix in the same order. The one place the data modes are computed.
func descendingDataEigen(_ inputs: Matrix) throws(EngineError) -> (values: [Double], vectors: Matrix) {
    let e = try eigs(dataCovariance(inputs), vectors: true)
    let v = e.vectors!  // `eigs(…, vectors: true)` always returns them
    let d = v.rows
    let k = v.columns
    var u = Matrix(rows: d, columns: k)
    for i in 0..<d { for j in 0..<k { u[i, j] = v[i, k - 1 - j] } }
    return (Array(e.values.reversed()), u)
}

/// ā_j = mean over samples of σ′(z_ij) of the first hidden layer.
public func meanActivationSlopes(network: Network, data: Dataset) -> [Double] {
    var bp = Backprop(architecture: network.architecture, batchSize: data.count)
    bp.forward(network.parameters, inputs: data.inputs)
    let s = bp.slopes[0]
    var out = [Double](repeating: 0, count: s.columns)
    for i in 0..<s.rows { for j in 0..<s.columns { out[j] += s[i, j] } }
    return out.map { $0 / Double(Swift.max(s.rows, 1)) }
}

/// How many eigenvalues exceed 1e-8: the reference's K′ in ck_compare.
public func positiveModeCount(_ eigenvalues: [Double]) -> Int { eigenvalues.filter { $0 > 1e-8 }.count }
