import NoetherSyntax
import Testing

@testable import NoetherLang

/// `time { … }` and `timeit { … }`.
@Suite struct TimingTests {
    /// A harness whose notices (timings) are kept apart from the printed output.
    final class Timed {
        var lines: [String] = []
        var notices: [String] = []
        lazy var interpreter: Interpreter = {
            let i = Interpreter(output: { [unowned self] in self.lines.append($0) })
            i.noticeOutput = { [unowned self] in self.notices.append($0) }
            return i
        }()
    }

    @Test func timeReturnsTheBlocksValueAndBindsInTheEnclosingScope() throws {
        let h = Timed()
        let v = try h.interpreter.run("x = time { y = 20; y + 1 }\nx * 2")
        #expect(v.rendered == "42")
        #expect(h.interpreter.globals["y"]?.rendered == "20")
        #expect(h.lines == ["42"])
        #expect(h.notices.count == 1)
        let report = try #require(h.notices.first)
        #expect(report.hasPrefix("time: wall ") && report.contains(", CPU "), "\(report)")
    }

    @Test func timeitRunsTheBlockRunsTimesLoopsAndReportsMedianBestSpread() throws {
        let h = Timed()
        let v = try h.interpreter.run("timeit(runs=2, loops=3) { print(\"pass\"); z = 1 }")
        guard case .nothing = v else {
            Issue.record("timeit returned \(v.rendered)")
            return
        }
        #expect(h.lines == Array(repeating: "pass", count: 6))
        #expect(h.interpreter.globals["z"] == nil)  // each pass has its own scope
        let report = try #require(h.notices.first)
        #expect(report.hasPrefix("timeit: "))
        #expect(report.contains("per loop (median of 2 runs × 3 loops), best "))
        #expect(report.contains("spread ± "))
    }

    @Test func timeitCalibratesLoopsToAFifthOfASecondOrMore() throws {
        let h = Timed()
        try h.interpreter.run("timeit(runs=1) { 1 + 1 }")
        let report = try #require(h.notices.first)
        // A pass of `1 + 1` takes microseconds: calibration goes past one loop.
        #expect(!report.contains("× 1 loop)"), "\(report)")
    }

    @Test func timingsInsideASweepStayOutOfItsOutput() throws {
        let h = Timed()
        try h.interpreter.run("t = sweep(a=[1, 2], parallel=false) { print(a); time { a * 2 } }")
        #expect(h.lines == ["1", "2"])
        #expect(h.notices.count == 2 && h.notices.allSatisfy { $0.hasPrefix("time: wall ") })
        #expect(h.interpreter.globals["t"].map { "\($0.rendered)" }?.contains("4") == true)
    }

    @Test func ctrlCStopsTimeit() throws {
        let h = Timed()
        h.interpreter.interrupt.raise()
        #expect {
            try h.interpreter.run("timeit { 1 }")
        } throws: { error in
            (error as? Diagnostic)?.kind == .interrupted
        }
        #expect(!h.interpreter.interrupt.isRaised)
    }

    @Test func aNameBeforeABlockIsACallWithThatBlock() throws {
        let program = try Parser.parse(SourceFile(name: "t", text: "time { 1 }\nif true { 2 }"))
        guard case .expression(.call(let call), _) = program.statements[0] else {
            Issue.record("not a call: \(program.statements[0])")
            return
        }
        #expect(call.arguments.isEmpty && call.block?.statements.count == 1)
        let h = Timed()
        #expect(try h.interpreter.run("if true { 2 }").rendered == "2")
        #expect(throws: Diagnostic.self) { try h.interpreter.run("len { 1 }") }
    }

    @Test(arguments: [
        (1.234, "1.23 s"), (0.0456, "45.6 ms"), (0.000789, "789 µs"), (1.2e-8, "12 ns"), (125.0, "2 min 5 s"),
        (0.0, "0 s"), (2.0, "2 s"),
    ])
    func durations(seconds: Double, text: String) {
        #expect(formatDuration(seconds) == text)
    }
}
