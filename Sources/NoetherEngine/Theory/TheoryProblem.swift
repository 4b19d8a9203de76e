/// What a theory computation (fits, the crossover formula, mode coefficients,
/// compression, the regime) refused or could not finish. The language words it
/// (`TheoryProblem+Words.swift`).
public enum TheoryProblem: Sendable, Equatable {
}
