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
        r.document(DatasetObject.self, abstract: "A dataset: inputs X (n×d) and targets.")
        r.document(NetworkObject.self, abstract: "A fully connected network and its parameters.")
        r.document(RunObject.self, abstract: "The record of one training run, with the conservation ledger.")
        r.document(OptimizerObject.self, abstract: "An optimizer and its hyper-parameters.")
        r.document(PlotObject.self, abstract: "A plot: prints as a terminal drawing; plot(…, file=\"x.svg\") writes SVG and CSV.")
        r.document(TableObject.self, abstract: """
            Named columns over rows (what sweep returns). t.lr is a column as a list, t[0] a row as
            a record, t[2:5] a table of rows 2…4, len(t) the row count; for row in t { … } visits rows.
            """)
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
