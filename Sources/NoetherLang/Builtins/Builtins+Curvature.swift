import NoetherEngine
import NoetherSyntax

/// Second-order information of the full-batch loss: Hessian–vector products, dense
/// Hessians and Gauss–Newton matrices, their spectra, Lanczos, power iteration,
/// sharpness, Jacobians and tangent kernels, spectral densities, trace estimates,
/// the data covariance spectrum and the cross-entropy compression bound.
///
/// Long computations report progress under their own name and stop on Ctrl-C between
/// blocks of work (a sweep of the dense assembly, a Lanczos step, a probe block).
enum CurvatureBuiltins {
    static let all: [Builtin] = [
        hvp, hessian, gaussNewton, gnResidual, eigs, lanczos, powerIteration, sharpness,
        jacobian, ntk, density, trace, covEigs, ceBound,
    ]

    /// `explain` topics for the curvature values' derived quantities.
    static let explanations: [Explanation] = [
        Explanation(
            "spectrum", "effective_rank",
            formula: "effective_rank = Σ_{λ_i > τ} λ_i / λ_max,  τ = threshold (1e-8 unless given)",
            """
            How many eigenvalues of the size of λ_max the positive part of the spectrum holds
            (experiments.md §1.10). For a partial spectrum (top=, bottom=, lanczos) the sum runs
            over the computed eigenvalues only. nan without a positive eigenvalue.
            """),
        Explanation(
            "spectrum", "width", formula: "width = λ_max / median{λ_i : λ_i > τ}",
            """
            The spread of the positive spectrum; the median of an even count is the mean of the
            two middle values (NumPy's). nan without a positive eigenvalue.
            """),
        Explanation(
            "spectrum", "zero", formula: "zero = #{i : |λ_i| ≤ τ},  positive = #{λ_i > τ},  negative = #{λ_i < −τ}",
            """
            Counts at the threshold τ shown in the summary. Exact null directions (the rescaling
            symmetry, dead units, linear networks) land near zero only to rounding, so these
            counts move with τ: read them as precision-dependent, not as physics.
            """),
        Explanation(
            "compression_bound", "bound", formula: "bound = λ_max(JᵀJ/n) · max_i q_i(1 − q_i)",
            """
            The paper's cross-entropy bound (theory §5) on λ_max of the Gauss–Newton matrix
            G = Jᵀ S J / n, S_i = diag(p_i) − p_i p_iᵀ, q_i the correct-class probability.
            Not a theorem for every p (λ_max(S_i) can exceed q_i(1 − q_i): for K = 2 it is twice
            that); it becomes accurate as q_i → 1. 'holds' says whether it held here.
            """),
        Explanation(
            "compression_bound", "rigorous_bound",
            formula: "rigorous_bound = λ_max(JᵀJ/n) · max_i λ_max(diag p_i − p_i p_iᵀ) ≥ λ_max(G)",
            """
            Always true, since G = Σ_i J_iᵀ S_i J_i / n ⪯ max_i λ_max(S_i) · JᵀJ/n. Neither bound
            covers the Hessian's residual H − G (see hessian_max).
            """),
        Explanation(
            "trace_estimate", "value", formula: "value = (1/N) Σ_{p=1…N} z_pᵀ A z_p,  z_p ∈ {±1}^P (Rademacher)",
            """
            Hutchinson's unbiased estimator of tr(A); each term has variance 2(‖A‖_F² − Σ_i A_ii²).
            stderr = sample standard deviation (ddof 1) of the N terms / √N.
            """),
        Explanation(
            "lanczos_result", "top_residuals", formula: "r_j = |β_m · s_{m,j}| = ‖A y_j − θ_j y_j‖",
            """
            The residual of Ritz pair j from the last Lanczos coefficient β_m and the last
            component of the j-th eigenvector s_j of the tridiagonal matrix T_m. Some eigenvalue
            of A lies within r_j of θ_j (exact arithmetic; full reorthogonalization keeps it so).
            """),
        Explanation(
            "spectral_density", "density", formula: "φ(t) = (1/N) Σ_p Σ_j τ_pj · N(t; θ_pj, σ²)",
            """
            Stochastic Lanczos quadrature: for each of N Rademacher probes, the Ritz values θ_pj
            and squared first eigenvector components τ_pj of its Lanczos tridiagonal matrix are
            Gauss quadrature nodes and weights of the spectral measure (1/P) Σ_i δ(t − λ_i).
            """),
    ]

    // MARK: - Shared parameters

    static let netParameter = Parameter(
        "net", .object("network"), help: "the network; curvature is taken at its current parameters θ",
        completion: .variables)
    static let dataParameter = Parameter(
        "data", .object("dataset"), help: "the data; the loss is the full-batch mean over it",
        completion: .variables)
    static let lossParameter = Parameter(
        "loss", .object("loss"), .value(.object(LossObject(.mse)), text: "mse"),
        help: "the loss whose curvature is taken", completion: .values(["mse", "cross_entropy"]))
    static let blockParameter = Parameter(
        "block", .oneOf([.string, .list(.string)]), .absent,
        help: "parameter blocks, e.g. \"W1\" or [\"W1\", \"W2\"] (\"b1\" … with biases); all parameters when absent",
        completion: .values(["\"W1\"", "\"W2\"", "[\"W1\", \"W2\"]"]))
    static let curvatureParameter = Choices.curvature.parameter("curvature", default: "hessian", help: "the matrix: ")
    static let seedParameter = Parameter(
        "seed", .integer, .value(.number(0), text: "0"), help: "seed of the random start or probe vectors")

    /// ce_bound's λ_max are top eigenvalues of three matrices, not the power
    /// iteration's estimate.
    static let boundMethod = Choices.sharpnessMethod.only(["auto", "dense", "lanczos"])

    // MARK: - Products and dense matrices

    static let hvp = Builtin(
        "hvp", category: "curvature",
        abstract: "The exact Hessian–vector product H·v of the full-batch loss (R-operator, forward-over-reverse).",
        discussion: """
            v has P entries in the order of the parameters: W1 row-major (out × in), b1, W2, ….
            A list of vectors is applied as one block, with matrix products (faster than one
            by one), and gives a list of products. Exact to rounding for every depth,
            activation, loss and bias setting; σ″ = 0 almost everywhere for relu and linear.
            curvature="gauss_newton" or "jtj" gives G·v or (JᵀJ/n)·v instead.
            The loss comes before v: hvp(net, data, mse, v), or name v: hvp(net, data, v=v).
            """,
        parameters: [
            netParameter, dataParameter,
            Parameter(
                "loss", .object("loss"), .value(.object(LossObject(.mse)), text: "mse"),
                help:
                    "the loss whose curvature is taken; it comes before v: hvp(net, data, mse, v), or name v: hvp(net, data, v=v)",
                completion: .values(["mse", "cross_entropy"])),
            Parameter(
                "v", .list(.any),
                help: "a direction of P numbers, or a list of such directions", completion: .variables),
            curvatureParameter,
        ],
        returns: "list",
        example: """
            top = eigs(hessian(net, data), top=1, vectors=true)
            Hv = hvp(net, data, mse, top.vectors[0])   # = top.max · top.vectors[0]
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let (kind, _) = try ctx.curvatureKind()
        let p = net.parameterCount
        var ws = try ctx.workspace(net, data, loss, kind)
        let rows = try ctx.list("v")
        func isList(_ x: Value) -> Bool { if case .list = x { true } else { false } }
        func isNumber(_ x: Value) -> Bool { if case .number = x { true } else { false } }
        let batched = !rows.isEmpty && rows.allSatisfy(isList)
        let shape = "'v' must be a list of P = \(p) numbers or a list of such lists"
        if !batched {
            if let i = rows.firstIndex(where: { !isNumber($0) }) {
                throw ctx.error("\(shape); element \(i) is a \(rows[i].typeName)", at: "v")
            }
            guard rows.count == p else {
                throw ctx.error("'v' has \(rows.count) entries but the network has P = \(p) parameters", at: "v")
            }
            return .numbers(ws.apply(rows.map { if case .number(let x) = $0 { x } else { 0 } }))
        }
        // A block of directions.
        var vectors = [[Double]]()
        vectors.reserveCapacity(rows.count)
        for (i, row) in rows.enumerated() {
            guard let v = row.numbers else {
                throw ctx.error("\(shape); direction \(i) holds something other than numbers", at: "v")
            }
            guard v.count == p else {
                throw ctx.error(
                    "direction \(i) of 'v' has \(v.count) entries but the network has P = \(p) parameters", at: "v")
            }
            vectors.append(v)
        }
        let interpreter = ctx.interpreter
        let products = try ws.apply(vectors) { (done) throws(Diagnostic) in
            interpreter.progress?(done, vectors.count, "hvp")
            try ctx.stopIfInterrupted()
        }
        return .list(products.map { .numbers($0) })
    }

    static let hessian = Builtin(
        "hessian", category: "curvature",
        abstract: "The dense P×P Hessian ∇²L(θ) of the full-batch loss, assembled from batched exact HVPs.",
        discussion: """
            Rows and columns follow the parameter order (W1 row-major, b1, W2, …); block="W1"
            gives the W1–W1 block, block=["W1", "W2"] the 2×2 block matrix over W1 and W2.
            Symmetric to the last bit. Before allocating, the memory is estimated; when it
            does not fit the call is refused with how much it needs and how much there is:
            use lanczos (or sharpness, density, trace) for large networks.
            """,
        parameters: [netParameter, dataParameter, lossParameter, blockParameter],
        returns: "matrix",
        example: """
            H = hessian(net, data, loss=mse)
            eigs(H, top=5)
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        try denseMatrix(&ctx, .hessian, name: "hessian")
    }

    static let gaussNewton = Builtin(
        "gauss_newton", category: "curvature",
        abstract: "The dense generalized Gauss–Newton matrix G = JᵀMJ (M the loss's output Hessian).",
        discussion: """
            J = ∂F/∂θ is the (nK × P) output Jacobian; M is block-diagonal over samples:
            2/(nK)·I for mse, (diag p_i − p_i p_iᵀ)/n for cross-entropy. G is the Hessian
            without the terms carrying the output gradient or σ″; it is positive
            semi-definite. Same order, blocks and memory check as hessian.
            """,
        parameters: [netParameter, dataParameter, lossParameter, blockParameter],
        returns: "matrix",
        example: "G = gauss_newton(net, data, loss=cross_entropy)\neigs(G).max"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        try denseMatrix(&ctx, .gaussNewton, name: "gauss_newton")
    }

    static let gnResidual = Builtin(
        "gn_residual", category: "curvature",
        abstract: "The residual H − G of the Hessian beyond its Gauss–Newton part.",
        discussion: """
            The part of the Hessian carrying the output gradient (and σ″ for smooth
            activations); it vanishes where the loss is zero. Needs three P×P matrices at
            once, checked before allocating.
            """,
        parameters: [netParameter, dataParameter, lossParameter, blockParameter],
        returns: "matrix",
        example: "R = gn_residual(net, data)\neigs(R, bottom=3)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let groups = try ctx.blocks(of: net)
        let r = try ctx.tracked("gn_residual") { (progress) throws(EngineError) in
            try gaussNewtonResidual(network: net, data: data, loss: loss, groups: groups, progress: progress).residual
        }
        return .object(MatrixObject(r, kind: "gn_residual", blocks: try ctx.blockNames(of: net, groups)))
    }

    static func denseMatrix(_ ctx: inout CallContext, _ kind: CurvatureKind, name: String) throws(Diagnostic) -> Value {
        let (net, data, loss) = try ctx.networkDataLoss()
        let groups = try ctx.blocks(of: net)
        let m = try ctx.tracked(name) { (progress) throws(EngineError) in
            try denseCurvature(kind, network: net, data: data, loss: loss, groups: groups, progress: progress)
        }
        return .object(MatrixObject(m, kind: name, blocks: try ctx.blockNames(of: net, groups)))
    }

    // MARK: - Spectra

    static let eigs = Builtin(
        "eigs", category: "curvature",
        abstract: "Eigenvalues (and optionally eigenvectors) of a symmetric matrix.",
        discussion: """
            All eigenvalues by LAPACK dsyevd; top=k or bottom=k computes only the k largest
            or smallest by dsyevr (same O(P³) reduction, less work after it). The spectrum
            prints its extremes, the counts of positive, negative and near-zero eigenvalues
            (|λ| ≤ threshold, shown), the effective rank Σ_{λ>threshold} λ / λ_max and the
            width λ_max / median(positive λ). The matrix must be symmetric (to 1e-8 of its
            largest entry). A list of rows is accepted too: eigs([[2, 1], [1, 2]]).
            """,
        parameters: [
            Parameter(
                "H", .oneOf([.object("matrix"), .list(.any)]),
                help: "a symmetric matrix: hessian(…), gauss_newton(…), ntk(…), or a list of rows",
                completion: .variables),
            Parameter("top", .integer, .absent, help: "compute only the k largest eigenvalues"),
            Parameter("bottom", .integer, .absent, help: "compute only the k smallest eigenvalues"),
            Parameter(
                "vectors", .bool, .value(.bool(false), text: "false"), help: "also compute unit eigenvectors (.vectors)"
            ),
            Parameter.number("threshold", default: 1e-8, help: "|λ| at or below it counts as near zero"),
        ],
        returns: "spectrum",
        example: """
            H = hessian(net, data)
            s = eigs(H)
            {max=s.max, positive=s.positive, rank=s.effective_rank}
            eigs(H, top=5, vectors=true).vector(0)
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let matrix: Matrix
        let source: String
        if let m = try ctx.optionalObject("H", as: MatrixObject.self) {
            matrix = m.matrix
            source = m.blocks.isEmpty ? m.kind : "\(m.kind) over \(m.blocks.joined(separator: ", "))"
        } else {
            let rows = try ctx.list("H").map { $0.numbers ?? [] }
            guard let width = rows.first?.count, width > 0, rows.allSatisfy({ $0.count == width }) else {
                throw ctx.error("'H' must be a matrix or a non-empty list of rows of numbers, of equal length", at: "H")
            }
            matrix = Matrix(rows)
            source = "matrix"
        }
        guard matrix.rows == matrix.columns else {
            throw ctx.error("eigenvalues need a square matrix, got \(matrix.rows)×\(matrix.columns)", at: "H")
        }
        let n = matrix.rows
        let threshold = try ctx.number("threshold")
        guard threshold.isFinite, threshold >= 0 else {
            throw ctx.error(
                "'threshold' must be a non-negative number, got \(formatNumber(threshold))", at: "threshold")
        }
        var selection = EigenSelection.all
        if try ctx.has("top"), try ctx.has("bottom") {
            throw ctx.error("give 'top' or 'bottom', not both", at: "bottom")
        }
        if try ctx.has("top") { selection = .top(try ctx.integer("top", in: 1...n)) }
        if try ctx.has("bottom") { selection = .bottom(try ctx.integer("bottom", in: 1...n)) }
        let vectors = try ctx.bool("vectors")
        // LAPACK cannot stop halfway: a live progress line from a measured flop rate,
        // a note at once on Ctrl-C, and the result dropped when it comes (an
        // interrupted cell binds nothing).
        let context = ctx
        let e = try LAPACKProgress.run(ctx.interpreter, n: n, flops: LAPACKProgress.flops(n: n, vectors: vectors)) {
            () throws(Diagnostic) in
            try context.engine(at: "H") { () throws(EngineError) in
                try NoetherEngine.eigs(matrix, selection: selection, vectors: vectors, threshold: threshold)
            }
        }
        try ctx.stopIfInterrupted()
        return .object(SpectrumObject(e, source: source))
    }

    static let lanczos = Builtin(
        "lanczos", category: "curvature",
        abstract: "The k largest and k smallest eigenvalues from Hessian–vector products only (Lanczos).",
        discussion: """
            For networks too big for a dense Hessian: `steps` products build a Krylov space
            (capped at P) whose Ritz values approximate the extreme eigenvalues first. Each
            Ritz value lies within its residual bound of a true eigenvalue. With
            reorthogonalize=true (default) every new vector is orthogonalized against all
            previous ones (memory steps·P numbers); without it, converged eigenvalues
            reappear as spurious copies. tol stops early once the top and bottom k pairs
            have residual bounds ≤ tol·max|θ|.
            """,
        parameters: [
            netParameter, dataParameter, lossParameter,
            .integer("k", default: LanczosOptions.standard.pairs, help: "Ritz pairs returned at each end"),
            .integer("steps", default: LanczosOptions.standard.steps, help: "maximum Krylov dimension (products)"),
            .bool(
                "reorthogonalize", default: LanczosOptions.standard.reorthogonalize, help: "full reorthogonalization"),
            Parameter("tol", .number, .absent, help: "stop once the extreme residual bounds are ≤ tol·max|θ|"),
            .bool("vectors", default: LanczosOptions.standard.vectors, help: "also return the Ritz vectors"),
            seedParameter, curvatureParameter,
        ],
        returns: "lanczos_result",
        example: """
            lz = lanczos(net, data, loss=mse, k=5, steps=80)
            {top=lz.top, bounds=lz.top_residuals}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let (kind, name) = try ctx.curvatureKind()
        let k = try ctx.integer("k", in: 1...100_000)
        let steps = try ctx.integer("steps", in: 1...1_000_000)
        let reorthogonalize = try ctx.bool("reorthogonalize")
        let vectors = try ctx.bool("vectors")
        var tolerance: Double?
        if try ctx.has("tol") { tolerance = try ctx.positiveNumber("tol") }
        let p = net.parameterCount
        let m = Swift.min(steps, p)
        if reorthogonalize || vectors {
            try ctx.checkMemory(8 * m * p, for: .lanczosVectors(m, parameters: p))
        }
        var ws = try ctx.workspace(net, data, loss, kind)
        var options = LanczosOptions.standard
        options.steps = steps
        options.pairs = k
        options.reorthogonalize = reorthogonalize
        options.tolerance = tolerance
        options.vectors = vectors
        options.seed = try ctx.integer("seed")
        let r = try ctx.tracked("lanczos") { (progress) throws(EngineError) in
            try NoetherEngine.lanczos(&ws, options: options, progress: progress)
        }
        return .object(
            LanczosObject(r, curvature: name, dimension: p, reorthogonalized: reorthogonalize, tolerance: tolerance))
    }

    static let powerIteration = Builtin(
        "power_iteration", category: "curvature",
        abstract: "The dominant eigenvalue by power iteration, exactly as the reference code runs it.",
        discussion: """
            v = a random normal vector (seed), normalized; then `iterations` times
            v ← Hv/‖Hv‖; the result is the Rayleigh quotient vᵀHv (iterations + 1 products).
            It converges to the eigenvalue of largest |λ| (near a minimum, λ_max) at the rate
            |λ₂/λ₁| per iteration, with no convergence test: compare with sharpness.
            """,
        parameters: [
            netParameter, dataParameter, lossParameter,
            .integer(
                "iterations", default: PowerIterationResult.referenceIterations,
                help: "number of products before the Rayleigh quotient"),
            seedParameter, curvatureParameter,
        ],
        returns: "number",
        example: "power_iteration(net, data, loss=mse, iterations=30, seed=0)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let (kind, _) = try ctx.curvatureKind()
        let iterations = try ctx.integer("iterations", in: 1...100_000_000)
        let seed = try ctx.integer("seed")
        var ws = try ctx.workspace(net, data, loss, kind)
        let r = try ctx.tracked("power_iteration") { (progress) throws(EngineError) in
            try NoetherEngine.powerIteration(&ws, iterations: iterations, seed: seed, progress: progress)
        }
        return .number(r.value)
    }

    static let sharpness = Builtin(
        "sharpness", category: "curvature",
        abstract:
            "The sharpness λ_max of the Hessian: dense up to P = \(SharpnessMethod.standardDenseLimit) (when it fits in memory), else Lanczos.",
        discussion: """
            method="auto" (default) takes the dense Hessian and LAPACK's top eigenvalue up to
            P = \(SharpnessMethod.standardDenseLimit), and Lanczos with full reorthogonalization above (at most \(SharpnessMethod.standardLanczosSteps) products,
            stopping at a residual bound ≤ \(formatHelpNumber(SharpnessMethod.standardLanczosTolerance))·λ_max). "dense", "lanczos" and "power"
            (the reference's \(PowerIterationResult.referenceIterations)-step power iteration) force a method. Gradient descent with
            learning rate η is stable along the top direction while λ_max < 2/η.
            """,
        parameters: [
            netParameter, dataParameter, lossParameter,
            Choices.sharpnessMethod.parameter("method", default: "auto"),
            seedParameter,
        ],
        returns: "number",
        example: """
            lam = sharpness(net, data, loss=mse)
            2 / lam        # the largest stable learning rate
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let method = SharpnessMethod(try ctx.choice("method", Choices.sharpnessMethod))
        let seed = try ctx.integer("seed")
        var ws = try ctx.workspace(net, data, loss, .hessian)
        let r = try ctx.tracked("sharpness") { (progress) throws(EngineError) in
            try NoetherEngine.sharpness(&ws, method: method, seed: seed, progress: progress)
        }
        return .number(r.value)
    }

    // MARK: - Jacobian and tangent kernel

    static let jacobian = Builtin(
        "jacobian", category: "curvature",
        abstract: "The output Jacobian J = ∂F/∂θ: an (n·K) × P matrix, row i·K + k = ∇_θ F_ik.",
        discussion: "Columns in parameter order (W1 row-major, b1, W2, …). Memory n·K·P numbers, checked first.",
        parameters: [netParameter, dataParameter],
        returns: "matrix",
        example: "J = jacobian(net, data)\n{rows=J.rows, columns=J.columns}"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let j = try ctx.engine { () throws(EngineError) in try NoetherEngine.jacobian(network: net, data: data) }
        return .object(MatrixObject(j, kind: "jacobian"))
    }

    static let ntk = Builtin(
        "ntk", category: "curvature",
        abstract: "The empirical neural tangent kernel Θ = JJᵀ: (n·K) × (n·K), index i·K + k.",
        discussion: """
            Computed layer by layer without forming J. Its non-zero eigenvalues are those of
            JᵀJ (so eigs(ntk(net, data)).max / n = λ_max(JᵀJ/n), the first factor of ce_bound).
            """,
        parameters: [netParameter, dataParameter],
        returns: "matrix",
        example: "K = ntk(net, data)\neigs(K, top=5)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let k = try ctx.engine { () throws(EngineError) in try neuralTangentKernel(network: net, data: data) }
        return .object(MatrixObject(k, kind: "ntk"))
    }

    // MARK: - Stochastic estimates

    static let density = Builtin(
        "density", category: "curvature",
        abstract: "The eigenvalue density of the Hessian by stochastic Lanczos quadrature (SLQ).",
        discussion: """
            Each of `probes` Rademacher vectors starts `steps` Lanczos steps (all probes in
            one batched product per step); the Ritz values and squared first components are
            Gauss quadrature nodes and weights of the spectral measure (1/P) Σ δ(λ − λ_i),
            averaged over probes and broadened by a Gaussian of width sigma (default 1% of
            the node range) on `points` grid points. Its .trace (P·Σ τθ) is a Hutchinson
            estimate of the trace.
            """,
        parameters: [
            netParameter, dataParameter, lossParameter,
            .integer("probes", default: SpectralDensity.standardProbes, help: "number of random probe vectors"),
            .integer("steps", default: SpectralDensity.standardSteps, help: "Lanczos steps per probe (capped at P)"),
            .integer(
                "points", default: SpectralDensity.standardGridPoints, help: "number of grid points of the density"),
            Parameter("sigma", .number, .absent, help: "Gaussian broadening (default 1% of the node range)"),
            seedParameter,
            Parameter(
                "reorthogonalize", .bool, .value(.bool(true), text: "true"), help: "full reorthogonalization per probe"),
            curvatureParameter,
        ],
        returns: "spectral_density",
        example: """
            rho = density(net, data, loss=mse, probes=10, steps=60)
            {min=rho.min, max=rho.max, trace=rho.trace}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let (kind, name) = try ctx.curvatureKind()
        let probes = try ctx.integer("probes", in: 1...100_000)
        let steps = try ctx.integer("steps", in: 1...1_000_000)
        let points = try ctx.integer("points", in: 2...10_000_000)
        var sigma: Double?
        if try ctx.has("sigma") { sigma = try ctx.positiveNumber("sigma") }
        let seed = try ctx.integer("seed")
        let reorthogonalize = try ctx.bool("reorthogonalize")
        let p = net.parameterCount
        let m = Swift.min(steps, p)
        try ctx.checkMemory(
            8 * probes * p * (reorthogonalize ? m + 4 : 4),
            for: .densityProbes(probes, steps: m, parameters: p, reorthogonalized: reorthogonalize))
        var ws = try ctx.workspace(net, data, loss, kind)
        let d = try ctx.tracked("density") { (progress) throws(EngineError) in
            try spectralDensity(
                &ws, probes: probes, steps: steps, gridPoints: points, sigma: sigma, seed: seed,
                reorthogonalize: reorthogonalize, progress: progress)
        }
        return .object(DensityObject(d, curvature: name))
    }

    static let trace = Builtin(
        "trace", category: "curvature",
        abstract: "Hutchinson's estimate of the trace of the Hessian, with its standard error.",
        discussion: """
            tr(H) ≈ (1/N) Σ_p z_pᵀ H z_p over N Rademacher vectors z_p (applied in blocks of
            64 with batched products). Unbiased; the standard error is the sample standard
            deviation over √N, so the truth is within ±2·stderr about 95% of the time.
            """,
        parameters: [
            netParameter, dataParameter, lossParameter,
            .integer("probes", default: TraceEstimate.standardProbes, help: "number of random probe vectors N"),
            seedParameter, curvatureParameter,
        ],
        returns: "trace_estimate",
        example: """
            t = trace(net, data, loss=mse, probes=100)
            {value=t.value, stderr=t.stderr}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (net, data, loss) = try ctx.networkDataLoss()
        let (kind, name) = try ctx.curvatureKind()
        let probes = try ctx.integer("probes", in: 1...10_000_000)
        let seed = try ctx.integer("seed")
        var ws = try ctx.workspace(net, data, loss, kind)
        let t = try ctx.tracked("trace") { (progress) throws(EngineError) in
            try hutchinsonTrace(&ws, probes: probes, seed: seed, progress: progress)
        }
        return .object(TraceObject(t, curvature: name, dimension: net.parameterCount))
    }

    // MARK: - Data covariance and the compression bound

    static let covEigs = Builtin(
        "cov_eigs", category: "curvature",
        abstract: "The spectrum of the input covariance: uncentered XᵀX/n as the paper uses it, or centered.",
        discussion: """
            Uncentered (default): Σ_x = XᵀX/n, whose trace is the mean ‖x‖². centered=true
            subtracts the feature means first (dividing by n). All d eigenvalues by dsyevd.
            For the Gaussian mixture the uncentered spectrum has K large eigenvalues (the
            centers) and d − K of order 1.
            """,
        parameters: [
            dataParameter,
            Parameter("centered", .bool, .value(.bool(false), text: "false"), help: "subtract the feature means first"),
            Parameter("vectors", .bool, .value(.bool(false), text: "false"), help: "also compute unit eigenvectors"),
            Parameter.number("threshold", default: 1e-8, help: "|λ| at or below it counts as near zero"),
        ],
        returns: "spectrum",
        example: "c = cov_eigs(data)\n{top=c.top, sum=c.sum, mean_norm2=data.mean_norm2}"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let centered = try ctx.bool("centered")
        let vectors = try ctx.bool("vectors")
        let threshold = try ctx.number("threshold")
        guard threshold.isFinite, threshold >= 0 else {
            throw ctx.error(
                "'threshold' must be a non-negative number, got \(formatNumber(threshold))", at: "threshold")
        }
        let e = try ctx.engine(at: "data") { () throws(EngineError) in
            try covarianceSpectrum(data: data, centered: centered, vectors: vectors, threshold: threshold)
        }
        return .object(
            SpectrumObject(e, source: centered ? "centered covariance of the inputs" : "input covariance XᵀX/n"))
    }

    static let ceBound = Builtin(
        "ce_bound", category: "curvature",
        abstract: "The cross-entropy compression bound of theory §5 beside the true λ_max.",
        discussion: """
            For cross-entropy the Gauss–Newton matrix is G = Jᵀ S J / n with per-sample
            blocks S_i = diag(p_i) − p_i p_iᵀ. The paper bounds λ_max by
            λ_max(JᵀJ/n) · max_i q_i(1 − q_i), q_i the correct-class probability. That is
            not a theorem for every p (for K = 2, λ_max(S_i) = 2·q_i(1 − q_i)); the rigorous
            bound uses max_i λ_max(S_i) instead. Both are shown beside the true λ_max of G
            and of the full Hessian (whose H − G part neither bound covers), with which
            holds. The loss is always cross-entropy; the data need class labels.
            method: "auto" (dense up to P = \(SharpnessMethod.standardDenseLimit), else Lanczos), "dense" or "lanczos".
            """,
        parameters: [
            netParameter, dataParameter,
            boundMethod.parameter("method", default: "auto", help: "the three λ_max by "),
            seedParameter,
        ],
        returns: "compression_bound",
        example: """
            b = ce_bound(net, data)
            {bound=b.bound, gn_max=b.gn_max, holds=b.holds}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let method = SharpnessMethod(try ctx.choice("method", boundMethod))
        let seed = try ctx.integer("seed")
        try ctx.engine { () throws(EngineError) in try net.checkCompatible(with: data, loss: .crossEntropy) }
        let b = try ctx.tracked("ce_bound") { (progress) throws(EngineError) in
            try compressionBound(network: net, data: data, method: method, seed: seed, progress: progress)
        }
        return .object(CompressionBoundObject(b, dimension: net.parameterCount))
    }
}

// MARK: - Argument helpers

extension CallContext {
    /// `net`, `data` and `loss`, as every curvature builtin takes them.
    fileprivate func networkDataLoss() throws(Diagnostic) -> (Network, Dataset, Loss) {
        (
            try object("net", as: NetworkObject.self).network, try object("data", as: DatasetObject.self).dataset,
            try object("loss", as: LossObject.self).loss
        )
    }

    /// The `curvature` argument as a kind and its name.
    fileprivate func curvatureKind() throws(Diagnostic) -> (CurvatureKind, String) {
        let kind = try choice("curvature", Choices.curvature)
        return (kind, Choices.curvature.name(of: kind) ?? "")
    }

    /// The `block` argument as the network's blocks (nil: every parameter), each name
    /// checked against the network's blocks with a did-you-mean.
    fileprivate func blocks(of net: Network) throws(Diagnostic) -> [ParameterBlock]? {
        guard let v = try value("block") else { return nil }
        var names = [String]()
        switch v {
        case .string(let s): names = [s]
        case .list(let items):
            for item in items { if case .string(let s) = item { names.append(s) } }
        default: break
        }
        let groups = ParameterLayout(net.architecture).groups
        let valid = groups.map(\.name)
        for name in names where !valid.contains(name) {
            var hint = Suggestions.closest(to: name, in: valid).map { "did you mean '\($0)'?" }
            // "W3" on a 2-layer network: the number is the mistake, not the spelling.
            if let letter = name.first, letter == "W" || letter == "b", let l = Int(name.dropFirst()),
                valid.contains("\(letter)1"), l < 1 || l > net.layerCount
            {
                hint = "blocks are numbered from 1 to \(net.layerCount), one per layer"
            }
            throw error(
                "unknown parameter block '\(name)'; this network has "
                    + valid.map { "'\($0)'" }.joined(separator: ", "),
                at: "block", hint: hint)
        }
        let blocks = names.compactMap { name in groups.first { $0.name == name }?.block }
        return blocks.isEmpty ? nil : blocks
    }

    /// The group names a dense matrix over `groups` covers, in parameter order.
    fileprivate func blockNames(of net: Network, _ groups: [ParameterBlock]?) throws(Diagnostic) -> [String] {
        try engine(at: "block") { () throws(EngineError) in
            try ParameterLayout(net.architecture).select(groups).map(\.name)
        }
    }

    /// A product workspace at the network's θ (refusing data the network cannot read).
    fileprivate func workspace(_ net: Network, _ data: Dataset, _ loss: Loss, _ kind: CurvatureKind) throws(Diagnostic)
        -> HVPWorkspace
    {
        try engine { () throws(EngineError) in
            try HVPWorkspace(network: net, data: data, loss: kind == .jacobianGram ? .mse : loss, kind: kind)
        }
    }

    /// Refuses work whose memory (`bytes`, for `use`) exceeds the engine's memory budget.
    fileprivate func checkMemory(_ bytes: Int, for use: MemoryUse) throws(Diagnostic) {
        try engine { () throws(EngineError) in try MemoryBudget.check(bytes, for: use) }
    }

    /// Throws `interrupted` (clearing the flag) when the user pressed Ctrl-C.
    func stopIfInterrupted() throws(Diagnostic) {
        if interpreter.interrupt.isRaised {
            interpreter.interrupt.clear()
            throw Diagnostic(.interrupted, "interrupted", at: range)
        }
    }

    /// Runs a long engine computation that reports progress under `label` and stops
    /// when the user presses Ctrl-C (then this throws `interrupted`; nothing is kept).
    /// Shared by every builtin whose engine work takes a `CurvatureProgress`.
    func tracked<T>(_ label: String, _ body: (@escaping CurvatureProgress) throws(EngineError) -> T) throws(Diagnostic)
        -> T
    {
        let interrupt = interpreter.interrupt
        let report = interpreter.progress
        let progress: CurvatureProgress = { done, total in
            report?(done, total, label)
            return !interrupt.isRaised
        }
        var stopped = false
        let result = try engine { () throws(EngineError) -> T? in
            do throws(EngineError) {
                return try body(progress)
            } catch {
                if error.isStopped {
                    stopped = true
                    return nil
                }
                throw error
            }
        }
        guard let result, !stopped, !interrupt.isRaised else {
            interrupt.clear()
            throw Diagnostic(.interrupted, "interrupted", at: range)
        }
        return result
    }
}

/// The progress label of a LAPACK eigensolver call (which Ctrl-C cannot stop halfway).
public let eigensolverLabel = "LAPACK eigensolver"

extension Parameter {
    /// An optional integer parameter whose default is the engine's (shown in help as is).
    fileprivate static func integer(_ label: String, default value: Int, help: String) -> Parameter {
        Parameter(label, .integer, .value(.number(Double(value)), text: "\(value)"), help: help)
    }

    /// An optional boolean parameter whose default is the engine's.
    fileprivate static func bool(_ label: String, default value: Bool, help: String) -> Parameter {
        Parameter(label, .bool, .value(.bool(value), text: "\(value)"), help: help)
    }
}
