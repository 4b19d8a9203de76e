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
public struct RunObject: NoetherObject {
    public let run: TrainingRun
    public init(_ run: TrainingRun) { self.run = run }

    public static let typeName = "run"
    public static let fieldDocs: [FieldDoc] = [
        // Loss and accuracy.
        FieldDoc("loss", "loss of the last forward pass (at θ_{T−1}; the mini-batch loss under sgd)"),
        FieldDoc("losses", "loss at every recorded step"),
        FieldDoc("full_loss", "sgd only: the full-batch loss at the final θ (nothing otherwise)"),
        FieldDoc(
            "accuracy", "accuracy of the last forward pass (sgd: on the full data at the final θ); nan for regression"),
        FieldDoc("accuracies", "accuracy at every recorded step (classification data; nothing otherwise)"),
        // Axes.
        FieldDoc("step_axis", "the steps t of the per-step series (losses, grad_norms, ledger, patterns)"),
        FieldDoc("state_axis", "the states t of the per-state series (C, norms, neuron_balances)"),
        FieldDoc("time", "ηt of every recorded step: the gradient-flow clock, to compare runs at different η"),
        FieldDoc("state_time", "ηt of every recorded state"),
        FieldDoc("every", "the recording interval k (every=k)"),
        // Conservation.
        FieldDoc("C0", "C_l(θ₀) per l"),
        FieldDoc("C", "C_l(t) per l: one series per layer pair, at the recorded states"),
        FieldDoc("C_final", "C_l after the last update per l"),
        FieldDoc("norms", "||W_l||²_F per layer: one series per layer, at the recorded states"),
        FieldDoc("drift", "|C_l(T) − C_l(0)| per l (nan when diverged)"),
        FieldDoc("mean_drift", "mean over l of the drift (deep networks, experiments.md E6)"),
        FieldDoc("summed_drift", "sum over l of the drift (E4)"),
        FieldDoc("rel_drift", "max_t |C_l(t) − C_l(0)| / |C_l(0)| per l, over every state"),
        // Ledger.
        FieldDoc("S", "Σ_t δ_l(t) per l over every step, δ_l = ||∂L/∂W_{l+1}||² − ||∂L/∂W_l||²"),
        FieldDoc("grad_norms", "||∂L/∂W_l||² at every recorded step, one series per layer"),
        FieldDoc("ledger_measured", "ΔC_l(t) = C_l(t+1) − C_l(t) at every recorded step, one series per l"),
        FieldDoc("ledger_predicted", "η²δ_l(t) at every recorded step, one series per l"),
        FieldDoc("ledger_gap", "(C_l(T) − C_l(0)) − η²S_l per l: the change the identity does not explain"),
        FieldDoc("ledger_residual", "max_l |(C_l(T) − C_l(0)) − η²S_l| / |C_l(T) − C_l(0)|"),
        FieldDoc("ledger_step_error", "max over every step t and l of |ΔC_l(t) − η²δ_l(t)|"),
        FieldDoc(
            "identity_applies",
            "whether ΔC_l = η²δ_l holds exactly here: gd or sgd, no weight decay, no bias, homogeneous activation"),
        FieldDoc(
            "update_imbalance", "Σ_t (||Δθ_{l+1}||² − ||Δθ_l||²) per l over the updates actually applied (weights)"),
        // Neuron balances.
        FieldDoc(
            "neuron_balances",
            "balances=true: per hidden layer, one series per unit of ||outgoing||² − ||incoming||², at the recorded states"
        ),
        FieldDoc("neuron_balance_drift", "per hidden layer, |b_j(T) − b_j(0)| of every unit"),
        FieldDoc(
            "neuron_ledger_error",
            "balances=true: max over steps and units of |Δb_j(t) − η²(||∂L/∂W_{h+1}[:,j]||² − ||∂L/∂W_h[j,:]||²)|"),
        // Activation patterns.
        FieldDoc(
            "flip_fraction",
            "patterns=true: share of the n·m (sample, unit) signs of layer 1 flipped by each recorded step's update"),
        FieldDoc("units_flipped", "patterns=true: units with at least one flipped sample, per recorded step"),
        FieldDoc("margin_min", "patterns=true: min |pre-activation| of layer 1 at each recorded step"),
        FieldDoc("margin_mean", "patterns=true: mean |pre-activation| of layer 1 at each recorded step"),
        FieldDoc(
            "distinct_patterns", "patterns=true: distinct activation patterns (rows of 1[Z > 0]) at each recorded step"),
        FieldDoc("mean_flip_fraction", "patterns=true: mean over every update of the flip fraction"),
        FieldDoc("switch_rate", "patterns=true: mean units flipped per update, divided by the width m"),
        FieldDoc(
            "tiny_flip_fraction",
            "patterns=true: share of flips with min |z| before/after below 2⁻²³·Σ_k|x_k w_k| (float32's resolution)"),
        FieldDoc("resolved_switch_rate", "patterns=true: switch_rate counting only flips above float32's resolution"),
        FieldDoc("zero_change_fraction", "patterns=true: share of updates that flipped no sign"),
        FieldDoc("flip_delta_corr", "patterns=true: Pearson correlation over updates of the flip fraction with |δ_t|"),
        // Sharpness.
        FieldDoc("sharpness", "sharpness_every=k: λ_max of the Hessian at the measured states"),
        FieldDoc("sharpness_steps", "the states t where λ_max was measured"),
        FieldDoc("sharpness_threshold", "2/η, the stability threshold of gradient descent"),
        FieldDoc("sharpness_ratio", "ηλ_max/2 at every measured state (1 = at the edge)"),
        FieldDoc("edge_step", "the first measured step with λ_max ≥ 2/η (nothing if none)"),
        FieldDoc("edge_fraction", "the share of measurements with λ_max ≥ 0.9·(2/η)"),
        FieldDoc("max_sharpness_ratio", "max over measurements of ηλ_max/2"),
        FieldDoc("sharpness0", "λ_max(θ₀) (sharpness_every or sharpness_at_start=true)"),
        // Bookkeeping.
        FieldDoc("stop_reason", "\"completed\", \"diverged\", \"loss_below_threshold\" or \"interrupted\""),
        FieldDoc("diverged", "whether the loss or parameters became non-finite (or exceeded divergence_loss)"),
        FieldDoc("diverged_at", "the step where it diverged (nothing when it did not)"),
        FieldDoc("interrupted", "whether the run was stopped early by the user"),
        FieldDoc("steps", "number of updates applied"),
        FieldDoc("steps_requested", "number of updates asked for"),
        FieldDoc("precision", "\"float64\" or \"float32\": the arithmetic of the run (precision=…)"),
        FieldDoc("lr", "the learning rate η"),
        FieldDoc("optimizer", "the optimizer"),
        FieldDoc("objective", "the training loss function"),
        FieldDoc("dataset", "the name of the training data"),
        FieldDoc("net", "the trained network"),
        FieldDoc("net0", "the network the run started from"),
        FieldDoc("checkpoints", "the steps whose network was kept (checkpoints=[…])"),
        FieldDoc("at", "run.at(t): the network θ_t kept at checkpoint t (also at step 0 and at the end)"),
        FieldDoc("seconds", "wall time of the training loop (probes included)"),
    ]

    public func field(_ name: String) -> Value? {
        let r = run
        switch name {
        case "loss": return .number(r.finalLoss)
        case "losses": return .numbers(r.losses)
        case "full_loss": return r.finalFullBatchLoss.map { .number($0) } ?? .nothing
        case "accuracy": return .number(r.accuracy)
        case "accuracies": return r.accuracies.map { .numbers($0) } ?? .nothing
        case "step_axis": return .numbers(r.steps.map(Double.init))
        case "state_axis": return .numbers(r.stateSteps.map(Double.init))
        case "time": return .numbers(r.time)
        case "state_time": return .numbers(r.stateTime)
        case "every": return .number(Double(r.every))
        case "C0": return .numbers(r.initialConserved)
        case "C": return .list(r.conserved.map { .numbers($0) })
        case "C_final": return .numbers(r.finalConserved)
        case "norms": return .list(r.weightSquaredNorms.map { .numbers($0) })
        case "drift": return .numbers(r.drift)
        case "mean_drift": return .number(r.meanDrift)
        case "summed_drift": return .number(r.summedDrift)
        case "rel_drift": return .numbers(r.relativeDrift)
        case "S": return .numbers(r.imbalanceSum)
        case "grad_norms": return .list(r.gradientSquaredNorms.map { .numbers($0) })
        case "ledger_measured": return .list(r.measuredChange.map { .numbers($0) })
        case "ledger_predicted": return .list(r.predictedChange.map { .numbers($0) })
        case "ledger_gap": return .numbers(r.ledgerGap)
        case "ledger_residual": return .number(r.ledgerResidual)
        case "ledger_step_error": return .number(r.ledgerStepError)
        case "identity_applies": return .bool(r.identityExceptions.isEmpty)
        case "update_imbalance": return .numbers(r.updateImbalanceSum)
        case "neuron_balances":
            guard let series = r.neuronBalanceSeries else { return .nothing }
            return .list(
                series.map { m in
                    .list((0..<m.columns).map { j in .numbers((0..<m.rows).map { m[$0, j] }) })
                })
        case "neuron_balance_drift":
            return .list(
                zip(r.initialNeuronBalances, r.finalNeuronBalances).map { b0, b1 in
                    .numbers(zip(b0, b1).map { r.diverged ? .nan : abs($1 - $0) })
                })
        case "neuron_ledger_error": return r.neuronLedgerStepError.map { .number($0) } ?? .nothing
        case "flip_fraction": return pattern { .numbers($0.flipFraction) }
        case "units_flipped": return pattern { .numbers($0.unitsFlipped) }
        case "margin_min": return pattern { .numbers($0.minMargin) }
        case "margin_mean": return pattern { .numbers($0.meanMargin) }
        case "distinct_patterns": return pattern { .numbers($0.distinctPatterns.map(Double.init)) }
        case "mean_flip_fraction": return pattern { .number($0.meanFlipFraction) }
        case "switch_rate": return pattern { .number($0.switchRate) }
        case "tiny_flip_fraction": return pattern { .number($0.tinyFlipFraction) }
        case "resolved_switch_rate": return pattern { .number($0.resolvedSwitchRate) }
        case "zero_change_fraction": return pattern { .number($0.zeroChangeFraction) }
        case "flip_delta_corr": return pattern { .number($0.flipImbalanceCorrelation) }
        case "sharpness": return sharp { .numbers($0.values) }
        case "sharpness_steps": return sharp { .numbers($0.steps.map(Double.init)) }
        case "sharpness_threshold": return .number(2 / r.learningRate)
        case "sharpness_ratio": return sharp { s in .numbers(s.values.map { r.learningRate * $0 / 2 }) }
        case "edge_step": return sharp { s in s.firstStepAtEdge.map { .number(Double($0)) } ?? .nothing }
        case "edge_fraction": return sharp { .number($0.fractionNearEdge) }
        case "max_sharpness_ratio": return sharp { .number($0.maxRatio) }
        case "sharpness0": return sharp { s in s.initial.map { .number($0) } ?? .nothing }
        case "stop_reason": return .string(r.stopReason.name)
        case "diverged": return .bool(r.diverged)
        case "diverged_at": return r.divergedAt.map { .number(Double($0)) } ?? .nothing
        case "interrupted": return .bool(r.interrupted)
        case "steps": return .number(Double(r.stepsRun))
        case "steps_requested": return .number(Double(r.stepsRequested))
        case "precision": return .string(r.precision.name)
        case "lr": return .number(r.learningRate)
        case "optimizer": return .object(OptimizerObject(r.optimizer))
        case "objective": return .object(LossObject(r.loss))
        case "dataset": return .string(r.datasetName)
        case "net": return .object(NetworkObject(r.network))
        case "net0": return .object(NetworkObject(r.initialNetwork))
        case "checkpoints": return .numbers(r.checkpointSteps.map(Double.init))
        case "at": return .function(.builtin(RunObject.atMethod(r)))
        case "seconds": return .number(r.seconds)
        default: return nil
        }
    }

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
        if r.precision != .float64 { head += ", in \(r.precision.name)" }
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

    public var json: JSONValue {
        let r = run
        var fields: [(String, JSONValue)] = [
            ("type", .string("run")), ("optimizer", .string(r.optimizer.name)), ("loss_function", .string(r.loss.name)),
            ("dataset", .string(r.datasetName)),
            ("steps", .number(Double(r.stepsRun))), ("steps_requested", .number(Double(r.stepsRequested))),
            ("stop_reason", .string(r.stopReason.name)), ("precision", .string(r.precision.name)),
            ("loss", .number(r.finalLoss)), ("accuracy", .number(r.accuracy)),
            ("C0", .numbers(r.initialConserved)), ("C_final", .numbers(r.finalConserved)),
            ("drift", .numbers(r.drift)), ("rel_drift", .numbers(r.relativeDrift)), ("S", .numbers(r.imbalanceSum)),
            ("ledger_residual", .number(r.ledgerResidual)), ("ledger_step_error", .number(r.ledgerStepError)),
            ("ledger_gap", .numbers(r.ledgerGap)), ("identity_applies", .bool(r.identityExceptions.isEmpty)),
            ("diverged", .bool(r.diverged)), ("diverged_at", r.divergedAt.map { .number(Double($0)) } ?? .null),
            ("interrupted", .bool(r.interrupted)), ("seconds", .number(r.seconds)),
        ]
        if let s = r.sharpness {
            fields.append(("sharpness0", s.initial.map { .number($0) } ?? .null))
            fields.append(("edge_step", s.firstStepAtEdge.map { .number(Double($0)) } ?? .null))
            fields.append(("edge_fraction", .number(s.fractionNearEdge)))
            fields.append(("max_sharpness_ratio", .number(s.maxRatio)))
        }
        if let p = r.pattern {
            fields.append(("switch_rate", .number(p.switchRate)))
            fields.append(("zero_change_fraction", .number(p.zeroChangeFraction)))
        }
        if let e = r.neuronLedgerStepError { fields.append(("neuron_ledger_error", .number(e))) }
        return .object(fields)
    }
}

extension TrainingRun {
    /// (C_l(T) − C_l(0)) − η²S_l per pair: what the identity leaves unexplained.
    var ledgerGap: [Double] {
        let eta2 = learningRate * learningRate
        return (0..<pairCount).map { (finalConserved[$0] - initialConserved[$0]) - eta2 * imbalanceSum[$0] }
    }

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
