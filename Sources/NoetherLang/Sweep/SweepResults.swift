#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine

/// A results directory: where the shards of a sweep write their points and where
/// `gather` reads them back.
///
/// ```
/// DIR/sweep-1.json              the first sweep's manifest: fingerprints, line, axes
/// DIR/sweep-1/point-000004.json one finished point: index, axis values, value, output
/// ```
/// Every file is written under a temporary name and then renamed, so a killed task
/// leaves either the whole file or none (a stray `.tmp-PID` file at worst, which is
/// never read). Files carry a format name and version, the script's fingerprint and
/// the grid's, and are refused, naming the file, when any of them does not match.
public struct SweepResults: Sendable {
    /// The version of the point and manifest files this build writes and reads.
    public static let version = 1
    public static let pointFormat = "noether-sweep-point"
    public static let manifestFormat = "noether-sweep"

    public let directory: String

    public init(directory: String) {
        var d = directory
        while d.count > 1 && d.hasSuffix("/") { d.removeLast() }
        self.directory = d
    }

    /// Why a results directory could not be used; the message names the file.
    public struct Failure: Error, Sendable {
        public let message: String
        public let hint: String?
        /// One line each, e.g. the missing points.
        public let notes: [String]
        public init(_ message: String, hint: String? = nil, notes: [String] = []) {
            self.message = message
            self.hint = hint
            self.notes = notes
        }
    }

    public func manifestFile(sweep: Int) -> String { "\(directory)/sweep-\(sweep).json" }
    public func pointDirectory(sweep: Int) -> String { "\(directory)/sweep-\(sweep)" }
    public func pointFile(sweep: Int, index: Int) -> String {
        let n = String(index)
        return
            "\(pointDirectory(sweep: sweep))/point-\(String(repeating: "0", count: Swift.max(0, 6 - n.count)) + n).json"
    }

    // MARK: - Manifests

    /// What a sweep is: which script (fingerprint), which grid, where it is written.
    public struct Manifest: Sendable {
        public var script: String
        public var grid: String
        /// 1 for the script's first sweep, in the order sweeps run.
        public var sweep: Int
        public var line: Int
        public var axes: [SweepPlan.Axis]
        public var pointCount: Int { axes.reduce(1) { $0 * $1.values.count } }

        /// The manifest of `axes` as the `sweep`-th sweep of the script `script`, or
        /// the name of an axis whose values cannot be stored.
        public static func make(script: String, sweep: Int, line: Int, axes: [SweepPlan.Axis]) -> Result<
            Manifest, SweepValueCodec.Unstorable
        > {
            var m = Manifest(script: script, grid: "", sweep: sweep, line: line, axes: axes)
            switch m.axesJSON {
            case .success(let j):
                m.grid = Fingerprint.of("\(script)/\(sweep)/" + j.serialized())
                return .success(m)
            case .failure(let e): return .failure(e)
            }
        }

        var axesJSON: Result<JSONValue, SweepValueCodec.Unstorable> {
            var out = [JSONValue]()
            for a in axes {
                switch SweepValueCodec.encode(.list(a.values)) {
                case .success(let j): out.append(.array([.string(a.name), j]))
                case .failure(let e): return .failure(e)
                }
            }
            return .success(.array(out))
        }

        var json: JSONValue {
            .object([
                ("format", .string(SweepResults.manifestFormat)), ("version", .number(Double(SweepResults.version))),
                ("script", .string(script)), ("grid", .string(grid)), ("sweep", .number(Double(sweep))),
                ("line", .number(Double(line))), ("points", .number(Double(pointCount))),
                ("axes", (try? axesJSON.get()) ?? .null),
            ])
        }
    }

    /// The manifest of sweep `sweep`, or nil when no shard has reached it.
    public func readManifest(sweep: Int) throws(Failure) -> Manifest? {
        let file = manifestFile(sweep: sweep)
        guard TextFile.exists(file) else { return nil }
        let json = try readJSON(file, format: SweepResults.manifestFormat)
        guard let script = json["script"]?.stringValue, let grid = json["grid"]?.stringValue,
            json["sweep"]?.intValue == sweep, let line = json["line"]?.intValue, let axesJSON = json["axes"]?.arrayValue
        else { throw Failure("corrupt sweep manifest '\(file)': a field is missing or wrong") }
        var axes = [SweepPlan.Axis]()
        for a in axesJSON {
            guard let pair = a.arrayValue, pair.count == 2, let name = pair[0].stringValue,
                case .list(let values)? = SweepValueCodec.decode(pair[1]), !values.isEmpty
            else { throw Failure("corrupt sweep manifest '\(file)': an axis cannot be read") }
            axes.append(SweepPlan.Axis(name: name, values: values))
        }
        let m = Manifest(script: script, grid: grid, sweep: sweep, line: line, axes: axes)
        guard json["points"]?.intValue == m.pointCount else {
            throw Failure("corrupt sweep manifest '\(file)': its point count does not match its axes")
        }
        return m
    }

    /// Writes the manifest of a sweep unless one is there, which must then be the same
    /// script's same grid (else the directory belongs to another run and is refused).
    public func claim(_ manifest: Manifest) throws(Failure) {
        if let existing = try readManifest(sweep: manifest.sweep) {
            try SweepResults.check(existing, against: manifest, file: manifestFile(sweep: manifest.sweep))
            return
        }
        try SweepResults.makeDirectory(directory)
        try SweepResults.makeDirectory(pointDirectory(sweep: manifest.sweep))
        try SweepResults.writeAtomically(
            manifest.json.serialized(pretty: true) + "\n", to: manifestFile(sweep: manifest.sweep))
    }

    static func check(_ found: Manifest, against expected: Manifest, file: String) throws(Failure) {
        guard found.script == expected.script else {
            throw Failure(
                "'\(file)' was written by another script (fingerprint \(found.script), this script's is \(expected.script))",
                hint: "use another results directory, or remove this one")
        }
        guard found.grid == expected.grid else {
            throw Failure(
                "'\(file)' holds another grid for sweep \(expected.sweep) (fingerprint \(found.grid), this run's is \(expected.grid))",
                hint: "the script's sweep changed (a parameter?); use another results directory")
        }
    }

    // MARK: - Points

    /// Writes one finished point (atomically). Fails when its value cannot be stored.
    public func write(_ result: SweepPointResult, of manifest: Manifest) throws(Failure) {
        var pairs: [(String, JSONValue)] = [
            ("format", .string(SweepResults.pointFormat)), ("version", .number(Double(SweepResults.version))),
            ("script", .string(manifest.script)), ("grid", .string(manifest.grid)),
            ("sweep", .number(Double(manifest.sweep))), ("index", .number(Double(result.index))),
        ]
        let at = SweepPlan.coordinates(axes: manifest.axes, of: result.index)
        pairs.append(("at", (try? SweepValueCodec.encode(.record(Record(at))).get()) ?? .null))
        switch result.outcome {
        case .value(let v):
            switch SweepValueCodec.encode(v) {
            case .success(let j):
                pairs.append(("outcome", .string("value")))
                pairs.append(("value", j))
            case .failure(let e):
                let where_ = at.map { "\($0.name)=\($0.value.rendered)" }.joined(separator: ", ")
                throw Failure(
                    "point \(result.index) (\(where_)) of the sweep at line \(manifest.line) gave a \(e.typeName), which a point file cannot hold",
                    hint: "make the block give numbers, strings, booleans, lists, records or tables (e.g. run.drift)")
            }
        case .failed(let message):
            pairs.append(("outcome", .string("error")))
            pairs.append(("error", .string(message)))
        case .interrupted:
            return
        }
        pairs.append(("output", .array(result.output.map { .string($0) })))
        try SweepResults.writeAtomically(
            JSONValue.object(pairs).serialized() + "\n", to: pointFile(sweep: manifest.sweep, index: result.index))
    }

    /// Point `index` of the sweep, or nil when its file is not there. A file that is
    /// truncated, of another version, another script or grid, or another point is
    /// refused, naming it.
    public func readPoint(_ index: Int, of manifest: Manifest) throws(Failure) -> SweepPointResult? {
        let file = pointFile(sweep: manifest.sweep, index: index)
        guard TextFile.exists(file) else { return nil }
        let json = try readJSON(file, format: SweepResults.pointFormat)
        guard let script = json["script"]?.stringValue, let grid = json["grid"]?.stringValue else {
            throw Failure("corrupt point file '\(file)': no fingerprints")
        }
        guard script == manifest.script else {
            throw Failure(
                "'\(file)' was written by another script (fingerprint \(script), this script's is \(manifest.script))",
                hint: "a results directory holds the points of one script; remove the file or use another directory")
        }
        guard grid == manifest.grid else {
            throw Failure(
                "'\(file)' belongs to another grid (fingerprint \(grid), this sweep's is \(manifest.grid))",
                hint: "remove the file, or use another results directory")
        }
        guard json["sweep"]?.intValue == manifest.sweep, json["index"]?.intValue == index else {
            throw Failure("corrupt point file '\(file)': it holds another point than its name says")
        }
        let output = json["output"]?.arrayValue?.compactMap(\.stringValue) ?? []
        switch json["outcome"]?.stringValue {
        case "value":
            guard let stored = json["value"], let v = SweepValueCodec.decode(stored) else {
                throw Failure("corrupt point file '\(file)': its value cannot be read")
            }
            return SweepPointResult(index: index, outcome: .value(v), output: output)
        case "error":
            guard let message = json["error"]?.stringValue else {
                throw Failure("corrupt point file '\(file)': its error has no message")
            }
            return SweepPointResult(index: index, outcome: .failed(message), output: output)
        default:
            throw Failure("corrupt point file '\(file)': no outcome")
        }
    }

    /// The indices with no point file.
    public func missing(_ manifest: Manifest) -> [Int] {
        (0..<manifest.pointCount).filter { !TextFile.exists(pointFile(sweep: manifest.sweep, index: $0)) }
    }

    /// "4 (lr=0.01, seed=2)" — a point named by index and axis values, for messages.
    public static func describe(_ index: Int, _ manifest: Manifest) -> String {
        let at = SweepPlan.coordinates(axes: manifest.axes, of: index)
        return "\(index) (" + at.map { "\($0.name)=\($0.value.rendered)" }.joined(separator: ", ") + ")"
    }

    /// Every point of the sweep, read from its files; fails listing the missing ones.
    public func readAll(_ manifest: Manifest) throws(Failure) -> [SweepPointResult] {
        var out = [SweepPointResult]()
        var absent = [Int]()
        for i in 0..<manifest.pointCount {
            if let r = try readPoint(i, of: manifest) { out.append(r) } else { absent.append(i) }
        }
        guard absent.isEmpty else {
            var notes = absent.prefix(50).map { "missing point \(SweepResults.describe($0, manifest))" }
            if absent.count > 50 { notes.append("… and \(absent.count - 50) more") }
            throw Failure(
                "the sweep at line \(manifest.line) (sweep \(manifest.sweep) in '\(directory)') is missing \(absent.count) of \(manifest.pointCount) points",
                hint: "run the missing shards: noether submit --resume \(directory), or noether --shard I/N",
                notes: notes)
        }
        return out
    }

    // MARK: - Files

    private func readJSON(_ file: String, format: String) throws(Failure) -> JSONValue {
        let text: String
        do throws(EngineError) {
            text = try TextFile.read(file)
        } catch {
            throw Failure(error.message)
        }
        guard let json = JSONValue.parse(text) else {
            throw Failure(
                "corrupt file '\(file)': not a complete JSON document (truncated?)",
                hint: "remove it; the point is then missing and runs again on resume")
        }
        guard json["format"]?.stringValue == format else {
            throw Failure("'\(file)' is not a \(format) file")
        }
        guard let version = json["version"]?.intValue, version == SweepResults.version else {
            let v = json["version"].map { $0.serialized() } ?? "none"
            throw Failure(
                "'\(file)' is a version \(v) \(format) file; this noether reads version \(SweepResults.version)",
                hint: "gather it with the noether that wrote it, or run the sweep again")
        }
        return json
    }

    /// Creates a directory (and its parents); fine when it exists.
    public static func makeDirectory(_ path: String) throws(Failure) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for part in path.split(separator: "/") {
            prefix += part
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw Failure("cannot create the folder '\(prefix)': \(String(cString: strerror(errno)).lowercased())")
            }
            prefix += "/"
        }
    }

    /// Writes `text` under a temporary name beside `path`, then renames it into place,
    /// so readers see the whole file or none.
    public static func writeAtomically(_ text: String, to path: String) throws(Failure) {
        let temporary = "\(path).tmp-\(getpid())"
        do throws(EngineError) {
            try TextFile.write(text, to: temporary)
        } catch {
            unlink(temporary)
            throw Failure(error.message)
        }
        guard rename(temporary, path) == 0 else {
            let why = String(cString: strerror(errno)).lowercased()
            unlink(temporary)
            throw Failure("cannot write '\(path)': \(why)")
        }
    }
}
