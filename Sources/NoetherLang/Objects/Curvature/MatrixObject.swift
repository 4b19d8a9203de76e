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
    /// max |a_ij − a_ji| (NaN when not square).
    public let symmetryError: Double
    public let maxAbs: Double
    public let frobenius: Double
    /// Σ a_ii (NaN when not square).
    public let trace: Double
    public let diagonalMin: Double
    public let diagonalMax: Double

    public init(_ matrix: Matrix, kind: String, blocks: [String] = []) {
        self.matrix = matrix
        self.kind = kind
        self.blocks = blocks
        let r = matrix.rows
        let c = matrix.columns
        var maxAbs = 0.0
        var sumSquares = 0.0
        var asymmetry = 0.0
        var trace = 0.0
        var dMin = Double.infinity
        var dMax = -Double.infinity
        matrix.storage.withUnsafeBufferPointer { a in
            for x in a {
                maxAbs = Swift.max(maxAbs, abs(x))
                sumSquares += x * x
            }
            if r == c {
                for i in 0..<r {
                    let d = a[i * c + i]
                    trace += d
                    dMin = Swift.min(dMin, d)
                    dMax = Swift.max(dMax, d)
                }
                // Upper triangle against its mirror, in 64×64 tiles for cache locality.
                let tile = 64
                var i0 = 0
                while i0 < r {
                    var j0 = i0
                    while j0 < c {
                        for i in i0..<Swift.min(i0 + tile, r) {
                            let lo = Swift.max(j0, i + 1)
                            let hi = Swift.min(j0 + tile, c)
                            if lo >= hi { continue }
                            for j in lo..<hi { asymmetry = Swift.max(asymmetry, abs(a[i * c + j] - a[j * c + i])) }
                        }
                        j0 += tile
                    }
                    i0 += tile
                }
            }
        }
        // NaN entries make max() skip them; report them as NaN statistics instead.
        let finite = matrix.isFinite
        self.maxAbs = finite ? maxAbs : .nan
        self.frobenius = sumSquares.squareRoot()
        self.symmetryError = r == c && finite ? asymmetry : .nan
        self.trace = r == c ? trace : .nan
        self.diagonalMin = r == c && r > 0 ? dMin : .nan
        self.diagonalMax = r == c && r > 0 ? dMax : .nan
    }

    public var isSquare: Bool { matrix.rows == matrix.columns }

    public static let typeName = "matrix"
    public static let fields: [ObjectField<MatrixObject>] = [
        ObjectField("rows", "number of rows") { o in .number(Double(o.matrix.rows)) },
        ObjectField("columns", "number of columns") { o in .number(Double(o.matrix.columns)) },
        ObjectField("kind", "what it is: hessian, gauss_newton, gn_residual, jacobian, ntk") { o in .string(o.kind) },
        ObjectField("blocks", "the parameter blocks its rows and columns cover, e.g. [\"W1\", \"W2\"]") { o in
            .list(o.blocks.map { .string($0) })
        },
        ObjectField("diag", "the diagonal (square matrices)") { o in o.isSquare ? .numbers(o.diagonal) : .nothing },
        ObjectField("trace", "Σ a_ii (square matrices)") { o in .number(o.trace) },
        ObjectField("symmetry_error", "max |a_ij − a_ji| (square matrices; 0 for assembled Hessians)") { o in
            .number(o.symmetryError)
        },
        ObjectField("max_abs", "max |a_ij|") { o in .number(o.maxAbs) },
        ObjectField("frobenius", "the Frobenius norm (Σ a_ij²)^½") { o in .number(o.frobenius) },
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
            s += ": symmetry error \(formatSummary(symmetryError, digits: 2)), trace \(formatSummary(trace))"
            s += ", diagonal in [\(formatSummary(diagonalMin)), \(formatSummary(diagonalMax))]"
            s += ", max |a_ij| \(formatSummary(maxAbs))"
        } else {
            s += ": max |a_ij| \(formatSummary(maxAbs)), frobenius norm \(formatSummary(frobenius))"
        }
        return s
    }

}
