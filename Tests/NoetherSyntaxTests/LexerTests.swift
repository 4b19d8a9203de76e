import Testing
@testable import NoetherSyntax

@Suite struct LexerTests {
    private func kinds(_ text: String) throws -> [Token.Kind] {
        try Lexer.tokenize(SourceFile(name: "t", text: text)).map(\.kind)
    }

    @Test func numbersInEveryForm() throws {
        #expect(
            try kinds("12 0.5 1e-4 2.5E+3 .25") == [
                .number(12), .number(0.5), .number(1e-4), .number(2500), .number(0.25), .endOfFile,
            ])
    }

    @Test func stringsWithEscapes() throws {
        #expect(try kinds(#""a\n\t\"b\\" "\u{3b7}""#) == [.string("a\n\t\"b\\"), .string("η"), .endOfFile])
    }

    @Test func unicodeLettersMakeNames() throws {
        #expect(
            try kinds("η = 0.1\nλ_2 θ lr") == [
                .identifier("η"), .symbol(.assign), .number(0.1), .newline, .identifier("λ_2"), .identifier("θ"),
                .identifier("lr"), .endOfFile,
            ])
        // NFC: "é" precomposed and "e" + combining acute are the same name.
        #expect(try kinds("e\u{301}") == [.identifier("\u{e9}"), .endOfFile])
        #expect(try kinds("\u{e9}") == [.identifier("\u{e9}"), .endOfFile])
        // Not letters: symbols and digits cannot start a name.
        #expect(throws: Diagnostic.self) { try kinds("∂ = 1") }
        #expect(throws: Diagnostic.self) { try kinds("2η") }
        #expect(Lexer.isIdentifier("η") && Lexer.isIdentifier("_x1") && !Lexer.isIdentifier("if"))
        #expect(!Lexer.isIdentifier("1x") && !Lexer.isIdentifier("a b") && !Lexer.isIdentifier("∂"))
    }

    @Test func commentsAndProseAreSkipped() throws {
        #expect(
            try kinds("x = 1 # note\n## prose\n#=> 1\ny") == [
                .identifier("x"), .symbol(.assign), .number(1), .newline, .newline, .newline, .identifier("y"),
                .endOfFile,
            ])
    }

    @Test func newlinesInsideParenthesesAndBracketsAreSkipped() throws {
        #expect(
            try kinds("f(1,\n 2)\n[3,\n4]") == [
                .identifier("f"), .symbol(.leftParen), .number(1), .symbol(.comma), .number(2), .symbol(.rightParen),
                .newline, .symbol(.leftBracket), .number(3), .symbol(.comma), .number(4), .symbol(.rightBracket),
                .endOfFile,
            ])
    }

    @Test func newlinesInsideBracesSeparateStatements() throws {
        #expect(
            try kinds("{\na\n}") == [
                .symbol(.leftBrace), .newline, .identifier("a"), .newline, .symbol(.rightBrace), .endOfFile,
            ])
    }

    @Test func operatorsAndKeywords() throws {
        #expect(
            try kinds("a == b != c <= d >= e < f > g and not h or true") == [
                .identifier("a"), .symbol(.equal), .identifier("b"), .symbol(.notEqual), .identifier("c"),
                .symbol(.lessEqual), .identifier("d"), .symbol(.greaterEqual), .identifier("e"), .symbol(.less),
                .identifier("f"), .symbol(.greater), .identifier("g"), .keyword(.and), .keyword(.not), .identifier("h"),
                .keyword(.or), .keyword(.true), .endOfFile,
            ])
    }

    @Test(arguments: [
        ("\"abc", "unterminated string"),
        ("1e", "malformed number: an exponent needs digits"),
        ("12abc", "malformed number '12abc'"),
        ("1e999", "number '1e999' is too large for a 64-bit float"),
        ("a ! b", "unexpected character '!'"),
        ("x = 3 @ 4", "unexpected character '@'"),
        ("\"a\\q\"", "unknown escape sequence '\\q' in string"),
    ])
    func lexicalErrors(text: String, message: String) {
        #expect(throws: Diagnostic.self) { try Lexer.tokenize(SourceFile(name: "t", text: text)) }
        do {
            _ = try Lexer.tokenize(SourceFile(name: "t", text: text))
        } catch {
            #expect(error.message == message)
            #expect(error.kind == .syntax)
        }
    }

    @Test func continuationFollowsOpenBrackets() {
        #expect(Lexer.needsContinuation("train(net,"))
        #expect(Lexer.needsContinuation("for x in [1, 2] {"))
        #expect(Lexer.needsContinuation("s = \"open"))
        #expect(!Lexer.needsContinuation("train(net, data)"))
        #expect(!Lexer.needsContinuation("x = )"))
        #expect(!Lexer.needsContinuation("# a comment with ( inside"))
    }

    @Test func positionsAreLineAndCharacterColumn() {
        let f = SourceFile(name: "t", text: "ab\nη = 1\n")
        #expect(f.location(of: 0) == (1, 1))
        #expect(f.location(of: 3) == (2, 1))
        // 'η' is two UTF-8 bytes but one column.
        #expect(f.location(of: 6) == (2, 3))
        #expect(f.lineText(2) == "η = 1")
    }
}
