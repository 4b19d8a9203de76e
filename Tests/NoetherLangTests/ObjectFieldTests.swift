import NoetherSyntax
import Testing
@testable import NoetherLang

/// Every object type's fields are one table (`FieldTable`): what `help TYPE` and the
/// reference document, what `x.name` answers and what JSON carries must agree in every
/// direction. One value of every documented type is built through the language.
@Suite struct ObjectFieldTests {
    /// Types whose fields are not a fixed table, and why.
    static let exempt: Set<String> = [
        "table",  // its fields are its columns
        "plot",  // its JSON is the drawing's data (series with x and y, axes), not its fields
    ]

    static let samples = """
        toy = gaussian_mixture(n=20, d=3, classes=2, seed=1)
        small = mlp([3, 4, 2], seed=2)
        run = train(small, toy, gd(lr=0.1), loss=cross_entropy, steps=40, checkpoints=[10, 20], sharpness_every=10)
        t = table(lr=[0.001, 0.01, 0.1, 0.001, 0.01, 0.1], drift=[1, 3, 9, 2, 6, 18], seed=[0, 0, 0, 1, 1, 1])
        p = crossover([4, 1], [0.5, 0.5], [0.01, 0.1])
        H = hessian(small, toy, loss=cross_entropy)
        values = [toy, small, run, gd(lr=0.1), relu, mse, powerlaw(t), p, compare(p, [100, 20]),
                  coefficients(small, toy, mse), ck_compare([3, 2, 1], [1, 2, 3]), compression(run, toy), tau(run, toy),
                  fit_linear([1, 2, 3], [1, 2, 4]), fit_exp([0, 1, 2], [3, 2, 1]), regime(run),
                  switch_exponent([1, 2, 4], [1, 0.5, 0.25]), H, eigs(H, vectors=true),
                  lanczos(small, toy, k=2, vectors=true, tol=1e-6), density(small, toy, probes=2, steps=8),
                  trace(small, toy, probes=3), ce_bound(small, toy)]
        """

    static func objects() throws -> [any NoetherObject] {
        let interpreter = Interpreter(output: { _ in })
        guard case .list(let values) = try interpreter.run(samples + "\nvalues", name: "fields.noe") else {
            Issue.record("no list")
            return []
        }
        return values.compactMap {
            if case .object(let o) = $0 { return o }
            Issue.record("\($0.typeName) is not an object")
            return nil
        }
    }

    @Test func everyDocumentedTypeHasASample() throws {
        let sampled = Set(try Self.objects().map { type(of: $0).typeName })
        let documented = Set(BuiltinRegistry.standard.typeDocs.keys)
        #expect(
            documented.subtracting(sampled).subtracting(Self.exempt).isEmpty,
            "no sample of \(documented.subtracting(sampled))")
    }

    /// documented ↔ answered ↔ help text ↔ JSON, in every direction.
    @Test func documentedAnsweredPrintedAndJSONAgree() throws {
        let registry = BuiltinRegistry.standard
        for o in try Self.objects() {
            let type = Swift.type(of: o)
            let name = type.typeName
            let documented = type.fieldDocs.map(\.name)
            #expect(Set(documented).count == documented.count, "\(name) documents a field twice")
            // Documented → answered, and answered (the names offered) → documented.
            #expect(o.fieldNames == documented, "\(name)")
            for f in documented { #expect(o.field(f) != nil, "\(name).\(f) is documented but does not answer") }
            #expect(o.field("no_such_field") == nil)
            // What help TYPE prints lists exactly the documented fields.
            let help = registry.typeDocs[name] ?? ""
            let printed = help.components(separatedBy: "Fields:\n").last?.split(separator: "\n").map {
                String($0.dropFirst(2).prefix { $0 != " " })
            }
            #expect(printed == documented, "help \(name)")
            #expect(registry.typeFields[name]?.map(\.name) == documented, "\(name)")
            // JSON: `type` and every field the table puts in JSON, nothing else.
            guard let table = o as? any FieldTable else {
                Issue.record("\(name) has no field table")
                continue
            }
            let inJSON = Swift.type(of: table).jsonFieldNames
            let left = Set(documented).subtracting(inJSON)
            for f in left {
                // A field JSON leaves out is a method or says so in its help line.
                let isMethod: Bool = if case .function? = o.field(f) { true } else { false }
                let says = type.fieldDocs.first { $0.name == f }?.help.hasSuffix("not in JSON)") == true
                #expect(isMethod || says, "\(name).\(f) is left out of JSON without saying so")
            }
            for f in inJSON {
                if case .function? = o.field(f) { Issue.record("\(name).\(f) is a method but JSON carries it") }
            }
            if name == "activation" || name == "loss" {
                // A name inside a network's or a run's JSON.
                if case .string(let s)? = o.field("name") { #expect(o.json == .string(s), "\(name)") }
                continue
            }
            guard case .object(let pairs) = o.json else {
                Issue.record("\(name)'s JSON is not an object")
                continue
            }
            #expect(pairs.map(\.0) == ["type"] + inJSON, "\(name) JSON keys")
            #expect(pairs.first.map { $0.1 == .string(name) } == true)
            #expect(Set(inJSON).isSubset(of: documented))
        }
    }

    /// Documented is answered even when a probe was off (the field is `nothing`, not missing).
    @Test func fieldsAnswerWithProbesOff() throws {
        let interpreter = Interpreter(output: { _ in })
        let v = try interpreter.run(
            "train(mlp([2, 3, 2], seed=1), gaussian_mixture(n=8, d=2, classes=2, seed=1), gd(lr=0.1), steps=2)",
            name: "off.noe")
        guard case .object(let run) = v else { return }
        for f in RunObject.fieldDocs { #expect(run.field(f.name) != nil, "run.\(f.name)") }
        guard case .object(let pairs) = run.json else { return }
        #expect(pairs.map(\.0) == ["type"] + RunObject.jsonFieldNames)
    }
}
