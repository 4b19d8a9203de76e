import Foundation
import NoetherEngine
import NoetherLang
import NoetherSyntax

/// The session commands the shell runs: `save`, `run`/`load`, `quit`/`exit`.
extension Shell {
    func handleCommand(_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) -> Bool {
        switch name {
        case "quit", "exit":
            quitRequested = true
            return true
        case "save":
            // `save "FILE.noe" overwrite` replaces a file this session did not write.
            var rest = arguments
            var overwrite = false
            if rest.count == 2, case .string("overwrite") = rest[1] {
                overwrite = true
                rest.removeLast()
            }
            try save(to: try fileArgument(name, rest, range), overwrite: overwrite, range: range)
            return true
        case "run", "load":
            try runFile(try fileArgument(name, arguments, range), range: range)
            return true
        case "lesson":
            try runLessonCommand(arguments, range)
            return true
        default:
            return false
        }
    }

    private func fileArgument(_ command: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic)
        -> String
    {
        guard arguments.count == 1, case .string(let path) = arguments[0], !path.isEmpty else {
            throw Diagnostic(
                .runtime, "'\(command)' needs one file name", at: range,
                hint: "e.g. \(command) \"session.noe\"")
        }
        return path
    }

    /// The text `save` writes now: the header, then every recorded cell.
    public func savedText() -> String {
        let header = SessionScript.header(
            version: noetherVersion, date: Shell.timestamp(), blasThreads: BLASThreads.count)
        return SessionScript.render(cells, header: header)
    }

    func save(to path: String, overwrite: Bool = false, range: SourceRange) throws(Diagnostic) {
        let target = try interpreter.pathForWriting(path, overwrite: overwrite, at: range)
        // `save "x.ipynb"` writes the session as a notebook (Jupyter/NotebookFile.swift).
        let text = path.hasSuffix(".ipynb") ? NotebookFile(recorded: cells).json() : savedText()
        do throws(EngineError) {
            try TextFile.write(text, to: target)
        } catch {
            throw Diagnostic(error.diagnosticKind, error.message, at: range)
        }
        if echo { console.err("saved \(cells.count) cell\(cells.count == 1 ? "" : "s") to \(path)") }
    }

    /// Runs a script in this session (the `run` command): its bindings stay; it stops
    /// at its first error, which is reported at its own file and line.
    func runFile(_ path: String, range: SourceRange) throws(Diagnostic) {
        let resolved = interpreter.pathForReading(path)
        guard !runningFiles.contains(Shell.identity(resolved)) else {
            throw Diagnostic(.runtime, "'\(path)' is already running (a script cannot run itself)", at: range)
        }
        guard runningFiles.count < 32 else {
            throw Diagnostic(.runtime, "scripts nested more than 32 deep", at: range)
        }
        let text: String
        do throws(EngineError) {
            text = try TextFile.read(resolved)
        } catch {
            // A missing script is named as the user typed it, not by its resolved path.
            let message = error.diagnosticKind == .missingFile ? "no such file '\(path)'" : error.message
            throw Diagnostic(error.diagnosticKind, message, at: range)
        }
        let source = SourceFile(name: path, text: text)
        runningFiles.append(Shell.identity(resolved))
        defer { runningFiles.removeLast() }
        let program: Program
        do {
            program = try Parser.parse(source)
        } catch var d {
            d.file = source
            throw d
        }
        try interpreter.run(program, source: source)
    }

    /// A script file's identity for cycle detection: its absolute path, symbolic
    /// links resolved.
    static func identity(_ path: String) -> String {
        URL(fileURLWithPath: path).standardizedFileURL.resolvingSymlinksInPath().path
    }

    /// Marks `path` as the script being run in batch, so a `run` of it from inside
    /// (directly or through another script) is refused before it runs twice.
    public func runningScript(_ path: String) {
        runningFiles = [Shell.identity(path)]
    }

    /// A UTC timestamp for headers: `2025-06-01 12:00:00 UTC`.
    static func timestamp(_ date: Date = Date()) -> String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return f.string(from: date)
    }

    // MARK: - Parameters

    /// Where each parameter is set: after the first top-level statement assigning a
    /// constant to its name (the script's default for it), or else before the script.
    func parameterInjections(_ segments: [ScriptSegment]) -> (
        before: [(String, Value)], after: [Int: [(String, Value)]]
    ) {
        var before = [(String, Value)]()
        var after = [Int: [(String, Value)]]()
        if parameters.isEmpty { return (before, after) }
        let statements = segments.flatMap(\.statements)
        for (name, value) in parameters {
            let defaultAssignment = statements.first {
                if case .assignment(let n, _, let e, _) = $0, n == name, Shell.isConstant(e) { return true }
                return false
            }
            if let d = defaultAssignment {
                after[d.range.start, default: []].append((name, value))
            } else {
                before.append((name, value))
            }
        }
        return (before, after)
    }

    /// The cell a parameter is recorded as, so a saved session replays with it.
    func parameterCellText(_ name: String, _ value: Value) -> String {
        "\(name) = \(value.rendered)  # parameter (-p)"
    }

    static func isConstant(_ e: NoetherSyntax.Expression) -> Bool {
        switch e {
        case .number, .string, .boolean: true
        case .unary(_, let x, _): isConstant(x)
        case .binary(_, let a, let b, _, _): isConstant(a) && isConstant(b)
        case .list(let items, _): items.allSatisfy(isConstant)
        case .record(let fields, _): fields.allSatisfy { isConstant($0.value) }
        default: false
        }
    }
}

// MARK: - Recovery

extension Shell {
    /// Replays a journal (or any saved session) into this session, printing its outputs
    /// and recording its cells, as `noether --recover` does. Stops at the first error.
    public func recover(from path: String) -> ExitStatus {
        var text: String
        do throws(EngineError) {
            text = try TextFile.read(path)
        } catch {
            console.err("noether: error: \(error.message)")
            return .noInput
        }
        // A session killed while writing leaves a torn last line: drop it, and if the
        // last cell still does not parse, that cell.
        if !text.isEmpty && !text.hasSuffix("\n") {
            let cut = text.lastIndex(of: "\n").map { text.index(after: $0) } ?? text.startIndex
            console.err("noether: note: dropped the journal's torn last line '\(text[cut...])'")
            text = String(text[..<cut])
        }
        var source = SourceFile(name: path, text: text)
        var parsed = try? Parser.parse(source)
        if parsed == nil, let cut = text.range(of: "\n\n", options: .backwards) {
            console.err(
                "noether: note: dropped the journal's last cell, which was cut off:\n\(text[cut.upperBound...])")
            text = String(text[..<cut.lowerBound]) + "\n"
            source = SourceFile(name: path, text: text)
            parsed = try? Parser.parse(source)
        }
        let program: Program
        if let parsed {
            program = parsed
        } else {
            do { program = try parseOrReport(source) } catch { return error }
        }
        let segments = ScriptSegment.split(source, program, mode: .byStatement)
        console.err("noether: recovering \(segments.count) cell\(segments.count == 1 ? "" : "s") from \(path)")
        // Replay goes on past cells that fail again (a file since deleted), as the session did.
        let outcome = runSegments(segments, source: source, record: true, keepGoing: true)
        // The recovered cells keep their numbers: the next prompt continues after them.
        // Failed cells are journalled as cells with their error and replay as such;
        // interrupted ones (and failed ones in journals of older versions, as `#✗` lines)
        // are comments that still had a number in the session.
        let ran = segments.prefix(outcome.outputs.count)
        let end = ran.last?.statements.last?.range.end ?? 0
        let skipped = text.utf8.prefix(end).split(separator: UInt8(ascii: "\n"))
            .filter {
                $0.starts(with: (SessionScript.failedPrefix + " error:").utf8)
                    || $0.starts(with: Shell.interruptedCellHeader.utf8)
            }.count
        for _ in 0..<skipped { notebook.skipNumber() }
        for segment in ran { notebook.begin(segment.text) }
        if let error = outcome.error {
            report(error, source)
            return ExitStatus(error.kind)
        }
        if outcome.failures > 0 {
            console.err(
                "noether: \(outcome.failures) recovered cell\(outcome.failures == 1 ? "" : "s") failed again (above); the others are restored"
            )
        }
        return .success
    }
}
