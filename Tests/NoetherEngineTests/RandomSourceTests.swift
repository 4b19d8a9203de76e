import Testing
@testable import NoetherEngine

@Suite struct RandomSourceTests {
    /// Known answers from an independent implementation of SplitMix64 seeding +
    /// xoshiro256** (a 20-line Python script): the stream is fixed forever.
    @Test func rawStreamMatchesTheReferenceAlgorithm() {
        var zero = RandomSource(seed: 0)
        #expect(
            (0..<4).map { _ in zero.next() } == [
                0x99ec5f36cb75f2b4, 0xbf6e1f784956452a, 0x1a5f849d4933e6e0, 0x6aa594f1262d2d2c,
            ])
        var answer = RandomSource(seed: 42)
        #expect(
            (0..<4).map { _ in answer.next() } == [
                0x15780b2e0c2ec716, 0x6104d9866d113a7e, 0xae17533239e499a1, 0xecb8ad4703b360a1,
            ])
        var u = RandomSource(seed: 42)
        #expect(
            [u.uniform(), u.uniform(), u.uniform()] == [0.08386297105988216, 0.3789802506626686, 0.6800434110281394])
    }

    @Test func sameSeedSameNumbersDifferentSeedDifferentNumbers() {
        var a = RandomSource(seed: 7)
        var b = RandomSource(seed: 7)
        var c = RandomSource(seed: 8)
        let xs = (0..<100).map { _ in a.normal() }
        #expect(xs == (0..<100).map { _ in b.normal() })
        #expect(xs != (0..<100).map { _ in c.normal() })
    }

    @Test func uniformAndNormalMoments() {
        var rng = RandomSource(seed: 1)
        let n = 200_000
        var su = 0.0
        var suu = 0.0
        var sn = 0.0
        var snn = 0.0
        var sn4 = 0.0
        for _ in 0..<n {
            let u = rng.uniform()
            #expect(u >= 0 && u < 1)
            su += u
            suu += u * u
            let z = rng.normal()
            sn += z
            snn += z * z
            sn4 += z * z * z * z
        }
        let N = Double(n)
        // Means within ~5 standard errors.
        #expect(abs(su / N - 0.5) < 5 * (1.0 / 12).squareRoot() / N.squareRoot())
        #expect(abs(suu / N - 1.0 / 3) < 0.003)
        #expect(abs(sn / N) < 5 / N.squareRoot())
        #expect(abs(snn / N - 1) < 5 * 2.0.squareRoot() / N.squareRoot())
        #expect(abs(sn4 / N - 3) < 0.1)
    }

    @Test func integersAreUnbiasedAndInRange() {
        var rng = RandomSource(seed: 3)
        var counts = [Int](repeating: 0, count: 7)
        for _ in 0..<70_000 { counts[rng.integer(below: 7)] += 1 }
        for c in counts { #expect(abs(c - 10_000) < 500) }
    }

    @Test func permutationsArePermutationsAndUniform() {
        var rng = RandomSource(seed: 5)
        let p = rng.permutation(100)
        #expect(p.sorted() == Array(0..<100))
        // Each of the 6 orders of 3 elements appears ~1/6 of the time.
        var seen = [[Int]: Int]()
        for _ in 0..<60_000 { seen[rng.permutation(3), default: 0] += 1 }
        #expect(seen.count == 6)
        for (_, c) in seen { #expect(abs(c - 10_000) < 600) }
        #expect(rng.permutation(0) == [])
        #expect(rng.permutation(1) == [0])
    }
}
