import NoetherEngine
import NoetherSyntax

/// Dataset builtins: generators, files, and operations on datasets.
enum DataBuiltins {
    static let all: [Builtin] = [
        gaussianMixture, xor2d, spheres, teacherStudent, loadCSV, mnist, subset, split, standardize,
    ]

    static let seedParameter = Parameter("seed", .integer, .value(.number(42), text: "42"), help: "random seed")

    static func sampleCount(_ ctx: CallContext, _ label: String = "n", minimum: Int = 1) throws(Diagnostic) -> Int {
        try ctx.integer(label, in: minimum...10_000_000)
    }

    /// Refuses datasets with more than 5e8 input entries before allocating them.
    static func checkSize(_ ctx: CallContext, n: Int, d: Int) throws(Diagnostic) {
        guard n.multipliedReportingOverflow(by: d).partialValue <= 500_000_000 else {
            throw ctx.error("the dataset would have \(n)×\(d) entries; keep n·d at most 5e8", at: "n")
        }
    }

    static func nonNegative(_ ctx: CallContext, _ label: String) throws(Diagnostic) -> Double {
        let x = try ctx.number(label)
        guard x.isFinite, x >= 0 else {
            throw ctx.error("'\(label)' must be a finite non-negative number, got \(formatNumber(x))", at: label)
        }
        return x
    }

    static let gaussianMixture = Builtin(
        "gaussian_mixture", category: "data",
        abstract: "The Gaussian mixture GM(n, d, K, s) of the paper: K centers at radius s·√d, unit noise.",
        discussion: """
            Centers: a K×d matrix of standard normals, each row rescaled to norm separation·√d
            (a radius, not a distance between centers). Class k gets ⌊n/K⌋ samples, plus one for
            each of the first n mod K classes; a sample is its center plus N(0, I_d) noise. The
            rows are then shuffled jointly with their labels. X is not centered or scaled.
            Same seed, same data, on every machine.
            """,
        parameters: [
            Parameter("n", .integer, .value(.number(200), text: "200"), help: "number of samples"),
            Parameter("d", .integer, .value(.number(20), text: "20"), help: "input dimension"),
            Parameter("classes", .integer, .value(.number(5), text: "5"), help: "number of classes K"),
            Parameter.number("separation", default: 2.0, help: "center radius in units of √d"),
            seedParameter,
        ],
        returns: "dataset",
        example: "data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let n = try sampleCount(ctx)
        let d = try ctx.integer("d", in: 1...1_000_000)
        let k = try ctx.integer("classes", in: 2...100_000)
        try checkSize(ctx, n: n, d: d)
        let s = try ctx.number("separation")
        let seed = try ctx.integer("seed")
        let name = ctx.builtin.name
        let data = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.gaussianMixture(
                name: name, n: n, d: d, classes: k, separation: s, seed: seed)
        }
        return .object(DatasetObject(data))
    }

    static let xor2d = Builtin(
        "xor2d", category: "data",
        abstract: "XOR in two dimensions: x ~ N(0, I₂), class 1[x₀ > 0] XOR 1[x₁ > 0].",
        discussion: """
            Two classes, samples in draw order (not shuffled): for each sample x₀ then x₁ from
            one seeded stream. A classic non-linearly-separable problem for the universality sweeps.
            """,
        parameters: [
            Parameter("n", .integer, .value(.number(200), text: "200"), help: "number of samples"),
            seedParameter,
        ],
        returns: "dataset",
        example: "data = xor2d(n=200, seed=42)\nnet = mlp([2, 64, 2])"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let n = try sampleCount(ctx)
        let seed = try ctx.integer("seed")
        let name = ctx.builtin.name
        return .object(
            DatasetObject(
                try ctx.engine { () throws(EngineError) in try NoetherEngine.xor2d(name: name, n: n, seed: seed) }))
    }

    static let spheres = Builtin(
        "spheres", category: "data",
        abstract: "Two concentric spheres in d dimensions: class 0 at radius `inner`, class 1 at `outer`.",
        discussion: """
            The first ⌊n/2⌋ points are inner·u + noise·N(0, I_d), the rest outer·u + noise·N(0, I_d),
            u a normalized standard normal; then one joint shuffle. Defaults as experiments.md §1.1.
            """,
        parameters: [
            Parameter("n", .integer, .value(.number(200), text: "200"), help: "number of samples (at least 2)"),
            Parameter("d", .integer, .value(.number(10), text: "10"), help: "dimension"),
            seedParameter,
            Parameter.number("inner", default: 1, help: "radius of class 0"),
            Parameter.number("outer", default: 2, help: "radius of class 1"),
            Parameter.number("noise", default: 0.1, help: "standard deviation of the isotropic noise"),
        ],
        returns: "dataset",
        example: "data = spheres(n=200, d=10, seed=42)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let n = try sampleCount(ctx, minimum: 2)
        let d = try ctx.integer("d", in: 1...1_000_000)
        try checkSize(ctx, n: n, d: d)
        let seed = try ctx.integer("seed")
        let inner = try nonNegative(ctx, "inner")
        let outer = try nonNegative(ctx, "outer")
        let noise = try nonNegative(ctx, "noise")
        let name = ctx.builtin.name
        let data = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.spheres(
                name: name, n: n, d: d, innerRadius: inner, outerRadius: outer, noise: noise, seed: seed)
        }
        return .object(DatasetObject(data))
    }

    static let teacherStudent = Builtin(
        "teacher_student", category: "data",
        abstract: "Regression data from a random teacher: x ~ N(0, I_d), y = W₂ relu(W₁ x) (+ noise).",
        discussion: """
            The teacher is exactly mlp([d, hidden, out], activation=relu, bias=false, seed=seed);
            then X (n×d standard normals) and, when noise > 0, the target noise, from the same
            stream. Targets are real-valued (no labels): train with loss=mse.
            """,
        parameters: [
            Parameter("n", .integer, .value(.number(200), text: "200"), help: "number of samples"),
            Parameter("d", .integer, .value(.number(20), text: "20"), help: "input dimension"),
            Parameter("hidden", .integer, .value(.number(16), text: "16"), help: "the teacher's hidden width"),
            Parameter("out", .integer, .value(.number(1), text: "1"), help: "number of real targets"),
            seedParameter,
            Parameter.number("noise", default: 0, help: "standard deviation of Gaussian noise added to the targets"),
        ],
        returns: "dataset",
        example: """
            data = teacher_student(n=200, d=20, hidden=16, out=1, seed=42)
            run = train(mlp([20, 64, 1]), data, gd(lr=0.01), loss=mse, steps=500)
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let n = try sampleCount(ctx)
        let d = try ctx.integer("d", in: 1...1_000_000)
        let hidden = try ctx.integer("hidden", in: 1...1_000_000)
        let out = try ctx.integer("out", in: 1...1_000_000)
        try checkSize(ctx, n: n, d: d)
        let seed = try ctx.integer("seed")
        let noise = try nonNegative(ctx, "noise")
        let name = ctx.builtin.name
        let data = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.teacherStudent(
                name: name, n: n, d: d, hidden: hidden, out: out, noise: noise, seed: seed)
        }
        return .object(DatasetObject(data))
    }

    static let loadCSV = Builtin(
        "load_csv", category: "data",
        abstract: "Reads a numeric CSV file with a header line: one column is the target, the others the inputs.",
        discussion: """
            The first line names the columns; every further line holds one number per column,
            separated by commas; a field may be quoted ("width, cm"; "" inside quotes is one
            quote) within its line. `label` names the target column (default: the last);
            the other columns, in file order, are the inputs. task="auto" makes classification
            data (K = max label + 1 classes) when every label is a non-negative integer, and
            regression data otherwise. Errors name the file, the line and the column.
            """,
        parameters: [
            Parameter("path", .string, help: "the CSV file", completion: .filePath),
            Parameter("label", .string, .absent, help: "the target column's name (default: the last column)"),
            Choices.task.parameter("task", default: "auto"),
        ],
        returns: "dataset",
        example: """
            export(table(x1=[0.5, 1.5, 2], x2=[1, -1, 0], species=[0, 2, 1]), "tiny.csv")
            data2 = load_csv("tiny.csv", label="species")
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let path = ctx.interpreter.pathForReading(try ctx.string("path"))
        let label = try ctx.optionalString("label")
        let kind = try ctx.choice("task", Choices.task)
        let data = try ctx.engine(at: "path") { () throws(EngineError) in
            try NoetherEngine.loadCSV(path: path, label: label, kind: kind)
        }
        return .object(DatasetObject(data))
    }

    static let mnist = Builtin(
        "mnist", category: "data",
        abstract: "MNIST from the standard IDX files in a folder you give (nothing is downloaded).",
        discussion: """
            The folder must hold train-images-idx3-ubyte and train-labels-idx1-ubyte (test=true:
            t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte), raw or gzip-compressed with a .gz
            suffix. As experiments.md §1.1: the first n images in file order (no shuffling),
            pixels /255 into [0, 1], flattened row-major to 784 inputs, 10 classes, no further
            normalization. Only the bytes the first n images need are read.
            A missing folder or file is a missing-file error naming what to put where.
            """,
        parameters: [
            Parameter("path", .string, help: "the folder holding the IDX files", completion: .filePath),
            Parameter("n", .integer, .absent, help: "the first n images (default: all)"),
            Parameter("test", .bool, .value(.bool(false), text: "false"), help: "read the t10k test split instead"),
        ],
        returns: "dataset",
        example: """
            # with train-images-idx3-ubyte(.gz) and train-labels-idx1-ubyte(.gz) in data/mnist:
            # data = mnist(path="data/mnist", n=2000)
            # net = mlp([784, 32, 32, 32, 32, 10])
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let path = ctx.interpreter.pathForReading(try ctx.string("path"))
        let n = try ctx.has("n") ? try sampleCount(ctx) : nil
        let test = try ctx.bool("test")
        let data = try ctx.engine(at: "path") { () throws(EngineError) in
            try NoetherEngine.loadMNIST(name: test ? "mnist_test" : "mnist", path: path, n: n, test: test)
        }
        return .object(DatasetObject(data))
    }

    static let subset = Builtin(
        "subset", category: "data",
        abstract: "The first n samples of a dataset, or the samples at the given indices (in that order).",
        discussion: "Give exactly one of n= and indices=. Indices are 0-based and may repeat.",
        parameters: [
            Parameter("data", .object("dataset"), help: "the dataset", completion: .variables),
            Parameter("n", .integer, .absent, help: "keep the first n samples"),
            Parameter("indices", .list(.integer), .absent, help: "keep these samples (0-based), in this order"),
        ],
        returns: "dataset",
        example: "small = subset(data, n=50)\nsubset(data, indices=[0, 2, 4])"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        switch (try ctx.has("n"), try ctx.has("indices")) {
        case (true, false):
            let n = try ctx.integer("n")
            return .object(
                DatasetObject(try ctx.engine(at: "n") { () throws(EngineError) in try data.subset(first: n) }))
        case (false, true):
            let indices = (try ctx.value("indices")?.numbers ?? []).map { Int($0) }
            return .object(
                DatasetObject(
                    try ctx.engine(at: "indices") { () throws(EngineError) in
                        try data.subset(indices: indices)
                    }))
        case (true, true):
            throw ctx.error("give either n= or indices=, not both", at: "indices")
        case (false, false):
            throw ctx.error("'subset' needs n= (the first n samples) or indices= (a list of sample indices)")
        }
    }

    static let split = Builtin(
        "split", category: "data",
        abstract: "A random train/test split: a record {train=…, test=…}.",
        discussion: """
            A seeded permutation of the samples; its first round(fraction·n) entries go to train,
            the rest to test, each part in the original sample order.
            """,
        parameters: [
            Parameter("data", .object("dataset"), help: "the dataset", completion: .variables),
            Parameter.number(
                "fraction", default: 0.8, help: "share of samples for training (strictly between 0 and 1)"),
            seedParameter,
        ],
        returns: "record",
        example: """
            parts = split(data, fraction=0.8, seed=1)
            run = train(net, parts.train, gd(lr=0.01))
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let fraction = try ctx.number("fraction")
        let seed = try ctx.integer("seed")
        let parts = try ctx.engine(at: "fraction") { () throws(EngineError) in
            try data.split(fraction: fraction, seed: seed)
        }
        return .record(
            Record([("train", .object(DatasetObject(parts.train))), ("test", .object(DatasetObject(parts.test)))]))
    }

    static let standardize = Builtin(
        "standardize", category: "data",
        abstract: "Inputs standardized per feature, x′ = (x − mean)/std; targets unchanged.",
        discussion: """
            The statistics (population std, ddof 0) come from `reference` when given (standardize a
            test set like its training set), else from the data itself. A feature with zero spread
            is only centered.
            """,
        parameters: [
            Parameter("data", .object("dataset"), help: "the dataset", completion: .variables),
            Parameter(
                "reference", .object("dataset"), .absent, help: "take mean and std from this dataset instead",
                completion: .variables),
        ],
        returns: "dataset",
        example: """
            parts = split(data)
            train_set = standardize(parts.train)
            test_set = standardize(parts.test, reference=parts.train)
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let reference = try ctx.optionalObject("reference", as: DatasetObject.self)?.dataset
        return .object(
            DatasetObject(
                try ctx.engine(at: reference == nil ? "data" : "reference") { () throws(EngineError) in
                    try data.standardized(using: reference)
                }))
    }
}
