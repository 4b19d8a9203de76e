import NoetherSyntax

/// Process exit statuses (sysexits.h where one fits), documented in `--help` and the README.
public enum ExitStatus: Int32, Sendable, Error {
    case success = 0
    /// A runtime error, or a failed check.
    case failure = 1
    /// Bad command-line usage.
    case usage = 64
    /// A parse error in the script.
    case dataError = 65
    /// A missing input file.
    case noInput = 66
    /// A bug in Noether.
    case software = 70
    /// Stopped by Ctrl-C.
    case interrupted = 130

    /// The status a diagnostic ends a batch run with.
    public init(_ kind: Diagnostic.Kind) {
        switch kind {
        case .syntax: self = .dataError
        case .runtime: self = .failure
        case .missingFile: self = .noInput
        case .interrupted: self = .interrupted
        case .internalError: self = .software
        }
    }

    public static let help = """
        Exit status: 0 success, 1 a runtime error or a failed check,
        64 bad command-line usage, 65 a parse error in the script,
        66 a missing input file, 70 an internal error, 130 interrupted.
        """
}
