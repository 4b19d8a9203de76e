#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine

/// Fixtures shared by the training, optimizer, dataset and file suites.
enum TrainFixture {
    /// n samples of d standard-normal features with labels in 0..<classes.
    static func data(n: Int, d: Int, classes: Int, seed: Int) -> Dataset {
        var rng = RandomSource(seed: seed)
        var x = Matrix(rows: n, columns: d)
        for i in 0..<x.count { x.storage[i] = rng.normal() }
        let labels = (0..<n).map { _ in rng.integer(below: classes) }
        return Dataset(name: "fixture", inputs: x, labels: labels, classes: classes)
    }

    /// The small default-mixture problem used by the ledger tests: GM(n, d, K, 2).
    static func mixture(n: Int = 40, d: Int = 6, classes: Int = 3, seed: Int = 42) -> Dataset {
        try! gaussianMixture(n: n, d: d, classes: classes, separation: 2, seed: seed)
    }

    /// A fresh, empty temporary directory (removed by `removeDirectory`).
    static func temporaryDirectory() -> String {
        var template = Array("/tmp/noether-train-tests-XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        precondition(made != nil, "mkdtemp failed")
        return String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Removes a directory made by `temporaryDirectory` and the plain files in it.
    static func removeDirectory(_ path: String) {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink("\(path)/\(name)") }
            }
            closedir(dir)
        }
        rmdir(path)
    }

    static func removeFile(_ path: String) { unlink(path) }

    static func write(_ bytes: [UInt8], to path: String) {
        guard let f = fopen(path, "wb") else { fatalError("cannot write \(path)") }
        _ = bytes.withUnsafeBytes { fwrite($0.baseAddress, 1, $0.count, f) }
        fclose(f)
    }

    static func write(_ text: String, to path: String) { write(Array(text.utf8), to: path) }

    static func read(_ path: String) -> [UInt8] {
        guard let f = fopen(path, "rb") else { return [] }
        defer { fclose(f) }
        var out = [UInt8]()
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let got = buffer.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, f) }
            out.append(contentsOf: buffer[0..<got])
            if got < 4096 { break }
        }
        return out
    }

    static func bytes(hex: String) -> [UInt8] {
        let chars = Array(hex.utf8)
        func nibble(_ c: UInt8) -> UInt8 { c <= 57 ? c - 48 : c - 87 }
        return stride(from: 0, to: chars.count, by: 2).map { nibble(chars[$0]) << 4 | nibble(chars[$0 + 1]) }
    }

    /// The `EngineError` a call throws, or nil when it succeeds (any other error is a bug).
    static func error<T>(_ body: () throws -> T) -> EngineError? {
        do {
            _ = try body()
            return nil
        } catch let error as EngineError {
            return error
        } catch {
            fatalError("unexpected error type: \(error)")
        }
    }

    /// Relative difference |a − b| / max(|a|, |b|, floor).
    static func relative(_ a: Double, _ b: Double, floor: Double = 1e-300) -> Double {
        abs(a - b) / max(abs(a), abs(b), floor)
    }
}
