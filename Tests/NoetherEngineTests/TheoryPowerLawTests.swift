import Foundation
import NoetherTestSupport
import Testing
import NoetherEngine

@Suite("Theory: power laws and divergence rules")
struct TheoryPowerLawTests {
    typealias F = TheoryFixture
    static let grid: [Double] = [1e-3, 1e-2, 0.1, 1]

    /// Seeds with different prefactors: the mean is still an exact power law.
    @Test func exactPowerLawRecovered() throws {
        let runs = [0.7, 1.0, 1.6].enumerated().flatMap { s, a in
            F.logspace(1e-4, 0.3, 8).map { SweepRun(x: $0, y: a * pow($0, 1.3), seed: s) }
        }
        let fit = try fitPowerLaw(runs)
        #expect(
            isClose(fit.alpha, 1.3, 1e-12, atol: 1e-12) && isClose(fit.prefactor, 1.1, 1e-11)
                && isClose(fit.r2, 1, 1e-12, atol: 1e-12))
        #expect(fit.localSlopes.count == 7 && fit.localSlopes.allSatisfy { isClose($0.slope, 1.3, 1e-11, atol: 1e-11) })
        #expect(
            isClose(
                fit.localSlopes[0].midpoint, (fit.localSlopes[0].lowerX * fit.localSlopes[0].upperX).squareRoot(),
                atol: 1e-12))
        let curvature = try #require(fit.curvature)
        #expect(abs(curvature) < 1e-12)
        #expect(fit.seedLabels == [0, 1, 2] && fit.seedAlphas.allSatisfy { isClose($0, 1.3, 1e-12, atol: 1e-12) })
        #expect(fit.seedAlphaStd < 1e-12)
        let ci = try #require(fit.ci)
        #expect(abs(ci.lowerBound - 1.3) < 1e-11 && abs(ci.upperBound - 1.3) < 1e-11)
        #expect(fit.used.count == 8 && fit.points.allSatisfy { $0.status == .used && $0.seedsUsed == 3 })
        #expect(!fit.hasStabilityInformation && fit.stable == nil && fit.stableAlpha == nil)
        // The single-value convenience on the same means.
        let means = F.logspace(1e-4, 0.3, 8).map { 1.1 * pow($0, 1.3) }
        let plain = try fitPowerLaw(x: F.logspace(1e-4, 0.3, 8), y: means)
        #expect(isClose(plain.alpha, 1.3, 1e-12, atol: 1e-12) && plain.ci == nil && plain.seedAlphas.count == 1)
    }

    /// The planted table: y = (1 + 0.1·s)·η^1.5 for seeds s = 0, 1, 2, a prediction
    /// 2·y on every run; η = 0.1 diverged for every seed, η = 1 for seed 2 only.
    static func plantedRuns() -> [SweepRun] {
        var runs = [SweepRun]()
        for eta in grid {
            for s in 0..<3 {
                let y = (1 + 0.1 * Double(s)) * pow(eta, 1.5)
                let diverged = eta == 0.1 || (eta == 1 && s == 2)
                runs.append(SweepRun(x: eta, y: diverged ? .nan : y, seed: s, predicted: 2 * y))
            }
        }
        return runs
    }

    @Test func ruleADropsThePoint() throws {
        let fit = try fitPowerLaw(Self.plantedRuns(), options: PowerLawOptions(rule: .dropPoint))
        #expect(fit.xs(.diverged) == [0.1, 1] && fit.used.map(\.x) == [1e-3, 1e-2])
        #expect(isClose(fit.alpha, 1.5, 1e-12, atol: 1e-12) && isClose(fit.prefactor, 1.1, 1e-12))
        #expect(fit.divergedRuns == 4 && fit.excludedRuns == 0)
        let one = try #require(fit.points.first { $0.x == 1 })
        #expect(one.runs == 3 && one.converged == 2 && one.seedsUsed == 0 && one.mean.isNaN)
    }

    @Test func ruleBAveragesConvergedSeeds() throws {
        let fit = try fitPowerLaw(Self.plantedRuns(), options: PowerLawOptions(rule: .dropSeed))
        #expect(fit.xs(.diverged) == [0.1] && fit.used.map(\.x) == [1e-3, 1e-2, 1])
        #expect(fit.divergedRuns == 4 && fit.excludedRuns == 1)
        let one = try #require(fit.points.first { $0.x == 1 })
        #expect(one.converged == 2 && one.seedsUsed == 2 && isClose(one.mean, 1.05, atol: 1e-12))
        #expect(isClose(one.std, 0.05, 1e-12, atol: 1e-12))
        // Prediction averaged over every seed under B: 2·mean(1, 1.1, 1.2).
        let predicted = try #require(one.predictedMean)
        #expect(isClose(predicted, 2.2, 1e-12, atol: 1e-12))
        let expected = try fitLinear(
            [1e-3, 1e-2, 1].map { log($0) },
            [1.1 * pow(1e-3, 1.5), 1.1 * pow(1e-2, 1.5), 1.05].map { log($0) })
        #expect(
            isClose(fit.alpha, expected.slope, 1e-12, atol: 1e-12) && isClose(fit.r2, expected.r2, 1e-12, atol: 1e-12))
        // Seed 2 is refitted on its two valid points only.
        #expect(fit.seedLabels == [0, 1, 2] && fit.seedAlphas.allSatisfy { isClose($0, 1.5, 1e-12, atol: 1e-12) })
    }

    @Test func ruleCExcludesFromBothAggregates() throws {
        let fit = try fitPowerLaw(Self.plantedRuns(), options: PowerLawOptions(rule: .excludeRuns))
        #expect(fit.xs(.diverged) == [0.1] && fit.excludedRuns == 1)
        let one = try #require(fit.points.first { $0.x == 1 })
        let predicted = try #require(one.predictedMean)
        #expect(isClose(one.mean, 1.05, atol: 1e-12) && isClose(predicted, 2.1, 1e-12, atol: 1e-12))
        let ruleB = try fitPowerLaw(Self.plantedRuns(), options: PowerLawOptions(rule: .dropSeed))
        #expect(isClose(fit.alpha, ruleB.alpha, 1e-15, atol: 1e-15))
        // All-diverged η has no prediction under C (no converged run), but has one under B.
        #expect(fit.points.first { $0.x == 0.1 }?.predictedMean == nil)
        #expect(ruleB.points.first { $0.x == 0.1 }?.predictedMean != nil)
    }

    @Test func divergenceFlagWithFiniteValue() throws {
        var runs = Self.grid.map { SweepRun(x: $0, y: pow($0, 1.2)) }
        runs[3].diverged = true  // stopped at its first NaN loss, drift still finite
        let fit = try fitPowerLaw(runs)
        #expect(fit.xs(.diverged) == [1] && isClose(fit.alpha, 1.2, 1e-12, atol: 1e-12))
    }

    @Test func floorRangeGridAndRefusal() throws {
        let eta: [Double] = [-1, 1e-4, 1e-3, 1e-2, 0.1, 1]
        var y = eta.map { pow(abs($0), 1.4) }
        y[1] = 1e-12  // below the 1e-10 floor
        let fit = try fitPowerLaw(x: eta, y: y)
        #expect(fit.xs(.nonPositiveX) == [-1] && fit.xs(.belowFloor) == [1e-4])
        #expect(isClose(fit.alpha, 1.4, 1e-12, atol: 1e-12) && fit.used.count == 4)
        let looser = try fitPowerLaw(x: eta, y: y, options: PowerLawOptions(floor: 1e-15))
        #expect(looser.used.count == 5 && looser.alpha != fit.alpha)
        let ranged = try fitPowerLaw(x: eta, y: y, options: PowerLawOptions(range: 1e-3...1e-2))
        #expect(ranged.used.map(\.x) == [1e-3, 1e-2] && ranged.xs(.outsideRange).count == 4)
        let gridded = try fitPowerLaw(x: eta, y: y, options: PowerLawOptions(grid: [1e-3, 0.1 + 1e-12]))
        #expect(gridded.used.map(\.x) == [1e-3, 0.1])
        #expect(throws: EngineError.self) { try fitPowerLaw(x: [1, 2], y: [1, .nan]) }
        do {
            _ = try fitPowerLaw(x: [1, 2, 3], y: [1, .nan, 1e-20])
            Issue.record("expected a refusal")
        } catch {
            guard case .tooFewPoints(let needed, let used, let leftOut) = error else {
                Issue.record("expected too few points, got \(error)")
                return
            }
            #expect(needed == 2 && used == 1)
            #expect(leftOut.map(\.x) == [2, 3] && leftOut.map(\.status) == [.diverged, .belowFloor])
        }
    }

    /// λ_max(θ₀) = 10 for every run: η = 1 starts above 2/λ₀ = 0.2.
    @Test func stabilityMarkingAndStableAlpha() throws {
        let runs = Self.grid.flatMap { eta in
            (0..<2).map { s in
                SweepRun(
                    x: eta, y: eta == 1 ? 50 : pow(eta, 1.2) * (1 + 0.2 * Double(s)), seed: s,
                    sharpnessAtStart: 10 + Double(s))
            }
        }
        let fit = try fitPowerLaw(runs)
        #expect(fit.hasStabilityInformation && fit.unstablePoints == [1])
        let one = try #require(fit.points.first { $0.x == 1 })
        let product = try #require(one.stabilityProduct)
        let stableAlpha = try #require(fit.stableAlpha)
        #expect(one.unstable && isClose(product, 11, atol: 1e-12) && one.sharpnessAtStart == 10.5)
        #expect(isClose(stableAlpha, 1.2, 1e-12, atol: 1e-12) && fit.stable?.xs == [1e-3, 1e-2, 0.1])
        #expect(fit.alpha > 1.5)  // the one unstable point drives the full fit
        #expect(fit.localSlopes.last!.slope > 2)
    }

    @Test func bootstrapIntervalFromSeedSpread() throws {
        var rng = RandomSource(seed: 3)
        let runs = (0..<5).flatMap { s -> [SweepRun] in
            let a = 1 + 0.3 * rng.normal()
            let bend = 0.05 * rng.normal()
            return F.logspace(1e-4, 0.3, 8).map { SweepRun(x: $0, y: a * pow($0, 1.2 + bend), seed: s) }
        }
        let fit = try fitPowerLaw(runs)
        let again = try fitPowerLaw(runs)
        let ci = try #require(fit.ci)
        #expect(fit == again)  // a fixed bootstrap seed
        #expect(ci.lowerBound < fit.alpha && fit.alpha < ci.upperBound && ci.upperBound - ci.lowerBound > 0.01)
        #expect(fit.bootstrapSamples == 2000 && fit.bootstrapSkipped == 0)
        #expect(fit.seedAlphas.count == 5 && fit.seedAlphaStd > 0.01)
        let ols = try #require(fit.olsInterval)
        #expect(ols.lowerBound < fit.alpha && fit.alpha < ols.upperBound)
        let other = try fitPowerLaw(runs, options: PowerLawOptions(bootstrapSeed: 9))
        #expect(other.ci != fit.ci && other.alpha == fit.alpha)
        let none = try fitPowerLaw(runs, options: PowerLawOptions(bootstrapSamples: 0))
        #expect(none.ci == nil)
    }

    @Test func aggregationCounts() throws {
        let agg = try aggregateSweep(Self.plantedRuns(), rule: .dropSeed)
        #expect(agg.points.map(\.x) == Self.grid && agg.droppedByRule == [0.1])
        #expect(agg.divergedRuns == 4 && agg.excludedRuns == 1 && !agg.hasStabilityInformation)
        #expect(throws: EngineError.theory(.empty(.sweepRuns))) { try aggregateSweep([]) }
        #expect(throws: EngineError.theory(.notFinite(.sweepX))) { try aggregateSweep([SweepRun(x: .nan, y: 1)]) }
    }
}
