import NoetherEngine
import Testing
@testable import NoetherLang

/// The long-format CSV of a run (`export(run, "run.csv")`): its quantity names are the
/// run's field names, so the table is written by the language, not the engine.
@Suite struct RunExportTests {
    @Test("the run CSV holds every recorded series in long format, values round-tripping")
    func exportRoundTrip() throws {
        let data = try gaussianMixture(name: "gaussian_mixture", n: 30, d: 5, classes: 3, separation: 2, seed: 1)
        let net = try Network.mlp(sizes: [5, 6, 6, 3], activation: .relu, bias: false, seed: 2)
        let probe = SharpnessProbe(every: 4, method: .powerIteration(iterations: 5))
        let run = try train(
            network: net, data: data, optimizer: try .gradientDescent(learningRate: 0.2), loss: .crossEntropy,
            steps: 13,
            options: TrainingOptions(
                every: 3, patternProbe: true, neuronBalances: true,
                sharpness: probe))
        let text = RunExport.csv(run)
        var lines = text.split(separator: "\n").map(String.init)
        #expect(lines.removeFirst() == "step,quantity,layer,value")
        var table = [String: [(Int, UInt64)]]()
        for line in lines {
            let f = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
            #expect(f.count == 4)
            let value = try #require(Double(f[3]))
            table["\(f[1])@\(f[2])", default: []].append((Int(f[0])!, value.bitPattern))
        }
        func check(_ key: String, _ steps: [Int], _ values: [Double]) {
            let got = table[key] ?? []
            #expect(got.map(\.0) == steps, "\(key)")
            #expect(got.map(\.1) == values.map(\.bitPattern), "\(key)")
        }
        check("loss@", run.steps, run.losses)
        check("accuracy@", run.steps, run.accuracies!)
        for l in 0..<3 { check("grad_norm_sq@\(l + 1)", run.steps, run.gradientSquaredNorms[l]) }
        for l in 0..<3 { check("weight_norm_sq@\(l + 1)", run.stateSteps, run.weightSquaredNorms[l]) }
        for l in 0..<2 {
            check("C@\(l + 1)", run.stateSteps, run.conserved[l])
            check("ledger_measured@\(l + 1)", run.steps, run.measuredChange[l])
            check("ledger_predicted@\(l + 1)", run.steps, run.predictedChange[l])
        }
        let balances = run.neuronBalanceSeries!
        check("neuron_balance[3]@2", run.stateSteps, (0..<balances[1].rows).map { balances[1][$0, 2] })
        check("flip_fraction@1", run.steps, run.pattern!.flipFraction)
        check("distinct_patterns@1", run.steps, run.pattern!.distinctPatterns.map(Double.init))
        check("sharpness@", run.sharpness!.steps, run.sharpness!.values)
        #expect(table.count == 1 + 1 + 3 + 3 + 2 * 3 + 2 * 6 + 5 + 1)
        #expect(run.steps == [0, 3, 6, 9, 12] && run.stateSteps == [0, 3, 6, 9, 12, 13])
    }
}
