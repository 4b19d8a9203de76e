/// A table: named columns over rows of values, the result of `sweep` and the
/// input of `where`, `group`, `sort`, `join`, `export` and plots.
///
/// Row-major storage; every row has exactly `columns.count` cells. A cell may hold
/// any value (numbers, strings, booleans, lists, records, objects); a missing cell
/// (a failed sweep point's result, a column absent from some records) is `nothing`.
public struct TableObject: NoetherObject {
    public let columns: [String]
    public let rows: [[Value]]

    /// Contract: every row has `columns.count` cells and column names are distinct
    /// (constructors that take user input check this first).
    public init(columns: [String], rows: [[Value]]) {
        precondition(rows.allSatisfy { $0.count == columns.count }, "table row width differs from its columns")
        precondition(Set(columns).count == columns.count, "duplicate table column")
        self.columns = columns
        self.rows = rows
    }

    public static let typeName = "table"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("COLUMN", "any column by name, as a list: t.lr, t.drift (t[\"lr\"] also works)")
    ]

    public var fieldNames: [String] { columns }

    public func field(_ name: String) -> Value? { column(name) }

    public func columnIndex(_ name: String) -> Int? { columns.firstIndex(of: name) }

    /// A column as a list, or nil when there is no such column.
    public func column(_ name: String) -> Value? {
        guard let j = columnIndex(name) else { return nil }
        return .list(rows.map { $0[j] })
    }

    /// Row `i` as a record of column names to cells.
    public func record(at i: Int) -> Record {
        Record(Array(zip(columns, rows[i])).map { (name: $0.0, value: $0.1) })
    }

    /// Every row as a record (what `for row in t` iterates over).
    public var rowRecords: [Value] { rows.indices.map { .record(record(at: $0)) } }

    public var json: JSONValue {
        .array(rows.map { row in .object(zip(columns, row).map { ($0.0, $0.1.json) }) })
    }
}

extension TableObject {
    /// The table of a list of records: columns are the union of their fields in the
    /// order first seen; a record without a field gives `nothing` there.
    public static func fromRecords(_ records: [Record]) -> TableObject {
        var columns = [String]()
        var seen = Set<String>()
        for r in records {
            for f in r.fields where !seen.contains(f.name) {
                seen.insert(f.name)
                columns.append(f.name)
            }
        }
        let rows = records.map { r in columns.map { r[$0] ?? .nothing } }
        return TableObject(columns: columns, rows: rows)
    }
}
