import NoetherSyntax
import Testing
@testable import NoetherLang

/// Operators, indexing, strings and scoping: the language core beyond the skeleton.
@Suite struct LanguageTests {
    /// Each source's printed lines.
    static let printed: [(String, [String])] = [
        // Unicode names
        ("η = 0.1\nλ = 2\nη * λ", ["0.2"]),
        ("fn σ(x) { 2 * x }\nσ(3)", ["6"]),
        // arithmetic and precedence
        ("1 + 2 * 3 - 4 / 2", ["5"]),
        ("-2 ^ 2", ["-4"]),
        ("(-2) ^ 2", ["4"]),
        ("2 ^ -1", ["0.5"]),
        ("- - 3", ["3"]),
        ("+3", ["3"]),
        ("0 / 0", ["nan"]),
        ("-1 / 0", ["-inf"]),
        // element-wise on lists
        ("[1, 2, 3] * 2", ["[2, 4, 6]"]),
        ("2 - [1, 2]", ["[1, 0]"]),
        ("[1, 2] ^ 2", ["[1, 4]"]),
        ("[[1, 2], [3, 4]] + 1", ["[[2, 3], [4, 5]]"]),
        ("[[1, 2], [3, 4]] * [10, 100]", ["[[10, 20], [300, 400]]"]),
        ("-[1, -2]", ["[-1, 2]"]),
        ("[1, 2, 3] > 1", ["[false, true, true]"]),
        ("[1, 2, 3] == 2", ["[false, true, false]"]),
        ("[1, 2, 3] != [1, 0, 3]", ["[false, true, false]"]),
        ("[\"a\", \"b\"] == \"a\"", ["[true, false]"]),
        ("[true, false] and true", ["[true, false]"]),
        ("[true, false] or [false, false]", ["[true, false]"]),
        ("not [true, false]", ["[false, true]"]),
        ("false and [true]", ["false"]),
        ("all([1, 2] > 0) and any([1, 2] > 1)", ["true"]),
        // structural equality without lists
        ("{a=1, b=\"x\"} == {a=1, b=\"x\"}", ["true"]),
        ("{a=1} == {a=2}", ["false"]),
        ("\"abc\" == \"abc\"", ["true"]),
        ("1 == true", ["false"]),
        ("0 / 0 == 0 / 0", ["false"]),
        // strings
        ("\"a\" + \"b\"", ["\"ab\""]),
        ("\"b\" > \"a\"", ["true"]),
        ("print(\"tab\\there\")", ["tab\there"]),
        ("print(\"quote \\\" and \\\\ and \\u{3b7}\")", ["quote \" and \\ and η"]),
        ("len(\"η=1\")", ["3"]),
        ("\"line\\nbreak\"", ["\"line\\nbreak\""]),
        // indexing and slices
        ("xs = [10, 20, 30, 40]\nxs[-2]", ["30"]),
        ("xs = [10, 20, 30, 40]\nxs[-3:-1]", ["[20, 30]"]),
        ("xs = [10, 20, 30, 40]\nxs[3:1]", ["[]"]),
        ("xs = [10, 20, 30, 40]\nxs[-100:100]", ["[10, 20, 30, 40]"]),
        ("[[1, 2], [3, 4]][1][0]", ["3"]),
        ("{a=[1, 2]}.a[1]", ["2"]),
        // long lists print elided
        ("range(101)", ["[0, 1, 2, 3, 4, 5, 6, 7, 8, 9, … 81 more …, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100]"]),
        ("range(100)[99]", ["99"]),
        // silencing
        ("1;\n2", ["2"]),
    ]

    @Test(arguments: printed.indices)
    func prints(index: Int) throws {
        let (source, expected) = Self.printed[index]
        let h = Harness()
        try h.run(source)
        #expect(h.lines == expected, "source: \(source)")
    }

    static let errors: [(String, String)] = [
        ("[1, 2] + [1, 2, 3]", "element-wise '+' needs lists of equal length, got 2 and 3"),
        ("[1, 2] == [1, 2, 3]", "element-wise '==' needs lists of equal length, got 2 and 3"),
        ("1 and true", "'and' needs booleans, got number"),
        ("false or 1", "'or' needs booleans, got number"),
        ("[true] and 1", "'and' needs booleans, got number"),
        ("if [true] { 1 }", "an 'if' condition must be a boolean, got list"),
        ("\"a\" * 2", "cannot apply '*' to string and number"),
        ("-\"a\"", "cannot negate a string"),
        ("xs = [1]\nxs[1.5]", "an index must be an integer, got 1.5"),
        ("xs = [1]\nxs[1e300]", "an index must be an integer, got 1e+300"),
        ("3[0]", "only lists, tables, records and objects can be indexed, this is a number"),
    ]

    @Test(arguments: errors.indices)
    func reportsErrors(index: Int) {
        let (source, message) = Self.errors[index]
        let h = Harness()
        #expect(
            h.error(source)?.contains("error: \(message)") == true,
            "source: \(source) gave \(h.error(source) ?? "no error")")
    }

    // MARK: - Scoping

    @Test func loopsAccumulateIntoOuterNames() throws {
        let h = Harness()
        try h.run(
            """
            total = 0
            for x in [1, 2, 3] { total = total + x }
            total
            count = 0
            for i in range(3) { for j in range(2) { count = count + 1 } }
            count
            """)
        #expect(h.lines == ["6", "6"])
    }

    @Test func namesFirstBoundInABlockStayLocal() throws {
        let h = Harness()
        try h.run("if true { fresh = 1 }\nfor v in [1] { inner = v }")
        #expect(h.error("fresh")?.contains("unknown name 'fresh'") == true)
        #expect(h.error("inner")?.contains("unknown name 'inner'") == true)
        #expect(h.error("v")?.contains("unknown name 'v'") == true)
    }

    @Test func theLoopVariableShadowsAndRestoresAnOuterName() throws {
        let h = Harness()
        try h.run("x = 100\nfor x in [1, 2] { y = x }\nx")
        #expect(h.lines == ["100"])
    }

    @Test func nestedBlocksUpdateTheNearestBinding() throws {
        let h = Harness()
        try h.run(
            """
            s = 0
            for i in [1, 2] {
              acc = 0
              for j in [10, 20] { acc = acc + j }
              s = s + acc * i
            }
            s
            """)
        #expect(h.lines == ["90"])
    }

    @Test func functionBodiesNeverChangeGlobals() throws {
        let h = Harness()
        try h.run(
            """
            total = 5
            fn f(x) { total = x; total * 2 }
            f(7)
            total
            fn g() { for i in [1, 2] { total = total + i }; total }
            g()
            total
            """)
        #expect(h.lines == ["14", "5", "8", "5"])
    }

    @Test func functionsSeeGlobalsNotCallerLocals() throws {
        let h = Harness()
        try h.run(
            """
            k = 3
            fn scale(x) { x * k }
            for k2 in [1] { hidden = 9; scale(2) }
            fn peek() { hidden }
            """)
        #expect(h.error("peek()")?.contains("unknown name 'hidden'") == true)
        try h.run("scale(2)")
        #expect(h.lines == ["6"])
    }

    @Test func defaultsMayUseEarlierParametersAndCallsMayBeRecursive() throws {
        let h = Harness()
        try h.run(
            """
            fn area(w, h=w) { w * h }
            area(3)
            area(3, h=2)
            fn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }
            fact(10)
            """)
        #expect(h.lines == ["9", "6", "3628800"])
    }

    @Test func deepRecursionIsAnErrorNotACrash() throws {
        let h = Harness()
        try h.run("fn down(n) { if n > 0 { down(n - 1) + 1 } else { 0 } }\ndown(150)")
        #expect(h.lines == ["150"])
        #expect(h.error("down(100000)")?.contains("too many nested calls (more than 200)") == true)
        #expect(h.error("fn loop(n) { loop(n) }\nloop(1)")?.contains("is the recursion missing a base case?") == true)
    }

    @Test func valuesNestedTooDeeplyAreAnError() throws {
        let h = Harness()
        #expect(h.error("x = []\nfor i in range(150) { x = [x] }")?.contains("nested more than 100 deep") == true)
        try h.run("x")
        #expect(h.lines.count == 1)  // the session and its last good binding survive
    }

    @Test func tablesIndexAndIterate() throws {
        let h = Harness()
        try h.run(
            """
            t = table(a=[1, 2, 3], b=["x", "y", "z"])
            t[1]
            t[-1].b
            t["a"]
            len(t[1:3])
            s = 0
            for row in t { s = s + row.a }
            s
            """)
        #expect(h.lines == ["{a=2, b=\"y\"}", "\"z\"", "[1, 2, 3]", "2", "6"])
        #expect(h.error("t[3]")?.contains("index 3 is out of range for a table of 3 rows") == true)
        #expect(h.error("t[\"c\"]")?.contains("the table has no column 'c'") == true)
    }
}

/// Multi-line cells at the prompt: a statement continues while brackets or braces are open.
@Suite struct ContinuationTests {
    @Test(arguments: [
        ("for x in [1, 2] {", true),
        ("fn f(a,", true),
        ("t = sweep(lr=[0.1,\n 0.01]) {", true),
        ("t = sweep(lr=[0.1, 0.01]) {\n  lr * 2", true),
        ("t = sweep(lr=[0.1, 0.01]) {\n  lr * 2\n}", false),
        ("x = {a=1,", true),
        ("if x {\n} else {", true),
        ("print(\"(\")", false),
        ("x = 1 # {", false),
        ("s = \"unterminated", true),
        ("x = ]", false),
    ])
    func continuation(text: String, continues: Bool) {
        #expect(Lexer.needsContinuation(text) == continues, "text: \(text)")
    }

    @Test func aMultiLineCellRunsAsOne() throws {
        let h = Harness()
        try h.run("total = 0\nfor x in [1,\n  2, 3] {\n  total = total + x\n}\ntotal")
        #expect(h.lines == ["6"])
    }
}

@Suite struct ValueTypeNameTests {
    /// Type names in messages and help read as English, nested lists included.
    @Test func nestedListsPluralize() {
        #expect(ValueType.list(.number).displayName == "list of numbers")
        #expect(ValueType.list(.list(.number)).displayName == "list of lists of numbers")
        #expect(ValueType.list(.list(.any)).displayName == "list of lists")
        #expect(ValueType.list(.oneOf([.number, .string])).displayName == "list of numbers or strings")
        #expect(ValueType.list(.object("run")).displayName == "list of runs")
        #expect(ValueType.oneOf([.number, .list(.any)]).displayName == "number or list")
    }
}
