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
    /// Why a file could not be read or written, worded for the user.
    public struct Failure: Error, Sendable {
        /// Whether the file (or its folder) does not exist.
        public let isMissing: Bool
        public let message: String

        init(_ error: EngineError) {
            isMissing = error.diagnosticKind == .missingFile
            message = error.message
        }
    }

    /// The file's text. Invalid UTF-8 is repaired with U+FFFD.
    public static func read(_ path: String) throws(Failure) -> String {
        do {
            return String(decoding: try FileBytes.read(path), as: UTF8.self)
        } catch {
            throw Failure(error)
        }
    }

    /// Writes `text` to `path`, replacing the file (or, with `append`, adding to its
    /// end), and flushes it to the operating system.
    public static func write(_ text: String, to path: String, append: Bool = false) throws(Failure) {
        do {
            try FileBytes.write(Array(text.utf8), to: path, append: append)
        } catch {
            throw Failure(error)
        }
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
