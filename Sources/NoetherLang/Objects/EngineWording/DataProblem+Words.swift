import NoetherEngine

extension DataProblem {
    /// The message the user reads (lowercase, no final period, names quoted with '…').
    var words: String {
        switch self {
        case .emptySubset:
            "a subset needs at least one index"
        case .indexOutOfRange(let index, let count, let dataset):
            "index \(index) is outside the \(count) samples of '\(dataset)' (0…\(count - 1))"
        case .splitLeavesAPartEmpty(let count, let fraction):
            "a split of \(count) samples at fraction \(formatNumber(fraction)) leaves one part empty"
        case .featureCountsDiffer(let reference, let referenceFeatures, let dataset, let features):
            "'\(reference)' has \(referenceFeatures) features but '\(dataset)' has \(features)"
        case .tooFewImages(let asked, let available, let path):
            "asked for \(asked) MNIST images but '\(path)' holds only \(available)"
        }
    }
}
