/// The history file's text format: one cell per line, so appends are single
/// writes and a damaged line costs one entry, never the file.
///
/// ```
/// #noether-history v1
/// data = gaussian_mixture(seed=1)
/// xs = [1,\n     2]
/// ```
///
/// In an entry `\` is written `\\`, a newline `\n`, a carriage return `\r`, and a
/// leading `#` `\#` (lines starting with `#` are the header or comments). Blank
/// lines are ignored. A line with another escape, a lone final `\` or bytes that
/// are not UTF-8 is damaged: it is skipped and counted.
enum HistoryFormat {
    static let header = "#noether-history v1"

    /// The line (without its newline) that stores `entry`.
    static func encode(_ entry: String) -> String {
        var out = ""
        out.reserveCapacity(entry.utf8.count + 8)
        for (i, scalar) in entry.unicodeScalars.enumerated() {
            switch scalar {
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "#" where i == 0: out += "\\#"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// The entry a line stores, or `nil` when the line is damaged.
    static func decode(_ line: String) -> String? {
        var out = ""
        var escaping = false
        for scalar in line.unicodeScalars {
            if escaping {
                switch scalar {
                case "\\": out += "\\"
                case "n": out += "\n"
                case "r": out += "\r"
                case "#": out += "#"
                default: return nil
                }
                escaping = false
            } else if scalar == "\\" {
                escaping = true
            } else if scalar == "\n" || scalar == "\r" {
                return nil
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return escaping ? nil : out
    }

    /// The entries of a whole file's bytes, in order, and how many lines were damaged.
    static func parse(_ bytes: [UInt8]) -> (entries: [String], damaged: Int) {
        var entries: [String] = []
        var damaged = 0
        for raw in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            var lineBytes = Array(raw)
            if lineBytes.last == UInt8(ascii: "\r") { lineBytes.removeLast() }
            guard let line = String(validating: lineBytes, as: UTF8.self) else {
                damaged += 1
                continue
            }
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) || line.hasPrefix("#") { continue }
            if let entry = decode(line) { entries.append(entry) } else { damaged += 1 }
        }
        return (entries, damaged)
    }

    /// A whole file holding `entries`.
    static func file(_ entries: [String]) -> String {
        var out = header + "\n"
        for e in entries { out += encode(e) + "\n" }
        return out
    }
}
