import NoetherSyntax

/// Building, filtering, grouping, sorting and joining tables.
enum TableBuiltins {
    static let all: [Builtin] = [table, columns, rows, where_, group, sort, join]

    static let table = Builtin(
        "table", category: "tables",
        abstract: "A table from a list of records (one per row) or from named columns.",
        discussion: """
            table([{lr=0.1, loss=2.3}, {lr=0.01, loss=1.9}]) takes columns from the records' fields
            (a record without a field leaves that cell empty); table(lr=[0.1, 0.01], loss=[2.3, 1.9])
            takes named columns of equal length.
            """,
        parameters: [Parameter("rows", .list(.any), .absent, help: "a list of records, one per row")],
        returns: "table",
        example: "t = table(lr=[0.1, 0.01, 0.001], drift=[3e-3, 2e-4, 1e-5])",
        extraArguments: ExtraArguments("column", .list(.any), help: "a column's values (all columns the same length)")
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        if try ctx.has("rows") {
            guard ctx.extras.isEmpty else {
                throw ctx.error(
                    "give either a list of records or named columns, not both", at: ctx.extras[0].labelRange)
            }
            var records = [Record]()
            for item in try ctx.list("rows") {
                guard case .record(let r) = item else {
                    throw ctx.error(
                        "'rows' must hold records like {lr=0.1, loss=2.3}, got \(article(item.typeName)) \(item.typeName)",
                        at: "rows")
                }
                records.append(r)
            }
            return .object(TableObject.fromRecords(records))
        }
        var names = [String]()
        var columns = [[Value]]()
        for e in ctx.extras {
            guard case .list(let items) = e.value else { continue }
            if let n = columns.first?.count, n != items.count {
                throw ctx.error("column '\(e.label)' has \(items.count) values but '\(names[0])' has \(n)", at: e.range)
            }
            names.append(e.label)
            columns.append(items)
        }
        let count = columns.first?.count ?? 0
        let rows = (0..<count).map { i in columns.map { $0[i] } }
        return .object(TableObject(columns: names, rows: rows))
    }

    static let columns = Builtin(
        "columns", category: "tables",
        abstract: "The column names of a table, in order.",
        parameters: [Parameter("table", .object("table"), help: "a table")],
        returns: "list",
        example: "columns(t)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        .list(try ctx.object("table", as: TableObject.self).columns.map { .string($0) })
    }

    static let rows = Builtin(
        "rows", category: "tables",
        abstract: "The rows of a table as a list of records (what `for row in t` iterates over).",
        parameters: [Parameter("table", .object("table"), help: "a table")],
        returns: "list",
        example: "rows(t)[0].lr"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        .list(try ctx.object("table", as: TableObject.self).rowRecords)
    }

    static let where_ = Builtin(
        "where", category: "tables",
        abstract: "The rows of a table whose columns equal the given values: where(t, diverged=false).",
        discussion: """
            Every column=value filter must hold. Numbers match within a relative 1e-9, so a value
            copied from a printout of logspace(…) finds its row; other values must be equal.
            Row order is kept.
            """,
        parameters: [Parameter("table", .object("table"), help: "the table to filter")],
        returns: "table",
        example: "where(t, lr=0.01)",
        extraArguments: ExtraArguments("column", .any, shownAs: "value", help: "the value the column must equal")
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let t = try ctx.object("table", as: TableObject.self)
        guard !ctx.extras.isEmpty else { throw ctx.error("'where' needs a filter such as diverged=false") }
        for e in ctx.extras where t.columnIndex(e.label) == nil {
            throw ctx.error(
                "the table has no column '\(e.label)'", at: e.labelRange,
                hint: closestName(e.label, in: t.columns).map { "did you mean '\($0)'?" })
        }
        return .object(
            try run(ctx) { () throws(TableError) in
                try t.filtered(ctx.extras.map { (column: $0.label, value: $0.value) })
            })
    }

    static let group = Builtin(
        "group", category: "tables",
        abstract: "Groups rows by columns and averages others: mean and standard deviation over the rest, and a count.",
        discussion: """
            One row per distinct value of the by columns, in sorted order, with for each column
            named in mean: NAME_mean, NAME_std (population, ddof=0) and count, the rows used.
            The average runs over every other axis: group(sweep(lr=…, seed=…) {…}, by="lr",
            mean="drift") averages over seeds. Rows whose mean columns are empty (failed sweep
            points) are left out. Cells may be numbers or equal-length lists of numbers (averaged
            element-wise); nan propagates. Without mean, every column holding numbers is averaged.
            """,
        parameters: [
            Parameter("table", .object("table"), help: "the table to group"),
            Parameter("by", .oneOf([.string, .list(.string)]), help: "the column (or list of columns) to group by"),
            Parameter("mean", .oneOf([.string, .list(.string)]), .absent, help: "the column(s) to average"),
        ],
        returns: "table",
        example: "group(table(lr=[1, 1, 2], drift=[0.1, 0.3, 0.5]), by=\"lr\", mean=\"drift\")"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let t = try ctx.object("table", as: TableObject.self)
        let by = try ctx.names("by") ?? []
        let means =
            try ctx.names("mean")
            ?? t.columns.indices.filter { j in
                !by.contains(t.columns[j]) && t.rows.contains { !$0[j].isNothing }
                    && t.rows.allSatisfy { row in
                        switch row[j] {
                        case .number, .nothing: true
                        case .list(let xs): Value.list(xs).numbers != nil
                        default: false
                        }
                    }
            }.map { t.columns[$0] }
        return .object(try run(ctx) { () throws(TableError) in try t.grouped(by: by, mean: means) })
    }

    static let sort = Builtin(
        "sort", category: "tables",
        abstract: "A table's rows ordered by columns, or a list's elements in order.",
        discussion: """
            Stable: rows that tie keep their order. Numbers sort numerically, strings
            alphabetically; nan and empty cells come last in either direction. by names the
            column, or a list of columns (the first decides, the next breaks ties).
            """,
        parameters: [
            Parameter("x", .oneOf([.object("table"), .list(.any)]), help: "a table or a list"),
            Parameter("by", .oneOf([.string, .list(.string)]), .absent, help: "the column(s) to sort a table by"),
            Parameter("descending", .bool, .value(.bool(false), text: "false"), help: "largest first"),
        ],
        returns: "table or list",
        example: "sort(t, by=\"drift\", descending=true)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let descending = try ctx.bool("descending")
        if case .list(let items) = try ctx.value("x")! {
            guard !(try ctx.has("by")) else { throw ctx.error("'by' applies to tables, not lists", at: "by") }
            let t = TableObject(columns: ["x"], rows: items.map { [$0] })
            return try run(ctx) { () throws(TableError) in try t.sorted(by: ["x"], descending: descending) }.column(
                "x")!
        }
        let t = try ctx.object("x", as: TableObject.self)
        guard let by = try ctx.names("by") else {
            throw ctx.error("sorting a table needs by=COLUMN", hint: "columns: \(t.columns.joined(separator: ", "))")
        }
        return .object(try run(ctx) { () throws(TableError) in try t.sorted(by: by, descending: descending) })
    }

    static let join = Builtin(
        "join", category: "tables",
        abstract: "The rows of two tables that agree on the given columns, side by side (an inner join).",
        discussion: """
            For each row of a, in order, every row of b with the same on values (numbers within a
            relative 1e-9) gives one row: a's columns, then b's other columns (a name already
            used gets the suffix _2). Without on, the tables join on every column they share.
            """,
        parameters: [
            Parameter("a", .object("table"), help: "the left table"),
            Parameter("b", .object("table"), help: "the right table"),
            Parameter("on", .oneOf([.string, .list(.string)]), .absent, help: "the column(s) to match"),
        ],
        returns: "table",
        example: "join(table(lr=[1, 2], a=[3, 4]), table(lr=[2, 1], b=[5, 6]), on=\"lr\")"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let a = try ctx.object("a", as: TableObject.self)
        let b = try ctx.object("b", as: TableObject.self)
        let on = try ctx.names("on") ?? a.columns.filter { b.columns.contains($0) }
        let interrupt = ctx.interpreter.interrupt
        return .object(
            try run(ctx) { () throws(TableError) in
                try a.joined(with: b, on: on, shouldStop: { interrupt.isRaised })
            })
    }

    /// Runs a table operation, turning its refusal into a diagnostic at the argument
    /// it names.
    static func run<T>(_ ctx: CallContext, _ body: () throws(TableError) -> T) throws(Diagnostic) -> T {
        do {
            return try body()
        } catch {
            if error.interrupted {
                ctx.interpreter.interrupt.clear()
                throw Diagnostic(.interrupted, "interrupted", at: ctx.range)
            }
            if let label = error.argument, let extra = ctx.extras.first(where: { $0.label == label }) {
                throw ctx.error(error.message, at: extra.labelRange, hint: error.hint)
            }
            throw ctx.error(
                error.message, at: error.argument.flatMap { ctx.values[$0] != nil ? $0 : nil }, hint: error.hint)
        }
    }
}
