import Foundation
import Testing
@testable import NoetherShell

#if canImport(Glibc)
import Glibc
#endif

/// The history file: format, location, damage, the size cap and concurrent writers.
@Suite struct REPLHistoryTests {
    /// A fresh folder for one test, removed afterwards.
    final class Folder {
        let path: String
        init() {
            path =
                FileManager.default.temporaryDirectory
                .appendingPathComponent("noether-history-\(UUID().uuidString)").path
            try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        deinit { try? FileManager.default.removeItem(atPath: path) }
        func file(_ name: String) -> String { path + "/" + name }
        func write(_ name: String, _ bytes: [UInt8]) {
            _ = FileManager.default.createFile(atPath: file(name), contents: Data(bytes))
        }
        func read(_ name: String) -> String { (try? String(contentsOfFile: file(name), encoding: .utf8)) ?? "" }
    }

    @Test(arguments: ["plain", "xs = [1,\n  2]", "a\\b \\n", "# a comment cell", "cr\r\nlf", "ü → ∞", "", "#"])
    func entriesRoundTrip(entry: String) {
        let line = HistoryFormat.encode(entry)
        #expect(!line.contains("\n") && !line.contains("\r"))
        #expect(!line.hasPrefix("#"))
        #expect(HistoryFormat.decode(line) == entry)
    }

    @Test func damagedLinesAreCountedAndSkipped() {
        var bytes = Array("#noether-history v1\nfirst\n\nbad \\q escape\ntrailing \\\n".utf8)
        bytes += [0xFF, 0xFE, 0x41, UInt8(ascii: "\n")]
        bytes += Array("multi\\nline\r\nlast".utf8)
        let parsed = HistoryFormat.parse(bytes)
        #expect(parsed.entries == ["first", "multi\nline", "last"])
        #expect(parsed.damaged == 3)
    }

    @Test func location() {
        #expect(HistoryStore.defaultPath(environment: ["NOETHER_HISTORY": "/x/h", "HOME": "/home/me"]) == "/x/h")
        #expect(HistoryStore.defaultPath(environment: ["NOETHER_HISTORY": "", "HOME": "/home/me"]) == nil)
        #expect(
            HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "/state", "HOME": "/home/me"])
                == "/state/noether/history")
        #expect(
            HistoryStore.defaultPath(environment: ["XDG_STATE_HOME": "relative", "HOME": "/home/me"])
                == "/home/me/.local/state/noether/history")
        #expect(HistoryStore.defaultPath(environment: ["HOME": "/home/me"]) == "/home/me/.local/state/noether/history")
        #expect(HistoryStore.defaultPath(environment: [:]) == nil)
    }

    @Test func appendCreatesTheFolderAndLoadReadsBack() {
        let folder = Folder()
        let store = HistoryStore(path: folder.file("state/noether/history"))
        #expect(store.load().entries.isEmpty)
        #expect(store.load().warnings.isEmpty)
        #expect(store.append("x = 1") == nil)
        #expect(store.append("xs = [1,\n 2]") == nil)
        #expect(store.load().entries == ["x = 1", "xs = [1,\n 2]"])
        #expect(folder.read("state/noether/history") == "#noether-history v1\nx = 1\nxs = [1,\\n 2]\n")
        var info = stat()
        stat(folder.file("state/noether/history"), &info)
        #expect(info.st_mode & 0o777 == 0o600)
    }

    @Test func aDamagedFileWarnsAndKeepsTheRest() {
        let folder = Folder()
        folder.write(
            "history",
            Array("#noether-history v1\ngood\n".utf8) + [0xC3, 0x28, 0x0A] + Array("bad\\x\nalso good\n".utf8))
        let store = HistoryStore(path: folder.file("history"))
        let loaded = store.load()
        #expect(loaded.entries == ["good", "also good"])
        #expect(loaded.warnings.count == 1)
        #expect(loaded.warnings.first?.contains("2 damaged lines") == true)
        // Appending still works and loses nothing.
        #expect(store.append("next") == nil)
        #expect(store.load().entries == ["good", "also good", "next"])
    }

    @Test func binaryGarbageWarnsButNeverFails() {
        let folder = Folder()
        var generator = SystemRandomNumberGenerator()
        folder.write("history", (0..<4096).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let loaded = HistoryStore(path: folder.file("history")).load()
        #expect(loaded.entries.count < 200)
        // At most one warning (the damaged lines), and the session would go on.
        #expect(loaded.warnings.count <= 1)
    }

    @Test func anUnreadablePathWarns() {
        let folder = Folder()
        try! FileManager.default.createDirectory(atPath: folder.file("history"), withIntermediateDirectories: true)
        let store = HistoryStore(path: folder.file("history"))
        let loaded = store.load()
        #expect(loaded.entries.isEmpty)
        #expect(loaded.warnings.first?.contains("is a directory") == true)
        #expect(store.append("x")?.hasPrefix("cannot save history") == true)
    }

    @Test func aFileCutShortDoesNotSwallowTheNextEntry() {
        let folder = Folder()
        folder.write("history", Array("#noether-history v1\nfirst\nsecond without newline".utf8))
        let store = HistoryStore(path: folder.file("history"))
        store.append("third")
        #expect(store.load().entries == ["first", "second without newline", "third"])
    }

    @Test func theCapKeepsTheNewestEntriesAndTrimsTheFile() {
        let folder = Folder()
        let store = HistoryStore(path: folder.file("history"), limit: 10)
        for i in 1...30 { store.append("cell \(i)") }
        let loaded = store.load()
        #expect(loaded.entries == (21...30).map { "cell \($0)" })
        // The load trimmed the file in place.
        #expect(HistoryFormat.parse(Array(folder.read("history").utf8)).entries.count == 10)
        // Oversized entries are not stored.
        store.append(String(repeating: "x", count: HistoryStore.maxEntryBytes + 1))
        #expect(store.load().entries.last == "cell 30")
    }

    /// Two writers at once, each through its own open file (as two processes are):
    /// every entry arrives whole. Entries are long and multi-line, so unlocked,
    /// unbuffered writes would interleave.
    @Test func concurrentWritersNeverCorruptTheFile() async {
        let folder = Folder()
        let store = HistoryStore(path: folder.file("history"))
        let perWriter = 100
        let body = String(repeating: "0123456789abcdef\n", count: 300)
        await withTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    for i in 0..<perWriter { store.append("writer \(writer) entry \(i)\n" + body) }
                }
            }
        }
        let parsed = HistoryFormat.parse(Array(folder.read("history").utf8))
        #expect(parsed.damaged == 0)
        #expect(parsed.entries.count == 2 * perWriter)
        #expect(parsed.entries.allSatisfy { $0.hasSuffix(body) && $0.hasPrefix("writer ") })
        for writer in 0..<2 {
            let mine = parsed.entries.filter { $0.hasPrefix("writer \(writer) ") }
            #expect(
                mine.map { $0.split(separator: "\n")[0] } == (0..<perWriter).map { "writer \(writer) entry \($0)"[...] }
            )
        }
    }

    /// An append waits while another process holds the lock (here: another open
    /// file description of the same file, exactly what a second session has).
    @Test func appendWaitsForTheLock() async throws {
        let folder = Folder()
        let store = HistoryStore(path: folder.file("history"))
        store.append("first")
        let fd = open(folder.file("history"), O_RDWR)
        #expect(fd >= 0)
        defer { close(fd) }
        #expect(flock(fd, LOCK_EX) == 0)
        let appended = Task.detached { store.append("second") }
        try await Task.sleep(for: .milliseconds(300))
        #expect(folder.read("history") == "#noether-history v1\nfirst\n")
        flock(fd, LOCK_UN)
        _ = await appended.value
        #expect(folder.read("history") == "#noether-history v1\nfirst\nsecond\n")
    }
}
