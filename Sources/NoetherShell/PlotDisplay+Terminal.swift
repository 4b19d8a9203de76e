#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NoetherLang

extension PlotDisplay {
    /// A provider for the executable: plots follow standard output's terminal (its
    /// size read at each print, so a resized window is used), or `COLUMNS`/`LINES`
    /// and the locale when standard output is not a terminal.
    public static func forStandardOutput(environment: [String: String] = ProcessInfo.processInfo.environment)
        -> @Sendable () -> PlotDisplay
    {
        let isTerminal = Console.isTerminal(1)
        return {
            var size = winsize()
            let known = isTerminal && ioctl(1, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0
            return PlotDisplay.detect(
                environment: environment,
                terminalColumns: known ? Int(size.ws_col) : nil,
                terminalRows: known && size.ws_row > 0 ? Int(size.ws_row) : nil)
        }
    }
}
