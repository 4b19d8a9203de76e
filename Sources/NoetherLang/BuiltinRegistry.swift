/// Every builtin function, constant, documented type, command and explained
/// quantity the language knows.
///
/// Each domain contributes its declarations from its own file
/// (`Builtins+Data.swift`, `Builtins+Training.swift` …); `standard` gathers them.
public struct BuiltinRegistry: Sendable {
    public private(set) var builtins: [String: Builtin] = [:]
    public private(set) var constants: [String: Constant] = [:]
    /// `help TYPE` texts for object types (their fields), keyed by type name.
    public private(set) var typeDocs: [String: String] = [:]
    /// Each documented type's fields, keyed by type name (for `help "text"` searches).
    public private(set) var typeFields: [String: [FieldDoc]] = [:]
    /// Session commands, in declaration order.
    public private(set) var commands: [CommandDeclaration] = []
    /// `explain` topics, in declaration order.
    public private(set) var explanations: [Explanation] = []

    /// The order `help` lists categories in; categories not named here follow, in the
    /// order first registered.
    public static let categoryOrder = [
        "language", "math", "data", "networks", "optimizers", "training", "curvature", "theory", "tables", "output",
        "session",
    ]
    private var registrationOrder: [String] = []

    public init() {}

    /// Categories in `help` order (only those with something in them).
    public var categories: [String] {
        let known = BuiltinRegistry.categoryOrder.filter { registrationOrder.contains($0) }
        return known + registrationOrder.filter { !BuiltinRegistry.categoryOrder.contains($0) }
    }

    public mutating func register(_ builtin: Builtin) {
        precondition(builtins[builtin.name] == nil, "builtin '\(builtin.name)' registered twice")
        builtins[builtin.name] = builtin
        if !registrationOrder.contains(builtin.category) { registrationOrder.append(builtin.category) }
    }

    public mutating func register(_ constant: Constant) {
        precondition(constants[constant.name] == nil, "constant '\(constant.name)' registered twice")
        constants[constant.name] = constant
        if !registrationOrder.contains(constant.category) { registrationOrder.append(constant.category) }
    }

    public mutating func register(_ command: CommandDeclaration) {
        precondition(!commands.contains { $0.name == command.name }, "command '\(command.name)' registered twice")
        commands.append(command)
    }

    public mutating func register(_ explanation: Explanation) {
        explanations.append(explanation)
    }

    /// Documents an object type's fields for `help TYPE`.
    public mutating func document<T: NoetherObject>(_ type: T.Type, abstract: String) {
        let width = type.fieldDocs.map(\.name.count).max() ?? 0
        var text = "\(type.typeName)\n\n  \(abstract)\n\nFields:\n"
        for f in type.fieldDocs {
            text += "  \(f.name)\(String(repeating: " ", count: width - f.name.count))  \(f.help)\n"
        }
        typeDocs[type.typeName] = text
        typeFields[type.typeName] = type.fieldDocs
    }

    /// The registry with every builtin of the language.
    public static let standard: BuiltinRegistry = {
        var r = BuiltinRegistry()
        for b in CoreBuiltins.all { r.register(b) }
        for b in TimingBuiltins.all { r.register(b) }
        for c in CoreBuiltins.constants { r.register(c) }
        for b in MathBuiltins.all { r.register(b) }
        for b in DataBuiltins.all { r.register(b) }
        for b in NetworkBuiltins.all { r.register(b) }
        for c in NetworkBuiltins.constants { r.register(c) }
        for b in TrainingBuiltins.all { r.register(b) }
        for c in TrainingBuiltins.constants { r.register(c) }
        for b in SweepBuiltins.all { r.register(b) }
        for b in TableBuiltins.all { r.register(b) }
        for b in OutputBuiltins.all { r.register(b) }
        for b in PlotBuiltins.all { r.register(b) }
        for c in Commands.all { r.register(c) }
        for e in Explanations.all { r.register(e) }
        for e in TrainingExplanations.all { r.register(e) }
        r.document(DatasetObject.self, abstract: "A dataset: inputs X (n×d) and targets.")
        r.document(NetworkObject.self, abstract: "A fully connected network and its parameters.")
        r.document(RunObject.self, abstract: "The record of one training run, with the conservation ledger.")
        r.document(OptimizerObject.self, abstract: "An optimizer and its hyper-parameters.")
        r.document(
            PlotObject.self,
            abstract: "A plot: prints as a terminal drawing; plot(…, file=\"x.svg\") writes SVG and CSV.")
        r.document(
            TableObject.self,
            abstract: """
                Named columns over rows (what sweep returns). t.lr is a column as a list, t[0] a row as
                a record, t[2:5] a table of rows 2…4, len(t) the row count; for row in t { … } visits rows.
                """)
        r.document(ActivationObject.self, abstract: "A hidden-layer activation function.")
        r.document(LossObject.self, abstract: "A training loss with the reference normalization.")
        for b in CurvatureBuiltins.all { r.register(b) }
        for e in CurvatureBuiltins.explanations { r.register(e) }
        r.document(
            MatrixObject.self,
            abstract: "A dense matrix: a Hessian, Gauss–Newton matrix, residual, Jacobian or tangent kernel.")
        r.document(
            SpectrumObject.self,
            abstract: "Eigenvalues of a symmetric matrix with their counts, effective rank and width.")
        r.document(LanczosObject.self, abstract: "Extreme Ritz pairs of a Lanczos run, with residual bounds.")
        r.document(DensityObject.self, abstract: "An eigenvalue density by stochastic Lanczos quadrature.")
        r.document(TraceObject.self, abstract: "A Hutchinson trace estimate with its standard error.")
        r.document(
            CompressionBoundObject.self,
            abstract: "The cross-entropy compression bound (theory §5) beside the true λ_max.")
        for b in TheoryBuiltins.all { r.register(b) }
        for e in TheoryBuiltins.explanations { r.register(e) }
        r.document(
            PowerLawObject.self,
            abstract:
                "A drift power law over seed means (powerlaw): α with its intervals, the points used and why others were not."
        )
        r.document(
            CrossoverObject.self, abstract: "The spectral-crossover prediction S_pred(η) per learning rate (crossover)."
        )
        r.document(
            CrossoverComparisonObject.self,
            abstract:
                "A crossover prediction against measured S(η): ratios, errors, R with and without unstable η (compare)."
        )
        r.document(
            CoefficientsObject.self,
            abstract:
                "Mode coefficients c_k with their eigenvalues: projected, derived, uniform or fitted (coefficients).")
        r.document(
            CoefficientComparisonObject.self,
            abstract: "Two coefficient lists compared: sorted-rank R beside a mode-by-mode comparison (ck_compare).")
        r.document(
            CompressionObject.self,
            abstract:
                "Cross-entropy compression along a run: λ_max(t), q̄(t), the bound's factors, decay and τ fits (compression)."
        )
        r.document(TauObject.self, abstract: "A τ fit of 1 − q̄(t) ≈ e^(a − t/τ) over a window of checkpoints (tau).")
        r.document(
            LinearFitObject.self,
            abstract: "A least-squares line with R², standard errors and the slope's interval (fit_linear).")
        r.document(
            ExpFitObject.self,
            abstract: "An exponential fit y ≈ A·e^(k t) (+ c) with R² in log and linear scale (fit_exp).")
        r.document(
            RegimeObject.self, abstract: "Where a run sits against the edge of stability 2/η, with the reason (regime)."
        )
        r.document(
            SwitchExponentObject.self,
            abstract: "The switch-rate exponent across widths, rate ∝ m^exponent (switch_exponent).")
        return r
    }()

    /// The names of the builtins and constants of one category, builtins first, each sorted.
    public func names(in category: String) -> [String] {
        builtins.values.filter { $0.category == category }.map(\.name).sorted()
            + constants.values.filter { $0.category == category }.map(\.name).sorted()
    }

    /// The overview `help` prints: every builtin by category with its abstract, then
    /// the types and the commands.
    public var overview: String {
        var out = "Noether builtins (help NAME for details, help \"text\" to search):\n"
        for category in categories {
            out += "\n\(category):\n"
            let names = names(in: category)
            let width = names.map(\.count).max() ?? 0
            for name in names {
                let abstract = builtins[name]?.abstract ?? constants[name]?.help ?? ""
                out += "  \(name)\(String(repeating: " ", count: width - name.count))  \(abstract)\n"
            }
        }
        if !commands.isEmpty {
            out += "\nsession commands:\n"
            let width = commands.map(\.usage.count).max() ?? 0
            for c in commands {
                out += "  \(c.usage)\(String(repeating: " ", count: width - c.usage.count))  \(c.abstract)\n"
            }
        }
        if !typeDocs.isEmpty {
            out += "\ntypes (help TYPE lists fields): " + typeDocs.keys.sorted().joined(separator: ", ") + "\n"
        }
        return out
    }
}
