import Foundation
import NoetherEngine
import NoetherSyntax
import Testing
@testable import NoetherLang

@Suite struct TrainingBuiltinTests {
    static let setup = """
        data = gaussian_mixture(n=60, d=8, classes=3, separation=2.0, seed=1)
        net = mlp([8, 16, 3], seed=2)
        """

    static func harness() throws -> ScriptHarness {
        let h = ScriptHarness()
        try h.run(setup)
        return h
    }

    // MARK: - Losses and optimizers

    @Test func lossesAndOptimizers() throws {
        let h = ScriptHarness()
        #expect(try h.string("interpolated_loss(0.25).name") == "interpolated_loss(0.25)")
        #expect(try h.number("interpolated_loss(0.25).ce_weight") == 0.25)
        #expect(try h.number("cross_entropy.ce_weight") == 1 && h.number("mse.ce_weight") == 0)
        #expect(try !h.bool("mse.needs_labels"))

        #expect(try h.rendered("gd(lr=0.01)") == "optimizer gd(lr=0.01)")
        #expect(try h.string("gd(0.1, weight_decay=0.001).name") == "gd(lr=0.1, weight_decay=0.001)")
        #expect(try h.string("momentum(lr=0.01).name") == "momentum(lr=0.01, beta=0.9)")
        #expect(
            try h.string("momentum(lr=0.01, beta=0.5, nesterov=true).name")
                == "momentum(lr=0.01, beta=0.5, nesterov=true)")
        #expect(try h.string("adam(lr=0.001).name") == "adam(lr=0.001)")
        #expect(try h.string("adam(lr=0.001, beta2=0.99, eps=1e-6).name") == "adam(lr=0.001, beta2=0.99, eps=1e-06)")
        #expect(try h.string("sgd(lr=0.1, batch=16, seed=3).name") == "sgd(lr=0.1, batch=16, seed=3)")
        #expect(try h.number("sgd(lr=0.1, batch=16).batch") == 16)
        #expect(try h.isNothing("gd(lr=0.1).batch"))
        #expect(try h.string("adam(lr=0.1).kind") == "adam")
        #expect(try h.rendered("momentum(lr=0.1).options") == "{beta=0.9, nesterov=false}")
        #expect(try h.bool("gd(lr=0.1).identity") && h.bool("sgd(lr=0.1, batch=2).identity"))
        #expect(try !h.bool("gd(lr=0.1, weight_decay=0.01).identity") && !h.bool("momentum(lr=0.1).identity"))

        let optimizer = try h.object(
            "momentum(lr=0.02, beta=0.8, nesterov=true, weight_decay=0.1)", as: OptimizerObject.self)
        #expect(
            optimizer.optimizer
                == (try Optimizer.momentum(learningRate: 0.02, beta: 0.8, nesterov: true, weightDecay: 0.1)))
    }

    @Test func optimizerAndLossErrors() {
        let h = ScriptHarness()
        #expect(h.error("gd(lr=-1)")?.contains("'lr' must be a positive number, got -1") == true)
        #expect(
            h.error("gd(lr=0.1, weight_decay=-1)")?.contains("'weight_decay' must be a finite non-negative number")
                == true)
        #expect(h.error("momentum(lr=0.1, beta=1)")?.contains("'beta' must lie in [0, 1), got 1") == true)
        #expect(h.error("adam(lr=0.1, beta2=1.5)")?.contains("'beta2' must lie in [0, 1)") == true)
        #expect(h.error("adam(lr=0.1, eps=0)")?.contains("'eps' must be a positive number") == true)
        #expect(h.error("sgd(lr=0.1)")?.contains("missing argument 'batch'") == true)
        #expect(h.error("sgd(lr=0.1, batch=0)")?.contains("'batch' must be at least 1") == true)
        #expect(h.error("interpolated_loss(2)")?.contains("'eps' must lie in [0, 1], got 2") == true)
        #expect(h.error("momentum(lr=0.1, nesterov=1)")?.contains("must be a boolean") == true)
    }

    @Test func interpolatedLossEndpointsAreMSEAndCE() throws {
        let h = try Self.harness()
        let mse = try h.numbers("train(net, data, gd(lr=0.05), loss=mse, steps=20).losses")
        let e0 = try h.numbers("train(net, data, gd(lr=0.05), loss=interpolated_loss(0), steps=20).losses")
        let ce = try h.numbers("train(net, data, gd(lr=0.05), loss=cross_entropy, steps=20).losses")
        let e1 = try h.numbers("train(net, data, gd(lr=0.05), loss=interpolated_loss(1), steps=20).losses")
        #expect(mse == e0)
        #expect(ce == e1)
    }

    // MARK: - The ledger

    @Test func gdLedgerHoldsAndMomentumShowsTheGap() throws {
        let h = try Self.harness()
        try h.run(
            """
            g = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=200)
            m = train(net, data, momentum(lr=0.05, beta=0.9), loss=cross_entropy, steps=200)
            """)
        // Plain gd: ΔC = η²S to rounding, at every step and over the run.
        #expect(try h.bool("g.identity_applies"))
        #expect(try h.number("g.ledger_residual") < 1e-9)
        #expect(try h.number("g.ledger_step_error") < 1e-12)
        #expect(try abs(h.numbers("g.ledger_gap")[0]) < 1e-12)
        #expect(try h.rendered("g").contains("ledger residual"))
        #expect(try h.rendered("g").contains("(ΔC = η²S holds)"))

        // Momentum: the measured ΔC_l(t) and η²δ_l(t) part ways, and the run says so.
        #expect(try !h.bool("m.identity_applies"))
        let measured = try h.series("m.ledger_measured")[0]
        let predicted = try h.series("m.ledger_predicted")[0]
        #expect(measured.count == 200 && predicted.count == 200)
        // The first update is v = g, so step 0 agrees; afterwards the velocity takes over.
        #expect(abs(measured[0] - predicted[0]) < 1e-12)
        let discrepancy = zip(measured, predicted).map { abs($0 - $1) }.reduce(0, +)
        #expect(discrepancy > 10 * predicted.map(abs).reduce(0, +))
        let totalMeasured = measured.reduce(0, +)
        let totalPredicted = predicted.reduce(0, +)
        #expect(abs(totalMeasured - totalPredicted) > 0.5 * abs(totalMeasured))
        #expect(try h.number("m.ledger_residual") > 0.5)
        let gap = try h.numbers("m.ledger_gap")[0]
        let c0 = try h.numbers("m.C0")[0]
        let cT = try h.numbers("m.C_final")[0]
        let s = try h.numbers("m.S")[0]
        #expect(abs(gap - ((cT - c0) - 0.05 * 0.05 * s)) < 1e-12)
        #expect(try h.number("m.ledger_step_error") > 1e-6)
        let summary = try h.rendered("m")
        #expect(summary.contains("ΔC = η²S does not apply (momentum): η²S misses"))
        #expect(summary.hasPrefix("run momentum(lr=0.05, beta=0.9), cross_entropy on gaussian_mixture: 200/200 steps"))
        // update_imbalance is the imbalance of the steps actually taken.
        #expect(try h.numbers("m.update_imbalance").count == 1)
    }

    /// precision="float32" from a script: the run says so (field, printing, JSON), its
    /// numbers are Float values widened to Double, its ledger step error is float32's
    /// rounding (far above float64's), and an unknown precision is an error at its argument.
    @Test func float32Precision() throws {
        let h = try Self.harness()
        try h.run(
            """
            a = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=100, patterns=true)
            b = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=100, patterns=true, precision="float32")
            """)
        #expect(try h.string("a.precision") == "float64")
        #expect(try h.string("b.precision") == "float32")
        #expect(try h.rendered("b").contains(", in float32"))
        #expect(try !h.rendered("a").contains("float"))
        let folder = try ScratchFolder()
        defer { folder.remove() }
        try h.run("export(b, \"\(folder.path("b.json"))\")")
        #expect(
            try String(contentsOfFile: folder.path("b.json"), encoding: .utf8).contains("\"precision\": \"float32\""))
        let u = Double(Float.ulpOfOne)
        let (la, lb) = (try h.number("a.loss"), try h.number("b.loss"))
        #expect(la != lb && abs(la - lb) < 100 * 100 * u * la)
        #expect(try Double(Float(h.number("b.loss"))) == h.number("b.loss"))
        #expect(try h.number("b.ledger_step_error") > 1e3 * h.number("a.ledger_step_error"))
        #expect(try h.number("b.ledger_step_error") < 1e-4)
        #expect(try h.number("b.resolved_switch_rate") <= h.number("b.switch_rate"))
        #expect(try h.number("b.tiny_flip_fraction") >= 0)
        // The language passes the engine's float32 run through, bit for bit.
        let engine = try train(
            network: h.object("net", as: NetworkObject.self).network,
            data: h.object("data", as: DatasetObject.self).dataset,
            optimizer: .gradientDescent(learningRate: 0.05), loss: .crossEntropy, steps: 100,
            options: TrainingOptions(patternProbe: true, precision: .float32))
        let pattern = try #require(engine.pattern)
        #expect(try h.number("b.loss").bitPattern == engine.finalLoss.bitPattern)
        #expect(try h.number("b.ledger_step_error").bitPattern == engine.ledgerStepError.bitPattern)
        #expect(try h.number("b.tiny_flip_fraction").bitPattern == pattern.tinyFlipFraction.bitPattern)
        #expect(try h.number("b.resolved_switch_rate").bitPattern == pattern.resolvedSwitchRate.bitPattern)
        let bad = h.error("train(net, data, gd(lr=0.05), precision=\"float16\")")
        #expect(bad?.contains("test.noe:1:41: error: unknown precision 'float16'; use 'float64' or 'float32'") == true)
        #expect(bad?.contains("did you mean 'float32'?") == true)
    }

    @Test func ledgerNamesEveryReasonTheIdentityFails() throws {
        let h = try Self.harness()
        let bias = try h.rendered("train(mlp([8, 16, 3], bias=true), data, gd(lr=0.05), steps=50)")
        #expect(bias.contains("does not apply (bias)"))
        let tanh = try h.rendered("train(mlp([8, 16, 3], activation=tanh), data, gd(lr=0.05), steps=50)")
        #expect(tanh.contains("does not apply (tanh is not homogeneous)"))
        let adam = try h.rendered("train(net, data, adam(lr=0.01, weight_decay=0.01), steps=50)")
        #expect(adam.contains("does not apply (adam, weight decay)"))
        // sgd keeps the identity exactly: δ is the mini-batch gradient's.
        try h.run("s = train(net, data, sgd(lr=0.05, batch=16, seed=3), loss=cross_entropy, steps=40)")
        #expect(try h.bool("s.identity_applies") && h.number("s.ledger_residual") < 1e-9)
        #expect(try h.number("s.full_loss") > 0)
        #expect(try h.isNothing("train(net, data, gd(lr=0.05), steps=3).full_loss"))
    }

    // MARK: - Options

    @Test func everyThinsTheSeriesNotTheLedger() throws {
        let h = try Self.harness()
        try h.run("r = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=95, every=10)")
        let axis = try h.numbers("r.step_axis")
        #expect(axis == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 94])
        #expect(try h.numbers("r.losses").count == axis.count)
        #expect(try h.series("r.grad_norms").map(\.count) == [axis.count, axis.count])
        #expect(try h.numbers("r.state_axis") == [0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 95])
        #expect(try h.series("r.C")[0].count == 11 && h.series("r.norms").count == 2)
        #expect(try h.numbers("r.time") == axis.map { 0.05 * $0 })
        #expect(try h.numbers("r.state_time").last == 0.05 * 95)
        #expect(try h.number("r.every") == 10)
        #expect(try h.numbers("r.accuracies").count == axis.count)
        // The thinned run's ledger and drift equal the full run's.
        try h.run("full = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=95)")
        #expect(try h.numbers("r.drift") == h.numbers("full.drift"))
        #expect(try h.number("r.ledger_step_error") == h.number("full.ledger_step_error"))
        #expect(try h.numbers("r.S") == h.numbers("full.S"))
        #expect(h.error("train(net, data, gd(lr=0.05), every=0)")?.contains("'every' must be at least 1") == true)
    }

    @Test func checkpointsAndAt() throws {
        let h = try Self.harness()
        try h.run("r = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=60, checkpoints=[30, 10])")
        #expect(try h.numbers("r.checkpoints") == [10, 30])
        #expect(try h.rendered("r").contains("checkpoints 10, 30"))
        // run.at(t) and at(run, t) give θ_t: C at checkpoint 30 is the state series' entry 30.
        let c = try h.series("r.C")[0]
        #expect(try h.numbers("r.at(30).C")[0] == c[30])
        #expect(try h.numbers("at(r, 10).C")[0] == c[10])
        #expect(
            try h.object("r.at(0)", as: NetworkObject.self).network.parameters
                == h.object("net", as: NetworkObject.self).network.parameters)
        #expect(try h.numbers("r.at(60).C") == h.numbers("r.net.C"))
        // A checkpoint is exactly the network a shorter run ends with.
        #expect(
            try h.object("r.at(30)", as: NetworkObject.self).network.parameters
                == h.object("train(net, data, gd(lr=0.05), loss=cross_entropy, steps=30).net", as: NetworkObject.self)
                .network.parameters)
        #expect(try h.rendered("r.at").hasPrefix("<builtin at(step)"))
        let missing = h.error("r.at(20)")
        #expect(missing?.contains("step 20 is not a checkpoint of this run (checkpoints: 10, 30)") == true)
        #expect(
            h.error("train(net, data, gd(lr=0.05), steps=10, checkpoints=[11])")?
                .contains("checkpoint 11 lies outside the run's steps 0…10") == true)
    }

    @Test func stopAndDivergence() throws {
        let h = try Self.harness()
        try h.run("r = train(net, data, gd(lr=0.1), loss=cross_entropy, steps=2000, stop_when_loss_below=0.05)")
        #expect(try h.string("r.stop_reason") == "loss_below_threshold")
        let steps = try h.number("r.steps")
        #expect(steps < 2000 && steps > 0)
        #expect(try h.numbers("r.losses").last! < 0.05)
        #expect(try h.rendered("r").contains("stopped early: loss below the threshold"))

        try h.run("d = train(net, data, gd(lr=20), loss=mse, steps=500, divergence_loss=10)")
        #expect(try h.string("d.stop_reason") == "diverged" && h.bool("d.diverged"))
        #expect(try h.number("d.diverged_at") < 500)
        #expect(try h.rendered("d").contains("diverged at step"))
        #expect(try h.string("train(net, data, gd(lr=0.05), steps=5).stop_reason") == "completed")
        #expect(
            h.error("train(net, data, gd(lr=0.1), divergence_loss=0)")?.contains(
                "'divergence_loss' must be a positive number") == true)
    }

    // MARK: - Probes

    @Test func activationPatternProbe() throws {
        let h = try Self.harness()
        try h.run("r = train(net, data, gd(lr=0.2), loss=cross_entropy, steps=100, every=5, patterns=true)")
        let flips = try h.numbers("r.flip_fraction")
        let axis = try h.numbers("r.step_axis")
        #expect(flips.count == axis.count)
        #expect(flips.allSatisfy { $0 >= 0 && $0 <= 1 })
        let units = try h.numbers("r.units_flipped")
        #expect(units.allSatisfy { $0 >= 0 && $0 <= 16 })
        #expect(try zip(h.numbers("r.margin_min"), h.numbers("r.margin_mean")).allSatisfy { $0 <= $1 && $0 >= 0 })
        #expect(try h.numbers("r.distinct_patterns").allSatisfy { $0 >= 1 && $0 <= 60 })
        let zero = try h.number("r.zero_change_fraction")
        #expect(zero >= 0 && zero <= 1)
        #expect(try h.number("r.switch_rate") >= 0 && h.number("r.mean_flip_fraction") >= 0)
        _ = try h.number("r.flip_delta_corr")
        #expect(try h.rendered("r").contains("switch rate"))
        // Off by default: the fields are nothing.
        try h.run("plain = train(net, data, gd(lr=0.2), steps=5)")
        #expect(try h.isNothing("plain.flip_fraction") && h.isNothing("plain.switch_rate"))
        #expect(
            h.error("train(mlp([8, 3]), data, gd(lr=0.1), patterns=true)")?.contains("needs a hidden layer") == true)
    }

    @Test func neuronBalances() throws {
        let h = try Self.harness()
        try h.run(
            "r = train(mlp([8, 16, 6, 3], seed=4), data, gd(lr=0.05), loss=cross_entropy, steps=40, every=10, balances=true)"
        )
        let balances = try h.run("r.neuron_balances")
        guard case .list(let layers) = balances else {
            Issue.record("not a list")
            return
        }
        #expect(layers.count == 2)
        guard case .list(let units) = layers[0] else {
            Issue.record("not a list")
            return
        }
        #expect(units.count == 16)
        #expect(units[0].numbers?.count == 5)  // states 0, 10, 20, 30, 40
        // Each hidden layer's balances sum to its C_l at every recorded state.
        let c = try h.series("r.C")
        let firstLayer = units.compactMap(\.numbers)
        for s in 0..<5 {
            #expect(abs(firstLayer.map { $0[s] }.reduce(0, +) - c[0][s]) < 1e-10)
        }
        #expect(try h.number("r.neuron_ledger_error") < 1e-12)
        #expect(try h.series("r.neuron_balance_drift").map(\.count) == [16, 6])
        #expect(try h.rendered("r").contains("neuron ledger error"))
        #expect(try h.isNothing("train(net, data, gd(lr=0.05), steps=3).neuron_balances"))
    }

    @Test func sharpnessAlongTraining() throws {
        let h = try Self.harness()
        let net = try h.object("net", as: NetworkObject.self).network
        let data = try h.object("data", as: DatasetObject.self).dataset
        let exact0 = try NoetherEngine.sharpness(network: net, data: data, loss: .crossEntropy, method: .dense).value

        try h.run("r = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=100, sharpness_every=25)")
        #expect(try h.numbers("r.sharpness_steps") == [0, 25, 50, 75, 100])
        let lambdas = try h.numbers("r.sharpness")
        #expect(abs(lambdas[0] - exact0) < 1e-6 * exact0)
        #expect(try abs(h.number("r.sharpness0") - exact0) < 1e-6 * exact0)
        // λ at θ_50 against the dense value at the checkpoint-free way: a 50-step run's end.
        let net50 = try h.object(
            "train(net, data, gd(lr=0.05), loss=cross_entropy, steps=50).net", as: NetworkObject.self
        ).network
        let exact50 = try NoetherEngine.sharpness(network: net50, data: data, loss: .crossEntropy, method: .dense).value
        #expect(abs(lambdas[2] - exact50) < 1e-6 * exact50)
        #expect(try h.number("r.sharpness_threshold") == 2 / 0.05)
        #expect(try h.numbers("r.sharpness_ratio") == lambdas.map { 0.05 * $0 / 2 })
        #expect(try abs(h.number("r.max_sharpness_ratio") - lambdas.map { 0.05 * $0 / 2 }.max()!) < 1e-15)
        #expect(try h.isNothing("r.edge_step"))  // 2/η = 40 is far above λ_max
        #expect(try h.number("r.edge_fraction") == 0)
        #expect(try h.rendered("r").contains("λ_max"))

        // Above the edge from the start: η > 2/λ_max(θ₀).
        let eta = 3 / exact0
        try h.run("e = train(net, data, gd(lr=\(eta)), loss=cross_entropy, steps=20, sharpness_every=5)")
        #expect(try h.number("e.edge_step") == 0)
        let ratios = try h.numbers("e.sharpness_ratio")
        let near = Double(ratios.filter { $0 >= 0.9 }.count) / Double(ratios.count)
        #expect(try h.number("e.edge_fraction") == near)
        #expect(try h.number("e.max_sharpness_ratio") >= 1.5 - 1e-6)

        // Power iteration, the reference's method, agrees with the dense value loosely.
        let power = try h.number(
            "train(net, data, gd(lr=0.05), loss=cross_entropy, steps=0, sharpness_every=1, sharpness_method=\"power_iteration\").sharpness0"
        )
        #expect(abs(power - exact0) < 1e-2 * exact0)
        #expect(
            h.error("train(net, data, gd(lr=0.05), sharpness_method=\"dense\")")?.contains(
                "unknown sharpness method 'dense'") == true)
        #expect(
            h.error("train(net, data, gd(lr=0.05), sharpness_every=0)")?.contains(
                "'sharpness_every' must be at least 1") == true)
    }

    @Test func sharpnessAtStartOnly() throws {
        let h = try Self.harness()
        let net = try h.object("net", as: NetworkObject.self).network
        let data = try h.object("data", as: DatasetObject.self).dataset
        let exact0 = try NoetherEngine.sharpness(network: net, data: data, loss: .mse, method: .dense).value
        try h.run("r = train(net, data, gd(lr=0.05), loss=mse, steps=30, sharpness_at_start=true)")
        #expect(try h.numbers("r.sharpness_steps") == [0])
        #expect(try abs(h.number("r.sharpness0") - exact0) < 1e-6 * exact0)
        #expect(try h.rendered("r").contains("λ_max(θ₀)"))
        #expect(try h.number("train(net, data, gd(lr=0.05), steps=0, sharpness_at_start=true).sharpness0") > 0)
        // Off: nothing.
        #expect(try h.isNothing("train(net, data, gd(lr=0.05), steps=3).sharpness0"))
    }

    // MARK: - Export

    @Test func exportWritesEverySeriesInLongFormat() throws {
        let folder = try ScratchFolder()
        defer { folder.remove() }
        let h = try Self.harness()
        let file = folder.path("run.csv")
        try h.run(
            """
            r = train(net, data, gd(lr=0.05), loss=cross_entropy, steps=30, every=10, patterns=true, balances=true, sharpness_every=15)
            export(r, "\(file)")
            """)
        let text = try String(contentsOfFile: file, encoding: .utf8)
        var rows = text.split(separator: "\n").map {
            $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        }
        #expect(rows.removeFirst() == ["step", "quantity", "layer", "value"])
        #expect(rows.allSatisfy { $0.count == 4 })
        func column(_ quantity: String, layer: String = "") -> (steps: [Double], values: [Double]) {
            let selected = rows.filter { $0[1] == quantity && $0[2] == layer }
            return (selected.map { Double($0[0])! }, selected.map { Double($0[3])! })
        }
        // Round-trip precision: the values read back bit for bit.
        #expect(column("loss").values == (try h.numbers("r.losses")))
        #expect(column("loss").steps == (try h.numbers("r.step_axis")))
        #expect(column("C", layer: "1").values == (try h.series("r.C")[0]))
        #expect(column("C", layer: "1").steps == (try h.numbers("r.state_axis")))
        #expect(column("grad_norm_sq", layer: "2").values == (try h.series("r.grad_norms")[1]))
        #expect(column("ledger_measured", layer: "1").values == (try h.series("r.ledger_measured")[0]))
        #expect(column("ledger_predicted", layer: "1").values == (try h.series("r.ledger_predicted")[0]))
        #expect(column("weight_norm_sq", layer: "1").values == (try h.series("r.norms")[0]))
        #expect(column("accuracy").values == (try h.numbers("r.accuracies")))
        #expect(column("sharpness").values == (try h.numbers("r.sharpness")))
        #expect(column("sharpness").steps == [0, 15, 30])
        #expect(!column("flip_fraction", layer: "1").values.isEmpty)
        #expect(rows.contains { $0[1].hasPrefix("neuron_balance[") })
        // Only tables and runs go to CSV, and write failures are errors.
        #expect(
            h.error("export(net, \"\(folder.path("n.csv"))\")")?.contains("only tables and runs can be written as CSV")
                == true)
        // .json writes the run's summary fields.
        try h.run("export(r, \"\(folder.path("run.json"))\")")
        let json = try String(contentsOfFile: folder.path("run.json"), encoding: .utf8)
        #expect(json.contains("\"stop_reason\": \"completed\"") && json.contains("\"edge_fraction\""))
        #expect(
            h.diagnostic("export(r, \"\(folder.path("missing/dir/run.csv"))\")")?.message.contains("cannot write")
                == true)
    }

    // MARK: - Help and summaries

    @Test func helpForEveryTrainingBuiltin() throws {
        let h = ScriptHarness()
        for name in [
            "interpolated_loss", "gd", "momentum", "adam", "sgd", "train", "at", "export",
            "gaussian_mixture", "xor2d", "spheres", "teacher_student", "load_csv", "mnist",
            "subset", "split", "standardize",
        ] {
            h.lines = []
            try h.run("help \(name)")
            let builtin = try #require(BuiltinRegistry.standard.builtins[name])
            #expect(h.lines.first?.hasPrefix(builtin.usage) == true, "help \(name)")
            #expect(!builtin.example.isEmpty)
        }
        h.lines = []
        try h.run("help run")
        for field in ["stop_reason", "flip_fraction", "sharpness0", "edge_step", "neuron_balances", "at", "time"] {
            #expect(h.lines.joined().contains("  \(field) "), "help run lists \(field)")
        }
        // explain knows the new quantities.
        h.lines = []
        try h.run("explain edge_step\nexplain run.ledger_gap\nexplain network.neuron_balances")
        #expect(h.lines.count == 3)
        #expect(h.lines[0].hasPrefix("run.edge_step\n") && h.lines[0].contains("2/η"))
        #expect(h.lines[1].contains("η²·S_l"))
        #expect(h.lines[2].hasPrefix("network.neuron_balances\n"))
        #expect(
            BuiltinRegistry.standard.builtins["momentum"]?.usage
                == "momentum(lr, beta=0.9, nesterov=false, weight_decay=0) -> optimizer")
        #expect(
            BuiltinRegistry.standard.builtins["adam"]?.usage
                == "adam(lr, beta1=0.9, beta2=0.999, eps=1e-8, weight_decay=0) -> optimizer")
    }

    @Test func trainArgumentErrors() {
        let h = ScriptHarness()
        #expect((try? h.run(Self.setup)) != nil)
        #expect(
            h.error("train(net, data, sgd(lr=0.1, batch=100))")?.contains(
                "the sgd batch size 100 exceeds the 60 samples") == true)
        #expect(
            h.error("train(net, data, gd(lr=0.1), checkpoints=[1.5])")?.contains("must be a list of integers") == true)
        #expect(h.error("train(net, data, gd(lr=0.1), pattern=true)")?.contains("did you mean 'patterns'?") == true)
        #expect(h.error("train(mlp([3, 4, 3]), data, gd(lr=0.1))") != nil)
    }
}
