/// `explain` entries for the run and network fields the training options add: the
/// ledger beyond plain gradient descent, the time axis, the activation-pattern probe,
/// sharpness along training and per-neuron balances. Notation as in `Explanations`.
enum TrainingExplanations {
    static let all: [Explanation] = [
        Explanation(
            "run", "ledger_gap", formula: "gap_l = (C_l(θ_T) − C_l(θ_0)) − η²·S_l",
            """
            The part of the measured change of C_l that the gradient-descent identity does not
            explain, signed, per layer pair. Rounding level for gd and sgd on a bias-free network
            with a homogeneous activation (identity_applies = true); with momentum, Adam, weight
            decay, biases, tanh or gelu it is the honest size of the identity's failure.
            """),
        Explanation(
            "run", "identity_applies",
            formula: "identity_applies = (gd or sgd) ∧ weight_decay = 0 ∧ no bias ∧ σ(a·z) = a·σ(z) for a > 0",
            """
            Whether ΔC_l(t) = η²·δ_l(t) holds exactly, step by step, for this run. Under sgd δ_l
            is taken from the mini-batch gradient actually applied, so the identity still holds.
            When false, the ledger is still recorded: compare ledger_measured with
            ledger_predicted, or read ledger_gap.
            """),
        Explanation(
            "run", "update_imbalance",
            formula: "Σ_t (||Δθ_{l+1}(t)||_F² − ||Δθ_l(t)||_F²),  Δθ(t) = θ_{t+1} − θ_t (weights only)",
            """
            The imbalance of the steps actually taken, per layer pair. For plain gd and sgd
            without weight decay Δθ = −η·g, so it equals η²·S_l; for momentum and Adam it
            differs, and C_l(T) − C_l(0) also has a first-order part 2Σ_t(⟨W_{l+1}, ΔW_{l+1}⟩ − ⟨W_l, ΔW_l⟩).
            """),
        Explanation(
            "run", "time", formula: "time[i] = η · step_axis[i]",
            """
            Learning-rate-scaled time, the clock of gradient flow: runs at different η are
            compared at equal ηt. state_time is the same for the per-state series.
            """),
        Explanation(
            "run", "flip_fraction",
            formula: "flip_fraction(t) = (1/(n·m)) Σ_{i,j} [1[z_ij(θ_{t+1}) > 0] ≠ 1[z_ij(θ_t) > 0]]",
            """
            patterns=true. The share of (sample, unit) activation signs of the first hidden layer
            (z = W₁x, plus b₁ with bias, on the full data) that update t flipped; m is the layer's
            width. units_flipped counts the units j with at least one flipped sample. nan at a
            step whose update was not applied.
            """),
        Explanation(
            "run", "switch_rate", formula: "switch_rate = mean_t units_flipped(t) / m",
            """
            patterns=true. E9's switch rate: the units touched per update, averaged over every
            update (not only the recorded ones), as a fraction of the width m.
            """),
        Explanation(
            "run", "tiny_flip_fraction",
            formula: "tiny: min(|z_ij(θ_t)|, |z_ij(θ_t+1)|) < 2⁻²³·(Σ_k |x_ik|·|W₁[j,k]| + |b_j|)",
            """
            patterns=true, in either precision. The share of all flips, over every update, whose
            pre-activation lies within one float32 rounding of the dot product that makes it
            (2⁻²³ = Float.ulpOfOne times the magnitude of its terms, W₁ after the update), on one
            side of the update or the other: flips whose sign float32 arithmetic alone could
            decide. nan when nothing flipped.
            """),
        Explanation(
            "run", "resolved_switch_rate",
            formula: "resolved_switch_rate = mean_t #{j : unit j has a flip that is not tiny at t} / m",
            """
            patterns=true. The switch rate counting only the flips above float32's resolution (see
            explain run.tiny_flip_fraction); at most switch_rate.
            """),
        Explanation(
            "run", "zero_change_fraction", formula: "zero_change_fraction = #{t : flip_fraction(t) = 0} / T",
            """
            patterns=true. The share of updates, over every update, that flipped no activation
            sign: the steps on which the network stayed on one linear piece.
            """),
        Explanation(
            "run", "margin_min",
            formula: "margin_min(t) = min_{i,j} |z_ij(θ_t)|,  margin_mean(t) = mean_{i,j} |z_ij(θ_t)|",
            """
            patterns=true. How close the first hidden layer's pre-activations are to the kink at
            0, at θ_t before update t. distinct_patterns(t) counts the distinct rows of
            1[z(θ_t) > 0] over the n samples.
            """),
        Explanation(
            "run", "sharpness", formula: "sharpness(t) = λ_max(∇²L(θ_t)),  t = 0, k, 2k, … (sharpness_every=k)",
            """
            The largest eigenvalue of the full-batch loss Hessian at θ_t, before update t (and
            at the final θ_T when T is a multiple of k), by Lanczos on exact Hessian-vector
            products warm-started from the previous eigenvector (or the reference's power
            iteration, sharpness_method="power"). nan where a measurement failed.
            """),
        Explanation(
            "run", "edge_step", formula: "edge_step = min{t measured : λ_max(θ_t) ≥ 2/η}",
            """
            The first measured state at or beyond gradient descent's stability threshold 2/η
            (sharpness_threshold); none when λ_max stayed below it. The threshold is the plain-gd
            one for every optimizer (for heavy-ball momentum the classical one is (2 + 2β)/η).
            """),
        Explanation(
            "run", "edge_fraction", formula: "edge_fraction = #{t measured : λ_max(θ_t) ≥ 0.9·(2/η)} / #{t measured}",
            """
            The share of sharpness measurements within 10% of the stability threshold or above.
            """),
        Explanation(
            "run", "max_sharpness_ratio", formula: "max_sharpness_ratio = max_t η·λ_max(θ_t) / 2",
            """
            1 means the run reached the edge of stability; above 1 it was beyond it. Only finite
            measurements count.
            """),
        Explanation(
            "run", "sharpness0", formula: "sharpness0 = λ_max(∇²L(θ_0))",
            """
            The initial sharpness, measured by sharpness_every=k or by sharpness_at_start=true
            alone. η > 2/sharpness0 means the run starts unstable (it diverges or catapults).
            """),
        Explanation(
            "run", "neuron_balances",
            formula: "b_j(t) = ||W_{h+1}[:, j](θ_t)||² − ||W_h[j, :](θ_t)||²,  hidden unit j of layer h",
            """
            balances=true. One series per hidden unit (outgoing minus incoming squared weights),
            at the recorded states; the units of layer h sum to C_h. Each is conserved by gradient
            flow, and gd moves it by η²(||g_{h+1}[:, j]||² − ||g_h[j, :]||²) per step, which
            neuron_ledger_error checks at every step.
            """),
        Explanation(
            "run", "neuron_ledger_error",
            formula: "max_{t,j} |Δb_j(t) − η²(||g_{h+1}(t)[:, j]||² − ||g_h(t)[j, :]||²)|",
            """
            balances=true. The per-neuron version of ledger_step_error, over every step and every
            hidden unit: rounding level when identity_applies.
            """),
        Explanation(
            "run", "stop_reason", formula: "completed | diverged | loss_below_threshold | interrupted",
            """
            Why the loop ended: all steps ran; the loss or θ became non-finite or the loss passed
            divergence_loss; the loss at θ_t fell below stop_when_loss_below (no update applied at
            that step); or the user pressed Ctrl-C.
            """),
        Explanation(
            "network", "neuron_balances",
            formula: "b_j = ||W_{h+1}[:, j]||_F² − ||W_h[j, :]||_F²,  h = 1 … L−1",
            """
            One list per hidden layer, one entry per unit: outgoing minus incoming squared weights.
            They sum to C_h over the units of layer h and, like C_h, are conserved by gradient
            flow without bias for a homogeneous activation.
            """),
    ]
}
