import Testing
@testable import NoetherEngine

@Suite struct GaussianMixtureTests {
    @Test func shapesLabelsAndBalancedClasses() throws {
        let data = try gaussianMixture(n: 203, d: 7, classes: 5, separation: 2, seed: 1)
        #expect(data.inputs.rows == 203 && data.inputs.columns == 7)
        #expect(data.targets.rows == 203 && data.targets.columns == 5)
        // ⌊203/5⌋ = 40, plus one for each of the first 3 classes.
        #expect(data.classCounts == [41, 41, 41, 40, 40])
        for i in 0..<203 {
            let label = data.labels![i]
            for k in 0..<5 { #expect(data.targets[i, k] == (k == label ? 1 : 0)) }
        }
    }

    /// experiments.md §1.1: E||x||² = s²d + d, and the uncentered XᵀX/n has K large
    /// eigenvalues (from the centers) and d − K of order 1.
    @Test func sanityStatistics() throws {
        let (n, d, k, s) = (4000, 20, 5, 2.0)
        let data = try gaussianMixture(n: n, d: d, classes: k, separation: s, seed: 42)
        let meanNorm2 = data.inputs.squaredNorm / Double(n)
        let expected = s * s * Double(d) + Double(d)
        // Per-sample ||x||² = r² + 2⟨c, z⟩ + ||z||²: sd ≈ √(4r² + 2d) ≈ 18.5; mean of 4000 within ±1.5.
        #expect(abs(meanNorm2 - expected) < 1.5)
        var covariance = Matrix.product(.transposed, data.inputs, .none, data.inputs)
        covariance.scale(by: 1 / Double(n))
        let eigenvalues = try covariance.symmetricEigen().values.sorted(by: >)
        #expect(eigenvalues[k - 1] > 5)
        for small in eigenvalues[k...] { #expect(small > 0.5 && small < 1.6) }
    }

    @Test func centersSitAtTheGivenRadiusAndDataAreShuffled() throws {
        let (n, d) = (5000, 10)
        let data = try gaussianMixture(n: n, d: d, classes: 2, separation: 3, seed: 9)
        // Class means estimate the centers: their norm is s·√d up to noise √(d/count).
        for c in 0..<2 {
            var mean = [Double](repeating: 0, count: d)
            var count = 0
            for i in 0..<n where data.labels![i] == c {
                count += 1
                for j in 0..<d { mean[j] += data.inputs[i, j] }
            }
            let norm = mean.map { ($0 / Double(count)) * ($0 / Double(count)) }.reduce(0, +).squareRoot()
            #expect(abs(norm - 3 * Double(d).squareRoot()) < 0.2)
        }
        // Shuffled: the labels are not sorted into blocks.
        let switches = zip(data.labels!, data.labels!.dropFirst()).filter { $0 != $1 }.count
        #expect(switches > n / 4)
    }

    @Test func sameSeedSameDataAndInvalidArgumentsAreErrors() throws {
        let a = try gaussianMixture(n: 50, d: 4, classes: 3, separation: 2, seed: 11)
        let b = try gaussianMixture(n: 50, d: 4, classes: 3, separation: 2, seed: 11)
        #expect(a.inputs == b.inputs && a.labels == b.labels)
        #expect(throws: EngineError.self) { try gaussianMixture(n: 0, d: 4, classes: 3, separation: 2, seed: 1) }
        #expect(throws: EngineError.self) { try gaussianMixture(n: 10, d: 4, classes: 1, separation: 2, seed: 1) }
        #expect(throws: EngineError.self) { try gaussianMixture(n: 10, d: 4, classes: 3, separation: .nan, seed: 1) }
    }
}
