import NoetherEngine
import NoetherLangTestSupport
import NoetherSyntax
import Testing

@testable import NoetherLang

/// The language's spellings of engine values live in the language layer.
@Suite struct EngineNamesTests {
    @Test func optimizersPrintAsTheyAreWritten() throws {
        #expect(try Optimizer.momentum(learningRate: 0.1).name == "momentum(lr=0.1, beta=0.9)")
        #expect(
            try Optimizer.momentum(learningRate: 0.1, nesterov: true, weightDecay: 0.01).name
                == "momentum(lr=0.1, beta=0.9, nesterov=true, weight_decay=0.01)")
        #expect(try Optimizer.adam(learningRate: 0.001).name == "adam(lr=0.001)")
        #expect(try Optimizer.adam(learningRate: 0.001, beta2: 0.99).name == "adam(lr=0.001, beta2=0.99)")
        #expect(try Optimizer.gradientDescent(learningRate: 0.5).name == "gd(lr=0.5)")
        #expect(
            try Optimizer.stochastic(learningRate: 0.2, batchSize: 4, seed: 77).name == "sgd(lr=0.2, batch=4, seed=77)")
    }

    /// The engine names an argument by what it is; the language gives its label, the
    /// requirement in words and the value as users wrote it.
    @Test func outOfDomainErrorsAreWordedByTheLanguage() throws {
        let classes = message { () throws(EngineError) in
            _ = try gaussianMixture(name: "gm", n: 10, d: 2, classes: 1, separation: 1, seed: 0)
        }
        #expect(classes == "'classes' must be at least 2, got 1")
        let samples = message { () throws(EngineError) in _ = try xor2d(name: "xor", n: 0, seed: 0) }
        #expect(samples == "'n' must be at least 1, got 0")
        let noise = message { () throws(EngineError) in _ = try spheres(name: "spheres", n: 10, noise: -0.25, seed: 0) }
        #expect(noise == "'noise' must be a finite non-negative number, got -0.25")
        let data = try xor2d(name: "xor2d", n: 4, seed: 0)
        let subset = message { () throws(EngineError) in _ = try data.subset(first: 5) }
        #expect(subset == "'n' must lie in 1…4 for 'xor2d', got 5")
        let split = message { () throws(EngineError) in _ = try data.split(fraction: 1.5, seed: 0) }
        #expect(split == "'fraction' must lie strictly between 0 and 1, got 1.5")
        // The optimizers' and the training loop's own checks, as before they were structured.
        let beta = message { () throws(EngineError) in _ = try Optimizer.momentum(learningRate: 0.1, beta: 1) }
        #expect(beta == "'beta' must lie in [0, 1), got 1")
        let beta2 = message { () throws(EngineError) in _ = try Optimizer.adam(learningRate: 0.1, beta2: 1.5) }
        #expect(beta2 == "'beta2' must lie in [0, 1), got 1.5")
        let eps = message { () throws(EngineError) in _ = try Optimizer.adam(learningRate: 0.1, epsilon: 0) }
        #expect(eps == "'eps' must be a positive finite number, got 0")
        let batch = message { () throws(EngineError) in
            _ = try Optimizer.stochastic(learningRate: 0.1, batchSize: 0, seed: 1)
        }
        #expect(batch == "'batch' must be at least 1, got 0")
        let lr = message { () throws(EngineError) in _ = try Optimizer.gradientDescent(learningRate: -1) }
        #expect(lr == "'lr' must be a positive finite number, got -1")
        let wd = message { () throws(EngineError) in
            _ = try Optimizer.gradientDescent(learningRate: 1, weightDecay: -0.5)
        }
        #expect(wd == "'weight_decay' must be a finite non-negative number, got -0.5")
        let net = try Network.mlp(sizes: [2, 3, 2], activation: .relu, bias: false, seed: 0)
        func trained(steps: Int = 1, _ options: TrainingOptions) -> String? {
            message { () throws(EngineError) in
                _ = try train(
                    network: net, data: data, optimizer: .gradientDescent(learningRate: 0.1), loss: .crossEntropy,
                    steps: steps, options: options)
            }
        }
        #expect(trained(steps: -1, TrainingOptions()) == "'steps' must be non-negative, got -1")
        #expect(trained(TrainingOptions(every: 0)) == "'every' must be at least 1, got 0")
        #expect(trained(TrainingOptions(stopWhenLossBelow: .nan)) == "'stop_when_loss_below' must be a number, got nan")
        #expect(trained(TrainingOptions(divergenceLoss: .nan)) == "'divergence_loss' must be a number, got nan")
        #expect(
            trained(TrainingOptions(sharpness: SharpnessProbe(every: 0)))
                == "'sharpness_every' must be at least 1, got 0")
        let floor = message { () throws(EngineError) in _ = try fitPowerLaw([], options: PowerLawOptions(floor: -1)) }
        #expect(floor == "'floor' must be a finite non-negative number, got -1")
        let bootstrap = message { () throws(EngineError) in
            _ = try fitPowerLaw([], options: PowerLawOptions(bootstrapSamples: -2))
        }
        #expect(bootstrap == "'bootstrap' must be non-negative, got -2")
        let top = message { () throws(EngineError) in _ = try compareCoefficients([1, 2, 3], [3, 2, 1], top: 4) }
        #expect(top == "'top' must be between 2 and 3, got 4")
        // At the prompt the builtin's declared range refuses it first, at the argument's line:column.
        let h = TheoryHarness()
        #expect(throws: Diagnostic.self) { try h.run("gaussian_mixture(n=10, d=2, classes=1)") }
        #expect(
            h.error("gaussian_mixture(n=10, d=2, classes=1)")?.hasPrefix(
                "test.noe:1:37: error: 'classes' must be between 2 and 100000, got 1") == true)
    }

    /// Memory refusals: the engine's sizes and purpose, the language's sentence.
    @Test func memoryRefusalsAreWordedByTheLanguage() {
        #expect(
            EngineError.outOfMemory(needed: 2048, available: 1024, use: .readingFile(path: "f")).message
                == "reading 'f' needs about 2 KiB but only 1 KiB of memory are available; use a smaller file")
        #expect(
            EngineError.outOfMemory(
                needed: 3 << 30, available: 1 << 30, use: .denseCurvature([.hessian, .gaussNewton], dimension: 9)
            ).message
                == "the dense hessian and its gauss-newton part (P = 9) needs about 3 GiB but only 1 GiB of memory are available; use 'lanczos' for its extreme eigenvalues instead"
        )
        #expect(
            EngineError.outOfMemory(needed: 1536, available: 1024, use: .jacobian(rows: 4, columns: 5)).message
                == "the jacobian (4×5) needs about 1.5 KiB but only 1 KiB of memory are available")
        #expect(
            throws: EngineError.outOfMemory(needed: 2048, available: 1024, use: .script(path: "big.noe", bytes: 256))
        ) {
            try MemoryBudget.check(2048, for: .script(path: "big.noe", bytes: 256), available: 1024)
        }
        #expect(
            EngineError.outOfMemory(needed: 2048, available: 1024, use: .script(path: "big.noe", bytes: 256)).message
                == "reading the script 'big.noe' (256 bytes) needs about 2 KiB but only 1 KiB of memory are available; split it into smaller scripts"
        )
        #expect(
            EngineError.outOfMemory(needed: 2048, available: 1024, use: .lanczosVectors(8, parameters: 32)).message
                == "lanczos keeps 8 vectors of P = 32 numbers, which needs about 2 KiB but only 1 KiB of memory are available; lower 'steps'"
        )
        #expect(
            EngineError.outOfMemory(
                needed: 2048, available: 1024, use: .densityProbes(3, steps: 8, parameters: 32, reorthogonalized: true)
            ).message
                == "3 probes of 8 steps over P = 32 parameters needs about 2 KiB but only 1 KiB of memory are available; lower 'probes' or 'steps', or set reorthogonalize=false"
        )
        #expect(
            EngineError.outOfMemory(
                needed: 2048, available: 1024, use: .densityProbes(3, steps: 8, parameters: 32, reorthogonalized: false)
            ).message.hasSuffix("available; lower 'probes'"))
        // Sizes of a pebibyte and more are named in PiB.
        #expect(
            EngineError.outOfMemory(needed: 3 << 50, available: 1 << 40, use: .jacobian(rows: 4, columns: 5)).message
                == "the jacobian (4×5) needs about 3 PiB but only 1 TiB of memory are available")
    }

    @Test func activationsPrintAsTheyAreWritten() {
        #expect(Activation.interpolated(0.5).name == "interpolated(0.5)")
        #expect(Activation.leakyReLU(0.01).name == "leaky_relu(0.01)")
        #expect(Activation.relu.name == "relu")
    }
}
