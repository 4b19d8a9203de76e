import NoetherEngine
import NoetherSyntax

/// `plot`: terminal plots of series and tables, and SVG files with their data as CSV.
enum PlotBuiltins {
    static let all: [Builtin] = [plot]

    static let plot = Builtin(
        "plot", category: "output",
        abstract: "Plots series or a table: in the terminal as it prints, and to an SVG file with its data as CSV.",
        discussion: """
            What it draws:
              plot(xs)                  a list of numbers against its index (run.losses against step)
              plot(xss)                 a list of lists: one series each (run.C: C_l(t) per l)
              plot(xs, ys)              ys against xs (ys may be a list of series)
              plot(t, x="lr", y="drift")  a table: rows with the same x (and the same by= values)
                                        are averaged, the error bar is ± the standard deviation
                                        over them (the seed spread); a cell holding a list
                                        (drift per layer pair) gives one series per element
              plot(values, kind="hist") a histogram (bins=); a spectrum object plots as one
            Non-finite points, and points ≤ 0 on a log axis, are left out and counted in a note
            under the plot. fit= overlays y = prefactor·x^alpha from any record or result with
            those fields (what powerlaw returns). hline= draws reference lines such as 2/η.
            The plot prints as braille characters (ASCII when TERM=dumb or the locale is not
            UTF-8), sized to the terminal, 72×20 when unknown; width= and height= fix the size.
            file="x.svg" writes a self-contained SVG (720×450) and the plotted data beside it
            as x.csv (columns series, x, y, std, count; for a histogram series, bin_left,
            bin_right, count). PNG is not written: convert the SVG (rsvg-convert, inkscape).
            """,
        parameters: [
            Parameter(
                "data", .any, help: "a list of numbers, a list of lists, a table, or a spectrum", completion: .variables
            ),
            Parameter(
                "y", .oneOf([.string, .list(.any)]), .absent,
                help: "a table's column(s) to plot; or the y values when data holds the x values"),
            Parameter(
                "x", .oneOf([.string, .list(.number)]), .absent,
                help: "a table's x column (default: its first); or x values for a list"),
            Parameter(
                "by", .oneOf([.string, .list(.string)]), .absent,
                help: "table columns whose values make separate series (e.g. \"width\")"),
            Parameter(
                "kind", .string, .absent,
                help: "\"line\" (the default), \"scatter\" or \"hist\" (the default for a spectrum)",
                completion: .values(["\"line\"", "\"scatter\"", "\"hist\""])),
            Parameter(
                "log", .oneOf([.bool, .string]), .value(.bool(false), text: "false"),
                help: "log axes: true for both, or \"x\" or \"y\""),
            Parameter("title", .string, .absent, help: "the title"),
            Parameter("xlabel", .string, .absent, help: "the x axis label (a table's x column by default)"),
            Parameter("ylabel", .string, .absent, help: "the y axis label (a table's y column by default)"),
            Parameter(
                "labels", .oneOf([.string, .list(.string)]), .absent, help: "legend names of the series, in order"),
            Parameter(
                "hline", .oneOf([.number, .list(.number)]), .absent, help: "horizontal reference line(s), e.g. 2/lr"),
            Parameter(
                "fit", .any, .absent,
                help: "a power law to overlay: a record or result with fields alpha and prefactor"),
            Parameter("bins", .integer, .absent, help: "histogram bins (default: Sturges' rule, 5 to 40)"),
            Parameter(
                "errorbars", .bool, .value(.bool(true), text: "true"), help: "draw ± std bars on averaged points"),
            Parameter("width", .integer, .absent, help: "columns of the terminal drawing (default: the terminal's)"),
            Parameter(
                "height", .integer, .absent, help: "lines of the terminal drawing (default: 20, or fits the terminal)"),
            Parameter(
                "file", .string, .absent, help: "an .svg file to write (the data goes beside it as .csv)",
                completion: .filePath),
            Parameter(
                "overwrite", .bool, .value(.bool(false), text: "false"),
                help: "replace files that exist and that this session did not write"),
        ],
        returns: "plot",
        example: """
            plot(run.losses, xlabel="step", ylabel="loss")
            plot(t, x="lr", y="drift", log=true, fit={alpha=1.5, prefactor=0.1}, hline=1e-3)
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        var b = PlotBuilder(data: try ctx.value("data")!)
        b.y = try ctx.value("y")
        b.x = try ctx.value("x")
        b.dataOrigin = PlotOrigin.of("data", in: ctx)
        b.xOrigin = PlotOrigin.of("x", in: ctx)
        b.yOrigin = PlotOrigin.of("y", in: ctx)
        b.by = try ctx.names("by")
        if let kindText = try ctx.optionalString("kind") {
            guard let kind = PlotModel.Kind(rawValue: kindText) else {
                throw ctx.error("'kind' must be \"line\", \"scatter\" or \"hist\", got \"\(kindText)\"", at: "kind")
            }
            b.kind = kind
        }
        switch try ctx.value("log")! {
        case .bool(let on):
            b.logX = on
            b.logY = on
        case .string(let axes):
            switch axes {
            case "x": b.logX = true
            case "y": b.logY = true
            case "xy", "both":
                b.logX = true
                b.logY = true
            default: throw ctx.error("'log' must be true, false, \"x\" or \"y\", got \"\(axes)\"", at: "log")
            }
        default: break
        }
        b.title = try ctx.optionalString("title")
        b.xlabel = try ctx.optionalString("xlabel")
        b.ylabel = try ctx.optionalString("ylabel")
        b.labels = try ctx.names("labels")
        switch try ctx.value("hline") {
        case .number(let v)?: b.hlines = [v]
        case .list(let items)?: b.hlines = Value.list(items).numbers ?? []
        default: break
        }
        if let fit = try ctx.value("fit") { b.fit = try fitArgument(fit, ctx) }
        if try ctx.has("bins") { b.bins = try ctx.integer("bins", in: 1...1000) }
        b.errorBars = try ctx.bool("errorbars")
        let width = try ctx.has("width") ? try ctx.integer("width", in: 30...1000) : nil
        let height = try ctx.has("height") ? try ctx.integer("height", in: 10...500) : nil
        let model: PlotModel
        do throws(PlotBuilder.Failure) {
            model = try b.build()
        } catch {
            throw ctx.error(
                error.message, at: error.argument.flatMap { ctx.values[$0] != nil ? $0 : nil }, hint: error.hint)
        }
        let plot = PlotObject(model, width: width, height: height)
        if let file = try ctx.optionalString("file") { try write(plot, to: file, ctx) }
        return .object(plot)
    }

    /// The power law of `fit=`: a record or an object (a fit result) with numeric
    /// `alpha` and `prefactor`; its `r2`, when there is one, goes in the legend.
    static func fitArgument(_ value: Value, _ ctx: CallContext) throws(Diagnostic) -> PlotBuilder.Fit {
        func number(_ name: String) -> Double? {
            let v: Value?
            switch value {
            case .record(let r): v = r[name]
            case .object(let o): v = o.field(name)
            default: v = nil
            }
            if case .number(let x)? = v { return x }
            return nil
        }
        guard let alpha = number("alpha"), let prefactor = number("prefactor") else {
            throw ctx.error(
                "'fit' needs numbers alpha and prefactor, e.g. fit={alpha=1.5, prefactor=0.1}", at: "fit",
                hint: "a powerlaw(…) result has both")
        }
        guard alpha.isFinite, prefactor.isFinite else {
            throw ctx.error(
                "the fit's alpha and prefactor must be finite, got \(formatNumber(alpha)) and \(formatNumber(prefactor))",
                at: "fit")
        }
        var name = "fit: α = " + PlotAxis.minus(formatLegend(alpha), true)
        if let r2 = number("r2"), r2.isFinite { name += ", R² = \(formatSummary(r2, digits: 4))" }
        return PlotBuilder.Fit(alpha: alpha, prefactor: prefactor, name: name)
    }

    /// Writes the SVG and, beside it, the plotted data as CSV.
    static func write(_ plot: PlotObject, to file: String, _ ctx: CallContext) throws(Diagnostic) {
        let lower = file.lowercased()
        guard lower.hasSuffix(".svg") else {
            if lower.hasSuffix(".png") || lower.hasSuffix(".pdf") {
                throw ctx.error(
                    "'plot' writes SVG only, not \(String(lower.suffix(3)).uppercased())", at: "file",
                    hint: "write \"\(file.dropLast(4)).svg\" and convert it, e.g. rsvg-convert -w 2000 -o x.png x.svg")
            }
            throw ctx.error("'plot' writes .svg files, not '\(file)'", at: "file")
        }
        let csvFile = String(file.dropLast(4)) + ".csv"
        // Both files are checked before either is written.
        let overwrite = try ctx.bool("overwrite")
        let svgTarget = try ctx.interpreter.pathForWriting(file, overwrite: overwrite, at: ctx.range(of: "file"))
        let csvTarget = try ctx.interpreter.pathForWriting(csvFile, overwrite: overwrite, at: ctx.range(of: "file"))
        try ctx.engine(at: "file") { () throws(EngineError) in
            try TextFile.write(SVGPlot.render(plot.model), to: svgTarget)
            try TextFile.write(plot.model.dataTable.csv, to: csvTarget)
        }
        ctx.interpreter.output("wrote \(file) and \(csvFile)")
    }
}
