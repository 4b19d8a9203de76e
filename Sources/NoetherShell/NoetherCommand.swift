import ArgumentParser
import Foundation
import NoetherEngine
import NoetherLang
import NoetherSyntax

/// The `noether` command line.
public struct NoetherCommand: ParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "noether",
        abstract:
            "A notebook-like shell for exploring how gradient descent breaks the conservation laws of neural networks.",
        usage: """
            noether [FILE.noe | -] [-e SOURCE] [-i] [-p NAME=VALUE …] [--json]
              noether check FILE.noe [--rtol X] [--atol X] [-p NAME=VALUE …]
              noether lesson [N | FILE.noe] [--check]
              noether kernel install [--user | --prefix DIR | --sys-prefix] | -f FILE
              noether convert INPUT OUTPUT [--execute]
              noether --recover
              noether --shard I/N [--results DIR] FILE.noe
              noether gather DIR
              noether submit FILE.noe --slurm [--array-size N] [--partition P] [--time T] [--cpus-per-task C] [--dry-run]
              noether submit --resume DIR
            """,
        discussion: """
            noether FILE.noe        run a script (stops at the first error)
            noether -i FILE.noe     run a script, then stay at the prompt
            noether -e 'SOURCE'     run a program given on the command line
            noether - < FILE        run a script read from standard input
            noether check FILE.noe  replay a saved session; compare every output
                                    with the #=> lines under it and print a diff
            noether --recover [ID]  replay the journal of the most recent crashed
                                    session (or session ID), then continue at
                                    the prompt
            noether lesson [N]      list the lessons, or take lesson N at the
                                    prompt; with --check, run every lesson (or
                                    lesson N) unattended and check its cells
            noether check NB.ipynb  the same for a notebook's cells and outputs
            noether convert A B     convert a session between .noe and .ipynb
            noether kernel install  install the Jupyter kernel; 'noether kernel
                                    -f FILE' is what Jupyter then starts (see
                                    docs/jupyter.md)
            noether                 read cells from standard input (a prompt on
                                    a terminal)
            noether --shard I/N FILE.noe
                                    run the sweep points whose index is I mod N,
                                    one file per point in --results DIR
            noether gather DIR      run the script of DIR with its sweeps read
                                    back from the points; list missing points
            noether submit FILE.noe --slurm
                                    a Slurm job array of shards and a gather
                                    job (docs/cluster.md); --resume DIR
                                    resubmits only the missing points

            check compares text exactly and numbers within --rtol (default 1e-9)
            and --atol (default 0); a cell may set its own: #=> … (rtol=1e-3).

            -p NAME=VALUE sets NAME before the script runs (VALUE is a number,
            true or false, a [list], or else a string). When the script assigns
            a constant to NAME at top level (its default), the parameter
            replaces it right after that line.

            A prompt session appends every cell to a journal under
            $NOETHER_STATE_DIR, $XDG_STATE_HOME/noether or ~/.local/state/noether.

            \(ExitStatus.help)
            """,
        version: versionReport
    )

    @ArgumentParser.Argument(help: "A .noe script to run ('-' for standard input), or 'check FILE.noe'.")
    var arguments: [String] = []

    @Option(
        name: [.customShort("e"), .customLong("eval")],
        help: "Run SOURCE instead of a file (repeatable: the pieces run in order, as one program).")
    var sources: [String] = []

    /// The program of every -e, in order.
    private var source: String? { sources.isEmpty ? nil : sources.joined(separator: "\n") }

    @Flag(name: [.customShort("i"), .customLong("interactive")], help: "After the script, stay at the prompt.")
    var interactive = false

    @Option(
        name: [.customShort("p"), .customLong("parameter")],
        help: "Set NAME to VALUE before the script runs (repeatable).")
    var parameter: [String] = []

    @Flag(name: .long, help: "Print the final value as JSON instead of its summary.")
    var json = false

    @Flag(
        name: .long,
        help: "Replay the most recent crashed session's journal (or the session ID given) into a new session.")
    var recover = false

    @Option(name: .long, help: "check: relative tolerance for numbers (default 1e-9).")
    var rtol: Double?

    @Option(name: .long, help: "check: absolute tolerance for numbers (default 0).")
    var atol: Double?

    @Flag(name: .customLong("check"), help: "lesson: run lessons unattended and check their cells.")
    var checkLessons = false

    @Option(
        name: .customLong("allow-write"),
        help: "Let scripts write below DIR too (repeatable; see docs/security.md).")
    var allowWrite: [String] = []

    @Flag(name: .long, help: .hidden)
    var dumpReference = false

    @OptionGroup(title: "Sweeps on a cluster")
    var cluster: ClusterOptions

    public init() {}

    /// The arguments with every value of an option that takes one attached as
    /// `--name=VALUE`, so values that start with '-' (`-e '-1'`, `--rtol -1`) are
    /// values, not options.
    public static func normalized(_ arguments: [String]) -> [String] {
        let long = [
            "-e": "--eval", "--eval": "--eval", "-p": "--parameter", "--parameter": "--parameter",
            "--rtol": "--rtol", "--atol": "--atol", "--allow-write": "--allow-write",
        ]
        var out = [String]()
        var i = 0
        while i < arguments.count {
            let a = arguments[i]
            if a == "--" {
                out += arguments[i...]
                break
            }
            if let name = long[a], i + 1 < arguments.count {
                out.append("\(name)=\(arguments[i + 1])")
                i += 2
                continue
            }
            out.append(a)
            i += 1
        }
        return out
    }

    private var isCheck: Bool { arguments.first == "check" }
    private var isLesson: Bool { arguments.first == "lesson" }

    public func validate() throws {
        try cluster.validate(
            arguments,
            other: source != nil || interactive || json || recover || rtol != nil || atol != nil || checkLessons)
        if ["gather", "submit"].contains(arguments.first) || cluster.shard != nil {
            if !parameter.isEmpty && arguments.first == "gather" {
                throw ValidationError("'gather' runs with the parameters the shards had")
            }
            _ = try parsedParameters()
            return
        }
        if isLesson {
            guard arguments.count <= 2, source == nil, !interactive, !json, !recover, rtol == nil, atol == nil else {
                throw ValidationError("usage: noether lesson [N | FILE.noe] [--check]")
            }
            return
        }
        if checkLessons { throw ValidationError("--check applies to 'noether lesson'") }
        if isCheck {
            guard arguments.count == 2 else {
                throw ValidationError("usage: noether check FILE.noe [--rtol X] [--atol X]")
            }
            if source != nil || interactive || json || recover {
                throw ValidationError("'check' takes a file and tolerances only")
            }
        } else {
            guard arguments.count <= 1 else { throw ValidationError("give one script (or 'check FILE.noe')") }
            if rtol != nil || atol != nil { throw ValidationError("--rtol and --atol apply to 'noether check'") }
        }
        for (name, x) in [("rtol", rtol), ("atol", atol)] {
            if let x, !(x.isFinite && x >= 0) { throw ValidationError("--\(name) must be a non-negative number") }
        }
        if source != nil && !arguments.isEmpty { throw ValidationError("give either a FILE or -e SOURCE, not both") }
        if recover && (source != nil || arguments.count > 1 || interactive) {
            throw ValidationError("--recover starts a prompt session; give no file, or the ID of a crashed session")
        }
        if interactive && arguments.first == "-" {
            throw ValidationError("-i cannot read the script from standard input")
        }
        _ = try parsedParameters()
    }

    /// `-p NAME=VALUE` pairs as bindings.
    func parsedParameters() throws -> [(name: String, value: Value)] {
        var out = [(name: String, value: Value)]()
        for p in parameter {
            guard let eq = p.firstIndex(of: "=") else { throw ValidationError("-p needs NAME=VALUE, got '\(p)'") }
            let name = Lexer.nfc(String(p[..<eq]))
            let registry = BuiltinRegistry.standard
            guard Parameters.isName(name), registry.builtins[name] == nil, registry.constants[name] == nil else {
                throw ValidationError("-p: '\(name)' cannot be set (not a name, or a builtin's)")
            }
            out.removeAll { $0.name == name }
            out.append((name, try Parameters.value(String(p[p.index(after: eq)...]))))
        }
        return out
    }

    public func run() throws {
        if dumpReference {
            Console.writeAll(1, BuiltinRegistry.standard.markdownReference)
            return
        }
        PlotDisplay.provider = PlotDisplay.forStandardOutput()
        if isLesson {
            let status = LessonCommandLine.run(arguments.dropFirst().first, check: checkLessons) { shell in
                Self.promptSession(shell, recover: nil, after: .success)
            }
            if status != .success { throw ExitCode(status.rawValue) }
            return
        }
        CrashReport.install()
        let clusterStatus = try cluster.run(
            arguments,
            shell: {
                let shell = Shell()
                shell.jsonOutput = json
                shell.parameters = try parsedParameters()
                return shell
            }, parameters: parameter)
        if let clusterStatus {
            if clusterStatus != .success { throw ExitCode(clusterStatus.rawValue) }
            return
        }
        let shell = Shell()
        Self.sandbox(shell, script: isCheck ? arguments[1] : arguments.first, allow: allowWrite)
        shell.jsonOutput = json
        shell.parameters = try parsedParameters()
        // A session that ends at the prompt is journalled from its first cell (with -i,
        // the script's statements too); the newest earlier journal is what --recover reads.
        let stateDirectory = StateDirectory.path()
        if interactive || (!isCheck && source == nil && arguments.isEmpty) {
            shell.journal = Journal(directory: stateDirectory)
        }
        var status: ExitStatus
        if isCheck {
            // A notebook is checked as the session script of its cells and outputs.
            let text =
                try arguments[1].hasSuffix(".ipynb")
                ? NotebookFile.checkText(arguments[1]) : Self.readScript(arguments[1])
            status = shell.check(
                SourceFile(name: arguments[1], text: text),
                tolerance: Tolerance(rtol: rtol ?? 1e-9, atol: atol ?? 0))
        } else if let source {
            status = shell.runBatch(SourceFile(name: "<-e>", text: source))
            if interactive { status = Self.promptSession(shell, recover: nil, after: status) }
        } else if !recover, let file = arguments.first, file != "-" {
            let text = try Self.readScript(file)
            shell.runningScript(file)
            status = shell.runBatch(SourceFile(name: file, text: text))
            if interactive { status = Self.promptSession(shell, recover: nil, after: status) }
        } else if arguments.first == "-" || (json && !recover && arguments.isEmpty && !Console.isTerminal(0)) {
            // `--json` prints one final value: piped cells run as one script.
            var text = ""
            while let line = readLine(strippingNewline: false) { text += line }
            status = shell.runBatch(SourceFile(name: "<stdin>", text: text))
        } else {
            if recover {
                let journal = try Self.journalToRecover(in: stateDirectory, id: arguments.first)
                status = Self.promptSession(shell, recover: journal, after: .success)
            } else {
                status = Self.promptSession(shell, recover: nil, after: .success)
            }
        }
        shell.journal?.finish(console: shell.console)
        if status != .success { throw ExitCode(status.rawValue) }
    }

    /// The journal `--recover` replays: the session `id` names, else the most recent
    /// crashed session (one whose journal is neither locked by a live session nor
    /// ended cleanly), else the most recent session. Lists the crashed ones.
    static func journalToRecover(in stateDirectory: String, id: String?) throws -> String {
        let all = Journal.files(in: stateDirectory)
        let crashed = Journal.crashed(in: stateDirectory)
        if let id {
            guard let path = all.first(where: { Journal.id(of: $0) == id }) else {
                Console.standard.err(
                    "noether: error: no session '\(id)' in \(stateDirectory)/journal"
                        + (crashed.isEmpty
                            ? ""
                            : "; crashed sessions: "
                                + crashed.map(Journal.id(of:)).joined(separator: ", ")))
                throw ExitCode(ExitStatus.noInput.rawValue)
            }
            if Journal.isLive(path) {
                Console.standard.err("noether: error: session '\(id)' is still running")
                throw ExitCode(ExitStatus.noInput.rawValue)
            }
            return path
        }
        if crashed.count > 1 {
            Console.standard.err(
                "noether: crashed sessions (newest last):\n"
                    + crashed.map { "  " + Journal.id(of: $0) }.joined(separator: "\n")
                    + "\nnoether: recovering the newest; noether --recover ID recovers another")
        }
        let finished = all.filter { !Journal.isLive($0) }
        guard let path = crashed.last ?? finished.last else {
            Console.standard.err("noether: error: no journal to recover in \(stateDirectory)/journal")
            throw ExitCode(ExitStatus.noInput.rawValue)
        }
        return path
    }

    /// Writes go only below the working directory, the script's folder, the temporary
    /// folder and each --allow-write folder (docs/security.md).
    static func sandbox(_ shell: Shell, script: String?, allow: [String]) {
        var roots = [FileManager.default.currentDirectoryPath, NSTemporaryDirectory(), "/tmp"]
        if let script, script != "-" {
            roots.append(URL(fileURLWithPath: script).deletingLastPathComponent().path)
        }
        shell.interpreter.writes.roots = roots + allow
    }

    /// A script's text, or exit 66 (missing) / 65 (not UTF-8) with a message.
    static func readScript(_ file: String) throws -> String {
        // The text, its tokens and its syntax tree take several times the file's size.
        if let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int {
            do {
                try MemoryBudget.check(MemoryBudget.product(size, 8), for: .script(path: file, bytes: size))
            } catch {
                Console.standard.err("noether: error: \(error.message)")
                throw ExitCode(ExitStatus.failure.rawValue)
            }
        }
        guard let data = FileManager.default.contents(atPath: file) else {
            let why = FileManager.default.fileExists(atPath: file) ? "cannot be read" : "does not exist"
            Console.standard.err("noether: error: '\(file)' \(why)")
            throw ExitCode(ExitStatus.noInput.rawValue)
        }
        guard let text = String(data: data, encoding: .utf8) else {
            Console.standard.err("noether: error: '\(file)' is not UTF-8 text")
            throw ExitCode(ExitStatus.dataError.rawValue)
        }
        return text
    }

    /// Cells from standard input (a prompt on a terminal); with `recover`, that journal
    /// is replayed first. The status is the earlier one when that failed, else the
    /// session's.
    static func promptSession(_ shell: Shell, recover journal: String?, after earlier: ExitStatus) -> ExitStatus {
        let interactive = Console.isTerminal(0)
        var status = earlier
        if let journal {
            let recovered = shell.recover(from: journal)
            if status == .success { status = recovered }
        }
        // On a terminal: the readline REPL (REPL/REPL.swift); otherwise cells read line
        // by line without prompts, as in batch.
        let session =
            interactive
            ? REPL.runOnTerminal(shell)
            : shell.runCells(prompt: false) { _ in readLine(strippingNewline: true) }
        return status == .success ? session : status
    }
}

/// `-p` values: a number, `true`/`false`, a `[list]` literal, or else the text itself.
enum Parameters {
    static func isName(_ s: String) -> Bool { Lexer.isIdentifier(s) }

    /// A constant the language reads (a number with its sign, a "string", a [list]),
    /// `true`/`false`, or else the text itself as a string. Text Swift would read as a
    /// number but the language does not (`0x10`, `nan`, `inf`, `1e999`) is refused
    /// rather than silently taken as a number or a string.
    static func value(_ text: String) throws -> Value {
        if text == "true" { return .bool(true) }
        if text == "false" { return .bool(false) }
        let source = SourceFile(name: "-p", text: text)
        if let program = try? Parser.parse(source), program.statements.count == 1,
            case .expression(let e, _) = program.statements[0], Shell.isConstant(e),
            let v = try? Interpreter(output: { _ in }).run(program, source: source)
        {
            return v
        }
        if Double(text) != nil {
            throw ValidationError(
                "-p: '\(text)' is not a number noether reads (write a finite decimal such as 0.5, -2 or 1e-3, or a quoted string '\"\(text)\"')"
            )
        }
        return .string(text)
    }
}
