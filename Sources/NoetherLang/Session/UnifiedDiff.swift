/// Line diffs in the unified format (`diff -u`), small and exact: a longest common
/// subsequence over the lines of one cell's output, which is short.
public enum UnifiedDiff {
    public enum Line: Equatable, Sendable {
        case same(String)
        case removed(String)
        case added(String)
    }

    /// The edit script turning `old` into `new`, in order. O(old·new) time and memory.
    public static func lines(_ old: [String], _ new: [String], equal: (String, String) -> Bool = { $0 == $1 }) -> [Line]
    {
        let n = old.count
        let m = new.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = equal(old[i], new[j]) ? lcs[i + 1][j + 1] + 1 : Swift.max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var out = [Line]()
        var i = 0
        var j = 0
        while i < n || j < m {
            if i < n && j < m && equal(old[i], new[j]) {
                out.append(.same(old[i]))
                i += 1
                j += 1
            } else if i < n && (j == m || lcs[i + 1][j] >= lcs[i][j + 1]) {
                out.append(.removed(old[i]))
                i += 1
            } else {
                out.append(.added(new[j]))
                j += 1
            }
        }
        return out
    }

    /// One hunk: `@@ -oldStart,oldCount +newStart,newCount @@ title` and its lines
    /// prefixed with ' ', '-' or '+'. An empty side starts one line earlier, as
    /// `diff -u` writes it.
    public static func hunk(_ edits: [Line], oldStart: Int, newStart: Int, title: String = "") -> String {
        let oldCount = edits.filter { if case .added = $0 { false } else { true } }.count
        let newCount = edits.filter { if case .removed = $0 { false } else { true } }.count
        func range(_ start: Int, _ count: Int) -> String {
            count == 0 ? "\(start - 1),0" : (count == 1 ? "\(start)" : "\(start),\(count)")
        }
        var out =
            "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\(title.isEmpty ? "" : " " + title)\n"
        for e in edits {
            switch e {
            case .same(let s): out += " \(s)\n"
            case .removed(let s): out += "-\(s)\n"
            case .added(let s): out += "+\(s)\n"
            }
        }
        return out
    }
}
