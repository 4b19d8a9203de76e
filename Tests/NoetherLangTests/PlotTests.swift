import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing
@testable import NoetherLang

/// Plots: how values become series (tables averaged with error bars), nice ticks,
/// the terminal drawing (braille and ASCII goldens), the SVG (goldens, valid and
/// self-contained XML), the files `file=` writes, and the display settings.
@Suite struct PlotTests {
    // MARK: - Deterministic data

    /// drift = 0.5·lr^1.5·(1 + 0.1·(seed − 2)) over 7 learning rates × 3 seeds.
    static var driftTable: TableObject {
        var rows = [[Value]]()
        for k in 0..<7 {
            let lr = pow(10, -4 + 0.5 * Double(k))
            for seed in 1...3 {
                rows.append([
                    .number(lr), .number(Double(seed)), .number(0.5 * pow(lr, 1.5) * (1 + 0.1 * Double(seed - 2))),
                ])
            }
        }
        return TableObject(columns: ["lr", "seed", "drift"], rows: rows)
    }

    static func harness() -> Harness {
        let h = Harness()
        h.interpreter.bind("t", .object(driftTable))
        h.interpreter.bind("losses", .numbers((0..<120).map { exp(-Double($0) / 25) + 0.05 }))
        var series = [Value]()
        for l in 1...3 {
            let scale = Double(l)
            var ys = [Double]()
            for t in 0...200 { ys.append(-scale + 0.002 * scale * (1 - exp(-Double(t) / 40))) }
            series.append(.numbers(ys))
        }
        h.interpreter.bind("C", .list(series))
        var spectrum = [Double]()
        for i in 0..<200 { spectrum.append(Double(i * i) / 4000 - 0.5) }
        h.interpreter.bind("spectrum", .numbers(spectrum))
        return h
    }

    static func model(_ code: String) throws -> PlotModel {
        let v = try harness().run(code)
        guard case .object(let p as PlotObject) = v else { throw PlotTestError.notAPlot }
        return p.model
    }

    enum PlotTestError: Error { case notAPlot }

    /// The plots whose drawings are pinned by golden files.
    static let goldenPlots: [(name: String, code: String)] = [
        ("loss", #"plot(losses, title="training loss", xlabel="step", ylabel="loss")"#),
        (
            "drift-loglog",
            #"plot(t, x="lr", y="drift", log=true, fit={alpha=1.5, prefactor=0.5}, hline=1e-4, title="drift against η")"#
        ),
        ("conserved", #"plot(C, labels=["C_1", "C_2", "C_3"], xlabel="step")"#),
        ("spectrum", #"plot(spectrum, kind="hist", bins=20, xlabel="eigenvalue")"#),
        ("scatter", #"plot([1, 2, 3, 4, 5], [[2, 4, 1, 5, 3], [1, 1, 2, 3, 5]], kind="scatter", labels=["a", "b"])"#),
        // Labelled by default: a run's series against its steps, named per layer; a named
        // list against its index; log axes as powers over the data's decades.
        ("run-C", runCode + "plot(run.C)"),
        ("run-losses", runCode + #"plot(run.losses, log="y")"#),
        ("named-list", "plot(losses)"),
        ("log-decades", "small = 10 ^ linspace(log10(6e-7), log10(2e-2), 40)\nplot(small, log=\"y\")"),
        ("one-series-legend", #"plot(losses, fit={alpha=-0.5, prefactor=1})"#),
    ]

    static let runCode = """
        data = gaussian_mixture(n=40, d=4, classes=3, seed=1)
        run = train(mlp([4, 8, 8, 3], seed=1), data, gd(lr=0.05), steps=60, every=5)

        """

    @Test func axesAreTitledFromWhatIsPlotted() throws {
        let c = try Self.model(Self.runCode + "plot(run.C)")
        #expect(c.xlabel == "step" && c.ylabel == "C_l")
        #expect(c.dataSeries.map(\.name) == ["C₁", "C₂"])
        #expect(c.dataSeries[0].x == (0...12).map { Double($0 * 5) })
        let loss = try Self.model(Self.runCode + "plot(run.losses)")
        #expect(loss.xlabel == "step" && loss.ylabel == "loss" && !loss.showsLegend)
        let named = try Self.model("plot(losses)")
        #expect(named.xlabel == "index" && named.ylabel == "losses")
        let xy = try Self.model("xs = range(120)\nplot(xs, losses)")
        #expect(xy.xlabel == "xs" && xy.ylabel == "losses")
        let given = try Self.model(Self.runCode + #"plot(run.C, xlabel="t", ylabel="C")"#)
        #expect(given.xlabel == "t" && given.ylabel == "C")
        let literal = try Self.model("plot([1, 2, 3])")
        #expect(literal.xlabel == nil && literal.ylabel == nil)
    }

    // MARK: - Goldens

    @Test(arguments: goldenPlots.map(\.name))
    func terminalDrawingsAreAsRecorded(name: String) throws {
        let m = try Self.model(Self.goldenPlots.first { $0.name == name }!.code)
        assertGolden(TerminalPlot.render(m, width: 72, height: 20, unicode: true), named: "plots/\(name)-braille")
        assertGolden(TerminalPlot.render(m, width: 72, height: 20, unicode: false), named: "plots/\(name)-ascii")
    }

    @Test(arguments: goldenPlots.map(\.name))
    func svgIsAsRecordedAndValidXML(name: String) throws {
        let m = try Self.model(Self.goldenPlots.first { $0.name == name }!.code)
        let svg = SVGPlot.render(m)
        assertGoldenFile(svg, path: "plots/\(name).svg")
        let checker = SVGChecker()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = checker
        #expect(parser.parse(), "not well-formed XML: \(parser.parserError.map { "\($0)" } ?? "")")
        #expect(checker.root == "svg" && checker.namespace == "http://www.w3.org/2000/svg")
        // Self-contained: no scripts, no external references, no web fonts.
        #expect(
            !checker.elements.contains("script") && !checker.elements.contains("image")
                && !checker.elements.contains("style"))
        #expect(checker.references.allSatisfy { $0 == "url(#plot-area)" }, "\(checker.references)")
        #expect(checker.elements.contains("text") && checker.elements.contains("title"))
    }

    @Test func terminalDrawingFitsTheSizeAsked() throws {
        let m = try Self.model(Self.goldenPlots[1].code)
        for (w, h) in [(40, 12), (72, 20), (120, 30)] {
            for unicode in [true, false] {
                let lines = TerminalPlot.render(m, width: w, height: h, unicode: unicode).split(
                    separator: "\n", omittingEmptySubsequences: false)
                #expect(lines.count <= h, "\(w)×\(h)")
                #expect(lines.allSatisfy { $0.count <= w }, "\(w)×\(h)")
                if !unicode { #expect(lines.allSatisfy { $0.allSatisfy(\.isASCII) }) }
            }
        }
    }

    // MARK: - Values to series

    @Test func aTableIsAveragedPerXWithTheSeedSpreadAsErrorBars() throws {
        let m = try Self.model(#"plot(t, x="lr", y="drift")"#)
        #expect(m.series.count == 1 && m.series[0].name == "drift")
        let s = m.series[0]
        #expect(s.x.count == 7 && s.count == Array(repeating: 3, count: 7))
        for (k, lr) in s.x.enumerated() {
            let base = 0.5 * pow(lr, 1.5)
            #expect(abs(s.y[k] - base) <= 1e-15 * base)
            // population std of base·{0.9, 1, 1.1}
            #expect(abs(s.std![k] - base * (0.02 / 3).squareRoot()) <= 1e-12 * base)
        }
        #expect(m.xlabel == "lr" && m.ylabel == "drift")
        #expect(m.notes == ["each point: the mean over 3 rows, error bars ± one standard deviation"])
        // Defaults: x is the first column, y the last column of numbers.
        #expect(try Self.model("plot(t)").series[0].y == s.y)
        // by= splits series instead of averaging over that column.
        let bySeed = try Self.model(#"plot(t, x="lr", y="drift", by="seed")"#)
        #expect(
            bySeed.series.map(\.name) == ["seed=1", "seed=2", "seed=3"] && bySeed.series.allSatisfy { $0.std == nil })
    }

    @Test func listCellsGiveOneSeriesPerElementAndNonFiniteValuesAreLeftOut() throws {
        let h = Harness()
        h.interpreter.bind(
            "t",
            .object(
                TableObject(
                    columns: ["lr", "drift"],
                    rows: [
                        [.number(1), .numbers([1, 10])], [.number(1), .numbers([3, .nan])],
                        [.number(2), .numbers([2, 20])], [.number(3), .nothing],
                    ])))
        guard case .object(let p as PlotObject) = try h.run(#"plot(t, x="lr", y="drift", log="y")"#) else {
            Issue.record()
            return
        }
        #expect(p.model.series.map(\.name) == ["drift[1]", "drift[2]"])
        #expect(p.model.series[0].y == [2, 2] && p.model.series[1].y == [10, 20])
        #expect(p.model.logY && !p.model.logX)
        #expect(p.model.notes.contains("1 non-finite value left out of the means (diverged runs?)"))
    }

    @Test func listsSeriesAndXYPairs() throws {
        let one = try Self.model("plot([3, 1, 2])")
        #expect(one.series.count == 1 && one.series[0].x == [0, 1, 2] && !one.showsLegend)
        let xy = try Self.model("plot([10, 20, 30], [[1, 2, 3], [3, 2, 1]], labels=[\"up\", \"down\"])")
        #expect(
            xy.series.map(\.x) == [[10, 20, 30], [10, 20, 30]] && xy.series.map(\.name) == ["up", "down"]
                && xy.showsLegend)
        let logged = try Self.model("plot([0, 1, 10, 100], log=true)")
        #expect(logged.notes == ["1 point not shown: ≤ 0 on a log axis"])
        let fitted = try Self.model("plot([1, 2, 4], [1, 4, 16], log=true, fit={alpha=2, prefactor=1, r2=0.99})")
        let fit = fitted.series.last!
        #expect(fit.style == .fit && fit.name == "fit: α = 2, R² = 0.99" && fit.x.first == 1 && fit.x.last == 4)
        #expect(zip(fit.x, fit.y).allSatisfy { abs($1 - $0 * $0) <= 1e-12 * $1 })
    }

    struct FakeSpectrum: NoetherObject {
        static let typeName = "spectrum"
        static let fieldDocs = [FieldDoc("values", "eigenvalues")]
        func field(_ name: String) -> Value? { name == "values" ? .numbers([1, 2, 2, 3, 3, 3]) : nil }
        var summary: String { "spectrum" }
        var json: JSONValue { .null }
    }

    @Test func histogramsBinValuesAndSpectraDefaultToThem() throws {
        let h = PlotHistogram.binning([0, 1, 2, 3, 4, .nan], bins: 4, log: false, name: "")
        #expect(h.edges == [0, 1, 2, 3, 4] && h.counts == [1, 1, 1, 2])
        let logged = PlotHistogram.binning([1, 10, 100, 1000], bins: 3, log: true, name: "")
        #expect(logged.counts == [1, 1, 2] && abs(logged.edges[1] - 10) < 1e-12)
        #expect(PlotHistogram.defaultBins(count: 200) == 9 && PlotHistogram.defaultBins(count: 1) == 5)
        let m = try PlotBuilder(data: .object(FakeSpectrum())).build()
        #expect(m.kind == .hist && m.histogram!.counts.reduce(0, +) == 6)
        let spectrum = try Self.model(#"plot(spectrum, kind="hist", bins=20)"#)
        #expect(spectrum.histogram!.counts.count == 20 && spectrum.notes == ["200 values in 20 bins"])
    }

    @Test(arguments: [
        "plot([0/0, 1/0, -1/0])", "plot([1e308, -1e308, 1])", "plot([1e308, -1e308, 2], kind=\"hist\")",
        "plot([5e-324, 1e-323, 1], log=true)", "plot([1e-300, 1e300], log=true)", "plot([1, 1 + 1e-15])",
        "plot([0, 0, 0])", "plot([2], kind=\"hist\")", "plot([-1, -2], log=true, kind=\"hist\")",
        "plot([1, 2], hline=[1/0, 0/0, -5], log=\"y\")", "plot([[1], [], [2, 3]])",
    ])
    func extremeValuesDrawWithoutTrouble(code: String) throws {
        let m = try Self.model(code)
        for unicode in [true, false] {
            #expect(TerminalPlot.render(m, width: 60, height: 15, unicode: unicode).split(separator: "\n").count <= 15)
        }
        let svg = SVGPlot.render(m)
        #expect(
            XMLParser(data: Data(svg.utf8)).parse() && svg.utf8.count < 100_000 && !svg.contains("nan")
                && !svg.contains("inf"))
    }

    // MARK: - Axes

    @Test func ticksAreNiceNumbersAndLogAxesTickAtDecades() {
        func ticks(_ values: [Double], log: Bool = false, n: Int = 5, unicode: Bool = true) -> [String] {
            PlotAxis(covering: values, log: log, targetTicks: n, unicode: unicode).ticks.map(\.label)
        }
        #expect(ticks([0, 0.6], n: 3) == ["0", "0.2", "0.4", "0.6"])
        #expect(ticks([0, 300], n: 5) == ["0", "100", "200", "300"])
        #expect(ticks([-9.4, -9.376], n: 6) == ["−9.400", "−9.395", "−9.390", "−9.385", "−9.380", "−9.375"])
        #expect(ticks([-9.4, -9.376], n: 6, unicode: false).first == "-9.400")
        #expect(ticks([2e-5, 9e-5], n: 4) == ["2e−5", "4e−5", "6e−5", "8e−5", "1e−4"])
        #expect(ticks([1e-4, 0.1], log: true) == ["10⁻⁴", "10⁻³", "10⁻²", "10⁻¹"])
        #expect(ticks([1e-4, 0.1], log: true, unicode: false) == ["1e-4", "1e-3", "1e-2", "1e-1"])
        #expect(ticks([0.02, 0.08], log: true) == ["0.01", "0.02", "0.05", "0.1"])
        #expect(ticks([1e-12, 1], log: true, n: 4) == ["10⁻¹²", "10⁻⁸", "10⁻⁴", "10⁰"])
        #expect(ticks([1e-12, 1], log: true, n: 4, unicode: false) == ["1e-12", "1e-8", "1e-4", "1"])
        // The range fits the data's decades (6e-7…2e-2 → 10⁻⁷…10⁻¹, not 10⁻⁸…1).
        let fitted = PlotAxis(covering: [6e-7, 2e-2], log: true, targetTicks: 5, unicode: true)
        #expect(fitted.lo == 1e-7 && fitted.hi == 1e-1)
        #expect(fitted.ticks.map(\.label) == ["10⁻⁶", "10⁻⁴", "10⁻²"])
        #expect(ticks([], n: 3) == ["0", "0.5", "1"] || ticks([], n: 3).first == "0")
        let axis = PlotAxis(covering: [3, 3], log: false, targetTicks: 3, unicode: true)
        #expect(axis.lo < 3 && axis.hi > 3)
    }

    // MARK: - Files and errors

    @Test func fileWritesTheSVGAndTheDataBesideIt() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noether-plot-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = Self.harness()
        h.interpreter.baseDirectory = dir.path
        try h.run(#"p = plot(t, x="lr", y="drift", log=true, file="drift.svg")"#)
        #expect(h.lines == ["wrote drift.svg and drift.csv"])
        let svg = try String(contentsOf: dir.appendingPathComponent("drift.svg"), encoding: .utf8)
        #expect(svg.hasPrefix("<?xml") && svg.hasSuffix("</svg>\n"))
        let csv = try String(contentsOf: dir.appendingPathComponent("drift.csv"), encoding: .utf8).split(
            separator: "\n")
        #expect(csv.first == "series,x,y,std,count" && csv.count == 8)
        #expect(csv[1].hasPrefix("drift,0.0001") && csv[1].hasSuffix(",3") && csv[1].split(separator: ",").count == 5)
        // The data field is the same table.
        guard case .object(let table as TableObject) = try h.run("p.data") else {
            Issue.record()
            return
        }
        #expect(table.rows.count == 7)
        #expect(h.error(#"plot([1, 2], file="x.png")"#)?.contains("'plot' writes SVG only, not PNG") == true)
        #expect(h.error(#"plot(t, x="lrr")"#)?.contains("did you mean 'lr'?") == true)
        #expect(h.error(#"plot(t, kind="pie")"#)?.contains("'kind' must be") == true)
        #expect(h.error(#"plot([1, 2], fit={alpha=1})"#)?.contains("'fit' needs numbers alpha and prefactor") == true)
        #expect(h.error("plot([])")?.contains("nothing to plot") == true)
        #expect(h.error("plot([[1, 2], \"a\"])")?.contains("element 1 is a string") == true)
    }

    @Test func thePlotPrintsAtTheDisplaySizeAndItsFieldsDescribeIt() throws {
        let h = Self.harness()
        try h.run(#"p = plot(losses, title="loss")"#)
        #expect(try h.run("p.kind").rendered == "\"line\"" && h.error("p.series") == nil)
        guard case .object(let p as PlotObject) = try h.run("p") else {
            Issue.record()
            return
        }
        #expect(p.summary == TerminalPlot.render(p.model, width: 72, height: 20, unicode: true))
        #expect(
            p.text(PlotDisplay(width: 50, height: 12, unicode: false)).split(separator: "\n").allSatisfy {
                $0.count <= 50
            })
        guard case .object(let q as PlotObject) = try h.run("plot(losses, width=40, height=10)") else {
            Issue.record()
            return
        }
        #expect(q.summary.split(separator: "\n").count <= 10)
    }

    @Test func displayFollowsTheTerminalAndTheLocale() {
        let utf8 = ["LANG": "en_US.UTF-8", "TERM": "xterm-256color"]
        #expect(PlotDisplay.detect(environment: utf8, terminalColumns: nil, terminalRows: nil) == .standard)
        #expect(
            PlotDisplay.detect(environment: utf8, terminalColumns: 120, terminalRows: 40)
                == PlotDisplay(width: 120, height: 24, unicode: true))
        #expect(
            PlotDisplay.detect(
                environment: utf8.merging(["COLUMNS": "100"]) { $1 }, terminalColumns: nil, terminalRows: nil
            ).width == 100)
        #expect(!PlotDisplay.supportsUnicode(["LANG": "en_US.UTF-8", "TERM": "dumb"]))
        #expect(!PlotDisplay.supportsUnicode(["LANG": "en_US.UTF-8", "LC_ALL": "C"]))
        #expect(PlotDisplay.supportsUnicode(["LC_CTYPE": "C.utf8"]))
        #expect(!PlotDisplay.supportsUnicode([:]))
    }
}

/// Records the root element, every element name and every `url(…)`/`href` reference.
final class SVGChecker: NSObject, XMLParserDelegate {
    var root: String?
    var namespace: String?
    var elements = Set<String>()
    var references = [String]()

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        if root == nil {
            root = name
            namespace = attributes["xmlns"]
        }
        elements.insert(name)
        for (key, value) in attributes where key.hasSuffix("href") || value.contains("url(") {
            references.append(value)
        }
    }
}
