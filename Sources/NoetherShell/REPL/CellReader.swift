import NoetherSyntax

/// What a line editor gives back for one prompt.
public enum LineInput: Sendable, Equatable {
    /// A line as entered; a bracketed paste or a recalled multi-line cell may hold
    /// several lines separated by `\n`.
    case line(String)
    /// Ctrl-C at the prompt.
    case interrupt
    /// Ctrl-D on an empty line, or the end of the input.
    case end
}

/// What the REPL runs next.
public enum CellInput: Sendable, Equatable {
    case cell(String)
    /// Ctrl-C: the cell being typed, and any pasted lines not run yet, are dropped.
    case cancelled
    case end
}

/// Assembles cells from lines, the REPL's continuation rule in one place:
///
/// - a cell continues while a bracket, brace or string is open
///   (`Lexer.needsContinuation`), each further line read at the continuation prompt;
/// - text holding several lines (a bracketed paste, a multi-line cell recalled from
///   history) is split and fed line by line, exactly as if typed: each complete
///   statement becomes its own cell, a statement spanning lines stays one;
/// - blank lines between cells are skipped;
/// - Ctrl-C drops the partial cell and the rest of a paste;
/// - the end of input inside a cell submits what there is (the parser then says
///   what is unclosed); at a fresh prompt it ends the session.
public struct CellReader: Sendable {
    /// Lines of a paste not consumed yet.
    public private(set) var pending: [String] = []

    public init() {}

    /// Reads the next cell. `read` shows a prompt and returns the user's input; its
    /// argument is the cell typed so far (`nil` at a fresh prompt), for the
    /// continuation prompt and for completion.
    public mutating func next(_ read: (_ partial: String?) -> LineInput) -> CellInput {
        var text: String?
        while true {
            let input: LineInput
            if pending.isEmpty {
                input = read(text)
            } else {
                input = .line(pending.removeFirst())
            }
            switch input {
            case .interrupt:
                pending = []
                return .cancelled
            case .end:
                if let text { return .cell(text) }
                return .end
            case .line(let raw):
                var lines = Self.lines(of: raw)
                let first = lines.removeFirst()
                pending = lines + pending
                if let partial = text {
                    text = partial + "\n" + first
                } else if Self.isBlank(first) {
                    continue
                } else {
                    text = first
                }
                if let complete = text, !Lexer.needsContinuation(complete) {
                    return .cell(complete)
                }
            }
        }
    }

    /// The lines of `text`, with `\r\n` and lone `\r` (some terminals' paste) as newlines.
    static func lines(of text: String) -> [String] {
        var out: [String] = [""]
        var previousCR = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                if !previousCR { out.append("") }
                previousCR = false
            } else if scalar == "\r" {
                out.append("")
                previousCR = true
            } else {
                out[out.count - 1].unicodeScalars.append(scalar)
                previousCR = false
            }
        }
        return out
    }

    static func isBlank(_ line: String) -> Bool {
        line.allSatisfy { $0 == " " || $0 == "\t" }
    }
}
