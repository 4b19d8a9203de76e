import NoetherEngine
import NoetherSyntax

/// The result of `coefficients`: c_k per mode with the eigenvalues they belong to.
public struct CoefficientsObject: CSVExportable, FieldTable {
    /// `projected`, `derived`, `uniform` or `fit`.
    public let method: String
    /// c_k, aligned with `eigenvalues` (largest λ first for Hessian modes; descending
    /// λ_{x,k} for the derived coefficients).
    public let coefficients: [Double]
    public let eigenvalues: [Double]
    /// What the eigenvalues are: Hessian modes or data modes.
    public let basis: String
    /// projected: δ_c = ‖g_{W₂}‖² − ‖g_{W₁}‖² at θ (signed), the gradient's share of
    /// energy in positive-curvature modes, and ‖G₁u_k‖² per data mode (2-layer nets).
    public var imbalance: Double?
    public var positiveShare: Double?
    public var dataModeEnergy: [Double]?
    /// Whether the eigenbasis was complete (projected: the reference sums over every mode).
    public var completeBasis: Bool = true
    /// derived: e_k(0)², the active fractions (nil for a linear network), the target.
    public var derived: DerivedCoefficients?
    /// fit: the NNLS fit.
    public var fitted: FittedCoefficients?
    /// Positive Hessian eigenvalues (> 1e-8), for the reference's K′ in ck_compare.
    public var positiveModes: Int?

    public init(method: String, coefficients: [Double], eigenvalues: [Double], basis: String) {
        self.method = method
        self.coefficients = coefficients
        self.eigenvalues = eigenvalues
        self.basis = basis
    }

    public static let typeName = "coefficients"
    public static let fields: [ObjectField<CoefficientsObject>] = [
        ObjectField("method", "projected, derived, uniform or fit", \.method),
        ObjectField("c", "c_k per mode, aligned with eigenvalues", \.coefficients),
        ObjectField(
            "eigenvalues", "λ_k of each mode: Hessian eigenvalues largest first, or λ_{x,k} of XᵀX/n for derived",
            \.eigenvalues),
        ObjectField("basis", "hessian (P Hessian modes) or data (d data modes)", \.basis),
        ObjectField("modes", "number of modes", \.coefficients.count),
        ObjectField("sum", "Σ c_k (projected: |δ(θ)| over a complete eigenbasis)", \.sum),
        ObjectField(
            "delta", "projected/derived: δ = ‖∂L/∂W₂‖² − ‖∂L/∂W₁‖² at θ (signed; mean over layer pairs for deep nets)"
        ) { o in .optional(o.imbalance) },
        ObjectField(
            "positive_share", "projected: Σ_{λ_k > 1e-12} (v_kᵀg)² / ‖g‖², the gradient energy in positive modes"
        ) { o in .optional(o.positiveShare) },
        ObjectField(
            "data_mode_energy", "‖G₁u_k‖² per data mode k (2-layer nets): the gradient in the derived c_k's basis",
            \.dataModeEnergy),
        ObjectField("errors", "derived: e_k(0)² = ‖W_eff[:, k] − target_k‖² per data mode") { o in
            o.derived.map { .numbers($0.errors) } ?? .nothing
        },
        ObjectField(
            "active_fractions",
            "derived: ā_j, the mean slope σ′ of hidden unit j over the samples (nothing for linear nets)"
        ) { o in o.derived?.activeFractions.map { .numbers($0) } ?? .nothing },
        ObjectField("target", "derived: cross_covariance (the reference's Ŷ* = YᵀXU/n) or least_squares") { o in
            o.derived.map { .string(Choices.derivedTarget.name(of: $0.target) ?? "") } ?? .nothing
        },
        ObjectField("bins", "fit: table of the λ bins: lower, upper, modes, eigenvalue, C (the bin's total c)") { o in
            o.binsTable.map { .object($0) } ?? .nothing
        },
        ObjectField("lr", "fit: the learning rates that entered the fit") { o in
            o.fitted.map { .numbers($0.learningRates) } ?? .nothing
        },
        ObjectField("fitted", "fit: S_pred with the fitted c_k at each lr") { o in
            o.fitted.map { .numbers($0.fitted) } ?? .nothing
        },
        ObjectField("measured", "fit: the measured S at each lr") { o in
            o.fitted.map { .numbers($0.measured) } ?? .nothing
        },
        ObjectField("residuals", "fit: (fitted − measured)/measured at each lr") { o in
            o.fitted.map { .numbers($0.relativeResiduals) } ?? .nothing
        },
        ObjectField("rms_residual", "fit: √mean of the squared relative residuals") { o in
            o.fitted.map { .number($0.rmsRelativeResidual) } ?? .nothing
        },
        ObjectField("table", "table mode, eigenvalue, c (and errors, data_mode_energy where defined)") { o in
            .object(o.table)
        },
    ]

    public var table: TableObject {
        var columns: [(String, [Value])] = [
            ("mode", coefficients.indices.map { .number(Double($0)) }),
            ("eigenvalue", eigenvalues.map { .number($0) }), ("c", coefficients.map { .number($0) }),
        ]
        if let d = derived { columns.append(("error", d.errors.map { .number($0) })) }
        if let e = dataModeEnergy, e.count == coefficients.count {
            columns.append(("data_mode_energy", e.map { .number($0) }))
        }
        return theoryTable(columns)
    }

    var binsTable: TableObject? {
        guard let f = fitted else { return nil }
        return theoryTable([
            ("lower", f.binLower.map { .number($0) }), ("upper", f.binUpper.map { .number($0) }),
            ("modes", f.binModeCounts.map { .number(Double($0)) }),
            ("eigenvalue", f.binEigenvalues.map { .number($0) }),
            ("C", f.binCoefficients.map { .number($0) }),
        ])
    }

    var sum: Double { coefficients.reduce(0, +) }

    var methodDescription: String {
        switch method {
        case "projected": "the reference's c_k = (v_kᵀg)²·|δ|/Σ_j (v_jᵀg)², gradient energy per Hessian mode"
        case "derived":
            (derived?.activeFractions == nil
                ? "c_k = e_k(0)²·λ_{x,k}² in the data eigenbasis"
                : "c_k = e_k(0)²·λ_{x,k}² with W_eff = W₂·diag(ā)·W₁ (active fractions)")
                + (derived?.target == .leastSquares ? ", least-squares target" : ", target Ŷ* = YᵀXU/n")
        case "uniform": "c_k = 1/P for every mode"
        default: "c_k ≥ 0 fitted to measured S(η) by NNLS over λ bins"
        }
    }

    public var summary: String {
        var lines = [
            "coefficients \(method) (\(methodDescription)): \(coefficients.count) \(basis) modes, Σc_k = \(formatSummary(sum, digits: 4))"
        ]
        if let delta = imbalance {
            var s = "  δ(θ) = \(formatSummary(delta, digits: 4))"
            if let share = positiveShare {
                s += ", gradient energy in positive modes \(formatSummary(100 * share, digits: 3))%"
            }
            lines.append(s)
        }
        if !completeBasis {
            lines.append("  partial eigenbasis: Σ_j (v_jᵀg)² runs over the given modes only (the reference uses all P)")
        }
        let order = coefficients.indices.sorted { coefficients[$0] > coefficients[$1] }.prefix(5)
        if !order.isEmpty {
            let parts = order.map {
                "c = \(formatSummary(coefficients[$0], digits: 3)) at λ = \(formatSummary(eigenvalues[$0], digits: 3))"
            }
            lines.append("  largest: " + parts.joined(separator: "; "))
        }
        if let f = fitted {
            lines.append(
                "  fit over \(f.learningRates.count) η, \(f.binCoefficients.count) λ bins (\(f.activeBins.count) held at 0): "
                    + "rms relative residual \(formatSummary(f.rmsRelativeResidual, digits: 3))")
            if let b = binsTable { lines.append(indented(b.summary)) }
        }
        return lines.joined(separator: "\n")
    }

    public var csvTable: TableObject { table }

}
