import NoetherSyntax

/// One evaluated argument of a call.
public typealias CallArgument = (label: String?, labelRange: SourceRange?, value: Value, range: SourceRange)

extension Interpreter {
    func evaluateCall(_ call: Call) throws(Diagnostic) -> Value {
        let calleeValue: Value
        if case .name(let name, let range) = call.callee {
            guard let v = lookup(name) else {
                let candidates = registry.builtins.keys.map { $0 } + visibleNames.filter { $0 != "_" }
                throw Diagnostic(
                    .runtime, "unknown function '\(name)'", at: range,
                    hint: Suggestions.closest(to: name, in: candidates).map { "did you mean '\($0)'?" })
            }
            calleeValue = v
        } else {
            calleeValue = try evaluate(call.callee)
        }
        guard case .function(let function) = calleeValue else {
            throw Diagnostic(.runtime, "a \(calleeValue.typeName) cannot be called", at: call.callee.range)
        }
        var arguments = [CallArgument]()
        for a in call.arguments {
            arguments.append((a.label, a.labelRange, try evaluate(a.value), a.value.range))
        }
        switch function {
        case .builtin(let builtin):
            return try callBuiltin(builtin, arguments: arguments, block: call.block, range: call.range)
        case .user(let f):
            if let block = call.block {
                throw Diagnostic(.runtime, "'\(f.declaration.name)' does not take a block", at: block.range)
            }
            return try callUser(f, arguments: arguments, range: call.range)
        }
    }

    /// Binds arguments to a builtin's declaration and runs it.
    public func callBuiltin(
        _ builtin: Builtin, arguments: [CallArgument], block: Block?,
        range: SourceRange
    ) throws(Diagnostic) -> Value {
        let params = builtin.parameters
        var bound = [String: (value: Value, range: SourceRange)]()
        var rest = [(value: Value, range: SourceRange)]()
        var extras = [(label: String, labelRange: SourceRange, value: Value, range: SourceRange)]()
        var position = 0
        // Optional parameters given `none` explicitly: "not given", so the declared default
        // applies (help shows a default-less optional parameter as `name=none`). Only
        // where the parameter's type does not itself take `none`.
        var givenNone = Set<String>()
        func meansDefault(_ p: Parameter, _ value: Value) -> Bool {
            if case .nothing = value, !p.isRequired, !p.type.accepts(value) { return true }
            return false
        }
        let usageNote = "usage: \(builtin.usage)"
        for a in arguments {
            if let label = a.label {
                let labelRange = a.labelRange ?? a.range
                guard let p = params.first(where: { $0.label == label }) else {
                    if let extra = builtin.extraArguments {
                        guard !extras.contains(where: { $0.label == label }) else {
                            throw Diagnostic(
                                .runtime, "argument '\(label)' given twice in call to '\(builtin.name)'",
                                at: labelRange, notes: [usageNote])
                        }
                        guard extra.type.accepts(a.value) else {
                            let t = extra.type.displayName
                            throw Diagnostic(
                                .runtime,
                                "argument '\(label)' of '\(builtin.name)' must be \(article(t)) \(t), got \(a.value.typeName)",
                                at: a.range, notes: ["\(extra.placeholder)=…: \(extra.help)"])
                        }
                        extras.append((label, labelRange, a.value, a.range))
                        continue
                    }
                    let hint = Suggestions.closest(to: label, in: params.map(\.label)).map { "did you mean '\($0)'?" }
                    throw Diagnostic(
                        .runtime, "unknown argument '\(label)' in call to '\(builtin.name)'",
                        at: labelRange, hint: hint, notes: [usageNote])
                }
                if bound[label] != nil || givenNone.contains(label) {
                    throw Diagnostic(
                        .runtime, "argument '\(label)' given twice in call to '\(builtin.name)'",
                        at: labelRange, notes: [usageNote])
                }
                if meansDefault(p, a.value) {
                    givenNone.insert(label)
                    continue
                }
                try checkType(p, a.value, at: a.range, builtin: builtin)
                bound[label] = (a.value, a.range)
            } else {
                // Positional arguments fill the declared parameters in order, skipping
                // those already given by label.
                while position < params.count
                    && (bound[params[position].label] != nil || givenNone.contains(params[position].label))
                {
                    position += 1
                }
                if position >= params.count {
                    if builtin.variadic {
                        rest.append((a.value, a.range))
                        continue
                    }
                    let count = params.count
                    throw Diagnostic(
                        .runtime,
                        "too many arguments to '\(builtin.name)': it takes \(count == 0 ? "none" : "at most \(count)")",
                        at: a.range, notes: [usageNote])
                }
                let p = params[position]
                position += 1
                if meansDefault(p, a.value) {
                    givenNone.insert(p.label)
                    continue
                }
                try checkType(p, a.value, at: a.range, builtin: builtin)
                bound[p.label] = (a.value, a.range)
            }
        }
        for p in params where bound[p.label] == nil {
            switch p.defaultValue {
            case .required:
                throw Diagnostic(
                    .runtime, "missing argument '\(p.label)' in call to '\(builtin.name)'", at: range,
                    notes: [usageNote, "\(p.label): \(p.help)"])
            case .absent: break
            case .value(let v, _): bound[p.label] = (v, range)
            }
        }
        if builtin.takesBlock && block == nil {
            throw Diagnostic(
                .runtime, "'\(builtin.name)' needs a block '{ … }' after its arguments", at: range,
                notes: [usageNote])
        }
        if !builtin.takesBlock, let block {
            throw Diagnostic(.runtime, "'\(builtin.name)' does not take a block", at: block.range)
        }
        var context = CallContext(
            builtin: builtin, range: range, values: bound, rest: rest, extras: extras,
            block: block, interpreter: self)
        try checkInterrupt(range)
        return try builtin.implementation(&context)
    }

    private func checkType(_ p: Parameter, _ value: Value, at range: SourceRange, builtin: Builtin) throws(Diagnostic) {
        guard !p.type.accepts(value) else { return }
        var message =
            "argument '\(p.label)' of '\(builtin.name)' must be \(article(p.type.displayName)) \(p.type.displayName), got \(value.typeName)"
        if p.type == .integer, case .number(let x) = value { message += " \(formatNumber(x))" }
        // A list of the wrong kind: name the first element that does not fit.
        if case .list(let element) = p.type, case .list(let items) = value,
            let bad = items.firstIndex(where: { !element.accepts($0) })
        {
            let item = items[bad]
            var shown = item.rendered
            if shown.count > 40 || shown.contains("\n") { shown = "" }
            message += " whose element \(bad) is \(article(item.typeName)) \(item.typeName)"
            if !shown.isEmpty { message += " (\(shown))" }
        }
        throw Diagnostic(.runtime, message, at: range, notes: ["\(p.label): \(p.help)"])
    }

    func callUser(_ f: UserFunction, arguments: [CallArgument], range: SourceRange) throws(Diagnostic) -> Value {
        let d = f.declaration
        var bindings = [String: Value]()
        var position = 0
        for a in arguments {
            if let label = a.label {
                guard d.parameters.contains(where: { $0.name == label }) else {
                    throw Diagnostic(
                        .runtime, "unknown argument '\(label)' in call to '\(d.name)'", at: a.labelRange ?? a.range,
                        hint: Suggestions.closest(to: label, in: d.parameters.map(\.name)).map {
                            "did you mean '\($0)'?"
                        })
                }
                if bindings[label] != nil {
                    throw Diagnostic(
                        .runtime, "argument '\(label)' given twice in call to '\(d.name)'", at: a.labelRange ?? a.range)
                }
                bindings[label] = a.value
            } else {
                while position < d.parameters.count && bindings[d.parameters[position].name] != nil { position += 1 }
                guard position < d.parameters.count else {
                    throw Diagnostic(
                        .runtime, "too many arguments to '\(d.name)': it takes \(d.parameters.count)", at: a.range)
                }
                bindings[d.parameters[position].name] = a.value
                position += 1
            }
        }
        callDepth += 1
        defer { callDepth -= 1 }
        guard callDepth <= Interpreter.maxCallDepth, stack.hasRoom else {
            throw Diagnostic(
                .runtime, "too many nested calls (more than \(Interpreter.maxCallDepth)) in '\(d.name)'", at: range,
                hint: "is the recursion missing a base case?")
        }
        // Function bodies see their parameters and the globals, not the caller's
        // locals, and cannot change the globals (a hard scope).
        let savedScopes = scopes
        scopes = []
        hardScopes += 1
        defer {
            scopes = savedScopes
            hardScopes -= 1
        }
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
                f.source != currentSource
            {
                diagnostic.file = f.source
            }
            throw diagnostic
        }
    }
}
