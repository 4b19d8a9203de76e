import NoetherEngine
import NoetherLangTestSupport
import Testing

@testable import NoetherLang

/// The theory computations report their refusals as `TheoryProblem` values; the
/// language words each one (issue 14 §1). Every case's sentence is written out here,
/// so a wording cannot silently change or disappear.
@Suite struct TheoryProblemWordsTests {
    typealias P = TheoryProblem

    static let worded: [(problem: P, text: String)] = [
        (.lengthsDiffer(.lineFit, 3, 2), "a line fit needs paired lists, got 3 x and 2 y values"),
        (.lengthsDiffer(.quadraticFit, 4, 1), "a quadratic fit needs paired lists, got 4 x and 1 y values"),
        (.lengthsDiffer(.powerLaw, 2, 5), "a power law needs paired lists, got 2 x and 5 y values"),
        (.lengthsDiffer(.exponentialFit, 2, 3), "an exponential fit needs paired lists, got 2 t and 3 y values"),
        (.lengthsDiffer(.decayFit, 6, 5), "a decay fit needs paired lists, got 6 t and 5 values"),
        (.lengthsDiffer(.correlation, 2, 1), "a correlation needs paired lists, got 2 and 1 values"),
        (.lengthsDiffer(.trapezoid, 1, 2), "the trapezoid rule needs as many x as y values, got 1 and 2"),
        (.lengthsDiffer(.tauFit, 1, 2), "the τ fit needs one q̄ per checkpoint, got 1 for 2"),
        (.lengthsDiffer(.tauLaw, 3, 4), "one τ per run is needed, got 3 for 4 learning rates"),
        (.lengthsDiffer(.crossoverCoefficients, 1, 2), "the formula needs one coefficient per eigenvalue, got 1 for 2"),
        (.lengthsDiffer(.fittedMeasurements, 1, 5), "one measurement per learning rate is needed, got 1 for 5"),
        (.lengthsDiffer(.projectedGradient, 1, 2), "the gradient has 1 entries but the eigenvectors have 2"),
        (.lengthsDiffer(.targetRows, 3, 4), "the targets have 3 rows but the inputs 4"),
        (.lengthsDiffer(.firstLayerInputs, 3, 2), "the first layer takes 3 inputs but the data have 2"),
        (.lengthsDiffer(.activeFractions, 1, 2), "1 active fractions for 2 hidden units"),
        (.lengthsDiffer(.dataModeGradient, 2, 3), "the gradient has 2 input columns but the eigenvectors 3 rows"),
        (.lengthsDiffer(.regimeSteps, 1, 2), "one step per sharpness measurement is needed, got 1 for 2"),
        (.lengthsDiffer(.switchRates, 0, 1), "one rate per run is needed, got 0 for 1 widths"),
        (.compressionSeriesLengths(checkpoints: 7), "every compression series needs one value per checkpoint (7)"),
        (
            .comparisonLengths(learningRates: 4, predicted: 1, measured: 4),
            "the comparison needs one prediction and one measurement per learning rate (4), got 1 and 4"
        ),
        (
            .secondLayerShape(rows: 3, columns: 2, expectedRows: 2, expectedColumns: 4),
            "the second layer is 3×2, expected 2×4"
        ),
        (
            .leastSquaresRightHandSides(rows: 2, columns: 3, rightHandSides: 1),
            "non-negative least squares needs 2 right-hand sides for a 2×3 matrix, got 1"
        ),
        (.tooFew(.linePoints, needed: 2, got: 1), "a line fit needs at least 2 points, got 1"),
        (.tooFew(.quadraticDistinctX, needed: 3, got: 2), "a quadratic fit needs at least 3 distinct x values, got 2"),
        (
            .tooFew(.exponentialPoints, needed: 2, got: 1),
            "an exponential fit needs at least 2 points with finite y > 0, got 1"
        ),
        (.tooFew(.decayPoints, needed: 2, got: 0), "a decay fit needs at least 2 points, got 0"),
        (.tooFew(.correlationPairs, needed: 2, got: 1), "a correlation needs at least 2 pairs, got 1"),
        (
            .tooFew(.tauLawRates, needed: 2, got: 1),
            "a τ law needs at least 2 learning rates with a finite positive τ, got 1"
        ),
        (.tooFew(.uniformModes, needed: 1, got: 0), "uniform coefficients need at least 1 mode, got 0"),
        (.empty(.sweepRuns), "the sweep has no runs"),
        (.empty(.compressionSeries), "the compression series is empty"),
        (.empty(.finiteSharpness), "the sharpness series has no finite measurement"),
        (.empty(.coefficientLists), "both coefficient lists must be non-empty"),
        (.empty(.derivedSamples), "the derived coefficients need at least one sample"),
        (.empty(.activeFractionSamples), "active fractions need at least one sample"),
        (.empty(.leastSquaresMatrix), "non-negative least squares needs a non-empty matrix"),
        (.notFinite(.lineFit), "a line fit needs finite values; mask NaN and infinite entries first"),
        (.notFinite(.quadraticFit), "a quadratic fit needs finite values; mask NaN and infinite entries first"),
        (.notFinite(.decayFit), "a decay fit needs finite values; mask NaN and infinite entries first"),
        (.notFinite(.correlation), "a correlation needs finite values; mask NaN and infinite entries first"),
        (.notFinite(.sweepX), "every run needs a finite x"),
        (.notFinite(.crossoverSpectrum), "the eigenvalues and coefficients must be finite"),
        (.notFinite(.eigenvalues), "the eigenvalues must be finite"),
        (.notFinite(.coefficients), "the coefficients must be finite"),
        (.notFinite(.projection), "the gradient, imbalance and eigenvectors must be finite"),
        (.notFinite(.derivedInputs), "the derived coefficients need finite inputs, targets and weights"),
        (.notFinite(.leastSquares), "non-negative least squares needs finite values"),
        (.learningRatesNotPositive, "the learning rates must be finite and positive"),
        (.noSpread(.line), "the x values are all equal, so no line is determined"),
        (.noSpread(.exponential), "the t values are all equal, so no exponential is determined"),
        (.noSpread(.decay), "the t values are all equal, so no decay is determined"),
        (.noSpread(.powerLaw), "the usable points share one x, so no power law is determined"),
        (
            .decayNeedsPositiveValues(minimum: -0.012345),
            "a decay fit needs positive values (c = 0.9·min λ), but the minimum is -0.0123"
        ),
        (.singular(.quadraticFit), "the quadratic fit is rank deficient"),
        (.singular(.tauLaw), "the τ law could not be fitted"),
        (.singular(.leastSquaresPassiveSet), "non-negative least squares met a rank-deficient passive set"),
        (
            .leastSquaresDidNotConverge(.outer(iterations: 30)),
            "non-negative least squares did not converge in 30 iterations"
        ),
        (.leastSquaresDidNotConverge(.inner), "non-negative least squares did not converge (inner loop)"),
        (.projectionNeedsEigenvectors, "the projected coefficients need eigenvectors"),
        (.noPositiveEigenvalue, "no eigenvalue is positive, so there is no mode to fit"),
        (.noUsableMeasurement, "no learning rate has a usable measurement to fit"),
        (
            .comparedListsTooShort(countA: 1, countB: 4),
            "comparing coefficients needs at least 2 on each side, got 1 and 4"
        ),
        (.allZeroCoefficients, "a coefficient list is all zero"),
        (.scaledWindowNeedsLearningRate, "a window in units of ηt needs the learning rate"),
        (.regimeThresholdsNotPositive, "the regime thresholds must be positive"),
        (.confidenceLevel(1.5), "the confidence level must lie between 0 and 1, got 1.5"),
        (.quantileProbability(1), "a quantile needs 0 < p < 1, got 1"),
        (.degreesOfFreedom(-2), "the degrees of freedom must be positive, got -2"),
    ]

    @Test func everyProblemIsWorded() {
        for (problem, text) in Self.worded {
            #expect(EngineError.theory(problem).message == text)
        }
    }

    /// Each kind of count, input, fit and system appears in the table above.
    @Test func theTableCoversEveryKind() {
        let problems = Self.worded.map(\.problem)
        for pair in P.LengthPair.allCases {
            #expect(problems.contains { if case .lengthsDiffer(pair, _, _) = $0 { true } else { false } }, "\(pair)")
        }
        for shortfall in P.Shortfall.allCases {
            #expect(problems.contains { if case .tooFew(shortfall, _, _) = $0 { true } else { false } }, "\(shortfall)")
        }
        for input in P.EmptyInput.allCases { #expect(problems.contains(.empty(input)), "\(input)") }
        for input in P.FiniteInput.allCases { #expect(problems.contains(.notFinite(input)), "\(input)") }
        for fit in P.SpreadFit.allCases { #expect(problems.contains(.noSpread(fit)), "\(fit)") }
        for system in P.SingularSystem.allCases { #expect(problems.contains(.singular(system)), "\(system)") }
        // No two problems say the same thing.
        #expect(Set(Self.worded.map(\.text)).count == Self.worded.count)
    }

    /// Straight from the engine: what a refused fit says, with the argument named
    /// where a builtin's argument is what is wrong.
    @Test func engineRefusalsReadAsBefore() {
        #expect(
            message { () throws(EngineError) in _ = try fitLinear([1, 2], [1]) }
                == "a line fit needs paired lists, got 2 x and 1 y values")
        #expect(
            message { () throws(EngineError) in _ = try fitDecay([0, 1, 2], [3, 0.5, -0.25]) }
                == "a decay fit needs positive values (c = 0.9·min λ), but the minimum is -0.25")
        #expect(
            message { () throws(EngineError) in _ = try classifyRegime(sharpness: [1], learningRate: -0.5) }
                == "'lr' must be a positive finite number, got -0.5")
        #expect(
            message { () throws(EngineError) in
                _ = try crossover(eigenvalues: [1], coefficients: [1], learningRates: [0.1], steps: 0)
            } == "'steps' must be at least 1, got 0")
        #expect(
            message { () throws(EngineError) in
                _ = try fitCoefficients(eigenvalues: [1], learningRates: [0.1], measured: [0.5], bins: 0)
            } == "'bins' must be at least 1, got 0")
        #expect(
            message { () throws(EngineError) in _ = try studentTQuantile(0.975, degreesOfFreedom: 0) }
                == "the degrees of freedom must be positive, got 0")
    }

    /// At the prompt: the builtins pass these refusals on at line:column; a refused
    /// argument (`outOfDomain`) is pointed at where the call gives it.
    @Test func refusalsAtThePrompt() {
        let h = Harness()
        #expect(
            h.error("regime([5, 6], lr=-1)")?.hasPrefix(
                "test.noe:1:19: error: 'lr' must be a positive finite number, got -1")
                == true)
        #expect(
            h.error("ck_compare([1, 2, 3], [1, 2, 3], top=5)")?.hasPrefix(
                "test.noe:1:38: error: 'top' must be between 2 and 3, got 5") == true)
        // Too short a list, with or without top: the counts, not a range 2…1.
        #expect(
            h.error("ck_compare([0.5], [0.1, 0.2, 0.3])")?.hasPrefix(
                "test.noe:1:1: error: comparing coefficients needs at least 2 on each side, got 1 and 3") == true)
        #expect(
            h.error("ck_compare([0.5, 0.5], [1], top=2)")?.hasPrefix(
                "test.noe:1:1: error: comparing coefficients needs at least 2 on each side, got 2 and 1") == true)
        #expect(
            h.error("fit_exp([0, 1, 2], [3, 0.5, -0.25], offset=true)")?.hasPrefix(
                "test.noe:1:20: error: a decay fit needs positive values (c = 0.9·min λ), but the minimum is -0.25")
                == true)
        #expect(
            h.error("fit_linear([1, 2, 3], [2, 2])")?.contains("a line fit needs paired lists, got 3 x and 2 y values")
                == true)
    }
}
