import NoetherEngine
import Testing

@testable import NoetherLang

/// The sentences the language writes from the engine's regime and comparison facts
/// (issue 14 §1: the engine holds numbers, the language words them).
struct TheoryWordingTests {
    @Test func regimeReasons() throws {
        let h = TheoryHarness()
        try h.run("b = regime([5, 6, 7, 6], lr=0.1)")
        #expect(
            try h.string("b.reason") == "below the edge: mean of the last 4 λ_max = 0.3·(2/η) < 0.6; max 0.35·(2/η)")
        try h.run("r = regime([5, 12, 18, 19.5, 19.8], lr=0.1, steps=[0, 10, 20, 30, 40])")
        #expect(
            try h.string("r.reason")
                == "at the edge: mean of the last 5 λ_max = 0.743·(2/η) ≥ 0.6; 60% of measurements within 10% of 2/η")
        try h.run("c = regime([5, 21, 19, 20], lr=0.1, steps=[0, 5, 10, 15], last=2)")
        #expect(
            try h.string("c.reason")
                == "at the edge: mean of the last 2 λ_max = 0.975·(2/η) ≥ 0.6; 75% of measurements within 10% of 2/η; "
                + "first reaches 2/η at step 5")
        // Straight from the engine: a measurement index, a switch rate, a diverged tail.
        let u = try classifyRegime(sharpness: [25, 12, 8, .nan], learningRate: 0.1, switchRate: 0.02)
        #expect(
            TheoryWording.reason(u)
                == "unstable start: ηλ_max(θ₀) = 2.5 > 2; then mean of the last 3 λ_max = 0.75·(2/η); switch rate 0.02; "
                + "1 non-finite measurement(s) ignored")
        let m = try classifyRegime(sharpness: [5, 21, 19, 20], learningRate: 0.1)
        #expect(TheoryWording.reason(m).hasSuffix("; first reaches 2/η at measurement 1"))
    }

    @Test func missingDecayFits() {
        #expect(
            TheoryWording.note(.tooFewMeasured(1, needed: 2))
                == "λ_max was measured at 1 checkpoint(s); a decay fit needs 2")
        #expect(
            TheoryWording.note(.failed(.decayNeedsPositiveValues(minimum: -0.5)))
                == "a decay fit needs positive values (c = 0.9·min λ), but the minimum is -0.5")
    }

    @Test func tauNotesAndCoefficientSummaries() throws {
        #expect(
            TheoryWording.note(.tooFewInWindow(1, needed: 2))
                == "1 checkpoint(s) with distinct t lie in the window; a τ fit needs 2")
        let h = TheoryHarness()
        #expect(
            try h.string("ck_compare([3, 2, 1], [1, 2]).summary")
                == "sorted-rank R = 1 over the top 2 (top shares 0.5 vs 0.667); no mode-by-mode comparison (3 vs 2 modes are not one basis)"
        )
        #expect(
            try h.string("ck_compare([3, 2, 1], [1, 2, 3]).summary").hasSuffix(
                "; mode by mode: log R = -0.955, Spearman -1, total variation 0.333, largest mode 0 vs 2"))
    }

    @Test func crossoverVerdicts() throws {
        let etas: [Double] = [1e-3, 1e-2, 0.1, 0.3]
        let measured: [Double] = [5, 3, 1, 0.5]
        let double = try compareCrossover(learningRates: etas, predicted: measured.map { 2 * $0 }, measured: measured)
        #expect(
            TheoryWording.verdict(double)
                == "prediction tracks the shape and matches the scale within a factor 2: R = 1 over 4 η; "
                + "S_pred/S_meas from 2 to 2, median relative error 100%")
        let off = try compareCrossover(learningRates: etas, predicted: measured.map { $0 / 5 }, measured: measured)
        #expect(
            TheoryWording.verdict(off)
                == "prediction tracks the shape and is off in scale by up to a factor 5 (typical S_pred/S_meas 0.2): "
                + "R = 1 over 4 η; S_pred/S_meas from 0.2 to 0.2, median relative error 80%")
        let gap = try compareCrossover(learningRates: etas, predicted: [5, 3, 1, 0.5], measured: [5, 3, 1, .nan])
        #expect(
            TheoryWording.verdict(gap)
                == "prediction tracks the shape and matches the scale within 25%: R = 1 over 3 η; "
                + "S_pred/S_meas from 1 to 1, median relative error 0%; 1 η not compared (diverged or no prediction)")
        let unstable = try compareCrossover(
            learningRates: etas, predicted: [5, 3, 1, 50], measured: measured, unstable: [false, false, true, true])
        #expect(
            TheoryWording.verdict(unstable).contains(" over the 2 without unstable modes)")
                && TheoryWording.verdict(unstable).hasSuffix("; R leans on the 2 η with unstable modes"))
        let one = try compareCrossover(learningRates: [0.1], predicted: [1], measured: [1])
        #expect(
            TheoryWording.verdict(one)
                == "not enough points to compare (1 with a finite prediction and a positive measurement)")
    }
}
