#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension HVPWorkspace {
    /// Bytes of per-direction buffers (R(Z), R(A)) one unit direction of a sweep costs.
    static func bytesPerDirection(_ architecture: Architecture, samples n: Int) -> Int {
        let sizes = architecture.sizes
        let layers = architecture.layerCount
        var width = 0
        for l in 0..<layers { width += sizes[l + 1] * (l < layers - 1 ? 2 : 1) }
        return 8 * (n * width + 3 * sizes.max()!)
    }

    /// The number of unit directions per sweep the dense assembly uses by default: as
    /// many as fit in about 4 MiB of per-direction buffers (so they stay in cache;
    /// larger blocks measured slower), between 1 and 256.
    public static func defaultBlockSize(_ architecture: Architecture, samples n: Int) -> Int {
        let per = bytesPerDirection(architecture, samples: n)
        return Swift.max(1, Swift.min(256, (4 << 20) / Swift.max(per, 1)))
    }

    /// Estimated peak bytes for the dense matrix over `groups` (all when `nil`): the
    /// Q×Q result (Q = parameters in the groups), one sweep's buffers, the contraction
    /// scratch (n × the largest layer's parameter count) and the forward/backward
    /// pass. Eigendecomposing the result needs about 2–5 more Q×Q (see `eigs`).
    public static func denseMemoryEstimate(
        _ architecture: Architecture, samples n: Int, groups: [ParameterBlock]? = nil,
        blockSize: Int? = nil
    ) throws(EngineError) -> Int {
        let layout = ParameterLayout(architecture)
        let selected = try layout.select(groups)
        let q = selected.reduce(0) { $0 + $1.count }
        let b = blockSize ?? defaultBlockSize(architecture, samples: n)
        let widths = architecture.sizes.dropFirst().reduce(0, +)
        var largestLayer = 0
        for l in 0..<architecture.layerCount {
            let s = architecture.sizes
            largestLayer = Swift.max(largestLayer, s[l] * s[l + 1] + s[l + 1])
        }
        let pass = 8 * (4 * n * widths + 2 * architecture.parameterCount)
        return 8 * q * q + b * bytesPerDirection(architecture, samples: n) + 8 * n * largestLayer + pass
    }

    /// The dense matrix of this workspace's curvature (`kind`) over the parameter
    /// `groups` (their `ParameterBlock`s; all when `nil`), rows and columns in flattened order
    /// restricted to those groups; symmetric to the last bit.
    ///
    /// **Method: batched products with the unit directions, factored.** The product
    /// with the unit direction e_(a,j) of W_l starts the forward sweep with
    /// RZ_l = A_{l−1}[:, j]·e_aᵀ, i.e. sample i's perturbation is A_{l−1}[i, j] times
    /// the unit perturbation e_a (the direction of bias b_l[a]). Every later step of the
    /// R-operator acts sample by sample and linearly, so for each sample the whole
    /// sweep is A_{l−1}[i, j] times the sweep of e_a. Hence one batched sweep with the
    /// m_l unit directions of layer l (B = m_l, `blockSize` at a time) gives every
    /// row of layers l's block: with Y_a[i, (b,k)] = RΔ_{l′}^{(a)}[i,b]·A_{l′−1}[i,k]
    /// + Δ_{l′}[i,b]·RA_{l′−1}^{(a)}[i,k] (the second term only for the Hessian),
    /// H[(a, ·), W_{l′}] = A_{l−1}ᵀ Y_a (one gemm per unit), and the bias rows are the
    /// column sums 1ᵀY_a. These are exactly the products H·e_r, computed with
    /// 2·n·(entries) flops in well-shaped gemms instead of P separate sweeps.
    ///
    /// Symmetry halves the work: rows of layer l only compute columns of layers ≥ l,
    /// and within layer l only units b ≥ a; the rest is mirrored from the computed
    /// transposes, and entries computed twice (the diagonal unit blocks) are averaged.
    /// Cost for the 2-layer net (P = m(d + K)): ≈ n·(md)² + 2·n·md·mK flops.
    ///
    /// Throws `.unknownParameterBlock` for an unknown group, or `outOfMemory` when the estimate of
    /// `denseMemoryEstimate` exceeds `availableBytes` (default: `MemAvailable`),
    /// before allocating anything.
    ///
    /// `progress` is told the result rows finished (of Q) after every batched sweep;
    /// when it returns false the assembly throws `EngineError.stopped`.
    public mutating func dense(
        groups: [ParameterBlock]? = nil, blockSize: Int? = nil,
        availableBytes: Int? = nil, progress: CurvatureProgress? = nil
    ) throws(EngineError) -> Matrix {
        let selected = try layout.select(groups)
        if let blockSize, blockSize < 1 { throw .outOfDomain(.blockSize, .atLeast(1), got: .integer(blockSize)) }
        let bMax = blockSize ?? Self.defaultBlockSize(architecture, samples: sampleCount)
        let needed = try Self.denseMemoryEstimate(architecture, samples: sampleCount, groups: groups, blockSize: bMax)
        try MemoryBudget.check(needed, for: .denseCurvature([kind], dimension: dimension), available: availableBytes)

        let layers = architecture.layerCount
        let sizes = architecture.sizes
        let n = sampleCount
        let q = selected.reduce(0) { $0 + $1.count }
        // Result offsets of the selected weight and bias groups per layer (nil: not selected).
        var weightOffset = [Int?](repeating: nil, count: layers)
        var biasOffset = [Int?](repeating: nil, count: layers)
        var o = 0
        for g in selected {
            if g.isBias { biasOffset[g.layer] = o } else { weightOffset[g.layer] = o }
            o += g.count
        }
        // Every entry is written exactly once by a gemm, a bias row or the mirror in
        // `symmetrize`, so the Q×Q storage is not zero-filled first.
        var h = Matrix(
            rows: q, columns: q, storage: [Double](unsafeUninitializedCapacity: q * q) { _, count in count = q * q })
        // First column each result row computes (everything before it is mirrored).
        var computedStart = [Int](repeating: 0, count: q)
        var maxColumns = 0
        for l in 0..<layers {
            maxColumns = Swift.max(
                maxColumns,
                (weightOffset[l] != nil ? sizes[l] * sizes[l + 1] : 0)
                    + (biasOffset[l] != nil ? sizes[l + 1] : 0))
        }
        var y = [Double](repeating: 0, count: n * maxColumns)
        var rowsDone = 0
        try reportCurvatureProgress(progress, 0, q)

        for l in 0..<layers where weightOffset[l] != nil || biasOffset[l] != nil {
            let mIn = sizes[l]
            let mOut = sizes[l + 1]
            let layerStart = weightOffset[l] ?? biasOffset[l]!
            for a in 0..<mOut {
                let start = weightOffset[l].map { $0 + a * mIn } ?? layerStart
                if let w = weightOffset[l] { for j in 0..<mIn { computedStart[w + a * mIn + j] = start } }
                if let b = biasOffset[l] { computedStart[b + a] = start }
            }
            var a0 = 0
            while a0 < mOut {
                let b = Swift.min(bMax, mOut - a0)
                sweepUnits(
                    layer: l, units: a0..<(a0 + b), weightOffset: weightOffset, biasOffset: biasOffset,
                    scratch: &y, scratchWidth: maxColumns, into: &h)
                a0 += b
                rowsDone += b * ((weightOffset[l] != nil ? mIn : 0) + (biasOffset[l] != nil ? 1 : 0))
                try reportCurvatureProgress(progress, rowsDone, q)
            }
        }
        symmetrize(&h, computedStart: computedStart)
        return h
    }

    /// One batched sweep with the unit directions e_a (a in `units`) of layer l, and
    /// the contraction of its per-sample products into the rows of H for W_l's units
    /// `units` (all inputs j) and b_l's entries `units`.
    mutating func sweepUnits(
        layer l: Int, units: Range<Int>, weightOffset: [Int?], biasOffset: [Int?],
        scratch y: inout [Double], scratchWidth ld: Int, into h: inout Matrix
    ) {
        let b = units.count
        ensureBlock(b)
        let layers = architecture.layerCount
        let sizes = architecture.sizes
        let n = sampleCount
        let hessian = kind == .hessian
        productCount += b * (sizes[l] + 1)

        // Forward: RZ_l[i·B + d] = e_{a0+d}; then the usual sweep.
        let mL = sizes[l + 1]
        rZ[l].fill(0)
        rZ[l].storage.withUnsafeMutableBufferPointer { z in
            for i in 0..<n { for d in 0..<b { z[(i * b + d) * mL + units.lowerBound + d] = 1 } }
        }
        if l < layers - 1 { maskBroadcast(rZ[l], slope: pass.slopes[l], into: &rA[l], count: b, width: mL) }
        if l + 1 < layers {
            for lp in (l + 1)..<layers {
                Matrix.gemm(.none, rA[lp - 1], .transposed, parameters.weights[lp], into: &rZ[lp])
                if lp < layers - 1 {
                    maskBroadcast(rZ[lp], slope: pass.slopes[lp], into: &rA[lp], count: b, width: sizes[lp + 1])
                }
            }
        }
        applyOutputMetric(count: b)

        // Backward, contracting each layer's products before its buffers are reused.
        for lp in stride(from: layers - 1, through: l, by: -1) {
            contract(
                rowsLayer: l, units: units, columnsLayer: lp, weightOffset: weightOffset, biasOffset: biasOffset,
                cross: hessian && lp > l, scratch: &y, scratchWidth: ld, into: &h)
            if lp > l {
                Matrix.gemm(.none, rZ[lp], .none, parameters.weights[lp], into: &rA[lp - 1])
                combineBackward(layer: lp - 1, count: b, withCurvature: hessian && smooth)
            }
        }
    }

    /// For each unit a of the sweep: Y_a = per-sample products in the columns of layer
    /// `lp` (W columns from unit a on when lp is the rows' layer), then
    /// H[W_l rows of a] = A_{l−1}ᵀ Y_a (gemm straight into H) and H[b_l row a] = 1ᵀ Y_a.
    private func contract(
        rowsLayer l: Int, units: Range<Int>, columnsLayer lp: Int, weightOffset: [Int?],
        biasOffset: [Int?], cross: Bool, scratch y: inout [Double], scratchWidth ld: Int,
        into h: inout Matrix
    ) {
        let sizes = architecture.sizes
        let n = sampleCount
        let b = units.count
        let q = h.columns
        let mIn = sizes[lp]
        let mOut = sizes[lp + 1]
        let rowIn = sizes[l]
        let columnInput = lp == 0 ? data.inputs : pass.activations[lp - 1]
        let rowInput = l == 0 ? data.inputs : pass.activations[l - 1]
        let delta = pass.deltas[lp]
        let rDelta = rZ[lp]
        let rInput = cross ? rA[lp - 1] : Matrix(rows: 0, columns: 0)
        for d in 0..<b {
            let a = units.lowerBound + d
            let firstUnit = lp == l ? a : 0
            let weightColumns = weightOffset[lp] != nil ? (mOut - firstUnit) * mIn : 0
            let biasColumns = biasOffset[lp] != nil ? mOut : 0
            let columns = weightColumns + biasColumns
            if columns == 0 { continue }
            let columnStart = weightOffset[lp].map { $0 + firstUnit * mIn } ?? biasOffset[lp]!
            formProducts(
                into: &y, width: ld, samples: n, directions: b, direction: d, firstUnit: firstUnit,
                outWidth: mOut, inWidth: mIn, weightColumns: weightColumns, biasColumns: biasColumns,
                rDelta: rDelta.storage, input: columnInput.storage, delta: delta.storage,
                rInput: cross ? rInput.storage : nil)
            y.withUnsafeBufferPointer { yp in
                h.storage.withUnsafeMutableBufferPointer { hp in
                    if let w = weightOffset[l] {
                        rowInput.storage.withUnsafeBufferPointer { ap in
                            gemmStrided(
                                .transposed, ap.baseAddress!, lda: rowIn, .none, yp.baseAddress!, ldb: ld,
                                hp.baseAddress! + (w + a * rowIn) * q + columnStart, ldc: q,
                                m: rowIn, n: columns, k: n)
                        }
                    }
                    if let bo = biasOffset[l] {
                        let dst = hp.baseAddress! + (bo + a) * q + columnStart
                        let y0 = yp.baseAddress!
                        for c in 0..<columns { dst[c] = y0[c] }
                        for i in 1..<Swift.max(n, 1) {
                            let src = y0 + i &* ld
                            for c in 0..<columns { dst[c] += src[c] }
                        }
                    }
                }
            }
        }
    }
}

/// Y[i, (bb − firstUnit)·mIn + k] = RΔ[(i·B+d), bb]·A[i, k] (+ Δ[i, bb]·RA[(i·B+d), k])
/// for bb ≥ firstUnit, then Y[i, weightColumns + bb] = RΔ[(i·B+d), bb]: the per-sample
/// products of direction d in one layer's columns.
private func formProducts(
    into y: inout [Double], width ld: Int, samples n: Int, directions b: Int, direction d: Int,
    firstUnit: Int, outWidth mOut: Int, inWidth mIn: Int, weightColumns: Int, biasColumns: Int,
    rDelta: [Double], input: [Double], delta: [Double], rInput: [Double]?
) {
    y.withUnsafeMutableBufferPointer { yp in
        rDelta.withUnsafeBufferPointer { rd in
            input.withUnsafeBufferPointer { x in
                delta.withUnsafeBufferPointer { dl in
                    (rInput ?? []).withUnsafeBufferPointer { ra in
                        let y0 = yp.baseAddress!
                        let rd0 = rd.baseAddress!
                        for i in 0..<n {
                            let r = i &* b &+ d
                            let yRow = y0 + i &* ld
                            let rdRow = rd0 + r &* mOut
                            if weightColumns > 0 {
                                let xRow = x.baseAddress! + i &* mIn
                                if rInput != nil {
                                    let dlRow = dl.baseAddress! + i &* mOut
                                    let raRow = ra.baseAddress! + r &* mIn
                                    for bb in firstUnit..<mOut {
                                        let rv = rdRow[bb]
                                        let dv = dlRow[bb]
                                        let out = yRow + (bb &- firstUnit) &* mIn
                                        for k in 0..<mIn { out[k] = rv * xRow[k] + dv * raRow[k] }
                                    }
                                } else {
                                    for bb in firstUnit..<mOut {
                                        let rv = rdRow[bb]
                                        let out = yRow + (bb &- firstUnit) &* mIn
                                        for k in 0..<mIn { out[k] = rv * xRow[k] }
                                    }
                                }
                            }
                            if biasColumns > 0 {
                                let out = yRow + weightColumns
                                for bb in 0..<mOut { out[bb] = rdRow[bb] }
                            }
                        }
                    }
                }
            }
        }
    }
}

/// Completes the dense assembly: for i < j the entry (i, j) was computed; (j, i) was
/// computed too when i ≥ computedStart[j], and then both become their mean, otherwise
/// (i, j) is mirrored to (j, i). Tiled for cache locality; O(Q²).
func symmetrize(_ h: inout Matrix, computedStart: [Int]) {
    let q = h.rows
    let tile = 64
    h.storage.withUnsafeMutableBufferPointer { a in
        computedStart.withUnsafeBufferPointer { cs in
            var i0 = 0
            while i0 < q {
                let i1 = Swift.min(i0 + tile, q)
                var j0 = i0
                while j0 < q {
                    let j1 = Swift.min(j0 + tile, q)
                    for i in i0..<i1 {
                        let lo = Swift.max(j0, i + 1)
                        if lo >= j1 { continue }
                        for j in lo..<j1 {
                            let upper = i * q + j
                            let lower = j * q + i
                            if i >= cs[j] {
                                let m = 0.5 * (a[upper] + a[lower])
                                a[upper] = m
                                a[lower] = m
                            } else {
                                a[lower] = a[upper]
                            }
                        }
                    }
                    j0 = j1
                }
                i0 = i1
            }
        }
    }
}

/// The exact dense Hessian ∇²L(θ) of the full-batch loss over the parameter `groups`
/// (all when `nil`; `["W1"]` gives the W1–W1 block, `["W1", "W2"]` the 2×2 block
/// matrix over W1 and W2), rows and columns in `Parameters.flattened` order. Built
/// from batched Hessian–vector products with unit blocks (see `HVPWorkspace.dense`),
/// symmetric to the last bit.
///
/// Before allocating, estimates the memory (`HVPWorkspace.denseMemoryEstimate`) and
/// throws `outOfMemory` saying how much it needs and how much there is when it
/// exceeds `availableBytes` (default: `MemAvailable` from /proc/meminfo).
/// `progress`: see `HVPWorkspace.dense`.
public func hessian(
    network: Network, data: Dataset, loss: Loss, groups: [ParameterBlock]? = nil,
    blockSize: Int? = nil, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> Matrix {
    try denseCurvature(
        .hessian, network: network, data: data, loss: loss, groups: groups,
        blockSize: blockSize, availableBytes: availableBytes, progress: progress)
}

/// The dense generalized Gauss–Newton matrix G = Jᵀ M J (M the loss's output Hessian,
/// experiments.md §1.4) over `groups`, as `hessian` builds H (same order, checks, cost
/// about half).
public func gaussNewton(
    network: Network, data: Dataset, loss: Loss, groups: [ParameterBlock]? = nil,
    blockSize: Int? = nil, availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> Matrix {
    try denseCurvature(
        .gaussNewton, network: network, data: data, loss: loss, groups: groups,
        blockSize: blockSize, availableBytes: availableBytes, progress: progress)
}

/// H, G and the residual H − G (the part of the Hessian carrying the output gradient
/// and σ″), each dense over `groups`. Needs three Q×Q matrices. `progress` counts
/// the rows of both assemblies (2·Q in all).
public func gaussNewtonResidual(
    network: Network, data: Dataset, loss: Loss, groups: [ParameterBlock]? = nil,
    availableBytes: Int? = nil,
    progress: CurvatureProgress? = nil
) throws(EngineError) -> (hessian: Matrix, gaussNewton: Matrix, residual: Matrix) {
    let q = try ParameterLayout(network.architecture).select(groups).reduce(0) { $0 + $1.count }
    let one = try HVPWorkspace.denseMemoryEstimate(network.architecture, samples: data.count, groups: groups)
    try MemoryBudget.check(
        one + 2 * 8 * q * q, for: .denseCurvature([.hessian, .gaussNewton], dimension: network.parameterCount),
        available: availableBytes)
    let first: CurvatureProgress? = progress.map { p in { done, _ in p(done, 2 * q) } }
    let second: CurvatureProgress? = progress.map { p in { done, _ in p(q + done, 2 * q) } }
    let h = try hessian(
        network: network, data: data, loss: loss, groups: groups, availableBytes: availableBytes,
        progress: first)
    let g = try gaussNewton(
        network: network, data: data, loss: loss, groups: groups, availableBytes: availableBytes,
        progress: second)
    var r = h
    r.add(g, scaledBy: -1)
    return (h, g, r)
}
