import Foundation

/// A note said once per user, not once per session: the first time is remembered
/// by a marker file (one line per key) in Noether's state folder. Without a marker
/// path it is said once per session. A marker that cannot be written only means the
/// note may be said again.
public final class OneTimeNote {
    let marker: String?
    private var said: Set<String> = []

    public init(marker: String?) {
        self.marker = marker
    }

    /// The note for the interactive prompt's bindings of command words (`run = …`),
    /// remembered in `<state>/notes-said`.
    public static func commandWords(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> OneTimeNote
    {
        OneTimeNote(marker: StateDirectory.path(environment: environment) + "/notes-said")
    }

    /// Whether the note about `key` is to be said now (and from now on, remembered as said).
    public func firstTime(_ key: String) -> Bool {
        guard said.insert(key).inserted else { return false }
        guard let marker else { return true }
        let line = "command-word " + key
        if let text = try? String(contentsOfFile: marker, encoding: .utf8),
            text.split(separator: "\n").contains(where: { $0 == line })
        {
            return false
        }
        let url = URL(fileURLWithPath: marker)
        try? FileManager.default.createDirectory(
            at: url.deletingLastPathComponent(), withIntermediateDirectories: true,
            attributes: [.posixPermissions: 0o700])
        if let handle = try? FileHandle(forWritingTo: url) {
            handle.seekToEndOfFile()
            handle.write(Data((line + "\n").utf8))
            try? handle.close()
        } else {
            FileManager.default.createFile(
                atPath: marker, contents: Data((line + "\n").utf8), attributes: [.posixPermissions: 0o600])
        }
        return true
    }
}
