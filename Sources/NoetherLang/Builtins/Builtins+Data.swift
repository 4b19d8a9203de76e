import NoetherEngine
import NoetherSyntax

/// Dataset builtins.
enum DataBuiltins {
    static let all: [Builtin] = [gaussianMixture]

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
            Parameter("seed", .integer, .value(.number(42), text: "42"), help: "random seed"),
        ],
        returns: "dataset",
        example: "data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)"
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let n = try ctx.integer("n", in: 1...10_000_000)
        let d = try ctx.integer("d", in: 1...1_000_000)
        let k = try ctx.integer("classes", in: 2...100_000)
        guard n.multipliedReportingOverflow(by: d).partialValue <= 500_000_000 else {
            throw ctx.error("the dataset would have \(n)×\(d) entries; keep n·d at most 5e8", at: "n")
        }
        let s = ctx.number("separation")
        let seed = ctx.integer("seed")
        let data = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.gaussianMixture(n: n, d: d, classes: k, separation: s, seed: seed)
        }
        return .object(DatasetObject(data))
    }
}
