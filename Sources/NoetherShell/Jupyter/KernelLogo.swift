/// The kernel's logo: a white ∇ (the gradient) on a dark-blue disc, as SVG and as
/// PNG drawn here pixel by pixel (4×4 supersampled) — no image files in the tree, no
/// image library: the PNG is written with stored (uncompressed) deflate blocks.
enum KernelLogo {
    static let svg = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64">
          <circle cx="32" cy="32" r="31" fill="#1f3a68"/>
          <path d="M14 18 L50 18 L32 50 Z M22 23 L42 23 L32 41 Z" fill="#ffffff" fill-rule="evenodd"/>
        </svg>

        """

    /// Coverage of the logo at a point of the 64×64 design: 0 outside, 1 disc, 2 nabla.
    private static func paint(_ x: Double, _ y: Double) -> Int {
        let dx = x - 32
        let dy = y - 32
        guard dx * dx + dy * dy <= 31 * 31 else { return 0 }
        func inside(_ a: (Double, Double), _ b: (Double, Double), _ c: (Double, Double)) -> Bool {
            func side(_ p: (Double, Double), _ q: (Double, Double)) -> Double {
                (q.0 - p.0) * (y - p.1) - (q.1 - p.1) * (x - p.0)
            }
            let s1 = side(a, b)
            let s2 = side(b, c)
            let s3 = side(c, a)
            return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0)
        }
        let outer = inside((14, 18), (50, 18), (32, 50))
        let inner = inside((22, 23), (42, 23), (32, 41))
        return outer && !inner ? 2 : 1
    }

    /// An RGBA PNG of `size`×`size` pixels.
    static func png(size: Int) -> [UInt8] {
        let background: [Double] = [0x1f, 0x3a, 0x68]
        var raw = [UInt8]()
        raw.reserveCapacity(size * (size * 4 + 1))
        let samples = 4
        for row in 0..<size {
            raw.append(0)  // filter: none
            for column in 0..<size {
                var disc = 0.0
                var white = 0.0
                for sy in 0..<samples {
                    for sx in 0..<samples {
                        let x = (Double(column) + (Double(sx) + 0.5) / Double(samples)) * 64 / Double(size)
                        let y = (Double(row) + (Double(sy) + 0.5) / Double(samples)) * 64 / Double(size)
                        switch paint(x, y) {
                        case 1: disc += 1
                        case 2: white += 1
                        default: break
                        }
                    }
                }
                let n = Double(samples * samples)
                let alpha = (disc + white) / n
                for k in 0..<3 {
                    let value = alpha > 0 ? (background[k] * disc + 255 * white) / (disc + white) : 0
                    raw.append(UInt8(value.rounded()))
                }
                raw.append(UInt8((alpha * 255).rounded()))
            }
        }
        var header = [UInt8]()
        header += bigEndian(UInt32(size)) + bigEndian(UInt32(size))
        header += [8, 6, 0, 0, 0]  // 8 bits, RGBA, deflate, no filter method, no interlace
        return [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + chunk("IHDR", header) + chunk("IDAT", zlibStored(raw))
            + chunk("IEND", [])
    }

    private static func bigEndian(_ x: UInt32) -> [UInt8] {
        [UInt8(x >> 24), UInt8((x >> 16) & 0xFF), UInt8((x >> 8) & 0xFF), UInt8(x & 0xFF)]
    }

    private static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
        let body = Array(type.utf8) + data
        return bigEndian(UInt32(data.count)) + body + bigEndian(crc32(body))
    }

    /// A zlib stream of stored deflate blocks (at most 65535 bytes each).
    private static func zlibStored(_ data: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [0x78, 0x01]
        var offset = 0
        repeat {
            let n = min(65535, data.count - offset)
            let last: UInt8 = offset + n == data.count ? 1 : 0
            out += [last, UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[offset..<(offset + n)]
            offset += n
        } while offset < data.count
        var a: UInt32 = 1
        var b: UInt32 = 0
        for byte in data {
            a = (a + UInt32(byte)) % 65521
            b = (b + a) % 65521
        }
        return out + bigEndian(b << 16 | a)
    }

    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
