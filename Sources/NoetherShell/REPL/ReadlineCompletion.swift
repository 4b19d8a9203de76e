/// Fits `Completer`'s answer to readline's notion of the word being completed.
///
/// Readline finds the word itself (from its word-break characters and `"`), and
/// replaces exactly that word with the match. The completer sees the whole cell
/// and may start its word elsewhere; this shifts the candidates so they replace
/// readline's word. Paths lose their trailing `/`: readline, told the matches are
/// file names, adds it (and the closing quote after a file) itself.
enum ReadlineCompletion {
    struct Words: Equatable {
        var words: [String]
        var isPath: Bool
    }

    /// - Parameters:
    ///   - line: the current line up to the cursor.
    ///   - partial: the cell's earlier lines ("" at a fresh prompt).
    ///   - readlineStart: UTF-8 offset in `line` where readline's word starts.
    static func candidates(line: String, partial: String, readlineStart: Int, context: CompletionContext) -> Words {
        let full = partial.isEmpty ? line : partial + "\n" + line
        let completion = Completer.complete(full, in: context)
        let isPath = completion.kind == .path
        let bytes = Array(line.utf8)
        let ourStart = completion.start - (full.utf8.count - bytes.count)
        guard ourStart >= 0, readlineStart >= 0, readlineStart <= bytes.count, ourStart <= bytes.count else {
            return Words(words: [], isPath: isPath)
        }
        var words = completion.candidates
        if ourStart < readlineStart {
            let prefix = String(decoding: bytes[ourStart..<readlineStart], as: UTF8.self)
            words = words.filter { $0.utf8.starts(with: prefix.utf8) }
                .map { String(decoding: Array($0.utf8.dropFirst(prefix.utf8.count)), as: UTF8.self) }
        } else if ourStart > readlineStart {
            let prefix = String(decoding: bytes[readlineStart..<ourStart], as: UTF8.self)
            words = words.map { prefix + $0 }
        }
        if isPath { words = words.map { $0.hasSuffix("/") && $0.count > 1 ? String($0.dropLast()) : $0 } }
        return Words(words: words, isPath: isPath)
    }
}
