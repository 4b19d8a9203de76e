// Entry points over a network and its data, for callers that do not keep a
// workspace (the language's builtins). Each builds one `HVPWorkspace` of the
// requested curvature `kind` and runs the operator-level routine on it.

/// Lanczos on the curvature of `network` on `data` (see `lanczos(_:options:)`).
public func lanczos(
    network: Network, data: Dataset, loss: Loss, kind: CurvatureKind = .hessian,
    options: LanczosOptions = LanczosOptions(),
    progress: CurvatureProgress? = nil
) throws(EngineError) -> LanczosResult {
    var ws = try HVPWorkspace(network: network, data: data, loss: loss, kind: kind)
    return try lanczos(&ws, options: options, progress: progress)
}

/// The reference's power iteration on the curvature of `network` on `data` (see
/// `powerIteration(_:iterations:seed:start:)`); 30 iterations as in experiment E4.
public func powerIteration(
    network: Network, data: Dataset, loss: Loss, kind: CurvatureKind = .hessian,
    iterations: Int = 30, seed: Int = 0, start: [Double]? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> PowerIterationResult {
    var ws = try HVPWorkspace(network: network, data: data, loss: loss, kind: kind)
    return try powerIteration(&ws, iterations: iterations, seed: seed, start: start, progress: progress)
}

/// The SLQ spectral density of the curvature of `network` on `data` (see
/// `spectralDensity(_:probes:steps:gridPoints:sigma:seed:reorthogonalize:)`).
public func spectralDensity(
    network: Network, data: Dataset, loss: Loss, kind: CurvatureKind = .hessian,
    probes: Int = 10, steps: Int = 60, gridPoints: Int = 400, sigma: Double? = nil,
    seed: Int = 0, reorthogonalize: Bool = true,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> SpectralDensity {
    var ws = try HVPWorkspace(network: network, data: data, loss: loss, kind: kind)
    return try spectralDensity(
        &ws, probes: probes, steps: steps, gridPoints: gridPoints, sigma: sigma, seed: seed,
        reorthogonalize: reorthogonalize, progress: progress)
}

/// Hutchinson's trace estimate of the curvature of `network` on `data` (see
/// `hutchinsonTrace(_:probes:seed:)`).
public func hutchinsonTrace(
    network: Network, data: Dataset, loss: Loss, kind: CurvatureKind = .hessian,
    probes: Int = 30, seed: Int = 0,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> TraceEstimate {
    var ws = try HVPWorkspace(network: network, data: data, loss: loss, kind: kind)
    return try hutchinsonTrace(&ws, probes: probes, seed: seed, progress: progress)
}

/// The dense curvature matrix of `kind` (Hessian, Gauss–Newton or JᵀJ/n) over
/// `groups`, with the memory check of `hessian(network:data:loss:groups:…)`.
public func denseCurvature(
    _ kind: CurvatureKind, network: Network, data: Dataset, loss: Loss, groups: [ParameterBlock]? = nil,
    blockSize: Int? = nil, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> Matrix {
    try network.checkCompatible(with: data, loss: kind == .jacobianGram ? .mse : loss)
    // Check memory before the workspace allocates anything.
    let needed = try HVPWorkspace.denseMemoryEstimate(
        network.architecture, samples: data.count, groups: groups,
        blockSize: blockSize)
    try MemoryBudget.check(
        needed, for: .denseCurvature([kind], dimension: network.parameterCount), available: availableBytes)
    var ws = try HVPWorkspace(network: network, data: data, loss: loss, kind: kind)
    return try ws.dense(groups: groups, blockSize: blockSize, availableBytes: availableBytes, progress: progress)
}
