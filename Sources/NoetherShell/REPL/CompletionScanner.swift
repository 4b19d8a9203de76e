/// A forgiving scan of the text before the cursor: where the cursor sits (in a
/// string, a comment, a call's argument list) and the word being typed.
///
/// Unlike `Lexer`, it never fails: half-typed code is its normal input. It knows
/// just enough of the grammar for completion — names, numbers, strings with
/// escapes, comments, brackets, `,`, `=`, `.`, statement separators.
struct CompletionScanner {
    enum TokenKind: Equatable {
        case identifier
        case number
        /// A complete string literal.
        case string
        /// A string still open at the end of the text.
        case openString
        /// Punctuation or an operator (`==`, `<=` … are one token).
        case symbol
        /// A newline or `;`.
        case separator
    }

    struct Token: Equatable {
        var kind: TokenKind
        /// The token's text (for strings, the raw text after the opening quote).
        var text: String
        var start: Int
        var end: Int
    }

    /// An open `(`, `[` or `{`.
    struct Frame {
        var opener: UInt8
        /// The name called, for `name(`.
        var callee: String?
        /// Positional arguments before the current one.
        var positionalCount = 0
        /// Labels of the arguments given so far, the current one included.
        var usedLabels: [String] = []
        /// The current argument's label, once `label=` is typed.
        var currentLabel: String?
        /// Index into `tokens` of the current argument's first token.
        var argumentStart: Int
    }

    private(set) var tokens: [Token] = []
    /// Open brackets at the cursor, outermost first.
    private(set) var frames: [Frame] = []
    /// Index into `tokens` of the first token of the statement the cursor is in.
    private(set) var statementStart = 0
    /// Whether the cursor is inside a `#` comment.
    private(set) var inComment = false

    init(_ text: String) {
        let bytes = Array(text.utf8)
        tokenize(bytes)
        walk()
    }

    /// Index in `tokens` of the word being completed, or `tokens.count` when the
    /// cursor follows a space or punctuation (an empty word).
    func wordIndex(endingAt end: Int) -> Int {
        wordToken(endingAt: end) == nil ? tokens.count : tokens.count - 1
    }

    /// The cursor's string literal, when it is inside one.
    var openString: Token? {
        if let last = tokens.last, last.kind == .openString { return last }
        return nil
    }

    /// The identifier that touches the cursor (the word being completed), if any.
    func wordToken(endingAt end: Int) -> Token? {
        guard let last = tokens.last, last.kind == .identifier, last.end == end else { return nil }
        return last
    }

    // MARK: - Tokens

    /// ASCII letters, `_`, and any byte of a multi-byte UTF-8 character: names may be
    /// Unicode letters (`η`), and a symbol taken for part of a name only means no
    /// completion is offered after it.
    private static func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_") || c >= 0x80
    }

    private static func isIdentifierByte(_ c: UInt8) -> Bool {
        isIdentifierStart(c) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
    }

    private mutating func tokenize(_ bytes: [UInt8]) {
        var i = 0
        func text(_ a: Int, _ b: Int) -> String { String(decoding: bytes[a..<b], as: UTF8.self) }
        while i < bytes.count {
            let c = bytes[i]
            let start = i
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                i += 1
            case UInt8(ascii: "\n"), UInt8(ascii: ";"):
                i += 1
                tokens.append(Token(kind: .separator, text: text(start, i), start: start, end: i))
            case UInt8(ascii: "#"):
                while i < bytes.count, bytes[i] != UInt8(ascii: "\n") { i += 1 }
                if i == bytes.count { inComment = true }
            case UInt8(ascii: "\""):
                i += 1
                var closed = false
                while i < bytes.count {
                    let d = bytes[i]
                    if d == UInt8(ascii: "\\") {
                        i += 2
                        continue
                    }
                    if d == UInt8(ascii: "\"") {
                        closed = true
                        i += 1
                        break
                    }
                    if d == UInt8(ascii: "\n") { break }
                    i += 1
                }
                i = min(i, bytes.count)
                if closed {
                    tokens.append(Token(kind: .string, text: text(start + 1, i - 1), start: start, end: i))
                } else if i == bytes.count {
                    tokens.append(Token(kind: .openString, text: text(start + 1, i), start: start, end: i))
                } else {
                    // A string broken by a newline: an error the parser will report.
                    tokens.append(Token(kind: .string, text: text(start + 1, i), start: start, end: i))
                }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                while i < bytes.count, Self.isIdentifierByte(bytes[i]) || bytes[i] == UInt8(ascii: ".") { i += 1 }
                tokens.append(Token(kind: .number, text: text(start, i), start: start, end: i))
            default:
                if Self.isIdentifierStart(c) {
                    while i < bytes.count, Self.isIdentifierByte(bytes[i]) { i += 1 }
                    tokens.append(Token(kind: .identifier, text: text(start, i), start: start, end: i))
                } else if (c == UInt8(ascii: "=") || c == UInt8(ascii: "!") || c == UInt8(ascii: "<")
                    || c == UInt8(ascii: ">")) && i + 1 < bytes.count && bytes[i + 1] == UInt8(ascii: "=")
                {
                    i += 2
                    tokens.append(Token(kind: .symbol, text: text(start, i), start: start, end: i))
                } else {
                    // One character (a multi-byte one whole).
                    i += 1
                    while i < bytes.count, bytes[i] & 0xC0 == 0x80 { i += 1 }
                    tokens.append(Token(kind: .symbol, text: text(start, i), start: start, end: i))
                }
            }
        }
    }

    // MARK: - Structure

    private func isSymbol(_ index: Int, _ s: String) -> Bool {
        index >= 0 && index < tokens.count && tokens[index].kind == .symbol && tokens[index].text == s
    }

    /// Drops newlines inside `( )` and `[ ]` (they separate nothing there, as in the
    /// language) and records the open brackets, call arguments and statement start.
    private mutating func walk() {
        let raw = tokens
        tokens = []
        for token in raw {
            if token.kind == .separator, token.text == "\n", let top = frames.last, top.opener != UInt8(ascii: "{") {
                continue
            }
            tokens.append(token)
            let index = tokens.count - 1
            switch (token.kind, token.text) {
            case (.symbol, "("):
                var callee: String?
                if index > 0, tokens[index - 1].kind == .identifier, !isSymbol(index - 2, ".") {
                    callee = tokens[index - 1].text
                }
                frames.append(Frame(opener: UInt8(ascii: "("), callee: callee, argumentStart: index + 1))
            case (.symbol, "["):
                frames.append(Frame(opener: UInt8(ascii: "["), argumentStart: index + 1))
            case (.symbol, "{"):
                frames.append(Frame(opener: UInt8(ascii: "{"), argumentStart: index + 1))
                statementStart = index + 1
            case (.symbol, ")"), (.symbol, "]"), (.symbol, "}"):
                if !frames.isEmpty { frames.removeLast() }
                if token.text == "}" { statementStart = index + 1 }
            case (.symbol, ","):
                if var frame = frames.last, frame.opener == UInt8(ascii: "(") {
                    if frame.currentLabel == nil { frame.positionalCount += 1 }
                    frame.currentLabel = nil
                    frame.argumentStart = index + 1
                    frames[frames.count - 1] = frame
                }
            case (.symbol, "="):
                // `label=` at the start of an argument.
                if var frame = frames.last, frame.opener == UInt8(ascii: "("), index == frame.argumentStart + 1,
                    tokens[index - 1].kind == .identifier
                {
                    frame.currentLabel = tokens[index - 1].text
                    frame.usedLabels.append(tokens[index - 1].text)
                    frames[frames.count - 1] = frame
                }
            case (.separator, _):
                if frames.isEmpty || frames.last?.opener == UInt8(ascii: "{") { statementStart = index + 1 }
            default:
                break
            }
        }
    }
}
