import NoetherSyntax

/// The type an argument must have. Binding checks it once, for every builtin alike,
/// so type errors read the same everywhere.
public indirect enum ValueType: Sendable, Equatable {
    case any
    case number
    /// A number with an integral value.
    case integer
    case string
    case bool
    case list(ValueType)
    /// A domain object by its type name (`network`, `dataset` …).
    case object(String)
    case function
    /// Any of several types.
    case oneOf([ValueType])

    public var displayName: String {
        switch self {
        case .any: "any value"
        case .number: "number"
        case .integer: "integer"
        case .string: "string"
        case .bool: "boolean"
        case .list(.any): "list"
        case .list(let t): "list of \(t.pluralName)"
        case .object(let n): n
        case .function: "function"
        case .oneOf(let ts): ts.map(\.displayName).joined(separator: " or ")
        }
    }

    /// The plural of `displayName`, for "list of …": "numbers", "lists of numbers",
    /// "numbers or strings".
    public var pluralName: String {
        switch self {
        case .any: "values"
        case .list(.any): "lists"
        case .list(let t): "lists of \(t.pluralName)"
        case .oneOf(let ts): ts.map(\.pluralName).joined(separator: " or ")
        default: displayName + "s"
        }
    }

    /// Whether `value` is acceptable.
    public func accepts(_ value: Value) -> Bool {
        switch (self, value) {
        case (.any, _): return true
        case (.number, .number): return true
        case (.integer, .number(let x)): return x.isFinite && x == x.rounded() && abs(x) < 9e15
        case (.string, .string), (.bool, .bool), (.function, .function): return true
        case (.list(let t), .list(let items)): return items.allSatisfy { t.accepts($0) }
        case (.object(let name), .object(let o)): return type(of: o).typeName == name
        case (.oneOf(let ts), _): return ts.contains { $0.accepts(value) }
        default: return false
        }
    }
}

/// What Tab completion offers for an argument's value.
public enum CompletionKind: Sendable, Equatable {
    case none
    /// A fixed set of names, e.g. the losses.
    case values([String])
    /// A path on disk (inside a string literal).
    case filePath
    /// Names bound in the session.
    case variables
}

/// One declared parameter of a builtin.
public struct Parameter: Sendable {
    public enum Default: Sendable {
        /// The caller must supply it.
        case required
        /// Optional with no value (the builtin sees `nil`).
        case absent
        /// Optional with this value, shown in help as `text`.
        case value(Value, text: String)
    }

    public let label: String
    public let type: ValueType
    public let defaultValue: Default
    public let help: String
    public let completion: CompletionKind

    public init(
        _ label: String, _ type: ValueType, _ defaultValue: Default = .required, help: String,
        completion: CompletionKind = .none
    ) {
        self.label = label
        self.type = type
        self.defaultValue = defaultValue
        self.help = help
        self.completion = completion
    }

    public var isRequired: Bool {
        if case .required = defaultValue { return true }
        return false
    }

    /// Shorthand for an optional parameter with a number default.
    public static func number(_ label: String, default value: Double, help: String) -> Parameter {
        Parameter(label, .number, .value(.number(value), text: formatHelpNumber(value)), help: help)
    }
}

/// Labelled arguments a builtin accepts beyond its declared parameters, like the
/// axes of `sweep(lr=…, seed=…)` or the filters of `where(t, diverged=false)`.
/// They arrive in order in `CallContext.extras`.
public struct ExtraArguments: Sendable {
    /// The name help shows for the label, e.g. `axis` in `axis=list, …`.
    public let placeholder: String
    public let type: ValueType
    /// How the signature names the value (`list` in `axis=list, …`).
    public let shownAs: String
    public let help: String

    public init(_ placeholder: String, _ type: ValueType, shownAs: String? = nil, help: String) {
        self.placeholder = placeholder
        self.type = type
        self.shownAs = shownAs ?? type.displayName
        self.help = help
    }
}

/// A builtin function, declared as data: name, one-line abstract, discussion,
/// parameters, result and example. Usage lines, `help` text, argument binding,
/// errors, suggestions and completion are all generated from this declaration.
public struct Builtin: Sendable {
    public let name: String
    /// Group in `help`: "data", "networks", "training", "math" ….
    public let category: String
    public let abstract: String
    public let discussion: String
    public let parameters: [Parameter]
    public let returns: String
    public let example: String
    /// Whether the builtin takes a trailing `{ … }` block (like `sweep`).
    public let takesBlock: Bool
    /// Whether positional arguments past the declared parameters are collected
    /// (like `print(a, b, c)`); they are in `CallContext.rest`.
    public let variadic: Bool
    /// Labelled arguments beyond the declared parameters, when the builtin takes them.
    public let extraArguments: ExtraArguments?
    public let implementation: @Sendable (inout CallContext) throws(Diagnostic) -> Value

    public init(
        _ name: String, category: String, abstract: String, discussion: String = "",
        parameters: [Parameter] = [], returns: String, example: String,
        takesBlock: Bool = false, variadic: Bool = false, extraArguments: ExtraArguments? = nil,
        implementation: @escaping @Sendable (inout CallContext) throws(Diagnostic) -> Value
    ) {
        self.name = name
        self.category = category
        self.abstract = abstract
        self.discussion = discussion
        self.parameters = parameters
        self.returns = returns
        self.example = example
        self.takesBlock = takesBlock
        self.variadic = variadic
        self.extraArguments = extraArguments
        self.implementation = implementation
    }

    /// `(net, data, optimizer, loss=mse, steps=2000)`; variadic positional arguments
    /// (`…`) and extra labelled ones (`axis=list, …`) show after the last required
    /// parameter.
    public var signatureSuffix: String {
        // `time { … }`: a block-taking builtin without arguments is written without parentheses.
        if parameters.isEmpty && takesBlock && !variadic && extraArguments == nil { return " { … }" }
        var parts = parameters.map { p -> String in
            switch p.defaultValue {
            case .required: p.label
            case .absent: "\(p.label)=none"
            case .value(_, let text): "\(p.label)=\(text)"
            }
        }
        let afterRequired = (parameters.lastIndex(where: \.isRequired) ?? -1) + 1
        if let extra = extraArguments {
            parts.insert("\(extra.placeholder)=\(extra.shownAs), …", at: afterRequired)
        }
        if variadic { parts.insert("…", at: afterRequired) }
        return "(" + parts.joined(separator: ", ") + ")" + (takesBlock ? " { … }" : "")
    }

    /// The usage line: `train(net, data, optimizer, loss=mse, steps=2000) -> run`.
    public var usage: String { "\(name)\(signatureSuffix) -> \(returns)" }

    /// The full help text, as `help NAME` prints it.
    public var help: String {
        var out = ""
        if !parameters.isEmpty || extraArguments != nil {
            out += "\nArguments:\n"
            let extraLabel = extraArguments.map { "\($0.placeholder)=…" }
            let width = (parameters.map(\.label.count) + [extraLabel?.count ?? 0]).max() ?? 0
            let afterRequired = (parameters.lastIndex(where: \.isRequired) ?? -1) + 1
            for (k, p) in parameters.enumerated() {
                if k == afterRequired, let extra = extraArguments, let extraLabel {
                    let pad = String(repeating: " ", count: width - extraLabel.count)
                    out += "  \(extraLabel)\(pad)  \(extra.shownAs), any number\n    \(extra.help)\n"
                }
                let pad = String(repeating: " ", count: width - p.label.count)
                var line = "  \(p.label)\(pad)  \(p.type.displayName)"
                switch p.defaultValue {
                case .required: line += ", required"
                case .absent: line += ", optional"
                case .value(_, let text): line += ", default \(text)"
                }
                out += line + "\n    \(p.help)\n"
            }
            if afterRequired == parameters.count, let extra = extraArguments, let extraLabel {
                let pad = String(repeating: " ", count: width - extraLabel.count)
                out += "  \(extraLabel)\(pad)  \(extra.shownAs), any number\n    \(extra.help)\n"
            }
        }
        return helpPage(usage, abstract: abstract, discussion: discussion, arguments: out, example: example)
    }
}

/// The page `help NAME` prints, for builtins and commands alike: the usage line, the
/// abstract, the discussion, the arguments (already laid out) and the example, the
/// text indented by two spaces (blank lines of the discussion kept, of the example dropped).
func helpPage(_ usage: String, abstract: String, discussion: String, arguments: String = "", example: String)
    -> String
{
    var out = "\(usage)\n\n  \(abstract)\n"
    if !discussion.isEmpty { out += "\n" + indented(discussion) + "\n" }
    out += arguments
    out += "\nExample:\n" + example.split(separator: "\n").map { "  \($0)" }.joined(separator: "\n") + "\n"
    return out
}

/// `text` with every non-empty line indented by two spaces (help pages, `explain`,
/// tables under an object's summary); empty lines stay empty.
func indented(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : "  \($0)" }
        .joined(separator: "\n")
}

/// A named constant of the language (`relu`, `mse` …), documented like a builtin.
public struct Constant: Sendable {
    public let name: String
    public let category: String
    public let help: String
    public let value: Value

    public init(_ name: String, category: String, help: String, value: Value) {
        self.name = name
        self.category = category
        self.help = help
        self.value = value
    }
}
