/// MNIST from the standard IDX files in a folder, as experiments.md §1.1 uses it:
/// the first `n` images in file order (no shuffling), pixels /255 into [0, 1],
/// flattened row-major to 28·28 = 784 inputs, labels 0–9 (10 classes), no mean or
/// std normalization. Nothing is downloaded. The dataset is called `name`.
///
/// The folder must hold, for the training split, `train-images-idx3-ubyte` and
/// `train-labels-idx1-ubyte` (for `test: true`, `t10k-images-idx3-ubyte` and
/// `t10k-labels-idx1-ubyte`), each raw or gzip-compressed with a `.gz` suffix;
/// the spelling with a dot, `train-images.idx3-ubyte`, is accepted too. Only the
/// bytes the first n images need are read (or decompressed).
///
/// Throws `EngineError.missingFile` naming the missing folder or files,
/// `EngineError.file` saying what is wrong with a damaged file (an IDX header
/// announcing no images, or images of no or implausibly many pixels, included), and
/// `EngineError.data(.tooFewImages)` when n exceeds the images present.
public func loadMNIST(name: String, path: String, n: Int? = nil, test: Bool = false) throws(EngineError) -> Dataset {
    if let n, n < 1 { throw .outOfDomain(.sampleCount, .atLeast(1), got: .integer(n)) }
    let prefix = test ? "t10k" : "train"
    let imagesName = "\(prefix)-images-idx3-ubyte"
    let labelsName = "\(prefix)-labels-idx1-ubyte"
    let folder = path.hasSuffix("/") && path.count > 1 ? String(path.dropLast()) : path
    guard FileBytes.isDirectory(folder) else {
        if FileBytes.isRegularFile(folder) {
            throw .file(path: path, .isAFile(expected: [imagesName, labelsName]))
        }
        throw .missingFile(path: path, .mnistFolder(expected: [imagesName, labelsName]))
    }
    func locate(_ name: String) -> String? {
        let dotted = name.replacing("-idx", with: ".idx", maxReplacements: 1)
        for candidate in [name, name + ".gz", dotted, dotted + ".gz"] {
            let full = "\(folder)/\(candidate)"
            if FileBytes.isRegularFile(full) { return full }
        }
        return nil
    }
    let imagesPath = locate(imagesName)
    let labelsPath = locate(labelsName)
    guard let imagesPath, let labelsPath else {
        let missing = [imagesPath == nil ? imagesName : nil, labelsPath == nil ? labelsName : nil].compactMap { $0 }
        throw .missingFile(
            path: "\(folder)/\(imagesPath == nil ? imagesName : labelsName)",
            .mnistFiles(missing: missing, folder: path))
    }
    let labels = try readIDX(labelsPath, expectedDimensions: 1, count: n)
    let images = try readIDX(imagesPath, expectedDimensions: 3, count: n, maxItemBytes: mnistMaxImageBytes)
    guard images.shape[0] == labels.shape[0] else {
        throw .file(
            path: imagesPath,
            .imageAndLabelCountsDiffer(images: images.shape[0], labelsPath: labelsPath, labels: labels.shape[0]))
    }
    let available = images.shape[0]
    let count = n ?? available
    guard count <= available else {
        throw .data(.tooFewImages(asked: count, available: available, path: imagesPath))
    }
    let pixels = images.shape[1] * images.shape[2]
    var x = Matrix(rows: count, columns: pixels)
    images.data.withUnsafeBufferPointer { src in
        x.storage.withUnsafeMutableBufferPointer { dst in
            for i in 0..<(count * pixels) { dst[i] = Double(src[images.offset + i]) / 255 }
        }
    }
    var y = [Int](repeating: 0, count: count)
    for i in 0..<count {
        let v = Int(labels.data[labels.offset + i])
        guard v <= 9 else { throw .file(path: labelsPath, .notADigit(index: i, value: v)) }
        y[i] = v
    }
    return Dataset(name: name, inputs: x, labels: y, classes: 10)
}

/// The most bytes (pixels) one MNIST-like image may have: 1024×1024. MNIST's are
/// 28×28; a header announcing far larger images (60000×60000) is damage, refused
/// before anything is allocated, even when it announces no images.
let mnistMaxImageBytes = 1 << 20

/// An IDX file of unsigned bytes (type 0x08): its shape and its data bytes.
struct IDXFile {
    var shape: [Int]
    var data: [UInt8]
    /// Where the items begin in `data`.
    var offset: Int
}

/// Reads the header and the first `count` items (all when nil) of an IDX file of
/// unsigned bytes, raw or gzip. The first dimension counts the items; a header that
/// announces no items, or items of 0 or more than `maxItemBytes` bytes, is refused.
func readIDX(_ path: String, expectedDimensions: Int, count: Int?, maxItemBytes: Int = 1) throws(EngineError)
    -> IDXFile
{
    let headerSize = 4 + 4 * expectedDimensions
    var bytes = try FileBytes.read(path, maxBytes: 2)
    let compressed = Gzip.isGzip(bytes)
    func damaged(_ problem: IDXProblem) -> EngineError { .file(path: path, .idx(problem)) }
    func truncated(announced: Int, present: Int) -> EngineError {
        damaged(.truncated(announced: announced, present: present))
    }
    func parseHeader(_ b: [UInt8]) throws(EngineError) -> [Int] {
        guard b.count >= 4 else { throw damaged(.shorterThanHeader) }
        guard b[0] == 0, b[1] == 0 else { throw damaged(.badMagic) }
        guard b[2] == 0x08 else { throw damaged(.elementType(code: b[2])) }
        guard Int(b[3]) == expectedDimensions else {
            throw damaged(.dimensionCount(found: Int(b[3]), expected: expectedDimensions))
        }
        guard b.count >= headerSize else { throw damaged(.shorterThanHeader) }
        let shape = (0..<expectedDimensions).map { d in
            let i = 4 + 4 * d
            return Int(b[i]) << 24 | Int(b[i + 1]) << 16 | Int(b[i + 2]) << 8 | Int(b[i + 3])
        }
        // Each dimension is below 2³², so a product beyond 2⁴⁰ bytes can only be damage.
        var total = 1
        for d in shape {
            let (p, overflow) = total.multipliedReportingOverflow(by: d)
            if overflow || p > 1 << 40 { throw damaged(.implausibleDimensions(shape)) }
            total = p
        }
        // With no items the product above is 0 whatever the other dimensions: check the
        // item's size on its own (saturating, as it may overflow).
        var itemSize = 1
        for d in shape.dropFirst() { itemSize = MemoryBudget.product(itemSize, d) }
        guard itemSize >= 1, itemSize <= maxItemBytes else {
            throw damaged(.implausibleItemSize(dimensions: Array(shape.dropFirst()), limit: maxItemBytes))
        }
        guard shape[0] >= 1 else { throw damaged(.noItems) }
        return shape
    }
    /// The header announces the sizes: check the bytes and the Float64 dataset they
    /// become against the memory budget before decompressing or reading them.
    func checkBudget(items: Int, itemSize: Int, raw: Int) throws(EngineError) {
        let total = MemoryBudget.sum(raw, MemoryBudget.product(items, itemSize, 8))
        try MemoryBudget.check(total, for: .idxItems(items, itemBytes: itemSize, path: path))
    }
    if compressed {
        let all = try FileBytes.read(path)
        // Decompress the header first, then exactly what `count` items need.
        let head: [UInt8]
        do { head = try Gzip.decompress(all, limit: headerSize) } catch {
            throw .file(path: path, .gzip(error.problem))
        }
        let shape = try parseHeader(head)
        let itemSize = shape.dropFirst().reduce(1, *)
        let items = Swift.min(count ?? shape[0], shape[0])
        let needed = headerSize + items * itemSize
        try checkBudget(items: items, itemSize: itemSize, raw: needed)
        // Never more than the header announces: the whole file is one byte past it at
        // most (then it is refused), and its stream must end there (CRC checked).
        let whole = count == nil || items == shape[0]
        do {
            bytes = try Gzip.decompress(all, limit: whole ? needed + 1 : needed, refusingTrailingData: whole)
        } catch {
            guard error.decoded >= needed else {
                let present = Swift.max(0, error.decoded - headerSize) / Swift.max(itemSize, 1)
                throw damaged(.gzipBreaksOff(announced: shape[0], present: present, error.problem))
            }
            throw .file(path: path, .gzip(error.problem))
        }
        guard bytes.count >= needed else {
            throw truncated(announced: shape[0], present: (bytes.count - headerSize) / Swift.max(itemSize, 1))
        }
        if bytes.count > needed {
            throw damaged(.dataPastItems(announced: shape[0]))
        }
        return IDXFile(shape: shape, data: bytes, offset: headerSize)
    }
    let head = try FileBytes.read(path, maxBytes: headerSize)
    let shape = try parseHeader(head)
    let itemSize = shape.dropFirst().reduce(1, *)
    let items = Swift.min(count ?? shape[0], shape[0])
    let needed = headerSize + items * itemSize
    if let size = FileBytes.size(path), size < needed {
        throw truncated(announced: shape[0], present: (size - headerSize) / Swift.max(itemSize, 1))
    }
    try checkBudget(items: items, itemSize: itemSize, raw: needed)
    bytes = try FileBytes.read(path, maxBytes: needed)
    guard bytes.count >= needed else {
        throw truncated(announced: shape[0], present: (bytes.count - headerSize) / Swift.max(itemSize, 1))
    }
    return IDXFile(shape: shape, data: bytes, offset: headerSize)
}
