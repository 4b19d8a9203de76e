import NoetherEngine

/// A run's recorded series as one CSV table in long format.
///
/// Header `step,quantity,layer,value`, then one row per recorded value. `step` is
/// the step t of a per-step series (statistics at θ_t before its update) or the
/// number of updates t of a per-state series (θ_t); `layer` is **1-based** as in
/// the paper (layer l is W_l; pair l is C_l = ||W_{l+1}||² − ||W_l||²), empty for
/// whole-network quantities. Values use Swift's shortest round-tripping decimal
/// form (`nan`, `inf`, `-inf` for non-finite values), so they read back bit for bit.
///
/// Quantities, each present only when the run recorded it:
/// - per step: `loss`; `accuracy`; `grad_norm_sq` (layer l: ||∂L/∂W_l||²);
///   `ledger_measured` (pair l: C_l(t+1) − C_l(t)); `ledger_predicted` (pair l: η²δ_l(t));
/// - per state: `C` (pair l); `weight_norm_sq` (layer l: ||W_l||²);
///   `neuron_balance[j]` (hidden layer h, unit j, 1-based);
/// - pattern probe (layer 1): `flip_fraction`, `units_flipped`, `margin_min`,
///   `margin_mean`, `distinct_patterns`;
/// - sharpness probe: `sharpness` (the measured λ at θ_t).
/// Rows are grouped by quantity and layer, steps ascending within a group.
/// The quantities are the run's field names at the prompt, so this table is the
/// language's (`export(run, "run.csv")`); the engine only records the series.
public enum RunExport {
    /// The CSV text of `run`.
    public static func csv(_ run: TrainingRun) -> String {
        var out = "step,quantity,layer,value\n"
        func emit(_ quantity: String, _ layer: Int?, _ steps: [Int], _ values: [Double]) {
            let l = layer.map(String.init) ?? ""
            for (s, v) in zip(steps, values) { out += "\(s),\(quantity),\(l),\(v.description)\n" }
        }
        emit("loss", nil, run.steps, run.losses)
        if let a = run.accuracies { emit("accuracy", nil, run.steps, a) }
        for (l, series) in run.gradientSquaredNorms.enumerated() { emit("grad_norm_sq", l + 1, run.steps, series) }
        for (l, series) in run.measuredChange.enumerated() { emit("ledger_measured", l + 1, run.steps, series) }
        for (l, series) in run.predictedChange.enumerated() { emit("ledger_predicted", l + 1, run.steps, series) }
        for (l, series) in run.conserved.enumerated() { emit("C", l + 1, run.stateSteps, series) }
        for (l, series) in run.weightSquaredNorms.enumerated() { emit("weight_norm_sq", l + 1, run.stateSteps, series) }
        if let balances = run.neuronBalanceSeries {
            for (h, m) in balances.enumerated() {
                for j in 0..<m.columns {
                    emit("neuron_balance[\(j + 1)]", h + 1, run.stateSteps, (0..<m.rows).map { m[$0, j] })
                }
            }
        }
        if let p = run.pattern {
            emit("flip_fraction", 1, run.steps, p.flipFraction)
            emit("units_flipped", 1, run.steps, p.unitsFlipped)
            emit("margin_min", 1, run.steps, p.minMargin)
            emit("margin_mean", 1, run.steps, p.meanMargin)
            emit("distinct_patterns", 1, run.steps, p.distinctPatterns.map(Double.init))
        }
        if let s = run.sharpness { emit("sharpness", nil, s.steps, s.values) }
        return out
    }
}
