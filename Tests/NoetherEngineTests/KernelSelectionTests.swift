import Testing

@testable import NoetherEngine

/// Issue 13: which OpenBLAS core the binary asks for, from the CPU's features and the
/// core OpenBLAS chose by itself.
@Suite struct KernelSelectionTests {
    static let sapphireRapids = CPUFeatures(
        vendor: "GenuineIntel", avx: true, avx2: true, fma: true, avx512f: true, avx512bw: true, avx512dq: true,
        avx512vl: true)
    static let zen4 = CPUFeatures(
        vendor: "AuthenticAMD", avx: true, avx2: true, fma: true, avx512f: true, avx512bw: true, avx512dq: true,
        avx512vl: true)
    static let zen3 = CPUFeatures(vendor: "AuthenticAMD", avx: true, avx2: true, fma: true)
    static let haswell = CPUFeatures(vendor: "GenuineIntel", avx: true, avx2: true, fma: true)
    static let sandyBridge = CPUFeatures(vendor: "GenuineIntel", avx: true)
    static let knightsLanding = CPUFeatures(
        vendor: "GenuineIntel", avx: true, avx2: true, fma: true, avx512f: true)

    @Test func aLesserCoreIsReplacedByTheBestMatchingOne() {
        #expect(
            KernelSelection.decide(features: Self.sapphireRapids, detectedCore: "Prescott", environment: [:])
                == .override(core: "SkylakeX"))
        #expect(
            KernelSelection.decide(features: Self.zen4, detectedCore: "Zen", environment: [:])
                == .override(core: "SkylakeX"))
        #expect(
            KernelSelection.decide(features: Self.haswell, detectedCore: "Prescott", environment: [:])
                == .override(core: "Haswell"))
        #expect(
            KernelSelection.decide(features: Self.zen3, detectedCore: "Prescott", environment: [:])
                == .override(core: "Zen"))
        #expect(
            KernelSelection.decide(features: Self.zen3, detectedCore: "Sandybridge", environment: [:])
                == .override(core: "Zen"))
        // AVX-512F alone (no BW/DQ/VL) is not enough for SkylakeX's kernels.
        #expect(
            KernelSelection.decide(features: Self.knightsLanding, detectedCore: "Nehalem", environment: [:])
                == .override(core: "Haswell"))
    }

    @Test func anEqualOrBetterCoreIsKept() {
        for (features, core) in [
            (Self.zen4, "Cooperlake"), (Self.zen4, "SkylakeX"), (Self.sapphireRapids, "SapphireRapids"),
            (Self.zen3, "Zen"), (Self.zen3, "Haswell"), (Self.haswell, "Haswell"), (Self.haswell, "Skylake"),
        ] {
            guard
                case .keep(let reason) = KernelSelection.decide(
                    features: features, detectedCore: core, environment: [:])
            else {
                Issue.record("\(core) replaced on \(features)")
                continue
            }
            #expect(reason == .asGoodAsTheBest(features: features))
        }
        // Nothing to gain without AVX2+FMA: OpenBLAS's own choice stays.
        #expect(KernelSelection.bestCore(for: Self.sandyBridge) == nil)
        #expect(KernelSelection.bestCore(for: CPUFeatures(vendor: "")) == nil)
        #expect(
            KernelSelection.decide(features: Self.sandyBridge, detectedCore: "Prescott", environment: [:])
                == .keep(reason: .noBetterCore))
    }

    @Test func theUsersVariablesAndTheOptOutAreRespected() {
        let cases: [([String: String], KernelSelection.Reason)] = [
            (["OPENBLAS_CORETYPE": "Haswell"], .setByUser(variable: "OPENBLAS_CORETYPE", value: "Haswell")),
            (["OPENBLAS_L2_SIZE": "1048576"], .setByUser(variable: "OPENBLAS_L2_SIZE", value: "1048576")),
            ([KernelSelection.optOutVariable: "1"], .selectionOff(variable: "NOETHER_KEEP_OPENBLAS_CORE")),
            ([KernelSelection.rejectedVariable: "SkylakeX<Prescott"], .choiceFailedCheck(core: "SkylakeX")),
        ]
        for (environment, expected) in cases {
            let decision = KernelSelection.decide(
                features: Self.sapphireRapids, detectedCore: "Prescott", environment: environment)
            guard case .keep(let reason) = decision else {
                Issue.record("overridden despite \(environment)")
                continue
            }
            #expect(reason == expected)
        }
    }

    @Test func coreLevels() {
        #expect(KernelSelection.level(ofCore: "SkylakeX") == 3)
        #expect(KernelSelection.level(ofCore: "Cooperlake") == 3)
        #expect(KernelSelection.level(ofCore: "Zen") == 2)
        #expect(KernelSelection.level(ofCore: "Haswell") == 2)
        #expect(KernelSelection.level(ofCore: "Sandybridge") == 1)
        #expect(KernelSelection.level(ofCore: "Prescott") == 0)
        #expect(KernelSelection.level(ofCore: "Unknown") == 0)
    }

    /// The check run before trusting an override passes with the kernels of this process.
    @Test func theKernelCheckPassesHere() {
        #expect(KernelSelection.verifyKernels() == nil)
    }

    @Test func theFeaturesOfThisCPUAreConsistent() {
        let f = CPUFeatures.current
        if f.avx2 { #expect(f.avx) }
        if f.avx512f { #expect(f.avx2) }
        #expect(!KernelSelection.activeCore.isEmpty)
        #expect(KernelSelection.blasConfiguration.contains("OpenBLAS"))
    }
}
