/// One lexical token with its UTF-8 range.
public struct Token: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        case number(Double)
        case string(String)
        case identifier(String)
        case keyword(Keyword)
        case symbol(Symbol)
        /// A statement separator: a newline outside ( ) and [ ], or ';'.
        case newline
        case endOfFile
    }

    public var kind: Kind
    public var range: SourceRange

    public init(_ kind: Kind, _ range: SourceRange) {
        self.kind = kind
        self.range = range
    }
}

/// Reserved words; none of them can name a value.
public enum Keyword: String, Sendable, CaseIterable {
    case `true`, `false`, and, or, not, `for`, `in`, `if`, `else`, `fn`
}

/// Punctuation and operators.
public enum Symbol: String, Sendable, CaseIterable {
    case leftParen = "(", rightParen = ")"
    case leftBracket = "[", rightBracket = "]"
    case leftBrace = "{", rightBrace = "}"
    case comma = ",", dot = ".", colon = ":", semicolon = ";"
    case assign = "="
    case equal = "==", notEqual = "!="
    case less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case plus = "+", minus = "-", star = "*", slash = "/", caret = "^"
}

extension Token.Kind {
    /// How the token is named in messages, e.g. `')'`, `number`, `end of input`.
    public var displayName: String {
        switch self {
        case .number: "number"
        case .string: "string"
        case .identifier(let n): "'\(n)'"
        case .keyword(let k): "'\(k.rawValue)'"
        case .symbol(let s): "'\(s.rawValue)'"
        case .newline: "end of line"
        case .endOfFile: "end of input"
        }
    }
}
