import Foundation
import Testing

/// Compares `actual` with the golden file `Golden/<name>.txt` beside this file
/// (`name` may contain a folder: `help/train`).
/// Run with `RECORD_SNAPSHOTS=1` to (re)write the golden files instead.
func assertGolden(
    _ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation,
    filePath: String = #filePath
) {
    assertGoldenFile(actual, path: "\(name).txt", sourceLocation: sourceLocation, filePath: filePath)
}

/// Compares `actual` with `Golden/<path>` (any extension: `.txt`, `.svg` …);
/// `RECORD_SNAPSHOTS=1` rewrites it. A difference shows both texts.
func assertGoldenFile(
    _ actual: String, path: String, sourceLocation: SourceLocation = #_sourceLocation,
    filePath: String = #filePath
) {
    let url = URL(fileURLWithPath: filePath).deletingLastPathComponent().appendingPathComponent("Golden/\(path)")
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] != nil {
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? actual.write(to: url, atomically: true, encoding: .utf8)
        return
    }
    guard let expected = try? String(contentsOf: url, encoding: .utf8) else {
        Issue.record(
            "missing golden file \(url.path); run with RECORD_SNAPSHOTS=1 to create it", sourceLocation: sourceLocation)
        return
    }
    if expected != actual {
        Issue.record(
            """
            output differs from \(path) (re-record with RECORD_SNAPSHOTS=1)
            --- expected
            \(expected)
            --- actual
            \(actual)
            """, sourceLocation: sourceLocation)
    }
}
