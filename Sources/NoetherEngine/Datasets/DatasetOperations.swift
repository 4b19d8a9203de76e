/// Per-feature statistics of a dataset's inputs (population moments, ddof = 0).
public struct FeatureStatistics: Sendable, Equatable {
    public let mean: [Double]
    public let standardDeviation: [Double]
}

extension Dataset {
    /// The samples at `indices`, in that order (repetitions allowed). Keeps the
    /// name, the labels and the number of classes (or the real targets).
    ///
    /// Throws `data(.emptySubset)` for an empty list, `data(.indexOutOfRange)` for an
    /// index outside 0..<n.
    public func subset(indices: [Int]) throws(EngineError) -> Dataset {
        guard !indices.isEmpty else { throw .data(.emptySubset) }
        if let bad = indices.first(where: { $0 < 0 || $0 >= count }) {
            throw .data(.indexOutOfRange(index: bad, count: count, dataset: name))
        }
        let x = inputs.rows(indices)
        if let labels {
            return Dataset(name: name, inputs: x, labels: indices.map { labels[$0] }, classes: outputDimension)
        }
        return Dataset(name: name, inputs: x, targets: targets.rows(indices))
    }

    /// The first `n` samples in order (1 ≤ n ≤ count).
    public func subset(first n: Int) throws(EngineError) -> Dataset {
        guard n >= 1, n <= count else {
            throw .outOfDomain(.sampleCount, .sampleCount(upTo: count, dataset: name), got: .integer(n))
        }
        return try subset(indices: Array(0..<n))
    }

    /// A random split into (train, test): `RandomSource(seed:).permutation(n)`; its
    /// first k = round(fraction·n) entries are the training samples, the rest the
    /// test samples, each part kept in the original sample order.
    ///
    /// Throws `outOfDomain` unless 0 < fraction < 1, `data(.splitLeavesAPartEmpty)`
    /// unless both parts are non-empty.
    public func split(fraction: Double, seed: Int) throws(EngineError) -> (train: Dataset, test: Dataset) {
        guard fraction.isFinite, fraction > 0, fraction < 1 else {
            throw .outOfDomain(.splitFraction, .strictlyBetweenZeroAndOne, got: .number(fraction))
        }
        let k = Int((fraction * Double(count)).rounded())
        guard k >= 1, k < count else {
            throw .data(.splitLeavesAPartEmpty(count: count, fraction: fraction))
        }
        var rng = RandomSource(seed: seed)
        let perm = rng.permutation(count)
        return (try subset(indices: perm[..<k].sorted()), try subset(indices: perm[k...].sorted()))
    }

    /// Mean and population standard deviation of every input feature.
    public var featureStatistics: FeatureStatistics {
        let n = Double(count)
        let d = inputDimension
        var mean = [Double](repeating: 0, count: d)
        var std = mean
        for i in 0..<count { for j in 0..<d { mean[j] += inputs[i, j] } }
        for j in 0..<d { mean[j] /= n }
        for i in 0..<count {
            for j in 0..<d {
                let r = inputs[i, j] - mean[j]
                std[j] += r * r
            }
        }
        for j in 0..<d { std[j] = (std[j] / n).squareRoot() }
        return FeatureStatistics(mean: mean, standardDeviation: std)
    }

    /// Inputs standardized per feature, x′ = (x − mean)/std, with the statistics of
    /// `reference` (default: this dataset itself, e.g. pass the training set to
    /// standardize a test set alike). A feature with zero spread is only centered.
    /// Targets and labels are unchanged.
    ///
    /// Throws `data(.featureCountsDiffer)` when `reference` has another number of features.
    public func standardized(using reference: Dataset? = nil) throws(EngineError) -> Dataset {
        let ref = reference ?? self
        guard ref.inputDimension == inputDimension else {
            throw .data(
                .featureCountsDiffer(
                    reference: ref.name, referenceFeatures: ref.inputDimension, dataset: name,
                    features: inputDimension))
        }
        let stats = ref.featureStatistics
        var x = inputs
        let d = inputDimension
        for i in 0..<count {
            for j in 0..<d {
                let s = stats.standardDeviation[j]
                let centered = x[i, j] - stats.mean[j]
                x[i, j] = s > 0 ? centered / s : centered
            }
        }
        if let labels { return Dataset(name: name, inputs: x, labels: labels, classes: outputDimension) }
        return Dataset(name: name, inputs: x, targets: targets)
    }
}
