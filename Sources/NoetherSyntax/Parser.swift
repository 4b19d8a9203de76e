/// A recursive-descent parser for `.noe` source. Grammar (docs/language.md has the
/// full reference):
///
/// ```
/// program    := separator* (statement (separator+ statement)*)? separator*
/// separator  := newline | ';'
/// statement  := 'fn' NAME '(' params ')' block
///             | NAME '=' expr
///             | COMMAND (STRING | NAME ('.' NAME)* | NUMBER)*   -- save "f.noe", explain run.drift
///             | expr
/// expr       := or
/// or         := and ('or' and)*
/// and        := not ('and' not)*
/// not        := 'not' not | comparison
/// comparison := additive (('=='|'!='|'<'|'<='|'>'|'>=') additive)?
/// additive   := term (('+'|'-') term)*
/// term       := unary (('*'|'/') unary)*
/// unary      := ('-' | '+') unary | power
/// power      := postfix ('^' unary)?
/// postfix    := NAME block | primary ('(' args ')' block? | '.' NAME | '[' subscript ']')*
/// primary    := NUMBER | STRING | 'true' | 'false' | NAME | '[' exprs ']'
///             | '{' (NAME '=' expr),* '}' | '(' expr ')'
///             | 'if' expr block ('else' (block | if))? | 'for' NAME 'in' expr block
/// block      := '{' separator* (statement separator+)* statement? '}'
/// ```
public struct Parser {
    /// Words that start a command statement when followed by an argument word
    /// (or, for the zero-argument ones, by the end of the statement).
    public static let defaultCommands: Set<String> = [
        "help", "explain", "save", "run", "load", "vars", "history", "clear", "reset", "quit", "exit", "lesson",
    ]
    /// Commands that may stand alone (those that need an argument say so when run
    /// without one, rather than failing as an unknown name).
    public static let zeroArgumentCommands: Set<String> = [
        "help", "explain", "save", "run", "load", "vars", "history", "clear", "reset", "quit", "exit", "lesson",
    ]

    private let tokens: [Token]
    private var index = 0
    private let commands: Set<String>
    private var depth = 0
    /// The deepest nesting of expressions and blocks, counting each operator of a
    /// chain (`a + b + c …`, `f()()`, `x.a.b`) as a level, since the tree it builds
    /// is as deep as the chain is long.
    public static let maxDepth = 256
    private let stack = StackGuard()

    public static func parse(_ source: SourceFile, commands: Set<String> = Parser.defaultCommands) throws(Diagnostic)
        -> Program
    {
        let tokens = try Lexer.tokenize(source)
        var parser = Parser(tokens: tokens, commands: commands)
        return try parser.parseProgram()
    }

    init(tokens: [Token], commands: Set<String>) {
        self.tokens = tokens
        self.commands = commands
    }

    // MARK: - Token helpers

    private var current: Token { tokens[index] }
    private func peekKind(_ offset: Int = 0) -> Token.Kind {
        tokens[Swift.min(index + offset, tokens.count - 1)].kind
    }
    private mutating func advance() -> Token {
        let t = tokens[index]
        if index < tokens.count - 1 { index += 1 }
        return t
    }
    private func isSymbol(_ s: Symbol, _ offset: Int = 0) -> Bool { peekKind(offset) == .symbol(s) }
    private func isKeyword(_ k: Keyword) -> Bool { peekKind() == .keyword(k) }
    private var atSeparator: Bool {
        switch peekKind() {
        case .newline, .symbol(.semicolon): true
        default: false
        }
    }
    private mutating func skipSeparators() { while atSeparator { _ = advance() } }
    private mutating func skipNewlines() { while peekKind() == .newline { _ = advance() } }

    private func unexpected(_ expected: String, hint: String? = nil) -> Diagnostic {
        let t = current
        return Diagnostic(.syntax, "expected \(expected), found \(t.kind.displayName)", at: t.range, hint: hint)
    }

    @discardableResult
    private mutating func expect(_ s: Symbol, _ what: String? = nil, hint: String? = nil) throws(Diagnostic) -> Token {
        guard isSymbol(s) else { throw unexpected(what ?? "'\(s.rawValue)'", hint: hint) }
        return advance()
    }

    private mutating func enter() throws(Diagnostic) {
        depth += 1
        if depth > Parser.maxDepth || !stack.hasRoom {
            throw Diagnostic(
                .syntax, "expression nested too deeply (more than \(Parser.maxDepth) levels)", at: current.range,
                hint: "split it into smaller expressions with names")
        }
    }
    private mutating func leave() { depth -= 1 }
    private mutating func leave(_ levels: Int) { depth -= levels }

    // MARK: - Statements

    mutating func parseProgram() throws(Diagnostic) -> Program {
        var statements = [Statement]()
        // A statement takes at least two tokens with its separator: room reserved up
        // front, so a long script's list is not copied as it grows (pages untouched
        // stay unallocated).
        statements.reserveCapacity(tokens.count / 2 + 1)
        skipSeparators()
        while peekKind() != .endOfFile {
            statements.append(try parseStatementWithTerminator(inBlock: false))
            skipSeparators()
        }
        return Program(statements: statements)
    }

    /// A statement and its terminator; a trailing ';' makes an expression silent.
    private mutating func parseStatementWithTerminator(inBlock: Bool) throws(Diagnostic) -> Statement {
        var statement = try parseStatement()
        if isSymbol(.semicolon) {
            if case .expression(let e, _) = statement { statement = .expression(e, silent: true) }
        } else if atSeparator || peekKind() == .endOfFile || (inBlock && isSymbol(.rightBrace)) {
            // fine
        } else if isSymbol(.rightParen) || isSymbol(.rightBracket) || isSymbol(.rightBrace) {
            throw Diagnostic(.syntax, "unmatched \(current.kind.displayName)", at: current.range)
        } else {
            throw unexpected("end of statement", hint: "put each statement on its own line or separate with ';'")
        }
        return statement
    }

    private mutating func parseStatement() throws(Diagnostic) -> Statement {
        if isKeyword(.fn) { return .function(try parseFunction()) }
        if case .identifier(let name) = peekKind() {
            let nameToken = current
            if isSymbol(.assign, 1) {
                _ = advance()
                _ = advance()
                if peekKind() == .newline || peekKind() == .endOfFile {
                    throw unexpected("a value after '='")
                }
                let value = try parseExpression()
                return .assignment(
                    name: name, nameRange: nameToken.range, value: value,
                    range: nameToken.range.union(value.range))
            }
            if commands.contains(name) {
                let next = peekKind(1)
                var isCommand = false
                switch next {
                case .string, .identifier, .number: isCommand = true
                case .newline, .endOfFile, .symbol(.semicolon), .symbol(.rightBrace):
                    isCommand = Parser.zeroArgumentCommands.contains(name)
                default: isCommand = false
                }
                if isCommand { return try parseCommand() }
            }
        }
        let e = try parseExpression()
        return .expression(e, silent: false)
    }

    private mutating func parseCommand() throws(Diagnostic) -> Statement {
        let nameToken = advance()
        guard case .identifier(let name) = nameToken.kind else { throw unexpected("a command") }
        var arguments = [Expression]()
        var range = nameToken.range
        while true {
            let t = current
            switch t.kind {
            case .string(let s):
                _ = advance()
                arguments.append(.string(s, t.range))
            case .identifier(var n):
                // A dotted name (`explain run.drift`) is one argument.
                _ = advance()
                var r = t.range
                while isSymbol(.dot), case .identifier(let part) = peekKind(1) {
                    _ = advance()
                    let partToken = advance()
                    n += "." + part
                    r = r.union(partToken.range)
                }
                arguments.append(.name(n, r))
                range = range.union(r)
            case .number(let x):
                _ = advance()
                arguments.append(.number(x, t.range))
            case .keyword(let k):
                _ = advance()
                arguments.append(.name(k.rawValue, t.range))
            default:
                return .command(name: name, nameRange: nameToken.range, arguments: arguments, range: range)
            }
            range = range.union(t.range)
        }
    }

    private mutating func parseFunction() throws(Diagnostic) -> FunctionDeclaration {
        let fnToken = advance()
        guard case .identifier(let name) = peekKind() else { throw unexpected("a function name after 'fn'") }
        let nameToken = advance()
        try expect(.leftParen, "'(' after the function name")
        var parameters = [(name: String, range: SourceRange, defaultValue: Expression?)]()
        var seenDefault = false
        while !isSymbol(.rightParen) {
            guard case .identifier(let p) = peekKind() else { throw unexpected("a parameter name") }
            let pToken = advance()
            if parameters.contains(where: { $0.name == p }) {
                throw Diagnostic(.syntax, "duplicate parameter '\(p)'", at: pToken.range)
            }
            var defaultValue: Expression?
            if isSymbol(.assign) {
                _ = advance()
                defaultValue = try parseExpression()
                seenDefault = true
            } else if seenDefault {
                throw Diagnostic(
                    .syntax, "parameter '\(p)' without a default follows one with a default", at: pToken.range)
            }
            parameters.append((p, pToken.range, defaultValue))
            if !isSymbol(.comma) { break }
            _ = advance()
        }
        try expect(.rightParen, "')' to close the parameter list")
        let body = try parseBlock(after: "the function signature")
        return FunctionDeclaration(
            name: name, nameRange: nameToken.range, parameters: parameters, body: body,
            range: fnToken.range.union(body.range))
    }

    private mutating func parseBlock(after what: String) throws(Diagnostic) -> Block {
        guard isSymbol(.leftBrace) else { throw unexpected("'{' after \(what)") }
        let open = advance()
        try enter()
        defer { leave() }
        var statements = [Statement]()
        skipSeparators()
        while !isSymbol(.rightBrace) {
            if peekKind() == .endOfFile {
                throw Diagnostic(.syntax, "unclosed '{'", at: open.range, hint: "this block needs a matching '}'")
            }
            statements.append(try parseStatementWithTerminator(inBlock: true))
            skipSeparators()
        }
        let close = advance()
        return Block(statements: statements, range: open.range.union(close.range))
    }

    // MARK: - Expressions

    public mutating func parseExpression(allowTrailingBlock: Bool = true) throws(Diagnostic) -> Expression {
        try enter()
        defer { leave() }
        return try parseOr(allowTrailingBlock)
    }

    private mutating func parseOr(_ tb: Bool) throws(Diagnostic) -> Expression {
        var lhs = try parseAnd(tb)
        var levels = 0
        defer { leave(levels) }
        while isKeyword(.or) {
            try enter()
            levels += 1
            let op = advance()
            let rhs = try parseAnd(tb)
            lhs = .binary(.or, lhs, rhs, operatorRange: op.range, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseAnd(_ tb: Bool) throws(Diagnostic) -> Expression {
        var lhs = try parseNot(tb)
        var levels = 0
        defer { leave(levels) }
        while isKeyword(.and) {
            try enter()
            levels += 1
            let op = advance()
            let rhs = try parseNot(tb)
            lhs = .binary(.and, lhs, rhs, operatorRange: op.range, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseNot(_ tb: Bool) throws(Diagnostic) -> Expression {
        if isKeyword(.not) {
            let op = advance()
            try enter()
            defer { leave() }
            let operand = try parseNot(tb)
            return .unary(.not, operand, op.range.union(operand.range))
        }
        return try parseComparison(tb)
    }

    /// Built once: a dictionary literal here was rebuilt for every expression parsed.
    private static let comparisons: [Symbol: BinaryOperator] = [
        .equal: .equal, .notEqual: .notEqual, .less: .less,
        .lessEqual: .lessEqual, .greater: .greater, .greaterEqual: .greaterEqual,
    ]

    private mutating func parseComparison(_ tb: Bool) throws(Diagnostic) -> Expression {
        let lhs = try parseAdditive(tb)
        let ops = Parser.comparisons
        if case .symbol(let s) = peekKind(), let op = ops[s] {
            let opToken = advance()
            let rhs = try parseAdditive(tb)
            if case .symbol(let s2) = peekKind(), ops[s2] != nil {
                throw Diagnostic(
                    .syntax, "comparisons cannot be chained", at: current.range,
                    hint: "combine them with 'and'")
            }
            return .binary(op, lhs, rhs, operatorRange: opToken.range, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseAdditive(_ tb: Bool) throws(Diagnostic) -> Expression {
        var lhs = try parseTerm(tb)
        var levels = 0
        defer { leave(levels) }
        while isSymbol(.plus) || isSymbol(.minus) {
            try enter()
            levels += 1
            let opToken = advance()
            let op: BinaryOperator = opToken.kind == .symbol(.plus) ? .add : .subtract
            let rhs = try parseTerm(tb)
            lhs = .binary(op, lhs, rhs, operatorRange: opToken.range, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseTerm(_ tb: Bool) throws(Diagnostic) -> Expression {
        var lhs = try parseUnary(tb)
        var levels = 0
        defer { leave(levels) }
        while isSymbol(.star) || isSymbol(.slash) {
            try enter()
            levels += 1
            let opToken = advance()
            let op: BinaryOperator = opToken.kind == .symbol(.star) ? .multiply : .divide
            let rhs = try parseUnary(tb)
            lhs = .binary(op, lhs, rhs, operatorRange: opToken.range, lhs.range.union(rhs.range))
        }
        return lhs
    }

    private mutating func parseUnary(_ tb: Bool) throws(Diagnostic) -> Expression {
        if isSymbol(.minus) {
            let op = advance()
            try enter()
            defer { leave() }
            let operand = try parseUnary(tb)
            return .unary(.negate, operand, op.range.union(operand.range))
        }
        if isSymbol(.plus) {
            _ = advance()
            return try parseUnary(tb)
        }
        return try parsePower(tb)
    }

    private mutating func parsePower(_ tb: Bool) throws(Diagnostic) -> Expression {
        let base = try parsePostfix(tb)
        if isSymbol(.caret) {
            let op = advance()
            try enter()
            defer { leave() }
            let exponent = try parseUnary(tb)
            return .binary(.power, base, exponent, operatorRange: op.range, base.range.union(exponent.range))
        }
        return base
    }

    private mutating func parsePostfix(_ tb: Bool) throws(Diagnostic) -> Expression {
        var e = try parsePrimary()
        var levels = 0
        defer { leave(levels) }
        // `time { … }`: a name followed by a block on the same line is a call with no
        // arguments and that trailing block (not in an `if`/`for` header, whose `{`
        // opens the body).
        if tb, case .name = e, isSymbol(.leftBrace) {
            let block = try parseBlock(after: "the name")
            e = .call(Call(callee: e, arguments: [], block: block, range: e.range.union(block.range)))
        }
        while true {
            if isSymbol(.leftParen) || isSymbol(.dot) || isSymbol(.leftBracket) {
                try enter()
                levels += 1
            }
            if isSymbol(.leftParen) {
                e = try parseCall(callee: e, allowTrailingBlock: tb)
            } else if isSymbol(.dot) {
                _ = advance()
                guard case .identifier(let name) = peekKind() else { throw unexpected("a field name after '.'") }
                let nameToken = advance()
                e = .field(e, name: name, nameRange: nameToken.range, e.range.union(nameToken.range))
            } else if isSymbol(.leftBracket) {
                _ = advance()
                var sub: Subscript
                if isSymbol(.colon) {
                    _ = advance()
                    let upper = isSymbol(.rightBracket) ? nil : try parseExpression()
                    sub = .slice(nil, upper)
                } else {
                    let first = try parseExpression()
                    if isSymbol(.colon) {
                        _ = advance()
                        let upper = isSymbol(.rightBracket) ? nil : try parseExpression()
                        sub = .slice(first, upper)
                    } else {
                        sub = .single(first)
                    }
                }
                let close = try expect(.rightBracket, "']' to close the subscript")
                e = .index(e, sub, e.range.union(close.range))
            } else {
                return e
            }
        }
    }

    private mutating func parseCall(callee: Expression, allowTrailingBlock: Bool) throws(Diagnostic) -> Expression {
        let open = advance()
        var arguments = [Argument]()
        var sawLabel = false
        while !isSymbol(.rightParen) {
            if peekKind() == .endOfFile {
                throw Diagnostic(.syntax, "unclosed '(' in call", at: open.range, hint: "add a matching ')'")
            }
            if case .identifier(let label) = peekKind(), isSymbol(.assign, 1) {
                let labelToken = advance()
                _ = advance()
                if arguments.contains(where: { $0.label == label }) {
                    throw Diagnostic(.syntax, "argument '\(label)' given twice", at: labelToken.range)
                }
                let value = try parseExpression()
                arguments.append(
                    Argument(
                        label: label, labelRange: labelToken.range, value: value,
                        range: labelToken.range.union(value.range)))
                sawLabel = true
            } else {
                let value = try parseExpression()
                if sawLabel {
                    throw Diagnostic(
                        .syntax, "positional argument after a labelled one", at: value.range,
                        hint: "put positional arguments first")
                }
                arguments.append(Argument(label: nil, labelRange: nil, value: value, range: value.range))
            }
            if isSymbol(.comma) {
                _ = advance()
                continue
            }
            if peekKind() == .endOfFile {
                throw Diagnostic(.syntax, "unclosed '(' in call", at: open.range, hint: "add a matching ')'")
            }
            if !isSymbol(.rightParen) {
                throw unexpected("',' or ')' in the argument list")
            }
        }
        let close = advance()
        var range = callee.range.union(close.range)
        var block: Block?
        if allowTrailingBlock && isSymbol(.leftBrace) {
            let b = try parseBlock(after: "the call")
            block = b
            range = range.union(b.range)
        }
        return .call(Call(callee: callee, arguments: arguments, block: block, range: range))
    }

    private mutating func parsePrimary() throws(Diagnostic) -> Expression {
        let t = current
        switch t.kind {
        case .number(let x):
            _ = advance()
            return .number(x, t.range)
        case .string(let s):
            _ = advance()
            return .string(s, t.range)
        case .keyword(.true):
            _ = advance()
            return .boolean(true, t.range)
        case .keyword(.false):
            _ = advance()
            return .boolean(false, t.range)
        case .identifier(let n):
            _ = advance()
            return .name(n, t.range)
        case .symbol(.leftParen):
            _ = advance()
            try enter()
            defer { leave() }
            let inner = try parseExpression()
            guard isSymbol(.rightParen) else {
                if peekKind() == .endOfFile {
                    throw Diagnostic(.syntax, "unclosed '('", at: t.range, hint: "add a matching ')'")
                }
                throw unexpected("')'")
            }
            _ = advance()
            return inner
        case .symbol(.leftBracket):
            _ = advance()
            var items = [Expression]()
            while !isSymbol(.rightBracket) {
                if peekKind() == .endOfFile {
                    throw Diagnostic(.syntax, "unclosed '['", at: t.range, hint: "add a matching ']'")
                }
                items.append(try parseExpression())
                if isSymbol(.comma) {
                    _ = advance()
                    continue
                }
                if peekKind() == .endOfFile {
                    throw Diagnostic(.syntax, "unclosed '['", at: t.range, hint: "add a matching ']'")
                }
                if !isSymbol(.rightBracket) { throw unexpected("',' or ']' in the list") }
            }
            let close = advance()
            return .list(items, t.range.union(close.range))
        case .symbol(.leftBrace):
            return try parseRecord()
        case .keyword(.if):
            return try parseConditional()
        case .keyword(.for):
            return try parseLoop()
        case .newline, .endOfFile:
            throw unexpected("an expression")
        case .symbol(let s) where s == .rightParen || s == .rightBracket || s == .rightBrace:
            throw Diagnostic(.syntax, "unmatched '\(s.rawValue)'", at: t.range)
        default:
            throw unexpected("an expression")
        }
    }

    private mutating func parseRecord() throws(Diagnostic) -> Expression {
        let open = advance()
        var fields = [(name: String, nameRange: SourceRange, value: Expression)]()
        skipNewlines()
        while !isSymbol(.rightBrace) {
            guard case .identifier(let name) = peekKind() else {
                if peekKind() == .endOfFile {
                    throw Diagnostic(.syntax, "unclosed '{'", at: open.range, hint: "add a matching '}'")
                }
                throw unexpected("a field name in the record", hint: "records are written {name=value, …}")
            }
            let nameToken = advance()
            try expect(.assign, "'=' after the field name")
            if fields.contains(where: { $0.name == name }) {
                throw Diagnostic(.syntax, "field '\(name)' given twice", at: nameToken.range)
            }
            let value = try parseExpression()
            fields.append((name, nameToken.range, value))
            skipNewlines()
            if isSymbol(.comma) {
                _ = advance()
                skipNewlines()
                continue
            }
            if !isSymbol(.rightBrace) { throw unexpected("',' or '}' in the record") }
        }
        let close = advance()
        return .record(fields, open.range.union(close.range))
    }

    private mutating func parseConditional() throws(Diagnostic) -> Expression {
        let ifToken = advance()
        let condition = try parseExpression(allowTrailingBlock: false)
        let then = try parseBlock(after: "the condition")
        var otherwise: Block?
        // `else` may follow on the next line.
        var lookahead = 0
        while peekKind(lookahead) == .newline { lookahead += 1 }
        if peekKind(lookahead) == .keyword(.else) {
            for _ in 0..<lookahead { _ = advance() }
            _ = advance()
            if isKeyword(.if) {
                let nested = try parseConditional()
                otherwise = Block(statements: [.expression(nested, silent: false)], range: nested.range)
            } else {
                otherwise = try parseBlock(after: "'else'")
            }
        }
        let end = otherwise?.range ?? then.range
        return .conditional(condition, then, otherwise, ifToken.range.union(end))
    }

    private mutating func parseLoop() throws(Diagnostic) -> Expression {
        let forToken = advance()
        guard case .identifier(let variable) = peekKind() else { throw unexpected("a loop variable after 'for'") }
        let variableToken = advance()
        guard isKeyword(.in) else { throw unexpected("'in' after the loop variable") }
        _ = advance()
        let sequence = try parseExpression(allowTrailingBlock: false)
        let body = try parseBlock(after: "the loop header")
        return .loop(
            variable: variable, variableRange: variableToken.range, sequence, body, forToken.range.union(body.range))
    }
}
