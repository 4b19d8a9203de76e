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

    /// The bound argument `label`, or nil when an optional one is absent. Reading a
    /// label the builtin does not declare is a bug in Noether (a misspelt label in a
    /// builtin's body): an internal error, never a crash of the session.
    private func bound(_ label: String) throws(Diagnostic) -> Value? {
        guard builtin.parameters.contains(where: { $0.label == label }) else {
            throw Diagnostic(
                .internalError, "builtin '\(builtin.name)' reads argument '\(label)', which it does not declare",
                at: range)
        }
        return values[label]?.value
    }

    /// An internal error: argument `label` is bound to something other than `expected`
    /// (binding checks declared types, so only a declaration out of step with its body
    /// gets here).
    private func mismatch(_ label: String, _ expected: String) -> Diagnostic {
        Diagnostic(.internalError, "argument '\(label)' of '\(builtin.name)' is not a bound \(expected)", at: range)
    }

    public func has(_ label: String) throws(Diagnostic) -> Bool { try bound(label) != nil }
    public func value(_ label: String) throws(Diagnostic) -> Value? { try bound(label) }
    public func range(of label: String) -> SourceRange { values[label]?.range ?? range }

    /// A runtime error pointing at argument `label` (or the call when absent).
    public func error(_ message: String, at label: String? = nil, hint: String? = nil) -> Diagnostic {
        Diagnostic(.runtime, message, at: label.map { range(of: $0) } ?? range, hint: hint)
    }

    /// A runtime error at a position of the call (an extra argument's label, say).
    public func error(_ message: String, at position: SourceRange, hint: String? = nil) -> Diagnostic {
        Diagnostic(.runtime, message, at: position, hint: hint)
    }

    public func optionalBool(_ label: String) throws(Diagnostic) -> Bool? {
        if case .bool(let b) = try bound(label) { return b }
        return nil
    }

    /// A string argument or a list of strings (`by="lr"` or `by=["lr", "seed"]`), or
    /// nil when absent.
    public func names(_ label: String) throws(Diagnostic) -> [String]? {
        switch try bound(label) {
        case .string(let s): return [s]
        case .list(let items):
            return items.compactMap { if case .string(let s) = $0 { s } else { nil } }
        default: return nil
        }
    }

    public func number(_ label: String) throws(Diagnostic) -> Double {
        if case .number(let x) = try bound(label) { return x }
        throw mismatch(label, "number")
    }

    public func optionalNumber(_ label: String) throws(Diagnostic) -> Double? {
        if case .number(let x) = try bound(label) { return x }
        return nil
    }

    public func integer(_ label: String) throws(Diagnostic) -> Int { Int(try number(label)) }

    public func optionalInteger(_ label: String) throws(Diagnostic) -> Int? {
        try optionalNumber(label).map { Int($0) }
    }

    public func string(_ label: String) throws(Diagnostic) -> String {
        if case .string(let s) = try bound(label) { return s }
        throw mismatch(label, "string")
    }

    public func optionalString(_ label: String) throws(Diagnostic) -> String? {
        if case .string(let s) = try bound(label) { return s }
        return nil
    }

    public func bool(_ label: String) throws(Diagnostic) -> Bool {
        if case .bool(let b) = try bound(label) { return b }
        throw mismatch(label, "boolean")
    }

    public func list(_ label: String) throws(Diagnostic) -> [Value] {
        if case .list(let items) = try bound(label) { return items }
        throw mismatch(label, "list")
    }

    public func object<T: NoetherObject>(_ label: String, as type: T.Type = T.self) throws(Diagnostic) -> T {
        guard case .object(let o) = try bound(label), let t = o as? T else { throw mismatch(label, T.typeName) }
        return t
    }

    public func optionalObject<T: NoetherObject>(_ label: String, as type: T.Type = T.self) throws(Diagnostic) -> T? {
        guard case .object(let o) = try bound(label) else { return nil }
        return o as? T
    }

    /// A positive finite number argument, or an error at its position.
    public func positiveNumber(_ label: String) throws(Diagnostic) -> Double {
        let x = try number(label)
        guard x.isFinite, x > 0 else {
            throw error("'\(label)' must be a positive number, got \(formatNumber(x))", at: label)
        }
        return x
    }

    /// An integer argument within `range`, or an error at its position.
    public func integer(_ label: String, in bounds: ClosedRange<Int>) throws(Diagnostic) -> Int {
        let n = try integer(label)
        guard bounds.contains(n) else {
            let text =
                bounds.upperBound == Int.max
                ? "at least \(bounds.lowerBound)" : "between \(bounds.lowerBound) and \(bounds.upperBound)"
            throw error("'\(label)' must be \(text), got \(n)", at: label)
        }
        return n
    }
}

extension CallContext {
    /// A 0-based index argument into `count` items, negative counting from the end
    /// (`-1` is the last); out of range is an error at the argument, worded by
    /// `outOfRange` (given the index as written), with the valid ranges as the hint
    /// (or, with `count` 0, that there is nothing to index).
    func index(_ label: String, count: Int, outOfRange: (Int) -> String) throws(Diagnostic) -> Int {
        let i = try integer(label)
        guard let j = resolveIndex(i, count: count) else {
            throw error(
                outOfRange(i), at: label, hint: validIndicesHint(count: count, empty: "there is nothing to index"))
        }
        return j
    }
}
