import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: statistics and fits")
struct TheoryFitTests {
    typealias F = TheoryFixture

    @Test func meanStdPearsonTrapezoid() throws {
        #expect(compensatedMean([1, 2, 3, 4]) == 2.5)
        // ddof = 0
        #expect(isClose(meanAndStandardDeviation([1, 2, 3, 4]).standardDeviation, 1.25.squareRoot(), atol: 1e-12))
        #expect(meanAndStandardDeviation([7]).standardDeviation == 0)
        #expect(compensatedMean([1, .nan]).isNaN)
        #expect(compensatedMean([]).isNaN)  // no values: NaN
        // Hand value: x̄ = ȳ = 2, Sxy = 1, Sxx = Syy = 2 → r = 0.5.
        #expect(isClose(try pearsonCorrelation([1, 2, 3], [1, 3, 2]), 0.5, atol: 1e-12))
        #expect(try pearsonCorrelation([1, 2, 3], [-2, -4, -6]) == -1)
        #expect(try pearsonCorrelation([1, 2, 3], [5, 5, 5]).isNaN)
        #expect(throws: EngineError.theory(.lengthsDiffer(.correlation, 2, 1))) { try pearsonCorrelation([1, 2], [1]) }
        #expect(throws: EngineError.theory(.tooFew(.correlationPairs, needed: 2, got: 1))) {
            try pearsonCorrelation([1], [1])
        }
        #expect(throws: EngineError.theory(.notFinite(.correlation))) { try pearsonCorrelation([1, .nan], [1, 2]) }
        // ∫₀² x² dx by trapezoids on {0, 1, 2}: ½(0 + 1) + ½(1 + 4) = 3.
        #expect(try trapezoidIntegral([0, 1, 4], x: [0, 1, 2]) == 3)
        #expect(try trapezoidIntegral([1, 2, 3]) == 4)
        #expect(try trapezoidIntegral([1, 2, 3], spacing: 0.5) == 2)
        #expect(try trapezoidIntegral([5]) == 0)
        #expect(throws: EngineError.theory(.lengthsDiffer(.trapezoid, 1, 2))) { try trapezoidIntegral([1, 2], x: [1]) }
    }

    @Test(arguments: [
        (1.0, 12.706204736), (2.0, 4.302652730), (10.0, 2.228138852), (30.0, 2.042272456),
        (1e7, 1.959964),
    ])
    func studentT(nu: Double, expected: Double) throws {
        #expect(isClose(try studentTQuantile(0.975, degreesOfFreedom: nu), expected, 1e-6, atol: 1e-6))
        #expect(isClose(try studentTQuantile(0.025, degreesOfFreedom: nu), -expected, 1e-6, atol: 1e-6))
    }

    /// Hand-computed: x = 0…3, y = (1, 3, 2, 5): x̄ = 1.5, ȳ = 2.75, Sxx = 5, Sxy = 5.5,
    /// slope = intercept = 1.1, residuals (−0.1, 0.8, −1.3, 0.6), SSR = 2.7, SST = 8.75.
    @Test func lineByHand() throws {
        let fit = try fitLinear([0, 1, 2, 3], [1, 3, 2, 5])
        #expect(isClose(fit.slope, 1.1, atol: 1e-12) && isClose(fit.intercept, 1.1, atol: 1e-12))
        #expect(isClose(fit.r2, 1 - 2.7 / 8.75, atol: 1e-12))
        for (r, e) in zip(fit.residuals, [-0.1, 0.8, -1.3, 0.6]) { #expect(isClose(r, e, atol: 1e-12)) }
        #expect(isClose(fit.slopeStandardError, 0.27.squareRoot(), atol: 1e-12))
        #expect(isClose(fit.interceptStandardError, 0.945.squareRoot(), atol: 1e-12))
        #expect(isClose(fit.residualStandardError, 1.35.squareRoot(), atol: 1e-12))
        let ci = try #require(fit.slopeInterval())
        #expect(isClose(ci.upperBound - 1.1, 4.302652730 * 0.27.squareRoot(), 1e-8, atol: 1e-8))
        #expect(isClose(fit.predict(10), 12.1, atol: 1e-12))
    }

    @Test func exactLineAndRefusals() throws {
        let x = (0..<9).map { 1000 + Double($0) * 0.25 }  // a large offset costs nothing
        let fit = try fitLinear(x, x.map { 3 - 2 * $0 })
        #expect(
            isClose(fit.slope, -2, 1e-12, atol: 1e-12) && isClose(fit.intercept, 3, 1e-9, atol: 1e-9)
                && isClose(fit.r2, 1, atol: 1e-12))
        let two = try fitLinear([1, 2], [1, 5])
        #expect(two.slope == 4 && two.slopeStandardError.isNaN && two.slopeInterval() == nil)
        #expect(try fitLinear([1, 2, 3], [2, 2, 2]).r2.isNaN)
        #expect(throws: EngineError.theory(.lengthsDiffer(.lineFit, 2, 1))) { try fitLinear([1, 2], [1]) }
        #expect(throws: EngineError.theory(.tooFew(.linePoints, needed: 2, got: 1))) { try fitLinear([1], [1]) }
        #expect(throws: EngineError.theory(.noSpread(.line))) { try fitLinear([2, 2, 2], [1, 2, 3]) }
        #expect(throws: EngineError.theory(.notFinite(.lineFit))) { try fitLinear([1, 2, .nan], [1, 2, 3]) }
    }

    @Test func quadraticRecoversCurvature() throws {
        // ln η over LR10-like values: offset and scale as in E19/E22.
        let x = F.logspace(1e-4, 1, 10).map { log($0) }
        let fit = try fitQuadratic(x, x.map { 0.05 * $0 * $0 + 1.3 * $0 - 2 })
        #expect(
            isClose(fit.curvature, 0.05, 1e-11, atol: 1e-11) && isClose(fit.linear, 1.3, 1e-10, atol: 1e-10)
                && isClose(fit.constant, -2, 1e-10, atol: 1e-10))
        #expect(isClose(fit.r2, 1, 1e-12, atol: 1e-12) && fit.residuals.allSatisfy { abs($0) < 1e-10 })
        // A straight line has zero curvature.
        #expect(abs(try fitQuadratic([1, 2, 3, 4], [2, 4, 6, 8]).curvature) < 1e-13)
        #expect(throws: EngineError.theory(.tooFew(.quadraticDistinctX, needed: 3, got: 2))) {
            try fitQuadratic([1, 1, 2], [1, 2, 3])
        }
    }

    @Test func exponentialRecoversTimescale() throws {
        let t: [Double] = [0, 10, 25, 50, 100, 200, 400]
        var y = t.map { 3 * exp(-$0 / 50) }
        let fit = try fitExp(t, y)
        #expect(isClose(fit.timescale, 50, 1e-10, atol: 1e-10) && isClose(fit.amplitude, 3, 1e-12, atol: 1e-12))
        #expect(
            isClose(fit.r2Log, 1, atol: 1e-12) && isClose(fit.r2Linear, 1, atol: 1e-12) && fit.count == 7
                && fit.maskedIndices.isEmpty)
        y[1] = 0
        y[3] = .nan
        let masked = try fitExp(t, y)
        #expect(
            masked.maskedIndices == [1, 3] && masked.count == 5 && isClose(masked.timescale, 50, 1e-10, atol: 1e-10))
        #expect(isClose(masked.predict(100), 3 * exp(-2), 1e-10, atol: 1e-10))
        #expect(throws: EngineError.theory(.tooFew(.exponentialPoints, needed: 2, got: 1))) {
            try fitExp([0, 1], [1, -1])
        }
    }

    /// E18's decay: data a·e^{−bt} + c₀ with c₀ = 9·a·e^{−b·t_max}, so that the
    /// reference's fixed offset 0.9·min λ equals c₀ and the fit is exact.
    @Test func decayFitAsReference() throws {
        let a = 10.0
        let b = 0.01
        let t: [Double] = [0, 50, 100, 150, 200, 250, 300, 400, 500, 750, 1000]
        let c0 = 9 * a * exp(-b * 1000)
        let lambda = t.map { a * exp(-b * $0) + c0 }
        let fit = try fitDecay(t.reversed(), lambda.reversed())  // any order
        #expect(
            isClose(fit.offset, c0, 1e-12, atol: 1e-12) && isClose(fit.rate, b, 1e-9, atol: 1e-9)
                && isClose(fit.amplitude, a, 1e-9, atol: 1e-9))
        #expect(isClose(fit.r2, 1, 1e-12, atol: 1e-12) && isClose(fit.r2Log, 1, 1e-12, atol: 1e-12) && fit.count == 11)
        #expect(isClose(fit.compressionRatio, lambda[0] / lambda[10], atol: 1e-12))
        #expect(throws: EngineError.theory(.decayNeedsPositiveValues(minimum: -1))) { try fitDecay([0, 1], [1, -1]) }
        #expect(throws: EngineError.theory(.notFinite(.decayFit))) { try fitDecay([0, 1], [1, .nan]) }
    }
}
