import Testing
import NoetherEngine

@Suite("Stochastic spectral estimates, covariance and the CE bound")
struct CurvatureStochasticTests {
    static func fixture() -> (Network, Dataset) {
        (
            CurvatureFixture.network(sizes: [4, 6, 6, 3], activation: .gelu, bias: true, seed: 51, scale: 1.3),
            CurvatureFixture.data(n: 9, d: 4, classes: 3, seed: 52)
        )
    }

    /// Rademacher probes as the estimators draw them (seeded RandomSource, probe after probe).
    static func probes(_ count: Int, dimension n: Int, seed: Int) -> [[Double]] {
        var rng = RandomSource(seed: seed)
        return (0..<count).map { _ in (0..<n).map { _ in rng.uniform() < 0.5 ? -1.0 : 1.0 } }
    }

    /// tr(A^k) and the Hutchinson variance of A^k per probe, 2(‖A^k‖²_F − Σ (A^k)_ii²).
    static func traceAndVariance(_ a: Matrix, power k: Int) -> (Double, Double) {
        var ak = Matrix.identity(a.rows)
        for _ in 0..<k { ak = ak * a }
        var trace = 0.0
        var diag2 = 0.0
        for i in 0..<a.rows {
            trace += ak[i, i]
            diag2 += ak[i, i] * ak[i, i]
        }
        return (trace, 2 * (ak.squaredNorm - diag2))
    }

    @Test func hutchinsonMatchesDenseTrace() throws {
        let (net, data) = Self.fixture()
        let h = try hessian(network: net, data: data, loss: .crossEntropy)
        var ws = try HVPWorkspace(network: net, data: data, loss: .crossEntropy)
        let est = try hutchinsonTrace(&ws, probes: 200, seed: 5)
        // Each sample is exactly zᵀHz for the documented probes.
        let z = Self.probes(200, dimension: h.rows, seed: 5)
        for p in [0, 77, 199] {
            var hz = [Double](repeating: 0, count: h.rows)
            for i in 0..<h.rows { for j in 0..<h.rows { hz[i] += h[i, j] * z[p][j] } }
            #expect(abs(est.samples[p] - CurvatureFixture.dot(z[p], hz)) < 1e-10 * max(1, abs(est.samples[p])))
        }
        let (trace, variance) = Self.traceAndVariance(h, power: 1)
        let exactSE = (variance / 200).squareRoot()
        #expect(abs(est.estimate - trace) < 4 * exactSE, "estimate \(est.estimate) vs \(trace) ± \(exactSE)")
        #expect(est.standardError > 0.5 * exactSE && est.standardError < 2 * exactSE)
    }

    /// SLQ: each probe's quadrature is exact for low powers (degree ≤ 2m − 1), so the
    /// moments equal the same probes' zᵀH^k z/P computed densely; and they estimate
    /// tr(H^k)/P within the Hutchinson error.
    @Test func slqMomentsMatchDense() throws {
        let (net, data) = Self.fixture()
        let h = try hessian(network: net, data: data, loss: .crossEntropy)
        let p = h.rows
        var ws = try HVPWorkspace(network: net, data: data, loss: .crossEntropy)
        let probes = 12
        let d = try spectralDensity(&ws, probes: probes, steps: 20, gridPoints: 2000, seed: 9)
        #expect(d.probes == probes && d.steps == 20)
        for w in d.weights { #expect(abs(w.reduce(0, +) - 1) < 1e-12) }
        let z = Self.probes(probes, dimension: p, seed: 9)
        for k in 1...3 {
            var ak = Matrix.identity(p)
            for _ in 0..<k { ak = ak * h }
            var same = 0.0
            for v in z {
                var av = [Double](repeating: 0, count: p)
                for i in 0..<p { for j in 0..<p { av[i] += ak[i, j] * v[j] } }
                same += CurvatureFixture.dot(v, av) / Double(p)
            }
            same /= Double(probes)
            #expect(abs(d.moment(k) - same) < 1e-9 * max(1, abs(same)), "moment \(k)")
            let (trace, variance) = Self.traceAndVariance(h, power: k)
            let se = (variance / Double(probes)).squareRoot() / Double(p)
            #expect(abs(d.moment(k) - trace / Double(p)) < 4 * se, "moment \(k) vs exact")
        }
        // The broadened density integrates to 1 and has the quadrature's mean.
        let dx = d.grid[1] - d.grid[0]
        let mass = d.density.reduce(0, +) * dx
        let mean = zip(d.grid, d.density).reduce(0) { $0 + $1.0 * $1.1 } * dx
        #expect(abs(mass - 1) < 1e-6)
        #expect(abs(mean - d.moment(1)) < 1e-6 * max(1, abs(d.moment(1))) + 1e-9)
    }

    /// With as many steps as the dimension, every node is an eigenvalue of H.
    @Test func slqNodesAreEigenvaluesAtFullLength() throws {
        let a = Matrix([[2, 1, 0], [1, 2, 0], [0, 0, -1]])
        var op = DenseOperator(a)
        let d = try spectralDensity(&op, probes: 3, steps: 3, seed: 1)
        let exact = try eigs(a).values
        for nodes in d.nodes { for t in nodes { #expect(exact.contains { abs($0 - t) < 1e-12 }) } }
        // Σ τ θ = zᵀAz/P for the documented probes.
        let z = Self.probes(3, dimension: 3, seed: 1)
        let direct =
            z.reduce(0.0) { acc, v in
                var av = [0.0, 0.0, 0.0]
                for i in 0..<3 { for j in 0..<3 { av[i] += a[i, j] * v[j] } }
                return acc + CurvatureFixture.dot(v, av) / 3
            } / 3
        #expect(abs(d.moment(1) - direct) < 1e-12)
    }

    @Test func covarianceSpectrum() throws {
        let data = try gaussianMixture(n: 200, d: 20, classes: 5, separation: 2, seed: 3)
        let c = dataCovariance(data.inputs)
        var direct = 0.0
        for i in 0..<200 { direct += data.inputs[i, 3] * data.inputs[i, 7] }
        #expect(abs(c[3, 7] - direct / 200) < 1e-12 && c[3, 7] == c[7, 3])
        let s = try NoetherEngine.covarianceSpectrum(data: data)
        // K = 5 large eigenvalues (the centers, radius² = 80), d − K of order 1.
        let values = s.values
        #expect(values[15] > 5 && values[14] < 3)
        let trace = (0..<20).reduce(0.0) { $0 + c[$1, $1] }
        #expect(abs(s.spectrum.sum - trace) < 1e-10 * trace)
        let centered = try NoetherEngine.covarianceSpectrum(data: data, centered: true, vectors: true)
        #expect(centered.vectors != nil && centered.spectrum.largest! < s.spectrum.largest!)
    }

    /// The CE compression bound on random networks: the rigorous form
    /// λ_max(G) ≤ λ_max(JᵀJ/n)·max_i λ_max(S_i) always holds, and every reported
    /// quantity matches its dense definition.
    @Test(arguments: [61, 62, 63], [1.0, 2.0])
    func compressionBoundOnRandomNetworks(_ seed: Int, _ scale: Double) throws {
        let net = CurvatureFixture.network(sizes: [4, 8, 3], activation: .relu, bias: false, seed: seed, scale: scale)
        let data = CurvatureFixture.data(n: 12, d: 4, classes: 3, seed: seed + 100)
        let b = try compressionBound(network: net, data: data)
        #expect(b.rigorousBoundHolds)
        #expect(b.outputCurvatureMax <= 0.5 + 1e-12)
        let g = try eigs(try gaussNewton(network: net, data: data, loss: .crossEntropy)).values.last!
        #expect(abs(g - b.gaussNewtonMax) < 1e-9 * g)
        let h = try eigs(try hessian(network: net, data: data, loss: .crossEntropy)).values.last!
        #expect(abs(h - b.hessianMax) < 1e-9 * h)
        let jj = try eigs(try neuralTangentKernel(network: net, data: data)).values.last! / Double(data.count)
        #expect(abs(jj - b.jacobianGramMax) < 1e-9 * jj)
        #expect(abs(b.bound - jj * b.maxConfidenceVariance) < 1e-12 * b.bound)
    }

    /// Once every sample is confidently correct the paper's bound holds (and is close
    /// to the rigorous one): a short full-batch GD run on CE gets there.
    @Test func paperBoundHoldsWhenConfident() throws {
        var net = CurvatureFixture.network(sizes: [4, 8, 3], activation: .relu, bias: false, seed: 64)
        let data = CurvatureFixture.data(n: 12, d: 4, classes: 3, seed: 164)
        var steps = 0
        while steps < 4000 {
            let (_, g) = try net.lossAndGradient(data: data, loss: .crossEntropy)
            let theta = zip(net.parameters.flattened, g.flattened).map { $0 - 0.5 * $1 }
            net = net.with(parameters: net.parameters.unflattened(theta))
            steps += 1
            if steps % 100 == 0, try compressionBound(network: net, data: data).minConfidence > 0.9 { break }
        }
        let b = try compressionBound(network: net, data: data)
        #expect(b.minConfidence > 0.9, "training did not reach confidence (q_min = \(b.minConfidence))")
        #expect(b.paperBoundHolds && b.rigorousBoundHolds, "G \(b.gaussNewtonMax) vs \(b.bound)")
        #expect(b.bound <= b.rigorousBound * (1 + 1e-12) || b.maxConfidenceVariance < b.outputCurvatureMax)
    }

    /// The paper's factor q(1 − q) is not a bound on λ_max(S_i): with confidently wrong
    /// samples (large random weights) λ_max(G) can exceed the paper's product. The
    /// tool reports it rather than assuming it.
    @Test func paperBoundCanFailWhenConfidentlyWrong() throws {
        let net = CurvatureFixture.network(sizes: [4, 8, 3], activation: .relu, bias: false, seed: 61, scale: 2)
        let data = CurvatureFixture.data(n: 12, d: 4, classes: 3, seed: 161)
        let b = try compressionBound(network: net, data: data)
        #expect(!b.paperBoundHolds && b.rigorousBoundHolds)
        #expect(b.outputCurvatureMax > b.maxConfidenceVariance)
    }
}
