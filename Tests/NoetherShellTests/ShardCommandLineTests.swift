import Foundation
import Testing

/// `noether --shard`, `noether gather` and `noether submit --dry-run` through the binary
/// (no Slurm needed; SlurmTests runs a real one).
@Suite struct ShardCommandLineTests {
    static let script = """
        data = gaussian_mixture(n=30, d=4, classes=2, separation=2.0, seed=1)
        t = sweep(lr=[0.01, 0.1], seed=[1, 2, 3]) {
          r = train(mlp([4, 6, 2], bias=false, seed=seed), data, gd(lr=lr), loss=cross_entropy, steps=20)
          {drift=r.drift[0], loss=r.loss}
        }
        print(group(t, by="lr", mean="loss"))
        t

        """

    static func folder() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("noether-shardcli-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        try script.write(to: url.appendingPathComponent("grid.noe"), atomically: true, encoding: .utf8)
        return url
    }

    @Test func shardsAndGatherPrintWhatALocalRunPrints() throws {
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let local = try BinaryTests.run(["--json", "grid.noe"], directory: work)
        #expect(local.status == 0, "\(local.stderr)")
        for i in 0..<4 {
            let shard = try BinaryTests.run(["--shard", "\(i)/4", "grid.noe"], directory: work)
            #expect(shard.status == 0, "\(shard.stderr)")
            #expect(shard.stdout.isEmpty)
            #expect(shard.stderr.contains("shard \(i)/4: sweep 1 (line 2): wrote"), "\(shard.stderr)")
        }
        let gathered = try BinaryTests.run(["--json", "gather", "grid.results"], directory: work)
        #expect(gathered.status == 0, "\(gathered.stderr)")
        #expect(gathered.stdout == local.stdout)
        #expect(gathered.stderr == local.stderr)
    }

    @Test func badShardsAndDirectoriesAreClearErrors() throws {
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let outOfRange = try BinaryTests.run(["--shard", "4/4", "grid.noe"], directory: work)
        #expect(outOfRange.status == 64)
        #expect(outOfRange.stderr.contains("--shard 4/4: I must be between 0 and 3"))
        let malformed = try BinaryTests.run(["--shard", "x", "grid.noe"], directory: work)
        #expect(malformed.status == 64)
        #expect(malformed.stderr.contains("--shard needs I/N"))
        let nothing = try BinaryTests.run(["gather", "nowhere"], directory: work)
        #expect(nothing.status == 66)
        #expect(nothing.stderr.contains("'nowhere' is not a results directory (it does not exist)"))
        // Started with 2 shards: another count, or another script, is refused.
        #expect(try BinaryTests.run(["--shard", "0/2", "grid.noe"], directory: work).status == 0)
        let count = try BinaryTests.run(["--shard", "0/3", "grid.noe"], directory: work)
        #expect(count.status == 1)
        #expect(count.stderr.contains("was started with 2 shards, not 3"))
        try (Self.script + "x = 1\n").write(
            to: work.appendingPathComponent("other.noe"), atomically: true, encoding: .utf8)
        let other = try BinaryTests.run(["--shard", "1/2", "--results", "grid.results", "other.noe"], directory: work)
        #expect(other.status == 1)
        #expect(other.stderr.contains("the results directory 'grid.results' belongs to another script"))
        // Half the points: gather lists the others and fails.
        let partial = try BinaryTests.run(["gather", "grid.results"], directory: work)
        #expect(partial.status == 1)
        #expect(partial.stderr.contains("is missing 3 of 6 points"))
        #expect(partial.stderr.contains("missing point 1 (lr=0.01, seed=2)"))
    }

    @Test func submitDryRunWritesTheBatchScripts() throws {
        let work = try Self.folder()
        defer { try? FileManager.default.removeItem(at: work) }
        let r = try BinaryTests.run(
            [
                "submit", "grid.noe", "--slurm", "--array-size", "3", "--partition", "short", "--time", "00:10:00",
                "--cpus-per-task", "2", "--dry-run", "-p", "lr=0.5",
            ], directory: work)
        #expect(r.status == 0, "\(r.stderr)")
        let results = work.appendingPathComponent("grid.results").path
        #expect(r.stdout.contains("would run: sbatch --parsable --array=0-2 \(results)/slurm/shard.sbatch"))
        #expect(r.stdout.contains("--dependency=afterany:ARRAY_JOB_ID \(results)/slurm/gather.sbatch"))
        let shard = try String(contentsOfFile: results + "/slurm/shard.sbatch", encoding: .utf8)
        for line in [
            "#SBATCH --cpus-per-task=2", "#SBATCH --partition=short", "#SBATCH --time=00:10:00",
            "export OPENBLAS_NUM_THREADS=2", "--shard \"$SLURM_ARRAY_TASK_ID/3\" --results \(results) -p lr=0.5",
        ] {
            #expect(shard.contains(line), "\(line) in \(shard)")
        }
        let gather = try String(contentsOfFile: results + "/slurm/gather.sbatch", encoding: .utf8)
        #expect(gather.contains("--json gather \(results)"))
        #expect(FileManager.default.fileExists(atPath: results + "/script.noe"))
        let run = try String(contentsOfFile: results + "/run.json", encoding: .utf8)
        #expect(run.contains("\"shards\": 3"))
        // --resume of a directory no shard has started resubmits every task.
        let resume = try BinaryTests.run(["submit", "--resume", "grid.results", "--dry-run"], directory: work)
        #expect(resume.status == 0, "\(resume.stderr)")
        #expect(resume.stderr.contains("resubmitting all 3 tasks"))
        #expect(resume.stdout.contains("--array=0-2"))
        let usage = try BinaryTests.run(["submit", "grid.noe"], directory: work)
        #expect(usage.status == 64)
    }
}
