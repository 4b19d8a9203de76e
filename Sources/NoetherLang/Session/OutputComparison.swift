/// How close two recorded numbers must be: |a − b| ≤ max(atol, rtol·max(|a|, |b|)).
public struct Tolerance: Sendable, Equatable {
    public var rtol: Double
    public var atol: Double

    public init(rtol: Double = 1e-9, atol: Double = 0) {
        self.rtol = rtol
        self.atol = atol
    }

    public static let standard = Tolerance()

    /// Whether two numbers agree: equal (infinities of one sign included), both nan,
    /// or finite and within tolerance.
    public func accepts(_ a: Double, _ b: Double) -> Bool {
        if a == b || (a.isNaN && b.isNaN) { return true }
        guard a.isFinite && b.isFinite else { return false }
        return Swift.abs(a - b) <= Swift.max(atol, rtol * Swift.max(Swift.abs(a), Swift.abs(b)))
    }

    /// A trailing `(rtol=1e-3)`, `(atol=1e-12)` or `(rtol=…, atol=…)` note on a recorded
    /// output line: the line without it, and the tolerance (unnamed parts keep the
    /// standard values). nil when the line has no such note.
    /// Whether `line` ends in what is meant as a tolerance note, `(rtol=…)` or
    /// `(atol=…)`, well-formed or not.
    public static func looksLikeNote(_ line: String) -> Bool {
        guard line.hasSuffix(")"), let paren = line.range(of: " (", options: .backwards) else { return false }
        let inside = line[paren.upperBound...]
        return inside.hasPrefix("rtol") || inside.hasPrefix("atol")
    }

    public static func parseNote(_ line: String) -> (String, Tolerance)? {
        guard line.hasSuffix(")"), let paren = line.lastIndex(of: "("), paren > line.startIndex,
            line[line.index(before: paren)] == " "
        else { return nil }
        let inside = line[line.index(after: paren)..<line.index(before: line.endIndex)]
        var t = Tolerance.standard
        for part in inside.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingSpaces }
            guard pair.count == 2, let x = Double(pair[1]), x.isFinite, x >= 0 else { return nil }
            switch pair[0] {
            case "rtol": t.rtol = x
            case "atol": t.atol = x
            default: return nil
            }
        }
        return (String(line[..<line.index(before: paren)]), t)
    }
}

/// Compares recorded output with replayed output: text exactly, numbers within a
/// tolerance. A line is cut into text and number tokens (`12`, `-0.5`, `1e-05`,
/// `nan`, `inf`; digits inside names like `C0` are text); two lines agree when they
/// have the same tokens with numbers within tolerance. Runs of spaces compare equal
/// whatever their length, since a table realigns when a number's width changes.
public enum OutputComparison {
    enum Piece: Equatable {
        case text(String)
        case number(Double)
    }

    public static func match(_ expected: [String], _ actual: [String], tolerance: Tolerance) -> Bool {
        expected.count == actual.count && zip(expected, actual).allSatisfy { linesMatch($0, $1, tolerance: tolerance) }
    }

    public static func linesMatch(_ expected: String, _ actual: String, tolerance: Tolerance) -> Bool {
        if expected == actual { return true }
        let e = pieces(expected)
        let a = pieces(actual)
        guard e.count == a.count else { return false }
        for (x, y) in zip(e, a) {
            switch (x, y) {
            case (.text(let s), .text(let t)): if s != t { return false }
            case (.number(let u), .number(let v)): if !tolerance.accepts(u, v) { return false }
            default: return false
            }
        }
        return true
    }

    /// The tokens of a line; whitespace runs become one space.
    static func pieces(_ line: String) -> [Piece] {
        let chars = Array(line.unicodeScalars)
        var out = [Piece]()
        var text = ""
        func flush() {
            if !text.isEmpty {
                out.append(.text(text))
                text = ""
            }
        }
        func isDigit(_ i: Int) -> Bool {
            i < chars.count && chars[i].properties.numericType == .decimal && chars[i].isASCII
        }
        func isWordChar(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || c == "_" || (c.isASCII && c.properties.numericType == .decimal)
        }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" {
                while i < chars.count && (chars[i] == " " || chars[i] == "\t") { i += 1 }
                text += " "
                continue
            }
            if c.properties.isAlphabetic || c == "_" {
                var word = ""
                while i < chars.count && isWordChar(chars[i]) {
                    word.unicodeScalars.append(chars[i])
                    i += 1
                }
                if word == "nan" || word == "inf" {
                    if word == "inf", text.hasSuffix("-"),
                        !(text.dropLast().last.map { $0.isLetter || $0.isNumber } ?? false)
                    {
                        text.removeLast()
                        flush()
                        out.append(.number(-.infinity))
                    } else {
                        flush()
                        out.append(.number(word == "nan" ? .nan : .infinity))
                    }
                } else {
                    text += word
                }
                continue
            }
            // A number: digits, or '.' then a digit, optionally after a sign that does
            // not follow a word, a number or a closing bracket.
            var j = i
            if (c == "-" || c == "+")
                && (isDigit(i + 1) || (i + 2 < chars.count && chars[i + 1] == "." && isDigit(i + 2)))
            {
                let previous = i > 0 ? chars[i - 1] : " "
                if !(isWordChar(previous) || previous == ")" || previous == "]" || previous == ".") { j = i + 1 }
            }
            if isDigit(j) || (j < chars.count && chars[j] == "." && isDigit(j + 1)) {
                var k = j
                while isDigit(k) { k += 1 }
                if k < chars.count && chars[k] == "." {
                    k += 1
                    while isDigit(k) { k += 1 }
                }
                if k < chars.count && (chars[k] == "e" || chars[k] == "E") {
                    var m = k + 1
                    if m < chars.count && (chars[m] == "+" || chars[m] == "-") { m += 1 }
                    if isDigit(m) {
                        while isDigit(m) { m += 1 }
                        k = m
                    }
                }
                var literal = ""
                for s in chars[i..<k] { literal.unicodeScalars.append(s) }
                if let x = Double(literal) {
                    flush()
                    out.append(.number(x))
                    i = k
                    continue
                }
            }
            text.unicodeScalars.append(c)
            i += 1
        }
        flush()
        return out
    }
}

extension Substring {
    var trimmingSpaces: String {
        String(drop(while: { $0 == " " }).reversed().drop(while: { $0 == " " }).reversed())
    }
}
