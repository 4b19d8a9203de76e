#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The history file shared by every Noether session of a user.
///
/// - Where: `$NOETHER_HISTORY` when set (an empty value turns saving off), else
///   `$XDG_STATE_HOME/noether/history`, else `~/.local/state/noether/history`.
/// - Appends take an exclusive `flock` and write one whole line, so two sessions at
///   once interleave whole entries and never corrupt each other; loads take a
///   shared lock.
/// - Multi-line cells are stored escaped, one per line (`HistoryFormat`).
/// - Nothing here fails a session: a missing file is an empty history; an unreadable
///   or damaged one gives a warning (damaged lines are skipped, the rest is kept).
/// - Size cap: at most `limit` entries are loaded; when the file holds more than
///   `limit + limit/4` it is rewritten in place, under the lock, with the newest
///   `limit`. Entries longer than `maxEntryBytes` are not stored.
public struct HistoryStore: Sendable {
    public let path: String
    public let limit: Int
    public static let defaultLimit = 5000
    public static let maxEntryBytes = 64 * 1024
    /// Files larger than this are not read (a warning says so).
    static let maxFileBytes = 64 * 1024 * 1024

    public init(path: String, limit: Int = HistoryStore.defaultLimit) {
        self.path = path
        self.limit = Swift.max(1, limit)
    }

    /// The history file for an environment, or `nil` when saving is off
    /// (`NOETHER_HISTORY` set to the empty string, or no home to put it in).
    public static func defaultPath(environment: [String: String]) -> String? {
        if let explicit = environment["NOETHER_HISTORY"] { return explicit.isEmpty ? nil : explicit }
        if let state = environment["XDG_STATE_HOME"], state.hasPrefix("/") {
            return state + "/noether/history"
        }
        guard let home = environment["HOME"], !home.isEmpty else { return nil }
        return home + "/.local/state/noether/history"
    }

    /// What `load()` found.
    public struct Loaded: Sendable {
        /// Oldest first, at most `limit`.
        public var entries: [String]
        /// Problems worth telling the user, one line each (never fatal).
        public var warnings: [String]
    }

    /// Reads the history (and trims the file when it has grown past the cap).
    public func load() -> Loaded {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        if fd < 0 {
            if errno == ENOENT { return Loaded(entries: [], warnings: []) }
            return Loaded(
                entries: [],
                warnings: ["cannot read the history file '\(path)': \(Self.errorText()); history starts empty"])
        }
        defer { close(fd) }
        Self.lock(fd, LOCK_SH)
        let read = Self.readAll(fd)
        Self.lock(fd, LOCK_UN)
        guard let bytes = read.bytes else {
            return Loaded(
                entries: [], warnings: ["cannot read the history file '\(path)': \(read.problem); history starts empty"]
            )
        }
        var (entries, damaged) = HistoryFormat.parse(bytes)
        var warnings: [String] = []
        if damaged > 0 {
            warnings.append(
                "the history file '\(path)' has \(damaged) damaged line\(damaged == 1 ? "" : "s"); \(damaged == 1 ? "it was" : "they were") skipped"
            )
        }
        if entries.count > limit + limit / 4 { compact() }
        if entries.count > limit { entries.removeFirst(entries.count - limit) }
        return Loaded(entries: entries, warnings: warnings)
    }

    /// Appends one entry under an exclusive lock, creating the file (mode 0600) and
    /// its folder (0700) when needed. Returns a warning when it could not.
    @discardableResult
    public func append(_ entry: String) -> String? {
        guard entry.utf8.count <= Self.maxEntryBytes else { return nil }
        if let problem = Self.makeParentDirectory(of: path) {
            return "cannot save history to '\(path)': \(problem)"
        }
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { return "cannot save history to '\(path)': \(Self.errorText())" }
        defer { close(fd) }
        Self.lock(fd, LOCK_EX)
        defer { Self.lock(fd, LOCK_UN) }
        var text = HistoryFormat.encode(entry) + "\n"
        var info = stat()
        if fstat(fd, &info) == 0 {
            if info.st_size == 0 {
                text = HistoryFormat.header + "\n" + text
            } else {
                // A file cut short (no final newline) must not swallow this entry.
                var last: UInt8 = 0
                if pread(fd, &last, 1, info.st_size - 1) == 1, last != UInt8(ascii: "\n") { text = "\n" + text }
            }
        }
        guard Self.writeAll(fd, Array(text.utf8)) else {
            return "cannot save history to '\(path)': \(Self.errorText())"
        }
        return nil
    }

    /// Rewrites the file with its newest `limit` entries, in place and under the
    /// exclusive lock (so sessions appending meanwhile wait, and nothing is lost to
    /// a rename behind their backs).
    func compact() {
        let fd = open(path, O_RDWR | O_CLOEXEC)
        guard fd >= 0 else { return }
        defer { close(fd) }
        Self.lock(fd, LOCK_EX)
        defer { Self.lock(fd, LOCK_UN) }
        guard let bytes = Self.readAll(fd).bytes else { return }
        var entries = HistoryFormat.parse(bytes).entries
        guard entries.count > limit else { return }
        entries.removeFirst(entries.count - limit)
        let text = Array(HistoryFormat.file(entries).utf8)
        guard ftruncate(fd, 0) == 0, lseek(fd, 0, SEEK_SET) == 0 else { return }
        _ = Self.writeAll(fd, text)
    }

    // MARK: - System calls

    private static func lock(_ fd: Int32, _ operation: Int32) {
        while flock(fd, operation) != 0 && errno == EINTR {}
    }

    private static func errorText() -> String { String(cString: strerror(errno)) }

    private static func readAll(_ fd: Int32) -> (bytes: [UInt8]?, problem: String) {
        var info = stat()
        guard fstat(fd, &info) == 0 else { return (nil, errorText()) }
        if (info.st_mode & S_IFMT) == S_IFDIR { return (nil, "it is a directory") }
        if Int(info.st_size) > maxFileBytes { return (nil, "it is larger than \(maxFileBytes / 1024 / 1024) MB") }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                return (nil, errorText())
            }
            if n == 0 { break }
            bytes += buffer[0..<n]
            if bytes.count > maxFileBytes { return (nil, "it is larger than \(maxFileBytes / 1024 / 1024) MB") }
        }
        return (bytes, "")
    }

    private static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += n
        }
        return true
    }

    /// `mkdir -p` of the file's folder; a problem's description, or `nil`.
    private static func makeParentDirectory(of path: String) -> String? {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return nil }
        let directory = String(path[..<slash])
        var current = directory.hasPrefix("/") ? "/" : ""
        for component in directory.split(separator: "/") {
            current += (current.isEmpty || current.hasSuffix("/") ? "" : "/") + component
            if mkdir(current, 0o700) != 0 && errno != EEXIST { return errorText() }
        }
        return nil
    }
}
