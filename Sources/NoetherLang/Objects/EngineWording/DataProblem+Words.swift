import NoetherEngine

extension DataProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        }
    }
}
