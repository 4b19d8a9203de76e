import Synchronization

/// The one-line progress bar on standard error, drawn from a `ProgressTracker`'s
/// reports while a cell runs:
///
/// ```
/// train █████████░░░░░░░░░░░░░░░  1250/10000  412/s  0:21 left
/// ```
///
/// Nested work shows the outer task's bar and the inner task's count
/// (`sweep ███░░░ 3/10 · train 1200/2000 …`). It appears only after `delay`
/// seconds (quick commands never flash a bar), redraws at most every `interval`,
/// and is erased before any output and when the cell ends. It uses only `\r` and
/// spaces, so it works on any terminal; the REPL attaches it only when standard
/// error is a terminal.
public final class ProgressBar: Sendable {
    private struct State {
        var shownWidth = 0
        var lastDraw: ContinuousClock.Instant?
    }

    private let state = Mutex(State())
    private let clock = ContinuousClock()
    private let write: @Sendable (String) -> Void
    private let width: @Sendable () -> Int
    private let delay: Double
    private let interval: Double

    /// - Parameters:
    ///   - write: writes raw text to the terminal (no newline added).
    ///   - width: the terminal's width in columns.
    public init(
        delay: Double = 0.3, interval: Double = 0.1,
        width: @escaping @Sendable () -> Int, write: @escaping @Sendable (String) -> Void
    ) {
        self.delay = delay
        self.interval = interval
        self.width = width
        self.write = write
    }

    /// Draws the tasks (or erases the bar when there are none); throttled.
    public func show(_ tasks: [ProgressTracker.Task]) {
        guard let outer = tasks.first else {
            clear()
            return
        }
        guard outer.elapsed >= delay || tasks.contains(where: { $0.elapsed >= delay }) else { return }
        let now = clock.now
        state.withLock { s in
            if let last = s.lastDraw, now - last < .milliseconds(Int(interval * 1000)) { return }
            s.lastDraw = now
            let columns = Swift.max(20, width())
            let line = Self.render(tasks, width: columns - 1)
            let count = line.count
            write("\r" + line + String(repeating: " ", count: Swift.max(0, s.shownWidth - count)) + "\r")
            s.shownWidth = count
        }
    }

    /// Erases the bar if it is shown.
    public func clear() {
        state.withLock { s in
            guard s.shownWidth > 0 else { return }
            write("\r" + String(repeating: " ", count: s.shownWidth) + "\r")
            s.shownWidth = 0
            s.lastDraw = nil
        }
    }

    /// The bar's text for `tasks` (outermost first), at most `width` characters.
    public static func render(_ tasks: [ProgressTracker.Task], width: Int) -> String {
        guard let outer = tasks.first else { return "" }
        let inner = tasks.last!
        var counts = "\(outer.done)/\(outer.total)"
        if tasks.count > 1 { counts += " · \(inner.label) \(inner.done)/\(inner.total)" }
        // Rate and time left of the innermost task: the one that moves.
        var tail = ""
        if let rate = inner.rate { tail += "  \(formatRate(rate))/s" }
        if let left = (tasks.count > 1 ? outer : inner).secondsLeft { tail += "  \(formatDuration(left)) left" }
        let fixed = outer.label.count + 1 + 2 + counts.count + tail.count
        let barWidth = Swift.min(30, width - fixed)
        var line = outer.label + " "
        if barWidth >= 5 {
            let fraction = outer.total > 0 ? Double(outer.done) / Double(outer.total) : 0
            let filled = Swift.max(0, Swift.min(barWidth, Int((fraction * Double(barWidth)).rounded(.down))))
            line += String(repeating: "█", count: filled) + String(repeating: "░", count: barWidth - filled) + "  "
        }
        line += counts + tail
        return line.count > width ? String(line.prefix(width)) : line
    }

    /// `412`, `3.2k`, `0.5`: a rate in a few characters.
    static func formatRate(_ x: Double) -> String {
        if x >= 10_000 { return "\(Int((x / 1000).rounded()))k" }
        if x >= 1000 { return "\(Double(Int((x / 100).rounded())) / 10)k" }
        if x >= 10 { return "\(Int(x.rounded()))" }
        return "\(Double(Int((x * 10).rounded())) / 10)"
    }

    /// `0:21`, `12:05`, `3:02:10`; `>99h` beyond.
    static func formatDuration(_ seconds: Double) -> String {
        guard seconds.isFinite else { return "?" }
        if seconds >= 99 * 3600 { return ">99h" }
        let s = Int(seconds.rounded(.up))
        let h = s / 3600
        let m = (s % 3600) / 60
        let r = s % 60
        func two(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return h > 0 ? "\(h):\(two(m)):\(two(r))" : "\(m):\(two(r))"
    }
}
