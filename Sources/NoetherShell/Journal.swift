import Foundation
import NoetherEngine
import NoetherLang

/// Where Noether keeps per-user state: `$NOETHER_STATE_DIR` when set (tests use it),
/// else `$XDG_STATE_HOME/noether`, else `~/.local/state/noether`.
public enum StateDirectory {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["NOETHER_STATE_DIR"], !dir.isEmpty { return dir }
        if let xdg = environment["XDG_STATE_HOME"], xdg.hasPrefix("/") { return xdg + "/noether" }
        let home = environment["HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? NSHomeDirectory()
        return home + "/.local/state/noether"
    }
}

/// The session journal: every cell of a prompt session, appended (and flushed) to a
/// file as soon as it has run, so a crash or a killed terminal loses nothing.
///
/// One file per session in `<state>/journal/` (mode 0600, the folder 0700), named by
/// start time and process (`20250601-120000-123-4242.noe`; the name without `.noe`
/// is the session's ID), in the format `save` writes — a journal is a saved session.
/// A cell that failed is kept with its error as its output (`#=> error: …`), an
/// interrupted one commented out, as `save` keeps them.
///
/// - While the session runs, the journal is locked (`flock`); the lock goes with
///   the process, however it ends. A clean end appends `# session ended …`.
/// - A journal that is neither locked nor ended is a **crashed** session:
///   `noether --recover` lists them and replays the most recent, `--recover ID`
///   another one.
/// - The newest `keep` journals are kept; a locked one (a live session) never is pruned.
public final class Journal {
    public let path: String
    private var started = false
    private var warned = false
    private var lock: Int32 = -1
    public static let keep = 20
    static let endedPrefix = "# session ended "

    /// A journal for a new session in `directory` (created on the first cell).
    public init(directory: String, date: Date = Date()) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss-SSS"
        path = "\(directory)/journal/\(f.string(from: date))-\(ProcessInfo.processInfo.processIdentifier).noe"
    }

    deinit { if lock >= 0 { close(lock) } }

    /// The journal files in `directory`, oldest first.
    public static func files(in directory: String) -> [String] {
        let folder = directory + "/journal"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".noe") }.sorted().map { folder + "/" + $0 }
    }

    /// The session ID of a journal file: its name without folder and `.noe`.
    public static func id(of path: String) -> String {
        let name = (path as NSString).lastPathComponent
        return name.hasSuffix(".noe") ? String(name.dropLast(4)) : name
    }

    /// Whether a running session holds the journal's lock.
    public static func isLive(_ path: String) -> Bool {
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        if flock(fd, LOCK_EX | LOCK_NB) == 0 {
            flock(fd, LOCK_UN)
            return false
        }
        return true
    }

    /// Whether the session ended cleanly (its journal's last line says so).
    public static func isEnded(_ path: String) -> Bool {
        guard let handle = FileHandle(forReadingAtPath: path) else { return false }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        try? handle.seek(toOffset: size > 200 ? size - 200 : 0)
        let tail = String(decoding: handle.readDataToEndOfFile(), as: UTF8.self)
        let lines = tail.split(separator: "\n")
        return lines.last?.hasPrefix(endedPrefix) == true
    }

    /// The journals of sessions that died (neither live nor ended), oldest first.
    public static func crashed(in directory: String) -> [String] {
        files(in: directory).filter { !isLive($0) && !isEnded($0) }
    }

    public func append(_ cell: RecordedCell, console: Console) {
        var text = "\n" + cell.text + (cell.text.hasSuffix("\n") ? "" : "\n")
        for line in cell.output { text += SessionScript.outputLine(line) + "\n" }
        write(text, console: console)
    }

    public func appendFailed(text: String, error: String, console: Console) {
        write(
            "\n" + SessionScript.failedCellLines(text: text, error: error).joined(separator: "\n") + "\n",
            console: console)
    }

    /// Marks a clean end (not a crash: `--recover` will not offer it by default).
    public func finish(console: Console) {
        guard started else { return }
        write("\n\(Journal.endedPrefix)\(Shell.timestamp())\n", console: console)
    }

    private func write(_ text: String, console: Console) {
        do {
            if !started {
                started = true
                let folder = (path as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(
                    atPath: folder, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
                let header =
                    "\(SessionScript.headerPrefix)\(noetherVersion) journal started \(Shell.timestamp()), "
                    + "BLAS threads \(BLASThreads.count)\n\(SessionScript.replayPrefix) noether --recover restores this session\n"
                guard
                    FileManager.default.createFile(
                        atPath: path, contents: Data(header.utf8), attributes: [.posixPermissions: 0o600])
                else { throw JournalError(message: "cannot create '\(path)'") }
                lock = open(path, O_RDONLY)
                if lock >= 0 { flock(lock, LOCK_EX | LOCK_NB) }
                prune(folder: folder)
            }
            try TextFile.write(text, to: path, append: true)
        } catch {
            if !warned {
                warned = true
                console.err(
                    "noether: warning: the session journal cannot be written (\(Journal.describe(error))); continuing without it"
                )
            }
        }
    }

    private func prune(folder: String) {
        let all = Journal.files(in: (folder as NSString).deletingLastPathComponent)
        for old in all.dropLast(Journal.keep) where old != path && !Journal.isLive(old) {
            try? FileManager.default.removeItem(atPath: old)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let f = error as? EngineError { return f.message }
        if let j = error as? JournalError { return j.message }
        return "\(error.localizedDescription)"
    }
}

struct JournalError: Error {
    let message: String
}
