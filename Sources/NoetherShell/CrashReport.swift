#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherSyntax

/// Makes a crash (a trap, an abort, a bad access — a bug in Noether) end the process
/// with the documented status 70 and one line saying so, instead of a signal's 134
/// or 139:
///
/// ```
/// noether: internal error (a bug in Noether: SIGSEGV while running train.noe line 12); please report it
/// ```
///
/// The line names the signal and the script (or prompt cell) and line that was
/// running; a signal sent by another process (`kill -SEGV`) says which. The handler
/// runs on its own stack (`sigaltstack`, installed for the main thread and for each
/// thread that runs scripts or cells, so a stack overflow there is caught too) and
/// calls only async-signal-safe functions: the location is kept in buffers written
/// before each script and statement, and the line is counted from the script's bytes
/// when the report is written.
enum CrashReport {
    nonisolated(unsafe) private static var installed = false
    /// The running source's name, NUL-terminated (truncated to fit).
    nonisolated(unsafe) private static var name = UnsafeMutablePointer<CChar>.allocate(capacity: nameCapacity)
    private static let nameCapacity = 256
    /// A copy of the running source's bytes (counted to find the line) and the UTF-8
    /// offset of the statement running; nil / -1 when nothing runs.
    nonisolated(unsafe) private static var text: UnsafeMutableBufferPointer<UInt8>?
    nonisolated(unsafe) private static var offset = -1

    static func install() {
        guard !installed else { return }
        installed = true
        // Every static the handler reads is initialized now, not lazily inside it.
        name.initialize(repeating: 0, count: nameCapacity)
        FixedLine.space.initialize(repeating: 0, count: FixedLine.capacity)
        offset = -1
        text = nil
        installAlternateStack()
        for signal in [SIGILL, SIGTRAP, SIGABRT, SIGSEGV, SIGBUS, SIGFPE] {
            var action = sigaction()
            action.__sigaction_handler.sa_sigaction = { signal, info, _ in CrashReport.report(signal, info) }
            action.sa_flags = SA_ONSTACK | SA_SIGINFO
            sigemptyset(&action.sa_mask)
            sigaction(signal, &action, nil)
        }
    }

    /// Sources running, innermost last (a script that runs another); only the
    /// innermost one's copy is what the handler reads.
    nonisolated(unsafe) private static var running: [SourceFile] = []

    /// A source starts running on this thread (a script, `-e`, a prompt cell): the
    /// report names it until `finished()`. Does nothing unless the handler is
    /// installed (the binary, not the tests' in-process shells).
    static func started(_ source: SourceFile) {
        guard installed else { return }
        installAlternateStack()
        running.append(source)
        publish(source)
    }

    /// The source of the matching `started` has ended: the one that ran it is named again.
    static func finished() {
        guard installed, !running.isEmpty else { return }
        running.removeLast()
        if let outer = running.last { publish(outer) } else { offset = -1 }
    }

    private static func publish(_ source: SourceFile) {
        offset = -1
        // The handler may read the old copy while it is replaced: unpublish it first.
        let old = text
        text = nil
        old?.deallocate()
        let copy = UnsafeMutableBufferPointer<UInt8>.allocate(capacity: source.utf8.count)
        _ = copy.initialize(from: source.utf8)
        text = copy
        var k = 0
        for byte in source.name.utf8 where k < nameCapacity - 1 {
            name[k] = CChar(bitPattern: byte)
            k += 1
        }
        name[k] = 0
    }

    /// The statement starting at UTF-8 offset `offset` of the running source starts.
    @inline(__always)
    static func statement(at offset: Int) {
        if installed { Self.offset = offset }
    }

    /// An alternate signal stack for the calling thread, unless it has one (64 KiB,
    /// kept for the thread's life).
    private static func installAlternateStack() {
        var current = stack_t()
        guard sigaltstack(nil, &current) == 0, current.ss_flags & Int32(SS_DISABLE) != 0 else { return }
        let size = 1 << 16
        var stack = stack_t()
        stack.ss_sp = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 16)
        stack.ss_size = size
        stack.ss_flags = 0
        sigaltstack(&stack, nil)
    }

    /// The handler: one line on standard error, then `_exit(70)`.
    private static func report(_ signal: Int32, _ info: UnsafeMutablePointer<siginfo_t>?) {
        var line = FixedLine()
        line.append("noether: internal error (a bug in Noether: ")
        line.append(signalName(signal))
        if name[0] != 0 && offset >= 0 {
            line.append(" while running ")
            line.append(UnsafePointer(name))
            line.append(" line ")
            var count = 1
            if let text {
                for k in 0..<Swift.min(offset, text.count) where text[k] == UInt8(ascii: "\n") { count += 1 }
            }
            line.append(count)
        }
        // kill(2)/sigqueue from another process is not a crash of this one: say who sent it.
        if let info, info.pointee.si_code <= 0 {
            let sender = info.pointee._sifields._kill.si_pid
            if sender != getpid() {
                line.append(", sent by process ")
                line.append(Int(sender))
            }
        }
        line.append("); please report it\n")
        line.write(to: 2)
        _exit(70)
    }

    private static func signalName(_ signal: Int32) -> StaticString {
        switch signal {
        case SIGILL: "SIGILL"
        case SIGTRAP: "SIGTRAP"
        case SIGABRT: "SIGABRT"
        case SIGSEGV: "SIGSEGV"
        case SIGBUS: "SIGBUS"
        case SIGFPE: "SIGFPE"
        default: "a signal"
        }
    }

    /// A line assembled in a buffer allocated at installation (nothing is allocated in
    /// the handler).
    private struct FixedLine {
        static let capacity = 512
        nonisolated(unsafe) static var space = UnsafeMutablePointer<UInt8>.allocate(capacity: capacity)
        var count = 0

        mutating func append(_ byte: UInt8) {
            guard count < Self.capacity else { return }
            Self.space[count] = byte
            count += 1
        }
        mutating func append(_ text: StaticString) {
            text.withUTF8Buffer { for b in $0 { append(b) } }
        }
        mutating func append(_ text: UnsafePointer<CChar>) {
            var k = 0
            while text[k] != 0 {
                append(UInt8(bitPattern: text[k]))
                k += 1
            }
        }
        mutating func append(_ number: Int) {
            let n = Swift.max(number, 0)
            var divisor = 1
            while divisor <= n / 10 { divisor *= 10 }
            repeat {
                append(UInt8(ascii: "0") + UInt8(n / divisor % 10))
                divisor /= 10
            } while divisor > 0
        }
        func write(to fd: Int32) {
            var done = 0
            while done < count {
                let n = Glibc.write(fd, Self.space + done, count - done)
                if n <= 0 { return }
                done += n
            }
        }
    }
}
