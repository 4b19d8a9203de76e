#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Runs work on dedicated POSIX threads with a known, large stack.
///
/// Sweep points always run on these threads — serial sweeps on one — so how deep a
/// body may recurse does not depend on which thread started the sweep (a test
/// thread, the main thread), and a serial and a parallel sweep give identical results.
enum WorkerThreads {
    /// Stack of each worker: room for the evaluator's deepest legal recursion.
    static let stackSize = 64 * 1024 * 1024

    /// The number of processors online (at least 1).
    static var processorCount: Int {
        Swift.max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
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
            let status = pthread_create(&thread, &attributes, { raw in
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
