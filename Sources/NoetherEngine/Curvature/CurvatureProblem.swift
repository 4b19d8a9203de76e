/// What a curvature computation refused, or how its solver failed. The language words
/// it (`CurvatureProblem+Words.swift`).
public enum CurvatureProblem: Sendable, Equatable {
    /// The computation's `CurvatureProgress` callback asked it to stop (`EngineError.stopped`).
    case stopped
    /// A computation over the samples of a dataset that has none.
    case needsSamples(SampleUse)
    /// An iteration on an operator of dimension 0.
    case emptyOperator(OperatorUse)
    /// A vector of `entries` entries where `expected` were needed.
    case vectorLength(VectorUse, entries: Int, expected: Int)
    /// An eigen-decomposition of a `rows`×`columns` matrix that is not square.
    case notSquare(rows: Int, columns: Int)
    /// A number `k` of eigenvalues outside 1…`order`.
    case eigenvalueCount(Int, order: Int)
    /// A matrix with NaN or ±∞ entries given to an eigensolver.
    case nonFiniteMatrix
    /// A matrix given to a symmetric eigensolver with max |a_ij − a_ji| = `asymmetry`.
    case notSymmetric(asymmetry: Double)
    /// A parameter block that the network does not have (`valid`: the blocks it has).
    case unknownParameterBlock(ParameterBlock, valid: [ParameterBlock])
    /// The cross-entropy compression bound on a dataset with real-valued targets.
    case boundNeedsLabels(dataset: String)
    /// A LAPACK eigensolver reported failure.
    case eigensolverFailed(LAPACKError)

    /// What a computation needed samples for.
    public enum SampleUse: Sendable, Equatable {
        /// The data covariance.
        case covariance
        /// A Hessian (or Gauss–Newton, JᵀJ/n) workspace.
        case curvature
    }

    /// Which iteration was given an empty operator.
    public enum OperatorUse: Sendable, Equatable {
        case lanczos
        case density
    }

    /// What a vector of the wrong length was.
    public enum VectorUse: Sendable, Equatable {
        /// A start vector of an iteration (`expected`: the operator's dimension).
        case startVector
        /// The direction of a Hessian–vector product (`expected`: the network's parameters).
        case productDirection
    }
}
