import Foundation
import NoetherLang

/// The interactive session: numbered prompts, continuation, history, Ctrl-C and
/// Ctrl-D, over any `LineEditor` (readline on a terminal, a script in tests).
///
/// ```
/// [1]> net = mlp([20, 64, 5])
/// [2]> net.C
/// out[2]: [-19.6685]
/// [3]> xs = [1,
///  ...>       2]
/// ```
///
/// Each cell goes to the history (this session's and the file's) before it runs.
/// Ctrl-C at a prompt drops the cell being typed; during a cell it stops the
/// running command (`Shell.runCell`) and the prompt comes back with every binding.
/// Ctrl-D at an empty prompt, or `quit`, ends the session — there is nothing to
/// save, the session journal already holds it. The exit status is success: errors
/// in cells were reported as they happened.
public final class REPL {
    public let shell: Shell
    private let editor: LineEditor
    private let history: HistoryStore?
    private let promptStyle: TerminalStyle
    private var historyWarned = false

    public init(shell: Shell, editor: LineEditor, history: HistoryStore?, promptStyle: TerminalStyle = .plain) {
        self.shell = shell
        self.editor = editor
        self.history = history
        self.promptStyle = promptStyle
        shell.notebook.labelsOutputs = true
    }

    /// Runs a session on the process's terminal: readline, the history file, colour
    /// where allowed, a progress bar when standard error is a terminal, and Ctrl-C
    /// wired to `shell.interpreter.interrupt`. Standard input must be a terminal.
    public static func runOnTerminal(
        _ shell: Shell,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> ExitStatus {
        let notebook = shell.notebook
        notebook.outputStyle = TerminalStyle.detect(isTerminal: Console.isTerminal(1), environment: environment)
        notebook.errorStyle = TerminalStyle.detect(isTerminal: Console.isTerminal(2), environment: environment)
        notebook.canClearScreen =
            Console.isTerminal(1) && !(environment["TERM"] ?? "dumb").isEmpty
            && environment["TERM"] != "dumb"
        if Console.isTerminal(2) {
            let bar = ProgressBar(width: { Terminal.columns(2) }, write: { Console.writeAll(2, $0) })
            notebook.progress.observe { bar.show($0) }
            let output = shell.interpreter.output
            shell.interpreter.output = { line in
                bar.clear()
                output(line)
            }
            let notice = shell.interpreter.noticeOutput
            shell.interpreter.noticeOutput = { line in
                bar.clear()
                notice?(line)
            }
        }
        let history = HistoryStore.defaultPath(environment: environment).map { HistoryStore(path: $0) }
        let interpreter = shell.interpreter
        if Console.isTerminal(1) {
            // Help wraps at the window's width and long help goes through a pager.
            interpreter.textWidth = { Terminal.columns(1) }
            let pager = Pager(environment: environment, rows: { Terminal.rows(1) })
            interpreter.helpPager = { text in
                let paged = pager.page(text)
                if paged { interpreter.interrupt.clear() }  // a Ctrl-C in the pager stopped the pager
                return paged
            }
        }
        let editor = ReadlineEditor { CompletionContext(interpreter: interpreter) }
        Signals.install(raising: interpreter.interrupt)
        // Binding `run` at the prompt is pointed out once per user (scripts and notebooks do it on purpose).
        if shell.commandWordNote == nil { shell.commandWordNote = .commandWords(environment: environment) }
        let repl = REPL(shell: shell, editor: editor, history: history, promptStyle: notebook.outputStyle)
        return repl.run()
    }

    /// The first line of a session at the prompt.
    public static let banner =
        "noether \(noetherVersion) — 'lesson' lists the lessons, 'help' the builtins, 'quit' or Ctrl-D leaves"

    /// Reads and runs cells until Ctrl-D or `quit`.
    public func run() -> ExitStatus {
        shell.console.out(Self.banner)
        if let history {
            let loaded = history.load()
            for w in loaded.warnings { warn(w) }
            for entry in loaded.entries { editor.addHistory(entry) }
        }
        var reader = CellReader()
        while !shell.quitRequested {
            var firstLine: String?
            if reader.pending.isEmpty, let lessonPrompt = shell.lessonPrompt {
                // A lesson reads whole lines first: Enter and its control words go to it.
                switch editor.read(prompt: lessonPrompt, partial: "") {
                case .end: return .success
                case .interrupt: continue
                case .line(let line):
                    if shell.lessonTakes(line) { continue }
                    firstLine = line
                }
            }
            let input = reader.next { partial in
                if partial == nil, let line = firstLine {
                    firstLine = nil
                    return .line(line)
                }
                return editor.read(prompt: prompt(continuation: partial != nil), partial: partial ?? "")
            }
            switch input {
            case .end:
                return .success
            case .cancelled:
                continue
            case .cell(let text):
                remember(text)
                shell.interpreter.interrupt.clear()
                shell.runCell(text)
            }
        }
        return .success
    }

    /// `[3]> `, or the continuation prompt ` ...> ` of the same width.
    func prompt(continuation: Bool) -> String {
        let primary = "[\(shell.notebook.nextNumber)]> "
        guard continuation else { return promptStyle.prompt(primary, "1;32") }
        let dots = "...> "
        return promptStyle.prompt(String(repeating: " ", count: Swift.max(0, primary.count - dots.count)) + dots, "2")
    }

    /// Adds a cell to the editor's history and appends it to the history file. A cell
    /// starting with a space stays out of both (as in shells).
    private func remember(_ text: String) {
        guard !text.hasPrefix(" ") else { return }
        editor.addHistory(text)
        if let problem = history?.append(text), !historyWarned {
            historyWarned = true
            warn(problem + "; this session's history will not be saved")
        }
    }

    private func warn(_ message: String) {
        shell.console.err(shell.notebook.errorStyle.warning(message))
    }
}
