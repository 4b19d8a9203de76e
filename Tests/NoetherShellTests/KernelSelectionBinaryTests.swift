import Foundation
import Testing

/// Issue 13 end to end: the binary re-executes itself with the best OpenBLAS core,
/// checks it, falls back when the check fails, and leaves the user's variables alone.
@Suite struct KernelSelectionBinaryTests {
    /// Whether this process's environment lets the binary choose a core (a machine that
    /// sets OPENBLAS_CORETYPE or OPENBLAS_L2_SIZE keeps them, tests included).
    static var userSetsTheCore: Bool {
        let env = ProcessInfo.processInfo.environment
        return env["OPENBLAS_CORETYPE"] != nil || env["OPENBLAS_L2_SIZE"] != nil
            || env["NOETHER_KEEP_OPENBLAS_CORE"] != nil
    }

    /// Whether this CPU has AVX2+FMA (so a core better than Prescott exists).
    static var hasABetterCoreThanPrescott: Bool {
        let flags = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        return flags.contains(" avx2") && flags.contains(" fma")
    }

    static func line(_ prefix: String, of text: String) -> String {
        text.split(separator: "\n").first { $0.hasPrefix(prefix) }.map(String.init) ?? ""
    }

    @Test func versionNamesTheLibraryTheCoreAndWhy() throws {
        let r = try BinaryTests.run(["--version"])
        #expect(r.status == 0)
        #expect(Self.line("BLAS: OpenBLAS ", of: r.stdout) != "")
        let core = Self.line("OpenBLAS core: ", of: r.stdout)
        #expect(
            core.contains("detected by OpenBLAS") || core.contains("chosen by Noether")
                || core.contains("set by the user"),
            "\(core)")
        #expect(Self.line("CPU: ", of: r.stdout) != "")
        #expect(Self.line("small-matrix kernels: ", of: r.stdout) != "")
        #expect(r.stderr.isEmpty)
    }

    /// `NOETHER_BLOCKED_STEP=0` turns the blocked step off, and `--version` says so;
    /// the rest of the line is the same.
    @Test(
        .enabled(
            if: ["NOETHER_SMALL_KERNELS", "NOETHER_BLOCKED_STEP"].allSatisfy {
                ProcessInfo.processInfo.environment[$0] == nil
            }))
    func versionSaysWhetherLargeBatchesAreBlocked() throws {
        let on = Self.line("small-matrix kernels: ", of: try BinaryTests.run(["--version"]).stdout)
        let off = Self.line(
            "small-matrix kernels: ",
            of: try BinaryTests.run(["--version"], environment: ["NOETHER_BLOCKED_STEP": "0"]).stdout)
        let blocked = "; large batches blocked over samples)"
        #expect(on.hasSuffix(blocked), "\(on)")
        #expect(
            off == on.dropLast(blocked.count) + "; large batches not blocked over samples: NOETHER_BLOCKED_STEP=0)",
            "\(off)")
    }

    @Test(.enabled(if: !userSetsTheCore && hasABetterCoreThanPrescott))
    func aLesserCoreIsReplacedByReExecution() throws {
        let r = try BinaryTests.run(["--version"], environment: ["NOETHER_TEST_OPENBLAS_DETECTED": "Prescott"])
        #expect(r.status == 0)
        let core = Self.line("OpenBLAS core: ", of: r.stdout)
        #expect(core.contains("chosen by Noether (OpenBLAS detected Prescott"), "\(core)")
        #expect(!core.hasPrefix("OpenBLAS core: Prescott"))
        #expect(r.stderr.isEmpty)
        // The opt-out keeps OpenBLAS's own choice.
        let kept = try BinaryTests.run(
            ["--version"],
            environment: ["NOETHER_TEST_OPENBLAS_DETECTED": "Prescott", "NOETHER_KEEP_OPENBLAS_CORE": "1"])
        #expect(Self.line("OpenBLAS core: ", of: kept.stdout).contains("Noether's selection is off"))
    }

    @Test(.enabled(if: !userSetsTheCore && hasABetterCoreThanPrescott))
    func aFailedCheckFallsBackAndSaysSoOnce() throws {
        let r = try BinaryTests.run(
            ["-e", "1 + 1"],
            environment: ["NOETHER_TEST_OPENBLAS_DETECTED": "Prescott", "NOETHER_TEST_FAIL_KERNEL_CHECK": "1"])
        #expect(r.status == 0)
        #expect(r.stdout == "2\n")
        let lines = r.stderr.split(separator: "\n")
        #expect(lines.count == 1)
        #expect(r.stderr.contains("disagree with plain loops"))
        #expect(r.stderr.contains("using OpenBLAS's own choice"))
    }

    @Test func theUsersCoreIsLeftAlone() throws {
        let r = try BinaryTests.run(
            ["--version"], environment: ["OPENBLAS_CORETYPE": "Haswell", "NOETHER_TEST_OPENBLAS_DETECTED": "Prescott"])
        #expect(Self.line("OpenBLAS core: ", of: r.stdout).contains("set by the user (OPENBLAS_CORETYPE=Haswell)"))
        let l2 = try BinaryTests.run(
            ["--version"], environment: ["OPENBLAS_L2_SIZE": "1048576", "NOETHER_TEST_OPENBLAS_DETECTED": "Prescott"])
        #expect(Self.line("OpenBLAS core: ", of: l2.stdout).contains("set by the user (OPENBLAS_L2_SIZE=1048576)"))
    }

    /// Same script, same numbers, bit for bit, run to run — under the core this machine
    /// gets by default and under the one Noether chooses over a (pretended) lesser one.
    @Test func numbersAreBitIdenticalRunToRun() throws {
        let program = """
            data = gaussian_mixture(n=200, d=20, classes=5, separation=2.0, seed=42)
            net = mlp([20, 32, 32, 5], activation=relu, bias=false, seed=7)
            run = train(net, data, gd(lr=0.01), loss=cross_entropy, steps=300)
            print(str(run.loss) + " " + str(run.drift) + " " + str(run.ledger_residual))
            small = mlp([20, 16, 5], activation=relu, bias=false, seed=3)
            s = eigs(hessian(small, data, loss=mse))
            print(str(s.max) + " " + str(s.min))
            """
        var environments: [[String: String]] = [[:]]
        if !Self.userSetsTheCore && Self.hasABetterCoreThanPrescott {
            environments.append(["NOETHER_TEST_OPENBLAS_DETECTED": "Prescott"])
        }
        for environment in environments {
            let first = try BinaryTests.run(["-e", program], environment: environment)
            let second = try BinaryTests.run(["-e", program], environment: environment)
            #expect(first.status == 0, "\(first.stderr)")
            #expect(!first.stdout.isEmpty)
            #expect(first.stdout == second.stdout, "\(environment)")
        }
    }
}
