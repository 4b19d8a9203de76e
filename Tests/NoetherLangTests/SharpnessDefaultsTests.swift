import NoetherEngine
import Testing

@testable import NoetherLang

/// The help pages quote the engine's sharpness settings through `SharpnessDefaults`.
@Suite("Sharpness defaults in help")
struct SharpnessDefaultsTests {
    @Test func tolerancesReadAsWritten() {
        #expect(SharpnessDefaults.tolerance(1e-8) == "1e-8")
        #expect(SharpnessDefaults.tolerance(1e-6) == "1e-6")
        #expect(SharpnessDefaults.tolerance(2.5e-12) == "2.5e-12")
        #expect(SharpnessDefaults.tolerance(1e20) == "1e+20" || SharpnessDefaults.tolerance(1e20) == "1e20")
        #expect(SharpnessDefaults.tolerance(0.5) == "0.5")
    }

    @Test func theSettingsAreTheEngines() {
        #expect(SharpnessMethod.standard == .automatic(denseLimit: SharpnessDefaults.denseLimit))
        #expect(
            SharpnessMethod(.lanczos)
                == .lanczos(steps: SharpnessDefaults.lanczos.steps, tolerance: SharpnessDefaults.lanczos.tolerance))
        guard case .lanczos(let maxSteps, _, _)? = SharpnessTracker.Method(.lanczos) else {
            Issue.record("tracking Lanczos expected")
            return
        }
        #expect(maxSteps == SharpnessDefaults.trackingLanczosSteps)
        let help = BuiltinRegistry.standard.builtins["sharpness"]!.help
        #expect(help.contains("up to P = \(SharpnessDefaults.denseLimit)"))
        #expect(help.contains("at most \(SharpnessDefaults.lanczos.steps) products"))
    }
}
