/// One field of an object type, declared once: its name, its help line, how to read
/// it, and what the type's JSON form carries for it.
///
/// A type's table of fields (`FieldTable.fields`) is the only place a field is
/// written: `help TYPE`, completion, the generated reference (docs/language.md),
/// `x.name` and the JSON object all come from it, so they cannot disagree.
public struct ObjectField<Object: Sendable>: Sendable {
    /// What the JSON object holds under the field's name.
    public enum InJSON: Sendable {
        /// The field's value as JSON (`nothing` is `null`).
        case value
        /// Something else: a shorter form (a name for an object, `null` past a size limit).
        case custom(@Sendable (Object) -> JSONValue)
        /// Nothing: the field is a method (a function value, `M.row(i)`).
        case method
        /// Nothing: a per-step series, too long for the record of a run; the help
        /// line says "not in JSON".
        case omitted
    }

    public let name: String
    public let help: String
    public let inJSON: InJSON
    let read: @Sendable (Object) -> Value

    public init(
        _ name: String, _ help: String, json inJSON: InJSON = .value, _ read: @escaping @Sendable (Object) -> Value
    ) {
        self.name = name
        self.help = help
        self.inJSON = inJSON
        self.read = read
    }

    /// Whether the JSON object carries this field.
    public var isInJSON: Bool {
        switch inJSON {
        case .value, .custom: true
        case .method, .omitted: false
        }
    }

    /// The help line as `help TYPE` and the reference show it.
    public var doc: FieldDoc {
        guard case .omitted = inJSON else { return FieldDoc(name, help) }
        return FieldDoc(name, help.hasSuffix(")") ? help.dropLast() + "; not in JSON)" : help + " (not in JSON)")
    }

    /// The JSON of this field of `object`, or nil when JSON leaves it out.
    func json(of object: Object) -> JSONValue? {
        switch inJSON {
        case .value: read(object).json
        case .custom(let encode): encode(object)
        case .method, .omitted: nil
        }
    }
}

/// An object type whose fields are one table (see `ObjectField`): it gets
/// `fieldDocs`, `field(_:)` and `json` from it.
public protocol FieldTable: NoetherObject {
    static var fields: [ObjectField<Self>] { get }
}

extension FieldTable {
    public static var fieldDocs: [FieldDoc] { fields.map(\.doc) }

    public func field(_ name: String) -> Value? {
        Self.fields.first { $0.name == name }.map { $0.read(self) }
    }

    /// `{"type": …}` followed by every field JSON carries, in the table's order.
    public var json: JSONValue { fieldsJSON }

    public var fieldsJSON: JSONValue {
        .object(
            [("type", .string(Self.typeName))] + Self.fields.compactMap { f in f.json(of: self).map { (f.name, $0) } })
    }

    /// The names the JSON object carries besides `type`.
    public static var jsonFieldNames: [String] { fields.filter(\.isInJSON).map(\.name) }
}

/// Rows that read one stored value: `ObjectField("trace", "Σ a_ii", \.statistics.trace)`.
/// The value's Swift type chooses the language value (a number, a list of numbers,
/// a boolean, a string; an optional one is `nothing` when nil), so a table row
/// is its name, its help and where the value lives.
extension ObjectField {
    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, Double> & Sendable) {
        self.init(name, help, json: json) { .number($0[keyPath: path]) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, Int> & Sendable) {
        self.init(name, help, json: json) { .number(Double($0[keyPath: path])) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, [Double]> & Sendable) {
        self.init(name, help, json: json) { .numbers($0[keyPath: path]) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, Bool> & Sendable) {
        self.init(name, help, json: json) { .bool($0[keyPath: path]) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, [Bool]> & Sendable) {
        self.init(name, help, json: json) { .bools($0[keyPath: path]) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, String> & Sendable) {
        self.init(name, help, json: json) { .string($0[keyPath: path]) }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, Double?> & Sendable) {
        self.init(name, help, json: json) { o in o[keyPath: path].map { .number($0) } ?? .nothing }
    }

    public init(
        _ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, [Double]?> & Sendable
    ) {
        self.init(name, help, json: json) { o in o[keyPath: path].map { .numbers($0) } ?? .nothing }
    }

    public init(_ name: String, _ help: String, json: InJSON = .value, _ path: KeyPath<Object, String?> & Sendable) {
        self.init(name, help, json: json) { o in o[keyPath: path].map { .string($0) } ?? .nothing }
    }
}
