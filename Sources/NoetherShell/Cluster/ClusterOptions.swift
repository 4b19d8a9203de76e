import ArgumentParser
import Foundation
import NoetherLang
import NoetherSyntax

/// The command line of shards, `gather` and `submit` (docs/cluster.md).
struct ClusterOptions: ParsableArguments {
    @Option(
        name: .long,
        help: ArgumentHelp(
            "Run shard I of N (0 ≤ I < N): only the sweep points whose index is I mod N.", valueName: "I/N"))
    var shard: String?

    @Option(
        name: .long,
        help: ArgumentHelp("--shard, submit: the results directory (default: NAME.results).", valueName: "DIR"))
    var results: String?

    @Flag(name: .long, help: "submit: to Slurm, as a job array and a gather job (docs/cluster.md).")
    var slurm = false

    @Option(
        name: .customLong("array-size"),
        help: ArgumentHelp("submit: the number of shards, one array task each (default 10).", valueName: "N"))
    var arraySize: Int?

    @Option(name: .long, help: ArgumentHelp("submit: the Slurm partition.", valueName: "P"))
    var partition: String?

    @Option(name: .long, help: ArgumentHelp("submit: the time limit of each task (Slurm's --time).", valueName: "T"))
    var time: String?

    @Option(
        name: .customLong("cpus-per-task"),
        help: ArgumentHelp("submit: CPUs per task (and OPENBLAS_NUM_THREADS); default 1.", valueName: "C"))
    var cpusPerTask: Int?

    @Flag(name: .customLong("dry-run"), help: "submit: write the sbatch scripts, submit nothing.")
    var dryRun = false

    @Option(name: .long, help: ArgumentHelp("submit: resubmit only the missing points of DIR.", valueName: "DIR"))
    var resume: String?

    var usesSubmitOptions: Bool {
        slurm || arraySize != nil || partition != nil || time != nil || cpusPerTask != nil || dryRun || resume != nil
    }

    /// `I/N` as numbers.
    func parsedShard() throws -> (index: Int, count: Int)? {
        guard let shard else { return nil }
        let parts = shard.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let i = Int(parts[0]), let n = Int(parts[1]) else {
            throw ValidationError("--shard needs I/N (e.g. --shard 0/4), got '\(shard)'")
        }
        guard n >= 1, n <= 100_000 else { throw ValidationError("--shard \(shard): N must be between 1 and 100000") }
        guard i >= 0, i < n else {
            throw ValidationError("--shard \(shard): I must be between 0 and \(n - 1) (shards are numbered from 0)")
        }
        return (i, n)
    }

    /// Checks the cluster options against the command (`arguments`); `other` says
    /// whether options of other commands (-e, -i, --json …) were given.
    func validate(_ arguments: [String], other: Bool) throws {
        switch arguments.first {
        case "gather":
            guard arguments.count == 2, shard == nil, results == nil, !usesSubmitOptions else {
                throw ValidationError("usage: noether gather DIR")
            }
        case "submit":
            guard shard == nil, !other else {
                throw ValidationError("'submit' takes a file and the submit options only")
            }
            if let resume {
                guard arguments.count == 1, results == nil, arraySize == nil, partition == nil, time == nil,
                    cpusPerTask == nil
                else {
                    throw ValidationError(
                        "usage: noether submit --resume \(resume) [--dry-run] (the other settings are the first submit's)"
                    )
                }
            } else {
                guard arguments.count == 2, slurm else {
                    throw ValidationError(
                        "usage: noether submit FILE.noe --slurm [--array-size N] [--partition P] [--time T] [--cpus-per-task C] [--dry-run]"
                    )
                }
            }
            if let n = arraySize, !(1...100_000).contains(n) {
                throw ValidationError("--array-size must be between 1 and 100000")
            }
            if let c = cpusPerTask, !(1...4096).contains(c) {
                throw ValidationError("--cpus-per-task must be between 1 and 4096")
            }
        default:
            if usesSubmitOptions { throw ValidationError("--slurm, --array-size … apply to 'noether submit'") }
            if shard != nil {
                guard !other else { throw ValidationError("--shard runs a script in batch; it takes -p only") }
                guard arguments.count == 1, arguments[0] != "-", arguments[0] != "check", arguments[0] != "lesson"
                else {
                    throw ValidationError("usage: noether --shard I/N [--results DIR] FILE.noe")
                }
                _ = try parsedShard()
            } else if results != nil {
                throw ValidationError("--results applies to --shard and 'noether submit'")
            }
        }
    }

    /// The results directory of `file`: --results, else NAME.results in the current directory.
    func resultsDirectory(for file: String) -> String {
        if let results { return results }
        return URL(fileURLWithPath: file).deletingPathExtension().lastPathComponent + ".results"
    }

    /// Runs `noether gather` / `noether submit` / `noether --shard`; nil when none applies.
    func run(_ arguments: [String], shell: () throws -> Shell, parameters: [String]) throws -> ExitStatus? {
        let console = Console.standard
        switch arguments.first {
        case "gather":
            return try shell().gather(directory: arguments[1])
        case "submit":
            do throws(SlurmSubmission.Failure) {
                if let resume {
                    try SlurmSubmission.resume(directory: resume, console: console, dryRun: dryRun)
                } else {
                    let file = arguments[1]
                    let text = try? NoetherCommand.readScript(file)
                    guard let text else { return .noInput }
                    if let error = Self.syntaxError(in: file, text) {
                        console.err(error)
                        return .dataError
                    }
                    var submission = SlurmSubmission(console: console)
                    submission.arraySize = arraySize ?? 10
                    submission.partition = partition
                    submission.time = time
                    submission.cpusPerTask = cpusPerTask ?? 1
                    submission.dryRun = dryRun
                    try submission.submit(
                        file: file, text: text, parameters: parameters, directory: resultsDirectory(for: file))
                }
            } catch {
                switch error {
                case .usage(let m):
                    console.err("noether: error: \(m)")
                    return .usage
                case .failed(let m):
                    console.err("noether: error: \(m)")
                    return .failure
                }
            }
            return .success
        default:
            guard let (index, count) = try parsedShard(), let file = arguments.first else { return nil }
            let text = try NoetherCommand.readScript(file)
            return try shell().runShard(
                SourceFile(name: file, text: text), parameterTexts: parameters, directory: resultsDirectory(for: file),
                index: index, count: count)
        }
    }

    /// A parse error of the script, rendered (a script that cannot parse is not submitted).
    static func syntaxError(in file: String, _ text: String) -> String? {
        let source = SourceFile(name: file, text: text)
        do {
            _ = try Parser.parse(source)
            return nil
        } catch {
            return DiagnosticRenderer.render(error, in: source)
        }
    }
}
