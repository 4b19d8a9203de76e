import Foundation
import Testing

/// End-to-end tests of the built `noether` binary.
@Suite struct BinaryTests {
    struct Result {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The `noether` executable next to the test bundle (SwiftPM builds it first,
    /// since this target depends on it).
    static let binary: URL = {
        let bundleDirectory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for candidate in [bundleDirectory, bundleDirectory.deletingLastPathComponent()] {
            let url = candidate.appendingPathComponent("noether")
            if FileManager.default.isExecutableFile(atPath: url.path) { return url }
        }
        return packageRoot.appendingPathComponent(".build/debug/noether")
    }()

    /// A state folder for runs that do not name one, so tests never write the user's journal.
    static let scratchState = FileManager.default.temporaryDirectory.appendingPathComponent(
        "noether-binary-tests-\(UUID().uuidString)"
    ).path

    /// The binary, started with one BLAS thread and the scratch state folder, its three
    /// standard streams piped and `stdin` written (standard input is left open).
    static func start(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        directory: URL? = nil, executable: URL? = nil
    ) throws -> (process: Process, out: Pipe, err: Pipe, input: Pipe) {
        let process = Process()
        process.executableURL = executable ?? binary
        process.arguments = arguments
        process.currentDirectoryURL = directory ?? packageRoot
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        env["NOETHER_STATE_DIR"] = scratchState
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        let input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        return (process, out, err, input)
    }

    static func run(
        _ arguments: [String], stdin: String? = nil, environment: [String: String] = [:],
        directory: URL? = nil, executable: URL? = nil
    ) throws -> Result {
        let (process, out, err, input) = try start(
            arguments, stdin: stdin, environment: environment, directory: directory, executable: executable)
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(
            status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
            stderr: String(decoding: errData, as: UTF8.self))
    }

    @Test func quickstartRunsFromAFile() throws {
        let r = try Self.run(["examples/quickstart.noe"])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3)
        guard lines.count == 3 else { return }
        // C₁(θ₀) is near (K − m)/3 ≈ −19.67 for this default initialization.
        let c0 = Double(lines[0].dropFirst().dropLast())!
        #expect(c0 < -15 && c0 > -25)
        let drift = Double(lines[1].dropFirst().dropLast())!
        #expect(drift > 0 && drift < 0.01)
        let residual = Double(lines[2])!
        #expect(residual < 1e-10)
    }

    @Test func evaluatesDashE() throws {
        let r = try Self.run(["-e", "x = 2\nx * 21"])
        #expect(r.status == 0)
        #expect(r.stdout == "42\n")
    }

    @Test func readsCellsFromPipedStandardInputAndSurvivesErrors() throws {
        let r = try Self.run([], stdin: "a = 1\nb = nope\na + 1\nxs = [1,\n 2]\nxs\n")
        #expect(r.stdout == "2\n[1, 2]\n")
        #expect(r.stderr.contains("In[2]:1:5: error: unknown name 'nope'"))
        #expect(r.status == 1)
    }

    @Test func scriptFromStandardInputWithDash() throws {
        let r = try Self.run(["-"], stdin: "1 + 1\n")
        #expect(r.status == 0)
        #expect(r.stdout == "2\n")
    }

    @Test func jsonPrintsTheFinalValue() throws {
        let r = try Self.run([
            "--json", "-e",
            """
            data = gaussian_mixture(n=30, d=4, classes=2, seed=3)
            train(mlp([4, 6, 2], seed=3), data, gd(lr=0.05), steps=10)
            """,
        ])
        #expect(r.status == 0, "stderr: \(r.stderr)")
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
        #expect(object?["type"] as? String == "run")
        #expect(object?["steps"] as? Double == 10)
        #expect((object?["drift"] as? [Double])?.count == 1)
    }

    @Test(arguments: [
        (["-e", "x = (1"], Int32(65), "<-e>:1:5: error: unclosed '('"),
        (["-e", "y = undefined_thing"], Int32(1), "<-e>:1:5: error: unknown name 'undefined_thing'"),
        (["no/such/file.noe"], Int32(66), "noether: error: 'no/such/file.noe' does not exist"),
        (["--no-such-flag"], Int32(64), "Unknown option '--no-such-flag'"),
        (["check"], Int32(64), "usage: noether check FILE.noe"),
        (["check", "no/such/file.noe"], Int32(66), "noether: error: 'no/such/file.noe' does not exist"),
        (["--rtol", "1e-3", "examples/quickstart.noe"], Int32(64), "--rtol and --atol apply to 'noether check'"),
        (["check", "x.noe", "--rtol=-1"], Int32(64), "--rtol must be a non-negative number"),
        (["-p", "lr", "-e", "1"], Int32(64), "-p needs NAME=VALUE, got 'lr'"),
        (["-p", "train=1", "-e", "1"], Int32(64), "-p: 'train' cannot be set"),
        (["--recover", "-e", "1"], Int32(64), "--recover starts a prompt session; give no file"),
        (["a.noe", "b.noe"], Int32(64), "give one script (or 'check FILE.noe')"),
        (["-e", "run \"no/such.noe\""], Int32(66), "error: no such file 'no/such.noe'"),
        (["-e", "1 +"], Int32(65), "<-e>:1:4: error: expected an expression"),
    ])
    func exitStatuses(arguments: [String], status: Int32, message: String) throws {
        let r = try Self.run(arguments)
        #expect(r.status == status)
        #expect(r.stderr.contains(message), "stderr: \(r.stderr)")
    }

    @Test func runtimeErrorStopsTheBatchAfterEarlierOutput() throws {
        let r = try Self.run(["-e", "1\nz = nope\n2"])
        #expect(r.status == 1)
        #expect(r.stdout == "1\n")
    }

    @Test func saveReplayAndCheckThroughTheBinary() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("noether-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let session = try Self.run(
            [],
            stdin: """
                ## lr scan
                lrs = logspace(1e-3, 1e-1, 3)
                lrs
                t = sweep(lr=lrs) { {sq=lr ^ 2} }
                t
                save "s.noe"
                """, directory: folder)
        #expect(session.status == 0, "\(session.stderr)")
        #expect(session.stderr.contains("saved 5 cells to s.noe"))
        let replay = try Self.run(["s.noe"], directory: folder)
        #expect(replay.status == 0)
        #expect(replay.stdout == session.stdout)
        let check = try Self.run(["check", "s.noe"], directory: folder)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        #expect(check.stdout.isEmpty)
        #expect(check.stderr.contains("all 2 outputs match"))
        // Change a recorded number: check fails with a diff on standard output.
        let saved = try String(contentsOf: folder.appendingPathComponent("s.noe"), encoding: .utf8)
        try saved.replacingOccurrences(of: "#=> [0.001, 0.01, 0.1]", with: "#=> [0.001, 0.0100001, 0.1]")
            .write(to: folder.appendingPathComponent("edited.noe"), atomically: true, encoding: .utf8)
        let failed = try Self.run(["check", "edited.noe"], directory: folder)
        #expect(failed.status == 1)
        #expect(failed.stdout.contains("-#=> [0.001, 0.0100001, 0.1]\n+#=> [0.001, 0.01, 0.1]"))
        let loose = try Self.run(["check", "edited.noe", "--rtol", "1e-4"], directory: folder)
        #expect(loose.status == 0, "\(loose.stdout)")
    }

    @Test func interactiveAfterAScriptWithParameters() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("noether-bin-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "lr = 0.01\nname = \"default\"\nlr * 100\n".write(
            to: folder.appendingPathComponent("p.noe"), atomically: true, encoding: .utf8)
        let r = try Self.run(
            ["-i", "-p", "lr=0.5", "-p", "name=x y", "-p", "grid=[1,2]", "p.noe"],
            stdin: "name\ngrid * lr\n", directory: folder)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "50\n\"x y\"\n[0.5, 1]\n")
    }

    @Test func anInteractiveRunJournalsTheScriptToo() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("noether-state-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try Self.run(
            ["-i", "-e", "base = 40"], stdin: "more = base + 2\n", environment: ["NOETHER_STATE_DIR": state])
        #expect(first.status == 0)
        let second = try Self.run(["--recover"], stdin: "more\n", environment: ["NOETHER_STATE_DIR": state])
        #expect(second.stdout == "42\n", "\(second.stderr)")
        // A batch run keeps no journal.
        _ = try Self.run(["-e", "x = 1"], environment: ["NOETHER_STATE_DIR": state])
        #expect(try FileManager.default.contentsOfDirectory(atPath: state + "/journal").count == 2)
    }

    @Test func recoverRestoresTheLastSession() throws {
        let state = FileManager.default.temporaryDirectory.appendingPathComponent("noether-state-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: state) }
        let first = try Self.run([], stdin: "a = 6\nb = nope\na * 7\n", environment: ["NOETHER_STATE_DIR": state])
        #expect(first.status == 1)
        let journals = try FileManager.default.contentsOfDirectory(atPath: state + "/journal")
        #expect(journals.count == 1)
        let second = try Self.run(["--recover"], stdin: "a + 1\n", environment: ["NOETHER_STATE_DIR": state])
        #expect(second.status == 0, "\(second.stderr)")
        #expect(second.stdout == "42\n7\n")
        #expect(second.stderr.contains("recovering 3 cells from"))
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("noether-empty-\(UUID().uuidString)")
            .path
        let none = try Self.run(["--recover"], stdin: "", environment: ["NOETHER_STATE_DIR": empty])
        #expect(none.status == 66)
        #expect(none.stderr.contains("no journal to recover"))
    }

    @Test func everyExampleRunsAndTheTourChecks() throws {
        let folder = Self.packageRoot.appendingPathComponent("examples")
        let examples = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".noe") }
            .sorted()
        #expect(examples.contains("tour.noe"))
        for name in examples {
            let r = try Self.run(["examples/\(name)"])
            #expect(r.status == 0, "\(name): \(r.stderr)")
        }
        let check = try Self.run(["check", "examples/tour.noe"])
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
    }

    @Test func dumpReferenceMatchesTheDocs() throws {
        let r = try Self.run(["--dump-reference"])
        #expect(r.status == 0)
        let doc = try String(contentsOf: Self.packageRoot.appendingPathComponent("docs/language.md"), encoding: .utf8)
        #expect(doc.contains(r.stdout))
        #expect(r.stdout.contains("#### `sweep`"))
    }

    @Test func helpAndVersion() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit status: 0 success"))
        for word in [
            "noether check FILE.noe", "--recover", "-p NAME=VALUE", "64 bad command-line usage", "130 interrupted",
        ] {
            #expect(help.stdout.contains(word), "\(word)")
        }
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."))
    }
}
