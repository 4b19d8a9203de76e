import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: spectral-crossover formula")
struct TheoryCrossoverTests {
    typealias F = TheoryFixture

    @Test func factorByHand() {
        // Stable: Σ_{t<10} 0.9^{2t}.
        let direct = (0..<10).reduce(0.0) { $0 + pow(0.81, Double($1)) }
        #expect(isClose(crossoverFactor(learningRate: 0.1, eigenvalue: 1, steps: 10), direct, 1e-14, atol: 1e-14))
        // ηλ > 1 but stable: ρ = −0.5.
        let oscillating = (0..<7).reduce(0.0) { $0 + pow(0.25, Double($1)) }
        #expect(isClose(crossoverFactor(learningRate: 1.5, eigenvalue: 1, steps: 7), oscillating, 1e-14, atol: 1e-14))
        #expect(crossoverFactor(learningRate: 1, eigenvalue: 1, steps: 50) == 1)
        // Tiny ηλ keeps full accuracy: f → T(1 − (2T − 1)u/2 + …).
        let tiny = crossoverFactor(learningRate: 1e-12, eigenvalue: 1, steps: 2000)
        #expect(isClose(tiny, 2000 * (1 - 1999e-12), 1e-13))
        // Unstable (ηλ = 3): cap T/|3·(−1)|, skip 0, refuse NaN; ηλ = 2 exactly is skipped by the cap.
        #expect(isClose(crossoverFactor(learningRate: 3, eigenvalue: 1, steps: 100), 100.0 / 3, atol: 1e-12))
        #expect(crossoverFactor(learningRate: 3, eigenvalue: 1, steps: 100, policy: .skip) == 0)
        #expect(crossoverFactor(learningRate: 3, eigenvalue: 1, steps: 100, policy: .refuse).isNaN)
        #expect(crossoverFactor(learningRate: 2, eigenvalue: 1, steps: 100) == 0)
        // Skipped modes.
        #expect(crossoverFactor(learningRate: 0.1, eigenvalue: -1, steps: 100) == 0)
        #expect(crossoverFactor(learningRate: 0.1, eigenvalue: 1e-13, steps: 100) == 0)
    }

    /// GD on a rotated quadratic ½θᵀHθ: g_t = Hθ_t decouples in H's eigenbasis,
    /// g_k(t) = (1 − ηλ_k)^t g_k(0), so Σ_t ‖g_t‖² = Σ_k (v_kᵀg₀)² f(η, λ_k, T). The
    /// reference's projected c_k with |δ| = ‖g₀‖² are exactly (v_kᵀg₀)².
    @Test func matchesDirectSimulationOfDecoupledModes() throws {
        let lambdas: [Double] = [0, 0.05, 0.2, 1, 3, 8]
        let q = try F.orthogonal(6, seed: 21)
        let h = F.symmetric(eigenvalues: lambdas, basis: q)
        let theta0 = F.normals(6, seed: 22)
        let g0 = F.matVec(h, theta0)
        let e = try eigs(h, vectors: true)
        let c = try projectedCoefficients(eigenvectors: e.vectors!, gradient: g0, imbalance: -F.squaredNorm(g0))
        let etas: [Double] = [1e-4, 1e-3, 0.01, 0.05, 0.2]
        let steps = 500
        func simulate(_ eta: Double) -> Double {
            var theta = theta0
            var s = 0.0
            for _ in 0..<steps {
                let g = F.matVec(h, theta)
                s += F.squaredNorm(g)
                for i in 0..<6 { theta[i] -= eta * g[i] }
            }
            return s
        }
        let prediction = try crossover(eigenvalues: e.values, coefficients: c, learningRates: etas, steps: steps)
        for (i, eta) in etas.enumerated() {
            #expect(isClose(prediction.predicted[i], simulate(eta), 1e-10))
            // Local α against a central difference of the simulation in ln η.
            let d = 1e-4
            let fd = 2 + (log(simulate(eta * exp(d))) - log(simulate(eta * exp(-d)))) / (2 * d)
            #expect(abs(prediction.localAlpha[i] - fd) < 1e-6)
        }
        #expect(prediction.unstableModes.allSatisfy { $0 == 0 } && prediction.includedModes == 5)
        #expect(prediction.skippedModes == 1)  // the zero eigenvalue (|λ| < 1e-12 after rounding, or exactly 0)
    }

    /// A linear model W (K × d) on the loss (1/2n)‖XWᵀ − Y‖²: in the data eigenbasis
    /// each error column e_k obeys e_k(t + 1) = (1 − ηλ_{x,k}) e_k(t) and the gradient
    /// energy is Σ_k λ_{x,k}² ‖e_k(t)‖², so the derived c_k (least-squares target)
    /// predict Σ_t ‖∇L_t‖² exactly.
    @Test func matchesLinearModelInDataEigenbasis() throws {
        let n = 40
        let d = 5
        let k = 3
        let x = F.randomMatrix(n, d, seed: 31)
        let y = F.randomMatrix(n, k, seed: 32)
        let w0 = F.randomMatrix(k, d, seed: 33)
        let derived = try derivedCoefficients(
            inputs: x, targets: y, firstLayer: w0, secondLayer: .identity(k),
            target: .leastSquares)
        var sigma = Matrix.product(.transposed, x, .none, x)
        sigma.scale(by: 1 / Double(n))
        var yhat = Matrix.product(.transposed, y, .none, x)
        yhat.scale(by: 1 / Double(n))
        let steps = 300
        let lambdaMax = derived.dataEigenvalues[0]
        let etas = [0.001, 0.01, 0.1, 1.5].map { $0 / lambdaMax }
        let prediction = try crossover(
            eigenvalues: derived.dataEigenvalues, coefficients: derived.coefficients,
            learningRates: etas, steps: steps)
        for (i, eta) in etas.enumerated() {
            var w = w0
            var s = 0.0
            for _ in 0..<steps {
                var g = Matrix.product(.none, w, .none, sigma)
                g.add(yhat, scaledBy: -1)
                s += g.squaredNorm
                w.add(g, scaledBy: -eta)
            }
            #expect(isClose(prediction.predicted[i], s, 1e-9))
        }
        // The reference's cross-covariance target gives different coefficients.
        let reference = try derivedCoefficients(inputs: x, targets: y, firstLayer: w0, secondLayer: .identity(k))
        #expect(zip(reference.coefficients, derived.coefficients).contains { !isClose($0, $1, 1e-3) })
    }

    @Test func unstablePoliciesAndDiagnostics() throws {
        let lambdas: [Double] = [1, 10, 100, -3]
        let c: [Double] = [1, 2, 3, 5]
        let etas: [Double] = [1e-4, 0.005, 0.015, 0.03]
        let steps = 100
        let cap = try crossover(eigenvalues: lambdas, coefficients: c, learningRates: etas, steps: steps)
        #expect(cap.unstableModes == [0, 0, 0, 1] && cap.hasUnstableModes == [false, false, false, true])
        #expect(cap.includedModes == 3 && cap.skippedModes == 1)
        #expect(
            isClose(cap.crossoverRates[0], 0.01, atol: 1e-12) && isClose(cap.crossoverRates[2], 1e-4, atol: 1e-12)
                && cap.crossoverRates[3].isNaN)
        // At η = 0.005: λ = 10 (η* = 0.001) and 100 (η* = 1e-4) have crossed over.
        #expect(
            isClose(cap.convergedFraction[1], 2.0 / 3, atol: 1e-12)
                && isClose(cap.convergedWeight[1], 5.0 / 6, atol: 1e-12))
        #expect(cap.convergedFraction[0] == 0)
        let expected =
            1 * crossoverFactor(learningRate: 0.03, eigenvalue: 1, steps: steps)
            + 2 * crossoverFactor(learningRate: 0.03, eigenvalue: 10, steps: steps)
            + 3 * 100.0 / (3 * 1)  // ηλ = 3: T/|3(2 − 3)|
        #expect(isClose(cap.predicted[3], expected, 1e-13, atol: 1e-13))
        let skip = try crossover(
            eigenvalues: lambdas, coefficients: c, learningRates: etas, steps: steps, unstable: .skip)
        #expect(isClose(skip.predicted[3], expected - 100, 1e-13, atol: 1e-13) && skip.predicted[0] == cap.predicted[0])
        let refuse = try crossover(
            eigenvalues: lambdas, coefficients: c, learningRates: etas, steps: steps, unstable: .refuse)
        #expect(
            refuse.refused == [false, false, false, true] && refuse.predicted[3].isNaN && refuse.localAlpha[3].isNaN)
        // The capped local α is the derivative of what the cap evaluates.
        let d = 1e-5
        let around = try crossover(
            eigenvalues: lambdas, coefficients: c, learningRates: [0.03 * exp(d), 0.03 * exp(-d)],
            steps: steps)
        let fd = 2 + (log(around.predicted[0]) - log(around.predicted[1])) / (2 * d)
        #expect(abs(cap.localAlpha[3] - fd) < 1e-6)
    }

    @Test func localAlphaLimits() throws {
        let p = try crossover(eigenvalues: [1], coefficients: [1], learningRates: [1e-7, 0.5], steps: 2000)
        #expect(abs(p.localAlpha[0] - 2) < 1e-3)  // η ≪ η* = 5e-4
        // η ≫ η*: f ≈ 1/(ηλ(2 − ηλ)), so α = 2 − 1 − d ln(2 − u)/d ln u = 1 + u/(2 − u).
        #expect(abs(p.localAlpha[1] - (1 + 0.5 / 1.5)) < 1e-12)
    }

    @Test func refusals() {
        #expect(throws: EngineError.theory(.lengthsDiffer(.crossoverCoefficients, 1, 2))) {
            try crossover(eigenvalues: [1, 2], coefficients: [1], learningRates: [0.1])
        }
        #expect(throws: EngineError.theory(.learningRatesNotPositive)) {
            try crossover(eigenvalues: [1], coefficients: [1], learningRates: [0])
        }
        #expect(throws: EngineError.theory(.notFinite(.crossoverSpectrum))) {
            try crossover(eigenvalues: [.nan], coefficients: [1], learningRates: [0.1])
        }
        #expect(throws: EngineError.outOfDomain(.steps, .atLeast(1), got: .integer(0))) {
            try crossover(eigenvalues: [1], coefficients: [1], learningRates: [0.1], steps: 0)
        }
    }

    @Test func compareScaleAndShape() throws {
        let etas: [Double] = [1e-3, 1e-2, 0.1, 0.3]
        let measured: [Double] = [5, 3, 1, 0.5]
        let double = try compareCrossover(learningRates: etas, predicted: measured.map { 2 * $0 }, measured: measured)
        #expect(
            double.ratio.allSatisfy { isClose($0, 2, atol: 1e-12) }
                && double.relativeError.allSatisfy { isClose($0, 1, atol: 1e-12) })
        #expect(
            isClose(double.correlation, 1, atol: 1e-12) && isClose(double.geometricMeanRatio, 2, atol: 1e-12)
                && double.worstFactor == 2)
        #expect(double.shape == .tracks && double.scale == .withinFactor2 && !double.shapeJudgedWithoutUnstable)
        let off = try compareCrossover(learningRates: etas, predicted: measured.map { $0 / 5 }, measured: measured)
        #expect(
            off.scale == .off && isClose(off.worstFactor, 5, atol: 1e-12) && isClose(off.minRatio, 0.2, atol: 1e-12))
        #expect(isClose(off.correlation, 1, atol: 1e-12))  // R is blind to scale

        // A good prediction except a huge value at the unstable η: R leans on it.
        let etas6: [Double] = [1e-4, 1e-3, 3e-3, 1e-2, 3e-2, 0.1]
        let meas6: [Double] = [10, 8, 6, 5, 4, 3]
        let pred6: [Double] = [10.5, 7, 6.5, 4, 4.4, 300]
        let c = try compareCrossover(
            learningRates: etas6, predicted: pred6, measured: meas6,
            unstable: [false, false, false, false, false, true])
        let rAll = try pearsonCorrelation(pred6.map { log($0 + 1e-20) }, meas6.map { log($0 + 1e-20) })
        let rStable = try pearsonCorrelation(
            pred6.prefix(5).map { log($0 + 1e-20) }, meas6.prefix(5).map { log($0 + 1e-20) })
        #expect(isClose(c.correlation, rAll, atol: 1e-12) && isClose(c.correlationStable, rStable, atol: 1e-12))
        #expect(c.pointsCompared == 6 && c.stablePointsCompared == 5)
        #expect(c.correlationLeansOnUnstable && c.unstablePointsCompared == 1 && c.shapeJudgedWithoutUnstable)
        #expect(!c.tooFewStableForShape && c.scale == .off)
        #expect(isClose(c.maxRelativeError, 99, atol: 1e-12) && isClose(c.worstFactor, 100, atol: 1e-12))

        // A diverged measurement is left out and said so.
        let gap = try compareCrossover(learningRates: etas, predicted: [5, 3, 1, 0.5], measured: [5, 3, 1, .nan])
        #expect(
            gap.compared == [true, true, true, false] && gap.ratio[3].isNaN && gap.pointsLeftOut == 1)
        #expect(
            throws: EngineError.theory(
                .comparisonLengths(learningRates: etas.count, predicted: 1, measured: measured.count))
        ) {
            try compareCrossover(learningRates: etas, predicted: [1], measured: measured)
        }

        // From a prediction: its unstable counts mark the η.
        let p = try crossover(
            eigenvalues: [1, 50], coefficients: [1, 1], learningRates: [0.001, 0.01, 0.1], steps: 100)
        let fromPrediction = try compareCrossover(p, measured: p.predicted)
        #expect(fromPrediction.unstable == [false, false, true] && isClose(fromPrediction.correlation, 1, atol: 1e-12))
    }
}
