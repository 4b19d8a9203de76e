import Foundation
import NoetherSyntax
import Synchronization
import Testing
@testable import NoetherLang

/// Progress reports collected from any thread.
private final class Reports: Sendable {
    let values = Mutex<[Int]>([])
}

/// A rendezvous: how many threads arrived, and how many saw all the others.
private final class Rendezvous: Sendable {
    let arrived = Atomic<Int>(0)
    let metEveryone = Atomic<Int>(0)
}

/// `sweep`: grid order, value columns, errors as rows, isolation, parallel = serial.
@Suite struct SweepTests {
    @Test func gridOrderIsFirstAxisSlowest() throws {
        let h = Harness()
        try h.run("t = sweep(a=[1, 2], b=[\"x\", \"y\", \"z\"]) { a * 10 }\nt.a\nt.b\nt.value\ncolumns(t)")
        #expect(
            h.lines == [
                "[1, 1, 1, 2, 2, 2]", "[\"x\", \"y\", \"z\", \"x\", \"y\", \"z\"]", "[10, 10, 10, 20, 20, 20]",
                "[\"a\", \"b\", \"value\"]",
            ])
    }

    @Test func recordFieldsBecomeColumnsAndListsAreCells() throws {
        let h = Harness()
        try h.run(
            """
            t = sweep(lr=[0.1, 0.2]) { {twice=lr * 2, pair=[lr, -lr], lr=0} }
            columns(t)
            t.pair
            t.lr_2
            u = sweep(k=3) { k }
            u.value
            """)
        #expect(h.lines == ["[\"lr\", \"twice\", \"pair\", \"lr_2\"]", "[[0.1, -0.1], [0.2, -0.2]]", "[0, 0]", "[3]"])
    }

    @Test func aFailingPointBecomesARowWithItsError() throws {
        let h = Harness()
        try h.run(
            """
            t = sweep(x=[1, 0, 2]) {
              if x == 0 { nope } else { {inv=1 / x} }
            }
            t.inv
            t.error
            t
            """)
        #expect(h.lines[0] == "[1, none, 0.5]")
        #expect(h.lines[1] == "[none, \"unknown name 'nope'\", none]")
        #expect(h.lines[2].hasSuffix("(3 rows × 3 columns, 1 with an error)"))
    }

    @Test func pointsSeeASnapshotAndNeverChangeTheSession() throws {
        let h = Harness()
        try h.run(
            """
            base = 100
            fn shift(v) { v + base }
            t = sweep(i=[1, 2, 3]) { base = base + i; shift(i) }
            t.value
            base
            """)
        // `base = base + i` is local to each point: shift() still sees the global 100.
        #expect(h.lines == ["[101, 102, 103]", "100"])
    }

    @Test func sweepsInsideFunctionsSeeTheirParameters() throws {
        let h = Harness()
        try h.run("fn scan(scale) { sweep(x=[1, 2]) { x * scale } }\nscan(5).value")
        #expect(h.lines == ["[5, 10]"])
    }

    @Test func printedOutputComesAfterInGridOrder() throws {
        let h = Harness()
        try h.run("t = sweep(a=[1, 2, 3, 4, 5, 6], parallel=true) { print(\"point\", a); a }")
        #expect(h.lines == (1...6).map { "point \($0)" })
    }

    @Test func nestedSweepsRun() throws {
        let h = Harness()
        try h.run("t = sweep(a=[1, 2]) { sum(sweep(b=[10, 20]) { a * b }.value) }\nt.value")
        #expect(h.lines == ["[30, 60]"])
    }

    @Test func commandsAreRefusedInsideTheBody() throws {
        let h = Harness()
        try h.run("t = sweep(a=[1]) { save \"x.noe\" }\nt.error")
        #expect(h.lines == ["[\"the command 'save' is not available here\"]"])
    }

    @Test(arguments: [
        ("sweep() { 1 }", "'sweep' needs at least one axis"),
        ("sweep(a=[1])", "'sweep' needs a block '{ … }' after its arguments"),
        ("sweep(a=[]) { 1 }", "the axis 'a' has no values"),
        ("sweep(a=range(2000), b=range(2000)) { 1 }", "the sweep would have more than 1000000 points"),
        ("sweep(a=[1], a=[2]) { 1 }", "argument 'a' given twice"),
        ("sweep(a=[1], workers=0) { 1 }", "'workers' must be between 1 and 4096, got 0"),
    ])
    func refusesBadGrids(source: String, message: String) {
        let h = Harness()
        let rendered = h.error(source) ?? "(no error)"
        #expect(rendered.contains("error: \(message)"), "\(rendered)")
    }

    /// Training sweeps give bit-identical tables whether points run in parallel or not.
    @Test func parallelAndSerialSweepsAreIdentical() throws {
        let h = Harness()
        try h.run(
            """
            data = gaussian_mixture(n=40, d=6, classes=3, seed=7)
            fn point(lr, seed) {
              r = train(mlp([6, 12, 3], seed=seed), data, gd(lr=lr), loss=cross_entropy, steps=60)
              {drift=r.drift, loss=r.loss, residual=r.ledger_residual}
            }
            p = sweep(lr=[0.01, 0.1, 1], seed=[1, 2, 3], parallel=true, workers=4) { point(lr, seed) }
            s = sweep(lr=[0.01, 0.1, 1], seed=[1, 2, 3], parallel=false) { point(lr, seed) }
            """)
        guard case .object(let p as TableObject) = h.interpreter.globals["p"]!,
            case .object(let s as TableObject) = h.interpreter.globals["s"]!
        else {
            Issue.record("not tables")
            return
        }
        #expect(p.columns == s.columns)
        #expect(p.json.serialized() == s.json.serialized())
        #expect(p.rows.count == 9)
        // And each point equals the same training run outside any sweep.
        try h.run("point(0.1, 2).loss")
        #expect(h.lines.last == p.rows[4][p.columnIndex("loss")!].rendered)
    }

    /// Two workers really run at once: each waits until both have arrived (a serial
    /// run would wait forever, so the wait is bounded).
    @Test func workersRunConcurrently() {
        let r = Rendezvous()
        WorkerThreads.run(count: 2) { _ in
            r.arrived.wrappingAdd(1, ordering: .sequentiallyConsistent)
            let clock = ContinuousClock()
            let deadline = clock.now + .seconds(20)
            while r.arrived.load(ordering: .sequentiallyConsistent) < 2 && clock.now < deadline {}
            if r.arrived.load(ordering: .sequentiallyConsistent) == 2 {
                r.metEveryone.wrappingAdd(1, ordering: .sequentiallyConsistent)
            }
        }
        #expect(r.metEveryone.load(ordering: .sequentiallyConsistent) == 2)
        #expect(WorkerThreads.processorCount >= 1)
    }

    @Test func progressIsReportedPerPoint() throws {
        let h = Harness()
        let seen = Reports()
        h.interpreter.progress = { done, total, label in
            if label == "sweep" { seen.values.withLock { $0.append(done * 1000 + total) } }
        }
        try h.run("t = sweep(a=range(7)) { a }")
        #expect(seen.values.withLock { $0.sorted() } == (1...7).map { $0 * 1000 + 7 })
    }

    @Test func anInterruptStopsTheSweepAndKeepsTheSession() throws {
        let h = Harness()
        try h.run("before = 1")
        let interrupt = h.interpreter.interrupt
        let timer = DispatchWorkItem { interrupt.raise() }
        DispatchQueue.global().asyncAfter(deadline: .now() + 0.3, execute: timer)
        let clock = ContinuousClock()
        let start = clock.now
        // Each point loops long enough that the sweep would take minutes.
        let rendered = h.error(
            "t = sweep(a=range(64), parallel=true) { s = 0; for i in range(1000000) { s = s + i }; s }")
        timer.cancel()
        #expect(rendered?.contains("interrupted: the sweep stopped after") == true, "\(rendered ?? "no error")")
        #expect(clock.now - start < .seconds(20))
        #expect(!interrupt.isRaised)
        try h.run("before + 1")
        #expect(h.lines == ["2"])
        #expect(h.error("t")?.contains("unknown name 't'") == true)
    }

    @Test func aPlanIsAPureFunctionOfItsPoints() throws {
        // The same plan evaluated point by point, in any order, gives the same table.
        let h = Harness()
        try h.run("k = 3")
        let program = try Parser.parse(SourceFile(name: "t", text: "sweep(a=[1, 2], b=[5, 6]) { a * b + k }"))
        guard case .expression(.call(let call), _) = program.statements[0], let block = call.block else {
            Issue.record("no call")
            return
        }
        let plan = SweepPlan(
            axes: [
                .init(name: "a", values: [.number(1), .number(2)]),
                .init(name: "b", values: [.number(5), .number(6)]),
            ],
            body: block, source: .init(name: "t", text: ""), globals: h.interpreter.globals,
            globalOrder: h.interpreter.globalOrder, locals: [:], registry: .standard, baseDirectory: nil,
            limits: .init())
        let flag = InterruptFlag()
        let results = [3, 1, 0, 2].map { plan.evaluate(point: $0, interrupt: flag) }
        let table = plan.table(from: results)
        #expect(table.column("value")!.rendered == "[8, 9, 13, 15]")
        #expect(plan.coordinates(of: 2).map(\.value.rendered) == ["2", "5"])
    }
}
