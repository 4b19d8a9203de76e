import NoetherSyntax

/// A value of the language.
///
/// Scalars, strings and lists are built in; every domain object (dataset, network,
/// run, spectrum, table …) is an `.object` conforming to `NoetherObject`, so new
/// kinds of results add a type, not a case here.
public enum Value: Sendable {
    /// The value of a statement that produces nothing (an assignment, `print`).
    case nothing
    case number(Double)
    case bool(Bool)
    case string(String)
    case list([Value])
    case record(Record)
    case object(any NoetherObject)
    case function(FunctionValue)

    /// The type's name in messages and `vars`: `number`, `list`, `network` ….
    public var typeName: String {
        switch self {
        case .nothing: "nothing"
        case .number: "number"
        case .bool: "boolean"
        case .string: "string"
        case .list: "list"
        case .record: "record"
        case .object(let o): type(of: o).typeName
        case .function: "function"
        }
    }

    public var asObject: (any NoetherObject)? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// A list of numbers as Swift values, or `nil` when any element is not a number.
    public var numbers: [Double]? {
        guard case .list(let items) = self else { return nil }
        var out = [Double]()
        out.reserveCapacity(items.count)
        for item in items {
            guard case .number(let x) = item else { return nil }
            out.append(x)
        }
        return out
    }

    /// A number list value.
    public static func numbers(_ xs: [Double]) -> Value { .list(xs.map { .number($0) }) }
}

/// An ordered record `{a=1, b="x"}`; field order is kept for printing and tables.
public struct Record: Sendable {
    public var fields: [(name: String, value: Value)]

    public init(_ fields: [(name: String, value: Value)]) { self.fields = fields }

    public subscript(name: String) -> Value? {
        fields.first(where: { $0.name == name })?.value
    }
}

/// What every domain object offers the language: a type name, documented fields,
/// a printable summary and a JSON form.
public protocol NoetherObject: Sendable {
    /// The type's name in messages, e.g. `network`.
    static var typeName: String { get }
    /// Every field with a one-line description (drives `.` access errors, completion, help).
    static var fieldDocs: [FieldDoc] { get }
    /// The value of a field, or `nil` when there is no such field.
    func field(_ name: String) -> Value?
    /// A short, informative, human-readable summary (may span a few lines).
    var summary: String { get }
    /// The object as JSON (for `--json` and `export`).
    var json: JSONValue { get }
    /// The names `field(_:)` answers, for suggestions and listings; by default the
    /// documented fields (a table answers its columns).
    var fieldNames: [String] { get }
}

extension NoetherObject {
    public var fieldNames: [String] { Self.fieldDocs.map(\.name) }
}

/// One documented field of an object type.
public struct FieldDoc: Sendable {
    public let name: String
    public let help: String
    public init(_ name: String, _ help: String) {
        self.name = name
        self.help = help
    }
}

/// A callable value: a builtin or a function the user declared with `fn`.
public enum FunctionValue: Sendable {
    case builtin(Builtin)
    case user(UserFunction)

    public var name: String {
        switch self {
        case .builtin(let b): b.name
        case .user(let f): f.declaration.name
        }
    }
}

/// A function declared with `fn`, with the source it came from (for diagnostics).
public struct UserFunction: Sendable {
    public let declaration: FunctionDeclaration
    public let source: SourceFile
}

extension Value {
    /// The nesting depth (a number is 0, `[1]` is 1) and the logical size (every
    /// element of every list and record counted, shared parts as often as they occur)
    /// of a value, stopping as soon as either passes its limit.
    ///
    /// Shared storage is visited once, so the check is linear in the distinct parts
    /// even when `x = [x, x]` has doubled a value many times over — the case that would
    /// otherwise take exponential time. The memo is keyed by the address of a list's
    /// (or record's) element buffer, read inside `withUnsafeBufferPointer` and never
    /// dereferenced; every entry keeps its array alive (`owner`), so no buffer it names
    /// can be freed and its address reused during the walk: a hit is the same storage.
    /// (A bridged array that hands out a temporary buffer only misses the memo.)
    public func exceedsLimits(depth maxDepth: Int, size maxSize: Int) -> Bool {
        var memo = [UnsafeRawPointer: (owner: Any, depth: Int, size: Int)]()
        func address<T>(_ array: [T]) -> UnsafeRawPointer? {
            array.withUnsafeBufferPointer { $0.baseAddress.map { UnsafeRawPointer($0) } }
        }
        func measure(_ v: Value) -> (depth: Int, size: Int) {
            let children: [Value]
            let owner: Any
            let key: UnsafeRawPointer?
            switch v {
            case .list(let items):
                children = items
                owner = items
                key = address(items)
            case .record(let r):
                children = r.fields.map(\.value)
                owner = r.fields
                key = address(r.fields)
            default:
                return (0, 1)
            }
            if let key, let known = memo[key] { return (known.depth, known.size) }
            var depth = 0
            var size = 1
            for child in children {
                let m = measure(child)
                depth = Swift.max(depth, m.depth)
                size = size &+ m.size
                if depth >= maxDepth || size > maxSize { break }
            }
            let result = (depth: depth + 1, size: Swift.min(size, maxSize + 1))
            if let key { memo[key] = (owner, result.depth, result.size) }
            return result
        }
        let m = measure(self)
        return m.depth > maxDepth || m.size > maxSize
    }
}
