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

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:]) throws -> Result {
        let process = Process()
        process.executableURL = binary
        process.arguments = arguments
        process.currentDirectoryURL = packageRoot
        var env = ProcessInfo.processInfo.environment
        env["OPENBLAS_NUM_THREADS"] = "1"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Result(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
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
        let r = try Self.run(["--json", "-e", """
            data = gaussian_mixture(n=30, d=4, classes=2, seed=3)
            train(mlp([4, 6, 2], seed=3), data, gd(lr=0.05), steps=10)
            """])
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

    @Test func helpAndVersion() throws {
        let help = try Self.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("Exit status: 0 success"))
        let version = try Self.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.hasPrefix("0."))
    }
}
