import Synchronization

/// Evaluates a sweep's points on worker threads, each worker taking the next
/// unclaimed point until none is left or the sweep is interrupted.
///
/// Results are identical whatever the number of workers: every point is evaluated
/// by `SweepPlan.evaluate(point:)` on a worker thread, and results are put back in
/// grid order.
enum SweepRunner {
    struct Outcome {
        /// One result per point when the sweep finished; fewer when it was interrupted.
        var results: [SweepPointResult]
        var interrupted: Bool
    }

    private final class State: Sendable {
        let next = Atomic<Int>(0)
        let done = Atomic<Int>(0)
        let stopped = Atomic<Bool>(false)
        let results = Mutex<[SweepPointResult]>([])
    }

    /// Evaluates the points `indices` (every point when nil), in any order; `finished`
    /// sees each completed point on the worker thread that ran it (a sharded sweep
    /// writes its point file there, as soon as the point is done).
    static func run(
        _ plan: SweepPlan, indices: [Int]? = nil, workers: Int, interrupt: InterruptFlag,
        progress: (@Sendable (Int, Int, String) -> Void)?,
        finished: (@Sendable (SweepPointResult) -> Void)? = nil
    ) -> Outcome {
        let indices = indices ?? Array(0..<plan.pointCount)
        let total = indices.count
        guard total > 0 else { return Outcome(results: [], interrupted: false) }
        let state = State()
        WorkerThreads.run(count: Swift.max(1, Swift.min(workers, total))) { _ in
            while !state.stopped.load(ordering: .relaxed) && !interrupt.isRaised {
                let claimed = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard claimed < total else { return }
                let index = indices[claimed]
                let result = plan.evaluate(point: index, interrupt: interrupt)
                if case .interrupted = result.outcome {
                    // The point's interpreter lowered the flag; raise it again so the
                    // other points in flight stop too.
                    state.stopped.store(true, ordering: .relaxed)
                    interrupt.raise()
                    return
                }
                finished?(result)
                state.results.withLock { $0.append(result) }
                let done = state.done.wrappingAdd(1, ordering: .relaxed).newValue
                progress?(done, total, "sweep")
            }
        }
        let results = state.results.withLock { $0 }
        let interrupted = state.stopped.load(ordering: .relaxed) || interrupt.isRaised || results.count < total
        return Outcome(results: results.sorted { $0.index < $1.index }, interrupted: interrupted)
    }
}
