import NoetherEngine
import NoetherSyntax

/// `sweep`: run a block over a grid of values and collect a table.
enum SweepBuiltins {
    static let all: [Builtin] = [sweep]

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
        if ctx.bool("parallel") && !interpreter.isSweepPoint {
            workers = Swift.min(WorkerThreads.processorCount, points)
            if ctx.has("workers") { workers = Swift.min(workers, try ctx.integer("workers", in: 1...4096)) }
        }
        let savedThreads = BLASThreads.count
        if points > 1 && savedThreads != 1 { BLASThreads.set(1) }
        defer { if points > 1 && savedThreads != 1 { BLASThreads.set(savedThreads) } }
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
        }
        return .object(plan.table(from: outcome.results))
    }
}
