import Foundation
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The crash handler of the binary (exit 70 and one line naming the signal and what
/// was running), driven for real: the binary runs a long script, a prompt cell or a
/// `-e` program and gets the signal with kill(2), as a crash would deliver it.
@Suite struct CrashReportTests {
    static let long =
        "r = train(mlp([20, 64, 5]), gaussian_mixture(), gd(lr=0.001), steps=100000000, every=100000)"

    /// Starts the binary, waits until it printed `running`, sends `signal`, and
    /// returns the exit status, whether it exited (not killed) and standard error.
    static func crash(
        _ arguments: [String], stdin: String? = nil, signal: Int32
    ) throws -> (status: Int32, exited: Bool, stderr: String) {
        let (process, out, err, input) = try BinaryTests.start(arguments, stdin: stdin)
        // Stdin stays open: piped cells are read as they come, the last one runs.
        var printed = ""
        let deadline = Date().addingTimeInterval(120)
        while !printed.contains("running"), Date() < deadline, process.isRunning {
            printed += String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
        }
        #expect(printed.contains("running"), "the program never started: \(printed)")
        Thread.sleep(forTimeInterval: 0.2)  // into the long statement
        kill(process.processIdentifier, signal)
        try input.fileHandleForWriting.close()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, process.terminationReason == .exit, String(decoding: errData, as: UTF8.self))
    }

    @Test func aSegfaultInAScriptExits70AndNamesTheLine() throws {
        let dir = try TemporaryFolder()
        try dir.write("long.noe", "x = 1\n\nprint(\"running\")\n# the long part\n\(Self.long)\nprint(\"never\")\n")
        let result = try Self.crash([dir.file("long.noe")], signal: SIGSEGV)
        #expect(result.exited && result.status == 70, "\(result)")
        #expect(
            result.stderr
                == "noether: internal error (a bug in Noether: SIGSEGV while running \(dir.file("long.noe")) line 5, sent by process \(getpid())); please report it\n",
            "\(result.stderr)")
    }

    @Test func aBusErrorInAPromptCellNamesTheCell() throws {
        let cells = "x = 1\ny = 2\nprint(\"running\"); \(Self.long)\n"
        let result = try Self.crash([], stdin: cells, signal: SIGBUS)
        #expect(result.exited && result.status == 70, "\(result)")
        #expect(
            result.stderr.hasSuffix(
                "noether: internal error (a bug in Noether: SIGBUS while running In[3] line 1, sent by process \(getpid())); please report it\n"
            ), "\(result.stderr)")
    }

    @Test func anIllegalInstructionInAnEProgramNamesItsStatement() throws {
        let result = try Self.crash(["-e", "print(\"running\")\nz = 3; \(Self.long)"], signal: SIGILL)
        #expect(result.exited && result.status == 70, "\(result)")
        #expect(result.stderr.contains("SIGILL while running <-e> line 2"), "\(result.stderr)")
        #expect(result.stderr.hasPrefix("noether: internal error (a bug in Noether: "))
    }
}
