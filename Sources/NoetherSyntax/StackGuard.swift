internal import CStack

#if canImport(Glibc)
import Glibc
#endif

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
        if let (low, size) = StackGuard.bounds(), size > 0 {
            // Keep a quarter of the stack (at most 256 KiB) for the frames between
            // checks and for error reporting.
            let margin = Swift.min(256 * 1024, size / 4)
            limit = low + UInt(margin)
            return
        }
        limit = 0
    }

    /// The size of the calling thread's stack in bytes (0 when unknown).
    public static var currentStackSize: Int { bounds()?.size ?? 0 }

    #if canImport(Glibc)
    /// A thread-specific slot caching each thread's stack bounds: reading them
    /// (`pthread_getattr_np`) costs a system call, and scripts create a guard per
    /// statement. The slot is freed with its thread, so a new thread never sees an
    /// old thread's bounds.
    private static let boundsKey: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key) { pointer in free(pointer) }
        return key
    }()
    #endif

    /// The lowest address and the size of the calling thread's stack, or nil.
    private static func bounds() -> (low: UInt, size: Int)? {
        #if canImport(Glibc)
        if let cached = pthread_getspecific(boundsKey) {
            let pair = cached.assumingMemoryBound(to: UInt.self)
            return (pair[0], Int(pair[1]))
        }
        var low: UnsafeMutableRawPointer?
        var size = 0
        guard noether_thread_stack(&low, &size) == 0, let low, size > 0 else { return nil }
        if let slot = malloc(2 * MemoryLayout<UInt>.size) {
            let pair = slot.assumingMemoryBound(to: UInt.self)
            pair[0] = UInt(bitPattern: low)
            pair[1] = UInt(size)
            pthread_setspecific(boundsKey, slot)
        }
        return (UInt(bitPattern: low), size)
        #else
        return nil
        #endif
    }

    /// Whether the current stack pointer is still above the reserved margin.
    @inline(__always)
    public var hasRoom: Bool {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } > limit
    }
}
