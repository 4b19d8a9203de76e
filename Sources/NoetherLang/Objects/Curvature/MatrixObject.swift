import NoetherEngine
import NoetherSyntax

/// A dense matrix as a language value: a Hessian, Gauss–Newton matrix or residual
/// (over parameter blocks), a Jacobian, a tangent kernel.
public struct MatrixObject: NoetherObject, FieldTable {
    public let matrix: Matrix
    /// What it is: `hessian`, `gauss_newton`, `gn_residual`, `jacobian`, `ntk`, `matrix`.
    public let kind: String
    /// The parameter blocks its rows and columns cover (curvature matrices), in order.
    public let blocks: [String]
    /// max |a|, the Frobenius norm, the trace, the symmetry error (see `MatrixStatistics`).
    public let statistics: MatrixStatistics

    public init(_ matrix: Matrix, kind: String, blocks: [String] = []) {
        self.matrix = matrix
        self.kind = kind
        self.blocks = blocks
        self.statistics = MatrixStatistics(of: matrix)
    }

    public var isSquare: Bool { matrix.rows == matrix.columns }

    public static let typeName = "matrix"
    public static let fields: [ObjectField<MatrixObject>] = [
        ObjectField("rows", "number of rows", \.matrix.rows),
        ObjectField("columns", "number of columns", \.matrix.columns),
        ObjectField("kind", "what it is: hessian, gauss_newton, gn_residual, jacobian, ntk", \.kind),
        ObjectField("blocks", "the parameter blocks its rows and columns cover, e.g. [\"W1\", \"W2\"]") { o in
            .list(o.blocks.map { .string($0) })
        },
        ObjectField("diag", "the diagonal (square matrices)") { o in o.isSquare ? .numbers(o.diagonal) : .nothing },
        ObjectField("trace", "Σ a_ii (square matrices)", \.statistics.trace),
        ObjectField(
            "symmetry_error", "max |a_ij − a_ji| (square matrices; 0 for assembled Hessians)",
            \.statistics.symmetryError),
        ObjectField("max_abs", "max |a_ij|", \.statistics.maxAbs),
        ObjectField("frobenius", "the Frobenius norm (Σ a_ij²)^½", \.statistics.frobenius),
        ObjectField("row", "row(i): row i as a list (0-based; negative counts from the end)", json: .method) { o in
            .function(.builtin(Self.lineMethod(o.matrix, row: true)))
        },
        ObjectField("column", "column(j): column j as a list (for a Hessian, H·e_j)", json: .method) { o in
            .function(.builtin(Self.lineMethod(o.matrix, row: false)))
        },
        ObjectField(
            "entries",
            "every entry, as a list of rows (P² numbers: large; nothing above 10⁷ entries, use row(i); in JSON null above 10⁶)",
            json: .custom { o in
                o.matrix.count > jsonEntryLimit ? .null : .array((0..<o.matrix.rows).map { .numbers(o.matrix.row($0)) })
            }
        ) { o in
            o.matrix.count > listEntryLimit ? .nothing : .list((0..<o.matrix.rows).map { .numbers(o.matrix.row($0)) })
        },
    ]

    /// `M.row` / `M.column`: a builtin with the matrix already bound, so `H.row(3)` works.
    static func lineMethod(_ matrix: Matrix, row: Bool) -> Builtin {
        let what = row ? "row" : "column"
        let count = row ? matrix.rows : matrix.columns
        return Builtin(
            what, category: "curvature",
            abstract: "One \(what) of the matrix as a list of numbers.",
            parameters: [Parameter("index", .integer, help: "0-based \(what) index; negative counts from the end")],
            returns: "list",
            example: "H.\(what)(0)"
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            let j = try ctx.index("index", count: count) {
                "\(what) \($0) is out of range for a matrix with \(count) \(what)s"
            }
            return .numbers(row ? matrix.row(j) : (0..<matrix.rows).map { matrix[$0, j] })
        }
    }

    var diagonal: [Double] { (0..<Swift.min(matrix.rows, matrix.columns)).map { matrix[$0, $0] } }

    public var summary: String {
        var s = "matrix \(kind) \(matrix.rows)×\(matrix.columns)"
        if !blocks.isEmpty { s += " over \(blocks.joined(separator: ", "))" }
        if isSquare {
            s +=
                ": symmetry error \(formatSummary(statistics.symmetryError, digits: 2)), trace \(formatSummary(statistics.trace))"
            s += ", diagonal in [\(formatSummary(statistics.diagonalMin)), \(formatSummary(statistics.diagonalMax))]"
            s += ", max |a_ij| \(formatSummary(statistics.maxAbs))"
        } else {
            s +=
                ": max |a_ij| \(formatSummary(statistics.maxAbs)), frobenius norm \(formatSummary(statistics.frobenius))"
        }
        return s
    }

}
