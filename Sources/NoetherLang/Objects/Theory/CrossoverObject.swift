import NoetherEngine
import NoetherSyntax

/// The result of `crossover`: S_pred(η) = Σ_k c_k f(η, λ_k, T) per learning rate.
public struct CrossoverObject: CSVExportable, FieldTable {
    public let prediction: CrossoverPrediction
    /// λ_k and c_k as used, in the order given.
    public let eigenvalues: [Double]
    public let coefficients: [Double]
    /// Where the coefficients came from (`projected`, `uniform`, `list` …).
    public let source: String

    public init(_ prediction: CrossoverPrediction, eigenvalues: [Double], coefficients: [Double], source: String) {
        self.prediction = prediction
        self.eigenvalues = eigenvalues
        self.coefficients = coefficients
        self.source = source
    }

    public static let typeName = "crossover_prediction"
    public static let fields: [ObjectField<CrossoverObject>] = [
        ObjectField("lr", "the learning rates η", \.prediction.learningRates),
        ObjectField(
            "S_pred", "S_pred(η) = Σ_k c_k f(η, λ_k, T) per η (nan where unstable=\"refuse\" refused)",
            \.prediction.predicted),
        ObjectField("drift_pred", "η²·S_pred: the predicted drift per η", \.drift),
        ObjectField(
            "local_alpha", "the predicted local exponent d ln(η²S_pred)/d ln η per η: 2 before crossover, → 1 after",
            \.prediction.localAlpha),
        ObjectField(
            "converged_fraction", "per η, the share of included modes past their crossover η > 1/(λ_k T)",
            \.prediction.convergedFraction),
        ObjectField(
            "converged_weight", "per η, Σ c_k over crossed-over modes / Σ c_k over included modes",
            \.prediction.convergedWeight),
        ObjectField("unstable_modes", "per η, included modes with ηλ_k ≥ 2") { o in
            .numbers(o.prediction.unstableModes.map(Double.init))
        },
        ObjectField("refused", "per η, whether the prediction was refused (unstable=\"refuse\")", \.prediction.refused),
        ObjectField(
            "crossover_rates", "per mode, η_k* = 1/(λ_k T) (nan for skipped modes), in the order of eigenvalues",
            \.prediction.crossoverRates),
        ObjectField("eigenvalues", "λ_k as used", \.eigenvalues),
        ObjectField("c", "c_k as used", \.coefficients),
        ObjectField(
            "source", "where c_k came from: a coefficients method (projected, derived, fit …), uniform or given",
            \.source),
        ObjectField(
            "included_modes", "modes with λ_k ≥ 1e-12 (the others are skipped, as the reference does)",
            \.prediction.includedModes),
        ObjectField("skipped_modes", "modes with λ_k < 0 or |λ_k| < 1e-12", \.prediction.skippedModes),
        ObjectField("steps", "T of the formula", \.prediction.steps),
        ObjectField("unstable", "the policy for modes with ηλ_k ≥ 2: cap, skip or refuse") { o in
            .string(Choices.unstablePolicy.name(of: o.prediction.policy) ?? "")
        },
        ObjectField(
            "table",
            "table lr, S_pred, drift_pred, local_alpha, converged_fraction, converged_weight, unstable_modes, refused"
        ) { o in .object(o.table) },
    ]

    var drift: [Double] { zip(prediction.learningRates, prediction.predicted).map { $0 * $0 * $1 } }

    public var table: TableObject {
        let p = prediction
        return theoryTable([
            ("lr", p.learningRates.map { .number($0) }), ("S_pred", p.predicted.map { .number($0) }),
            ("drift_pred", drift.map { .number($0) }), ("local_alpha", p.localAlpha.map { .number($0) }),
            ("converged_fraction", p.convergedFraction.map { .number($0) }),
            ("converged_weight", p.convergedWeight.map { .number($0) }),
            ("unstable_modes", p.unstableModes.map { .number(Double($0)) }), ("refused", p.refused.map { .bool($0) }),
        ])
    }

    public var summary: String {
        let p = prediction
        var lines = [
            "crossover prediction S_pred(η) = Σ_k c_k f(η, λ_k, T), T = \(p.steps), c_k \(source): "
                + "\(p.includedModes) mode\(p.includedModes == 1 ? "" : "s")"
                + (p.skippedModes > 0 ? " (\(p.skippedModes) skipped: λ < 0 or |λ| < 1e-12)" : "")
        ]
        let rates = p.crossoverRates.filter(\.isFinite)
        if let lo = rates.min(), let hi = rates.max() {
            lines.append(
                "  crossover rates 1/(λ_k T) from \(formatSummary(lo, digits: 3)) to \(formatSummary(hi, digits: 3))")
        }
        let unstable = p.unstableModes.enumerated().filter { $0.element > 0 }
        if !unstable.isEmpty {
            let etas = shortList(unstable.map { p.learningRates[$0.offset] })
            switch p.policy {
            case .cap:
                lines.append(
                    "  unstable modes (ηλ_k ≥ 2) at η = \(etas): capped at c_k·T/|ηλ(2 − ηλ)| as the reference does "
                        + "(no basis in the formula; see compare's R without them)")
            case .skip: lines.append("  unstable modes (ηλ_k ≥ 2) at η = \(etas): left out of S_pred")
            case .refuse: lines.append("  unstable modes (ηλ_k ≥ 2) at η = \(etas): no prediction there (refused)")
            }
        }
        lines.append(indented(table.summary))
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
