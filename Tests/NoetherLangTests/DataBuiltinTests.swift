import Foundation
import NoetherEngine
import NoetherSyntax
import Testing
@testable import NoetherLang

@Suite struct DataBuiltinTests {
    @Test func generatorsMatchTheEngine() throws {
        let h = ScriptHarness()
        let xor = try h.object("xor2d(n=50, seed=3)", as: DatasetObject.self).dataset
        #expect(xor.count == 50 && xor.inputDimension == 2 && xor.outputDimension == 2)
        for i in 0..<xor.count {
            #expect(xor.labels![i] == ((xor.inputs[i, 0] > 0) != (xor.inputs[i, 1] > 0) ? 1 : 0))
        }
        #expect(
            try h.object("xor2d(n=50, seed=3)", as: DatasetObject.self).dataset.inputs
                == NoetherEngine.xor2d(name: "xor2d", n: 50, seed: 3).inputs)

        try h.run("s = spheres(n=41, d=6, seed=2, inner=1, outer=3, noise=0)")
        #expect(try h.numbers("s.class_counts") == [20, 21])
        #expect(try h.number("s.d") == 6)
        let s = try h.object("s", as: DatasetObject.self).dataset
        for i in 0..<s.count {
            let r = (0..<6).map { s.inputs[i, $0] * s.inputs[i, $0] }.reduce(0, +).squareRoot()
            #expect(abs(r - (s.labels![i] == 0 ? 1 : 3)) < 1e-12)
        }

        try h.run("ts = teacher_student(n=30, d=5, hidden=4, out=2, seed=9)")
        #expect(try !h.bool("ts.classification"))
        #expect(try h.isNothing("ts.labels"))
        #expect(try h.number("ts.outputs") == 2)
        #expect(try h.rendered("ts") == "dataset teacher_student: n=30, d=5, 2 real targets")
        let ts = try h.object("ts", as: DatasetObject.self).dataset
        let reference = try NoetherEngine.teacherStudent(
            name: "teacher_student", n: 30, d: 5, hidden: 4, out: 2, seed: 9)
        #expect(ts.inputs == reference.inputs && ts.targets == reference.targets)
        // Regression data train with mse, and refuse cross-entropy.
        try h.run("r = train(mlp([5, 8, 2]), ts, gd(lr=0.05), loss=mse, steps=50)")
        #expect(try h.number("r.loss") < h.numbers("r.losses")[0])
        #expect(h.error("train(mlp([5, 8, 2]), ts, gd(lr=0.05), loss=cross_entropy)") != nil)
        #expect(try h.number("gaussian_mixture(n=20, d=3, classes=2, seed=1).mean_norm2") > 0)
    }

    @Test func loadCSVFromAFileTheTestWrites() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let file = folder.path("tiny.csv")
        try "x1,x2,species,x3\n0.5,1,0,-2\n1.5,-1,2,3e-1\r\n2,0,1,4\n\n".write(
            toFile: file, atomically: true, encoding: .utf8)
        let h = ScriptHarness()
        try h.run("d = load_csv(\"\(file)\", label=\"species\")")
        #expect(try h.number("d.n") == 3 && h.number("d.d") == 3 && h.number("d.classes") == 3)
        #expect(try h.numbers("d.labels") == [0, 2, 1])
        #expect(try h.string("d.name") == "tiny")
        let d = try h.object("d", as: DatasetObject.self).dataset
        #expect(d.inputs.storage == [0.5, 1, -2, 1.5, -1, 0.3, 2, 0, 4])
        // Default label column: the last; task="regression" keeps real targets.
        try h.run("r = load_csv(\"\(file)\", task=\"regression\")")
        #expect(try !h.bool("r.classification"))
        let r = try h.object("r", as: DatasetObject.self).dataset
        #expect(r.targets.storage == [-2, 0.3, 4])
        // Errors name the line and column.
        let bad = folder.path("bad.csv")
        try "a,b\n1,2\n3,zz\n".write(toFile: bad, atomically: true, encoding: .utf8)
        #expect(h.diagnostic("load_csv(\"\(bad)\")")?.message == "'\(bad)' line 3, column 'b': 'zz' is not a number")
        #expect(h.diagnostic("load_csv(\"\(file)\", label=\"kind\")")?.message.contains("has no column 'kind'") == true)
        #expect(h.error("load_csv(\"\(file)\", task=\"regresion\")")?.contains("did you mean 'regression'?") == true)
        #expect(h.diagnostic("load_csv(\"\(file)\", label=\"x2\", task=\"classification\")") != nil)
        let missing = h.diagnostic("load_csv(\"\(folder.path("none.csv"))\")")
        #expect(missing?.kind == .missingFile)
    }

    /// Writes IDX files of `count` 28×28 images (pixel (i, j) of image k = (k + i + j) mod 256)
    /// and their labels.
    static func writeMNIST(to folder: String, prefix: String = "train", count: Int, labels: [UInt8]) throws {
        func be32(_ x: Int) -> [UInt8] {
            [UInt8(x >> 24 & 0xFF), UInt8(x >> 16 & 0xFF), UInt8(x >> 8 & 0xFF), UInt8(x & 0xFF)]
        }
        var images: [UInt8] = [0, 0, 8, 3] + be32(count) + be32(28) + be32(28)
        for k in 0..<count {
            for i in 0..<28 { for j in 0..<28 { images.append(UInt8((k + i + j) % 256)) } }
        }
        let labelBytes: [UInt8] = [0, 0, 8, 1] + be32(labels.count) + labels
        try Data(images).write(to: URL(fileURLWithPath: folder + "/\(prefix)-images-idx3-ubyte"))
        try Data(labelBytes).write(to: URL(fileURLWithPath: folder + "/\(prefix)-labels-idx1-ubyte"))
    }

    @Test func mnistFromIDXFilesTheTestWrites() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let h = ScriptHarness()
        // Missing folder and missing files: the missing-file kind, saying where to put what.
        let noFolder = h.diagnostic("mnist(path=\"\(folder.path("absent"))\")")
        #expect(noFolder?.kind == .missingFile)
        #expect(noFolder?.message.contains("train-images-idx3-ubyte and train-labels-idx1-ubyte") == true)
        let noFiles = h.diagnostic("mnist(path=\"\(folder.url.path)\")")
        #expect(noFiles?.kind == .missingFile)
        #expect(noFiles?.message.contains("in the folder '\(folder.url.path)'") == true)

        try Self.writeMNIST(to: folder.url.path, count: 4, labels: [7, 0, 3, 9])
        try h.run("m = mnist(path=\"\(folder.url.path)\", n=3)")
        #expect(try h.number("m.n") == 3 && h.number("m.d") == 784 && h.number("m.classes") == 10)
        #expect(try h.numbers("m.labels") == [7, 0, 3])
        let m = try h.object("m", as: DatasetObject.self).dataset
        #expect(m.inputs[2, 28 * 5 + 7] == Double(2 + 5 + 7) / 255)
        #expect(try h.number("mnist(path=\"\(folder.url.path)\").n") == 4)
        #expect(h.diagnostic("mnist(path=\"\(folder.url.path)\", n=5)")?.message.contains("holds only 4") == true)
        #expect(
            h.diagnostic("mnist(path=\"\(folder.url.path)\", test=true)")?.message.contains("t10k-images-idx3-ubyte")
                == true)
        try Self.writeMNIST(to: folder.url.path, prefix: "t10k", count: 2, labels: [1, 2])
        #expect(try h.numbers("mnist(path=\"\(folder.url.path)\", test=true).labels") == [1, 2])
        #expect(h.error("mnist(path=\"\(folder.url.path)\", n=0)")?.contains("'n' must be between 1") == true)
    }

    @Test func subsetSplitStandardize() throws {
        let h = ScriptHarness()
        try h.run("data = gaussian_mixture(n=40, d=4, classes=2, seed=5)")
        #expect(try h.number("subset(data, n=10).n") == 10)
        let labels = try h.numbers("data.labels")
        #expect(try h.numbers("subset(data, indices=[3, 1, 3]).labels") == [labels[3], labels[1], labels[3]])
        #expect(try h.numbers("subset(data, n=10).labels") == Array(labels[0..<10]))
        #expect(h.error("subset(data)")?.contains("needs n=") == true)
        #expect(h.error("subset(data, n=3, indices=[1])")?.contains("not both") == true)
        #expect(h.error("subset(data, indices=[40])")?.contains("index 40 is outside the 40 samples") == true)
        #expect(h.error("subset(data, n=41)")?.contains("'n' must lie in 1…40") == true)

        try h.run("parts = split(data, fraction=0.75, seed=2)")
        #expect(try h.number("parts.train.n") == 30 && h.number("parts.test.n") == 10)
        #expect(h.error("split(data, fraction=1)")?.contains("strictly between 0 and 1") == true)

        try h.run("z = standardize(parts.train)")
        for m in try h.numbers("z.feature_mean") { #expect(abs(m) < 1e-12) }
        for s in try h.numbers("z.feature_std") { #expect(abs(s - 1) < 1e-12) }
        // The test set standardized with the training statistics.
        let trainStats = try h.object("parts.train", as: DatasetObject.self).dataset.featureStatistics
        let test = try h.object("parts.test", as: DatasetObject.self).dataset
        let zt = try h.object("standardize(parts.test, reference=parts.train)", as: DatasetObject.self).dataset
        #expect(
            abs(zt.inputs[0, 1] - (test.inputs[0, 1] - trainStats.mean[1]) / trainStats.standardDeviation[1]) < 1e-12)
        #expect(h.error("standardize(data, reference=xor2d(n=5))")?.contains("has 2 features") == true)
    }

    @Test func badArguments() {
        let h = ScriptHarness()
        #expect(h.error("xor2d(n=0)")?.contains("'n' must be between 1") == true)
        #expect(h.error("spheres(n=1)")?.contains("'n' must be between 2") == true)
        #expect(h.error("spheres(noise=-1)")?.contains("'noise' must be a finite non-negative number") == true)
        #expect(h.error("teacher_student(hidden=0)")?.contains("'hidden' must be between 1") == true)
        #expect(h.error("xor2d(n=2.5)")?.contains("must be an integer") == true)
        #expect(h.error("gaussian_mixture(n=100000, d=100000)")?.contains("keep n·d at most 5e8") == true)
    }
}
