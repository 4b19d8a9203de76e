import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program on a pseudo-terminal, as a user's terminal would: the child gets
/// a new session whose controlling terminal is the pty, so typing Ctrl-C sends it
/// SIGINT through the terminal's line discipline, not through `kill`.
///
/// Built on `openpty` and `posix_spawn` (with `POSIX_SPAWN_SETSID`, then opening
/// the pty's slave side as descriptor 0) rather than Python's `pty` module or
/// `script(1)`: no other tool is needed, and `posix_spawn` is safe to call from a
/// multi-threaded test process, where `fork` is not.
///
/// Every wait has a deadline; the child is killed when the terminal is dropped.
final class PseudoTerminal {
    let pid: pid_t
    private let master: Int32
    private var raw: [UInt8] = []
    private var exitStatus: Int32?

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    init(
        executable: String, arguments: [String] = [], environment: [String: String], directory: String,
        columns: Int = 200, rows: Int = 40
    ) throws {
        var master: Int32 = -1
        var slave: Int32 = -1
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        guard openpty(&master, &slave, nil, nil, &size) == 0 else {
            throw Failure(description: "openpty failed: \(errno)")
        }
        _ = fcntl(master, F_SETFD, FD_CLOEXEC)
        _ = fcntl(slave, F_SETFD, FD_CLOEXEC)
        guard let slaveName = ttyname(slave).map({ String(cString: $0) }) else {
            throw Failure(description: "ttyname failed: \(errno)")
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Opened after setsid: the pty becomes the child's controlling terminal.
        posix_spawn_file_actions_addopen(&actions, 0, slaveName, O_RDWR, 0)
        posix_spawn_file_actions_adddup2(&actions, 0, 1)
        posix_spawn_file_actions_adddup2(&actions, 0, 2)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        var all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        // POSIX_SPAWN_SETSID (0x80) is hidden behind _GNU_SOURCE from Swift.
        let setsid: Int32 = 0x80
        posix_spawnattr_setflags(&attributes, Int16(setsid | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        // `sh` changes directory and then becomes the program (exec keeps the process,
        // its session and its terminal).
        let shell = "/bin/sh"
        let script = "cd \"$1\" && shift && exec \"$@\""
        let argv = (["sh", "-c", script, "sh", directory, executable] + arguments).map { strdup($0) } + [nil]
        let envp = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var child: pid_t = 0
        let result = posix_spawn(&child, shell, &actions, &attributes, argv, envp)
        close(slave)
        guard result == 0 else {
            close(master)
            throw Failure(description: "posix_spawn failed: \(result)")
        }
        self.pid = child
        self.master = master
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
        close(master)
    }

    /// Types `text` (control characters included: "\u{03}" is Ctrl-C).
    func send(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(master, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 { if errno == EINTR { continue } else { return } }
            offset += n
        }
    }

    /// Everything the program wrote, with escape sequences and carriage returns
    /// removed: roughly what the screen's lines say.
    var transcript: String { Self.strip(String(decoding: raw, as: UTF8.self)) }
    /// Everything the program wrote, escape sequences included.
    var rawOutput: String { String(decoding: raw, as: UTF8.self) }
    /// The transcript's length now; pass it to `wait(for:after:)` to look only at
    /// what comes next.
    var mark: Int { transcript.count }

    /// Reads output until the transcript after `mark` contains `needle`; returns
    /// whether it did before `timeout` seconds.
    @discardableResult
    func wait(for needle: String, after mark: Int = 0, timeout: Double = 10) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if String(transcript.dropFirst(mark)).contains(needle) { return true }
            let left = deadline.timeIntervalSinceNow
            if left <= 0 { return false }
            if !readSome(timeout: left) && exitStatus != nil {
                return String(transcript.dropFirst(mark)).contains(needle)
            }
        }
    }

    /// Waits for the program to exit; its exit status, or `nil` (after killing it)
    /// when it is still running after `timeout` seconds.
    func waitForExit(timeout: Double = 10) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while exitStatus == nil && deadline.timeIntervalSinceNow > 0 {
            _ = readSome(timeout: 0.05)
            reap()
        }
        if exitStatus == nil {
            kill(pid, SIGKILL)
            return nil
        }
        while readSome(timeout: 0.05) {}
        return exitStatus
    }

    /// Reads what is available within `timeout`; whether anything came.
    private func readSome(timeout: Double) -> Bool {
        var descriptor = pollfd(fd: master, events: Int16(POLLIN), revents: 0)
        let ready = poll(&descriptor, 1, Int32(max(1, min(timeout, 0.2) * 1000)))
        guard ready > 0 else {
            reap()
            return false
        }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = buffer.withUnsafeMutableBytes { read(master, $0.baseAddress, $0.count) }
        if n > 0 {
            raw += buffer[0..<n]
            return true
        }
        // EIO: the child closed the terminal (it exited).
        reap()
        return false
    }

    private func reap() {
        guard exitStatus == nil else { return }
        var status: Int32 = 0
        if waitpid(pid, &status, WNOHANG) == pid {
            // WIFEXITED / WEXITSTATUS, spelled out (they are macros).
            exitStatus = (status & 0x7F) == 0 ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        }
    }

    /// Removes CSI/OSC escape sequences, other ESC pairs and carriage returns.
    static func strip(_ text: String) -> String {
        var out = ""
        var scalars = Array(text.unicodeScalars)[...]
        while let c = scalars.popFirst() {
            if c == "\u{1B}" {
                guard let next = scalars.popFirst() else { break }
                if next == "[" {
                    while let d = scalars.popFirst(), !(0x40...0x7E).contains(d.value) {}
                } else if next == "]" {
                    while let d = scalars.popFirst(), d != "\u{07}" {}
                }
                continue
            }
            if c == "\r" || c == "\u{07}" { continue }
            out.unicodeScalars.append(c)
        }
        return out
    }
}
