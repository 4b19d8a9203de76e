import Testing

@testable import NoetherLang

/// A dataset's `feature_mean` and `feature_std` share one statistics pass.
@Suite struct ComputedOnceTests {
    final class Counter: @unchecked Sendable { var calls = 0 }

    @Test func computesOnFirstReadOnly() {
        let once = ComputedOnce<Int>()
        let counter = Counter()
        #expect(
            once.value {
                counter.calls += 1
                return 7
            } == 7)
        #expect(
            once.value {
                counter.calls += 1
                return 8
            } == 7)
        #expect(counter.calls == 1)
    }
}
