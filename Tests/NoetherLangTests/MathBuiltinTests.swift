import Foundation
import Testing
@testable import NoetherLang

/// Sequences, reductions and element-wise functions, against closed forms.
@Suite struct MathBuiltinTests {
    private func numbers(_ source: String) throws -> [Double] {
        let h = Harness()
        let v = try h.run(source)
        if case .number(let x) = v { return [x] }
        guard let xs = v.numbers else { Issue.record("\(source) is not numbers: \(v.rendered)"); return [] }
        return xs
    }

    private func close(_ a: [Double], _ b: [Double], rtol: Double = 1e-14) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            x == y || (x.isNaN && y.isNaN) || abs(x - y) <= rtol * max(abs(x), abs(y))
        }
    }

    @Test func linspaceHitsBothEndpointsExactly() throws {
        #expect(try numbers("linspace(0, 1, 5)") == [0, 0.25, 0.5, 0.75, 1])
        #expect(try numbers("linspace(2, 2, 3)") == [2, 2, 2])
        #expect(try numbers("linspace(1, 0, 3)") == [1, 0.5, 0])
        #expect(try numbers("linspace(3, 9, 1)") == [3])
        let xs = try numbers("linspace(0.1, 0.7, 7)")
        #expect(xs.first == 0.1 && xs.last == 0.7)
        #expect(close(xs, (0..<7).map { 0.1 + Double($0) * 0.1 }, rtol: 1e-12))
    }

    @Test func logspaceTakesValuesNotExponents() throws {
        #expect(try numbers("logspace(1e-4, 1, 5)") == [1e-4, 1e-3, 1e-2, 1e-1, 1])
        let xs = try numbers("logspace(1e-4, 1, 10)")
        #expect(xs.count == 10 && xs.first == 1e-4 && xs.last == 1)
        // Evenly spaced on a log scale: constant ratio 10^(4/9).
        let ratio = pow(10, 4.0 / 9)
        for k in 1..<xs.count { #expect(abs(xs[k] / xs[k - 1] - ratio) < 1e-12) }
        #expect(close(try numbers("logspace(8, 1, 4)"), [8, 4, 2, 1]))
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
        #expect(close(try numbers("mean(\(text))"), [mean]))
        #expect(close(try numbers("std(\(text))"), [(variance / n).squareRoot()]))
        #expect(close(try numbers("std(\(text), ddof=1)"), [(variance / (n - 1)).squareRoot()]))
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
        #expect(close(try numbers("log(exp(2.5))"), [2.5]))
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
}
