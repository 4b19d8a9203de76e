import Synchronization

/// A flag another thread (a SIGINT handler, a test) raises to stop the running
/// command. Long work polls it between steps; the interpreter turns it into an
/// `interrupted` diagnostic and keeps every binding made before.
public final class InterruptFlag: Sendable {
    private let raised = Atomic<Bool>(false)

    public init() {}

    public func raise() { raised.store(true, ordering: .relaxed) }
    public func clear() { raised.store(false, ordering: .relaxed) }
    public var isRaised: Bool { raised.load(ordering: .relaxed) }
}
