/// Errors the engine reports to its callers, as data: each case says what went wrong
/// with the numbers and typed values involved, and carries no sentence. NoetherLang
/// words them (`Objects/EngineWording/`, `EngineError.message`) and adds the position.
public enum EngineError: Error, Sendable, Equatable {
    /// The file at `path` could not be read or written, or its content is not what it
    /// claims: `problem` says what, as data.
    case file(path: String, FileProblem)
    /// The file or folder at `path`, wanted for `purpose`, does not exist (a batch run
    /// exits with status 66).
    case missingFile(path: String, MissingFile)
    /// An argument outside its domain, named by what it is: the language says which
    /// argument label that is and words the requirement.
    case outOfDomain(EngineArgument, Requirement, got: ArgumentValue)
    /// An allocation of `needed` bytes for `use` would exceed the `available` memory
    /// budget (`MemoryBudget`); nothing was allocated.
    case outOfMemory(needed: Int, available: Int, use: MemoryUse)
    /// A fit needs `needed` usable points and has `used`; `leftOut` are the points
    /// its options or the data left out (the caller says why, from their status).
    case tooFewPoints(needed: Int, used: Int, leftOut: [SweepPoint])
    /// A theory computation (a fit, the crossover formula, coefficients, compression,
    /// the regime) refused its input or could not finish, said as data.
    case theory(TheoryProblem)
    /// A dataset (synthetic, CSV, MNIST, a split) refused its arguments or content.
    case data(DataProblem)
    /// A network, its initialization or its training refused its input.
    case network(NetworkProblem)
    /// A curvature computation (HVP, Lanczos, densities, dense spectra) refused its
    /// input or its solver failed.
    case curvature(CurvatureProblem)
}

/// An argument the engine checks, by what it is (the language knows its label).
public enum EngineArgument: Sendable, Equatable {
    case sampleCount, inputDimension, classCount, separation, noise, innerRadius, outerRadius
    case hiddenWidth, outputCount, splitFraction, initialScale
    case lanczosSteps, ritzPairs, powerIterations, probes, quadratureSteps, gridPoints, broadening, blockSize
    case learningRate, weightDecay, momentum, adamBeta1, adamBeta2, adamEpsilon, batchSize
    case steps, recordInterval, stopLoss, divergenceLoss, sharpnessInterval
    case powerLawFloor, bootstrapSamples
    /// The coefficient fit's number of λ bins.
    case bins
    /// The coefficient comparison's K′, the entries its sorted-rank R keeps.
    case comparedCount
}

/// What an argument must satisfy.
public enum Requirement: Sendable, Equatable {
    /// An integer ≥ the bound.
    case atLeast(Int)
    /// An integer ≥ 0.
    case nonNegative
    /// An integer in 1…count: a number of samples of the dataset named.
    case sampleCount(upTo: Int, dataset: String)
    case finiteNonNegative
    case finite
    case positive
    /// 0 < x < 1.
    case strictlyBetweenZeroAndOne
    /// 0 ≤ x < 1.
    case unitIntervalExcludingOne
    /// A finite x > 0.
    case finitePositive
    /// Not NaN.
    case notNaN
    /// An integer in lower…upper.
    case between(Int, Int)
}

/// The value an argument had.
public enum ArgumentValue: Sendable, Equatable {
    case integer(Int)
    case number(Double)
}

/// What an allocation the memory budget refused was for.
public enum MemoryUse: Sendable, Equatable {
    /// Reading a file whole.
    case readingFile(path: String)
    /// A CSV file of `bytes` bytes (at most `rowLimit` rows are read).
    case csvFile(path: String, bytes: Int, rowLimit: Int)
    /// `items` IDX items of `itemBytes` bytes each.
    case idxItems(Int, itemBytes: Int, path: String)
    /// A network file announcing `parameters` parameters.
    case networkFile(path: String, parameters: Int)
    /// Dense curvature matrices over `dimension` parameters (a Hessian, or a Hessian
    /// and its Gauss–Newton part …).
    case denseCurvature([CurvatureKind], dimension: Int)
    /// The eigendecomposition of an order-`order` matrix.
    case eigendecomposition(order: Int)
    /// The (rows × columns) output Jacobian.
    case jacobian(rows: Int, columns: Int)
    /// The order-`order` tangent kernel.
    case tangentKernel(order: Int)
    /// Reading the script at `path` (`bytes` bytes): its text, tokens and syntax tree.
    case script(path: String, bytes: Int)
    /// Lanczos keeping `vectors` vectors of `parameters` numbers.
    case lanczosVectors(Int, parameters: Int)
    /// `probes` Lanczos runs of `steps` steps over `parameters` parameters (a spectral
    /// density), keeping every run's vectors when `reorthogonalized`.
    case densityProbes(Int, steps: Int, parameters: Int, reorthogonalized: Bool)
}
