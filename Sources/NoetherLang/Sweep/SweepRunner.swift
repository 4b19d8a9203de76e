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

    static func run(
        _ plan: SweepPlan, workers: Int, interrupt: InterruptFlag,
        progress: (@Sendable (Int, Int, String) -> Void)?
    ) -> Outcome {
        let total = plan.pointCount
        let state = State()
        WorkerThreads.run(count: Swift.max(1, Swift.min(workers, total))) { _ in
            while !state.stopped.load(ordering: .relaxed) && !interrupt.isRaised {
                let index = state.next.wrappingAdd(1, ordering: .relaxed).oldValue
                guard index < total else { return }
                let result = plan.evaluate(point: index, interrupt: interrupt)
                if case .interrupted = result.outcome {
                    // The point's interpreter lowered the flag; raise it again so the
                    // other points in flight stop too.
                    state.stopped.store(true, ordering: .relaxed)
                    interrupt.raise()
                    return
                }
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
