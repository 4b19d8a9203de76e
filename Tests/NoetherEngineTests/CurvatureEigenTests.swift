import Testing
import NoetherEngine

@Suite("Eigenvalues, Lanczos and sharpness")
struct CurvatureEigenTests {
    static func fixture(activation: Activation = .tanh, bias: Bool = true, loss: Loss = .crossEntropy)
        -> (Network, Dataset, Loss)
    {
        (
            CurvatureFixture.network(sizes: [4, 5, 5, 5, 3], activation: activation, bias: bias, seed: 41, scale: 1.4),
            CurvatureFixture.data(n: 7, d: 4, classes: 3, seed: 42), loss
        )
    }

    @Test func spectrumStatistics() {
        let s = Spectrum(eigenvalues: [3, -1, 0, 1e-9, 2, 1, -2e-9, 4], threshold: 1e-8)
        #expect(s.eigenvalues == [-1, -2e-9, 0, 1e-9, 1, 2, 3, 4])
        #expect(s.positiveCount == 4 && s.negativeCount == 1 && s.nearZeroCount == 3)
        #expect(s.largest == 4 && s.smallest == -1)
        #expect(abs(s.effectiveRank - 10.0 / 4.0) < 1e-15)
        #expect(abs(s.spectralWidth - 4 / 2.5) < 1e-15)  // median of [1, 2, 3, 4] = 2.5
        let odd = Spectrum(eigenvalues: [1, 2, 9])
        #expect(odd.spectralWidth == 4.5 && odd.isComplete)
        let none = Spectrum(eigenvalues: [-1, 0], dimension: 5)
        #expect(none.effectiveRank.isNaN && !none.isComplete && none.dimension == 5)
    }

    /// dsyevd (all), dsyevr (top/bottom) agree; eigenvectors are orthonormal and satisfy Av = λv.
    @Test func eigsSelectionsAgree() throws {
        let (net, data, loss) = Self.fixture()
        let h = try hessian(network: net, data: data, loss: loss)
        let p = h.rows
        let all = try eigs(h, vectors: true)
        #expect(all.values.count == p && all.spectrum.isComplete)
        #expect(zip(all.values, all.values.dropFirst()).allSatisfy { $0 <= $1 })
        let top = try eigs(h, selection: .top(3), vectors: true)
        let bottom = try eigs(h, selection: .bottom(2))
        let scale = all.values.map(abs).max()!
        for i in 0..<3 { #expect(abs(top.values[i] - all.values[p - 3 + i]) < 1e-12 * scale) }
        for i in 0..<2 { #expect(abs(bottom.values[i] - all.values[i]) < 1e-12 * scale) }
        #expect(bottom.vectors == nil && top.spectrum.dimension == p && !top.spectrum.isComplete)
        let v = all.vectors!
        let vtv = Matrix.product(.transposed, v, .none, v)
        #expect(vtv.maxAbsDifference(.identity(p)) < 1e-12)
        let top1 = top.vector(2)
        var ws = try HVPWorkspace(network: net, data: data, loss: loss)
        let hv = ws.apply(top1)
        #expect(CurvatureFixture.relativeError(hv, top1.map { $0 * top.values[2] }) < 1e-10)
        #expect(abs(all.spectrum.sum - (0..<p).reduce(0) { $0 + h[$1, $1] }) < 1e-12 * scale * Double(p))
    }

    @Test func eigsRefusesBadInput() {
        #expect(throws: EngineError.curvature(.notSquare(rows: 2, columns: 3))) {
            try eigs(Matrix(rows: 2, columns: 3))
        }
        #expect(throws: EngineError.curvature(.notSymmetric(asymmetry: 2))) { try eigs(Matrix([[1, 2], [0, 1]])) }
        #expect(throws: EngineError.curvature(.nonFiniteMatrix)) { try eigs(Matrix([[1, .nan], [.nan, 1]])) }
        #expect(throws: EngineError.curvature(.eigenvalueCount(3, order: 2))) {
            try eigs(Matrix([[1, 0], [0, 1]]), selection: .top(3))
        }
        do {
            _ = try eigs(.identity(600), vectors: true, availableBytes: 1 << 20)
            Issue.record("expected a memory refusal")
        } catch {
            #expect(
                error
                    == .outOfMemory(needed: 8 * 600 * 600 * 5, available: 1 << 20, use: .eigendecomposition(order: 600))
            )
        }
    }

    /// Lanczos (products only) recovers the extreme eigenpairs of the dense Hessian.
    @Test(arguments: [true, false])
    func lanczosMatchesDense(_ reorthogonalize: Bool) throws {
        let (net, data, loss) = Self.fixture()
        let dense = try eigs(try hessian(network: net, data: data, loss: loss)).values
        let p = dense.count
        let scale = dense.map(abs).max()!
        var ws = try HVPWorkspace(network: net, data: data, loss: loss)
        let options = LanczosOptions(steps: 60, pairs: 3, reorthogonalize: reorthogonalize, vectors: true, seed: 3)
        let r = try lanczos(&ws, options: options)
        #expect(r.steps == 60 && r.products == 60)
        if reorthogonalize {
            for i in 0..<3 {
                #expect(abs(r.top[i].value - dense[p - 1 - i]) < 1e-9 * scale, "top \(i)")
                #expect(abs(r.bottom[i].value - dense[i]) < 1e-9 * scale, "bottom \(i)")
                #expect(r.top[i].residual < 1e-8 * scale)
                let y = r.top[i].vector!
                let hy = ws.apply(y)
                let residual = CurvatureFixture.norm(zip(hy, y).map { $0 - r.top[i].value * $1 })
                #expect(residual < 1e-7 * scale)
            }
        } else {
            // Without reorthogonalization the extremes still converge (with ghost copies).
            #expect(abs(r.top[0].value - dense[p - 1]) < 1e-8 * scale)
            #expect(abs(r.bottom[0].value - dense[0]) < 1e-8 * scale)
        }
    }

    /// Full-length Lanczos with reorthogonalization reproduces the whole spectrum.
    @Test func fullLanczosIsExact() throws {
        let a = Matrix([[4, 1, 0, 0], [1, 3, 0, 0], [0, 0, 1, 0], [0, 0, 0, 1]])  // repeated eigenvalue 1
        var op = DenseOperator(a)
        let r = try lanczos(&op, options: LanczosOptions(steps: 10, pairs: 4))
        let exact = try eigs(a).values
        #expect(r.steps == 4)
        for i in 0..<4 { #expect(abs(r.ritzValues[i] - exact[i]) < 1e-12) }
    }

    @Test func lanczosStopsAtTolerance() throws {
        let (net, data, loss) = Self.fixture()
        var ws = try HVPWorkspace(network: net, data: data, loss: loss)
        let r = try lanczos(&ws, options: LanczosOptions(steps: 100, tolerance: 1e-8, which: .top))
        #expect(r.converged && r.steps < 100)
        #expect(r.top[0].residual <= 1e-8 * abs(r.top[0].value) * 1.0001)
    }

    /// Power iteration as the reference runs it converges to the dominant eigenvalue.
    @Test func powerIterationMatchesDense() throws {
        let (net, data, _) = Self.fixture(activation: .relu, bias: false, loss: .mse)
        let dense = try eigs(try hessian(network: net, data: data, loss: .mse)).values
        let dominant = abs(dense.last!) >= abs(dense.first!) ? dense.last! : dense.first!
        var ws = try HVPWorkspace(network: net, data: data, loss: .mse)
        let r = try powerIteration(&ws, iterations: 300, seed: 7)
        #expect(r.products == 301)
        #expect(abs(r.value - dominant) < 1e-6 * abs(dominant))
        // Reproducible: same seed, same result.
        let again = try powerIteration(&ws, iterations: 300, seed: 7)
        #expect(again.value == r.value)
    }

    @Test func sharpnessMethodsAgree() throws {
        let (net, data, loss) = Self.fixture()
        let dense = try sharpness(network: net, data: data, loss: loss, method: .dense)
        let auto = try sharpness(network: net, data: data, loss: loss)
        let lz = try sharpness(network: net, data: data, loss: loss, method: .lanczos(steps: 80, tolerance: 1e-10))
        #expect(dense.method == .dense && auto.method == .dense && lz.method == .lanczos)
        #expect(abs(lz.value - dense.value) < 1e-8 * abs(dense.value))
        #expect(dense.residual < 1e-10 * abs(dense.value))
        let forced = try sharpness(network: net, data: data, loss: loss, method: .automatic(denseLimit: 10))
        #expect(forced.method == .lanczos && abs(forced.value - dense.value) < 1e-7 * abs(dense.value))
    }

    /// The tracker follows λ_max along a path of parameters, warm-started, matching the
    /// dense value at each point, and with fewer products than a cold start.
    @Test func trackerFollowsTraining() throws {
        let (net, data, loss) = Self.fixture(activation: .relu, bias: false, loss: .mse)
        var tracker = SharpnessTracker(
            architecture: net.architecture,
            method: .lanczos(maxSteps: 60, minimumSteps: 6, tolerance: 1e-9))
        var theta = net.parameters
        var productsPerStep = [Int]()
        for _ in 0..<6 {
            let current = net.with(parameters: theta)
            let before = tracker.products
            let lambda = try tracker.measure(parameters: theta, data: data, loss: loss)
            productsPerStep.append(tracker.products - before)
            let exact = try sharpness(network: current, data: data, loss: loss, method: .dense).value
            #expect(abs(lambda - exact) < 1e-7 * abs(exact))
            // A small gradient step.
            let g = try current.lossAndGradient(data: data, loss: loss).gradient.flattened
            theta = theta.unflattened(zip(theta.flattened, g).map { $0 - 0.02 * $1 })
        }
        #expect(tracker.measurements == 6 && tracker.lastVector?.count == net.parameterCount)
        #expect(productsPerStep.dropFirst().allSatisfy { $0 <= productsPerStep[0] })
        var bad = theta
        bad.weights[0][0, 0] = .nan
        #expect(try tracker.measure(parameters: bad, data: data, loss: loss).isNaN)
    }

    @Test func trackerPowerIteration() throws {
        let (net, data, loss) = Self.fixture(activation: .relu, bias: false, loss: .mse)
        var tracker = SharpnessTracker(architecture: net.architecture, method: .powerIteration(iterations: 30))
        let first = try tracker.measure(parameters: net.parameters, data: data, loss: loss)
        let second = try tracker.measure(parameters: net.parameters, data: data, loss: loss)
        let exact = try sharpness(network: net, data: data, loss: loss, method: .dense).value
        // The warm start continues the iteration: the second value is at least as close.
        #expect(abs(second - exact) <= abs(first - exact) + 1e-12)
        #expect(tracker.products == 62)
    }
}
