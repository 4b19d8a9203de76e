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
/// One file per session in `<state>/journal/`, named by start time and process
/// (`20250601-120000-123-4242.noe`), in the format `save` writes — a journal is a saved
/// session — except that a cell that failed is kept as `#✗ ` comment lines (never
/// replayed). The newest `keep` journals are kept. `noether --recover` replays the
/// newest one into a new session.
public final class Journal {
    public let path: String
    private var started = false
    private var warned = false
    public static let keep = 20

    /// A journal for a new session in `directory` (created on the first cell).
    public init(directory: String, date: Date = Date()) {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyyMMdd-HHmmss-SSS"
        path = "\(directory)/journal/\(f.string(from: date))-\(ProcessInfo.processInfo.processIdentifier).noe"
    }

    /// The journal files in `directory`, oldest first.
    public static func files(in directory: String) -> [String] {
        let folder = directory + "/journal"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        return names.filter { $0.hasSuffix(".noe") }.sorted().map { folder + "/" + $0 }
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

    private func write(_ text: String, console: Console) {
        do {
            if !started {
                started = true
                let folder = (path as NSString).deletingLastPathComponent
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                let header =
                    "\(SessionScript.headerPrefix)\(noetherVersion) journal started \(Shell.timestamp()), "
                    + "BLAS threads \(BLASThreads.count)\n\(SessionScript.replayPrefix) noether --recover restores this session\n"
                try TextFile.write(header, to: path)
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
        for old in all.dropLast(Journal.keep) where old != path {
            try? FileManager.default.removeItem(atPath: old)
        }
    }

    private static func describe(_ error: any Error) -> String {
        if let f = error as? TextFile.Failure { return f.message }
        return "\(error.localizedDescription)"
    }
}
