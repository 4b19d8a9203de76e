import Foundation
import NoetherSyntax
import NoetherLangTestSupport
import NoetherTestSupport
import Testing
@testable import NoetherLang

/// Random programs from the grammar, using only cheap builtins (nothing trains or
/// builds big data), with small numbers mostly and a few extreme ones.
struct ProgramGenerator {
    var random: SplitMix64
    let names = ["x", "y", "xs", "t", "r", "s", "k"]
    let functions = [
        "len", "sum", "mean", "std", "min", "max", "abs", "sqrt", "log", "exp", "log10", "all", "any",
        "sort", "columns", "rows", "print", "range", "linspace", "logspace",
    ]
    let numbers = [
        "0", "1", "2", "3", "0.5", "-1", "1e-4", "2.5e3", "1e308", "1e-320", "9007199254740993", "0.1",
        "123456789012345678901234567890", ".5",
    ]
    let strings = ["\"a\"", "\"\"", "\"η\\u{3b7}\"", "\"tab\\t\"", "\"q\\\"\"", "\"lr\""]

    init(seed: UInt64) { random = SplitMix64(seed: seed) }

    mutating func expression(_ depth: Int) -> String {
        if depth <= 0 || random.chance(0.25) {
            switch random.below(5) {
            case 0, 1: return random.pick(numbers)
            case 2: return random.pick(strings)
            case 3: return random.pick(["true", "false", "none"])
            default: return random.pick(names)
            }
        }
        let d = depth - 1
        switch random.below(15) {
        case 0: return "[" + (0..<random.below(5)).map { _ in expression(d) }.joined(separator: ", ") + "]"
        case 1: return "{" + (0..<random.below(3)).map { k in "f\(k)=\(expression(d))" }.joined(separator: ", ") + "}"
        case 2, 3:
            return
                "(\(expression(d))) \(random.pick(["+", "-", "*", "/", "^", "==", "!=", "<", ">=", "and", "or"])) (\(expression(d)))"
        case 4: return "\(random.pick(["-", "not ", "+"]))(\(expression(d)))"
        case 5, 6:
            let f = random.pick(functions)
            switch f {
            case "range": return "range(\(random.below(30)))"
            case "linspace": return "linspace(0, 1, \(1 + random.below(20)))"
            case "logspace": return "logspace(1e-3, 1, \(1 + random.below(20)))"
            default: return "\(f)(\((0..<random.below(3)).map { _ in expression(d) }.joined(separator: ", ")))"
            }
        case 7: return "\(expression(d))[\(random.pick(["0", "-1", "1:3", ":2", "x", "\"a\""]))]"
        case 8: return "\(expression(d)).\(random.pick(["a", "f0", "lr", "value", "x"]))"
        case 9: return "(\(expression(d)))"
        case 10: return "if (\(expression(d))) { \(expression(d)) } else { \(expression(d)) }"
        case 11: return "table(a=[1, 2, 3], b=[\(expression(d)), 2, 3])"
        case 12: return "sweep(a=[1, 2], b=[\(expression(d))], workers=2) { \(expression(d)) }"
        case 13: return "where(table(lr=[1, 2], v=[3, 4]), lr=\(expression(d)))"
        default:
            let by = random.pick(["\"lr\"", "[\"lr\", \"lr\"]", "\"count\"", "[\"count\", \"v_mean\"]", "\"v\""])
            return "group(table(lr=[1, 1, 2], count=[1, 2, 2], v_mean=[0, 0, 1], v=[\(expression(d)), 2, 3]), by=\(by))"
        }
    }

    mutating func statement() -> String {
        switch random.below(8) {
        case 0, 1, 2: return "\(random.pick(names)) = \(expression(4))"
        case 3:
            return
                "for \(random.pick(names)) in \(random.pick(["[1, 2, 3]", "range(5)", "xs", "t"])) { \(statement()) }"
        case 4: return "fn \(random.pick(["f", "g"]))(a, b=1) { \(expression(3)) }"
        case 5: return random.pick(["help len", "help \"drift\"", "explain drift", "help", "explain zzz", "save"])
        case 6: return "\(random.pick(["f", "g"]))(\(expression(2)))"
        default: return expression(5) + (random.chance(0.2) ? ";" : "")
        }
    }

    mutating func program() -> String {
        (0..<(1 + random.below(4))).map { _ in statement() }.joined(separator: random.pick(["\n", "; ", "\n\n"]))
    }
}

/// Mutations of valid scripts: truncation, deletion, insertion, duplication, garbling.
struct Mutator {
    var random: SplitMix64
    let fragments = [
        "(", ")", "[", "]", "{", "}", ",", "=", "==", ".", ":", ";", "\n", "\"", "\\", "#", "#=> ", "-", "^",
        "for ", "in ", "if ", "else ", "fn ", "not ", "and ", "1e", "1e999", "999999999999", "η", "\u{0}",
        "\u{FFFD}", "sweep(", "x", "\\u{", "\\u{110000}", "0x1F", "@", "!", "$", "'",
    ]

    mutating func mutate(_ text: String) -> String {
        var chars = Array(text)
        for _ in 0..<(1 + random.below(3)) {
            let n = chars.count
            let i = random.below(n + 1)
            switch random.below(6) {
            case 0: chars = Array(chars.prefix(i))  // truncate
            case 1:
                let j = min(n, i + 1 + random.below(8))
                if i < j { chars.removeSubrange(i..<j) }
            case 2: chars.insert(contentsOf: Array(random.pick(fragments)), at: i)
            case 3:
                let j = min(n, i + 1 + random.below(12))
                if i < j { chars.insert(contentsOf: Array(chars[i..<j]), at: i) }
            case 4: if i < n { chars[i] = random.pick(Array("(){}[]=,.;:\"#-+*/^<>! \n\t0123456789ae_η")) }
            default: if i < n, i + 1 < n { chars.swapAt(i, i + 1) }
            }
        }
        return String(chars)
    }
}

/// Thousands of random, mutated and extreme inputs through parse and evaluate in one
/// session: each ends in a value or a diagnostic within a time bound, never a crash,
/// and the session keeps working.
@Suite struct FuzzTests {
    static let corpus = [
        "xs = [1, 2, 3]\ntotal = 0\nfor x in xs { total = total + x }\ntotal",
        "fn fact(n) { if n <= 1 { 1 } else { n * fact(n - 1) } }\nfact(10)",
        "t = table(lr=[0.1, 0.01], drift=[1e-3, 2e-5])\nwhere(t, lr=0.1).drift\nsort(t, by=\"drift\")",
        "g = group(table(lr=[1, 1, 2], d=[0.1, 0.3, 0.5]), by=\"lr\", mean=\"d\")\ng.d_mean",
        "s = sweep(a=[1, 2], b=[3]) { {p=a * b, q=[a, b]} }\ns.p\nlen(s)",
        "r = {a=1, b=\"x\", c=[1, [2, 3]]}\nr.c[1][0] + r.a",
        "lrs = logspace(1e-4, 1, 5)\nmean(lrs)\nstd(lrs, ddof=1)\nmax(lrs) > min(lrs)",
        "if 1 < 2 and not false { print(\"yes\\n\", \"\\u{3b7}\") } else { print(\"no\") }",
        "xs = range(10)\nxs[2:5]\nxs[-1]\nxs * 2 + 1 == xs * 2 + 1",
        "j = join(table(k=[1, 2], a=[3, 4]), table(k=[2, 1], b=[5, 6]))\ncolumns(j)",
    ]

    static func specials() -> [String] {
        let deep = 20_000
        return [
            String(repeating: "(", count: deep) + "1" + String(repeating: ")", count: deep),
            String(repeating: "[", count: deep) + String(repeating: "]", count: deep),
            String(repeating: "{", count: deep),
            String(repeating: "-", count: deep) + "1",
            String(repeating: "not ", count: deep) + "true",
            "x = " + Array(repeating: "1", count: deep).joined(separator: " + "),
            "x = 2" + String(repeating: " ^ 2", count: deep),
            "x" + String(repeating: ".a", count: deep),
            "f" + String(repeating: "()", count: deep),
            "xs" + String(repeating: "[0]", count: deep),
            String(repeating: "if true { ", count: deep) + "1" + String(repeating: " }", count: deep),
            String(repeating: "for i in [1] { ", count: 5000) + "1" + String(repeating: " }", count: 5000),
            "fn f(" + (0..<5000).map { "p\($0)" }.joined(separator: ", ") + ") { p0 }\nf(1)",
            "big = [" + Array(repeating: "1.5", count: 100_000).joined(separator: ", ") + "]\nlen(big)\nsum(big)",
            "s = \"" + String(repeating: "é", count: 500_000) + "\"\nlen(s)",
            String(repeating: "a", count: 100_000) + " + 1",
            String(repeating: "x = 1\n", count: 20_000),
            String(repeating: ";", count: 50_000),
            "9" + String(repeating: "9", count: 400),
            "1e308 * 10\n-1e308 * 10\n1e-320 / 1e10\n0 ^ -1\n(-8) ^ (1/3)",
            "x = [1]\nfor i in range(40) { x = [x, x] }",
            "fn f(n) { f(n + 1) }\nf(0)",
            "fn g(n) { if n > 0 { g(n - 1) } else { [n] } }\ng(199)",
            "sweep(a=range(2000), b=range(2000)) { 1 }",
            "\u{0}\u{1}\u{7F}\u{FEFF}x = 1",
            "\"\\u{D800}\"",
            "\"\\u{FFFFFFFFFFFF}\"",
            "x = \"unterminated",
            "#=> 1\n## prose only\n# comment",
            "help " + String(repeating: "z", count: 10_000),
            "range(10000000)",
            "s = \"ab\"\nfor i in range(100) { s = s + s }",
            "fn f(n) { sweep(a=[1]) { f(n + 1) } }\nf(0)",
            "fn h(n) { if n > 0 { sweep(a=[n]) { h(a - 1) } } else { 0 } }\nh(300)",
            "t = table(a=range(1000))\nlen(join(t, t))",
        ]
    }

    /// How inputs ended.
    struct Tally {
        var values = 0, syntaxErrors = 0, runtimeErrors = 0, interrupted = 0
    }

    /// Runs `text` in `interpreter` (the shared fuzz runner), interrupting it after
    /// `limit`, and tallies how it ended; returns the time taken.
    @discardableResult
    private func exercise(_ text: String, _ interpreter: Interpreter, limit: Double = 2, tally: inout Tally) -> Duration
    {
        let (outcome, elapsed) = NoetherLangTestSupport.exercise(text, interpreter, limit: limit)
        switch outcome {
        case .success: tally.values += 1
        case .failure(let error):
            switch error.kind {
            case .syntax:
                tally.syntaxErrors += 1
                if ProcessInfo.processInfo.environment["FUZZ_SHOW"] != nil, tally.syntaxErrors < 12 {
                    print("SYNTAX:", error.message, "IN:", text.prefix(300))
                }
            case .interrupted: tally.interrupted += 1
            default: tally.runtimeErrors += 1
            }
        }
        return elapsed
    }

    private func session() throws -> Interpreter {
        let interpreter = Interpreter(output: { line in _ = line.utf8.count })
        interpreter.limits.maxListLength = 2000
        interpreter.limits.maxSweepPoints = 64
        interpreter.limits.maxValueSize = 200_000
        interpreter.baseDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("noether-fuzz").path
        try interpreter.run("xs = [1, 2, 3]\nt = table(a=[1, 2], b=[3, 4])\nk = 2")
        return interpreter
    }

    private func checkAlive(_ interpreter: Interpreter, after input: String) {
        do {
            let v = try interpreter.run("__alive = 41 + 1\n__alive")
            #expect(v.rendered == "42", "session broken after: \(input.prefix(200))")
        } catch {
            Issue.record("session broken after: \(input.prefix(200)): \(error.message)")
        }
    }

    @Test func randomProgramsEndInAValueOrADiagnostic() throws {
        let interpreter = try session()
        var generator = ProgramGenerator(seed: 20_250_601)
        var tally = Tally()
        for k in 0..<1500 {
            let text = generator.program()
            let elapsed = exercise(text, interpreter, tally: &tally)
            #expect(elapsed < .seconds(5), "slow input: \(text.prefix(200))")
            if k % 50 == 0 { checkAlive(interpreter, after: text) }
        }
        checkAlive(interpreter, after: "the last random program")
        // The generator writes valid syntax, so evaluation is what gets exercised.
        #expect(tally.syntaxErrors == 0, "\(tally)")
        #expect(tally.values > 300 && tally.runtimeErrors > 300, "\(tally)")
    }

    @Test func mutatedScriptsEndInAValueOrADiagnostic() throws {
        let interpreter = try session()
        var mutator = Mutator(random: SplitMix64(seed: 7))
        var count = 0
        var tally = Tally()
        for round in 0..<150 {
            for script in Self.corpus {
                let text = mutator.mutate(script)
                let elapsed = exercise(text, interpreter, tally: &tally)
                #expect(elapsed < .seconds(5), "slow input: \(text.prefix(200))")
                count += 1
                if count % 50 == 0 { checkAlive(interpreter, after: text) }
            }
            _ = round
        }
        #expect(count == 1500)
        #expect(tally.values > 100 && tally.syntaxErrors > 200, "\(tally)")
        checkAlive(interpreter, after: "the last mutation")
    }

    @Test func extremeInputsAreDiagnosedNotCrashed() throws {
        let interpreter = try session()
        var tally = Tally()
        for text in Self.specials() {
            let elapsed = exercise(text, interpreter, limit: 5, tally: &tally)
            #expect(elapsed < .seconds(15), "slow input: \(text.prefix(100))")
            checkAlive(interpreter, after: text)
        }
    }

    @Test func randomBytesNeverCrashTheParser() {
        var random = SplitMix64(seed: 99)
        let alphabet = Array("abcxyz_019.eE+-*/^()[]{}=,;:<>!\"\\#\n\t η→\u{0}fnforinifelsetruefalseandornot")
        for _ in 0..<4000 {
            let text = String((0..<random.below(80)).map { _ in random.pick(alphabet) })
            let source = SourceFile(name: "bytes", text: text)
            do {
                _ = try Parser.parse(source)
            } catch {
                #expect(error.kind == .syntax, "\(text)")
                _ = DiagnosticRenderer.render(error, in: source)
            }
            _ = Lexer.needsContinuation(text)
        }
    }
}
