#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// Number sequences, reductions and element-wise functions.
///
/// Reductions (`sum`, `mean`, `std`, `min`, `max`) work over the first axis: a list
/// of numbers gives a number; a list of equal-length lists of numbers (a sweep's
/// `drift` column, a run's `C`) gives a list, reduced element-wise. They sum left to
/// right and let nan propagate.
enum MathBuiltins {
    static let all: [Builtin] = [
        linspace, logspace, range, sum, mean, std, min, max, allTrue, anyTrue, log, log10, exp, sqrt, abs, round,
    ]

    // MARK: - Sequences

    static let linspace = Builtin(
        "linspace", category: "math",
        abstract: "Evenly spaced numbers from start to stop, both included: n of them.",
        discussion: "Element i is start + i·(stop − start)/(n − 1); the last is exactly stop. n = 1 gives [start].",
        parameters: sequenceParameters(""),
        returns: "list",
        example: "linspace(0, 1, 5)   # [0, 0.25, 0.5, 0.75, 1]"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (a, b, n) = try sequenceArguments(ctx)
        guard a.isFinite && b.isFinite else {
            throw ctx.error("'linspace' needs finite endpoints", at: a.isFinite ? "stop" : "start")
        }
        if n == 1 { return .numbers([a]) }
        let step = (b - a) / Double(n - 1)
        var xs = (0..<n).map { a + Double($0) * step }
        xs[n - 1] = b
        return .numbers(xs)
    }

    static let logspace = Builtin(
        "logspace", category: "math",
        abstract: "Numbers from start to stop evenly spaced on a log scale; the endpoints are values, not exponents.",
        discussion: """
            Element i is 10^(log10(start) + i·(log10(stop) − log10(start))/(n − 1)); the first is
            exactly start and the last exactly stop. Both must be positive. Unlike NumPy's
            logspace, the endpoints are the values themselves: logspace(1e-4, 1, 5) is
            [0.0001, 0.001, 0.01, 0.1, 1].
            """,
        parameters: sequenceParameters(" (positive)"),
        returns: "list",
        example: "lrs = logspace(1e-4, 1, 10)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (a, b, n) = try sequenceArguments(ctx)
        for (label, x) in [("start", a), ("stop", b)] where !(x.isFinite && x > 0) {
            throw ctx.error(
                "'\(label)' of 'logspace' must be a positive number, got \(formatNumber(x))", at: label,
                hint: "the endpoints are values, not exponents: logspace(1e-4, 1, 10)")
        }
        if n == 1 { return .numbers([a]) }
        let la = Glibc.log10(a)
        let lb = Glibc.log10(b)
        let step = (lb - la) / Double(n - 1)
        var xs = (0..<n).map { pow(10.0, la + Double($0) * step) }
        xs[0] = a
        xs[n - 1] = b
        return .numbers(xs)
    }

    /// linspace's and logspace's start, stop (their help ending in `note`) and n.
    private static func sequenceParameters(_ note: String) -> [Parameter] {
        [
            Parameter("start", .number, help: "the first value" + note),
            Parameter("stop", .number, help: "the last value" + note),
            Parameter("n", .integer, help: "how many values (1 … 10000000)"),
        ]
    }

    private static func sequenceArguments(_ ctx: CallContext) throws(Diagnostic) -> (Double, Double, Int) {
        (
            try ctx.number("start"), try ctx.number("stop"),
            try ctx.integer("n", in: 1...ctx.interpreter.limits.maxListLength)
        )
    }

    static let range = Builtin(
        "range", category: "math",
        abstract: "The integers from start up to (not including) stop, by step: range(5) is [0, 1, 2, 3, 4].",
        discussion: """
            range(stop) counts from 0; range(start, stop) and range(start, stop, step) as in Python.
            A negative step counts down. At most 10000000 elements.
            """,
        parameters: [
            Parameter("start", .integer, help: "the first integer, or the stop when it is the only argument"),
            Parameter("stop", .integer, .absent, help: "the end (excluded)"),
            Parameter("step", .integer, .value(.number(1), text: "1"), help: "the increment (not 0)"),
        ],
        returns: "list",
        example: "range(1, 10, 2)   # [1, 3, 5, 7, 9]"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        var start = try ctx.integer("start")
        var stop: Int
        if let s = try ctx.optionalInteger("stop") {
            stop = s
        } else {
            stop = start
            start = 0
        }
        let step = try ctx.integer("step")
        guard step != 0 else { throw ctx.error("'step' of 'range' must not be 0", at: "step") }
        // Integers are below 9e15 here, so the arithmetic cannot overflow.
        let count =
            step > 0 ? Swift.max(0, (stop - start + step - 1) / step) : Swift.max(0, (start - stop - step - 1) / -step)
        let limit = ctx.interpreter.limits.maxListLength
        guard count <= limit else {
            throw ctx.error(
                "'range' would make \(count) numbers; at most \(limit)", at: try ctx.has("stop") ? "stop" : "start")
        }
        // Built in chunks, polling Ctrl-C between them: a long list stops at once.
        var values = [Value]()
        values.reserveCapacity(count)
        var i = 0
        while i < count {
            let end = Swift.min(count, i + 65536)
            for k in i..<end { values.append(.number(Double(start + k * step))) }
            i = end
            try ctx.stopIfInterrupted()
        }
        return .list(values)
    }

    // MARK: - Reductions

    static let sum = reduction(
        "sum", "The sum of a list of numbers (element-wise over a list of lists).",
        example: "sum([1, 2, 3])   # 6", allowEmpty: true
    ) { compensatedSum($0) }

    static let mean = reduction(
        "mean", "The arithmetic mean of a list of numbers (element-wise over a list of lists).",
        example: "mean([1, 2, 3, 4])   # 2.5"
    ) { compensatedMean($0) }

    static let std = Builtin(
        "std", category: "math",
        abstract:
            "The standard deviation of a list of numbers; the population one (ddof=0) unless ddof says otherwise.",
        discussion: """
            √(Σ(xᵢ − x̄)² / (n − ddof)): ddof=0 (the default, like NumPy) is the population standard
            deviation, ddof=1 the sample one. nan when n ≤ ddof. Element-wise over a list of lists.
            """,
        parameters: [
            Parameter("x", .list(.any), help: "numbers, or equal-length lists of numbers"),
            Parameter(
                "ddof", .integer, .value(.number(0), text: "0"),
                help: "delta degrees of freedom: the divisor is n − ddof"),
        ],
        returns: "number or list",
        example: "std([1, 2, 3, 4])   # 1.118…; std([1, 2, 3, 4], ddof=1) is 1.29…"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let ddof = try ctx.integer("ddof", in: 0...1_000_000)
        return try reduce(try ctx.list("x"), ctx: ctx, label: "x") {
            meanAndStandardDeviation($0, ddof: ddof).standardDeviation
        }
    }

    static let min = extremum(
        "min", "The smallest of a list of numbers, or of several arguments: min(xs), min(a, b).",
        elementWise: "min([1, 5], [3, 2]) is [1, 2]", example: "min([3, 1, 2])   # 1"
    ) { minimumPropagatingNaN($0)! }

    static let max = extremum(
        "max", "The largest of a list of numbers, or of several arguments: max(xs), max(a, b).",
        elementWise: "max([1, 5], [3, 2]) is [3, 5]", example: "max(run.losses)"
    ) { maximumPropagatingNaN($0)! }

    static let allTrue = truthTest(
        "all", "Whether every element of a list of booleans is true (true for an empty list).",
        argument: "a list of booleans, e.g. xs > 0", example: "all([1, 2, 3] > 0)   # true"
    ) { $0.allSatisfy { $0 } }

    static let anyTrue = truthTest(
        "any", "Whether some element of a list of booleans is true (false for an empty list).",
        argument: "a list of booleans, e.g. t.diverged", example: "any([1, 2, 3] > 2)   # true"
    ) { $0.contains(true) }

    // MARK: - Element-wise functions

    static let log = elementWise(
        "log", "The natural logarithm, element-wise (nan below 0, -inf at 0).",
        example: "log(exp(1))   # 1"
    ) { Glibc.log($0) }
    static let log10 = elementWise(
        "log10", "The base-10 logarithm, element-wise (nan below 0, -inf at 0).",
        example: "log10([1, 10, 100])   # [0, 1, 2]"
    ) { Glibc.log10($0) }
    static let exp = elementWise("exp", "The exponential eˣ, element-wise.", example: "exp(0)   # 1") { Glibc.exp($0) }
    static let sqrt = elementWise(
        "sqrt", "The square root, element-wise (nan below 0).",
        example: "sqrt([4, 9])   # [2, 3]"
    ) { $0.squareRoot() }
    static let abs = elementWise(
        "abs", "The absolute value, element-wise.",
        example: "abs(run.C0 - run.net.C)"
    ) { Swift.abs($0) }

    static let round = Builtin(
        "round", category: "math",
        abstract: "Rounds to a number of decimal places (default 0), element-wise; ties to even, like Python.",
        discussion: """
            The exact binary value is rounded, so round(2.675, 2) is 2.67 (2.675 is stored as
            2.67499999…), and exact ties go to the even neighbour: round(0.5) is 0, round(1.5) is 2.
            Negative places round to tens, hundreds, …: round(1234, -2) is 1200. nan and ±inf stay.
            """,
        parameters: [
            Parameter("x", .oneOf([.number, .list(.any)]), help: "a number or a list of numbers"),
            Parameter("digits", .integer, .value(.number(0), text: "0"), help: "decimal places, -15 to 17"),
        ],
        returns: "number or list",
        example: "round(run.loss, 3)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let digits = try ctx.integer("digits", in: -15...17)
        return try mapNumbers(try ctx.value("x")!, "round", ctx) { roundedDecimal($0, places: digits) }
    }

    /// A function of one number applied to a number or to every number of a (nested) list.
    private static func elementWise(
        _ name: String, _ abstract: String, example: String,
        _ f: @escaping @Sendable (Double) -> Double
    ) -> Builtin {
        Builtin(
            name, category: "math", abstract: abstract,
            parameters: [Parameter("x", .oneOf([.number, .list(.any)]), help: "a number or a list of numbers")],
            returns: "number or list",
            example: example
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            try mapNumbers(try ctx.value("x")!, name, ctx, f)
        }
    }

    /// `f` applied to a number or to every number of a (nested) list; any other value
    /// is an error at argument `x` of builtin `name`.
    private static func mapNumbers(
        _ v: Value, _ name: String, _ ctx: CallContext,
        _ f: (Double) -> Double
    ) throws(Diagnostic) -> Value {
        switch v {
        case .number(let x): return .number(f(x))
        case .list(let items):
            var out = [Value]()
            out.reserveCapacity(items.count)
            for item in items { out.append(try mapNumbers(item, name, ctx, f)) }
            return .list(out)
        default:
            throw ctx.error("'\(name)' needs numbers, got \(article(v.typeName)) \(v.typeName)", at: "x")
        }
    }

    // MARK: - Helpers

    /// A reduction of one list argument `x` (see `reduce`).
    private static func reduction(
        _ name: String, _ abstract: String, example: String, allowEmpty: Bool = false,
        _ f: @escaping @Sendable ([Double]) -> Double
    ) -> Builtin {
        Builtin(
            name, category: "math", abstract: abstract,
            parameters: [Parameter("x", .list(.any), help: "numbers, or equal-length lists of numbers")],
            returns: "number or list",
            example: example
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            try reduce(try ctx.list("x"), ctx: ctx, label: "x", allowEmpty: allowEmpty, f)
        }
    }

    /// `min` or `max`: of a list, or of several arguments (see `operands`).
    private static func extremum(
        _ name: String, _ abstract: String, elementWise: String, example: String,
        _ f: @escaping @Sendable ([Double]) -> Double
    ) -> Builtin {
        Builtin(
            name, category: "math", abstract: abstract,
            discussion: "nan when any value is nan. Over lists of equal length, element-wise: \(elementWise).",
            parameters: [Parameter("x", .any, help: "a list of numbers, or the first of several numbers")],
            returns: "number or list",
            example: example,
            variadic: true
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            try reduce(operands(ctx), ctx: ctx, label: "x", f)
        }
    }

    /// `all` or `any` over a list of booleans.
    private static func truthTest(
        _ name: String, _ abstract: String, argument: String, example: String,
        _ f: @escaping @Sendable ([Bool]) -> Bool
    ) -> Builtin {
        Builtin(
            name, category: "math", abstract: abstract,
            parameters: [Parameter("x", .list(.bool), help: argument)],
            returns: "boolean",
            example: example
        ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
            .bool(f(try ctx.list("x").map { if case .bool(true) = $0 { true } else { false } }))
        }
    }

    /// The values a variadic min/max reduces: the list given alone, or all arguments.
    private static func operands(_ ctx: CallContext) throws(Diagnostic) -> [Value] {
        let x = try ctx.value("x")!
        if ctx.rest.isEmpty, case .list(let items) = x { return items }
        return [x] + ctx.rest.map(\.value)
    }

    /// Reduces numbers to a number, or equal-length number lists element-wise to a list.
    private static func reduce(
        _ items: [Value], ctx: CallContext, label: String, allowEmpty: Bool = false,
        _ f: ([Double]) -> Double
    ) throws(Diagnostic) -> Value {
        let name = ctx.builtin.name
        guard let first = items.first else {
            if allowEmpty { return .number(f([])) }
            throw ctx.error("'\(name)' of an empty list", at: label)
        }
        if case .list(let row) = first {
            var columns = [[Double]](repeating: [], count: row.count)
            for item in items {
                guard case .list(let xs) = item, xs.count == row.count, let numbers = Value.list(xs).numbers else {
                    throw ctx.error("'\(name)' needs numbers or lists of numbers of one length", at: label)
                }
                for (k, x) in numbers.enumerated() { columns[k].append(x) }
            }
            return .numbers(columns.map(f))
        }
        guard let numbers = Value.list(items).numbers else {
            let bad = items.first { if case .number = $0 { false } else { true } }!
            throw ctx.error(
                "'\(name)' needs numbers, got \(article(bad.typeName)) \(bad.typeName) in the list", at: label)
        }
        return .number(f(numbers))
    }
}

/// x rounded to `places` decimal places (negative: to tens, hundreds, …), ties to even.
/// Places ≥ 0 round the exact binary value through C's correctly rounded `%.*f`
/// conversion and read the text back (correctly rounded too), so the result is the
/// Double nearest to the decimal that Python's `round` gives.
func roundedDecimal(_ x: Double, places: Int) -> Double {
    guard x.isFinite else { return x }
    if places < 0 {
        var p = 1.0
        for _ in 0..<(-places) { p *= 10 }
        return (x / p).rounded(.toNearestOrEven) * p
    }
    var buffer = [CChar](repeating: 0, count: 400)
    let written = withVaList([Int32(places), x]) { vsnprintf(&buffer, buffer.count, "%.*f", $0) }
    guard written > 0, written < buffer.count else { return x }
    let text = String(decoding: buffer.prefix(Int(written)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    return Double(text) ?? x
}
