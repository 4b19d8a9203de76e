import NoetherEngine
import Testing

/// Network files (round trip, damage) and the long-format run export.
@Suite("Network files and run export")
struct SerializationTests {
    static func bitPatterns(_ p: Parameters) -> [UInt64] { p.flattened.map(\.bitPattern) }

    @Test("save/load round-trips bit for bit, for every activation, with and without bias")
    func roundTrip() throws {
        let dir = TrainFixture.temporaryDirectory()
        defer { TrainFixture.removeDirectory(dir) }
        let activations: [Activation] = [.relu, .linear, .interpolated(0.1), .leakyReLU(1e-2), .tanh, .gelu]
        for (i, activation) in activations.enumerated() {
            for bias in [false, true] {
                let net = try Network.mlp(
                    sizes: [5, 7, 4, 3], activation: activation, bias: bias, seed: i,
                    initialization: Initialization(scheme: .kaimingNormal, scale: 1.7))
                let path = "\(dir)/net\(i)\(bias).noe-net"
                try net.save(to: path)
                let back = try Network.load(from: path)
                #expect(back.architecture == net.architecture)
                #expect(Self.bitPatterns(back.parameters) == Self.bitPatterns(net.parameters))
            }
        }
        // Awkward values: −0, subnormals, extremes, non-finite.
        var p = try Network.mlp(sizes: [2, 3, 1], activation: .relu, bias: false, seed: 0).parameters
        p.weights[0].storage = [-0.0, .leastNonzeroMagnitude, .greatestFiniteMagnitude, -.infinity, .infinity, 0.1]
        p.weights[1].storage = [1 / 3, -2.2250738585072014e-308, .nan]
        let odd = try Network.mlp(sizes: [2, 3, 1], activation: .relu, bias: false, seed: 0).with(parameters: p)
        let text = NetworkFile.text(of: odd)
        let back = try NetworkFile.parse(text, source: "odd")
        #expect(Self.bitPatterns(back.parameters).dropLast() == Self.bitPatterns(p).dropLast())
        #expect(back.parameters.weights[1].storage[2].isNaN)
        #expect(text.hasPrefix("noether-network 1\nsizes 2 3 1\nactivation relu\nbias false\nW1 3 2\n-0.0 5e-324\n"))
    }

    @Test("wrong or damaged files are clear file errors")
    func damagedFiles() throws {
        let net = try Network.mlp(sizes: [3, 4, 2], activation: .interpolated(0.5), bias: true, seed: 1)
        let good = NetworkFile.text(of: net)
        func failure(_ text: String) -> EngineError? {
            TrainFixture.error { try NetworkFile.parse(text, source: "n.net") }
        }
        func damaged(_ problem: NetworkFileProblem) -> EngineError { .file(path: "n.net", .network(problem)) }
        func line(_ n: Int, _ problem: NetworkLineProblem) -> EngineError { damaged(.line(n, problem)) }
        #expect(failure("hello\n") == damaged(.notANetworkFile(magic: "noether-network", version: 1)))
        #expect(
            failure(good.replacing("noether-network 1", with: "noether-network 2"))
                == damaged(.otherVersion(found: "2", supported: 1)))
        // Change one digit of one weight: the checksum catches it.
        let lines = good.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        var edited = lines
        edited[5] = edited[5].replacing("1", with: "2")
        if edited[5] == lines[5] { edited[5] = edited[5].replacing("3", with: "4") }
        #expect(failure(edited.joined(separator: "\n")) == damaged(.checksumMismatch))
        var short = lines
        short[5] = String(short[5].split(separator: " ").dropLast().joined(separator: " "))
        #expect(failure(short.joined(separator: "\n")) == line(6, .numberCount(expected: 3, found: 2)))
        var word = lines
        word[6] = "0.1 zero 0.3"
        #expect(failure(word.joined(separator: "\n")) == line(7, .notANumber("zero")))
        #expect(failure(lines.prefix(8).joined(separator: "\n")) == damaged(.endsEarly))
        var shape = lines
        shape[4] = "W1 4 2"
        #expect(
            failure(shape.joined(separator: "\n"))
                == line(
                    5, .weightShape(layer: 1, rows: 4, columns: 3, sizes: [3, 4, 2], foundRows: "4", foundColumns: "2"))
        )
        var act = lines
        act[2] = "activation softplus"
        #expect(failure(act.joined(separator: "\n")) == line(3, .expectedActivation))
        #expect(failure(good + "junk\n") == line(lines.count, .textAfterEnd))
        var bias = lines
        bias[3] = "bias maybe"
        #expect(failure(bias.joined(separator: "\n")) == line(4, .expectedBias))
        var sizes = lines
        sizes[1] = "sizes 3 x 2"
        #expect(failure(sizes.joined(separator: "\n")) == line(2, .notAPositiveInteger("x")))
        sizes[1] = "sizes 3"
        #expect(failure(sizes.joined(separator: "\n")) == line(2, .expectedSizes))
        var b1 = lines
        b1[9] = "b1 5"
        #expect(failure(b1.joined(separator: "\n")) == line(10, .biasLength(layer: 1, entries: 4, found: "5")))
        b1[9] = "c1 4"
        #expect(failure(b1.joined(separator: "\n")) == line(10, .expectedKeyword("b1", values: 1, found: "c1 4")))
        var end = lines
        end[end.count - 2] = "fin"
        #expect(failure(end.joined(separator: "\n")) == line(end.count - 1, .expectedEnd))
        #expect(
            TrainFixture.error { try Network.load(from: "/nonexistent/dir/n.net") }
                == .missingFile(path: "/nonexistent/dir/n.net", .reading))
        #expect(
            TrainFixture.error { try net.save(to: "/nonexistent/dir/n.net") }
                == .missingFile(path: "/nonexistent/dir/n.net", .writing))
    }
}
