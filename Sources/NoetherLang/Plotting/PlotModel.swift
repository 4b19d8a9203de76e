/// What a plot shows, independent of where it is drawn: series of points (with
/// optional error bars), or a histogram, the axes' scales, labels, horizontal
/// reference lines and notes about data left out. The terminal renderer
/// (`TerminalPlot`) and the SVG renderer (`SVGPlot`) both draw from this.
public struct PlotModel: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable {
        case line, scatter, hist
    }

    public var kind: Kind
    /// Data series (and the fit overlay, style `.fit`), in legend order.
    public var series: [PlotSeries]
    /// The histogram of a `kind="hist"` plot.
    public var histogram: PlotHistogram?
    public var logX = false
    public var logY = false
    public var title: String?
    public var xlabel: String?
    public var ylabel: String?
    /// Horizontal reference lines (e.g. 2/η), labelled with their value.
    public var hlines: [Double] = []
    /// Whether the legend is shown (several series, labels given, or a fit).
    public var showsLegend = false
    /// Lines printed under the plot: what was left out and how points were averaged.
    public var notes: [String] = []

    public init(kind: Kind, series: [PlotSeries] = [], histogram: PlotHistogram? = nil) {
        self.kind = kind
        self.series = series
        self.histogram = histogram
    }

    /// The data series (not the fit overlay).
    public var dataSeries: [PlotSeries] { series.filter { $0.style != .fit } }
}

/// One series: points (x, y), optionally with a half-width for error bars (the
/// standard deviation over the rows averaged into the point) and how many rows that was.
public struct PlotSeries: Sendable, Equatable {
    public enum Style: Sendable, Equatable {
        /// Points joined by lines, marked when there are few of them.
        case line
        /// Marked points only.
        case scatter
        /// A fitted curve drawn over the data (dotted in the terminal, dashed in SVG).
        case fit
    }

    public var name: String
    public var x: [Double]
    public var y: [Double]
    /// Error-bar half-widths (nil: no error bars).
    public var std: [Double]?
    /// Rows averaged into each point (nil: one each).
    public var count: [Int]?
    public var style: Style

    public init(name: String, x: [Double], y: [Double], std: [Double]? = nil, count: [Int]? = nil, style: Style = .line)
    {
        precondition(
            x.count == y.count && (std?.count ?? x.count) == x.count && (count?.count ?? x.count) == x.count,
            "plot series of unequal lengths")
        self.name = name
        self.x = x
        self.y = y
        self.std = std
        self.count = count
        self.style = style
    }
}

/// Counts of values in bins with edges `edges[i] ..< edges[i+1]` (the last bin
/// includes its right edge).
public struct PlotHistogram: Sendable, Equatable {
    public var name: String
    public var edges: [Double]
    public var counts: [Int]

    /// Bins `count` values into `bins` equal bins over their range (equal in log10
    /// when `log`; then every value must be positive). Non-finite values are not counted.
    public static func binning(_ values: [Double], bins: Int, log: Bool, name: String) -> PlotHistogram {
        let finite = values.filter { PlotAxis.isPlottable($0, log: log) }
        guard var lo = finite.min(), var hi = finite.max() else {
            return PlotHistogram(name: name, edges: [0, 1], counts: [0])
        }
        if log {
            lo = lo.log10Value
            hi = hi.log10Value
        }
        if lo == hi {
            let pad = lo == 0 ? 0.5 : Swift.abs(lo) * 0.05
            lo -= pad
            hi += pad
        }
        let n = Swift.max(1, bins)
        let width = hi / Double(n) - lo / Double(n)  // (hi − lo)/n without overflowing
        var edges = (0...n).map { lo + Double($0) * width }
        edges[n] = hi
        var counts = [Int](repeating: 0, count: n)
        for v in finite {
            let t = log ? v.log10Value : v
            var k = Int((t / width - lo / width).rounded(.down))
            k = Swift.min(Swift.max(k, 0), n - 1)
            counts[k] += 1
        }
        if log { edges = edges.map { $0.exp10Value } }
        return PlotHistogram(name: name, edges: edges, counts: counts)
    }

    /// Sturges' rule, ⌈log₂ n⌉ + 1, kept between 5 and 40.
    public static func defaultBins(count: Int) -> Int {
        guard count > 1 else { return 5 }
        var bits = 0
        while (1 << bits) < count { bits += 1 }
        return Swift.min(40, Swift.max(5, bits + 1))
    }
}

extension PlotModel {
    /// The plotted data as a table: for series, one row per point (series, x, y, std,
    /// count); for a histogram, one row per bin (series, bin_left, bin_right, count).
    /// The fit overlay is not data and is left out. This is what `file=` writes as CSV.
    public var dataTable: TableObject {
        if let h = histogram {
            let rows: [[Value]] = h.counts.indices.map { k in
                [.string(h.name), .number(h.edges[k]), .number(h.edges[k + 1]), .number(Double(h.counts[k]))]
            }
            return TableObject(columns: ["series", "bin_left", "bin_right", "count"], rows: rows)
        }
        var rows = [[Value]]()
        for s in dataSeries {
            for i in s.x.indices {
                rows.append([
                    .string(s.name), .number(s.x[i]), .number(s.y[i]),
                    s.std.map { .number($0[i]) } ?? .nothing,
                    .number(Double(s.count?[i] ?? 1)),
                ])
            }
        }
        return TableObject(columns: ["series", "x", "y", "std", "count"], rows: rows)
    }
}

extension PlotModel {
    /// The values the axes must cover: every point, its error bar, the histogram's
    /// edges and counts, and the reference lines.
    var axisCoverage: (x: [Double], y: [Double]) {
        var xs = [Double]()
        var ys = [Double]()
        if let h = histogram {
            xs += h.edges
            ys += h.counts.map(Double.init)
        }
        for s in series {
            xs += s.x
            ys += s.y
            if let std = s.std {
                for (y, e) in zip(s.y, std) where e.isFinite && e > 0 {
                    ys.append(y + e)
                    // A log axis cannot show mean − std ≤ 0; the bar is then cut at the axis.
                    if !logY || y - e > 0 { ys.append(y - e) }
                }
            }
        }
        ys += hlines
        return (xs, ys)
    }
}
