import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: mode coefficients")
struct TheoryCoefficientTests {
    typealias F = TheoryFixture

    @Test func projectedByHand() throws {
        // g = (1, 2, 2), ‖g‖² = 9, |δ| = 4.5: c = g²/2.
        let c = try projectedCoefficients(eigenvectors: .identity(3), gradient: [1, 2, 2], imbalance: -4.5)
        #expect(c == [0.5, 2, 2])
        // Any orthonormal basis: Σ c_k = |δ|.
        let q = try F.orthogonal(5, seed: 4)
        let rotated = try projectedCoefficients(eigenvectors: q, gradient: F.normals(5, seed: 6), imbalance: 0.7)
        #expect(isClose(rotated.reduce(0, +), 0.7, 1e-14, atol: 1e-14) && rotated.allSatisfy { $0 >= 0 })
        #expect(try projectedCoefficients(eigenvectors: .identity(2), gradient: [0, 0], imbalance: 1) == [0, 0])
        #expect(throws: EngineError.theory(.lengthsDiffer(.projectedGradient, 1, 2))) {
            try projectedCoefficients(eigenvectors: .identity(2), gradient: [1], imbalance: 1)
        }
        #expect(try uniformCoefficients(count: 4) == [0.25, 0.25, 0.25, 0.25])
        #expect(throws: EngineError.theory(.tooFew(.uniformModes, needed: 1, got: 0))) {
            try uniformCoefficients(count: 0)
        }
    }

    /// X = diag(2, 1) (n = 2): Σ_x = diag(2, ½); Y = I: Ŷ* = diag(1, ½) (U = ±I);
    /// W₁ = I, W₂ = diag(3, 0): W_eff = diag(3, 0).
    @Test func derivedByHand() throws {
        let x = Matrix([[2, 0], [0, 1]])
        let y = Matrix.identity(2)
        let w2 = Matrix([[3, 0], [0, 0]])
        let cross = try derivedCoefficients(inputs: x, targets: y, firstLayer: .identity(2), secondLayer: w2)
        #expect(cross.dataEigenvalues == [2, 0.5])
        // k = 0: e² = (3 − 1)² = 4, c = 4·2² = 16; k = 1: e² = ½² = ¼, c = ¼·¼.
        #expect(isClose(cross.errors[0], 4, atol: 1e-12) && isClose(cross.errors[1], 0.25, atol: 1e-12))
        #expect(isClose(cross.coefficients[0], 16, atol: 1e-12) && isClose(cross.coefficients[1], 0.0625, atol: 1e-12))
        // Least-squares target Ŷ*_k/λ_k = (½, 0) and (0, 1).
        let ls = try derivedCoefficients(
            inputs: x, targets: y, firstLayer: .identity(2), secondLayer: w2, target: .leastSquares)
        #expect(
            isClose(ls.errors[0], 6.25, atol: 1e-12) && isClose(ls.coefficients[0], 25, atol: 1e-12)
                && isClose(ls.coefficients[1], 0.25, atol: 1e-12))
        // ReLU (E21): W_eff = W₂·diag(ā)·W₁ = diag(1.5, 0): e₀² = ¼, c₀ = 1.
        let relu = try derivedCoefficients(
            inputs: x, targets: y, firstLayer: .identity(2), secondLayer: w2,
            activeFractions: [0.5, 1])
        #expect(isClose(relu.coefficients[0], 1, atol: 1e-12) && relu.activeFractions == [0.5, 1])
        #expect(throws: EngineError.theory(.lengthsDiffer(.firstLayerInputs, 3, 2))) {
            try derivedCoefficients(inputs: x, targets: y, firstLayer: .identity(3), secondLayer: w2)
        }
        #expect(throws: EngineError.theory(.lengthsDiffer(.activeFractions, 1, 2))) {
            try derivedCoefficients(
                inputs: x, targets: y, firstLayer: .identity(2), secondLayer: w2, activeFractions: [1])
        }
    }

    @Test func activeFractionsCountStrictlyPositive() throws {
        let x = Matrix([[1, 0], [-1, 0], [0, 1], [0, 0]])
        let w1 = Matrix([[1, 0], [0, 1], [-1, -1], [1, 1]])
        // Z columns: (1, −1, 0, 0), (0, 0, 1, 0), (−1, 1, −1, 0), (1, −1, 1, 0); z = 0 is inactive.
        #expect(try activeFractions(inputs: x, firstLayer: w1) == [0.25, 0.25, 0.25, 0.5])
    }

    /// For a linear 2-layer net under the reference's MSE, G₁ = (2/K)·W₂ᵀ(W_eΣ_x − Ŷ),
    /// so with W₂W₂ᵀ = s²I the data-mode gradient energy is (4s²/K²)·e_k²λ_{x,k}²
    /// (least-squares target), mode by mode; the gradient comes from backprop.
    @Test func dataModeGradientEnergyMatchesDerived() throws {
        let n = 30
        let d = 6
        let m = 8
        let k = 3
        let s = 0.7
        var rng = RandomSource(seed: 41)
        var xs = Matrix(rows: n, columns: d)
        for i in 0..<xs.count { xs.storage[i] = rng.normal() + (i % d == 0 ? 2 : 0) }
        let labels = (0..<n).map { _ in rng.integer(below: k) }
        let data = Dataset(name: "fixture", inputs: xs, labels: labels, classes: k)
        let w1 = F.randomMatrix(m, d, seed: 42)
        var w2 = Matrix(rows: k, columns: m)
        for i in 0..<k { w2[i, i] = s }
        let base = try Network.mlp(sizes: [d, m, k], activation: .linear, bias: false, seed: 1)
        let net = base.with(parameters: Parameters(weights: [w1, w2], biases: nil))
        let g1 = try net.lossAndGradient(data: data, loss: .mse).gradient.weights[0]
        let derived = try derivedCoefficients(
            inputs: xs, targets: data.targets, firstLayer: w1, secondLayer: w2,
            target: .leastSquares)
        let energy = try dataModeGradientEnergy(firstLayerGradient: g1, dataEigenvectors: derived.dataEigenvectors)
        let scale = 4 * s * s / Double(k * k)
        for (e, c) in zip(energy, derived.coefficients) { #expect(isClose(e, scale * c, 1e-10)) }
        #expect(isClose(energy.reduce(0, +), g1.squaredNorm, 1e-12))
        let comparison = try compareCoefficients(energy, derived.coefficients)
        let matched = try #require(comparison.modeMatched)
        #expect(
            matched.totalVariation < 1e-10 && isClose(matched.logCorrelation, 1, 1e-10, atol: 1e-10)
                && matched.sameTopMode)
        #expect(throws: EngineError.theory(.lengthsDiffer(.dataModeGradient, g1.columns, 3))) {
            try dataModeGradientEnergy(firstLayerGradient: g1, dataEigenvectors: .identity(3))
        }
    }

    @Test func rankMetricByHand() throws {
        // a = (8, 4, 2, 1, 1)/16 → top 3 (0.5, 0.25, 0.125); b = (1, −3, 2)/6 → (0.5, 1/3, 1/6).
        let c = try compareCoefficients([1, 8, 2, 4, 1], [1, -3, 2])
        #expect(c.rank.count == 3 && c.rank.sortedA == [0.5, 0.25, 0.125])
        #expect(
            isClose(c.rank.sortedB[1], 1.0 / 3, atol: 1e-12) && c.rank.topA == 0.5
                && isClose(c.rank.topRatio, 1, atol: 1e-12))
        let expected = try pearsonCorrelation(
            [0.5, 0.25, 0.125].map { log($0 + 1e-20) },
            [0.5, 1.0 / 3, 1.0 / 6].map { log($0 + 1e-20) })
        #expect(isClose(c.rank.correlation, expected, atol: 1e-12) && c.modeMatched == nil)
        #expect(c.modeMatched == nil && c.countA != c.countB)
        #expect(throws: EngineError.theory(.allZeroCoefficients)) { try compareCoefficients([1, 2], [0, 0]) }
        #expect(throws: EngineError.outOfDomain(.comparedCount, .between(2, 3), got: .integer(4))) {
            try compareCoefficients([1, 2, 3], [1, 2, 3], top: 4)
        }
        #expect(throws: EngineError.outOfDomain(.comparedCount, .between(2, 5), got: .integer(1))) {
            try compareCoefficients([1, 2, 3, 4, 5], [1, 2, 3, 4, 5], top: 1)
        }
        // A list of one entry: too short whether or not top is given (not "top outside 2…1").
        #expect(throws: EngineError.theory(.comparedListsTooShort(countA: 1, countB: 3))) {
            try compareCoefficients([1], [1, 2, 3])
        }
        #expect(throws: EngineError.theory(.comparedListsTooShort(countA: 3, countB: 1))) {
            try compareCoefficients([1, 2, 3], [1], top: 2)
        }
    }

    /// Reversed lists: identical once sorted (rank R = 1) but opposite mode by mode.
    @Test func sortedRankHidesModeMismatch() throws {
        let c = try compareCoefficients([4, 3, 2, 1], [1, 2, 3, 4])
        #expect(isClose(c.rank.correlation, 1, atol: 1e-12))
        let m = try #require(c.modeMatched)
        #expect(isClose(m.rankCorrelation, -1, atol: 1e-12) && m.logCorrelation < -0.9)
        #expect(isClose(m.totalVariation, 0.4, atol: 1e-12) && m.topModeA == 0 && m.topModeB == 3 && !m.sameTopMode)
        #expect(isClose(m.ratios[0], 4, atol: 1e-12) && isClose(m.sharesA.reduce(0, +), 1, atol: 1e-12))
    }

    /// Three well-separated groups of modes with a constant c_k inside each: NNLS on
    /// three log-spaced bins recovers the group totals exactly, a zero group included.
    @Test(arguments: [[0.5, 2.0, 1.0], [0.5, 0.0, 1.0]])
    func fittedCoefficientsRecoverBins(totals: [Double]) throws {
        let groups: [[Double]] = [[0.01, 0.0101, 0.0102], [1, 1.01], [100, 100.5, 101]]
        var lambdas = [Double]()
        var c = [Double]()
        for (g, members) in groups.enumerated() {
            for l in members {
                lambdas.append(l)
                c.append(totals[g] / Double(members.count))
            }
        }
        lambdas.append(-2)
        c.append(0)  // a negative mode is skipped and gets 0
        let etas = F.logspace(1e-6, 1e-2, 9)
        let measured = try crossover(eigenvalues: lambdas, coefficients: c, learningRates: etas).predicted
        let fit = try fitCoefficients(eigenvalues: lambdas, learningRates: etas, measured: measured, bins: 3)
        #expect(fit.binModeCounts == [3, 2, 3])
        for (b, t) in zip(fit.binCoefficients, totals) { #expect(abs(b - t) < 1e-7 * max(1, t)) }
        #expect(fit.activeBins == (totals[1] == 0 ? [1] : []))
        #expect(fit.rmsRelativeResidual < 1e-9 && fit.coefficients.last == 0)
        for (a, b) in zip(fit.coefficients, c) { #expect(abs(a - b) < 1e-7) }
        // The fitted coefficients reproduce the fitted S through the formula.
        let again = try crossover(eigenvalues: lambdas, coefficients: fit.coefficients, learningRates: etas)
        for (a, b) in zip(again.predicted, fit.fitted) { #expect(isClose(a, b, 1e-12)) }
        #expect(
            fit.binEdges.count == 4 && isClose(fit.binEdges[0], 0.01, atol: 1e-12)
                && isClose(fit.binEdges[3], 101, atol: 1e-12))
    }

    /// A P = 1600 spectrum on the LR8 grid (its largest η puts top modes above 2/λ),
    /// measurements 10% off the formula: NNLS on the default 6 bins converges and fits
    /// to about the noise level.
    @Test func fittedCoefficientsOnARealisticSpectrum() throws {
        var rng = RandomSource(seed: 77)
        let lambdas = (0..<1600).map { i in i < 150 ? -rng.uniform(0, 1) : exp(rng.uniform(log(1e-4), log(40))) }
        let c = lambdas.map { _ in rng.uniform(0, 1e-3) }
        let etas: [Double] = [1e-4, 3e-4, 1e-3, 3e-3, 0.01, 0.03, 0.1, 0.3]
        let exact = try crossover(eigenvalues: lambdas, coefficients: c, learningRates: etas).predicted
        let measured = exact.map { $0 * (1 + 0.1 * rng.uniform(-1, 1)) }
        let fit = try fitCoefficients(eigenvalues: lambdas, learningRates: etas, measured: measured)
        #expect(fit.binCoefficients.count == 6 && fit.binModeCounts.reduce(0, +) == 1450)
        #expect(fit.coefficients.allSatisfy { $0 >= 0 } && fit.rmsRelativeResidual < 0.1)
    }

    @Test func fittedCoefficientsLeaveOutBadRows() throws {
        let lambdas: [Double] = [0.5, 50]
        let etas: [Double] = [1e-4, 1e-3, 0.01, 0.03, 0.1]
        var measured = try crossover(eigenvalues: lambdas, coefficients: [1, 1], learningRates: etas, steps: 200)
            .predicted
        measured[1] = .nan
        let fit = try fitCoefficients(
            eigenvalues: lambdas, learningRates: etas, measured: measured, steps: 200, bins: 2)
        #expect(fit.learningRates == [1e-4, 0.01, 0.03, 0.1] && fit.binCoefficients.allSatisfy { abs($0 - 1) < 1e-8 })
        // η = 0.1 puts λ = 50 at ηλ = 5: `.refuse` leaves it out of the fit.
        let refused = try fitCoefficients(
            eigenvalues: lambdas, learningRates: etas, measured: measured, steps: 200,
            bins: 2, unstable: .refuse)
        #expect(refused.learningRates == [1e-4, 0.01, 0.03])
        #expect(throws: EngineError.theory(.noPositiveEigenvalue)) {
            try fitCoefficients(eigenvalues: [-1], learningRates: etas, measured: measured)
        }
        #expect(throws: EngineError.theory(.lengthsDiffer(.fittedMeasurements, 1, etas.count))) {
            try fitCoefficients(eigenvalues: lambdas, learningRates: etas, measured: [1])
        }
        // A bad argument, like `steps`: out of its domain, worded with its label.
        let noBins = EngineError.outOfDomain(.bins, .atLeast(1), got: .integer(0))
        #expect(throws: noBins) {
            try fitCoefficients(eigenvalues: lambdas, learningRates: etas, measured: measured, bins: 0)
        }
    }
}
