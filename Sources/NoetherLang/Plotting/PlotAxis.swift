#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// One axis of a plot: its range (widened to nice round numbers), its scale and its
/// ticks. Both renderers place points with `fraction(_:)` and label with `ticks`.
public struct PlotAxis: Sendable, Equatable {
    public struct Tick: Sendable, Equatable {
        public var value: Double
        /// The label as plain text: `0.25`, `1e-3` (ASCII) or `10⁻³`.
        public var label: String
        /// For a decade of a log axis: its exponent (the SVG writes 10 with a superscript).
        public var decade: Int?

        /// A tick of a linear axis whose ticks are `step` apart, labelled to that step.
        static func linear(_ v: Double, step: Double, unicode: Bool) -> Tick {
            Tick(value: v, label: PlotAxis.minus(PlotAxis.linearLabel(v, step: step), unicode), decade: nil)
        }
    }

    public let lo: Double
    public let hi: Double
    public let log: Bool
    public let ticks: [Tick]

    /// An axis covering `values` (the finite ones; the positive ones on a log axis),
    /// widened to nice bounds, with about `targetTicks` ticks. `unicode` chooses
    /// `10⁻³` over `1e-3` for decade labels. With no usable value the range is 0…1
    /// (1…10 on a log axis).
    ///
    /// A `tight` linear axis ends at the data, widened by `margin` of its range at each
    /// end (ticks fall inside); otherwise a linear
    /// axis ends at ticks. A log axis always ends at whole decades.
    public init(
        covering values: [Double], log: Bool, targetTicks: Int, unicode: Bool, includeZero: Bool = false,
        tight: Bool = false, margin: Double = 0
    ) {
        let usable = values.filter { PlotAxis.isPlottable($0, log: log) }
        var lo = usable.min() ?? (log ? 1 : 0)
        var hi = usable.max() ?? (log ? 10 : 1)
        if includeZero && !log {
            lo = Swift.min(lo, 0)
            hi = Swift.max(hi, 0)
        }
        let n = Swift.max(2, targetTicks)
        if log {
            var a = Glibc.floor(lo.log10Value + 1e-9)
            var b = Glibc.ceil(hi.log10Value - 1e-9)
            if a >= b { b = a + 1 }
            let decades = Int(b - a)
            var ticks = [Tick]()
            if decades <= 2 {
                // Within a decade or two: 1, 2 and 5 times each power of ten, labelled plainly.
                // The axis still spans whole decades.
                for e in Int(a)...Int(b) {
                    for m in [1.0, 2.0, 5.0] {
                        let v = m * Glibc.pow(10, Double(e))
                        guard Double(e) + m.log10Value <= b + 1e-9 else { continue }
                        ticks.append(
                            Tick(value: v, label: PlotAxis.minus(PlotAxis.plainLabel(v), unicode), decade: nil))
                    }
                }
            } else {
                // The axis spans the data's decades (not rounded out to multiples of the tick
                // spacing: data in 6e-7…2e-2 gets 10⁻⁷…10⁻¹, not 10⁻⁸…1), kept where 10^e is a
                // normal Double; ticks at the multiples of `every` inside it, or at both ends
                // when fewer than two multiples fall inside.
                a = Swift.max(a, -307)
                b = Swift.min(b, 307)
                let every = Swift.max(1, Int((Double(Int(b - a)) / Double(n - 1)).rounded(.up)))
                var exponents = (Int(a)...Int(b)).filter { $0 % every == 0 }
                if exponents.count < 2 { exponents = [Int(a), Int(b)] }
                for e in exponents {
                    ticks.append(
                        Tick(
                            value: Glibc.pow(10, Double(e)), label: PlotAxis.decadeLabel(e, unicode: unicode), decade: e
                        ))
                }
            }
            self.init(lo: Glibc.pow(10, a), hi: Glibc.pow(10, b), log: true, ticks: ticks)
            return
        }
        if lo == hi {
            let pad = lo == 0 ? 1 : Swift.abs(lo) * 0.1
            lo -= pad
            hi += pad
        }
        if tight {
            // A margin keeps markers off the frame (not below a zero the axis must start at).
            let pad = margin * (hi - lo)
            if !(includeZero && lo == 0) { lo -= pad }
            hi += pad
            let step = PlotAxis.niceNumber((hi - lo) / Double(n - 1), round: true)
            var ticks = [Tick]()
            var k = Glibc.ceil(lo / step - 1e-9)
            while k * step <= hi + step * 1e-9 {
                let v = Swift.abs(k * step) < step * 1e-9 ? 0 : k * step
                ticks.append(.linear(v, step: step, unicode: unicode))
                k += 1
            }
            self.init(lo: lo, hi: hi, log: false, ticks: ticks)
            return
        }
        // The nice step nearest (hi − lo)/(n − 1), or a finer one when that hugs the data
        // more closely with at most n + 2 ticks (0…0.6 ticks 0, 0.2, 0.4, 0.6, not 0, 0.5, 1).
        var step = PlotAxis.niceNumber((hi - lo) / Double(n - 1), round: true)
        func span(_ s: Double) -> (first: Double, last: Double) {
            (Glibc.floor(lo / s + 1e-9) * s, Glibc.ceil(hi / s - 1e-9) * s)
        }
        var candidate = step
        for _ in 0..<2 {
            candidate = PlotAxis.finer(candidate)
            let (a, b) = span(candidate)
            let (a0, b0) = span(step)
            if Int(((b - a) / candidate).rounded()) + 1 <= n + 2, b - a < b0 - a0 - candidate * 1e-9 {
                step = candidate
            }
        }
        let (first, last) = span(step)
        var ticks = [Tick]()
        var k = 0
        while true {
            var v = first + Double(k) * step
            if v > last + step * 1e-6 { break }
            if Swift.abs(v) < step * 1e-9 { v = 0 }
            ticks.append(.linear(v, step: step, unicode: unicode))
            k += 1
        }
        self.init(lo: first, hi: last, log: false, ticks: ticks)
    }

    private init(lo: Double, hi: Double, log: Bool, ticks: [Tick]) {
        self.lo = lo
        self.hi = hi
        self.log = log
        self.ticks = ticks
    }

    /// Where `v` falls between the ends, 0 at `lo`, 1 at `hi` (in log10 on a log axis);
    /// nan for a value a log axis cannot show.
    public func fraction(_ v: Double) -> Double {
        if log {
            guard v > 0 else { return .nan }
            return (v.log10Value - lo.log10Value) / (hi.log10Value - lo.log10Value)
        }
        return (v - lo) / (hi - lo)
    }

    /// Whether the axis can show `v`: plottable, and within its ends.
    public func shows(_ v: Double) -> Bool {
        guard PlotAxis.isPlottable(v, log: log) else { return false }
        let f = fraction(v)
        return f >= -1e-9 && f <= 1 + 1e-9
    }

    /// The largest magnitude an axis takes (beyond it, ranges and steps would overflow),
    /// and the smallest value a log axis takes.
    public static let limit = 1e300
    public static let logFloor = 1e-300

    /// Whether a value can be placed on an axis at all: finite, at most `limit` in
    /// magnitude, and on a log axis at least `logFloor`.
    public static func isPlottable(_ v: Double, log: Bool) -> Bool {
        v.isFinite && Swift.abs(v) <= limit && (!log || v >= logFloor)
    }

    // MARK: - Nice numbers and labels

    /// A "nice" number near `x`: 1, 2 or 5 times a power of ten (Heckbert, Graphics
    /// Gems 1990): rounded to the nearest when `round`, else the next one up.
    static func niceNumber(_ x: Double, round: Bool) -> Double {
        guard x > 0, x.isFinite else { return 1 }
        let e = Glibc.floor(x.log10Value)
        let f = x / Glibc.pow(10, e)
        let nice: Double
        if round {
            nice = f < 1.5 ? 1 : f < 3 ? 2 : f < 7 ? 5 : 10
        } else {
            nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10
        }
        return nice * Glibc.pow(10, e)
    }

    /// The next nice number down: 1 → 0.5 → 0.2 → 0.1.
    static func finer(_ step: Double) -> Double {
        let e = Glibc.floor(step.log10Value + 1e-9)
        let f = (step / Glibc.pow(10, e)).rounded()
        return f >= 5 ? 2 * Glibc.pow(10, e) : f >= 2 ? Glibc.pow(10, e) : 0.5 * Glibc.pow(10, e)
    }

    /// A tick of a linear axis with ticks `step` apart: as many decimals as the step
    /// needs (`0.25`, `1500`), scientific for very large or small ones (`2e-05` → `2e-5`).
    static func linearLabel(_ v: Double, step: Double) -> String {
        if v == 0 { return "0" }
        let a = Swift.abs(v)
        if a >= 1e5 || a < 1e-3 {
            // mantissa with as many digits as the step needs relative to the value
            let e = Int(Glibc.floor(a.log10Value + 1e-12))
            let stepDigits = Swift.max(0, e - Int(Glibc.floor(step.log10Value + 1e-12)))
            let m = v / Glibc.pow(10, Double(e))
            var mantissa = formatFixed(m, decimals: Swift.min(stepDigits, 6))
            if mantissa.contains(".") {
                while mantissa.hasSuffix("0") { mantissa.removeLast() }
                if mantissa.hasSuffix(".") { mantissa.removeLast() }
            }
            return mantissa + "e" + String(e)
        }
        // Every tick with the decimals the step needs, so they line up: 0.5, 1.0, 1.5.
        let decimals = Swift.max(0, -Int(Glibc.floor(step.log10Value + 1e-9)))
        return formatFixed(v, decimals: Swift.min(decimals, 12))
    }

    /// A value like 0.02 or 500 written plainly (log axes within two decades).
    static func plainLabel(_ v: Double) -> String {
        let e = Int(Glibc.floor(v.log10Value + 1e-12))
        if e >= 5 || e < -4 { return linearLabel(v, step: Glibc.pow(10, Double(e))) }
        return linearLabel(v, step: Glibc.pow(10, Double(Swift.min(e, 0))))
    }

    /// A label with the true minus sign (U+2212) where Unicode is shown: `−0.5`, `2e−5`.
    static func minus(_ label: String, _ unicode: Bool) -> String {
        unicode ? String(label.map { $0 == "-" ? "\u{2212}" : $0 }) : label
    }

    /// `10⁻³`, `10⁰`, `10¹` (Unicode: every decade as a power) or `1e-3`, `1`, `10` (ASCII).
    static func decadeLabel(_ e: Int, unicode: Bool) -> String {
        guard unicode else { return e == 0 ? "1" : e == 1 ? "10" : "1e\(e)" }
        let superscripts: [Character] = ["⁰", "¹", "²", "³", "⁴", "⁵", "⁶", "⁷", "⁸", "⁹"]
        var s = "10"
        if e < 0 { s.append("⁻") }
        for d in String(Swift.abs(e)) { s.append(superscripts[Int(String(d))!]) }
        return s
    }
}

extension Double {
    var log10Value: Double { Glibc.log10(self) }
    var exp10Value: Double { Glibc.pow(10, self) }
}

/// A number for legends and notes: 3 significant digits (`1.23`, `4.5e-05`).
func formatLegend(_ x: Double) -> String { formatSummary(x, digits: 3) }
