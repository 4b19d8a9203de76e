import NoetherEngine

/// Every named option of the builtins, declared once: the names a user may write,
/// the engine value each stands for, and the old spellings still accepted. Parameters,
/// parsing, did-you-mean, help and completion all come from these (`Choice`); object
/// fields print the same names back (`Choice.name(of:)`).
enum Choices {
    /// How λ_max is computed (`sharpness`, `compression`, `ce_bound`, `train`); the
    /// engine picks the settings for each use.
    static let sharpnessMethod = Choice<SharpnessAlgorithm>(
        "method",
        [
            ChoiceOption("auto", .automatic),
            ChoiceOption("dense", .dense),
            ChoiceOption("lanczos", .lanczos),
            ChoiceOption("power", .powerIteration, aliases: ["power_iteration"]),
        ])

    /// Which curvature matrix.
    static let curvature = Choice<CurvatureKind>(
        "curvature",
        [
            ChoiceOption("hessian", .hessian, note: "∇²L"),
            ChoiceOption("gauss_newton", .gaussNewton, note: "JᵀMJ, M the loss's output Hessian"),
            ChoiceOption("jtj", .jacobianGram, note: "JᵀJ/n"),
        ])

    /// How diverged runs enter a seed mean (experiments.md §1.9: rules A, B, C).
    static let divergenceRule = Choice<DivergenceRule>(
        "divergence rule",
        [
            ChoiceOption("drop_point", .dropPoint, aliases: ["A"]),
            ChoiceOption("drop_seed", .dropSeed, aliases: ["B"]),
            ChoiceOption("exclude_runs", .excludeRuns, aliases: ["C"]),
        ])

    /// The arithmetic of a training run (`train`).
    static let precision = Choice<Precision>(
        "precision",
        [
            ChoiceOption("float64", .float64, note: "Double, the default"),
            ChoiceOption("float32", .float32, note: "Float weights and passes (sgemm), ledger sums in Double"),
        ])

    /// Modes with ηλ_k ≥ 2 in the crossover formula.
    static let unstablePolicy = Choice<UnstableModePolicy>(
        "policy for unstable modes",
        [
            ChoiceOption("cap", .cap, note: "the reference"),
            ChoiceOption("skip", .skip),
            ChoiceOption("refuse", .refuse),
        ])

    /// How `coefficients` obtains c_k (the name is what the result reports).
    static let coefficientMethod = Choice<String>(
        "method", ["projected", "derived", "uniform", "fit"].map { ChoiceOption($0, $0) })

    /// The target of the derived coefficients.
    static let derivedTarget = Choice<DerivedTarget>(
        "target",
        [
            ChoiceOption("cross_covariance", .crossCovariance, note: "the reference"),
            ChoiceOption("least_squares", .leastSquares),
        ])

    /// The clock of the τ fit.
    static let clock = Choice<TauWindow.Clock>(
        "clock",
        [
            ChoiceOption("steps", .steps, note: "t"),
            ChoiceOption("time", .scaledTime, note: "ηt, the same stretch of dynamics at every η"),
        ])

    /// The weight distribution of `mlp`.
    static let initialization = Choice<Initialization.Scheme>(
        "initialization",
        [
            ChoiceOption("uniform", .uniform, aliases: ["default"]),
            ChoiceOption("kaiming_normal", .kaimingNormal),
            ChoiceOption("xavier_uniform", .xavierUniform),
        ])

    /// What the targets of a CSV file are.
    static let task = Choice<LabelKind>(
        "task",
        [
            ChoiceOption("auto", .automatic),
            ChoiceOption("classification", .classification),
            ChoiceOption("regression", .regression),
        ])
}
