#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whole-file reads and writes over the C library (no Foundation), with failures
/// reported as `EngineError.file` (or `missingFile`) with the path and the system's
/// error number. The language's own files (scripts, plots, exports, the journal) are
/// read and written here too.
public enum FileBytes {
    /// Whether `path` names an existing regular file.
    static func isRegularFile(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether `path` names an existing directory.
    static func isDirectory(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// The size in bytes of the regular file at `path`; nil when it is not one.
    static func size(_ path: String) -> Int? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int(st.st_size)
    }

    /// The content of the file at `path`: all of it, or its first `maxBytes` bytes.
    /// A folder is `file(path, .isAFolder)`; a file larger than the memory budget,
    /// `outOfMemory`.
    public static func read(_ path: String, maxBytes: Int = .max) throws(EngineError) -> [UInt8] {
        if isDirectory(path) { throw .file(path: path, .isAFolder) }
        guard let f = fopen(path, "rb") else { throw failure(reading: true, path) }
        defer { fclose(f) }
        var bytes = [UInt8]()
        var st = stat()
        if fstat(fileno(f), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG {
            let size = Swift.min(Int(st.st_size), maxBytes)
            try MemoryBudget.check(size, for: .readingFile(path: path))
            bytes.reserveCapacity(size)
        }
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while bytes.count < maxBytes {
            let want = Swift.min(chunk.count, maxBytes - bytes.count)
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, want, f) }
            if got > 0 { bytes.append(contentsOf: chunk[0..<got]) }
            if got < want {
                if ferror(f) != 0 { throw .file(path: path, .cannotRead(SystemErrorCode(errno))) }
                break
            }
        }
        return bytes
    }

    /// Writes `bytes` to `path`, replacing any existing file (or, with `append`, adding
    /// to its end); the bytes are handed to the operating system when it returns.
    public static func write(_ bytes: [UInt8], to path: String, append: Bool = false) throws(EngineError) {
        guard let f = fopen(path, append ? "ab" : "wb") else { throw failure(reading: false, path) }
        let written = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        let failed = written != bytes.count || fflush(f) != 0
        let closed = fclose(f) == 0
        if failed || !closed { throw .file(path: path, .cannotWrite(SystemErrorCode(errno))) }
    }

    /// The error for a failed open of `path`: `missingFile` when it (or its folder)
    /// does not exist, `file` otherwise. Call it right after the failing call.
    private static func failure(reading: Bool, _ path: String) -> EngineError {
        let code = SystemErrorCode(errno)
        if code.rawValue == ENOENT { return .missingFile(path: path, reading ? .reading : .writing) }
        return .file(path: path, reading ? .cannotRead(code) : .cannotWrite(code))
    }
}

/// The lines of UTF-8 text: split at LF (a CR before it is dropped, so CRLF files
/// read alike), a leading byte-order mark removed. Works on bytes because Swift's
/// `Character` treats CRLF as one character.
func textLines(_ bytes: [UInt8]) -> [String] {
    var start = bytes.starts(with: [0xEF, 0xBB, 0xBF]) ? 3 : 0
    var lines = [String]()
    var i = start
    while i <= bytes.count {
        if i == bytes.count || bytes[i] == 0x0A {
            var end = i
            if end > start, bytes[end - 1] == 0x0D { end -= 1 }
            lines.append(String(decoding: bytes[start..<end], as: UTF8.self))
            start = i + 1
        }
        i += 1
    }
    return lines
}
