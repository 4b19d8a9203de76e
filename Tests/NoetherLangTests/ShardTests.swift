import Foundation
import NoetherSyntax
import Testing

@testable import NoetherLang

/// Sweeps as shards: the lossless point encoding, shards writing their points, and
/// `gather` (the store's mode and the builtin) giving the local table bit for bit.
@Suite struct ShardTests {
    /// Every bit of a value, for bit-for-bit comparisons (NaN payloads and −0 included).
    static func bits(_ v: Value) -> String {
        switch v {
        case .nothing: "none"
        case .bool(let b): "\(b)"
        case .number(let x): "#" + String(x.bitPattern, radix: 16)
        case .string(let s): "s:" + s
        case .list(let items): "[" + items.map(bits).joined(separator: ",") + "]"
        case .record(let r): "{" + r.fields.map { "\($0.name)=\(bits($0.value))" }.joined(separator: ",") + "}"
        case .object(let t as TableObject):
            "T(\(t.columns.joined(separator: ",")))" + t.rows.map { bits(.list($0)) }.joined(separator: ";")
        case .object(let o): "<\(type(of: o).typeName)>"
        case .function(let f): "fn " + f.name
        }
    }

    static func temporaryFolder() -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("noether-shards-\(UUID().uuidString)")
            .path
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    @Test func codecRoundTripsEveryBit() throws {
        let nan = Double(bitPattern: 0x7ff8_0000_dead_beef)
        let table = TableObject(columns: ["a", "b"], rows: [[.number(1), .string("x")], [.nothing, .bool(false)]])
        let value = Value.list([
            .number(0.1), .number(-0.0), .number(.infinity), .number(-.infinity), .number(nan),
            .number(.leastNonzeroMagnitude), .number(.greatestFiniteMagnitude), .string("é \"q\" \n\t\\ 🎉"),
            .bool(true), .nothing, .record(Record([("z", .number(1)), ("a", .list([]))])), .object(table),
        ])
        let json = try SweepValueCodec.encode(value).get()
        let text = json.serialized()
        let back = try #require(JSONValue.parse(text).flatMap(SweepValueCodec.decode))
        #expect(Self.bits(back) == Self.bits(value))
        #expect(text.contains("\"~\":0.1"), "numbers carry their decimal for reading")
    }

    @Test func objectsWithoutAStoredFormAreRefused() {
        let v = Value.list([.number(1), .function(.builtin(BuiltinRegistry.standard.builtins["len"]!))])
        guard case .failure(let e) = SweepValueCodec.encode(v) else {
            Issue.record("a function was encoded")
            return
        }
        #expect(e.typeName == "function")
    }

    @Test(arguments: ["", "{", "[1,", "{\"a\":}", "\"abc", "[1] x", "tru", "{\"f\":\"1\"", "[\"\\u12\"]"])
    func truncatedJSONIsRejected(text: String) {
        #expect(JSONValue.parse(text) == nil)
    }

    static let script = """
        base = 3
        t = sweep(a=[1, 2], b=[0.5, 0.25, 0.125]) {
          print("at", a, b)
          if a == 2 and b == 0.25 { undefined_name } else { {x=a * b + base, l=[b / 3, -0.0]} }
        }
        t
        """

    /// Runs `script` with a store in `mode` over `folder`; the value and printed lines.
    static func run(_ mode: ShardedSweeps.Mode?, _ folder: String, script: String = ShardTests.script)
        throws(Diagnostic) -> (value: Value, lines: [String], store: ShardedSweeps?)
    {
        var lines = [String]()
        let interpreter = Interpreter(output: { lines.append($0) })
        let store = mode.map {
            ShardedSweeps(results: SweepResults(directory: folder), mode: $0, script: Fingerprint.of(script))
        }
        interpreter.shardedSweeps = store
        do {
            let v = try interpreter.run(script, name: "grid.noe")
            return (v, lines, store)
        } catch {
            if store?.finishedShare == true { return (.nothing, lines, store) }
            throw error
        }
    }

    @Test func shardsThenGatherGiveTheLocalTableAndOutputBitForBit() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let local = try Self.run(nil, folder)
        for i in [2, 0, 1] {
            let shard = try Self.run(.shard(index: i, count: 3), folder)
            #expect(shard.store?.finishedShare == true)
            #expect(shard.lines.isEmpty, "a shard keeps its points' output in their files")
            let written = (0..<6).filter {
                FileManager.default.fileExists(atPath: "\(folder)/sweep-1/point-00000\($0).json")
            }
            #expect(written.contains { $0 % 3 == i })
        }
        let gathered = try Self.run(.gather, folder)
        #expect(Self.bits(gathered.value) == Self.bits(local.value))
        #expect(gathered.lines == local.lines)
        let builtin = Harness()
        let table = try builtin.run("gather(\"\(folder)\")")
        #expect(Self.bits(table) == Self.bits(local.value))
        // The failing point is a row with its error, as locally.
        guard case .object(let t as TableObject) = table else { throw Failure.notATable }
        #expect(t.columns == ["a", "b", "x", "l", "error"])
        // No temporary file is left behind.
        let names = try FileManager.default.contentsOfDirectory(atPath: folder + "/sweep-1")
        #expect(names.sorted() == (0..<6).map { "point-00000\($0).json" })
    }

    enum Failure: Error { case notATable }

    @Test func aShardSkipsPointsAlreadyWrittenAndGoesOnWhenTheSweepIsComplete() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Self.run(.shard(index: 0, count: 1), folder)
        let file = folder + "/sweep-1/point-000003.json"
        let before = try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date
        try FileManager.default.removeItem(atPath: folder + "/sweep-1/point-000004.json")
        let again = try Self.run(.shard(index: 0, count: 1), folder)
        guard case .wrote(let n, let present)? = again.store?.reports.first?.action else {
            Issue.record("the shard did not write")
            return
        }
        #expect(n == 1 && present == 6)
        #expect(try FileManager.default.attributesOfItem(atPath: file)[.modificationDate] as? Date == before)
        // Complete: a shard now reads the sweep back and runs the rest of the script.
        let whole = try Self.run(.shard(index: 0, count: 1), folder)
        #expect(whole.store?.finishedShare == false)
        #expect(whole.lines.count == 7)
    }

    @Test func gatherListsMissingPointsAndRefusesForeignOrCorruptFiles() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        _ = try Self.run(.shard(index: 1, count: 2), folder)
        let h = Harness()
        let missing = try #require(h.error("gather(\"\(folder)\")"))
        #expect(missing.contains("is missing 3 of 6 points"))
        #expect(missing.contains("missing point 0 (a=1, b=0.5)"))
        #expect(missing.contains("missing point 4 (a=2, b=0.25)"))
        _ = try Self.run(.shard(index: 0, count: 2), folder)
        // Truncated.
        let p1 = folder + "/sweep-1/point-000001.json"
        let text = try String(contentsOfFile: p1, encoding: .utf8)
        try String(text.prefix(40)).write(toFile: p1, atomically: true, encoding: .utf8)
        let truncated = try #require(h.error("gather(\"\(folder)\")"))
        #expect(truncated.contains("corrupt file '\(p1)'"))
        // Another version.
        try text.replacingOccurrences(of: "\"version\":1", with: "\"version\":9").write(
            toFile: p1, atomically: true, encoding: .utf8)
        let version = try #require(h.error("gather(\"\(folder)\")"))
        #expect(version.contains("'\(p1)' is a version 9 noether-sweep-point file; this noether reads version 1"))
        // Another script.
        try text.replacingOccurrences(of: Fingerprint.of(Self.script), with: "0123456789abcdef").write(
            toFile: p1, atomically: true, encoding: .utf8)
        let foreign = try #require(h.error("gather(\"\(folder)\")"))
        #expect(foreign.contains("'\(p1)' was written by another script"))
        // A shard of another script is refused by the sweep's manifest.
        let other = Self.script.replacingOccurrences(of: "base = 3", with: "base = 4")
        #expect(throws: Diagnostic.self) { try Self.run(.shard(index: 0, count: 2), folder, script: other) }
        // Nothing was overwritten by the refusals.
        #expect(try String(contentsOfFile: p1, encoding: .utf8).contains("0123456789abcdef"))
    }

    @Test func aLaterSweepThatNeedsTheFirstRunsAtGather() throws {
        let folder = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = """
            t = sweep(a=[1, 2, 3], b=[10, 20]) { {x=a * b} }
            u = sweep(b=[10, 20]) { sum(where(t, b=b).x) }
            u.value
            """
        let local = try Self.run(nil, folder, script: script)
        for i in 0..<2 {
            let shard = try Self.run(.shard(index: i, count: 2), folder, script: script)
            #expect(shard.store?.reports.map(\.sweep) == [1])
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/sweep-2.json"))
        let gathered = try Self.run(.gather, folder, script: script)
        #expect(Self.bits(gathered.value) == Self.bits(local.value))
        #expect(gathered.lines == ["[60, 120]"])
        guard case .ranHere? = gathered.store?.reports.last?.action else {
            Issue.record("the second sweep was not run at gather")
            return
        }
        // With nothing written at all, gather says so instead of running everything.
        let empty = Self.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect(throws: Diagnostic.self) { try Self.run(.gather, empty, script: script) }
    }

    @Test func deeplyNestedValuesRoundTrip() throws {
        var v = Value.number(1)
        for i in 0..<99 { v = i % 2 == 0 ? .list([v]) : .record(Record([("f", v)])) }
        let text = try SweepValueCodec.encode(v).get().serialized()
        let back = try #require(JSONValue.parse(text).flatMap(SweepValueCodec.decode))
        #expect(Self.bits(back) == Self.bits(v))
    }
}
