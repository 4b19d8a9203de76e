import NoetherEngine
import NoetherLangTestSupport
import Testing

@testable import NoetherLang

/// Every case of `NetworkProblem` and `CurvatureProblem` has its words here: the
/// sentences users read, which the engine used to write itself.
@Suite struct NetworkCurvatureWordingTests {
    @Test func networkProblemsAreWorded() {
        let expected: [(NetworkProblem, String)] = [
            (.tooFewLayerSizes([3]), "a network needs at least an input and an output size, got [3]"),
            (.layerSizeBelowOne(0, sizes: [2, 0, 1]), "every layer size must be at least 1, got 0 in [2, 0, 1]"),
            (
                .balancingNeedsHomogeneousActivation(.tanh),
                "balancing needs a positively homogeneous activation; "
                    + "rescaling the layers of this network would change its function"
            ),
            (.balancingZeroLayer(layer: 1), "cannot balance a network whose layer 2 is all zeros while others are not"),
            (.balancingNonFiniteWeights, "cannot balance a network with non-finite weights"),
            (.inputsDiffer(network: 3, data: 4), "the network takes 3 inputs but the data have 4 features"),
            (.inputsDiffer(network: 1, data: 2), "the network takes 1 input but the data have 2 features"),
            (
                .outputsDiffer(network: 2, data: 3, classification: true),
                "the network has 2 outputs but the data have 3 classes"
            ),
            (
                .outputsDiffer(network: 2, data: 1, classification: false),
                "the network has 2 outputs but the data have 1 target column"
            ),
            (
                .outputsDiffer(network: 1, data: 3, classification: false),
                "the network has 1 output but the data have 3 target columns"
            ),
            (
                .lossNeedsLabels(.interpolated(0.25), dataset: "teacher_student"),
                "interpolated_loss(0.25) needs class labels, but 'teacher_student' has real-valued targets; use mse"
            ),
            (
                .batchExceedsSamples(batch: 41, samples: 40, dataset: "xor2d"),
                "the sgd batch size 41 exceeds the 40 samples of 'xor2d'"
            ),
            (.noSamples(dataset: "csv"), "'csv' has no samples"),
            (.checkpointOutsideRun(11, steps: 10), "checkpoint 11 lies outside the run's steps 0…10"),
            (
                .patternProbeNeedsHiddenLayer,
                "the activation-pattern probe needs a hidden layer, but the network has none"
            ),
            (.stoppedBeforeCheckpoint(200, stoppedAt: 121), "the run stopped at step 121 before checkpoint 200"),
            (.notACheckpoint(7, kept: [0, 25, 60]), "step 7 is not a checkpoint of this run (checkpoints: 0, 25, 60)"),
            (.notACheckpoint(7, kept: []), "step 7 is not a checkpoint of this run (checkpoints: none)"),
        ]
        for (problem, words) in expected { #expect(EngineError.network(problem).message == words) }
    }

    @Test func curvatureProblemsAreWorded() {
        let expected: [(CurvatureProblem, String)] = [
            (.stopped, "the computation was stopped before it finished"),
            (.needsSamples(.covariance), "the covariance needs at least one sample"),
            (.needsSamples(.curvature), "curvature needs at least one sample"),
            (.emptyOperator(.lanczos), "lanczos needs a non-empty operator"),
            (.emptyOperator(.density), "the density needs a non-empty operator"),
            (
                .vectorLength(.startVector, entries: 3, expected: 4),
                "the start vector has 3 entries, the operator 4"
            ),
            (
                .vectorLength(.productDirection, entries: 3, expected: 42),
                "the vector has 3 entries, the network 42 parameters"
            ),
            (.notSquare(rows: 90, columns: 42), "eigenvalues need a square matrix, got 90×42"),
            (.eigenvalueCount(3, order: 2), "the number of eigenvalues must be between 1 and 2, got 3"),
            (.nonFiniteMatrix, "the matrix has non-finite entries"),
            (.notSymmetric(asymmetry: 0.25), "the matrix is not symmetric (max |a_ij − a_ji| = 0.25)"),
            (.notSymmetric(asymmetry: 2), "the matrix is not symmetric (max |a_ij − a_ji| = 2)"),
            (
                .unknownParameterBlock(.bias(1), valid: [.weights(0), .bias(0), .weights(1)]),
                "unknown parameter block 'b2'; this network has 'W1', 'b1', 'W2'"
            ),
            (
                .boundNeedsLabels(dataset: "teacher_student"),
                "the cross-entropy bound needs class labels, but 'teacher_student' has real-valued targets"
            ),
            (
                .eigensolverFailed(LAPACKError(routine: .dstevr, info: 3)),
                "dstevr: the algorithm failed to converge (info=3)"
            ),
            (
                .eigensolverFailed(LAPACKError(routine: .dsyevd2stage, info: -4)),
                "dsyevd_2stage: argument 4 had an illegal value (internal error)"
            ),
            (
                .eigensolverFailed(LAPACKError(routine: .dsyevd, info: 1)),
                "dsyevd: the algorithm failed to converge (info=1)"
            ),
            (
                .eigensolverFailed(LAPACKError(routine: .dsyevr, info: 2)),
                "dsyevr: the algorithm failed to converge (info=2)"
            ),
        ]
        for (problem, words) in expected { #expect(EngineError.curvature(problem).message == words) }
        #expect(EngineError.stopped.isStopped && EngineError.stopped == .curvature(.stopped))
    }

    /// LAPACK refusing an argument (info < 0) is Noether's bug, reported as an internal
    /// error (exit status 70); failing to converge is the matrix's doing, a runtime error.
    @Test func illegalLAPACKArgumentsAreInternalErrors() {
        let illegal = EngineError.curvature(.eigensolverFailed(LAPACKError(routine: .dsyevd, info: -4)))
        #expect(illegal.diagnosticKind == .internalError)
        let unconverged = EngineError.curvature(.eigensolverFailed(LAPACKError(routine: .dsyevd, info: 3)))
        #expect(unconverged.diagnosticKind == .runtime)
        #expect(EngineError.curvature(.nonFiniteMatrix).diagnosticKind == .runtime)
    }

    /// The engine throws these values, and the language words them, end to end.
    @Test func engineThrowsTheWordedValues() throws {
        #expect(
            message { () throws(EngineError) in _ = try Network.mlp(sizes: [3], activation: .relu, bias: false, seed: 0)
            }
                == "a network needs at least an input and an output size, got [3]")
        let net = try Network.mlp(sizes: [2, 3, 2], activation: .relu, bias: false, seed: 0)
        let data = try xor2d(name: "xor2d", n: 4, seed: 0)
        #expect(
            message { () throws(EngineError) in _ = try net.hessianVectorProduct(data: data, loss: .mse, vector: [1]) }
                == "the vector has 1 entries, the network 12 parameters")
        #expect(
            message { () throws(EngineError) in _ = try eigs(Matrix([[1, 0.5], [0, 1]])) }
                == "the matrix is not symmetric (max |a_ij − a_ji| = 0.5)")
    }
}
