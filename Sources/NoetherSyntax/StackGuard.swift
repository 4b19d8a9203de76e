internal import CStack

/// A backstop against stack overflow in the recursive parser and evaluator.
///
/// Depth limits (the parser's nesting limit, the interpreter's call limit) bound
/// recursion for ordinary programs; this guard makes the bound hold on any thread,
/// whatever its stack size (Swift Testing's and Dispatch's threads have less stack
/// than the main thread). `init()` reads the current thread's stack bounds
/// (`pthread_getattr_np`, through the CStack shim); `hasRoom` then costs one
/// pointer comparison.
///
/// Contract: create it on the thread that uses it, and use it only there.
public struct StackGuard: Sendable {
    /// The lowest address recursion may reach (the stack grows down), or 0 when the
    /// bounds are unknown (then `hasRoom` is always true and the depth limits alone
    /// protect).
    private let limit: UInt

    public init() {
        var low: UnsafeMutableRawPointer?
        var size = 0
        if noether_thread_stack(&low, &size) == 0, let low, size > 0 {
            // Keep a quarter of the stack (at most 256 KiB) for the frames between
            // checks and for error reporting.
            let margin = Swift.min(256 * 1024, size / 4)
            limit = UInt(bitPattern: low) + UInt(margin)
        } else {
            limit = 0
        }
    }

    /// The size of the calling thread's stack in bytes (0 when unknown).
    public static var currentStackSize: Int {
        var low: UnsafeMutableRawPointer?
        var size = 0
        return noether_thread_stack(&low, &size) == 0 ? size : 0
    }

    /// Whether the current stack pointer is still above the reserved margin.
    @inline(__always)
    public var hasRoom: Bool {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > limit
    }
}
