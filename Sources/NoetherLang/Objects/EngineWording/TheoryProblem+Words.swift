import NoetherEngine

extension TheoryProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        case .lengthsDiffer(let pair, let first, let second): pair.words(first, second)
        case .compressionSeriesLengths(let n): "every compression series needs one value per checkpoint (\(n))"
        case .comparisonLengths(let n, let predicted, let measured):
            "the comparison needs one prediction and one measurement per learning rate (\(n)), got \(predicted) and \(measured)"
        case .secondLayerShape(let rows, let columns, let expectedRows, let expectedColumns):
            "the second layer is \(rows)×\(columns), expected \(expectedRows)×\(expectedColumns)"
        case .leastSquaresRightHandSides(let m, let n, let got):
            "non-negative least squares needs \(m) right-hand sides for a \(m)×\(n) matrix, got \(got)"
        case .tooFew(let what, let needed, let got): what.words(needed: needed, got: got)
        case .empty(let input): input.words
        case .notFinite(let input): input.words
        case .learningRatesNotPositive: "the learning rates must be finite and positive"
        case .noSpread(let fit): fit.words
        case .decayNeedsPositiveValues(let minimum):
            "a decay fit needs positive values (c = 0.9·min λ), but the minimum is \(formatSummary(minimum, digits: 3))"
        case .singular(let system): system.words
        case .leastSquaresDidNotConverge(.outer(let iterations)):
            "non-negative least squares did not converge in \(iterations) iterations"
        case .leastSquaresDidNotConverge(.inner): "non-negative least squares did not converge (inner loop)"
        case .projectionNeedsEigenvectors: "the projected coefficients need eigenvectors"
        case .noPositiveEigenvalue: "no eigenvalue is positive, so there is no mode to fit"
        case .noUsableMeasurement: "no learning rate has a usable measurement to fit"
        case .comparedListsTooShort(let a, let b):
            "comparing coefficients needs at least 2 on each side, got \(a) and \(b)"
        case .allZeroCoefficients: "a coefficient list is all zero"
        case .scaledWindowNeedsLearningRate: "a window in units of ηt needs the learning rate"
        case .regimeThresholdsNotPositive: "the regime thresholds must be positive"
        case .confidenceLevel(let level): "the confidence level must lie between 0 and 1, got \(formatNumber(level))"
        case .quantileProbability(let p): "a quantile needs 0 < p < 1, got \(formatNumber(p))"
        case .degreesOfFreedom(let nu): "the degrees of freedom must be positive, got \(formatNumber(nu))"
        }
    }
}

extension TheoryProblem.LengthPair {
    /// The sentence for counts `a` and `b` (in the order the case documents).
    func words(_ a: Int, _ b: Int) -> String {
        switch self {
        case .lineFit: "a line fit needs paired lists, got \(a) x and \(b) y values"
        case .quadraticFit: "a quadratic fit needs paired lists, got \(a) x and \(b) y values"
        case .powerLaw: "a power law needs paired lists, got \(a) x and \(b) y values"
        case .exponentialFit: "an exponential fit needs paired lists, got \(a) t and \(b) y values"
        case .decayFit: "a decay fit needs paired lists, got \(a) t and \(b) values"
        case .correlation: "a correlation needs paired lists, got \(a) and \(b) values"
        case .trapezoid: "the trapezoid rule needs as many x as y values, got \(a) and \(b)"
        case .tauFit: "the τ fit needs one q̄ per checkpoint, got \(a) for \(b)"
        case .tauLaw: "one τ per run is needed, got \(a) for \(b) learning rates"
        case .crossoverCoefficients: "the formula needs one coefficient per eigenvalue, got \(a) for \(b)"
        case .fittedMeasurements: "one measurement per learning rate is needed, got \(a) for \(b)"
        case .projectedGradient: "the gradient has \(a) entries but the eigenvectors have \(b)"
        case .targetRows: "the targets have \(a) rows but the inputs \(b)"
        case .firstLayerInputs: "the first layer takes \(a) inputs but the data have \(b)"
        case .activeFractions: "\(a) active fractions for \(b) hidden units"
        case .dataModeGradient: "the gradient has \(a) input columns but the eigenvectors \(b) rows"
        case .regimeSteps: "one step per sharpness measurement is needed, got \(a) for \(b)"
        case .switchRates: "one rate per run is needed, got \(a) for \(b) widths"
        }
    }
}

extension TheoryProblem.Shortfall {
    func words(needed: Int, got: Int) -> String {
        switch self {
        case .linePoints: "a line fit needs at least \(needed) points, got \(got)"
        case .quadraticDistinctX: "a quadratic fit needs at least \(needed) distinct x values, got \(got)"
        case .exponentialPoints: "an exponential fit needs at least \(needed) points with finite y > 0, got \(got)"
        case .decayPoints: "a decay fit needs at least \(needed) points, got \(got)"
        case .correlationPairs: "a correlation needs at least \(needed) pairs, got \(got)"
        case .tauLawRates: "a τ law needs at least \(needed) learning rates with a finite positive τ, got \(got)"
        case .uniformModes: "uniform coefficients need at least \(needed) mode\(needed == 1 ? "" : "s"), got \(got)"
        }
    }
}

extension TheoryProblem.EmptyInput {
    var words: String {
        switch self {
        case .sweepRuns: "the sweep has no runs"
        case .compressionSeries: "the compression series is empty"
        case .finiteSharpness: "the sharpness series has no finite measurement"
        case .coefficientLists: "both coefficient lists must be non-empty"
        case .derivedSamples: "the derived coefficients need at least one sample"
        case .activeFractionSamples: "active fractions need at least one sample"
        case .leastSquaresMatrix: "non-negative least squares needs a non-empty matrix"
        }
    }
}

extension TheoryProblem.FiniteInput {
    var words: String {
        switch self {
        case .lineFit: "a line fit needs finite values; mask NaN and infinite entries first"
        case .quadraticFit: "a quadratic fit needs finite values; mask NaN and infinite entries first"
        case .decayFit: "a decay fit needs finite values; mask NaN and infinite entries first"
        case .correlation: "a correlation needs finite values; mask NaN and infinite entries first"
        case .sweepX: "every run needs a finite x"
        case .crossoverSpectrum: "the eigenvalues and coefficients must be finite"
        case .eigenvalues: "the eigenvalues must be finite"
        case .coefficients: "the coefficients must be finite"
        case .projection: "the gradient, imbalance and eigenvectors must be finite"
        case .derivedInputs: "the derived coefficients need finite inputs, targets and weights"
        case .leastSquares: "non-negative least squares needs finite values"
        }
    }
}

extension TheoryProblem.SpreadFit {
    var words: String {
        switch self {
        case .line: "the x values are all equal, so no line is determined"
        case .exponential: "the t values are all equal, so no exponential is determined"
        case .decay: "the t values are all equal, so no decay is determined"
        case .powerLaw: "the usable points share one x, so no power law is determined"
        }
    }
}

extension TheoryProblem.SingularSystem {
    var words: String {
        switch self {
        case .quadraticFit: "the quadratic fit is rank deficient"
        case .tauLaw: "the τ law could not be fitted"
        case .leastSquaresPassiveSet: "non-negative least squares met a rank-deficient passive set"
        }
    }
}
