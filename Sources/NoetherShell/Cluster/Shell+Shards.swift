import Foundation
import NoetherLang
import NoetherSyntax

/// `noether --shard I/N FILE.noe` and `noether gather DIR`.
extension Shell {
    /// Runs `source` as shard `index` of `count`: the script runs as usual up to its
    /// first sweep whose points are not all in `directory`; this shard evaluates its
    /// share of that sweep's missing points (grid index ≡ index mod count), writes
    /// each, and stops there. `parameterTexts` are the `-p` texts (part of the
    /// fingerprint, so every shard and the gather step run the same script).
    public func runShard(
        _ source: SourceFile, parameterTexts: [String], directory: String, index: Int, count: Int
    ) -> ExitStatus {
        let folder = ResultsDirectory(path: directory)
        let run = ResultsDirectory.Run(
            fingerprint: ResultsDirectory.Run.fingerprint(text: source.text, parameters: parameterTexts),
            name: source.name, parameters: parameterTexts,
            workingDirectory: FileManager.default.currentDirectoryPath, shards: count)
        do throws(SweepResults.Failure) {
            try folder.prepare(run, text: source.text)
        } catch {
            reportFailure(error)
            return .failure
        }
        let store = ShardedSweeps(
            results: SweepResults(directory: directory), mode: .shard(index: index, count: count),
            script: run.fingerprint)
        if let cpus = ProcessInfo.processInfo.environment["SLURM_CPUS_PER_TASK"].flatMap({ Int($0) }), cpus > 0 {
            store.workerLimit = cpus
        }
        interpreter.shardedSweeps = store
        defer { interpreter.shardedSweeps = nil }
        let status = runBatch(source, accepting: { _ in store.finishedShare })
        for r in store.reports {
            let what: String
            switch r.action {
            case .read: what = "all \(r.points) points were already there; read back"
            case .ranHere: what = "ran here"
            case .wrote(let n, let present):
                what = "wrote \(n) point\(n == 1 ? "" : "s"); \(present) of \(r.points) are in '\(directory)'"
            }
            console.err("shard \(index)/\(count): sweep \(r.sweep) (line \(r.line)): \(what)")
        }
        if store.finishedShare {
            console.err(
                "shard \(index)/\(count): done; the rest of the script runs at gather (noether gather \(directory))")
        } else if status == .success && store.reports.isEmpty {
            console.err("shard \(index)/\(count): the script has no sweep; it ran whole")
        }
        return status
    }

    /// Runs the script of a results directory with every sweep that shards wrote read
    /// back from its files (later sweeps run here): the output a local run prints, the
    /// same tables bit for bit. Missing points are listed and fail the run.
    public func gather(directory: String) -> ExitStatus {
        let folder = ResultsDirectory(path: directory)
        let run: ResultsDirectory.Run
        let text: String
        do throws(SweepResults.Failure) {
            guard let r = try folder.readRun() else {
                let why = TextFile.exists(directory) ? "has no run.json" : "does not exist"
                throw SweepResults.Failure(
                    "'\(directory)' is not a results directory (it \(why))",
                    hint: "noether --shard I/N --results DIR FILE.noe, or noether submit, makes one")
            }
            run = r
            text = try folder.script(of: r)
        } catch {
            reportFailure(error)
            return error.message.contains("does not exist") ? .noInput : .failure
        }
        do {
            // The shards were started with these values, so they read as they did then.
            parameters = try run.parameters.map { p in
                let eq = p.firstIndex(of: "=") ?? p.endIndex
                return (String(p[..<eq]), try Parameters.value(eq < p.endIndex ? String(p[p.index(after: eq)...]) : ""))
            }
        } catch {
            console.err("noether: '\(directory)': a stored -p value is not one noether reads: \(error)")
            return .usage
        }
        let store = ShardedSweeps(results: SweepResults(directory: directory), mode: .gather, script: run.fingerprint)
        interpreter.shardedSweeps = store
        defer { interpreter.shardedSweeps = nil }
        return runBatch(SourceFile(name: run.name, text: text))
    }

    func reportFailure(_ f: SweepResults.Failure) {
        var text = "noether: error: \(f.message)"
        for note in f.notes { text += "\n  note: \(note)" }
        if let hint = f.hint { text += "\n  hint: \(hint)" }
        console.err(text)
    }
}
