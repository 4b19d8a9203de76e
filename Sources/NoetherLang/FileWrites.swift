#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherSyntax
import Synchronization

/// Where a session may write files, and what it has written (docs/security.md).
///
/// - **Sandbox.** With `roots` set (the shell sets the working directory, the
///   script's own directory, the temporary directory and every `--allow-write DIR`),
///   a write outside them, or below them through a symbolic link, is refused.
/// - **No silent overwrites.** A file that exists and that this session did not
///   write is replaced only when the write says `overwrite=true`.
/// - **Redirection.** With `redirect` set (`noether check`, `lesson --check`) every
///   write goes to a file in that temporary folder instead; later reads of the same
///   name in the session read the redirected file, so the replay behaves as the
///   session did while the user's files stay untouched.
public final class FileWrites: Sendable {
    struct State {
        var roots: [String]?
        var redirect: String?
        var written = Set<String>()
        var redirected = [String: String]()
    }
    private let state: Mutex<State>

    /// No sandbox and no redirection (library use); the shell configures both.
    public init(roots: [String]? = nil, redirect: String? = nil) {
        state = Mutex(State(roots: roots?.map { FileWrites.canonical($0) }, redirect: redirect))
    }

    /// The folders writes are allowed in (nil: anywhere), canonical.
    public var roots: [String]? {
        get { state.withLock { $0.roots } }
        set { state.withLock { $0.roots = newValue?.map { FileWrites.canonical($0) } } }
    }

    /// Adds a folder to the sandbox (a running script's own folder).
    public func allow(_ directory: String) {
        let c = FileWrites.canonical(directory)
        state.withLock { s in
            if s.roots != nil && !s.roots!.contains(c) { s.roots!.append(c) }
        }
    }

    /// The temporary folder writes are redirected to (nil: they go where they say).
    public var redirect: String? {
        get { state.withLock { $0.redirect } }
        set { state.withLock { $0.redirect = newValue } }
    }

    /// Why a write was refused.
    public struct Refusal: Error, Sendable {
        public let message: String
        public let hint: String
    }

    /// The file a write of `path` (already resolved against the base directory) goes
    /// to, after the sandbox and overwrite checks; records it as written.
    public func prepare(_ path: String, overwrite: Bool) throws(Refusal) -> String {
        let target = FileWrites.canonical(path)
        return try state.withLock { (s: inout State) throws(Refusal) -> String in
            // Under redirection nothing reaches the named file: no sandbox refusal then,
            // so `check` replays a session that wrote anywhere it was allowed to.
            if let roots = s.roots, s.redirect == nil, !roots.contains(where: { FileWrites.isInside(target, $0) }) {
                throw Refusal(
                    message: "writing '\(path)' is outside the folders this session may write to",
                    hint:
                        "scripts write only below the working directory, the script's folder and the temporary folder; run noether with --allow-write DIR to allow another folder"
                )
            }
            if let folder = s.redirect {
                if let existing = s.redirected[target] { return existing }
                let name = target.split(separator: "/").last.map(String.init) ?? "file"
                let redirected = "\(folder)/\(s.redirected.count + 1)-\(name)"
                s.redirected[target] = redirected
                s.written.insert(target)
                return redirected
            }
            if !overwrite && !s.written.contains(target) && access(target, F_OK) == 0 {
                throw Refusal(
                    message: "'\(path)' already exists and was not written in this session",
                    hint: "pass overwrite=true to replace it")
            }
            s.written.insert(target)
            return target
        }
    }

    /// The file a read of `path` should open: the redirected copy when this session
    /// wrote it under redirection, else `path`.
    public func readable(_ path: String) -> String {
        let target = FileWrites.canonical(path)
        return state.withLock { $0.redirected[target] } ?? path
    }

    /// `path` made absolute and free of `.`, `..` and symbolic links where it exists
    /// (the longest existing prefix is resolved with realpath, the rest appended).
    static func canonical(_ path: String, depth: Int = 0) -> String {
        var absolute = path
        if !path.hasPrefix("/") {
            var buffer = [CChar](repeating: 0, count: 4096)
            let cwd = getcwd(&buffer, buffer.count) != nil ? String(cString: buffer) : "/"
            absolute = cwd + "/" + path
        }
        var parts = [Substring]()
        for p in absolute.split(separator: "/") {
            if p == "." || p.isEmpty { continue }
            if p == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(p)
        }
        // A symbolic link as the last component is followed even when it dangles
        // (fopen would create its target).
        var st = stat()
        let joined = "/" + parts.joined(separator: "/")
        if depth < 40, lstat(joined, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK {
            var buffer = [CChar](repeating: 0, count: 4096)
            let n = readlink(joined, &buffer, buffer.count - 1)
            if n > 0 {
                let link = String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
                let folder = "/" + parts.dropLast().joined(separator: "/")
                return canonical(link.hasPrefix("/") ? link : folder + "/" + link, depth: depth + 1)
            }
        }
        // Resolve the longest prefix that exists.
        var k = parts.count
        while k >= 0 {
            let prefix = "/" + parts[0..<k].joined(separator: "/")
            if let real = realpath(prefix, nil) {
                defer { free(real) }
                let base = String(cString: real)
                let rest = parts[k...].joined(separator: "/")
                if rest.isEmpty { return base }
                return base == "/" ? "/" + rest : base + "/" + rest
            }
            k -= 1
        }
        return "/" + parts.joined(separator: "/")
    }

    static func isInside(_ path: String, _ root: String) -> Bool {
        root == "/" || path == root || path.hasPrefix(root + "/")
    }
}

extension Interpreter {
    /// Where a write of the user's `path` goes (resolved, sandboxed, not overwriting
    /// a file this session did not write unless `overwrite`), as a diagnostic at `range`.
    public func pathForWriting(_ path: String, overwrite: Bool, at range: SourceRange) throws(Diagnostic) -> String {
        do throws(FileWrites.Refusal) {
            return try writes.prepare(resolvePath(path), overwrite: overwrite)
        } catch {
            throw Diagnostic(.runtime, error.message, at: range, hint: error.hint)
        }
    }

    /// Where a read of the user's `path` goes: a file this session wrote under
    /// `noether check` is read from its redirected copy.
    public func pathForReading(_ path: String) -> String {
        writes.readable(resolvePath(path))
    }
}
