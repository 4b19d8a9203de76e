#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

// The values of the curvature builtins (Builtins+Curvature.swift): dense matrices,
// spectra, Lanczos runs, spectral densities, trace estimates and the cross-entropy
// compression bound. Each computes its summary statistics once, at construction.

/// Matrices with more entries than this carry no `entries` in their JSON form.
let jsonEntryLimit = 1_000_000
/// The most numbers a field turns into one nested list (the language's own limit on
/// the elements of a value); larger matrices offer `row(i)` / `vector(i)` instead.
let listEntryLimit = 10_000_000

/// A dense matrix as a language value: a Hessian, Gauss–Newton matrix or residual
/// (over parameter blocks), a Jacobian, a tangent kernel.
public struct MatrixObject: NoetherObject {
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
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("rows", "number of rows"),
        FieldDoc("columns", "number of columns"),
        FieldDoc("kind", "what it is: hessian, gauss_newton, gn_residual, jacobian, ntk"),
        FieldDoc("blocks", "the parameter blocks its rows and columns cover, e.g. [\"W1\", \"W2\"]"),
        FieldDoc("diag", "the diagonal (square matrices)"),
        FieldDoc("trace", "Σ a_ii (square matrices)"),
        FieldDoc("symmetry_error", "max |a_ij − a_ji| (square matrices; 0 for assembled Hessians)"),
        FieldDoc("max_abs", "max |a_ij|"),
        FieldDoc("frobenius", "the Frobenius norm (Σ a_ij²)^½"),
        FieldDoc("row", "row(i): row i as a list (0-based; negative counts from the end)"),
        FieldDoc("column", "column(j): column j as a list (for a Hessian, H·e_j)"),
        FieldDoc(
            "entries", "every entry, as a list of rows (P² numbers: large; nothing above 10⁷ entries, use row(i))"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "rows": .number(Double(matrix.rows))
        case "columns": .number(Double(matrix.columns))
        case "kind": .string(kind)
        case "blocks": .list(blocks.map { .string($0) })
        case "diag": isSquare ? .numbers(diagonal) : .nothing
        case "trace": .number(trace)
        case "symmetry_error": .number(symmetryError)
        case "max_abs": .number(maxAbs)
        case "frobenius": .number(frobenius)
        case "row": .function(.builtin(Self.lineMethod(matrix, row: true)))
        case "column": .function(.builtin(Self.lineMethod(matrix, row: false)))
        case "entries":
            matrix.count > listEntryLimit ? .nothing : .list((0..<matrix.rows).map { .numbers(matrix.row($0)) })
        default: nil
        }
    }

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
            let i = try ctx.integer("index")
            let j = i < 0 ? count + i : i
            guard j >= 0 && j < count else {
                throw ctx.error(
                    "\(what) \(i) is out of range for a matrix with \(count) \(what)s", at: "index",
                    hint: "valid indices are 0…\(count - 1) or -\(count)…-1")
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

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string("matrix")), ("kind", .string(kind)),
            ("rows", .number(Double(matrix.rows))), ("columns", .number(Double(matrix.columns))),
            ("blocks", .array(blocks.map { .string($0) })),
            ("symmetry_error", .number(symmetryError)), ("trace", .number(trace)),
            ("max_abs", .number(maxAbs)), ("frobenius", .number(frobenius)),
        ]
        if isSquare { pairs.append(("diag", .numbers(diagonal))) }
        if matrix.count <= jsonEntryLimit {
            pairs.append(("entries", .array((0..<matrix.rows).map { .numbers(matrix.row($0)) })))
        }
        return .object(pairs)
    }
}

/// Eigenvalues (and optionally eigenvectors) of a symmetric matrix, with the
/// statistics of experiments.md §1.10.
public struct SpectrumObject: NoetherObject {
    public let decomposition: EigenDecomposition
    /// What the eigenvalues belong to, for the summary: `hessian`, `covariance (uncentered)` ….
    public let source: String

    public init(_ decomposition: EigenDecomposition, source: String) {
        self.decomposition = decomposition
        self.source = source
    }

    var spectrum: Spectrum { decomposition.spectrum }
    /// Largest first.
    var descending: [Double] { decomposition.values.reversed() }

    public static let typeName = "spectrum"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("values", "the computed eigenvalues, largest first"),
        FieldDoc("top", "the 10 largest computed eigenvalues (fewer if fewer), largest first"),
        FieldDoc("bottom", "the 10 smallest computed eigenvalues (fewer if fewer), smallest first"),
        FieldDoc("max", "the largest computed eigenvalue"),
        FieldDoc("min", "the smallest computed eigenvalue"),
        FieldDoc("positive", "how many computed eigenvalues are > threshold"),
        FieldDoc("negative", "how many computed eigenvalues are < −threshold"),
        FieldDoc("zero", "how many computed eigenvalues are within ±threshold"),
        FieldDoc("threshold", "the near-zero threshold of the counts (1e-8 unless given)"),
        FieldDoc("effective_rank", "Σ_{λ > threshold} λ / λ_max (nan without a positive eigenvalue)"),
        FieldDoc("width", "λ_max / median of the positive eigenvalues"),
        FieldDoc("sum", "Σ λ of the computed eigenvalues (the trace when complete)"),
        FieldDoc("count", "how many eigenvalues were computed"),
        FieldDoc("dimension", "the size of the matrix"),
        FieldDoc("complete", "whether every eigenvalue was computed"),
        FieldDoc("source", "what the eigenvalues belong to"),
        FieldDoc(
            "vectors",
            "unit eigenvectors, one list per value in the order of 'values' (when vectors=true; up to 10⁷ numbers)"),
        FieldDoc("vector", "vector(i): the unit eigenvector of values[i] (when vectors=true)"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "values": .numbers(descending)
        case "top": .numbers(Array(descending.prefix(10)))
        case "bottom": .numbers(Array(decomposition.values.prefix(10)))
        case "max": spectrum.largest.map { .number($0) } ?? .nothing
        case "min": spectrum.smallest.map { .number($0) } ?? .nothing
        case "positive": .number(Double(spectrum.positiveCount))
        case "negative": .number(Double(spectrum.negativeCount))
        case "zero": .number(Double(spectrum.nearZeroCount))
        case "threshold": .number(spectrum.threshold)
        case "effective_rank": .number(spectrum.effectiveRank)
        case "width": .number(spectrum.spectralWidth)
        case "sum": .number(spectrum.sum)
        case "count": .number(Double(decomposition.values.count))
        case "dimension": .number(Double(spectrum.dimension))
        case "complete": .bool(spectrum.isComplete)
        case "source": .string(source)
        case "vectors":
            decomposition.vectors.map {
                $0.count > listEntryLimit ? .nothing : .list(vectorsDescending.map { .numbers($0) })
            } ?? .nothing
        case "vector": decomposition.vectors == nil ? .nothing : .function(.builtin(Self.vectorMethod(decomposition)))
        default: nil
        }
    }

    /// `s.vector`: eigenvector i in the order of `values` (largest first).
    static func vectorMethod(_ e: EigenDecomposition) -> Builtin {
        let count = e.values.count
        return Builtin(
            "vector", category: "curvature",
            abstract: "The unit eigenvector of values[i] (largest eigenvalue first).",
            parameters: [
                Parameter("index", .integer, help: "0-based index into 'values'; negative counts from the end")
            ],
            returns: "list",
            example: "eigs(H, top=3, vectors=true).vector(0)"
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            let i = try ctx.integer("index")
            let j = i < 0 ? count + i : i
            guard j >= 0 && j < count else {
                throw ctx.error(
                    "eigenvector \(i) is out of range for \(count) eigenvalues", at: "index",
                    hint: "valid indices are 0…\(count - 1) or -\(count)…-1")
            }
            return .numbers(e.vector(count - 1 - j))
        }
    }

    var vectorsDescending: [[Double]] {
        guard decomposition.vectors != nil else { return [] }
        return (0..<decomposition.values.count).reversed().map { decomposition.vector($0) }
    }

    public var summary: String {
        let count = decomposition.values.count
        guard let hi = spectrum.largest, let lo = spectrum.smallest else {
            return "spectrum of \(source): no eigenvalues"
        }
        var s = "spectrum of \(source): "
        s += spectrum.isComplete ? "\(count) eigenvalues" : "\(count) of \(spectrum.dimension) eigenvalues"
        s += " in [\(formatSummary(lo)), \(formatSummary(hi))]\n"
        s += "  top \(formatSummary(Array(descending.prefix(5))))"
        if count > 5 { s += "  bottom \(formatSummary(Array(decomposition.values.prefix(3))))" }
        s += "\n  \(spectrum.positiveCount) positive, \(spectrum.negativeCount) negative, "
        s += "\(spectrum.nearZeroCount) near zero (|λ| ≤ \(formatSummary(spectrum.threshold)))"
        s +=
            "; effective rank \(formatSummary(spectrum.effectiveRank, digits: 4)), width \(formatSummary(spectrum.spectralWidth, digits: 4))"
        if !spectrum.isComplete { s += "\n  (counts, rank and width describe the \(count) computed eigenvalues only)" }
        if decomposition.vectors != nil { s += "\n  with eigenvectors (.vectors)" }
        return s
    }

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string("spectrum")), ("source", .string(source)),
            ("values", .numbers(descending)), ("dimension", .number(Double(spectrum.dimension))),
            ("complete", .bool(spectrum.isComplete)), ("threshold", .number(spectrum.threshold)),
            ("positive", .number(Double(spectrum.positiveCount))),
            ("negative", .number(Double(spectrum.negativeCount))),
            ("zero", .number(Double(spectrum.nearZeroCount))), ("effective_rank", .number(spectrum.effectiveRank)),
            ("width", .number(spectrum.spectralWidth)),
        ]
        if let v = decomposition.vectors, v.count <= jsonEntryLimit {
            pairs.append(("vectors", .array(vectorsDescending.map { .numbers($0) })))
        }
        return .object(pairs)
    }
}

/// The result of `lanczos`: extreme Ritz pairs with their residual bounds.
public struct LanczosObject: NoetherObject {
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
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("top", "the k largest Ritz values, largest first"),
        FieldDoc("bottom", "the k smallest Ritz values, smallest first"),
        FieldDoc("top_residuals", "bounds on ‖Ay − θy‖ for 'top': each θ is that close to a true eigenvalue"),
        FieldDoc("bottom_residuals", "the same bounds for 'bottom'"),
        FieldDoc("max", "the largest Ritz value (≈ λ_max)"),
        FieldDoc("min", "the smallest Ritz value (≈ λ_min)"),
        FieldDoc("ritz", "all Ritz values, ascending"),
        FieldDoc("residuals", "the residual bounds of 'ritz'"),
        FieldDoc("steps", "Krylov dimension built (products used)"),
        FieldDoc("converged", "whether 'tol' was met (false when no tol was given)"),
        FieldDoc("alpha", "diagonal of the tridiagonal matrix T"),
        FieldDoc("beta", "off-diagonal of T (0 marks a restart)"),
        FieldDoc("top_vectors", "unit Ritz vectors of 'top' (when vectors=true)"),
        FieldDoc("bottom_vectors", "unit Ritz vectors of 'bottom' (when vectors=true)"),
        FieldDoc("dimension", "P, the size of the matrix"),
        FieldDoc("curvature", "which matrix: hessian, gauss_newton or jtj"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "top": .numbers(result.top.map(\.value))
        case "bottom": .numbers(result.bottom.map(\.value))
        case "top_residuals": .numbers(result.top.map(\.residual))
        case "bottom_residuals": .numbers(result.bottom.map(\.residual))
        case "max": result.top.first.map { .number($0.value) } ?? .nothing
        case "min": result.bottom.first.map { .number($0.value) } ?? .nothing
        case "ritz": .numbers(result.ritzValues)
        case "residuals": .numbers(result.residualBounds)
        case "steps": .number(Double(result.steps))
        case "converged": .bool(result.converged)
        case "alpha": .numbers(result.diagonal)
        case "beta": .numbers(result.offDiagonal)
        case "top_vectors": vectors(result.top)
        case "bottom_vectors": vectors(result.bottom)
        case "dimension": .number(Double(dimension))
        case "curvature": .string(curvature)
        default: nil
        }
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

    public var json: JSONValue {
        var pairs: [(String, JSONValue)] = [
            ("type", .string("lanczos_result")), ("curvature", .string(curvature)),
            ("dimension", .number(Double(dimension))),
            ("steps", .number(Double(result.steps))), ("reorthogonalize", .bool(reorthogonalized)),
            ("converged", .bool(result.converged)),
            ("top", .numbers(result.top.map(\.value))), ("top_residuals", .numbers(result.top.map(\.residual))),
            ("bottom", .numbers(result.bottom.map(\.value))),
            ("bottom_residuals", .numbers(result.bottom.map(\.residual))),
            ("ritz", .numbers(result.ritzValues)), ("residuals", .numbers(result.residualBounds)),
        ]
        if result.top.first?.vector != nil, 2 * result.top.count * dimension <= jsonEntryLimit {
            pairs.append(("top_vectors", .array(result.top.map { .numbers($0.vector ?? []) })))
            pairs.append(("bottom_vectors", .array(result.bottom.map { .numbers($0.vector ?? []) })))
        }
        return .object(pairs)
    }
}

/// A spectral density by stochastic Lanczos quadrature.
public struct DensityObject: NoetherObject {
    public let density: SpectralDensity
    public let curvature: String

    public init(_ density: SpectralDensity, curvature: String) {
        self.density = density
        self.curvature = curvature
    }

    var support: (Double, Double) {
        let all = density.nodes.flatMap { $0 }
        return (all.min() ?? .nan, all.max() ?? .nan)
    }

    /// The SLQ trace estimate P·mean_probes Σ_j τ_j θ_j.
    var traceEstimate: Double { Double(density.dimension) * density.moment(1) }

    public static let typeName = "spectral_density"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("grid", "evaluation points λ, evenly spaced over the support ± 5σ"),
        FieldDoc("density", "φ(λ) at each grid point: the eigenvalue density broadened by N(0, σ²); integrates to ≈ 1"),
        FieldDoc("nodes", "Gauss quadrature nodes (Ritz values), one list per probe"),
        FieldDoc("weights", "quadrature weights, one list per probe (each sums to 1)"),
        FieldDoc("sigma", "the Gaussian broadening σ"),
        FieldDoc("min", "the smallest node (≈ λ_min)"),
        FieldDoc("max", "the largest node (≈ λ_max)"),
        FieldDoc("trace", "the SLQ estimate of the trace, P · mean over probes of Σ_j τ_j θ_j"),
        FieldDoc("probes", "number of random probe vectors"),
        FieldDoc("steps", "Lanczos steps per probe"),
        FieldDoc("dimension", "P, the size of the matrix"),
        FieldDoc("curvature", "which matrix: hessian, gauss_newton or jtj"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "grid": .numbers(density.grid)
        case "density": .numbers(density.density)
        case "nodes": .list(density.nodes.map { .numbers($0) })
        case "weights": .list(density.weights.map { .numbers($0) })
        case "sigma": .number(density.sigma)
        case "min": .number(support.0)
        case "max": .number(support.1)
        case "trace": .number(traceEstimate)
        case "probes": .number(Double(density.probes))
        case "steps": .number(Double(density.steps))
        case "dimension": .number(Double(density.dimension))
        case "curvature": .string(curvature)
        default: nil
        }
    }

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

    public var json: JSONValue {
        .object([
            ("type", .string("spectral_density")), ("curvature", .string(curvature)),
            ("dimension", .number(Double(density.dimension))), ("probes", .number(Double(density.probes))),
            ("steps", .number(Double(density.steps))), ("sigma", .number(density.sigma)),
            ("trace", .number(traceEstimate)),
            ("grid", .numbers(density.grid)), ("density", .numbers(density.density)),
            ("nodes", .array(density.nodes.map { .numbers($0) })),
            ("weights", .array(density.weights.map { .numbers($0) })),
        ])
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

/// A Hutchinson trace estimate.
public struct TraceObject: NoetherObject {
    public let estimate: TraceEstimate
    public let curvature: String
    public let dimension: Int

    public init(_ estimate: TraceEstimate, curvature: String, dimension: Int) {
        self.estimate = estimate
        self.curvature = curvature
        self.dimension = dimension
    }

    public static let typeName = "trace_estimate"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("value", "the estimate (1/N) Σ_p z_pᵀ A z_p of tr(A)"),
        FieldDoc("stderr", "its standard error: sample std (ddof 1) of the N values / √N (nan for N = 1)"),
        FieldDoc("samples", "the N values z_pᵀ A z_p"),
        FieldDoc("probes", "N, the number of Rademacher probes"),
        FieldDoc("dimension", "P, the size of the matrix"),
        FieldDoc("curvature", "which matrix: hessian, gauss_newton or jtj"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "value": .number(estimate.estimate)
        case "stderr": .number(estimate.standardError)
        case "samples": .numbers(estimate.samples)
        case "probes": .number(Double(estimate.probes))
        case "dimension": .number(Double(dimension))
        case "curvature": .string(curvature)
        default: nil
        }
    }

    public var summary: String {
        "trace of \(curvature) ≈ \(formatSummary(estimate.estimate)) ± \(formatSummary(estimate.standardError, digits: 2)) "
            + "(Hutchinson, \(estimate.probes) probes, P = \(dimension); ± one standard error)"
    }

    public var json: JSONValue {
        .object([
            ("type", .string("trace_estimate")), ("curvature", .string(curvature)),
            ("dimension", .number(Double(dimension))),
            ("value", .number(estimate.estimate)), ("stderr", .number(estimate.standardError)),
            ("probes", .number(Double(estimate.probes))), ("samples", .numbers(estimate.samples)),
        ])
    }
}

/// The cross-entropy compression bound of theory.md §5 beside the true λ_max.
public struct CompressionBoundObject: NoetherObject {
    public let bound: CompressionBound
    public let dimension: Int

    public init(_ bound: CompressionBound, dimension: Int) {
        self.bound = bound
        self.dimension = dimension
    }

    public static let typeName = "compression_bound"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("jtj_max", "λ_max(JᵀJ/n), J the (nK × P) output Jacobian: the bound's first factor"),
        FieldDoc("max_qvar", "max_i q_i(1 − q_i), q_i the correct-class probability: the second factor"),
        FieldDoc("bound", "the paper's bound jtj_max · max_qvar"),
        FieldDoc("output_curvature_max", "max_i λ_max(diag p_i − p_i p_iᵀ)"),
        FieldDoc("rigorous_bound", "jtj_max · output_curvature_max, a bound on λ_max(G) that always holds"),
        FieldDoc("gn_max", "the true λ_max of the cross-entropy Gauss–Newton matrix G = Jᵀ S J / n"),
        FieldDoc("hessian_max", "the true λ_max of the full cross-entropy Hessian"),
        FieldDoc("holds", "whether gn_max ≤ bound (the paper's bound held here)"),
        FieldDoc("rigorous_holds", "whether gn_max ≤ rigorous_bound (always, up to rounding)"),
        FieldDoc("hessian_holds", "whether hessian_max ≤ bound (not implied: H − G is outside the bound)"),
        FieldDoc("q_mean", "mean correct-class probability q̄"),
        FieldDoc("q_min", "smallest q_i"),
        FieldDoc("q_max", "largest q_i"),
        FieldDoc("qvar_mean", "mean of q_i(1 − q_i)"),
        FieldDoc("method", "how the three λ_max were computed: dense or lanczos"),
    ]

    var hessianHolds: Bool { bound.hessianMax <= bound.bound * (1 + 1e-9) + 1e-300 }

    public func field(_ name: String) -> Value? {
        switch name {
        case "jtj_max": .number(bound.jacobianGramMax)
        case "max_qvar": .number(bound.maxConfidenceVariance)
        case "bound": .number(bound.bound)
        case "output_curvature_max": .number(bound.outputCurvatureMax)
        case "rigorous_bound": .number(bound.rigorousBound)
        case "gn_max": .number(bound.gaussNewtonMax)
        case "hessian_max": .number(bound.hessianMax)
        case "holds": .bool(bound.paperBoundHolds)
        case "rigorous_holds": .bool(bound.rigorousBoundHolds)
        case "hessian_holds": .bool(hessianHolds)
        case "q_mean": .number(bound.meanConfidence)
        case "q_min": .number(bound.minConfidence)
        case "q_max": .number(bound.maxConfidence)
        case "qvar_mean": .number(bound.meanConfidenceVariance)
        case "method": .string(bound.method)
        default: nil
        }
    }

    public var summary: String {
        let b = bound
        func verdict(_ ok: Bool) -> String { ok ? "holds" : "fails" }
        var s =
            "cross-entropy compression bound (\(b.method), P = \(dimension)), q̄ = \(formatSummary(b.meanConfidence, digits: 4))"
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

    public var json: JSONValue {
        let b = bound
        return .object([
            ("type", .string("compression_bound")), ("dimension", .number(Double(dimension))),
            ("method", .string(b.method)),
            ("jtj_max", .number(b.jacobianGramMax)), ("max_qvar", .number(b.maxConfidenceVariance)),
            ("bound", .number(b.bound)), ("output_curvature_max", .number(b.outputCurvatureMax)),
            ("rigorous_bound", .number(b.rigorousBound)), ("gn_max", .number(b.gaussNewtonMax)),
            ("hessian_max", .number(b.hessianMax)), ("holds", .bool(b.paperBoundHolds)),
            ("rigorous_holds", .bool(b.rigorousBoundHolds)), ("hessian_holds", .bool(hessianHolds)),
            ("q_mean", .number(b.meanConfidence)), ("q_min", .number(b.minConfidence)),
            ("q_max", .number(b.maxConfidence)),
            ("qvar_mean", .number(b.meanConfidenceVariance)),
        ])
    }
}
