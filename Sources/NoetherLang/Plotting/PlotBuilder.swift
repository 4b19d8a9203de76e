#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// Turns the arguments of `plot(…)` into a `PlotModel`: lists of numbers, lists of
/// series, x/y lists, tables (grouped into means with error bars), spectra and
/// densities; then the options (log axes, labels, reference lines, a power-law fit).
struct PlotBuilder {
    /// Why the arguments cannot be plotted, and which argument is at fault.
    struct Failure: Error {
        var message: String
        var argument: String?
        var hint: String?
        init(_ message: String, at argument: String? = nil, hint: String? = nil) {
            self.message = message
            self.argument = argument
            self.hint = hint
        }
    }

    /// A power law y = prefactor · x^alpha to draw over the data.
    struct Fit {
        var alpha: Double
        var prefactor: Double
        var name: String
    }

    var data: Value
    var y: Value?
    var x: Value?
    var by: [String]?
    /// nil: the default for the data (a histogram for a spectrum, else lines).
    var kind: PlotModel.Kind?
    var logX = false
    var logY = false
    var title: String?
    var xlabel: String?
    var ylabel: String?
    var labels: [String]?
    var hlines: [Double] = []
    var fit: Fit?
    var bins: Int?
    var errorBars = true
    /// What the call named for `data`, `x` and `y` (`plot(run.C)`), for default axis titles.
    var dataOrigin: PlotOrigin?
    var xOrigin: PlotOrigin?
    var yOrigin: PlotOrigin?

    func build() throws(Failure) -> PlotModel {
        var model: PlotModel
        switch data {
        case .object(let t as TableObject):
            model = try fromTable(t)
        case .object(let o):
            model = try fromObject(o)
        case .list(let items):
            model = try fromList(items)
            labelAxes(&model)
        default:
            throw Failure(
                "'plot' needs a list of numbers, a list of series or a table, got \(article(data.typeName)) \(data.typeName)",
                at: "data")
        }
        model.logX = logX
        model.logY = logY
        if let title { model.title = title }
        if let xlabel { model.xlabel = xlabel }
        if let ylabel { model.ylabel = ylabel }
        model.hlines = hlines
        if let labels {
            if var h = model.histogram {
                if let first = labels.first { h.name = first }
                model.histogram = h
            } else {
                let count = model.series.count
                guard labels.count <= count else {
                    throw Failure("\(labels.count) labels for \(count) series", at: "labels")
                }
                for (k, label) in labels.enumerated() { model.series[k].name = label }
            }
        }
        if !errorBars { for k in model.series.indices { model.series[k].std = nil } }
        model.notes += hiddenPointNotes(model)
        if let fit {
            model.series.append(try fitSeries(fit, over: model))
        }
        model.showsLegend = model.dataSeries.count > 1 || labels != nil || fit != nil
        return model
    }

    // MARK: - Axis titles

    /// Default axis titles for plotted lists, from what the call named: `plot(run.losses)`
    /// is loss against step (the run's own steps on x), `plot(run.C)` C₁, C₂ … against
    /// step, `plot(xs, ys)` ys against xs, `plot(drifts)` drifts against index.
    /// `xlabel=` and `ylabel=` replace them.
    func labelAxes(_ model: inout PlotModel) {
        guard model.histogram == nil else {
            if model.xlabel == nil { model.xlabel = dataOrigin?.text }
            return
        }
        if y != nil {
            model.xlabel = model.xlabel ?? dataOrigin?.text
            model.ylabel = model.ylabel ?? yOrigin?.text
            return
        }
        model.xlabel = model.xlabel ?? xOrigin?.text
        if let origin = dataOrigin, let field = origin.field, let owner = origin.owner,
            let known = PlotOrigin.runSeries[field], Swift.type(of: owner).typeName == "run"
        {
            let count = model.dataSeries.count
            if x == nil, let steps = owner.field(known.axis)?.numbers,
                model.dataSeries.allSatisfy({ $0.x.count == steps.count })
            {
                for k in model.series.indices where model.series[k].style != .fit { model.series[k].x = steps }
                model.xlabel = model.xlabel ?? "step"
            }
            for k in model.series.indices where model.series[k].style != .fit && count > 1 {
                model.series[k].name = PlotOrigin.layer(known.label, k + 1)
            }
            model.ylabel = model.ylabel ?? (count == 1 ? PlotOrigin.layer(known.label, 1) : known.label)
        } else {
            model.ylabel = model.ylabel ?? dataOrigin?.text
        }
        if model.xlabel == nil && x == nil && dataOrigin != nil { model.xlabel = "index" }
        // A lone series is named for what it is (in a legend, beside a fit).
        if model.dataSeries.count == 1, let k = model.series.firstIndex(where: { $0.style != .fit }),
            let name = dataOrigin.map({ _ in model.ylabel ?? "" }), !name.isEmpty
        {
            model.series[k].name = name
        }
    }

    // MARK: - Lists

    func fromList(_ items: [Value]) throws(Failure) -> PlotModel {
        guard !items.isEmpty else { throw Failure("nothing to plot: the list is empty", at: "data") }
        let kind = self.kind ?? .line
        if kind == .hist {
            guard y == nil else { throw Failure("a histogram takes one list of values; 'y' does not apply", at: "y") }
            guard let values = Value.list(items).numbers else {
                throw Failure(
                    "a histogram needs a list of numbers", at: "data", hint: "for several lists, plot each one")
            }
            return histogram(values, name: "")
        }
        if let y {
            // plot(xs, ys): data is the x values.
            guard let xs = Value.list(items).numbers else {
                throw Failure("with y given, the first argument is the x values and must be numbers", at: "data")
            }
            guard case .list(let ys) = y else {
                throw Failure("y must be a list of numbers (or of series) here", at: "y")
            }
            let series = try seriesList(ys, label: "y")
            for (k, s) in series.enumerated() where s.count != xs.count {
                throw Failure("series \(k + 1) has \(s.count) values but there are \(xs.count) x values", at: "y")
            }
            return PlotModel(
                kind: kind,
                series: series.enumerated().map { k, s in
                    PlotSeries(name: series.count == 1 ? "y" : String(k + 1), x: xs, y: s, style: style(kind))
                })
        }
        var xs: [Double]?
        if let x {
            guard let numbers = x.numbers else {
                throw Failure(
                    "x must be a list of numbers when plotting lists", at: "x", hint: "x=\"name\" picks a table column")
            }
            xs = numbers
        }
        let series = try seriesList(items, label: "data")
        return PlotModel(
            kind: kind,
            series: try series.enumerated().map { (k, s) throws(Failure) -> PlotSeries in
                let xv = xs ?? (0..<s.count).map(Double.init)
                guard xv.count == s.count else {
                    throw Failure("x has \(xv.count) values but series \(k + 1) has \(s.count)", at: "x")
                }
                return PlotSeries(name: String(k + 1), x: xv, y: s, style: style(kind))
            })
    }

    /// One series (a list of numbers) or several (a list of lists of numbers).
    func seriesList(_ items: [Value], label: String) throws(Failure) -> [[Double]] {
        if let numbers = Value.list(items).numbers { return [numbers] }
        var out = [[Double]]()
        for (k, item) in items.enumerated() {
            guard let numbers = item.numbers else {
                throw Failure(
                    "element \(k) is \(article(item.typeName)) \(item.typeName); plot needs numbers, or lists of numbers (one per series)",
                    at: label)
            }
            out.append(numbers)
        }
        return out
    }

    func style(_ kind: PlotModel.Kind) -> PlotSeries.Style { kind == .scatter ? .scatter : .line }

    func histogram(_ values: [Double], name: String) -> PlotModel {
        var model = PlotModel(kind: .hist)
        model.histogram = PlotHistogram.binning(
            values, bins: bins ?? PlotHistogram.defaultBins(count: values.count),
            log: logX, name: name)
        let nonFinite = values.filter { !PlotAxis.isPlottable($0, log: false) }.count
        if nonFinite > 0 {
            model.notes.append("\(nonFinite) non-finite (or beyond ±1e300) \(plural(nonFinite, "value")) not counted")
        }
        if logX {
            let nonPositive = values.filter {
                PlotAxis.isPlottable($0, log: false) && !PlotAxis.isPlottable($0, log: true)
            }.count
            if nonPositive > 0 {
                model.notes.append("\(nonPositive) \(plural(nonPositive, "value")) ≤ 0 not counted on the log axis")
            }
        }
        model.ylabel = model.ylabel ?? "count"
        let counted = model.histogram!.counts.reduce(0, +)
        if counted > 0 {
            model.notes.append("\(counted) \(plural(counted, "value")) in \(model.histogram!.counts.count) bins")
        }
        return model
    }

    // MARK: - Objects

    /// A spectrum (an object with a `values` list) as a histogram of its eigenvalues;
    /// a density (`grid` and `density`) as a curve.
    func fromObject(_ o: any NoetherObject) throws(Failure) -> PlotModel {
        let type = Swift.type(of: o).typeName
        if let grid = o.field("grid")?.numbers, let density = o.field("density")?.numbers, grid.count == density.count {
            var model = PlotModel(
                kind: kind ?? .line,
                series: [PlotSeries(name: "density", x: grid, y: density, style: style(kind ?? .line))])
            model.xlabel = "λ"
            model.ylabel = "density"
            return model
        }
        if let values = o.field("values")?.numbers {
            if (kind ?? .hist) == .hist {
                var model = histogram(values, name: "")
                model.xlabel = "eigenvalue"
                return model
            }
            return try fromList(values.map { .number($0) })
        }
        let series = o.fieldNames.filter { name in
            if case .list(let items)? = o.field(name), !items.isEmpty,
                Value.list(items).numbers != nil
                    || items.allSatisfy({ $0.numbers != nil })
            {
                return true
            }
            return false
        }
        throw Failure(
            "cannot plot \(article(type)) \(type) as a whole", at: "data",
            hint: series.isEmpty
                ? nil
                : "plot one of its series, e.g. plot(x.\(series[0]))"
                    + (series.count > 1 ? " (series: \(series.prefix(6).joined(separator: ", ")))" : ""))
    }

    // MARK: - Tables

    /// Rows with the same x (and the same `by` values) are averaged: the point is the
    /// mean of their finite y values, its error bar the population standard deviation
    /// (the spread over seeds, say). A y cell holding a list gives one series per element.
    func fromTable(_ t: TableObject) throws(Failure) -> PlotModel {
        guard !t.rows.isEmpty else { throw Failure("nothing to plot: the table has no rows", at: "data") }
        guard kind != .hist else {
            throw Failure(
                "a histogram takes a list of values, not a table", at: "kind", hint: "e.g. plot(t.drift, kind=\"hist\")"
            )
        }
        func column(_ name: String, _ label: String) throws(Failure) -> Int {
            guard let j = t.columnIndex(name) else {
                let hint =
                    closestName(name, in: t.columns).map { "did you mean '\($0)'?" }
                    ?? "columns: \(t.columns.joined(separator: ", "))"
                throw Failure("the table has no column '\(name)'", at: label, hint: hint)
            }
            return j
        }
        let byColumns = try (by ?? []).map { (name: String) throws(Failure) -> Int in try column(name, "by") }
        let numeric = t.columns.indices.filter { j in
            t.rows.contains { !$0[j].isNothing }
                && t.rows.allSatisfy { row in
                    switch row[j] {
                    case .number, .nothing: true
                    case .list(let items): Value.list(items).numbers != nil
                    default: false
                    }
                }
        }
        var xColumn: Int
        switch x {
        case .string(let name)?: xColumn = try column(name, "x")
        case nil:
            guard let first = t.columns.indices.first(where: { !byColumns.contains($0) }) else {
                throw Failure("the table has no column left for x", at: "by")
            }
            xColumn = first
        default: throw Failure("x must name a column of the table", at: "x")
        }
        var yColumns: [Int]
        switch y {
        case .string(let name)?: yColumns = [try column(name, "y")]
        case .list(let names)?:
            yColumns = []
            for n in names {
                guard case .string(let name) = n else { throw Failure("y must name columns of the table", at: "y") }
                yColumns.append(try column(name, "y"))
            }
        case nil:
            guard let last = numeric.last(where: { $0 != xColumn && !byColumns.contains($0) }) else {
                throw Failure("the table has no column of numbers to plot", at: "data")
            }
            yColumns = [last]
        default: throw Failure("y must name a column of the table", at: "y")
        }
        for j in yColumns where !numeric.contains(j) {
            throw Failure("column '\(t.columns[j])' does not hold numbers", at: "y")
        }

        // Groups keyed by series (by values + y component) and x, in order of first appearance.
        struct Group {
            var values: [Double] = []
            var nonFinite = 0
        }
        var seriesOrder = [String]()
        var groups = [String: [Double: Group]]()
        var missingX = 0
        var components = [Int: Int]()  // y column → list length (1 for numbers)
        for row in t.rows {
            for j in yColumns {
                if case .list(let items) = row[j] {
                    if let n = components[j], n != items.count {
                        throw Failure(
                            "column '\(t.columns[j])' holds lists of different lengths (\(n) and \(items.count))",
                            at: "y")
                    }
                    components[j] = items.count
                } else if components[j] == nil, case .number = row[j] {
                    components[j] = 1
                }
            }
        }
        for row in t.rows {
            guard case .number(let xv) = row[xColumn] else {
                if row[xColumn].isNothing {
                    missingX += 1
                    continue
                }
                throw Failure(
                    "column '\(t.columns[xColumn])' does not hold numbers; x must", at: x == nil ? "data" : "x",
                    hint: x == nil ? "name the x column: x=\"…\"" : nil)
            }
            let byName = byColumns.map { "\(t.columns[$0])=\(cellText(row[$0]))" }.joined(separator: ", ")
            for j in yColumns {
                let parts: [Double?]
                switch row[j] {
                case .number(let v): parts = [v]
                case .list(let items): parts = items.map { if case .number(let v) = $0 { v } else { nil } }
                default: parts = Array(repeating: nil, count: components[j] ?? 1)
                }
                for (k, v) in parts.enumerated() {
                    var nameParts = [String]()
                    if !byName.isEmpty { nameParts.append(byName) }
                    if yColumns.count > 1 || (components[j] ?? 1) > 1 || byName.isEmpty {
                        nameParts.append((components[j] ?? 1) > 1 ? "\(t.columns[j])[\(k + 1)]" : t.columns[j])
                    }
                    let key = nameParts.joined(separator: " ")
                    if groups[key] == nil {
                        seriesOrder.append(key)
                        groups[key] = [:]
                    }
                    guard let v else { continue }
                    if v.isFinite {
                        groups[key]![xv, default: Group()].values.append(v)
                    } else {
                        groups[key]![xv, default: Group()].nonFinite += 1
                    }
                }
            }
        }
        var series = [PlotSeries]()
        var nonFinite = 0
        var counts = [Int]()
        for key in seriesOrder {
            let g = groups[key]!
            let xs = g.keys.sorted()
            var ys = [Double]()
            var stds = [Double]()
            var ns = [Int]()
            for xv in xs {
                let group = g[xv]!
                nonFinite += group.nonFinite
                let (mean, std) = meanAndStandardDeviation(group.values)
                ys.append(mean)
                stds.append(group.values.count > 1 ? std : 0)
                ns.append(group.values.count)
            }
            counts += ns
            let averaged = ns.contains { $0 > 1 }
            series.append(
                PlotSeries(name: key, x: xs, y: ys, std: averaged ? stds : nil, count: ns, style: style(kind ?? .line)))
        }
        var model = PlotModel(kind: kind ?? .line, series: series)
        model.xlabel = t.columns[xColumn]
        if yColumns.count == 1 { model.ylabel = t.columns[yColumns[0]] }
        if let lo = counts.min(), let hi = counts.max(), hi > 1 {
            let rows = lo == hi ? "\(hi) rows" : "\(lo)–\(hi) rows"
            model.notes.append(
                "each point: the mean over \(rows)" + (errorBars ? ", error bars ± one standard deviation" : ""))
        }
        if nonFinite > 0 {
            model.notes.append(
                "\(nonFinite) non-finite \(plural(nonFinite, "value")) left out of the means (diverged runs?)")
        }
        if missingX > 0 { model.notes.append("\(missingX) \(plural(missingX, "row")) without an x value left out") }
        return model
    }

    func cellText(_ v: Value) -> String {
        if case .string(let s) = v { return s }
        return v.rendered
    }

    // MARK: - Notes and the fit

    /// Says how many points of the data series the axes cannot show.
    func hiddenPointNotes(_ model: PlotModel) -> [String] {
        var nonFinite = 0
        var nonPositive = 0
        for s in model.dataSeries {
            for (x, y) in zip(s.x, s.y) {
                if !PlotAxis.isPlottable(x, log: false) || !PlotAxis.isPlottable(y, log: false) {
                    nonFinite += 1
                } else if !PlotAxis.isPlottable(x, log: model.logX) || !PlotAxis.isPlottable(y, log: model.logY) {
                    nonPositive += 1
                }
            }
        }
        var notes = [String]()
        if nonFinite > 0 { notes.append("\(nonFinite) \(plural(nonFinite, "point")) not shown: not finite") }
        if nonPositive > 0 {
            notes.append("\(nonPositive) \(plural(nonPositive, "point")) not shown: ≤ 0 on a log axis")
        }
        return notes
    }

    /// The power law over the positive x range of the data, at 64 points (evenly
    /// spaced in log x on a log axis).
    func fitSeries(_ fit: Fit, over model: PlotModel) throws(Failure) -> PlotSeries {
        let xs = model.dataSeries.flatMap(\.x).filter { $0.isFinite && $0 > 0 }
        guard let lo = xs.min(), let hi = xs.max() else {
            throw Failure("a power-law fit needs data with positive x values to span", at: "fit")
        }
        let n = lo == hi ? 1 : 64
        var fx = [Double]()
        var fy = [Double]()
        for i in 0..<n {
            let t = n == 1 ? 0 : Double(i) / Double(n - 1)
            let xv = logX ? Glibc.pow(10, lo.log10Value + t * (hi.log10Value - lo.log10Value)) : lo + t * (hi - lo)
            fx.append(i == n - 1 ? hi : xv)
            fy.append(fit.prefactor * Glibc.pow(fx[i], fit.alpha))
        }
        return PlotSeries(name: fit.name, x: fx, y: fy, style: .fit)
    }
}

func plural(_ n: Int, _ word: String) -> String { n == 1 ? word : word + "s" }

/// Where a plotted value came from, when the call wrote it as a name or a field path
/// (`losses`, `run.C`): its text and, for a field, the object it belongs to.
struct PlotOrigin {
    var text: String
    var owner: (any NoetherObject)?
    var field: String?

    /// A run's series: the field of the steps they are at, and their title, with `_l`
    /// standing for the layer (`C_l` gives C₁, C₂ …).
    static let runSeries: [String: (axis: String, label: String)] = [
        "losses": ("step_axis", "loss"),
        "accuracies": ("step_axis", "accuracy"),
        "grad_norms": ("step_axis", "‖∂L/∂W_l‖²"),
        "ledger_measured": ("step_axis", "ΔC_l"),
        "ledger_predicted": ("step_axis", "η²δ_l"),
        "flip_fraction": ("step_axis", "flip fraction"),
        "units_flipped": ("step_axis", "units flipped"),
        "margin_min": ("step_axis", "min margin"),
        "margin_mean": ("step_axis", "mean margin"),
        "distinct_patterns": ("step_axis", "distinct patterns"),
        "C": ("state_axis", "C_l"),
        "norms": ("state_axis", "‖W_l‖²"),
        "sharpness": ("sharpness_steps", "λ_max"),
    ]

    /// `C_l` for layer 2 is `C₂`; a title without `_l` is itself.
    static func layer(_ label: String, _ l: Int) -> String {
        guard label.contains("_l") else { return label }
        let digits: [Character] = ["₀", "₁", "₂", "₃", "₄", "₅", "₆", "₇", "₈", "₉"]
        let sub = String(String(l).map { digits[Int(String($0))!] })
        var out = ""
        var chars = Array(label)[...]
        while let c = chars.first {
            if c == "_", chars.dropFirst().first == "l" {
                out += sub
                chars = chars.dropFirst(2)
            } else {
                out.append(c)
                chars = chars.dropFirst()
            }
        }
        return out
    }

    /// The origin of a call's argument `label` when its source text is a name or a
    /// field path whose value is the argument's (so text from elsewhere is never used).
    static func of(_ label: String, in ctx: CallContext) -> PlotOrigin? {
        // The labels asked for are plot's own declared ones, so the lookup cannot fail.
        guard let value = try? ctx.value(label) else { return nil }
        let interpreter = ctx.interpreter
        let range = ctx.range(of: label)
        guard range != ctx.range else { return nil }
        let text = Substring(interpreter.currentSource.text(of: range)).trimmingSpaces
        let parts = text.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard !parts.isEmpty, text.count <= 40, parts.allSatisfy(Lexer.isIdentifier),
            var current = interpreter.lookup(parts[0])
        else { return nil }
        var owner: (any NoetherObject)?
        for part in parts.dropFirst() {
            switch current {
            case .object(let o):
                guard let v = o.field(part) else { return nil }
                owner = o
                current = v
            case .record(let r):
                guard let v = r[part] else { return nil }
                owner = nil
                current = v
            default:
                return nil
            }
        }
        guard current.rendered == value.rendered else { return nil }
        return PlotOrigin(text: text, owner: owner, field: parts.count > 1 ? parts.last : nil)
    }
}
