import NoetherEngine
import NoetherSyntax

/// The result of `tau`: E23's fit of 1 − q̄(t) ≈ e^{a − t/τ} over a window.
public struct TauObject: CSVExportable, FieldTable {
    public let fit: TauFit
    /// Every checkpoint offered to the fit, and q̄ there.
    public let steps: [Double]
    public let meanConfidence: [Double]
    public let learningRate: Double?

    public init(_ fit: TauFit, steps: [Double], meanConfidence: [Double], learningRate: Double?) {
        self.fit = fit
        self.steps = steps
        self.meanConfidence = meanConfidence
        self.learningRate = learningRate
    }

    public static let typeName = "tau_fit"
    public static let fields: [ObjectField<TauObject>] = [
        ObjectField(
            "tau", "τ = −1/slope of ln(1 − q̄) on t, in steps (nan with fewer than 2 checkpoints in the window)",
            \.fit.tau),
        ObjectField("scaled_tau", "η·τ, the timescale in gradient-flow time (nothing without η)") { o in
            .optional(o.fit.scaledTau)
        },
        ObjectField("r2", "R² of the fit of ln(1 − q̄) on t", \.fit.r2),
        ObjectField("points", "how many checkpoints entered the fit", \.fit.points),
        ObjectField("used_steps", "the steps of the checkpoints that entered", \.fit.usedSteps),
        ObjectField("slope", "the OLS slope of ln(1 − q̄) on t", \.fit.slope),
        ObjectField("intercept", "the OLS intercept a", \.fit.intercept),
        ObjectField("window", "[start, end] of the window, in the units of clock") { o in o.windowValue },
        ObjectField("clock", "steps (t) or time (ηt)", \.clockName),
        ObjectField("gaps", "[lower, upper]: only checkpoints with lower < 1 − q̄ < upper enter") { o in
            .numbers([o.fit.window.lowerGap, o.fit.window.upperGap])
        },
        ObjectField("note", "why there is no τ, when there is none") { o in
            o.fit.noTau.map { .string(TheoryWording.note($0)) } ?? .nothing
        },
        ObjectField("lr", "the learning rate η (nothing when unknown)") { o in .optional(o.learningRate) },
        ObjectField("steps", "every checkpoint offered to the fit", \.steps),
        ObjectField("q_mean", "q̄ at each of steps", \.meanConfidence),
        ObjectField("table", "every checkpoint: step, q_mean, gap (1 − q̄), time (ηt), used") { o in .object(o.table) },
    ]

    public var table: TableObject {
        var columns: [(String, [Value])] = [
            ("step", steps.map { .number($0) }), ("q_mean", meanConfidence.map { .number($0) }),
            ("gap", meanConfidence.map { .number(1 - $0) }),
        ]
        if let eta = learningRate { columns.append(("time", steps.map { .number(eta * $0) })) }
        let used = Set(fit.usedSteps)
        columns.append(("used", steps.map { .bool(used.contains($0)) }))
        return theoryTable(columns)
    }

    var windowValue: Value {
        .list([.number(fit.window.start), fit.window.end.isFinite ? .number(fit.window.end) : .nothing])
    }
    var clockName: String { fit.window.clock == .steps ? "steps" : "time" }

    var windowText: String {
        let unit = fit.window.clock == .steps ? "t" : "ηt"
        let range =
            fit.window.end.isFinite
            ? "\(formatSummary(fit.window.start)) ≤ \(unit) ≤ \(formatSummary(fit.window.end))"
            : "\(unit) ≥ \(formatSummary(fit.window.start))"
        return "\(range), \(formatSummary(fit.window.lowerGap)) < 1 − q̄ < \(formatSummary(fit.window.upperGap))"
    }

    public var summary: String {
        var head = "τ fit of 1 − q̄(t) ≈ e^(a − t/τ) over \(windowText): "
        if let note = fit.noTau.map(TheoryWording.note) {
            head += "no τ (\(note))"
        } else {
            head += "τ = \(formatSummary(fit.tau, digits: 4)) steps"
            if let s = fit.scaledTau { head += " (ητ = \(formatSummary(s, digits: 4)))" }
            head += ", R² = \(formatSummary(fit.r2, digits: 4)) over \(fit.points) of \(steps.count) checkpoints"
        }
        return head + "\n" + indented(table.summary)
    }

    public var csvTable: TableObject { table }

}
