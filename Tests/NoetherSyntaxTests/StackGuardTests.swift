import Testing

@testable import NoetherSyntax

/// The stack bounds come from the CStack shim (glibc's pthread_getattr_np).
@Suite struct StackGuardTests {
    #if os(Linux)
    @Test func knowsTheThreadsStack() {
        let size = StackGuard.currentStackSize
        #expect(size >= 64 * 1024 && size <= 1 << 34, "stack size \(size)")
        #expect(StackGuard().hasRoom)
    }
    #endif

    /// Recursing until the guard says stop ends well before the stack does.
    @Test func stopsRecursionBeforeTheStackEnds() {
        let guardian = StackGuard()
        func depth(_ n: Int) -> Int {
            guard guardian.hasRoom, n < 10_000_000 else { return n }
            var pad = (n, n, n, n)
            return withUnsafeMutablePointer(to: &pad) { _ in depth(n + 1) }
        }
        #expect(depth(0) < 10_000_000)
    }
}
