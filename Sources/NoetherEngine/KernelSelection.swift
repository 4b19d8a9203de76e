internal import CNoetherKernels
internal import COpenBLAS

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What this CPU can run (cpuid, and xgetbv for the registers the OS saves).
public struct CPUFeatures: Sendable, Equatable {
    /// "GenuineIntel", "AuthenticAMD", … ("" off x86-64).
    public var vendor: String
    public var avx = false
    public var avx2 = false
    public var fma = false
    public var avx512f = false
    public var avx512bw = false
    public var avx512dq = false
    public var avx512vl = false

    public init(
        vendor: String, avx: Bool = false, avx2: Bool = false, fma: Bool = false, avx512f: Bool = false,
        avx512bw: Bool = false, avx512dq: Bool = false, avx512vl: Bool = false
    ) {
        self.vendor = vendor
        self.avx = avx
        self.avx2 = avx2
        self.fma = fma
        self.avx512f = avx512f
        self.avx512bw = avx512bw
        self.avx512dq = avx512dq
        self.avx512vl = avx512vl
    }

    /// The features of the CPU this process runs on.
    public static let current: CPUFeatures = {
        var raw = [CChar](repeating: 0, count: 13)
        let bits = noether_cpu_features(&raw)
        let vendor = String(decoding: raw.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        func has(_ flag: Int) -> Bool { bits & UInt32(flag) != 0 }
        return CPUFeatures(
            vendor: vendor, avx: has(NOETHER_CPU_AVX), avx2: has(NOETHER_CPU_AVX2), fma: has(NOETHER_CPU_FMA),
            avx512f: has(NOETHER_CPU_AVX512F), avx512bw: has(NOETHER_CPU_AVX512BW),
            avx512dq: has(NOETHER_CPU_AVX512DQ), avx512vl: has(NOETHER_CPU_AVX512VL))
    }()

    /// AVX-512 as OpenBLAS's SkylakeX kernels need it (F, BW, DQ, VL).
    public var hasAVX512: Bool { avx512f && avx512bw && avx512dq && avx512vl }

    public var isAMD: Bool { vendor == "AuthenticAMD" || vendor == "HygonGenuine" }
}

/// Which OpenBLAS kernels ("core") the process uses, and why.
///
/// OpenBLAS built with DYNAMIC_ARCH picks its kernels once, when the library loads, from
/// the CPU model it recognizes, or from `OPENBLAS_CORETYPE`. On models it does not know
/// (e.g. Debian 12's 0.3.21 on Intel family 6 model 207) it falls back to generic SSE3
/// "Prescott" kernels, 4–5× slower than the AVX-512 ones. At start-up the `noether`
/// binary compares the CPU's features with the core OpenBLAS chose; when OpenBLAS chose
/// a lesser one it executes itself again, once, with `OPENBLAS_CORETYPE` set to the best
/// matching core, checks a few products and a small eigenproblem against plain loops,
/// and falls back to OpenBLAS's own choice (saying so once on stderr) when they
/// disagree. It never touches a process where `OPENBLAS_CORETYPE` or `OPENBLAS_L2_SIZE`
/// is already set, or `NOETHER_KEEP_OPENBLAS_CORE` is set (any value).
public enum KernelSelection {
    /// Opt-out: keep OpenBLAS's own choice of kernels.
    public static let optOutVariable = "NOETHER_KEEP_OPENBLAS_CORE"
    /// Set (with OPENBLAS_CORETYPE) on the re-executed process: "CHOSEN<DETECTED".
    static let chosenVariable = "NOETHER_CHOSEN_CORETYPE"
    /// Set when Noether's choice failed its check: "CHOSEN<DETECTED".
    static let rejectedVariable = "NOETHER_REJECTED_CORETYPE"
    /// For tests only: pretend OpenBLAS detected this core (exercises the re-execution
    /// on CPUs that OpenBLAS already handles).
    static let pretendDetectedVariable = "NOETHER_TEST_OPENBLAS_DETECTED"
    /// For tests only: make the check of an override fail (exercises the fallback).
    static let failCheckVariable = "NOETHER_TEST_FAIL_KERNEL_CHECK"

    /// Why the active core is in use, as data (the shell words it for `noether --version`).
    public enum Reason: Sendable, Equatable {
        /// The user set `variable` (`OPENBLAS_CORETYPE` or `OPENBLAS_L2_SIZE`) to `value`.
        case setByUser(variable: String, value: String)
        /// OpenBLAS's own choice: Noether's selection is off (`variable` is set).
        case selectionOff(variable: String)
        /// OpenBLAS's own choice: Noether's choice `core` failed its check against plain loops.
        case choiceFailedCheck(core: String)
        /// OpenBLAS's own choice: this CPU has no AVX2/AVX-512 core to choose.
        case noBetterCore
        /// OpenBLAS's own choice, as good as the best for a CPU with `features`.
        case asGoodAsTheBest(features: CPUFeatures)
        /// Noether's choice: OpenBLAS had detected `detected` on a CPU with `features`.
        case chosenByNoether(detected: String, features: CPUFeatures)
        /// OpenBLAS's own choice: `better` would be better, but this process did not
        /// select kernels at start-up.
        case notSelectedAtStartup(better: String)
    }

    /// What to do at start-up.
    public enum Decision: Sendable, Equatable {
        /// Leave OpenBLAS as it is; `reason` says why.
        case keep(reason: Reason)
        /// Run with `OPENBLAS_CORETYPE` = `core`.
        case override(core: String)
    }

    /// How capable an OpenBLAS x86-64 core's double-precision kernels are: 3 AVX-512,
    /// 2 AVX2+FMA, 1 AVX, 0 SSE (generic, Prescott, Nehalem, Atom, …).
    public static func level(ofCore name: String) -> Int {
        switch name.lowercased() {
        case "skylakex", "cooperlake", "sapphirerapids": 3
        case "haswell", "zen", "skylake", "excavator": 2
        case "sandybridge", "bulldozer", "piledriver", "steamroller": 1
        default: 0
        }
    }

    /// The best OpenBLAS core for `features`: SkylakeX for AVX-512 (F/BW/DQ/VL), Zen for
    /// AMD with AVX2+FMA, Haswell for others with AVX2+FMA; nil when only SSE/AVX kernels
    /// fit (OpenBLAS knows those CPUs, and a wrong guess there gains little).
    public static func bestCore(for features: CPUFeatures) -> String? {
        if features.hasAVX512 && features.avx2 && features.fma { return "SkylakeX" }
        if features.avx2 && features.fma { return features.isAMD ? "Zen" : "Haswell" }
        return nil
    }

    /// The start-up decision for a CPU with `features` on which OpenBLAS chose
    /// `detectedCore`, in `environment`.
    public static func decide(features: CPUFeatures, detectedCore: String, environment: [String: String])
        -> Decision
    {
        for name in ["OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"] {
            if let value = environment[name] { return .keep(reason: .setByUser(variable: name, value: value)) }
        }
        if environment[optOutVariable] != nil {
            return .keep(reason: .selectionOff(variable: optOutVariable))
        }
        if let rejected = environment[rejectedVariable] {
            let core = rejected.split(separator: "<").first.map(String.init) ?? rejected
            return .keep(reason: .choiceFailedCheck(core: core))
        }
        guard let best = bestCore(for: features) else { return .keep(reason: .noBetterCore) }
        if level(ofCore: best) > level(ofCore: detectedCore) { return .override(core: best) }
        return .keep(reason: .asGoodAsTheBest(features: features))
    }

    /// The core OpenBLAS runs in this process ("SkylakeX", "Prescott", …).
    public static var activeCore: String {
        guard let name = openblas_get_corename() else { return "unknown" }
        return String(cString: name).trimmingSuffixSpaces
    }

    /// OpenBLAS's build description ("OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH …").
    public static var blasConfiguration: String {
        guard let config = openblas_get_config() else { return "unknown" }
        return String(cString: config).trimmingSuffixSpaces
    }

    /// Why the active core is in use, for `noether --version` and the benchmarks.
    public static var reason: Reason {
        let env = environment
        if let chosen = env[chosenVariable], env["OPENBLAS_CORETYPE"] != nil {
            let parts = chosen.split(separator: "<").map(String.init)
            if parts.count == 2, parts[0] == env["OPENBLAS_CORETYPE"] {
                return .chosenByNoether(detected: parts[1], features: .current)
            }
        }
        let detected = env[pretendDetectedVariable] ?? activeCore
        switch decide(features: .current, detectedCore: detected, environment: env) {
        case .keep(let reason): return reason
        case .override(let core): return .notSelectedAtStartup(better: core)
        }
    }

    /// The process environment as a dictionary.
    static var environment: [String: String] {
        var result: [String: String] = [:]
        var p = environ
        while let entry = p.pointee {
            let text = String(cString: entry)
            if let eq = text.firstIndex(of: "=") {
                result[String(text[..<eq])] = String(text[text.index(after: eq)...])
            }
            p += 1
        }
        return result
    }

    /// Why the kernels of an override failed their check against plain loops.
    public enum CheckFailure: Sendable, Equatable {
        /// An m×k by k×n product is off by `error`.
        case product(m: Int, k: Int, n: Int, error: Double)
        /// The symmetric eigensolver failed.
        case eigensolverFailed
        /// Eigenpair `index` has a residual of `residual`.
        case eigenpairResidual(index: Int, residual: Double)
        /// Eigenvectors `first` and `second` are not orthonormal.
        case notOrthonormal(first: Int, second: Int)
        /// Forced by the test variable `variable`.
        case forced(variable: String)
    }

    /// Call first thing in `main`: may execute the binary again (once) with
    /// `OPENBLAS_CORETYPE` set, and checks an override before trusting it. Returns
    /// normally in every other case. When the override's `core` fails its check,
    /// `notice(core, failure)` is the line written once to stderr before falling back.
    public static func selectAtStartup(notice: (_ core: String, _ failure: CheckFailure) -> String) {
        let env = environment
        if let chosen = env[chosenVariable] {
            // The re-executed process: check the chosen kernels, or fall back.
            guard env["OPENBLAS_CORETYPE"] == chosen.split(separator: "<").first.map(String.init) else { return }
            var failure = verifyKernels()
            if failure == nil && env[failCheckVariable] != nil { failure = .forced(variable: failCheckVariable) }
            guard let failure else { return }
            let message = notice(activeCore, failure) + "\n"
            _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
            unsetenv("OPENBLAS_CORETYPE")
            unsetenv(chosenVariable)
            setenv(rejectedVariable, chosen, 1)
            reexecute()
            return
        }
        let detected = env[pretendDetectedVariable] ?? activeCore
        guard case .override(let core) = decide(features: .current, detectedCore: detected, environment: env)
        else { return }
        setenv("OPENBLAS_CORETYPE", core, 1)
        setenv(chosenVariable, "\(core)<\(detected)", 1)
        reexecute()
        // exec failed: carry on with OpenBLAS's choice, and say nothing false later.
        unsetenv("OPENBLAS_CORETYPE")
        unsetenv(chosenVariable)
    }

    private static func reexecute() {
        #if os(Linux)
        execv("/proc/self/exe", CommandLine.unsafeArgv)
        #endif
    }

    /// Checks the products the engine runs (`gemmStrided`: the five products of a
    /// 2-layer training step as the engine forms them, and every transpose combination
    /// of thin and odd shapes) and a small symmetric eigenproblem against plain loops;
    /// nil when all agree, else what failed. ≈ 10 ms in a release build.
    public static func verifyKernels() -> CheckFailure? {
        var rng = RandomSource(seed: 13)
        let all: [(Transpose, Transpose)] = [
            (.none, .none), (.none, .transposed), (.transposed, .none), (.transposed, .transposed),
        ]
        let shapes: [(Int, Int, Int, [(Transpose, Transpose)])] = [
            (200, 64, 20, [(.none, .transposed)]), (200, 5, 64, [(.none, .transposed)]),
            (5, 64, 200, [(.transposed, .none)]), (200, 64, 5, [(.none, .none)]), (64, 20, 200, [(.transposed, .none)]),
            (1, 1, 1, all), (1, 17, 9, all), (33, 1, 7, all), (9, 13, 1, all), (37, 29, 41, all), (23, 48, 19, all),
        ]
        for (m, n, k, combinations) in shapes {
            for (ta, tb) in combinations {
                let a = (0..<(m * k)).map { _ in rng.normal() }
                let b = (0..<(k * n)).map { _ in rng.normal() }
                var c = [Double](repeating: .nan, count: m * n)
                let lda = ta == .none ? k : m
                let ldb = tb == .none ? n : k
                a.withUnsafeBufferPointer { pa in
                    b.withUnsafeBufferPointer { pb in
                        c.withUnsafeMutableBufferPointer { pc in
                            gemmStrided(
                                ta, pa.baseAddress!, lda: lda, tb, pb.baseAddress!, ldb: ldb,
                                pc.baseAddress!, ldc: n, m: m, n: n, k: k)
                        }
                    }
                }
                for i in 0..<m {
                    for j in 0..<n {
                        var s = 0.0
                        var magnitude = 0.0
                        for p in 0..<k {
                            let x = ta == .none ? a[i * k + p] : a[p * m + i]
                            let y = tb == .none ? b[p * n + j] : b[j * k + p]
                            s += x * y
                            magnitude += abs(x * y)
                        }
                        let err = abs(c[i * n + j] - s)
                        if !(err <= 1e-13 * magnitude + 1e-300) {
                            return .product(m: m, k: k, n: n, error: err)
                        }
                    }
                }
            }
        }
        // A symmetric 24×24 eigenproblem: A·v = λ·v and VᵀV = I by plain loops.
        let n = 24
        var a = Matrix(rows: n, columns: n)
        for i in 0..<n {
            for j in 0...i {
                let x = rng.normal()
                a[i, j] = x
                a[j, i] = x
            }
        }
        guard let eigen = try? a.symmetricEigen(vectors: true), let v = eigen.vectors else {
            return .eigensolverFailed
        }
        let scale = a.storage.reduce(0) { Swift.max($0, abs($1)) } * Double(n)
        for q in 0..<n {
            for i in 0..<n {
                var av = 0.0
                for j in 0..<n { av += a[i, j] * v[j, q] }
                if !(abs(av - eigen.values[q] * v[i, q]) <= 1e-12 * scale) {
                    return .eigenpairResidual(index: q, residual: abs(av - eigen.values[q] * v[i, q]))
                }
            }
            for r in 0..<n {
                var dot = 0.0
                for i in 0..<n { dot += v[i, q] * v[i, r] }
                if !(abs(dot - (q == r ? 1 : 0)) <= 1e-12) { return .notOrthonormal(first: q, second: r) }
            }
        }
        return nil
    }
}

extension String {
    fileprivate var trimmingSuffixSpaces: String {
        var s = Substring(self)
        while s.last == " " || s.last == "\n" { s.removeLast() }
        return String(s)
    }
}

extension KernelSelection {
    /// Whether Noether's own small-product kernels run in this process, and how.
    public enum SmallKernels: Sendable, Equatable {
        /// Turned off by `variable`=0: every product runs cblas_dgemm.
        case off(variable: String)
        /// On: the `clone` of Noether's C kernels, with libxsmm in the state `xsmm`
        /// for the thin weight gradients; large batches take the step blocked over
        /// samples unless `blockedStep` is false (`Backprop.blockedStepVariable`=0).
        case on(clone: SmallProducts.InstructionSet, xsmm: SmallProducts.XSMMState, blockedStep: Bool)
    }

    /// Whether Noether's own small-product kernels are active, with which instructions,
    /// and whether large batches take the blocked step.
    public static var smallKernels: SmallKernels {
        guard SmallProducts.enabled else { return .off(variable: SmallProducts.switchVariable) }
        return .on(
            clone: SmallProducts.instructionSet, xsmm: SmallProducts.xsmmState, blockedStep: Backprop.blockedStepEnabled
        )
    }
}
