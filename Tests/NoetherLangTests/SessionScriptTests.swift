import NoetherSyntax
import Testing
@testable import NoetherLang

/// The saved-session format: rendering, cutting back into segments, comparing outputs.
@Suite struct SessionScriptTests {
    private func segments(_ text: String, mode: ScriptSegment.Mode = .byOutput) throws -> [ScriptSegment] {
        let source = SourceFile(name: "s.noe", text: text)
        return ScriptSegment.split(source, try Parser.parse(source), mode: mode)
    }

    @Test func renderWritesCellsWithTheirOutput() {
        let text = SessionScript.render(
            [
                RecordedCell(text: "x = 1", output: []),
                RecordedCell(text: "## prose\nx + 1", output: ["2"]),
                RecordedCell(text: "print(\"a\")\nprint(\"\")", output: ["a", ""]),
            ], header: ["# Noether 0.1.0 session saved today, BLAS threads 1", "# replay: noether FILE.noe"])
        #expect(
            text == """
                # Noether 0.1.0 session saved today, BLAS threads 1
                # replay: noether FILE.noe

                x = 1

                ## prose
                x + 1
                #=> 2

                print("a")
                print("")
                #=> a
                #=>

                """)
    }

    @Test func outputSegmentsGroupStatementsUpToRecordedOutput() throws {
        let s = try segments(
            """
            # Noether 0.1.0 session saved today, BLAS threads 1
            # replay: noether FILE.noe

            x = 1

            ## prose
            x + 1
            #=> 2

            print("a")
            print("")
            #=> a
            #=>
            y = 3
            ## trailing prose
            """)
        #expect(s.count == 3)
        #expect(s[0].statements.count == 2 && s[0].text == "x = 1\n\n## prose\nx + 1" && s[0].expected == ["2"])
        #expect(s[0].outputLine == 8)
        #expect(s[1].statements.count == 2 && s[1].expected == ["a", ""] && s[1].text == "print(\"a\")\nprint(\"\")")
        #expect(s[2].statements.count == 1 && s[2].expected == [] && s[2].text == "y = 3\n## trailing prose")
    }

    @Test func statementSegmentsKeepEveryStatementApart() throws {
        let s = try segments("a = 1; b = 2\nc = 3\n#=> x\n## about d\nd = 4", mode: .byStatement)
        #expect(s.map(\.text) == ["a = 1; b = 2", "c = 3", "## about d\nd = 4"])
        #expect(s.map(\.statements.count) == [2, 1, 1])
        #expect(s[1].expected == ["x"])
    }

    @Test func renderedSessionsSplitBackIntoTheirCells() throws {
        let cells = [
            RecordedCell(text: "## Intro\nxs = [1, 2]", output: []),
            RecordedCell(text: "for x in xs {\n  print(x)\n}", output: ["1", "2"]),
            RecordedCell(text: "len(xs)", output: ["2"]),
        ]
        let text = SessionScript.render(
            cells, header: SessionScript.header(version: "0.1.0", date: "d", blasThreads: 1))
        let s = try segments(text)
        #expect(s.map(\.text) == ["## Intro\nxs = [1, 2]\n\nfor x in xs {\n  print(x)\n}", "len(xs)"])
        #expect(s.map(\.expected) == [["1", "2"], ["2"]])
        let byStatement = try segments(text, mode: .byStatement)
        #expect(byStatement.map(\.text) == cells.map(\.text))
    }

    @Test func failedJournalCellsAreNeverReplayed() throws {
        let lines = SessionScript.failedCellLines(text: "y = nope\ny", error: "unknown name 'nope'")
        let s = try segments("x = 1\n" + lines.joined(separator: "\n") + "\nx")
        #expect(s.count == 1 && s[0].statements.count == 2 && s[0].text == "x = 1\nx")
    }

    @Test func toleranceNotes() {
        #expect(Tolerance.parseNote("0.5 (rtol=1e-3)").map { $0.0 } == "0.5")
        #expect(Tolerance.parseNote("0.5 (rtol=1e-3)")?.1 == Tolerance(rtol: 1e-3, atol: 0))
        #expect(Tolerance.parseNote("[1, 2] (atol=0.1, rtol=0)")?.1 == Tolerance(rtol: 0, atol: 0.1))
        #expect(Tolerance.parseNote("f(x) (see above)") == nil)
        #expect(Tolerance.parseNote("(rtol=1)") == nil)
        #expect(Tolerance.parseNote("x (rtol=-1)") == nil)
        let s = try? segments("x = 1\nx\n#=> 1.0001 (rtol=1e-3)")
        #expect(s?.first?.tolerance == Tolerance(rtol: 1e-3, atol: 0) && s?.first?.expected == ["1.0001"])
    }

    @Test(arguments: [
        ("0.1", "0.1", true),
        ("0.1", "0.10000000001", true),
        ("0.1", "0.1001", false),
        ("[1e-05, 2]", "[1.000000000001e-05, 2]", true),
        ("drift -3.5 and C0=2", "drift -3.5000000000001 and C0=2", true),
        ("C0=2", "C1=2", false),
        ("x2 = 3", "x3 = 3", false),
        ("nan", "nan", true),
        ("inf", "-inf", false),
        ("[nan, -inf]", "[nan, -inf]", true),
        ("0", "1e-300", false),
        ("a  b", "a b", true),
        ("lr   seed", "lr seed", true),
        ("value", "valuе", false),
        ("1 - 2", "1 - 2", true),
        ("(3 rows)", "(4 rows)", false),
        ("10:30", "10:30", true),
    ])
    func outputComparison(expected: String, actual: String, match: Bool) {
        #expect(
            OutputComparison.linesMatch(expected, actual, tolerance: .standard) == match, "\(expected) vs \(actual)")
    }

    @Test func absoluteToleranceHelpsNearZero() {
        #expect(!OutputComparison.linesMatch("0", "1e-14", tolerance: .standard))
        #expect(OutputComparison.linesMatch("0", "1e-14", tolerance: Tolerance(rtol: 1e-9, atol: 1e-12)))
        #expect(OutputComparison.match(["1", "2"], ["1"], tolerance: .standard) == false)
    }

    @Test func unifiedDiffHunks() {
        let edits = UnifiedDiff.lines(["#=> a", "#=> b", "#=> c"], ["#=> a", "#=> B", "#=> c", "#=> d"])
        #expect(
            UnifiedDiff.hunk(edits, oldStart: 10, newStart: 10, title: "x") == """
                @@ -10,3 +10,4 @@ x
                 #=> a
                -#=> b
                +#=> B
                 #=> c
                +#=> d

                """)
        #expect(
            UnifiedDiff.hunk(UnifiedDiff.lines([], ["#=> 1"]), oldStart: 5, newStart: 6) == "@@ -4,0 +6 @@\n+#=> 1\n")
    }
}
