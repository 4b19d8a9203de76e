/// Wraps text for a terminal `width` columns wide, at spaces, never inside a word (a
/// word longer than the width stays whole on its own line). A continuation line is
/// indented like the text it continues: under the second column of a two-column row
/// (`  train   Trains a network …`, as `help` lists builtins), else under the line's
/// first non-space character. Lines that fit are left as they are; so is everything
/// when `width` is under 20 columns.
public func wrapText(_ text: String, width: Int) -> String {
    guard width >= 20 else { return text }
    return text.split(separator: "\n", omittingEmptySubsequences: false)
        .flatMap { wrapLine(Array($0), width: width) }
        .joined(separator: "\n")
}

private func wrapLine(_ line: [Character], width: Int) -> [String] {
    guard line.count > width else { return [String(line)] }
    let leading = line.firstIndex { $0 != " " } ?? 0
    // The second column: text after a run of two or more spaces, in the first half.
    var hang = leading
    var k = leading + 1
    while k + 2 < line.count, k < width / 2 {
        if line[k] == " " && line[k + 1] == " " && line[k - 1] != " " {
            var j = k
            while j < line.count && line[j] == " " { j += 1 }
            if j < width / 2 && j < line.count { hang = j }
            break
        }
        k += 1
    }
    var out = [String]()
    var rest = line
    var indent = 0
    while indent + rest.count > width {
        let limit = width - indent
        // The last space at or before the limit that ends a word past the indentation.
        var cut = -1
        var i = Swift.min(limit, rest.count - 1)
        let floor = out.isEmpty ? hang : 0
        while i > floor {
            if rest[i] == " " && rest[i - 1] != " " {
                cut = i
                break
            }
            i -= 1
        }
        if cut < 0 {
            // A word longer than the line: keep it whole, break at the next space.
            guard let next = rest.indices.dropFirst(Swift.max(limit, floor)).first(where: { rest[$0] == " " })
            else { break }
            cut = next
        }
        out.append(String(repeating: " ", count: indent) + String(rest[..<cut]))
        rest = Array(rest[cut...].drop { $0 == " " })
        indent = hang
        if rest.isEmpty { break }
    }
    if !rest.isEmpty { out.append(String(repeating: " ", count: indent) + String(rest)) }
    return out
}
