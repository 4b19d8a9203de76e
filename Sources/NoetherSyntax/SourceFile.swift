/// A half-open range of UTF-8 byte offsets into a source text.
public struct SourceRange: Sendable, Equatable, Hashable {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = Swift.max(start, end)
    }
    /// The smallest range covering both.
    public func union(_ other: SourceRange) -> SourceRange {
        SourceRange(Swift.min(start, other.start), Swift.max(end, other.end))
    }
}

/// A named source text. Positions are UTF-8 offsets everywhere; line and column
/// exist only when a diagnostic is rendered (`location(of:)`).
public struct SourceFile: Sendable, Equatable {
    /// The name shown in diagnostics: a path, `<-e>`, `<stdin>`, `cell 3` ….
    public let name: String
    public let text: String
    public let utf8: [UInt8]
    private let lineStarts: [Int]

    public static func == (lhs: SourceFile, rhs: SourceFile) -> Bool { lhs.name == rhs.name && lhs.text == rhs.text }

    public init(name: String, text: String) {
        self.name = name
        self.text = text
        self.utf8 = Array(text.utf8)
        var starts = [0]
        for (i, byte) in utf8.enumerated() where byte == UInt8(ascii: "\n") { starts.append(i + 1) }
        self.lineStarts = starts
    }

    /// The 1-based line of a UTF-8 offset (a binary search; no text is decoded).
    public func line(of offset: Int) -> Int { lineIndex(of: clamp(offset)) + 1 }

    /// `offset` within 0…utf8.count.
    private func clamp(_ offset: Int) -> Int { Swift.min(Swift.max(offset, 0), utf8.count) }

    /// The 0-based index of the line holding `clamped` (an offset within the text):
    /// the last line start at or before it.
    private func lineIndex(of clamped: Int) -> Int {
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= clamped { lo = mid } else { hi = mid - 1 }
        }
        return lo
    }

    /// The 1-based line of a UTF-8 offset at or after the start of line `hint`:
    /// searched forward from there (offsets visited in order cost O(lines) in all,
    /// not a binary search each), or by `line(of:)` when the hint is past it.
    public func line(of offset: Int, from hint: Int) -> Int {
        let clamped = Swift.min(Swift.max(offset, 0), utf8.count)
        var lo = Swift.max(0, Swift.min(hint, lineStarts.count) - 1)
        guard lineStarts[lo] <= clamped else { return line(of: offset) }
        while lo + 1 < lineStarts.count && lineStarts[lo + 1] <= clamped { lo += 1 }
        return lo + 1
    }

    /// How many lines the text has; a final newline does not start another one.
    public var lineCount: Int {
        utf8.last == UInt8(ascii: "\n") || utf8.isEmpty ? lineStarts.count - 1 : lineStarts.count
    }

    /// 1-based line and column (column counted in characters) of a UTF-8 offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let clamped = clamp(offset)
        let lo = lineIndex(of: clamped)
        let lineStart = lineStarts[lo]
        let prefix = String(decoding: utf8[lineStart..<clamped], as: UTF8.self)
        return (lo + 1, prefix.count + 1)
    }

    /// The text of 1-based line `line`, without its newline.
    public func lineText(_ line: Int) -> String {
        guard line >= 1 && line <= lineStarts.count else { return "" }
        let start = lineStarts[line - 1]
        var end = line < lineStarts.count ? lineStarts[line] - 1 : utf8.count
        if end > start && utf8[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return String(decoding: utf8[start..<Swift.max(start, end)], as: UTF8.self)
    }

    /// The source text of a range.
    public func text(of range: SourceRange) -> String {
        let s = Swift.min(Swift.max(range.start, 0), utf8.count)
        let e = Swift.min(Swift.max(range.end, s), utf8.count)
        return String(decoding: utf8[s..<e], as: UTF8.self)
    }
}
