/// How `sharpness` computes λ_max of the Hessian.
public enum SharpnessMethod: Sendable, Equatable, Hashable {
    /// Dense Hessian + `dsyevr` when P ≤ `denseLimit` (and it fits in memory),
    /// otherwise Lanczos.
    case automatic(denseLimit: Int)
    /// Dense Hessian and LAPACK `dsyevr` for the top eigenpair (exact to rounding).
    case dense
    /// Lanczos with full reorthogonalization, at most `steps` products, stopping once
    /// the top Ritz pair's residual bound is ≤ tolerance·|θ_max|.
    case lanczos(steps: Int, tolerance: Double)
    /// The reference's power iteration (`iterations` products + 1).
    case powerIteration(iterations: Int)

    /// P up to which `standard` takes the dense Hessian.
    public static let standardDenseLimit = 2500
    /// The most products of a one-off Lanczos measurement.
    public static let standardLanczosSteps = 100
    /// The relative tolerance of a one-off Lanczos measurement.
    public static let standardLanczosTolerance = 1e-8

    /// Dense up to P = 2500.
    public static let standard = SharpnessMethod.automatic(denseLimit: standardDenseLimit)

    /// Lanczos to a relative 1e-8 within 100 products: a one-off measurement, and
    /// `automatic` above its dense limit.
    public static let standardLanczos = SharpnessMethod.lanczos(
        steps: standardLanczosSteps, tolerance: standardLanczosTolerance)

    /// The algorithm with the settings of a one-off measurement: dense up to
    /// P = 2500; Lanczos to a relative 1e-8 within 100 products; the reference's 30
    /// power iterations.
    public init(_ algorithm: SharpnessAlgorithm) {
        switch algorithm {
        case .automatic: self = .standard
        case .dense: self = .dense
        case .lanczos: self = .standardLanczos
        case .powerIteration: self = .powerIteration(iterations: PowerIterationResult.referenceIterations)
        }
    }
}

/// The ways of computing λ_max, without their settings: what a user chooses. The
/// settings follow from the use (`SharpnessMethod(_:)` for one measurement,
/// `SharpnessTracker.Method(_:)` along a run).
public enum SharpnessAlgorithm: Sendable, Equatable, Hashable, CaseIterable {
    case automatic
    case dense
    case lanczos
    case powerIteration
}

/// λ_max of the Hessian with the vector that attains it.
public struct SharpnessEstimate: Sendable {
    /// The largest eigenvalue (power iteration: the Rayleigh quotient of the dominant,
    /// largest-|λ| direction).
    public var value: Double
    /// Its unit eigenvector (Ritz vector), in flattened parameter order.
    public var vector: [Double]
    /// The method that computed it: `.dense`, `.lanczos` or `.powerIteration`.
    public var method: SharpnessAlgorithm
    /// Hessian–vector products used (P for the dense method).
    public var products: Int
    /// A bound on ‖Hv − λv‖ (Lanczos), or the exact residual (dense, power).
    public var residual: Double
}

/// The sharpness λ_max(∇²L(θ)) of `network` on `data`.
///
/// - `start`: a warm-start vector (e.g. the previous estimate's `vector`) for Lanczos
///   and power iteration; ignored by the dense method.
/// - Lanczos default (from `.automatic` above the dense limit): at most 100 steps,
///   tolerance 1e-8, at least 10 steps.
/// - `progress`: rows of the dense Hessian, or products of the iteration (see
///   `HVPWorkspace.dense`, `lanczos`, `powerIteration`); returning false stops it
///   with `EngineError.stopped`.
public func sharpness(
    network: Network, data: Dataset, loss: Loss, method: SharpnessMethod = .standard,
    start: [Double]? = nil, seed: Int = 0, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> SharpnessEstimate {
    var ws = try HVPWorkspace(network: network, data: data, loss: loss)
    return try sharpness(
        &ws, method: method, start: start, seed: seed, availableBytes: availableBytes, progress: progress)
}

/// The sharpness of the Hessian (or Gauss–Newton / JᵀJ/n matrix) a workspace applies.
public func sharpness(
    _ ws: inout HVPWorkspace, method: SharpnessMethod = .standard, start: [Double]? = nil,
    seed: Int = 0, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> SharpnessEstimate {
    let p = ws.dimension
    var chosen = method
    if case .automatic(let limit) = method {
        chosen = .standardLanczos
        if p <= limit {
            let needed = try HVPWorkspace.denseMemoryEstimate(ws.architecture, samples: ws.sampleCount) + 8 * 3 * p * p
            if needed <= (availableBytes ?? MemoryBudget.available() ?? Int.max) { chosen = .dense }
        }
    }
    switch chosen {
    case .automatic:
        preconditionFailure("resolved above")
    case .dense:
        let h = try ws.dense(availableBytes: availableBytes, progress: progress)
        let e = try eigsUnchecked(h, .top(1), true, 1e-8)
        let v = e.vector(0)
        var hv = [Double](repeating: 0, count: p)
        blasGemv(.none, h, rows: p, v, &hv)
        blasAxpy(-e.values[0], v, &hv)
        return SharpnessEstimate(value: e.values[0], vector: v, method: .dense, products: p, residual: blasNorm(hv))
    case .lanczos(let steps, let tolerance):
        let options = LanczosOptions(
            steps: steps, pairs: 1, reorthogonalize: true, tolerance: tolerance,
            minimumSteps: Swift.min(10, p), which: .top, vectors: true, seed: seed, start: start)
        let r = try lanczos(&ws, options: options, progress: progress)
        let top = r.top[0]
        return SharpnessEstimate(
            value: top.value, vector: top.vector!, method: .lanczos, products: r.products,
            residual: top.residual)
    case .powerIteration(let iterations):
        let r = try powerIteration(&ws, iterations: iterations, seed: seed, start: start, progress: progress)
        var hv = ws.apply(r.vector)
        blasAxpy(-r.value, r.vector, &hv)
        return SharpnessEstimate(
            value: r.value, vector: r.vector, method: .powerIteration, products: r.products + 1,
            residual: blasNorm(hv))
    }
}

/// Tracks λ_max along a training run cheaply: each measurement relinearizes one
/// reused `HVPWorkspace` at the new θ and warm-starts the iteration from the previous
/// top eigenvector, so a slowly moving top eigenpair costs a few products.
///
/// Usage from a training loop (every k steps):
/// ```
/// var tracker = SharpnessTracker(architecture: net.architecture)
/// let lambda = try tracker.measure(parameters: θ, data: data, loss: loss)
/// ```
public struct SharpnessTracker: Sendable {
    public enum Method: Sendable, Equatable, Hashable {
        /// Lanczos with full reorthogonalization: at most `maxSteps` products, at least
        /// `minimumSteps`, stopping when the top residual bound ≤ tolerance·|θ_max|.
        case lanczos(maxSteps: Int, minimumSteps: Int, tolerance: Double)
        /// The reference's power iteration (iterations + 1 products), warm-started.
        case powerIteration(iterations: Int)

        /// The most products of a Lanczos measurement along a run.
        public static let trackingMaxSteps = 40

        /// The algorithm with the settings of a measurement along a run, where each
        /// starts from the last top eigenvector: Lanczos with at most 40 and at least
        /// 8 products to a relative 1e-6; the reference's 30 power iterations. Nil for
        /// the dense and automatic methods, which do not track.
        public init?(_ algorithm: SharpnessAlgorithm) {
            switch algorithm {
            case .lanczos: self = .lanczos(maxSteps: Self.trackingMaxSteps, minimumSteps: 8, tolerance: 1e-6)
            case .powerIteration: self = .powerIteration(iterations: PowerIterationResult.referenceIterations)
            case .automatic, .dense: return nil
            }
        }
    }

    public let architecture: Architecture
    public let method: Method
    public let seed: Int
    /// The top eigenvector of the last measurement (flattened order).
    public private(set) var lastVector: [Double]?
    /// The last λ_max (NaN before the first measurement or at non-finite θ).
    public private(set) var lastValue: Double = .nan
    public private(set) var measurements = 0
    /// Hessian–vector products used by all measurements so far.
    public private(set) var products = 0
    var workspace: HVPWorkspace?

    /// Default: Lanczos with at most 40 and at least 8 products, tolerance 1e-6.
    public init(architecture: Architecture, method: Method = Method(.lanczos)!, seed: Int = 0) {
        self.architecture = architecture
        self.method = method
        self.seed = seed
    }

    /// λ_max of the Hessian of `loss` on `data` at `parameters`. Returns NaN, without
    /// computing, when θ is not finite. Throws when the data do not fit the network
    /// or LAPACK fails on the small tridiagonal problem.
    public mutating func measure(parameters: Parameters, data: Dataset, loss: Loss) throws(EngineError) -> Double {
        guard parameters.isFinite else {
            lastValue = .nan
            return .nan
        }
        if workspace == nil || workspace!.data !== data || workspace!.loss != loss {
            let network = Network(architecture: architecture, parameters: parameters)
            workspace = try HVPWorkspace(network: network, data: data, loss: loss)
        } else {
            workspace!.relinearize(at: parameters)
        }
        var ws = workspace!
        workspace = nil  // keep the buffers uniquely referenced while we work
        defer { workspace = ws }
        let start = lastVector
        let value: Double
        switch method {
        case .lanczos(let maxSteps, let minimumSteps, let tolerance):
            let options = LanczosOptions(
                steps: maxSteps, pairs: 1, reorthogonalize: true, tolerance: tolerance,
                minimumSteps: minimumSteps, which: .top, vectors: true,
                seed: seed &+ measurements, start: start)
            let r = try lanczos(&ws, options: options)
            value = r.top[0].value
            lastVector = r.top[0].vector
            products += r.products
        case .powerIteration(let iterations):
            let r = try powerIteration(&ws, iterations: iterations, seed: seed, start: start)
            value = r.value
            lastVector = r.vector
            products += r.products
        }
        measurements += 1
        lastValue = value
        return value
    }
}

extension Network {
    /// H·v at this network's parameters (allocates a workspace; for many products
    /// keep an `HVPWorkspace`).
    public func hessianVectorProduct(data: Dataset, loss: Loss, vector: [Double]) throws(EngineError) -> [Double] {
        guard vector.count == parameterCount else {
            throw .curvature(.vectorLength(.productDirection, entries: vector.count, expected: parameterCount))
        }
        var ws = try HVPWorkspace(network: self, data: data, loss: loss)
        return ws.apply(vector)
    }
}
