#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Makes a crash (a trap, an abort, a bad access — a bug in Noether) end the process
/// with the documented status 70 and one line saying so, instead of a signal's 134
/// or 139. The handler runs on its own stack (a stack overflow can be caught) and
/// only calls async-signal-safe functions.
enum CrashReport {
    nonisolated(unsafe) private static var installed = false

    static func install() {
        guard !installed else { return }
        installed = true
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
        for signal in [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in
                let text = "noether: internal error (a bug in Noether: it crashed); please report it\n"
                _ = text.withCString { write(2, $0, strlen($0)) }
                _exit(70)
            }
            action.sa_flags = SA_ONSTACK
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }
}
