/// Wall-clock helpers for the benchmark (monotonic clock).
enum Timing {
    static func seconds(_ d: Duration) -> Double {
        Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Seconds taken by `body`.
    static func measure<E: Error>(_ body: () throws(E) -> Void) throws(E) -> Double {
        let clock = ContinuousClock()
        let start = clock.now
        try body()
        return seconds(clock.now - start)
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

func jsonString(_ s: String) -> String {
    var out = "\""
    for c in s.unicodeScalars {
        switch c {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        default: out.unicodeScalars.append(c)
        }
    }
    return out + "\""
}
