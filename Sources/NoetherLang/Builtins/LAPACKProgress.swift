import Foundation
import NoetherEngine
import NoetherSyntax
import Synchronization

/// A long LAPACK call (the dense eigensolver of `eigs`) as a live progress line.
///
/// LAPACK cannot stop halfway, so the call runs to its end on the calling thread
/// while a ticker thread reports, every quarter second, the fraction of the
/// estimated time that has passed (the estimate: the call's flop count over a flop
/// rate measured on this machine — by the previous large call, or by a 300×300
/// probe taking a few milliseconds). A Ctrl-C is answered at once with a note
/// saying that the decomposition goes on for about N more seconds and that its
/// result will be dropped; the builtin then throws `interrupted`.
enum LAPACKProgress {
    /// Below this size the call is quick: no probe, no ticker.
    static let threshold = 1000

    /// Flop rate of the dense symmetric eigensolver on this machine (flop/s), from
    /// the most recent call of n ≥ `threshold`, else from the probe.
    private static let measured = Mutex<Double?>(nil)

    /// The flops of LAPACK's symmetric eigensolver on n×n: reduction to
    /// tridiagonal form 4/3·n³, plus about 8/3·n³ … 6·n³ more with vectors (dsyevd's
    /// divide and conquer and back-transformation); `9n³` in all is its usual bound.
    static func flops(n: Int, vectors: Bool) -> Double {
        let n3 = Double(n) * Double(n) * Double(n)
        return n3 * (vectors ? 9 : 4.0 / 3)
    }

    /// The measured rate (probing once when nothing larger has run yet).
    static func rate() -> Double {
        if let r = measured.withLock({ $0 }) { return r }
        let n = 300
        var storage = [Double](repeating: 0, count: n * n)
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        for i in 0..<n {
            for j in 0...i {
                state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                let x = Double(state >> 11) / Double(1 << 53) - 0.5
                storage[i * n + j] = x
                storage[j * n + i] = x
            }
        }
        let clock = ContinuousClock()
        let start = clock.now
        _ = try? NoetherEngine.eigs(Matrix(rows: n, columns: n, storage: storage))
        let seconds = (clock.now - start).seconds
        // A small matrix stays in cache, where a large one streams from memory: the
        // probe's rate is an upper bound, halved as a first guess.
        let r = Swift.max(1e8, flops(n: n, vectors: false) / Swift.max(seconds, 1e-6) / 2)
        measured.withLock { if $0 == nil { $0 = r } }
        return r
    }

    /// Runs `body` (a LAPACK call of `flops` on n×n) with the live progress line.
    static func run<T>(
        _ interpreter: Interpreter, n: Int, flops: Double, _ body: () throws(Diagnostic) -> T
    ) throws(Diagnostic) -> T {
        guard n >= threshold else { return try body() }
        let estimate = flops / rate()
        let label = "\(eigensolverLabel) on \(n)×\(n) (Ctrl-C waits for it)"
        let report = interpreter.progress
        let notice = interpreter.noticeOutput
        let interrupt = interpreter.interrupt
        let ticker = Ticker(estimate: estimate) { percent, left, interrupted in
            report?(percent, 100, label)
            if interrupted {
                notice?(
                    "Ctrl-C: LAPACK cannot stop halfway; the eigendecomposition ends in about \(formatSummary(left.rounded(.up))) s, then its result is dropped"
                )
            }
        }
        report?(0, 100, label)
        ticker.start(interrupt: interrupt)
        let clock = ContinuousClock()
        let start = clock.now
        defer { ticker.stop() }
        let result = try body()
        let seconds = (clock.now - start).seconds
        if seconds > 0.05 { measured.withLock { $0 = flops / seconds } }
        // Done: the task ends, unless a Ctrl-C came (then it names what was under way).
        if !interrupt.isRaised { report?(100, 100, label) }
        return result
    }

    /// The thread that reports the elapsed share of the estimate every 0.25 s.
    final class Ticker: @unchecked Sendable {
        private let estimate: Double
        private let tick: (_ percent: Int, _ secondsLeft: Double, _ interrupted: Bool) -> Void
        private let stopped = Mutex(false)
        private let finished = DispatchSemaphore(value: 0)

        init(estimate: Double, tick: @escaping (Int, Double, Bool) -> Void) {
            self.estimate = estimate
            self.tick = tick
        }

        func start(interrupt: InterruptFlag) {
            let thread = Thread { [self] in
                let clock = ContinuousClock()
                let start = clock.now
                var noted = false
                while !stopped.withLock({ $0 }) {
                    Thread.sleep(forTimeInterval: 0.25)
                    if stopped.withLock({ $0 }) { break }
                    let elapsed = (clock.now - start).seconds
                    // Past the estimate the bar slows down instead of standing at the end.
                    let expected = Swift.max(estimate, elapsed * 1.1)
                    let percent = Swift.min(99, Int(100 * elapsed / expected))
                    let raised = interrupt.isRaised
                    tick(percent, Swift.max(0, expected - elapsed), raised && !noted)
                    if raised { noted = true }
                }
                finished.signal()
            }
            thread.start()
        }

        func stop() {
            stopped.withLock { $0 = true }
            finished.wait()
        }
    }
}
