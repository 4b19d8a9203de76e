import Foundation
import NoetherEngine
import NoetherSyntax
import Testing
@testable import NoetherLang

/// Runs scripts in one fresh interpreter and reads values back as Swift values.
final class ScriptHarness {
    var lines: [String] = []
    lazy var interpreter = Interpreter(output: { [unowned self] in self.lines.append($0) })

    @discardableResult
    func run(_ text: String) throws -> Value { try interpreter.run(text, name: "test.noe") }

    func number(_ expression: String) throws -> Double {
        guard case .number(let x) = try run(expression) else { throw HarnessError.type(expression, "number") }
        return x
    }

    func numbers(_ expression: String) throws -> [Double] {
        guard let xs = try run(expression).numbers else { throw HarnessError.type(expression, "list of numbers") }
        return xs
    }

    func series(_ expression: String) throws -> [[Double]] {
        guard case .list(let items) = try run(expression) else { throw HarnessError.type(expression, "list") }
        return try items.map { item in
            guard let xs = item.numbers else { throw HarnessError.type(expression, "list of lists") }
            return xs
        }
    }

    func string(_ expression: String) throws -> String {
        guard case .string(let s) = try run(expression) else { throw HarnessError.type(expression, "string") }
        return s
    }

    func bool(_ expression: String) throws -> Bool {
        guard case .bool(let b) = try run(expression) else { throw HarnessError.type(expression, "boolean") }
        return b
    }

    func isNothing(_ expression: String) throws -> Bool {
        if case .nothing = try run(expression) { return true }
        return false
    }

    func object<T: NoetherObject>(_ expression: String, as type: T.Type) throws -> T {
        guard case .object(let o) = try run(expression), let t = o as? T else {
            throw HarnessError.type(expression, T.typeName)
        }
        return t
    }

    /// The summary a value prints with.
    func rendered(_ expression: String) throws -> String { try run(expression).rendered }

    /// The diagnostic of running `text`, or nil when it ran.
    func diagnostic(_ text: String) -> Diagnostic? {
        do {
            try interpreter.run(text, name: "test.noe")
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
}

enum HarnessError: Error { case type(String, String) }

/// A fresh folder under the temporary directory, removed by `remove()`.
struct ScratchFolder {
    let url: URL
    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-lang-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }
    func remove() { try? FileManager.default.removeItem(at: url) }
}

@Suite struct NetworkBuiltinTests {
    @Test func mlpMatchesTheEngineForEveryInitialization() throws {
        let h = ScriptHarness()
        let cases: [(String, Initialization)] = [
            ("", Initialization()),
            (", init=\"kaiming_normal\"", Initialization(scheme: .kaimingNormal)),
            (", init=\"xavier_uniform\", scale=0.5", Initialization(scheme: .xavierUniform, scale: 0.5)),
            (", init=\"uniform\", balanced=true", Initialization(balanced: true)),
        ]
        for (options, initialization) in cases {
            let net = try h.object("mlp([6, 9, 4, 3], seed=7\(options))", as: NetworkObject.self).network
            let reference = try Network.mlp(
                sizes: [6, 9, 4, 3], activation: .relu, bias: false, seed: 7,
                initialization: initialization)
            #expect(net.parameters == reference.parameters, "init options \(options)")
        }
        // scale multiplies every weight: norms scale by s².
        let plain = try h.numbers("mlp([6, 9, 3], seed=3).norms")
        let scaled = try h.numbers("mlp([6, 9, 3], seed=3, scale=3).norms")
        for (a, b) in zip(plain, scaled) { #expect(abs(b - 9 * a) <= 1e-12 * b) }
        // balanced: every C_l(θ₀) = 0 up to rounding, the function unchanged.
        for c in try h.numbers("mlp([6, 9, 4, 3], seed=7, balanced=true).C") { #expect(abs(c) < 1e-12) }
        #expect(try h.bool("mlp([2, 3, 2], bias=true).bias"))
        let expectedP: Double = 2 * 3 + 3 + 3 * 2 + 2
        #expect(try h.number("mlp([2, 3, 2], bias=true).P") == expectedP)
    }

    @Test func activations() throws {
        let h = ScriptHarness()
        #expect(try h.string("interpolated(0.25).name") == "interpolated(0.25)")
        #expect(try h.bool("interpolated(0.25).homogeneous"))
        #expect(try h.number("leaky_relu().parameter") == 0.01)
        #expect(try h.number("leaky_relu(0.1).parameter") == 0.1)
        #expect(try h.bool("leaky_relu(a=0.1).homogeneous"))
        #expect(try !h.bool("tanh.homogeneous"))
        #expect(try !h.bool("gelu.homogeneous"))
        #expect(try h.rendered("gelu") == "activation gelu (not homogeneous: C_l is not conserved)")
        #expect(try h.rendered("relu") == "activation relu")
        #expect(try h.isNothing("relu.parameter"))
        for (name, activation) in [
            ("linear", Activation.linear), ("tanh", .tanh), ("gelu", .gelu),
            ("interpolated(0.5)", .interpolated(0.5)), ("leaky_relu(0.2)", .leakyReLU(0.2)),
        ] {
            let net = try h.object("mlp([3, 4, 2], activation=\(name))", as: NetworkObject.self).network
            #expect(net.architecture.activation == activation)
        }
        #expect(try !h.bool("mlp([3, 4, 2], activation=tanh).conserving"))
        #expect(try !h.bool("mlp([3, 4, 2], bias=true).conserving"))
        #expect(try h.bool("mlp([3, 4, 2], activation=leaky_relu(0.1)).conserving"))
    }

    @Test func neuronBalancesSumToC() throws {
        let h = ScriptHarness()
        try h.run("net = mlp([5, 7, 6, 2], seed=11)")
        let balances = try h.series("net.neuron_balances")
        let c = try h.numbers("net.C")
        #expect(balances.map(\.count) == [7, 6])
        for (b, cl) in zip(balances, c) { #expect(abs(b.reduce(0, +) - cl) < 1e-12) }
        // balance() zeroes every C_l and keeps the outputs (compared in the engine).
        try h.run("b = balance(net)")
        for cl in try h.numbers("b.C") { #expect(abs(cl) < 1e-12) }
        let original = try h.object("net", as: NetworkObject.self).network
        let balanced = try h.object("b", as: NetworkObject.self).network
        let x = Matrix(rows: 2, columns: 5, storage: (0..<10).map { sin(Double($0)) })
        #expect(original.outputs(on: x).maxAbsDifference(balanced.outputs(on: x)) < 1e-12)
    }

    @Test func saveAndLoadRoundTripBitForBit() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let h = ScriptHarness()
        let file = folder.path("net.txt")
        for (name, spec) in [
            ("a", "mlp([4, 6, 3], seed=5)"),
            ("b", "mlp([4, 6, 5, 3], activation=interpolated(0.3), bias=true, seed=6, init=\"kaiming_normal\")"),
            ("c", "mlp([4, 3], activation=leaky_relu(0.1), seed=1)"),
        ] {
            try h.run("\(name) = \(spec)\nsave(\(name), \"\(file)\")\n\(name)2 = load(\"\(file)\")")
            let original = try h.object(name, as: NetworkObject.self).network
            let loaded = try h.object("\(name)2", as: NetworkObject.self).network
            #expect(loaded.architecture == original.architecture)
            #expect(loaded.parameters == original.parameters)
        }
        // A trained network survives too.
        try h.run(
            """
            run = train(mlp([4, 6, 3], seed=2), gaussian_mixture(n=30, d=4, classes=3, seed=1), gd(lr=0.1), steps=20)
            save(run.net, "\(file)")
            """)
        #expect(
            try h.object("load(\"\(file)\")", as: NetworkObject.self).network.parameters
                == h.object("run.net", as: NetworkObject.self).network.parameters)
    }

    @Test func loadErrors() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let h = ScriptHarness()
        // Missing: the missing-file kind (exit status 66 in batch).
        let missing = h.diagnostic("load(\"\(folder.path("nope.net"))\")")
        #expect(missing?.kind == .missingFile)
        #expect(missing?.message.contains("no such file") == true)
        // Not a network file.
        let other = folder.path("other.txt")
        try "hello\n".write(toFile: other, atomically: true, encoding: .utf8)
        let notNetwork = h.diagnostic("load(\"\(other)\")")
        #expect(notNetwork?.kind == .runtime)
        #expect(notNetwork?.message.contains("is not a noether network file") == true)
        #expect(notNetwork?.notes.contains { $0.contains("save(net, \"file\")") } == true)
        // A changed value: the checksum catches it.
        let file = folder.path("net.txt")
        try h.run("save(mlp([3, 4, 2], seed=1), \"\(file)\")")
        var text = try String(contentsOfFile: file, encoding: .utf8)
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var tokens = lines[5].split(separator: " ").map(String.init)
        tokens[0] = "0.125"
        lines[5] = tokens.joined(separator: " ")
        try lines.joined(separator: "\n").write(toFile: file, atomically: true, encoding: .utf8)
        #expect(h.diagnostic("load(\"\(file)\")")?.message.contains("is damaged: its checksum does not match") == true)
        // Another version.
        text = try String(contentsOfFile: file, encoding: .utf8)
        try text.replacingOccurrences(of: "noether-network 1", with: "noether-network 9")
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(h.diagnostic("load(\"\(file)\")")?.message.contains("uses network format 9") == true)
        // Truncated.
        try "noether-network 1\nsizes 3 4 2\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(h.diagnostic("load(\"\(file)\")")?.message.contains("is damaged") == true)
        // Writing into a folder that does not exist.
        #expect(
            h.diagnostic("save(mlp([2, 2]), \"\(folder.path("no/such/dir/net.txt"))\")")?.message
                .contains("cannot write") == true)
    }

    @Test func badArguments() {
        let h = ScriptHarness()
        let initError = h.error("mlp([2, 3], init=\"kaiming\")")
        #expect(initError?.contains("unknown initialization 'kaiming'") == true)
        #expect(initError?.contains("did you mean 'kaiming_normal'?") == true)
        #expect(
            h.error("mlp([2, 3], activation=tanh, balanced=true)")?.contains(
                "balanced=true needs a homogeneous activation") == true)
        #expect(h.error("mlp([2, 3], scale=1/0)")?.contains("'scale' must be a finite number") == true)
        #expect(h.error("mlp([2])")?.contains("at least an input and an output size") == true)
        #expect(h.error("mlp([2, 3], activation=\"relu\")")?.contains("must be an activation, got string") == true)
        #expect(h.error("interpolated(0/0)")?.contains("'eps' must be a finite number") == true)
        #expect(h.error("balance(mlp([2, 3, 2], activation=gelu))")?.contains("positively homogeneous") == true)
        #expect(h.error("save(mlp([2, 2]))")?.contains("missing argument 'path'") == true)
    }

    @Test func helpForEveryNetworkBuiltin() throws {
        let h = ScriptHarness()
        for name in ["mlp", "interpolated", "leaky_relu", "balance", "save", "load"] {
            h.lines = []
            try h.run("help \(name)")
            let usage = try #require(BuiltinRegistry.standard.builtins[name]).usage
            #expect(h.lines.first?.hasPrefix(usage) == true)
        }
        #expect(
            BuiltinRegistry.standard.builtins["mlp"]?.usage
                == "mlp(sizes, activation=relu, bias=false, seed=42, init=\"uniform\", scale=1, balanced=false) -> network"
        )
        #expect(BuiltinRegistry.standard.constants["tanh"] != nil && BuiltinRegistry.standard.constants["gelu"] != nil)
    }
}
