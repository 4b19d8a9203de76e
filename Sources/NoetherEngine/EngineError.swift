/// Errors the engine reports to its callers. Each carries a message written for
/// the user (lowercase, no final period); the language layer adds the position.
public enum EngineError: Error, Sendable, Equatable, CustomStringConvertible {
    /// An argument outside its domain (e.g. `n` smaller than `classes`).
    case invalidArgument(String)
    /// Two objects that do not fit together (e.g. a network's input size and the data).
    case shapeMismatch(String)
    /// A numerical routine failed (LAPACK non-convergence and the like).
    case numerical(String)
    /// A file could not be read or written, or its content is not what it claims.
    case file(String)

    public var description: String {
        switch self {
        case .invalidArgument(let m), .shapeMismatch(let m), .numerical(let m), .file(let m): m
        }
    }
}
