import Testing
import NoetherEngine
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@Suite("Dense curvature matrices")
struct CurvatureDenseTests {
    struct Config: CustomStringConvertible, Sendable {
        let sizes: [Int]
        let activation: Activation
        let bias: Bool
        let loss: Loss
        var description: String { "\(sizes) \(activation) bias=\(bias) \(loss)" }
    }

    static let configs: [Config] = [
        Config(sizes: [4, 6, 3], activation: .relu, bias: false, loss: .mse),
        Config(sizes: [4, 6, 3], activation: .tanh, bias: true, loss: .crossEntropy),
        Config(sizes: [4, 5, 5, 5, 3], activation: .relu, bias: true, loss: .interpolated(0.3)),
        Config(sizes: [4, 5, 5, 5, 3], activation: .gelu, bias: false, loss: .crossEntropy),
    ]

    static func fixture(_ c: Config) -> (Network, Dataset) {
        (
            CurvatureFixture.network(sizes: c.sizes, activation: c.activation, bias: c.bias, seed: 21, scale: 1.3),
            CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 22)
        )
    }

    /// The assembled Hessian is exactly symmetric and its rows are the single HVPs with
    /// unit vectors (to rounding), for several block sizes.
    @Test(arguments: configs, [1, 7, 256])
    func hessianEqualsStackedProducts(_ c: Config, _ blockSize: Int) throws {
        let (net, data) = Self.fixture(c)
        let h = try hessian(network: net, data: data, loss: c.loss, blockSize: blockSize)
        let p = net.parameterCount
        #expect(h.rows == p && h.columns == p)
        #expect(CurvatureFixture.asymmetry(h) == 0)
        var ws = try HVPWorkspace(network: net, data: data, loss: c.loss)
        var worst = 0.0
        for j in 0..<p {
            var e = [Double](repeating: 0, count: p)
            e[j] = 1
            let col = ws.apply(e)
            for i in 0..<p { worst = max(worst, abs(h[i, j] - col[i])) }
        }
        #expect(worst <= 1e-13 * max(1, CurvatureFixture.maxAbs(h)), "max deviation \(worst)")
    }

    /// Per-layer blocks are the corresponding sub-matrices of the full Hessian.
    @Test(arguments: configs)
    func blocksAreSubmatrices(_ c: Config) throws {
        let (net, data) = Self.fixture(c)
        let full = try hessian(network: net, data: data, loss: c.loss)
        let layout = ParameterLayout(net.architecture)
        let names = layout.groups.map(\.block)
        for selection in [[names[0]], [names.last!], [names.last!, names[0]], Array(names.dropFirst())] {
            let block = try hessian(network: net, data: data, loss: c.loss, groups: selection, blockSize: 4)
            let indices = try layout.select(selection).flatMap { Array($0.range) }
            #expect(block.rows == indices.count)
            var worst = 0.0
            for (a, i) in indices.enumerated() {
                for (b, j) in indices.enumerated() { worst = max(worst, abs(block[a, b] - full[i, j])) }
            }
            #expect(worst <= 1e-13 * max(1, CurvatureFixture.maxAbs(full)), "\(selection): \(worst)")
            #expect(CurvatureFixture.asymmetry(block) == 0)
        }
    }

    @Test func unknownBlockIsRefused() throws {
        let (net, data) = Self.fixture(Self.configs[0])
        #expect(throws: EngineError.self) { try hessian(network: net, data: data, loss: .mse, groups: [.weights(2)]) }
        do {
            _ = try hessian(network: net, data: data, loss: .mse, groups: [.bias(0)])
            Issue.record("expected an error")
        } catch {
            #expect(error == .curvature(.unknownParameterBlock(.bias(0), valid: [.weights(0), .weights(1)])))
        }
    }

    /// The memory guard refuses before allocating and says what to do.
    @Test func memoryGuardRefuses() throws {
        let (net, data) = Self.fixture(Self.configs[0])
        let needed = try HVPWorkspace.denseMemoryEstimate(net.architecture, samples: data.count)
        #expect(needed >= 8 * 42 * 42)
        do {
            _ = try hessian(network: net, data: data, loss: .mse, availableBytes: needed - 1)
            Issue.record("expected a memory refusal")
        } catch {
            #expect(
                error
                    == .outOfMemory(
                        needed: needed, available: needed - 1, use: .denseCurvature([.hessian], dimension: 42)))
        }
        _ = try hessian(network: net, data: data, loss: .mse, availableBytes: needed)
    }

    /// J against central differences of the outputs; NTK = J Jᵀ.
    @Test(arguments: configs)
    func jacobianAndKernel(_ c: Config) throws {
        let (net, data) = Self.fixture(c)
        let j = try jacobian(network: net, data: data)
        let k = net.architecture.sizes.last!
        let n = data.count
        let p = net.parameterCount
        #expect(j.rows == n * k && j.columns == p)
        let theta = net.parameters.flattened
        let h = 1e-6
        var worst = 0.0
        for col in stride(from: 0, to: p, by: 5) {
            var plus = theta
            var minus = theta
            plus[col] += h
            minus[col] -= h
            let fp = net.with(parameters: net.parameters.unflattened(plus)).outputs(on: data.inputs)
            let fm = net.with(parameters: net.parameters.unflattened(minus)).outputs(on: data.inputs)
            for r in 0..<(n * k) { worst = max(worst, abs((fp.storage[r] - fm.storage[r]) / (2 * h) - j[r, col])) }
        }
        #expect(worst < 1e-7, "jacobian vs differences: \(worst)")
        let ntk = try neuralTangentKernel(network: net, data: data)
        let jjt = Matrix.product(.none, j, .transposed, j)
        #expect(ntk.maxAbsDifference(jjt) <= 1e-12 * max(1, CurvatureFixture.maxAbs(jjt)))
    }

    /// G from batched Gauss–Newton products equals Jᵀ M J built from the explicit
    /// Jacobian and the loss's per-sample output Hessians.
    @Test(arguments: configs)
    func gaussNewtonEqualsJacobianForm(_ c: Config) throws {
        let (net, data) = Self.fixture(c)
        let g = try gaussNewton(network: net, data: data, loss: c.loss)
        let j = try jacobian(network: net, data: data)
        let n = data.count
        let k = net.architecture.sizes.last!
        // M = blockdiag(M_i), M_i = (1−ε)·2/(nK)·I + ε·(diag p − p pᵀ)/n.
        let f = net.outputs(on: data.inputs)
        let (wm, wc): (Double, Double) =
            switch c.loss {
            case .mse: (1, 0)
            case .crossEntropy: (0, 1)
            case .interpolated(let e): (1 - e, e)
            }
        var m = Matrix(rows: n * k, columns: n * k)
        for i in 0..<n {
            let row = f.row(i)
            let mx = row.max()!
            let ex = row.map { exp($0 - mx) }
            let z = ex.reduce(0, +)
            let prob = ex.map { $0 / z }
            for a in 0..<k {
                for b in 0..<k {
                    var v = wc * ((a == b ? prob[a] : 0) - prob[a] * prob[b]) / Double(n)
                    if a == b { v += wm * 2 / Double(n * k) }
                    m[i * k + a, i * k + b] = v
                }
            }
        }
        let jtmj = Matrix.product(.transposed, j, .none, Matrix.product(.none, m, .none, j))
        #expect(g.maxAbsDifference(jtmj) <= 1e-12 * max(1, CurvatureFixture.maxAbs(jtmj)))
        #expect(CurvatureFixture.asymmetry(g) == 0)
    }

    /// The JᵀJ/n workspace (the CE bound's first factor) is JᵀJ/n, densely and by
    /// products; the network-level entry points agree with the workspace.
    @Test func jacobianGramAndEntryPoints() throws {
        let (net, data) = Self.fixture(Self.configs[2])
        let j = try jacobian(network: net, data: data)
        var jtj = Matrix.product(.transposed, j, .none, j)
        jtj.scale(by: 1 / Double(data.count))
        let dense = try denseCurvature(.jacobianGram, network: net, data: data, loss: .mse)
        #expect(dense.maxAbsDifference(jtj) <= 1e-12 * max(1, CurvatureFixture.maxAbs(jtj)))
        let v = CurvatureFixture.randomVector(net.parameterCount, seed: 3)
        var ws = try HVPWorkspace(network: net, data: data, loss: .crossEntropy, kind: .jacobianGram)
        var expected = [Double](repeating: 0, count: v.count)
        for r in 0..<v.count { for c in 0..<v.count { expected[r] += jtj[r, c] * v[c] } }
        #expect(CurvatureFixture.relativeError(ws.apply(v), expected) < 1e-12)
        let hv = try net.hessianVectorProduct(data: data, loss: .crossEntropy, vector: v)
        var hw = try HVPWorkspace(network: net, data: data, loss: .crossEntropy)
        #expect(hv == hw.apply(v))
        let a = try lanczos(network: net, data: data, loss: .crossEntropy, options: LanczosOptions(steps: 30, seed: 2))
        let b = try lanczos(&hw, options: LanczosOptions(steps: 30, seed: 2))
        #expect(a.ritzValues == b.ritzValues)
        let t = try hutchinsonTrace(network: net, data: data, loss: .crossEntropy, probes: 5, seed: 1)
        #expect(t.probes == 5 && t.estimate.isFinite)
        let p = try powerIteration(network: net, data: data, loss: .crossEntropy, iterations: 5)
        #expect(p.products == 6)
        let d = try spectralDensity(network: net, data: data, loss: .crossEntropy, probes: 2, steps: 5, gridPoints: 50)
        #expect(d.grid.count == 50 && d.density.count == 50)
        #expect(throws: EngineError.self) {
            _ = try net.hessianVectorProduct(data: data, loss: .mse, vector: [1, 2])
        }
    }

    /// At a zero-residual point of MSE (targets = outputs) every term of H − G carries
    /// the output gradient, so H = G; with a residual of size r, ‖H − G‖ = O(r).
    @Test(arguments: [Activation.relu, .tanh], [false, true])
    func residualVanishesAtInterpolation(_ activation: Activation, _ bias: Bool) throws {
        let net = CurvatureFixture.network(sizes: [4, 5, 5, 3], activation: activation, bias: bias, seed: 31)
        let x = CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 32).inputs
        let f = net.outputs(on: x)
        let exact = Dataset(name: "fit", inputs: x, targets: f)
        let parts = try gaussNewtonResidual(network: net, data: exact, loss: .mse)
        #expect(CurvatureFixture.maxAbs(parts.residual) <= 1e-14 * max(1, CurvatureFixture.maxAbs(parts.hessian)))
        var shifted = f
        for i in 0..<shifted.count { shifted.storage[i] += 1e-3 * Double(i % 3 - 1) }
        let near = try gaussNewtonResidual(
            network: net, data: Dataset(name: "near", inputs: x, targets: shifted), loss: .mse)
        let size = CurvatureFixture.maxAbs(near.residual)
        #expect(size > 0 && size < 1e-2 * CurvatureFixture.maxAbs(near.hessian))
        // And H − G is exactly the Hessian minus the Gauss–Newton matrix.
        var diff = near.hessian
        diff.add(near.gaussNewton, scaledBy: -1)
        #expect(diff == near.residual)
    }
}
