/// What a network, its initialization or its training refused. The language words it
/// (`NetworkProblem+Words.swift`).
public enum NetworkProblem: Sendable, Equatable {
}
