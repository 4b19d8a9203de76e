import NoetherSyntax

/// Language-level builtins that know nothing of the engine.
enum CoreBuiltins {
    static let all: [Builtin] = [print, len, str]

    static let constants: [Constant] = [
        Constant(
            "none", category: "language",
            help: "the missing value: an empty table cell (a failed sweep point), an absent result",
            value: .nothing)
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

    static let str = Builtin(
        "str", category: "language",
        abstract: "A value as text, as print shows it; digits= gives numbers that many significant digits.",
        discussion: """
            Join texts with +: "loss " + str(run.loss, digits=3). Without digits a number keeps
            the shortest text that reads back to the same Float64 (0.1, 1e-05); with digits it
            is rounded for reading (0.0329, 1.46e-05), also inside lists.
            """,
        parameters: [
            Parameter("x", .any, help: "any value"),
            Parameter("digits", .integer, .absent, help: "significant digits for numbers, 1 to 17"),
        ],
        returns: "string",
        example: "\"loss \" + str(run.loss, digits=3)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let x = try ctx.value("x")!
        guard try ctx.value("digits") != nil else { return .string(x.printed) }
        let digits = try ctx.integer("digits", in: 1...17)
        func text(_ v: Value) throws(Diagnostic) -> String {
            switch v {
            case .number(let n): return formatSummary(n, digits: digits)
            case .list(let items):
                var parts = [String]()
                for item in items { parts.append(try text(item)) }
                return "[" + parts.joined(separator: ", ") + "]"
            default:
                throw ctx.error(
                    "'digits' applies to numbers and lists of numbers, got \(article(v.typeName)) \(v.typeName)",
                    at: "x")
            }
        }
        return .string(try text(x))
    }

    static let len = Builtin(
        "len", category: "language",
        abstract: "The number of elements of a list, characters of a string, fields of a record, or rows of a table.",
        parameters: [Parameter("x", .any, help: "a list, string, record or table")],
        returns: "number",
        example: "len([1, 2, 3])   # 3"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        switch try ctx.value("x")! {
        case .list(let items): return .number(Double(items.count))
        case .string(let s): return .number(Double(s.count))
        case .record(let r): return .number(Double(r.fields.count))
        case .object(let t as TableObject): return .number(Double(t.rows.count))
        case let other: throw ctx.error("'len' needs a list, string, record or table, got \(other.typeName)", at: "x")
        }
    }
}
