import NoetherSyntax

/// Evaluates programs against a session's bindings.
///
/// Scoping: names resolve innermost scope first, then the session's globals, then
/// builtins and constants. A block (`{ … }` of `if`, `for`, a function or a sweep)
/// opens a scope. Inside `if` and `for` blocks an assignment to a name that already
/// exists outside (in an enclosing block or the globals) updates that binding, so
/// `total = total + x` accumulates in a loop; a name first bound inside the block,
/// and the loop variable, stay local to it. Function bodies and sweep bodies are hard
/// scopes: they see the globals but never change them (assigning to a global's name
/// makes a local of the whole body), so a call (and a sweep point) is a function of
/// its arguments and the globals. `fn` always declares in the innermost scope.
///
/// Errors are `Diagnostic`s with the range where they happened; an error leaves every
/// binding made before it in place. Not thread-safe: a sweep runs each point in its
/// own clone (`pointInterpreter(…)`).
public final class Interpreter {
    public let registry: BuiltinRegistry
    /// The session's top-level bindings, in the order they were first made.
    public internal(set) var globals: [String: Value] = [:]
    public internal(set) var globalOrder: [String] = []
    var scopes: [[String: Value]] = []
    /// Where each global was last bound at top level (what `help NAME` shows as the cell
    /// that made it). Kept as source and range, and put into words only when asked: a
    /// script binds on every statement.
    public internal(set) var bindingOrigins: [String: BindingOrigin] = [:]
    /// How many hard scopes (function bodies, sweep bodies) enclose the code running now.
    var hardScopes = 0
    var callDepth = 0
    static let maxCallDepth = 200
    /// How many sweeps enclose this interpreter's code (0 outside any sweep).
    var sweepDepth = 0
    static let maxSweepDepth = 16
    /// The deepest nesting of lists and records a program may build (printing,
    /// comparing and freeing values recurse over it).
    public static let maxValueDepth = 100
    var stack = StackGuard()

    /// Receives every line the program prints (results of bare expressions, `print`).
    public var output: (String) -> Void
    /// Receives reports that are not part of the program's output and must stay out of
    /// a session's record (`time`'s and `timeit`'s timings); nil sends them to `output`.
    public var noticeOutput: ((String) -> Void)?
    /// Help text to show (`help`, `explain`): the shell may page it on a terminal
    /// (`Pager`) and returns true then; nil or false prints it to `output`.
    public var helpPager: ((String) -> Bool)?

    /// Reports a line through `noticeOutput` (or `output` when unset).
    public func notice(_ text: String) { (noticeOutput ?? output)(text) }

    /// The terminal's width in columns, for wrapping help text; nil (pipes, files)
    /// leaves help as written.
    public var textWidth: (() -> Int?)?

    /// Shows help text wrapped at the terminal's width, through the pager when there is
    /// one and it took the text.
    func showHelp(_ text: String) {
        let wrapped = textWidth?().map { wrapText(text, width: $0) } ?? text
        if let helpPager, helpPager(wrapped) { return }
        output(wrapped)
    }
    /// Runs shell commands (`save`, `run`, `vars` …) that the language itself does not
    /// know; `help` and `explain` are handled here. Returns `false` when the command is
    /// unknown.
    public var commandHandler:
        ((_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) -> Bool)?
    /// Raised to stop the running command.
    public let interrupt: InterruptFlag
    /// Receives progress of long work (steps done, total, what) — the REPL draws a bar.
    public var progress: (@Sendable (_ done: Int, _ total: Int, _ label: String) -> Void)?
    /// The folder relative file names (`export`, `run`, `save`) are resolved against;
    /// `nil` means the process's working directory.
    public var baseDirectory: String?
    /// Where this session may write and what it wrote (sandbox, overwrites, `check`'s
    /// redirection; see `FileWrites`).
    public var writes = FileWrites()
    /// Resource limits on what one call may build (tests lower them).
    public struct Limits: Sendable {
        /// The longest list `range`, `linspace` and `logspace` make.
        public var maxListLength = 10_000_000
        /// The most grid points one sweep may have.
        public var maxSweepPoints = 1_000_000
        /// The most elements a list or record literal may hold, counting those of
        /// nested lists and records (shared parts as often as they occur).
        public var maxValueSize = 10_000_000
        public init() {}
    }
    public var limits = Limits()
    /// Whether this interpreter evaluates one point of a sweep (a nested sweep then
    /// runs its points serially on this thread).
    public internal(set) var isSweepPoint = false
    /// Where top-level sweeps keep their points, or are read back from (`noether
    /// --shard`, `noether gather`: Sweep/ShardedSweeps.swift); nil runs them as usual.
    public var shardedSweeps: ShardedSweeps?

    public init(
        registry: BuiltinRegistry = .standard, interrupt: InterruptFlag = InterruptFlag(),
        output: @escaping (String) -> Void = { print($0) }
    ) {
        self.registry = registry
        self.interrupt = interrupt
        self.output = output
    }

    // MARK: - Bindings

    /// Declares `name` in the innermost scope (a global at top level), shadowing any
    /// outer binding. `-p name=value` parameters and `fn` use this.
    public func bind(_ name: String, _ value: Value) {
        if scopes.isEmpty {
            if globals.updateValue(value, forKey: name) == nil { globalOrder.append(name) }
        } else {
            scopes[scopes.count - 1][name] = value
        }
    }

    /// `name = value`: updates the nearest enclosing block's binding of the name; else
    /// a global of that name (outside functions and sweeps — inside them the name
    /// becomes a local of the whole body); else declares it in the innermost scope.
    func assign(_ name: String, _ value: Value) {
        for i in scopes.indices.reversed() where scopes[i][name] != nil {
            scopes[i][name] = value
            return
        }
        if !scopes.isEmpty && globals[name] != nil {
            if hardScopes == 0 {
                globals[name] = value
            } else {
                // Inside a function or sweep body a global is never changed: the name
                // becomes a local of the whole body (its outermost scope).
                scopes[0][name] = value
            }
            return
        }
        bind(name, value)
    }

    /// Removes every binding (the `reset` command).
    public func resetBindings() {
        globals = [:]
        globalOrder = []
        bindingOrigins = [:]
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
    /// Runs on a thread with a large stack (`WorkerThreads`), moving there from a
    /// smaller one and waiting, so recursion limits hold the same on every thread.
    @discardableResult
    public func run(
        _ program: Program, source: SourceFile,
        onStatement: ((StatementResult) throws(Diagnostic) -> Void)? = nil
    ) throws(Diagnostic) -> Value {
        try WorkerThreads.onLargeStack { () throws(Diagnostic) -> Value in
            try runHere(program, source: source, onStatement: onStatement)
        }
    }

    private func runHere(
        _ program: Program, source: SourceFile,
        onStatement: ((StatementResult) throws(Diagnostic) -> Void)?
    ) throws(Diagnostic) -> Value {
        let previousSource = currentSource
        currentSource = source
        stack = StackGuard()
        defer { currentSource = previousSource }
        var last = Value.nothing
        for statement in program.statements {
            do {
                let result = try execute(statement, topLevel: true)
                last = result.value
                try onStatement?(result)
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
        return try WorkerThreads.onLargeStack { () throws(Diagnostic) -> Value in
            let program: Program
            do throws(Diagnostic) { program = try Parser.parse(source) } catch var d {
                d.file = source
                throw d
            }
            return try runHere(program, source: source, onStatement: nil)
        }
    }

    /// Throws `interrupted` (and lowers the flag) when the user asked to stop.
    public func checkInterrupt(_ range: SourceRange) throws(Diagnostic) {
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
                throw Diagnostic(
                    .runtime, "'\(name)' is a builtin and cannot be reassigned", at: nameRange,
                    hint: "choose another name")
            }
            let value = try evaluate(valueExpression)
            assign(name, value)
            if scopes.isEmpty { noteOrigin(of: name, statement) }
            return StatementResult(statement: statement, value: .nothing, printed: false)
        case .expression(let e, let silent):
            let value = try evaluate(e)
            let shouldPrint = topLevel && !silent && !value.isNothing
            if shouldPrint { output(value.rendered) }
            return StatementResult(statement: statement, value: value, printed: shouldPrint)
        case .function(let declaration):
            if registry.builtins[declaration.name] != nil || registry.constants[declaration.name] != nil {
                throw Diagnostic(
                    .runtime, "'\(declaration.name)' is a builtin and cannot be redefined",
                    at: declaration.nameRange, hint: "choose another name")
            }
            bind(declaration.name, .function(.user(UserFunction(declaration: declaration, source: currentSource))))
            if scopes.isEmpty { noteOrigin(of: declaration.name, statement) }
            return StatementResult(statement: statement, value: .nothing, printed: false)
        case .command(let name, let nameRange, let arguments, let range):
            // A zero-argument command word that is also a binding prints the binding.
            if arguments.isEmpty, let bound = lookupVariable(name) {
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
            if name == "help", arguments.count == 1, case .name(let path, let pathRange) = arguments[0],
                let root = path.split(separator: ".").first, lookupVariable(String(root)) != nil
            {
                // `help data`, `help run.C`: a bound name is described as a value.
                showHelp(try describeBinding(path, range: pathRange))
            } else if name == "help" {
                try runHelp(values, range: range)
            } else if name == "explain" {
                try runExplain(values, range: range)
            } else if let handler = commandHandler, try handler(name, values, range) {
                // handled by the shell
            } else {
                throw Diagnostic(
                    .runtime, "the command '\(name)' is not available here", at: nameRange,
                    hint: isSweepPoint ? "commands cannot run inside a sweep body" : nil)
            }
            return StatementResult(statement: statement, value: .nothing, printed: false)
        }
    }

    /// A binding the user made (not a builtin), innermost first.
    func lookupVariable(_ name: String) -> Value? {
        for scope in scopes.reversed() {
            if let v = scope[name] { return v }
        }
        return globals[name]
    }

    /// The source of the cell or file being run (for functions it declares).
    public var currentSource = SourceFile(name: "<input>", text: "")

    // MARK: - Expressions

    public func evaluate(_ expression: Expression) throws(Diagnostic) -> Value {
        guard stack.hasRoom else {
            throw Diagnostic(
                .runtime, "evaluation nested too deeply", at: expression.range,
                hint: "is a recursion missing a base case?")
        }
        switch expression {
        case .number(let x, _): return .number(x)
        case .string(let s, _): return .string(s)
        case .boolean(let b, _): return .bool(b)
        case .name(let name, let range):
            if let v = lookup(name) { return v }
            throw unknownName(name, at: range)
        case .list(let items, let range):
            var values = [Value]()
            values.reserveCapacity(items.count)
            for item in items { values.append(try evaluate(item)) }
            let list = Value.list(values)
            try checkNesting(list, at: range)
            return list
        case .record(let fields, let range):
            var out = [(name: String, value: Value)]()
            for f in fields { out.append((f.name, try evaluate(f.value))) }
            let record = Value.record(Record(out))
            try checkNesting(record, at: range)
            return record
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
                return try evaluateLogical(op, lhs, rhs, operatorRange: opRange)
            }
            let l = try evaluate(lhs)
            let r = try evaluate(rhs)
            return try Operators.binary(op, l, r, operatorRange: opRange, lhsRange: lhs.range, rhsRange: rhs.range)
        case .conditional(let condition, let then, let otherwise, _):
            let c = try evaluate(condition)
            guard case .bool(let b) = c else {
                let hint: String? =
                    if case .list = c { "combine a list of booleans with all(…) or any(…)" } else { nil }
                throw Diagnostic(
                    .runtime, "an 'if' condition must be a boolean, got \(c.typeName)", at: condition.range,
                    hint: hint)
            }
            if b { return try runBlock(then) }
            if let otherwise { return try runBlock(otherwise) }
            return .nothing
        case .loop(let variable, _, let sequence, let body, _):
            let s = try evaluate(sequence)
            let items: [Value]
            switch s {
            case .list(let xs): items = xs
            case .object(let table as TableObject): items = table.rowRecords
            default:
                throw Diagnostic(
                    .runtime, "'for' needs a list (or a table) to iterate over, got \(s.typeName)",
                    at: sequence.range)
            }
            for item in items {
                try checkInterrupt(body.range)
                _ = try runBlock(body, bindings: [variable: item])
            }
            return .nothing
        }
    }

    /// `and` / `or`: on booleans they short-circuit; when either side is a list of
    /// booleans they combine element-wise (both sides evaluated).
    private func evaluateLogical(
        _ op: BinaryOperator, _ lhs: Expression, _ rhs: Expression,
        operatorRange: SourceRange
    ) throws(Diagnostic) -> Value {
        let l = try evaluate(lhs)
        if case .bool(let lb) = l {
            if op == .and && !lb { return .bool(false) }
            if op == .or && lb { return .bool(true) }
            let r = try evaluate(rhs)
            if case .bool(let rb) = r { return .bool(rb) }
            if case .list = r {
                return try Operators.logical(
                    op, l, r, operatorRange: operatorRange, lhsRange: lhs.range, rhsRange: rhs.range)
            }
            throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got \(r.typeName)", at: rhs.range)
        }
        guard case .list = l else {
            throw Diagnostic(.runtime, "'\(op.rawValue)' needs booleans, got \(l.typeName)", at: lhs.range)
        }
        let r = try evaluate(rhs)
        return try Operators.logical(op, l, r, operatorRange: operatorRange, lhsRange: lhs.range, rhsRange: rhs.range)
    }

    /// Runs a block's statements in the current scope (as if written without braces):
    /// what it assigns stays bound. Its value is the last statement's value.
    public func runInEnclosingScope(_ block: Block) throws(Diagnostic) -> Value {
        var last = Value.nothing
        for statement in block.statements {
            last = try execute(statement, topLevel: false).value
        }
        return last
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

    private func checkNesting(_ value: Value, at range: SourceRange) throws(Diagnostic) {
        guard value.exceedsLimits(depth: Interpreter.maxValueDepth, size: limits.maxValueSize) else { return }
        if !value.exceedsLimits(depth: Interpreter.maxValueDepth, size: Int.max / 2) {
            throw Diagnostic(
                .runtime, "the value would hold more than \(limits.maxValueSize) elements", at: range,
                hint: "is a list being doubled, like x = [x, x]?")
        }
        throw Diagnostic(.runtime, "lists and records nested more than \(Interpreter.maxValueDepth) deep", at: range)
    }

    func unknownName(_ name: String, at range: SourceRange) -> Diagnostic {
        // `_` is one edit from every one-letter name: never a useful suggestion.
        let hint = Suggestions.closest(to: name, in: visibleNames.filter { $0 != "_" }).map { "did you mean '\($0)'?" }
        return Diagnostic(.runtime, "unknown name '\(name)'", at: range, hint: hint)
    }

    func fieldAccess(_ value: Value, name: String, nameRange: SourceRange) throws(Diagnostic) -> Value {
        switch value {
        case .object(let o):
            if let v = o.field(name) { return v }
            let names = o.fieldNames
            let what = type(of: o).typeName == TableObject.typeName ? "column" : "field"
            throw Diagnostic(
                .runtime, "a \(type(of: o).typeName) has no \(what) '\(name)'", at: nameRange,
                hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" },
                notes: names.isEmpty ? [] : ["\(what)s: " + names.joined(separator: ", ")])
        case .record(let r):
            if let v = r[name] { return v }
            let names = r.fields.map(\.name)
            throw Diagnostic(
                .runtime, "the record has no field '\(name)'", at: nameRange,
                hint: Suggestions.closest(to: name, in: names).map { "did you mean '\($0)'?" },
                notes: names.isEmpty ? [] : ["fields: " + names.joined(separator: ", ")])
        default:
            throw Diagnostic(.runtime, "a \(value.typeName) has no fields (no field '\(name)')", at: nameRange)
        }
    }

    /// `xs[i]`, `xs[a:b]`, `xs[mask]` (a list of booleans of the same length keeps the
    /// elements where it is true), `xs[[i, j, …]]` (the elements at those positions);
    /// `r["name"]` is the field `name` of a record or object, like `r.name`; tables see
    /// `indexTable`.
    private func evaluateIndex(_ base: Value, _ sub: Subscript, range: SourceRange) throws(Diagnostic) -> Value {
        if case .object(let table as TableObject) = base {
            return try indexTable(table, sub, range: range)
        }
        switch (base, sub) {
        case (.record, .single(let e)), (.object, .single(let e)):
            let v = try evaluate(e)
            guard case .string(let name) = v else {
                throw Diagnostic(
                    .runtime,
                    "\(article(base.typeName)) \(base.typeName) is indexed by a field name in quotes, got \(v.typeName)",
                    at: e.range, hint: "write r[\"name\"] or r.name")
            }
            return try fieldAccess(base, name: name, nameRange: e.range)
        case (.record, .slice), (.object, .slice):
            throw Diagnostic(
                .runtime, "a \(base.typeName) cannot be sliced; it is indexed by a field name in quotes",
                at: range, hint: "write r[\"name\"] or r.name")
        default: break
        }
        guard case .list(let items) = base else {
            throw Diagnostic(
                .runtime, "only lists, tables, records and objects can be indexed, this is a \(base.typeName)",
                at: range)
        }
        switch sub {
        case .single(let e):
            let v = try evaluate(e)
            if case .list(let selector) = v { return .list(try select(items, by: selector, at: e.range, what: "list")) }
            return items[try position(e, value: v, count: items.count, what: "list")]
        case .slice(let lo, let hi):
            let (a, b) = try sliceBounds(lo, hi, count: items.count)
            return .list(a < b ? Array(items[a..<b]) : [])
        }
    }

    /// The elements of `items` a selector list picks: booleans (one per element, kept
    /// where true) or integer positions (negative from the end), in the selector's order.
    private func select<T>(_ items: [T], by selector: [Value], at range: SourceRange, what: String) throws(Diagnostic)
        -> [T]
    {
        let noun = what == "table" ? "a table of \(items.count) rows" : "a list of \(items.count)"
        if selector.allSatisfy({ if case .bool = $0 { true } else { false } }), !selector.isEmpty {
            guard selector.count == items.count else {
                throw Diagnostic(
                    .runtime,
                    "a mask of \(selector.count) boolean\(selector.count == 1 ? "" : "s") cannot select from \(noun)",
                    at: range,
                    hint: "a mask needs one boolean per \(what == "table" ? "row" : "element")")
            }
            var out = [T]()
            for (item, keep) in zip(items, selector) { if case .bool(true) = keep { out.append(item) } }
            return out
        }
        var out = [T]()
        out.reserveCapacity(selector.count)
        for v in selector {
            guard case .number(let x) = v, x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
                throw Diagnostic(
                    .runtime, "a selector is a list of booleans or of integer positions, got \(v.rendered) in it",
                    at: range)
            }
            let i = Int(x)
            guard let j = resolveIndex(i, count: items.count) else {
                throw Diagnostic(
                    .runtime, "index \(i) is out of range for \(noun)", at: range,
                    hint: validIndicesHint(count: items.count, empty: "the \(what) is empty"))
            }
            out.append(items[j])
        }
        return out
    }

    /// `t[i]` is row i as a record, `t["lr"]` a column, `t[a:b]` a table of rows a…b−1,
    /// `t[mask]` / `t[[i, j]]` a table of the selected rows.
    private func indexTable(_ table: TableObject, _ sub: Subscript, range: SourceRange) throws(Diagnostic) -> Value {
        switch sub {
        case .single(let e):
            let v = try evaluate(e)
            if case .list(let selector) = v {
                return .object(
                    TableObject(
                        columns: table.columns, rows: try select(table.rows, by: selector, at: e.range, what: "table")))
            }
            if case .string(let column) = v {
                if let c = table.column(column) { return c }
                throw Diagnostic(
                    .runtime, "the table has no column '\(column)'", at: e.range,
                    hint: Suggestions.closest(to: column, in: table.columns).map { "did you mean '\($0)'?" },
                    notes: ["columns: " + table.columns.joined(separator: ", ")])
            }
            return .record(table.record(at: try position(e, value: v, count: table.rows.count, what: "table")))
        case .slice(let lo, let hi):
            let (a, b) = try sliceBounds(lo, hi, count: table.rows.count)
            return .object(TableObject(columns: table.columns, rows: a < b ? Array(table.rows[a..<b]) : []))
        }
    }

    private func integerIndex(_ e: Expression, value: Value? = nil) throws(Diagnostic) -> Int {
        let v: Value
        if let value { v = value } else { v = try evaluate(e) }
        guard case .number(let x) = v, x.isFinite, x == x.rounded(), abs(x) < 1e15 else {
            throw Diagnostic(.runtime, "an index must be an integer, got \(v.rendered)", at: e.range)
        }
        return Int(x)
    }

    /// The 0-based position an index expression names (negative counts from the end).
    private func position(_ e: Expression, value: Value? = nil, count: Int, what: String) throws(Diagnostic) -> Int {
        let i = try integerIndex(e, value: value)
        guard let j = resolveIndex(i, count: count) else {
            let noun = what == "table" ? "a table of \(count) rows" : "a list of \(count)"
            throw Diagnostic(
                .runtime, "index \(i) is out of range for \(noun)", at: e.range,
                hint: validIndicesHint(count: count, empty: "the \(what) is empty"))
        }
        return j
    }

    private func sliceBounds(_ lo: Expression?, _ hi: Expression?, count: Int) throws(Diagnostic) -> (Int, Int) {
        func clamp(_ i: Int) -> Int {
            let j = i < 0 ? count + i : i
            return Swift.min(Swift.max(j, 0), count)
        }
        let a = try lo.map { (e) throws(Diagnostic) in clamp(try integerIndex(e)) } ?? 0
        let b = try hi.map { (e) throws(Diagnostic) in clamp(try integerIndex(e)) } ?? count
        return (a, b)
    }
}

extension Value {
    var isNothing: Bool {
        if case .nothing = self { return true }
        return false
    }
}

func article(_ noun: String) -> String {
    guard let first = noun.first else { return "a" }
    return "aeiou".contains(first) ? "an" : "a"
}
