import NoetherEngine
import NoetherSyntax

/// The cross-entropy compression bound of theory.md §5 beside the true λ_max.
public struct CompressionBoundObject: NoetherObject, FieldTable {
    public let bound: CompressionBound
    public let dimension: Int

    public init(_ bound: CompressionBound, dimension: Int) {
        self.bound = bound
        self.dimension = dimension
    }

    public static let typeName = "compression_bound"
    public static let fields: [ObjectField<CompressionBoundObject>] = [
        ObjectField(
            "jtj_max", "λ_max(JᵀJ/n), J the (nK × P) output Jacobian: the bound's first factor", \.bound.jacobianGramMax
        ),
        ObjectField(
            "max_qvar", "max_i q_i(1 − q_i), q_i the correct-class probability: the second factor",
            \.bound.maxConfidenceVariance),
        ObjectField("bound", "the paper's bound jtj_max · max_qvar", \.bound.bound),
        ObjectField("output_curvature_max", "max_i λ_max(diag p_i − p_i p_iᵀ)", \.bound.outputCurvatureMax),
        ObjectField(
            "rigorous_bound", "jtj_max · output_curvature_max, a bound on λ_max(G) that always holds",
            \.bound.rigorousBound),
        ObjectField(
            "gn_max", "the true λ_max of the cross-entropy Gauss–Newton matrix G = Jᵀ S J / n", \.bound.gaussNewtonMax),
        ObjectField("hessian_max", "the true λ_max of the full cross-entropy Hessian", \.bound.hessianMax),
        ObjectField("holds", "whether gn_max ≤ bound (the paper's bound held here)", \.bound.paperBoundHolds),
        ObjectField(
            "rigorous_holds", "whether gn_max ≤ rigorous_bound (always, up to rounding)", \.bound.rigorousBoundHolds),
        ObjectField(
            "hessian_holds", "whether hessian_max ≤ bound (not implied: H − G is outside the bound)", \.hessianHolds),
        ObjectField("q_mean", "mean correct-class probability q̄", \.bound.meanConfidence),
        ObjectField("q_min", "smallest q_i", \.bound.minConfidence),
        ObjectField("q_max", "largest q_i", \.bound.maxConfidence),
        ObjectField("qvar_mean", "mean of q_i(1 − q_i)", \.bound.meanConfidenceVariance),
        ObjectField("method", "how the three λ_max were computed: dense or lanczos", \.methodName),
        ObjectField("dimension", "P, the number of parameters", \.dimension),
    ]

    /// The method as the `method` argument names it ("dense" or "lanczos").
    var methodName: String { Choices.sharpnessMethod.name(of: bound.method) ?? "" }

    var hessianHolds: Bool { bound.hessianMax <= bound.bound * (1 + 1e-9) + 1e-300 }

    public var summary: String {
        let b = bound
        func verdict(_ ok: Bool) -> String { ok ? "holds" : "fails" }
        var s =
            "cross-entropy compression bound (\(methodName), P = \(dimension)), q̄ = \(formatSummary(b.meanConfidence, digits: 4))"
        s +=
            "\n  λ_max(JᵀJ/n) \(formatSummary(b.jacobianGramMax)) × max q(1−q) \(formatSummary(b.maxConfidenceVariance))"
        s += " = bound \(formatSummary(b.bound))"
        s +=
            "\n  rigorous: λ_max(JᵀJ/n) × max λ_max(S_i) \(formatSummary(b.outputCurvatureMax)) = \(formatSummary(b.rigorousBound))"
        s += "\n  true λ_max: gauss-newton \(formatSummary(b.gaussNewtonMax)), hessian \(formatSummary(b.hessianMax))"
        s +=
            "\n  paper's bound \(verdict(b.paperBoundHolds)) for G, rigorous bound \(verdict(b.rigorousBoundHolds)) for G"
        s += "; paper's bound \(verdict(hessianHolds)) for H"
        return s
    }

}
