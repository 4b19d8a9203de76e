internal import CReadline
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The C side of the prompt: one Swift wrapper per readline routine Noether uses,
/// and the two callbacks readline calls (a finished line, a Tab). The callbacks
/// reach Swift state through `shared`, a `Mutex`; everything runs on the thread
/// that reads the terminal. Nothing here is public and no signature leaks a C type.
enum Readline {
    /// What the callbacks share with the editor.
    struct Shared: Sendable {
        /// Set by the line callback: the line entered, or `.end` for Ctrl-D / EOF.
        var finished: LineInput?
        /// The cell typed before the current line ("" at a fresh prompt).
        var partial = ""
        /// The session as completion sees it, refreshed before each prompt.
        var context: CompletionContext?
    }

    static let shared = Mutex(Shared())

    /// One-time set-up (see `noether_rl_configure`), then the in-memory history.
    static func configure(historyLimit: Int) {
        noether_rl_configure(completionCallback)
        using_history()
        stifle_history(Int32(clamping: historyLimit))
    }

    /// Shows `prompt` and starts reading a line in the background-friendly
    /// callback mode (`readChar` feeds it).
    static func install(prompt: String) {
        prompt.withCString { rl_callback_handler_install($0, lineCallback) }
    }

    /// Reads one key from the terminal into the line being edited.
    static func readChar() { rl_callback_read_char() }

    /// Stops reading lines: restores the terminal to how it was.
    static func remove() { rl_callback_handler_remove() }

    /// Abandons the line being edited after a Ctrl-C: moves to its end, shows `^C`,
    /// and forgets its state (undo list, an incremental search in progress).
    static func abandonLine() {
        rl_callback_sigcleanup()  // ends an incremental search, showing its line
        noether_rl_point_to_end()
        rl_redisplay()
        Console.writeAll(1, "^C")
        rl_free_line_state()
        // Restoring the terminal may return the cursor to the line's start (the end
        // of bracketed paste mode is "\e[?2004l\r"): only then go down.
        remove()
        Console.writeAll(1, "\n")
    }

    /// Tells readline the window changed size.
    static func resize() { rl_resize_terminal() }

    static func addHistory(_ entry: String) { add_history(entry) }

    /// Whether bracketed paste is on (~/.inputrc may turn it off). When it is,
    /// readline itself ends the line after a Ctrl-D.
    static var bracketedPaste: Bool {
        guard let value = rl_variable_value("enable-bracketed-paste") else { return false }
        return String(cString: value) == "on"
    }

    // MARK: - Callbacks

    /// A finished line (or `nil` at EOF): recorded for the editor, and the handler
    /// removed so readline does not start the next line by itself.
    private static let lineCallback: @convention(c) (UnsafeMutablePointer<CChar>?) -> Void = { line in
        let input: LineInput = line.map { .line(String(cString: $0)) } ?? .end
        free(line)
        rl_callback_handler_remove()
        Readline.shared.withLock { $0.finished = input }
    }

    /// Tab: completes the text before the cursor with `Completer` and hands
    /// readline a malloc'ed, NULL-terminated array (the common prefix, then every
    /// candidate), or NULL when nothing fits.
    private static let completionCallback:
        @convention(c) (UnsafePointer<CChar>?, Int32, Int32)
            -> UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = { _, start, _ in
                guard let raw = noether_rl_line_before_point() else { return nil }
                let line = String(cString: raw)
                free(raw)
                let (partial, context) = Readline.shared.withLock { ($0.partial, $0.context) }
                guard let context else { return nil }
                let candidates = ReadlineCompletion.candidates(
                    line: line, partial: partial, readlineStart: Int(start),
                    context: context)
                noether_rl_completion_flags(candidates.isPath ? 1 : 0)
                guard !candidates.words.isEmpty else { return nil }
                let words = candidates.words
                let count = words.count == 1 ? 1 : words.count + 1
                guard let matches = noether_rl_matches_alloc(Int32(count)) else { return nil }
                if words.count == 1 {
                    noether_rl_matches_set(matches, 0, words[0])
                } else {
                    noether_rl_matches_set(matches, 0, Completion(start: 0, candidates: words).commonPrefix)
                    for (i, w) in words.enumerated() { noether_rl_matches_set(matches, Int32(i + 1), w) }
                }
                return matches
            }
}
