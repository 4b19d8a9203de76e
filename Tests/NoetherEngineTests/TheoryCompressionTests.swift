import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: compression, τ and regimes")
struct TheoryCompressionTests {
    typealias F = TheoryFixture
    static let checkpoints: [Double] = [0, 10, 25, 50, 75, 100, 150, 200, 300, 400, 500, 700, 1000]

    /// 1 − q̄ = 0.95·e^{−t/80}: the reference window (t ≥ 25, 0.01 < 1 − q̄ < 0.9) keeps
    /// t = 25 … 300 (at t = 400, 1 − q̄ = 0.0064), and the fit is exact.
    @Test func tauReferenceWindow() throws {
        let q = Self.checkpoints.map { 1 - 0.95 * exp(-$0 / 80) }
        let fit = try fitTau(steps: Self.checkpoints, meanConfidence: q)
        #expect(fit.usedSteps == [25, 50, 75, 100, 150, 200, 300] && fit.points == 7)
        #expect(
            isClose(fit.tau, 80, 1e-10, atol: 1e-10) && isClose(fit.r2, 1, 1e-12, atol: 1e-12)
                && isClose(fit.intercept, log(0.95), 1e-12, atol: 1e-12))
        #expect(fit.scaledTau == nil && fit.noTau == nil && fit.window == .reference)
        // A window fixed in ηt: η = 0.01, ηt ∈ [0.5, 2] ↔ t ∈ [50, 200].
        let scaled = try fitTau(
            steps: Self.checkpoints, meanConfidence: q, learningRate: 0.01,
            window: .scaledTime(from: 0.5, to: 2))
        let scaledTau = try #require(scaled.scaledTau)
        #expect(scaled.usedSteps == [50, 75, 100, 150, 200] && isClose(scaledTau, 0.8, 1e-10, atol: 1e-10))
        #expect(throws: EngineError.theory(.scaledWindowNeedsLearningRate)) {
            try fitTau(steps: Self.checkpoints, meanConfidence: q, window: .scaledTime(from: 0, to: 1))
        }
        // Too few points: NaN with a note, not an error.
        let few = try fitTau(steps: [0, 30, 60], meanConfidence: [0.5, 0.95, 0.999])
        #expect(few.tau.isNaN && few.points == 1 && few.noTau == .tooFewInWindow(1, needed: 2))
        #expect(throws: EngineError.theory(.lengthsDiffer(.tauFit, 1, 2))) {
            try fitTau(steps: [0, 1], meanConfidence: [0.5])
        }
    }

    /// τ = 1.33/η + 29 exactly, 3 seeds per η, one NaN and one negative τ left out.
    @Test func tauLaw() throws {
        let grid: [Double] = [0.003, 0.005, 0.01, 0.02, 0.03]
        var etas = [Double]()
        var taus = [Double]()
        for eta in grid {
            for s in [-1.0, 0, 1] {
                etas.append(eta)
                taus.append(1.33 / eta + 29 + 2 * s)
            }
        }
        etas += [0.01, 0.02]
        taus += [.nan, -5]
        let law = try fitTauLaw(learningRates: etas, taus: taus)
        #expect(law.learningRates == grid && law.counts == [3, 3, 3, 3, 3] && law.excludedRuns == 2)
        #expect(
            isClose(law.c, 1.33, 1e-11, atol: 1e-11) && isClose(law.b, 29, 1e-10, atol: 1e-10)
                && isClose(law.inverseFit.r2, 1, 1e-12, atol: 1e-12))
        #expect(law.gamma < -0.8 && law.gamma > -1)  // the intercept bends γ away from −1
        #expect(throws: EngineError.theory(.tooFew(.tauLawRates, needed: 2, got: 1))) {
            try fitTauLaw(learningRates: [0.01], taus: [3])
        }
    }

    @Test func compressionFactorsAndDecay() throws {
        let t: [Double] = [0, 100, 200, 500, 1000]
        let c0 = 9 * 10 * exp(-0.01 * 1000)
        let lambda = t.map { 10 * exp(-0.01 * $0) + c0 }
        var sharpness = lambda
        sharpness[2] = .nan  // not measured at t = 200
        let qMin: [Double] = [0.2, 0.4, 0.6, 0.9, 0.99]
        let series = CompressionSeries(
            steps: t, sharpness: sharpness, meanConfidence: [0.2, 0.5, 0.8, 0.95, 0.999], minConfidence: qMin,
            meanConfidenceVariance: [0.16, 0.2, 0.1, 0.04, 0.001], jacobianGramMax: [100, 110, 120, 130, 140])
        let a = try analyzeCompression(series)
        #expect(a.confidenceFactorIsExact == [false, false, true, true, true])
        #expect(
            a.confidenceFactor[0] == 0.25 && isClose(a.confidenceFactor[2], 0.24, atol: 1e-12)
                && isClose(a.confidenceFactor[4], 0.0099, atol: 1e-12))
        #expect(isClose(a.bound[3], 130 * 0.09, atol: 1e-12) && isClose(a.meanFieldEstimate[1], 22, atol: 1e-12))
        #expect(isClose(a.boundRatio[0], lambda[0] / 25, atol: 1e-12) && a.boundRatio[2].isNaN)
        let decay = try #require(a.decay)
        #expect(
            isClose(decay.rate, 0.01, 1e-9, atol: 1e-9) && decay.count == 4 && isClose(decay.r2, 1, 1e-12, atol: 1e-12))
        #expect(isClose(a.compressionRatio, lambda[0] / lambda[4], atol: 1e-12))
        // Recorded max q(1 − q) wins over the derivation from q_min.
        var recorded = series
        recorded.maxConfidenceVariance = [0.2, 0.22, 0.24, 0.09, 0.0099]
        #expect(try analyzeCompression(recorded).confidenceFactorIsExact.allSatisfy { $0 })
        // One measurement only: no decay fit, and a note.
        var single = series
        single.sharpness = [5, .nan, .nan, .nan, .nan]
        let s = try analyzeCompression(single)
        #expect(s.decay == nil && s.noDecay == .tooFewMeasured(1, needed: 2) && s.compressionRatio == 1)
        // A non-positive λ_max: the decay fit's own refusal, kept as the theory problem it is.
        var negative = series
        negative.sharpness = [5, 4, .nan, -0.5, 2]
        let n = try analyzeCompression(negative)
        #expect(n.decay == nil && n.noDecay == .failed(.decayNeedsPositiveValues(minimum: -0.5)))
        var bad = series
        bad.minConfidence = [0.5]
        #expect(throws: EngineError.theory(.compressionSeriesLengths(checkpoints: series.steps.count))) {
            try analyzeCompression(bad)
        }
    }

    @Test func regimes() throws {
        let eta = 0.01  // 2/η = 200
        let below = try classifyRegime(sharpness: [Double](repeating: 50, count: 40), learningRate: eta)
        #expect(
            below.regime == .belowEdge && isClose(below.finalRatio, 0.25, atol: 1e-12) && below.firstCrossing == nil)
        #expect(below.finalCount == 20 && below.options == RegimeOptions() && !below.crossingIsStep)
        // Progressive sharpening to the edge, then hovering around it.
        let rising: [Double] = (0..<60).map { (i: Int) -> Double in
            i < 30 ? 50 + 5 * Double(i) : 195 + 10 * Double(i % 2)
        }
        let steps = (0..<60).map { 25 * Double($0) }
        let edge = try classifyRegime(sharpness: rising, learningRate: eta, steps: steps, switchRate: 0.02)
        #expect(edge.regime == .atEdge && isClose(edge.finalRatio, 1, atol: 1e-12) && edge.firstCrossing == 775)
        #expect(isClose(edge.maxRatio, 1.025, atol: 1e-12) && edge.switchRate == 0.02 && edge.crossingIsStep)
        // λ ≥ 180: 4 rising values and the 30 at the edge.
        #expect(isClose(edge.nearEdgeFraction, 34.0 / 60, atol: 1e-12))
        // Unstable start (a catapult): λ₀ = 300 > 200, then λ falls.
        let start = try classifyRegime(sharpness: [120, 80, 60, .nan], learningRate: eta, sharpnessAtStart: 300)
        #expect(start.regime == .unstableStart && isClose(start.initialProduct, 3, atol: 1e-12) && start.nonFinite == 1)
        #expect(start.measurements == 3 && start.finalCount == 3 && start.switchRate == nil)
        #expect(throws: EngineError.theory(.empty(.finiteSharpness))) {
            try classifyRegime(sharpness: [.nan], learningRate: eta)
        }
        #expect(throws: EngineError.outOfDomain(.learningRate, .finitePositive, got: .number(0))) {
            try classifyRegime(sharpness: [1], learningRate: 0)
        }
        #expect(throws: EngineError.theory(.lengthsDiffer(.regimeSteps, 1, 2))) {
            try classifyRegime(sharpness: [1, 2], learningRate: eta, steps: [0])
        }
    }

    /// rate = 0.3·m^{−0.5}, three runs per width scattered by (0.9, 1, 1.1).
    @Test func switchRateScaling() throws {
        var widths = [Double]()
        var rates = [Double]()
        for m in [16.0, 32, 64, 128, 256] {
            for f in [0.9, 1.0, 1.1] {
                widths.append(m)
                rates.append(f * 0.3 / m.squareRoot())
            }
        }
        let s = try switchRateExponent(widths: widths, rates: rates)
        #expect(
            isClose(s.exponent, -0.5, 1e-12, atol: 1e-12) && isClose(s.beta, 0.5, 1e-12, atol: 1e-12)
                && isClose(s.prefactor, 0.3, 1e-12))
        #expect(isClose(s.r2, 1, 1e-12, atol: 1e-12) && s.fit.used.count == 5)
        #expect(throws: EngineError.theory(.lengthsDiffer(.switchRates, 0, 1))) {
            try switchRateExponent(widths: [16], rates: [])
        }
    }
}
