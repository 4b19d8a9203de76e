/// A plot as a language value: prints as a terminal plot sized to the terminal
/// (`PlotDisplay.current`, or the width/height given to `plot`).
public struct PlotObject: NoetherObject {
    public let model: PlotModel
    /// Columns and lines asked for with `plot(…, width=, height=)`; nil follows the terminal.
    public let width: Int?
    public let height: Int?

    public init(_ model: PlotModel, width: Int? = nil, height: Int? = nil) {
        self.model = model
        self.width = width
        self.height = height
    }

    public static let typeName = "plot"
    public static let fieldDocs: [FieldDoc] = [
        FieldDoc("kind", "line, scatter or hist"),
        FieldDoc("title", "the title (none when not given)"),
        FieldDoc("series", "the names of the data series, in legend order"),
        FieldDoc("data", "the plotted data as a table (what file= writes as CSV)"),
        FieldDoc("svg", "the plot as SVG text (what file= writes)"),
        FieldDoc("text", "the terminal drawing as a string, at the current size"),
        FieldDoc("notes", "what was left out or averaged, one line each"),
    ]

    public func field(_ name: String) -> Value? {
        switch name {
        case "kind": .string(model.kind.rawValue)
        case "title": model.title.map { .string($0) } ?? .nothing
        case "series":
            .list((model.histogram.map { [$0.name] } ?? model.dataSeries.map(\.name)).map { .string($0) })
        case "data": .object(model.dataTable)
        case "svg": .string(SVGPlot.render(model))
        case "text": .string(text(PlotDisplay.current))
        case "notes": .list(model.notes.map { .string($0) })
        default: nil
        }
    }

    /// The terminal drawing for a display (the explicit size wins).
    public func text(_ display: PlotDisplay) -> String {
        TerminalPlot.render(
            model, width: width ?? display.width, height: height ?? display.height, unicode: display.unicode)
    }

    public var summary: String { text(PlotDisplay.current) }

    public var json: JSONValue {
        var fields: [(String, JSONValue)] = [("type", .string("plot")), ("kind", .string(model.kind.rawValue))]
        if let t = model.title { fields.append(("title", .string(t))) }
        fields.append(("log_x", .bool(model.logX)))
        fields.append(("log_y", .bool(model.logY)))
        if let h = model.histogram {
            fields.append(
                (
                    "histogram",
                    .object([
                        ("name", .string(h.name)), ("edges", .numbers(h.edges)),
                        ("counts", .numbers(h.counts.map(Double.init))),
                    ])
                ))
        } else {
            fields.append(
                (
                    "series",
                    .array(
                        model.series.map { s in
                            var f: [(String, JSONValue)] = [
                                ("name", .string(s.name)), ("x", .numbers(s.x)), ("y", .numbers(s.y)),
                            ]
                            if let std = s.std { f.append(("std", .numbers(std))) }
                            if s.style == .fit { f.append(("fit", .bool(true))) }
                            return .object(f)
                        })
                ))
        }
        if !model.hlines.isEmpty { fields.append(("hlines", .numbers(model.hlines))) }
        return .object(fields)
    }
}
