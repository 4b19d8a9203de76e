import Foundation
import Testing
@testable import NoetherLang

/// Tables: printing, columns, where, group, sort, join, export.
@Suite struct TableTests {
    static let setup = """
        t = table(lr=[0.1, 0.1, 0.01, 0.01, 0.001, 0.001], seed=[1, 2, 1, 2, 1, 2],
                  drift=[0.4, 0.6, 0.03, 0.05, 0.002, 0.002], diverged=[true, false, false, false, false, false])
        """

    private func harness() throws -> Harness {
        let h = Harness()
        try h.run(Self.setup)
        return h
    }

    @Test func printsAlignedUnderHeaders() throws {
        let h = try harness()
        try h.run("t")
        assertGolden(h.lines.joined(separator: "\n"), named: "table-print")
    }

    @Test func longTablesAreElidedInTheMiddle() throws {
        let h = Harness()
        try h.run("table(i=range(50), sq=range(50) ^ 2)")
        let lines = h.lines.joined(separator: "\n").split(separator: "\n").map(String.init)
        #expect(lines.count == 2 + 10 + 1 + 5 + 1)
        #expect(lines[12] == "… 35 more rows …")
        #expect(lines.last == "(50 rows × 2 columns)")
        #expect(lines[2].hasSuffix(" 0") && lines[17].hasSuffix("2401"))
    }

    @Test func cellsAreShortAndMissingCellsBlank() throws {
        let h = Harness()
        try h.run(
            "table([{a=1, b=[1.23456789, 2]}, {a=2, c=\"a long string that goes on and on and on past the width\"}])")
        assertGolden(h.lines.joined(separator: "\n"), named: "table-cells")
    }

    @Test func columnsAreLists() throws {
        let h = try harness()
        try h.run("t.lr\nt.diverged\ncolumns(t)\nlen(t)\nrows(t)[1].seed")
        #expect(
            h.lines == [
                "[0.1, 0.1, 0.01, 0.01, 0.001, 0.001]", "[true, false, false, false, false, false]",
                "[\"lr\", \"seed\", \"drift\", \"diverged\"]", "6", "2",
            ])
        #expect(h.error("t.dirft")?.contains("a table has no column 'dirft'") == true)
        #expect(h.error("t.dirft")?.contains("did you mean 'drift'?") == true)
    }

    @Test func whereFiltersByEquality() throws {
        let h = try harness()
        try h.run("len(where(t, diverged=false))\nwhere(t, lr=0.01, seed=2).drift\nlen(where(t, lr=0.5))")
        #expect(h.lines == ["5", "[0.05]", "0"])
        // Numbers match within a relative 1e-9 (logspace values typed back).
        try h.run(
            "u = table(lr=logspace(1e-4, 1, 10))\nlen(where(u, lr=0.0002782559402207126))\nlen(where(u, lr=0.00027825594022))"
        )
        #expect(h.lines.suffix(2) == ["1", "1"])
        #expect(h.error("where(t, lrr=1)")?.contains("the table has no column 'lrr'") == true)
        #expect(h.error("where(t)")?.contains("'where' needs a filter such as diverged=false") == true)
    }

    @Test func groupAveragesOverTheOtherAxes() throws {
        let h = try harness()
        try h.run("g = group(t, by=\"lr\", mean=\"drift\")\ng.lr\ng.drift_mean\ng.drift_std\ng.count\ncolumns(g)")
        #expect(h.lines[0] == "[0.001, 0.01, 0.1]")
        let means = try h.run("g.drift_mean").numbers!
        #expect(zip(means, [0.002, 0.04, 0.5]).allSatisfy { abs($0 - $1) < 1e-15 })
        let stds = try h.run("g.drift_std").numbers!
        #expect(zip(stds, [0, 0.01, 0.1]).allSatisfy { abs($0 - $1) < 1e-15 })
        #expect(h.lines[3] == "[2, 2, 2]")
        #expect(h.lines[4] == "[\"lr\", \"drift_mean\", \"drift_std\", \"count\"]")
    }

    @Test func groupByManyColumnsAndDefaultMeans() throws {
        let h = try harness()
        try h.run("columns(group(t, by=[\"lr\", \"diverged\"]))\nlen(group(t, by=[\"lr\", \"diverged\"]))")
        #expect(
            h.lines == [
                "[\"lr\", \"diverged\", \"seed_mean\", \"seed_std\", \"drift_mean\", \"drift_std\", \"count\"]", "4",
            ])
    }

    @Test func groupAveragesListCellsElementWiseAndSkipsMissing() throws {
        let h = Harness()
        try h.run(
            """
            t = table(lr=[1, 1, 2, 2], d=[[1, 10], [3, 30], [5, 50], [7, 70]])
            group(t, by="lr", mean="d").d_mean
            u = table([{lr=1, d=2}, {lr=1}, {lr=1, d=4}])
            group(u, by="lr", mean="d").count
            group(u, by="lr", mean="d").d_mean
            """)
        #expect(h.lines == ["[[2, 20], [6, 60]]", "[2]", "[3]"])
        #expect(
            h.error("group(table(a=[1], b=[\"x\"]), by=\"a\", mean=\"b\")")?
                .contains("column 'b' holds a string; group can only average numbers") == true)
        #expect(
            h.error("group(t, by=\"lr\", mean=\"lr\")")?.contains("'lr' is a grouping column and cannot be averaged")
                == true)
    }

    @Test func groupNeverMakesDuplicateColumns() throws {
        let h = Harness()
        try h.run(
            "t = table(count=[1, 1], x=[2, 4], x_mean=[0, 0])\ncolumns(group(t, by=[\"count\", \"x_mean\"], mean=\"x\"))"
        )
        #expect(h.lines == ["[\"count\", \"x_mean\", \"x_mean_2\", \"x_std\", \"count_2\"]"])
        #expect(h.error("group(t, by=[\"x\", \"x\"])")?.contains("'by' names a column twice") == true)
        #expect(h.error("group(t, by=\"count\", mean=[\"x\", \"x\"])")?.contains("'mean' names a column twice") == true)
    }

    @Test func sortIsStableAndPutsNanLast() throws {
        let h = Harness()
        try h.run(
            """
            t = table(k=[2, 1, 0/0, 1, 3], tag=["a", "b", "c", "d", "e"])
            sort(t, by="k").tag
            sort(t, by="k", descending=true).tag
            sort(table(a=[1, 1, 0], b=[2, 1, 5]), by=["a", "b"]).b
            sort([3, 1, 2])
            sort(["b", "a"], descending=true)
            """)
        #expect(
            h.lines == [
                "[\"b\", \"d\", \"a\", \"e\", \"c\"]", "[\"e\", \"a\", \"b\", \"d\", \"c\"]", "[5, 1, 2]",
                "[1, 2, 3]", "[\"b\", \"a\"]",
            ])
        #expect(h.error("sort(t)")?.contains("sorting a table needs by=COLUMN") == true)
    }

    @Test func joinMatchesRowsOnSharedColumns() throws {
        let h = Harness()
        try h.run(
            """
            a = table(lr=[0.1, 0.01, 0.001], loss=[1, 2, 3])
            b = table(lr=[0.01, 0.1, 0.5], drift=[20, 10, 50], loss=[7, 8, 9])
            j = join(a, b, on="lr")
            columns(j)
            j.lr
            j.drift
            j.loss_2
            len(join(a, table(lr=[0.1], x=[1])))
            """)
        #expect(h.lines == ["[\"lr\", \"loss\", \"drift\", \"loss_2\"]", "[0.1, 0.01]", "[10, 20]", "[8, 7]", "1"])
        #expect(h.error("join(a, table(z=[1]))")?.contains("the tables share no column to join on") == true)
    }

    @Test func csvRoundTripsNumbersExactly() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noether-csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = Harness()
        h.interpreter.baseDirectory = dir.path
        try h.run(
            """
            t = table(x=[0.1, 1/3, 1e-300, -2.5e17, 0/0, 1/0], s=["a,b", "say \\"hi\\"", "", " pad", "η", "x"],
                      l=[[1, 2], [0.1], [], [1], [2], [3]])
            export(t, "t.csv")
            export(t, "t.json")
            export({a=1, b=[0/0]}, "r.json")
            """)
        let csv = try String(contentsOf: dir.appendingPathComponent("t.csv"), encoding: .utf8)
        let lines = csv.split(separator: "\n").map(String.init)
        #expect(lines[0] == "x,s,l")
        #expect(lines[1] == "0.1,\"a,b\",\"[1,2]\"")
        #expect(lines[2] == "0.3333333333333333,\"say \"\"hi\"\"\",[0.1]")
        #expect(lines[4] == "-2.5e+17,\" pad\",[1]")
        #expect(lines[5] == "nan,η,[2]")
        #expect(lines[6] == "inf,x,[3]")
        let xs = lines.dropFirst().map { Double($0.split(separator: ",", maxSplits: 1)[0])! }
        #expect(
            xs[0] == 0.1 && xs[1] == 1.0 / 3 && xs[2] == 1e-300 && xs[3] == -2.5e17 && xs[4].isNaN && xs[5] == .infinity
        )
        let json =
            try JSONSerialization.jsonObject(with: Data(contentsOf: dir.appendingPathComponent("t.json")))
            as! [[String: Any]]
        #expect(json.count == 6)
        #expect(json[1]["x"] as? Double == 1.0 / 3)
        #expect(json[0]["s"] as? String == "a,b")
        #expect(json[4]["x"] is NSNull)
        #expect((json[0]["l"] as? [Double]) == [1, 2])
        let record = try String(contentsOf: dir.appendingPathComponent("r.json"), encoding: .utf8)
        #expect(record.contains("\"b\": [\n    null\n  ]"))
        #expect(h.error("export([1], \"x.csv\")")?.contains("can be written as CSV") == true)
        #expect(h.error("export(t, \"x.txt\")")?.contains("'export' writes .csv or .json files, not 'x.txt'") == true)
        #expect(h.error("export(t, \"no/such/dir/x.csv\")")?.contains("no such file or directory") == true)
    }

    @Test func aLongJoinStopsAtAnInterrupt() throws {
        let h = Harness()
        try h.run("t = table(a=range(3000))")
        h.interpreter.interrupt.raise()
        // The interrupt is noticed inside join (the call's own check comes first, so
        // go through the operation directly).
        guard case .object(let t as TableObject) = h.interpreter.globals["t"]! else {
            Issue.record("no table")
            return
        }
        #expect(throws: TableError.self) { try t.joined(with: t, on: ["a"], shouldStop: { true }) }
        h.interpreter.interrupt.clear()
        try h.run("len(join(t[0:10], t))")
        #expect(h.lines == ["10"])
    }

    @Test func tableConstructorChecksItsInput() {
        let h = Harness()
        #expect(h.error("table(a=[1, 2], b=[1])")?.contains("column 'b' has 1 values but 'a' has 2") == true)
        #expect(
            h.error("table([1, 2])")?.contains("'rows' must hold records like {lr=0.1, loss=2.3}, got a number") == true
        )
        #expect(
            h.error("table([{a=1}], b=[1])")?.contains("give either a list of records or named columns, not both")
                == true)
    }
}
