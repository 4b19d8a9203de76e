/// What a dataset (synthetic, CSV, MNIST, a split) refused. The language words it
/// (`DataProblem+Words.swift`).
public enum DataProblem: Sendable, Equatable {
}
