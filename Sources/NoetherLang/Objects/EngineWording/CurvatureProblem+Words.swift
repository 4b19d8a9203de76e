import NoetherEngine

extension CurvatureProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        case .stopped:
            "the computation was stopped before it finished"
        case .needsSamples(.covariance):
            "the covariance needs at least one sample"
        case .needsSamples(.curvature):
            "curvature needs at least one sample"
        case .emptyOperator(.lanczos):
            "lanczos needs a non-empty operator"
        case .emptyOperator(.density):
            "the density needs a non-empty operator"
        case .vectorLength(.startVector, let entries, let expected):
            "the start vector has \(entries) entries, the operator \(expected)"
        case .vectorLength(.productDirection, let entries, let expected):
            "the vector has \(entries) entries, the network \(expected) parameters"
        case .notSquare(let rows, let columns):
            "eigenvalues need a square matrix, got \(rows)×\(columns)"
        case .eigenvalueCount(let k, let order):
            "the number of eigenvalues must be between 1 and \(order), got \(k)"
        case .nonFiniteMatrix:
            "the matrix has non-finite entries"
        case .notSymmetric(let asymmetry):
            "the matrix is not symmetric (max |a_ij − a_ji| = \(formatNumber(asymmetry)))"
        case .unknownParameterBlock(let block, let valid):
            "unknown parameter block '\(block.name)'; this network has "
                + valid.map { "'\($0.name)'" }.joined(separator: ", ")
        case .boundNeedsLabels(let dataset):
            "the cross-entropy bound needs class labels, but '\(dataset)' has real-valued targets"
        case .eigensolverFailed(let failure):
            failure.words
        }
    }
}

extension LAPACKError {
    /// The routine's name and what its `info` says.
    var words: String {
        info < 0
            ? "\(routine.name): argument \(-info) had an illegal value (internal error)"
            : "\(routine.name): the algorithm failed to converge (info=\(info))"
    }
}

extension LAPACKRoutine {
    /// LAPACK's name of the routine.
    var name: String {
        switch self {
        case .dsyevd: "dsyevd"
        case .dsyevd2stage: "dsyevd_2stage"
        case .dsyevr: "dsyevr"
        case .dstevr: "dstevr"
        }
    }
}
