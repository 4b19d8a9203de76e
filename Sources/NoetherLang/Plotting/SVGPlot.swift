/// Writes a `PlotModel` as a self-contained SVG document: no scripts, no external
/// fonts or images, generic font families only. 720×450 user units (about 16×10 cm
/// at 90 dpi; it scales to any width), text 12–16 units tall so it stays readable
/// when printed at paper width.
///
/// Series are told apart by colour (the Okabe–Ito palette, safe for colour-blind
/// readers) and by marker shape or dash pattern (so a black-and-white print works
/// too). Ticks are nice numbers; log axes tick at decades, labelled 10ⁿ with a
/// superscript. Coordinates are written with two decimals, so the same plot gives
/// the same bytes.
public enum SVGPlot {
    public static let width = 720.0
    public static let height = 450.0
    static let palette = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000"]
    static let dashes = ["", "8 4", "2 3", "10 3 2 3", "5 5", "1 4", "12 4"]
    /// Series with more points than this are drawn without markers (a dash pattern
    /// tells them apart instead).
    static let markerLimit = 60
    static let fontFamily = "Helvetica, Arial, 'DejaVu Sans', 'Liberation Sans', sans-serif"

    public static func render(_ plot: PlotModel) -> String {
        var r = Renderer(plot: plot)
        return r.render()
    }

    struct Renderer {
        let plot: PlotModel
        var out = ""
        var left = 0.0, right = 0.0, top = 0.0, bottom = 0.0
        var xAxis = PlotAxis(covering: [], log: false, targetTicks: 2, unicode: true)
        var yAxis = PlotAxis(covering: [], log: false, targetTicks: 2, unicode: true)

        init(plot: PlotModel) { self.plot = plot }

        mutating func render() -> String {
            let (xs, ys) = plot.axisCoverage
            let margin = plot.kind == .hist ? 0 : 0.03
            xAxis = PlotAxis(covering: xs, log: plot.logX, targetTicks: 8, unicode: true, tight: true, margin: margin)
            yAxis = PlotAxis(
                covering: ys, log: plot.logY, targetTicks: 6, unicode: true, includeZero: plot.kind == .hist,
                tight: true, margin: 0.05)
            let yLabelChars = yAxis.ticks.map { $0.decade != nil ? 4 : $0.label.count }.max() ?? 1
            left = 18 + (plot.ylabel != nil ? 22 : 0) + Double(yLabelChars) * 7.2 + 8
            let hlineChars = plot.hlines.map { formatLegend($0).count }.max() ?? 0
            right = SVGPlot.width - 20 - (hlineChars > 0 ? Double(hlineChars) * 7.2 + 6 : 0)
            top = plot.title != nil ? 46 : 22
            bottom = SVGPlot.height - 44 - (plot.xlabel != nil ? 22 : 0) - Double(plot.notes.count) * 16

            out = """
                <?xml version="1.0" encoding="UTF-8"?>
                <svg xmlns="http://www.w3.org/2000/svg" width="\(f(SVGPlot.width))" height="\(f(SVGPlot.height))" \
                viewBox="0 0 \(f(SVGPlot.width)) \(f(SVGPlot.height))" font-family="\(SVGPlot.fontFamily)" font-size="12">

                """
            out += "<title>\(escape(plot.title ?? "Noether plot"))</title>\n"
            out += "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
            out +=
                "<defs><clipPath id=\"plot-area\"><rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" "
                + "height=\"\(f(bottom - top))\"/></clipPath></defs>\n"
            drawGridAndAxes()
            drawText()
            out += "<g clip-path=\"url(#plot-area)\">\n"
            for v in plot.hlines where yAxis.shows(v) {
                let y = py(v)
                out +=
                    line(
                        left, y, right, y,
                        attributes: " stroke=\"#666666\" stroke-width=\"1.2\" stroke-dasharray=\"5 4\"")
                    + "\n"
            }
            if let h = plot.histogram { drawHistogram(h) }
            let data = plot.dataSeries
            for (k, s) in data.enumerated() where s.style == .line { drawLine(s, index: k) }
            for s in plot.series where s.style == .fit {
                out +=
                    "<path d=\"\(path(s))\" fill=\"none\" stroke=\"#000000\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"/>\n"
            }
            out += "</g>\n"
            // Markers and error bars are not clipped: a point on the frame shows whole.
            for (k, s) in data.enumerated() { drawPoints(s, index: k) }
            for v in plot.hlines where yAxis.shows(v) {
                out +=
                    "<text x=\"\(f(right + 5))\" y=\"\(f(py(v) + 4))\" fill=\"#444444\">\(escape(formatLegend(v)))</text>\n"
            }
            if plot.showsLegend { drawLegend() }
            out += "</svg>\n"
            return out
        }

        // MARK: - Coordinates

        func px(_ v: Double) -> Double { left + xAxis.fraction(v) * (right - left) }
        func py(_ v: Double) -> Double { bottom - yAxis.fraction(v) * (bottom - top) }

        /// Path data joining the shown points; a point the axes cannot show breaks it.
        func path(_ s: PlotSeries) -> String {
            var d = [String]()
            var pen = false
            for i in s.x.indices {
                guard xAxis.shows(s.x[i]), yAxis.shows(s.y[i]) else {
                    pen = false
                    continue
                }
                d.append("\(pen ? "L" : "M")\(f(px(s.x[i]))) \(f(py(s.y[i])))")
                pen = true
            }
            return d.joined(separator: " ")
        }

        // MARK: - Parts

        mutating func drawGridAndAxes() {
            out += "<g stroke=\"#e6e6e6\" stroke-width=\"1\">\n"
            for t in xAxis.ticks {
                out += line(px(t.value), top, px(t.value), bottom) + "\n"
            }
            for t in yAxis.ticks {
                out += line(left, py(t.value), right, py(t.value)) + "\n"
            }
            out += "</g>\n"
            out +=
                "<rect x=\"\(f(left))\" y=\"\(f(top))\" width=\"\(f(right - left))\" height=\"\(f(bottom - top))\" "
                + "fill=\"none\" stroke=\"#333333\" stroke-width=\"1\"/>\n"
            out += "<g stroke=\"#333333\" stroke-width=\"1\">\n"
            for t in xAxis.ticks {
                out += line(px(t.value), bottom, px(t.value), bottom + 5) + "\n"
            }
            for t in yAxis.ticks {
                out += line(left - 5, py(t.value), left, py(t.value)) + "\n"
            }
            // Minor ticks at 2…9 times each decade of a log axis labelled by decades (up to 12 decades).
            for (axis, horizontal) in [(xAxis, true), (yAxis, false)]
            where axis.log && axis.ticks.contains(where: { $0.decade != nil })
                && axis.hi.log10Value - axis.lo.log10Value <= 12
            {
                var e = Int(axis.lo.log10Value.rounded())
                while Double(e) < axis.hi.log10Value.rounded() {
                    for m in 2...9 {
                        let v = Double(m) * Double(e).exp10Value
                        if horizontal {
                            out += line(px(v), bottom, px(v), bottom + 3) + "\n"
                        } else {
                            out += line(left - 3, py(v), left, py(v)) + "\n"
                        }
                    }
                    e += 1
                }
            }
            out += "</g>\n"
        }

        mutating func drawText() {
            out += "<g fill=\"#222222\">\n"
            for t in xAxis.ticks {
                out +=
                    "<text x=\"\(f(px(t.value)))\" y=\"\(f(bottom + 19))\" text-anchor=\"middle\">\(tickText(t))</text>\n"
            }
            for t in yAxis.ticks {
                out +=
                    "<text x=\"\(f(left - 8))\" y=\"\(f(py(t.value) + 4))\" text-anchor=\"end\">\(tickText(t))</text>\n"
            }
            let midX = (left + right) / 2
            if let title = plot.title {
                out +=
                    "<text x=\"\(f(midX))\" y=\"28\" text-anchor=\"middle\" font-size=\"16\" font-weight=\"bold\">\(escape(title))</text>\n"
            }
            if let xlabel = plot.xlabel {
                out +=
                    "<text x=\"\(f(midX))\" y=\"\(f(bottom + 40))\" text-anchor=\"middle\" font-size=\"14\">\(escape(xlabel))</text>\n"
            }
            if let ylabel = plot.ylabel {
                let midY = (top + bottom) / 2
                out +=
                    "<text x=\"20\" y=\"\(f(midY))\" text-anchor=\"middle\" font-size=\"14\" "
                    + "transform=\"rotate(-90 20 \(f(midY)))\">\(escape(ylabel))</text>\n"
            }
            let notesTop = bottom + (plot.xlabel != nil ? 62 : 40)
            for (k, note) in plot.notes.enumerated() {
                out +=
                    "<text x=\"10\" y=\"\(f(notesTop + Double(k) * 16))\" font-size=\"11\" fill=\"#555555\">\(escape(note))</text>\n"
            }
            out += "</g>\n"
        }

        func tickText(_ t: PlotAxis.Tick) -> String {
            guard let e = t.decade else { return escape(t.label) }
            let exponent = e < 0 ? "\u{2212}\(-e)" : "\(e)"
            return "10<tspan dy=\"-6\" font-size=\"9\">\(exponent)</tspan>"
        }

        mutating func drawHistogram(_ h: PlotHistogram) {
            out += "<g fill=\"\(SVGPlot.palette[0])\" fill-opacity=\"0.75\" stroke=\"white\" stroke-width=\"0.5\">\n"
            let base = yAxis.log ? bottom : py(0)
            for k in h.counts.indices where h.counts[k] > 0 && xAxis.shows(h.edges[k]) && xAxis.shows(h.edges[k + 1]) {
                let x0 = px(h.edges[k])
                let x1 = px(h.edges[k + 1])
                let y = py(Double(h.counts[k]))
                out += "<rect x=\"\(f(x0))\" y=\"\(f(y))\" width=\"\(f(x1 - x0))\" height=\"\(f(base - y))\"/>\n"
            }
            out += "</g>\n"
        }

        func isMarked(_ s: PlotSeries) -> Bool { s.style == .scatter || s.x.count <= SVGPlot.markerLimit }

        mutating func drawLine(_ s: PlotSeries, index k: Int) {
            let colour = SVGPlot.palette[k % SVGPlot.palette.count]
            let dash = isMarked(s) ? "" : SVGPlot.dashes[k % SVGPlot.dashes.count]
            out +=
                "<path class=\"series\" d=\"\(path(s))\" fill=\"none\" stroke=\"\(colour)\" stroke-width=\"2\" "
                + "stroke-linejoin=\"round\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\"") + "/>\n"
        }

        mutating func drawPoints(_ s: PlotSeries, index k: Int) {
            let colour = SVGPlot.palette[k % SVGPlot.palette.count]
            let marked = isMarked(s)
            guard marked || s.std != nil else { return }
            out += "<g class=\"points\" stroke=\"\(colour)\" fill=\"\(colour)\">\n"
            if let std = s.std {
                for i in s.x.indices where std[i].isFinite && std[i] > 0 && xAxis.shows(s.x[i]) && yAxis.shows(s.y[i]) {
                    let x = px(s.x[i])
                    let y1 = py(s.y[i] + std[i])
                    let lowValue = s.y[i] - std[i]
                    let y0 = yAxis.shows(lowValue) ? py(lowValue) : bottom
                    out +=
                        "<path d=\"M\(f(x)) \(f(y0)) L\(f(x)) \(f(y1)) M\(f(x - 4)) \(f(y0)) L\(f(x + 4)) \(f(y0)) "
                        + "M\(f(x - 4)) \(f(y1)) L\(f(x + 4)) \(f(y1))\" fill=\"none\" stroke-width=\"1.2\"/>\n"
                }
            }
            if marked {
                for i in s.x.indices where xAxis.shows(s.x[i]) && yAxis.shows(s.y[i]) {
                    out += marker(k, x: px(s.x[i]), y: py(s.y[i])) + "\n"
                }
            }
            out += "</g>\n"
        }

        /// Marker shape `k` (cycled) centred at (x, y).
        func marker(_ k: Int, x: Double, y: Double, size r: Double = 4.5) -> String {
            switch k % 7 {
            case 0: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" stroke=\"none\"/>"
            case 1:
                return
                    "<rect x=\"\(f(x - r))\" y=\"\(f(y - r))\" width=\"\(f(2 * r))\" height=\"\(f(2 * r))\" stroke=\"none\"/>"
            case 2:
                return
                    "<path d=\"M\(f(x)) \(f(y - r * 1.2)) L\(f(x + r * 1.1)) \(f(y + r * 0.8)) L\(f(x - r * 1.1)) \(f(y + r * 0.8)) Z\" stroke=\"none\"/>"
            case 3:
                return
                    "<path d=\"M\(f(x)) \(f(y - r * 1.3)) L\(f(x + r * 1.3)) \(f(y)) L\(f(x)) \(f(y + r * 1.3)) L\(f(x - r * 1.3)) \(f(y)) Z\" stroke=\"none\"/>"
            case 4:
                return
                    "<path d=\"M\(f(x)) \(f(y + r * 1.2)) L\(f(x + r * 1.1)) \(f(y - r * 0.8)) L\(f(x - r * 1.1)) \(f(y - r * 0.8)) Z\" stroke=\"none\"/>"
            case 5: return "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"\(f(r))\" fill=\"white\" stroke-width=\"1.5\"/>"
            default:
                return
                    "<rect x=\"\(f(x - r))\" y=\"\(f(y - r))\" width=\"\(f(2 * r))\" height=\"\(f(2 * r))\" fill=\"white\" stroke-width=\"1.5\"/>"
            }
        }

        /// The legend, in whichever inside corner of the plot covers the fewest points.
        mutating func drawLegend() {
            var entries = [(kind: Int, name: String, dense: Bool)]()  // kind: series index, −1 fit, −2 histogram
            for (k, s) in plot.dataSeries.enumerated() {
                entries.append((k, s.name, !(s.style == .scatter || s.x.count <= SVGPlot.markerLimit)))
            }
            for s in plot.series where s.style == .fit { entries.append((-1, s.name, false)) }
            if let h = plot.histogram, !h.name.isEmpty { entries.append((-2, h.name, false)) }
            guard !entries.isEmpty else { return }
            let rowHeight = 18.0
            let boxWidth = 44 + Double(entries.map(\.name.count).max() ?? 0) * 6.8
            let boxHeight = Double(entries.count) * rowHeight + 8
            let corners = [
                (right - boxWidth - 8, top + 8), (left + 8, top + 8),
                (right - boxWidth - 8, bottom - boxHeight - 8), (left + 8, bottom - boxHeight - 8),
            ]
            var best = corners[0]
            var fewest = Int.max
            for c in corners {
                var n = 0
                for s in plot.series {
                    for i in s.x.indices where xAxis.shows(s.x[i]) && yAxis.shows(s.y[i]) {
                        let x = px(s.x[i])
                        let y = py(s.y[i])
                        if x >= c.0 - 12 && x <= c.0 + boxWidth + 12 && y >= c.1 - 12 && y <= c.1 + boxHeight + 12 {
                            n += 1
                        }
                    }
                }
                if n < fewest {
                    fewest = n
                    best = c
                }
            }
            let (x0, y0) = best
            out += "<g class=\"legend\">\n"
            out +=
                "<rect x=\"\(f(x0))\" y=\"\(f(y0))\" width=\"\(f(boxWidth))\" height=\"\(f(boxHeight))\" fill=\"white\" "
                + "fill-opacity=\"0.9\" stroke=\"#999999\" stroke-width=\"0.8\"/>\n"
            for (j, e) in entries.enumerated() {
                let y = y0 + 4 + rowHeight * (Double(j) + 0.5)
                let lx0 = x0 + 8
                let lx1 = x0 + 32
                switch e.kind {
                case -1:
                    out +=
                        line(
                            lx0, y, lx1, y,
                            attributes: " stroke=\"#000000\" stroke-width=\"1.6\" stroke-dasharray=\"7 4\"")
                        + "\n"
                case -2:
                    out +=
                        "<rect x=\"\(f(lx0 + 4))\" y=\"\(f(y - 6))\" width=\"16\" height=\"12\" fill=\"\(SVGPlot.palette[0])\" fill-opacity=\"0.75\"/>\n"
                default:
                    let colour = SVGPlot.palette[e.kind % SVGPlot.palette.count]
                    out += "<g stroke=\"\(colour)\" fill=\"\(colour)\">"
                    if plot.dataSeries[e.kind].style == .line {
                        let dash = e.dense ? SVGPlot.dashes[e.kind % SVGPlot.dashes.count] : ""
                        out += line(
                            lx0, y, lx1, y,
                            attributes: " stroke-width=\"2\"" + (dash.isEmpty ? "" : " stroke-dasharray=\"\(dash)\""))
                    }
                    // The marker on the line even for a dense series when it is the only one.
                    if !e.dense || plot.dataSeries.count == 1 { out += marker(e.kind, x: (lx0 + lx1) / 2, y: y) }
                    out += "</g>\n"
                }
                out += "<text x=\"\(f(x0 + 38))\" y=\"\(f(y + 4))\" fill=\"#222222\">\(escape(e.name))</text>\n"
            }
            out += "</g>\n"
        }
    }

    /// A coordinate with at most two decimals, trailing zeros dropped.
    static func format(_ x: Double) -> String {
        guard x.isFinite else { return "0" }
        var s = formatFixed(x, decimals: 2)
        if s.contains(".") {
            while s.hasSuffix("0") { s.removeLast() }
            if s.hasSuffix(".") { s.removeLast() }
        }
        return s == "-0" ? "0" : s
    }

    /// Text with the five XML special characters escaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default:
                // Control characters are not allowed in XML 1.0.
                if let v = c.unicodeScalars.first?.value, v < 0x20, c != "\t", c != "\n" { continue }
                out.append(c)
            }
        }
        return out
    }
}

private func f(_ x: Double) -> String { SVGPlot.format(x) }

/// `<line x1="…" y1="…" x2="…" y2="…"…/>`, `attributes` (each with its leading space) before the end.
private func line(_ x1: Double, _ y1: Double, _ x2: Double, _ y2: Double, attributes: String = "") -> String {
    "<line x1=\"\(f(x1))\" y1=\"\(f(y1))\" x2=\"\(f(x2))\" y2=\"\(f(y2))\"\(attributes)/>"
}
private func escape(_ text: String) -> String { SVGPlot.escape(text) }
