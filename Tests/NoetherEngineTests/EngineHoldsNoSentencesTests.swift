import Foundation
import Testing

/// The engine holds numbers and typed values only (issue 14): no sentence meant for
/// users and no language spelling. Its errors are data that NoetherLang words
/// (`Objects/EngineWording/`). This test reads the engine's sources and fails on a
/// string literal that reads like a sentence (three words or more) outside the
/// developers' messages of `precondition`, `assert` and `fatalError`.
@Suite("Engine holds no sentences")
struct EngineHoldsNoSentencesTests {
    /// Literals that are data, not words for users: zlib's own messages, which the
    /// gzip reader maps to typed problems.
    static let allowed: Set<String> = [
        "incorrect data check", "incorrect length check", "incorrect header check",
    ]

    @Test func noSentenceOutsideDevelopersMessages() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/NoetherEngine")
        let files = FileManager.default.enumerator(atPath: root.path)!.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".swift") }.sorted()
        #expect(files.count > 40, "the engine's sources were not found at \(root.path)")
        var offenders: [String] = []
        for file in files {
            let text = try String(contentsOf: root.appendingPathComponent(file), encoding: .utf8)
            for literal in SwiftLiterals.userFacing(in: text) where Self.readsLikeASentence(literal.text) {
                if Self.allowed.contains(literal.text) { continue }
                offenders.append("\(file):\(literal.line): \"\(literal.text)\"")
            }
        }
        #expect(
            offenders.isEmpty,
            "sentences in NoetherEngine (word them in NoetherLang):\n\(offenders.joined(separator: "\n"))")
    }

    /// The scanner itself: what it must find and what it must skip.
    @Test func theScannerFindsSentencesAndSkipsDevelopersMessages() {
        let source = #"""
            // "a comment with many words in it"
            /* "a block comment with words" */
            precondition(x > 0, "x must be positive here")
            preconditionFailure("parameter index \(i) out of range")
            throw .invalidArgument("the matrix is not symmetric")
            let label = "gemm"
            let s = "value \(f("a b c")) is too large"
            """#
        let found = SwiftLiterals.userFacing(in: source).map(\.text).filter(Self.readsLikeASentence)
        #expect(found == ["the matrix is not symmetric", "value \\(…) is too large"])
    }

    /// Three or more words of letters separated by spaces.
    static func readsLikeASentence(_ s: String) -> Bool {
        s.split(separator: " ").filter { word in word.contains { $0.isLetter } }.count >= 3
    }
}

/// A minimal lexer of Swift string literals: skips comments and the arguments of
/// developer assertions; an interpolation's content reads as "\(…)".
enum SwiftLiterals {
    struct Literal {
        var text: String
        var line: Int
    }

    static let developerCalls: Set<String> = [
        "precondition", "preconditionFailure", "assert", "assertionFailure", "fatalError",
    ]

    static func userFacing(in source: String) -> [Literal] {
        let chars = Array(source)
        var i = 0
        var line = 1
        var found: [Literal] = []
        var skipDepth: Int? = nil  // paren depth at which a developer call's arguments end
        var depth = 0
        var pendingCall = false

        func peek(_ k: Int) -> Character? { i + k < chars.count ? chars[i + k] : nil }

        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1 }
            if c == "/" && peek(1) == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && peek(1) == "*" {
                i += 2
                while i < chars.count && !(chars[i] == "*" && peek(1) == "/") {
                    if chars[i] == "\n" { line += 1 }
                    i += 1
                }
                i += 2
                continue
            }
            if c == "#" || c == "\"" {
                let start = line
                if let (text, end, lines) = readString(chars, from: i) {
                    if skipDepth == nil { found.append(Literal(text: text, line: start)) }
                    line += lines
                    i = end
                    continue
                }
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count && (chars[j].isLetter || chars[j].isNumber || chars[j] == "_") { j += 1 }
                let word = String(chars[i..<j])
                pendingCall = skipDepth == nil && developerCalls.contains(word)
                i = j
                continue
            }
            if c == "(" {
                depth += 1
                if pendingCall { skipDepth = depth }
                pendingCall = false
            } else if c == ")" {
                if skipDepth == depth { skipDepth = nil }
                depth -= 1
            } else if !c.isWhitespace {
                pendingCall = false
            }
            i += 1
        }
        return found
    }

    /// A string literal (plain, raw `#"…"#`, or multi-line) starting at `from`: its
    /// text with interpolations as "\(…)", the index after it, and the newlines in it.
    static func readString(_ chars: [Character], from: Int) -> (String, Int, Int)? {
        var i = from
        var hashes = 0
        while i < chars.count && chars[i] == "#" {
            hashes += 1
            i += 1
        }
        guard i < chars.count, chars[i] == "\"" else { return nil }
        let multiline = i + 2 < chars.count && chars[i + 1] == "\"" && chars[i + 2] == "\""
        i += multiline ? 3 : 1
        let close = String(repeating: "\"", count: multiline ? 3 : 1) + String(repeating: "#", count: hashes)
        let closeChars = Array(close)
        let escape = "\\" + String(repeating: "#", count: hashes)
        let escapeChars = Array(escape)
        var text = ""
        var lines = 0
        while i < chars.count {
            if Array(chars[i..<min(i + closeChars.count, chars.count)]) == closeChars {
                return (text, i + closeChars.count, lines)
            }
            if Array(chars[i..<min(i + escapeChars.count, chars.count)]) == escapeChars {
                i += escapeChars.count
                if i < chars.count && chars[i] == "(" {
                    // Skip the interpolation, strings inside it included.
                    var level = 0
                    while i < chars.count {
                        if chars[i] == "\"", let (_, end, inner) = readString(chars, from: i) {
                            lines += inner
                            i = end
                            continue
                        }
                        if chars[i] == "(" { level += 1 }
                        if chars[i] == ")" {
                            level -= 1
                            if level == 0 {
                                i += 1
                                break
                            }
                        }
                        i += 1
                    }
                    text += "\\(…)"
                } else if i < chars.count {
                    text.append(chars[i])
                    i += 1
                }
                continue
            }
            if chars[i] == "\n" { lines += 1 }
            text.append(chars[i])
            i += 1
        }
        return nil
    }
}
