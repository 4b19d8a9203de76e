import NoetherLang
import Synchronization

/// Follows the long work of the running cell through `Interpreter.progress`: which
/// tasks are under way (`train`, a sweep around its trainings …), how far each is,
/// and how fast it goes. The REPL draws it as a bar and, after a Ctrl-C, says what
/// was interrupted. Thread-safe: work on other threads may report too.
public final class ProgressTracker: Sendable {
    /// One task, as last reported.
    public struct Task: Sendable, Equatable {
        public var label: String
        public var done: Int
        public var total: Int
        /// Seconds since the task's first report.
        public var elapsed: Double
        /// Units per second since the first report (`nil` until there is a rate).
        public var rate: Double?

        /// Seconds left at the current rate (`nil` until there is a rate).
        public var secondsLeft: Double? {
            guard let rate, rate > 0, total >= done else { return nil }
            return Double(total - done) / rate
        }
    }

    private struct Entry {
        var label: String
        var done: Int
        var total: Int
        var firstDone: Int
        var started: ContinuousClock.Instant
        var updated: ContinuousClock.Instant
    }

    private let clock = ContinuousClock()
    private let entries = Mutex<[Entry]>([])
    /// Called after every report with the unfinished tasks, outermost first.
    private let observer: Mutex<(@Sendable ([Task]) -> Void)?> = Mutex(nil)

    public init() {}

    /// Sets who is told of every change (the progress bar).
    public func observe(_ body: (@Sendable ([Task]) -> Void)?) {
        observer.withLock { $0 = body }
    }

    /// Records a report: `done` of `total` units of `label`. A task ends when
    /// `done` reaches `total`; a report with fewer units done than before, or a
    /// different total, starts the task afresh (the next training of a sweep).
    public func update(done: Int, total: Int, label: String) {
        let now = clock.now
        let tasks = entries.withLock { entries -> [Task] in
            if let i = entries.firstIndex(where: { $0.label == label }) {
                if done < entries[i].done || total != entries[i].total {
                    // A new run of the same kind: it and everything inside it restart.
                    entries.removeSubrange(i...)
                    entries.append(
                        Entry(label: label, done: done, total: total, firstDone: done, started: now, updated: now))
                } else {
                    entries[i].done = done
                    entries[i].updated = now
                }
            } else {
                entries.append(
                    Entry(label: label, done: done, total: total, firstDone: done, started: now, updated: now))
            }
            if done >= total, let i = entries.firstIndex(where: { $0.label == label }) {
                entries.removeSubrange(i...)
            }
            return entries.map(Self.task)
        }
        let body = observer.withLock { $0 }
        body?(tasks)
    }

    /// The unfinished tasks, outermost first.
    public var tasks: [Task] { entries.withLock { $0.map(Self.task) } }

    /// Forgets every task (a cell ended).
    public func reset() {
        entries.withLock { $0.removeAll() }
        let body = observer.withLock { $0 }
        body?([])
    }

    /// What was under way, for the message after a Ctrl-C: "train stopped at step
    /// 1250 of 10000000" (the innermost task), or `nil` when nothing reported.
    public var interruptedDescription: String? {
        guard let t = tasks.last else { return nil }
        if t.label.hasPrefix(eigensolverLabel) {
            return "the \(eigensolverLabel) cannot stop halfway, so it ran to the end; its result is dropped"
        }
        let unit = t.label == "train" ? "step " : ""
        return "\(t.label) stopped at \(unit)\(t.done) of \(t.total)"
    }

    private static func task(_ e: Entry) -> Task {
        let elapsed = (e.updated - e.started).seconds
        let rate = elapsed > 0 && e.done > e.firstDone ? Double(e.done - e.firstDone) / elapsed : nil
        return Task(label: e.label, done: e.done, total: e.total, elapsed: elapsed, rate: rate)
    }
}
