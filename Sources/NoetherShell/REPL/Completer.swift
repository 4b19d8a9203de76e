import NoetherLang
import NoetherSyntax

/// Tab completion as a pure function: the text before the cursor (the whole cell
/// so far, continuation lines included) and a snapshot of the session give the
/// candidates. Everything it offers comes from the builtin declarations and the
/// bindings, never from a list written twice:
///
/// - names: bindings, builtins, constants and keywords (command words too, at the
///   start of a statement);
/// - inside a call to a builtin or `fn`: the argument labels not given yet, as
///   `label=` (`train(net, data, opt, lo` → `loss=`);
/// - an argument's value: a builtin parameter's `.values` (`loss=` → `mse`,
///   `cross_entropy`), or for `.variables` the bindings whose type it accepts;
/// - after `.`: the fields of the bound value (`run.dr` → `drift`), through
///   chains like `run.net.` and `out[3].`;
/// - inside a string: paths, for `.filePath` parameters and `save "`/`run "`;
/// - after `help`: every topic.
///
/// Nothing is offered in comments. The result never depends on anything but the
/// arguments.
public enum Completer {
    public static func complete(_ textBeforeCursor: String, in context: CompletionContext) -> Completion {
        let end = textBeforeCursor.utf8.count
        let scan = CompletionScanner(textBeforeCursor)
        if scan.inComment { return Completion(start: end, candidates: []) }
        if let string = scan.openString {
            return completeInString(string, scan: scan, context: context)
        }
        let wordIndex = scan.wordIndex(endingAt: end)
        let word = wordIndex < scan.tokens.count ? scan.tokens[wordIndex].text : ""
        let start = end - word.utf8.count
        let candidates = codeCandidates(scan: scan, wordIndex: wordIndex, context: context)
        return Completion(start: start, candidates: finish(candidates, prefix: word))
    }

    // MARK: - Code

    private static let keywords = Keyword.allCases.map(\.rawValue)
    /// Keywords after which an expression follows (`not x`, `for i in xs`).
    private static let operatorKeywords: Set<String> = ["and", "or", "not", "in", "if", "else"]

    private static func codeCandidates(scan: CompletionScanner, wordIndex: Int, context: CompletionContext) -> [String]
    {
        let tokens = scan.tokens
        func symbol(_ i: Int, _ s: String) -> Bool {
            i >= 0 && i < tokens.count && tokens[i].kind == .symbol && tokens[i].text == s
        }
        // `base.field`
        if symbol(wordIndex - 1, ".") {
            guard let value = resolveChain(tokens: tokens, endingBefore: wordIndex - 1, context: context) else {
                return []
            }
            return fieldNames(of: value)
        }
        // A number being typed, or a word right after a name or literal: nothing sensible.
        if wordIndex > 0 {
            let previous = tokens[wordIndex - 1]
            let isOperatorWord = previous.kind == .identifier && operatorKeywords.contains(previous.text)
            if !isOperatorWord && (previous.kind == .identifier || previous.kind == .number || previous.kind == .string)
            {
                if wordIndex - 1 == scan.statementStart, previous.kind == .identifier {
                    return commandArgumentCandidates(command: previous.text, context: context)
                }
                return []
            }
        }
        let atStatementStart = wordIndex == scan.statementStart
        if let frame = scan.frames.last, frame.opener == UInt8(ascii: "("), let callee = frame.callee,
            let parameters = parameters(of: callee, context: context)
        {
            if wordIndex == frame.argumentStart {
                // The start of an argument: a label, or a positional value.
                var out = parameters.labels.filter { label in
                    !frame.usedLabels.contains(label)
                        && !parameters.labels.prefix(frame.positionalCount).contains(label)
                }.map { $0 + "=" }
                if frame.usedLabels.isEmpty {
                    if frame.positionalCount < parameters.completions.count {
                        out += valueCandidates(parameters.completions[frame.positionalCount], context: context)
                    } else if parameters.variadic {
                        out += names(context: context, atStatementStart: false)
                    }
                }
                return out
            }
            if let label = frame.currentLabel, wordIndex == frame.argumentStart + 2,
                let i = parameters.labels.firstIndex(of: label)
            {
                return valueCandidates(parameters.completions[i], context: context)
            }
        }
        return names(context: context, atStatementStart: atStatementStart)
    }

    /// What a call's parameters offer: labels in order, how each value completes.
    private struct Parameters {
        var labels: [String]
        var completions: [ParameterCompletion]
        var variadic: Bool
    }

    private enum ParameterCompletion {
        case names
        case values([String])
        case variables(ValueType)
    }

    private static func parameters(of callee: String, context: CompletionContext) -> Parameters? {
        if case .function(.user(let f))? = context.bindings[callee] {
            let labels = f.declaration.parameters.map(\.name)
            return Parameters(labels: labels, completions: labels.map { _ in .names }, variadic: false)
        }
        guard let builtin = context.registry.builtins[callee] else { return nil }
        return Parameters(
            labels: builtin.parameters.map(\.label),
            completions: builtin.parameters.map { p in
                switch p.completion {
                case .values(let values): .values(values)
                case .variables: .variables(p.type)
                case .none, .filePath: .names
                }
            },
            variadic: builtin.variadic)
    }

    private static func valueCandidates(_ completion: ParameterCompletion, context: CompletionContext) -> [String] {
        switch completion {
        case .names:
            return names(context: context, atStatementStart: false)
        case .values(let values):
            return values
        case .variables(let type):
            let typed = context.bindings.filter { type.accepts($0.value) }.map(\.key)
            // A value may also be built on the spot (`mlp(…)`): offer every name when
            // no binding has the type.
            return typed.isEmpty ? names(context: context, atStatementStart: false) : typed
        }
    }

    private static func names(context: CompletionContext, atStatementStart: Bool) -> [String] {
        var out = Array(context.bindings.keys)
        out += context.registry.builtins.keys
        out += context.registry.constants.keys
        out += keywords
        if atStatementStart { out += context.commands }
        return out
    }

    /// The word after a command: `help` takes a topic.
    private static func commandArgumentCandidates(command: String, context: CompletionContext) -> [String] {
        guard command == "help", context.commands.contains("help") else { return [] }
        return Array(context.registry.builtins.keys) + Array(context.registry.constants.keys)
            + Array(context.registry.typeDocs.keys)
    }

    // MARK: - Fields

    /// The value of the chain `name(.field | [integer])*` ending just before token
    /// `end`, looked up in the session (constants too); `nil` when it is anything else.
    private static func resolveChain(
        tokens: [CompletionScanner.Token], endingBefore end: Int,
        context: CompletionContext
    ) -> Value? {
        // Walk back to the chain's first name.
        var i = end - 1
        var steps: [(field: String?, index: Int?)] = []
        while i >= 0 {
            let t = tokens[i]
            if t.kind == .identifier {
                if i >= 1, tokens[i - 1].kind == .symbol, tokens[i - 1].text == "." {
                    steps.append((t.text, nil))
                    i -= 2
                    continue
                }
                break
            }
            if t.kind == .symbol, t.text == "]", i >= 2, tokens[i - 1].kind == .number, let n = Int(tokens[i - 1].text)
            {
                if tokens[i - 2].kind == .symbol, tokens[i - 2].text == "[" {
                    steps.append((nil, n))
                    i -= 3
                    continue
                }
                if i >= 3, tokens[i - 2].kind == .symbol, tokens[i - 2].text == "-",
                    tokens[i - 3].kind == .symbol, tokens[i - 3].text == "["
                {
                    steps.append((nil, -n))
                    i -= 4
                    continue
                }
            }
            return nil
        }
        guard i >= 0, tokens[i].kind == .identifier else { return nil }
        if i >= 1, tokens[i - 1].kind == .symbol, tokens[i - 1].text == "." { return nil }
        let root = tokens[i].text
        guard var value = context.bindings[root] ?? context.registry.constants[root]?.value else { return nil }
        for step in steps.reversed() {
            if let field = step.field {
                switch value {
                case .object(let o):
                    guard let v = o.field(field) else { return nil }
                    value = v
                case .record(let r):
                    guard let v = r[field] else { return nil }
                    value = v
                default:
                    return nil
                }
            } else if let n = step.index {
                guard case .list(let items) = value else { return nil }
                let j = n < 0 ? items.count + n : n
                guard j >= 0 && j < items.count else { return nil }
                value = items[j]
            }
        }
        return value
    }

    private static func fieldNames(of value: Value) -> [String] {
        switch value {
        case .object(let o): type(of: o).fieldDocs.map(\.name)
        case .record(let r): r.fields.map(\.name)
        default: []
        }
    }

    // MARK: - Strings

    private static func completeInString(
        _ string: CompletionScanner.Token, scan: CompletionScanner,
        context: CompletionContext
    ) -> Completion {
        let contentStart = string.start + 1
        let none = Completion(start: contentStart, candidates: [], kind: .path)
        let stringIndex = scan.tokens.count - 1
        var wantsPath = false
        // `save "…` / `run "…`: a file command's first argument.
        if stringIndex == scan.statementStart + 1, scan.tokens[scan.statementStart].kind == .identifier,
            context.fileCommands.contains(scan.tokens[scan.statementStart].text)
        {
            wantsPath = true
        }
        // A `.filePath` parameter of a builtin.
        if let frame = scan.frames.last, frame.opener == UInt8(ascii: "("), let callee = frame.callee,
            let builtin = context.registry.builtins[callee]
        {
            var parameter: Parameter?
            if let label = frame.currentLabel, stringIndex == frame.argumentStart + 2 {
                parameter = builtin.parameters.first { $0.label == label }
            } else if frame.currentLabel == nil, frame.usedLabels.isEmpty, stringIndex == frame.argumentStart,
                frame.positionalCount < builtin.parameters.count
            {
                parameter = builtin.parameters[frame.positionalCount]
            }
            if parameter?.completion == .filePath { wantsPath = true }
        }
        guard wantsPath else { return none }
        return Completion(
            start: contentStart, candidates: paths(matching: string.text, files: context.files), kind: .path)
    }

    /// Paths that extend `typed`: `dir/pre` lists `dir` for names starting `pre`;
    /// hidden names only when `pre` starts with a dot; directories end with `/`.
    static func paths(matching typed: String, files: FileSystemView) -> [String] {
        let directoryPart: String
        let namePrefix: String
        if let slash = typed.lastIndex(of: "/") {
            directoryPart = String(typed[...slash])
            namePrefix = String(typed[typed.index(after: slash)...])
        } else {
            directoryPart = ""
            namePrefix = typed
        }
        var directory = directoryPart
        if directory == "~/" || directory.hasPrefix("~/") {
            directory = files.home + directory.dropFirst()
        }
        if typed == "~" { return ["~/"] }
        guard let entries = files.list(directory) else { return [] }
        let showHidden = namePrefix.hasPrefix(".")
        let out = entries.filter { $0.name.hasPrefix(namePrefix) && (showHidden || !$0.name.hasPrefix(".")) }
            .map { directoryPart + $0.name + ($0.isDirectory ? "/" : "") }
        return Array(Set(out)).sorted()
    }

    // MARK: -

    private static func finish(_ candidates: [String], prefix: String) -> [String] {
        Array(Set(candidates.filter { $0.hasPrefix(prefix) })).sorted()
    }
}
