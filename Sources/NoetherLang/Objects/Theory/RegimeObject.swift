import NoetherEngine
import NoetherSyntax

/// The result of `regime`: below the edge, at the edge, or an unstable start.
public struct RegimeObject: CSVExportable, FieldTable {
    public let classification: RegimeClassification
    public let sharpness: [Double]
    public let steps: [Double]?
    public let learningRate: Double
    /// The run's activation-switch statistics (patterns=true), when recorded.
    public let switchStatistics: Record?

    public init(
        _ classification: RegimeClassification, sharpness: [Double], steps: [Double]?, learningRate: Double,
        switchStatistics: Record?
    ) {
        self.classification = classification
        self.sharpness = sharpness
        self.steps = steps
        self.learningRate = learningRate
        self.switchStatistics = switchStatistics
    }

    public static let typeName = "regime"
    public static let fields: [ObjectField<RegimeObject>] = [
        ObjectField("regime", "\"below_edge\", \"at_edge\" or \"unstable_start\"", \.regimeName),
        ObjectField("reason", "one line: the regime and the numbers that decided it") { o in
            .string(TheoryWording.reason(o.classification))
        },
        ObjectField("edge", "2/η, the stability threshold", \.classification.edge),
        ObjectField("eta_lambda0", "η·λ_max(θ₀) (> 2: an unstable start)", \.classification.initialProduct),
        ObjectField(
            "final_ratio",
            "mean of the last measurements of λ_max divided by 2/η (E4's criterion: ≥ 0.6 is at the edge)",
            \.classification.finalRatio),
        ObjectField("max_ratio", "max λ_max/(2/η)", \.classification.maxRatio),
        ObjectField(
            "near_edge_fraction", "share of measurements with λ_max ≥ near_fraction·(2/η)",
            \.classification.nearEdgeFraction),
        ObjectField("first_crossing", "the first step after the start with λ_max ≥ 2/η (nothing if none)") { o in
            .optional(o.classification.firstCrossing)
        },
        ObjectField("measurements", "finite measurements used", \.classification.measurements),
        ObjectField("non_finite", "non-finite measurements ignored (a diverged tail)", \.classification.nonFinite),
        ObjectField("switch_rate", "the activation switch rate (patterns=true; nothing otherwise)") { o in
            .optional(o.classification.switchRate)
        },
        ObjectField("switches", "the run's switch statistics as a record (patterns=true; nothing otherwise)") { o in
            o.switchStatistics.map { .record($0) } ?? .nothing
        },
        ObjectField("lr", "the learning rate η", \.learningRate),
        ObjectField("steps", "the steps of the measurements (nothing when only their order is known)", \.steps),
        ObjectField("sharpness", "the λ_max measurements classified", \.sharpness),
        ObjectField("table", "table step, sharpness, ratio (λ_max/(2/η))") { o in .object(o.table) },
    ]

    var regimeName: String {
        switch classification.regime {
        case .belowEdge: "below_edge"
        case .atEdge: "at_edge"
        case .unstableStart: "unstable_start"
        }
    }

    public var table: TableObject {
        let s = steps ?? sharpness.indices.map(Double.init)
        return theoryTable([
            ("step", s.map { .number($0) }), ("sharpness", sharpness.map { .number($0) }),
            ("ratio", sharpness.map { .number($0 / classification.edge) }),
        ])
    }

    public var summary: String {
        let c = classification
        var lines = [
            "regime at η = \(formatSummary(learningRate)) (2/η = \(formatSummary(c.edge, digits: 4))): \(TheoryWording.reason(c))"
        ]
        lines.append(
            "  ηλ_max(θ₀) = \(formatSummary(c.initialProduct, digits: 3)), final λ/(2/η) = \(formatSummary(c.finalRatio, digits: 3)), "
                + "max \(formatSummary(c.maxRatio, digits: 3)), \(c.measurements) measurement\(c.measurements == 1 ? "" : "s")"
        )
        if let s = switchStatistics {
            lines.append(
                "  switches: " + s.fields.map { "\($0.name) \(TableObject.cellText($0.value))" }.joined(separator: ", ")
            )
        }
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
