import Foundation

/// How confident a classifier is in the correct class, over a labelled set:
/// q_i = softmax(f(x_i))_{y_i}, and the variance term q_i(1 − q_i) of the
/// cross-entropy compression bound (theory.md §5).
public struct CorrectClassConfidence: Sendable, Equatable {
    /// The mean, smallest and largest q_i (NaN for no samples).
    public let mean: Double
    public let minimum: Double
    public let maximum: Double
    /// The mean and largest q_i(1 − q_i) (NaN for no samples).
    public let varianceMean: Double
    public let varianceMax: Double
    /// The share of samples whose largest output is the label's (the first index
    /// wins a tie); NaN for no samples.
    public let accuracy: Double

    /// The statistics of `network` on `data`, whose sample i has class `labels[i]`.
    /// The softmax is shifted by each row's maximum (no overflow); the means use the
    /// compensated sum; min/max propagate NaN. O(n·K) after one forward pass.
    public init(of network: Network, on data: Dataset, labels: [Int]) {
        let f = network.outputs(on: data.inputs)
        let n = f.rows
        let k = f.columns
        var qs = [Double]()
        var vars = [Double]()
        var correct = 0
        for i in 0..<n {
            var top = -Double.infinity
            var arg = 0
            for j in 0..<k where f[i, j] > top {
                top = f[i, j]
                arg = j
            }
            var z = 0.0
            for j in 0..<k { z += exp(f[i, j] - top) }
            let q = exp(f[i, labels[i]] - top) / z
            qs.append(q)
            vars.append(q * (1 - q))
            if arg == labels[i] { correct += 1 }
        }
        let nan = Double.nan
        mean = n > 0 ? compensatedSum(qs) / Double(n) : nan
        minimum = minimumPropagatingNaN(qs) ?? nan
        maximum = maximumPropagatingNaN(qs) ?? nan
        varianceMean = n > 0 ? compensatedSum(vars) / Double(n) : nan
        varianceMax = maximumPropagatingNaN(vars) ?? nan
        accuracy = n > 0 ? Double(correct) / Double(n) : nan
    }
}
