import Foundation
import NoetherTestSupport
import Testing

@testable import NoetherEngine

/// The population mean written out as the engine once computed it (the
/// compensated sum over n), a reference for the reductions' bits.
private func referenceMean(_ values: [Double]) -> Double {
    TheoryMath.sum(values) / Double(values.count)
}

/// The population standard deviation, two-pass, written out as the engine once
/// computed it: a reference for `meanAndStandardDeviation`'s bits.
private func referenceStd(_ values: [Double]) -> Double {
    let mean = referenceMean(values)
    var squares = [Double]()
    squares.reserveCapacity(values.count)
    for v in values { squares.append((v - mean) * (v - mean)) }
    return (TheoryMath.sum(squares) / Double(values.count)).squareRoot()
}

@Suite struct StatisticsReductionTests {
    /// The mean is the compensated sum over n, the same bits as the fits' mean.
    @Test func meanIsTheCompensatedOne() throws {
        for xs in [[0.1, 0.2, 0.3], [1e16, 1, -1e16], [2.5], (0..<1000).map { 1 / Double($0 + 1) }] {
            let m = compensatedMean(xs)
            #expect(m.bitPattern == (compensatedSum(xs) / Double(xs.count)).bitPattern)
            #expect(m.bitPattern == referenceMean(xs).bitPattern)
            #expect(meanAndStandardDeviation(xs).mean.bitPattern == m.bitPattern)
            #expect(meanAndStandardDeviation(xs).standardDeviation.bitPattern == referenceStd(xs).bitPattern)
        }
        #expect(compensatedMean([1e16, 1, -1e16]) == 1.0 / 3)
        #expect(compensatedMean([]).isNaN)
    }

    @Test func standardDeviationWithDegreesOfFreedom() {
        let xs = [1.0, 2, 3, 4]
        #expect(isClose(meanAndStandardDeviation(xs).standardDeviation, 1.25.squareRoot(), 1e-15))
        #expect(isClose(meanAndStandardDeviation(xs, ddof: 1).standardDeviation, (5.0 / 3).squareRoot(), 1e-15))
        #expect(meanAndStandardDeviation([7], ddof: 1).standardDeviation.isNaN)
        #expect(meanAndStandardDeviation([7], ddof: 1).mean == 7)
        #expect(meanAndStandardDeviation([]).mean.isNaN)
        #expect(meanAndStandardDeviation([1, .infinity]).standardDeviation.isNaN)
    }

    /// NaN wins wherever it stands (Array.min() would depend on its position).
    @Test func extremesPropagateNaN() {
        #expect(minimumPropagatingNaN([3, 1, 2]) == 1 && maximumPropagatingNaN([3, 1, 2]) == 3)
        for xs in [[.nan, 1, 2], [1, .nan, 2], [1, 2, .nan]] {
            #expect(minimumPropagatingNaN(xs)!.isNaN && maximumPropagatingNaN(xs)!.isNaN)
        }
        #expect(minimumPropagatingNaN([]) == nil && maximumPropagatingNaN([]) == nil)
    }

    /// Against a direct softmax per sample, without the max shift.
    @Test func correctClassConfidenceMatchesADirectSoftmax() throws {
        let data = try gaussianMixture(n: 40, d: 5, classes: 3, separation: 2, seed: 3)
        let net = try Network.mlp(sizes: [5, 8, 3], activation: .relu, bias: false, seed: 8)
        let labels = try #require(data.labels)
        let c = CorrectClassConfidence(of: net, on: data, labels: labels)
        let f = net.outputs(on: data.inputs)
        var qs = [Double]()
        var correct = 0
        for i in 0..<f.rows {
            let row = (0..<f.columns).map { f[i, $0] }
            let z = row.map(exp).reduce(0, +)
            qs.append(exp(row[labels[i]]) / z)
            if row.firstIndex(of: row.max()!) == labels[i] { correct += 1 }
        }
        #expect(isClose(c.mean, qs.reduce(0, +) / Double(qs.count), 1e-13))
        #expect(isClose(c.minimum, qs.min()!, 1e-13) && isClose(c.maximum, qs.max()!, 1e-13))
        let vars = qs.map { $0 * (1 - $0) }
        #expect(isClose(c.varianceMean, vars.reduce(0, +) / Double(vars.count), 1e-13))
        #expect(isClose(c.varianceMax, vars.max()!, 1e-13))
        #expect(c.accuracy == Double(correct) / Double(qs.count))
        #expect(c.minimum > 0 && c.maximum < 1)
    }
}
