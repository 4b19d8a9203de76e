#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the terminal a stream is on.
enum Terminal {
    /// The width in columns of the terminal on `fd`; `fallback` when it is not one
    /// or does not say.
    static func columns(_ fd: Int32, fallback: Int = 80) -> Int {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return fallback }
        return Int(size.ws_col)
    }

    /// The height in lines of the terminal on `fd`; `fallback` when it is not one or
    /// does not say.
    static func rows(_ fd: Int32, fallback: Int = 24) -> Int {
        var size = winsize()
        guard ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0 else { return fallback }
        return Int(size.ws_row)
    }
}
