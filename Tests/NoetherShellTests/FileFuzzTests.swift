import Foundation
import NoetherLang
import NoetherSyntax
import NoetherLangTestSupport
import NoetherTestSupport
import Testing

@testable import NoetherShell

/// Issue 15: the engine's builtins called with random small arguments, and files
/// whose headers announce random sizes (network, IDX, CSV, journal), end in a value
/// or a diagnostic — never a crash, an internal error, a hang or a huge allocation.
@Suite struct FileFuzzTests {
    /// The seeded SplitMix64 stream of the test support.
    typealias Random = SplitMix64

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-filefuzz-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `text` with the shared fuzz runner, interrupting it after `limit` seconds;
    /// fails on an internal error.
    @discardableResult
    static func exercise(_ text: String, _ interpreter: Interpreter, limit: Double = 3) -> Duration {
        NoetherLangTestSupport.exercise(text, interpreter, limit: limit).elapsed
    }

    static func interpreter(in dir: URL) throws -> Interpreter {
        let interpreter = Interpreter(output: { _ in })
        interpreter.limits.maxListLength = 5000
        interpreter.limits.maxValueSize = 200_000
        interpreter.baseDirectory = dir.path
        interpreter.writes.roots = [dir.path]
        try interpreter.run(
            """
            net = mlp([2, 3, 2], seed=1)
            data = gaussian_mixture(n=8, d=2, classes=2, seed=1)
            reg = teacher_student(n=8, d=2, seed=1)
            H = [[2, 1], [1, 2]]
            t = table(a=[1, 2], b=[3, 4])
            """)
        return interpreter
    }

    @Test func engineBuiltinsWithRandomSmallArgumentsEndInAValueOrADiagnostic() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.interpreter(in: dir)
        // Builtins that are not about numbers on small objects are left to FuzzTests.
        let skipped: Set<String> = ["print", "sweep"]
        let names = BuiltinRegistry.standard.builtins.keys.filter { !skipped.contains($0) }.sorted()
        let pool = [
            "net", "data", "reg", "H", "t", "0", "1", "2", "-1", "0.5", "1e308", "-1e308", "1e-320", "3",
            "\"a\"", "\"hessian\"", "[]", "[1]", "[2, 3]", "[[1, 2], [3, 4]]", "true", "none", "relu", "mse",
            "gd(lr=0.1)", "cross_entropy",
        ]
        let labels = ["n", "steps", "seed", "k", "top", "bottom", "lr", "every", "d", "classes", "probes", "points"]
        // Half the calls give every parameter a value of its declared type (so the
        // engine runs on small objects with odd numbers); half are random.
        func typed(_ type: ValueType, _ random: inout Random) -> String {
            switch type {
            case .number: return random.pick(["0", "1", "-1", "0.5", "1e308", "1e-320", "2", "1e9"])
            case .integer: return random.pick(["0", "1", "2", "3", "-1", "7", "1000000000"])
            case .string: return random.pick(["\"a\"", "\"hessian\"", "\"lr\"", "\"\""])
            case .bool: return random.pick(["true", "false"])
            case .list: return random.pick(["[]", "[1]", "[2, 3]", "[2, 3, 2]", "[[1, 2], [3, 4]]", "[\"a\"]"])
            case .object(let kind):
                switch kind {
                case "network": return "net"
                case "dataset": return random.pick(["data", "reg"])
                case "table": return "t"
                case "activation": return "relu"
                case "loss": return random.pick(["mse", "cross_entropy"])
                case "optimizer": return "gd(lr=0.1)"
                default: return random.pick(pool)
                }
            case .oneOf(let types): return typed(random.pick(types), &random)
            default: return random.pick(pool)
            }
        }
        var random = Random(seed: 15)
        for k in 0..<400 {
            let name = names[k % names.count]
            var arguments: [String]
            if k % 2 == 0, let builtin = BuiltinRegistry.standard.builtins[name] {
                arguments = builtin.parameters.filter { $0.isRequired || random.below(3) == 0 }.map {
                    "\($0.label)=\(typed($0.type, &random))"
                }
            } else {
                arguments = (0..<random.below(4)).map { _ in random.pick(pool) }
                if random.below(3) == 0 {
                    arguments.append("\(random.pick(labels))=\(random.pick(["0", "1", "3", "-2", "1e9", "0.5"]))")
                }
            }
            let text = "\(name)(\(arguments.joined(separator: ", ")))"
            let elapsed = Self.exercise(text, interpreter)
            #expect(elapsed < .seconds(20), "slow: \(text)")
        }
        let alive = try interpreter.run("41 + 1")
        #expect(alive.rendered == "42")
    }

    /// x86's 0/0 is a NaN with its sign bit set, which Swift prints "-nan": every
    /// number in a message or a value goes through the language's formatting ("nan").
    /// Each builtin gets 0/0, then -(0/0), for each number parameter in turn.
    @Test func aNaNArgumentIsNeverSpelledMinusNaN() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.interpreter(in: dir)
        try interpreter.run("nan1 = 0/0\nnan2 = -(0/0)")
        func isNumber(_ type: ValueType) -> Bool {
            switch type {
            case .number, .integer: true
            case .oneOf(let types): types.contains(where: isNumber)
            default: false
            }
        }
        func plain(_ type: ValueType) -> String {
            switch type {
            case .number, .integer: "2"
            case .string: "\"a\""
            case .bool: "true"
            case .list: "[2, 3]"
            case .object("network"): "net"
            case .object("dataset"): "data"
            case .object("table"): "t"
            case .object("activation"): "relu"
            case .object("loss"): "mse"
            case .object("optimizer"): "gd(lr=0.1)"
            case .oneOf(let types): plain(types[0])
            default: "1"
            }
        }
        let skipped: Set<String> = ["print", "sweep"]
        var calls = 0
        var minusNaN = [String]()
        for (name, builtin) in BuiltinRegistry.standard.builtins.sorted(by: { $0.key < $1.key })
        where !skipped.contains(name) {
            for parameter in builtin.parameters where isNumber(parameter.type) {
                for nan in ["nan1", "nan2"] {
                    let arguments = builtin.parameters.filter { $0.isRequired || $0.label == parameter.label }.map {
                        "\($0.label)=\($0.label == parameter.label ? nan : plain($0.type))"
                    }
                    let text = "\(name)(\(arguments.joined(separator: ", ")))"
                    let said =
                        switch NoetherLangTestSupport.exercise(text, interpreter, limit: 3).outcome {
                        case .success(let value): value.rendered
                        case .failure(let error): DiagnosticRenderer.render(error, in: nil)
                        }
                    calls += 1
                    if said.contains("-nan") { minusNaN.append("\(text) → \(said.prefix(300))") }
                }
            }
        }
        #expect(calls > 100)
        #expect(minusNaN.isEmpty, "\(minusNaN.joined(separator: "\n"))")
    }

    @Test func networkFilesWithRandomHeadersAreRefusedOrRead() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.interpreter(in: dir)
        let sizes = [
            "0", "1", "2", "3", "1000000", "2147483648", "4611686018427387904", "-1", "abc", "99999999999999999999",
        ]
        var random = Random(seed: 4)
        for k in 0..<200 {
            let count = 2 + random.below(3)
            let header = (0..<count).map { _ in random.pick(sizes) }
            var text =
                "noether-network 1\nsizes \(header.joined(separator: " "))\nactivation relu\nbias \(random.pick(["true", "false"]))\n"
            text += "W1 \(random.pick(sizes)) \(random.pick(sizes))\n"
            for _ in 0..<random.below(4) {
                text += (0..<random.below(4)).map { _ in "0.5" }.joined(separator: " ") + "\n"
            }
            let name = "n\(k).net"
            try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
            let elapsed = Self.exercise("load(\"\(name)\")", interpreter)
            #expect(elapsed < .seconds(5), "slow: \(text)")
        }
    }

    @Test func idxAndCSVFilesWithRandomHeadersAreRefusedOrRead() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let interpreter = try Self.interpreter(in: dir)
        let dims: [UInt32] = [0, 1, 2, 28, 60000, 5_000_000, 0x7FFF_FFFF, 0xFFFF_FFFF]
        var random = Random(seed: 8)
        for k in 0..<60 {
            let folder = dir.appendingPathComponent("m\(k)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            func idx(_ shape: [UInt32], body: Int) -> Data {
                var d = Data([0, 0, random.pick([8, 8, 8, 9]), UInt8(shape.count)])
                for v in shape { d.append(contentsOf: withUnsafeBytes(of: v.bigEndian) { Array($0) }) }
                d.append(Data(count: body))
                return d
            }
            let n = random.pick(dims)
            try idx([n, random.pick(dims), random.pick(dims)], body: random.below(3000))
                .write(to: folder.appendingPathComponent("train-images-idx3-ubyte"))
            try idx([random.pick([n, n, random.pick(dims)])], body: random.below(100))
                .write(to: folder.appendingPathComponent("train-labels-idx1-ubyte"))
            let call = random.below(2) == 0 ? "mnist(\"m\(k)\")" : "mnist(\"m\(k)\", n=\(1 + random.below(5)))"
            let elapsed = Self.exercise(call, interpreter)
            #expect(elapsed < .seconds(5), "slow: \(call)")
        }
        let cells = ["1", "0", "-2.5", "1e308", "1e999", "nan", "", "\"q\"", "x", "1000000000", "\"a,b\""]
        for k in 0..<100 {
            let columns = 1 + random.below(4)
            var text = (0..<columns).map { "c\($0)" }.joined(separator: ",") + "\n"
            for _ in 0..<random.below(6) {
                text +=
                    (0..<(columns + random.below(2) - (random.below(4) == 0 ? 1 : 0))).map { _ in random.pick(cells) }
                    .joined(separator: ",") + "\n"
            }
            try text.write(to: dir.appendingPathComponent("d\(k).csv"), atomically: true, encoding: .utf8)
            let task = random.pick(["auto", "classification", "regression"])
            _ = Self.exercise("load_csv(\"d\(k).csv\", task=\"\(task)\")", interpreter)
        }
    }

    @Test func mutatedJournalsRecoverWhatTheyCan() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let journal = """
            # Noether 0.1.0 journal started 2026-01-01 00:00:00 UTC, BLAS threads 1
            # replay: noether --recover restores this session

            a = 2

            b = nope
            #=> error: unknown name 'nope'

            xs = [1, 2, 3]
            #=> 

            # interrupted in the session (it bound nothing; not replayed):
            # r = train(mlp([2, 2]), xor2d(n=8), gd(lr=0.1), steps=100000000)

            a * 21
            #=> 42

            """
        var random = Random(seed: 21)
        let bytes = Array(journal.utf8)
        for k in 0..<120 {
            var mutated = bytes
            switch random.below(4) {
            case 0: mutated = Array(mutated.prefix(random.below(mutated.count)))  // torn
            case 1:
                for _ in 0..<(1 + random.below(4)) { mutated[random.below(mutated.count)] = UInt8(random.below(128)) }
            case 2: mutated.insert(contentsOf: Array("\n#=> error: x\n[".utf8), at: random.below(mutated.count))
            default: mutated += Array("\nrange(1000000000)\nb = [".utf8)
            }
            let path = dir.appendingPathComponent("j\(k).noe").path
            try Data(mutated).write(to: URL(fileURLWithPath: path))
            let shell = Shell(console: Console(out: { _ in }, err: { _ in }))
            shell.interpreter.baseDirectory = dir.path
            _ = shell.recover(from: path)
            // The session is usable afterwards.
            #expect(shell.runCell("__ok = 1"))
        }
    }
}
