#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherLang
import Synchronization

/// SIGINT and SIGWINCH for the interactive session.
///
/// The handlers only touch atomics (async-signal-safe): SIGINT counts itself and
/// raises the session's `InterruptFlag`, which long work polls, so Ctrl-C stops the
/// running command; SIGWINCH notes that the window changed. Both are installed
/// without `SA_RESTART`, so a `poll` waiting at the prompt returns `EINTR` and the
/// line editor acts at once (clears the line; re-reads the width).
enum Signals {
    /// SIGINTs not yet handled at the prompt.
    static let interrupts = Atomic<Int>(0)
    /// Whether the window size changed since last asked.
    static let resized = Atomic<Bool>(false)
    /// The flag SIGINT raises (the session interpreter's).
    private static let target = Atomic<Unmanaged<InterruptFlag>?>(nil)

    /// Installs both handlers; SIGINT raises `flag`. Safe to call again with
    /// another flag (the last one wins; the previous one is released).
    static func install(raising flag: InterruptFlag) {
        // Touch the atomics first: their lazy initialization must not run in a handler.
        _ = interrupts.load(ordering: .relaxed)
        _ = resized.load(ordering: .relaxed)
        let previous = target.exchange(Unmanaged.passRetained(flag), ordering: .acquiringAndReleasing)
        previous?.release()
        setHandler(SIGINT) { _ in
            Signals.interrupts.add(1, ordering: .relaxed)
            if let flag = Signals.target.load(ordering: .acquiring) {
                flag._withUnsafeGuaranteedRef { $0.raise() }
            }
        }
        setHandler(SIGWINCH) { _ in
            Signals.resized.store(true, ordering: .relaxed)
        }
    }

    /// Consumes pending SIGINTs; whether there was any.
    static func takeInterrupts() -> Bool {
        interrupts.exchange(0, ordering: .relaxed) > 0
    }

    private static func setHandler(_ signal: Int32, _ handler: @convention(c) (Int32) -> Void) {
        var action = sigaction()
        #if canImport(Glibc)
        action.__sigaction_handler.sa_handler = handler
        #else
        action.__sigaction_u.__sa_handler = handler
        #endif
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        sigaction(signal, &action, nil)
    }
}
