import Foundation
import NoetherLang
import NoetherSyntax

/// The answer to a Tab: which word of the text is being completed and what may
/// replace it.
public struct Completion: Sendable, Equatable {
    /// What kind of word is completed (the readline glue treats paths specially).
    public enum Kind: Sendable, Equatable {
        /// Names, labels (`loss=`), values and fields in code.
        case code
        /// A path inside a string literal; directories end with `/`.
        case path
    }

    /// UTF-8 offset in the completed text where the word starts; each candidate
    /// replaces the text from here to the cursor.
    public var start: Int
    /// Every replacement, sorted, without duplicates; empty when nothing fits.
    public var candidates: [String]
    public var kind: Kind

    public init(start: Int, candidates: [String], kind: Kind = .code) {
        self.start = start
        self.candidates = candidates
        self.kind = kind
    }

    /// The longest common prefix of the candidates (in characters), what a first Tab
    /// inserts when several candidates remain.
    public var commonPrefix: String {
        guard var prefix = candidates.first.map(Array.init) else { return "" }
        for candidate in candidates.dropFirst() {
            let c = Array(candidate)
            var n = 0
            while n < prefix.count, n < c.count, prefix[n] == c[n] { n += 1 }
            prefix.removeSubrange(n...)
        }
        return String(prefix)
    }
}

/// What completion may know of the session: the builtin declarations, the
/// session's bindings, the command words and the file system. A snapshot, so the
/// completer is a pure function of the text and this value.
public struct CompletionContext: Sendable {
    public var registry: BuiltinRegistry
    /// The session's top-level bindings.
    public var bindings: [String: Value]
    /// Words that start a command statement (`help`, `save`, `vars` …).
    public var commands: Set<String>
    /// Commands whose string argument is a path (`save "…"`, `run "…"`).
    public var fileCommands: Set<String>
    public var files: FileSystemView

    public init(
        registry: BuiltinRegistry = .standard, bindings: [String: Value] = [:],
        commands: Set<String> = Parser.defaultCommands, fileCommands: Set<String> = ["save", "run", "load"],
        files: FileSystemView = .current
    ) {
        self.registry = registry
        self.bindings = bindings
        self.commands = commands
        self.fileCommands = fileCommands
        self.files = files
    }

    /// The context of a live session.
    public init(interpreter: Interpreter, files: FileSystemView = .current) {
        self.init(registry: interpreter.registry, bindings: interpreter.globals, files: files)
    }
}

/// The little of the file system path completion needs, injectable for tests.
public struct FileSystemView: Sendable {
    public struct Entry: Sendable, Equatable {
        public var name: String
        public var isDirectory: Bool
        public init(name: String, isDirectory: Bool) {
            self.name = name
            self.isDirectory = isDirectory
        }
    }

    /// The entries of a directory (`nil` when it cannot be listed). Paths are as the
    /// user typed them, after `~` expansion; "" means the current directory.
    public var list: @Sendable (_ directory: String) -> [Entry]?
    /// What a leading `~` stands for.
    public var home: String

    public init(home: String, list: @escaping @Sendable (String) -> [Entry]?) {
        self.home = home
        self.list = list
    }

    /// The process's file system, relative to the current directory.
    public static var current: FileSystemView {
        FileSystemView(home: ProcessInfo.processInfo.environment["HOME"] ?? NSHomeDirectory()) { directory in
            let fm = FileManager.default
            let path = directory.isEmpty ? "." : directory
            guard let names = try? fm.contentsOfDirectory(atPath: path) else { return nil }
            return names.map { name in
                var isDirectory: ObjCBool = false
                let full = (path.hasSuffix("/") ? path : path + "/") + name
                _ = fm.fileExists(atPath: full, isDirectory: &isDirectory)
                return Entry(name: name, isDirectory: isDirectory.boolValue)
            }
        }
    }
}
