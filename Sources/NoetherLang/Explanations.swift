/// The exact definition of a quantity Noether reports, for `explain NAME`: the
/// formula, then what is averaged, over which layers, and when it is measured
/// (before or after an update).
public struct Explanation: Sendable {
    /// The object type that reports it (`run`, `network`).
    public let owner: String
    /// The field name (`drift`).
    public let name: String
    public let formula: String
    public let text: String

    public init(_ owner: String, _ name: String, formula: String, _ text: String) {
        self.owner = owner
        self.name = name
        self.formula = formula
        self.text = text
    }

    /// The text `explain` prints.
    public var rendered: String {
        "\(owner).\(name)\n\n  \(formula)\n\n" + indented(text) + "\n"
    }
}

/// The definitions of the quantities a training run and a network report. Notation:
/// L weight matrices W_1 … W_L, θ_t the parameters before update t (t = 0 … T−1, T the
/// number of updates applied), g_l(t) = ∂L/∂W_l at θ_t, η the learning rate, and the
/// conserved quantities C_l = ||W_{l+1}||_F² − ||W_l||_F² for l = 1 … L−1 (one per pair
/// of adjacent layers; biases never enter).
enum Explanations {
    static let all: [Explanation] = [
        Explanation(
            "run", "C", formula: "C_l(t) = ||W_{l+1}(θ_t)||_F² − ||W_l(θ_t)||_F²,  l = 1 … L−1,  t = 0 … T",
            """
            One series per pair of adjacent weight matrices (run.C[0] is the paper's C₁), with
            T + 1 entries: C_l(0) at the initial network, then the value after each update.
            Biases never enter. Conserved exactly by gradient flow in bias-free ReLU and linear
            networks; gradient descent moves it by η²δ_l per step (see ledger_predicted).
            """),
        Explanation(
            "run", "C0", formula: "C0_l = C_l(θ_0) = ||W_{l+1}(θ_0)||_F² − ||W_l(θ_0)||_F²",
            """
            One number per layer pair, at the network passed to train, before the first update.
            Under U(−1/√fan_in, 1/√fan_in) initialization it averages (K − m)/3 for [d, m, K].
            """),
        Explanation(
            "run", "drift", formula: "drift_l = |C_l(θ_T) − C_l(θ_0)|,  l = 1 … L−1",
            """
            The absolute change of each conserved quantity over the whole run: θ_0 before the
            first update, θ_T after the last one (T = run.steps). One entry per layer pair; not
            averaged. nan when the run diverged. This is the quantity power-law fits use.
            """),
        Explanation(
            "run", "mean_drift", formula: "mean_drift = (1/(L−1)) Σ_l |C_l(θ_T) − C_l(θ_0)|",
            """
            The drift averaged over the L−1 layer pairs (for deep networks); equal to drift[0]
            for a two-layer network. nan when the run diverged.
            """),
        Explanation(
            "run", "rel_drift", formula: "rel_drift_l = max_{t=1…T} |C_l(t) − C_l(0)| / |C_l(0)|",
            """
            The largest relative excursion of C_l over the run, per layer pair, measured after
            every update. When |C_l(0)| < 1e-10 the absolute excursion is reported instead.
            """),
        Explanation(
            "run", "S", formula: "S_l = Σ_{t=0}^{T−1} δ_l(t),  δ_l(t) = ||g_{l+1}(t)||_F² − ||g_l(t)||_F²",
            """
            The signed sum of the gradient imbalance over the steps whose update was applied;
            the gradients are taken at θ_t, before update t. For gradient descent the drift
            identity reads C_l(T) − C_l(0) = η²·S_l exactly.
            """),
        Explanation(
            "run", "grad_norms", formula: "grad_norms[l][t] = ||∂L/∂W_l (θ_t)||_F²,  l = 1 … L,  t = 0 … T−1",
            """
            One series per weight matrix (not per pair), squared Frobenius norms of the full-batch
            gradient at θ_t, before update t.
            """),
        Explanation(
            "run", "ledger_measured", formula: "ΔC_l(t) = C_l(θ_{t+1}) − C_l(θ_t),  t = 0 … T−1",
            """
            The measured change of each conserved quantity across update t, one series per
            layer pair.
            """),
        Explanation(
            "run", "ledger_predicted", formula: "η²·δ_l(t) = η²·(||g_{l+1}(t)||_F² − ||g_l(t)||_F²),  t = 0 … T−1",
            """
            The change gradient descent predicts for update t, from the gradients at θ_t (before
            the update). For plain gradient descent it equals ledger_measured up to rounding.
            """),
        Explanation(
            "run", "ledger_residual",
            formula: "max_l |(C_l(T) − C_l(0)) − η²·S_l| / |C_l(T) − C_l(0)|",
            """
            The drift identity checked over the whole run, relative to the drift, worst layer
            pair. At rounding level (around 1e-12) in Float64 for gradient descent; nan when
            the run diverged or did not move C.
            """),
        Explanation(
            "run", "ledger_step_error", formula: "max_{l,t} |ΔC_l(t) − η²·δ_l(t)|",
            """
            The largest absolute per-step difference between the measured and predicted change,
            over all updates and layer pairs. Rounding alone keeps it near 1e-15 × |C|.
            """),
        Explanation(
            "run", "loss", formula: "loss = L(θ_{T−1})",
            """
            The loss of the last forward pass, at the parameters before the last update (the
            loss is computed on the way to each update). nan when no step ran. mse averages over
            all n·K entries without ½; cross_entropy averages over the n samples.
            """),
        Explanation(
            "run", "losses", formula: "losses[t] = L(θ_t),  t = 0 … T−1",
            """
            The full-batch loss at every step, before that step's update. A diverged run ends
            with the first non-finite loss.
            """),
        Explanation(
            "run", "accuracy", formula: "accuracy = (1/n) Σ_i [argmax_k f(x_i; θ_{T−1})_k = y_i]",
            """
            The fraction of samples classified correctly by the last forward pass (at θ_{T−1},
            before the last update). nan for regression data or a diverged run.
            """),
        Explanation(
            "run", "diverged", formula: "diverged = some L(θ_t) or some entry of θ_{t+1} is not finite",
            """
            A diverged run stops at that step; its drift is nan. It is a result, not an error.
            diverged_at is the step: t when the loss at θ_t was not finite (no update applied),
            t + 1 when the update produced non-finite parameters.
            """),
        Explanation(
            "network", "C", formula: "C_l = ||W_{l+1}||_F² − ||W_l||_F²,  l = 1 … L−1",
            """
            The conserved quantities of the network's current weights, one per pair of adjacent
            weight matrices. Biases never enter.
            """),
    ]
}
