/// Progress of a long curvature computation: called with the units of work done so
/// far and the total (operator products, Lanczos steps, or rows of a dense
/// assembly), between blocks of work, never inside one. Returning `false` asks the
/// computation to stop: it then throws `EngineError.stopped` at that point, without
/// returning a partial result.
///
/// The total is an upper bound where the work can end early (Lanczos with a
/// tolerance), so the last report may have `done < total`.
public typealias CurvatureProgress = (_ done: Int, _ total: Int) -> Bool

extension EngineError {
    /// What a computation throws when its `CurvatureProgress` callback returned
    /// `false` (e.g. the user pressed Ctrl-C).
    public static let stopped = EngineError.curvature(.stopped)

    /// Whether this is `EngineError.stopped`.
    public var isStopped: Bool { self == .stopped }
}

/// Calls `progress` (when there is one); throws `.stopped` when it returns false.
@inline(__always)
func reportCurvatureProgress(_ progress: CurvatureProgress?, _ done: Int, _ total: Int) throws(EngineError) {
    if let progress, !progress(done, total) { throw .stopped }
}
