import Foundation
import NoetherEngine
import NoetherSyntax
import Synchronization
import Testing
@testable import NoetherLang

/// Runs source in a fresh interpreter, collecting printed lines (the evaluator
/// tests' harness, under its own name).
final class CurvatureHarness {
    var lines: [String] = []
    lazy var interpreter = Interpreter(output: { [unowned self] in self.lines.append($0) })

    /// A 2-layer ReLU network (P = 4·6 + 6·3 = 42) on a small three-class mixture.
    static let setup = """
        data = gaussian_mixture(n=30, d=4, classes=3, seed=1)
        net = mlp([4, 6, 3], seed=2)
        """

    init(setup: String = CurvatureHarness.setup) {
        try! interpreter.run(setup, name: "setup.noe")
    }

    @discardableResult
    func run(_ text: String) throws(Diagnostic) -> Value { try interpreter.run(text, name: "test.noe") }

    func number(_ text: String) throws -> Double {
        guard case .number(let x) = try run(text) else { throw Failure("'\(text)' is not a number") }
        return x
    }

    func numbers(_ text: String) throws -> [Double] {
        guard let xs = try run(text).numbers else { throw Failure("'\(text)' is not a list of numbers") }
        return xs
    }

    func rows(_ text: String) throws -> [[Double]] {
        guard case .list(let items) = try run(text) else { throw Failure("'\(text)' is not a list") }
        return try items.map { row in
            guard let xs = row.numbers else { throw Failure("'\(text)' is not a list of lists of numbers") }
            return xs
        }
    }

    func bool(_ text: String) throws -> Bool {
        guard case .bool(let b) = try run(text) else { throw Failure("'\(text)' is not a boolean") }
        return b
    }

    /// The diagnostic of running `text`, or nil when it ran.
    func diagnostic(_ text: String) -> Diagnostic? {
        do {
            try run(text)
            return nil
        } catch {
            return error
        }
    }

    /// The rendered diagnostic of running `text`, or nil when it ran.
    func error(_ text: String) -> String? {
        let source = SourceFile(name: "test.noe", text: text)
        return diagnostic(text).map { DiagnosticRenderer.render($0, in: source) }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }
}

/// A value the progress callback (which must be `@Sendable`) can update.
private final class Tally: Sendable {
    let counts = Mutex<[String: Int]>([:])
    func add(_ label: String) { counts.withLock { $0[label, default: 0] += 1 } }
    var total: Int { counts.withLock { $0.values.reduce(0, +) } }
    var snapshot: [String: Int] { counts.withLock { $0 } }
}

/// `[0, …, 1, …, 0]` (P entries, 1 at `j`) as source text.
private func unitVector(_ j: Int, count: Int) -> String {
    "[" + (0..<count).map { $0 == j ? "1" : "0" }.joined(separator: ", ") + "]"
}

private func relativeError(_ a: Double, _ b: Double) -> Double { abs(a - b) / Swift.max(abs(b), 1e-300) }

private func maxAbsDifference(_ a: [Double], _ b: [Double]) -> Double {
    zip(a, b).reduce(0) { Swift.max($0, abs($1.0 - $1.1)) }
}

@Suite struct CurvatureBuiltinTests {
    static let p = 42

    // MARK: - Products and dense matrices

    @Test(arguments: ["mse", "cross_entropy"])
    func hvpEqualsAColumnOfTheHessian(loss: String) throws {
        let h = CurvatureHarness()
        try h.run("H = hessian(net, data, loss=\(loss))")
        let entries = try h.rows("H.entries")
        #expect(entries.count == Self.p && entries.allSatisfy { $0.count == Self.p })
        let scale = try h.number("H.max_abs")
        for j in [0, 7, 23, 30, 41] {
            let column = entries.map { $0[j] }
            let hv = try h.numbers("hvp(net, data, \(loss), \(unitVector(j, count: Self.p)))")
            #expect(hv.count == Self.p)
            #expect(maxAbsDifference(hv, column) <= 1e-12 * scale, "column \(j)")
            #expect(try h.numbers("H.column(\(j))") == column)
            #expect(try h.numbers("H.row(\(j))") == entries[j])
        }
        #expect(try h.numbers("H.row(-1)") == entries[41])
        #expect(h.error("H.row(42)")?.contains("row 42 is out of range for a matrix with 42 rows") == true)
        // The batched form gives the same products as one-by-one.
        let batch = try h.rows(
            "hvp(net, data, v=[\(unitVector(3, count: Self.p)), \(unitVector(40, count: Self.p))], loss=\(loss))")
        #expect(batch.count == 2)
        #expect(maxAbsDifference(batch[0], entries.map { $0[3] }) <= 1e-12 * scale)
        #expect(maxAbsDifference(batch[1], entries.map { $0[40] }) <= 1e-12 * scale)
    }

    @Test func hvpOfAnEigenvectorIsAMultipleOfIt() throws {
        let h = CurvatureHarness()
        try h.run("top = eigs(hessian(net, data), top=1, vectors=true)")
        let v = try h.numbers("top.vectors[0]")
        let lambda = try h.number("top.max")
        let hv = try h.numbers("hvp(net, data, mse, top.vectors[0])")
        #expect(maxAbsDifference(hv, v.map { lambda * $0 }) <= 1e-10 * lambda)
    }

    @Test func hessianIsSymmetricAndBlocksAreSubmatrices() throws {
        let h = CurvatureHarness()
        try h.run("H = hessian(net, data)")
        #expect(try h.number("H.symmetry_error") == 0)
        #expect(try h.number("H.rows") == 42 && h.number("H.columns") == 42)
        #expect(try h.run("H.blocks").rendered == "[\"W1\", \"W2\"]")
        let full = try h.rows("H.entries")
        // W2 (3×6) occupies rows and columns 24..<42.
        let w2 = try h.rows("hessian(net, data, block=\"W2\").entries")
        #expect(w2.count == 18)
        var diff = 0.0
        for i in 0..<18 { for j in 0..<18 { diff = max(diff, abs(w2[i][j] - full[24 + i][24 + j])) } }
        #expect(diff <= 1e-12 * (try h.number("H.max_abs")))
        let both = try h.rows("hessian(net, data, block=[\"W2\", \"W1\"]).entries")
        #expect(maxAbsDifference(both.flatMap { $0 }, full.flatMap { $0 }) <= 1e-12 * (try h.number("H.max_abs")))
        #expect(relativeError(try h.number("H.trace"), try h.number("eigs(H).sum")) < 1e-12)
    }

    @Test(arguments: ["mse", "cross_entropy"])
    func hessianIsGaussNewtonPlusResidual(loss: String) throws {
        let h = CurvatureHarness()
        let hessian = try h.rows("hessian(net, data, loss=\(loss)).entries").flatMap { $0 }
        let g = try h.rows("gauss_newton(net, data, loss=\(loss)).entries").flatMap { $0 }
        let r = try h.rows("gn_residual(net, data, loss=\(loss)).entries").flatMap { $0 }
        let sum = zip(g, r).map { $0 + $1 }
        #expect(maxAbsDifference(sum, hessian) <= 1e-12 * hessian.map(abs).max()!)
        // G is positive semi-definite.
        #expect(try h.number("eigs(gauss_newton(net, data, loss=\(loss))).min") >= -1e-12)
        try h.run("G = gauss_newton(net, data, loss=\(loss), block=\"W1\")")
        #expect(try h.number("G.rows") == 24)
        #expect(try h.run("G.kind").rendered == "\"gauss_newton\"")
    }

    // MARK: - Spectra

    @Test(arguments: ["mse", "cross_entropy"])
    func eigsMaxEqualsSharpnessAndLanczosTop(loss: String) throws {
        let h = CurvatureHarness()
        try h.run("s = eigs(hessian(net, data, loss=\(loss)))")
        let lambda = try h.number("s.max")
        #expect(lambda > 0)
        #expect(relativeError(try h.number("sharpness(net, data, \(loss))"), lambda) < 1e-10)
        #expect(relativeError(try h.number("sharpness(net, data, \(loss), method=\"dense\")"), lambda) < 1e-10)
        #expect(relativeError(try h.number("sharpness(net, data, \(loss), method=\"lanczos\")"), lambda) < 1e-8)
        try h.run("lz = lanczos(net, data, \(loss), k=3)")
        #expect(relativeError(try h.number("lz.max"), lambda) < 1e-8)
        let top = try h.numbers("lz.top")
        let bottom = try h.numbers("lz.bottom")
        let values = try h.numbers("s.values")
        #expect(top.count == 3 && bottom.count == 3)
        #expect(maxAbsDifference(top, Array(values.prefix(3))) <= 1e-8 * lambda)
        #expect(maxAbsDifference(bottom, Array(values.reversed().prefix(3))) <= 1e-8 * lambda)
        // Power iteration converges to the same value given enough iterations.
        #expect(
            relativeError(try h.number("power_iteration(net, data, \(loss), iterations=2000, seed=3)"), lambda) < 1e-6)
        // eigs(top=k) is the head of the full spectrum, largest first.
        let head = try h.numbers("eigs(hessian(net, data, loss=\(loss)), top=4).values")
        #expect(maxAbsDifference(head, Array(values.prefix(4))) <= 1e-10 * lambda)
        let tail = try h.numbers("eigs(hessian(net, data, loss=\(loss)), bottom=2).bottom")
        #expect(maxAbsDifference(tail, Array(values.reversed().prefix(2))) <= 1e-10 * lambda)
    }

    @Test func spectrumFieldsAndSummary() throws {
        let h = CurvatureHarness()
        try h.run("s = eigs(hessian(net, data))")
        let values = try h.numbers("s.values")
        #expect(values.count == 42 && zip(values, values.dropFirst()).allSatisfy { $0 >= $1 })
        let positive = try h.number("s.positive")
        let negative = try h.number("s.negative")
        let zero = try h.number("s.zero")
        #expect(positive + negative + zero == 42)
        #expect(positive == Double(values.filter { $0 > 1e-8 }.count))
        let rank = values.filter { $0 > 1e-8 }.reduce(0, +) / values[0]
        #expect(relativeError(try h.number("s.effective_rank"), rank) < 1e-12)
        #expect(try h.number("s.max") == values.first && h.number("s.min") == values.last)
        #expect(try h.numbers("s.top") == Array(values.prefix(10)))
        #expect(try h.numbers("s.bottom") == Array(values.reversed().prefix(10)))
        #expect(try h.bool("s.complete"))
        let summary = try h.run("s").rendered
        #expect(summary.hasPrefix("spectrum of hessian over W1, W2: 42 eigenvalues in ["))
        #expect(summary.contains("near zero (|λ| ≤ 1e-08)"))
        #expect(summary.contains("effective rank"))
        #expect(summary.contains("width"))
        // A looser threshold moves eigenvalues into the near-zero count.
        #expect(try h.number("eigs(hessian(net, data), threshold=1e9).zero") == 42)
        // A partial spectrum says what its counts describe.
        #expect(
            try h.run("eigs(hessian(net, data), top=3)").rendered.contains("describe the 3 computed eigenvalues only"))
        // Eigenvectors are unit vectors, in the order of the values.
        let vectors = try h.rows("eigs(hessian(net, data), vectors=true).vectors")
        #expect(vectors.count == 42)
        #expect(abs(vectors[0].reduce(0) { $0 + $1 * $1 } - 1) < 1e-12)
        #expect(try h.run("s.vectors").rendered == "")
        try h.run("sv = eigs(hessian(net, data), vectors=true)")
        #expect(try h.numbers("sv.vector(0)") == vectors[0])
        #expect(try h.numbers("sv.vector(-1)") == vectors[41])
    }

    @Test func eigsOfAListOfRows() throws {
        let h = CurvatureHarness()
        let values = try h.numbers("eigs([[2, 1], [1, 2]]).values")
        #expect(values.count == 2 && maxAbsDifference(values, [3, 1]) < 1e-14)
        #expect(h.error("eigs([[1, 2], [0, 1]])")?.contains("not symmetric") == true)
        #expect(h.error("eigs([[1, 2], [3]])")?.contains("rows of numbers, of equal length") == true)
        #expect(h.error("eigs([1, 2])")?.contains("rows of numbers, of equal length") == true)
        #expect(
            h.error("hvp(net, data, mse, [1, \"x\"])")?.contains(
                "numbers or a list of such lists; element 1 is a string") == true)
        #expect(
            h.error("hvp(net, data, mse, [[\"x\"], [1]])")?.contains("direction 0 holds something other than numbers")
                == true)
    }

    // MARK: - Stochastic estimates

    @Test(arguments: ["mse", "cross_entropy"])
    func traceIsTheSumOfTheEigenvaluesWithinItsError(loss: String) throws {
        let h = CurvatureHarness()
        let exact = try h.number("eigs(hessian(net, data, loss=\(loss))).sum")
        try h.run("t = trace(net, data, \(loss), probes=400, seed=1)")
        let value = try h.number("t.value")
        let stderr = try h.number("t.stderr")
        #expect(stderr > 0)
        #expect(abs(value - exact) <= 4 * stderr, "trace \(value) ± \(stderr), exact \(exact)")
        #expect(try h.numbers("t.samples").count == 400)
        #expect(try h.run("t").rendered.hasPrefix("trace of hessian ≈ "))
        // The Gauss–Newton trace too.
        let gn = try h.number("gauss_newton(net, data, loss=\(loss)).trace")
        try h.run("tg = trace(net, data, \(loss), probes=400, seed=2, curvature=\"gauss_newton\")")
        #expect(abs(try h.number("tg.value") - gn) <= 4 * (try h.number("tg.stderr")))
    }

    @Test func densityMatchesTheDenseSpectrum() throws {
        let h = CurvatureHarness()
        let values = try h.numbers("eigs(hessian(net, data)).values")
        // With steps ≥ P every probe's Krylov space is the whole space: the nodes
        // are the eigenvalues, and the SLQ trace is Hutchinson's estimate.
        try h.run("rho = density(net, data, mse, probes=6, steps=42, points=2000, seed=3)")
        let nodes = try h.rows("rho.nodes")
        #expect(nodes.count == 6)
        #expect(abs(try h.number("rho.max") - values.first!) <= 1e-8 * values.first!)
        #expect(abs(try h.number("rho.min") - values.last!) <= 1e-8 * values.first!)
        for w in try h.rows("rho.weights") { #expect(abs(w.reduce(0, +) - 1) < 1e-10) }
        let grid = try h.numbers("rho.grid")
        let phi = try h.numbers("rho.density")
        #expect(grid.count == 2000 && phi.count == 2000)
        let mass = phi.reduce(0, +) * (grid[1] - grid[0])
        #expect(abs(mass - 1) < 1e-3)
        // The SLQ trace is unbiased: within a few standard errors of the exact trace.
        let exact = values.reduce(0, +)
        let t = try h.number("trace(net, data, probes=6, seed=3).value")
        #expect(abs(try h.number("rho.trace") - t) <= 1e-8 * abs(exact) + 1e-10, "same probes, same estimate")
        #expect(try h.run("rho").rendered.hasPrefix("spectral density of hessian (SLQ): 6 probes × 42 steps, P = 42"))
    }

    // MARK: - Jacobian, NTK, covariance, compression bound

    @Test func jacobianAndTangentKernel() throws {
        let h = CurvatureHarness()
        try h.run("J = jacobian(net, data)\nK = ntk(net, data)")
        #expect(try h.number("J.rows") == 90 && h.number("J.columns") == 42)
        #expect(try h.number("K.rows") == 90 && h.number("K.symmetry_error") <= 1e-12 * h.number("K.max_abs"))
        // tr(JJᵀ) = ‖J‖²_F.
        let f = try h.number("J.frobenius")
        #expect(relativeError(try h.number("K.trace"), f * f) < 1e-12)
        #expect(try h.run("J.diag").rendered == "")
        #expect(h.error("eigs(J)")?.contains("eigenvalues need a square matrix, got 90×42") == true)
        // λ_max(JJᵀ)/n is λ_max(JᵀJ/n), the bound's first factor.
        let viaKernel = try h.number("eigs(K).max") / 30
        #expect(relativeError(try h.number("ce_bound(net, data).jtj_max"), viaKernel) < 1e-10)
    }

    @Test func covarianceEigenvaluesSumToTheMeanSquaredNorm() throws {
        let h = CurvatureHarness()
        let sum = try h.number("cov_eigs(data).sum")
        #expect(relativeError(sum, try h.number("data.mean_norm2")) < 1e-12)
        #expect(try h.number("cov_eigs(data).count") == 4)
        let centered = try h.number("cov_eigs(data, centered=true).sum")
        #expect(centered < sum)
        #expect(try h.run("cov_eigs(data)").rendered.hasPrefix("spectrum of input covariance XᵀX/n: 4 eigenvalues"))
        #expect(try h.rows("cov_eigs(data, vectors=true).vectors").count == 4)
    }

    @Test func compressionBoundBesideTheTrueSharpness() throws {
        let h = CurvatureHarness()
        try h.run("b = ce_bound(net, data)")
        let jtj = try h.number("b.jtj_max")
        let qvar = try h.number("b.max_qvar")
        #expect(relativeError(try h.number("b.bound"), jtj * qvar) < 1e-15)
        #expect(qvar > 0 && qvar <= 0.25)
        #expect(
            relativeError(try h.number("b.gn_max"), try h.number("eigs(gauss_newton(net, data, cross_entropy)).max"))
                < 1e-10)
        #expect(
            relativeError(try h.number("b.hessian_max"), try h.number("sharpness(net, data, cross_entropy)")) < 1e-10)
        #expect(try h.bool("b.rigorous_holds"))
        #expect(try h.bool("b.holds") == (h.number("b.gn_max") <= h.number("b.bound") * (1 + 1e-9)))
        let summary = try h.run("b").rendered
        #expect(summary.contains("bound"))
        #expect(summary.contains("true λ_max: gauss-newton"))
        #expect(summary.contains("rigorous bound holds"))
        #expect(try h.run("b.method").rendered == "\"dense\"")
        #expect(try h.run("ce_bound(net, data, method=\"lanczos\").method").rendered == "\"lanczos\"")
        // It needs class labels and a matching network.
        #expect(h.error("ce_bound(mlp([5, 4, 3]), data)")?.contains("the network takes 5 inputs") == true)
    }

    // MARK: - Refusals and errors

    @Test func hugeDenseMatricesAreRefusedBeforeAllocating() throws {
        let h = CurvatureHarness(
            setup: """
                big = mlp([2000, 2000, 10])
                d2 = gaussian_mixture(n=10, d=2000, classes=10)
                """)
        let clock = ContinuousClock()
        for call in [
            "hessian(big, d2)", "gauss_newton(big, d2)", "gn_residual(big, d2)", "sharpness(big, d2, method=\"dense\")",
        ] {
            var message: String?
            let elapsed = clock.measure { message = h.error(call) }
            #expect(message?.contains("(P = 4020000) needs about") == true, "\(call): \(message ?? "no error")")
            #expect(message?.contains("of memory are available") == true)
            #expect(message?.contains("use 'lanczos'") == true)
            // 128 TiB cannot have been touched: the refusal comes before any allocation.
            #expect(elapsed < .seconds(5))
        }
    }

    @Test func unknownBlocksAreNamedWithASuggestion() throws {
        let h = CurvatureHarness()
        let lower = h.error("hessian(net, data, block=\"w2\")")
        #expect(lower?.contains("error: unknown parameter block 'w2'; this network has 'W1', 'W2'") == true)
        #expect(lower?.contains("did you mean 'W2'?") == true)
        let number = h.error("hessian(net, data, block=[\"W1\", \"W3\"])")
        #expect(number?.contains("unknown parameter block 'W3'") == true)
        #expect(number?.contains("blocks are numbered from 1 to 2, one per layer") == true)
        #expect(h.error("gauss_newton(net, data, block=\"b1\")")?.contains("unknown parameter block 'b1'") == true)
        #expect(h.error("gn_residual(net, data, block=\"Wl\")")?.contains("did you mean 'W1'?") == true)
    }

    @Test func argumentErrors() throws {
        let h = CurvatureHarness()
        #expect(
            h.error("hvp(net, data, mse, [1, 2])")?.contains("'v' has 2 entries but the network has P = 42 parameters")
                == true)
        #expect(h.error("hvp(net, data, v=[[1, 2]])")?.contains("direction 0 of 'v' has 2 entries") == true)
        #expect(h.error("hvp(net, data, [1, 2])")?.contains("name v: hvp(net, data, v=v)") == true)
        #expect(
            h.error("eigs(hessian(net, data), top=2, bottom=2)")?.contains("give 'top' or 'bottom', not both") == true)
        #expect(h.error("eigs(hessian(net, data), top=50)")?.contains("'top' must be between 1 and 42, got 50") == true)
        let curvature = h.error("lanczos(net, data, curvature=\"gauss-newton\")")
        #expect(curvature?.contains("unknown curvature 'gauss-newton'") == true)
        #expect(curvature?.contains("did you mean 'gauss_newton'?") == true)
        #expect(h.error("sharpness(net, data, method=\"powr\")")?.contains("did you mean 'power'?") == true)
        #expect(h.error("ce_bound(net, data, method=\"power\")")?.contains("unknown method 'power'") == true)
        #expect(h.error("lanczos(net, data, k=0)")?.contains("'k' must be between 1 and") == true)
        #expect(h.error("trace(net, data, probes=0)")?.contains("'probes' must be between 1 and") == true)
        #expect(h.error("density(net, data, sigma=-1)")?.contains("'sigma' must be a positive number") == true)
        #expect(
            h.error("hessian(mlp([3, 4, 3]), data)")?.contains(
                "the network takes 3 inputs but the data have 4 features") == true)
    }

    // MARK: - Progress and Ctrl-C

    @Test func longComputationsReportProgress() throws {
        let h = CurvatureHarness()
        let labels = Tally()
        h.interpreter.progress = { done, total, label in
            labels.add(label)
            #expect(done <= total)
        }
        try h.run(
            """
            H = hessian(net, data)
            R = gn_residual(net, data)
            lz = lanczos(net, data, steps=20)
            x = power_iteration(net, data, iterations=5)
            s = sharpness(net, data)
            t = trace(net, data, probes=100)
            rho = density(net, data, probes=3, steps=10)
            b = ce_bound(net, data)
            v = hvp(net, data, v=[\(unitVector(0, count: 42)), \(unitVector(1, count: 42))])
            """)
        let seen = labels.snapshot
        for label in [
            "hessian", "gn_residual", "lanczos", "power_iteration", "sharpness", "trace", "density", "ce_bound", "hvp",
        ] {
            #expect((seen[label] ?? 0) > 0, "no progress from \(label)")
        }
        #expect(seen["lanczos"] == 20)
        #expect(seen["power_iteration"] == 6)
    }

    @Test(arguments: [
        "H = hessian(net, data)", "R = gn_residual(net, data)", "lz = lanczos(net, data)",
        "x = power_iteration(net, data)", "s = sharpness(net, data)", "s = sharpness(net, data, method=\"lanczos\")",
        "t = trace(net, data, probes=200)", "rho = density(net, data)", "b = ce_bound(net, data)",
    ])
    func ctrlCStopsTheComputationAndKeepsTheSession(source: String) throws {
        let h = CurvatureHarness()
        try h.run("kept = 7")
        let flag = h.interpreter.interrupt
        let reports = Tally()
        // Ctrl-C arrives during the first block of work.
        h.interpreter.progress = { _, _, label in
            reports.add(label)
            flag.raise()
        }
        let d = h.diagnostic(source)
        #expect(d?.kind == .interrupted, "\(source): \(d?.message ?? "no error")")
        #expect(reports.total == 1, "it stopped at the first report")
        #expect(!flag.isRaised, "the flag is cleared")
        h.interpreter.progress = nil
        #expect(try h.number("kept") == 7)
        let name = String(source.prefix { $0 != " " })
        #expect(h.error(name)?.contains("unknown name '\(name)'") == true, "nothing was bound")
    }

    /// The statistics themselves are the engine's (`MatrixStatisticsTests`); the
    /// object reports them, NaN where they do not apply.
    @Test func matrixSummaryOfAWideMatrix() {
        let wide = MatrixObject(Matrix([[1, 2, 3], [4, 5, 6]]), kind: "jacobian")
        #expect(wide.statistics.symmetryError.isNaN && wide.statistics.trace.isNaN)
        #expect(wide.summary == "matrix jacobian 2×3: max |a_ij| 6, frobenius norm 9.53939")
    }

    // MARK: - Documentation

    @Test func everyCurvatureBuiltinIsDocumented() throws {
        let registry = BuiltinRegistry.standard
        let names = [
            "hvp", "hessian", "gauss_newton", "gn_residual", "eigs", "lanczos", "power_iteration", "sharpness",
            "jacobian", "ntk", "density", "trace", "cov_eigs", "ce_bound",
        ]
        for name in names {
            let b = try #require(registry.builtins[name], "\(name) is not registered")
            #expect(b.category == "curvature")
            #expect(b.help.hasPrefix(b.usage))
            #expect(b.help.contains("Example:"))
            for p in b.parameters { #expect(!p.help.isEmpty, "\(name).\(p.label) has no help") }
        }
        for type in ["matrix", "spectrum", "lanczos_result", "spectral_density", "trace_estimate", "compression_bound"]
        {
            #expect(registry.typeDocs[type] != nil, "type \(type) is not documented")
            #expect(registry.builtins[type] == nil, "type \(type) is shadowed by a builtin in help")
        }
        let h = CurvatureHarness()
        try h.run("help lanczos")
        #expect(
            h.lines.last?.hasPrefix("lanczos(net, data, loss=mse, k=5, steps=80, reorthogonalize=true, tol=none")
                == true)
    }

    /// Every documented field answers, every object renders and serializes.
    @Test func everyDocumentedFieldExists() throws {
        let h = CurvatureHarness()
        let objects: [(String, any NoetherObject.Type)] = [
            ("hessian(net, data)", MatrixObject.self),
            ("eigs(hessian(net, data), vectors=true)", SpectrumObject.self),
            ("lanczos(net, data, k=2, vectors=true, tol=1e-6)", LanczosObject.self),
            ("density(net, data, probes=2, steps=8)", DensityObject.self),
            ("trace(net, data, probes=5)", TraceObject.self),
            ("ce_bound(net, data)", CompressionBoundObject.self),
        ]
        for (source, type) in objects {
            guard case .object(let o) = try h.run(source) else {
                Issue.record("\(source) is not an object")
                continue
            }
            #expect(Swift.type(of: o).typeName == type.typeName)
            for f in type.fieldDocs {
                #expect(o.field(f.name) != nil, "\(type.typeName).\(f.name) is documented but missing")
            }
            #expect(!o.summary.isEmpty)
            let json = o.json.serialized()
            #expect(json.hasPrefix("{\"type\":\"\(type.typeName)\""), "\(json.prefix(60))")
        }
        // Small matrices carry their entries in JSON.
        guard case .object(let m) = try h.run("hessian(net, data, block=\"W2\")") else { return }
        #expect(m.json.serialized().contains("\"entries\":[["))
    }
}

/// The live progress line around a long LAPACK call (which cannot stop halfway).
@Suite struct LAPACKProgressTests {
    final class Reports: Sendable {
        let items = Mutex<[(Int, Int, String)]>([])
        let notices = Mutex<[String]>([])
    }

    @Test func aLongCallFillsTheLineAndACtrlCIsAnsweredAtOnce() throws {
        let reports = Reports()
        let interpreter = Interpreter(output: { _ in })
        interpreter.progress = { done, total, label in reports.items.withLock { $0.append((done, total, label)) } }
        interpreter.noticeOutput = { text in reports.notices.withLock { $0.append(text) } }
        let rate = LAPACKProgress.rate()
        #expect(rate > 1e8 && rate.isFinite)
        // A call the estimate puts at 2 s, that takes 1.2 s: the line fills with the
        // time elapsed, then ends.
        let flops = 2 * rate
        let value = try LAPACKProgress.run(interpreter, n: 2000, flops: flops) { () throws(Diagnostic) in
            Thread.sleep(forTimeInterval: 1.2)
            return 7
        }
        #expect(value == 7)
        let items = reports.items.withLock { $0 }
        #expect(items.allSatisfy { $0.1 == 100 && $0.2 == "LAPACK eigensolver on 2000×2000 (Ctrl-C waits for it)" })
        let percents = items.map(\.0)
        #expect(percents.first == 0 && percents.last == 100)
        #expect(percents.count >= 4, "\(percents)")
        #expect(percents.dropLast().allSatisfy { $0 <= 99 })
        #expect(percents == percents.sorted())
        #expect(percents.dropLast().last! >= 30, "\(percents)")
        #expect(reports.notices.withLock { $0 }.isEmpty)

        // Ctrl-C during the call: one note at once (not after), the task left for the
        // interrupted message, the flag still up for the builtin to throw.
        reports.items.withLock { $0 = [] }
        let noticed = Mutex<Int?>(nil)
        _ = try LAPACKProgress.run(interpreter, n: 2000, flops: 1000 * rate) { () throws(Diagnostic) in
            interpreter.interrupt.raise()
            Thread.sleep(forTimeInterval: 0.8)
            noticed.withLock { $0 = reports.notices.withLock { $0.count } }
            return 0
        }
        #expect(noticed.withLock { $0 } == 1)
        let notes = reports.notices.withLock { $0 }
        #expect(notes.count == 1)
        #expect(
            notes.first?.hasPrefix("Ctrl-C: LAPACK cannot stop halfway; the eigendecomposition ends in about ") == true)
        #expect(reports.items.withLock { $0 }.last?.0 != 100)
        #expect(interpreter.interrupt.isRaised)
        interpreter.interrupt.clear()
    }

    @Test func eigsOfALargeMatrixReportsAndLearnsTheRate() throws {
        let reports = Reports()
        let h = CurvatureHarness(setup: "x = 1")
        h.interpreter.progress = { done, total, label in reports.items.withLock { $0.append((done, total, label)) } }
        // A 1000×1000 Gauss–Newton matrix (P = 20·40 + 40·5): the ticker starts (n ≥ 1000)
        // and the call ends the task.
        try h.run("net = mlp([20, 40, 5], bias=false, seed=1)\ndata = gaussian_mixture(n=10, d=20, classes=5, seed=1)")
        try h.run("G = gauss_newton(net, data)")
        let top = try h.number("eigs(G, top=1).max")
        #expect(top > 0 && top.isFinite)
        let items = reports.items.withLock { $0 }.filter { $0.2.hasPrefix("LAPACK eigensolver on 1000×1000") }
        #expect(items.first?.0 == 0 && items.last?.0 == 100, "\(items)")
    }
}
