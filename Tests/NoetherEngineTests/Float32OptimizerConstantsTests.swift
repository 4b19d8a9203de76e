import Foundation
import Testing

@testable import NoetherEngine

/// Float32 optimizers round each of their constants once from Double, as PyTorch passes
/// Python floats to float32 kernels: the moment weights are Float(1 − β₁) and
/// Float(1 − β₂), not 1 − Float(β₁) computed in Float.
@Suite("Optimizer constants in float32")
struct Float32OptimizerConstantsTests {
    /// PyTorch's single-tensor Adam in float32 for a constant gradient, step by step:
    /// m.lerp_(g, 1−β₁); v.mul_(β₂).addcmul_(g, g, value=1−β₂);
    /// θ.addcdiv_(m, v.sqrt()/√bc₂ + ε, value=−η/bc₁), with the scalars in Double.
    static func reference(theta: [Float], gradient: [Float], steps: Int, lr: Double, beta1: Double, beta2: Double)
        -> [Float]
    {
        var theta = theta
        var m = [Float](repeating: 0, count: theta.count)
        var v = m
        let w1 = Float(1 - beta1)
        let w2 = Float(1 - beta2)
        for t in 1...steps {
            let stepSize = Float(lr / (1 - pow(beta1, Double(t))))
            let bc2Sqrt = Float((1 - pow(beta2, Double(t))).squareRoot())
            for i in theta.indices {
                let g = gradient[i]
                m[i] = m[i] + w1 * (g - m[i])
                v[i] = Float(beta2) * v[i] + w2 * g * g
                theta[i] -= stepSize * (m[i] / (v[i].squareRoot() / bc2Sqrt + Float(1e-8)))
            }
        }
        return theta
    }

    @Test func constantsAreRoundedOnceFromDouble() throws {
        // Float(1 − 0.9) and 1 − Float(0.9) differ in their last bit.
        #expect(Float(1 - 0.9) != 1 - Float(0.9))
        let theta: [Float] = [0.5, -0.25, 1.5, 0.125, -2, 0.75]
        let gradient: [Float] = [0.3, -1.7, 0.01, 2.5, -0.4, 1e-3]
        let optimizer = try Optimizer.adam(learningRate: 0.01)
        var parameters = ParameterSet<Float>(
            weights: [DenseMatrix(rows: 2, columns: 3, storage: theta)], biases: nil)
        var state = OptimizerStateOf<Float>(optimizer: optimizer, parameters: parameters)
        let g = DenseMatrix<Float>(rows: 2, columns: 3, storage: gradient)
        for _ in 0..<3 { state.step(&parameters, weightGradients: [g], biasGradients: nil) }
        let expected = Self.reference(theta: theta, gradient: gradient, steps: 3, lr: 0.01, beta1: 0.9, beta2: 0.999)
        #expect(parameters.weights[0].storage == expected)
    }

    /// PyTorch's SGD with momentum in float32 (dampening 0): d = g + wd·θ;
    /// buf = β·buf + d; d = d + β·buf (Nesterov) or buf; θ += −η·d, with η, β and wd
    /// Python floats rounded to Float once.
    static func momentumReference(
        theta: [Float], gradient: [Float], steps: Int, lr: Double, beta: Double, nesterov: Bool, wd: Double
    ) -> [Float] {
        var theta = theta
        var buffer = [Float](repeating: 0, count: theta.count)
        for _ in 0..<steps {
            for i in theta.indices {
                var d = gradient[i] + Float(wd) * theta[i]
                buffer[i] = Float(beta) * buffer[i] + d
                d = nesterov ? d + Float(beta) * buffer[i] : buffer[i]
                theta[i] -= Float(lr) * d
            }
        }
        return theta
    }

    @Test(arguments: [false, true])
    func momentumFollowsPyTorchsOrder(nesterov: Bool) throws {
        let theta: [Float] = [0.5, -0.25, 1.5, 0.125, -2, 0.75]
        let gradient: [Float] = [0.3, -1.7, 0.01, 2.5, -0.4, 1e-3]
        let optimizer = try Optimizer.momentum(learningRate: 0.03, beta: 0.9, nesterov: nesterov, weightDecay: 0.01)
        var parameters = ParameterSet<Float>(
            weights: [DenseMatrix(rows: 2, columns: 3, storage: theta)], biases: nil)
        var state = OptimizerStateOf<Float>(optimizer: optimizer, parameters: parameters)
        let g = DenseMatrix<Float>(rows: 2, columns: 3, storage: gradient)
        for _ in 0..<3 { state.step(&parameters, weightGradients: [g], biasGradients: nil) }
        let expected = Self.momentumReference(
            theta: theta, gradient: gradient, steps: 3, lr: 0.03, beta: 0.9, nesterov: nesterov, wd: 0.01)
        #expect(parameters.weights[0].storage == expected)
    }
}
