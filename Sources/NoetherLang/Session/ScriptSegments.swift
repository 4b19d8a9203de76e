import NoetherSyntax

/// A saved script cut into the pieces `check` compares and a replayed session records.
///
/// A segment is a run of top-level statements ending where recorded output follows:
/// its statements' output is compared with every `#=> ` line between its last
/// statement and the next statement. Statements that printed nothing when recorded
/// join the segment after them, so one cell of several statements (`a = 1; a`), or a
/// cell whose first statements printed nothing, compare as one.
public struct ScriptSegment: Sendable {
    /// The segment's statements: a slice of the program's (no array of its own).
    public var statements: ArraySlice<Statement>
    /// The segment's source text without `#=> ` lines, header lines and surrounding
    /// blank lines: comments and `## ` prose are kept. Put together when first asked for
    /// (a replayed script records it; a plain batch run of a million statements never asks).
    public var text: String {
        get { textSource.text }
        set { textSource = .literal(newValue) }
    }
    private(set) var textSource: TextSource
    /// The recorded output lines (without the `#=> ` prefix and tolerance note).
    public var expected: [String]
    /// The 1-based line of the first recorded output line, or the line after the last
    /// statement when nothing was recorded (where output would go).
    public var outputLine: Int
    /// A per-cell tolerance written `#=> … (rtol=1e-3)` on one of its output lines.
    public var tolerance: Tolerance?
    /// The line of a tolerance note that does not parse (`(rtol=abc)`), refused by `check`.
    public var malformedNoteLine: Int?

    init(
        statements: ArraySlice<Statement>, lines: SourceLines, from first: Int, through last: Int, expected: [String],
        outputLine: Int, tolerance: Tolerance?, malformedNoteLine: Int? = nil
    ) {
        self.statements = statements
        self.textSource = .lines(lines, first, last)
        self.expected = expected
        self.outputLine = outputLine
        self.tolerance = tolerance
        self.malformedNoteLine = malformedNoteLine
    }

    /// How to cut a script.
    public enum Mode: Sendable {
        /// Segments end where recorded output follows (what `check` compares).
        case byOutput
        /// Every statement is a segment, except that statements sharing a line stay
        /// together (what a replayed script records as cells, so an error keeps the
        /// cells before it).
        case byStatement
    }

    /// Cuts `source` (already parsed into `program`) into segments.
    public static func split(_ source: SourceFile, _ program: Program, mode: Mode = .byOutput) -> [ScriptSegment] {
        let lines = SourceLines(source)
        let statements = program.statements
        var segments = [ScriptSegment]()
        segments.reserveCapacity(mode == .byStatement ? statements.count : 16)
        var currentStart = 0  // the first statement of the current segment
        var textStart = 1  // first line of the current segment's text
        var startLine = 1  // a line at or before the statement's start (statements come in order)
        for (k, statement) in statements.enumerated() {
            let endLine = source.line(of: Swift.max(statement.range.start, statement.range.end - 1), from: startLine)
            let nextStart =
                k + 1 < statements.count
                ? source.line(of: statements[k + 1].range.start, from: endLine) : lines.count + 1
            startLine = Swift.min(nextStart, lines.count)
            // Recorded output between this statement and the next one closes the segment.
            var expected = [String]()
            var firstOutput: Int?
            var tolerance: Tolerance?
            var malformed: Int?
            if endLine + 1 < nextStart {
                for n in (endLine + 1)..<nextStart {
                    guard var content = SessionScript.recordedOutput(lines[n]) else { continue }
                    if let (stripped, t) = Tolerance.parseNote(content) {
                        content = stripped
                        tolerance = t
                    } else if Tolerance.looksLikeNote(content), malformed == nil {
                        malformed = n
                    }
                    if firstOutput == nil { firstOutput = n }
                    expected.append(content)
                }
            }
            let isLast = k == statements.count - 1
            let closes = firstOutput != nil || isLast || (mode == .byStatement && nextStart > endLine)
            guard closes else { continue }
            // The segment's text runs to its last output line (comments among the
            // outputs stay with it); what follows belongs to the next segment.
            var lastOutput = endLine
            if firstOutput != nil {
                for n in (endLine + 1)..<nextStart where SessionScript.recordedOutput(lines[n]) != nil {
                    lastOutput = n
                }
            }
            let textEnd = isLast ? lines.count : lastOutput
            segments.append(
                ScriptSegment(
                    statements: statements[currentStart...k], lines: lines, from: textStart, through: textEnd,
                    expected: expected, outputLine: firstOutput ?? endLine + 1, tolerance: tolerance,
                    malformedNoteLine: malformed))
            currentStart = k + 1
            textStart = lastOutput + 1
        }
        if statements.isEmpty {
            let text = lines.text(from: 1, through: lines.count)
            if !text.isEmpty {
                segments.append(
                    ScriptSegment(
                        statements: [], lines: lines, from: 1, through: lines.count, expected: [],
                        outputLine: lines.count + 1, tolerance: nil))
            }
        }
        return segments
    }
}

/// A text given, or lines of a source put together when asked for.
enum TextSource: Sendable {
    case literal(String)
    /// Lines first…last of the script.
    case lines(SourceLines, Int, Int)

    var text: String {
        switch self {
        case .literal(let text): return text
        case .lines(let lines, let first, let last): return lines.text(from: first, through: last)
        }
    }
}

/// The lines of a source, 1-based, with the session header recognised. A line's
/// text is cut from the source when asked for (a million-line script is not split
/// into a million strings); shared by every segment of the source (a class: one
/// reference each).
final class SourceLines: Sendable {
    private let source: SourceFile
    let count: Int
    /// Lines 1…headerLines are the header `save` wrote.
    private let headerLines: Int

    init(_ source: SourceFile) {
        self.source = source
        count = source.lineCount
        var h = 0
        let first = count >= 1 ? source.lineText(1) : ""
        if first.hasPrefix(SessionScript.headerPrefix), first.contains(" session saved ") || first.contains(" journal ")
        {
            h = 1
            if count > 1, source.lineText(2).hasPrefix(SessionScript.replayPrefix) { h = 2 }
        }
        headerLines = h
    }

    subscript(line: Int) -> String { line >= 1 && line <= count ? source.lineText(line) : "" }

    /// Lines first…last without recorded output, failed-cell and header lines, blank lines at
    /// either end trimmed, joined with newlines.
    func text(from first: Int, through last: Int) -> String {
        let lo = Swift.max(first, headerLines + 1)
        let hi = Swift.min(last, count)
        guard lo <= hi else { return "" }
        func blank(_ line: String) -> Bool { line.allSatisfy { $0 == " " || $0 == "\t" } }
        if lo == hi {  // the common case of one line, without the arrays below
            let line = source.lineText(lo)
            if SessionScript.recordedOutput(line) != nil || SessionScript.isFailedCellLine(line) { return "" }
            return blank(line) ? "" : line
        }
        var kept = [String]()
        for n in lo...hi {
            let line = source.lineText(n)
            if SessionScript.recordedOutput(line) != nil || SessionScript.isFailedCellLine(line) { continue }
            kept.append(line)
        }
        // Trim blank lines at both ends by index (removeFirst in a loop is quadratic).
        guard let first = kept.firstIndex(where: { !blank($0) }), let last = kept.lastIndex(where: { !blank($0) })
        else { return "" }
        return kept[first...last].joined(separator: "\n")
    }
}
