import NoetherSyntax

/// One sweep, as data: the grid, the body, and a snapshot of every binding the body
/// can see. Each grid point is an independent unit of work — `evaluate(point:)` is a
/// function of the plan and the point's index only, evaluated in a fresh interpreter
/// — so points can run in any order, on any thread, or (later) as separate jobs whose
/// results `table(from:)` merges.
///
/// Grid order: the first axis varies slowest, like nested loops written in the order
/// of the axes: `sweep(a=[1, 2], b=[3, 4])` visits (1,3), (1,4), (2,3), (2,4).
public struct SweepPlan: Sendable {
    public struct Axis: Sendable {
        public let name: String
        public let values: [Value]
        public init(name: String, values: [Value]) {
            self.name = name
            self.values = values
        }
    }

    public let axes: [Axis]
    public let body: Block
    /// The file or cell the body was written in (for diagnostics and `fn` inside it).
    public let source: SourceFile
    /// The session's globals when the sweep started, and their order.
    public let globals: [String: Value]
    public let globalOrder: [String]
    /// Names bound in the blocks around the sweep call (a sweep inside a function
    /// sees the function's parameters).
    public let locals: [String: Value]
    public let registry: BuiltinRegistry
    public let baseDirectory: String?
    public let limits: Interpreter.Limits
    /// How deep in calls and in sweeps the sweep was started: limits on recursion
    /// hold across the points' fresh interpreters.
    public var callDepth = 0
    public var sweepDepth = 0
    /// The session's write policy, shared by the points.
    public var writes = FileWrites()

    /// The number of grid points: the product of the axis lengths.
    public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

    /// The axis values of point `index` (0 ≤ index < pointCount), in axis order.
    public func coordinates(of index: Int) -> [(name: String, value: Value)] {
        SweepPlan.coordinates(axes: axes, of: index)
    }

    /// The axis values of point `index` of a grid over `axes`.
    public static func coordinates(axes: [Axis], of index: Int) -> [(name: String, value: Value)] {
        var rest = index
        var out = [(name: String, value: Value)](repeating: ("", .nothing), count: axes.count)
        for k in axes.indices.reversed() {
            let n = axes[k].values.count
            out[k] = (axes[k].name, axes[k].values[rest % n])
            rest /= n
        }
        return out
    }

    /// Runs the body at one point in a fresh interpreter (a hard scope over the
    /// snapshot, with the axes bound by name), collecting what it prints.
    /// Commands (`save`, `run` …) are not available inside; a nested sweep runs serially.
    public func evaluate(point index: Int, interrupt: InterruptFlag) -> SweepPointResult {
        var lines = [String]()
        var notices = [String]()
        let interpreter = Interpreter(registry: registry, interrupt: interrupt, output: { lines.append($0) })
        interpreter.noticeOutput = { notices.append($0) }
        interpreter.preparePoint(globals: globals, order: globalOrder, source: source, baseDirectory: baseDirectory)
        interpreter.limits = limits
        interpreter.writes = writes
        interpreter.callDepth = callDepth
        interpreter.sweepDepth = sweepDepth + 1
        var bindings = locals
        for c in coordinates(of: index) { bindings[c.name] = c.value }
        let outcome: SweepPointResult.Outcome
        do {
            outcome = .value(try interpreter.runBlock(body, bindings: bindings))
        } catch {
            outcome = error.kind == .interrupted ? .interrupted : .failed(error.message)
        }
        return SweepPointResult(index: index, outcome: outcome, output: lines, notices: notices)
    }

    /// The table of a finished sweep: one row per point in grid order, the axis
    /// columns, then the body's value — a record's fields as columns (in the order
    /// first seen; a name taken by an axis gets `_2`), any other value in `value` —
    /// then `error`, the failure's message, when some point failed.
    /// Contract: `results` holds exactly one result per point (any order).
    public func table(from results: [SweepPointResult]) -> TableObject {
        SweepPlan.table(axes: axes, from: results)
    }

    /// The table of a sweep over `axes` from every point's result (what `table(from:)`
    /// builds; `gather` builds it from point files without the plan).
    public static func table(axes: [Axis], from results: [SweepPointResult]) -> TableObject {
        let pointCount = axes.reduce(1) { $0 * $1.values.count }
        precondition(results.count == pointCount, "a sweep table needs every point's result")
        func coordinates(of index: Int) -> [(name: String, value: Value)] {
            SweepPlan.coordinates(axes: axes, of: index)
        }
        let ordered = results.sorted { $0.index < $1.index }
        var columns = axes.map(\.name)
        var valueColumn = [String: String]()  // field (or "value") → column name
        func columnName(_ field: String) -> String {
            if let c = valueColumn[field] { return c }
            let c = TableObject.uniqueName(field, avoiding: columns)
            valueColumn[field] = c
            columns.append(c)
            return c
        }
        var cells = [[String: Value]]()
        let anyFailed = ordered.contains { if case .failed = $0.outcome { true } else { false } }
        for r in ordered {
            var row = [String: Value]()
            switch r.outcome {
            case .value(.record(let record)):
                for f in record.fields { row[columnName(f.name)] = f.value }
            case .value(let v):
                row[columnName("value")] = v
            case .failed, .interrupted:
                break
            }
            cells.append(row)
        }
        let errorColumn = anyFailed ? TableObject.uniqueName("error", avoiding: columns) : nil
        if let errorColumn { columns.append(errorColumn) }
        var rows = [[Value]]()
        for (r, row) in zip(ordered, cells) {
            var out = coordinates(of: r.index).map(\.value)
            for c in columns.dropFirst(axes.count) where c != errorColumn { out.append(row[c] ?? .nothing) }
            if errorColumn != nil {
                if case .failed(let message) = r.outcome { out.append(.string(message)) } else { out.append(.nothing) }
            }
            rows.append(out)
        }
        return TableObject(columns: columns, rows: rows)
    }
}

/// What one grid point gave.
public struct SweepPointResult: Sendable {
    public enum Outcome: Sendable {
        case value(Value)
        /// The body failed; the diagnostic's message.
        case failed(String)
        /// The user stopped the sweep during this point.
        case interrupted
    }

    public let index: Int
    public let outcome: Outcome
    /// The lines the body printed, in order.
    public let output: [String]
    /// Its reports kept out of the output (`time`'s), in order.
    public var notices: [String] = []

    public init(index: Int, outcome: Outcome, output: [String], notices: [String] = []) {
        self.index = index
        self.outcome = outcome
        self.output = output
        self.notices = notices
    }
}

extension Interpreter {
    /// Makes a fresh interpreter the evaluator of one sweep point: the snapshot's
    /// globals, a hard scope (assignments stay local), no shell commands, no progress
    /// reports, and a stack guard for the current (worker) thread.
    func preparePoint(globals: [String: Value], order: [String], source: SourceFile, baseDirectory: String?) {
        self.globals = globals
        self.globalOrder = order
        self.currentSource = source
        self.baseDirectory = baseDirectory
        self.isSweepPoint = true
        self.hardScopes = 1
        self.stack = StackGuard()
    }

    /// The bindings of the enclosing blocks, innermost winning (what a sweep body sees
    /// besides the globals).
    var flattenedLocals: [String: Value] {
        var out = [String: Value]()
        for scope in scopes {
            for (k, v) in scope { out[k] = v }
        }
        return out
    }
}
