import NoetherEngine
import NoetherLang

/// `noether --version`: the version, then the numeric libraries and kernels this
/// process runs (issue 13), so a slow or surprising machine can be diagnosed.
var versionReport: String {
    """
    \(noetherVersion)
    BLAS: \(KernelSelection.blasConfiguration)
    OpenBLAS core: \(KernelSelection.activeCore) — \(KernelSelection.reason.words)
    CPU: \(CPUFeatures.current.vendor.isEmpty ? "unknown vendor" : CPUFeatures.current.vendor), \
    \(CPUFeatures.current.summary)
    small-matrix kernels: \(KernelSelection.smallKernels.words)
    """
}
