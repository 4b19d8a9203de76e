import NoetherEngine
import NoetherLang
import NoetherSyntax

/// Noether's version, printed by `--version` and in saved-session headers.
public let noetherVersion = "0.1.0"

/// Runs Noether programs from files, `-e` strings and standard input, printing
/// values and diagnostics to a `Console`. The command line (`NoetherCommand`)
/// and the tests drive it; it knows nothing of argument parsing.
public final class Shell {
    public let interpreter: Interpreter
    public let console: Console
    /// Print only the final value, as JSON (`--json`).
    public var jsonOutput = false
    public private(set) var quitRequested = false
    /// The session's numbered cells, `_`/`out[n]`, progress (REPL/Notebook.swift).
    public let notebook = Notebook()

    public init(console: Console = .standard, interrupt: InterruptFlag = InterruptFlag()) {
        self.console = console
        self.interpreter = Interpreter(interrupt: interrupt, output: { console.out($0) })
        interpreter.commandHandler = { [unowned self] name, arguments, range throws(Diagnostic) in
            try self.handleCommand(name, arguments, range)
        }
        attachNotebook()
    }

    private func handleCommand(_ name: String, _ arguments: [Value], _ range: SourceRange) throws(Diagnostic) -> Bool {
        switch name {
        case "quit", "exit":
            quitRequested = true
            return true
        default:
            return false
        }
    }

    /// Runs a whole source non-interactively: parse it all first (a syntax error runs
    /// nothing), then run statement by statement, stopping at the first error.
    public func runBatch(_ source: SourceFile) -> ExitStatus {
        let program: Program
        do {
            program = try Parser.parse(source)
        } catch {
            report(error, source)
            return ExitStatus(error.kind)
        }
        var lastValue = Value.nothing
        if jsonOutput { interpreter.output = { [console] in console.err($0) } }
        do {
            lastValue = try interpreter.run(program, source: source) { [self] result in
                if quitRequested { return }
                _ = result
            }
        } catch {
            report(error, source)
            return ExitStatus(error.kind)
        }
        if jsonOutput { console.out(lastValue.json.serialized(pretty: true)) }
        return .success
    }

    /// Reads cells from `nextLine` (a line at a time, `nil` at end of input): a cell
    /// continues while brackets, braces or a string are open. An error is reported and
    /// the session goes on. Returns failure if any cell failed.
    public func runCells(prompt: Bool, nextLine: (_ continuation: Bool) -> String?) -> ExitStatus {
        var anyFailed = false
        while !quitRequested {
            guard var text = nextLine(false) else { break }
            while Lexer.needsContinuation(text), let more = nextLine(true) {
                text += "\n" + more
            }
            if !runCell(text) { anyFailed = true }
        }
        return anyFailed ? .failure : .success
    }

    public func report(_ diagnostic: Diagnostic, _ source: SourceFile) {
        console.err(DiagnosticRenderer.render(diagnostic, in: source))
    }
}
