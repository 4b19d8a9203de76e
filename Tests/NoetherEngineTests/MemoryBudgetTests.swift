import Testing

@testable import NoetherEngine

@Suite("The memory budget")
struct MemoryBudgetTests {
    @Test(arguments: [
        ("123", 123), ("8K", 8192), ("1.5G", 1_610_612_736), ("2GiB", 2_147_483_648), (" 100M ", 104_857_600),
    ])
    func sizesParse(text: String, bytes: Int) {
        #expect(MemoryBudget.parseSize(text) == bytes)
    }

    @Test func malformedSizesAreIgnored() {
        #expect(MemoryBudget.parseSize("lots") == nil)
        #expect(MemoryBudget.parseSize("-1") == nil)
    }

    @Test func theBudgetIsNoMoreThanMemAvailable() {
        guard let host = MemoryBudget.memAvailable() else { return }
        let budget = MemoryBudget.available()
        #expect(budget != nil && budget! <= host)
    }

    @Test func productsSaturateInsteadOfOverflowing() {
        #expect(MemoryBudget.product(1 << 40, 1 << 40) == .max)
        #expect(MemoryBudget.product(3, 5, 8) == 120)
        #expect(MemoryBudget.sum(.max, 1) == .max)
    }

    @Test func refusalsCarryWhatIsNeededWhatThereIsAndWhatFor() {
        #expect(throws: EngineError.outOfMemory(needed: 2048, available: 1024, use: .readingFile(path: "f"))) {
            try MemoryBudget.check(2048, for: .readingFile(path: "f"), available: 1024)
        }
        #expect(throws: Never.self) { try MemoryBudget.check(1024, for: .readingFile(path: "f"), available: 1024) }
    }

    @Test func networkFilesAnnouncingMoreThanTheyHoldAreDamaged() {
        let text = "noether-network 1\nsizes 1000000 1000000 1000000\nactivation relu\nbias false\nW1 1000000 1000000\n"
        #expect(throws: EngineError.self) { try NetworkFile.parse(text, source: "huge.net") }
    }
}
