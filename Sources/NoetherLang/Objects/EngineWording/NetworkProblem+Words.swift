import NoetherEngine

extension NetworkProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        }
    }
}
