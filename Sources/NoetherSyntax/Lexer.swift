/// Turns source text into tokens.
///
/// - Comments run from `#` to the end of the line (`## ` prose and `#=> ` recorded
///   outputs are comments to the lexer).
/// - Newlines inside `( )` and `[ ]` are skipped, so calls and lists continue over
///   lines; inside `{ }` they separate statements.
/// - Numbers: `12`, `0.5`, `1e-4`, `2.5E+3`; strings: `"…"` with escapes
///   `\n \t \r \" \\ \0 \u{…}`.
public struct Lexer {
    public static func tokenize(_ source: SourceFile) throws(Diagnostic) -> [Token] {
        var lexer = Lexer(bytes: source.utf8)
        return try lexer.run()
    }

    /// Whether `text` ends inside an open bracket, brace or string, so a prompt should
    /// read another line before parsing (the REPL's continuation rule).
    public static func needsContinuation(_ text: String) -> Bool {
        var lexer = Lexer(bytes: Array(text.utf8))
        do {
            _ = try lexer.run()
            return !lexer.openers.isEmpty
        } catch {
            return lexer.unterminatedString || !lexer.openers.isEmpty && error.message.hasPrefix("unexpected end")
        }
    }

    private let bytes: [UInt8]
    private var position = 0
    private var tokens: [Token] = []
    private var openers: [UInt8] = []
    private var unterminatedString = false

    private init(bytes: [UInt8]) { self.bytes = bytes }

    private var peek: UInt8? { position < bytes.count ? bytes[position] : nil }
    private func peek(_ offset: Int) -> UInt8? { position + offset < bytes.count ? bytes[position + offset] : nil }

    private mutating func run() throws(Diagnostic) -> [Token] {
        // Room for a token per 1⅓ bytes (`x = 1` lines need one per 1.5): reserved
        // once, a long script's tokens are not copied as the array grows (pages never
        // written are never allocated).
        tokens.reserveCapacity(bytes.count * 3 / 4 + 16)
        while let c = peek {
            let start = position
            switch c {
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                position += 1
            case UInt8(ascii: "\\") where peek(1) == UInt8(ascii: "\n"):
                position += 2  // explicit line continuation
            case UInt8(ascii: "\n"):
                position += 1
                if openers.last != UInt8(ascii: "(") && openers.last != UInt8(ascii: "[") {
                    tokens.append(Token(.newline, SourceRange(start, start + 1)))
                }
            case UInt8(ascii: "#"):
                while let d = peek, d != UInt8(ascii: "\n") { position += 1 }
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                try lexNumber()
            case UInt8(ascii: "."):
                if let d = peek(1), d >= UInt8(ascii: "0") && d <= UInt8(ascii: "9") {
                    try lexNumber()
                } else {
                    position += 1
                    tokens.append(Token(.symbol(.dot), SourceRange(start, position)))
                }
            case UInt8(ascii: "\""):
                try lexString()
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
                lexIdentifier()
            default:
                if c >= 0x80, let (scalar, _) = scalar(at: position), scalar.properties.isXIDStart {
                    lexIdentifier()
                } else {
                    try lexSymbol()
                }
            }
        }
        tokens.append(Token(.endOfFile, SourceRange(bytes.count, bytes.count)))
        return tokens
    }

    /// A name: an ASCII letter, `_` or a Unicode letter (UAX #31 XID_Start: `η`, `λ`,
    /// `θ`), then letters, digits, `_` and combining marks (XID_Continue). The name is
    /// NFC-normalised, so `é` typed precomposed or as `e` + U+0301 is one name.
    private mutating func lexIdentifier() {
        let start = position
        while let d = peek {
            if isIdentifierByte(d) {
                position += 1
            } else if d >= 0x80, let (scalar, length) = scalar(at: position), scalar.properties.isXIDContinue {
                position += length
            } else {
                break
            }
        }
        var word = String(decoding: bytes[start..<position], as: UTF8.self)
        if !word.utf8.allSatisfy({ $0 < 0x80 }) { word = Lexer.nfc(word) }
        if let k = Keyword(rawValue: word) {
            tokens.append(Token(.keyword(k), SourceRange(start, position)))
        } else {
            tokens.append(Token(.identifier(word), SourceRange(start, position)))
        }
    }

    /// `text` in Unicode Normalization Form C.
    public static func nfc(_ text: String) -> String {
        // The standard library's own NFC (what String comparison uses); Foundation's
        // precomposedStringWithCanonicalMapping would pull Foundation into the syntax layer.
        String(decoding: Array(text._nfcCodeUnits), as: UTF8.self)
    }

    /// Whether `text` is a name the lexer reads as one identifier (not a keyword).
    public static func isIdentifier(_ text: String) -> Bool {
        guard let tokens = try? tokenize(SourceFile(name: "", text: text)), tokens.count == 2,
            case .identifier(let name) = tokens[0].kind
        else { return false }
        return name == nfc(text)
    }

    /// The scalar whose UTF-8 encoding starts at `offset`, and its length in bytes.
    private func scalar(at offset: Int) -> (Unicode.Scalar, Int)? {
        let lead = bytes[offset]
        let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1
        guard length > 1, offset + length <= bytes.count else { return nil }
        var value = UInt32(lead) & (0xFF >> (length + 1))
        for k in 1..<length {
            let b = bytes[offset + k]
            guard b & 0xC0 == 0x80 else { return nil }
            value = value << 6 | UInt32(b & 0x3F)
        }
        return Unicode.Scalar(value).map { ($0, length) }
    }

    private func isIdentifierByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
    }

    private func isDigit(_ c: UInt8?) -> Bool {
        guard let c else { return false }
        return c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
    }

    private mutating func lexNumber() throws(Diagnostic) {
        let start = position
        while isDigit(peek) { position += 1 }
        if peek == UInt8(ascii: "."), isDigit(peek(1)) {
            position += 1
            while isDigit(peek) { position += 1 }
        }
        if peek == UInt8(ascii: "e") || peek == UInt8(ascii: "E") {
            let save = position
            position += 1
            if peek == UInt8(ascii: "+") || peek == UInt8(ascii: "-") { position += 1 }
            if isDigit(peek) {
                while isDigit(peek) { position += 1 }
            } else {
                position = save
                throw Diagnostic(
                    .syntax, "malformed number: an exponent needs digits", at: SourceRange(start, save + 1))
            }
        }
        if let c = peek, isIdentifierStart(c) || (c >= 0x80 && scalar(at: position)?.0.properties.isXIDStart == true) {
            while let d = peek, isIdentifierByte(d) || d >= 0x80 { position += 1 }
            throw Diagnostic(
                .syntax, "malformed number '\(String(decoding: bytes[start..<position], as: UTF8.self))'",
                at: SourceRange(start, position))
        }
        let text = String(decoding: bytes[start..<position], as: UTF8.self)
        guard let value = Double(text) else {
            throw Diagnostic(.syntax, "malformed number '\(text)'", at: SourceRange(start, position))
        }
        guard value.isFinite else {
            throw Diagnostic(
                .syntax, "number '\(text)' is too large for a 64-bit float", at: SourceRange(start, position))
        }
        tokens.append(Token(.number(value), SourceRange(start, position)))
    }

    private func isIdentifierStart(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || c == UInt8(ascii: "_")
    }

    private mutating func lexString() throws(Diagnostic) {
        let start = position
        position += 1
        var scalars = [UInt8]()
        while true {
            guard let c = peek, c != UInt8(ascii: "\n") else {
                unterminatedString = peek == nil
                throw Diagnostic(
                    .syntax, "unterminated string", at: SourceRange(start, position),
                    hint: "add a closing '\"'")
            }
            position += 1
            if c == UInt8(ascii: "\"") { break }
            if c != UInt8(ascii: "\\") {
                scalars.append(c)
                continue
            }
            guard let e = peek else { continue }
            let escapeStart = position - 1
            position += 1
            switch e {
            case UInt8(ascii: "n"): scalars.append(10)
            case UInt8(ascii: "t"): scalars.append(9)
            case UInt8(ascii: "r"): scalars.append(13)
            case UInt8(ascii: "0"): scalars.append(0)
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): scalars.append(e)
            case UInt8(ascii: "u"):
                guard peek == UInt8(ascii: "{") else {
                    throw Diagnostic(
                        .syntax, "malformed unicode escape: expected '\\u{…}'", at: SourceRange(escapeStart, position))
                }
                position += 1
                let digitsStart = position
                while let h = peek, h != UInt8(ascii: "}"), h != UInt8(ascii: "\""), position - digitsStart < 9 {
                    position += 1
                }
                let hex = String(decoding: bytes[digitsStart..<position], as: UTF8.self)
                guard peek == UInt8(ascii: "}"), let code = UInt32(hex, radix: 16), let scalar = Unicode.Scalar(code)
                else {
                    throw Diagnostic(
                        .syntax, "malformed unicode escape '\\u{\(hex)}'", at: SourceRange(escapeStart, position))
                }
                position += 1
                scalars.append(contentsOf: Array(String(Character(scalar)).utf8))
            default:
                throw Diagnostic(
                    .syntax, "unknown escape sequence '\\\(Character(Unicode.Scalar(e)))' in string",
                    at: SourceRange(escapeStart, position), hint: "use '\\\\' for a backslash")
            }
        }
        tokens.append(Token(.string(String(decoding: scalars, as: UTF8.self)), SourceRange(start, position)))
    }

    private mutating func lexSymbol() throws(Diagnostic) {
        let start = position
        let c = bytes[position]
        let next = peek(1)
        func two(_ s: Symbol) {
            position += 2
            tokens.append(Token(.symbol(s), SourceRange(start, position)))
        }
        func one(_ s: Symbol) {
            position += 1
            tokens.append(Token(.symbol(s), SourceRange(start, position)))
        }
        switch c {
        case UInt8(ascii: "="): next == UInt8(ascii: "=") ? two(.equal) : one(.assign)
        case UInt8(ascii: "!"):
            guard next == UInt8(ascii: "=") else {
                throw Diagnostic(
                    .syntax, "unexpected character '!'", at: SourceRange(start, start + 1),
                    hint: "use 'not' for negation")
            }
            two(.notEqual)
        case UInt8(ascii: "<"): next == UInt8(ascii: "=") ? two(.lessEqual) : one(.less)
        case UInt8(ascii: ">"): next == UInt8(ascii: "=") ? two(.greaterEqual) : one(.greater)
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            openers.append(c)
            one(Symbol(rawValue: String(Character(Unicode.Scalar(c))))!)
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            let expected: UInt8 =
                c == UInt8(ascii: ")")
                ? UInt8(ascii: "(") : c == UInt8(ascii: "]") ? UInt8(ascii: "[") : UInt8(ascii: "{")
            if openers.last == expected { openers.removeLast() }
            one(Symbol(rawValue: String(Character(Unicode.Scalar(c))))!)
        case UInt8(ascii: ","): one(.comma)
        case UInt8(ascii: ":"): one(.colon)
        case UInt8(ascii: ";"): one(.semicolon)
        case UInt8(ascii: "+"): one(.plus)
        case UInt8(ascii: "-"): one(.minus)
        case UInt8(ascii: "*"): one(.star)
        case UInt8(ascii: "/"): one(.slash)
        case UInt8(ascii: "^"): one(.caret)
        default:
            // Decode the whole (possibly multi-byte) character for the message.
            var end = position + 1
            while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
            let ch = String(decoding: bytes[position..<end], as: UTF8.self)
            throw Diagnostic(.syntax, "unexpected character '\(ch)'", at: SourceRange(start, end))
        }
    }
}
