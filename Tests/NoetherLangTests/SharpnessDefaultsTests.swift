import NoetherEngine
import Testing

@testable import NoetherLang

/// The help pages quote the engine's sharpness settings (`SharpnessMethod.standardDenseLimit`,
/// …) and write numbers as `formatHelpNumber` does.
@Suite("Sharpness defaults in help")
struct SharpnessDefaultsTests {
    @Test func tolerancesReadAsWritten() {
        #expect(formatHelpNumber(1e-8) == "1e-8")
        #expect(formatHelpNumber(1e-6) == "1e-6")
        #expect(formatHelpNumber(2.5e-12) == "2.5e-12")
        #expect(formatHelpNumber(1e20) == "1e20")
        #expect(formatHelpNumber(0.5) == "0.5")
        #expect(formatHelpNumber(2500) == "2500")
    }

    @Test func theHelpQuotesTheSettings() {
        let help = BuiltinRegistry.standard.builtins["sharpness"]!.help
        #expect(help.contains("up to P = \(SharpnessMethod.standardDenseLimit)"))
        #expect(help.contains("at most \(SharpnessMethod.standardLanczosSteps) products"))
    }

    @Test func numberDefaultsReadAsWritten() {
        let adam = BuiltinRegistry.standard.builtins["adam"]!
        guard case .value(_, let text)? = adam.parameters.first(where: { $0.label == "eps" })?.defaultValue else {
            Issue.record("adam's eps has a default")
            return
        }
        #expect(text == "1e-8")
    }
}
