@testable import NoetherEngine
import Testing

/// IDX files (raw and gzip) and the gzip reader (zlib), on small files written here.
///
/// The compressed vectors were made once with zlib 1.2.13 (Python's `zlib`, gzip
/// framing, wbits = 31) and GNU gzip from `idxImages()` / `idxLabels()` below:
/// level 9 (dynamic Huffman blocks), strategy Z_FIXED (fixed Huffman blocks), and
/// `gzip -9` of a file named train-images-idx3-ubyte (a header with FNAME).
@Suite("MNIST and gzip")
struct MNISTTests {
    static let count = 6

    /// An IDX3 file of 6 structured 28×28 images (discs of growing radius).
    static func idxImages() -> [UInt8] {
        var b: [UInt8] = [0, 0, 8, 3, 0, 0, 0, UInt8(count), 0, 0, 0, 28, 0, 0, 0, 28]
        for k in 0..<count {
            for r in 0..<28 {
                for c in 0..<28 {
                    let inside = (r - 14) * (r - 14) + (c - 14) * (c - 14) < (3 + 2 * k) * (3 + 2 * k)
                    b.append(inside ? UInt8(16 * (r % 4) + 8 * k + c % 8 + 1) : 0)
                }
            }
        }
        return b
    }

    static func idxLabels() -> [UInt8] { [0, 0, 8, 1, 0, 0, 0, UInt8(count)] + (0..<count).map { UInt8($0 % 10) } }

    /// A gzip file of stored blocks (at most `block` bytes each), written here.
    static func storedGzip(_ data: [UInt8], block: Int = 1000) -> [UInt8] {
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]
        var i = 0
        repeat {
            let n = min(block, data.count - i)
            out.append(i + n == data.count ? 1 : 0)
            out += [UInt8(n & 0xFF), UInt8(n >> 8), UInt8(~n & 0xFF), UInt8((~n >> 8) & 0xFF)]
            out += data[i..<(i + n)]
            i += n
        } while i < data.count
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 != 0 ? 0xEDB8_8320 ^ (crc >> 1) : crc >> 1 }
        }
        crc ^= 0xFFFF_FFFF
        for v in [crc, UInt32(data.count)] { out += [0, 8, 16, 24].map { UInt8((v >> UInt32($0)) & 0xFF) } }
        return out
    }

    /// What the gzip reader refuses in `bytes`; nil when they decode.
    static func gzipProblem(_ bytes: [UInt8]) -> GzipProblem? {
        do {
            _ = try Gzip.decompress(bytes)
            return nil
        } catch { return error.problem }
    }

    @Test("the gzip reader decodes dynamic, fixed, stored, named and multi-member data")
    func decoder() throws {
        let images = Self.idxImages()
        #expect(images.count == 4720)
        #expect(try Gzip.decompress(TrainFixture.bytes(hex: GzipVectors.dynamic)) == images)
        #expect(try Gzip.decompress(TrainFixture.bytes(hex: GzipVectors.fixed)) == images)
        #expect(try Gzip.decompress(TrainFixture.bytes(hex: GzipVectors.named)) == images)
        #expect(try Gzip.decompress(Self.storedGzip(images)) == images)
        #expect(try Gzip.decompress(TrainFixture.bytes(hex: GzipVectors.labels)) == Self.idxLabels())
        let two = TrainFixture.bytes(hex: GzipVectors.labels) + TrainFixture.bytes(hex: GzipVectors.dynamic)
        #expect(try Gzip.decompress(two) == Self.idxLabels() + images)
        #expect(try Gzip.decompress(Self.storedGzip([])) == [])
    }

    @Test("damaged gzip data are errors, never crashes")
    func damaged() throws {
        let good = TrainFixture.bytes(hex: GzipVectors.dynamic)
        var crc = good
        crc[crc.count - 6] ^= 0x01
        #expect(Self.gzipProblem(crc) == .crcMismatch)
        #expect(Self.gzipProblem(Array(good.prefix(200))) == .truncated)
        #expect(Self.gzipProblem([1, 2, 3]) == .notGzip)
        var length = good
        length[length.count - 2] ^= 0x01
        #expect(Self.gzipProblem(length) == .lengthMismatch)
        // A damaged block: zlib's own status and message are kept as they are.
        var block = good
        block[10] = 0xFF
        guard case .zlib(let code, let message)? = Self.gzipProblem(block) else {
            Issue.record("a damaged block header is not zlib's data error")
            return
        }
        #expect(code == -3 && message == "invalid block type")
        // Flip every byte of the compressed body in turn: each must decode or throw.
        for i in stride(from: 10, to: good.count - 8, by: 7) {
            var bad = good
            bad[i] ^= 0x5A
            _ = Self.gzipProblem(bad)
        }
    }

    @Test("loadMNIST reads raw and gzip IDX files: the first n, pixels/255, labels")
    func loading() throws {
        let images = Self.idxImages()
        let labels = Self.idxLabels()
        for variant in ["raw", "gz", "stored", "dotted"] {
            let dir = TrainFixture.temporaryDirectory()
            defer { TrainFixture.removeDirectory(dir) }
            switch variant {
            case "raw":
                TrainFixture.write(images, to: dir + "/train-images-idx3-ubyte")
                TrainFixture.write(labels, to: dir + "/train-labels-idx1-ubyte")
            case "gz":
                TrainFixture.write(TrainFixture.bytes(hex: GzipVectors.named), to: dir + "/train-images-idx3-ubyte.gz")
                TrainFixture.write(TrainFixture.bytes(hex: GzipVectors.labels), to: dir + "/train-labels-idx1-ubyte.gz")
            case "stored":
                TrainFixture.write(Self.storedGzip(images, block: 100), to: dir + "/train-images-idx3-ubyte.gz")
                TrainFixture.write(labels, to: dir + "/train-labels-idx1-ubyte")
            default:
                TrainFixture.write(images, to: dir + "/train-images.idx3-ubyte")
                TrainFixture.write(labels, to: dir + "/train-labels.idx1-ubyte")
            }
            let all = try loadMNIST(path: dir)
            #expect(all.count == 6 && all.inputDimension == 784 && all.outputDimension == 10, "\(variant)")
            #expect(all.labels! == [0, 1, 2, 3, 4, 5])
            for i in [0, 5] {
                for p in stride(from: 0, to: 784, by: 13) {
                    #expect(all.inputs[i, p] == Double(images[16 + 784 * i + p]) / 255)
                }
            }
            let some = try loadMNIST(path: dir + "/", n: 4)
            #expect(some.count == 4 && some.inputs.storage == Array(all.inputs.storage.prefix(4 * 784)))
            let file =
                ["raw": "train-images-idx3-ubyte", "dotted": "train-images.idx3-ubyte"][variant]
                ?? "train-images-idx3-ubyte.gz"
            #expect(
                TrainFixture.error { try loadMNIST(path: dir, n: 7) }
                    == .data(.tooFewImages(asked: 7, available: 6, path: "\(dir)/\(file)")))
        }
    }

    @Test("missing or damaged MNIST files say what to put where")
    func missing() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .missingFile(
                    path: "\(dir)/train-images-idx3-ubyte",
                    .mnistFiles(missing: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"], folder: dir)))
        TrainFixture.write(Self.idxLabels(), to: dir + "/train-labels-idx1-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .missingFile(
                    path: "\(dir)/train-images-idx3-ubyte",
                    .mnistFiles(missing: ["train-images-idx3-ubyte"], folder: dir)))
        #expect(
            TrainFixture.error { try loadMNIST(path: dir, test: true) }
                == .missingFile(
                    path: "\(dir)/t10k-images-idx3-ubyte",
                    .mnistFiles(missing: ["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"], folder: dir)))
        #expect(
            TrainFixture.error { try loadMNIST(path: dir + "/nope") }
                == .missingFile(
                    path: "\(dir)/nope", .mnistFolder(expected: ["train-images-idx3-ubyte", "train-labels-idx1-ubyte"]))
        )
        // A truncated image file and a wrong magic number.
        TrainFixture.write(Array(Self.idxImages().prefix(3000)), to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file(path: "\(dir)/train-images-idx3-ubyte", .idx(.truncated(announced: 6, present: 3))))
        TrainFixture.write([0, 0, 8, 1, 0, 0, 0, 6], to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file(path: "\(dir)/train-images-idx3-ubyte", .idx(.dimensionCount(found: 1, expected: 3))))
        var badLabels = Self.idxLabels()
        badLabels[9] = 12
        TrainFixture.write(badLabels, to: dir + "/train-labels-idx1-ubyte")
        TrainFixture.write(Self.idxImages(), to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file(path: "\(dir)/train-labels-idx1-ubyte", .notADigit(index: 1, value: 12)))
        var corrupt = TrainFixture.bytes(hex: GzipVectors.labels)
        corrupt[corrupt.count - 5] ^= 0xFF
        TrainFixture.write(corrupt, to: dir + "/train-labels-idx1-ubyte.gz")
        unlinkLabels(dir)
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file(path: "\(dir)/train-labels-idx1-ubyte.gz", .gzip(.crcMismatch)))
    }

    @Test("a whole gzip IDX file holds exactly what its header announces")
    func gzipWithoutN() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        let images = Self.idxImages()
        let file = dir + "/train-images-idx3-ubyte.gz"
        TrainFixture.write(Self.idxLabels(), to: dir + "/train-labels-idx1-ubyte")
        func error(_ gz: [UInt8], n: Int? = nil) -> EngineError? {
            TrainFixture.write(gz, to: file)
            return TrainFixture.error { try loadMNIST(path: dir, n: n) }
        }
        // More data than announced: refused once one byte past the announced size is
        // out (inflation stops there); a subset (n=) never looks so far.
        #expect(
            error(Self.storedGzip(images + [UInt8](repeating: 7, count: 5000)))
                == .file(path: file, .idx(.dataPastItems(announced: 6))))
        #expect(error(Self.storedGzip(images + [7, 7]), n: 5) == nil)
        // A stream cut off mid-way: how far it got and why.
        let whole = Self.storedGzip(images, block: 1000)
        #expect(
            error(Array(whole.prefix(2500)))
                == .file(path: file, .idx(.gzipBreaksOff(announced: 6, present: 3, .truncated))))
        // Bytes after the stream that are not another gzip member.
        #expect(
            error(whole + [0, 1, 2])
                == .file(path: file, .gzip(.trailingData(bytes: 3))))
        #expect(error(whole) == nil)
    }

    @Test("an IDX header announcing no images, or images of implausible size, is refused")
    func implausibleHeaders() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        let images = dir + "/train-images-idx3-ubyte"
        func header(_ shape: [UInt32]) -> [UInt8] {
            [0, 0, 8, UInt8(shape.count)]
                + shape.flatMap { v in (0..<4).reversed().map { UInt8((v >> (8 * $0)) & 0xFF) } }
        }
        func error(images shape: [UInt32], labels: [UInt8] = [3], n: Int? = nil) -> EngineError? {
            TrainFixture.write(header(shape), to: images)
            TrainFixture.write(header([UInt32(labels.count)]) + labels, to: dir + "/train-labels-idx1-ubyte")
            return TrainFixture.error { try loadMNIST(path: dir, n: n) }
        }
        func idx(_ problem: IDXProblem) -> EngineError { .file(path: images, .idx(problem)) }
        // No images of 60000×60000 pixels: the item size alone is implausible.
        #expect(
            error(images: [0, 60000, 60000])
                == idx(.implausibleItemSize(dimensions: [60000, 60000], limit: 1 << 20)))
        #expect(
            error(images: [0, 60000, 60000], n: 3)
                == idx(.implausibleItemSize(dimensions: [60000, 60000], limit: 1 << 20)))
        // Dimensions whose product overflows Int: still a clear error, never a trap.
        #expect(
            error(images: [0, 0xFFFF_FFFF, 0xFFFF_FFFF])
                == idx(.implausibleItemSize(dimensions: [0xFFFF_FFFF, 0xFFFF_FFFF], limit: 1 << 20)))
        // Empty images, and no images of a plausible size.
        #expect(error(images: [0, 0, 28]) == idx(.implausibleItemSize(dimensions: [0, 28], limit: 1 << 20)))
        #expect(
            error(images: [1, 28, 28], labels: []) == .file(path: dir + "/train-labels-idx1-ubyte", .idx(.noItems)))
        #expect(error(images: [0, 28, 28]) == idx(.noItems))
        #expect(error(images: [0, 28, 28], n: 1) == idx(.noItems))
        // 1024×1024 is the largest image read.
        TrainFixture.write(header([1, 1024, 1024]) + [UInt8](repeating: 9, count: 1 << 20), to: images)
        let big = try loadMNIST(path: dir)
        #expect(big.count == 1 && big.inputDimension == 1 << 20 && big.labels! == [3])
        TrainFixture.write(header([1, 1025, 1024]), to: images)
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == idx(.implausibleItemSize(dimensions: [1025, 1024], limit: 1 << 20)))
    }

    private func unlinkLabels(_ dir: String) {
        TrainFixture.removeFile(dir + "/train-labels-idx1-ubyte")
    }
}
