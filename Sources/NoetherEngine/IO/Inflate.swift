/// A malformed DEFLATE or gzip stream; `message` says what was wrong (lowercase).
struct InflateError: Error, Sendable, Equatable {
    let message: String
}

/// A DEFLATE decoder (RFC 1951) and the gzip container around it (RFC 1952).
///
/// Why our own: Foundation on Linux exposes no zlib, and C must stay in the
/// system-library targets, whose list is fixed by the package. The decoder is the
/// plain textbook one: an LSB-first bit buffer of up to 64 bits; canonical Huffman
/// codes decoded through a single lookup table of 2^maxLength entries per code
/// (maxLength ≤ 15), each entry `symbol << 4 | length`; stored, fixed-Huffman and
/// dynamic-Huffman blocks; back-references copied byte by byte (overlaps allowed).
/// Over-subscribed codes are rejected; incomplete codes are accepted, and reading
/// one of their unused codes is an error. Every length, distance and count is
/// checked against the data, so a damaged stream is an `InflateError`, never a crash.
enum Inflate {
    static let lengthBase: [Int] = [
        3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99,
        115, 131, 163, 195, 227, 258,
    ]
    static let lengthExtra: [Int] = [
        0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0,
    ]
    static let distanceBase: [Int] = [
        1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769,
        1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577,
    ]
    static let distanceExtra: [Int] = [
        0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11,
        12, 12, 13, 13,
    ]
    static let codeLengthOrder: [Int] = [16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15]

    /// Decodes the raw DEFLATE stream that starts at byte `start` of `input`,
    /// appending to `output`. Stops after the final block, or as soon as `output`
    /// holds at least `limit` bytes. Returns the index of the first byte after the
    /// stream (meaningful when complete) and whether the final block was reached.
    static func decode(
        _ input: [UInt8], start: Int, into output: inout [UInt8],
        limit: Int = .max
    ) throws(InflateError) -> (end: Int, complete: Bool) {
        try input.withUnsafeBufferPointer { (buffer) throws(InflateError) -> (end: Int, complete: Bool) in
            var decoder = Decoder(input: buffer, position: start)
            let complete = try decoder.run(into: &output, limit: limit)
            return (decoder.bytePosition, complete)
        }
    }

    /// A canonical Huffman code as a lookup table indexed by the next `maxLength`
    /// bits (LSB-first); entry 0 marks an unused code.
    struct Huffman {
        var table: [UInt32] = []
        var maxLength = 0

        mutating func build(lengths: UnsafeBufferPointer<UInt8>) throws(InflateError) {
            var count = [Int](repeating: 0, count: 16)
            for l in lengths { count[Int(l)] += 1 }
            count[0] = 0
            var left = 1
            for len in 1...15 {
                left = (left << 1) - count[len]
                if left < 0 { throw InflateError(message: "over-subscribed huffman code") }
            }
            maxLength = 0
            for len in stride(from: 15, through: 1, by: -1) where count[len] > 0 {
                maxLength = len
                break
            }
            let size = 1 << maxLength
            if table.count != size {
                table = [UInt32](repeating: 0, count: size)
            } else {
                for i in 0..<size { table[i] = 0 }
            }
            if maxLength == 0 { return }
            var next = [Int](repeating: 0, count: 16)
            var code = 0
            for len in 1...15 {
                code = (code + count[len - 1]) << 1
                next[len] = code
            }
            for symbol in 0..<lengths.count {
                let len = Int(lengths[symbol])
                if len == 0 { continue }
                let c = next[len]
                next[len] += 1
                var reversed = 0
                for b in 0..<len where c & (1 << b) != 0 { reversed |= 1 << (len - 1 - b) }
                let entry = UInt32(symbol << 4 | len)
                var k = reversed
                while k < size {
                    table[k] = entry
                    k += 1 << len
                }
            }
        }
    }

    struct Decoder {
        let input: UnsafeBufferPointer<UInt8>
        var position: Int
        var bits: UInt64 = 0
        var bitCount = 0
        var literals = Huffman()
        var distances = Huffman()
        var lengthCodes = Huffman()
        var lengths = [UInt8](repeating: 0, count: 320)

        init(input: UnsafeBufferPointer<UInt8>, position: Int) {
            self.input = input
            self.position = position
        }

        /// The index of the first byte not consumed (after dropping a partial byte).
        var bytePosition: Int { position - bitCount / 8 }

        @inline(__always)
        mutating func refill() {
            while bitCount <= 56 && position < input.count {
                bits |= UInt64(input[position]) << UInt64(bitCount)
                position += 1
                bitCount += 8
            }
        }

        @inline(__always)
        mutating func take(_ n: Int) throws(InflateError) -> Int {
            if n == 0 { return 0 }
            if bitCount < n { refill() }
            if bitCount < n { throw InflateError(message: "unexpected end of compressed data") }
            let v = Int(bits & ((1 << UInt64(n)) - 1))
            bits >>= UInt64(n)
            bitCount -= n
            return v
        }

        @inline(__always)
        mutating func symbol(_ code: Huffman) throws(InflateError) -> Int {
            if bitCount < code.maxLength { refill() }
            let index = Int(bits & ((1 << UInt64(code.maxLength)) - 1))
            let entry = code.table[index]
            let len = Int(entry & 15)
            if len == 0 { throw InflateError(message: "invalid huffman code") }
            if len > bitCount { throw InflateError(message: "unexpected end of compressed data") }
            bits >>= UInt64(len)
            bitCount -= len
            return Int(entry >> 4)
        }

        mutating func run(into out: inout [UInt8], limit: Int) throws(InflateError) -> Bool {
            while true {
                if out.count >= limit { return false }
                let final = try take(1)
                let type = try take(2)
                switch type {
                case 0:
                    try stored(into: &out)
                    if out.count >= limit && final == 0 { return false }
                case 1:
                    try fixedCodes()
                    if try !codes(into: &out, limit: limit) { return false }
                case 2:
                    try dynamicCodes()
                    if try !codes(into: &out, limit: limit) { return false }
                default:
                    throw InflateError(message: "invalid block type 3")
                }
                if final == 1 { return true }
            }
        }

        mutating func stored(into out: inout [UInt8]) throws(InflateError) {
            _ = try take(bitCount % 8)
            let len = try take(16)
            let nlen = try take(16)
            if len != (~nlen & 0xFFFF) { throw InflateError(message: "stored block length check failed") }
            for _ in 0..<len { out.append(UInt8(try take(8))) }
        }

        mutating func fixedCodes() throws(InflateError) {
            for i in 0..<144 { lengths[i] = 8 }
            for i in 144..<256 { lengths[i] = 9 }
            for i in 256..<280 { lengths[i] = 7 }
            for i in 280..<288 { lengths[i] = 8 }
            for i in 288..<320 { lengths[i] = 5 }
            try lengths.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(InflateError) in
                try literals.build(lengths: UnsafeBufferPointer(rebasing: p[0..<288]))
                try distances.build(lengths: UnsafeBufferPointer(rebasing: p[288..<320]))
            }
        }

        mutating func dynamicCodes() throws(InflateError) {
            let nlen = try take(5) + 257
            let ndist = try take(5) + 1
            let ncode = try take(4) + 4
            if nlen > 286 || ndist > 30 { throw InflateError(message: "too many length or distance codes") }
            var codeLengths = [UInt8](repeating: 0, count: 19)
            for i in 0..<ncode { codeLengths[Inflate.codeLengthOrder[i]] = UInt8(try take(3)) }
            try codeLengths.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(InflateError) in
                try lengthCodes.build(lengths: p)
            }
            if lengthCodes.maxLength == 0 { throw InflateError(message: "empty code-length code") }
            var index = 0
            let total = nlen + ndist
            while index < total {
                let sym = try symbol(lengthCodes)
                if sym < 16 {
                    lengths[index] = UInt8(sym)
                    index += 1
                    continue
                }
                var value: UInt8 = 0
                var repeatCount: Int
                switch sym {
                case 16:
                    if index == 0 { throw InflateError(message: "repeat with no previous length") }
                    value = lengths[index - 1]
                    repeatCount = 3 + (try take(2))
                case 17: repeatCount = 3 + (try take(3))
                default: repeatCount = 11 + (try take(7))
                }
                if index + repeatCount > total { throw InflateError(message: "too many code lengths") }
                for _ in 0..<repeatCount {
                    lengths[index] = value
                    index += 1
                }
            }
            if lengths[256] == 0 { throw InflateError(message: "missing end-of-block code") }
            try lengths.withUnsafeBufferPointer { (p: UnsafeBufferPointer<UInt8>) throws(InflateError) in
                try literals.build(lengths: UnsafeBufferPointer(rebasing: p[0..<nlen]))
                try distances.build(lengths: UnsafeBufferPointer(rebasing: p[nlen..<(nlen + ndist)]))
            }
        }

        /// Decodes symbols up to the end of the block (returns true) or until `out`
        /// holds `limit` bytes (returns false).
        mutating func codes(into out: inout [UInt8], limit: Int) throws(InflateError) -> Bool {
            while true {
                let sym = try symbol(literals)
                if sym < 256 {
                    out.append(UInt8(sym))
                } else if sym == 256 {
                    return true
                } else {
                    let li = sym - 257
                    if li >= 29 { throw InflateError(message: "invalid length code \(sym)") }
                    let length = Inflate.lengthBase[li] + (try take(Inflate.lengthExtra[li]))
                    if distances.maxLength == 0 { throw InflateError(message: "invalid huffman code") }
                    let di = try symbol(distances)
                    if di >= 30 { throw InflateError(message: "invalid distance code \(di)") }
                    let distance = Inflate.distanceBase[di] + (try take(Inflate.distanceExtra[di]))
                    if distance > out.count {
                        throw InflateError(message: "distance \(distance) reaches before the start")
                    }
                    var from = out.count - distance
                    for _ in 0..<length {
                        out.append(out[from])
                        from += 1
                    }
                }
                if out.count >= limit { return false }
            }
        }
    }
}

/// The gzip container (RFC 1952) around DEFLATE: header, data, CRC-32 and size.
enum Gzip {
    /// Whether `bytes` starts with the gzip magic number 1f 8b.
    static func isGzip(_ bytes: [UInt8]) -> Bool { bytes.count >= 2 && bytes[0] == 0x1F && bytes[1] == 0x8B }

    /// The decompressed content of every member of a gzip file, concatenated.
    /// With `limit`, decoding stops once that many bytes are out (the CRC of a
    /// member decoded only in part is then not checked). Data after the last member
    /// that do not start another member are ignored, as `gzip -d` does.
    static func decompress(_ bytes: [UInt8], limit: Int = .max) throws(InflateError) -> [UInt8] {
        var out = [UInt8]()
        if bytes.count >= 4 {
            let n = bytes.count
            let isize = Int(bytes[n - 4]) | Int(bytes[n - 3]) << 8 | Int(bytes[n - 2]) << 16 | Int(bytes[n - 1]) << 24
            out.reserveCapacity(Swift.min(isize, limit, 1 << 30))
        }
        var position = 0
        var member = 0
        while position + 1 < bytes.count, bytes[position] == 0x1F, bytes[position + 1] == 0x8B {
            let start = out.count
            let dataStart = try header(bytes, at: position)
            let (end, complete) = try Inflate.decode(bytes, start: dataStart, into: &out, limit: limit)
            if !complete { return Array(out.prefix(limit)) }
            guard end + 8 <= bytes.count else { throw InflateError(message: "the gzip trailer is missing") }
            let crc = le32(bytes, end)
            let size = le32(bytes, end + 4)
            let actual = out.withUnsafeBufferPointer { crc32(UnsafeBufferPointer(rebasing: $0[start...])) }
            if crc != actual { throw InflateError(message: "crc-32 check failed") }
            if size != UInt32(truncatingIfNeeded: out.count - start) {
                throw InflateError(message: "length check failed")
            }
            position = end + 8
            member += 1
            if out.count >= limit { return Array(out.prefix(limit)) }
        }
        if member == 0 { throw InflateError(message: "not a gzip file") }
        return out
    }

    /// Parses a member header at `p`; returns where its DEFLATE data begin.
    static func header(_ b: [UInt8], at p: Int) throws(InflateError) -> Int {
        guard p + 10 <= b.count else { throw InflateError(message: "truncated gzip header") }
        guard b[p + 2] == 8 else { throw InflateError(message: "unknown compression method \(b[p + 2])") }
        let flags = b[p + 3]
        if flags & 0xE0 != 0 { throw InflateError(message: "reserved gzip flags are set") }
        var i = p + 10
        if flags & 4 != 0 {
            guard i + 2 <= b.count else { throw InflateError(message: "truncated gzip header") }
            i += 2 + (Int(b[i]) | Int(b[i + 1]) << 8)
        }
        for bit: UInt8 in [8, 16] where flags & bit != 0 {
            while i < b.count, b[i] != 0 { i += 1 }
            i += 1
        }
        if flags & 2 != 0 { i += 2 }
        guard i <= b.count else { throw InflateError(message: "truncated gzip header") }
        return i
    }

    static func le32(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    /// CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320), as gzip uses.
    static func crc32(_ bytes: UnsafeBufferPointer<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        crcTable.withUnsafeBufferPointer { t in
            for byte in bytes { c = t[Int((c ^ UInt32(byte)) & 0xFF)] ^ (c >> 8) }
        }
        return c ^ 0xFFFF_FFFF
    }

    static func crc32(_ bytes: [UInt8]) -> UInt32 { bytes.withUnsafeBufferPointer { crc32($0) } }

    static let crcTable: [UInt32] = (0..<256).map { n in
        var c = UInt32(n)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }
}

/// The decompressed content of gzip data (RFC 1952; every member, concatenated),
/// by Noether's own DEFLATE decoder (see `Inflate`). CRC-32 and length are checked.
///
/// Throws `EngineError.file` saying what is wrong with damaged or non-gzip data.
public func gunzip(_ bytes: [UInt8]) throws(EngineError) -> [UInt8] {
    do { return try Gzip.decompress(bytes) } catch { throw .file("not valid gzip data: \(error.message)") }
}
