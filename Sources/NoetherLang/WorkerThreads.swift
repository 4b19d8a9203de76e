#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherSyntax

/// Runs work on dedicated POSIX threads with a known, large stack.
///
/// Every program runs on such a thread (`Interpreter.run` moves there when the
/// calling thread's stack is smaller), and sweep points always do — serial sweeps on
/// one — so how deep a program may recurse does not depend on which thread called
/// (the main thread, a test thread), nor on whether a sweep runs in parallel.
enum WorkerThreads {
    /// Stack of each worker: room for the evaluator's deepest legal recursion.
    static let stackSize = 64 * 1024 * 1024

    /// The number of processors online (at least 1).
    static var processorCount: Int {
        Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs `body` on a fresh thread with `stackSize` of stack and waits for it, unless
    /// the calling thread already has at least that much (then it runs here).
    static func onLargeStack<T>(_ body: () throws(Diagnostic) -> T) throws(Diagnostic) -> T {
        if StackGuard.currentStackSize >= stackSize { return try body() }
        let result: Result<T, Diagnostic> = withoutActuallyEscaping(body) { escapable in
            let box = ResultBox<T>(escapable)
            run(count: 1) { _ in box.run() }
            return box.result!
        }
        return try result.get()
    }

    /// Carries a closure and its result to a worker thread and back. Unchecked: the
    /// caller waits for the worker, so the two never touch it at the same time.
    private final class ResultBox<T>: @unchecked Sendable {
        let body: () throws(Diagnostic) -> T
        var result: Result<T, Diagnostic>?
        init(_ body: @escaping () throws(Diagnostic) -> T) { self.body = body }
        func run() {
            do { result = .success(try body()) } catch { result = .failure(error) }
        }
    }

    private final class Job: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }

    /// Runs `body(k)` for k = 0 ..< count, each on its own thread, and waits for all.
    /// A thread that cannot be created runs its share on the calling thread instead.
    static func run(count: Int, _ body: @escaping @Sendable (Int) -> Void) {
        var threads = [pthread_t]()
        var inline = [Int]()
        for k in 0..<count {
            let job = Unmanaged.passRetained(Job { body(k) })
            var attributes = pthread_attr_t()
            pthread_attr_init(&attributes)
            pthread_attr_setstacksize(&attributes, stackSize)
            var thread = pthread_t()
            let status = pthread_create(
                &thread, &attributes,
                { raw in
                    guard let raw else { return nil }
                    Unmanaged<Job>.fromOpaque(raw).takeRetainedValue().body()
                    return nil
                }, job.toOpaque())
            pthread_attr_destroy(&attributes)
            if status == 0 {
                threads.append(thread)
            } else {
                job.release()
                inline.append(k)
            }
        }
        for k in inline { body(k) }
        for t in threads { pthread_join(t, nil) }
    }
}
