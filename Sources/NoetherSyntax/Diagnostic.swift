/// A message about a position in the source: an error the user can fix.
///
/// Messages follow one catalogue style: lowercase, no final period, names quoted
/// with '…'. The renderer turns offsets into `file:line:col`.
public struct Diagnostic: Error, Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// The text is not a valid program (exit status 65 in batch).
        case syntax
        /// Evaluation failed: unknown name, wrong argument, engine refusal (exit 1).
        case runtime
        /// A file named by the script does not exist (exit 66 in batch).
        case missingFile
        /// The user stopped the command (exit 130).
        case interrupted
        /// A bug in Noether, never the user's fault (exit 70).
        case internalError
    }

    public var kind: Kind
    public var message: String
    /// Where it happened; `nil` when no position applies.
    public var range: SourceRange?
    /// A short hint printed under the caret, e.g. "did you mean 'steps'?".
    public var hint: String?
    /// Further notes printed after the snippet.
    public var notes: [String]
    /// The source the range refers to, when it is not the one being run (a function
    /// declared in an earlier cell); the renderer prefers it.
    public var file: SourceFile?

    public init(
        _ kind: Kind = .runtime, _ message: String, at range: SourceRange? = nil,
        hint: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.message = message
        self.range = range
        self.hint = hint
        self.notes = notes
    }
}

/// Renders diagnostics in the one house format:
///
/// ```
/// drift.noe:3:30: error: unknown argument 'step' in call to 'train'
///   |
/// 3 | run = train(net, data, opt, step=2000)
///   |                             ^~~~ did you mean 'steps'?
/// ```
public enum DiagnosticRenderer {
    public static func render(_ d: Diagnostic, in source: SourceFile?) -> String {
        let label = d.kind == .internalError ? "internal error" : "error"
        let source = d.file ?? source
        guard let source, let range = d.range else {
            var out = "\(source.map { "\($0.name): " } ?? "")\(label): \(d.message)"
            if let hint = d.hint { out += " (\(hint))" }
            for note in d.notes { out += "\n  note: \(note)" }
            return out
        }
        let (line, column) = source.location(of: range.start)
        let endLocation = source.location(of: range.end)
        let lineText = source.lineText(line).replacingTabs()
        let gutter = String(repeating: " ", count: String(line).count)
        let width: Int
        if endLocation.line == line {
            width = Swift.max(1, endLocation.column - column)
        } else {
            width = Swift.max(1, lineText.count - column + 1)
        }
        var marker = String(repeating: " ", count: column - 1) + "^" + String(repeating: "~", count: width - 1)
        if let hint = d.hint { marker += " " + hint }
        var out = "\(source.name):\(line):\(column): \(label): \(d.message)\n"
        out += "\(gutter) |\n"
        out += "\(line) | \(lineText)\n"
        out += "\(gutter) | \(marker)"
        for note in d.notes { out += "\n\(gutter) = note: \(note)" }
        return out
    }
}

extension String {
    fileprivate func replacingTabs() -> String {
        var s = ""
        for c in self { s.append(c == "\t" ? " " : c) }
        return s
    }
}

/// "Did you mean" suggestions: the closest candidate by edit distance, when it is
/// close enough (distance ≤ max(1, len/3), or one is a prefix of the other).
public enum Suggestions {
    public static func closest(to word: String, in candidates: some Sequence<String>) -> String? {
        // Names longer than this are not typos of a name; skipping them keeps the
        // quadratic distance cheap on garbage input.
        guard word.utf8.count <= 64 else { return nil }
        let w = Array(word.lowercased())
        var best: (String, Int)?
        for candidate in candidates where candidate.utf8.count <= 64 {
            let c = Array(candidate.lowercased())
            let d = editDistance(w, c)
            let limit = Swift.max(1, Swift.min(w.count, c.count) / 3)
            let prefix = w.count >= 3 && (c.starts(with: w) || w.starts(with: c))
            guard d <= limit || prefix else { continue }
            if best == nil || d < best!.1 || (d == best!.1 && candidate < best!.0) { best = (candidate, d) }
        }
        return best?.0
    }

    /// Damerau–Levenshtein distance (optimal string alignment: adjacent swaps cost 1).
    public static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var d = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { d[i][0] = i }
        for j in 0...b.count { d[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                d[i][j] = Swift.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    d[i][j] = Swift.min(d[i][j], d[i - 2][j - 2] + 1)
                }
            }
        }
        return d[a.count][b.count]
    }
}
