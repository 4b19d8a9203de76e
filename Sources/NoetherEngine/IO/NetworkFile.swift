/// Networks as text files: the `noether-network` format, version 1.
///
/// ```
/// noether-network 1
/// sizes 20 64 5
/// activation relu
/// bias false
/// W1 64 20
/// <64 lines of 20 numbers: row i of W₁ (out × in), separated by single spaces>
/// b1 64                     (only with bias: one line of 64 numbers)
/// <…>
/// W2 5 64
/// <…>
/// checksum 1f0e9d8c7b6a5948
/// end
/// ```
/// - Lines end in LF; tokens are separated by single spaces.
/// - `activation` is `relu`, `linear`, `tanh`, `gelu`, `interpolated ε` or
///   `leaky_relu a`.
/// - Numbers are Swift's shortest round-tripping decimal form (`0.1`, `-3.2e-05`,
///   `nan`, `inf`), so every finite value reads back bit for bit.
/// - `checksum` is FNV-1a (64-bit) over the IEEE-754 bit patterns of all parameters
///   in the flattened order (W₁, b₁, W₂, b₂, …), each as 8 little-endian bytes,
///   printed as 16 lowercase hex digits; it catches edited or damaged values.
///
/// A reader of version 1 rejects any other version with a message saying so.
public enum NetworkFile {
    /// The format version this build writes and reads.
    public static let version = 1
    static let magic = "noether-network"

    /// The file content of `network`.
    public static func text(of network: Network) -> String {
        let a = network.architecture
        let p = network.parameters
        var out = "\(magic) \(version)\n"
        out += "sizes " + a.sizes.map(String.init).joined(separator: " ") + "\n"
        out += "activation " + activationToken(a.activation) + "\n"
        out += "bias \(a.hasBias)\n"
        for l in 0..<a.layerCount {
            let w = p.weights[l]
            out += "W\(l + 1) \(w.rows) \(w.columns)\n"
            for i in 0..<w.rows {
                out += (0..<w.columns).map { w[i, $0].description }.joined(separator: " ") + "\n"
            }
            if let b = p.biases?[l] {
                out += "b\(l + 1) \(b.columns)\n"
                out += b.storage.map(\.description).joined(separator: " ") + "\n"
            }
        }
        out += "checksum " + hex(checksum(p)) + "\n"
        out += "end\n"
        return out
    }

    /// Writes `network` to `path` (replacing the file). Throws `EngineError.file`
    /// (or `missingFile` when its folder does not exist).
    public static func save(_ network: Network, to path: String) throws(EngineError) {
        try FileBytes.write(Array(text(of: network).utf8), to: path)
    }

    /// Reads a network from `path`. Throws `EngineError.missingFile` for a missing
    /// file, `EngineError.file(path:, .network(…))` for a file that is not a noether
    /// network, another format version, or damage (bad numbers, wrong counts, a
    /// checksum mismatch, truncation).
    public static func load(from path: String) throws(EngineError) -> Network {
        let bytes = try FileBytes.read(path)
        return try parse(String(decoding: bytes, as: UTF8.self), source: path)
    }

    /// Parses the file content `text`; `source` is the path its errors carry.
    public static func parse(_ text: String, source: String) throws(EngineError) -> Network {
        let lines = textLines(Array(text.utf8))
        var index = 0
        func damaged(_ problem: NetworkFileProblem) -> EngineError { .file(path: source, .network(problem)) }
        func fail(_ problem: NetworkLineProblem) -> EngineError { damaged(.line(index + 1, problem)) }
        func nextLine() throws(EngineError) -> [Substring] {
            guard index < lines.count, !(index == lines.count - 1 && lines[index].isEmpty) else {
                throw damaged(.endsEarly)
            }
            defer { index += 1 }
            return lines[index].split(separator: " ", omittingEmptySubsequences: false)
        }
        func keyword(_ tokens: [Substring], _ word: String, count: Int) throws(EngineError) {
            guard tokens.first == Substring(word), tokens.count == count else {
                throw fail(.expectedKeyword(word, values: count - 1, found: tokens.joined(separator: " ")))
            }
        }
        func integer(_ token: Substring) throws(EngineError) -> Int {
            guard let v = Int(token), v >= 1 else { throw fail(.notAPositiveInteger(String(token))) }
            return v
        }
        func numbers(_ count: Int) throws(EngineError) -> [Double] {
            let tokens = try nextLine()
            guard tokens.count == count else {
                index -= 1
                throw fail(.numberCount(expected: count, found: tokens.count))
            }
            var values = [Double]()
            values.reserveCapacity(count)
            for t in tokens {
                guard let v = Double(t) else {
                    index -= 1
                    throw fail(.notANumber(String(t)))
                }
                values.append(v)
            }
            return values
        }

        let first = try nextLine()
        guard first.count == 2, first[0] == Substring(magic) else {
            throw damaged(.notANetworkFile(magic: magic, version: version))
        }
        guard first[1] == Substring(String(version)) else {
            throw damaged(.otherVersion(found: String(first[1]), supported: version))
        }
        let sizesLine = try nextLine()
        guard sizesLine.first == "sizes", sizesLine.count >= 3 else {
            index -= 1
            throw fail(.expectedSizes)
        }
        var sizes = [Int]()
        index -= 1  // a bad size is reported on the sizes line
        for t in sizesLine.dropFirst() { sizes.append(try integer(t)) }
        index += 1
        let activationLine = try nextLine()
        guard activationLine.first == "activation", let activation = parseActivation(Array(activationLine.dropFirst()))
        else {
            index -= 1
            throw fail(.expectedActivation)
        }
        let biasLine = try nextLine()
        guard biasLine.count == 2, biasLine[0] == "bias", biasLine[1] == "true" || biasLine[1] == "false" else {
            index -= 1
            throw fail(.expectedBias)
        }
        let hasBias = biasLine[1] == "true"
        // The header drives every allocation below: refuse sizes the file cannot hold
        // (each number takes at least two bytes, a digit and a separator) or that do
        // not fit in memory, before reserving anything.
        var announced = 0
        for l in 0..<(sizes.count - 1) {
            announced = MemoryBudget.sum(
                announced, MemoryBudget.product(sizes[l + 1], sizes[l] + (hasBias ? 1 : 0)))
        }
        let fileBytes = text.utf8.count
        if MemoryBudget.product(announced, 2) > fileBytes {
            throw damaged(.sizesExceedFile(sizes: sizes, parameters: announced, bytes: fileBytes))
        }
        try MemoryBudget.check(
            MemoryBudget.product(announced, 8, 2), for: .networkFile(path: source, parameters: announced))
        var weights = [Matrix]()
        var biases = [Matrix]()
        for l in 0..<(sizes.count - 1) {
            let rows = sizes[l + 1]
            let columns = sizes[l]
            let head = try nextLine()
            index -= 1
            try keyword(head, "W\(l + 1)", count: 3)
            guard Int(head[1]) == rows, Int(head[2]) == columns else {
                throw fail(
                    .weightShape(
                        layer: l + 1, rows: rows, columns: columns, sizes: sizes, foundRows: String(head[1]),
                        foundColumns: String(head[2])))
            }
            index += 1
            var storage = [Double]()
            storage.reserveCapacity(rows * columns)
            for _ in 0..<rows { storage.append(contentsOf: try numbers(columns)) }
            weights.append(Matrix(rows: rows, columns: columns, storage: storage))
            if hasBias {
                let bh = try nextLine()
                index -= 1
                try keyword(bh, "b\(l + 1)", count: 2)
                guard Int(bh[1]) == rows else {
                    throw fail(.biasLength(layer: l + 1, entries: rows, found: String(bh[1])))
                }
                index += 1
                biases.append(Matrix(rows: 1, columns: rows, storage: try numbers(rows)))
            }
        }
        let parameters = Parameters(weights: weights, biases: hasBias ? biases : nil)
        let sumLine = try nextLine()
        index -= 1
        try keyword(sumLine, "checksum", count: 2)
        guard String(sumLine[1]) == hex(checksum(parameters)) else {
            throw damaged(.checksumMismatch)
        }
        index += 1
        let endLine = try nextLine()
        guard endLine == ["end"] else {
            index -= 1
            throw fail(.expectedEnd)
        }
        while index < lines.count {
            guard lines[index].isEmpty else { throw fail(.textAfterEnd) }
            index += 1
        }
        return Network(
            architecture: Architecture(sizes: sizes, activation: activation, hasBias: hasBias),
            parameters: parameters)
    }

    static func activationToken(_ a: Activation) -> String {
        switch a {
        case .relu: "relu"
        case .linear: "linear"
        case .tanh: "tanh"
        case .gelu: "gelu"
        case .interpolated(let e): "interpolated \(e.description)"
        case .leakyReLU(let s): "leaky_relu \(s.description)"
        }
    }

    static func parseActivation(_ t: [Substring]) -> Activation? {
        switch (t.first, t.count) {
        case ("relu", 1): return .relu
        case ("linear", 1): return .linear
        case ("tanh", 1): return .tanh
        case ("gelu", 1): return .gelu
        case ("interpolated", 2): return Double(t[1]).map { .interpolated($0) }
        case ("leaky_relu", 2): return Double(t[1]).map { .leakyReLU($0) }
        default: return nil
        }
    }

    /// FNV-1a, 64-bit, over the little-endian bit patterns of the flattened parameters.
    static func checksum(_ p: Parameters) -> UInt64 {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for v in p.flattened {
            var bits = v.bitPattern
            for _ in 0..<8 {
                h ^= bits & 0xFF
                h = h &* 0x0000_0100_0000_01B3
                bits >>= 8
            }
        }
        return h
    }

    static func hex(_ x: UInt64) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 16 - s.count) + s
    }
}

extension Network {
    /// Saves this network in the `noether-network` format (see `NetworkFile`).
    public func save(to path: String) throws(EngineError) { try NetworkFile.save(self, to: path) }

    /// Loads a network saved by `save(to:)` (see `NetworkFile`).
    public static func load(from path: String) throws(EngineError) -> Network { try NetworkFile.load(from: path) }
}
