import Foundation
import Testing

/// `scripts/install`: the installed tree — binary, lessons, completions — works when
/// copied elsewhere and run from another folder, with nothing from the repository.
@Suite struct InstallTests {
    @Test func aCopyOfTheInstalledTreeChecksItsLessonsFromAnotherFolder() throws {
        let folder = try TemporaryFolder()
        let prefix = folder.file("prefix")
        // The binary the tests built; the man page needs `swift package`, which cannot
        // run inside `swift test` (it waits for the build folder this run holds).
        let install = Process()
        install.executableURL = URL(fileURLWithPath: "/bin/bash")
        install.arguments = [
            BinaryTests.packageRoot.appendingPathComponent("scripts/install").path, "--prefix", prefix,
            "--binary", BinaryTests.binary.path, "--no-manual",
        ]
        install.currentDirectoryURL = BinaryTests.packageRoot
        let log = Pipe()
        install.standardOutput = log
        install.standardError = log
        try install.run()
        let output = String(decoding: log.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        install.waitUntilExit()
        #expect(install.terminationStatus == 0, "\(output)")

        let lessons = try FileManager.default.contentsOfDirectory(atPath: prefix + "/share/noether/lessons")
        let repositoryLessons = try FileManager.default.contentsOfDirectory(
            atPath: BinaryTests.packageRoot.appendingPathComponent("examples/lessons").path
        ).filter { $0.hasSuffix(".noe") }
        #expect(lessons.sorted() == repositoryLessons.sorted())
        for (file, marker) in [
            ("share/bash-completion/completions/noether", "noether"),
            ("share/zsh/site-functions/_noether", "#compdef noether"),
            ("share/fish/vendor_completions.d/noether.fish", "complete -c 'noether'"),
        ] {
            let text = try String(contentsOfFile: prefix + "/" + file, encoding: .utf8)
            #expect(text.contains(marker), "\(file)")
            #expect(text.contains("recover") && text.contains("rtol"), "\(file) lacks the options")
        }

        // A copy of the tree, run from a folder with no examples/ and no NOETHER_LESSONS.
        let copy = folder.file("elsewhere/opt")
        try FileManager.default.createDirectory(atPath: folder.file("elsewhere"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: prefix, toPath: copy)
        let work = folder.file("work")
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true)
        var environment = ["NOETHER_STATE_DIR": folder.file("state"), "HOME": folder.file("home")]
        environment["NOETHER_LESSONS"] = ""
        let binary = URL(fileURLWithPath: copy + "/bin/noether")
        let list = try BinaryTests.run(
            ["lesson"], environment: environment, directory: URL(fileURLWithPath: work), executable: binary)
        #expect(list.status == 0, "\(list.stderr)")
        #expect(list.stdout.contains("  1  The rescaling symmetry"), "\(list.stdout)")
        let check = try BinaryTests.run(
            ["lesson", "--check"], environment: environment, directory: URL(fileURLWithPath: work),
            executable: binary)
        #expect(check.status == 0, "\(check.stdout)\(check.stderr)")
        let report = check.stdout + check.stderr
        #expect(report.contains(copy + "/share/noether/lessons/01-symmetry.noe"), "\(report)")
        #expect(report.contains("06-cross-entropy.noe"))
        #expect(!report.contains(BinaryTests.packageRoot.path + "/examples"))
    }
}
