/// What a theory computation (fits, the crossover formula, mode coefficients,
/// compression, the regime) refused or could not finish. The language words it
/// (`TheoryProblem+Words.swift`). An `Error` too, so that a theory function whose
/// every refusal is one of these (`decayFit`) can say so in its type.
public enum TheoryProblem: Error, Sendable, Equatable {
    /// Two counts that must agree differ: the `LengthPair` says which, and the two
    /// counts come in its documented order.
    case lengthsDiffer(LengthPair, Int, Int)
    /// Not every compression series holds one value per checkpoint (`checkpoints` of them).
    case compressionSeriesLengths(checkpoints: Int)
    /// The crossover comparison needs one prediction and one measurement per learning rate.
    case comparisonLengths(learningRates: Int, predicted: Int, measured: Int)
    /// The derived coefficients' second layer is rows × columns, not expectedRows × expectedColumns.
    case secondLayerShape(rows: Int, columns: Int, expectedRows: Int, expectedColumns: Int)
    /// Non-negative least squares got `rightHandSides` entries in b for a rows × columns matrix.
    case leastSquaresRightHandSides(rows: Int, columns: Int, rightHandSides: Int)
    /// A computation needs at least `needed` of what `Shortfall` counts and has `got`.
    case tooFew(Shortfall, needed: Int, got: Int)
    /// An input that must not be empty is.
    case empty(EmptyInput)
    /// An input holds a NaN or an infinity.
    case notFinite(FiniteInput)
    /// The learning rates are not all finite and positive.
    case learningRatesNotPositive
    /// Every x (t for the exponential fits) is the same, so the fit is not determined.
    case noSpread(SpreadFit)
    /// A decay fit's values are not all positive: c = 0.9·min λ needs min λ > 0.
    case decayNeedsPositiveValues(minimum: Double)
    /// A least-squares system is singular, so the fit has no unique solution.
    case singular(SingularSystem)
    /// Non-negative least squares stopped in `loop` without converging.
    case leastSquaresDidNotConverge(LeastSquaresLoop)
    /// The projected coefficients were given a decomposition without eigenvectors.
    case projectionNeedsEigenvectors
    /// No eigenvalue is positive, so the coefficient fit has no mode.
    case noPositiveEigenvalue
    /// No learning rate has a measurement the coefficient fit can use.
    case noUsableMeasurement
    /// The coefficient comparison needs at least 2 coefficients in each list; the
    /// lists have `countA` and `countB`.
    case comparedListsTooShort(countA: Int, countB: Int)
    /// A coefficient list sums to zero (no shares).
    case allZeroCoefficients
    /// A τ window in units of ηt was asked for without a finite positive learning rate.
    case scaledWindowNeedsLearningRate
    /// The regime classification's thresholds are not all positive.
    case regimeThresholdsNotPositive
    /// A power law's confidence level lies outside (0, 1).
    case confidenceLevel(Double)
    /// A Student-t quantile's probability lies outside (0, 1).
    case quantileProbability(Double)
    /// A Student-t quantile's degrees of freedom are not finite and positive.
    case degreesOfFreedom(Double)
}

extension TheoryProblem {
    /// Which two counts differ (`lengthsDiffer`), and the order of the two counts.
    public enum LengthPair: Sendable, Equatable, CaseIterable {
        /// A line fit's x and y counts.
        case lineFit
        /// A quadratic fit's x and y counts.
        case quadraticFit
        /// A power law's x and y counts.
        case powerLaw
        /// An exponential fit's t and y counts.
        case exponentialFit
        /// A decay fit's t and value counts.
        case decayFit
        /// A correlation's x and y counts.
        case correlation
        /// The trapezoid rule's x and y counts.
        case trapezoid
        /// The τ fit's q̄ and step counts.
        case tauFit
        /// The τ law's τ and learning-rate counts.
        case tauLaw
        /// The crossover formula's coefficient and eigenvalue counts.
        case crossoverCoefficients
        /// The coefficient fit's measurement and learning-rate counts.
        case fittedMeasurements
        /// The projected coefficients' gradient entries and eigenvector length.
        case projectedGradient
        /// The derived coefficients' target rows and input rows.
        case targetRows
        /// The inputs the first layer takes and the data's input dimension.
        case firstLayerInputs
        /// The active fractions and the hidden units.
        case activeFractions
        /// The first-layer gradient's input columns and the data eigenvectors' rows.
        case dataModeGradient
        /// The regime's step and sharpness counts.
        case regimeSteps
        /// The switch-rate exponent's rate and width counts.
        case switchRates
    }

    /// What a computation has too few of (`tooFew`).
    public enum Shortfall: Sendable, Equatable, CaseIterable {
        /// A line fit's points.
        case linePoints
        /// A quadratic fit's distinct x values.
        case quadraticDistinctX
        /// An exponential fit's points with a finite y > 0.
        case exponentialPoints
        /// A decay fit's points.
        case decayPoints
        /// A correlation's pairs.
        case correlationPairs
        /// The τ law's learning rates with a finite positive τ.
        case tauLawRates
        /// The uniform coefficients' modes.
        case uniformModes
    }

    /// Which input is empty (`empty`).
    public enum EmptyInput: Sendable, Equatable, CaseIterable {
        /// A sweep's runs.
        case sweepRuns
        /// The compression series.
        case compressionSeries
        /// The finite measurements of a sharpness series.
        case finiteSharpness
        /// One of the two coefficient lists compared.
        case coefficientLists
        /// The derived coefficients' samples.
        case derivedSamples
        /// The active fractions' samples.
        case activeFractionSamples
        /// Non-negative least squares' matrix.
        case leastSquaresMatrix
    }

    /// Which input holds a NaN or an infinity (`notFinite`).
    public enum FiniteInput: Sendable, Equatable, CaseIterable {
        /// A line fit's x or y values.
        case lineFit
        /// A quadratic fit's x or y values.
        case quadraticFit
        /// A decay fit's t or values.
        case decayFit
        /// A correlation's values.
        case correlation
        /// A sweep run's x.
        case sweepX
        /// The crossover formula's eigenvalues or coefficients.
        case crossoverSpectrum
        /// The coefficient fit's eigenvalues.
        case eigenvalues
        /// The coefficients compared.
        case coefficients
        /// The projected coefficients' gradient, imbalance or eigenvectors.
        case projection
        /// The derived coefficients' inputs, targets or weights.
        case derivedInputs
        /// Non-negative least squares' matrix or right-hand side.
        case leastSquares
    }

    /// Which fit has no spread in x (`noSpread`).
    public enum SpreadFit: Sendable, Equatable, CaseIterable {
        case line, exponential, decay, powerLaw
    }

    /// Which system is singular (`singular`).
    public enum SingularSystem: Sendable, Equatable, CaseIterable {
        /// The quadratic fit's normal equations.
        case quadraticFit
        /// The τ law's two line fits.
        case tauLaw
        /// A passive set of non-negative least squares.
        case leastSquaresPassiveSet
    }

    /// Where non-negative least squares stopped (`leastSquaresDidNotConverge`).
    public enum LeastSquaresLoop: Sendable, Equatable {
        /// The main loop, after `iterations` iterations.
        case outer(iterations: Int)
        /// The inner loop that keeps the solution feasible.
        case inner
    }
}
