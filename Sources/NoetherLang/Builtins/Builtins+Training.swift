import NoetherEngine
import NoetherSyntax
import Synchronization

/// Losses, optimizers, `train` and `at` (runs export through `export`, Builtins+Output.swift).
enum TrainingBuiltins {
    static let all: [Builtin] = [interpolatedLoss, gd, momentum, adam, sgd, train, at]

    static let lossNames = ["mse", "cross_entropy", "interpolated_loss"]

    static let constants: [Constant] = [
        Constant(
            "mse", category: "training",
            help: "mean squared error over all n·K entries, no ½: L = (1/(nK)) Σ (F − Y)², one-hot targets",
            value: .object(LossObject(.mse))),
        Constant(
            "cross_entropy", category: "training",
            help: "softmax cross-entropy, mean over samples (stable log-softmax); needs class labels",
            value: .object(LossObject(.crossEntropy))),
    ]

    static let interpolatedLoss = Builtin(
        "interpolated_loss", category: "training",
        abstract: "The loss (1 − ε)·MSE + ε·CE: ε = 0 is exactly mse, ε = 1 exactly cross_entropy.",
        discussion: "Both parts with the reference normalization (mse over n·K entries, CE over n samples).",
        parameters: [Parameter("eps", .number, help: "the weight ε of cross-entropy, in [0, 1]")],
        returns: "loss",
        example: "run = train(net, data, gd(lr=0.01), loss=interpolated_loss(0.5))"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let eps = try ctx.number("eps")
        guard eps.isFinite, eps >= 0, eps <= 1 else {
            throw ctx.error("'eps' must lie in [0, 1], got \(formatNumber(eps))", at: "eps")
        }
        return .object(LossObject(.interpolated(eps)))
    }

    // MARK: - Optimizers

    static let weightDecayParameter = Parameter.number(
        "weight_decay", default: 0,
        help: "coupled L2 weight decay: g ← g + wd·θ before the update (PyTorch's weight_decay)")

    static func makeOptimizer(_ ctx: CallContext, _ body: () throws(EngineError) -> Optimizer) throws(Diagnostic)
        -> Value
    {
        _ = try ctx.positiveNumber("lr")
        let wd = try ctx.number("weight_decay")
        guard wd.isFinite, wd >= 0 else {
            throw ctx.error(
                "'weight_decay' must be a finite non-negative number, got \(formatNumber(wd))", at: "weight_decay")
        }
        return .object(OptimizerObject(try ctx.engine(body)))
    }

    static let gd = Builtin(
        "gd", category: "optimizers",
        abstract: "Full-batch gradient descent θ ← θ − η·∇L(θ).",
        discussion: """
            The only full-batch rule for which ΔC_l = η²δ_l holds exactly (without weight decay,
            for a homogeneous activation and no bias).
            """,
        parameters: [Parameter("lr", .number, help: "the learning rate η (positive)"), weightDecayParameter],
        returns: "optimizer",
        example: "opt = gd(lr=0.01)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (lr, wd) = (try ctx.number("lr"), try ctx.number("weight_decay"))
        return try makeOptimizer(ctx) { () throws(EngineError) in
            try Optimizer.gradientDescent(learningRate: lr, weightDecay: wd)
        }
    }

    static let momentum = Builtin(
        "momentum", category: "optimizers",
        abstract: "Full-batch gradient descent with momentum, PyTorch's form: v ← β·v + g, θ ← θ − η·v.",
        discussion: """
            v₀ = 0, so the first step uses v = g; no dampening. With nesterov=true the step is
            θ ← θ − η·(g + β·v). ΔC_l = η²δ_l does not hold: the run's ledger shows how much of
            the drift η²S no longer explains (run.ledger_gap, run.ledger_residual).
            """,
        parameters: [
            Parameter("lr", .number, help: "the learning rate η (positive)"),
            Parameter.number("beta", default: 0.9, help: "the momentum β, in [0, 1)"),
            Parameter("nesterov", .bool, .value(.bool(false), text: "false"), help: "Nesterov momentum"),
            weightDecayParameter,
        ],
        returns: "optimizer",
        example: "run = train(net, data, momentum(lr=0.01, beta=0.9), loss=cross_entropy)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (lr, wd, beta, nesterov) = (
            try ctx.number("lr"), try ctx.number("weight_decay"), try ctx.number("beta"), try ctx.bool("nesterov")
        )
        guard beta.isFinite, beta >= 0, beta < 1 else {
            throw ctx.error("'beta' must lie in [0, 1), got \(formatNumber(beta))", at: "beta")
        }
        return try makeOptimizer(ctx) { () throws(EngineError) in
            try Optimizer.momentum(learningRate: lr, beta: beta, nesterov: nesterov, weightDecay: wd)
        }
    }

    static let adam = Builtin(
        "adam", category: "optimizers",
        abstract: "Full-batch Adam with bias correction, PyTorch's defaults and conventions.",
        discussion: """
            m ← β₁m + (1 − β₁)g, v ← β₂v + (1 − β₂)g², θ ← θ − η·m̂/(√v̂ + eps) with the bias
            corrections m̂ = m/(1 − β₁ᵗ), v̂ = v/(1 − β₂ᵗ). weight_decay is coupled into g (Adam,
            not AdamW). ΔC_l = η²δ_l does not hold; the ledger shows the gap.
            """,
        parameters: [
            Parameter("lr", .number, help: "the learning rate η (positive)"),
            Parameter.number("beta1", default: 0.9, help: "first-moment decay β₁, in [0, 1)"),
            Parameter.number("beta2", default: 0.999, help: "second-moment decay β₂, in [0, 1)"),
            Parameter.number("eps", default: 1e-8, help: "the denominator's ε (positive)"),
            weightDecayParameter,
        ],
        returns: "optimizer",
        example: "opt = adam(lr=0.001)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (lr, wd) = (try ctx.number("lr"), try ctx.number("weight_decay"))
        let (b1, b2, eps) = (try ctx.number("beta1"), try ctx.number("beta2"), try ctx.number("eps"))
        for (label, x) in [("beta1", b1), ("beta2", b2)] where !(x.isFinite && x >= 0 && x < 1) {
            throw ctx.error("'\(label)' must lie in [0, 1), got \(formatNumber(x))", at: label)
        }
        guard eps.isFinite, eps > 0 else {
            throw ctx.error("'eps' must be a positive number, got \(formatNumber(eps))", at: "eps")
        }
        return try makeOptimizer(ctx) { () throws(EngineError) in
            try Optimizer.adam(learningRate: lr, beta1: b1, beta2: b2, epsilon: eps, weightDecay: wd)
        }
    }

    static let sgd = Builtin(
        "sgd", category: "optimizers",
        abstract: "Mini-batch SGD: θ ← θ − η·∇L_B(θ) on batches of `batch` samples, reshuffled every epoch.",
        discussion: """
            Every epoch (⌈n/batch⌉ steps) draws a fresh permutation from one seeded stream; the
            last batch of an epoch is smaller when batch does not divide n (PyTorch's DataLoader
            with shuffle=True). A step's loss, accuracy and δ are those of its mini-batch, so
            ΔC_l = η²δ_l still holds exactly; run.full_loss is the full-batch loss at the end.
            """,
        parameters: [
            Parameter("lr", .number, help: "the learning rate η (positive)"),
            Parameter("batch", .integer, help: "the mini-batch size (at most n)"),
            DataBuiltins.seedParameter,
            weightDecayParameter,
        ],
        returns: "optimizer",
        example: "run = train(net, data, sgd(lr=0.05, batch=32, seed=1), steps=1000)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (lr, wd, seed) = (try ctx.number("lr"), try ctx.number("weight_decay"), try ctx.integer("seed"))
        let batch = try ctx.integer("batch", in: 1...Int.max)
        return try makeOptimizer(ctx) { () throws(EngineError) in
            try Optimizer.stochastic(learningRate: lr, batchSize: batch, seed: seed, weightDecay: wd)
        }
    }

    // MARK: - train

    /// Along a run only the warm-started iterations track λ_max.
    static let trackingMethod = Choices.sharpnessMethod.only(
        ["lanczos", "power"],
        notes: [
            "lanczos": "≤ \(SharpnessTracker.Method.trackingMaxSteps) products, warm-started",
            "power": "\(PowerIterationResult.referenceIterations) + 1, the reference's",
        ]
    ).called("sharpness method")

    static let train = Builtin(
        "train", category: "training",
        abstract: "Trains a copy of a network and records the loss, every C_l and the exact drift ledger.",
        discussion: """
            Step t = 0…T−1: forward pass and loss at θ_t, the gradient, the step's statistics
            (taken at θ_t before the update), then the update. The ledger compares the measured
            ΔC_l(t) = C_l(t+1) − C_l(t) with η²δ_l(t), δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||², at
            every step (also with every=k, which thins only the stored series).
            The network passed in is not changed: the trained one is run.net.
            A run whose loss or parameters become non-finite (or whose loss exceeds
            divergence_loss) stops there with diverged=true: a result, not an error.
            Probes: patterns=true records the first hidden layer's activation pattern (flips per
            update, margins, distinct patterns); balances=true the per-neuron balances and their
            own ledger; sharpness_every=k measures λ_max of the Hessian (Lanczos, warm-started)
            at θ_0, θ_k, θ_2k, … against 2/η; sharpness_at_start=true measures λ_max(θ₀) only.
            precision="float32" runs the forward and backward passes, the loss, the update and the
            weights in Float (sgemm; θ₀ rounded to Float first), as the reference's PyTorch float32
            does, while ||W_l||², C_l, η²δ_l and run.ledger_step_error are still summed in Double:
            the ledger then measures float32's own breaking of ΔC_l = η²δ_l. Everything the run
            reports is Double; λ_max (sharpness_every) is computed in Double at the Float weights.
            """,
        parameters: [
            Parameter(
                "net", .object("network"), help: "the network to start from (not modified)", completion: .variables),
            Parameter(
                "data", .object("dataset"), help: "the training data (full batch, or sgd's pool)",
                completion: .variables),
            Parameter(
                "optimizer", .object("optimizer"), help: "gd(…), momentum(…), adam(…) or sgd(…)", completion: .variables
            ),
            Parameter(
                "loss", .object("loss"), .value(.object(LossObject(.mse)), text: "mse"),
                help: "the training loss: mse, cross_entropy or interpolated_loss(ε)", completion: .values(lossNames)),
            Parameter("steps", .integer, .value(.number(2000), text: "2000"), help: "number of updates T"),
            Parameter(
                "every", .integer, .value(.number(1), text: "1"),
                help: "record the series at every k-th step only (the ledger still checks every step)"),
            Parameter(
                "checkpoints", .list(.integer), .value(.list([]), text: "[]"),
                help: "steps t whose network θ_t is kept, read back with run.at(t)"),
            Parameter(
                "stop_when_loss_below", .number, .absent,
                help: "stop before the update of the first step whose loss is below this"),
            Parameter(
                "divergence_loss", .number, .absent,
                help: "also count a loss above this as divergence (E4 uses 1e6); non-finite always is"),
            Parameter(
                "patterns", .bool, .value(.bool(false), text: "false"),
                help: "record the activation pattern of the first hidden layer (flips, margins)"),
            Parameter(
                "balances", .bool, .value(.bool(false), text: "false"),
                help: "record per-neuron balances and check their per-step ledger"),
            Parameter(
                "sharpness_every", .integer, .absent, help: "measure λ_max of the Hessian every k steps (and at θ₀)"),
            Parameter(
                "sharpness_at_start", .bool, .value(.bool(false), text: "false"),
                help: "measure λ_max(θ₀) (run.sharpness0) even without sharpness_every"),
            trackingMethod.parameter("sharpness_method", default: "lanczos"),
            Choices.precision.parameter("precision", default: "float64", help: "the run's arithmetic: "),
        ],
        returns: "run",
        example: """
            run = train(net, data, gd(lr=0.001), loss=cross_entropy, steps=2000)
            run.drift
            run = train(net, data, gd(lr=0.05), steps=1000, every=10, checkpoints=[0, 500],
                        patterns=true, sharpness_every=50)
            run.at(500).C
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = try ctx.object("net", as: NetworkObject.self).network
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let optimizer = try ctx.object("optimizer", as: OptimizerObject.self).optimizer
        let loss = try ctx.object("loss", as: LossObject.self).loss
        let steps = try ctx.integer("steps", in: 0...100_000_000)
        let every = try ctx.integer("every", in: 1...Int.max)
        var checkpoints = [Int]()
        for v in try ctx.list("checkpoints") {
            guard case .number(let x) = v else { continue }
            let c = Int(x)
            guard c >= 0 && c <= steps else {
                throw ctx.error("checkpoint \(c) lies outside the run's steps 0…\(steps)", at: "checkpoints")
            }
            checkpoints.append(c)
        }
        let stopBelow = try ctx.optionalNumber("stop_when_loss_below")
        if let x = stopBelow, x.isNaN {
            throw ctx.error("'stop_when_loss_below' must be a number, got nan", at: "stop_when_loss_below")
        }
        let divergence = try ctx.optionalNumber("divergence_loss")
        if let x = divergence, !(x > 0) {
            throw ctx.error(
                "'divergence_loss' must be a positive number, got \(formatNumber(x))", at: "divergence_loss")
        }
        let patterns = try ctx.bool("patterns")
        if patterns && net.layerCount < 2 {
            throw ctx.error(
                "patterns=true needs a hidden layer, but the network has a single weight matrix", at: "patterns")
        }
        var sharpnessEvery: Int?
        if try ctx.has("sharpness_every") { sharpnessEvery = try ctx.integer("sharpness_every", in: 1...Int.max) }
        if sharpnessEvery == nil, try ctx.bool("sharpness_at_start") {
            // A probe whose interval exceeds the run measures θ₀ only.
            sharpnessEvery = steps + 1
        }
        let algorithm = try ctx.choice("sharpness_method", trackingMethod)
        let precision = try ctx.choice("precision", Choices.precision)
        guard let method = SharpnessTracker.Method(algorithm) else {
            throw Diagnostic(.internalError, "no tracking settings for \(algorithm)", at: ctx.range)
        }
        try ctx.engine { () throws(EngineError) in try net.checkCompatible(with: data, loss: loss) }
        try checkTrainingMemory(
            ctx, architecture: net.architecture, steps: steps, every: every, checkpoints: checkpoints.count,
            balances: ctx.bool("balances"))
        if let b = optimizer.batchSize, b > data.count {
            throw ctx.error(
                "the sgd batch size \(b) exceeds the \(data.count) samples of '\(data.name)'", at: "optimizer")
        }
        let sharpness = sharpnessEvery.map { k in SharpnessProbe(every: k, method: method, seed: 0) }
        let options = TrainingOptions(
            every: every, checkpoints: checkpoints, stopWhenLossBelow: stopBelow,
            divergenceLoss: divergence, patternProbe: patterns,
            neuronBalances: try ctx.bool("balances"), recordAccuracy: true, sharpness: sharpness,
            precision: precision)
        let interpreter = ctx.interpreter
        let interrupt = interpreter.interrupt
        let progress = interpreter.progress
        // Ctrl-C is polled every step (a step of a big network can take a second);
        // progress is reported every 50 steps, or sooner when steps are slow.
        let clock = ContinuousClock()
        let lastReport = Mutex(clock.now)
        let monitor = TrainingMonitor(interval: 1) { done, total in
            let now = clock.now
            // At an interrupt the step reached is reported, so the message names the
            // step the run stopped at.
            let due =
                interrupt.isRaised || done % 50 == 0 || lastReport.withLock { now - $0 > .milliseconds(200) }
            if due {
                lastReport.withLock { $0 = now }
                progress?(done, total, "train")
            }
            return !interrupt.isRaised
        }
        let run = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.train(
                network: net, data: data, optimizer: optimizer, loss: loss, steps: steps,
                options: options, monitor: monitor)
        }
        return .object(RunObject(run))
    }

    /// Refuses a run whose recorded series (steps/every + 1 records of the loss,
    /// accuracy, every C_l, ‖W_l‖², gradient norms and ledger terms; neuron balances;
    /// checkpoint networks) would not fit in the memory budget, before training.
    static func checkTrainingMemory(
        _ ctx: CallContext, architecture: Architecture, steps: Int, every: Int, checkpoints: Int, balances: Bool
    ) throws(Diagnostic) {
        let layers = architecture.layerCount
        let records = steps / every + 2
        var perRecord = 8 * (3 + 5 * layers) + 5 * 32
        if balances { perRecord += 8 * architecture.sizes.dropFirst().dropLast().reduce(0, +) }
        let series = MemoryBudget.product(records, perRecord)
        let networks = MemoryBudget.product(checkpoints + 3, architecture.parameterCount, 8)
        let needed = MemoryBudget.sum(series, networks)
        guard let free = MemoryBudget.available(), needed > free else { return }
        let fits = Swift.max(1, free / 2 / perRecord)
        let suggestion = Swift.max(every + 1, (steps + fits - 1) / fits)
        throw ctx.error(
            MemoryBudget.message(
                needed, for: "recording \(records - 1) steps of the run's series", free: free, instead: ""),
            at: "steps", hint: "record every k-th step with every=\(suggestion), or train fewer steps")
    }

    // MARK: - Reading runs

    static let at = Builtin(
        "at", category: "training",
        abstract: "The network θ_t a run kept at checkpoint t; the same as run.at(t).",
        discussion: """
            t must be one of the run's checkpoints=[…], or 0 (the starting network), or the
            run's last step (the trained network).
            """,
        parameters: [
            Parameter("run", .object("run"), help: "a training run", completion: .variables),
            Parameter("step", .integer, help: "the checkpoint step t"),
        ],
        returns: "network",
        example: """
            run = train(net, data, gd(lr=0.01), steps=1000, checkpoints=[250, 500])
            at(run, 250).C
            run.at(500).C
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let run = try ctx.object("run", as: RunObject.self).run
        let step = try ctx.integer("step")
        return .object(NetworkObject(try ctx.engine(at: "step") { () throws(EngineError) in try run.at(step) }))
    }
}
