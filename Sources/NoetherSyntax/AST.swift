/// The syntax tree. Every node carries the UTF-8 range it came from.
public indirect enum Expression: Sendable, Equatable {
    case number(Double, SourceRange)
    case string(String, SourceRange)
    case boolean(Bool, SourceRange)
    case name(String, SourceRange)
    case list([Expression], SourceRange)
    /// `{a=1, b="x"}`.
    case record([(name: String, nameRange: SourceRange, value: Expression)], SourceRange)
    /// `callee(positional…, label=value…)` with an optional trailing block `{ … }`.
    case call(Call)
    /// `base.name`.
    case field(Expression, name: String, nameRange: SourceRange, SourceRange)
    /// `base[index]` or `base[a:b]`.
    case index(Expression, Subscript, SourceRange)
    case unary(UnaryOperator, Expression, SourceRange)
    case binary(BinaryOperator, Expression, Expression, operatorRange: SourceRange, SourceRange)
    /// `if c { … } else { … }` as an expression (its value is the taken branch's last value).
    case conditional(Expression, Block, Block?, SourceRange)
    /// `for x in list { … }`.
    case loop(variable: String, variableRange: SourceRange, Expression, Block, SourceRange)

    public var range: SourceRange {
        switch self {
        case .number(_, let r), .string(_, let r), .boolean(_, let r), .name(_, let r), .list(_, let r),
            .record(_, let r), .field(_, _, _, let r), .index(_, _, let r), .unary(_, _, let r),
            .binary(_, _, _, _, let r), .conditional(_, _, _, let r), .loop(_, _, _, _, let r):
            return r
        case .call(let c): return c.range
        }
    }

    public static func == (lhs: Expression, rhs: Expression) -> Bool {
        // Structural equality over the printed form and ranges is enough for tests.
        "\(lhs)" == "\(rhs)"
    }
}

public struct Call: Sendable {
    public var callee: Expression
    public var arguments: [Argument]
    public var block: Block?
    public var range: SourceRange

    public init(callee: Expression, arguments: [Argument], block: Block?, range: SourceRange) {
        self.callee = callee
        self.arguments = arguments
        self.block = block
        self.range = range
    }
}

public struct Argument: Sendable {
    /// The label of a `label=value` argument; `nil` for a positional one.
    public var label: String?
    public var labelRange: SourceRange?
    public var value: Expression
    /// The whole argument, label included.
    public var range: SourceRange

    public init(label: String?, labelRange: SourceRange?, value: Expression, range: SourceRange) {
        self.label = label
        self.labelRange = labelRange
        self.value = value
        self.range = range
    }
}

public enum Subscript: Sendable {
    case single(Expression)
    case slice(Expression?, Expression?)
}

public enum UnaryOperator: String, Sendable {
    case negate = "-"
    case not = "not"
}

public enum BinaryOperator: String, Sendable {
    case add = "+", subtract = "-", multiply = "*", divide = "/", power = "^"
    case equal = "==", notEqual = "!=", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "and", or = "or"
}

/// A `{ … }` block of statements; its names are local to it.
public struct Block: Sendable {
    public var statements: [Statement]
    public var range: SourceRange

    public init(statements: [Statement], range: SourceRange) {
        self.statements = statements
        self.range = range
    }
}

public enum Statement: Sendable {
    /// `name = value`.
    case assignment(name: String, nameRange: SourceRange, value: Expression, range: SourceRange)
    /// A bare expression; its value is printed unless `silent` (a trailing ';').
    case expression(Expression, silent: Bool)
    /// `fn name(a, b=1) { … }`.
    case function(FunctionDeclaration)
    /// A shell command word followed by arguments without parentheses:
    /// `save "s.noe"`, `help train`, `run "x.noe"`, `vars`.
    case command(name: String, nameRange: SourceRange, arguments: [Expression], range: SourceRange)

    public var range: SourceRange {
        switch self {
        case .assignment(_, _, _, let r): r
        case .expression(let e, _): e.range
        case .function(let f): f.range
        case .command(_, _, _, let r): r
        }
    }
}

public struct FunctionDeclaration: Sendable {
    public var name: String
    public var nameRange: SourceRange
    public var parameters: [(name: String, range: SourceRange, defaultValue: Expression?)]
    public var body: Block
    public var range: SourceRange

    public init(
        name: String, nameRange: SourceRange,
        parameters: [(name: String, range: SourceRange, defaultValue: Expression?)],
        body: Block, range: SourceRange
    ) {
        self.name = name
        self.nameRange = nameRange
        self.parameters = parameters
        self.body = body
        self.range = range
    }
}

/// A parsed source: its statements in order.
public struct Program: Sendable {
    public var statements: [Statement]
    public init(statements: [Statement]) { self.statements = statements }
}
