import NoetherEngine
import NoetherSyntax

/// A Hutchinson trace estimate.
public struct TraceObject: NoetherObject, FieldTable {
    public let estimate: TraceEstimate
    public let curvature: String
    public let dimension: Int

    public init(_ estimate: TraceEstimate, curvature: String, dimension: Int) {
        self.estimate = estimate
        self.curvature = curvature
        self.dimension = dimension
    }

    public static let typeName = "trace_estimate"
    public static let fields: [ObjectField<TraceObject>] = [
        ObjectField("value", "the estimate (1/N) Σ_p z_pᵀ A z_p of tr(A)", \.estimate.estimate),
        ObjectField(
            "stderr", "its standard error: sample std (ddof 1) of the N values / √N (nan for N = 1)",
            \.estimate.standardError),
        ObjectField("samples", "the N values z_pᵀ A z_p", \.estimate.samples),
        ObjectField("probes", "N, the number of Rademacher probes", \.estimate.probes),
        ObjectField("dimension", "P, the size of the matrix", \.dimension),
        ObjectField("curvature", "which matrix: hessian, gauss_newton or jtj", \.curvature),
    ]

    public var summary: String {
        "trace of \(curvature) ≈ \(formatSummary(estimate.estimate)) ± \(formatSummary(estimate.standardError, digits: 2)) "
            + "(Hutchinson, \(estimate.probes) probes, P = \(dimension); ± one standard error)"
    }

}
