import NoetherEngine
import NoetherSyntax

/// A training run as a language value.
///
/// Series come in two kinds (see `TrainingRun`): per-step series (`losses`,
/// `accuracies`, `grad_norms`, the ledger, the pattern probe) at the steps of
/// `step_axis`, taken at θ_t before the update of step t; and per-state series
/// (`C`, `norms`, `neuron_balances`) at the states of `state_axis`, θ_t after t
/// updates. With `every=1` (the default) every step and state is recorded. Fields
/// of a probe that was off are `nothing`.
public struct RunObject: NoetherObject, FieldTable {
    public let run: TrainingRun
    public init(_ run: TrainingRun) { self.run = run }

    public static let typeName = "run"
    public static let fields: [ObjectField<RunObject>] = [
        ObjectField(
            "loss", "loss of the last forward pass (at θ_{T−1}; the mini-batch loss under sgd)", \.run.finalLoss),
        ObjectField("losses", "loss at every recorded step", json: .omitted, \.run.losses),
        ObjectField(
            "full_loss", "sgd only: the full-batch loss at the final θ (nothing otherwise)", \.run.finalFullBatchLoss),
        ObjectField(
            "accuracy", "accuracy of the last forward pass (sgd: on the full data at the final θ); nan for regression",
            \.run.accuracy),
        ObjectField(
            "accuracies", "accuracy at every recorded step (classification data; nothing otherwise)", json: .omitted,
            \.run.accuracies),
        ObjectField(
            "step_axis", "the steps t of the per-step series (losses, grad_norms, ledger, patterns)", json: .omitted
        ) { o in .numbers(o.run.steps.map(Double.init)) },
        ObjectField("state_axis", "the states t of the per-state series (C, norms, neuron_balances)", json: .omitted) {
            o in .numbers(o.run.stateSteps.map(Double.init))
        },
        ObjectField(
            "time", "ηt of every recorded step: the gradient-flow clock, to compare runs at different η",
            json: .omitted, \.run.time),
        ObjectField("state_time", "ηt of every recorded state", json: .omitted, \.run.stateTime),
        ObjectField("every", "the recording interval k (every=k)", \.run.every),
        ObjectField("C0", "C_l(θ₀) per l", \.run.initialConserved),
        ObjectField("C", "C_l(t) per l: one series per layer pair, at the recorded states", json: .omitted) { o in
            .list(o.run.conserved.map { .numbers($0) })
        },
        ObjectField("C_final", "C_l after the last update per l", \.run.finalConserved),
        ObjectField("norms", "||W_l||²_F per layer: one series per layer, at the recorded states", json: .omitted) {
            o in .list(o.run.weightSquaredNorms.map { .numbers($0) })
        },
        ObjectField("drift", "|C_l(T) − C_l(0)| per l (nan when diverged)", \.run.drift),
        ObjectField("mean_drift", "mean over l of the drift (deep networks, experiments.md E6)", \.run.meanDrift),
        ObjectField("summed_drift", "sum over l of the drift (E4)", \.run.summedDrift),
        ObjectField("rel_drift", "max_t |C_l(t) − C_l(0)| / |C_l(0)| per l, over every state", \.run.relativeDrift),
        ObjectField("S", "Σ_t δ_l(t) per l over every step, δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||²", \.run.imbalanceSum),
        ObjectField("grad_norms", "||∂L/∂W_l||² at every recorded step, one series per layer", json: .omitted) { o in
            .list(o.run.gradientSquaredNorms.map { .numbers($0) })
        },
        ObjectField(
            "ledger_measured", "ΔC_l(t) = C_l(t+1) − C_l(t) at every recorded step, one series per l", json: .omitted
        ) { o in .list(o.run.measuredChange.map { .numbers($0) }) },
        ObjectField("ledger_predicted", "η²δ_l(t) at every recorded step, one series per l", json: .omitted) { o in
            .list(o.run.predictedChange.map { .numbers($0) })
        },
        ObjectField(
            "ledger_gap", "(C_l(T) − C_l(0)) − η²S_l per l: the change the identity does not explain", \.run.ledgerGap),
        ObjectField("ledger_residual", "max_l |(C_l(T) − C_l(0)) − η²S_l| / |C_l(T) − C_l(0)|", \.run.ledgerResidual),
        ObjectField("ledger_step_error", "max over every step t and l of |ΔC_l(t) − η²δ_l(t)|", \.run.ledgerStepError),
        ObjectField(
            "identity_applies",
            "whether ΔC_l = η²δ_l holds exactly here: gd or sgd, no weight decay, no bias, homogeneous activation",
            \.run.identityExceptions.isEmpty),
        ObjectField(
            "update_imbalance", "Σ_t (||Δθ_{l+1}||² − ||Δθ_l||²) per l over the updates actually applied (weights)",
            \.run.updateImbalanceSum),
        ObjectField(
            "neuron_balances",
            "balances=true: per hidden layer, one series per unit of ||outgoing||² − ||incoming||², at the recorded states",
            json: .omitted
        ) { o in
            guard let series = o.run.neuronBalanceSeries else { return .nothing }
            return .list(
                series.map { m in
                    .list((0..<m.columns).map { j in .numbers((0..<m.rows).map { m[$0, j] }) })
                })
        },
        ObjectField("neuron_balance_drift", "per hidden layer, |b_j(T) − b_j(0)| of every unit") { o in
            .list(
                zip(o.run.initialNeuronBalances, o.run.finalNeuronBalances).map { b0, b1 in
                    .numbers(zip(b0, b1).map { o.run.diverged ? .nan : abs($1 - $0) })
                })
        },
        ObjectField(
            "neuron_ledger_error",
            "balances=true: max over steps and units of |Δb_j(t) − η²(||∂L/∂W_{h+1}[:,j]||² − ||∂L/∂W_h[j,:]||²)|",
            \.run.neuronLedgerStepError),
        ObjectField(
            "flip_fraction",
            "patterns=true: share of the n·m (sample, unit) signs of layer 1 flipped by each recorded step's update",
            json: .omitted
        ) { o in o.pattern { .numbers($0.flipFraction) } },
        ObjectField(
            "units_flipped", "patterns=true: units with at least one flipped sample, per recorded step", json: .omitted
        ) { o in o.pattern { .numbers($0.unitsFlipped) } },
        ObjectField(
            "margin_min", "patterns=true: min |pre-activation| of layer 1 at each recorded step", json: .omitted
        ) { o in o.pattern { .numbers($0.minMargin) } },
        ObjectField(
            "margin_mean", "patterns=true: mean |pre-activation| of layer 1 at each recorded step", json: .omitted
        ) { o in o.pattern { .numbers($0.meanMargin) } },
        ObjectField(
            "distinct_patterns", "patterns=true: distinct activation patterns (rows of 1[Z > 0]) at each recorded step",
            json: .omitted
        ) { o in o.pattern { .numbers($0.distinctPatterns.map(Double.init)) } },
        ObjectField("mean_flip_fraction", "patterns=true: mean over every update of the flip fraction") { o in
            o.pattern { .number($0.meanFlipFraction) }
        },
        ObjectField("switch_rate", "patterns=true: mean units flipped per update, divided by the width m") { o in
            o.pattern { .number($0.switchRate) }
        },
        ObjectField(
            "tiny_flip_fraction",
            "patterns=true: share of flips with min |z| before/after below 2⁻²³·Σ_k|x_k w_k| (float32's resolution)"
        ) { o in o.pattern { .number($0.tinyFlipFraction) } },
        ObjectField(
            "resolved_switch_rate", "patterns=true: switch_rate counting only flips above float32's resolution"
        ) { o in o.pattern { .number($0.resolvedSwitchRate) } },
        ObjectField("zero_change_fraction", "patterns=true: share of updates that flipped no sign") { o in
            o.pattern { .number($0.zeroChangeFraction) }
        },
        ObjectField(
            "flip_delta_corr", "patterns=true: Pearson correlation over updates of the flip fraction with |δ_t|"
        ) { o in o.pattern { .number($0.flipImbalanceCorrelation) } },
        ObjectField("sharpness", "sharpness_every=k: λ_max of the Hessian at the measured states", json: .omitted) {
            o in o.sharp { .numbers($0.values) }
        },
        ObjectField("sharpness_steps", "the states t where λ_max was measured", json: .omitted) { o in
            o.sharp { .numbers($0.steps.map(Double.init)) }
        },
        ObjectField("sharpness_threshold", "2/η, the stability threshold of gradient descent") { o in
            .number(2 / o.run.learningRate)
        },
        ObjectField("sharpness_ratio", "ηλ_max/2 at every measured state (1 = at the edge)", json: .omitted) { o in
            o.sharp { s in .numbers(s.values.map { o.run.learningRate * $0 / 2 }) }
        },
        ObjectField("edge_step", "the first measured step with λ_max ≥ 2/η (nothing if none)") { o in
            o.sharp { s in s.firstStepAtEdge.map { .number(Double($0)) } ?? .nothing }
        },
        ObjectField("edge_fraction", "the share of measurements with λ_max ≥ 0.9·(2/η)") { o in
            o.sharp { .number($0.fractionNearEdge) }
        },
        ObjectField("max_sharpness_ratio", "max over measurements of ηλ_max/2") { o in o.sharp { .number($0.maxRatio) }
        },
        ObjectField("sharpness0", "λ_max(θ₀) (sharpness_every or sharpness_at_start=true)") { o in
            o.sharp { s in s.initial.map { .number($0) } ?? .nothing }
        },
        ObjectField(
            "stop_reason", "\"completed\", \"diverged\", \"loss_below_threshold\" or \"interrupted\"",
            \.run.stopReason.name),
        ObjectField(
            "diverged", "whether the loss or parameters became non-finite (or exceeded divergence_loss)", \.run.diverged
        ),
        ObjectField("diverged_at", "the step where it diverged (nothing when it did not)") { o in
            o.run.divergedAt.map { .number(Double($0)) } ?? .nothing
        },
        ObjectField("interrupted", "whether the run was stopped early by the user", \.run.interrupted),
        ObjectField("steps", "number of updates applied", \.run.stepsRun),
        ObjectField("steps_requested", "number of updates asked for", \.run.stepsRequested),
        ObjectField(
            "precision", "\"float64\" or \"float32\": the arithmetic of the run (precision=…)", \.precisionName),
        ObjectField("lr", "the learning rate η", \.run.learningRate),
        ObjectField("optimizer", "the optimizer") { o in .object(OptimizerObject(o.run.optimizer)) },
        ObjectField("objective", "the training loss function") { o in .object(LossObject(o.run.loss)) },
        ObjectField("dataset", "the name of the training data", \.run.datasetName),
        ObjectField("net", "the trained network") { o in .object(NetworkObject(o.run.network)) },
        ObjectField("net0", "the network the run started from") { o in .object(NetworkObject(o.run.initialNetwork)) },
        ObjectField("checkpoints", "the steps whose network was kept (checkpoints=[…])") { o in
            .numbers(o.run.checkpointSteps.map(Double.init))
        },
        ObjectField(
            "at", "run.at(t): the network θ_t kept at checkpoint t (also at step 0 and at the end)", json: .method
        ) { o in .function(.builtin(RunObject.atMethod(o.run))) },
        ObjectField("seconds", "wall time of the training loop (probes included)", \.run.seconds),
    ]

    private func pattern(_ f: (ActivationPatternRecord) -> Value) -> Value {
        run.pattern.map(f) ?? .nothing
    }

    private func sharp(_ f: (SharpnessRecord) -> Value) -> Value {
        run.sharpness.map(f) ?? .nothing
    }

    /// `run.at`: the builtin `at` with its run already bound, so `run.at(250)` works.
    static func atMethod(_ run: TrainingRun) -> Builtin {
        Builtin(
            "at", category: "training",
            abstract: "The network θ_t this run kept at checkpoint t (t = 0 and the last step always work).",
            parameters: [
                Parameter("step", .integer, help: "a step listed in checkpoints=[…], 0, or the run's last step")
            ],
            returns: "network",
            example: "run.at(250).C"
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            let step = try ctx.integer("step")
            return .object(NetworkObject(try ctx.engine(at: "step") { () throws(EngineError) in try run.at(step) }))
        }
    }

    // MARK: - Summary

    /// The precision as `train`'s `precision=` names it ("float64" or "float32").
    var precisionName: String { Choices.precision.name(of: run.precision) ?? "" }

    public var summary: String {
        let r = run
        var head =
            "run \(r.optimizer.name), \(r.loss.name) on \(r.datasetName): \(r.stepsRun)/\(r.stepsRequested) steps"
        switch r.stopReason {
        case .completed: break
        case .diverged: head += ", diverged at step \(r.divergedAt.map(String.init) ?? "?")"
        case .lossBelowThreshold: head += ", stopped early: loss below the threshold"
        case .interrupted: head += " (interrupted)"
        }
        if !r.finalLoss.isNaN || r.stepsRun > 0 { head += ", loss \(formatSummary(r.finalLoss))" }
        if !r.accuracy.isNaN { head += ", accuracy \(formatSummary(r.accuracy))" }
        if r.precision != .float64 { head += ", in \(precisionName)" }
        var lines = [head]
        if r.stepsRun == 0 {
            lines.append("  no steps taken: nothing drifted and there is no ledger to check")
        } else if r.pairCount > 0 {
            var ledger = "  drift \(formatSummary(r.drift))"
            let exceptions = r.identityExceptions
            if r.diverged {
                // Nothing to compare: the last state is not finite or its update was not taken.
            } else if exceptions.isEmpty {
                ledger += ", ledger residual \(formatSummary(r.ledgerResidual, digits: 2)) (ΔC = η²S holds)"
            } else {
                ledger += "; ΔC = η²S does not apply (\(exceptions.joined(separator: ", "))): "
                ledger += "η²S misses \(missedShare(r.ledgerResidual)) of ΔC"
            }
            lines.append(ledger)
        } else {
            lines.append("  no layer pairs (a single weight matrix): nothing is conserved")
        }
        var probes = [String]()
        if let s = r.sharpness, !s.values.isEmpty {
            var text = "λ_max"
            if s.values.count == 1 {
                text += "(θ\(s.steps[0] == 0 ? "₀" : "_\(s.steps[0])")) \(formatSummary(s.values[0], digits: 4))"
            } else {
                text +=
                    " \(formatSummary(s.values[0], digits: 4)) → \(formatSummary(s.values[s.values.count - 1], digits: 4))"
            }
            text +=
                " (2/η = \(formatSummary(s.threshold, digits: 4)), max ηλ/2 = \(formatSummary(s.maxRatio, digits: 3))"
            if let edge = s.firstStepAtEdge, s.values.count > 1 { text += ", at the edge from step \(edge)" }
            probes.append(text + ")")
        }
        if let p = r.pattern {
            probes.append(
                "switch rate \(formatSummary(p.switchRate, digits: 3)), "
                    + "\(formatSummary(100 * p.zeroChangeFraction, digits: 3))% of updates flip nothing")
        }
        if let e = r.neuronLedgerStepError { probes.append("neuron ledger error \(formatSummary(e, digits: 2))") }
        if !r.checkpointSteps.isEmpty {
            probes.append("checkpoints " + r.checkpointSteps.map(String.init).joined(separator: ", "))
        }
        if !probes.isEmpty { lines.append("  " + probes.joined(separator: "; ")) }
        return lines.joined(separator: "\n")
    }

    private func missedShare(_ residual: Double) -> String {
        guard residual.isFinite else { return formatSummary(residual) }
        return formatSummary(100 * residual, digits: 3) + "%"
    }

}

extension TrainingRun {
    /// Why ΔC_l = η²δ_l does not hold exactly for this run (empty when it does): the
    /// optimizer (momentum, Adam, weight decay), biases, a non-homogeneous activation.
    var identityExceptions: [String] {
        var out = [String]()
        switch optimizer.method {
        case .momentum: out.append("momentum")
        case .adam: out.append("adam")
        case .gradientDescent, .stochastic: break
        }
        if optimizer.weightDecay != 0 { out.append("weight decay") }
        let a = network.architecture
        if a.hasBias { out.append("bias") }
        if !a.activation.isPositivelyHomogeneous { out.append("\(a.activation.name) is not homogeneous") }
        return out
    }
}
