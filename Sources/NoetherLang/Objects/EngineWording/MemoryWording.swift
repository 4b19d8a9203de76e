import NoetherEngine

// The words of a memory refusal (`EngineError.outOfMemory`): the engine says how many
// bytes, how many are available and what for; the language says it to the user.

extension MemoryBudget {
    /// "`what` needs about N but only M of memory are available; `instead`".
    public static func message(_ bytes: Int, for what: String, free: Int, instead: String) -> String {
        let tail = instead.isEmpty ? "" : "; \(instead)"
        return "\(what) needs about \(formatBytes(bytes)) but only \(formatBytes(free)) of memory are available\(tail)"
    }
}

extension MemoryUse {
    /// What the memory was for, and what to do instead ("" for nothing to suggest).
    var words: (what: String, instead: String) {
        switch self {
        case .readingFile(let path): ("reading '\(path)'", "use a smaller file")
        case .csvFile(let path, let bytes, let rowLimit):
            ("loading '\(path)' (\(bytes) bytes)", "load a subset of its rows (at most \(rowLimit) rows are read)")
        case .idxItems(let items, let itemBytes, let path):
            ("loading \(items) items of \(itemBytes) bytes from '\(path)'", "load a subset with n=")
        case .networkFile(let path, let parameters):
            ("loading the network '\(path)' (\(parameters) parameters)", "load it on a machine with more memory")
        case .denseCurvature(let kinds, let dimension):
            (
                "the dense \(kinds == [.hessian, .gaussNewton] ? "hessian and its gauss-newton part" : kinds.map(\.denseName).joined(separator: " and ")) (P = \(dimension))",
                "use 'lanczos' for its extreme eigenvalues instead"
            )
        case .eigendecomposition(let n): ("the eigendecomposition of a \(n)×\(n) matrix", "use 'lanczos' instead")
        case .jacobian(let rows, let columns): ("the jacobian (\(rows)×\(columns))", "")
        case .tangentKernel(let order): ("the tangent kernel (\(order)×\(order))", "")
        case .script(let path, let bytes):
            ("reading the script '\(path)' (\(bytes) bytes)", "split it into smaller scripts")
        case .lanczosVectors(let vectors, let parameters):
            ("lanczos keeps \(vectors) vectors of P = \(parameters) numbers, which", "lower 'steps'")
        case .densityProbes(let probes, let steps, let parameters, let reorthogonalized):
            (
                "\(probes) probes of \(steps) steps over P = \(parameters) parameters",
                reorthogonalized ? "lower 'probes' or 'steps', or set reorthogonalize=false" : "lower 'probes'"
            )
        }
    }
}

extension CurvatureKind {
    /// How memory refusals name the dense matrix.
    var denseName: String {
        switch self {
        case .hessian: "hessian"
        case .gaussNewton: "gauss-newton matrix"
        case .jacobianGram: "jacobian gram matrix"
        }
    }
}

/// `bytes` as a short human-readable size ("512 KiB", "1.5 GiB").
func formatBytes(_ bytes: Int) -> String {
    let units = ["bytes", "KiB", "MiB", "GiB", "TiB", "PiB"]
    var value = Double(bytes)
    var unit = 0
    while value >= 1024, unit < units.count - 1 {
        value /= 1024
        unit += 1
    }
    if unit == 0 { return "\(bytes) bytes" }
    let rounded = (value * 10).rounded() / 10
    return "\(formatNumber(rounded)) \(units[unit])"
}
