import NoetherEngine
import NoetherSyntax

/// The result of `fit_linear`: an OLS line with its quality.
public struct LinearFitObject: CSVExportable, FieldTable {
    public let fit: LinearFit
    public let x: [Double]
    public let y: [Double]

    public init(_ fit: LinearFit, x: [Double], y: [Double]) {
        self.fit = fit
        self.x = x
        self.y = y
    }

    public static let typeName = "linear_fit"
    public static let fields: [ObjectField<LinearFitObject>] = [
        ObjectField("slope", "the OLS slope", \.fit.slope),
        ObjectField("intercept", "the OLS intercept: y ≈ intercept + slope·x", \.fit.intercept),
        ObjectField("r2", "R² = 1 − SS_res/SS_tot (nan when every y is equal)", \.fit.r2),
        ObjectField("slope_se", "the standard error of the slope (nan with 2 points)", \.fit.slopeStandardError),
        ObjectField(
            "intercept_se", "the standard error of the intercept (nan with 2 points)", \.fit.interceptStandardError),
        ObjectField("slope_ci", "[lo, hi]: the 95% t-interval of the slope (nothing with 2 points)") { o in
            .range(o.fit.slopeInterval())
        },
        ObjectField("residual_se", "√(SS_res/(n − 2))", \.fit.residualStandardError),
        ObjectField("residuals", "y − (intercept + slope·x) per point", \.fit.residuals),
        ObjectField("x", "the x values fitted", \.x),
        ObjectField("y", "the y values fitted", \.y),
        ObjectField("n", "the number of points", \.fit.count),
        ObjectField("table", "table x, y, fitted, residual") { o in .object(o.table) },
    ]

    public var table: TableObject {
        theoryTable([
            ("x", x.map { .number($0) }), ("y", y.map { .number($0) }),
            ("fitted", x.map { .number(fit.predict($0)) }), ("residual", fit.residuals.map { .number($0) }),
        ])
    }

    public var summary: String {
        var s =
            "line y ≈ intercept + slope·x over \(fit.count) points: slope = \(withUncertainty(fit.slope, fit.slopeStandardError)), "
            + "intercept = \(withUncertainty(fit.intercept, fit.interceptStandardError)), R² = \(formatSummary(fit.r2, digits: 4))"
        if let ci = rangeText(fit.slopeInterval()) { s += "\n  95% CI of the slope \(ci)" }
        return s
    }

    public var csvTable: TableObject { table }

}
