import NoetherEngine
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

    @Test("gunzip decodes dynamic, fixed, stored, named and multi-member data")
    func decoder() throws {
        let images = Self.idxImages()
        #expect(images.count == 4720)
        #expect(try gunzip(TrainFixture.bytes(hex: GzipVectors.dynamic)) == images)
        #expect(try gunzip(TrainFixture.bytes(hex: GzipVectors.fixed)) == images)
        #expect(try gunzip(TrainFixture.bytes(hex: GzipVectors.named)) == images)
        #expect(try gunzip(Self.storedGzip(images)) == images)
        #expect(try gunzip(TrainFixture.bytes(hex: GzipVectors.labels)) == Self.idxLabels())
        let two = TrainFixture.bytes(hex: GzipVectors.labels) + TrainFixture.bytes(hex: GzipVectors.dynamic)
        #expect(try gunzip(two) == Self.idxLabels() + images)
        #expect(try gunzip(Self.storedGzip([])) == [])
    }

    @Test("damaged gzip data are errors, never crashes")
    func damaged() throws {
        let good = TrainFixture.bytes(hex: GzipVectors.dynamic)
        var crc = good
        crc[crc.count - 6] ^= 0x01
        #expect(TrainFixture.error { try gunzip(crc) } == .file("not valid gzip data: crc-32 check failed"))
        #expect(
            TrainFixture.error { try gunzip(Array(good.prefix(200))) }
                == .file("not valid gzip data: the data end before the gzip stream does"))
        #expect(TrainFixture.error { try gunzip([1, 2, 3]) } == .file("not valid gzip data: not a gzip file"))
        // Flip every byte of the compressed body in turn: each must decode or throw.
        for i in stride(from: 10, to: good.count - 8, by: 7) {
            var bad = good
            bad[i] ^= 0x5A
            _ = TrainFixture.error { try gunzip(bad) }
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
                    == .invalidArgument("asked for 7 MNIST images but '\(dir)/\(file)' holds only 6"))
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
                    "MNIST files not found: put train-images-idx3-ubyte and train-labels-idx1-ubyte (raw or .gz) in the folder '\(dir)'"
                ))
        TrainFixture.write(Self.idxLabels(), to: dir + "/train-labels-idx1-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .missingFile(
                    path: "\(dir)/train-images-idx3-ubyte",
                    "MNIST files not found: put train-images-idx3-ubyte (raw or .gz) in the folder '\(dir)'"))
        #expect(
            TrainFixture.error { try loadMNIST(path: dir, test: true) }
                == .missingFile(
                    path: "\(dir)/t10k-images-idx3-ubyte",
                    "MNIST files not found: put t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (raw or .gz) in the folder '\(dir)'"
                ))
        #expect(
            TrainFixture.error { try loadMNIST(path: dir + "/nope") }
                == .missingFile(
                    path: "\(dir)/nope",
                    "the MNIST folder '\(dir)/nope' does not exist: create it and put train-images-idx3-ubyte and train-labels-idx1-ubyte (raw or .gz, from the MNIST distribution) in it"
                ))
        // A truncated image file and a wrong magic number.
        TrainFixture.write(Array(Self.idxImages().prefix(3000)), to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file(
                    "'\(dir)/train-images-idx3-ubyte' is not a valid IDX file: its header announces 6 items but the data end after 3"
                ))
        TrainFixture.write([0, 0, 8, 1, 0, 0, 0, 6], to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file("'\(dir)/train-images-idx3-ubyte' is not a valid IDX file: it has 1 dimensions, expected 3"))
        var badLabels = Self.idxLabels()
        badLabels[9] = 12
        TrainFixture.write(badLabels, to: dir + "/train-labels-idx1-ubyte")
        TrainFixture.write(Self.idxImages(), to: dir + "/train-images-idx3-ubyte")
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file("'\(dir)/train-labels-idx1-ubyte' is damaged: label 1 is 12, not a digit 0–9"))
        var corrupt = TrainFixture.bytes(hex: GzipVectors.labels)
        corrupt[corrupt.count - 5] ^= 0xFF
        TrainFixture.write(corrupt, to: dir + "/train-labels-idx1-ubyte.gz")
        unlinkLabels(dir)
        #expect(
            TrainFixture.error { try loadMNIST(path: dir) }
                == .file("'\(dir)/train-labels-idx1-ubyte.gz' is not a valid gzip file: crc-32 check failed"))
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
                == .file("'\(file)' is not a valid IDX file: its data go on past the 6 items its header announces"))
        #expect(error(Self.storedGzip(images + [7, 7]), n: 5) == nil)
        // A stream cut off mid-way: how far it got and why.
        let whole = Self.storedGzip(images, block: 1000)
        #expect(
            error(Array(whole.prefix(2500)))
                == .file(
                    "'\(file)' is not a valid IDX file: its header announces 6 items but its gzip data break off after 3 (the data end before the gzip stream does)"
                ))
        // Bytes after the stream that are not another gzip member.
        #expect(
            error(whole + [0, 1, 2])
                == .file(
                    "'\(file)' is not a valid gzip file: 3 bytes after the end of the gzip stream are not gzip data"))
        #expect(error(whole) == nil)
    }

    private func unlinkLabels(_ dir: String) {
        TrainFixture.removeFile(dir + "/train-labels-idx1-ubyte")
    }
}
