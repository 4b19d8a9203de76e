import Foundation
import NoetherEngine

// The sentences that word the engine's theory verdicts (issue 14 §1: the engine holds
// the facts, the language says them): a regime's reason and a crossover comparison's
// verdict.

enum TheoryWording {
    /// A number with 3 significant digits ("0.0123", "1.2e+04", "nan").
    static func number(_ x: Double) -> String {
        guard x.isFinite else { return x.isNaN ? "nan" : (x > 0 ? "inf" : "-inf") }
        return String(format: "%.3g", x)
    }

    /// One line with both views of a coefficient comparison (ck_compare's `summary`).
    static func summary(_ c: CoefficientComparison) -> String {
        let f = number
        let rank = c.rank
        var summary =
            "sorted-rank R = \(f(rank.correlation)) over the top \(rank.count) (top shares \(f(rank.topA)) vs \(f(rank.topB)))"
        if let m = c.modeMatched {
            summary +=
                "; mode by mode: log R = \(f(m.logCorrelation)), Spearman \(f(m.rankCorrelation)), "
                + "total variation \(f(m.totalVariation)), largest mode \(m.topModeA) vs \(m.topModeB)"
        } else {
            summary += "; no mode-by-mode comparison (\(c.countA) vs \(c.countB) modes are not one basis)"
        }
        return summary
    }

    /// Why a τ fit has no τ.
    static func note(_ reason: NoTauFit) -> String {
        switch reason {
        case .tooFewInWindow(let count, let needed):
            "\(count) checkpoint(s) with distinct t lie in the window; a τ fit needs \(needed)"
        }
    }

    /// Why a compression has no decay fit.
    static func note(_ reason: NoDecayFit) -> String {
        switch reason {
        case .tooFewMeasured(let measured, let needed):
            "λ_max was measured at \(measured) checkpoint(s); a decay fit needs \(needed)"
        case .failed(let problem): problem.words
        }
    }

    /// One line: the regime and why.
    static func reason(_ c: RegimeClassification) -> String {
        let f = number
        let tail = "mean of the last \(c.finalCount) λ_max = \(f(c.finalRatio))·(2/η)"
        var text: String
        switch c.regime {
        case .unstableStart:
            text = "unstable start: ηλ_max(θ₀) = \(f(c.initialProduct)) > 2; then \(tail)"
        case .atEdge:
            text =
                "at the edge: \(tail) ≥ \(f(c.options.edgeFraction)); \(f(100 * c.nearEdgeFraction))% of measurements within "
                + "\(f(100 * (1 - c.options.nearFraction)))% of 2/η"
            if let crossing = c.firstCrossing {
                text += "; first reaches 2/η at \(c.crossingIsStep ? "step" : "measurement") \(f(crossing))"
            }
        case .belowEdge:
            text = "below the edge: \(tail) < \(f(c.options.edgeFraction)); max \(f(c.maxRatio))·(2/η)"
        }
        if let rate = c.switchRate { text += "; switch rate \(f(rate))" }
        if c.nonFinite > 0 { text += "; \(c.nonFinite) non-finite measurement(s) ignored" }
        return text
    }

    /// One line: shape (R, with and without unstable η) and scale (ratios), judged
    /// separately.
    static func verdict(_ c: CrossoverComparison) -> String {
        let f = number
        guard c.pointsCompared >= 2 else {
            return
                "not enough points to compare (\(c.pointsCompared) with a finite prediction and a positive measurement)"
        }
        let shape =
            switch c.shape {
            case .undetermined: "shape undetermined (a constant series)"
            case .tracks: "tracks the shape"
            case .roughlyTracks: "roughly tracks the shape"
            case .doesNotTrack: "does not track the shape"
            }
        let scale =
            switch c.scale {
            case .within25Percent: "matches the scale within 25%"
            case .withinFactor2: "matches the scale within a factor 2"
            case .off:
                "is off in scale by up to a factor \(f(c.worstFactor)) (typical S_pred/S_meas \(f(c.geometricMeanRatio)))"
            }
        var text = "prediction \(shape) and \(scale): R = \(f(c.correlation)) over \(c.pointsCompared) η"
        if c.unstablePointsCompared > 0 {
            text += " (\(f(c.correlationStable)) over the \(c.stablePointsCompared) without unstable modes)"
        }
        text +=
            "; S_pred/S_meas from \(f(c.minRatio)) to \(f(c.maxRatio)), median relative error \(f(100 * c.medianRelativeError))%"
        if c.correlationLeansOnUnstable {
            text += "; R leans on the \(c.unstablePointsCompared) η with unstable modes"
        } else if c.tooFewStableForShape {
            text += "; too few stable η to judge the shape without the unstable ones"
        }
        if c.pointsLeftOut > 0 { text += "; \(c.pointsLeftOut) η not compared (diverged or no prediction)" }
        return text
    }
}
