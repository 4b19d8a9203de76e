import NoetherEngine
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

    @Test func activationsPrintAsTheyAreWritten() {
        #expect(Activation.interpolated(0.5).name == "interpolated(0.5)")
        #expect(Activation.leakyReLU(0.01).name == "leaky_relu(0.01)")
        #expect(Activation.relu.name == "relu")
    }
}
