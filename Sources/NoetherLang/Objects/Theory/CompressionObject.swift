import NoetherEngine
import NoetherSyntax

/// The result of `compression`: the cross-entropy bound's factors along a run, E18's
/// decay fit of λ_max(t) and E23's τ fit.
public struct CompressionObject: CSVExportable, FieldTable {
    public let series: CompressionSeries
    public let analysis: CompressionAnalysis
    public let maxConfidence: [Double]
    public let accuracy: [Double]
    public let losses: [Double]
    public let learningRate: Double
    public let lossName: String
    /// How λ_max was computed (`lanczos`, `dense` …; `none` when sharpness=false).
    public let method: String

    public init(
        series: CompressionSeries, analysis: CompressionAnalysis, maxConfidence: [Double], accuracy: [Double],
        losses: [Double], learningRate: Double, lossName: String, method: String
    ) {
        self.series = series
        self.analysis = analysis
        self.maxConfidence = maxConfidence
        self.accuracy = accuracy
        self.losses = losses
        self.learningRate = learningRate
        self.lossName = lossName
        self.method = method
    }

    public static let typeName = "compression"
    public static let fields: [ObjectField<CompressionObject>] = [
        ObjectField("steps", "the checkpoints t (θ after t updates)", \.series.steps),
        ObjectField("lr", "the run's learning rate η", \.learningRate),
        ObjectField(
            "sharpness", "λ_max of the training loss's Hessian at each checkpoint (nan when sharpness=false)",
            \.series.sharpness),
        ObjectField(
            "q_mean", "q̄: the mean correct-class softmax probability at each checkpoint", \.series.meanConfidence),
        ObjectField("q_min", "min_i q_i at each checkpoint", \.series.minConfidence),
        ObjectField("q_max", "max_i q_i at each checkpoint", \.maxConfidence),
        ObjectField("qvar_mean", "mean_i q_i(1 − q_i) at each checkpoint", \.series.meanConfidenceVariance),
        ObjectField(
            "max_qvar", "max_i q_i(1 − q_i): the bound's second factor, at each checkpoint", \.analysis.confidenceFactor
        ),
        ObjectField("jtj_max", "λ_max(JᵀJ/n): the bound's first factor (nan when bound=false)") { o in
            .numbers(o.series.jacobianGramMax ?? o.series.steps.map { _ in .nan })
        },
        ObjectField("bound", "jtj_max · max_qvar: the paper's bound at each checkpoint", \.analysis.bound),
        ObjectField("bound_ratio", "sharpness/bound at each checkpoint", \.analysis.boundRatio),
        ObjectField(
            "mean_field", "jtj_max · qvar_mean: a typical-sample estimate, not a bound", \.analysis.meanFieldEstimate),
        ObjectField(
            "compression_ratio", "λ_max at the first checkpoint / λ_max at the last (E18)", \.analysis.compressionRatio),
        ObjectField(
            "decay",
            "E18's fit λ_max(t) ≈ a·e^(−bt) + c, c = 0.9·min λ: record {rate=b, amplitude=a, offset=c, r2, r2_log}"
        ) { o in o.decayValue },
        ObjectField("decay_note", "why there is no decay fit, when there is none") { o in
            o.analysis.noDecay.map { .string(TheoryWording.note($0)) } ?? .nothing
        },
        ObjectField("tau", "E23's τ fit of 1 − q̄(t) (a tau_fit; the reference's window unless given)") { o in
            .object(o.tauObject)
        },
        ObjectField("accuracy", "training accuracy at each checkpoint", \.accuracy),
        ObjectField("loss", "the training loss at each checkpoint", \.losses),
        ObjectField("loss_function", "the run's training loss", \.lossName),
        ObjectField("method", "how λ_max was computed", \.method),
        ObjectField("table", "one row per checkpoint with every quantity above") { o in .object(o.table) },
    ]

    public var table: TableObject {
        let a = analysis
        return theoryTable([
            ("step", series.steps.map { .number($0) }), ("sharpness", series.sharpness.map { .number($0) }),
            ("q_mean", series.meanConfidence.map { .number($0) }), ("q_min", series.minConfidence.map { .number($0) }),
            ("q_max", maxConfidence.map { .number($0) }),
            ("qvar_mean", series.meanConfidenceVariance.map { .number($0) }),
            ("max_qvar", a.confidenceFactor.map { .number($0) }),
            ("jtj_max", (series.jacobianGramMax ?? series.steps.map { _ in .nan }).map { .number($0) }),
            ("bound", a.bound.map { .number($0) }), ("bound_ratio", a.boundRatio.map { .number($0) }),
            ("accuracy", accuracy.map { .number($0) }), ("loss", losses.map { .number($0) }),
        ])
    }

    var decayValue: Value {
        guard let d = analysis.decay else { return .nothing }
        return .record(
            Record([
                ("rate", .number(d.rate)), ("amplitude", .number(d.amplitude)), ("offset", .number(d.offset)),
                ("r2", .number(d.r2)), ("r2_log", .number(d.r2Log)),
            ]))
    }

    var tauObject: TauObject {
        TauObject(analysis.tau, steps: series.steps, meanConfidence: series.meanConfidence, learningRate: learningRate)
    }

    public var summary: String {
        let a = analysis
        var lines = [
            "compression along a \(lossName) run at η = \(formatSummary(learningRate)): \(series.steps.count) checkpoints, "
                + (method == "none" ? "λ_max not computed" : "λ_max by \(method)")
        ]
        if a.compressionRatio.isFinite {
            var s =
                "  λ_max \(formatSummary(series.sharpness.first ?? .nan, digits: 4)) → \(formatSummary(series.sharpness.last ?? .nan, digits: 4)): "
                + "compression ×\(formatSummary(a.compressionRatio, digits: 3))"
            if let d = a.decay {
                s +=
                    "; decay a·e^(−bt) + c with b = \(formatSummary(d.rate, digits: 3)), a = \(formatSummary(d.amplitude, digits: 3)), "
                    + "c = \(formatSummary(d.offset, digits: 3)), R² = \(formatSummary(d.r2, digits: 3)) (log-scale \(formatSummary(d.r2Log, digits: 3)))"
            } else if let note = a.noDecay.map(TheoryWording.note) {
                s += "; no decay fit (\(note))"
            }
            lines.append(s)
        }
        lines.append(
            "  q̄ \(formatSummary(series.meanConfidence.first ?? .nan, digits: 4)) → \(formatSummary(series.meanConfidence.last ?? .nan, digits: 4)); "
                + tauObject.summary.split(separator: "\n").first.map(String.init)!)
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
