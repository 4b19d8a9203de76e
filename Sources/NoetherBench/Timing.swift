import Foundation
import NoetherLang

#if canImport(Glibc)
import Glibc
#endif

/// Wall-clock helpers for the benchmark (monotonic clock).
enum Timing {
    /// Seconds taken by `body`.
    static func measure<E: Error>(_ body: () throws(E) -> Void) throws(E) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return (clock.now - start).seconds
    }

    /// CPU seconds this thread spent in `body` (CLOCK_THREAD_CPUTIME_ID): on a shared,
    /// loaded machine it leaves out the time other processes held the core, which wall
    /// time does not. Single-threaded work only.
    static func cpu<E: Error>(_ body: () throws(E) -> Void) throws(E) -> Double {
        var t0 = timespec()
        var t1 = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t0)
        try body()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t1)
        return Double(t1.tv_sec - t0.tv_sec) + Double(t1.tv_nsec - t0.tv_nsec) * 1e-9
    }

    static func median(_ xs: [Double]) -> Double {
        let s = xs.sorted()
        if s.isEmpty { return .nan }
        return s.count % 2 == 1 ? s[s.count / 2] : 0.5 * (s[s.count / 2 - 1] + s[s.count / 2])
    }
}

/// A JSON number (JSON has no NaN or infinity: those become null).
func jsonNumber(_ x: Double) -> String { x.isFinite ? "\(x)" : "null" }

func jsonArray(_ xs: [Double]) -> String { "[" + xs.map(jsonNumber).joined(separator: ",") + "]" }

/// `s` as a JSON string literal (the language's quoting: control characters escaped too).
func jsonString(_ s: String) -> String { JSONValue.quote(s) }

/// What the report says about the machine.
enum Machine {
    /// "AMD EPYC 9654 96-Core Processor" (first "model name" of /proc/cpuinfo).
    static var cpuModel: String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8) else { return "unknown" }
        for line in text.split(separator: "\n") where line.hasPrefix("model name") {
            if let colon = line.firstIndex(of: ":") {
                return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            }
        }
        return "unknown"
    }

    /// The 1, 5 and 15-minute load averages (/proc/loadavg).
    static var loadAverage: String {
        guard let text = try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8) else { return "unknown" }
        return text.split(separator: " ").prefix(3).joined(separator: " ")
    }
}
