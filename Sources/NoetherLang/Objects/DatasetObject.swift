import NoetherEngine
import NoetherSyntax
import Synchronization

/// A dataset as a language value.
public struct DatasetObject: NoetherObject, FieldTable {
    public let dataset: Dataset
    /// `feature_mean` and `feature_std` (and the JSON object holding both) share one
    /// O(n·d) pass, made on first read.
    private let statistics = ComputedOnce<FeatureStatistics>()
    public init(_ dataset: Dataset) { self.dataset = dataset }

    public static let typeName = "dataset"
    public static let fields: [ObjectField<DatasetObject>] = [
        ObjectField("n", "number of samples", \.dataset.count),
        ObjectField("d", "number of input features", \.dataset.inputDimension),
        ObjectField("classes", "number of classes (output columns for regression data)", \.dataset.outputDimension),
        ObjectField("outputs", "number of target columns K (the network's output size)", \.dataset.outputDimension),
        ObjectField(
            "classification", "whether the targets are class labels (false: real-valued regression targets)",
            \.dataset.isClassification),
        ObjectField("name", "the generator or file it came from", \.dataset.name),
        ObjectField("labels", "class of each sample (classification data; nothing for regression)", json: .omitted) {
            o in o.dataset.labels.map { .numbers($0.map(Double.init)) } ?? .nothing
        },
        ObjectField("class_counts", "samples per class (classification data; nothing for regression)") { o in
            o.dataset.classCounts.map { .numbers($0.map(Double.init)) } ?? .nothing
        },
        ObjectField("mean_norm2", "mean of ||x||² over samples", \.meanSquaredNorm),
        // Not computed without samples: an empty file may announce millions of features.
        ObjectField("feature_mean", "mean of every input feature (nothing without samples)") { o in
            o.featureStatistics.map { .numbers($0.mean) } ?? .nothing
        },
        ObjectField(
            "feature_std", "population standard deviation (ddof 0) of every input feature (nothing without samples)"
        ) {
            o in o.featureStatistics.map { .numbers($0.standardDeviation) } ?? .nothing
        },
    ]

    /// Every feature's mean and standard deviation, computed once; nil without samples.
    private var featureStatistics: FeatureStatistics? {
        dataset.count == 0 ? nil : statistics.value { dataset.featureStatistics }
    }

    private var meanSquaredNorm: Double {
        dataset.count == 0 ? .nan : dataset.inputs.squaredNorm / Double(dataset.count)
    }

    public var summary: String {
        let k = dataset.outputDimension
        let kind = dataset.isClassification ? "\(k) classes" : "\(k) real target\(k == 1 ? "" : "s")"
        return "dataset \(dataset.name): n=\(dataset.count), d=\(dataset.inputDimension), \(kind)"
    }

}

/// A value computed on first use and then kept, shared by the copies of the struct
/// that holds it.
final class ComputedOnce<T: Sendable>: Sendable {
    private let stored = Mutex<T?>(nil)

    func value(_ compute: () -> T) -> T {
        stored.withLock { kept in
            if let kept { return kept }
            let computed = compute()
            kept = computed
            return computed
        }
    }
}
