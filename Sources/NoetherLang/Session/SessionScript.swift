import NoetherSyntax

/// One cell of a session: the text the user ran and the lines it printed.
public struct RecordedCell: Sendable, Equatable {
    /// The cell's text (a replayed script's segment puts it together when first
    /// asked for: a batch run of a million statements that never saves never does).
    public var text: String {
        get { source.text }
        set { source = .literal(newValue) }
    }
    public var output: [String]
    private var source: TextSource

    public init(text: String, output: [String]) {
        self.source = .literal(text)
        self.output = output
    }

    /// The cell of a script's segment, its text taken from the script when needed.
    public init(segment: ScriptSegment, output: [String]) {
        self.source = segment.textSource
        self.output = output
    }

    public static func == (a: RecordedCell, b: RecordedCell) -> Bool { a.text == b.text && a.output == b.output }
}

/// The `.noe` form of a session: a header comment, then every cell's text followed
/// by its output as `#=> ` lines, cells separated by a blank line.
///
/// ```
/// # Noether 0.1.0 session saved 2025-06-01 12:00:00 UTC, BLAS threads 1
/// # replay: noether session.noe    verify: noether check session.noe
///
/// x = 2
///
/// x * 21
/// #=> 42
/// ```
public enum SessionScript {
    /// The prefix of a recorded output line.
    public static let outputPrefix = "#=>"
    /// The first words of the header line `save` writes (dropped when a saved file is
    /// read back, so saving a replayed session does not stack headers).
    public static let headerPrefix = "# Noether "
    public static let replayPrefix = "# replay:"

    /// The header `save` writes.
    public static func header(version: String, date: String, blasThreads: Int) -> [String] {
        [
            "\(headerPrefix)\(version) session saved \(date), BLAS threads \(blasThreads)",
            "\(replayPrefix) noether FILE.noe    verify: noether check FILE.noe",
        ]
    }

    /// The text of a session file.
    public static func render(_ cells: [RecordedCell], header: [String]) -> String {
        var out = header.map { $0 + "\n" }.joined()
        for cell in cells {
            out += "\n" + cell.text
            if !cell.text.hasSuffix("\n") { out += "\n" }
            for line in cell.output { out += outputLine(line) + "\n" }
        }
        return out
    }

    /// The prefix of a journal line holding a cell that failed (kept for the record,
    /// never replayed).
    public static let failedPrefix = "#✗"

    /// A failed cell as journal lines: its error, then its text, each line commented.
    public static func failedCellLines(text: String, error: String) -> [String] {
        ["\(failedPrefix) error: \(error)"]
            + text.split(separator: "\n", omittingEmptySubsequences: false).map { "\(failedPrefix) \($0)" }
    }

    static func isFailedCellLine(_ line: String) -> Bool {
        line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix(failedPrefix)
    }

    /// `#=> text`, or `#=>` for an empty line.
    public static func outputLine(_ line: String) -> String {
        line.isEmpty ? outputPrefix : "\(outputPrefix) \(line)"
    }

    /// The output lines of a value or `print` (multi-line summaries split at newlines).
    public static func lines(of printed: String) -> [String] {
        printed.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Whether `line` (without its newline) records an output, and its content.
    static func recordedOutput(_ line: String) -> String? {
        let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
        guard trimmed.hasPrefix(outputPrefix) else { return nil }
        var content = trimmed.dropFirst(outputPrefix.count)
        if content.first == " " { content = content.dropFirst() }
        var text = String(content)
        if text.hasSuffix("\r") { text.removeLast() }
        return text
    }
}
