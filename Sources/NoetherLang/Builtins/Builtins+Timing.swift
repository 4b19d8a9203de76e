#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// `time { … }` and `timeit { … }`: IPython's `%time` and `%timeit` for a block.
///
/// Their reports go to `Interpreter.notice` (standard error in the shell), never to
/// the printed output: timings differ from run to run, and a saved session must
/// replay and check the same.
enum TimingBuiltins {
    static let all: [Builtin] = [time, timeit]

    static let time = Builtin(
        "time", category: "language",
        abstract: "Runs the block once, reports its wall-clock and CPU time, and returns its value.",
        discussion: """
            The report (time: wall 1.23 s, CPU 2.41 s) goes to standard error, not into the
            session's record: a saved session replays and checks the same however long its cells
            took. CPU time is the whole process's, BLAS threads included, so it can exceed the
            wall time. The block runs in the enclosing scope, as if written without time: names
            it assigns stay bound after it (time { run = train(…) } binds run). Ctrl-C stops it
            like any other cell.
            """,
        returns: "the block's value",
        example: """
            run = time { train(mlp([20, 64, 5], seed=1), data, gd(lr=0.01), steps=500) }
            """,
        takesBlock: true
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        guard let block = ctx.block else { throw ctx.error("'time' needs a block") }
        let interpreter = ctx.interpreter
        let start = Stopwatch()
        let value = try interpreter.runInEnclosingScope(block)
        let (wall, cpu) = start.elapsed
        interpreter.notice("time: wall \(formatDuration(wall)), CPU \(formatDuration(cpu))")
        return value
    }

    static let timeit = Builtin(
        "timeit", category: "language",
        abstract: "Runs the block many times and reports the time per loop: median, best and spread.",
        discussion: """
            Like IPython's %timeit: a run is loops= passes of the block, loops calibrated as 1, 2,
            5, 10, 20, 50 … until one run takes at least 0.2 s (the calibrating run counts as the
            first); then runs= runs are timed. The report gives the time of one pass of the block:
            the median over the runs, the best (the one least disturbed by the rest of the
            machine) and the spread (the standard deviation across runs):

              timeit: 1.23 ms per loop (median of 7 runs × 100 loops), best 1.19 ms, spread ± 41 µs

            The report goes to standard error, not into the session's record. Each pass has its
            own scope: names the block assigns do not stay. Ctrl-C stops it between passes.
            """,
        parameters: [
            Parameter(
                "runs", .integer, .value(.number(7), text: "7"),
                help: "how many timed runs (the median, best and spread are over them)"),
            Parameter("loops", .integer, .absent, help: "passes of the block per run (default: calibrated)"),
        ],
        returns: "nothing",
        example: """
            timeit { hessian(net, data) }
            timeit(runs=3, loops=10) { net.C }
            """,
        takesBlock: true
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        guard let block = ctx.block else { throw ctx.error("'timeit' needs a block") }
        let interpreter = ctx.interpreter
        let runCount = try ctx.integer("runs", in: 1...1000)
        let fixedLoops = try ctx.has("loops") ? try ctx.integer("loops", in: 1...1_000_000_000) : nil
        var perLoop = [Double]()
        /// One run of `loops` passes; seconds per pass.
        func run(_ loops: Int) throws(Diagnostic) -> Double {
            let clock = Stopwatch()
            for _ in 0..<loops {
                if interpreter.interrupt.isRaised {
                    interpreter.interrupt.clear()
                    throw Diagnostic(
                        .interrupted, "interrupted: timeit stopped after \(perLoop.count) of \(runCount) runs",
                        at: ctx.range)
                }
                _ = try interpreter.runBlock(block)
            }
            return clock.elapsed.wall / Double(loops)
        }
        var loops = fixedLoops ?? 1
        if fixedLoops == nil {
            // Calibrate: 1, 2, 5, 10, 20, 50 … passes until a run takes 0.2 s.
            var k = 0
            while true {
                loops = [1, 2, 5][k % 3] * [1, 10, 100, 1000, 10_000, 100_000, 1_000_000][Swift.min(k / 3, 6)]
                let t = try run(loops)
                if t * Double(loops) >= 0.2 || k >= 20 {
                    perLoop.append(t)
                    break
                }
                k += 1
            }
        }
        while perLoop.count < runCount { perLoop.append(try run(loops)) }
        interpreter.notice("timeit: " + TimingReport(perLoop: perLoop, loops: loops).summary)
        return .nothing
    }
}

/// What `timeit` reports, from the seconds per pass of each run.
struct TimingReport {
    var perLoop: [Double]
    var loops: Int

    var best: Double { perLoop.min() ?? .nan }
    var median: Double {
        let s = perLoop.sorted()
        guard !s.isEmpty else { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
    /// The sample standard deviation across runs (0 for one run).
    var spread: Double {
        perLoop.count > 1 ? meanAndStandardDeviation(perLoop, ddof: 1).standardDeviation : 0
    }

    var summary: String {
        let runs = "\(perLoop.count) run\(perLoop.count == 1 ? "" : "s")"
        let passes = "\(loops) loop\(loops == 1 ? "" : "s")"
        return "\(formatDuration(median)) per loop (median of \(runs) × \(passes)), best \(formatDuration(best)), "
            + "spread ± \(formatDuration(spread))"
    }
}

/// Wall-clock (monotonic) and process CPU time since it was made.
public struct Stopwatch {
    private let wall: ContinuousClock.Instant
    private let cpu: Double

    init() {
        wall = ContinuousClock.now
        cpu = Stopwatch.processCPUSeconds()
    }

    var elapsed: (wall: Double, cpu: Double) {
        ((ContinuousClock.now - wall).seconds, Stopwatch.processCPUSeconds() - cpu)
    }

    /// CPU seconds used by every thread of the process since it started
    /// (CLOCK_PROCESS_CPUTIME_ID; NaN when the clock cannot be read).
    public static func processCPUSeconds() -> Double {
        var ts = timespec()
        guard clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts) == 0 else { return .nan }
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }
}

/// A duration with three significant digits in a fitting unit: `1.23 s`, `45.6 ms`,
/// `789 µs`, `12 ns`; minutes past 100 s (`2 min 5 s`).
public func formatDuration(_ seconds: Double) -> String {
    guard seconds.isFinite else { return "?" }
    if seconds >= 100 {
        let whole = Int(seconds.rounded())
        return "\(whole / 60) min \(whole % 60) s"
    }
    let units: [(Double, String)] = [(1, "s"), (1e-3, "ms"), (1e-6, "µs"), (1e-9, "ns")]
    let (scale, unit) = units.first { seconds >= $0.0 } ?? units[units.count - 1]
    let x = seconds / scale
    if x == 0 { return "0 s" }
    let digits = x >= 100 ? 0 : x >= 10 ? 1 : 2
    var text = String(Int((x * pow10(digits)).rounded()))
    if digits > 0 {
        while text.count <= digits { text = "0" + text }
        text.insert(".", at: text.index(text.endIndex, offsetBy: -digits))
        while text.hasSuffix("0") { text.removeLast() }
        if text.hasSuffix(".") { text.removeLast() }
    }
    return "\(text) \(unit)"
}

private func pow10(_ n: Int) -> Double { n == 0 ? 1 : n == 1 ? 10 : 100 }
