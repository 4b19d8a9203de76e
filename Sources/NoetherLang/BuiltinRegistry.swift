/// Every builtin function, constant and documented type the language knows.
///
/// Each domain contributes its declarations from its own file
/// (`Builtins+Data.swift`, `Builtins+Training.swift` …); `standard` gathers them.
public struct BuiltinRegistry: Sendable {
    public private(set) var builtins: [String: Builtin] = [:]
    public private(set) var constants: [String: Constant] = [:]
    /// `help TYPE` texts for object types (their fields), keyed by type name.
    public private(set) var typeDocs: [String: String] = [:]
    /// Category order for `help`.
    public private(set) var categories: [String] = []

    public init() {}

    public mutating func register(_ builtin: Builtin) {
        precondition(builtins[builtin.name] == nil, "builtin '\(builtin.name)' registered twice")
        builtins[builtin.name] = builtin
        if !categories.contains(builtin.category) { categories.append(builtin.category) }
    }

    public mutating func register(_ constant: Constant) {
        precondition(constants[constant.name] == nil, "constant '\(constant.name)' registered twice")
        constants[constant.name] = constant
        if !categories.contains(constant.category) { categories.append(constant.category) }
    }

    /// Documents an object type's fields for `help TYPE`.
    public mutating func document<T: NoetherObject>(_ type: T.Type, abstract: String) {
        let width = type.fieldDocs.map(\.name.count).max() ?? 0
        var text = "\(type.typeName)\n\n  \(abstract)\n\nFields:\n"
        for f in type.fieldDocs {
            text += "  \(f.name)\(String(repeating: " ", count: width - f.name.count))  \(f.help)\n"
        }
        typeDocs[type.typeName] = text
    }

    /// The registry with every builtin of the language.
    public static let standard: BuiltinRegistry = {
        var r = BuiltinRegistry()
        for b in CoreBuiltins.all { r.register(b) }
        for b in DataBuiltins.all { r.register(b) }
        for b in NetworkBuiltins.all { r.register(b) }
        for c in NetworkBuiltins.constants { r.register(c) }
        for b in TrainingBuiltins.all { r.register(b) }
        for c in TrainingBuiltins.constants { r.register(c) }
        r.document(DatasetObject.self, abstract: "A dataset: inputs X (n×d) and targets.")
        r.document(NetworkObject.self, abstract: "A fully connected network and its parameters.")
        r.document(RunObject.self, abstract: "The record of one training run, with the conservation ledger.")
        r.document(OptimizerObject.self, abstract: "An optimizer and its hyper-parameters.")
        return r
    }()

    /// The overview `help` prints: every builtin by category with its abstract.
    public var overview: String {
        var out = "Noether builtins (help NAME for details):\n"
        for category in categories {
            out += "\n\(category):\n"
            let names = builtins.values.filter { $0.category == category }.map(\.name).sorted()
                + constants.values.filter { $0.category == category }.map(\.name).sorted()
            let width = names.map(\.count).max() ?? 0
            for name in names {
                let abstract = builtins[name]?.abstract ?? constants[name]?.help ?? ""
                out += "  \(name)\(String(repeating: " ", count: width - name.count))  \(abstract)\n"
            }
        }
        if !typeDocs.isEmpty {
            out += "\ntypes (help TYPE lists fields): " + typeDocs.keys.sorted().joined(separator: ", ") + "\n"
        }
        out += "\ncommands: help [NAME], quit\n"
        return out
    }
}
