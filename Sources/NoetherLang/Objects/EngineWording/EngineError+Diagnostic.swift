import NoetherEngine
import NoetherSyntax

extension CallContext {
    /// Runs engine code, turning an `EngineError` into a diagnostic at the call
    /// (or at argument `label`). An `outOfDomain` error names its argument: when the
    /// call was given that argument, the diagnostic points at it instead. A file that
    /// does not exist (a missing network file, CSV file or MNIST folder) becomes a
    /// `missingFile` diagnostic, so a batch run exits with status 66; every other
    /// engine error is a runtime error.
    public func engine<T>(at label: String? = nil, _ body: () throws(EngineError) -> T) throws(Diagnostic) -> T {
        do {
            return try body()
        } catch {
            var position = label.map { range(of: $0) } ?? range
            if case .outOfDomain(let argument, _, _) = error, let given = values[argument.label], given.range != range {
                position = given.range
            }
            throw Diagnostic(error.diagnosticKind, error.message, at: position)
        }
    }
}

extension EngineError {
    /// What the user reads: the engine's structured errors worded here (lowercase,
    /// no final period, names quoted with '…').
    public var message: String {
        switch self {
        case .tooFewPoints(let needed, let used, let leftOut):
            let reasons = leftOut.map { "\(formatSummary($0.x, digits: 3)) \(TheoryPowerLawText.describe($0.status))" }
            return "a power law needs at least \(needed) usable points, got \(used)"
                + (reasons.isEmpty ? "" : " (left out: \(reasons.joined(separator: ", ")))")
        case .outOfMemory(let needed, let available, let use):
            let (what, instead) = use.words
            return MemoryBudget.message(needed, for: what, free: available, instead: instead)
        case .outOfDomain(let argument, let requirement, let value):
            return "'\(argument.label)' must \(requirement.words), got \(value.text)"
        case .file(let path, let problem): return problem.words(path: path)
        case .missingFile(let path, let purpose): return purpose.words(path: path)
        case .theory(let problem): return problem.words
        case .data(let problem): return problem.words
        case .network(let problem): return problem.words
        case .curvature(let problem): return problem.words
        }
    }

    /// `missingFile` for a file or folder that does not exist; `internalError` for a
    /// LAPACK routine refusing an argument (info < 0: Noether called it wrongly, never
    /// the user's fault; exit status 70); `runtime` otherwise.
    public var diagnosticKind: Diagnostic.Kind {
        switch self {
        case .missingFile: return .missingFile
        case .curvature(.eigensolverFailed(let failure)) where failure.info < 0: return .internalError
        default: return .runtime
        }
    }
}
