import Foundation
import NoetherTestSupport
import Testing

/// The paper's 23 experiment scripts (examples/paper/E01…E23) at CI scale: each must run with
/// `-p scale=quick`, exit 0, print one `RESULT` line per headline and end with its headline
/// record (read here through `--json`, as scripts/reproduce reads it).
///
/// Serialized: every script already uses both cores through its sweeps, and the whole set
/// takes one and a half to two and a half minutes in a debug build on two cores.
@Suite(.serialized) struct PaperScriptTests {
    static let paperDirectory = BinaryTests.packageRoot.appendingPathComponent("examples/paper")

    /// Every E*.noe script, by experiment label ("E05" → its file name).
    static let scripts: [String] = {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: paperDirectory.path)) ?? []
        return names.filter { $0.hasPrefix("E") && $0.hasSuffix(".noe") }.sorted()
    }()

    /// Scripts that the loop below leaves out, with the reason. E04 runs separately: on the
    /// shared real MNIST when present, and always on small IDX files the test writes.
    static let excluded: [String: String] = [
        "E04": "needs MNIST; covered by e04RunsOnRealMNIST, e04RunsOnSmallIDXFiles and e04WithoutMNISTSaysWhereToPutIt"
    ]

    static var runnable: [String] { scripts.filter { excluded[String($0.prefix(3))] == nil } }

    @Test func thereIsOneScriptPerExperiment() {
        let labels = Self.scripts.map { String($0.prefix(3)) }
        #expect(labels == (1...23).map { String(format: "E%02d", $0) })
    }

    /// examples/paper/findings.md explains rows of docs/reproduction.md: each `## EXX` section
    /// must name an experiment, and each `info NAME: …` line a headline that experiment's
    /// script reports (scripts/reproduce puts the line below that headline's row, so a renamed
    /// headline would otherwise drop its explanation without a word).
    @Test func everyFindingNamesAnExistingHeadline() throws {
        let text = try String(
            contentsOf: Self.paperDirectory.appendingPathComponent("findings.md"), encoding: .utf8)
        var section: String?
        var infos = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") {
                let label = String(line.dropFirst(3).prefix(3))
                let script = try #require(
                    Self.scripts.first { $0.hasPrefix(label) }, "findings.md: no script for section '\(line)'")
                section = try String(contentsOf: Self.paperDirectory.appendingPathComponent(script), encoding: .utf8)
                continue
            }
            guard line.hasPrefix("info "), let colon = line.firstIndex(of: ":") else { continue }
            let name = line[line.index(line.startIndex, offsetBy: 5)..<colon].trimmingCharacters(in: .whitespaces)
            let source = try #require(section, "findings.md: '\(line.prefix(40))…' is outside an experiment's section")
            #expect(
                source.contains("name=\"\(name)\""), "findings.md: no headline '\(name)' in its experiment's script")
            infos += 1
        }
        #expect(infos > 0)
    }

    @Test(.timeLimit(.minutes(5)), arguments: runnable)
    func runsAtQuickScaleAndPrintsItsNumbers(script: String) throws {
        try Self.check(script: script, extra: [])
    }

    @Test(.timeLimit(.minutes(5)))
    func e04RunsOnSmallIDXFiles() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("noether-mnist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeIDX(to: folder, count: 250)
        let script = try #require(Self.scripts.first { $0.hasPrefix("E04") })
        try Self.check(script: script, extra: ["-p", "mnist_path=\(folder.path)"])
    }

    /// The shared copy of MNIST's original IDX files (gzip), beside the project's root: CI has it.
    static let sharedMNIST = BinaryTests.packageRoot.deletingLastPathComponent()
        .appendingPathComponent("shared/data/mnist")
    static var sharedMNISTPresent: Bool {
        FileManager.default.fileExists(atPath: sharedMNIST.appendingPathComponent("train-images-idx3-ubyte.gz").path)
    }

    /// E04 at quick scale on the real MNIST (first 200 training images, η = 0.1 and 2, 200 steps):
    /// the edge-of-stability run must drift thousands of times more than the stable one, as the
    /// paper's 5500× says, and its sharpness must have reached the edge (λ_max ≥ 0.6·2/η).
    @Test(
        .timeLimit(.minutes(5)),
        .enabled(if: sharedMNISTPresent, "../shared/data/mnist is absent: E04 on real MNIST is not run"))
    func e04RunsOnRealMNIST() throws {
        let script = try #require(Self.scripts.first { $0.hasPrefix("E04") })
        let record = try #require(try Self.check(script: script, extra: ["-p", "mnist_path=\(Self.sharedMNIST.path)"]))
        let headlines = try #require(record["headlines"] as? [[String: Any]])
        func ours(_ name: String) -> Double? { headlines.first { $0["name"] as? String == name }?["ours"] as? Double }
        let ratio = try #require(ours("ratio_sum_step1"))
        #expect(ratio > 1000 && ratio < 20000, "drift ratio η = 2 vs 0.1 on MNIST: \(ratio)")
        let edge = try #require(ours("eos_final_ratio_top_lr"))
        #expect(edge >= 0.6, "λ_max/(2/η) at η = 2: \(edge)")
    }

    @Test func mnistRefusesATruncatedFile() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("noether-mnist-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try Self.writeIDX(to: folder, count: 50)
        let images = folder.appendingPathComponent("train-images-idx3-ubyte")
        let whole = try Data(contentsOf: images)
        try whole.prefix(16 + 784 * 20 + 100).write(to: images)
        let r = try BinaryTests.run(["-e", "mnist(path=\"\(folder.path)\", n=30)"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("announces 50 items but the data end after 20"), "stderr: \(r.stderr)")
    }

    @Test func e04WithoutMNISTSaysWhereToPutIt() throws {
        let script = try #require(Self.scripts.first { $0.hasPrefix("E04") })
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("no-mnist-\(UUID().uuidString)")
            .path
        let r = try BinaryTests.run(["-p", "scale=quick", "-p", "mnist_path=\(missing)", "examples/paper/\(script)"])
        #expect(r.status == 66, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("train-images-idx3-ubyte"))
        #expect(r.stderr.contains(missing))
    }

    // MARK: - helpers

    /// Runs one script at quick scale and checks its exit status, RESULT lines and final record.
    @discardableResult
    static func check(script: String, extra: [String]) throws -> [String: Any]? {
        let label = String(script.prefix(3))
        let r = try BinaryTests.run(["--json", "-p", "scale=quick"] + extra + ["examples/paper/\(script)"])
        #expect(r.status == 0, "\(script) exited \(r.status); stderr tail: \(r.stderr.suffix(2000))")
        guard r.status == 0 else { return nil }
        // --json: the final value on stdout, everything the script printed on stderr.
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        let record = try #require(object as? [String: Any], "\(script): the final value is not a record")
        #expect(record["experiment"] as? String == label)
        #expect((record["claim"] as? String)?.isEmpty == false)
        let headlines = try #require(record["headlines"] as? [[String: Any]], "\(script): no headlines list")
        #expect(!headlines.isEmpty)
        var numbers = 0
        for h in headlines {
            let name = try #require(h["name"] as? String)
            #expect(h["relation"] is String, "\(script): headline \(name) has no relation")
            #expect(h.keys.contains("paper") && h.keys.contains("ours") && h.keys.contains("spread"))
            #expect(r.stderr.contains("RESULT \(label) \(name) = "), "\(script): no RESULT line for \(name)")
            if let x = h["ours"] as? Double, x.isFinite { numbers += 1 }
            if h["relation"] as? String == "qualitative" {
                #expect(h["agree"] is Bool, "\(script): \(name) not judged")
            }
        }
        #expect(numbers > 0, "\(script): no headline has a finite value")
        return record
    }

    /// Writes train-images-idx3-ubyte and train-labels-idx1-ubyte with `count` random images.
    static func writeIDX(to folder: URL, count: Int) throws {
        var generator = SplitMix64(seed: UInt64(count))
        func header(_ values: [UInt32]) -> Data {
            var d = Data()
            for v in values { withUnsafeBytes(of: v.bigEndian) { d.append(contentsOf: $0) } }
            return d
        }
        var images = header([2051, UInt32(count), 28, 28])
        images.append(
            contentsOf: (0..<(count * 784)).map { _ in
                UInt8.random(in: 0...4, using: &generator) == 0 ? UInt8.random(in: 0...255, using: &generator) : 0
            })
        var labels = header([2049, UInt32(count)])
        labels.append(contentsOf: (0..<count).map { _ in UInt8.random(in: 0...9, using: &generator) })
        try images.write(to: folder.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: folder.appendingPathComponent("train-labels-idx1-ubyte"))
    }
}
