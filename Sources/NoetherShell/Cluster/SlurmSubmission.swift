import Foundation
import NoetherLang

/// `noether submit FILE.noe --slurm` and `noether submit --resume DIR`: a Slurm job
/// array whose task I runs `noether --shard I/N`, and a gather job that waits for it
/// (`--dependency=afterany`, so it also runs after a lost task and lists what is
/// missing). Both scripts are written to DIR/slurm/ and submitted with `sbatch`.
struct SlurmSubmission {
    var arraySize = 10
    var partition: String?
    var time: String?
    var cpusPerTask = 1
    var dryRun = false
    /// The `noether` to run on the nodes (this executable; the cluster's nodes must see
    /// the same path, as they see the results directory).
    var executable = SlurmSubmission.currentExecutable()
    let console: Console

    static func currentExecutable() -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? ResultsDirectory.absolute(CommandLine.arguments[0])
    }

    enum Failure: Error {
        case usage(String)
        case failed(String)
    }

    /// Submits a fresh run of `file` into `directory`.
    func submit(file: String, text: String, parameters: [String], directory: String) throws(Failure) {
        let folder = ResultsDirectory(path: ResultsDirectory.absolute(directory))
        var run = ResultsDirectory.Run(
            fingerprint: ResultsDirectory.Run.fingerprint(text: text, parameters: parameters), name: file,
            parameters: parameters, workingDirectory: FileManager.default.currentDirectoryPath, shards: arraySize)
        run.slurm = settings
        do throws(SweepResults.Failure) {
            try folder.prepare(run, text: text, replacingRun: true)
        } catch {
            throw .failed(Self.message(error))
        }
        try submitJobs(folder, run: run, tasks: Array(0..<arraySize))
    }

    /// Resubmits the shards that have missing points (or only the gather job when none has).
    static func resume(directory: String, console: Console, dryRun: Bool, executable: String? = nil) throws(Failure) {
        let folder = ResultsDirectory(path: ResultsDirectory.absolute(directory))
        let run: ResultsDirectory.Run
        let sweeps: [(manifest: SweepResults.Manifest, missing: [Int])]
        do throws(SweepResults.Failure) {
            guard let r = try folder.readRun() else {
                throw SweepResults.Failure("'\(directory)' is not a results directory (it has no run.json)")
            }
            run = r
            _ = try folder.script(of: r)
            sweeps = try folder.missingPoints()
        } catch {
            throw .failed(message(error))
        }
        guard let shards = run.shards else { throw .failed("'\(folder.runFile)' does not say how many shards it has") }
        var submission = SlurmSubmission(console: console)
        submission.arraySize = shards
        submission.dryRun = dryRun
        if let executable { submission.executable = executable }
        let settings = Dictionary(run.slurm, uniquingKeysWith: { a, _ in a })
        submission.partition = settings["partition"]
        submission.time = settings["time"]
        submission.cpusPerTask = settings["cpus-per-task"].flatMap { Int($0) } ?? 1
        var tasks = Set<Int>()
        if sweeps.isEmpty {
            tasks = Set(0..<shards)
            console.err("resume: no shard has started a sweep yet; resubmitting all \(shards) tasks")
        }
        for s in sweeps where !s.missing.isEmpty {
            for i in s.missing { tasks.insert(i % shards) }
            let shown = s.missing.prefix(10).map { SweepResults.describe($0, s.manifest) }.joined(separator: ", ")
            console.err(
                "resume: sweep \(s.manifest.sweep) (line \(s.manifest.line)) is missing \(s.missing.count) of \(s.manifest.pointCount) points: \(shown)\(s.missing.count > 10 ? ", …" : "")"
            )
        }
        if tasks.isEmpty && !sweeps.isEmpty {
            console.err("resume: no point is missing; submitting the gather job only")
        }
        try submission.submitJobs(folder, run: run, tasks: tasks.sorted())
    }

    var settings: [(String, String)] {
        var out = [("cpus-per-task", String(cpusPerTask))]
        if let partition { out.append(("partition", partition)) }
        if let time { out.append(("time", time)) }
        return out
    }

    /// Writes the two sbatch scripts and submits the array (tasks `tasks`; none: only
    /// the gather job), then the gather job after it.
    func submitJobs(_ folder: ResultsDirectory, run: ResultsDirectory.Run, tasks: [Int]) throws(Failure) {
        let shardScript = folder.slurmFolder + "/shard.sbatch"
        let gatherScript = folder.slurmFolder + "/gather.sbatch"
        do throws(SweepResults.Failure) {
            try SweepResults.makeDirectory(folder.slurmFolder + "/logs")
            try SweepResults.writeAtomically(shardText(folder, run: run), to: shardScript)
            try SweepResults.writeAtomically(gatherText(folder, run: run), to: gatherScript)
        } catch {
            throw .failed(Self.message(error))
        }
        let array = Self.arraySpec(tasks)
        if dryRun {
            console.out("wrote \(shardScript)")
            console.out("wrote \(gatherScript)")
            if !tasks.isEmpty { console.out("would run: sbatch --parsable --array=\(array) \(shardScript)") }
            console.out(
                "would run: sbatch --parsable \(tasks.isEmpty ? "" : "--dependency=afterany:ARRAY_JOB_ID ")\(gatherScript)"
            )
            console.out("results: \(folder.path)")
            return
        }
        var arrayJob: String?
        if !tasks.isEmpty {
            arrayJob = try Self.sbatch(["--parsable", "--array=\(array)", shardScript])
        }
        var gatherArguments = ["--parsable"]
        if let arrayJob { gatherArguments.append("--dependency=afterany:\(arrayJob)") }
        let gatherJob = try Self.sbatch(gatherArguments + [gatherScript])
        if let arrayJob {
            console.out("array job: \(arrayJob) (tasks \(array) of \(arraySize) shards)")
        }
        console.out("gather job: \(gatherJob) (output: \(folder.slurmFolder)/logs/gather-\(gatherJob).out)")
        console.out("results: \(folder.path)")
        let log = (arrayJob.map { "array \($0) tasks \(array)\n" } ?? "") + "gather \(gatherJob)\n"
        try? TextFile.write(log, to: folder.slurmFolder + "/jobs.txt", append: true)
    }

    /// "0-2" or "1,4,5".
    static func arraySpec(_ tasks: [Int]) -> String {
        guard let first = tasks.first, let last = tasks.last else { return "" }
        if last - first + 1 == tasks.count { return first == last ? "\(first)" : "\(first)-\(last)" }
        return tasks.map(String.init).joined(separator: ",")
    }

    func header(_ name: String, _ folder: ResultsDirectory, log: String, cpus: Int) -> String {
        var lines = ["#!/bin/sh", "#SBATCH --job-name=\(name)", "#SBATCH --cpus-per-task=\(cpus)"]
        if let partition { lines.append("#SBATCH --partition=\(partition)") }
        if let time { lines.append("#SBATCH --time=\(time)") }
        lines.append("#SBATCH --output=\(folder.slurmFolder)/logs/\(log)")
        return lines.joined(separator: "\n") + "\n"
    }

    func name(of run: ResultsDirectory.Run) -> String {
        let stem = URL(fileURLWithPath: run.name).deletingPathExtension().lastPathComponent
        return "noether-" + stem.filter { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
    }

    func shardText(_ folder: ResultsDirectory, run: ResultsDirectory.Run) -> String {
        let parameters = run.parameters.map { " -p " + Self.quote($0) }.joined()
        return header(name(of: run), folder, log: "shard-%A_%a.out", cpus: cpusPerTask) + """
            # Written by noether submit. Task I of the array runs the points whose grid
            # index is I modulo \(arraySize), writing each to the results directory.
            export OPENBLAS_NUM_THREADS=\(cpusPerTask)
            cd \(Self.quote(run.workingDirectory)) || exit 66
            exec \(Self.quote(executable)) --shard "$SLURM_ARRAY_TASK_ID/\(arraySize)" --results \(Self.quote(folder.path))\(parameters) \(Self.quote(folder.scriptFile))

            """
    }

    func gatherText(_ folder: ResultsDirectory, run: ResultsDirectory.Run) -> String {
        let result = Self.quote(folder.path + "/result.json")
        return header(name(of: run) + "-gather", folder, log: "gather-%j.out", cpus: cpusPerTask) + """
            # Written by noether submit. Runs after the array (afterany): reads every point
            # back and runs the rest of the script, printing what a local run prints; the
            # final value goes to result.json. Lists the missing points if a task failed.
            export OPENBLAS_NUM_THREADS=\(cpusPerTask)
            cd \(Self.quote(run.workingDirectory)) || exit 66
            \(Self.quote(executable)) --json gather \(Self.quote(folder.path)) 2>&1 >\(result).tmp-$$
            status=$?
            if [ $status = 0 ]; then mv \(result).tmp-$$ \(result); else rm -f \(result).tmp-$$; fi
            exit $status

            """
    }

    static func quote(_ s: String) -> String {
        if !s.isEmpty && s.allSatisfy({ $0.isLetter || $0.isNumber || "/._-=+,:@".contains($0) }) { return s }
        return "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Runs sbatch; its job id (`--parsable` prints `ID` or `ID;cluster`).
    static func sbatch(_ arguments: [String]) throws(Failure) -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["sbatch"] + arguments
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        do {
            try process.run()
        } catch {
            throw .failed("cannot run sbatch: \(error.localizedDescription)")
        }
        let outData = out.fileHandleForReading.readDataToEndOfFile()
        let errData = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let stdout = String(decoding: outData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        let stderr = String(decoding: errData, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        guard process.terminationStatus == 0 else {
            if process.terminationStatus == 127 {
                throw .failed("sbatch was not found: noether submit --slurm needs Slurm's client tools on PATH")
            }
            throw .failed("sbatch \(arguments.joined(separator: " ")) failed: \(stderr.isEmpty ? stdout : stderr)")
        }
        let id = stdout.split(separator: ";").first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy(\.isNumber) else {
            throw .failed("sbatch printed no job id (got '\(stdout)')")
        }
        return id
    }

    static func message(_ f: SweepResults.Failure) -> String {
        var text = f.message
        for note in f.notes { text += "\n  note: \(note)" }
        if let hint = f.hint { text += "\n  hint: \(hint)" }
        return text
    }
}
