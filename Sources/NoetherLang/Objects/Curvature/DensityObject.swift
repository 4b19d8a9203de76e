#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// A spectral density by stochastic Lanczos quadrature.
public struct DensityObject: NoetherObject, FieldTable {
    public let density: SpectralDensity
    public let curvature: String

    public init(_ density: SpectralDensity, curvature: String) {
        self.density = density
        self.curvature = curvature
    }

    var support: (Double, Double) { density.support }
    var traceEstimate: Double { density.traceEstimate }

    public static let typeName = "spectral_density"
    public static let fields: [ObjectField<DensityObject>] = [
        ObjectField("grid", "evaluation points λ, evenly spaced over the support ± 5σ", \.density.grid),
        ObjectField(
            "density", "φ(λ) at each grid point: the eigenvalue density broadened by N(0, σ²); integrates to ≈ 1",
            \.density.density),
        ObjectField("nodes", "Gauss quadrature nodes (Ritz values), one list per probe") { o in
            .list(o.density.nodes.map { .numbers($0) })
        },
        ObjectField("weights", "quadrature weights, one list per probe (each sums to 1)") { o in
            .list(o.density.weights.map { .numbers($0) })
        },
        ObjectField("sigma", "the Gaussian broadening σ", \.density.sigma),
        ObjectField("min", "the smallest node (≈ λ_min)", \.support.0),
        ObjectField("max", "the largest node (≈ λ_max)", \.support.1),
        ObjectField("trace", "the SLQ estimate of the trace, P · mean over probes of Σ_j τ_j θ_j", \.traceEstimate),
        ObjectField("probes", "number of random probe vectors", \.density.probes),
        ObjectField("steps", "Lanczos steps per probe", \.density.steps),
        ObjectField("dimension", "P, the size of the matrix", \.density.dimension),
        ObjectField("curvature", "which matrix: hessian, gauss_newton or jtj", \.curvature),
    ]

    public var summary: String {
        let (lo, hi) = support
        var s =
            "spectral density of \(curvature) (SLQ): \(density.probes) probes × \(density.steps) steps, P = \(density.dimension)"
        s += "\n  support [\(formatSummary(lo)), \(formatSummary(hi))], σ = \(formatSummary(density.sigma, digits: 3))"
        s += ", trace ≈ \(formatSummary(traceEstimate))"
        s +=
            "\n  \(sparkline(density.density)) (log scale, \(formatSummary(density.grid.first ?? .nan)) … \(formatSummary(density.grid.last ?? .nan)))"
        return s
    }

}

/// A 48-character picture of a non-negative curve on a log scale (four decades
/// below its maximum; blank below that).
func sparkline(_ ys: [Double], width: Int = 48) -> String {
    guard !ys.isEmpty, let top = ys.max(), top > 0 else { return "" }
    let levels = Array("▁▂▃▄▅▆▇█")
    let floor = top * 1e-4
    let span = log10(top) - log10(floor)
    var out = ""
    for c in 0..<width {
        let lo = c * ys.count / width
        let hi = Swift.max(lo + 1, (c + 1) * ys.count / width)
        let y = ys[lo..<Swift.min(hi, ys.count)].max() ?? 0
        if y <= floor {
            out.append(" ")
        } else {
            let t = (log10(y) - log10(floor)) / span
            out.append(levels[Swift.min(levels.count - 1, Int(t * Double(levels.count)))])
        }
    }
    return out
}
