import Foundation
import Testing

/// A real single-node Slurm (munged, slurmctld, slurmd, all state in a temporary
/// folder: scripts/lib/slurm-cluster.sh): a 2 × 3 sweep submitted as a 3-task array is
/// gathered into the table a local run gives, bit for bit; a task cancelled mid-run
/// leaves a point missing, which the gather job lists, and `--resume` runs that point
/// alone and completes the same table.
@Suite(.serialized) struct SlurmTests {
    static let tools = ["munged", "slurmctld", "slurmd", "sbatch", "scancel", "scontrol"]

    /// Why the tests cannot run here, or nil.
    static let unavailable: String? = {
        if getuid() != 0 { return "the Slurm tests start slurmctld and slurmd, which needs root" }
        let path = (ProcessInfo.processInfo.environment["PATH"] ?? "") + ":/usr/sbin:/sbin"
        let missing = tools.filter { tool in
            !path.split(separator: ":").contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
        }
        if !missing.isEmpty {
            return "\(missing.joined(separator: ", ")) not found: install Debian's slurm-wlm and munge "
                + "(apt-get install -y slurm-wlm munge; scripts/test does it as root)"
        }
        return nil
    }()

    /// Two learning rates × three seeds; each point trains long enough (a second or
    /// so) that a task can be cancelled between its two points.
    static let script = """
        data = gaussian_mixture(n=60, d=10, classes=3, separation=2.0, seed=1)
        steps = 1500
        t = sweep(lr=[0.01, 0.05], seed=[1, 2, 3]) {
          r = train(mlp([10, 32, 3], bias=false, seed=seed), data, gd(lr=lr), loss=cross_entropy, steps=steps)
          print("point", lr, seed)
          {drift=r.drift[0], loss=r.loss, C=r.C0}
        }
        print(group(t, by="lr", mean="drift"))
        t

        """

    struct Cluster {
        let folder: URL
        var environment: [String: String] { ["SLURM_CONF": folder.appendingPathComponent("slurm.conf").path] }

        static func start(in folder: URL) throws -> Cluster {
            let status = SlurmTests.system(
                ["\(BinaryTests.packageRoot.path)/scripts/lib/slurm-cluster.sh", "start", folder.path],
                log: folder.appendingPathComponent("start.out").path)
            guard status == 0 else {
                let log =
                    (try? String(contentsOfFile: folder.appendingPathComponent("start.out").path, encoding: .utf8))
                throw Failure("the test cluster did not start: \(log ?? "")")
            }
            return Cluster(folder: folder)
        }

        func stop() {
            _ = SlurmTests.system(
                ["\(BinaryTests.packageRoot.path)/scripts/lib/slurm-cluster.sh", "stop", folder.path],
                log: folder.appendingPathComponent("stop.out").path)
        }

        func command(_ arguments: [String]) throws -> BinaryTests.Result {
            try SlurmTests.shell(arguments, environment: environment)
        }

        /// The job's state once it has ended (COMPLETED, FAILED, CANCELLED …).
        func waitForEnd(of job: String, timeout: TimeInterval = 120) throws -> String {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                let r = try command(["scontrol", "show", "job", "-o", job])
                let states = r.stdout.split(separator: "\n").compactMap { line in
                    line.split(separator: " ").first { $0.hasPrefix("JobState=") }.map { String($0.dropFirst(9)) }
                }
                if !states.isEmpty,
                    states.allSatisfy({ !["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].contains($0) })
                {
                    return states.contains("COMPLETED") && states.count == 1
                        ? "COMPLETED" : states.joined(separator: ",")
                }
                Thread.sleep(forTimeInterval: 0.2)
            }
            throw Failure("job \(job) did not end within \(Int(timeout)) s")
        }
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ d: String) { description = d }
    }

    /// Runs a command with system(3), its output to `log`. (Foundation's Process does
    /// not notice the end of a script that leaves daemons behind: its child stays a
    /// zombie and waitUntilExit never returns.)
    static func system(_ arguments: [String], log: String) -> Int32 {
        let quoted = arguments.map { "'" + $0.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let line = "PATH=\"$PATH:/usr/sbin:/sbin\" " + quoted.joined(separator: " ") + " >'\(log)' 2>&1 </dev/null"
        let status = Glibc.system(line)
        return status == -1 ? -1 : (status >> 8) & 0xff
    }

    static func shell(_ arguments: [String], environment: [String: String] = [:]) throws -> BinaryTests.Result {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        var env = ProcessInfo.processInfo.environment
        env["PATH"] = (env["PATH"] ?? "/usr/bin:/bin") + ":/usr/sbin:/sbin"
        for (k, v) in environment { env[k] = v }
        process.environment = env
        let out = Pipe()
        let err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return BinaryTests.Result(
            status: process.terminationStatus, stdout: String(decoding: o, as: UTF8.self),
            stderr: String(decoding: e, as: UTF8.self))
    }

    /// "array job: 12 (…)" → "12".
    static func jobID(_ label: String, in text: String) -> String? {
        for line in text.split(separator: "\n") where line.hasPrefix(label + ": ") {
            return line.dropFirst(label.count + 2).split(separator: " ").first.map(String.init)
        }
        return nil
    }

    static func fileIdentity(_ path: String) -> String? {
        var s = stat()
        guard stat(path, &s) == 0 else { return nil }
        return "\(s.st_ino)/\(s.st_mtim.tv_sec).\(s.st_mtim.tv_nsec)"
    }

    @Test(.enabled(if: unavailable == nil, "\(unavailable ?? "")"), .timeLimit(.minutes(4)))
    func arraySweepCancelResumeGather() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("noether-slurm-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let clusterFolder = work.appendingPathComponent("cluster")
        try FileManager.default.createDirectory(at: clusterFolder, withIntermediateDirectories: true)
        let cluster = try Cluster.start(in: clusterFolder)
        defer { cluster.stop() }
        try Self.script.write(to: work.appendingPathComponent("grid.noe"), atomically: true, encoding: .utf8)

        // With --json, what the script prints goes to standard error and the final value,
        // as JSON, to standard output: the gather job's log and result.json.
        let local = try BinaryTests.run(["--json", "grid.noe"], directory: work)
        #expect(local.status == 0, "\(local.stderr)")

        // Submit as a 3-task array; cancel task 2 once its first point (index 2) is written.
        let submitted = try BinaryTests.run(
            ["submit", "grid.noe", "--slurm", "--array-size", "3"], environment: cluster.environment, directory: work)
        #expect(submitted.status == 0, "\(submitted.stderr)")
        let results = work.appendingPathComponent("grid.results").path
        #expect(submitted.stdout.contains("results: \(results)"))
        let array = try #require(Self.jobID("array job", in: submitted.stdout), "\(submitted.stdout)")
        let gather = try #require(Self.jobID("gather job", in: submitted.stdout), "\(submitted.stdout)")
        let point = { (i: Int) in results + "/sweep-1/point-00000\(i).json" }
        let deadline = Date().addingTimeInterval(100)
        while !FileManager.default.fileExists(atPath: point(2)) && Date() < deadline {
            Thread.sleep(forTimeInterval: 0.05)
        }
        let cancel = try cluster.command(["scancel", "\(array)_2"])
        #expect(cancel.status == 0, "\(cancel.stderr)")
        #expect(try cluster.waitForEnd(of: gather) != "COMPLETED")
        let gatherLog = try String(contentsOfFile: results + "/slurm/logs/gather-\(gather).out", encoding: .utf8)
        #expect(gatherLog.contains("is missing 1 of 6 points"), "\(gatherLog)")
        #expect(gatherLog.contains("missing point 5 (lr=0.05, seed=3)"), "\(gatherLog)")
        for i in 0..<5 { #expect(FileManager.default.fileExists(atPath: point(i)), "point \(i)") }
        #expect(!FileManager.default.fileExists(atPath: point(5)))
        let before = (0..<5).map { Self.fileIdentity(point($0)) }

        // Resume: only task 2 runs again, and only its missing point.
        let resumed = try BinaryTests.run(
            ["submit", "--resume", results], environment: cluster.environment, directory: work)
        #expect(resumed.status == 0, "\(resumed.stderr)")
        #expect(resumed.stderr.contains("missing 1 of 6 points: 5 (lr=0.05, seed=3)"), "\(resumed.stderr)")
        #expect(resumed.stdout.contains("(tasks 2 of 3 shards)"), "\(resumed.stdout)")
        let array2 = try #require(Self.jobID("array job", in: resumed.stdout))
        let gather2 = try #require(Self.jobID("gather job", in: resumed.stdout))
        #expect(try cluster.waitForEnd(of: gather2) == "COMPLETED")
        let shardLog = try String(contentsOfFile: results + "/slurm/logs/shard-\(array2)_2.out", encoding: .utf8)
        #expect(shardLog.contains("wrote 1 point; 6 of 6"), "\(shardLog)")
        #expect((0..<5).map { Self.fileIdentity(point($0)) } == before, "a point that was there ran again")

        // The gathered output and table are the local run's, bit for bit.
        let gathered = try String(contentsOfFile: results + "/slurm/logs/gather-\(gather2).out", encoding: .utf8)
        #expect(gathered == local.stderr)
        let result = try String(contentsOfFile: results + "/result.json", encoding: .utf8)
        #expect(result == local.stdout)
        let json = try BinaryTests.run(["--json", "gather", results], directory: work)
        #expect(json.status == 0, "\(json.stderr)")
        #expect(json.stdout == local.stdout)
        let table = try BinaryTests.run(["--json", "-e", "gather(\"grid.results\")"], directory: work)
        #expect(table.stdout == local.stdout)
    }
}
