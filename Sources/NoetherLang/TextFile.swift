#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reading and writing whole text files (UTF-8), without Foundation.
public enum TextFile {
    /// Why a file could not be read or written, in the catalogue's style.
    public struct Failure: Error, Sendable {
        /// Whether the file (or its folder) does not exist.
        public let isMissing: Bool
        public let message: String
    }

    /// The file's text. Invalid UTF-8 is repaired with U+FFFD.
    public static func read(_ path: String) throws(Failure) -> String {
        guard let file = fopen(path, "rb") else { throw failure("cannot read", path) }
        defer { fclose(file) }
        var bytes = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, $0.count, file) }
            if n > 0 { bytes.append(contentsOf: buffer[0..<n]) }
            if n < buffer.count {
                if ferror(file) != 0 { throw failure("cannot read", path) }
                break
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Writes `text` to `path`, replacing the file (or, with `append`, adding to its
    /// end), and flushes it to the operating system.
    public static func write(_ text: String, to path: String, append: Bool = false) throws(Failure) {
        guard let file = fopen(path, append ? "ab" : "wb") else { throw failure("cannot write", path) }
        let bytes = Array(text.utf8)
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, file) }
        let flushed = fflush(file) == 0
        let closed = fclose(file) == 0
        guard written == bytes.count, flushed, closed else { throw failure("cannot write", path) }
    }

    /// Whether something exists at `path`.
    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    private static func failure(_ what: String, _ path: String) -> Failure {
        let code = errno
        let reason = String(cString: strerror(code)).lowercased()
        return Failure(isMissing: code == ENOENT, message: "\(what) '\(path)': \(reason)")
    }
}

extension Interpreter {
    /// `path` resolved against `baseDirectory` when it is relative.
    public func resolvePath(_ path: String) -> String {
        guard let base = baseDirectory, !path.hasPrefix("/") else { return path }
        return base.hasSuffix("/") ? base + path : base + "/" + path
    }
}
