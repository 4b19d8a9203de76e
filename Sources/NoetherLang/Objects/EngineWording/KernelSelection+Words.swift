import NoetherEngine

extension KernelSelection.Reason {
    /// Why the active OpenBLAS core is in use, as `noether --version` and the
    /// benchmarks print it after the core's name.
    public var words: String {
        switch self {
        case .setByUser(let variable, let value): "set by the user (\(variable)=\(value))"
        case .selectionOff(let variable): "detected by OpenBLAS; Noether's selection is off (\(variable) is set)"
        case .choiceFailedCheck(let core):
            "detected by OpenBLAS; Noether's choice \(core) failed its check against plain loops"
        case .noBetterCore: "detected by OpenBLAS (this CPU has no AVX2/AVX-512 core to choose)"
        case .asGoodAsTheBest(let features): "detected by OpenBLAS (as good as the best for \(features.summary))"
        case .chosenByNoether(let detected, let features):
            "chosen by Noether (OpenBLAS detected \(detected); this CPU has \(features.summary))"
        case .notSelectedAtStartup(let better):
            "detected by OpenBLAS; \(better) would be better, but this process did not select kernels at start-up"
        }
    }
}

extension KernelSelection.CheckFailure {
    /// What disagreed with plain loops.
    public var words: String {
        switch self {
        case .product(let m, let k, let n, let error): "a \(m)×\(k) by \(k)×\(n) product is off by \(error)"
        case .eigensolverFailed: "the eigensolver failed"
        case .eigenpairResidual(let index, let residual): "eigenpair \(index) has a residual of \(residual)"
        case .notOrthonormal(let first, let second): "eigenvectors \(first), \(second) are not orthonormal"
        case .forced(let variable): "forced by \(variable)"
        }
    }
}

extension KernelSelection {
    /// The line a binary writes to stderr when the kernels of `core` it chose failed
    /// their check and it falls back to OpenBLAS's own choice (`selectAtStartup`).
    public static func fallbackNotice(core: String, failure: CheckFailure) -> String {
        "noether: OpenBLAS kernels \(core) disagree with plain loops (\(failure.words)); using OpenBLAS's own choice"
    }
}

extension KernelSelection.SmallKernels {
    /// The "small-matrix kernels:" line of `noether --version` and the benchmarks.
    public var words: String {
        switch self {
        case .off(let variable): "off (\(variable)=0: every product runs cblas_dgemm)"
        case .on(let clone, let xsmm, let blockedStep):
            "on (\(clone.words) clone of Noether's multi-versioned C kernels, for small NN and wide NT products, "
                + "ReLU and its mask fused into their stores; vectorized exp for the softmax; "
                + "\(xsmm.words) for thin weight gradients; "
                + (blockedStep
                    ? "large batches blocked over samples)"
                    : "large batches not blocked over samples: \(Backprop.blockedStepVariable)=0)")
        }
    }
}

extension SmallProducts.InstructionSet {
    /// "AVX512F", "AVX2", "SSE2".
    public var words: String {
        switch self {
        case .avx512f: "AVX512F"
        case .avx2: "AVX2"
        case .sse2: "SSE2"
        }
    }
}

extension SmallProducts.XSMMState {
    /// "libxsmm 1.17 (JIT)", or "libxsmm 1.17 (no JIT on this machine)".
    public var words: String {
        "libxsmm \(version) (\(generatesKernels ? "JIT" : "no JIT on this machine"))"
    }
}

extension CPUFeatures {
    /// "AVX-512F/BW/DQ/VL, AVX2, FMA" — the features that decide the BLAS core
    /// ("SSE only" without AVX).
    public var summary: String {
        var parts: [String] = []
        if avx512f {
            let sub = [("BW", avx512bw), ("DQ", avx512dq), ("VL", avx512vl)].filter(\.1).map(\.0)
            parts.append((["AVX-512F"] + sub).joined(separator: "/"))
        }
        if avx2 { parts.append("AVX2") }
        if fma { parts.append("FMA") }
        if parts.isEmpty && avx { parts.append("AVX") }
        return parts.isEmpty ? "SSE only" : parts.joined(separator: ", ")
    }
}
