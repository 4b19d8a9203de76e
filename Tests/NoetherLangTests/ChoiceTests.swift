import NoetherEngine
import NoetherSyntax
import Testing

@testable import NoetherLang

/// Named options declared once (`Choices`): validation, did-you-mean, help,
/// completion and the old spellings kept as aliases.
@Suite struct ChoiceTests {
    @Test func aliasesMeanWhatTheirPreferredNameMeans() {
        #expect(Choices.sharpnessMethod.meaning(of: "power") == .powerIteration)
        #expect(Choices.sharpnessMethod.meaning(of: "power_iteration") == .powerIteration)
        #expect(Choices.divergenceRule.meaning(of: "B") == .dropSeed)
        #expect(Choices.initialization.meaning(of: "default") == .uniform)
        #expect(Choices.sharpnessMethod.meaning(of: "Power") == nil)
        #expect(Choices.divergenceRule.name(of: .excludeRuns) == "exclude_runs")
    }

    @Test func helpListsThePreferredNamesAndSaysWhichOldSpellingsStillWork() {
        #expect(Choices.sharpnessMethod.listing == #""auto", "dense", "lanczos" or "power" (also "power_iteration")"#)
        #expect(Choices.unstablePolicy.listing == #""cap" (the reference), "skip" or "refuse""#)
        #expect(Choices.clock.completion == .values(["\"steps\"", "\"time\""]))
        let restricted = Choices.sharpnessMethod.only(["lanczos", "power"], notes: ["power": "slow"])
        #expect(restricted.names == ["lanczos", "power"])
        #expect(restricted.listing == #""lanczos" or "power" (slow; also "power_iteration")"#)
    }

    @Test func unknownNamesListTheChoicesAndSuggestThePreferredSpelling() {
        let range = SourceRange(0, 1)
        let typo = Choices.sharpnessMethod.unknown("lanczso", at: range)
        #expect(typo.message == "unknown method 'lanczso'; use 'auto', 'dense', 'lanczos' or 'power'")
        #expect(typo.hint == "did you mean 'lanczos'?")
        // Close to the old spelling: the preferred one is suggested.
        #expect(Choices.sharpnessMethod.unknown("power_iter", at: range).hint == "did you mean 'power'?")
        #expect(Choices.clock.unknown("zzzzzz", at: range).hint == nil)
    }

    @Test func oldSpellingsGiveTheSameResultsAtThePrompt() throws {
        let h = Harness()
        try h.run(
            """
            data = gaussian_mixture(n=40, d=4, classes=2, seed=1)
            net = mlp([4, 6, 2], seed=3)
            a = sharpness(net, data, method="power")
            b = sharpness(net, data, method="power_iteration")
            n1 = mlp([4, 6, 2], init="default", seed=3)
            """)
        #expect(h.error("print(a == b)") == nil)
        #expect(h.lines.last == "true")
        let wrong = h.error("sharpness(net, data, method=\"powr\")") ?? ""
        #expect(wrong.contains("unknown method 'powr'; use 'auto', 'dense', 'lanczos' or 'power'"))
        #expect(wrong.contains("did you mean 'power'?"))
        #expect(h.error("ce_bound(net, data, method=\"power\")")?.contains("unknown method 'power'") == true)
    }
}
