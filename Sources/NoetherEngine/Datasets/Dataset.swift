/// A supervised dataset: inputs X (n×d, row-major, one sample per row) and targets.
///
/// Classification data carry integer `labels` in 0..<classes and one-hot `targets`
/// (n×classes); regression data carry real `targets` and no labels. Immutable, so
/// one dataset can feed many runs (and threads) at once.
public final class Dataset: Sendable {
    /// A short name of where the data came from, given by the caller (the language
    /// names a generated dataset by its builtin, e.g. `gaussian_mixture`; a CSV file
    /// by its base name). The engine quotes it, never spells it.
    public let name: String
    /// Inputs, n×d.
    public let inputs: Matrix
    /// Targets, n×K: one-hot rows for classification.
    public let targets: Matrix
    /// Class labels for classification data, `nil` for regression.
    public let labels: [Int]?

    public var count: Int { inputs.rows }
    public var inputDimension: Int { inputs.columns }
    public var outputDimension: Int { targets.columns }
    public var isClassification: Bool { labels != nil }

    /// Regression data (real targets).
    public init(name: String, inputs: Matrix, targets: Matrix) {
        precondition(inputs.rows == targets.rows, "inputs and targets must have the same rows")
        self.name = name
        self.inputs = inputs
        self.targets = targets
        self.labels = nil
    }

    /// Classification data: labels in 0..<classes, one-hot targets built here.
    public init(name: String, inputs: Matrix, labels: [Int], classes: Int) {
        precondition(inputs.rows == labels.count, "one label per sample")
        var y = Matrix(rows: labels.count, columns: classes)
        for (i, label) in labels.enumerated() {
            precondition(label >= 0 && label < classes, "label out of range")
            y[i, label] = 1
        }
        self.name = name
        self.inputs = inputs
        self.targets = y
        self.labels = labels
    }

    /// Number of samples per class (classification data only).
    public var classCounts: [Int]? {
        guard let labels else { return nil }
        var counts = [Int](repeating: 0, count: outputDimension)
        for l in labels { counts[l] += 1 }
        return counts
    }
}
