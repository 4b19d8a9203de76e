extension TrainingRun {
    /// (C_l(T) − C_l(0)) − η²S_l per layer pair l: the change of the conserved
    /// quantity that the identity ΔC_l = η²δ_l summed over the run does not explain
    /// (exactly 0 in exact arithmetic for gd without weight decay or bias and a
    /// homogeneous activation; rounding and the exceptions otherwise). NaN
    /// propagates from a diverged run's values.
    public var ledgerGap: [Double] {
        let eta2 = learningRate * learningRate
        return (0..<pairCount).map { (finalConserved[$0] - initialConserved[$0]) - eta2 * imbalanceSum[$0] }
    }
}
