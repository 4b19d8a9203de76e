/// What a caller can observe of a training loop while it runs.
public struct TrainingMonitor: Sendable {
    /// Called every `interval` steps with the number of steps done; return `false`
    /// to stop the run early (it is then marked `interrupted`).
    public var interval: Int
    public var callback: @Sendable (_ stepsDone: Int, _ totalSteps: Int) -> Bool

    public init(interval: Int = 50, callback: @escaping @Sendable (Int, Int) -> Bool) {
        self.interval = Swift.max(1, interval)
        self.callback = callback
    }
}

/// Full-batch training with the exact conservation ledger.
///
/// Step t (t = 0 … T−1): forward pass and loss at θ_t; backprop g_t = ∇L(θ_t); the
/// step's statistics (loss, ||g_l||², C_l(θ_t)) at θ_t **before** the update; the
/// update θ_{t+1}; then C_l(θ_{t+1}) and the ledger entry ΔC_l(t) = C_l(t+1) − C_l(t)
/// beside η²δ_l(t) with δ_l = ||g_{l+1}||² − ||g_l||².
///
/// Divergence: when the loss at θ_t is non-finite the run stops with
/// `divergedAt = t` (no update applied); when θ_{t+1} is non-finite it stops with
/// `divergedAt = t + 1`. A diverged run is a result, not an error.
///
/// The loop reuses preallocated buffers (`Backprop`, reserved series) and never
/// allocates per step. `network` is not modified; the trained one is `run.network`.
public func train(network: Network, data: Dataset, optimizer: Optimizer, loss: Loss, steps: Int,
                  monitor: TrainingMonitor? = nil) throws(EngineError) -> TrainingRun {
    guard steps >= 0 else { throw .invalidArgument("'steps' must be non-negative, got \(steps)") }
    try network.checkCompatible(with: data, loss: loss)
    let layers = network.layerCount
    let pairs = layers - 1
    let eta = optimizer.learningRate
    let eta2 = eta * eta

    var parameters = network.parameters
    var bp = Backprop(architecture: network.architecture, batchSize: data.count)
    var state = OptimizerState(optimizer: optimizer, parameters: parameters)

    var losses = [Double](); losses.reserveCapacity(steps)
    var conserved = [[Double]](repeating: [], count: pairs)
    var measured = [[Double]](repeating: [], count: pairs)
    var predicted = [[Double]](repeating: [], count: pairs)
    var gradNorms = [[Double]](repeating: [], count: layers)
    for l in 0..<pairs {
        conserved[l].reserveCapacity(steps + 1)
        measured[l].reserveCapacity(steps)
        predicted[l].reserveCapacity(steps)
    }
    for l in 0..<layers { gradNorms[l].reserveCapacity(steps) }
    var norms = [Double](repeating: 0, count: layers)
    var gnorms = [Double](repeating: 0, count: layers)
    for l in 0..<layers { norms[l] = parameters.weights[l].squaredNorm }
    for l in 0..<pairs { conserved[l].append(norms[l + 1] - norms[l]) }

    var diverged = false
    var divergedAt: Int?
    var interrupted = false
    var accuracy = Double.nan
    var stepsRun = 0

    let clock = ContinuousClock()
    let start = clock.now
    for t in 0..<steps {
        let value = bp.evaluate(parameters, data: data, loss: loss)
        if !value.isFinite {
            diverged = true
            divergedAt = t
            losses.append(value)
            break
        }
        losses.append(value)
        for l in 0..<layers {
            gnorms[l] = bp.weightGradients[l].squaredNorm
            gradNorms[l].append(gnorms[l])
        }
        state.step(&parameters, gradient: bp)
        stepsRun = t + 1
        var finite = true
        for l in 0..<layers {
            norms[l] = parameters.weights[l].squaredNorm
            if !norms[l].isFinite { finite = false }
        }
        if finite, let biases = parameters.biases { finite = biases.allSatisfy(\.isFinite) }
        for l in 0..<pairs {
            let c = norms[l + 1] - norms[l]
            measured[l].append(c - conserved[l][t])
            conserved[l].append(c)
            predicted[l].append(eta2 * (gnorms[l + 1] - gnorms[l]))
        }
        if !finite {
            diverged = true
            divergedAt = t + 1
            break
        }
        if let monitor, stepsRun % monitor.interval == 0, !monitor.callback(stepsRun, steps) {
            interrupted = true
            break
        }
    }
    let elapsed = clock.now - start
    if !diverged, let labels = data.labels, stepsRun > 0 { accuracy = bp.accuracy(labels: labels) }

    return TrainingRun(
        initialNetwork: network, network: network.with(parameters: parameters),
        datasetName: data.name, optimizer: optimizer, loss: loss,
        stepsRequested: steps, stepsRun: stepsRun, losses: losses,
        conserved: conserved, gradientSquaredNorms: gradNorms,
        measuredChange: measured, predictedChange: predicted,
        accuracy: accuracy, diverged: diverged, divergedAt: divergedAt, interrupted: interrupted,
        seconds: Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) * 1e-18)
}
