internal import CZlib

/// A malformed gzip stream; `problem` says what was wrong.
struct GzipError: Error, Sendable, Equatable {
    let problem: GzipProblem
    /// How many bytes had been decompressed when the error was found.
    var decoded = 0
}

/// gzip files (RFC 1952) read through zlib's `inflate`, which checks each member's
/// CRC-32 and length. A damaged stream is a `GzipError`, never a crash.
enum Gzip {
    /// Whether `bytes` starts with the gzip magic number 1f 8b.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of every member of a gzip file, concatenated.
    /// With `limit`, decoding stops once that many bytes are out (the CRC of a
    /// member decoded only in part is then not checked). Data after the last member
    /// that do not start another member are ignored, as `gzip -d` does, unless
    /// `refusingTrailingData` (a file whose content is all one stream). An error says
    /// how much had been decompressed (`decoded`).
    static func decompress(
        _ bytes: [UInt8], limit: Int = .max, refusingTrailingData: Bool = false
    ) throws(GzipError) -> [UInt8] {
        guard isGzip(bytes) else { throw GzipError(problem: .notGzip) }
        var out = [UInt8]()
        if bytes.count >= 4 {
            // ISIZE (the last member's size mod 2³²) is a good first guess at the size.
            let n = bytes.count
            let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            out.reserveCapacity(Swift.min(isize, limit, 1 << 30))
        }
        var stream = z_stream()
        let started = noether_inflate_init_gzip(&stream)
        guard started == Z_OK else {
            throw GzipError(problem: started == Z_MEM_ERROR ? .outOfMemory : .zlib(code: started, message: nil))
        }
        defer { inflateEnd(&stream) }
        let chunk = 1 << 16
        var buffer = [UInt8](repeating: 0, count: chunk)
        try bytes.withUnsafeBufferPointer { (input) throws(GzipError) in
            guard let base = input.baseAddress else { return }
            var fed = 0  // bytes of `input` handed to zlib so far
            func feed() {
                let n = Swift.min(input.count - fed, Int(UInt32.max))
                stream.next_in = UnsafeMutablePointer(mutating: base + fed)
                stream.avail_in = UInt32(n)
                fed += n
            }
            feed()
            while true {
                if stream.avail_in == 0, fed < input.count { feed() }
                var status: Int32 = Z_OK
                let produced = buffer.withUnsafeMutableBufferPointer { out in
                    stream.next_out = out.baseAddress
                    stream.avail_out = UInt32(chunk)
                    status = inflate(&stream, Z_NO_FLUSH)
                    return chunk - Int(stream.avail_out)
                }
                out.append(contentsOf: buffer[0..<produced])
                if out.count >= limit {
                    out.removeSubrange(limit...)
                    return
                }
                switch status {
                case Z_OK:
                    continue
                case Z_STREAM_END:
                    // Another member may follow; anything else after the last one is ignored.
                    let next = fed - Int(stream.avail_in)
                    guard next + 1 < input.count, input[next] == 0x1F, input[next + 1] == 0x8B else {
                        if refusingTrailingData && next < input.count {
                            throw GzipError(problem: .trailingData(bytes: input.count - next), decoded: out.count)
                        }
                        return
                    }
                    let reset = inflateReset(&stream)
                    guard reset == Z_OK else {
                        throw GzipError(problem: .zlib(code: reset, message: nil), decoded: out.count)
                    }
                case Z_BUF_ERROR where stream.avail_in == 0 && fed == input.count:
                    throw GzipError(problem: .truncated, decoded: out.count)
                case Z_MEM_ERROR:
                    throw GzipError(problem: .outOfMemory, decoded: out.count)
                default:
                    throw GzipError(
                        problem: Self.problem(status, stream.msg.map { String(cString: $0) }), decoded: out.count)
                }
            }
        }
        return out
    }

    /// zlib's failure as a `GzipProblem`: its checks by name, anything else as its
    /// status and message.
    static func problem(_ status: Int32, _ zlibMessage: String?) -> GzipProblem {
        switch zlibMessage {
        case "incorrect data check": .crcMismatch
        case "incorrect length check": .lengthMismatch
        case "incorrect header check": .notGzip
        default: .zlib(code: status, message: zlibMessage)
        }
    }
}
