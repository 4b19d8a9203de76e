import ArgumentParser
import Foundation
import NoetherLang
import NoetherSyntax

/// The `noether` command line.
public struct NoetherCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "noether",
        abstract: "A notebook-like shell for exploring how gradient descent breaks the conservation laws of neural networks.",
        discussion: """
        noether FILE.noe      run a script (stops at the first error)
        noether -e 'SOURCE'   run a program given on the command line
        noether - < FILE      run a script read from standard input
        noether               read cells from standard input, at a prompt on a terminal

        \(ExitStatus.help)
        """,
        version: noetherVersion
    )

    @ArgumentParser.Argument(help: "A .noe script to run, or '-' for standard input.")
    var file: String?

    @Option(name: [.customShort("e"), .customLong("eval")], help: "Run SOURCE instead of a file.")
    var source: String?

    @Flag(name: .long, help: "Print the final value as JSON instead of its summary.")
    var json = false

    public init() {}

    public func validate() throws {
        if source != nil && file != nil {
            throw ValidationError("give either a FILE or -e SOURCE, not both")
        }
    }

    public func run() throws {
        let shell = Shell()
        shell.jsonOutput = json
        let status: ExitStatus
        if let source {
            status = shell.runBatch(SourceFile(name: "<-e>", text: source))
        } else if let file, file != "-" {
            guard let data = FileManager.default.contents(atPath: file) else {
                let why = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
                Console.standard.err("noether: error: '\(file)' \(why)")
                throw ExitCode(ExitStatus.noInput.rawValue)
            }
            guard let text = String(data: data, encoding: .utf8) else {
                Console.standard.err("noether: error: '\(file)' is not UTF-8 text")
                throw ExitCode(ExitStatus.dataError.rawValue)
            }
            status = shell.runBatch(SourceFile(name: file, text: text))
        } else if file == "-" {
            var text = ""
            while let line = readLine(strippingNewline: false) { text += line }
            status = shell.runBatch(SourceFile(name: "<stdin>", text: text))
        } else if Console.isTerminal(0) {
            status = REPL.runOnTerminal(shell)  // readline prompt: REPL/REPL.swift
        } else {
            status = shell.runCells(prompt: false) { _ in readLine(strippingNewline: true) }
        }
        if status != .success { throw ExitCode(status.rawValue) }
    }
}
