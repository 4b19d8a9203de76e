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

    /// Without /proc/meminfo and a cgroup the physical memory bounds the budget
    /// (it used to be nil: no check at all); a readable source wins over it.
    @Test func physicalMemoryStandsInWhenNothingElseCanBeRead() {
        let nothing: (String) -> String? = { _ in nil }
        let none: (String) -> String? = { _ in nil }
        #expect(MemoryBudget.available(reading: nothing, variable: none, physicalMemory: { 8 << 30 }) == 8 << 30)
        let capped = MemoryBudget.available(
            reading: nothing, variable: { $0 == "NOETHER_MEMORY_LIMIT" ? "1G" : nil }, physicalMemory: { 8 << 30 })
        #expect(capped == 1 << 30)
        #expect(MemoryBudget.available(reading: nothing, variable: none, physicalMemory: { nil }) == nil)
        let meminfo: (String) -> String? = {
            $0 == "/proc/meminfo" ? "MemTotal:       16000000 kB\nMemAvailable:    2000000 kB\n" : nil
        }
        #expect(
            MemoryBudget.available(reading: meminfo, variable: none, physicalMemory: { 8 << 30 }) == 2_000_000 * 1024)
        let cgroup: (String) -> String? = {
            switch $0 {
            case "/proc/self/cgroup": "0::/job\n"
            case "/sys/fs/cgroup/job/memory.max": "3000\n"
            case "/sys/fs/cgroup/job/memory.current": "1000\n"
            default: nil
            }
        }
        #expect(MemoryBudget.available(reading: cgroup, variable: none, physicalMemory: { 8 << 30 }) == 2000)
        // This machine's physical memory is readable and no less than what is available.
        let physical = MemoryBudget.physicalMemory()
        #expect(physical != nil && physical! > 0)
        if let physical, let host = MemoryBudget.memAvailable() { #expect(host <= physical) }
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
