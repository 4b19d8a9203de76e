import NoetherEngine
import NoetherSyntax

/// A table operation's refusal, with the argument it is about (the builtin turns it
/// into a diagnostic at that argument).
public struct TableError: Error, Sendable {
    public let message: String
    public let argument: String?
    public let hint: String?
    /// The user stopped the operation.
    public let interrupted: Bool
    init(_ message: String, argument: String? = nil, hint: String? = nil, interrupted: Bool = false) {
        self.message = message
        self.argument = argument
        self.hint = hint
        self.interrupted = interrupted
    }
}

/// Filtering, grouping, sorting and joining. Every operation returns a new table
/// and keeps row order unless it says otherwise.
extension TableObject {
    /// The index of `name`, or an error naming the closest column.
    func requireColumn(_ name: String, argument: String) throws(TableError) -> Int {
        if let j = columnIndex(name) { return j }
        let hint = closestName(name, in: columns).map { "did you mean '\($0)'?" }
        throw TableError(
            "the table has no column '\(name)' (columns: \(columns.joined(separator: ", ")))",
            argument: argument, hint: hint)
    }

    /// Whether a cell equals a filter value: numbers within a relative 1e-9 (so a
    /// value typed back from a printout of `logspace` still matches), everything else
    /// structurally.
    static func cellMatches(_ cell: Value, _ value: Value) -> Bool {
        if case .number(let a) = cell, case .number(let b) = value {
            return a == b || abs(a - b) <= 1e-9 * Swift.max(abs(a), abs(b))
        }
        return Operators.equal(cell, value)
    }

    /// The rows whose cells equal every `(column, value)` filter.
    public func filtered(_ filters: [(column: String, value: Value)]) throws(TableError) -> TableObject {
        var indexed = [(Int, Value)]()
        for f in filters { indexed.append((try requireColumn(f.column, argument: f.column), f.value)) }
        let kept = rows.filter { row in indexed.allSatisfy { TableObject.cellMatches(row[$0.0], $0.1) } }
        return TableObject(columns: columns, rows: kept)
    }

    /// Rows ordered by the `by` columns (the first most significant), stable. Numbers
    /// order numerically with nan after them, strings lexicographically; missing cells
    /// always come last, in either direction.
    public func sorted(by keys: [String], descending: Bool) throws(TableError) -> TableObject {
        var indices = [Int]()
        for k in keys { indices.append(try requireColumn(k, argument: "by")) }
        let order = rows.indices.sorted { a, b in
            for j in indices {
                let c = TableObject.compare(rows[a][j], rows[b][j], descending: descending)
                if c != 0 { return c < 0 }
            }
            return a < b
        }
        return TableObject(columns: columns, rows: order.map { rows[$0] })
    }

    /// −1, 0 or 1; missing cells and nan sort last whatever the direction.
    static func compare(_ a: Value, _ b: Value, descending: Bool) -> Int {
        let ra = rank(a)
        let rb = rank(b)
        if ra != rb { return ra < rb ? -1 : 1 }
        let sign = descending ? -1 : 1
        switch (a, b) {
        case (.number(let x), .number(let y)):
            if x.isNaN || y.isNaN { return x.isNaN == y.isNaN ? 0 : (x.isNaN ? 1 : -1) }
            return x < y ? -sign : (x > y ? sign : 0)
        case (.string(let x), .string(let y)):
            return x < y ? -sign : (x > y ? sign : 0)
        case (.bool(let x), .bool(let y)):
            return x == y ? 0 : (!x ? -sign : sign)
        case (.list(let xs), .list(let ys)):
            for (x, y) in zip(xs, ys) {
                let c = compare(x, y, descending: descending)
                if c != 0 { return c }
            }
            return xs.count == ys.count ? 0 : (xs.count < ys.count ? -sign : sign)
        default:
            return 0
        }
    }

    private static func rank(_ v: Value) -> Int {
        switch v {
        case .number: 0
        case .string: 1
        case .bool: 2
        case .list: 3
        case .nothing: 5
        default: 4
        }
    }

    /// One row per distinct combination of the `by` columns (in sorted order), with,
    /// for each `mean` column, `<name>_mean` and `<name>_std` (population, ddof = 0)
    /// over the group's rows, then `count`: the rows used (a name already taken by a
    /// `by` column gets `_2`). A row is used when every
    /// `mean` column has a value there (failed sweep points are left out). Cells may
    /// be numbers or equal-length lists of numbers (averaged element-wise); nan
    /// propagates.
    public func grouped(by keys: [String], mean meanColumns: [String]) throws(TableError) -> TableObject {
        guard !keys.isEmpty else { throw TableError("'by' needs at least one column", argument: "by") }
        guard Set(keys).count == keys.count else { throw TableError("'by' names a column twice", argument: "by") }
        guard Set(meanColumns).count == meanColumns.count else {
            throw TableError("'mean' names a column twice", argument: "mean")
        }
        var keyIndices = [Int]()
        for k in keys { keyIndices.append(try requireColumn(k, argument: "by")) }
        var meanIndices = [Int]()
        for m in meanColumns {
            let j = try requireColumn(m, argument: "mean")
            if keys.contains(m) {
                throw TableError("'\(m)' is a grouping column and cannot be averaged", argument: "mean")
            }
            meanIndices.append(j)
        }
        // Groups in sorted key order.
        let sortedRows = try sorted(by: keys, descending: false).rows
        var groups = [[[Value]]]()
        for row in sortedRows {
            if let last = groups.last?.first, keyIndices.allSatisfy({ sameKey(last[$0], row[$0]) }) {
                groups[groups.count - 1].append(row)
            } else {
                groups.append([row])
            }
        }
        var outColumns = keys
        for name in meanColumns.flatMap({ ["\($0)_mean", "\($0)_std"] }) + ["count"] {
            outColumns.append(TableObject.uniqueName(name, avoiding: outColumns))
        }
        var outRows = [[Value]]()
        for group in groups {
            var out = keyIndices.map { group[0][$0] }
            let used = group.filter { row in meanIndices.allSatisfy { !row[$0].isNothing } }
            for (m, j) in zip(meanColumns, meanIndices) {
                let cells = used.map { $0[j] }
                let (mean, std) = try TableObject.meanAndStd(cells, column: m)
                out += [mean, std]
            }
            out.append(.number(Double(used.count)))
            outRows.append(out)
        }
        return TableObject(columns: outColumns, rows: outRows)
    }

    /// Grouping keys are the same when equal, or both nan.
    private func sameKey(_ a: Value, _ b: Value) -> Bool {
        if case .number(let x) = a, case .number(let y) = b, x.isNaN && y.isNaN { return true }
        return Operators.equal(a, b)
    }

    /// Mean and population std of numbers, or element-wise of equal-length number lists.
    static func meanAndStd(_ cells: [Value], column: String) throws(TableError) -> (Value, Value) {
        guard let first = cells.first else { return (.number(.nan), .number(.nan)) }
        if case .list(let items) = first {
            var columnsOfValues = [[Double]](repeating: [], count: items.count)
            for cell in cells {
                guard case .list(let xs) = cell, xs.count == items.count, let numbers = Value.list(xs).numbers else {
                    throw TableError(
                        "column '\(column)' mixes lists of different lengths or non-numbers; group can only average numbers",
                        argument: "mean")
                }
                for (k, x) in numbers.enumerated() { columnsOfValues[k].append(x) }
            }
            let stats = columnsOfValues.map { meanAndStandardDeviation($0) }
            return (.numbers(stats.map(\.mean)), .numbers(stats.map(\.standardDeviation)))
        }
        var numbers = [Double]()
        for cell in cells {
            guard case .number(let x) = cell else {
                throw TableError(
                    "column '\(column)' holds \(article(cell.typeName)) \(cell.typeName); group can only average numbers",
                    argument: "mean")
            }
            numbers.append(x)
        }
        let s = meanAndStandardDeviation(numbers)
        return (.number(s.mean), .number(s.standardDeviation))
    }

    /// The inner join: for each row of `self` (in order), each row of `other` whose
    /// `on` cells match (numbers within a relative 1e-9), one row with `self`'s
    /// columns then `other`'s other columns (a name already taken gets `_2`).
    /// Compares every pair: O(rows × other rows); `shouldStop` is asked before each row
    /// of `self` (Ctrl-C).
    public func joined(
        with other: TableObject, on keys: [String], maxCells: Int = 10_000_000,
        shouldStop: () -> Bool = { false }
    ) throws(TableError) -> TableObject {
        guard !keys.isEmpty else {
            throw TableError("the tables share no column to join on", argument: "on", hint: "name the columns with on=")
        }
        var left = [Int]()
        var right = [Int]()
        for k in keys {
            left.append(try requireColumn(k, argument: "on"))
            guard let j = other.columnIndex(k) else {
                throw TableError(
                    "the second table has no column '\(k)' (columns: \(other.columns.joined(separator: ", ")))",
                    argument: "on")
            }
            right.append(j)
        }
        let otherColumns = other.columns.indices.filter { !right.contains($0) }
        var names = columns
        for j in otherColumns { names.append(TableObject.uniqueName(other.columns[j], avoiding: names)) }
        // Count the result before building it: a many-to-many join grows as the
        // product of the tables, so it is held to the same 1e7-cell limit as any value
        // and to the memory budget before a row is allocated.
        var matches = 0
        for row in rows {
            if shouldStop() { throw TableError("interrupted", argument: nil, interrupted: true) }
            for o in other.rows where zip(left, right).allSatisfy({ TableObject.cellMatches(row[$0.0], o[$0.1]) }) {
                matches += 1
            }
        }
        let cells = MemoryBudget.product(matches, names.count)
        if cells > maxCells {
            throw TableError(
                "the join would have \(matches) rows × \(names.count) columns = \(cells) cells, over the limit of \(maxCells)",
                argument: "on", hint: "join on more columns, or filter the tables first")
        }
        if let free = MemoryBudget.available(), MemoryBudget.product(cells, 48) > free {
            throw TableError(
                MemoryBudget.message(
                    MemoryBudget.product(cells, 48), for: "the join (\(matches) rows)", free: free, instead: ""),
                argument: "on", hint: "join on more columns, or filter the tables first")
        }
        var out = [[Value]]()
        out.reserveCapacity(matches)
        for row in rows {
            if shouldStop() { throw TableError("interrupted", argument: nil, interrupted: true) }
            for o in other.rows where zip(left, right).allSatisfy({ TableObject.cellMatches(row[$0.0], o[$0.1]) }) {
                out.append(row + otherColumns.map { o[$0] })
            }
        }
        return TableObject(columns: names, rows: out)
    }

    /// `name`, or `name_2`, `name_3` … when taken.
    static func uniqueName(_ name: String, avoiding taken: [String]) -> String {
        guard taken.contains(name) else { return name }
        var k = 2
        while taken.contains("\(name)_\(k)") { k += 1 }
        return "\(name)_\(k)"
    }
}

func closestName(_ word: String, in names: [String]) -> String? {
    Suggestions.closest(to: word, in: names)
}
