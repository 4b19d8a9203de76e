#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine

/// Reading and writing whole text files (UTF-8) for the language and the shell:
/// scripts, plots, exports, saved sessions, the journal. The bytes go through the
/// engine's `FileBytes`, and a failure is worded as the engine's file errors are
/// (`FileProblem`, `MissingFile`), so "cannot read 'x': no such file or directory"
/// reads the same whichever builtin met it.
public enum TextFile {
    /// The file's text. Invalid UTF-8 is repaired with U+FFFD. A failure is the engine's
    /// own error: a caller words it (`message`) and classes it (`diagnosticKind`: a
    /// missing file or folder exits 66), e.g. through `CallContext.engine(at:_:)`.
    public static func read(_ path: String) throws(EngineError) -> String {
        String(decoding: try FileBytes.read(path), as: UTF8.self)
    }

    /// Writes `text` to `path`, replacing the file (or, with `append`, adding to its
    /// end), and flushes it to the operating system.
    public static func write(_ text: String, to path: String, append: Bool = false) throws(EngineError) {
        try FileBytes.write(Array(text.utf8), to: path, append: append)
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }
}

extension Interpreter {
    /// `path` resolved against `baseDirectory` when it is relative.
    public func resolvePath(_ path: String) -> String {
        guard let base = baseDirectory, !path.hasPrefix("/") else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
