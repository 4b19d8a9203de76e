#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a shell writes: standard output for values, standard error for
/// diagnostics and progress. Injected so tests can capture both.
public struct Console: Sendable {
    public var out: @Sendable (String) -> Void
    public var err: @Sendable (String) -> Void

    public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
        self.out = out
        self.err = err
    }

    /// The process's standard streams; every write is a whole line, flushed, so the
    /// two streams interleave in order.
    public static let standard = Console(
        out: { line in writeAll(1, line + "\n") },
        err: { line in writeAll(2, line + "\n") })

    /// Writes text to a file descriptor unbuffered (so stdout and stderr stay in order).
    public static func writeAll(_ fd: Int32, _ text: String) {
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if n <= 0 {
                if n < 0 && errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    public static func isTerminal(_ fd: Int32) -> Bool { isatty(fd) != 0 }
}
