import NoetherEngine
import NoetherSyntax

/// `sweep`: run a block over a grid of values and collect a table.
enum SweepBuiltins {
    static let all: [Builtin] = [sweep, gather]

    static let sweep = Builtin(
        "sweep", category: "tables",
        abstract: "Runs the block once per point of a grid of values and returns a table with one row per point.",
        discussion: """
            Each labelled argument is an axis: a list of values bound to that name inside the
            block. Points run in grid order with the first axis slowest, like nested loops:
            sweep(a=[1, 2], b=[3, 4]) visits (1,3), (1,4), (2,3), (2,4). The table has the axis
            columns, then the block's value: a record's fields become columns, any other value
            goes in a column named value (lists are fine as cells).

            Every point is independent: it sees the bindings made before the sweep (a snapshot)
            plus its axis values, and nothing it assigns leaks out or into another point. So
            points run in parallel on min(cores, points) threads, and the table is identical to
            a serial run (parallel=false), in grid order. With more than one point, BLAS runs
            single-threaded inside the points (the parallelism is across points).

            A point whose block fails does not stop the sweep: its row has the error message in
            an error column. What the block prints is shown after the sweep, point by point in
            grid order. Commands (save, run …) cannot be used inside the block. Ctrl-C stops
            the sweep between points.
            """,
        parameters: [
            Parameter(
                "parallel", .bool, .value(.bool(true), text: "true"),
                help: "run points on several cores (false: one after another)"),
            Parameter(
                "workers", .integer, .absent, help: "the most points to run at once (default: the number of cores)"),
        ],
        returns: "table",
        example: """
            d = sweep(lr=[0.001, 0.01], seed=[1, 2]) {
              train(mlp([20, 64, 5], seed=seed), data, gd(lr=lr), steps=100).drift
            }
            """,
        takesBlock: true,
        extraArguments: ExtraArguments(
            "axis", .any, shownAs: "list", help: "the values of one axis: a list (a single value is a one-point axis)")
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let interpreter = ctx.interpreter
        guard let block = ctx.block else { throw ctx.error("'sweep' needs a block") }
        guard !ctx.extras.isEmpty else {
            throw ctx.error("'sweep' needs at least one axis", hint: "e.g. sweep(lr=[0.1, 0.01]) { … }")
        }
        let maxPoints = interpreter.limits.maxSweepPoints
        var axes = [SweepPlan.Axis]()
        var points = 1
        for e in ctx.extras {
            let values: [Value]
            if case .list(let items) = e.value { values = items } else { values = [e.value] }
            guard !values.isEmpty else { throw ctx.error("the axis '\(e.label)' has no values", at: e.range) }
            points = points.multipliedReportingOverflow(by: values.count).partialValue
            guard points <= maxPoints, points > 0 else {
                throw ctx.error("the sweep would have more than \(maxPoints) points", at: e.range)
            }
            axes.append(SweepPlan.Axis(name: e.label, values: values))
        }
        guard interpreter.sweepDepth < Interpreter.maxSweepDepth else {
            throw ctx.error("sweeps nested more than \(Interpreter.maxSweepDepth) deep")
        }
        var plan = SweepPlan(
            axes: axes, body: block, source: interpreter.currentSource, globals: interpreter.globals,
            globalOrder: interpreter.globalOrder, locals: interpreter.flattenedLocals,
            registry: interpreter.registry, baseDirectory: interpreter.baseDirectory,
            limits: interpreter.limits)
        plan.callDepth = interpreter.callDepth
        plan.writes = interpreter.writes
        plan.sweepDepth = interpreter.sweepDepth
        var workers = 1
        if try ctx.bool("parallel") && !interpreter.isSweepPoint {
            workers = Swift.min(WorkerThreads.processorCount, points)
            if try ctx.has("workers") { workers = Swift.min(workers, try ctx.integer("workers", in: 1...4096)) }
        }
        let savedThreads = BLASThreads.count
        if points > 1 && savedThreads != 1 { BLASThreads.set(1) }
        defer { if points > 1 && savedThreads != 1 { BLASThreads.set(savedThreads) } }
        if let store = interpreter.shardedSweeps, !interpreter.isSweepPoint,
            let table = try store.run(
                plan, range: ctx.range, workers: workers, interrupt: interpreter.interrupt,
                progress: interpreter.progress, output: interpreter.output)
        {
            return table
        }
        let outcome = SweepRunner.run(
            plan, workers: workers, interrupt: interpreter.interrupt,
            progress: interpreter.isSweepPoint ? nil : interpreter.progress)
        if outcome.interrupted {
            interpreter.interrupt.clear()
            throw Diagnostic(
                .interrupted, "interrupted: the sweep stopped after \(outcome.results.count) of \(points) points",
                at: ctx.range)
        }
        for r in outcome.results {
            for line in r.output { interpreter.output(line) }
            for line in r.notices { interpreter.notice(line) }
        }
        return .object(plan.table(from: outcome.results))
    }

    static let gather = Builtin(
        "gather", category: "tables",
        abstract: "Reads a sweep back from a results directory that shards wrote, as the table a local run gives.",
        discussion: """
            noether --shard I/N FILE.noe (or noether submit FILE.noe --slurm) writes every finished
            point of the script's sweeps to a results directory, one file per point; gather(DIR)
            builds the table of the first sweep from them (sweep=2 the second, in the order the
            script runs them): the same rows in grid order, the same columns and the same numbers,
            bit for bit. A point without its file is an error that lists every missing point by
            index and axis values; a file that is truncated, of another version, or of another
            script or grid is refused, naming it. Nothing in the directory is written.
            docs/cluster.md has the layout of a results directory.
            """,
        parameters: [
            Parameter("directory", .string, help: "the results directory", completion: .filePath),
            Parameter(
                "sweep", .integer, .value(.number(1), text: "1"),
                help: "which sweep of the script: 1 for the first it runs"),
        ],
        returns: "table",
        example: """
            d = gather("drift.results")
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let directory = ctx.interpreter.resolvePath(try ctx.string("directory"))
        let k = try ctx.integer("sweep", in: 1...1_000_000)
        let results = SweepResults(directory: directory)
        do throws(SweepResults.Failure) {
            guard let manifest = try results.readManifest(sweep: k) else {
                let what = TextFile.exists(directory) ? "has no sweep \(k)" : "does not exist"
                throw SweepResults.Failure("the results directory '\(directory)' \(what)")
            }
            let points = try results.readAll(manifest)
            return .object(SweepPlan.table(axes: manifest.axes, from: points))
        } catch {
            throw Diagnostic(.runtime, error.message, at: ctx.range, hint: error.hint, notes: error.notes)
        }
    }
}
