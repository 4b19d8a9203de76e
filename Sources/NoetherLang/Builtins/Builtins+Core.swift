import NoetherSyntax

/// Language-level builtins that know nothing of the engine.
enum CoreBuiltins {
    static let all: [Builtin] = [print, len]

    static let constants: [Constant] = [
        Constant("none", category: "language",
                 help: "the missing value: an empty table cell (a failed sweep point), an absent result",
                 value: .nothing),
    ]

    static let print = Builtin(
        "print", category: "language",
        abstract: "Prints its arguments on one line, separated by spaces (strings without quotes).",
        returns: "nothing",
        example: "print(\"drift:\", run.drift)",
        variadic: true
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        ctx.interpreter.output(ctx.rest.map { $0.value.printed }.joined(separator: " "))
        return .nothing
    }

    static let len = Builtin(
        "len", category: "language",
        abstract: "The number of elements of a list, characters of a string, fields of a record, or rows of a table.",
        parameters: [Parameter("x", .any, help: "a list, string, record or table")],
        returns: "number",
        example: "len([1, 2, 3])   # 3"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        switch ctx.value("x")! {
        case .list(let items): return .number(Double(items.count))
        case .string(let s): return .number(Double(s.count))
        case .record(let r): return .number(Double(r.fields.count))
        case .object(let t as TableObject): return .number(Double(t.rows.count))
        case let other: throw ctx.error("'len' needs a list, string, record or table, got \(other.typeName)", at: "x")
        }
    }
}
