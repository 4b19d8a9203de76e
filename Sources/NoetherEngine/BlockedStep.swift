internal import CNoetherKernels

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The training step on large batches, blocked over samples (issue 13 §4).
///
/// With n = 20 000 samples and a hidden width of 1024, each activation matrix holds
/// 20.5 M entries (164 MB), far beyond the caches, and the plain step is bound by
/// memory: it writes Z, reads it back for the ReLU, writes A, reads A for F and for
/// ∂W₂, writes Δ = G·W₂, reads it back with A for the mask, and reads it once more for
/// ∂W₁ — about ten passes over 164 MB a step. This step walks the samples in blocks of
/// a few rows instead, so that each block's work happens while its rows are in the
/// cache, and keeps one n × m matrix per hidden layer, Z:
///
/// - forward, per block: Z_b = A_{b, l−1}·W_lᵀ stored, with A_b = ReLU(Z_b) fused into
///   the product's stores (Noether's small kernel) into a block-sized scratch, then the
///   next layer on the same rows;
/// - the loss and G = ∂L/∂F on the whole n × K output, as before;
/// - backward, per block: A_b = ReLU(Z_b) again into the scratch (the one read of Z),
///   ∂W_l += Δ_bᵀ·A_{b, l−1} (OpenBLAS, β = 1), and Δ_{b, l−1} = (Δ_b·W_l) ⊙
///   1[A_{b, l−1} > 0] (the small kernel, mask fused) into the scratch.
///
/// So each hidden layer's n × m matrix is written once and read once a step (Z: the
/// pattern tracker of the training loop reads it); A and Δ never leave the cache, and
/// `activations` and `deltas` hold nothing meaningful afterwards (as `slopes` without
/// `keepsSlopes`). Same arithmetic, one difference in order: each weight gradient is
/// summed over the samples block by block (∂W = Σ_b Δ_bᵀ A_b) where a single product
/// summed them in OpenBLAS's own blocks, so ∂W, and a run's numbers after its first
/// update, differ in the last bits from the plain step's (Z, the outputs and the
/// first loss agree to rounding, not bit for bit: Z within 1e-12, the loss within 1e-13
/// relative; measured in docs/performance.md, tested in BlockedStepTests).
///
/// Used by `Backprop.evaluate` when the training loop's settings allow it (ReLU or
/// linear hidden layers, no biases, `keepsSlopes` off, Noether's kernels on) and a
/// hidden pre-activation matrix has at least `blockedStepMinimumEntries` entries.
extension Backprop {
    /// Hidden activation matrices of at least this many entries (16 MB) take the
    /// blocked step; smaller ones fit the caches and keep the plain one (and its bits).
    static let blockedStepMinimumEntries = 1 << 21

    /// The environment variable that turns the blocked step off when set to 0.
    public static let blockedStepVariable = "NOETHER_BLOCKED_STEP"

    /// Whether the blocked step may be used in this process (`NOETHER_BLOCKED_STEP=0`
    /// turns it off, e.g. to compare; `NOETHER_SMALL_KERNELS=0` does too).
    public static let blockedStepEnabled: Bool = {
        guard let value = getenv(blockedStepVariable) else { return true }
        return String(cString: value) != "0"
    }()

    /// Rows per block for a network whose widest layer has `width` units: 128 KB per
    /// block matrix (16 rows of 1024). On the large run (thread CPU time, 10 steps,
    /// Zen 4) 8, 16 and 32 rows were within noise of each other (118–121 ms a step
    /// before the last change, 110 with 16), 64–256 slower (126–145 ms): the
    /// forward's Z store and the products, not the cache, set the time.
    static func blockedStepRows(width: Int) -> Int {
        return Swift.max(8, Swift.min(256, (1 << 14) / Swift.max(width, 1)))
    }

    /// Whether `evaluate` takes the blocked step for this workspace.
    func takesBlockedStep(_ parameters: Parameters, minimumEntries: Int) -> Bool {
        let sizes = architecture.sizes
        let layers = architecture.layerCount
        guard Self.blockedStepEnabled, fusesElementwise, !keepsSlopes, SmallProducts.enabled, parameters.biases == nil,
            layers >= 2,
            architecture.activation == .relu || architecture.activation == .linear
        else { return false }
        let widest = sizes[1..<layers].max() ?? 0
        return batchSize &* widest >= minimumEntries && batchSize >= 2 * Self.blockedStepRows(width: widest)
    }

    /// The blocked forward and backward pass, or nil when `takesBlockedStep` says no
    /// (then nothing was written). Same contract as `evaluate` otherwise.
    mutating func evaluateBlocked(
        _ parameters: Parameters, inputs x: Matrix, targets: Matrix, labels: [Int]?, loss: Loss,
        minimumEntries: Int = Backprop.blockedStepMinimumEntries
    ) -> Double? {
        guard takesBlockedStep(parameters, minimumEntries: minimumEntries) else { return nil }
        let sizes = architecture.sizes
        let layers = architecture.layerCount
        let n = batchSize
        let relu = architecture.activation == .relu
        let widest = sizes[1..<layers].max() ?? 1
        let rowsPerBlock = Self.blockedStepRows(width: widest)
        // The weights in the kernel's panel-major form, once a step: W_lᵀ for the forward
        // products of hidden layers, W_l for the backward ones (16-column panels, so the
        // kernel's loads never stride by a full row of a wide matrix).
        func panels(_ l: Int, transposed: Bool) -> [Double] {
            let w = parameters.weights[l]
            let (k, width) = transposed ? (w.columns, w.rows) : (w.rows, w.columns)
            var out = [Double](repeating: 0, count: (width + 15) / 16 * 16 * k)
            w.storage.withUnsafeBufferPointer { wp in
                out.withUnsafeMutableBufferPointer { op in
                    noether_pack_panels(wp.baseAddress!, w.columns, k, width, transposed ? 1 : 0, op.baseAddress!)
                }
            }
            return out
        }
        let forwardPanels = (0..<layers - 1).map { panels($0, transposed: true) }
        let backwardPanels = (0..<layers).map { $0 == 0 ? [] : panels($0, transposed: false) }
        // Block scratch: A_b of every hidden layer (rows × width), then two Δ_b buffers.
        let hiddenTotal = sizes[1..<layers].reduce(0, +)
        let scratch = UnsafeMutablePointer<Double>.allocate(capacity: rowsPerBlock * (hiddenTotal + 2 * widest))
        defer { scratch.deallocate() }
        var blockA = [UnsafeMutablePointer<Double>]()
        var offset = 0
        for l in 0..<layers - 1 {
            blockA.append(scratch + offset)
            offset += rowsPerBlock * sizes[l + 1]
        }
        let deltaBuffers = (scratch + offset, scratch + offset + rowsPerBlock * widest)

        // Forward, block by block through every layer: Z stored, A_b only in the scratch.
        withLayerPointers { z, _, _ in
            x.storage.withUnsafeBufferPointer { xp in
                var r0 = 0
                while r0 < n {
                    let rows = Swift.min(rowsPerBlock, n - r0)
                    for l in 0..<layers {
                        let k = sizes[l]
                        let out = sizes[l + 1]
                        let input = l == 0 ? xp.baseAddress! + r0 * k : UnsafePointer(blockA[l - 1])
                        let zb = z[l]! + r0 * out
                        if l == layers - 1 {
                            parameters.weights[l].storage.withUnsafeBufferPointer { w in
                                gemmStrided(
                                    .none, input, lda: k, .transposed, w.baseAddress!, ldb: k, zb, ldc: out, m: rows,
                                    n: out, k: k)
                            }
                            continue
                        }
                        let ab = blockA[l]
                        let done = forwardPanels[l].withUnsafeBufferPointer { wt in
                            noether_small_dgemm_panels(rows, out, k, input, k, wt.baseAddress!, zb, out, 1, ab, nil)
                        }
                        if done == 0 {
                            parameters.weights[l].storage.withUnsafeBufferPointer { w in
                                gemmStrided(
                                    .none, input, lda: k, .transposed, w.baseAddress!, ldb: k, zb, ldc: out,
                                    m: rows, n: out, k: k)
                            }
                        }
                        if done == 0 || !relu { activate(zb, into: ab, count: rows &* out, relu: relu) }
                    }
                    r0 += rows
                }
            }
        }

        let value = loss.evaluate(
            outputs: preActivations[layers - 1], targets: targets, labels: labels,
            gradient: &outputGradient, probabilities: &probabilities)
        deltas[layers - 1].storage.withUnsafeMutableBufferPointer { d in
            outputGradient.storage.withUnsafeBufferPointer { g in _ = d.update(fromContentsOf: g) }
        }

        // Backward, block by block from the output layer down: A_b again from Z_b (the
        // one read of Z), ∂W accumulated over the blocks, Δ_b only in the scratch.
        for l in 0..<layers { weightGradients[l].fill(0) }
        withLayerPointers { z, d, gw in
            x.storage.withUnsafeBufferPointer { xp in
                var r0 = 0
                while r0 < n {
                    let rows = Swift.min(rowsPerBlock, n - r0)
                    for l in 0..<layers - 1 {
                        activate(z[l]! + r0 * sizes[l + 1], into: blockA[l], count: rows &* sizes[l + 1], relu: relu)
                    }
                    var delta = UnsafePointer(d[layers - 1]! + r0 * sizes[layers])
                    var next = deltaBuffers.0
                    for l in stride(from: layers - 1, through: 0, by: -1) {
                        let k = sizes[l]
                        let out = sizes[l + 1]
                        let input = l == 0 ? xp.baseAddress! + r0 * k : UnsafePointer(blockA[l - 1])
                        // ∂W_l += Δ_bᵀ·A_b: libxsmm for a thin output layer (K ≤ 8 rows: 11 → 4 ms
                        // a step on the large run), OpenBLAS otherwise.
                        if !(SmallProducts.prefersXSMM(.transposed, .none, m: out, n: k, k: rows)
                            && SmallProducts.xsmm(
                                .transposed, .none, m: out, n: k, k: rows, delta, lda: out, input, ldb: k, gw[l]!,
                                ldc: k, beta: 1))
                        {
                            gemmStrided(
                                .transposed, delta, lda: out, .none, input, ldb: k, gw[l]!, ldc: k, m: out, n: k,
                                k: rows, beta: 1)
                        }
                        if l == 0 { break }
                        let done = backwardPanels[l].withUnsafeBufferPointer { wp in
                            noether_small_dgemm_panels(
                                rows, k, out, delta, out, wp.baseAddress!, next, k, relu ? 2 : 0, nil, input)
                        }
                        if done == 0 {
                            parameters.weights[l].storage.withUnsafeBufferPointer { w in
                                gemmStrided(
                                    .none, delta, lda: out, .none, w.baseAddress!, ldb: k, next, ldc: k, m: rows,
                                    n: k, k: out)
                            }
                            if relu { for i in 0..<rows &* k { next[i] *= input[i] > 0 ? 1 : 0 } }
                        }
                        delta = UnsafePointer(next)
                        next = next == deltaBuffers.0 ? deltaBuffers.1 : deltaBuffers.0
                    }
                    r0 += rows
                }
            }
        }
        return value
    }

    /// Base addresses of every layer's Z, Δ and ∂W, valid inside `body` (the arrays are
    /// reached through their buffers, so the nested accesses do not overlap).
    private mutating func withLayerPointers(
        _ body: ([UnsafeMutablePointer<Double>?], [UnsafeMutablePointer<Double>?], [UnsafeMutablePointer<Double>?])
            -> Void
    ) {
        preActivations.withUnsafeMutableBufferPointer { zs in
            deltas.withUnsafeMutableBufferPointer { ds in
                weightGradients.withUnsafeMutableBufferPointer { gs in
                    let all = [zs, ds, gs]
                    var pointers = [[UnsafeMutablePointer<Double>?]](repeating: [], count: 3)
                    func collect(_ which: Int, _ index: Int) {
                        if which == 3 {
                            body(pointers[0], pointers[1], pointers[2])
                            return
                        }
                        if index == all[which].count {
                            collect(which + 1, 0)
                            return
                        }
                        all[which][index].storage.withUnsafeMutableBufferPointer { p in
                            pointers[which].append(p.baseAddress)
                            collect(which, index + 1)
                        }
                    }
                    collect(0, 0)
                }
            }
        }
    }
}

/// a[i] = σ(z[i]) for ReLU (max(z, 0), NaN → 0: `Activation.applyValue`'s four-lane
/// pass, the plain step's, bit-identical to the kernel's fused ReLU) or linear. (A
/// scalar `z > 0 ? z : 0` loop here cost ≈ 20–40 ms a step on the large run: a
/// mispredicted branch for half the entries.)
private func activate(_ z: UnsafeMutablePointer<Double>, into a: UnsafeMutablePointer<Double>, count: Int, relu: Bool) {
    if relu {
        Activation.relu.applyValue(
            UnsafeBufferPointer(start: z, count: count), value: UnsafeMutableBufferPointer(start: a, count: count))
    } else {
        a.update(from: z, count: count)
    }
}
