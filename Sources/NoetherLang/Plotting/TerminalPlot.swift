/// Draws a `PlotModel` as text for a terminal: Unicode braille dots (2×4 per
/// character) for lines, glyphs for markers, error bars, bars and reference lines,
/// a box with tick labels, the legend and notes underneath — or, where the terminal
/// cannot show Unicode, the same layout in ASCII with one point per character.
///
/// ```
///   drift
///       ┌────────────────────────────────┐
///  10⁻² ┤                           ⢀⡠⠔●│
///       │                  ●⡠⠤⠒⠊⠉        │
///  10⁻⁴ ┤         ⢀⡠⠔⠒●⠉                 │
///       └┬───────────────┬──────────────┬┘
///      10⁻⁴            10⁻²             1
///                        lr
/// ```
///
/// The output depends only on the model, the size and the character set, so it is
/// deterministic (golden files pin it).
public enum TerminalPlot {
    /// Markers of the data series, in order (cycled).
    static let unicodeMarkers: [Character] = ["●", "■", "▲", "◆", "○", "□", "△", "◇"]
    static let asciiMarkers: [Character] = ["*", "o", "+", "x", "#", "%", "@", "&"]

    /// The plot in `width` columns and at most `height` lines (the plot box shrinks to
    /// make room for the title, labels, legend and notes, but keeps 4 rows at least).
    public static func render(_ plot: PlotModel, width: Int, height: Int, unicode: Bool) -> String {
        var renderer = Renderer(
            plot: plot, width: Swift.max(30, width), height: Swift.max(10, height), unicode: unicode)
        return renderer.render()
    }

    struct Cell {
        var bits: UInt8 = 0
        var glyph: Character?
        var priority = 0
    }

    /// Priorities of what a cell shows: a higher one hides a lower one.
    enum Layer: Int {
        case referenceLine = 1, line = 2, bar = 3, errorBar = 4, marker = 5
    }

    struct Renderer {
        let plot: PlotModel
        let width: Int
        let height: Int
        let unicode: Bool
        /// Pixels per character, horizontally and vertically.
        var subX: Int { unicode ? 2 : 1 }
        var subY: Int { unicode ? 4 : 1 }
        var cells: [[Cell]] = []
        var columns = 0
        var rows = 0

        init(plot: PlotModel, width: Int, height: Int, unicode: Bool) {
            self.plot = plot
            self.width = width
            self.height = height
            self.unicode = unicode
        }

        mutating func render() -> String {
            let legend = legendLines()
            var notes = plot.notes.flatMap { wrap(text($0), width: width) }
            var reserved = 3  // top and bottom of the box, tick labels
            if plot.title != nil { reserved += 1 }
            if plot.ylabel != nil { reserved += 1 }
            if plot.xlabel != nil { reserved += 1 }
            reserved += legend.count
            // Notes give way first when the plot would not fit in its height.
            let minimumRows = 4
            while !notes.isEmpty && height - reserved - notes.count < minimumRows { notes.removeLast() }
            reserved += notes.count
            rows = Swift.max(minimumRows, height - reserved)

            let (xValues, yValues) = plot.axisCoverage
            let yAxis = PlotAxis(
                covering: yValues, log: plot.logY, targetTicks: Swift.min(6, Swift.max(3, rows / 3)),
                unicode: unicode, includeZero: plot.kind == .hist)
            let yLabels = yAxis.ticks.map(\.label)
            let labelWidth = yLabels.map(\.count).max() ?? 1
            let hlineLabels = plot.hlines.map { " " + formatLegend($0) }
            let rightWidth = hlineLabels.map(\.count).max() ?? 0
            columns = Swift.max(10, width - labelWidth - 3 - rightWidth)
            let xAxis = PlotAxis(
                covering: xValues, log: plot.logX, targetTicks: Swift.min(10, Swift.max(2, columns / 12)),
                unicode: unicode, tight: true)

            cells = Array(repeating: Array(repeating: Cell(), count: columns), count: rows)
            var hlineRows = [Int: String]()
            for (v, label) in zip(plot.hlines, hlineLabels) {
                guard yAxis.shows(v), let row = pixelY(yAxis.fraction(v)).map({ $0 / subY }) else { continue }
                for c in 0..<columns { put(unicode ? "┄" : "-", row: row, column: c, layer: .referenceLine) }
                hlineRows[row] = label
            }
            if let h = plot.histogram { drawHistogram(h, xAxis: xAxis, yAxis: yAxis) }
            let data = plot.dataSeries
            for (k, s) in data.enumerated() {
                if s.style == .line {
                    drawLine(s, xAxis: xAxis, yAxis: yAxis, dotted: false, glyph: markers[k % markers.count])
                }
                if let std = s.std { drawErrorBars(s, std: std, xAxis: xAxis, yAxis: yAxis) }
            }
            for s in plot.series where s.style == .fit {
                drawLine(s, xAxis: xAxis, yAxis: yAxis, dotted: true, glyph: unicode ? "·" : ".")
            }
            for (k, s) in data.enumerated() {
                drawMarkers(s, index: k, of: data.count, glyph: markers[k % markers.count], xAxis: xAxis, yAxis: yAxis)
            }

            // Assemble the lines.
            var lines = [String]()
            let left = String(repeating: " ", count: labelWidth + 1)
            let boxWidth = columns + 2
            if let title = plot.title { lines.append(left + centered(text(title), in: boxWidth)) }
            if let ylabel = plot.ylabel { lines.append(text(ylabel)) }
            let (h, v, tl, tr, bl, br, lt, bt) =
                unicode
                ? ("─", "│", "┌", "┐", "└", "┘", "┤", "┬") : ("-", "|", "+", "+", "+", "+", "+", "+")
            lines.append(left + tl + String(repeating: h, count: columns) + tr)
            var yTickRows = [Int: String]()
            for tick in yAxis.ticks {
                guard let py = pixelY(yAxis.fraction(tick.value)) else { continue }
                let row = py / subY
                if yTickRows[row] == nil { yTickRows[row] = tick.label }
            }
            for r in 0..<rows {
                var line = ""
                if let label = yTickRows[r] {
                    line += String(repeating: " ", count: labelWidth - label.count) + label + " " + lt
                } else {
                    line += left + v
                }
                for c in 0..<columns { line.append(character(cells[r][c])) }
                line += v
                if let label = hlineRows[r] { line += label }
                lines.append(line)
            }
            var bottom = Array(String(repeating: h, count: columns))
            var xTickColumns = [(column: Int, label: String)]()
            for tick in xAxis.ticks {
                guard let px = pixelX(xAxis.fraction(tick.value)) else { continue }
                let c = px / subX
                bottom[c] = Character(bt)
                xTickColumns.append((c, tick.label))
            }
            lines.append(left + bl + String(bottom) + br)
            lines.append(tickLabelLine(xTickColumns, offset: labelWidth + 2))
            if let xlabel = plot.xlabel { lines.append(left + centered(text(xlabel), in: boxWidth)) }
            lines += legend
            lines += notes
            return lines.map(trimmingTrailingSpaces).joined(separator: "\n")
        }

        var markers: [Character] { unicode ? TerminalPlot.unicodeMarkers : TerminalPlot.asciiMarkers }

        /// Text as the character set allows: as is, or spelled in ASCII.
        func text(_ s: String) -> String { unicode ? s : TerminalPlot.ascii(s) }

        // MARK: - Coordinates

        var pixelWidth: Int { columns * subX }
        var pixelHeight: Int { rows * subY }

        func pixelX(_ f: Double) -> Int? {
            guard f.isFinite, f >= -1e-9, f <= 1 + 1e-9 else { return nil }
            return Swift.min(pixelWidth - 1, Swift.max(0, Int((f * Double(pixelWidth - 1)).rounded())))
        }

        func pixelY(_ f: Double) -> Int? {
            guard f.isFinite, f >= -1e-9, f <= 1 + 1e-9 else { return nil }
            return Swift.min(pixelHeight - 1, Swift.max(0, Int(((1 - f) * Double(pixelHeight - 1)).rounded())))
        }

        // MARK: - Drawing

        mutating func put(_ glyph: Character, row: Int, column: Int, layer: Layer) {
            guard row >= 0, row < rows, column >= 0, column < columns else { return }
            if layer.rawValue >= cells[row][column].priority {
                cells[row][column].glyph = glyph
                cells[row][column].priority = layer.rawValue
            }
        }

        mutating func setPixel(_ px: Int, _ py: Int, glyph: Character) {
            let c = px / subX
            let r = py / subY
            guard r >= 0, r < rows, c >= 0, c < columns else { return }
            if unicode {
                let dx = px % 2
                let dy = py % 4
                let bit: UInt8 = dy == 3 ? (dx == 0 ? 0x40 : 0x80) : UInt8(1 << (dy + 3 * dx))
                cells[r][c].bits |= bit
            } else {
                put(glyph, row: r, column: c, layer: .line)
            }
        }

        /// Joins consecutive shown points; a point the axes cannot show breaks the line.
        mutating func drawLine(_ s: PlotSeries, xAxis: PlotAxis, yAxis: PlotAxis, dotted: Bool, glyph: Character) {
            var previous: (Int, Int)?
            var step = 0
            for i in s.x.indices {
                guard xAxis.shows(s.x[i]), yAxis.shows(s.y[i]),
                    let px = pixelX(xAxis.fraction(s.x[i])), let py = pixelY(yAxis.fraction(s.y[i]))
                else {
                    previous = nil
                    continue
                }
                if let (x0, y0) = previous {
                    for (x, y) in bresenham(x0, y0, px, py) {
                        if !dotted || step % 3 == 0 { setPixel(x, y, glyph: glyph) }
                        step += 1
                    }
                } else if s.x.count == 1 || !dotted {
                    setPixel(px, py, glyph: glyph)
                }
                previous = (px, py)
            }
        }

        mutating func drawErrorBars(_ s: PlotSeries, std: [Double], xAxis: PlotAxis, yAxis: PlotAxis) {
            for i in s.x.indices where std[i].isFinite && std[i] > 0 && xAxis.shows(s.x[i]) && yAxis.shows(s.y[i]) {
                guard let px = pixelX(xAxis.fraction(s.x[i])) else { continue }
                let top = s.y[i] + std[i]
                let low = s.y[i] - std[i]
                let fTop = Swift.min(1, yAxis.fraction(top))
                let fLow = yAxis.shows(low) ? Swift.max(0, yAxis.fraction(low)) : 0
                guard let rTop = pixelY(fTop).map({ $0 / subY }), let rLow = pixelY(fLow).map({ $0 / subY }),
                    rLow > rTop
                else {
                    continue
                }
                for r in rTop...rLow { put(unicode ? "│" : "|", row: r, column: px / subX, layer: .errorBar) }
            }
        }

        /// Markers at every point of a sparse series (or a scatter); on a dense series
        /// among several, at six points staggered per series so each can be told apart.
        mutating func drawMarkers(
            _ s: PlotSeries, index k: Int, of count: Int, glyph: Character, xAxis: PlotAxis,
            yAxis: PlotAxis
        ) {
            let shown = s.x.indices.filter { xAxis.shows(s.x[$0]) && yAxis.shows(s.y[$0]) }
            var chosen = [Int]()
            if s.style == .scatter || shown.count * 3 <= columns {
                chosen = shown
            } else if count > 1, !shown.isEmpty {
                let marks = 6
                for j in 0..<marks {
                    let t = (Double(j) + Double(k + 1) / Double(count + 1)) / Double(marks)
                    chosen.append(shown[Swift.min(shown.count - 1, Int(t * Double(shown.count)))])
                }
            }
            for i in chosen {
                guard let px = pixelX(xAxis.fraction(s.x[i])), let py = pixelY(yAxis.fraction(s.y[i])) else { continue }
                put(glyph, row: py / subY, column: px / subX, layer: .marker)
            }
        }

        mutating func drawHistogram(_ h: PlotHistogram, xAxis: PlotAxis, yAxis: PlotAxis) {
            let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇"]
            for c in 0..<columns {
                // The bin under the middle of this column.
                let f = (Double(c) + 0.5) / Double(columns)
                let x =
                    xAxis.log
                    ? (xAxis.lo.log10Value + f * (xAxis.hi.log10Value - xAxis.lo.log10Value)).exp10Value
                    : xAxis.lo + f * (xAxis.hi - xAxis.lo)
                guard let k = h.edges.indices.dropLast().last(where: { h.edges[$0] <= x }), x <= h.edges.last!,
                    h.counts[k] > 0
                else { continue }
                let fy = Swift.min(1, Swift.max(0, yAxis.fraction(Double(h.counts[k]))))
                guard fy.isFinite else { continue }
                let height = fy * Double(rows)
                if unicode {
                    let eighths = Swift.max(1, Int((height * 8).rounded()))
                    for r in 0..<(eighths / 8) { put("█", row: rows - 1 - r, column: c, layer: .bar) }
                    if eighths % 8 > 0 {
                        put(blocks[eighths % 8 - 1], row: rows - 1 - eighths / 8, column: c, layer: .bar)
                    }
                } else {
                    let full = Swift.max(1, Int(height.rounded()))
                    for r in 0..<full { put("#", row: rows - 1 - r, column: c, layer: .bar) }
                }
            }
        }

        func character(_ cell: Cell) -> Character {
            if let g = cell.glyph, cell.priority > Layer.line.rawValue || cell.bits == 0 || !unicode { return g }
            if cell.bits != 0 { return Character(Unicode.Scalar(0x2800 + UInt32(cell.bits))!) }
            return " "
        }

        // MARK: - Text

        func legendLines() -> [String] {
            guard plot.showsLegend else { return [] }
            var entries = [String]()
            for (k, s) in plot.dataSeries.enumerated() {
                // A line's entry is a piece of line with the series' marker on it.
                let marker = markers[k % markers.count]
                let line = unicode ? "─" : "-"
                entries.append(
                    s.style == .line ? "\(line)\(marker)\(line) \(text(s.name))" : "\(marker) \(text(s.name))")
            }
            for s in plot.series where s.style == .fit { entries.append((unicode ? "··· " : "... ") + text(s.name)) }
            if let h = plot.histogram, !h.name.isEmpty { entries.append((unicode ? "█ " : "# ") + text(h.name)) }
            var lines = [String]()
            var current = ""
            for e in entries {
                if current.isEmpty {
                    current = e
                } else if current.count + 3 + e.count <= width {
                    current += "   " + e
                } else {
                    lines.append(current)
                    current = e
                }
            }
            if !current.isEmpty { lines.append(current) }
            return lines
        }

        /// Tick labels centred under their columns, left to right, each dropped when it
        /// would touch the one before; the last one is kept in preference to its neighbour.
        func tickLabelLine(_ ticks: [(column: Int, label: String)], offset: Int) -> String {
            func start(_ t: (column: Int, label: String)) -> Int {
                Swift.max(0, Swift.min(offset + t.column - t.label.count / 2, width - t.label.count))
            }
            var placed = [(start: Int, label: String)]()
            for t in ticks {
                let s = start(t)
                if let last = placed.last, s <= last.start + last.label.count { continue }
                placed.append((s, t.label))
            }
            if let final = ticks.last, placed.last?.label != final.label || placed.count == 0 {
                let s = start(final)
                while let last = placed.last, s <= last.start + last.label.count { placed.removeLast() }
                placed.append((s, final.label))
            }
            var line = [Character](repeating: " ", count: width)
            for p in placed {
                for (j, ch) in p.label.enumerated() where p.start + j < width { line[p.start + j] = ch }
            }
            return String(line)
        }

        func centered(_ text: String, in width: Int) -> String {
            let pad = Swift.max(0, (width - text.count) / 2)
            return String(repeating: " ", count: pad) + text
        }
    }

    /// ASCII spellings of the symbols plots use; any other non-ASCII character is `?`.
    static let asciiSpellings: [Character: String] = [
        "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "Δ": "Delta", "ε": "eps", "η": "eta", "θ": "theta",
        "λ": "lambda", "μ": "mu", "ρ": "rho", "σ": "sigma", "Σ": "Sum", "τ": "tau", "φ": "phi", "ω": "omega",
        "±": "+/-", "≤": "<=", "≥": ">=", "≈": "~", "×": "x", "·": "*", "−": "-", "–": "-", "—": "--", "…": "...",
        "²": "^2", "³": "^3", "⁻": "^-", "₀": "0", "₁": "1", "₂": "2", "₃": "3", "₄": "4", "₅": "5", "√": "sqrt",
        "‖": "||", "∂": "d", "₆": "6", "₇": "7", "₈": "8", "₉": "9", "→": "->", "’": "'", "“": "\"", "”": "\"",
        "é": "e", "ö": "o", "ü": "u",
    ]

    static func ascii(_ text: String) -> String {
        var out = ""
        for c in text {
            if c.isASCII { out.append(c) } else { out += asciiSpellings[c] ?? "?" }
        }
        return out
    }

    static func wrap(_ text: String, width: Int) -> [String] {
        var lines = [String]()
        var current = ""
        for word in text.split(separator: " ") {
            if current.isEmpty {
                current = String(word)
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = String(word)
            }
        }
        if !current.isEmpty { lines.append(current) }
        return lines
    }
}

private func wrap(_ text: String, width: Int) -> [String] { TerminalPlot.wrap(text, width: width) }

private func trimmingTrailingSpaces(_ s: String) -> String {
    var s = s
    while s.last == " " { s.removeLast() }
    return s
}

/// The pixels of the segment from (x0, y0) to (x1, y1), both ends included, in order.
func bresenham(_ x0: Int, _ y0: Int, _ x1: Int, _ y1: Int) -> [(Int, Int)] {
    var points = [(Int, Int)]()
    let dx = Swift.abs(x1 - x0)
    let dy = -Swift.abs(y1 - y0)
    let sx = x0 < x1 ? 1 : -1
    let sy = y0 < y1 ? 1 : -1
    var err = dx + dy
    var x = x0
    var y = y0
    while true {
        points.append((x, y))
        if x == x1 && y == y1 { break }
        let e2 = 2 * err
        if e2 >= dy {
            err += dy
            x += sx
        }
        if e2 <= dx {
            err += dx
            y += sy
        }
    }
    return points
}
