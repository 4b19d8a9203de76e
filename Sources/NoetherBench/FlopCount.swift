import NoetherEngine

/// The floating-point operations of one training step of `train`, counted
/// analytically from the shapes (no instrumentation).
///
/// Convention: one multiply, add, subtract, divide, comparison or select counts as
/// one operation; a fused multiply-add counts as two; `exp` and `log` count as one
/// each (they cost more in cycles, but there are only n·K of them). Integer work,
/// copies and loads are not counted. For n samples and layers l = 0 … L−1 mapping
/// `sizes[l]` → `sizes[l+1]`:
///
/// - forward gemms: Z_l = A_{l−1}W_lᵀ, 2·n·in·out each;
/// - activation: σ and σ′ of every hidden pre-activation, 2 per element;
/// - loss and ∂L/∂F: MSE 5 per output entry (r = f − y, r², Σ, 2·r·scale);
///   cross-entropy per entry max, exp, Σ, ·1/Z, gradient (≈ 7) plus a log per row;
/// - backward gemms: ∂L/∂W_l = Δ_lᵀA_{l−1} for every layer, and Δ_{l−1} = Δ_l W_l
///   for l ≥ 1, 2·n·in·out each;
/// - σ′ product: Δ_{l−1} ⊙ σ′, 1 per hidden element;
/// - per-step statistics and update: ||g_l||² (2 per weight), the GD update
///   θ ← θ − η·g (2 per weight), ||W_l||² after the update (2 per weight), and
///   the ledger (3 per layer pair).
public struct StepFlops: Sendable {
    public var forwardGemm = 0
    public var backwardGemm = 0
    public var elementwise = 0
    public var loss = 0
    public var normsAndUpdate = 0

    public var gemm: Int { forwardGemm + backwardGemm }
    public var total: Int { forwardGemm + backwardGemm + elementwise + loss + normsAndUpdate }

    public init(sizes: [Int], samples n: Int, loss: Loss) {
        let layers = sizes.count - 1
        for l in 0..<layers {
            let fanIn = sizes[l]
            let fanOut = sizes[l + 1]
            forwardGemm += 2 * n * fanIn * fanOut
            backwardGemm += 2 * n * fanIn * fanOut  // ∂L/∂W_l
            if l > 0 { backwardGemm += 2 * n * fanIn * fanOut }  // Δ_{l−1}
            if l < layers - 1 {
                elementwise += 2 * n * fanOut  // σ, σ′
                elementwise += n * fanOut  // Δ ⊙ σ′
            }
            normsAndUpdate += 3 * 2 * fanIn * fanOut  // ||g||², axpy, ||W||²
        }
        normsAndUpdate += 3 * (layers - 1)  // ledger entries
        let k = sizes[layers]
        switch loss {
        case .mse: self.loss = 5 * n * k
        case .crossEntropy: self.loss = 7 * n * k + 3 * n
        case .interpolated: self.loss = 12 * n * k + 3 * n
        }
    }

    public var json: String {
        "{\"forward_gemm\":\(forwardGemm),\"backward_gemm\":\(backwardGemm),\"elementwise\":\(elementwise),"
            + "\"loss\":\(loss),\"norms_update_ledger\":\(normsAndUpdate),\"total\":\(total)}"
    }
}
