import Testing
import NoetherEngine

/// One cell of the HVP correctness table.
struct HVPCase: CustomStringConvertible, Sendable {
    let activation: Activation
    let loss: Loss
    let bias: Bool
    let sizes: [Int]
    var description: String { "\(activation) \(loss) bias=\(bias) sizes=\(sizes)" }

    static let all: [HVPCase] = {
        let activations: [Activation] = [.relu, .linear, .interpolated(0.5), .leakyReLU(0.1), .tanh, .gelu]
        let losses: [Loss] = [.mse, .crossEntropy, .interpolated(0.3)]
        var cases = [HVPCase]()
        for a in activations {
            for l in losses {
                for b in [false, true] {
                    for s in [[4, 6, 3], [4, 5, 5, 5, 3]] {
                        cases.append(HVPCase(activation: a, loss: l, bias: b, sizes: s))
                    }
                }
            }
        }
        return cases
    }()
}

@Suite("Hessian-vector products")
struct HVPTests {
    /// The R-operator product agrees with central differences of the exact gradient.
    /// Step 1e-6 in θ·v units; random data keep every pre-activation away from the ReLU
    /// kinks, so the difference sees no kink. Truncation ≈ h²·|∇³L| ≈ 1e-12 and rounding
    /// ≈ ε·|∇L|/h ≈ 1e-10, so 1e-8 relative is a safe bound.
    @Test(arguments: HVPCase.all)
    func matchesFiniteDifferences(_ c: HVPCase) throws {
        let data = CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 11)
        let net = CurvatureFixture.network(sizes: c.sizes, activation: c.activation, bias: c.bias, seed: 5, scale: 1.5)
        #expect(CurvatureFixture.smallestMargin(net, data) > 1e-4)
        var ws = try HVPWorkspace(network: net, data: data, loss: c.loss)
        for trial in 0..<2 {
            let v = CurvatureFixture.randomVector(net.parameterCount, seed: 100 + trial)
            let hv = ws.apply(v)
            let fd = CurvatureFixture.finiteDifferenceHVP(net, data: data, loss: c.loss, v: v, step: 1e-6)
            let err = CurvatureFixture.relativeError(hv, fd)
            #expect(err < 1e-8, "relative error \(err)")
        }
    }

    /// A block of directions gives the same rows as single products (gemm path vs B = 1).
    @Test(arguments: [Activation.relu, .tanh], [false, true])
    func blockEqualsSingleProducts(_ activation: Activation, _ bias: Bool) throws {
        let data = CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 3)
        let net = CurvatureFixture.network(sizes: [4, 5, 5, 3], activation: activation, bias: bias, seed: 9)
        var ws = try HVPWorkspace(network: net, data: data, loss: .interpolated(0.3))
        let p = net.parameterCount
        var block = Matrix(rows: 5, columns: p)
        for b in 0..<5 {
            let v = CurvatureFixture.randomVector(p, seed: 40 + b)
            for j in 0..<p { block[b, j] = v[j] }
        }
        // One direction touching only the last layer's bias/weights, one all zero.
        for j in 0..<p {
            block[3, j] = j >= p - 3 ? 1 : 0
            block[4, j] = 0
        }
        let out = ws.apply(block: block)
        for b in 0..<5 {
            let single = ws.apply(block.row(b))
            let err = CurvatureFixture.relativeError(out.row(b), single)
            #expect(b == 4 ? out.row(b).allSatisfy { $0 == 0 } : err < 1e-13, "row \(b): \(err)")
        }
    }

    /// Hessian is symmetric as an operator: uᵀ(Hv) = vᵀ(Hu).
    @Test func operatorSymmetry() throws {
        let data = CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 4)
        let net = CurvatureFixture.network(sizes: [4, 5, 5, 5, 3], activation: .gelu, bias: true, seed: 2)
        var ws = try HVPWorkspace(network: net, data: data, loss: .crossEntropy)
        let u = CurvatureFixture.randomVector(net.parameterCount, seed: 1)
        let v = CurvatureFixture.randomVector(net.parameterCount, seed: 2)
        let a = CurvatureFixture.dot(u, ws.apply(v))
        let b = CurvatureFixture.dot(v, ws.apply(u))
        #expect(abs(a - b) <= 1e-12 * max(abs(a), 1))
    }

    /// The workspace's gradient and loss are those of backprop, and relinearizing moves them.
    @Test func relinearizeFollowsParameters() throws {
        let data = CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 4)
        let net = CurvatureFixture.network(sizes: [4, 6, 3], activation: .relu, bias: false, seed: 2)
        let other = CurvatureFixture.network(sizes: [4, 6, 3], activation: .relu, bias: false, seed: 3)
        var ws = try HVPWorkspace(network: net, data: data, loss: .mse)
        let v = CurvatureFixture.randomVector(net.parameterCount, seed: 8)
        ws.relinearize(at: other.parameters)
        var fresh = try HVPWorkspace(network: other, data: data, loss: .mse)
        #expect(ws.apply(v) == fresh.apply(v))
        #expect(ws.gradient == (try other.lossAndGradient(data: data, loss: .mse).gradient.flattened))
    }
}
