import NoetherEngine
import Synchronization
import NoetherSyntax

/// Optimizers, losses and `train`.
enum TrainingBuiltins {
    static let all: [Builtin] = [gd, train]

    static let constants: [Constant] = [
        Constant("mse", category: "training", help: "mean squared error over all n·K entries, no ½, one-hot targets",
                 value: .object(LossObject(.mse))),
        Constant("cross_entropy", category: "training", help: "softmax cross-entropy, mean over samples (stable log-softmax)",
                 value: .object(LossObject(.crossEntropy))),
    ]

    static let gd = Builtin(
        "gd", category: "training",
        abstract: "Full-batch gradient descent θ ← θ − η·∇L(θ).",
        parameters: [Parameter("lr", .number, help: "the learning rate η (positive)")],
        returns: "optimizer",
        example: "opt = gd(lr=0.01)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let lr = try ctx.positiveNumber("lr")
        let opt = try ctx.engine(at: "lr") { () throws(EngineError) in try Optimizer.gradientDescent(learningRate: lr) }
        return .object(OptimizerObject(opt))
    }

    static let train = Builtin(
        "train", category: "training",
        abstract: "Trains a copy of a network and records the loss, every C_l and the exact drift ledger.",
        discussion: """
        Step t = 0…T−1: forward pass and loss at θ_t, the gradient, the step's statistics
        (taken at θ_t before the update), then the update. The ledger compares the measured
        ΔC_l(t) = C_l(t+1) − C_l(t) with η²δ_l(t), δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||².
        The network passed in is not changed: the trained one is run.net.
        A run whose loss or parameters become non-finite stops there with diverged=true.
        """,
        parameters: [
            Parameter("net", .object("network"), help: "the network to start from (not modified)", completion: .variables),
            Parameter("data", .object("dataset"), help: "the training data (full batch)", completion: .variables),
            Parameter("optimizer", .object("optimizer"), help: "e.g. gd(lr=0.01)", completion: .variables),
            Parameter("loss", .object("loss"), .value(.object(LossObject(.mse)), text: "mse"),
                      help: "the training loss", completion: .values(["mse", "cross_entropy"])),
            Parameter("steps", .integer, .value(.number(2000), text: "2000"), help: "number of updates T"),
        ],
        returns: "run",
        example: """
        run = train(net, data, gd(lr=0.001), loss=cross_entropy, steps=2000)
        run.drift
        """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let net = ctx.object("net", as: NetworkObject.self).network
        let data = ctx.object("data", as: DatasetObject.self).dataset
        let optimizer = ctx.object("optimizer", as: OptimizerObject.self).optimizer
        let loss = ctx.object("loss", as: LossObject.self).loss
        let steps = try ctx.integer("steps", in: 0...100_000_000)
        let interpreter = ctx.interpreter
        let interrupt = interpreter.interrupt
        let progress = interpreter.progress
        // Ctrl-C is polled every step (a step of a big network can take a second);
        // progress is reported every 50 steps, or sooner when steps are slow.
        let clock = ContinuousClock()
        let lastReport = Mutex(clock.now)
        let monitor = TrainingMonitor(interval: 1) { done, total in
            let now = clock.now
            let due = done % 50 == 0 || lastReport.withLock { now - $0 > .milliseconds(200) }
            if due {
                lastReport.withLock { $0 = now }
                progress?(done, total, "train")
            }
            return !interrupt.isRaised
        }
        let run = try ctx.engine { () throws(EngineError) in
            do {
                try net.checkCompatible(with: data, loss: loss)
            }
            return try NoetherEngine.train(network: net, data: data, optimizer: optimizer, loss: loss, steps: steps,
                                           monitor: monitor)
        }
        return .object(RunObject(run))
    }
}
