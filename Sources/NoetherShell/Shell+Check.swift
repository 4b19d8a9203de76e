import Foundation
import NoetherLang
import NoetherSyntax

/// `noether check FILE.noe`: replay a saved session and compare every output with
/// the `#=> ` lines recorded under it.
extension Shell {
    /// Replays `source` without printing its outputs, compares each segment's output
    /// with its recorded lines (`tolerance`, or the cell's own `(rtol=…)` note), and
    /// prints a unified diff of the differences to standard output, then a summary line.
    /// Success when everything matches; failure (1) on a difference or a runtime error;
    /// 65 when the file does not parse.
    /// The user's files are never written: `save`, `save(net, …)`, `export` and
    /// `plot(file=)` write into a temporary folder, removed afterwards.
    public func check(_ source: SourceFile, tolerance: Tolerance) -> ExitStatus {
        withWritesRedirected { checkRedirected(source, tolerance: tolerance) }
    }

    /// Runs `body` with every file write of the session redirected into a fresh
    /// temporary folder (`FileWrites.redirect`), which is removed afterwards.
    func withWritesRedirected<T>(_ body: () -> T) -> T {
        let writes = interpreter.writes
        guard writes.redirect == nil else { return body() }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent(
            "noether-check-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        writes.redirect = folder.path
        defer {
            writes.redirect = nil
            try? FileManager.default.removeItem(at: folder)
        }
        return body()
    }

    private func checkRedirected(_ source: SourceFile, tolerance: Tolerance) -> ExitStatus {
        let program: Program
        do { program = try parseOrReport(source) } catch { return error }
        let segments = ScriptSegment.split(source, program)
        if let line = segments.lazy.compactMap(\.malformedNoteLine).first {
            console.err(
                "\(source.name):\(line):1: error: malformed tolerance note in '\(source.lineText(line))'"
                    + "\n  = note: write (rtol=1e-3), (atol=1e-9) or (rtol=1e-3, atol=1e-9), with non-negative numbers")
            return .dataError
        }
        echo = false
        defer { echo = true }
        let outcome = runSegments(segments, source: source, record: false)
        var hunks = [String]()
        var compared = 0
        var delta = 0
        // The segment that failed (the last one run) is reported as an error, not a diff.
        let failed = outcome.error != nil ? outcome.outputs.count - 1 : -1
        for (k, (segment, actual)) in zip(segments, outcome.outputs).enumerated() where k != failed {
            let t = segment.tolerance ?? tolerance
            if !segment.expected.isEmpty || !actual.isEmpty { compared += 1 }
            guard !OutputComparison.match(segment.expected, actual, tolerance: t) else { continue }
            let old = segment.expected.map(SessionScript.outputLine)
            let new = actual.map(SessionScript.outputLine)
            let edits = UnifiedDiff.lines(old, new) { a, b in
                OutputComparison.linesMatch(a, b, tolerance: t)
            }
            let title = segment.statements.last.map { source.text(of: $0.range) }.map(Shell.hunkTitle) ?? ""
            hunks.append(
                UnifiedDiff.hunk(
                    edits, oldStart: segment.outputLine, newStart: segment.outputLine + delta, title: title))
            delta += new.count - old.count
        }
        if !hunks.isEmpty {
            console.out("--- \(source.name) (recorded)\n+++ \(source.name) (replayed)\n" + hunks.joined().dropLast())
        }
        let tol = "rtol=\(formatNumber(tolerance.rtol)), atol=\(formatNumber(tolerance.atol))"
        if let error = outcome.error {
            report(error, source)
            console.err(
                "noether check: \(source.name): stopped by an error after \(outcome.outputs.count - 1) of \(segments.count) cells"
            )
            return error.kind == .runtime ? .failure : ExitStatus(error.kind)
        }
        if hunks.isEmpty {
            console.err("noether check: \(source.name): all \(compared) outputs match (\(tol))")
            return .success
        }
        console.err("noether check: \(source.name): \(hunks.count) of \(compared) outputs differ (\(tol))")
        return .failure
    }

    static func hunkTitle(_ text: String) -> String {
        let first = text.split(separator: "\n").first.map(String.init) ?? ""
        return first.count > 50 ? String(first.prefix(49)) + "…" : first
    }
}
