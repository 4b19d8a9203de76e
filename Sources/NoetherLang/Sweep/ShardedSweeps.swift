import NoetherSyntax
import Synchronization

/// Runs a script's sweeps as shards of a results directory, or reads them back.
///
/// Sweeps are numbered in the order they run at top level (1 for the first; a sweep
/// inside a sweep's block belongs to its point and is not numbered). The script runs
/// the same way in every shard — it is deterministic — so sweep k is the same grid in
/// each, which its manifest's fingerprint checks.
///
/// - **Shard I/N**: at sweep k, when every point already has its file the table is
///   read back and the script goes on; otherwise the shard evaluates the missing
///   points whose grid index ≡ I (mod N), writes each as it finishes, and stops
///   (`finishedShare`): what follows needs the whole table, which the gather step has.
/// - **Gather**: sweep k is read back from its files (every point must be there; the
///   missing ones are listed); a sweep no shard reached (it comes after the one the
///   shards split) runs here, on this machine's threads.
public final class ShardedSweeps: @unchecked Sendable {
    public enum Mode: Sendable, Equatable {
        case shard(index: Int, count: Int)
        case gather
    }

    public let results: SweepResults
    public let mode: Mode
    /// The fingerprint of the script's text and parameters.
    public let script: String
    /// The most points to run at once (a Slurm task's CPUs); nil for the sweep's own choice.
    public var workerLimit: Int?

    /// What happened at each sweep, in order.
    public struct Report: Sendable {
        public enum Action: Sendable {
            /// Read back from its files.
            case read
            /// Ran here (gather: a sweep no shard reached).
            case ranHere
            /// This shard's missing points were evaluated and written.
            case wrote(count: Int, present: Int)
        }
        public let sweep: Int
        public let line: Int
        public let points: Int
        public let action: Action
    }
    public private(set) var reports: [Report] = []
    /// Whether a shard stopped after writing its share of a sweep (not an error).
    public private(set) var finishedShare = false
    private var sweepCount = 0

    public init(results: SweepResults, mode: Mode, script: String) {
        self.results = results
        self.mode = mode
        self.script = script
    }

    /// The table of the sweep `plan` (read back, or after this shard's share is
    /// written — then it throws to stop the script, with `finishedShare` set), or nil
    /// when the sweep is to run as usual.
    func run(
        _ plan: SweepPlan, range: SourceRange, workers: Int, interrupt: InterruptFlag,
        progress: (@Sendable (Int, Int, String) -> Void)?, output: (String) -> Void
    ) throws(Diagnostic) -> Value? {
        sweepCount += 1
        let k = sweepCount
        let line = plan.source.location(of: range.start).line
        func fail(_ f: SweepResults.Failure) -> Diagnostic {
            Diagnostic(.runtime, f.message, at: range, hint: f.hint, notes: f.notes)
        }
        let manifest: SweepResults.Manifest
        switch SweepResults.Manifest.make(script: script, sweep: k, line: line, axes: plan.axes) {
        case .success(let m): manifest = m
        case .failure(let e):
            throw Diagnostic(
                .runtime, "a sweep axis holds a \(e.typeName), which a results directory cannot hold", at: range,
                hint: "sweep over numbers, strings, booleans, lists or records")
        }
        func readBack() throws(Diagnostic) -> Value {
            let all: [SweepPointResult]
            do throws(SweepResults.Failure) { all = try results.readAll(manifest) } catch { throw fail(error) }
            for r in all { for l in r.output { output(l) } }
            reports.append(Report(sweep: k, line: line, points: manifest.pointCount, action: .read))
            return .object(plan.table(from: all))
        }
        switch mode {
        case .gather:
            let existing: SweepResults.Manifest?
            do throws(SweepResults.Failure) { existing = try results.readManifest(sweep: k) } catch {
                throw fail(error)
            }
            guard let existing else {
                guard k > 1 else {
                    throw Diagnostic(
                        .runtime, "nothing to gather: no shard has started the first sweep in '\(results.directory)'",
                        at: range, hint: "run the shards first (noether --shard I/N, or noether submit)")
                }
                reports.append(Report(sweep: k, line: line, points: manifest.pointCount, action: .ranHere))
                return nil
            }
            do throws(SweepResults.Failure) {
                try SweepResults.check(existing, against: manifest, file: results.manifestFile(sweep: k))
            } catch { throw fail(error) }
            return try readBack()
        case .shard(let shard, let count):
            do throws(SweepResults.Failure) { try results.claim(manifest) } catch { throw fail(error) }
            let missing = results.missing(manifest)
            if missing.isEmpty { return try readBack() }
            let mine = missing.filter { $0 % count == shard }
            let firstFailure = Mutex<SweepResults.Failure?>(nil)
            let written = Atomic<Int>(0)
            let results = self.results
            let outcome = SweepRunner.run(
                plan, indices: mine, workers: Swift.min(workers, workerLimit ?? workers), interrupt: interrupt,
                progress: progress
            ) { result in
                do throws(SweepResults.Failure) {
                    try results.write(result, of: manifest)
                    written.add(1, ordering: .relaxed)
                } catch {
                    firstFailure.withLock { if $0 == nil { $0 = error } }
                }
            }
            if let f = firstFailure.withLock({ $0 }) { throw fail(f) }
            if outcome.interrupted {
                interrupt.clear()
                throw Diagnostic(
                    .interrupted,
                    "interrupted: this shard wrote \(written.load(ordering: .relaxed)) of its \(mine.count) points",
                    at: range)
            }
            reports.append(
                Report(
                    sweep: k, line: line, points: manifest.pointCount,
                    action: .wrote(count: mine.count, present: manifest.pointCount - results.missing(manifest).count)))
            finishedShare = true
            throw Diagnostic(.runtime, "shard \(shard)/\(count) has written its points of sweep \(k)", at: range)
        }
    }
}
