import Foundation
import NoetherEngine
import NoetherLang

/// The top of a results directory: `run.json` (which script, its parameters, where it
/// ran, how many shards, the Slurm settings) and `script.noe` (the script's text, what
/// every shard, `gather` and `--resume` run). The sweeps' files beside them are
/// `SweepResults`' (NoetherLang/Sweep/SweepResults.swift).
struct ResultsDirectory {
    static let format = "noether-results"

    let path: String
    var runFile: String { path + "/run.json" }
    var scriptFile: String { path + "/script.noe" }
    var slurmFolder: String { path + "/slurm" }

    /// What `run.json` holds.
    struct Run {
        /// The fingerprint of the script's text and parameters.
        var fingerprint: String
        /// The script's name as given (for messages; the text is `script.noe`).
        var name: String
        /// `-p NAME=VALUE` texts, in order.
        var parameters: [String]
        /// Where the script ran: relative paths in it are relative to this folder.
        var workingDirectory: String
        /// The number of shards, when known.
        var shards: Int?
        /// `submit`'s settings, for `--resume`.
        var slurm: [(String, String)] = []

        static func fingerprint(text: String, parameters: [String]) -> String {
            Fingerprint.of(([text] + parameters).joined(separator: "\u{0}"))
        }

        var json: JSONValue {
            var pairs: [(String, JSONValue)] = [
                ("format", .string(ResultsDirectory.format)), ("version", .number(Double(SweepResults.version))),
                ("script", .string(fingerprint)), ("name", .string(name)),
                ("parameters", .array(parameters.map { .string($0) })),
                ("workingDirectory", .string(workingDirectory)),
            ]
            if let shards { pairs.append(("shards", .number(Double(shards)))) }
            if !slurm.isEmpty { pairs.append(("slurm", .object(slurm.map { ($0.0, .string($0.1)) }))) }
            return .object(pairs)
        }
    }

    /// `run.json`, or nil when the directory has none.
    func readRun() throws(SweepResults.Failure) -> Run? {
        guard TextFile.exists(runFile) else { return nil }
        let text: String
        do throws(EngineError) { text = try TextFile.read(runFile) } catch { throw .init(error.message) }
        guard let json = JSONValue.parse(text) else {
            throw .init("corrupt file '\(runFile)': not a complete JSON document (truncated?)")
        }
        guard json["format"]?.stringValue == ResultsDirectory.format else {
            throw .init("'\(runFile)' is not a \(ResultsDirectory.format) file")
        }
        guard json["version"]?.intValue == SweepResults.version else {
            throw .init(
                "'\(runFile)' is a version \(json["version"]?.serialized() ?? "none") results directory; this noether reads version \(SweepResults.version)"
            )
        }
        guard let fingerprint = json["script"]?.stringValue, let name = json["name"]?.stringValue,
            let parameters = json["parameters"]?.arrayValue?.compactMap(\.stringValue),
            let workingDirectory = json["workingDirectory"]?.stringValue
        else { throw .init("corrupt file '\(runFile)': a field is missing") }
        var slurm = [(String, String)]()
        if case .object(let pairs)? = json["slurm"] {
            for (k, v) in pairs { if let s = v.stringValue { slurm.append((k, s)) } }
        }
        return Run(
            fingerprint: fingerprint, name: name, parameters: parameters, workingDirectory: workingDirectory,
            shards: json["shards"]?.intValue, slurm: slurm)
    }

    /// Makes the directory hold `run` with `text` as its script: creates both files when
    /// absent; when present they must be the same script with the same parameters (else
    /// the directory is another run's and is refused). Never overwrites `script.noe`.
    func prepare(_ run: Run, text: String, replacingRun: Bool = false) throws(SweepResults.Failure) {
        if let existing = try readRun() {
            guard existing.fingerprint == run.fingerprint else {
                throw .init(
                    "the results directory '\(path)' belongs to another script or other parameters ('\(existing.name)', fingerprint \(existing.fingerprint); '\(run.name)' has \(run.fingerprint))",
                    hint: "give another --results directory")
            }
            if let shards = existing.shards, let wanted = run.shards, shards != wanted {
                throw .init(
                    "the results directory '\(path)' was started with \(shards) shards, not \(wanted)",
                    hint: "keep --shard I/\(shards) (or the same --array-size), or use another directory")
            }
            if replacingRun { try SweepResults.writeAtomically(run.json.serialized(pretty: true) + "\n", to: runFile) }
        } else {
            try SweepResults.makeDirectory(path)
            try SweepResults.writeAtomically(run.json.serialized(pretty: true) + "\n", to: runFile)
        }
        if !TextFile.exists(scriptFile) { try SweepResults.writeAtomically(text, to: scriptFile) }
    }

    /// The script's text from `script.noe`, checked against `run.json`'s fingerprint.
    func script(of run: Run) throws(SweepResults.Failure) -> String {
        let text: String
        do throws(EngineError) { text = try TextFile.read(scriptFile) } catch { throw .init(error.message) }
        guard Run.fingerprint(text: text, parameters: run.parameters) == run.fingerprint else {
            throw .init("'\(scriptFile)' is not the script '\(runFile)' names (its fingerprint differs)")
        }
        return text
    }

    /// Every sweep a shard has started, with the indices of its missing points; each
    /// point file present is read, so a corrupt one is reported (naming it) here.
    func missingPoints() throws(SweepResults.Failure) -> [(manifest: SweepResults.Manifest, missing: [Int])] {
        let results = SweepResults(directory: path)
        var out = [(manifest: SweepResults.Manifest, missing: [Int])]()
        var k = 1
        while let manifest = try results.readManifest(sweep: k) {
            var missing = [Int]()
            for i in 0..<manifest.pointCount where try results.readPoint(i, of: manifest) == nil { missing.append(i) }
            out.append((manifest, missing))
            k += 1
        }
        return out
    }

    /// An absolute form of `path` (relative to the current directory).
    static func absolute(_ path: String) -> String {
        if path.hasPrefix("/") { return path }
        let cwd = FileManager.default.currentDirectoryPath
        return path == "." ? cwd : cwd + "/" + path
    }
}
