import Foundation
import Testing

/// Issue 15's command-line reproducers and small ones, through the built binary.
@Suite struct CommandLineFixTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-cli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    @Test func valuesThatStartWithADashAreValues() throws {
        let r = try BinaryTests.run(["-e", "-1"])
        #expect(r.status == 0 && r.stdout == "-1\n", "stderr: \(r.stderr)")
        let rtol = try BinaryTests.run(["check", "x.noe", "--rtol", "-1"])
        #expect(rtol.status == 64)
        #expect(rtol.stderr.contains("--rtol must be a non-negative number"), "\(rtol.stderr)")
    }

    @Test func repeatedDashERunsEveryPieceInOrder() throws {
        let r = try BinaryTests.run(["-e", "x = 1", "-e", "x + 1", "-e", "x + 2"])
        #expect(r.stdout == "2\n3\n", "stderr: \(r.stderr)")
    }

    @Test func jsonOfPipedCellsPrintsNullForNaNWithANote() throws {
        let r = try BinaryTests.run(["--json"], stdin: "0/0\n")
        #expect(r.status == 0)
        #expect(r.stdout == "null\n", "stderr: \(r.stderr)")
        #expect(r.stderr.contains("JSON has no nan or inf"))
    }

    @Test(arguments: ["0x10", "nan", "inf", "1e999"])
    func parametersThatTheLanguageDoesNotReadAsNumbersAreRefused(value: String) throws {
        let r = try BinaryTests.run(["-p", "x=\(value)", "-e", "x"])
        #expect(r.status == 64, "stdout: \(r.stdout)")
        #expect(r.stderr.contains("is not a number noether reads"))
    }

    @Test func parametersAreReadAsTheLanguageReadsThem() throws {
        let r = try BinaryTests.run(["-p", "a=-2", "-p", "b=\"nan\"", "-p", "c=relu", "-e", "a\nb\nc"])
        #expect(r.stdout == "-2\n\"nan\"\n\"relu\"\n", "stderr: \(r.stderr)")
    }

    @Test func twoScriptsThatRunEachOtherStopBeforeEitherRunsTwice() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "print(\"a\")\nrun \"b.noe\"\n".write(
            to: dir.appendingPathComponent("a.noe"), atomically: true, encoding: .utf8)
        try "print(\"b\")\nrun \"a.noe\"\n".write(
            to: dir.appendingPathComponent("b.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["a.noe"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stdout == "a\nb\n", "stderr: \(r.stderr)")
        #expect(r.stderr.contains("is already running"))
    }

    @Test func aMalformedToleranceNoteIsAnErrorNotText() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "0.1 + 0.2\n#=> 0.3 (rtol=abc)\n".write(
            to: dir.appendingPathComponent("t.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["check", "t.noe"], directory: dir)
        #expect(r.status == 65)
        #expect(r.stderr.contains("t.noe:2:1: error: malformed tolerance note"))
    }

    @Test(arguments: [
        (
            "train(mlp([2, 3, 2], seed=1), gaussian_mixture(n=10, d=2, classes=2), gd(lr=0.1), steps=0)",
            "no steps taken"
        ),
        ("mlp([2, 3], scale=1e308)", "scale=1e+308 makes weights whose squared norms overflow"),
        (
            "power_iteration(mlp([2, 2]), gaussian_mixture(n=10, d=2, classes=2), iterations=0)",
            "must be between 1"
        ),
        ("mlp([2, \"a\"])", "got list whose element 1 is a string (\"a\")"),
        ("1\nr", "unknown name 'r'"),
    ])
    func smallOnes(program: String, expected: String) throws {
        let r = try BinaryTests.run(["-e", program])
        #expect((r.stdout + r.stderr).contains(expected), "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(!(r.stdout + r.stderr).contains("nan"))
        #expect(!r.stderr.contains("did you mean '_'"))
    }

    @Test func aHugeClassLabelSaysWhyItIsNotOne() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "x,y\n1,0\n2,1000000000\n".write(to: dir.appendingPathComponent("d.csv"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["-e", "load_csv(\"d.csv\", task=\"classification\")"], directory: dir)
        #expect(r.stderr.contains("is not a class label (a non-negative integer below 100000)"), "\(r.stderr)")
    }
}
