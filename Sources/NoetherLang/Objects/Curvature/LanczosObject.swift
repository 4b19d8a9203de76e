import NoetherEngine
import NoetherSyntax

/// The result of `lanczos`: extreme Ritz pairs with their residual bounds.
public struct LanczosObject: NoetherObject, FieldTable {
    public let result: LanczosResult
    /// Which matrix: `hessian`, `gauss_newton`, `jtj`.
    public let curvature: String
    public let dimension: Int
    public let reorthogonalized: Bool
    /// The stopping tolerance, when one was given.
    public let tolerance: Double?

    public init(_ result: LanczosResult, curvature: String, dimension: Int, reorthogonalized: Bool, tolerance: Double?)
    {
        self.result = result
        self.curvature = curvature
        self.dimension = dimension
        self.reorthogonalized = reorthogonalized
        self.tolerance = tolerance
    }

    public static let typeName = "lanczos_result"
    public static let fields: [ObjectField<LanczosObject>] = [
        ObjectField("top", "the k largest Ritz values, largest first") { o in .numbers(o.result.top.map(\.value)) },
        ObjectField("bottom", "the k smallest Ritz values, smallest first") { o in
            .numbers(o.result.bottom.map(\.value))
        },
        ObjectField("top_residuals", "bounds on ‖Ay − θy‖ for 'top': each θ is that close to a true eigenvalue") { o in
            .numbers(o.result.top.map(\.residual))
        },
        ObjectField("bottom_residuals", "the same bounds for 'bottom'") { o in .numbers(o.result.bottom.map(\.residual))
        },
        ObjectField("max", "the largest Ritz value (≈ λ_max)") { o in
            o.result.top.first.map { .number($0.value) } ?? .nothing
        },
        ObjectField("min", "the smallest Ritz value (≈ λ_min)") { o in
            o.result.bottom.first.map { .number($0.value) } ?? .nothing
        },
        ObjectField("ritz", "all Ritz values, ascending", \.result.ritzValues),
        ObjectField("residuals", "the residual bounds of 'ritz'", \.result.residualBounds),
        ObjectField("steps", "Krylov dimension built (products used)", \.result.steps),
        ObjectField("converged", "whether 'tol' was met (false when no tol was given)", \.result.converged),
        ObjectField("alpha", "diagonal of the tridiagonal matrix T", \.result.diagonal),
        ObjectField("beta", "off-diagonal of T (0 marks a restart)", \.result.offDiagonal),
        ObjectField(
            "top_vectors", "unit Ritz vectors of 'top' (when vectors=true; in JSON null above 10⁶ numbers)",
            json: .custom { o in o.vectorsJSON(o.result.top) }
        ) { o in o.vectors(o.result.top) },
        ObjectField(
            "bottom_vectors", "unit Ritz vectors of 'bottom' (when vectors=true; in JSON null above 10⁶ numbers)",
            json: .custom { o in o.vectorsJSON(o.result.bottom) }
        ) { o in o.vectors(o.result.bottom) },
        ObjectField("dimension", "P, the size of the matrix", \.dimension),
        ObjectField("curvature", "which matrix: hessian, gauss_newton or jtj", \.curvature),
        ObjectField(
            "reorthogonalize", "whether every step was reorthogonalized (without it, expect spurious copies)",
            \.reorthogonalized),
    ]

    /// Both vector lists go into JSON when together they hold at most `jsonEntryLimit` numbers.
    private func vectorsJSON(_ pairs: [RitzPair]) -> JSONValue {
        2 * result.top.count * dimension <= jsonEntryLimit ? vectors(pairs).json : .null
    }

    private func vectors(_ pairs: [RitzPair]) -> Value {
        pairs.first?.vector == nil ? .nothing : .list(pairs.map { .numbers($0.vector ?? []) })
    }

    public var summary: String {
        var s = "lanczos on \(curvature): \(result.steps) steps (P = \(dimension), "
        s += reorthogonalized ? "full reorthogonalization)" : "no reorthogonalization: expect spurious copies)"
        if let tolerance {
            s +=
                result.converged
                ? ", converged to tol \(formatSummary(tolerance))"
                : ", not converged to tol \(formatSummary(tolerance))"
        }
        let topBound = result.top.map(\.residual).max() ?? .nan
        let bottomBound = result.bottom.map(\.residual).max() ?? .nan
        s +=
            "\n  top    \(formatSummary(result.top.map(\.value)))  residual bounds ≤ \(formatSummary(topBound, digits: 2))"
        s +=
            "\n  bottom \(formatSummary(result.bottom.map(\.value)))  residual bounds ≤ \(formatSummary(bottomBound, digits: 2))"
        return s
    }

}
