import Synchronization

/// The size and character set a plot value prints with.
///
/// A plot is drawn when it is printed, so it follows the terminal: the `noether`
/// executable installs a provider that reads the terminal's size each time
/// (`PlotDisplay.provider`); libraries and tests get `standard` (72×20, Unicode), so
/// their output does not depend on where they run.
public struct PlotDisplay: Sendable, Equatable {
    /// Columns the whole plot may use.
    public var width: Int
    /// Lines the whole plot may use (title, legend and notes included).
    public var height: Int
    /// Braille and box-drawing characters; ASCII when false.
    public var unicode: Bool

    public init(width: Int, height: Int, unicode: Bool) {
        self.width = width
        self.height = height
        self.unicode = unicode
    }

    /// 72 columns by 20 lines, Unicode: what a plot uses when the terminal is unknown.
    public static let standard = PlotDisplay(width: 72, height: 20, unicode: true)

    private static let state = Mutex<@Sendable () -> PlotDisplay>({ standard })

    /// Where plots get their size and character set when printed.
    public static var provider: @Sendable () -> PlotDisplay {
        get { state.withLock { $0 } }
        set { state.withLock { $0 = newValue } }
    }

    /// The display a plot printed now uses.
    public static var current: PlotDisplay { provider() }

    /// The display for an output stream: the terminal's columns (or `COLUMNS`, or 72)
    /// and its rows less a few for the prompt (or `LINES`, or 20 lines), between
    /// sensible bounds; ASCII when `TERM` is `dumb` or the locale (`LC_ALL`, else
    /// `LC_CTYPE`, else `LANG`) is not UTF-8 — an unset locale is the C locale,
    /// which is not.
    public static func detect(environment: [String: String], terminalColumns: Int?, terminalRows: Int?) -> PlotDisplay {
        let columns = terminalColumns ?? environment["COLUMNS"].flatMap { Int($0) }
        let rows = terminalRows ?? environment["LINES"].flatMap { Int($0) }
        let width = columns.map { Swift.min(200, Swift.max(40, $0)) } ?? standard.width
        let height = rows.map { Swift.min(24, Swift.max(12, $0 - 4)) } ?? standard.height
        return PlotDisplay(width: width, height: height, unicode: supportsUnicode(environment))
    }

    /// Whether the environment promises a UTF-8 terminal that draws Unicode.
    public static func supportsUnicode(_ environment: [String: String]) -> Bool {
        if environment["TERM"] == "dumb" { return false }
        let locale = ["LC_ALL", "LC_CTYPE", "LANG"].lazy.compactMap { environment[$0] }.first { !$0.isEmpty }
        guard let locale else { return false }
        let lower = locale.lowercased()
        return lower.contains("utf-8") || lower.contains("utf8")
    }
}
