import Foundation
import Testing

/// Issue 15: `check` writes nothing of the user's; no silent overwrites; scripts
/// write only inside the sandbox unless --allow-write widens it.
@Suite struct FileWriteTests {
    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-writes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func read(_ dir: URL, _ name: String) -> String? {
        try? String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func checkDoesNotEmptyTheNotebookThatSavesItself() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = "x = 1\n\nx\n#=> 1\n\nsave \"nb.noe\"\n"
        try text.write(to: dir.appendingPathComponent("nb.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["check", "nb.noe"], directory: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(Self.read(dir, "nb.noe") == text)
    }

    @Test func checkWritesNoNetworkExportOrPlotButReadsBackWhatItWrote() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let text = """
            net = mlp([2, 3, 1], seed=1)
            save(net, "n.net")
            load("n.net").sizes
            #=> [2, 3, 1]
            export(table(x=[1, 2], y=[0, 1]), "t.csv")
            load_csv("t.csv").n
            #=> 2
            p = plot([1, 2, 3], file="p.svg")
            #=> wrote p.svg and p.csv

            """
        try text.write(to: dir.appendingPathComponent("s.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["check", "s.noe"], directory: dir)
        #expect(r.status == 0, "stdout: \(r.stdout) stderr: \(r.stderr)")
        let left = try FileManager.default.contentsOfDirectory(atPath: dir.path)
        #expect(left == ["s.noe"])
    }

    @Test func checkReplaysAWriteOutsideTheSandboxWithoutMakingIt() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let target = "/var/lib/noether-never-\(UUID().uuidString).net"
        let text = "save(mlp([2, 2], seed=1), \"\(target)\")\nload(\"\(target)\").sizes\n#=> [2, 2]\n"
        try text.write(to: dir.appendingPathComponent("s.noe"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["check", "s.noe"], directory: dir)
        #expect(r.status == 0, "stdout: \(r.stdout) stderr: \(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: target))
    }

    @Test func plotDoesNotOverwriteTheUsersData() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        try "a,b\n1,2\n".write(to: dir.appendingPathComponent("results.csv"), atomically: true, encoding: .utf8)
        let r = try BinaryTests.run(["-e", "plot([1, 2, 3], file=\"results.svg\")"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("'results.csv' already exists and was not written in this session"))
        #expect(r.stderr.contains("pass overwrite=true to replace it"))
        #expect(Self.read(dir, "results.csv") == "a,b\n1,2\n")
        #expect(Self.read(dir, "results.svg") == nil)
        let forced = try BinaryTests.run(
            ["-e", "plot([1, 2, 3], file=\"results.svg\", overwrite=true)"], directory: dir)
        #expect(forced.status == 0, "stderr: \(forced.stderr)")
        #expect(Self.read(dir, "results.csv")?.hasPrefix("a,b") == false)
    }

    @Test(arguments: [
        "save \"x.noe\"", "save(mlp([2, 2]), \"x.noe\")", "export(table(a=[1]), \"x.csv\")",
    ])
    func writesRefuseToReplaceAFileThisSessionDidNotWrite(statement: String) throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["x.noe", "x.csv"] {
            try "mine\n".write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let r = try BinaryTests.run(["-e", statement], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("already exists and was not written in this session"))
        #expect(Self.read(dir, "x.noe") == "mine\n" && Self.read(dir, "x.csv") == "mine\n")
    }

    @Test func aSessionMayReplaceWhatItWroteAndSaveOverwriteReplaces() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try BinaryTests.run(
            ["-e", "export(table(x=[1]), \"t.csv\")\nexport(table(x=[2]), \"t.csv\")"], directory: dir)
        #expect(r.status == 0, "stderr: \(r.stderr)")
        #expect(Self.read(dir, "t.csv") == "x\n2\n")
        try "mine\n".write(to: dir.appendingPathComponent("s.noe"), atomically: true, encoding: .utf8)
        let s = try BinaryTests.run([], stdin: "1 + 1\nsave \"s.noe\" overwrite\n", directory: dir)
        #expect(s.status == 0, "stderr: \(s.stderr)")
        #expect(Self.read(dir, "s.noe")?.contains("1 + 1") == true)
    }

    @Test func scriptsWriteOnlyInsideTheSandboxUnlessAllowed() throws {
        let dir = try Self.folder()
        let outside = try Self.folder()
        defer {
            try? FileManager.default.removeItem(at: dir)
            try? FileManager.default.removeItem(at: outside)
        }
        // The temporary folder is allowed, so "outside" is a path under /var/lib, which
        // no test writes to; only its refusal is checked.
        let target = "/var/lib/noether-never-\(UUID().uuidString).sh"
        let r = try BinaryTests.run(["-e", "save(mlp([2, 2]), \"\(target)\")"], directory: dir)
        #expect(r.status == 1)
        #expect(r.stderr.contains("is outside the folders this session may write to"))
        #expect(r.stderr.contains("--allow-write DIR"))
        #expect(!FileManager.default.fileExists(atPath: target))
        // A symbolic link inside the working directory does not lead out of it.
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("link.sh").path, withDestinationPath: target)
        let viaLink = try BinaryTests.run(["-e", "save \"link.sh\""], directory: dir)
        #expect(viaLink.status == 1)
        #expect(viaLink.stderr.contains("is outside the folders this session may write to"))
        #expect(!FileManager.default.fileExists(atPath: target))
        // --allow-write widens it.
        let allowedTarget = outside.appendingPathComponent("n.net").path
        let allowed = try BinaryTests.run(
            ["--allow-write", outside.path, "-e", "save(mlp([2, 2]), \"\(allowedTarget)\")"], directory: dir)
        #expect(allowed.status == 0, "stderr: \(allowed.stderr)")
        #expect(FileManager.default.fileExists(atPath: allowedTarget))
    }

    @Test func aMissingFolderIsExitStatus66ForEveryWriter() throws {
        let dir = try Self.folder()
        defer { try? FileManager.default.removeItem(at: dir) }
        for statement in [
            "save \"no/x.noe\"", "export(table(x=[1]), \"no/x.csv\")", "plot([1, 2], file=\"no/p.svg\")",
            "save(mlp([2, 2]), \"no/n.net\")",
        ] {
            let r = try BinaryTests.run(["-e", statement], directory: dir)
            #expect(r.status == 66, "\(statement): \(r.stderr)")
        }
    }
}
