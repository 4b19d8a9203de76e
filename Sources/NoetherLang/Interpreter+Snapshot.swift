import NoetherSyntax

/// The session's global bindings at one moment, to undo a cell that was interrupted
/// (an interrupted cell binds nothing).
public struct BindingsSnapshot: Sendable {
    let globals: [String: Value]
    let order: [String]
}

extension Interpreter {
    /// The global bindings now (values are immutable or copied on write, so this is cheap).
    public func snapshotBindings() -> BindingsSnapshot { BindingsSnapshot(globals: globals, order: globalOrder) }

    /// Puts the global bindings back as they were at `snapshot`.
    public func restoreBindings(_ snapshot: BindingsSnapshot) {
        globals = snapshot.globals
        globalOrder = snapshot.order
        scopes = []
    }
}

/// Rewriting cell texts for `save`: `out[n]` of the prompt's numbering becomes the
/// number the same value has when the saved file replays statement by statement.
public enum CellText {
    /// `text` with every `out[N]` (N a number literal) whose N is in `numbers`
    /// replaced by `numbers[N]`. Text that does not lex is returned unchanged.
    public static func renumberingOutputs(_ text: String, _ numbers: [Int: Int]) -> String {
        guard !numbers.isEmpty, text.contains("out") else { return text }
        let source = SourceFile(name: "cell", text: text)
        guard let tokens = try? Lexer.tokenize(source) else { return text }
        var bytes = Array(text.utf8)
        var edits = [(range: Range<Int>, text: String)]()
        var i = 0
        while i + 3 < tokens.count {
            if case .identifier("out") = tokens[i].kind, case .symbol(.leftBracket) = tokens[i + 1].kind,
                case .number(let n) = tokens[i + 2].kind, case .symbol(.rightBracket) = tokens[i + 3].kind,
                let mapped = numbers[Int(n)], Double(Int(n)) == n
            {
                edits.append((tokens[i + 2].range.start..<tokens[i + 2].range.end, String(mapped)))
                i += 4
            } else {
                i += 1
            }
        }
        for edit in edits.reversed() {
            bytes.replaceSubrange(edit.range, with: Array(edit.text.utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Interpreter {
    /// Runs `body` on a thread with the interpreter's large stack (the calling thread
    /// when it has one): a caller that runs many programs one after another does this
    /// once around all of them instead of paying for a thread per program.
    public static func withLargeStack<T>(_ body: () -> T) -> T {
        let result: Result<T, Diagnostic> = Result { () throws(Diagnostic) -> T in
            try WorkerThreads.onLargeStack { () throws(Diagnostic) -> T in body() }
        }
        switch result {
        case .success(let value): return value
        case .failure: fatalError("unreachable: the body does not throw")
        }
    }
}
