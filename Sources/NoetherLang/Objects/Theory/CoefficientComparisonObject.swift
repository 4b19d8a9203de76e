import NoetherEngine
import NoetherSyntax

/// The result of `ck_compare`: the reference's sorted-rank R beside a mode-by-mode
/// comparison in a common basis.
public struct CoefficientComparisonObject: CSVExportable, FieldTable {
    public let comparison: CoefficientComparison
    /// What the mode-by-mode comparison compared (nil when there is none).
    public let basis: String?
    /// Names of the two lists (their methods).
    public let nameA: String
    public let nameB: String

    public init(_ comparison: CoefficientComparison, basis: String?, nameA: String, nameB: String) {
        self.comparison = comparison
        self.basis = basis
        self.nameA = nameA
        self.nameB = nameB
    }

    public static let typeName = "ck_comparison"
    public static let fields: [ObjectField<CoefficientComparisonObject>] = [
        ObjectField("a", "the name of list a: its coefficients method, or a when it was a plain list", \.nameA),
        ObjectField("b", "the name of list b", \.nameB),
        ObjectField(
            "R",
            "the reference's R: Pearson of the logs of both lists sorted descending independently (paired by rank)",
            \.comparison.rank.correlation),
        ObjectField("top", "K′, the entries the sorted-rank R keeps", \.comparison.rank.count),
        ObjectField("sorted_a", "a's top K′ normalized values, descending", \.comparison.rank.sortedA),
        ObjectField("sorted_b", "b's top K′ normalized values, descending", \.comparison.rank.sortedB),
        ObjectField("top_a", "a's largest normalized value", \.comparison.rank.topA),
        ObjectField("top_b", "b's largest normalized value", \.comparison.rank.topB),
        ObjectField("top_ratio", "top_a/top_b", \.comparison.rank.topRatio),
        ObjectField("mode_matched", "whether a mode-by-mode comparison was possible") { o in
            .bool(o.comparison.modeMatched != nil)
        },
        ObjectField("basis", "what the mode-by-mode comparison compared", \.basis),
        ObjectField("log_R", "mode by mode: Pearson of ln(share + 1e-20), paired by mode (no sorting)") { o in
            o.comparison.modeMatched.map { .number($0.logCorrelation) } ?? .nothing
        },
        ObjectField("spearman", "mode by mode: Spearman's rank correlation of the shares") { o in
            o.comparison.modeMatched.map { .number($0.rankCorrelation) } ?? .nothing
        },
        ObjectField("total_variation", "mode by mode: ½·Σ|share_a − share_b| ∈ [0, 1] (0: the same distribution)") {
            o in o.comparison.modeMatched.map { .number($0.totalVariation) } ?? .nothing
        },
        ObjectField("top_mode_a", "the mode holding a's largest share") { o in
            o.comparison.modeMatched.map { .number(Double($0.topModeA)) } ?? .nothing
        },
        ObjectField("top_mode_b", "the mode holding b's largest share") { o in
            o.comparison.modeMatched.map { .number(Double($0.topModeB)) } ?? .nothing
        },
        ObjectField("shares_a", "mode by mode: a's |c_k| normalized to sum 1") { o in
            o.comparison.modeMatched.map { .numbers($0.sharesA) } ?? .nothing
        },
        ObjectField("shares_b", "mode by mode: b's |c_k| normalized to sum 1") { o in
            o.comparison.modeMatched.map { .numbers($0.sharesB) } ?? .nothing
        },
        ObjectField("ratios", "mode by mode: share_a/share_b") { o in
            o.comparison.modeMatched.map { .numbers($0.ratios) } ?? .nothing
        },
        ObjectField("summary", "one line with both comparisons") { o in .string(TheoryWording.summary(o.comparison)) },
        ObjectField("table", "both views side by side: rank, sorted_a, sorted_b, then mode, share_a, share_b, ratio") {
            o in .object(o.table)
        },
    ]

    public var table: TableObject {
        let r = comparison.rank
        let m = comparison.modeMatched
        let n = Swift.max(r.count, m?.sharesA.count ?? 0)
        func cell(_ xs: [Double]?, _ i: Int) -> Value {
            xs.map { i < $0.count ? .number($0[i]) : .nothing } ?? .nothing
        }
        var columns: [(String, [Value])] = [
            ("rank", (0..<n).map { $0 < r.count ? .number(Double($0)) : .nothing }),
            ("sorted_a", (0..<n).map { cell(r.sortedA, $0) }), ("sorted_b", (0..<n).map { cell(r.sortedB, $0) }),
        ]
        if let m {
            columns.append(("mode", (0..<n).map { $0 < m.sharesA.count ? .number(Double($0)) : .nothing }))
            columns.append(("share_a", (0..<n).map { cell(m.sharesA, $0) }))
            columns.append(("share_b", (0..<n).map { cell(m.sharesB, $0) }))
            columns.append(("ratio", (0..<n).map { cell(m.ratios, $0) }))
        }
        return theoryTable(columns)
    }

    public var summary: String {
        let r = comparison.rank
        var lines = [
            nameA == "a" && nameB == "b" ? "ck comparison of a and b" : "ck comparison of \(nameA) (a) and \(nameB) (b)"
        ]
        lines.append(
            "  sorted-rank R (the reference's, paired by rank only) = \(formatSummary(r.correlation, digits: 4)) over the top \(r.count); "
                + "top shares \(formatSummary(r.topA, digits: 3)) vs \(formatSummary(r.topB, digits: 3)) (ratio \(formatSummary(r.topRatio, digits: 3)))"
        )
        if let m = comparison.modeMatched {
            lines.append(
                "  mode by mode\(basis.map { " (\($0))" } ?? ""): log R = \(formatSummary(m.logCorrelation, digits: 4)), "
                    + "Spearman \(formatSummary(m.rankCorrelation, digits: 4)), total variation \(formatSummary(m.totalVariation, digits: 3)), "
                    + "largest mode \(m.topModeA) vs \(m.topModeB)\(m.sameTopMode ? " (the same)" : "")")
        } else {
            lines.append("  no mode-by-mode comparison: the lists are in different bases (\(nameA) vs \(nameB))")
        }
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
