#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NoetherEngine
import NoetherSyntax

/// The theory toolkit (theory.md; experiments.md §1.7–§1.12, §4): drift power laws,
/// the spectral-crossover formula and its comparison with measurements, every variant
/// of the mode coefficients, cross-entropy compression and its timescale τ, general
/// line and exponential fits, regimes against the edge of stability and the
/// switch-rate exponent across widths. Each computes what the reference computed and,
/// where its method is questionable, the sounder variant beside it.
enum TheoryBuiltins {
    static let all: [Builtin] = [
        powerlaw, crossover, compare, coefficients, ckCompare, compression, tau, fitLinear, fitExp, regime,
        switchExponent,
    ]

    /// `explain` topics for the theory values' quantities.
    static let explanations: [Explanation] = [
        Explanation(
            "powerlaw_fit", "alpha",
            formula: "ln ȳ(x) = ln prefactor + α·ln x,  OLS over the used x;  ȳ(x) = (1/|S_x|) Σ_{s∈S_x} y_s(x)",
            """
            The drift exponent of experiments.md §1.8: the seed mean ȳ is taken first (mean before
            log), then the log–log line. S_x is every seed under diverged="drop_point" (one
            diverged seed drops x) and the converged seeds under "drop_seed"/"exclude_runs". A
            list cell (per-layer drift) enters as the mean of its entries. Points outside
            range/grid, with x ≤ 0, a non-finite mean or a mean ≤ floor are left out (points
            says which and why). With y = S (the imbalance sum) the slope is β = α − 2.
            """),
        Explanation(
            "powerlaw_fit", "ci", formula: "ci = [q_{(1−level)/2}, q_{(1+level)/2}] of α*_b,  b = 1 … bootstrap",
            """
            A percentile bootstrap over seeds: each resample draws as many seed labels as there
            are, with replacement, recomputes every used point's seed mean under the same rule
            and floor (a seed drawn twice counts twice), and refits; a resample in which a used
            point loses every value is skipped (more than half skipped: no ci). With 3–5 seeds it
            is coarse and tends to be narrow: read it beside seed_alphas (one refit per seed).
            ols_ci = α ± t_{n−2}·SE measures how far the means are from a line, not the seeds.
            """),
        Explanation(
            "powerlaw_fit", "local_slopes", formula: "slope_i = (ln ȳ_{i+1} − ln ȳ_i) / (ln x_{i+1} − ln x_i)",
            """
            The log–log slope between neighbouring used points, read at midpoint √(x_i x_{i+1}).
            A power law has equal slopes; a single steep last slope means one point (often one
            above 2/λ_max(θ₀)) carries the fitted α (experiments.md §4).
            """),
        Explanation(
            "powerlaw_fit", "stable_alpha",
            formula: "stable_alpha = OLS slope of ln ȳ on ln x over used x with max_runs x·λ_max(θ₀) ≤ 2",
            """
            The exponent over the points that start below the edge of stability alone. A point is
            unstable when some run at it has η·λ_max(θ₀) > 2 (λ_max(θ₀) from the sharpness
            column, e.g. train(…, sharpness_at_start=true).sharpness0). nothing without that
            column or with fewer than 2 stable points.
            """),
        Explanation(
            "crossover_prediction", "S_pred",
            formula: "S_pred(η) = Σ_{k: λ_k ≥ 1e-12} c_k f(η, λ_k, T),  f = (1 − (1 − ηλ)^{2T}) / (ηλ(2 − ηλ))",
            """
            The spectral-crossover formula of theory.md §3 as the reference evaluates it
            (experiments.md §1.11), f computed as −expm1(2T ln|1 − ηλ|)/(ηλ(2 − ηλ)) for full
            accuracy at small ηλ. Modes with ηλ_k ≥ 2 follow unstable=: "cap" adds
            c_k·T/|ηλ(2 − ηλ)| (the reference; skipped when the denominator < 1e-12), "skip"
            adds 0, "refuse" makes S_pred nan. drift_pred = η²·S_pred.
            """),
        Explanation(
            "crossover_prediction", "local_alpha",
            formula: "local_alpha(η) = d ln(η² S_pred)/d ln η = 2 + η S_pred′(η)/S_pred(η)",
            """
            Analytic, from each mode's derivative as the policy evaluates it. 2 where every mode
            is far below its crossover η_k* = 1/(λ_k T), → 1 where every mode has crossed over;
            converged_fraction (modes) and converged_weight (Σ c_k) say how far along η is.
            """),
        Explanation(
            "crossover_comparison", "R",
            formula: "R = Pearson(ln(S_pred(η_i) + 1e-20), ln(S_meas(η_i) + 1e-20)) over the compared η_i",
            """
            The reference's prediction R (experiments.md §1.11 step 4). Scale-free: a prediction
            off by a constant factor has R ≈ 1, so read ratio = S_pred/S_meas and relative_error
            = |S_pred − S_meas|/S_meas beside it. R_stable is the same over the η without
            unstable modes (ηλ_k ≥ 2), whose capped terms can dominate R.
            """),
        Explanation(
            "coefficients", "c",
            formula:
                "projected: c_k = (v_kᵀg)²·|δ| / Σ_j (v_jᵀg)²;  derived: c_k = ‖W₂ diag(ā) W₁ u_k − ŷ_k‖²·λ_{x,k}²;  uniform: 1/P",
            """
            projected (the reference's, §1.11): v_k the Hessian's eigenvectors at θ, g the full
            gradient, δ = ‖∂L/∂W₂‖² − ‖∂L/∂W₁‖², the sum over every mode, so Σ c_k = |δ|.
            derived (E20/E21): (λ_{x,k}, u_k) the eigenpairs of Σ_x = XᵀX/n (uncentered),
            ŷ_k = column k of YᵀXU/n (the reference) or of YᵀXU/(nλ_{x,k}) (least_squares),
            ā = 1 (linear) or the mean slope (ReLU: active fraction). fit: NNLS on λ bins, each
            bin's C_b spread evenly over its modes, minimizing Σ_i ((S_pred(η_i) − S_i)/S_i)².
            """),
        Explanation(
            "ck_comparison", "R",
            formula: "R = Pearson(ln(sort↓|a|/Σ|a| + 1e-20)[1…K′], ln(sort↓|b|/Σ|b| + 1e-20)[1…K′])",
            """
            The reference's E20/E21 metric: both lists sorted descending independently and paired
            by rank only, so almost any two decreasing sequences correlate well. The mode-by-mode
            fields (log_R, spearman, total_variation = ½Σ_k|share_a,k − share_b,k|) pair the
            shares by mode in a common basis instead.
            """),
        Explanation(
            "compression", "bound", formula: "bound(t) = λ_max(J(t)ᵀJ(t)/n) · max_i q_i(t)(1 − q_i(t))",
            """
            The paper's cross-entropy bound (theory.md §5) at each checkpoint θ_t, q_i the
            correct-class softmax probability. It bounds the Gauss–Newton part only, and is not
            a theorem for every p (see explain compression_bound.bound). bound_ratio =
            λ_max(H)/bound. As q_i → 1 both q(1 − q) and λ_max compress.
            """),
        Explanation(
            "compression", "decay",
            formula: "λ_max(t) ≈ a·e^{−bt} + c,  c = 0.9·min_t λ_max(t),  OLS of ln(λ_max − c) on t",
            """
            E18's fit as the reference did it: c fixed (not fitted), b = −slope, a = e^intercept,
            r2 in linear scale (λ against a·e^{−bt} + c), r2_log the OLS's own. The exponential
            is often only a rough description: read r2 beside b.
            """),
        Explanation(
            "tau_fit", "tau",
            formula: "ln(1 − q̄(t)) = a − t/τ,  OLS over checkpoints with t in window and lower < 1 − q̄ < upper",
            """
            E23's timescale, q̄ the mean correct-class probability at θ_t. The reference's window
            is t ≥ 25 and 0.01 < 1 − q̄ < 0.9 (clock="steps"); clock="time" measures the window
            in ηt. scaled_tau = η·τ; τ ∝ 1/η is expected from gradient flow (experiments.md §4).
            """),
        Explanation(
            "regime", "regime",
            formula:
                "unstable_start: η·λ_max(θ₀) > 2;  at_edge: mean of the last n λ_max ≥ 0.6·(2/η);  else below_edge",
            """
            The edge of stability 2/η against the measured sharpness series (E4's criterion for
            "at the edge", n = last = 20). The first test wins. λ_max(θ₀) is the measurement at
            step 0 (or sharpness0). Non-finite measurements (a diverged tail) are ignored.
            """),
        Explanation(
            "linear_fit", "r2", formula: "R² = 1 − Σ(y_i − ŷ_i)² / Σ(y_i − ȳ)²,  ŷ_i = intercept + slope·x_i",
            """
            nan when every y is equal. slope_se = s/√Σ(x − x̄)², s² = SS_res/(n − 2).
            """),
        Explanation(
            "switch_exponent", "beta", formula: "ln r̄(m) = ln prefactor + exponent·ln m,  β = −exponent",
            """
            E15's width scaling of the per-neuron switch rate: r̄(m) is the mean rate over every
            run at width m (all its learning rates and seeds), then the log–log OLS over widths.
            """),
    ]

    // MARK: - powerlaw

    static let powerlaw = Builtin(
        "powerlaw", category: "theory",
        abstract:
            "Fits a drift power law ȳ = prefactor·x^α over seed means, with a seed interval, local slopes and what was left out.",
        discussion: """
            The runs of the table are grouped by x; at each x the seed mean ȳ is taken first
            (mean before log, experiments.md §1.8), then α is the OLS slope of ln ȳ on ln x.
            A y cell holding a list (run.drift has one entry per layer pair) enters as the mean
            of its entries: the value itself for a 2-layer network, E6's mean over l for a deep
            one; a cell holding a run (a sweep whose block returns train(…)) gives its mean_drift,
            its diverged flag and its sharpness0. For S use abs(run.S): S(η) = |Σ_t δ_t|. A row
            without a number in x or y (a failed sweep point) is left out and counted.

            diverged says how diverged runs (the diverged column when the table has one, or a
            non-finite y) enter the seed mean, as experiments.md §1.9's rules:
              "drop_point"   (rule A) a plain mean: one diverged seed drops the whole x;
              "drop_seed"    (rule B) the mean over converged seeds; x drops only when all diverged;
              "exclude_runs" (rule C) as B (a diverged seed is also out of any prediction).
            where={col=value} keeps the matching rows first; range=[lo, hi] and grid=[…] fit a
            sub-range or a sub-grid (points outside are listed, not fitted); means at or below
            floor are left out. When the table has λ_max(θ₀) per run (the sharpness column,
            sharpness0 by default: train(…, sharpness_at_start=true).sharpness0), every point
            with x·λ_max(θ₀) > 2 is marked and α is also fitted over the stable points alone
            (stable_alpha). ci is a percentile bootstrap over seeds (the seed column, seed by
            default; without one the i-th row at each x is replicate i); with 3–5 seeds read it
            beside seed_alphas. points lists every x with its reason; rows every input row.
            """,
        parameters: [
            Parameter("table", .object("table"), help: "the sweep: one row per run", completion: .variables),
            Parameter("x", .string, .value(.string("lr"), text: "\"lr\""), help: "the column swept (η, or a width)"),
            Parameter(
                "y", .string, .value(.string("drift"), text: "\"drift\""),
                help: "the measured column: numbers, or lists averaged over their entries"),
            Parameter(
                "seed", .string, .absent, help: "the column of seed labels (default: seed when the table has one)"),
            Choices.divergenceRule.parameter("diverged", default: "drop_point", help: "how diverged runs enter: "),
            Parameter("where", .any, .absent, help: "a record {column=value, …}: fit only the rows that match"),
            Parameter("range", .list(.number), .absent, help: "[lo, hi]: fit only the points with lo ≤ x ≤ hi"),
            Parameter(
                "grid", .list(.number), .absent,
                help: "fit only these x values (a sub-grid, or a grid common to several fits)"),
            Parameter(
                "floor", .number, .value(.number(1e-10), text: "1e-10"), help: "seed means at or below it are left out"),
            Parameter(
                "sharpness", .string, .absent,
                help: "the column holding λ_max(θ₀) per run (default: sharpness0 when the table has one)"),
            Parameter.number("level", default: 0.95, help: "the confidence level of ci"),
            Parameter(
                "bootstrap", .integer, .value(.number(2000), text: "2000"), help: "seed resamples for ci (0: none)"),
        ],
        returns: "powerlaw_fit",
        example: """
            fit = powerlaw(t, x="lr", y="drift")
            {alpha=fit.alpha, r2=fit.r2, slopes=fit.local_slopes.slope}
            powerlaw(table(lr=[0.01, 0.1, 1, 0.01, 0.1, 1], drift=[1e-4, 2e-3, 0/0, 1.2e-4, 2.2e-3, 0.05], seed=[1, 1, 1, 2, 2, 2]), diverged="drop_seed")
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        try powerlawImplementation(&ctx)
    }

    static func divergenceRule(_ ctx: CallContext, _ label: String = "diverged") throws(Diagnostic) -> DivergenceRule {
        try ctx.choice(label, Choices.divergenceRule)
    }

    /// A column index, or an error at `label` with a did-you-mean.
    static func column(_ ctx: CallContext, _ t: TableObject, _ name: String, at label: String) throws(Diagnostic) -> Int
    {
        guard let j = t.columnIndex(name) else {
            throw ctx.error(
                "the table has no column '\(name)'", at: label,
                hint: closestName(name, in: t.columns).map { "did you mean '\($0)'?" }
                    ?? "columns: \(t.columns.joined(separator: ", "))")
        }
        return j
    }

    /// A cell as one number: a number, or the mean of a list of numbers (nan propagates).
    /// nil for a missing cell; an error for anything else.
    static func cellNumber(
        _ v: Value, _ ctx: CallContext, column: String, row: Int, label: String,
        averaged: inout Bool
    ) throws(Diagnostic) -> Double? {
        switch v {
        case .number(let x): return x
        case .nothing: return nil
        case .list(let items):
            guard let xs = Value.list(items).numbers else {
                throw ctx.error(
                    "the column '\(column)' must hold numbers or lists of numbers; row \(row) holds a list of other values",
                    at: label)
            }
            guard !xs.isEmpty else { return nil }
            averaged = averaged || xs.count > 1
            return compensatedMean(xs)
        default:
            throw ctx.error(
                "the column '\(column)' must hold numbers or lists of numbers; row \(row) holds \(article(v.typeName)) \(v.typeName)",
                at: label)
        }
    }

    /// A two-number list argument [lo, hi] with lo ≤ hi.
    static func interval(_ ctx: CallContext, _ label: String) throws(Diagnostic) -> ClosedRange<Double>? {
        guard try ctx.has(label) else { return nil }
        guard let xs = try ctx.value(label)?.numbers, xs.count == 2, xs[0].isFinite || xs[1].isFinite, !(xs[0] > xs[1]),
            !xs[0].isNaN, !xs[1].isNaN
        else {
            throw ctx.error("'\(label)' must be two numbers [lo, hi] with lo ≤ hi", at: label)
        }
        return xs[0]...xs[1]
    }

    static func powerlawImplementation(_ ctx: inout CallContext) throws(Diagnostic) -> Value {
        var t = try ctx.object("table", as: TableObject.self)
        if let w = try ctx.value("where") {
            guard case .record(let r) = w else {
                throw ctx.error(
                    "'where' must be a record like {loss=\"mse\"}, got \(article(w.typeName)) \(w.typeName)",
                    at: "where")
            }
            for f in r.fields where t.columnIndex(f.name) == nil {
                throw ctx.error(
                    "the table has no column '\(f.name)' to filter on", at: "where",
                    hint: closestName(f.name, in: t.columns).map { "did you mean '\($0)'?" })
            }
            do throws(TableError) {
                t = try t.filtered(r.fields.map { (column: $0.name, value: $0.value) })
            } catch {
                throw ctx.error(error.message, at: "where", hint: error.hint)
            }
        }
        let xName = try ctx.string("x")
        let yName = try ctx.string("y")
        let xj = try column(ctx, t, xName, at: "x")
        let yj = try column(ctx, t, yName, at: "y")
        var seedJ: Int? = nil
        if let s = try ctx.optionalString("seed") {
            seedJ = try column(ctx, t, s, at: "seed")
        } else {
            seedJ = t.columnIndex("seed")
        }
        var sharpJ: Int? = nil
        if let s = try ctx.optionalString("sharpness") {
            sharpJ = try column(ctx, t, s, at: "sharpness")
        } else {
            sharpJ = t.columnIndex("sharpness0")
        }
        let divergedJ = t.columnIndex("diverged")
        let errorJ = t.columnIndex("error")
        let rule = try divergenceRule(ctx)
        let floor = try ctx.number("floor")
        guard floor.isFinite, floor >= 0 else { throw ctx.error("'floor' must be a finite number ≥ 0", at: "floor") }
        let level = try ctx.number("level")
        guard level > 0, level < 1 else {
            throw ctx.error("'level' must lie between 0 and 1, got \(formatNumber(level))", at: "level")
        }
        let bootstrap = try ctx.integer("bootstrap", in: 0...1_000_000)
        let range = try interval(ctx, "range")
        var grid: [Double]? = nil
        if try ctx.has("grid") {
            grid = try ctx.value("grid")!.numbers
            guard let g = grid, !g.isEmpty else {
                throw ctx.error("'grid' must be a non-empty list of numbers", at: "grid")
            }
        }

        // Rows → runs.
        var runs = [SweepRun]()
        var runRow = [Int]()
        var rowX = [Value]()
        var rowY = [Value]()
        var rowSeed = [Value]()
        var rowDiverged = [Value]()
        var rowSharp = [Value]()
        var missing = [Int: String]()
        var averaged = false
        var seedLabels = [String: Int]()
        var occurrences = [Double: Int]()
        for (i, row) in t.rows.enumerated() {
            let x = try cellNumber(row[xj], ctx, column: xName, row: i, label: "x", averaged: &averaged)
            // A run in the y column gives its drift (mean over layer pairs), its divergence
            // flag and λ_max(θ₀).
            var cellRun: TrainingRun? = nil
            if case .object(let r as RunObject) = row[yj] { cellRun = r.run }
            let y: Double?
            if let cellRun {
                y = cellRun.meanDrift
            } else {
                y = try cellNumber(row[yj], ctx, column: yName, row: i, label: "y", averaged: &averaged)
            }
            var flag = cellRun?.diverged ?? false
            if let d = divergedJ, case .bool(let b) = row[d] { flag = flag || b }
            var sharp: Double? = cellRun?.sharpness?.initial
            if let s = sharpJ {
                var ignored = false
                if let v = try cellNumber(
                    row[s], ctx, column: t.columns[s], row: i, label: "sharpness", averaged: &ignored),
                    v.isFinite
                {
                    sharp = v
                }
            }
            rowX.append(x.map { .number($0) } ?? .nothing)
            rowY.append(y.map { .number($0) } ?? .nothing)
            rowDiverged.append(.bool(flag || !(y?.isFinite ?? true)))
            rowSharp.append(.optional(sharp))
            guard let x, let y else {
                var why = "left out: no number in \(x == nil ? xName : yName)"
                if let e = errorJ, case .string(let message) = row[e] { why += " (the point failed: \(message))" }
                missing[i] = why
                rowSeed.append(seedJ.map { row[$0] } ?? .nothing)
                continue
            }
            guard x.isFinite else {
                throw ctx.error(
                    "row \(i) has a non-finite \(xName) (\(formatNumber(x))); every x must be finite", at: "x")
            }
            let seed: Int
            if let sj = seedJ {
                let text = TableObject.cellText(row[sj])
                if case .number(let s) = row[sj], s == s.rounded(), abs(s) < 1e15 {
                    seed = Int(s)
                } else if let known = seedLabels[text] {
                    seed = known
                } else {
                    seed = -1_000_000 - seedLabels.count
                    seedLabels[text] = seed
                }
                rowSeed.append(row[sj])
            } else {
                seed = occurrences[x, default: 0]
                occurrences[x] = seed + 1
                rowSeed.append(.number(Double(seed)))
            }
            runs.append(SweepRun(x: x, y: y, seed: seed, diverged: flag, sharpnessAtStart: sharp))
            runRow.append(i)
        }
        guard !runs.isEmpty else {
            throw ctx.error("the table has no row with numbers in '\(xName)' and '\(yName)'", at: "table")
        }
        let options = PowerLawOptions(
            rule: rule, floor: floor, range: range, grid: grid, confidenceLevel: level,
            bootstrapSamples: bootstrap)
        let fit = try ctx.engine(at: "table") { () throws(EngineError) in try fitPowerLaw(runs, options: options) }

        // What happened to every row.
        let ruleName = PowerLawObject.ruleName(rule)
        var reasons = [Value](repeating: .nothing, count: t.rows.count)
        for (i, why) in missing { reasons[i] = .string(why) }
        for (k, run) in runs.enumerated() {
            guard let p = fit.points.first(where: { $0.x == run.x }) else { continue }
            let why: String
            switch p.status {
            case .used:
                why = run.hasDiverged ? "diverged: out of the mean (\(ruleName))" : "used"
            case .diverged:
                why =
                    run.hasDiverged
                    ? (rule == .dropPoint
                        ? "diverged: drops the point (drop_point)" : "diverged, as every run at this x")
                    : "dropped: a seed diverged (drop_point)"
            default:
                why = "point left out: \(TheoryPowerLawText.describe(p.status))"
            }
            reasons[runRow[k]] = .string(why)
        }
        var columns: [(String, [Value])] = [
            ("row", t.rows.indices.map { .number(Double($0)) }), (xName, rowX), (yName, rowY), ("seed", rowSeed),
            ("diverged", rowDiverged),
        ]
        if sharpJ != nil { columns.append(("sharpness0", rowSharp)) }
        columns.append(("status", reasons))
        let object = PowerLawObject(
            fit: fit, xName: xName, yName: yName, seedName: seedJ.map { t.columns[$0] },
            rowTable: theoryTable(columns), missingRows: missing.count, averagedLists: averaged)
        return .object(object)
    }

    // MARK: - crossover

    static let crossover = Builtin(
        "crossover", category: "theory",
        abstract:
            "The spectral-crossover prediction S_pred(η) = Σ_k c_k f(η, λ_k, T) per learning rate, with its diagnostics.",
        discussion: """
            f(η, λ, T) = (1 − (1 − ηλ)^{2T})/(ηλ(2 − ηλ)) for a stable mode (0 < ηλ < 2), computed
            as the reference does (experiments.md §1.11): modes with λ < 0 or |λ| < 1e-12 are
            skipped. Each mode crosses over at η_k* = 1/(λ_k T): below it a mode contributes
            ≈ T·c_k (local α = 2), above it ≈ c_k/(ηλ(2 − ηλ)) (local α → 1). The result gives
            S_pred and η²·S_pred per η, the crossover rates, the share of modes (and of Σc_k)
            past crossover, and the predicted local α = d ln(η²S_pred)/d ln η.
            unstable: what happens to a mode with ηλ_k ≥ 2, where the formula does not apply:
              "cap"    the reference's c_k·T/|ηλ(2 − ηλ)| (no basis in the derivation; it can
                       dominate the largest η),
              "skip"   the mode contributes nothing,
              "refuse" no prediction at that η (nan).
            eigs is a spectrum (eigs(…); its values, largest first), a list of λ_k, or a
            coefficients value (its eigenvalues). c is a list aligned with those λ_k, a
            coefficients value (its c), or "uniform" (1/P for each of the P modes).
            """,
        parameters: [
            Parameter(
                "eigs", .oneOf([.object("spectrum"), .object("coefficients"), .list(.number)]),
                help: "the eigenvalues λ_k: a spectrum, a coefficients value or a list", completion: .variables),
            Parameter(
                "c", .oneOf([.list(.number), .object("coefficients"), .string]),
                help: "the coefficients c_k: a list aligned with eigs, a coefficients value, or \"uniform\"",
                completion: .variables),
            Parameter("lr", .oneOf([.number, .list(.number)]), help: "the learning rate(s) η (positive)"),
            Parameter(
                "steps", .integer, .value(.number(2000), text: "2000"),
                help: "T in the formula (the reference always uses 2000)"),
            Choices.unstablePolicy.parameter("unstable", default: "cap", help: "modes with ηλ_k ≥ 2: "),
        ],
        returns: "crossover_prediction",
        example: """
            p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], [0.001, 0.01, 0.1, 1], steps=100)
            {S=p.S_pred, alpha=p.local_alpha}
            crossover([4, 1, 0.25], "uniform", [0.1, 1], unstable="skip").unstable_modes
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let (lambdas, fromCoefficients) = try eigenvalueArgument(ctx, "eigs")
        var coefficients: [Double]
        var source: String
        switch try ctx.value("c")! {
        case .object(let k as CoefficientsObject):
            coefficients = k.coefficients
            source = k.method
        case .string(let s):
            guard s == "uniform" else {
                throw ctx.error(
                    "'c' must be a list, a coefficients value or \"uniform\", got \"\(s)\"", at: "c",
                    hint: "for another kind of coefficients use coefficients(net, data, method=…)")
            }
            coefficients = [Double](repeating: 1 / Double(Swift.max(lambdas.count, 1)), count: lambdas.count)
            source = "uniform"
        default:
            coefficients = try ctx.value("c")!.numbers ?? []
            source = "given"
        }
        guard coefficients.count == lambdas.count else {
            throw ctx.error(
                "\(coefficients.count) coefficients for \(lambdas.count) eigenvalues", at: "c",
                hint: fromCoefficients == nil
                    ? "use the coefficients' own eigenvalues: crossover(c.eigenvalues, c, …)" : nil)
        }
        let rates = try learningRates(ctx, "lr")
        let steps = try ctx.integer("steps", in: 1...100_000_000)
        let policy = try unstablePolicy(ctx)
        let p = try ctx.engine { () throws(EngineError) in
            try NoetherEngine.crossover(
                eigenvalues: lambdas, coefficients: coefficients, learningRates: rates,
                steps: steps, unstable: policy)
        }
        return .object(CrossoverObject(p, eigenvalues: lambdas, coefficients: coefficients, source: source))
    }

    /// Eigenvalues from a spectrum (largest first), a coefficients value, or a list,
    /// and the coefficients value when it was one.
    static func eigenvalueArgument(_ ctx: CallContext, _ label: String) throws(Diagnostic) -> (
        [Double], CoefficientsObject?
    ) {
        switch try ctx.value(label)! {
        case .object(let s as SpectrumObject): return (s.descending, nil)
        case .object(let k as CoefficientsObject): return (k.eigenvalues, k)
        case let v:
            guard let xs = v.numbers, !xs.isEmpty else {
                throw ctx.error("'\(label)' must be a non-empty list of eigenvalues", at: label)
            }
            return (xs, nil)
        }
    }

    static func learningRates(_ ctx: CallContext, _ label: String) throws(Diagnostic) -> [Double] {
        let rates: [Double]
        switch try ctx.value(label)! {
        case .number(let x): rates = [x]
        case let v: rates = v.numbers ?? []
        }
        guard !rates.isEmpty, rates.allSatisfy({ $0.isFinite && $0 > 0 }) else {
            throw ctx.error("'\(label)' must be positive learning rates", at: label)
        }
        return rates
    }

    static func unstablePolicy(_ ctx: CallContext) throws(Diagnostic) -> UnstableModePolicy {
        try ctx.choice("unstable", Choices.unstablePolicy)
    }

    // MARK: - compare

    static let compare = Builtin(
        "compare", category: "theory",
        abstract:
            "Compares a crossover prediction with measured S(η): per-η ratios and errors, R with and without unstable η, a verdict.",
        discussion: """
            The reference judges a prediction by R, the Pearson correlation of ln(S_pred + 1e-20)
            and ln(S_meas + 1e-20) across η. R is blind to scale (a prediction off by a constant
            factor has R ≈ 1) and one η with capped unstable modes can dominate it, so the result
            also gives S_pred/S_meas and |S_pred − S_meas|/S_meas per η, R over the η without
            unstable modes, and a verdict that judges shape and scale separately (experiments.md
            §4). An η enters when its prediction is finite and its measurement finite and > 0.
            measured is a list aligned with the prediction's learning rates, or a table of runs:
            then at each η the rows with x within 1e-9 are averaged over seeds under the
            diverged rule (drop_point: one diverged seed drops the η; otherwise the converged
            seeds are averaged, experiments.md's rule C). A y cell may be a number, a list
            (averaged) or a run (its |Σ_t δ_t|, averaged over layer pairs). A list prediction
            needs lr, and may say with unstable=[…] (one boolean per η) which predictions rest
            on unstable modes; R_stable leaves those η out (without it, R_stable = R).
            """,
        parameters: [
            Parameter(
                "pred", .oneOf([.object("crossover_prediction"), .list(.number)]),
                help: "crossover(…), or a list of predictions", completion: .variables),
            Parameter(
                "measured", .oneOf([.list(.number), .object("table")]),
                help: "S_meas per η: a list, or a table of runs", completion: .variables),
            Parameter("lr", .list(.number), .absent, help: "the learning rates, when pred is a list"),
            Parameter(
                "unstable", .list(.bool), .absent,
                help: "per η, whether a list prediction rests on unstable modes (R_stable leaves them out)"),
            Parameter("x", .string, .value(.string("lr"), text: "\"lr\""), help: "a measured table's η column"),
            Parameter(
                "y", .string, .value(.string("S"), text: "\"S\""),
                help: "a measured table's S column (numbers, or lists averaged over their entries)"),
            Choices.divergenceRule.parameter(
                "diverged", default: "exclude_runs", help: "a measured table's divergence rule: "),
        ],
        returns: "crossover_comparison",
        example: """
            p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], [0.01, 0.1, 0.3, 1], steps=100)
            c = compare(p, [31, 7.5, 3.1, 1.2])
            {R=c.R, R_stable=c.R_stable, ratio=c.ratio}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        var prediction: CrossoverPrediction? = nil
        var rates: [Double]
        var predicted: [Double]
        if let p = try ctx.optionalObject("pred", as: CrossoverObject.self) {
            prediction = p.prediction
            rates = p.prediction.learningRates
            predicted = p.prediction.predicted
            if try ctx.has("lr") {
                throw ctx.error("'lr' comes from the prediction; give it only with a list", at: "lr")
            }
            if try ctx.has("unstable") {
                throw ctx.error(
                    "'unstable' comes from the prediction's mode counts; give it only with a list", at: "unstable")
            }
        } else {
            predicted = try ctx.value("pred")!.numbers ?? []
            guard try ctx.has("lr") else {
                throw ctx.error("a list prediction needs its learning rates", hint: "compare(pred, measured, lr=[…])")
            }
            rates = try ctx.value("lr")!.numbers ?? []
            guard rates.count == predicted.count else {
                throw ctx.error("\(predicted.count) predictions for \(rates.count) learning rates", at: "lr")
            }
        }
        var measured: [Double]
        if let t = try ctx.optionalObject("measured", as: TableObject.self) {
            measured = try aggregate(ctx, t, at: rates)
        } else {
            measured = try ctx.value("measured")!.numbers ?? []
            guard measured.count == rates.count else {
                throw ctx.error("\(measured.count) measurements for \(rates.count) learning rates", at: "measured")
            }
        }
        var unstable: [Bool]? = nil
        if case .list(let flags)? = try ctx.value("unstable") {
            unstable = flags.map { if case .bool(true) = $0 { true } else { false } }
            guard flags.count == rates.count else {
                throw ctx.error(
                    "\(flags.count) unstable flag\(flags.count == 1 ? "" : "s") for \(rates.count) learning rates",
                    at: "unstable")
            }
        }
        let result = try ctx.engine { () throws(EngineError) in
            if let prediction { return try compareCrossover(prediction, measured: measured) }
            return try compareCrossover(
                learningRates: rates, predicted: predicted, measured: measured, unstable: unstable)
        }
        return .object(CrossoverComparisonObject(result))
    }

    /// Seed means of a table's y column at each of `rates` (x within 1e-9 relative).
    static func aggregate(_ ctx: CallContext, _ t: TableObject, at rates: [Double]) throws(Diagnostic) -> [Double] {
        let xName = try ctx.string("x")
        let yName = try ctx.string("y")
        let xj = try column(ctx, t, xName, at: "x")
        let yj = try column(ctx, t, yName, at: "y")
        let divergedJ = t.columnIndex("diverged")
        let rule = try divergenceRule(ctx)
        var averaged = false
        var rows = [(x: Double, y: Double, diverged: Bool)]()
        for (i, row) in t.rows.enumerated() {
            // A run in the y column gives S = mean over layer pairs of |Σ_t δ_l(t)|.
            var cellRun: TrainingRun? = nil
            if case .object(let r as RunObject) = row[yj] { cellRun = r.run }
            let runS = cellRun.map { r in
                r.diverged ? Double.nan : compensatedSum(r.imbalanceSum.map(abs)) / Double(Swift.max(r.pairCount, 1))
            }
            let cellY: Double?
            if let runS {
                cellY = runS
            } else {
                cellY = try cellNumber(row[yj], ctx, column: yName, row: i, label: "y", averaged: &averaged)
            }
            guard let x = try cellNumber(row[xj], ctx, column: xName, row: i, label: "x", averaged: &averaged),
                let y = cellY
            else { continue }
            var flag = cellRun?.diverged ?? false
            if let d = divergedJ, case .bool(let b) = row[d] { flag = flag || b }
            rows.append((x, y, flag || !y.isFinite))
        }
        return rates.map { eta in
            let here = rows.filter { abs($0.x - eta) <= 1e-9 * Swift.max(abs($0.x), abs(eta)) }
            let good = here.filter { !$0.diverged }.map(\.y)
            if here.isEmpty || good.isEmpty { return .nan }
            if rule == .dropPoint && good.count < here.count { return .nan }
            return compensatedMean(good)
        }
    }

    // MARK: - coefficients

    static let coefficients = Builtin(
        "coefficients", category: "theory",
        abstract:
            "The mode coefficients c_k of the crossover formula at the network's θ: projected, derived, uniform or fitted.",
        discussion: """
            method="projected": the reference's c_k (experiments.md §1.11): the full Hessian's
            eigenpairs (λ_k, v_k) at θ, the full gradient g, and c_k = (v_kᵀg)²·|δ|/Σ_j (v_jᵀg)²
            over every mode, so Σ c_k = |δ| with δ = ‖∂L/∂W₂‖² − ‖∂L/∂W₁‖² (deep nets: the mean
            over consecutive pairs). It is the gradient energy per Hessian mode, not the
            theorem's coefficient. Modes come largest λ first; data_mode_energy gives the same
            gradient's energy ‖G₁u_k‖² per data mode (2-layer nets), for ck_compare.
            method="derived": c_k = e_k(0)²·λ_{x,k}² in the eigenbasis (λ_{x,k}, u_k) of
            Σ_x = XᵀX/n (uncentered, descending), e_k² = ‖W_eff u_k − target_k‖² with
            W_eff = W₂·diag(ā)·W₁ (ā = 1 for a linear net; for ReLU the active fractions, E21's
            variant; other activations the mean slope σ′). target="cross_covariance" is the
            reference's Ŷ* = YᵀXU/n; "least_squares" divides it by λ_{x,k} (the optimum). 2-layer
            networks without bias only.
            method="uniform": c_k = 1/P (E8's variant, E16's time-averaged prediction).
            method="fit": c_k ≥ 0 fitted to measured S(η) (lr=, measured=) by non-negative least
            squares on λ bins (relative residuals; bins= defaults to min(6, η)).
            The Hessian (P×P, dense) is computed at θ unless spectrum= gives one: an
            eigs(H, vectors=true) result for projected, any spectrum or list for uniform and fit.
            """,
        parameters: [
            Parameter(
                "net", .object("network"), help: "the network; c_k are taken at its current θ", completion: .variables),
            Parameter("data", .object("dataset"), help: "the training data", completion: .variables),
            Parameter(
                "loss", .object("loss"), .value(.object(LossObject(.mse)), text: "mse"),
                help: "the training loss", completion: .values(TrainingBuiltins.lossNames)),
            Choices.coefficientMethod.parameter("method", default: "projected"),
            Parameter(
                "spectrum", .oneOf([.object("spectrum"), .list(.number)]), .absent,
                help: "the Hessian's spectrum at θ, to reuse (projected needs vectors=true)", completion: .variables),
            Parameter("lr", .list(.number), .absent, help: "fit: the learning rates of measured"),
            Parameter("measured", .list(.number), .absent, help: "fit: the measured S(η) per lr"),
            Parameter("steps", .integer, .value(.number(2000), text: "2000"), help: "fit: T of the formula"),
            Parameter("bins", .integer, .absent, help: "fit: the number of λ bins (default min(6, usable η))"),
            Choices.unstablePolicy.parameter("unstable", default: "cap", help: "fit: modes with ηλ_k ≥ 2: "),
            Choices.derivedTarget.parameter("target", default: "cross_covariance", help: "derived: "),
        ],
        returns: "coefficients",
        example: """
            small = mlp([3, 4, 2], activation=linear, seed=1)
            toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            ck = coefficients(small, toy, mse)
            {sum=ck.sum, delta=ck.delta}
            coefficients(small, toy, mse, method="derived").c
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        try coefficientsImplementation(&ctx)
    }

    /// The Hessian's eigen-decomposition at the network's θ (dense), reporting progress.
    static func hessianEigen(
        _ ctx: CallContext, _ net: Network, _ data: Dataset, _ loss: Loss,
        vectors: Bool
    ) throws(Diagnostic) -> EigenDecomposition {
        let h = try ctx.tracked("hessian") { (progress) throws(EngineError) in
            try hessian(network: net, data: data, loss: loss, progress: progress)
        }
        try ctx.stopIfInterrupted()
        return try ctx.engine { () throws(EngineError) in try eigs(h, vectors: vectors) }
    }

    static func coefficientsImplementation(_ ctx: inout CallContext) throws(Diagnostic) -> Value {
        let net = try ctx.object("net", as: NetworkObject.self).network
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        let loss = try ctx.object("loss", as: LossObject.self).loss
        let method = try ctx.choice("method", Choices.coefficientMethod)
        try ctx.engine { () throws(EngineError) in try net.checkCompatible(with: data, loss: loss) }
        guard net.layerCount >= 2 else {
            throw ctx.error("mode coefficients need at least two weight matrices (a layer pair)", at: "net")
        }
        let p = net.parameterCount
        for label in ["lr", "measured", "bins"] where try ctx.has(label) && method != "fit" {
            throw ctx.error("'\(label)' applies to method=\"fit\" only", at: label)
        }
        if try ctx.has("spectrum") && method == "derived" {
            throw ctx.error(
                "the derived coefficients live in the data eigenbasis and need no Hessian spectrum", at: "spectrum")
        }

        /// Hessian eigenvalues (largest first) from spectrum= or computed at θ.
        func eigenvalues() throws(Diagnostic) -> [Double] {
            switch try ctx.value("spectrum") {
            case .object(let s as SpectrumObject)?: return s.descending
            case let v?: return v.numbers ?? []
            case nil: return Array(try hessianEigen(ctx, net, data, loss, vectors: false).values.reversed())
            }
        }

        switch method {
        case "projected":
            let decomposition: EigenDecomposition
            switch try ctx.value("spectrum") {
            case .object(let s as SpectrumObject)?:
                guard s.decomposition.vectors != nil else {
                    throw ctx.error(
                        "the projected coefficients need eigenvectors", at: "spectrum", hint: "eigs(H, vectors=true)")
                }
                decomposition = s.decomposition
            case .some:
                throw ctx.error(
                    "the projected coefficients need a spectrum with eigenvectors, not a list", at: "spectrum",
                    hint: "eigs(H, vectors=true)")
            case nil:
                decomposition = try hessianEigen(ctx, net, data, loss, vectors: true)
            }
            let vectors = decomposition.vectors!
            guard vectors.rows == p else {
                throw ctx.error(
                    "the spectrum's eigenvectors have \(vectors.rows) entries but the network has P = \(p) parameters",
                    at: "spectrum", hint: "take eigs(hessian(net, data, loss), vectors=true) of this network")
            }
            let modes = try ctx.engine { () throws(EngineError) in
                try projectedModes(network: net, data: data, loss: loss, decomposition: decomposition)
            }
            var object = CoefficientsObject(
                method: "projected", coefficients: modes.coefficients, eigenvalues: modes.eigenvalues, basis: "hessian")
            object.imbalance = modes.imbalance
            object.positiveShare = modes.positiveShare
            object.dataModeEnergy = modes.dataModeEnergy
            object.completeBasis = modes.completeBasis
            object.positiveModes = positiveModeCount(modes.eigenvalues)
            return .object(object)
        case "derived":
            guard net.layerCount == 2, !net.architecture.hasBias else {
                throw ctx.error("the derived coefficients are defined for 2-layer networks without bias", at: "net")
            }
            let target = try ctx.choice("target", Choices.derivedTarget)
            let result = try ctx.engine { () throws(EngineError) in
                try derivedModes(network: net, data: data, loss: loss, target: target)
            }
            var object = CoefficientsObject(
                method: "derived", coefficients: result.0.coefficients,
                eigenvalues: result.0.dataEigenvalues, basis: "data")
            object.derived = result.0
            object.imbalance = result.1
            object.dataModeEnergy = result.2
            return .object(object)
        case "uniform":
            let lambdas = try eigenvalues()
            let c = try ctx.engine(at: "spectrum") { () throws(EngineError) in
                try uniformCoefficients(count: lambdas.count)
            }
            var object = CoefficientsObject(method: "uniform", coefficients: c, eigenvalues: lambdas, basis: "hessian")
            object.positiveModes = positiveModeCount(lambdas)
            return .object(object)
        default:  // fit
            guard let rates = try ctx.value("lr")?.numbers, let measured = try ctx.value("measured")?.numbers else {
                throw ctx.error("method=\"fit\" needs lr=[…] and measured=[…] (S(η) per lr)")
            }
            guard rates.count == measured.count else {
                throw ctx.error("\(measured.count) measurements for \(rates.count) learning rates", at: "measured")
            }
            let steps = try ctx.integer("steps", in: 1...100_000_000)
            let bins = try ctx.has("bins") ? try ctx.integer("bins", in: 1...10_000) : nil
            let policy = try unstablePolicy(ctx)
            let lambdas = try eigenvalues()
            let f = try ctx.engine { () throws(EngineError) in
                try fitCoefficients(
                    eigenvalues: lambdas, learningRates: rates, measured: measured, steps: steps, bins: bins,
                    unstable: policy)
            }
            var object = CoefficientsObject(
                method: "fit", coefficients: f.coefficients, eigenvalues: lambdas, basis: "hessian")
            object.fitted = f
            object.positiveModes = positiveModeCount(lambdas)
            return .object(object)
        }
    }

    // MARK: - ck_compare

    static let ckCompare = Builtin(
        "ck_compare", category: "theory",
        abstract:
            "Compares two lists of mode coefficients: the reference's sorted-rank R beside a mode-by-mode comparison.",
        discussion: """
            The reference (E20/E21) takes |c| of both lists, sorts each descending on its own,
            normalizes each to sum 1, keeps the top K′ and correlates the logs rank against rank.
            Almost any two decreasing sequences correlate well that way, so beside R the result
            compares mode by mode in a common basis: each list's shares paired by mode, their log
            correlation, Spearman's rank correlation, the total variation distance ½Σ|a − b|, and
            whether the largest mode is the same. Lists of equal length are paired index by
            index. Projected (Hessian modes) against derived (data modes) is compared in the data
            eigenbasis: the projected side's gradient energy ‖G₁u_k‖² per data mode against the
            derived c_k. K′ defaults to min(d, positive Hessian eigenvalues) for that pair (the
            reference's), else the shorter length.
            """,
        parameters: [
            Parameter(
                "a", .oneOf([.object("coefficients"), .list(.number)]), help: "coefficients(…) or a list",
                completion: .variables),
            Parameter(
                "b", .oneOf([.object("coefficients"), .list(.number)]), help: "coefficients(…) or a list",
                completion: .variables),
            Parameter("top", .integer, .absent, help: "K′, the entries the sorted-rank R keeps"),
        ],
        returns: "ck_comparison",
        example: """
            cmp = ck_compare([0.5, 0.3, 0.1, 0.1], [0.1, 0.2, 0.3, 0.4])
            {R=cmp.R, log_R=cmp.log_R, tv=cmp.total_variation}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        func side(_ label: String) throws(Diagnostic) -> (values: [Double], object: CoefficientsObject?, name: String) {
            if let k = try ctx.optionalObject(label, as: CoefficientsObject.self) {
                return (k.coefficients, k, k.method)
            }
            return (try ctx.value(label)!.numbers ?? [], nil, label)
        }
        let a = try side("a")
        let b = try side("b")
        var top = try ctx.has("top") ? try ctx.integer("top", in: 2...Int.max) : nil
        // The reference's K′ for Hessian modes against data modes.
        var hessianSide: CoefficientsObject? = nil
        var dataSide: CoefficientsObject? = nil
        for k in [a.object, b.object].compactMap({ $0 }) {
            if k.basis == "data" { dataSide = k } else { hessianSide = k }
        }
        if top == nil, let h = hessianSide, let d = dataSide, let positive = h.positiveModes {
            top = Swift.max(2, Swift.min(d.coefficients.count, positive, a.values.count, b.values.count))
        }
        let chosenTop = top
        var result = try ctx.engine { () throws(EngineError) in
            try compareCoefficients(a.values, b.values, top: chosenTop)
        }
        var basis: String? = nil
        if result.modeMatched != nil {
            if let ka = a.object, let kb = b.object, ka.basis == kb.basis {
                basis = ka.basis == "data" ? "data modes, by index" : "Hessian modes, by index"
            } else {
                basis = "index by index"
            }
        } else if let h = hessianSide, let d = dataSide, let energy = h.dataModeEnergy,
            energy.count == d.coefficients.count
        {
            let (left, right) = a.object?.basis == "data" ? (d.coefficients, energy) : (energy, d.coefficients)
            let matched = try ctx.engine { () throws(EngineError) in try compareCoefficients(left, right) }
            result.modeMatched = matched.modeMatched
            basis = "data eigenbasis: ‖G₁u_k‖² of the \(h.method) side's gradient against the derived c_k"
        }
        return .object(CoefficientComparisonObject(result, basis: basis, nameA: a.name, nameB: b.name))
    }

    // MARK: - compression and tau

    static let windowParameters: [Parameter] = [
        Parameter(
            "window", .list(.any), .value(.list([.number(25), .nothing]), text: "[25, none]"),
            help: "[start, end] of the τ fit in the clock's units (none: no end); the reference's t ≥ 25"),
        Choices.clock.parameter("clock", default: "steps"),
        Parameter(
            "gaps", .list(.number), .value(.numbers([0.01, 0.9]), text: "[0.01, 0.9]"),
            help: "[lower, upper]: only checkpoints with lower < 1 − q̄ < upper enter the τ fit"),
    ]

    static func tauWindow(_ ctx: CallContext) throws(Diagnostic) -> TauWindow {
        let items = try ctx.list("window")
        guard items.count == 2, case .number(let start) = items[0], start.isFinite else {
            throw ctx.error("'window' must be [start, end] with a finite start (end may be none)", at: "window")
        }
        var end = Double.infinity
        switch items[1] {
        case .nothing: break
        case .number(let e) where !e.isNaN && e >= start: end = e
        default: throw ctx.error("'window' must be [start, end] with end ≥ start, or none", at: "window")
        }
        let clock = try ctx.choice("clock", Choices.clock)
        guard let gaps = try ctx.value("gaps")?.numbers, gaps.count == 2, gaps[0] >= 0, gaps[0] < gaps[1] else {
            throw ctx.error("'gaps' must be [lower, upper] with 0 ≤ lower < upper", at: "gaps")
        }
        return TauWindow(clock: clock, start: start, end: end, lowerGap: gaps[0], upperGap: gaps[1])
    }

    /// The checkpoints a run can give back: `steps=` when given, else 0, every
    /// checkpoint and the last step.
    static func checkpointSteps(_ ctx: CallContext, _ run: TrainingRun) throws(Diagnostic) -> [Int] {
        if let given = try ctx.value("steps")?.numbers {
            guard !given.isEmpty else { throw ctx.error("'steps' must list at least one checkpoint", at: "steps") }
            for s in given {
                guard s == s.rounded(), s >= 0, s <= 1e15 else {
                    throw ctx.error("'steps' must hold steps t ≥ 0", at: "steps")
                }
                do throws(EngineError) {
                    _ = try run.at(Int(s))
                } catch {
                    throw ctx.error(error.message, at: "steps", hint: "train with checkpoints=[…] to keep θ_t")
                }
            }
            return Array(Set(given.map { Int($0) })).sorted()
        }
        return Array(Set([0] + run.checkpointSteps + [run.stepsRun])).sorted()
    }

    /// The `method` argument, and how the result describes it.
    static func sharpnessMethod(_ ctx: CallContext) throws(Diagnostic) -> (SharpnessMethod, String) {
        let method = SharpnessMethod(try ctx.choice("method", Choices.sharpnessMethod))
        let description =
            switch method {
            case .automatic(let limit): "auto (dense up to P = \(limit))"
            case .dense: "dense"
            case .lanczos: "lanczos"
            case .powerIteration(let iterations): "power iteration (\(iterations))"
            }
        return (method, description)
    }

    static let compression = Builtin(
        "compression", category: "theory",
        abstract:
            "The cross-entropy compression of a run: λ_max(t), q̄(t), the bound's factors, E18's decay fit and E23's τ.",
        discussion: """
            At each checkpoint θ_t the run kept (train(…, checkpoints=[…]); θ₀ and the final θ
            always), on the training data given: q_i = softmax(f(x_i))_{y_i}, their mean q̄, min,
            max, the mean and max of q(1 − q); λ_max of the training loss's Hessian (method:
            "lanczos" by default, \(SharpnessMethod.standardLanczosSteps) products at most, tolerance \(formatHelpNumber(SharpnessMethod.standardLanczosTolerance)); "dense" exact; "auto";
            "power", the reference's \(PowerIterationResult.referenceIterations) iterations); and with bound=true λ_max(JᵀJ/n), so that
            the paper's bound λ_max(JᵀJ/n)·max q(1 − q) (theory.md §5) stands beside λ_max. Then
            E18's decay fit λ_max(t) ≈ a·e^(−bt) + c with c = 0.9·min λ fixed and R² in linear
            scale (read it beside b: the exponential is a rough description), the compression
            ratio λ_max(first)/λ_max(last), and E23's τ fit of 1 − q̄(t) (see tau; its window
            options apply). The run does not keep its data: pass the data it was trained on.
            Cost: one or two λ_max per checkpoint (sharpness=false, bound=false skip them).
            """,
        parameters: [
            Parameter("run", .object("run"), help: "a run trained with checkpoints=[…]", completion: .variables),
            Parameter(
                "data", .object("dataset"), help: "the data the run was trained on (with class labels)",
                completion: .variables),
            Parameter(
                "steps", .list(.integer), .absent,
                help: "the checkpoints to use (default: 0, every checkpoint, the last step)"),
            Choices.sharpnessMethod.parameter("method", default: "lanczos", help: "λ_max by "),
            Parameter(
                "sharpness", .bool, .value(.bool(true), text: "true"),
                help: "compute λ_max of the Hessian at each checkpoint"),
            Parameter(
                "bound", .bool, .value(.bool(true), text: "true"),
                help: "compute λ_max(JᵀJ/n), the bound's first factor"),
        ] + windowParameters + [
            Parameter("seed", .integer, .value(.number(0), text: "0"), help: "seed of the iterations' random start")
        ],
        returns: "compression",
        example: """
            r = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=60, checkpoints=[20, 40])
            c = compression(r, data)
            {lambda=c.sharpness, q=c.q_mean, ratio=c.compression_ratio}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let run = try ctx.object("run", as: RunObject.self).run
        let data = try ctx.object("data", as: DatasetObject.self).dataset
        guard let labels = data.labels else {
            throw ctx.error("compression needs class labels, but '\(data.name)' has real-valued targets", at: "data")
        }
        try ctx.engine(at: "data") { () throws(EngineError) in
            try run.network.checkCompatible(with: data, loss: .crossEntropy)
        }
        let steps = try checkpointSteps(ctx, run)
        let (method, methodName) = try sharpnessMethod(ctx)
        let window = try tauWindow(ctx)
        let withSharpness = try ctx.bool("sharpness")
        let withBound = try ctx.bool("bound")
        let seed = try ctx.integer("seed")
        var lambda = [Double]()
        var gram = [Double]()
        var qMean = [Double]()
        var qMin = [Double]()
        var qMax = [Double]()
        var varMean = [Double]()
        var varMax = [Double]()
        var accuracy = [Double]()
        var losses = [Double]()
        for (i, t) in steps.enumerated() {
            try ctx.stopIfInterrupted()
            ctx.interpreter.progress?(i, steps.count, "compression")
            let net = try ctx.engine(at: "run") { () throws(EngineError) in try run.at(t) }
            let c = CorrectClassConfidence(of: net, on: data, labels: labels)
            qMean.append(c.mean)
            qMin.append(c.minimum)
            qMax.append(c.maximum)
            varMean.append(c.varianceMean)
            varMax.append(c.varianceMax)
            accuracy.append(c.accuracy)
            losses.append(
                try ctx.engine { () throws(EngineError) in try net.lossAndGradient(data: data, loss: run.loss).loss })
            guard net.parameters.isFinite else {
                lambda.append(.nan)
                gram.append(.nan)
                continue
            }
            if withSharpness {
                let s = try ctx.tracked("sharpness") { (progress) throws(EngineError) in
                    try sharpness(
                        network: net, data: data, loss: run.loss, method: method, seed: seed, progress: progress)
                }
                lambda.append(s.value)
            } else {
                lambda.append(.nan)
            }
            if withBound {
                let g = try ctx.tracked("jtj") { (progress) throws(EngineError) in
                    var ws = try HVPWorkspace(network: net, data: data, loss: .mse, kind: .jacobianGram)
                    return try sharpness(&ws, method: method, seed: seed, progress: progress)
                }
                gram.append(g.value)
            }
        }
        ctx.interpreter.progress?(steps.count, steps.count, "compression")
        let series = CompressionSeries(
            steps: steps.map(Double.init), sharpness: lambda, meanConfidence: qMean,
            minConfidence: qMin, meanConfidenceVariance: varMean,
            jacobianGramMax: withBound ? gram : nil, maxConfidenceVariance: varMax)
        let eta = run.learningRate
        let analysis = try ctx.engine { () throws(EngineError) in
            try analyzeCompression(series, learningRate: eta, tauWindow: window)
        }
        return .object(
            CompressionObject(
                series: series, analysis: analysis, maxConfidence: qMax, accuracy: accuracy,
                losses: losses, learningRate: eta, lossName: run.loss.name,
                method: withSharpness ? methodName : "none"))
    }

    static let tau = Builtin(
        "tau", category: "theory",
        abstract:
            "E23's timescale τ of a cross-entropy run: the fit 1 − q̄(t) ≈ e^(a − t/τ) over a window of checkpoints.",
        discussion: """
            q̄(t) is the mean correct-class softmax probability at each checkpoint θ_t. The fit is
            the OLS of ln(1 − q̄) on t over the checkpoints in the window, τ = −1/slope, with its
            R² and the number of points used. The reference's window (the default) keeps t ≥ 25
            and 0.01 < 1 − q̄ < 0.9, which keeps many more points at small η than at large η;
            clock="time" with window=[a, b] fixes the window in gradient-flow time ηt instead, so
            every η is fitted over the same stretch of the dynamics (experiments.md §4).
            x is a run (pass its data: q̄ is computed at its checkpoints, θ₀ and the end), a
            compression(…) result, or a list of q̄ values with steps=[…] (and lr for ηt).
            Fewer than 2 checkpoints in the window give τ = nan with a note, not an error.
            """,
        parameters: [
            Parameter(
                "x", .oneOf([.object("run"), .object("compression"), .list(.number)]),
                help: "a run, a compression result, or q̄ per checkpoint", completion: .variables),
            Parameter(
                "data", .object("dataset"), .absent, help: "a run's training data (with class labels)",
                completion: .variables),
            Parameter(
                "steps", .list(.number), .absent,
                help: "the checkpoints: of a run (default: all it kept) or of a q̄ list"),
            Parameter("lr", .number, .absent, help: "η of a q̄ list (for clock=\"time\" and ητ)"),
        ] + windowParameters,
        returns: "tau_fit",
        example: """
            ts = [0, 25, 50, 100, 200, 400]
            f = tau(1 - 0.5 * exp(-1 * ts / 100), steps=ts, window=[0, none])
            {tau=f.tau, r2=f.r2, points=f.points}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let window = try tauWindow(ctx)
        var steps: [Double]
        var q: [Double]
        var eta: Double? = try ctx.optionalNumber("lr")
        if let eta, !(eta.isFinite && eta > 0) { throw ctx.error("'lr' must be a positive number", at: "lr") }
        switch try ctx.value("x")! {
        case .object(let r as RunObject):
            guard let dataObject = try ctx.optionalObject("data", as: DatasetObject.self) else {
                throw ctx.error("τ of a run needs its training data", hint: "tau(run, data)")
            }
            if try ctx.has("lr") { throw ctx.error("'lr' comes from the run", at: "lr") }
            let data = dataObject.dataset
            guard let labels = data.labels else {
                throw ctx.error("τ needs class labels, but '\(data.name)' has real-valued targets", at: "data")
            }
            let run = r.run
            try ctx.engine(at: "data") { () throws(EngineError) in
                try run.network.checkCompatible(with: data, loss: .crossEntropy)
            }
            let chosen = try checkpointSteps(ctx, run)
            steps = chosen.map(Double.init)
            q = []
            for t in chosen {
                let net = try ctx.engine(at: "x") { () throws(EngineError) in try run.at(t) }
                q.append(CorrectClassConfidence(of: net, on: data, labels: labels).mean)
            }
            eta = run.learningRate
        case .object(let c as CompressionObject):
            if ctx.values["data"] != nil || ctx.values["steps"] != nil || ctx.values["lr"] != nil {
                throw ctx.error(
                    "a compression result carries its own checkpoints, q̄ and η; give only the window options")
            }
            steps = c.series.steps
            q = c.series.meanConfidence
            eta = c.learningRate
        default:
            q = try ctx.value("x")!.numbers ?? []
            if try ctx.has("data") { throw ctx.error("'data' applies to a run only", at: "data") }
            guard let s = try ctx.value("steps")?.numbers else {
                throw ctx.error("a list of q̄ values needs its checkpoints", hint: "tau(q, steps=[…])")
            }
            guard s.count == q.count else { throw ctx.error("\(q.count) q̄ values for \(s.count) steps", at: "steps") }
            steps = s
        }
        let learningRate = eta
        let fit = try ctx.engine { () throws(EngineError) in
            try fitTau(steps: steps, meanConfidence: q, learningRate: learningRate, window: window)
        }
        return .object(TauObject(fit, steps: steps, meanConfidence: q, learningRate: learningRate))
    }

    // MARK: - general fits

    static let fitLinear = Builtin(
        "fit_linear", category: "theory",
        abstract:
            "The least-squares line y ≈ intercept + slope·x, with R², standard errors and the slope's 95% interval.",
        discussion: """
            Ordinary least squares on centered sums. Standard errors assume independent,
            equal-variance residuals (s² = SS_res/(n − 2)); with 2 points they are nan. E23's
            τ against 1/η is fit_linear(1 / lrs, taus); E19's α − 1 against ln m is
            fit_linear(log(ms), log(alphas - 1)). Every value must be finite: mask nan first.
            """,
        parameters: [
            Parameter("x", .list(.number), help: "the x values"),
            Parameter("y", .list(.number), help: "the y values, one per x"),
        ],
        returns: "linear_fit",
        example: """
            f = fit_linear([1, 2, 3, 4], [3, 5, 7, 9])
            {slope=f.slope, intercept=f.intercept, r2=f.r2}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let x = try ctx.value("x")!.numbers ?? []
        let y = try ctx.value("y")!.numbers ?? []
        let fit = try ctx.engine(at: "y") { () throws(EngineError) in try NoetherEngine.fitLinear(x, y) }
        return .object(LinearFitObject(fit, x: x, y: y))
    }

    static let fitExp = Builtin(
        "fit_exp", category: "theory",
        abstract: "An exponential fit y ≈ A·e^(k t), or with offset=true E18's decay y ≈ a·e^(−bt) + c.",
        discussion: """
            The plain fit is the OLS of ln y on t over the points with finite y > 0 (the others
            are listed in masked); τ = −1/k. Its headline R² is in log scale (what the OLS
            minimizes); r2_linear weights the large values instead. offset=true is E18's decay
            fit as the reference did it: c = 0.9·min y (fixed, not fitted), OLS of ln(y − c) on t,
            b = −slope, with R² in linear scale (y against a·e^(−bt) + c), and the ratio of the
            first to the last value. rate is always k in y ≈ A·e^(k t) + c (−b for the decay).
            """,
        parameters: [
            Parameter("t", .list(.number), help: "the times"),
            Parameter("y", .list(.number), help: "the values, one per time"),
            Parameter(
                "offset", .bool, .value(.bool(false), text: "false"), help: "fit a·e^(−bt) + c with c = 0.9·min y (E18)"
            ),
        ],
        returns: "exp_fit",
        example: """
            f = fit_exp([0, 1, 2, 3], [2, 2 * exp(-0.5), 2 * exp(-1), 2 * exp(-1.5)])
            {rate=f.rate, amplitude=f.amplitude, tau=f.tau}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let t = try ctx.value("t")!.numbers ?? []
        let y = try ctx.value("y")!.numbers ?? []
        let offset = try ctx.bool("offset")
        let kind = try ctx.engine(at: "y") { () throws(EngineError) -> ExpFitObject.Kind in
            offset ? .offset(try fitDecay(t, y)) : .plain(try NoetherEngine.fitExp(t, y))
        }
        return .object(ExpFitObject(kind, t: t, y: y))
    }

    // MARK: - regime

    static let regime = Builtin(
        "regime", category: "theory",
        abstract:
            "Where a run sits against the edge of stability 2/η: below the edge, at the edge, or an unstable start.",
        discussion: """
            From the sharpness series λ_max(t) (train(…, sharpness_every=k)): an unstable start
            when η·λ_max(θ₀) > 2 (a divergence or a catapult; with cross-entropy λ_max then
            usually falls); otherwise at the edge when the mean of the last `last` measurements is
            ≥ edge_fraction·(2/η) (E4's criterion, 0.6), else below the edge. The result has a
            one-line reason, η·λ_max(θ₀), the final and largest λ_max/(2/η), the share of
            measurements within near_fraction of the edge, the first crossing of 2/η, and, for a
            run trained with patterns=true, its activation switch statistics. x may also be a
            list of λ_max values (then lr is needed; steps optional).
            """,
        parameters: [
            Parameter(
                "x", .oneOf([.object("run"), .list(.number)]), help: "a run with a sharpness series, or λ_max values",
                completion: .variables),
            Parameter("lr", .number, .absent, help: "η of a list of λ_max values"),
            Parameter("steps", .list(.number), .absent, help: "the step of each λ_max value (a list)"),
            Parameter("sharpness0", .number, .absent, help: "λ_max(θ₀) when the list does not start at θ₀"),
            Parameter(
                "last", .integer, .value(.number(20), text: "20"), help: "measurements averaged at the end (E4: 20)"),
            Parameter.number("edge_fraction", default: 0.6, help: "at the edge when the final mean is ≥ this·(2/η)"),
            Parameter.number("near_fraction", default: 0.9, help: "a measurement is near the edge when λ ≥ this·(2/η)"),
        ],
        returns: "regime",
        example: """
            r = regime([5, 12, 18, 19.5, 19.8], lr=0.1)
            {regime=r.regime, reason=r.reason}
            regime(train(net, data, gd(lr=0.01), steps=10, sharpness_every=5)).regime
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        let options = RegimeOptions(
            lastCount: try ctx.integer("last", in: 1...Int.max),
            edgeFraction: try ctx.number("edge_fraction"), nearFraction: try ctx.number("near_fraction"))
        for label in ["edge_fraction", "near_fraction"] {
            let x = try ctx.number(label)
            guard x > 0, x.isFinite else { throw ctx.error("'\(label)' must be a positive number", at: label) }
        }
        var values: [Double]
        var steps: [Double]?
        var eta: Double
        let start = try ctx.optionalNumber("sharpness0")
        var switchRate: Double? = nil
        var switches: Record? = nil
        if let r = try ctx.optionalObject("x", as: RunObject.self) {
            for label in ["lr", "steps", "sharpness0"] where try ctx.has(label) {
                throw ctx.error("'\(label)' comes from the run; give it only with a list of λ_max values", at: label)
            }
            let run = r.run
            guard let s = run.sharpness, !s.values.isEmpty else {
                throw ctx.error(
                    "the run has no sharpness series", at: "x",
                    hint: "train with sharpness_every=k (or sharpness_at_start=true for λ_max(θ₀) alone)")
            }
            values = s.values
            steps = s.steps.map(Double.init)
            eta = run.learningRate
            if let p = run.pattern {
                switchRate = p.switchRate
                switches = Record([
                    ("switch_rate", .number(p.switchRate)), ("mean_flip_fraction", .number(p.meanFlipFraction)),
                    ("zero_change_fraction", .number(p.zeroChangeFraction)),
                    ("flip_delta_corr", .number(p.flipImbalanceCorrelation)),
                ])
            }
        } else {
            values = try ctx.value("x")!.numbers ?? []
            guard let lr = try ctx.optionalNumber("lr") else {
                throw ctx.error("a list of λ_max values needs the learning rate", hint: "regime(values, lr=0.01)")
            }
            eta = lr
            steps = try ctx.value("steps")?.numbers
        }
        let (v, s, e, st, sw) = (values, steps, eta, start, switchRate)
        let c = try ctx.engine { () throws(EngineError) in
            try classifyRegime(
                sharpness: v, learningRate: e, steps: s, sharpnessAtStart: st, switchRate: sw, options: options)
        }
        return .object(RegimeObject(c, sharpness: values, steps: steps, learningRate: eta, switchStatistics: switches))
    }

    static let switchExponent = Builtin(
        "switch_exponent", category: "theory",
        abstract:
            "The exponent of the per-neuron activation switch rate across widths: rate ∝ m^exponent (E15's β = −exponent).",
        discussion: """
            The runs at one width are averaged (E15's width summary over all its (η, seed) runs;
            zero or non-finite rates are left out as in powerlaw), then the log–log OLS of the
            mean rate on m gives the exponent, with R², local slopes between neighbouring widths
            and a bootstrap interval (the i-th run at each width counts as replicate i). widths
            and rates are lists of equal length, one entry per run, or widths is a table with
            the columns x and y (a sweep with run.switch_rate per row).
            """,
        parameters: [
            Parameter(
                "widths", .oneOf([.list(.number), .object("table")]), help: "m per run, or a table of runs",
                completion: .variables),
            Parameter("rates", .list(.number), .absent, help: "the switch rate per run (with a list of widths)"),
            Parameter("x", .string, .value(.string("m"), text: "\"m\""), help: "a table's width column"),
            Parameter(
                "y", .string, .value(.string("switch_rate"), text: "\"switch_rate\""), help: "a table's rate column"),
        ],
        returns: "switch_exponent",
        example: """
            s = switch_exponent([16, 32, 64, 128], [0.04, 0.028, 0.02, 0.014])
            {exponent=s.exponent, beta=s.beta, r2=s.r2}
            """
    ) { (ctx: inout CallContext) throws(Diagnostic) -> Value in
        var widths: [Double]
        var rates: [Double]
        if let t = try ctx.optionalObject("widths", as: TableObject.self) {
            if try ctx.has("rates") { throw ctx.error("with a table, the rates come from its y column", at: "rates") }
            let xName = try ctx.string("x")
            let yName = try ctx.string("y")
            let xj = try column(ctx, t, xName, at: "x")
            let yj = try column(ctx, t, yName, at: "y")
            widths = []
            rates = []
            var averaged = false
            for (i, row) in t.rows.enumerated() {
                guard let m = try cellNumber(row[xj], ctx, column: xName, row: i, label: "x", averaged: &averaged),
                    let r = try cellNumber(row[yj], ctx, column: yName, row: i, label: "y", averaged: &averaged)
                else { continue }
                widths.append(m)
                rates.append(r)
            }
        } else {
            widths = try ctx.value("widths")!.numbers ?? []
            guard let r = try ctx.value("rates")?.numbers else {
                throw ctx.error("a list of widths needs the rates", hint: "switch_exponent(widths, rates)")
            }
            rates = r
        }
        guard widths.allSatisfy(\.isFinite) else { throw ctx.error("every width must be finite", at: "widths") }
        let (w, r) = (widths, rates)
        let scaling = try ctx.engine(at: "widths") { () throws(EngineError) in
            try switchRateExponent(widths: w, rates: r)
        }
        var seen = [Double: Int]()
        let replicate = widths.map { m -> Value in
            let i = seen[m, default: 0]
            seen[m] = i + 1
            return .number(Double(i))
        }
        let rows = theoryTable([
            ("m", widths.map { .number($0) }), ("switch_rate", rates.map { .number($0) }),
            ("replicate", replicate),
        ])
        let law = PowerLawObject(
            fit: scaling.fit, xName: "m", yName: "switch_rate", seedName: nil, rowTable: rows,
            missingRows: 0, averagedLists: false)
        return .object(SwitchExponentObject(scaling, powerLaw: law))
    }
}
