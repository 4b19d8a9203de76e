import Foundation
import Testing

/// The reproducers of issue 15, run through the built binary: input that announces
/// more than the machine has is refused with exit 1 and a message (never a crash),
/// and work whose memory grows with its input is checked before it starts.
@Suite struct HostileInputTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-hostile-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func idxHeader(_ dims: [UInt32]) -> Data {
        var d = Data([0, 0, 8, UInt8(dims.count)])
        for v in dims { d.append(contentsOf: withUnsafeBytes(of: v.bigEndian) { Array($0) }) }
        return d
    }

    @Test func networkHeaderAnnouncingHugeSizesIsRefused() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "noether-network 1\nsizes 1000000 1000000 1000000\nactivation relu\nbias false\nW1 1000000 1000000\n"
        try text.write(to: dir.appendingPathComponent("huge.net"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["-e", "load(\"huge.net\")"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("announce 2000000000000 parameters but the file holds only 94 bytes"))
    }

    @Test func networkLargerThanTheBudgetIsRefusedBeforeLoading() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let saved = try BinaryTests.run(["-e", "save(mlp([20, 64, 5], seed=1), \"n.net\")"], directory: dir)
        #expect(saved.status == 0, "stderr: \(saved.stderr)")
        let r = try BinaryTests.run(
            ["-e", "load(\"n.net\")"], environment: ["NOETHER_MEMORY_LIMIT": "8K"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("of memory are available"))
        let fine = try BinaryTests.run(["-e", "load(\"n.net\").sizes"], directory: dir)
        #expect(fine.stdout == "[20, 64, 5]\n", "stderr: \(fine.stderr)")
    }

    @Test func gzipIDXAnnouncingMillionsOfImagesIsRefusedBeforeInflating() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        // A small gzip stream of a header announcing 5,000,000 images, and their labels.
        var images = Self.idxHeader([5_000_000, 28, 28])
        images.append(Data(count: 100_000))
        var labels = Self.idxHeader([5_000_000])
        labels.append(Data(count: 5_000_000))
        for (name, data) in [("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels)] {
            try data.write(to: dir.appendingPathComponent(name))
            let gz = Process()
            gz.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            gz.arguments = ["gzip", "-f", dir.appendingPathComponent(name).path]
            try gz.run()
            gz.waitUntilExit()
        }
        let r = try BinaryTests.run(
            ["-e", "mnist(\".\")"], environment: ["NOETHER_MEMORY_LIMIT": "1G"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("needs about 32.9 GiB but only 1 GiB of memory are available; load a subset with n="))
        // A subset that fits is read.
        let subset = try BinaryTests.run(
            ["-e", "mnist(\".\", n=10).n"], environment: ["NOETHER_MEMORY_LIMIT": "1G"], directory: dir)
        #expect(subset.stdout == "10\n", "stderr: \(subset.stderr)")
    }

    @Test func rawIDXWhoseHeaderExceedsTheFileIsDamaged() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        var images = Self.idxHeader([5_000_000, 28, 28])
        images.append(Data(count: 1000))
        var labels = Self.idxHeader([5_000_000])
        labels.append(Data(count: 5_000_000))
        try images.write(to: dir.appendingPathComponent("train-images-idx3-ubyte"))
        try labels.write(to: dir.appendingPathComponent("train-labels-idx1-ubyte"))
        let r = try BinaryTests.run(["-e", "mnist(\".\")"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("its header announces 5000000 items but the data end after 1"))
    }

    @Test func trainingSeriesLargerThanTheBudgetIsRefusedWithEvery() throws {
        let r = try BinaryTests.run(
            [
                "-e",
                "data = gaussian_mixture(n=20, d=2, classes=2, seed=1)\nnet = mlp([2, 3, 2], seed=1)\n"
                    + "run = train(net, data, gd(lr=0.01), steps=10000000)",
            ], environment: ["NOETHER_MEMORY_LIMIT": "100M"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("recording 10000001 steps of the run's series needs about"))
        #expect(r.stderr.contains("but only 100 MiB of memory are available"))
        #expect(r.stderr.contains("record every k-th step with every="))
    }

    @Test func manyToManyJoinIsHeldToTheCellLimit() throws {
        let r = try BinaryTests.run([
            "-e",
            "a = table(k=range(1900) * 0, v=range(1900))\nb = table(k=range(1900) * 0, w=range(1900))\n"
                + "join(a, b, on=\"k\")",
        ])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("the join would have 3610000 rows × 3 columns = 10830000 cells, over the limit"))
    }

    @Test func csvLargerThanTheBudgetIsRefusedBeforeReading() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let rows = (0..<2000).map { "\($0),\($0 % 2)" }.joined(separator: "\n")
        try ("x,y\n" + rows + "\n").write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(
            ["-e", "load_csv(\"d.csv\")"], environment: ["NOETHER_MEMORY_LIMIT": "16K"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("loading 'd.csv'"))
        #expect(r.stderr.contains("but only 16 KiB of memory are available"))
        let fine = try BinaryTests.run(["-e", "load_csv(\"d.csv\").n"], directory: dir)
        #expect(fine.stdout == "2000\n", "stderr: \(fine.stderr)")
    }

    @Test func aHessianLargerThanTheBudgetIsRefusedBeforeItIsBuilt() throws {
        // The budget is the smallest of MemAvailable, the cgroup's room and
        // NOETHER_MEMORY_LIMIT; the limit stands in for a small cgroup here.
        let r = try BinaryTests.run(
            ["-e", "hessian(mlp([20, 64, 5], seed=1), gaussian_mixture(n=20, seed=1))"],
            environment: ["NOETHER_MEMORY_LIMIT": "1M"])
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("but only 1 MiB of memory are available"))
        #expect(r.stderr.contains("lanczos"))
    }

    @Test func aScriptLargerThanTheBudgetIsRefusedBeforeParsing() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = String(repeating: "# a comment line of the script\n", count: 200) + "1\n"
        try text.write(to: dir.appendingPathComponent("big.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["big.noe"], environment: ["NOETHER_MEMORY_LIMIT": "16K"], directory: dir)
        #expect(r.status == 1, "stderr: \(r.stderr)")
        #expect(r.stderr.contains("reading the script 'big.noe'"))
        let fine = try BinaryTests.run(["big.noe"], directory: dir)
        #expect(fine.stdout == "1\n")
    }
}
