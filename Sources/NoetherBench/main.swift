// NoetherBench: in-process performance figures for docs/performance.md (scripts/bench/run).
//
// Prints one JSON object per line:
//   {"kind":"machine", …}            OpenBLAS threads in use
//   {"kind":"dgemm_peak", …}         best large square dgemm through Matrix.gemm, GFLOP/s
//   {"kind":"train", …}              a training config: run.seconds (best, median),
//                                    FLOPs/step, GFLOP/s, FLOP/peak bound and ratio,
//                                    and the run's final numbers
//   {"kind":"floor", …}              the same step's gemms alone, and forward+backward
//                                    alone, to split BLAS time from the rest
//   {"kind":"sweep", …}              (with --sweep) 100 runs, sequential and on all cores
//   {"kind":"hessian", …}            (with --hessian) issue 4's tasks: the dense Hessian of the
//                                    2-layer network plus all its eigenvalues; 20-HVP power iteration
//
// Usage: NoetherBench [--quick] [--reps N] [--steps N] [--peak-size N] [--peak-reps N] [--no-peak] [--no-floor] [--no-train]
//                      [--only NAME[,NAME…]] [--config NAME:SIZES:LOSS:LR]… [--sweep] [--sweep-threads N]
//                      [--hessian]
// Built-in configs: 2layer-mse, 2layer-ce, 2layer-mse-lr0.05, 2layer-ce-lr0.05, deep-mse
// (n = 200, d = 20, K = 5, separation 2, seed 42, ReLU, no bias); --config replaces them.
// The large run of issue 13 (n = 20 000, sizes 20,1024,5, MSE, 100 steps) only when
// named: --only large-mse.
// Run it with OPENBLAS_NUM_THREADS=1 (the runner does); it also sets one BLAS thread.

import Dispatch
import NoetherEngine
import NoetherLang

#if canImport(Glibc)
import Glibc
#endif

struct Options {
    var quick = false
    var reps = 7
    var steps = 2000
    var peakSize = 1024
    var peakReps = 10
    var peak = true
    var only: Set<String>? = nil
    var sweep = false
    var sweepThreads = 2
    var floors = true
    var train = true
    var extra: [Config] = []
    var hessian = false
    var largeSteps: Int? = nil
}

func parseOptions() -> Options {
    var o = Options()
    var args = CommandLine.arguments.dropFirst()
    func value(_ flag: String) -> String {
        guard let v = args.popFirst() else { fail("\(flag) needs a value") }
        return v
    }
    while let a = args.popFirst() {
        switch a {
        case "--quick":
            o.quick = true
            o.reps = 3
        case "--reps": o.reps = Int(value(a)) ?? o.reps
        case "--steps": o.steps = Int(value(a)) ?? o.steps
        case "--peak-size": o.peakSize = Int(value(a)) ?? o.peakSize
        case "--peak-reps": o.peakReps = Int(value(a)) ?? o.peakReps
        case "--no-peak": o.peak = false
        case "--no-floor": o.floors = false
        case "--no-train": o.train = false
        case "--only": o.only = Set(value(a).split(separator: ",").map(String.init))
        case "--sweep": o.sweep = true
        case "--hessian": o.hessian = true
        case "--config": o.extra.append(parseConfig(value(a)))
        case "--sweep-threads": o.sweepThreads = Int(value(a)) ?? o.sweepThreads
        case "--large-steps": o.largeSteps = Int(value(a))
        case "-h", "--help":
            print(
                "usage: NoetherBench [--quick] [--reps N] [--steps N] [--peak-size N] [--peak-reps N] [--no-peak] [--no-floor] [--no-train] [--only NAME,…] [--config NAME:SIZES:LOSS:LR] [--sweep] [--sweep-threads N] [--hessian]"
            )
            exit(0)
        default: fail("unknown option '\(a)'")
        }
    }
    return o
}

/// NAME:SIZES:LOSS:LR, e.g. `wide:20,256,5:cross_entropy:0.01`.
func parseConfig(_ text: String) -> Config {
    let parts = text.split(separator: ":").map(String.init)
    guard parts.count == 4 else { fail("--config wants NAME:SIZES:LOSS:LR, got '\(text)'") }
    let sizes = parts[1].split(separator: ",").compactMap { Int($0) }
    guard sizes.count >= 2 else { fail("bad sizes '\(parts[1])' in --config") }
    let loss: Loss
    switch parts[2] {
    case "mse": loss = .mse
    case "cross_entropy", "ce": loss = .crossEntropy
    default: fail("unknown loss '\(parts[2])' in --config (mse or cross_entropy)")
    }
    guard let lr = Double(parts[3]) else { fail("bad learning rate '\(parts[3])' in --config") }
    return Config(name: parts[0], sizes: sizes, loss: loss, learningRate: lr)
}

func fail(_ message: String) -> Never {
    var text = "NoetherBench: error: \(message)\n"
    text.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(64)
}

/// One line of output, flushed at once so a runner can read progress.
func emit(_ line: String) {
    print(line)
    fflush(nil)
}

// MARK: - dgemm peak

/// Best GFLOP/s of C ← A·B for n×n matrices through `Matrix.gemm` (one warm-up, then `reps`),
/// in thread CPU time (one BLAS thread), so other load on a shared machine cannot deflate it.
func dgemmPeak(size n: Int, reps: Int) -> (best: Double, median: Double, seconds: [Double]) {
    var rng = RandomSource(seed: 1)
    var a = Matrix(rows: n, columns: n)
    var b = Matrix(rows: n, columns: n)
    for i in 0..<a.count {
        a.storage[i] = rng.uniform(-1, 1)
        b.storage[i] = rng.uniform(-1, 1)
    }
    var c = Matrix(rows: n, columns: n)
    Matrix.gemm(.none, a, .none, b, into: &c)
    var times = [Double]()
    for _ in 0..<reps { times.append(Timing.cpu { Matrix.gemm(.none, a, .none, b, into: &c) }) }
    let flops = 2 * Double(n) * Double(n) * Double(n)
    return (flops / times.min()! / 1e9, flops / Timing.median(times) / 1e9, times)
}

// MARK: - training configs

struct Config {
    var name: String
    var sizes: [Int]
    var loss: Loss
    var learningRate: Double
    /// Samples (n) and, when set, a fixed step count that --steps does not change.
    var samples = 200
    var fixedSteps: Int? = nil
}

let configs: [Config] = [
    Config(name: "2layer-mse", sizes: [20, 64, 5], loss: .mse, learningRate: 0.001),
    Config(name: "2layer-ce", sizes: [20, 64, 5], loss: .crossEntropy, learningRate: 0.001),
    Config(name: "2layer-mse-lr0.05", sizes: [20, 64, 5], loss: .mse, learningRate: 0.05),
    Config(name: "2layer-ce-lr0.05", sizes: [20, 64, 5], loss: .crossEntropy, learningRate: 0.05),
    Config(name: "deep-mse", sizes: [20, 32, 32, 32, 32, 5], loss: .mse, learningRate: 0.001),
]

/// Issue 13's large run: 164 MB activation matrices; only when named with --only.
let largeConfigs: [Config] = [
    Config(
        name: "large-mse", sizes: [20, 1024, 5], loss: .mse, learningRate: 0.001, samples: 20_000, fixedSteps: 100)
]

let samples = 200
let separation = 2.0
let seed = 42

/// Times `c`'s training over `steps` steps (a config's fixed count instead when it has
/// one, or `largeSteps` — --large-steps — in its place).
func benchTrain(_ c: Config, steps: Int, largeSteps: Int?, reps: Int, peak: Double?, floors: Bool)
    throws(EngineError)
{
    let samples = c.samples
    let steps = c.fixedSteps.map { largeSteps ?? $0 } ?? steps
    let data = try gaussianMixture(
        name: "gaussian_mixture", n: samples, d: c.sizes[0], classes: c.sizes[c.sizes.count - 1],
        separation: separation, seed: seed)
    let net = try Network.mlp(sizes: c.sizes, activation: .relu, bias: false, seed: seed)
    let opt = try Optimizer.gradientDescent(learningRate: c.learningRate)
    // warm-up (a few steps of the large run: its buffers are what needs warming)
    _ = try train(network: net, data: data, optimizer: opt, loss: c.loss, steps: c.fixedSteps == nil ? steps : 3)
    var times = [Double]()
    var cpuTimes = [Double]()
    var last: TrainingRun?
    for _ in 0..<reps {
        var run: TrainingRun?
        cpuTimes.append(
            try Timing.cpu { () throws(EngineError) in
                run = try train(network: net, data: data, optimizer: opt, loss: c.loss, steps: steps)
            })
        times.append(run!.seconds)
        last = run
    }
    guard let run = last else { return }
    let flops = StepFlops(sizes: c.sizes, samples: samples, loss: c.loss)
    let best = times.min()!
    let median = Timing.median(times)
    let totalFlops = Double(flops.total) * Double(run.stepsRun)
    var line = "{\"kind\":\"train\",\"config\":\(jsonString(c.name)),\"sizes\":\(c.sizes),"
    line += "\"loss\":\(jsonString(c.loss.name)),\"lr\":\(c.learningRate),\"n\":\(samples),\"steps\":\(steps),"
    line += "\"steps_run\":\(run.stepsRun),\"reps\":\(reps),"
    line += "\"seconds_best\":\(best),\"seconds_median\":\(median),\"seconds_all\":\(jsonArray(times)),"
    line += "\"cpu_seconds_best\":\(cpuTimes.min()!),\"cpu_seconds_all\":\(jsonArray(cpuTimes)),"
    line += "\"us_per_step\":\(jsonNumber(best / Double(max(run.stepsRun, 1)) * 1e6)),"
    line += "\"flops_per_step\":\(flops.total),\"flops\":\(flops.json),"
    line += "\"gflops_achieved\":\(jsonNumber(totalFlops / best / 1e9))"
    if let peak {
        let bound = totalFlops / (peak * 1e9)
        line += ",\"bound_seconds\":\(jsonNumber(bound)),\"ratio_to_bound\":\(jsonNumber(best / bound))"
        line += ",\"gemm_only_bound_seconds\":\(jsonNumber(Double(flops.gemm) * Double(run.stepsRun) / (peak * 1e9)))"
    }
    line += ",\"final_loss\":\(jsonNumber(run.finalLoss)),\"C0\":\(jsonArray(run.initialConserved)),"
    line += "\"C_final\":\(jsonArray(run.finalConserved)),\"drift\":\(jsonArray(run.drift)),"
    line += "\"S\":\(jsonArray(run.imbalanceSum)),"
    line +=
        "\"ledger_residual\":\(jsonNumber(run.ledgerResidual)),\"ledger_step_error\":\(jsonNumber(run.ledgerStepError)),"
    line += "\"accuracy\":\(jsonNumber(run.accuracy)),\"diverged\":\(run.diverged)}"
    emit(line)
    if !floors { return }

    // Floors: what the same step costs with less than the whole loop.
    // (1) only the gemms of the step, on buffers of the same shapes;
    // (2) forward + loss + backward (Backprop.evaluate) without statistics or update.
    let layers = c.sizes.count - 1
    var w = net.parameters.weights
    let x = data.inputs
    var z = (0..<layers).map { Matrix(rows: samples, columns: c.sizes[$0 + 1]) }
    var g = (0..<layers).map { Matrix(rows: c.sizes[$0 + 1], columns: c.sizes[$0]) }
    var dl = z
    func gemmStep() {
        for l in 0..<layers {
            Matrix.gemm(.none, l == 0 ? x : z[l - 1], .transposed, w[l], into: &z[l])
        }
        for l in stride(from: layers - 1, through: 0, by: -1) {
            Matrix.gemm(.transposed, z[l], .none, l == 0 ? x : z[l - 1], into: &g[l])
            if l > 0 { Matrix.gemm(.none, z[l], .none, w[l], into: &dl[l - 1]) }
        }
    }
    var gemmTimes = [Double]()
    for _ in 0..<(reps + 1) { gemmTimes.append(Timing.cpu { for _ in 0..<steps { gemmStep() } }) }
    gemmTimes.removeFirst()
    var bp = Backprop(architecture: net.architecture, batchSize: samples)
    let params = net.parameters
    var evalTimes = [Double]()
    var sink = 0.0
    for _ in 0..<(reps + 1) {
        evalTimes.append(
            Timing.cpu { for _ in 0..<steps { sink += bp.evaluate(params, data: data, loss: c.loss) } })
    }
    evalTimes.removeFirst()
    w[0].storage[0] += sink * 0  // keep the work observable
    var floor = "{\"kind\":\"floor\",\"config\":\(jsonString(c.name)),\"steps\":\(steps),"
    floor += "\"clock\":\"thread CPU time\","
    floor += "\"gemm_only_seconds\":\(gemmTimes.min()!),\"evaluate_only_seconds\":\(evalTimes.min()!),"
    floor += "\"train_seconds\":\(cpuTimes.min()!),\"gemm_calls_per_step\":\(2 * layers + layers - 1)"
    let gemmRate = Double(flops.gemm) * Double(steps) / gemmTimes.min()! / 1e9
    floor += ",\"gemm_only_gflops\":\(jsonNumber(gemmRate))"
    if let peak { floor += ",\"gemm_peak_fraction\":\(jsonNumber(gemmRate / peak))" }
    emit(floor + "}")
}

// MARK: - sweep (issue 3)

/// 10 learning rates × 5 seeds × {MSE, CE} × `steps` steps of the 2-layer network:
/// one after another, then spread over `threads` threads (runs are independent).
func benchSweep(steps: Int, threads: Int) throws(EngineError) {
    let rates = [0.0005, 0.001, 0.002, 0.003, 0.005, 0.007, 0.01, 0.015, 0.02, 0.03]
    let seeds = [42, 137, 256, 512, 1024]
    var jobs = [(Dataset, Network, Optimizer, Loss)]()
    for loss in [Loss.mse, .crossEntropy] {
        for s in seeds {
            let data = try gaussianMixture(
                name: "gaussian_mixture", n: samples, d: 20, classes: 5, separation: separation, seed: s)
            let net = try Network.mlp(sizes: [20, 64, 5], activation: .relu, bias: false, seed: s)
            for r in rates { jobs.append((data, net, try Optimizer.gradientDescent(learningRate: r), loss)) }
        }
    }
    let jobList = jobs
    let results = UnsafeMutableBufferPointer<Double>.allocate(capacity: jobList.count)
    let loopSeconds = UnsafeMutableBufferPointer<Double>.allocate(capacity: jobList.count)
    defer {
        results.deallocate()
        loopSeconds.deallocate()
    }
    nonisolated(unsafe) let out = results
    nonisolated(unsafe) let outSeconds = loopSeconds
    /// Job i: its first drift and its training loop's seconds, into slot i (each slot
    /// written by one thread only).
    @Sendable func runJob(_ i: Int) {
        let j = jobList[i]
        let run = try? train(network: j.1, data: j.0, optimizer: j.2, loss: j.3, steps: steps)
        out[i] = run?.drift[0] ?? .nan
        outSeconds[i] = run?.seconds ?? 0
    }
    let cpuBefore = Stopwatch.processCPUSeconds()
    let sequential = Timing.measure {
        for i in jobList.indices { runJob(i) }
    }
    let cpuSequential = Stopwatch.processCPUSeconds() - cpuBefore
    let seqDrift = results.reduce(0, +)
    let seqLoops = loopSeconds.reduce(0, +)
    let next = Counter()
    let cpuParallelStart = Stopwatch.processCPUSeconds()
    let parallel = Timing.measure {
        DispatchQueue.concurrentPerform(iterations: threads) { _ in
            while true {
                let i = next.take()
                if i >= jobList.count { break }
                runJob(i)
            }
        }
    }
    let cpuParallel = Stopwatch.processCPUSeconds() - cpuParallelStart
    let parDrift = results.reduce(0, +)
    let parLoops = loopSeconds.reduce(0, +)
    var line = "{\"kind\":\"sweep\",\"runs\":\(jobList.count),\"steps\":\(steps),\"threads\":\(threads),"
    line += "\"sequential_seconds\":\(sequential),\"parallel_seconds\":\(parallel),"
    line += "\"sequential_loop_seconds\":\(seqLoops),\"parallel_loop_seconds\":\(parLoops),"
    line += "\"sequential_cpu_seconds\":\(cpuSequential),\"parallel_cpu_seconds\":\(cpuParallel),"
    line +=
        "\"drift_sum\":\(jsonNumber(seqDrift)),\"same_results\":\(seqDrift == parDrift || (seqDrift.isNaN && parDrift.isNaN))}"
    emit(line)
}

/// A shared work index for the sweep's threads.
final class Counter: @unchecked Sendable {
    private var value = 0
    private var lock = pthread_mutex_t()
    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }
    func take() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        value += 1
        return value - 1
    }
}

// MARK: - curvature (issue 4)

/// The dense P×P Hessian of the 2-layer network (P = 1600, n = 200, MSE) plus all its
/// eigenvalues, and the top eigenvalue by power iteration with 20 Hessian–vector products;
/// best of `reps` each.
func benchHessian(reps: Int) throws(EngineError) {
    let data = try gaussianMixture(
        name: "gaussian_mixture", n: samples, d: 20, classes: 5, separation: separation, seed: seed)
    let net = try Network.mlp(sizes: [20, 64, 5], activation: .relu, bias: false, seed: seed)
    var denseTimes = [Double]()
    var denseCPU = [Double]()
    var assemblyTimes = [Double]()
    var top = Double.nan
    var bottom = Double.nan
    var asymmetry = Double.nan
    for _ in 0..<reps {
        let clock = ContinuousClock()
        let start = clock.now
        var h = Matrix(rows: 0, columns: 0)
        var top_: Double?
        var bottom_: Double?
        var assembled = start
        let cpu = try Timing.cpu { () throws(EngineError) in
            h = try hessian(network: net, data: data, loss: .mse)
            assembled = clock.now
            let e = try eigs(h)
            top_ = e.values.last
            bottom_ = e.values.first
        }
        let done = clock.now
        denseCPU.append(cpu)
        assemblyTimes.append((assembled - start).seconds)
        denseTimes.append((done - start).seconds)
        top = top_ ?? .nan
        bottom = bottom_ ?? .nan
        asymmetry = 0
        for i in 0..<h.rows { for j in 0..<i { asymmetry = max(asymmetry, abs(h[i, j] - h[j, i])) } }
    }
    // The least work any method needs (see FlopCount.swift's convention): the analytic
    // blocks UᵀU, UᵀH and HᵀH of the 2-layer Hessian (U the n × md per-sample input
    // Jacobian), and LAPACK's reduction to tridiagonal form, 4/3·P³, for the eigenvalues.
    let (n, d, m, k) = (Double(samples), 20.0, 64.0, 5.0)
    let p = m * d + k * m
    let assemblyFlops = 2 * (m * d) * (m * d) * n + 2 * (m * d) * n * m + 2 * m * m * n
    let eigenFlops = 4.0 / 3.0 * p * p * p
    var line = "{\"kind\":\"hessian\",\"task\":\"dense Hessian (P=1600) + all eigenvalues\","
    line +=
        "\"flops_min\":\(assemblyFlops + eigenFlops),\"flops_assembly_min\":\(assemblyFlops),\"flops_eigen\":\(eigenFlops),"
    line += "\"seconds\":\(denseTimes.min()!),\"cpu_seconds\":\(denseCPU.min()!),"
    line += "\"assembly_seconds\":\(assemblyTimes.min()!),"
    line += "\"seconds_all\":\(jsonArray(denseTimes)),\"lambda_max\":\(jsonNumber(top)),"
    line += "\"lambda_min\":\(jsonNumber(bottom)),\"asymmetry\":\(jsonNumber(asymmetry))}"
    emit(line)
    var powerTimes = [Double]()
    var value = Double.nan
    for _ in 0..<reps {
        var r: PowerIterationResult?
        let t = try Timing.measure { () throws(EngineError) in
            r = try powerIteration(network: net, data: data, loss: .mse, iterations: 20)
        }
        powerTimes.append(t)
        value = r?.value ?? .nan
    }
    emit(
        "{\"kind\":\"hessian\",\"task\":\"top eigenvalue, 20 HVPs (power iteration)\",\"seconds\":\(powerTimes.min()!),"
            + "\"seconds_all\":\(jsonArray(powerTimes)),\"lambda_max\":\(jsonNumber(value))}")
}

// MARK: - main

KernelSelection.selectAtStartup(notice: KernelSelection.fallbackNotice)  // the same OpenBLAS core as the noether binary
let options = parseOptions()
BLASThreads.set(1)
emit(
    "{\"kind\":\"machine\",\"blas_threads\":\(BLASThreads.count),\"env_openblas_threads\":\(jsonString(String(cString: getenv("OPENBLAS_NUM_THREADS") ?? strdup(""))))"
        + ",\"cpu_model\":\(jsonString(Machine.cpuModel)),\"cpu_features\":\(jsonString(CPUFeatures.current.summary))"
        + ",\"cpu_vendor\":\(jsonString(CPUFeatures.current.vendor)),\"blas\":\(jsonString(KernelSelection.blasConfiguration))"
        + ",\"openblas_core\":\(jsonString(KernelSelection.activeCore)),\"core_reason\":\(jsonString(KernelSelection.reason.words))"
        + ",\"small_kernels\":\(jsonString(KernelSelection.smallKernels.words)),\"load_average\":\(jsonString(Machine.loadAverage))}"
)

var peak: Double?
if options.peak {
    let p = dgemmPeak(size: options.peakSize, reps: options.peakReps)
    peak = p.best
    emit(
        "{\"kind\":\"dgemm_peak\",\"n\":\(options.peakSize),\"gflops\":\(p.best),\"gflops_median\":\(p.median),\"seconds\":\(jsonArray(p.seconds))}"
    )
}
do {
    let chosen =
        options.extra.isEmpty
        ? configs.filter { options.only?.contains($0.name) ?? true }
            + largeConfigs.filter { options.only?.contains($0.name) ?? false } : options.extra
    for c in chosen where options.train {
        try benchTrain(
            c, steps: options.steps, largeSteps: options.largeSteps, reps: options.reps, peak: peak,
            floors: options.floors)
    }
    if options.sweep { try benchSweep(steps: options.steps, threads: options.sweepThreads) }
    if options.hessian { try benchHessian(reps: options.quick ? 2 : 3) }
} catch {
    fail("\(error)")
}
