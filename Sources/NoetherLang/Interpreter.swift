import NoetherSyntax
import NoetherEngine

/// Evaluates programs against a session's bindings.
///
/// Names resolve innermost scope first, then the session's globals, then builtins
/// and constants. A block (`{ … }` of `if`, `for`, a function or a sweep) opens a
/// scope: names bound inside it are local to it. Errors are `Diagnostic`s with the
/// range where they happened; an error leaves every earlier binding in place.
public final class Interpreter {
    public let registry: BuiltinRegistry
    /// The session's top-level bindings, in the order they were first made.
    public private(set) var globals: [String: Value] = [:]
    public private(set) var globalOrder: [String] = []
    private var scopes: [[String: Value]] = []
    private var callDepth = 0
    private static let maxCallDepth = 200

    /// Receives every line the program prints (results of bare expressions, `print`).
    public var output: (String) -> Void
    /// Runs shell commands (`save`, `run`, `vars` …) that the language itself does not
    /// know; `help` is handled here. Returns `false` when the command is unknown.
    public var commandHandler: ((_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) -> Bool)?
    /// Raised to stop the running command.
    public let interrupt: InterruptFlag
    /// Receives progress of long work (steps done, total, what) — the REPL draws a bar.
    public var progress: (@Sendable (_ done: Int, _ total: Int, _ label: String) -> Void)?

    public init(registry: BuiltinRegistry = .standard, interrupt: InterruptFlag = InterruptFlag(),
                output: @escaping (String) -> Void = { print($0) }) {
        self.registry = registry
        self.interrupt = interrupt
        self.output = output
    }

    // MARK: - Bindings

    public func bind(_ name: String, _ value: Value) {
        if scopes.isEmpty {
            if globals[name] == nil { globalOrder.append(name) }
            globals[name] = value
        } else {
            scopes[scopes.count - 1][name] = value
        }
    }

    /// Removes every binding (the `reset` command).
    public func resetBindings() {
        globals = [:]
        globalOrder = []
        scopes = []
    }

    public func lookup(_ name: String) -> Value? {
        for scope in scopes.reversed() {
            if let v = scope[name] { return v }
        }
        if let v = globals[name] { return v }
        if let b = registry.builtins[name] { return .function(.builtin(b)) }
        if let c = registry.constants[name] { return c.value }
        return nil
    }

    /// Every name visible now (for suggestions and completion).
    public var visibleNames: [String] {
        var names = Set(globals.keys)
        for scope in scopes { names.formUnion(scope.keys) }
        names.formUnion(registry.builtins.keys)
        names.formUnion(registry.constants.keys)
        return names.sorted()
    }

    // MARK: - Running programs

    /// The outcome of running one statement at top level.
    public struct StatementResult {
        public var statement: Statement
        /// The value of a bare expression (`nothing` for assignments and commands).
        public var value: Value
        /// Whether the value was printed.
        public var printed: Bool
    }

    /// Runs every statement of `program` in order, printing bare expressions'
    /// values. Stops at the first error, which carries `source` when it has no file.
    @discardableResult
    public func run(_ program: Program, source: SourceFile,
                    onStatement: ((StatementResult) -> Void)? = nil) throws(Diagnostic) -> Value {
        let previousSource = currentSource
        currentSource = source
        defer { currentSource = previousSource }
        var last = Value.nothing
        for statement in program.statements {
            do {
                let result = try execute(statement, topLevel: true)
                last = result.value
                onStatement?(result)
            } catch var d {
                if d.file == nil { d.file = source }
                throw d
            }
        }
        return last
    }

    /// Parses and runs `text` (convenience for tests and `-e`).
    @discardableResult
    public func run(_ text: String, name: String = "<input>") throws(Diagnostic) -> Value {
        let source = SourceFile(name: name, text: text)
        let program: Program
        do { program = try Parser.parse(source) } catch var d {
            d.file = source
            throw d
        }
        return try run(program, source: source)
    }

    private func checkInterrupt(_ range: SourceRange) throws(Diagnostic) {
        if interrupt.isRaised {
            interrupt.clear()
            throw Diagnostic(.interrupted, "interrupted", at: range)
        }
    }

    func execute(_ statement: Statement, topLevel: Bool) throws(Diagnostic) -> StatementResult {
        try checkInterrupt(statement.range)
        switch statement {
        case .assignment(let name, let nameRange, let valueExpression, _):
            if registry.builtins[name] != nil || registry.constants[name] != nil {
                throw Diagnostic(.runtime, "'\(name)' is a builtin and cannot be reassigned", at: nameRange,
                                 hint: "choose another name")
            }
            let value = try evaluate(valueExpression)
            bind(name, value)
            return StatementResult(statement: statement, value: .nothing, printed: false)
        case .expression(let e, let silent):
            let value = try evaluate(e)
            let shouldPrint = topLevel && !silent && !isNothing(value)
            if shouldPrint { output(value.rendered) }
            return StatementResult(statement: statement, value: value, printed: shouldPrint)
        case .function(let declaration):
            if registry.builtins[declaration.name] != nil || registry.constants[declaration.name] != nil {
                throw Diagnostic(.runtime, "'\(declaration.name)' is a builtin and cannot be redefined",
                                 at: declaration.nameRange, hint: "choose another name")
            }
            bind(declaration.name, .function(.user(UserFunction(declaration: declaration, source: currentSource))))
            return StatementResult(statement: statement, value: .nothing, printed: false)
        case .command(let name, let nameRange, let arguments, let range):
            // A zero-argument command word that is also a binding prints the binding.
            if arguments.isEmpty, let bound = globals[name] {
                if topLevel { output(bound.rendered) }
                return StatementResult(statement: statement, value: bound, printed: topLevel)
            }
            var values = [Value]()
            for a in arguments {
                switch a {
                case .name(let n, _): values.append(.string(n))
                default: values.append(try evaluate(a))
                }
            }
            if name == "help" {
                try runHelp(values, range: range)
            } else if let handler = commandHandler, try handler(name, values, range) {
                // handled by the shell
            } else {
                throw Diagnostic(.runtime, "the command '\(name)' is not available here", at: nameRange)
            }
            return StatementResult(statement: statement, value: .nothing, printed: false)
        }
    }

    /// The source of the cell or file being run (for functions it declares).
    public var currentSource = SourceFile(name: "<input>", text: "")

    private func isNothing(_ v: Value) -> Bool {
        if case .nothing = v { return true }
        return false
    }

    private func runHelp(_ arguments: [Value], range: SourceRange) throws(Diagnostic) {
        guard let first = arguments.first else {
            output(registry.overview)
            return
        }
        guard case .string(let topic) = first else {
            throw Diagnostic(.runtime, "'help' takes a name, e.g. 'help train'", at: range)
        }
        if let b = registry.builtins[topic] {
            output(b.help)
        } else if let c = registry.constants[topic] {
            output("\(c.name)  (\(c.category))\n\n  \(c.help)\n")
        } else if let doc = registry.typeDocs[topic] {
            output(doc)
        } else {
            let candidates = Array(registry.builtins.keys) + Array(registry.constants.keys) + Array(registry.typeDocs.keys)
            throw Diagnostic(.runtime, "no help for '\(topic)'", at: range,
                             hint: Suggestions.closest(to: topic, in: candidates).map { "did you mean '\($0)'?" })
        }
    }

    // MARK: - Expressions

    public func evaluate(_ expression: Expression) throws(Diagnostic) -> Value {
        switch expression {
        case .number(let x, _): return .number(x)
        case .string(let s, _): return .string(s)
        case .boolean(let b, _): return .bool(b)
        case .name(let name, let range):
            if let v = lookup(name) { return v }
            throw unknownName(name, at: range)
        case .list(let items, _):
            var values = [Value]()
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            return .list(values)
        case .record(let fields, _):
            var out = [(name: String, value: Value)]()
            for f in fields { out.append((f.name, try evaluate(f.value))) }
            return .record(Record(out))
        case .call(let call):
            return try evaluateCall(call)
        case .field(let base, let name, let nameRange, _):
            let value = try evaluate(base)
            return try fieldAccess(value, name: name, nameRange: nameRange)
        case .index(let base, let sub, let range):
            return try evaluateIndex(try evaluate(base), sub, range: range)
        case .unary(let op, let operand, let range):
            let v = try evaluate(operand)
            return try Operators.unary(op, v, range: range)
        case .binary(let op, let lhs, let rhs, let opRange, _):
            if op == .and || op == .or {
                let l = try evaluate(lhs)
                guard case .bool(let lb) = l else {
                    throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got \(l.typeName)", at: lhs.range)
                }
                if op == .and && !lb { return .bool(false) }
                if op == .or && lb { return .bool(true) }
                let r = try evaluate(rhs)
                guard case .bool(let rb) = r else {
                    throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got \(r.typeName)", at: rhs.range)
                }
                return .bool(rb)
            }
            let l = try evaluate(lhs)
            let r = try evaluate(rhs)
            return try Operators.binary(op, l, r, operatorRange: opRange, lhsRange: lhs.range, rhsRange: rhs.range)
        case .conditional(let condition, let then, let otherwise, _):
            let c = try evaluate(condition)
            guard case .bool(let b) = c else {
                throw Diagnostic(.runtime, "an 'if' condition must be a boolean, got \(c.typeName)", at: condition.range)
            }
            if b { return try runBlock(then) }
            if let otherwise { return try runBlock(otherwise) }
            return .nothing
        case .loop(let variable, _, let sequence, let body, _):
            let s = try evaluate(sequence)
            guard case .list(let items) = s else {
                throw Diagnostic(.runtime, "'for' needs a list to iterate over, got \(s.typeName)", at: sequence.range)
            }
            for item in items {
                try checkInterrupt(body.range)
                _ = try runBlock(body, bindings: [variable: item])
            }
            return .nothing
        }
    }

    /// Runs a block in a new scope; its value is the last statement's value.
    public func runBlock(_ block: Block, bindings: [String: Value] = [:]) throws(Diagnostic) -> Value {
        scopes.append(bindings)
        defer { scopes.removeLast() }
        var last = Value.nothing
        for statement in block.statements {
            last = try execute(statement, topLevel: false).value
        }
        return last
    }

    private func unknownName(_ name: String, at range: SourceRange) -> Diagnostic {
        let hint = Suggestions.closest(to: name, in: visibleNames).map { "did you mean '\($0)'?" }
        return Diagnostic(.runtime, "unknown name '\(name)'", at: range, hint: hint)
    }

    func fieldAccess(_ value: Value, name: String, nameRange: SourceRange) throws(Diagnostic) -> Value {
        switch value {
        case .object(let o):
            if let v = o.field(name) { return v }
            let names = type(of: o).fieldDocs.map(\.name)
            throw Diagnostic(.runtime, "a \(type(of: o).typeName) has no field '\(name)'", at: nameRange,
                             hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" },
                             notes: ["fields: " + names.joined(separator: ", ")])
        case .record(let r):
            if let v = r[name] { return v }
            let names = r.fields.map(\.name)
            throw Diagnostic(.runtime, "the record has no field '\(name)'", at: nameRange,
                             hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" },
                             notes: names.isEmpty ? [] : ["fields: " + names.joined(separator: ", ")])
        default:
            throw Diagnostic(.runtime, "a \(value.typeName) has no fields (no field '\(name)')", at: nameRange)
        }
    }

    private func evaluateIndex(_ base: Value, _ sub: Subscript, range: SourceRange) throws(Diagnostic) -> Value {
        guard case .list(let items) = base else {
            throw Diagnostic(.runtime, "only lists can be indexed, this is a \(base.typeName)", at: range)
        }
        func integerIndex(_ e: Expression) throws(Diagnostic) -> Int {
            let v = try evaluate(e)
            guard case .number(let x) = v, x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
                throw Diagnostic(.runtime, "a list index must be an integer, got \(v.rendered)", at: e.range)
            }
            return Int(x)
        }
        switch sub {
        case .single(let e):
            let i = try integerIndex(e)
            let j = i < 0 ? items.count + i : i
            guard j >= 0 && j < items.count else {
                throw Diagnostic(.runtime, "index \(i) is out of range for a list of \(items.count)", at: e.range,
                                 hint: items.isEmpty ? "the list is empty" : "valid indices are 0…\(items.count - 1) or -\(items.count)…-1")
            }
            return items[j]
        case .slice(let lo, let hi):
            func clamp(_ i: Int) -> Int {
                let j = i < 0 ? items.count + i : i
                return Swift.min(Swift.max(j, 0), items.count)
            }
            let a = try lo.map { (e) throws(Diagnostic) in clamp(try integerIndex(e)) } ?? 0
            let b = try hi.map { (e) throws(Diagnostic) in clamp(try integerIndex(e)) } ?? items.count
            return .list(a < b ? Array(items[a..<b]) : [])
        }
    }

    // MARK: - Calls

    private func evaluateCall(_ call: Call) throws(Diagnostic) -> Value {
        let calleeValue: Value
        if case .name(let name, let range) = call.callee {
            guard let v = lookup(name) else {
                let candidates = registry.builtins.keys.map { $0 } + visibleNames
                throw Diagnostic(.runtime, "unknown function '\(name)'", at: range,
                                 hint: Suggestions.closest(to: name, in: candidates).map { "did you mean '\($0)'?" })
            }
            calleeValue = v
        } else {
            calleeValue = try evaluate(call.callee)
        }
        guard case .function(let function) = calleeValue else {
            throw Diagnostic(.runtime, "a \(calleeValue.typeName) cannot be called", at: call.callee.range)
        }
        var arguments = [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)]()
        for a in call.arguments {
            arguments.append((a.label, a.labelRange, try evaluate(a.value), a.value.range))
        }
        switch function {
        case .builtin(let builtin):
            return try callBuiltin(builtin, arguments: arguments, block: call.block, range: call.range)
        case .user(let f):
            if call.block != nil {
                throw Diagnostic(.runtime, "'\(f.declaration.name)' does not take a block", at: call.block!.range)
            }
            return try callUser(f, arguments: arguments, range: call.range)
        }
    }

    /// Binds arguments to a builtin's declaration and runs it.
    public func callBuiltin(_ builtin: Builtin,
                            arguments: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)],
                            block: Block?, range: SourceRange) throws(Diagnostic) -> Value {
        let params = builtin.parameters
        var bound = [String: (value: Value, range: SourceRange)]()
        var rest = [(value: Value, range: SourceRange)]()
        var position = 0
        let usageNote = "usage: \(builtin.usage)"
        for a in arguments {
            if let label = a.label {
                guard let p = params.first(where: { $0.label == label }) else {
                    let hint = Suggestions.closest(to: label, in: params.map(\.label)).map { "did you mean '\($0)'?" }
                    throw Diagnostic(.runtime, "unknown argument '\(label)' in call to '\(builtin.name)'",
                                     at: a.labelRange ?? a.range, hint: hint, notes: [usageNote])
                }
                if bound[label] != nil {
                    throw Diagnostic(.runtime, "argument '\(label)' given twice in call to '\(builtin.name)'",
                                     at: a.labelRange ?? a.range, notes: [usageNote])
                }
                try checkType(p, a.value, at: a.range, builtin: builtin)
                bound[label] = (a.value, a.range)
            } else {
                if position >= params.count {
                    if builtin.variadic {
                        rest.append((a.value, a.range))
                        continue
                    }
                    let count = params.count
                    throw Diagnostic(.runtime, "too many arguments to '\(builtin.name)': it takes \(count == 0 ? "none" : "at most \(count)")",
                                     at: a.range, notes: [usageNote])
                }
                let p = params[position]
                position += 1
                try checkType(p, a.value, at: a.range, builtin: builtin)
                bound[p.label] = (a.value, a.range)
            }
        }
        for p in params where bound[p.label] == nil {
            switch p.defaultValue {
            case .required:
                throw Diagnostic(.runtime, "missing argument '\(p.label)' in call to '\(builtin.name)'", at: range,
                                 notes: [usageNote, "\(p.label): \(p.help)"])
            case .absent: break
            case .value(let v, _): bound[p.label] = (v, range)
            }
        }
        if builtin.takesBlock && block == nil {
            throw Diagnostic(.runtime, "'\(builtin.name)' needs a block '{ … }' after its arguments", at: range,
                             notes: [usageNote])
        }
        if !builtin.takesBlock, let block {
            throw Diagnostic(.runtime, "'\(builtin.name)' does not take a block", at: block.range)
        }
        var context = CallContext(builtin: builtin, range: range, values: bound, rest: rest, block: block, interpreter: self)
        try checkInterrupt(range)
        return try builtin.implementation(&context)
    }

    private func checkType(_ p: Parameter, _ value: Value, at range: SourceRange, builtin: Builtin) throws(Diagnostic) {
        guard !p.type.accepts(value) else { return }
        var message = "argument '\(p.label)' of '\(builtin.name)' must be \(article(p.type.displayName)) \(p.type.displayName), got \(value.typeName)"
        if p.type == .integer, case .number(let x) = value { message += " \(formatNumber(x))" }
        throw Diagnostic(.runtime, message, at: range, notes: ["\(p.label): \(p.help)"])
    }

    private func callUser(_ f: UserFunction,
                          arguments: [(label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)],
                          range: SourceRange) throws(Diagnostic) -> Value {
        let d = f.declaration
        var bindings = [String: Value]()
        var position = 0
        for a in arguments {
            if let label = a.label {
                guard d.parameters.contains(where: { $0.name == label }) else {
                    throw Diagnostic(.runtime, "unknown argument '\(label)' in call to '\(d.name)'", at: a.labelRange ?? a.range,
                                     hint: Suggestions.closest(to: label, in: d.parameters.map(\.name)).map { "did you mean '\($0)'?" })
                }
                if bindings[label] != nil {
                    throw Diagnostic(.runtime, "argument '\(label)' given twice in call to '\(d.name)'", at: a.labelRange ?? a.range)
                }
                bindings[label] = a.value
            } else {
                guard position < d.parameters.count else {
                    throw Diagnostic(.runtime, "too many arguments to '\(d.name)': it takes \(d.parameters.count)", at: a.range)
                }
                bindings[d.parameters[position].name] = a.value
                position += 1
            }
        }
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Interpreter.maxCallDepth else {
            throw Diagnostic(.runtime, "too many nested calls (more than \(Interpreter.maxCallDepth)) in '\(d.name)'", at: range,
                             hint: "is the recursion missing a base case?")
        }
        // Function bodies see their parameters and the globals, not the caller's locals.
        let savedScopes = scopes
        scopes = []
        defer { scopes = savedScopes }
        do throws(Diagnostic) {
            // Defaults are evaluated in the function's own scope, left to right, so a
            // default may use the parameters before it.
            scopes = [bindings]
            for p in d.parameters where bindings[p.name] == nil {
                guard let defaultExpression = p.defaultValue else {
                    throw Diagnostic(.runtime, "missing argument '\(p.name)' in call to '\(d.name)'", at: range)
                }
                scopes[0][p.name] = try evaluate(defaultExpression)
            }
            let locals = scopes[0]
            scopes = []
            return try runBlock(d.body, bindings: locals)
        } catch var diagnostic {
            if diagnostic.file == nil, let r = diagnostic.range, d.range.start <= r.start, r.end <= d.range.end,
               f.source != currentSource {
                diagnostic.file = f.source
            }
            throw diagnostic
        }
    }
}

func article(_ noun: String) -> String {
    guard let first = noun.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}
