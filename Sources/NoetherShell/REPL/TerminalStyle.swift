/// Colour for one output stream, decided once: only on a terminal, never when
/// `NO_COLOR` is set (to anything but the empty string, as no-color.org says) or
/// `TERM` is `dumb` or unset. Without colour every method returns its text as is,
/// so piped and batch output stay plain and deterministic.
public struct TerminalStyle: Sendable, Equatable {
    public var colour: Bool

    public init(colour: Bool) { self.colour = colour }

    public static let plain = TerminalStyle(colour: false)

    /// The style for a stream given whether it is a terminal and the environment.
    public static func detect(isTerminal: Bool, environment: [String: String]) -> TerminalStyle {
        guard isTerminal else { return .plain }
        if let noColor = environment["NO_COLOR"], !noColor.isEmpty { return .plain }
        guard let term = environment["TERM"], !term.isEmpty, term != "dumb" else { return .plain }
        return TerminalStyle(colour: true)
    }

    private func wrap(_ text: String, _ code: String) -> String {
        colour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
    }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func red(_ text: String) -> String { wrap(text, "1;31") }
    public func yellow(_ text: String) -> String { wrap(text, "1;33") }
    public func green(_ text: String) -> String { wrap(text, "32") }

    /// A prompt for readline: its escape sequences are bracketed by \001 … \002 so
    /// readline does not count them as columns.
    public func prompt(_ text: String, _ code: String) -> String {
        colour ? "\u{01}\u{1B}[\(code)m\u{02}\(text)\u{01}\u{1B}[0m\u{02}" : text
    }

    /// A rendered diagnostic with its header coloured — `file:line:col:` bold,
    /// `error:` bold red — and the caret line green. Other text is unchanged.
    public func diagnostic(_ rendered: String) -> String {
        guard colour else { return rendered }
        var lines = rendered.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard !lines.isEmpty else { return rendered }
        for label in [": internal error: ", ": error: "] {
            if let r = lines[0].range(of: label) {
                let location = String(lines[0][..<r.lowerBound])
                let message = String(lines[0][r.upperBound...])
                lines[0] =
                    bold(location + ":") + " " + red(String(label.dropFirst(2).dropLast(2)) + ":") + " " + bold(message)
                break
            }
        }
        if lines[0].hasPrefix("error: ") { lines[0] = red("error:") + " " + bold(String(lines[0].dropFirst(7))) }
        for i in lines.indices.dropFirst() {
            // The caret line: `  | ^~~~ hint`.
            if let bar = lines[i].range(of: " | "), lines[i][bar.upperBound...].contains("^"),
                lines[i][..<bar.lowerBound].allSatisfy({ $0 == " " })
            {
                lines[i] = String(lines[i][..<bar.upperBound]) + green(String(lines[i][bar.upperBound...]))
            }
        }
        return lines.joined(separator: "\n")
    }

    /// `warning: …` with `warning:` in bold yellow.
    public func warning(_ message: String) -> String {
        yellow("warning:") + " " + message
    }
}
