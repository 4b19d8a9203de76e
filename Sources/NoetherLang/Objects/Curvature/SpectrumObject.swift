import NoetherEngine
import NoetherSyntax

/// Eigenvalues (and optionally eigenvectors) of a symmetric matrix, with the
/// statistics of experiments.md §1.10.
public struct SpectrumObject: NoetherObject, FieldTable {
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
    public static let fields: [ObjectField<SpectrumObject>] = [
        ObjectField("values", "the computed eigenvalues, largest first", \.descending),
        ObjectField("top", "the 10 largest computed eigenvalues (fewer if fewer), largest first") { o in
            .numbers(Array(o.descending.prefix(10)))
        },
        ObjectField("bottom", "the 10 smallest computed eigenvalues (fewer if fewer), smallest first") { o in
            .numbers(Array(o.decomposition.values.prefix(10)))
        },
        ObjectField("max", "the largest computed eigenvalue", \.spectrum.largest),
        ObjectField("min", "the smallest computed eigenvalue", \.spectrum.smallest),
        ObjectField("positive", "how many computed eigenvalues are > threshold", \.spectrum.positiveCount),
        ObjectField("negative", "how many computed eigenvalues are < −threshold", \.spectrum.negativeCount),
        ObjectField("zero", "how many computed eigenvalues are within ±threshold", \.spectrum.nearZeroCount),
        ObjectField("threshold", "the near-zero threshold of the counts (1e-8 unless given)", \.spectrum.threshold),
        ObjectField(
            "effective_rank", "Σ_{λ > threshold} λ / λ_max (nan without a positive eigenvalue)",
            \.spectrum.effectiveRank),
        ObjectField("width", "λ_max / median of the positive eigenvalues", \.spectrum.spectralWidth),
        ObjectField("sum", "Σ λ of the computed eigenvalues (the trace when complete)", \.spectrum.sum),
        ObjectField("count", "how many eigenvalues were computed", \.decomposition.values.count),
        ObjectField("dimension", "the size of the matrix", \.spectrum.dimension),
        ObjectField("complete", "whether every eigenvalue was computed", \.spectrum.isComplete),
        ObjectField("source", "what the eigenvalues belong to", \.source),
        ObjectField(
            "vectors",
            "unit eigenvectors, one list per value in the order of 'values' (when vectors=true; up to 10⁷ numbers; in JSON up to 10⁶)",
            json: .custom { o in
                o.decomposition.vectors.map {
                    $0.count > jsonEntryLimit ? .null : .array(o.vectorsDescending.map { .numbers($0) })
                } ?? .null
            }
        ) { o in
            o.decomposition.vectors.map {
                $0.count > listEntryLimit ? .nothing : .list(o.vectorsDescending.map { .numbers($0) })
            } ?? .nothing
        },
        ObjectField("vector", "vector(i): the unit eigenvector of values[i] (when vectors=true)", json: .method) { o in
            o.decomposition.vectors == nil ? .nothing : .function(.builtin(Self.vectorMethod(o.decomposition)))
        },
    ]

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
            let j = try ctx.index("index", count: count) {
                "eigenvector \($0) is out of range for \(count) eigenvalues"
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

}
