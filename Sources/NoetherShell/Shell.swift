import NoetherEngine
import NoetherLang
import NoetherSyntax

/// Noether's version, printed by `--version` and in saved-session headers.
public let noetherVersion = "0.1.0"

/// Runs Noether programs from files, `-e` strings and standard input, printing
/// values and diagnostics to a `Console`, and keeps the session's record: every cell
/// that ran without error with the lines it printed (`save` writes them; the journal
/// appends them as they run). The command line (`NoetherCommand`) and the tests drive
/// it; it knows nothing of argument parsing.
public final class Shell {
    public let interpreter: Interpreter
    public let console: Console
    /// Print only the final value, as JSON (`--json`).
    public var jsonOutput = false
    public internal(set) var quitRequested = false
    /// The session's numbered cells, `_`/`out[n]`, progress (REPL/Notebook.swift).
    public let notebook = Notebook()
    /// Names set before a script runs (`-p name=value`), papermill style: when the
    /// script assigns a constant to one of them at top level (its default), the
    /// parameter is set again right after that statement.
    public var parameters: [(name: String, value: Value)] = []
    /// Where every cell of a prompt session is appended as it runs; nil for none.
    public var journal: Journal?
    /// The cells that ran without error, in order, with their output.
    public private(set) var cells: [RecordedCell] = []
    /// Output lines of the cell running now (nil when not recording).
    var capture: [String]?
    /// Whether output goes to the console (false while `check` replays).
    var echo = true
    /// Files being run by `run`, innermost last (to refuse a file that runs itself).
    var runningFiles: [String] = []
    /// `_` and `out[n]` of scripts run in batch, by `check` and by `--recover`.
    let scriptValues = ScriptValues()
    /// Top-level statements in the record so far, and for each prompt cell recorded
    /// its number in the saved file (what `out[n]` becomes there).
    var recordedStatements = 0
    var savedNumbers: [Int: Int] = [:]
    /// Command words the user has bound in this session.
    var shadowedCommands: Set<String> = []
    /// Whether binding a command word (`run = …`) prints a note, and how often; nil
    /// (scripts, pipes, notebooks, lessons): never. `REPL.runOnTerminal` sets it.
    public var commandWordNote: OneTimeNote?
    /// Where lessons are, the saved progress, and the lesson being taken (Lessons/).
    public var lessons = LessonLibrary.standard()

    public init(console: Console = .standard, interrupt: InterruptFlag = InterruptFlag()) {
        self.console = console
        self.interpreter = Interpreter(interrupt: interrupt, output: { _ in })
        interpreter.output = { [unowned self] text in self.emit(text) }
        // Timings are for the screen: never in the record a saved session is checked against.
        interpreter.noticeOutput = { [unowned self] text in self.console.err(text) }
        interpreter.commandHandler = { [unowned self] name, arguments, range throws(Diagnostic) in
            try self.handleCommand(name, arguments, range)
        }
        attachNotebook()
    }

    /// Prints a value or `print` line (to standard error under `--json`, whose standard
    /// output is the final value alone) and adds it to the running cell's record.
    func emit(_ text: String) {
        if echo { jsonOutput ? console.err(text) : console.out(text) }
        capture?.append(contentsOf: SessionScript.lines(of: text))
    }

    // MARK: - Batch

    /// Runs a whole source non-interactively: parse it all first (a syntax error runs
    /// nothing), then run it statement by statement, stopping at the first error. Each
    /// piece of it that ran is recorded as a cell (so `-i` then `save` keeps it). An
    /// error that `accepting` accepts ends the run quietly with success (a shard that
    /// has written its points).
    public func runBatch(_ source: SourceFile, accepting: (Diagnostic) -> Bool = { _ in false }) -> ExitStatus {
        let program: Program
        do { program = try parseOrReport(source) } catch { return error }
        let outcome = runSegments(
            ScriptSegment.split(source, program, mode: .byStatement), source: source, record: true)
        if let error = outcome.error {
            if accepting(error) { return .success }
            report(error, source)
            return ExitStatus(error.kind)
        }
        if jsonOutput {
            let json = outcome.lastValue.json
            console.out(json.serialized(pretty: true))
            if Shell.hasNonFinite(json) {
                console.err("note: JSON has no nan or inf: non-finite numbers are written as null")
            }
        }
        return .success
    }

    struct SegmentsOutcome {
        var lastValue = Value.nothing
        var error: Diagnostic?
        /// The output of each segment that ran (the failing one included).
        var outputs: [[String]] = []
        /// Errors reported and gone past (`keepGoing`).
        var failures = 0
    }

    /// Runs segments in order, parameters applied, each segment's output captured and
    /// (with `record`) its cell recorded and journalled. Stops at the first error or
    /// `quit` — except an error the segment's recorded output expects (`#=> error: …`,
    /// a cell that failed in the session it was saved from): that one becomes the
    /// segment's output and the run goes on, as the session did.
    ///
    /// `_` and `out[n]` work as at the prompt, numbered by top-level statement
    /// (`save` renumbers a session's `out[n]` to match).
    /// With `keepGoing` (`--recover`) every error is reported and the run goes on.
    func runSegments(
        _ segments: [ScriptSegment], source: SourceFile, record: Bool, keepGoing: Bool = false
    ) -> SegmentsOutcome {
        // One large-stack thread for the whole script, not one per statement.
        Interpreter.withLargeStack {
            runSegmentsHere(segments, source: source, record: record, keepGoing: keepGoing)
        }
    }

    private func runSegmentsHere(
        _ segments: [ScriptSegment], source: SourceFile, record: Bool, keepGoing: Bool
    ) -> SegmentsOutcome {
        var outcome = SegmentsOutcome()
        CrashReport.started(source)
        defer { CrashReport.finished() }
        let injections = parameterInjections(segments)
        for (name, value) in injections.before {
            interpreter.bind(name, value)
            if record { recordCell(RecordedCell(text: parameterCellText(name, value), output: []), statements: 1) }
        }
        let keepsOutputs = Shell.mentionsOut(source.utf8)
        outcome.outputs.reserveCapacity(segments.count)
        if record { cells.reserveCapacity(cells.count + segments.count) }
        for segment in segments {
            guard !quitRequested else { break }
            capture = []
            var injected = [String]()
            var ran = 0
            do {
                for statement in segment.statements {
                    CrashReport.statement(at: statement.range.start)
                    let value = try interpreter.run(Program(statements: [statement]), source: source)
                    outcome.lastValue = value
                    scriptValues.note(statement, value, in: interpreter, keepingOutputs: keepsOutputs)
                    for (name, value) in injections.after[statement.range.start] ?? [] {
                        interpreter.bind(name, value)
                        injected.append(parameterCellText(name, value))
                    }
                    ran += 1
                    if quitRequested { break }
                }
            } catch {
                let output = (capture ?? []) + [Shell.errorLine(error)]
                capture = nil
                if error.kind != .interrupted,
                    keepGoing || segment.expected.contains(where: { $0.hasPrefix("error: ") })
                {
                    if echo || keepGoing { report(error, source) }
                    if keepGoing { outcome.failures += 1 }
                    // The failed statement keeps its number; it has no value.
                    scriptValues.note(
                        segment.statements[segment.statements.startIndex + ran], .nothing, in: interpreter,
                        keepingOutputs: keepsOutputs)
                    outcome.outputs.append(output)
                    if record {
                        recordCell(
                            RecordedCell(segment: segment, output: output), statements: segment.statements.count)
                    }
                    continue
                }
                outcome.outputs.append(output.dropLast())
                outcome.error = error
                return outcome
            }
            let output = capture ?? []
            capture = nil
            outcome.outputs.append(output)
            if record && Shell.isRecordable(segment.statements) {
                recordCell(RecordedCell(segment: segment, output: output), statements: segment.statements.count)
            }
            if record { for text in injected { recordCell(RecordedCell(text: text, output: []), statements: 1) } }
        }
        return outcome
    }

    /// Whether the text holds "out" anywhere (then `out[n]` values are kept); a byte
    /// scan, cheaper than Foundation's `contains` on a long script.
    static func mentionsOut(_ bytes: [UInt8]) -> Bool {
        let (o, u, t) = (UInt8(ascii: "o"), UInt8(ascii: "u"), UInt8(ascii: "t"))
        var k = 0
        while k + 2 < bytes.count {
            if bytes[k] == o && bytes[k + 1] == u && bytes[k + 2] == t { return true }
            k += 1
        }
        return false
    }

    static func hasNonFinite(_ json: JSONValue) -> Bool {
        switch json {
        case .number(let x): !x.isFinite
        case .array(let items): items.contains(where: hasNonFinite)
        case .object(let fields): fields.contains { hasNonFinite($0.1) }
        default: false
        }
    }

    /// The recorded output line of a cell that failed: `error: MESSAGE`.
    static func errorLine(_ error: Diagnostic) -> String { "error: " + error.message }

    // MARK: - Prompt sessions

    /// Reads cells from `nextLine` (a line at a time, `nil` at end of input): a cell
    /// continues while brackets, braces or a string are open. An error is reported and
    /// the session goes on. Returns failure if any cell failed.
    public func runCells(prompt: Bool, nextLine: (_ continuation: Bool) -> String?) -> ExitStatus {
        // One large-stack thread for the whole session, not one per cell.
        Interpreter.withLargeStack { runCellsHere(nextLine: nextLine) }
    }

    private func runCellsHere(nextLine: (_ continuation: Bool) -> String?) -> ExitStatus {
        var anyFailed = false
        while !quitRequested {
            guard var text = nextLine(false) else { break }
            if lessonTakes(text) { continue }
            while Lexer.needsContinuation(text), let more = nextLine(true) {
                text += "\n" + more
            }
            if !runCell(text) { anyFailed = true }
        }
        return anyFailed ? .failure : .success
    }

    /// Adds a cell to the record and the journal; `statements` is how many top-level
    /// statements it holds (its last one's number in the saved file is its `out[n]`).
    func recordCell(_ cell: RecordedCell, statements: Int) {
        cells.append(cell)
        recordedStatements += statements
        journal?.append(cell, console: console)
    }

    /// Cells that only ask for help, save or leave are not part of the record (a cell
    /// of comments and prose is).
    static let passiveCommands: Set<String> = [
        "help", "explain", "save", "quit", "exit", "vars", "history", "lesson", "clear",
    ]

    static func isRecordable(_ statements: some Collection<Statement>) -> Bool {
        let passive = passiveCommands
        return statements.isEmpty
            || !statements.allSatisfy {
                if case .command(let name, _, _, _) = $0 { return passive.contains(name) }
                return false
            }
    }

    public func report(_ diagnostic: Diagnostic, _ source: SourceFile) {
        console.err(DiagnosticRenderer.render(diagnostic, in: source))
    }

    /// The program of a whole source (a script, a journal): its syntax error, if any,
    /// is reported and thrown as the exit status, and nothing of it runs.
    func parseOrReport(_ source: SourceFile) throws(ExitStatus) -> Program {
        do {
            return try Parser.parse(source)
        } catch {
            report(error, source)
            throw ExitStatus(error.kind)
        }
    }
}
