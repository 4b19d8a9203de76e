import NoetherSyntax

/// The arguments of one builtin call after binding, with typed accessors.
///
/// Binding has already checked presence and types against the declaration, so
/// accessors only convert; domain checks (`lr > 0` …) report through `error(…)`
/// at the argument's own position.
public struct CallContext {
    public let builtin: Builtin
    /// The whole call's source range.
    public let range: SourceRange
    /// Bound parameters by label (absent optional ones are missing).
    public let values: [String: (value: Value, range: SourceRange)]
    /// Extra positional arguments of a variadic builtin.
    public let rest: [(value: Value, range: SourceRange)]
    /// Labelled arguments beyond the declared parameters (`Builtin.extraArguments`),
    /// in the order written, type-checked against the declaration.
    public let extras: [(label: String, labelRange: SourceRange, value: Value, range: SourceRange)]
    /// The trailing block, for builtins that take one.
    public let block: Block?
    /// The interpreter running the call (for blocks, progress, interrupts, output).
    public let interpreter: Interpreter

    public func has(_ label: String) -> Bool { values[label] != nil }
    public func value(_ label: String) -> Value? { values[label]?.value }
    public func range(of label: String) -> SourceRange { values[label]?.range ?? range }

    /// A runtime error pointing at argument `label` (or the call when absent).
    public func error(_ message: String, at label: String? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.runtime, message, at: label.map { range(of: $0) } ?? range, hint: hint)
    }

    /// A runtime error at a position of the call (an extra argument's label, say).
    public func error(_ message: String, at position: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.runtime, message, at: position, hint: hint)
    }

    public func optionalBool(_ label: String) -> Bool? {
        if case .bool(let b) = values[label]?.value { return b }
        return nil
    }

    /// A string argument or a list of strings (`by="lr"` or `by=["lr", "seed"]`), or
    /// nil when absent.
    public func names(_ label: String) -> [String]? {
        switch values[label]?.value {
        case .string(let s): return [s]
        case .list(let items):
            return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: return nil
        }
    }

    public func number(_ label: String) -> Double {
        if case .number(let x) = values[label]?.value { return x }
        preconditionFailure("argument '\(label)' of '\(builtin.name)' is not a bound number")
    }

    public func optionalNumber(_ label: String) -> Double? {
        if case .number(let x) = values[label]?.value { return x }
        return nil
    }

    public func integer(_ label: String) -> Int { Int(number(label)) }

    public func optionalInteger(_ label: String) -> Int? { optionalNumber(label).map { Int($0) } }

    public func string(_ label: String) -> String {
        if case .string(let s) = values[label]?.value { return s }
        preconditionFailure("argument '\(label)' of '\(builtin.name)' is not a bound string")
    }

    public func optionalString(_ label: String) -> String? {
        if case .string(let s) = values[label]?.value { return s }
        return nil
    }

    public func bool(_ label: String) -> Bool {
        if case .bool(let b) = values[label]?.value { return b }
        preconditionFailure("argument '\(label)' of '\(builtin.name)' is not a bound boolean")
    }

    public func list(_ label: String) -> [Value] {
        if case .list(let items) = values[label]?.value { return items }
        preconditionFailure("argument '\(label)' of '\(builtin.name)' is not a bound list")
    }

    public func object<T: NoetherObject>(_ label: String, as type: T.Type = T.self) -> T {
        guard case .object(let o) = values[label]?.value, let t = o as? T else {
            preconditionFailure("argument '\(label)' of '\(builtin.name)' is not a bound \(T.typeName)")
        }
        return t
    }

    public func optionalObject<T: NoetherObject>(_ label: String, as type: T.Type = T.self) -> T? {
        guard case .object(let o) = values[label]?.value else { return nil }
        return o as? T
    }

    /// A positive finite number argument, or an error at its position.
    public func positiveNumber(_ label: String) throws(Diagnostic) -> Double {
        let x = number(label)
        guard x.isFinite, x > 0 else {
            throw error("'\(label)' must be a positive number, got \(formatNumber(x))", at: label)
        }
        return x
    }

    /// An integer argument within `range`, or an error at its position.
    public func integer(_ label: String, in bounds: ClosedRange<Int>) throws(Diagnostic) -> Int {
        let n = integer(label)
        guard bounds.contains(n) else {
            let text =
                bounds.upperBound == Int.max
                ? "at least \(bounds.lowerBound)" : "between \(bounds.lowerBound) and \(bounds.upperBound)"
            throw error("'\(label)' must be \(text), got \(n)", at: label)
        }
        return n
    }
}
