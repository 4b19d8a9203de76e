import Foundation
import NoetherSyntax
import NoetherTestSupport
import Testing
@testable import NoetherLang

/// The evaluator tests' `Harness`, plus readers that record an issue (and return a
/// neutral value) when an expression has the wrong type.
final class TheoryHarness: Harness {
    /// The value of an expression as a number.
    func number(_ expression: String) throws -> Double {
        let v = try run(expression)
        guard case .number(let x) = v else {
            Issue.record("\(expression) is not a number: \(v.rendered)")
            return .nan
        }
        return x
    }

    /// The value of an expression as a list of numbers.
    func numbers(_ expression: String) throws -> [Double] {
        let v = try run(expression)
        guard let xs = v.numbers else {
            Issue.record("\(expression) is not a list of numbers: \(v.rendered)")
            return []
        }
        return xs
    }

    func string(_ expression: String) throws -> String {
        let v = try run(expression)
        guard case .string(let s) = v else {
            Issue.record("\(expression) is not a string: \(v.rendered)")
            return ""
        }
        return s
    }
}

/// The OLS slope of ln y on ln x (the hand computation the fits are checked against).
private func logSlope(_ x: [Double], _ y: [Double]) -> Double {
    let lx = x.map { log($0) }
    let ly = y.map { log($0) }
    let mx = lx.reduce(0, +) / Double(lx.count)
    let my = ly.reduce(0, +) / Double(ly.count)
    var sxy = 0.0
    var sxx = 0.0
    for i in lx.indices {
        sxy += (lx[i] - mx) * (ly[i] - my)
        sxx += (lx[i] - mx) * (lx[i] - mx)
    }
    return sxy / sxx
}

/// A sweep table, 4 learning rates × 3 seeds, of the exact law drift = f_s·2·η^1.5
/// (f = 1, 2, 4 for seeds 0, 1, 2), as the language's table(…) builds it; `planted`
/// (η index, seed) cells hold nan.
private func sweepSource(planted: [(Int, Int)] = [], listCells: Bool = false, extra: String = "") -> String {
    let lrs = [1e-3, 1e-2, 1e-1, 1.0]
    let factors = [1.0, 2.0, 4.0]
    var lr = [String]()
    var drift = [String]()
    var seed = [String]()
    for (i, eta) in lrs.enumerated() {
        for s in 0..<3 {
            lr.append("\(eta)")
            seed.append("\(s)")
            let value = planted.contains { $0 == (i, s) } ? "0/0" : "\(factors[s] * 2 * pow(eta, 1.5))"
            drift.append(listCells ? "[\(value)]" : value)
        }
    }
    return "t = table(lr=[\(lr.joined(separator: ", "))], drift=[\(drift.joined(separator: ", "))], "
        + "seed=[\(seed.joined(separator: ", "))]\(extra))"
}

@Suite struct TheoryBuiltinTests {
    // MARK: powerlaw

    @Test func powerlawRecoversAnExactPowerLaw() throws {
        let h = TheoryHarness()
        try h.run(sweepSource())
        try h.run("fit = powerlaw(t, x=\"lr\", y=\"drift\")")
        #expect(isClose(try h.number("fit.alpha"), 1.5))
        // Seed means: (1 + 2 + 4)/3 · 2 · η^1.5.
        #expect(isClose(try h.number("fit.prefactor"), 14.0 / 3))
        #expect(isClose(try h.number("fit.r2"), 1))
        // Every seed resample of an exact law is the same law: the interval collapses.
        let ci = try h.numbers("fit.ci")
        #expect(ci.count == 2 && isClose(ci[0], 1.5, 1e-10) && isClose(ci[1], 1.5, 1e-10))
        #expect(isClose(try h.numbers("fit.local_slopes.slope"), [1.5, 1.5, 1.5], 1e-10))
        #expect(isClose(try h.numbers("fit.seed_alphas"), [1.5, 1.5, 1.5], 1e-10))
        #expect(try h.numbers("fit.used") == [1e-3, 1e-2, 1e-1, 1])
        #expect(try h.number("len(fit.points)") == 4)
        #expect(try h.number("len(fit.rows)") == 12)
        #expect(try h.string("fit.rule") == "drop_point")
        #expect(try h.run("fit.stable_alpha").isNothing)
        // Per-layer lists (run.drift) enter as the mean of their entries.
        try h.run(sweepSource(listCells: true))
        #expect(isClose(try h.number("powerlaw(t).alpha"), 1.5))
        // The summary shows α with its uncertainty and the rows that entered.
        h.lines = []
        try h.run("fit")
        let text = h.lines.joined(separator: "\n")
        #expect(text.contains("power law drift ≈ 4.667·lr^α over 4 of 4 points (rule drop_point)"), "\(text)")
        #expect(text.contains("α = 1.5") && text.contains("95% CI [1.5, 1.5] from 2000 seed resamples"), "\(text)")
        #expect(text.contains("reason") && text.contains("used"))
    }

    @Test func powerlawAppliesEachDivergenceRule() throws {
        let lrs = [1e-3, 1e-2, 1e-1, 1.0]
        func mean(_ xs: [Double]) -> Double { xs.reduce(0, +) / Double(xs.count) }
        let full = lrs.map { 7.0 / 3 * 2 * pow($0, 1.5) }
        // Seed 2 diverged at η = 1; every seed at η = 0.1.
        let planted = [(3, 2), (2, 0), (2, 1), (2, 2)]
        let h = TheoryHarness()
        try h.run(sweepSource(planted: planted))

        // Rule A: one diverged seed drops η = 1; η = 0.1 drops too.
        try h.run("a = powerlaw(t, diverged=\"drop_point\")")
        #expect(try h.numbers("a.used") == [1e-3, 1e-2])
        #expect(isClose(try h.number("a.alpha"), 1.5))
        #expect(try h.number("a.dropped.diverged") == 2)
        #expect(try h.number("a.diverged_runs") == 4)
        #expect(try h.number("a.excluded_runs") == 0)
        #expect(try h.run("a.points.used").rendered == "[true, true, false, false]")
        #expect(try h.string("a.rows[11].status") == "diverged: drops the point (drop_point)")
        #expect(try h.string("a.rows[9].status") == "dropped: a seed diverged (drop_point)")

        // Rules B and C: η = 1 keeps the mean of the two converged seeds (1 + 2)/2.
        let kept = [full[0], full[1], mean([1, 2]) * 2 * pow(1.0, 1.5)]
        let expected = logSlope([1e-3, 1e-2, 1], kept)
        for rule in ["drop_seed", "exclude_runs"] {
            try h.run("b = powerlaw(t, diverged=\"\(rule)\")")
            #expect(try h.numbers("b.used") == [1e-3, 1e-2, 1], "\(rule)")
            #expect(isClose(try h.number("b.alpha"), expected), "\(rule)")
            #expect(try h.number("b.dropped.diverged") == 1, "\(rule)")
            #expect(try h.number("b.excluded_runs") == 1, "\(rule)")
            #expect(try h.number("b.diverged_runs") == 4, "\(rule)")
            #expect(try h.numbers("b.points.seeds_used") == [3, 3, 0, 2], "\(rule)")
            #expect(try h.string("b.rows[11].status") == "diverged: out of the mean (\(rule))")
        }

        // A diverged flag column counts even when y is finite.
        try h.run(
            sweepSource(
                extra: ", diverged=[false, false, false, false, false, false, false, false, false, false, false, true]")
        )
        #expect(try h.numbers("powerlaw(t).used") == [1e-3, 1e-2, 1e-1])
        #expect(try h.numbers("powerlaw(t, diverged=\"drop_seed\").points.seeds_used") == [3, 3, 3, 2])
    }

    @Test func powerlawFitsSubRangesAndMarksUnstablePoints() throws {
        let h = TheoryHarness()
        // λ_max(θ₀) = 5 in every run: η = 1 (ηλ = 5) starts above the edge. The last
        // point breaks the law, as an unstable point would.
        try h.run(
            """
            t = table(lr=[0.001, 0.01, 0.1, 1], drift=[2e-3, 2e-2, 0.2, 50], sharpness0=[5, 5, 5, 5], arm=["a", "a", "a", "a"])
            fit = powerlaw(t)
            """)
        #expect(try h.run("fit.has_stability").rendered == "true")
        #expect(try h.numbers("fit.unstable_points") == [1])
        #expect(isClose(try h.number("fit.stable_alpha"), 1))
        #expect(try h.numbers("fit.stable_points") == [0.001, 0.01, 0.1])
        #expect(try h.number("fit.alpha") > 1.4)
        #expect(try h.run("fit.points.unstable").rendered == "[false, false, false, true]")
        // range= and grid= fit sub-grids; the rest is listed as outside.
        #expect(isClose(try h.number("powerlaw(t, range=[0.001, 0.1]).alpha"), 1))
        #expect(isClose(try h.number("powerlaw(t, grid=[0.001, 0.1]).alpha"), 1))
        #expect(try h.number("powerlaw(t, range=[0.001, 0.1]).dropped.outside_range") == 1)
        // where= filters rows first; a misspelt column gets a suggestion.
        #expect(isClose(try h.number("powerlaw(t, where={arm=\"a\"}, range=[0, 0.5]).alpha"), 1))
        #expect(h.error("powerlaw(t, where={arm=\"b\"})")?.contains("no row with numbers") == true)
        #expect(h.error("powerlaw(t, y=\"drfit\")")?.contains("did you mean 'drift'?") == true)
        #expect(h.error("powerlaw(t, diverged=\"drop_pont\")")?.contains("did you mean 'drop_point'?") == true)
        #expect(h.error("powerlaw(t, range=[0.1, 0.001])")?.contains("lo ≤ hi") == true)
        // Fewer than 2 usable points: the message says what was dropped.
        let few = h.error("powerlaw(t, range=[0.5, 2])") ?? ""
        #expect(few.contains("a power law needs at least 2 usable points, got "))
        #expect(few.contains("(left out: ") && few.contains(" outside the range"))
    }

    /// One sum behind both: the prompt's mean() and a fit's seed mean agree to the bit,
    /// on values whose left-to-right sum rounds differently from the compensated one.
    @Test func promptMeanAndSeedMeansAgreeToTheBit() throws {
        let h = TheoryHarness()
        try h.run(
            """
            t = table(lr=[0.01, 0.01, 0.01, 0.1, 0.1, 0.1], seed=[0, 1, 2, 0, 1, 2],
                      drift=[0.1, 0.2, 0.3, 1e16, 1, -1e16])
            p = powerlaw(t)
            """)
        let seedMeans = try h.numbers("p.points.mean")
        #expect(seedMeans[0].bitPattern == (try h.number("mean([0.1, 0.2, 0.3])")).bitPattern)
        #expect(seedMeans[1].bitPattern == (try h.number("mean([1e16, 1, -1e16])")).bitPattern)
        #expect(try h.number("mean([1e16, 1, -1e16])") == 1.0 / 3)
        #expect(try h.number("sum([0.1, 0.2, 0.3])") == 0.6)
        #expect(try h.number("mean([1, 1/0, 2])") == .infinity)
        #expect(try h.number("sum([1/0, -1/0])").isNaN)
    }

    @Test func powerlawReadsASweepOfRuns() throws {
        let h = TheoryHarness()
        try h.run(
            """
            toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            runs = sweep(lr=[0.01, 0.03, 0.1], seed=[1, 2]) {
              train(mlp([3, 4, 2], seed=seed), toy, gd(lr=lr), steps=20, sharpness_at_start=true)
            }
            records = sweep(lr=[0.01, 0.03, 0.1], seed=[1, 2]) {
              r = train(mlp([3, 4, 2], seed=seed), toy, gd(lr=lr), steps=20, sharpness_at_start=true)
              {drift=r.drift, sharpness0=r.sharpness0}
            }
            a = powerlaw(runs, y="value")
            b = powerlaw(records)
            """)
        // A run cell gives its drift, its divergence flag and λ_max(θ₀).
        #expect(isClose(try h.number("a.alpha"), try h.number("b.alpha"), 1e-12))
        #expect(try h.run("a.has_stability").rendered == "true")
        #expect(isClose(try h.numbers("a.points.sharpness0"), try h.numbers("b.points.sharpness0"), 1e-12))
        #expect(try h.numbers("a.seed_alphas").count == 2)
    }

    // MARK: crossover and compare

    @Test func crossoverMatchesTheModeSum() throws {
        let h = TheoryHarness()
        let lambdas = [4.0, 1.0, 0.25]
        let c = [0.5, 0.3, 0.2]
        let rates = [0.001, 0.01, 0.1, 0.3]
        let steps = 100
        try h.run("p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], [0.001, 0.01, 0.1, 0.3], steps=100)")
        // A direct simulation of independent modes: each error decays like ρ^t, ρ = 1 − ηλ,
        // and S = Σ_t Σ_k c_k ρ_k^{2t}.
        let direct = rates.map { eta in
            zip(lambdas, c).reduce(0.0) { total, mode in
                var s = 0.0
                var rho2t = 1.0
                let rho = 1 - eta * mode.0
                for _ in 0..<steps {
                    s += rho2t
                    rho2t *= rho * rho
                }
                return total + mode.1 * s
            }
        }
        #expect(isClose(try h.numbers("p.S_pred"), direct, 1e-12))
        #expect(isClose(try h.numbers("p.drift_pred"), zip(rates, direct).map { $0 * $0 * $1 }, 1e-12))
        #expect(isClose(try h.numbers("p.crossover_rates"), lambdas.map { 1 / ($0 * Double(steps)) }))
        // η = 0.01 is past the crossover 1/(4·100) = 0.0025 of the first mode only.
        #expect(isClose(try h.numbers("p.converged_fraction"), [0, 1.0 / 3, 1, 1]))
        #expect(isClose(try h.numbers("p.converged_weight"), [0, 0.5, 1, 1]))
        // The local α against a central difference of ln(η²S).
        let alpha = try h.numbers("p.local_alpha")
        for (i, eta) in rates.enumerated() {
            let e = 1e-6
            func drift(_ x: Double) -> Double {
                x * x
                    * zip(lambdas, c).reduce(0.0) { t, m in
                        let u = x * m.0
                        return t + m.1 * (1 - pow(1 - u, 2 * Double(steps))) / (u * (2 - u))
                    }
            }
            let numeric = (log(drift(eta * (1 + e))) - log(drift(eta * (1 - e)))) / (log(1 + e) - log(1 - e))
            #expect(isClose(alpha[i], numeric, 1e-6), "η = \(eta)")
        }
    }

    @Test func crossoverUnstableModePolicies() throws {
        let h = TheoryHarness()
        // η = 1, λ = 4: ηλ = 4 ≥ 2, the reference caps the term at c·T/|ηλ(2 − ηλ)| = 0.5·50/8.
        let stable = [1.0, 0.25].enumerated().reduce(0.0) { t, m in
            let c = [0.3, 0.2][m.offset]
            let u = m.element
            return t + c * (1 - pow(1 - u, 100)) / (u * (2 - u))
        }
        try h.run("p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], 1, steps=50)")
        #expect(isClose(try h.number("p.S_pred[0]"), stable + 0.5 * 50 / 8))
        #expect(try h.numbers("p.unstable_modes") == [1])
        #expect(
            isClose(
                try h.number("crossover([4, 1, 0.25], [0.5, 0.3, 0.2], 1, steps=50, unstable=\"skip\").S_pred[0]"),
                stable))
        #expect(
            try h.number("crossover([4, 1, 0.25], [0.5, 0.3, 0.2], 1, steps=50, unstable=\"refuse\").S_pred[0]").isNaN)
        // "uniform" is 1/P per mode; a spectrum gives its values largest first.
        #expect(try h.numbers("crossover([4, 1], \"uniform\", 0.01).c") == [0.5, 0.5])
        #expect(try h.numbers("crossover(eigs([[2, 0], [0, 1]]), [1, 0], 0.01).eigenvalues") == [2, 1])
        #expect(h.error("crossover([4, 1], [1], 0.01)")?.contains("1 coefficients for 2 eigenvalues") == true)
        #expect(h.error("crossover([4, 1], [1, 1], 0.01, unstable=\"caps\")")?.contains("did you mean 'cap'?") == true)
        #expect(h.error("crossover([4, 1], [1, 1], -0.01)")?.contains("positive learning rates") == true)
    }

    @Test func compareGivesRatiosErrorsAndRWithoutUnstablePoints() throws {
        let h = TheoryHarness()
        try h.run(
            """
            p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], [0.01, 0.1, 0.3, 1], steps=100)
            c = compare(p, [30, 6, 3, 2])
            """)
        let predicted = try h.numbers("p.S_pred")
        let measured = [30.0, 6, 3, 2]
        #expect(isClose(try h.numbers("c.ratio"), zip(predicted, measured).map { $0 / $1 }))
        #expect(isClose(try h.numbers("c.relative_error"), zip(predicted, measured).map { abs($0 - $1) / $1 }))
        #expect(try h.run("c.unstable").rendered == "[false, false, false, true]")
        func pearson(_ a: [Double], _ b: [Double]) -> Double {
            let ma = a.reduce(0, +) / Double(a.count)
            let mb = b.reduce(0, +) / Double(b.count)
            var sab = 0.0
            var saa = 0.0
            var sbb = 0.0
            for i in a.indices {
                sab += (a[i] - ma) * (b[i] - mb)
                saa += (a[i] - ma) * (a[i] - ma)
                sbb += (b[i] - mb) * (b[i] - mb)
            }
            return sab / (saa * sbb).squareRoot()
        }
        let lp = predicted.map { log($0 + 1e-20) }
        let lm = measured.map { log($0 + 1e-20) }
        #expect(isClose(try h.number("c.R"), pearson(lp, lm), 1e-10))
        #expect(isClose(try h.number("c.R_stable"), pearson(Array(lp.prefix(3)), Array(lm.prefix(3))), 1e-10))
        #expect(try h.number("c.points") == 4)
        #expect(try h.number("c.stable_points") == 3)
        #expect(try h.string("c.verdict").contains("R = "))
        // A measured table is seed-averaged per η; a list prediction needs lr.
        try h.run(
            """
            m = table(lr=[0.01, 0.01, 0.1, 0.1, 0.3, 1], S=[29, 31, 5, 7, 3, 0/0])
            c2 = compare(p, m)
            """)
        let s2 = try h.numbers("c2.S_meas")
        #expect(s2[0] == 30 && s2[1] == 6 && s2[2] == 3 && s2[3].isNaN)
        #expect(try h.run("c2.compared").rendered == "[true, true, true, false]")
        #expect(isClose(try h.number("compare([1, 2], [2, 2], lr=[0.1, 0.2]).ratio[0]"), 0.5))
        #expect(h.error("compare([1, 2], [2, 2])")?.contains("needs its learning rates") == true)
        // A list prediction can say which η rest on unstable modes; R_stable leaves them out.
        try h.run(
            """
            rates = [0.01, 0.1, 0.3, 1, 2]
            c3 = compare([30, 7, 3, 1, 9], [31, 7.5, 3.1, 1.2, 0.5], lr=rates, unstable=[false, false, false, false, true])
            c4 = compare([30, 7, 3, 1], [31, 7.5, 3.1, 1.2], lr=[0.01, 0.1, 0.3, 1])
            """)
        let logMeasured = [31, 7.5, 3.1, 1.2].map { Foundation.log($0 + 1e-20) }
        let logPredicted = [30.0, 7, 3, 1].map { Foundation.log($0 + 1e-20) }
        #expect(isClose(try h.number("c3.R_stable"), pearson(logPredicted, logMeasured)))
        #expect(isClose(try h.number("c3.R_stable"), try h.number("c4.R")))
        #expect(try h.number("c3.R") < 0.9)
        #expect(try h.number("c4.R_stable") == (try h.number("c4.R")))
        #expect(
            h.error("compare([1, 2], [2, 2], lr=[0.1, 0.2], unstable=[true])")?
                .contains("1 unstable flag for 2 learning rates") == true)
        #expect(
            h.error("compare(p, [30, 6, 3, 2], unstable=[true, true, true, true])")?
                .contains("'unstable' comes from the prediction's mode counts") == true)
    }

    private func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let mx = x.reduce(0, +) / Double(x.count)
        let my = y.reduce(0, +) / Double(y.count)
        var sxy = 0.0
        var sxx = 0.0
        var syy = 0.0
        for (a, b) in zip(x, y) {
            sxy += (a - mx) * (b - my)
            sxx += (a - mx) * (a - mx)
            syy += (b - my) * (b - my)
        }
        return sxy / (sxx * syy).squareRoot()
    }

    // MARK: coefficients

    @Test func coefficientsOnASmallNetwork() throws {
        let h = TheoryHarness()
        try h.run(
            """
            small = mlp([3, 4, 2], activation=linear, seed=1)
            toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            ck = coefficients(small, toy, mse)
            g = train(small, toy, gd(lr=0.01), steps=1).grad_norms
            """)
        // δ at θ₀ from the training ledger: ‖∂L/∂W₂‖² − ‖∂L/∂W₁‖².
        let delta = try h.number("g[1][0] - g[0][0]")
        #expect(isClose(try h.number("ck.delta"), delta, 1e-10))
        // The projected c_k over the complete eigenbasis sum to |δ|.
        #expect(isClose(try h.number("ck.sum"), abs(delta), 1e-10))
        #expect(try h.number("ck.modes") == 20)
        let lambdas = try h.numbers("ck.eigenvalues")
        #expect(lambdas == lambdas.sorted(by: >))
        #expect(try h.number("len(ck.data_mode_energy)") == 3)
        // The same through a spectrum computed by the curvature builtins.
        try h.run("s = eigs(hessian(small, toy, mse), vectors=true)\nck2 = coefficients(small, toy, mse, spectrum=s)")
        #expect(isClose(try h.numbers("ck2.c"), try h.numbers("ck.c"), 1e-8))
        #expect(
            h.error("coefficients(small, toy, mse, spectrum=eigs(hessian(small, toy, mse)))")?.contains("eigenvectors")
                == true)

        // Derived: d = 3 data modes, descending λ_x, c_k = e_k²λ_{x,k}².
        try h.run("d = coefficients(small, toy, mse, method=\"derived\")")
        let lx = try h.numbers("d.eigenvalues")
        let e = try h.numbers("d.errors")
        let c = try h.numbers("d.c")
        #expect(lx.count == 3 && lx == lx.sorted(by: >))
        #expect(isClose(c, zip(e, lx).map { $0 * $1 * $1 }))
        #expect(try h.run("d.active_fractions").isNothing)
        // ReLU uses the active fractions.
        try h.run("dr = coefficients(mlp([3, 4, 2], seed=1), toy, mse, method=\"derived\")")
        #expect(try h.number("len(dr.active_fractions)") == 4)

        // Uniform sums to 1; fit reproduces a prediction made with coefficients it can represent.
        #expect(isClose(try h.number("coefficients(small, toy, mse, method=\"uniform\").sum"), 1))
        try h.run(
            """
            lam = [8, 4, 2, 1]
            p = crossover(lam, [0.25, 0.25, 0.25, 0.25], [0.001, 0.003, 0.01, 0.03], steps=200)
            f = coefficients(small, toy, mse, method="fit", spectrum=lam, lr=p.lr, measured=p.S_pred, steps=200, bins=1)
            """)
        #expect(isClose(try h.numbers("f.c"), [0.25, 0.25, 0.25, 0.25], 1e-8))
        #expect(try h.number("f.rms_residual") < 1e-10)
        #expect(h.error("coefficients(small, toy, mse, method=\"fit\")")?.contains("needs lr=") == true)
        #expect(
            h.error("coefficients(small, toy, mse, method=\"projectd\")")?.contains("did you mean 'projected'?") == true
        )

        // ck_compare: the sorted-rank R beside a comparison in the data eigenbasis.
        try h.run("cmp = ck_compare(ck, d)")
        #expect(try h.run("cmp.mode_matched").rendered == "true")
        #expect(try h.string("cmp.basis").contains("data eigenbasis"))
        #expect(try h.number("cmp.top") == 3)
        let shares = try h.numbers("cmp.shares_a")
        let energy = try h.numbers("ck.data_mode_energy")
        let total = energy.reduce(0, +)
        #expect(isClose(shares, energy.map { $0 / total }, 1e-12))
        #expect(isClose(try h.numbers("cmp.shares_b"), c.map { $0 / c.reduce(0, +) }, 1e-12))
    }

    @Test func ckCompareOnListsByHand() throws {
        let h = TheoryHarness()
        try h.run("cmp = ck_compare([0.5, 0.3, 0.1, 0.1], [0.1, 0.2, 0.3, 0.4])")
        #expect(isClose(try h.number("cmp.total_variation"), 0.5))
        #expect(try h.number("cmp.top_mode_a") == 0)
        #expect(try h.number("cmp.top_mode_b") == 3)
        #expect(isClose(try h.numbers("cmp.sorted_a"), [0.5, 0.3, 0.1, 0.1]))
        #expect(isClose(try h.number("cmp.top_ratio"), 1.25))
        // Different lengths: no mode-by-mode comparison.
        #expect(try h.run("ck_compare([3, 2, 1], [2, 1]).mode_matched").rendered == "false")
    }

    // MARK: fits

    @Test func fitLinearAndFitExpOnExactData() throws {
        let h = TheoryHarness()
        try h.run("f = fit_linear([1, 2, 3, 4], [3, 5, 7, 9])")
        #expect(isClose(try h.number("f.slope"), 2))
        #expect(isClose(try h.number("f.intercept"), 1))
        #expect(isClose(try h.number("f.r2"), 1))
        #expect(try h.number("f.n") == 4)
        try h.run("e = fit_exp([0, 1, 2, 3], 2 * exp(-0.5 * [0, 1, 2, 3]))")
        #expect(isClose(try h.number("e.rate"), -0.5))
        #expect(isClose(try h.number("e.amplitude"), 2))
        #expect(isClose(try h.number("e.tau"), 2))
        #expect(isClose(try h.number("e.r2"), 1))
        #expect(try h.number("e.offset") == 0)
        // E18's decay: c = 0.9·min y fixed, then the log-linear fit of y − c.
        let t = [0.0, 10, 20, 30, 40]
        let y = t.map { 3 * exp(-0.1 * $0) + 1 }
        try h.run(
            "d = fit_exp([\(t.map { "\($0)" }.joined(separator: ", "))], [\(y.map { "\($0)" }.joined(separator: ", "))], offset=true)"
        )
        let c = 0.9 * y.min()!
        #expect(isClose(try h.number("d.offset"), c))
        let slope = { () -> Double in
            let ly = y.map { log($0 - c) }
            let mt = t.reduce(0, +) / 5
            let my = ly.reduce(0, +) / 5
            var sxy = 0.0
            var sxx = 0.0
            for i in t.indices {
                sxy += (t[i] - mt) * (ly[i] - my)
                sxx += (t[i] - mt) * (t[i] - mt)
            }
            return sxy / sxx
        }()
        #expect(isClose(try h.number("d.rate"), slope, 1e-10))
        #expect(isClose(try h.number("d.compression_ratio"), y[0] / y[4]))
        #expect(h.error("fit_linear([1, 2], [1, 0/0])")?.contains("finite") == true)
    }

    @Test func tauOnExactData() throws {
        let h = TheoryHarness()
        // 1 − q̄ = 0.5·e^{−t/100}: τ = 100 over every checkpoint inside the window.
        let steps = [0.0, 10, 25, 50, 100, 200, 400]
        let q = steps.map { 1 - 0.5 * exp(-$0 / 100) }
        let list = { (xs: [Double]) in "[" + xs.map { "\($0)" }.joined(separator: ", ") + "]" }
        try h.run("f = tau(\(list(q)), steps=\(list(steps)))")
        #expect(isClose(try h.number("f.tau"), 100, 1e-10))
        #expect(isClose(try h.number("f.r2"), 1))
        // The reference's window: t ≥ 25 and 0.01 < 1 − q̄ < 0.9 (t = 400 has 1 − q̄ = 0.009).
        #expect(try h.number("f.points") == 4)
        #expect(try h.numbers("f.used_steps") == [25, 50, 100, 200])
        #expect(try h.run("f.table.used").rendered == "[false, false, true, true, true, true, false]")
        // A window in ηt: with η = 0.01, ηt ∈ [0, 1] keeps t = 0 … 100.
        try h.run("g = tau(\(list(q)), steps=\(list(steps)), lr=0.01, clock=\"time\", window=[0, 1])")
        #expect(try h.numbers("g.used_steps") == [0, 10, 25, 50, 100])
        #expect(isClose(try h.number("g.scaled_tau"), 1, 1e-10))
        // Too few points: τ = nan with a note, not an error.
        try h.run("n = tau(\(list(q)), steps=\(list(steps)), window=[300, none])")
        #expect(try h.number("n.tau").isNaN)
        #expect(try h.string("n.note").contains("a τ fit needs 2"))
        #expect(h.error("tau(\(list(q)))")?.contains("needs its checkpoints") == true)
    }

    // MARK: regime and switch exponent

    @Test func regimeOnSyntheticSharpness() throws {
        let h = TheoryHarness()
        // η = 0.1: 2/η = 20.
        try h.run("r = regime([5, 12, 18, 19.5, 19.8], lr=0.1, steps=[0, 10, 20, 30, 40])")
        #expect(try h.string("r.regime") == "at_edge")
        #expect(isClose(try h.number("r.final_ratio"), (5 + 12 + 18 + 19.5 + 19.8) / 5 / 20))
        #expect(isClose(try h.number("r.eta_lambda0"), 0.5))
        #expect(try h.run("r.first_crossing").isNothing)
        try h.run("b = regime([5, 6, 7, 6], lr=0.1)")
        #expect(try h.string("b.regime") == "below_edge")
        #expect(try h.string("b.reason").hasPrefix("below the edge"))
        try h.run("u = regime([25, 12, 8], lr=0.1)")
        #expect(try h.string("u.regime") == "unstable_start")
        #expect(isClose(try h.number("u.eta_lambda0"), 2.5))
        try h.run("c = regime([5, 21, 19, 20], lr=0.1, steps=[0, 5, 10, 15], last=2)")
        #expect(try h.string("c.regime") == "at_edge")
        #expect(try h.number("c.first_crossing") == 5)
        #expect(h.error("regime([5, 6])")?.contains("needs the learning rate") == true)
        // A run's own sharpness series and switch statistics.
        try h.run(
            """
            toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            run = train(mlp([3, 4, 2], seed=1), toy, gd(lr=0.05), steps=6, sharpness_every=3, patterns=true)
            g = regime(run)
            """)
        #expect(try h.string("g.regime") == "below_edge")
        #expect(try h.numbers("g.table.step") == [0, 3, 6])
        #expect(isClose(try h.number("g.switch_rate"), try h.number("run.switch_rate")))
        #expect(
            h.error("regime(train(mlp([3, 4, 2], seed=1), toy, gd(lr=0.05), steps=2))")?.contains("no sharpness series")
                == true)
    }

    @Test func switchExponentOnAnExactLaw() throws {
        let h = TheoryHarness()
        try h.run(
            "s = switch_exponent([16, 32, 64, 128, 16, 32, 64, 128], 0.5 * [16, 32, 64, 128, 16, 32, 64, 128] ^ -0.5)")
        #expect(isClose(try h.number("s.exponent"), -0.5))
        #expect(isClose(try h.number("s.beta"), 0.5))
        #expect(isClose(try h.number("s.prefactor"), 0.5))
        #expect(isClose(try h.number("s.r2"), 1))
        #expect(try h.numbers("s.points.runs") == [2, 2, 2, 2])
        try h.run("t = table(m=[16, 32, 64], switch_rate=[0.04, 0.02, 0.01])")
        #expect(isClose(try h.number("switch_exponent(t).exponent"), -1))
    }

    // MARK: compression on a real run

    @Test func compressionAlongACrossEntropyRun() throws {
        let h = TheoryHarness()
        try h.run(
            """
            toy = gaussian_mixture(n=30, d=3, classes=3, seed=2)
            r = train(mlp([3, 6, 3], seed=2), toy, gd(lr=0.2), loss=cross_entropy, steps=80, checkpoints=[20, 40, 60])
            c = compression(r, toy, method="dense")
            """)
        #expect(try h.numbers("c.steps") == [0, 20, 40, 60, 80])
        // λ_max at a checkpoint against the dense Hessian of the kept network.
        let direct = try h.number("eigs(hessian(r.at(40), toy, cross_entropy)).max")
        #expect(isClose(try h.number("c.sharpness[2]"), direct, 1e-9))
        // q̄ against the run's own accuracy bookkeeping: in (0, 1), rising.
        let q = try h.numbers("c.q_mean")
        #expect(q.allSatisfy { $0 > 0 && $0 < 1 } && q.last! > q.first!)
        let qmin = try h.numbers("c.q_min")
        let vmax = try h.numbers("c.max_qvar")
        for i in q.indices where qmin[i] >= 0.5 { #expect(isClose(vmax[i], qmin[i] * (1 - qmin[i]), 1e-12)) }
        let bound = try h.numbers("c.bound")
        let jtj = try h.numbers("c.jtj_max")
        #expect(isClose(bound, zip(jtj, vmax).map { $0 * $1 }, 1e-12))
        #expect(isClose(try h.number("c.compression_ratio"), try h.number("c.sharpness[0] / c.sharpness[4]")))
        // τ of the compression result and of the run agree.
        let tauOfCompression = try h.number("c.tau.tau")
        let tauOfRun = try h.number("tau(r, toy).tau")
        #expect(isClose(tauOfCompression, tauOfRun, 1e-12))
        #expect(try h.number("len(c.table)") == 5)
        #expect(h.error("compression(r, toy, steps=[30])")?.contains("checkpoint") == true)
    }

    // MARK: output, export and explain

    @Test func resultsExportToCSVAndJSON() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("noether-theory-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let h = TheoryHarness()
        h.interpreter.baseDirectory = dir.path
        try h.run(sweepSource(planted: [(3, 2)]))
        try h.run(
            """
            fit = powerlaw(t)
            export(fit, "fit.csv")
            export(fit, "fit.json")
            p = crossover([4, 1], [0.5, 0.5], [0.01, 0.1])
            export(p, "p.csv")
            export(compare(p, [100, 20]), "c.csv")
            export(fit_linear([1, 2, 3], [2, 4, 7]), "line.json")
            """)
        let csv = try String(contentsOf: dir.appendingPathComponent("fit.csv"), encoding: .utf8)
        #expect(csv.hasPrefix("lr,mean,std,runs,converged,seeds_used,used,reason\n"), "\(csv)")
        #expect(csv.contains("1,nan,nan,3,2,0,false,dropped: 1 of 3 diverged (drop_point)"), "\(csv)")
        let json = try String(contentsOf: dir.appendingPathComponent("fit.json"), encoding: .utf8)
        #expect(json.contains("\"type\": \"powerlaw_fit\"") && json.contains("\"alpha\": 1.5"), "\(json)")
        let p = try String(contentsOf: dir.appendingPathComponent("p.csv"), encoding: .utf8)
        #expect(
            p.hasPrefix("lr,S_pred,drift_pred,local_alpha,converged_fraction,converged_weight,unstable_modes,refused\n")
        )
        let c = try String(contentsOf: dir.appendingPathComponent("c.csv"), encoding: .utf8)
        #expect(c.hasPrefix("lr,S_pred,S_meas,ratio,relative_error,unstable,compared\n"))
        let line = try String(contentsOf: dir.appendingPathComponent("line.json"), encoding: .utf8)
        #expect(line.contains("\"slope\": 2.5"), "\(line)")
    }

    @Test func summariesAndExplanations() throws {
        let h = TheoryHarness()
        try h.run(
            """
            p = crossover([4, 1, 0.25], [0.5, 0.3, 0.2], [0.01, 0.1, 1], steps=100)
            p
            compare(p, [30, 6, 2])
            fit_linear([1, 2, 3], [2, 4, 7])
            regime([25, 12, 8], lr=0.1)
            """)
        #expect(
            h.lines[0].hasPrefix("crossover prediction S_pred(η) = Σ_k c_k f(η, λ_k, T), T = 100, c_k given: 3 modes"))
        #expect(h.lines[0].contains("unstable modes (ηλ_k ≥ 2) at η = 1: capped"))
        #expect(h.lines[1].hasPrefix("crossover comparison: prediction"))
        #expect(h.lines[2].hasPrefix("line y ≈ intercept + slope·x over 3 points: slope = 2.5 ± 0.29"), "\(h.lines[2])")
        #expect(
            h.lines[3].hasPrefix("regime at η = 0.1 (2/η = 20): unstable start: ηλ_max(θ₀) = 2.5 > 2"), "\(h.lines[3])")
        h.lines = []
        try h.run("explain alpha\nexplain tau_fit.tau\nexplain S_pred")
        #expect(h.lines[0].hasPrefix("powerlaw_fit.alpha\n"))
        #expect(h.lines[1].hasPrefix("tau_fit.tau\n"))
        #expect(h.lines[2].hasPrefix("crossover_prediction.S_pred\n"))
        // Every result type documents its fields for help.
        for type in [
            "powerlaw_fit", "crossover_prediction", "crossover_comparison", "coefficients", "ck_comparison",
            "compression", "tau_fit", "linear_fit", "exp_fit", "regime", "switch_exponent",
        ] {
            #expect(BuiltinRegistry.standard.typeDocs[type] != nil, "\(type)")
        }
    }

    /// Every field a result documents answers, and every field it answers is documented.
    @Test func documentedFieldsAnswer() throws {
        let h = TheoryHarness()
        try h.run(sweepSource())
        try h.run(
            """
            small = mlp([3, 4, 2], activation=linear, seed=1)
            toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
            run = train(small, toy, gd(lr=0.1), loss=cross_entropy, steps=40, checkpoints=[10, 20], sharpness_every=10)
            p = crossover([4, 1], [0.5, 0.5], [0.01, 0.1])
            values = [powerlaw(t), p, compare(p, [100, 20]), coefficients(small, toy, mse),
                      ck_compare([3, 2, 1], [1, 2, 3]), compression(run, toy), tau(run, toy), fit_linear([1, 2, 3], [1, 2, 4]),
                      fit_exp([0, 1, 2], [3, 2, 1]), regime(run), switch_exponent([1, 2, 4], [1, 0.5, 0.25])]
            """)
        guard case .list(let values) = try h.run("values") else {
            Issue.record("no list")
            return
        }
        for v in values {
            guard case .object(let o) = v else {
                Issue.record("\(v.typeName) is not an object")
                continue
            }
            let type = Swift.type(of: o)
            for f in type.fieldDocs { #expect(o.field(f.name) != nil, "\(type.typeName).\(f.name)") }
            #expect(o.field("no_such_field") == nil)
            #expect(!o.summary.isEmpty)
            #expect(o is any CSVExportable, "\(type.typeName)")
            _ = o.json.serialized()
        }
    }
}
