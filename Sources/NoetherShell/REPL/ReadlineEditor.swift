#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The terminal line editor: GNU readline (editing keys, Ctrl-R reverse search,
/// `~/.inputrc`, bracketed paste) in its callback mode, driven by a `poll` loop so a
/// Ctrl-C at the prompt is seen at once.
///
/// Ctrl-C at the prompt abandons the line (`^C`, then the REPL shows a fresh
/// prompt); Ctrl-D on an empty line is the end of input, and leaves the cursor on a
/// fresh line. Tab completes through
/// `Completer`, with the session snapshot `context()` taken before each prompt.
/// Use only when standard input is a terminal, and only one at a time.
public final class ReadlineEditor: LineEditor {
    private let context: () -> CompletionContext
    private var lastEntry: String?

    /// - Parameters:
    ///   - historyLimit: how many entries the in-memory history keeps.
    ///   - context: the session as completion should see it now.
    public init(historyLimit: Int = HistoryStore.defaultLimit, context: @escaping () -> CompletionContext) {
        self.context = context
        Readline.configure(historyLimit: historyLimit)
    }

    public func read(prompt: String, partial: String) -> LineInput {
        let snapshot = context()
        Readline.shared.withLock {
            $0.finished = nil
            $0.partial = partial
            $0.context = snapshot
        }
        // A Ctrl-C typed while the last cell ran has done its job.
        _ = Signals.takeInterrupts()
        Readline.install(prompt: prompt)
        while true {
            if Signals.takeInterrupts() {
                Readline.abandonLine()
                return .interrupt
            }
            if Signals.resized.exchange(false, ordering: .relaxed) { Readline.resize() }
            var descriptor = pollfd(fd: 0, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                Readline.remove()
                return .end
            }
            if descriptor.revents & Int16(POLLNVAL) != 0 {
                Readline.remove()
                return .end
            }
            Readline.readChar()
            if let finished = Readline.shared.withLock({ $0.finished }) {
                // Leave the terminal on a fresh line after Ctrl-D.
                if finished == .end && !Readline.bracketedPaste { Console.writeAll(1, "\n") }
                return finished
            }
        }
    }

    /// Adds to the in-memory history, skipping a repeat of the previous entry.
    public func addHistory(_ entry: String) {
        guard entry != lastEntry else { return }
        lastEntry = entry
        Readline.addHistory(entry)
    }
}
