@testable import NoetherEngine
import Testing

/// Generators' statistics, subset/split/standardize, and the CSV loader.
@Suite("Datasets")
struct DatasetTests {
    @Test("the Gaussian mixture's sanity statistics (experiments.md §1.1)")
    func gaussianMixtureStatistics() throws {
        let data = try gaussianMixture(n: 2000, d: 20, classes: 5, separation: 2, seed: 42)
        #expect(data.classCounts == [400, 400, 400, 400, 400])
        var norm2 = 0.0
        for i in 0..<data.count { for j in 0..<20 { norm2 += data.inputs[i, j] * data.inputs[i, j] } }
        // E||x||² = s²d + d = 100; std of ||x||² ≈ √(2d + 4s²d) ≈ 19.9 per sample.
        #expect(abs(norm2 / 2000 - 100) < 2.5)
        // Shuffled: the labels are not in class blocks.
        #expect(data.labels!.prefix(20).contains { $0 != data.labels![0] })
        let uneven = try gaussianMixture(n: 13, d: 2, classes: 5, separation: 2, seed: 1)
        #expect(uneven.classCounts == [3, 3, 3, 2, 2])
    }

    @Test("xor2d: labels are the XOR of the input signs, not shuffled")
    func xor() throws {
        let data = try xor2d(n: 400, seed: 3)
        #expect(data.inputDimension == 2 && data.outputDimension == 2)
        var rng = RandomSource(seed: 3)
        for i in 0..<400 {
            let a = rng.normal()
            let b = rng.normal()
            #expect(data.inputs[i, 0] == a && data.inputs[i, 1] == b)
            #expect(data.labels![i] == ((a > 0) != (b > 0) ? 1 : 0))
        }
        let ones = data.labels!.reduce(0, +)
        #expect(ones > 150 && ones < 250)
    }

    @Test("spheres: radii 1 and 2 with 0.1 noise, halves labelled, shuffled")
    func spheresStatistics() throws {
        let data = try spheres(n: 501, seed: 5)
        #expect(data.inputDimension == 10)
        #expect(data.classCounts == [250, 251])
        for i in 0..<data.count {
            let r = data.inputs.row(i).reduce(0) { $0 + $1 * $1 }.squareRoot()
            let target = data.labels![i] == 0 ? 1.0 : 2.0
            // noise 0.1·N(0, I₁₀) moves the radius by a few tenths at most.
            #expect(abs(r - target) < 0.6)
        }
        #expect(data.labels!.prefix(250).contains(1))
    }

    @Test("a generated dataset carries the name its caller gives it; subsets keep it")
    func generatorsTakeTheirNameFromTheCaller() throws {
        let gm = try NoetherEngine.gaussianMixture(name: "g1", n: 6, d: 2, classes: 2, separation: 1, seed: 1)
        let xor = try NoetherEngine.xor2d(name: "x1", n: 4, seed: 1)
        let sp = try NoetherEngine.spheres(name: "s1", n: 4, d: 2, seed: 1)
        let ts = try NoetherEngine.teacherStudent(name: "t1", n: 4, d: 2, hidden: 3, out: 1, seed: 1)
        #expect([gm.name, xor.name, sp.name, ts.name] == ["g1", "x1", "s1", "t1"])
        #expect(try gm.subset(first: 3).name == "g1")
        // The name changes nothing else: the same draws under another name.
        #expect(try NoetherEngine.xor2d(name: "other", n: 4, seed: 1).inputs == xor.inputs)
    }

    @Test("teacher–student targets are the teacher's outputs on the inputs")
    func teacherStudentTargets() throws {
        let data = try teacherStudent(n: 50, d: 4, hidden: 7, out: 2, seed: 9)
        #expect(!data.isClassification && data.outputDimension == 2)
        let teacher = try teacherNetwork(d: 4, hidden: 7, out: 2, seed: 9)
        #expect(
            teacher.parameters
                == (try Network.mlp(sizes: [4, 7, 2], activation: .relu, bias: false, seed: 9)).parameters)
        #expect(teacher.outputs(on: data.inputs).maxAbsDifference(data.targets) == 0)
        // Inputs continue the teacher's stream.
        var rng = RandomSource(seed: 9)
        for _ in 0..<(7 * 4 + 2 * 7) { _ = rng.next() }
        #expect(data.inputs[0, 0] == rng.normal())
        let noisy = try teacherStudent(n: 50, d: 4, hidden: 7, out: 2, noise: 0.1, seed: 9)
        #expect(noisy.inputs == data.inputs && noisy.targets != data.targets)
        // A student trains on it with mse, and cross-entropy is refused.
        let student = try Network.mlp(sizes: [4, 7, 2], activation: .relu, bias: false, seed: 1)
        let r = try train(
            network: student, data: data, optimizer: try .gradientDescent(learningRate: 0.05), loss: .mse,
            steps: 50)
        #expect(r.finalLoss < r.losses[0] && r.accuracy.isNaN)
        #expect(
            TrainFixture.error {
                try train(
                    network: student, data: data, optimizer: try .gradientDescent(learningRate: 0.05),
                    loss: .crossEntropy, steps: 5)
            }
                == .network(.lossNeedsLabels(.crossEntropy, dataset: "teacher_student")))
    }

    @Test("subset, split and standardize")
    func operations() throws {
        let data = TrainFixture.mixture(n: 20, d: 3, classes: 4, seed: 2)
        let first = try data.subset(first: 5)
        #expect(first.count == 5 && first.labels! == Array(data.labels!.prefix(5)) && first.outputDimension == 4)
        let picked = try data.subset(indices: [7, 2, 7])
        #expect(picked.inputs.row(0) == data.inputs.row(7) && picked.inputs.row(1) == data.inputs.row(2))
        #expect(picked.targets.row(2) == data.targets.row(7))
        #expect(
            TrainFixture.error { try data.subset(indices: [20]) }
                == .data(.indexOutOfRange(index: 20, count: 20, dataset: "gaussian_mixture")))
        #expect(TrainFixture.error { try data.subset(indices: []) } == .data(.emptySubset))
        #expect(
            TrainFixture.error { try data.split(fraction: 0.01, seed: 0) }
                == .data(.splitLeavesAPartEmpty(count: 20, fraction: 0.01)))
        #expect(
            TrainFixture.error { try data.standardized(using: TrainFixture.mixture(n: 4, d: 2, classes: 2, seed: 1)) }
                == .data(
                    .featureCountsDiffer(
                        reference: "gaussian_mixture", referenceFeatures: 2, dataset: "gaussian_mixture", features: 3)))
        #expect(
            TrainFixture.error { try data.subset(first: 0) }
                == .outOfDomain(.sampleCount, .sampleCount(upTo: 20, dataset: "gaussian_mixture"), got: .integer(0)))

        let (train, test) = try data.split(fraction: 0.75, seed: 4)
        #expect(train.count == 15 && test.count == 5)
        var rng = RandomSource(seed: 4)
        let perm = rng.permutation(20)
        let trainRows = perm.prefix(15).sorted()
        for (i, source) in trainRows.enumerated() { #expect(train.inputs.row(i) == data.inputs.row(source)) }
        #expect(
            TrainFixture.error { try data.split(fraction: 1, seed: 0) }
                == .outOfDomain(.splitFraction, .strictlyBetweenZeroAndOne, got: .number(1)))

        let z = try data.standardized()
        let stats = z.featureStatistics
        for j in 0..<3 {
            #expect(abs(stats.mean[j]) < 1e-14)
            #expect(abs(stats.standardDeviation[j] - 1) < 1e-14)
        }
        let zt = try test.standardized(using: train)
        let ts = train.featureStatistics
        #expect(abs(zt.inputs[0, 1] - (test.inputs[0, 1] - ts.mean[1]) / ts.standardDeviation[1]) < 1e-15)
        #expect(zt.labels! == test.labels!)
        // A constant feature is only centered.
        let constant = Dataset(name: "c", inputs: Matrix([[1, 5], [2, 5], [3, 5]]), labels: [0, 1, 0], classes: 2)
        #expect(
            try constant.standardized().inputs.storage.enumerated().filter { $0.offset % 2 == 1 }.allSatisfy {
                $0.element == 0
            })
    }

    @Test("load_csv: classification, regression and the label column")
    func csvLoading() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        let path = dir + "/iris.csv"
        TrainFixture.write("\u{FEFF}a, \"b\" ,label\r\n1,2,0\r\n\r\n-0.5, 1e-3 ,2\n3,4,1\n", to: path)
        let data = try loadCSV(path: path)
        #expect(data.name == "iris" && data.count == 3 && data.inputDimension == 2)
        #expect(data.isClassification && data.outputDimension == 3 && data.labels! == [0, 2, 1])
        #expect(data.inputs == Matrix([[1, 2], [-0.5, 0.001], [3, 4]]))

        let byName = try loadCSV(path: path, label: "a")
        #expect(!byName.isClassification)
        #expect(byName.targets == Matrix([[1], [-0.5], [3]]))
        #expect(byName.inputs == Matrix([[2, 0], [0.001, 2], [4, 1]]))
        let forcedRegression = try loadCSV(path: path, kind: .regression)
        #expect(!forcedRegression.isClassification && forcedRegression.targets.storage == [0, 2, 1])
    }

    @Test("load_csv reads RFC 4180 quoting within a line")
    func csvQuoting() throws {
        #expect(splitCSVFields("a,b") == ["a", "b"])
        #expect(splitCSVFields(" a , b ,") == ["a", "b", ""])
        #expect(splitCSVFields("\"x, y\",\"say \"\"hi\"\"\", \" padded \" ") == ["x, y", "say \"hi\"", " padded "])
        #expect(splitCSVFields("\"\",1") == ["", "1"])
        #expect(splitCSVFields("\"open,1") == nil)

        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        let path = dir + "/quoted.csv"
        TrainFixture.write("\"width, cm\",\"mass \"\"kg\"\"\",class\n\"1.5\",2,\"1\"\n3, \"4\" ,0\n", to: path)
        let data = try loadCSV(path: path)
        #expect(data.inputs == Matrix([[1.5, 2], [3, 4]]) && data.labels! == [1, 0])
        let byName = try loadCSV(path: path, label: "width, cm")
        #expect(byName.targets == Matrix([[1.5], [3]]))
        TrainFixture.write("x,y\n1,\"2\n3,4\n", to: path)
        #expect(
            TrainFixture.error { try loadCSV(path: path) }
                == .file(path: path, .csv(.unclosedQuote(line: 2))))
    }

    @Test("load_csv errors name the file, line and column")
    func csvErrors() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        func failure(_ text: String, label: String? = nil, kind: LabelKind = .automatic) -> EngineError? {
            let path = dir + "/d.csv"
            TrainFixture.write(text, to: path)
            return TrainFixture.error { try loadCSV(path: path, label: label, kind: kind) }
        }
        func csv(_ problem: CSVProblem) -> EngineError { .file(path: dir + "/d.csv", .csv(problem)) }
        #expect(failure("x,y\n1,2\n3\n") == csv(.fieldCount(line: 3, expected: 2, found: 1)))
        #expect(failure("x,y\n1,2\n3,abc\n") == csv(.notANumber(line: 3, column: "y", text: "abc")))
        #expect(failure("x,y\n1,\n") == csv(.missingValue(line: 2, column: "y")))
        #expect(failure("x,y\n1,nan\n") == csv(.notFinite(line: 2, column: "y", text: "nan")))
        #expect(failure("x,y\n1,2\n", label: "z") == csv(.noSuchColumn(name: "z", columns: ["x", "y"])))
        #expect(failure("x,x\n1,2\n") == csv(.duplicateColumn(line: 1, name: "x")))
        #expect(failure("\nx,,y\n1,2,3\n") == csv(.unnamedColumn(line: 2, column: 2)))
        #expect(failure("x,y\n") == csv(.noDataRows))
        #expect(failure("\n\n") == csv(.empty))
        #expect(failure("y\n1\n") == csv(.singleColumn))
        #expect(
            failure("x,y\n1,2\n3,0.5\n", kind: .classification)
                == csv(.notAClassLabel(line: 3, column: "y", value: 0.5, limit: 100_000)))
        #expect(
            TrainFixture.error { try loadCSV(path: dir + "/missing.csv") }
                == .missingFile(path: "\(dir)/missing.csv", .reading))
        #expect(TrainFixture.error { try loadCSV(path: dir) } == .file(path: dir, .isAFolder))
    }
}
