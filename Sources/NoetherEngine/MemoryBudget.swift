#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one memory budget every allocation driven by input is checked against
/// before it happens (sizes announced in file headers, steps × per-step series,
/// join results, dense matrices, datasets): the smaller of
///
/// - `MemAvailable` from `/proc/meminfo` (what the host can still give), and
/// - the cgroup limit minus its usage (`/sys/fs/cgroup/memory.max` −
///   `memory.current`, cgroup v2; `memory.limit_in_bytes` − `memory.usage_in_bytes`
///   under v1), so a process in a container is refused rather than OOM-killed;
/// - and `NOETHER_MEMORY_LIMIT` (bytes, or with a K/M/G suffix) when set, a cap a
///   user (or a test) can impose.
///
/// When neither `/proc/meminfo` nor a cgroup can be read (a system without procfs,
/// e.g. macOS, or a sandbox hiding it), the physical memory (`sysconf`'s
/// `_SC_PHYS_PAGES` × `_SC_PAGESIZE`) stands in for what the host can give: no
/// allocation larger than the machine's memory is attempted, though one that fits
/// it may still swap. `nil` only when that cannot be read either and
/// `NOETHER_MEMORY_LIMIT` is not set (then nothing is refused).
public enum MemoryBudget {
    /// Bytes this process may still allocate (see the type's documentation).
    public static func available() -> Int? {
        available(
            reading: readSmallFile, variable: { getenv($0).map { String(cString: $0) } },
            physicalMemory: physicalMemory)
    }

    /// The budget from the files `reading` returns (nil: unreadable), the environment
    /// variables `variable` returns and the `physicalMemory` fallback: the sources
    /// `available()` reads, injectable for tests.
    static func available(
        reading: (String) -> String?, variable: (String) -> String?, physicalMemory: () -> Int?
    ) -> Int? {
        var budget: Int? = nil
        func take(_ value: Int?) {
            guard let value else { return }
            budget = Swift.min(budget ?? .max, Swift.max(value, 0))
        }
        let host = memAvailable(reading: reading)
        let group = cgroupRemaining(reading: reading)
        take(host)
        take(group)
        if host == nil && group == nil { take(physicalMemory()) }
        if let text = variable("NOETHER_MEMORY_LIMIT") { take(parseSize(text)) }
        return budget
    }

    /// The machine's physical memory in bytes; nil when `sysconf` cannot say.
    static func physicalMemory() -> Int? {
        let pages = sysconf(Int32(_SC_PHYS_PAGES))
        let pageSize = sysconf(Int32(_SC_PAGESIZE))
        guard pages > 0, pageSize > 0 else { return nil }
        return product(pages, pageSize)
    }

    /// Throws `EngineError.outOfMemory` when `bytes` for `use` exceed the budget (the
    /// language words it). `available` replaces the measured budget (tests, callers
    /// that measured once).
    public static func check(_ bytes: Int, for use: MemoryUse, available: Int? = nil) throws(EngineError) {
        guard let free = available ?? self.available(), bytes > free else { return }
        throw .outOfMemory(needed: bytes, available: free, use: use)
    }

    /// `a × b × …` in bytes, saturating at `Int.max` instead of overflowing.
    public static func product(_ factors: Int...) -> Int {
        var total = 1
        for f in factors {
            let (p, overflow) = total.multipliedReportingOverflow(by: Swift.max(f, 0))
            if overflow { return .max }
            total = p
        }
        return total
    }

    /// `a + b`, saturating.
    public static func sum(_ a: Int, _ b: Int) -> Int {
        let (s, overflow) = a.addingReportingOverflow(b)
        return overflow ? .max : s
    }

    static func memAvailable(reading: (String) -> String? = readSmallFile) -> Int? {
        guard let text = reading("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix("MemAvailable:") {
            let digits = line.dropFirst("MemAvailable:".count).filter(\.isNumber)
            return Int(String(digits)).map { $0 * 1024 }
        }
        return nil
    }

    /// The cgroup this process is in (v2 unified hierarchy, else v1 memory controller):
    /// its limit minus its usage; `nil` when unlimited or unreadable.
    static func cgroupRemaining(reading: (String) -> String? = readSmallFile) -> Int? {
        var v2Path = ""
        var v1Path = ""
        if let cgroups = reading("/proc/self/cgroup") {
            for line in cgroups.split(separator: "\n") {
                let parts = line.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
                guard parts.count == 3 else { continue }
                if parts[0] == "0" && parts[1].isEmpty { v2Path = String(parts[2]) }
                if parts[1].split(separator: ",").contains("memory") { v1Path = String(parts[2]) }
            }
        }
        func number(_ path: String) -> Int? {
            guard let text = reading(path) else { return nil }
            return Int(text.filter { !$0.isWhitespace })
        }
        // Walk from the process's own cgroup up to the root: the tightest limit counts.
        var best: Int? = nil
        var dir = v2Path
        while true {
            let base = "/sys/fs/cgroup" + (dir == "/" ? "" : dir)
            if let limit = number(base + "/memory.max"), let used = number(base + "/memory.current") {
                best = Swift.min(best ?? .max, limit - used)
            }
            if dir.isEmpty || dir == "/" { break }
            dir = String(dir[..<(dir.lastIndex(of: "/") ?? dir.startIndex)])
            if dir.isEmpty { dir = "/" }
        }
        if best == nil {
            let base = "/sys/fs/cgroup/memory" + (v1Path == "/" ? "" : v1Path)
            for b in [base, "/sys/fs/cgroup/memory"] {
                if let limit = number(b + "/memory.limit_in_bytes"), limit < 1 << 60,
                    let used = number(b + "/memory.usage_in_bytes")
                {
                    best = Swift.min(best ?? .max, limit - used)
                }
            }
        }
        return best
    }

    /// "123", "512K", "1.5G", "2GiB" → bytes; nil when malformed.
    static func parseSize(_ text: String) -> Int? {
        var t = text.trimmingSpaces.uppercased()
        if t.hasSuffix("IB") { t.removeLast(2) } else if t.hasSuffix("B") { t.removeLast() }
        var scale = 1.0
        if let last = t.last, let power = ["K": 1, "M": 2, "G": 3, "T": 4][String(last)] {
            scale = Double(1 << (10 * power))
            t.removeLast()
        }
        guard let v = Double(t), v.isFinite, v >= 0, v * scale < 9e18 else { return nil }
        return Int(v * scale)
    }

    static func readSmallFile(_ path: String) -> String? {
        guard let f = fopen(path, "r") else { return nil }
        defer { fclose(f) }
        var bytes = [UInt8]()
        var chunk = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 1 << 20 {
            let got = chunk.withUnsafeMutableBytes { fread($0.baseAddress, 1, 4096, f) }
            if got <= 0 { break }
            bytes.append(contentsOf: chunk[0..<got])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension String {
    fileprivate var trimmingSpaces: String {
        String(self.drop { $0.isWhitespace }.reversed().drop { $0.isWhitespace }.reversed())
    }
}
