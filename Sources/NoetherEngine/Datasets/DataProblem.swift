/// What a dataset (synthetic, CSV, MNIST, a split) refused. The language words it
/// (`DataProblem+Words.swift`).
public enum DataProblem: Sendable, Equatable {
    /// A subset of no indices.
    case emptySubset
    /// `index` lies outside the `count` samples of the dataset named `dataset`.
    case indexOutOfRange(index: Int, count: Int, dataset: String)
    /// A split of `count` samples at `fraction` leaves one part empty.
    case splitLeavesAPartEmpty(count: Int, fraction: Double)
    /// Standardizing `dataset` (`features` features) with the statistics of
    /// `reference` (`referenceFeatures` features).
    case featureCountsDiffer(reference: String, referenceFeatures: Int, dataset: String, features: Int)
    /// `asked` MNIST images asked for; the file at `path` holds `available`.
    case tooFewImages(asked: Int, available: Int, path: String)
}
