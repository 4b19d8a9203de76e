import Foundation
import NoetherTestSupport
import Testing
@testable import NoetherLang

/// Sequences, reductions and element-wise functions, against closed forms.
@Suite struct MathBuiltinTests {
    private func numbers(_ source: String) throws -> [Double] {
        let h = Harness()
        let v = try h.run(source)
        if case .number(let x) = v { return [x] }
        guard let xs = v.numbers else {
            Issue.record("\(source) is not numbers: \(v.rendered)")
            return []
        }
        return xs
    }

    @Test func linspaceHitsBothEndpointsExactly() throws {
        #expect(try numbers("linspace(0, 1, 5)") == [0, 0.25, 0.5, 0.75, 1])
        #expect(try numbers("linspace(2, 2, 3)") == [2, 2, 2])
        #expect(try numbers("linspace(1, 0, 3)") == [1, 0.5, 0])
        #expect(try numbers("linspace(3, 9, 1)") == [3])
        let xs = try numbers("linspace(0.1, 0.7, 7)")
        #expect(xs.first == 0.1 && xs.last == 0.7)
        #expect(isClose(xs, (0..<7).map { 0.1 + Double($0) * 0.1 }, 1e-12))
    }

    @Test func logspaceTakesValuesNotExponents() throws {
        #expect(try numbers("logspace(1e-4, 1, 5)") == [1e-4, 1e-3, 1e-2, 1e-1, 1])
        let xs = try numbers("logspace(1e-4, 1, 10)")
        #expect(xs.count == 10 && xs.first == 1e-4 && xs.last == 1)
        // Evenly spaced on a log scale: constant ratio 10^(4/9).
        let ratio = pow(10, 4.0 / 9)
        for k in 1..<xs.count { #expect(abs(xs[k] / xs[k - 1] - ratio) < 1e-12) }
        #expect(isClose(try numbers("logspace(8, 1, 4)"), [8, 4, 2, 1], 1e-14))
    }

    @Test(arguments: [
        ("logspace(-4, 0, 5)", "'start' of 'logspace' must be a positive number, got -4"),
        ("logspace(0, 1, 5)", "'start' of 'logspace' must be a positive number, got 0"),
        ("logspace(1, 0, 5)", "'stop' of 'logspace' must be a positive number, got 0"),
        ("linspace(0, 1, 0)", "'n' must be between 1 and 10000000, got 0"),
        ("linspace(0, 1, 2.5)", "argument 'n' of 'linspace' must be an integer, got number 2.5"),
        ("range(0, 10, 0)", "'step' of 'range' must not be 0"),
        ("range(1e15)", "'range' would make 1000000000000000 numbers; at most 10000000"),
        ("mean([])", "'mean' of an empty list"),
        ("max([])", "'max' of an empty list"),
        ("mean([1, \"a\"])", "'mean' needs numbers, got a string in the list"),
        ("mean([[1, 2], [3]])", "'mean' needs numbers or lists of numbers of one length"),
        ("sqrt(\"x\")", "argument 'x' of 'sqrt' must be a number or list, got string"),
        ("sqrt([1, \"x\"])", "'sqrt' needs numbers, got a string"),
        ("std([1, 2], ddof=-1)", "'ddof' must be between 0 and 1000000, got -1"),
    ])
    func domainErrors(source: String, message: String) {
        let h = Harness()
        let rendered = h.error(source) ?? "(no error)"
        #expect(rendered.contains("error: \(message)"), "\(rendered)")
    }

    @Test func rangeCountsLikePython() throws {
        #expect(try numbers("range(5)") == [0, 1, 2, 3, 4])
        #expect(try numbers("range(2, 5)") == [2, 3, 4])
        #expect(try numbers("range(1, 10, 3)") == [1, 4, 7])
        #expect(try numbers("range(10, 0, -3)") == [10, 7, 4, 1])
        #expect(try numbers("range(5, 2)") == [])
        #expect(try numbers("range(-2)") == [])
        #expect(try numbers("range(0, -3, -1)") == [0, -1, -2])
    }

    @Test func reductionsMatchNaiveLoops() throws {
        let data: [Double] = [0.5, -1.25, 3, 7.75, 2]
        let text = "[" + data.map { "\($0)" }.joined(separator: ", ") + "]"
        let n = Double(data.count)
        let sum = data.reduce(0, +)
        let mean = sum / n
        let variance = data.map { ($0 - mean) * ($0 - mean) }.reduce(0, +)
        #expect(try numbers("sum(\(text))") == [sum])
        #expect(isClose(try numbers("mean(\(text))"), [mean], 1e-14))
        #expect(isClose(try numbers("std(\(text))"), [(variance / n).squareRoot()], 1e-14))
        #expect(isClose(try numbers("std(\(text), ddof=1)"), [(variance / (n - 1)).squareRoot()], 1e-14))
        #expect(try numbers("min(\(text))") == [-1.25])
        #expect(try numbers("max(\(text))") == [7.75])
        #expect(try numbers("sum([])") == [0])
        #expect(try numbers("std([4])") == [0])
        #expect(try numbers("std([4], ddof=1)").first?.isNaN == true)
    }

    @Test func reductionsGoElementWiseOverListsOfLists() throws {
        #expect(try numbers("sum([[1, 2], [3, 4], [5, 6]])") == [9, 12])
        #expect(try numbers("mean([[1, 10], [3, 30]])") == [2, 20])
        #expect(try numbers("std([[1, 10], [3, 30]])") == [1, 10])
        #expect(try numbers("min([[1, 5], [3, 2]])") == [1, 2])
        #expect(try numbers("max([1, 5], [3, 2])") == [3, 5])
        #expect(try numbers("min(3, 1, 2)") == [1])
        #expect(try numbers("max(4)") == [4])
    }

    @Test func nanPropagates() throws {
        #expect(try numbers("mean([1, 0/0])").first?.isNaN == true)
        #expect(try numbers("min([1, 0/0, -5])").first?.isNaN == true)
        #expect(try numbers("max([0/0, 1])").first?.isNaN == true)
        #expect(try numbers("sum([1, 1/0, -1/0])").first?.isNaN == true)
    }

    @Test func elementWiseFunctions() throws {
        #expect(try numbers("sqrt([4, 9, 2])") == [2, 3, 2.0.squareRoot()])
        #expect(try numbers("abs([-1.5, 2, -0])") == [1.5, 2, 0])
        #expect(try numbers("exp(0)") == [1])
        #expect(isClose(try numbers("log(exp(2.5))"), [2.5], 1e-14))
        #expect(try numbers("log10([1, 10, 1000])") == [0, 1, 3])
        #expect(try numbers("log(0)") == [-.infinity])
        #expect(try numbers("log(-1)").first?.isNaN == true)
        #expect(try numbers("sqrt(-4)").first?.isNaN == true)
        let h = Harness()
        try h.run("abs([[-1, 2], [-3]])")
        #expect(h.lines == ["[[1, 2], [3]]"])
    }

    @Test func allAndAny() throws {
        let h = Harness()
        try h.run("all([])\nany([])\nall([true, false])\nany([false, true])\nall([1, 2, 3] < 4)")
        #expect(h.lines == ["true", "false", "false", "true", "true"])
    }

    /// round: the decimal Python's round gives (ties to even on the exact binary value).
    @Test func roundToDecimalPlaces() throws {
        #expect(try numbers("round(2.675, 2)") == [2.67])  // 2.675 is 2.67499999… in binary
        #expect(try numbers("round([0.5, 1.5, 2.5, -2.5])") == [0, 2, 2, -2])
        #expect(try numbers("round(1234.5678, 1)") == [1234.6])
        #expect(try numbers("round(1234, -2)") == [1200])
        #expect(try numbers("round(0.1 + 0.2, 10)") == [0.3])
        #expect(try numbers("round(-0.00049, 3)") == [-0.0])
        let nested = Harness()
        try nested.run("round([[1.26, 2], [3.14159]], 1)")
        #expect(nested.lines == ["[[1.3, 2], [3.1]]"])
        #expect(try numbers("round(1/0)") == [.infinity])
        #expect(try numbers("round(0/0)").first?.isNaN == true)
        for (x, places) in [(0.125, 2), (123.456789, 4), (9.995, 2), (1e-10, 12), (-7.25, 1)] {
            let h = Harness()
            let v = try h.run("round(\(x), \(places))")
            guard case .number(let r) = v else {
                Issue.record("round(\(x)) not a number")
                continue
            }
            #expect(r == Double(String(format: "%.\(places)f", x)))
        }
        let h = Harness()
        #expect(h.error("round(1, 18)")?.contains("error: 'digits' must be between -15 and 17, got 18") == true)
        #expect(h.error("round([1, \"a\"])")?.contains("error: 'round' needs numbers, got a string") == true)
    }

    /// str: the printed text, or numbers with a number of significant digits.
    @Test func strGivesTheTextOfAValue() throws {
        let h = Harness()
        try h.run(
            """
            print(str(0.1) + "|" + str(12) + "|" + str("x") + "|" + str([1, 2.5]) + "|" + str({a=1}))
            print("loss " + str(0.0328897, digits=3))
            print(str([1.23456, 1.5e-7, 2], digits=2))
            print(str(1/3))
            """)
        #expect(h.lines == ["0.1|12|x|[1, 2.5]|{a=1}", "loss 0.0329", "[1.2, 1.5e-07, 2]", "0.3333333333333333"])
        #expect(
            h.error("str({a=1}, digits=2)")?.contains(
                "error: 'digits' applies to numbers and lists of numbers, got a record") == true)
        #expect(h.error("str(1, digits=0)")?.contains("error: 'digits' must be between 1 and 17, got 0") == true)
    }
}
