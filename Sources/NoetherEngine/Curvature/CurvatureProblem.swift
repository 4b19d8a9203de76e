/// What a curvature computation refused, or how its solver failed. The language words
/// it (`CurvatureProblem+Words.swift`).
public enum CurvatureProblem: Sendable, Equatable {
}
