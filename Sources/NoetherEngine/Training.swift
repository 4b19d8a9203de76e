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

/// Training with the exact conservation ledger.
///
/// Step t (t = 0 … T−1): forward pass and loss at θ_t (on the full data, or on the
/// step's mini-batch under sgd); backprop g_t = ∇L(θ_t); the step's statistics
/// (loss, ||g_l||², C_l(θ_t), probes) at θ_t **before** the update; the update
/// θ_{t+1}; then C_l(θ_{t+1}) and the ledger entry ΔC_l(t) = C_l(t+1) − C_l(t)
/// beside η²δ_l(t) with δ_l = ||g_{l+1}||² − ||g_l||². The ledger, S and the drift
/// summaries use every step; `options.every` thins only the stored series.
///
/// Divergence: when the loss at θ_t is non-finite (or above `options.divergenceLoss`)
/// the run stops with `divergedAt = t` (no update applied); when θ_{t+1} is
/// non-finite it stops with `divergedAt = t + 1`. A diverged run is a result, not an
/// error. `options.stopWhenLossBelow` stops before the update of the first step
/// whose loss is below it.
///
/// The loop reuses preallocated buffers and never allocates per step, except to
/// keep a checkpoint, and inside a sharpness measurement. `network` is
/// not modified; the trained one is `run.network`. Thread-safe: runs share nothing
/// mutable, so many can train in parallel.
///
/// Precision (`options.precision`): `.float64` computes everything in Double. With
/// `.float32` the weights, the optimizer's buffers, the forward and backward pass
/// (`cblas_sgemm`), the loss and the update are Float — θ₀ is rounded to Float first,
/// and `run.initialNetwork` is that rounded θ₀ — while every sum of the ledger
/// (||W_l||², ||g_l||², C_l, η²δ_l, the ledger step error) is accumulated in Double
/// from the Float values, so `ledgerStepError` measures float32's own breaking of
/// ΔC_l = η²δ_l. Everything the run reports is Double (exact conversions of the Float
/// values). The sharpness probe and checkpoints see the Float weights widened to Double.
///
/// Throws `outOfDomain` / a `NetworkProblem` for a bad step count, options, or a
/// network that does not fit the data or loss (e.g. an sgd batch larger than n).
public func train(
    network: Network, data: Dataset, optimizer: Optimizer, loss: Loss, steps: Int,
    options: TrainingOptions = TrainingOptions(),
    monitor: TrainingMonitor? = nil
) throws(EngineError) -> TrainingRun {
    guard steps >= 0 else { throw .outOfDomain(.steps, .nonNegative, got: .integer(steps)) }
    try network.checkCompatible(with: data, loss: loss)
    try options.validate(steps: steps, network: network)
    if let b = optimizer.batchSize, b > data.count {
        throw .network(.batchExceedsSamples(batch: b, samples: data.count, dataset: data.name))
    }
    guard data.count >= 1 else { throw .network(.noSamples(dataset: data.name)) }
    func run<S: TrainingScalar>(in _: S.Type) -> TrainingRun {
        var loop = TrainingLoop<S>(
            network: network, data: data, optimizer: optimizer, loss: loss, steps: steps,
            options: options)
        loop.run(monitor: monitor)
        return TrainingRun(loop.finish())
    }
    switch options.precision {
    case .float64: return run(in: Double.self)
    case .float32: return run(in: Float.self)
    }
}

/// The training loop's state, in the run's precision S. Every buffer is allocated in `init`.
private struct TrainingLoop<S: TrainingScalar> {
    let network: Network
    let data: Dataset
    let optimizer: Optimizer
    let loss: Loss
    let steps: Int
    let options: TrainingOptions
    let layers: Int
    let pairs: Int
    let eta: Double
    let eta2: Double
    let every: Int
    let recordAccuracy: Bool
    let tracksUpdates: Bool

    /// The data's inputs and targets in S (the dataset's own storage for Double).
    let inputs: DenseMatrix<S>
    let targets: DenseMatrix<S>
    var parameters: ParameterSet<S>
    var state: OptimizerStateOf<S>
    /// Workspaces: the full batch, or the mini-batch (and the short last batch).
    var workspaces: [BackpropOf<S>]
    var batcher: MiniBatcher<S>?
    var current = 0

    // Per-step scratch.
    var norms: [Double]
    var gradNorms: [Double]
    var conservedNow: [Double]
    var measuredNow: [Double]
    var predictedNow: [Double]
    var lossNow = Double.nan

    // Accumulators.
    var record: RunRecord
    var ledgerSawNaN = false

    // Optional features.
    var tracker: PatternTracker?
    /// Full-data Z₁ for the probe when the workspace does not hold it (sgd, final state).
    var probeZ = DenseMatrix<S>(rows: 0, columns: 0)
    var balancesNow: [[Double]] = []
    var balancesNext: [[Double]] = []
    var gradientBalances: [[Double]] = []
    var neuronError = 0.0
    var neuronSawNaN = false
    var balanceSeries: [[Double]] = []
    /// The sharpness probe's tracker (warm-started from one measurement to the next).
    var sharpnessTracker: SharpnessTracker?
    var sharpSteps: [Int] = []
    var sharpValues: [Double] = []
    var sharpSeconds = 0.0
    var checkpointQueue: [Int]
    var nextCheckpoint = 0

    init(network: Network, data: Dataset, optimizer: Optimizer, loss: Loss, steps: Int, options: TrainingOptions) {
        self.network = network
        self.data = data
        self.optimizer = optimizer
        self.loss = loss
        self.steps = steps
        self.options = options
        layers = network.layerCount
        pairs = layers - 1
        eta = optimizer.learningRate
        eta2 = eta * eta
        every = options.every
        recordAccuracy = options.recordAccuracy && data.labels != nil
        inputs = DenseMatrix(converting: data.inputs)
        targets = DenseMatrix(converting: data.targets)
        parameters = ParameterSet(converting: network.parameters)
        state = OptimizerStateOf(optimizer: optimizer, parameters: parameters)
        tracksUpdates = state.tracksUpdateNorms
        if case .stochastic(let b, let seed) = optimizer.method {
            let mb = MiniBatcher<S>(data: data, batchSize: b, seed: seed)
            workspaces = [BackpropOf(architecture: network.architecture, batchSize: b)]
            if mb.tailSize > 0 {
                workspaces.append(BackpropOf(architecture: network.architecture, batchSize: mb.tailSize))
            }
            batcher = mb
        } else {
            workspaces = [BackpropOf(architecture: network.architecture, batchSize: data.count)]
        }
        for w in workspaces.indices { workspaces[w].keepsSlopes = false }
        norms = [Double](repeating: 0, count: layers)
        gradNorms = norms
        conservedNow = [Double](repeating: 0, count: pairs)
        measuredNow = conservedNow
        predictedNow = conservedNow

        let capacity = steps / every + 2
        // A float32 run starts from θ₀ rounded to Float; the record keeps that θ₀.
        let start = S.self == Double.self ? network : network.with(parameters: Parameters(converting: parameters))
        record = RunRecord(
            initialNetwork: start, network: start, datasetName: data.name,
            optimizer: optimizer, loss: loss)
        record.precision = options.precision
        record.stepsRequested = steps
        record.every = every
        record.steps.reserveCapacity(capacity)
        record.losses.reserveCapacity(capacity)
        if recordAccuracy {
            record.accuracies = []
            record.accuracies!.reserveCapacity(capacity)
        }
        func series(_ count: Int) -> [[Double]] {
            var s = [[Double]](repeating: [], count: count)
            for i in 0..<count { s[i].reserveCapacity(capacity) }
            return s
        }
        record.gradientSquaredNorms = series(layers)
        record.measuredChange = series(pairs)
        record.predictedChange = series(pairs)
        record.stateSteps.reserveCapacity(capacity)
        record.conserved = series(pairs)
        record.weightSquaredNorms = series(layers)
        record.imbalanceSum = [Double](repeating: 0, count: pairs)
        record.updateImbalanceSum = record.imbalanceSum
        record.maxDeviation = record.imbalanceSum
        record.gradientSquaredNormSum = [Double](repeating: 0, count: layers)
        record.requestedCheckpoints = options.checkpoints
        checkpointQueue = Array(Set(options.checkpoints)).sorted()

        if options.patternProbe {
            tracker = PatternTracker(samples: data.count, units: network.architecture.sizes[1], capacity: capacity)
            probeZ = DenseMatrix(rows: data.count, columns: network.architecture.sizes[1])
        }
        if options.neuronBalances {
            let hidden = (0..<pairs).map { network.architecture.sizes[$0 + 1] }
            balancesNow = hidden.map { [Double](repeating: 0, count: $0) }
            balancesNext = balancesNow
            gradientBalances = balancesNow
            balanceSeries = hidden.map { units in
                var s = [Double]()
                s.reserveCapacity(units * capacity)
                return s
            }
            for h in 0..<pairs {
                unitBalances(
                    incoming: parameters.weights[h], outgoing: parameters.weights[h + 1], into: &balancesNow[h])
            }
        }
        if let probe = options.sharpness {
            sharpnessTracker = SharpnessTracker(
                architecture: network.architecture, method: probe.method, seed: probe.seed)
            sharpSteps.reserveCapacity(steps / probe.every + 2)
            sharpValues.reserveCapacity(steps / probe.every + 2)
        }

        for l in 0..<layers { norms[l] = parameters.weights[l].squaredNorm }
        for l in 0..<pairs { conservedNow[l] = norms[l + 1] - norms[l] }
        record.initialConserved = conservedNow
    }

    mutating func run(monitor: TrainingMonitor?) {
        recordState(0)
        let clock = ContinuousClock()
        let start = clock.now
        var t = 0
        while t < steps {
            if let probe = options.sharpness, t % probe.every == 0 { measureSharpness(at: t) }
            if nextCheckpoint < checkpointQueue.count, checkpointQueue[nextCheckpoint] == t { keepCheckpoint(t) }

            let value = evaluate()
            lossNow = value
            if tracker != nil { observePattern(step: t) }

            var tooLarge = false
            if let limit = options.divergenceLoss, value > limit { tooLarge = true }
            if !value.isFinite || tooLarge {
                record.stopReason = .diverged
                record.divergedAt = t
                recordStep(t, updated: false)
                break
            }
            if let below = options.stopWhenLossBelow, value < below {
                record.stopReason = .lossBelowThreshold
                recordStep(t, updated: false)
                break
            }

            for l in 0..<layers {
                let g = workspaces[current].weightGradients[l].squaredNorm
                gradNorms[l] = g
                record.gradientSquaredNormSum[l] += g
            }
            if batcher != nil {
                state.step(
                    &parameters, weightGradients: workspaces[current].weightGradients,
                    biasGradients: workspaces[current].biasGradients)
            } else {
                state.step(&parameters, gradient: workspaces[0])
            }
            record.stepsRun = t + 1

            var finite = true
            for l in 0..<layers {
                norms[l] = parameters.weights[l].squaredNorm
                if !norms[l].isFinite { finite = false }
            }
            if finite, let biases = parameters.biases {
                for b in biases where !b.isFinite { finite = false }
            }
            updateLedger()
            if options.neuronBalances { updateNeuronBalances() }

            var stop = !finite
            if finite, let monitor, (t + 1) % monitor.interval == 0, !monitor.callback(t + 1, steps) {
                record.stopReason = .interrupted
                stop = true
            }
            let last = stop || t == steps - 1
            if t % every == 0 || last { recordStep(t, updated: true) }
            if (t + 1) % every == 0 || last { recordState(t + 1) }
            if !finite {
                record.stopReason = .diverged
                record.divergedAt = t + 1
            }
            if stop { break }
            t += 1
        }
        finishProbes()
        record.seconds = (clock.now - start).seconds
    }

    /// Forward and backward pass of step t on the full data or the next mini-batch.
    private mutating func evaluate() -> Double {
        if batcher != nil {
            current = batcher!.next(data: data)
            return batcher!.evaluate(&workspaces[current], slot: current, parameters: parameters, loss: loss)
        }
        return workspaces[0].evaluate(parameters, inputs: inputs, targets: targets, labels: data.labels, loss: loss)
    }

    private mutating func updateLedger() {
        for l in 0..<pairs {
            let c = norms[l + 1] - norms[l]
            let delta = gradNorms[l + 1] - gradNorms[l]
            let measured = c - conservedNow[l]
            let predicted = eta2 * delta
            measuredNow[l] = measured
            predictedNow[l] = predicted
            record.imbalanceSum[l] += delta
            record.updateImbalanceSum[l] +=
                tracksUpdates
                ? state.updateSquaredNorms[l + 1] - state.updateSquaredNorms[l] : predicted
            let e = abs(measured - predicted)
            if e.isNaN { ledgerSawNaN = true } else if e > record.ledgerStepError { record.ledgerStepError = e }
            let dev = abs(c - record.initialConserved[l])
            if dev > record.maxDeviation[l] { record.maxDeviation[l] = dev }
            conservedNow[l] = c
        }
    }

    /// Per-neuron balances at θ_{t+1} and their ledger against the gradient of step t.
    private mutating func updateNeuronBalances() {
        let ws = workspaces[current]
        for h in 0..<pairs {
            unitBalances(incoming: parameters.weights[h], outgoing: parameters.weights[h + 1], into: &balancesNext[h])
            unitBalances(
                incoming: ws.weightGradients[h], outgoing: ws.weightGradients[h + 1],
                into: &gradientBalances[h])
            for j in 0..<balancesNext[h].count {
                let e = abs((balancesNext[h][j] - balancesNow[h][j]) - eta2 * gradientBalances[h][j])
                if e.isNaN { neuronSawNaN = true } else if e > neuronError { neuronError = e }
            }
            swap(&balancesNow[h], &balancesNext[h])
        }
    }

    private mutating func observePattern(step t: Int) {
        let absDelta = pairs > 0 ? abs(gradNorms[1] - gradNorms[0]) : .nan
        if batcher == nil {
            tracker!.observe(
                workspaces[0].preActivations[0], inputs: data.inputs, weights: parameters.weights[0],
                biases: parameters.biases?[0], step: t, previousAbsDelta: absDelta)
        } else {
            Self.firstLayerPreActivations(inputs, parameters, into: &probeZ)
            tracker!.observe(
                probeZ, inputs: data.inputs, weights: parameters.weights[0], biases: parameters.biases?[0],
                step: t, previousAbsDelta: absDelta)
        }
    }

    /// Z = X W₁ᵀ (+ 1b₁ᵀ) on the full data. Static, so that writing into a buffer of
    /// the loop never overlaps an access to the whole loop (which would copy it).
    private static func firstLayerPreActivations(
        _ x: DenseMatrix<S>, _ p: ParameterSet<S>, into z: inout DenseMatrix<S>
    ) {
        DenseMatrix.gemm(.none, x, .transposed, p.weights[0], into: &z)
        if let biases = p.biases { addRowVector(biases[0], to: &z) }
    }

    private mutating func recordStep(_ t: Int, updated: Bool) {
        record.steps.append(t)
        record.losses.append(lossNow)
        if recordAccuracy {
            let labels = batcher?.labels(slot: current) ?? data.labels!
            record.accuracies!.append(workspaces[current].accuracy(labels: labels))
        }
        if updated {
            for l in 0..<layers { record.gradientSquaredNorms[l].append(gradNorms[l]) }
            for l in 0..<pairs {
                record.measuredChange[l].append(measuredNow[l])
                record.predictedChange[l].append(predictedNow[l])
            }
        }
        if tracker != nil { tracker!.record(step: t) }
    }

    private mutating func recordState(_ t: Int) {
        record.stateSteps.append(t)
        for l in 0..<pairs { record.conserved[l].append(conservedNow[l]) }
        for l in 0..<layers { record.weightSquaredNorms[l].append(norms[l]) }
        if options.neuronBalances {
            for h in 0..<pairs { balanceSeries[h].append(contentsOf: balancesNow[h]) }
        }
    }

    private mutating func measureSharpness(at t: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let value: Double
        do {
            value = try sharpnessTracker!.measure(
                parameters: Parameters(converting: parameters), data: data, loss: loss)
        } catch {
            value = .nan
        }
        sharpSeconds += (clock.now - start).seconds
        sharpSteps.append(t)
        sharpValues.append(value)
    }

    private mutating func keepCheckpoint(_ t: Int) {
        record.checkpointSteps.append(t)
        record.checkpointNetworks.append(network.with(parameters: Parameters(converting: parameters)))
        nextCheckpoint += 1
    }

    /// The final state's measurements: a last pattern comparison, sharpness and checkpoint at θ_T.
    private mutating func finishProbes() {
        let t = record.stepsRun
        if record.stateSteps.last != t { recordState(t) }
        let finite = parameters.isFinite
        if tracker != nil, t > 0, tracker!.currentStep < t, finite {
            Self.firstLayerPreActivations(inputs, parameters, into: &probeZ)
            tracker!.observe(
                probeZ, inputs: data.inputs, weights: parameters.weights[0], biases: parameters.biases?[0],
                step: t, previousAbsDelta: pairs > 0 ? abs(gradNorms[1] - gradNorms[0]) : .nan)
        }
        if let probe = options.sharpness, t % probe.every == 0, sharpSteps.last != t, finite {
            measureSharpness(at: t)
        }
        if nextCheckpoint < checkpointQueue.count, checkpointQueue[nextCheckpoint] == t { keepCheckpoint(t) }
    }

    mutating func finish() -> RunRecord {
        record.network = network.with(parameters: Parameters(converting: parameters))
        record.finalConserved = conservedNow
        if ledgerSawNaN { record.ledgerStepError = .nan }
        if options.neuronBalances {
            record.neuronLedgerStepError = neuronSawNaN ? .nan : neuronError
            record.neuronBalanceSeries = (0..<pairs).map { h in
                let units = balancesNow[h].count
                return Matrix(rows: balanceSeries[h].count / units, columns: units, storage: balanceSeries[h])
            }
        }
        if let tracker { record.pattern = tracker.summary() }
        if let probe = options.sharpness {
            record.sharpness = SharpnessRecord(
                every: probe.every, steps: sharpSteps, values: sharpValues,
                learningRate: eta, seconds: sharpSeconds)
        }
        if batcher != nil {
            if record.stopReason != .diverged {
                var full = BackpropOf<S>(architecture: network.architecture, batchSize: data.count)
                record.finalFullBatchLoss = full.evaluate(
                    parameters, inputs: inputs, targets: targets, labels: data.labels, loss: loss)
                if let labels = data.labels { record.accuracy = full.accuracy(labels: labels) }
            }
        } else if record.stopReason != .diverged, let labels = data.labels, !record.losses.isEmpty {
            record.accuracy = workspaces[0].accuracy(labels: labels)
        }
        return record
    }
}

/// out[j] = ||outgoing[:, j]||² − ||incoming[j, :]||² for the units between two layers
/// (summed in Double).
func unitBalances<S: TrainingScalar>(
    incoming win: DenseMatrix<S>, outgoing wout: DenseMatrix<S>, into out: inout [Double]
) {
    let units = win.rows
    let inputs = win.columns
    let outputs = wout.rows
    win.storage.withUnsafeBufferPointer { a in
        wout.storage.withUnsafeBufferPointer { b in
            out.withUnsafeMutableBufferPointer { o in
                for j in 0..<units { o[j] = 0 }
                for i in 0..<outputs {
                    for j in 0..<units {
                        let x = Double(b[i * units + j])
                        o[j] += x * x
                    }
                }
                for j in 0..<units {
                    var s = 0.0
                    for k in 0..<inputs {
                        let x = Double(a[j * inputs + k])
                        s += x * x
                    }
                    o[j] -= s
                }
            }
        }
    }
}

/// Mini-batches for sgd: a fresh permutation of 0..<n per epoch (Fisher–Yates from
/// the top, the same permutation `RandomSource.permutation(n)` returns, drawn in
/// place), batches of consecutive positions, the short last batch in its own
/// buffers. Gathers rows into preallocated matrices (in the run's precision S);
/// never allocates after `init`.
struct MiniBatcher<S: TrainingScalar> {
    let n: Int
    let batchSize: Int
    let tailSize: Int
    var rng: RandomSource
    var permutation: [Int]
    var position: Int
    var inputs: [DenseMatrix<S>]
    var targets: [DenseMatrix<S>]
    var batchLabels: [[Int]]
    let hasLabels: Bool

    init(data: Dataset, batchSize b: Int, seed: Int) {
        n = data.count
        batchSize = b
        tailSize = n % b
        rng = RandomSource(seed: seed)
        permutation = Array(0..<n)
        position = n
        let sizes = tailSize > 0 ? [b, tailSize] : [b]
        inputs = sizes.map { DenseMatrix(rows: $0, columns: data.inputDimension) }
        targets = sizes.map { DenseMatrix(rows: $0, columns: data.outputDimension) }
        let labelled = data.labels != nil
        hasLabels = labelled
        batchLabels = sizes.map { [Int](repeating: 0, count: labelled ? $0 : 0) }
    }

    /// Gathers the next batch; returns its slot (0 full, 1 the short last batch).
    mutating func next(data: Dataset) -> Int {
        if position >= n {
            permutation.withUnsafeMutableBufferPointer { p in
                for i in 0..<n { p[i] = i }
                if n >= 2 {
                    for i in stride(from: n - 1, to: 0, by: -1) {
                        let j = rng.integer(below: i + 1)
                        p.swapAt(i, j)
                    }
                }
            }
            position = 0
        }
        let size = Swift.min(batchSize, n - position)
        let slot = size == batchSize ? 0 : 1
        let d = data.inputDimension
        let k = data.outputDimension
        data.inputs.storage.withUnsafeBufferPointer { x in
            data.targets.storage.withUnsafeBufferPointer { y in
                inputs[slot].storage.withUnsafeMutableBufferPointer { bx in
                    targets[slot].storage.withUnsafeMutableBufferPointer { by in
                        permutation.withUnsafeBufferPointer { p in
                            for r in 0..<size {
                                let src = p[position + r]
                                for j in 0..<d { bx[r * d + j] = S(x[src * d + j]) }
                                for j in 0..<k { by[r * k + j] = S(y[src * k + j]) }
                            }
                        }
                    }
                }
            }
        }
        if hasLabels, let labels = data.labels {
            for r in 0..<size { batchLabels[slot][r] = labels[permutation[position + r]] }
        }
        position += size
        return slot
    }

    func labels(slot: Int) -> [Int]? { hasLabels ? batchLabels[slot] : nil }

    func evaluate(_ workspace: inout BackpropOf<S>, slot: Int, parameters: ParameterSet<S>, loss: Loss) -> Double {
        workspace.evaluate(
            parameters, inputs: inputs[slot], targets: targets[slot],
            labels: hasLabels ? batchLabels[slot] : nil, loss: loss)
    }
}
