#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherSyntax

/// Arithmetic, comparison and logic. Numbers combine as Float64 (IEEE rules:
/// 1/0 = inf, log of a negative is nan); a list combines element-wise with a scalar
/// or with a list of the same length, recursively (so lists of lists work);
/// `+` joins strings. `==`/`!=` are element-wise when a list is involved and
/// structural otherwise (records, objects, strings); `and`/`or` short-circuit on
/// booleans and combine lists of booleans element-wise.
enum Operators {
    /// The longest string `+` makes (repeated doubling would otherwise exhaust memory).
    static let maxStringBytes = 100_000_000

    static func unary(_ op: UnaryOperator, _ v: Value, range: SourceRange) throws(Diagnostic) -> Value {
        switch (op, v) {
        case (.negate, .number(let x)): return .number(-x)
        case (.negate, .list(let items)):
            return try mapped(items) { x throws(Diagnostic) in try unary(.negate, x, range: range) }
        case (.not, .bool(let b)): return .bool(!b)
        case (.not, .list(let items)):
            return try mapped(items) { x throws(Diagnostic) in try unary(.not, x, range: range) }
        default:
            let what = op == .negate ? "negate" : "apply 'not' to"
            throw Diagnostic(.runtime, "cannot \(what) a \(v.typeName)", at: range)
        }
    }

    /// `f` of every element, as a list (the element-wise cases of every operator).
    private static func mapped<Items: Collection>(
        _ items: Items, _ f: (Items.Element) throws(Diagnostic) -> Value
    ) throws(Diagnostic) -> Value {
        var out = [Value]()
        out.reserveCapacity(items.count)
        for x in items { out.append(try f(x)) }
        return .list(out)
    }

    static func binary(
        _ op: BinaryOperator, _ l: Value, _ r: Value, operatorRange: SourceRange,
        lhsRange: SourceRange, rhsRange: SourceRange
    ) throws(Diagnostic) -> Value {
        if op == .equal || op == .notEqual {
            switch (l, r) {
            case (.list, _), (_, .list): break  // element-wise below
            default: return .bool(equal(l, r) == (op == .equal))
            }
        }
        switch (l, r) {
        case (.number(let a), .number(let b)):
            return try numeric(op, a, b, operatorRange: operatorRange)
        case (.string(let a), .string(let b)):
            switch op {
            case .add:
                guard a.utf8.count + b.utf8.count <= maxStringBytes else {
                    throw Diagnostic(
                        .runtime, "the string would be longer than \(maxStringBytes) bytes", at: operatorRange)
                }
                return .string(a + b)
            case .less: return .bool(a < b)
            case .lessEqual: return .bool(a <= b)
            case .greater: return .bool(a > b)
            case .greaterEqual: return .bool(a >= b)
            default: break
            }
        case (.list(let a), .list(let b)):
            guard a.count == b.count else {
                let hint: String? =
                    op == .equal || op == .notEqual ? "compare lengths first: len(a) == len(b) and all(a == b)" : nil
                throw Diagnostic(
                    .runtime,
                    "element-wise '\(op.rawValue)' needs lists of equal length, got \(a.count) and \(b.count)",
                    at: operatorRange, hint: hint)
            }
            return try mapped(a.indices) { i throws(Diagnostic) in
                try binary(op, a[i], b[i], operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        case (.list(let a), _):
            return try mapped(a) { x throws(Diagnostic) in
                try binary(op, x, r, operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        case (_, .list(let b)):
            return try mapped(b) { y throws(Diagnostic) in
                try binary(op, l, y, operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        default: break
        }
        throw Diagnostic(
            .runtime, "cannot apply '\(op.rawValue)' to \(l.typeName) and \(r.typeName)", at: operatorRange)
    }

    /// Element-wise `and` / `or` where at least one side is a list; every element
    /// must be a boolean (or a list of them).
    static func logical(
        _ op: BinaryOperator, _ l: Value, _ r: Value, operatorRange: SourceRange,
        lhsRange: SourceRange, rhsRange: SourceRange
    ) throws(Diagnostic) -> Value {
        switch (l, r) {
        case (.bool(let a), .bool(let b)):
            return .bool(op == .and ? a && b : a || b)
        case (.list(let a), .list(let b)):
            guard a.count == b.count else {
                throw Diagnostic(
                    .runtime,
                    "element-wise '\(op.rawValue)' needs lists of equal length, got \(a.count) and \(b.count)",
                    at: operatorRange)
            }
            return try mapped(a.indices) { i throws(Diagnostic) in
                try logical(op, a[i], b[i], operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        case (.list(let a), .bool):
            return try mapped(a) { x throws(Diagnostic) in
                try logical(op, x, r, operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        case (.bool, .list(let b)):
            return try mapped(b) { y throws(Diagnostic) in
                try logical(op, l, y, operatorRange: operatorRange, lhsRange: lhsRange, rhsRange: rhsRange)
            }
        default:
            let bad = { if case .bool = l { return r } else if case .list = l { return r } else { return l } }()
            let range = {
                if case .bool = l {
                    return rhsRange
                } else if case .list = l {
                    return rhsRange
                } else {
                    return lhsRange
                }
            }()
            throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got \(bad.typeName)", at: range)
        }
    }

    private static func numeric(_ op: BinaryOperator, _ a: Double, _ b: Double, operatorRange: SourceRange)
        throws(Diagnostic) -> Value
    {
        switch op {
        case .add: return .number(a + b)
        case .subtract: return .number(a - b)
        case .multiply: return .number(a * b)
        case .divide: return .number(a / b)
        case .power: return .number(pow(a, b))
        case .less: return .bool(a < b)
        case .lessEqual: return .bool(a <= b)
        case .greater: return .bool(a > b)
        case .greaterEqual: return .bool(a >= b)
        case .equal: return .bool(a == b)
        case .notEqual: return .bool(a != b)
        case .and, .or:
            throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got numbers", at: operatorRange)
        }
    }

    /// Structural equality; numbers by value (nan ≠ nan), objects by identity of summary.
    static func equal(_ l: Value, _ r: Value) -> Bool {
        switch (l, r) {
        case (.nothing, .nothing): return true
        case (.number(let a), .number(let b)): return a == b
        case (.bool(let a), .bool(let b)): return a == b
        case (.string(let a), .string(let b)): return a == b
        case (.list(let a), .list(let b)):
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        case (.record(let a), .record(let b)):
            return a.fields.count == b.fields.count
                && zip(a.fields, b.fields).allSatisfy { $0.name == $1.name && equal($0.value, $1.value) }
        case (.object(let a), .object(let b)):
            return type(of: a).typeName == type(of: b).typeName && a.json == b.json
        case (.function(let a), .function(let b)): return a.name == b.name
        default: return false
        }
    }
}
