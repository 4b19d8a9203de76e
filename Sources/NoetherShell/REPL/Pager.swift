import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Shows long help through a pager, as `git` and `man` do: `$PAGER` (run by `/bin/sh`),
/// `less -R` when it is unset or empty. Only at a terminal — the REPL installs it when
/// standard input and output are terminals; in pipes help is printed as it is.
struct Pager {
    /// The pager's command line.
    var command: String
    /// The terminal's height: text of more lines than fit is paged.
    var rows: () -> Int

    init(environment: [String: String], rows: @escaping () -> Int) {
        let configured = environment["PAGER"] ?? ""
        command = configured.trimmingCharacters(in: .whitespaces).isEmpty ? "less -R" : configured
        self.rows = rows
    }

    /// Whether `text` is too long for one screen (the prompt needs a line after it).
    func wants(_ text: String) -> Bool {
        text.split(separator: "\n", omittingEmptySubsequences: false).count > rows() - 1
    }

    /// Pages `text` when it is too long for the screen; false when it is short or the
    /// pager cannot be started (then the caller prints it).
    func page(_ text: String) -> Bool {
        guard wants(text) else { return false }
        // posix_spawn, not Foundation's Process: the pager must stay in the terminal's
        // foreground process group (Process starts a new one, where less stops on its
        // first read of the terminal).
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return false }
        let (readEnd, writeEnd) = (fds[0], fds[1])
        _ = fcntl(writeEnd, F_SETFD, FD_CLOEXEC)
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, readEnd, 0)
        posix_spawn_file_actions_addclose(&actions, readEnd)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        sigaddset(&defaults, SIGINT)
        sigaddset(&defaults, SIGPIPE)
        sigaddset(&defaults, SIGWINCH)
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        let words: [String] = ["sh", "-c", command]
        let argv = words.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let spawned = posix_spawn(&child, "/bin/sh", &actions, &attributes, argv, environ)
        close(readEnd)
        guard spawned == 0 else {
            close(writeEnd)
            return false
        }
        // A pager quit before reading everything closes the pipe: that is no error.
        let previous = signal(SIGPIPE, SIG_IGN)
        defer { signal(SIGPIPE, previous) }
        let bytes = Array((text.hasSuffix("\n") ? text : text + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(writeEnd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            offset += n
        }
        close(writeEnd)
        var status: Int32 = 0
        while waitpid(child, &status, 0) < 0 && errno == EINTR {}
        return true
    }
}
