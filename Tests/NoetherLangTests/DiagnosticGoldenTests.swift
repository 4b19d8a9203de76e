import NoetherSyntax
import Testing
@testable import NoetherLang

/// Every error kind the language reports, rendered exactly as the user sees it.
@Suite struct DiagnosticGoldenTests {
    static let setup = """
        data = gaussian_mixture(n=40, d=4, classes=2, seed=1)
        net = mlp([4, 8, 2], seed=1)
        opt = gd(lr=0.01)
        """

    static let cases: [(name: String, source: String)] = [
        ("unknown-function", "run = trian(net, data, opt)"),
        ("unknown-name", "run = train(net, dta, opt)"),
        ("unknown-argument", "run = train(net, data, opt, step=2000)"),
        ("missing-argument", "run = train(net, data)"),
        ("wrong-type", "run = train(net, data, opt, steps=\"many\")"),
        ("not-an-integer", "d = gaussian_mixture(n=10.5)"),
        ("too-many-arguments", "o = gd(0.1, 0.2, 0.3)"),
        ("duplicate-argument", "o = gd(0.1, lr=0.2)"),
        ("domain-error", "o = gd(lr=-1)"),
        ("shape-mismatch", "run = train(mlp([3, 8, 2]), data, opt)"),
        ("unknown-field", "run = train(net, data, opt, steps=1)\nrun.drfit"),
        ("no-fields", "x = 3\nx.y"),
        ("syntax-unclosed", "run = train(net, data,\n  opt"),
        ("syntax-unexpected", "x = 1 2"),
        ("syntax-string", "s = \"abc"),
        ("builtin-reassign", "train = 3"),
        ("not-callable", "x = 3\nx(1)"),
        ("index-range", "xs = [1, 2]\nxs[5]"),
        ("operator-types", "x = \"a\" - 1"),
        ("unknown-field-listing", "r = train(net, data, opt, loss=mse, steps=1)\nr.nope"),
        // Sweeps, tables, math and blocks.
        ("sweep-no-axis", "t = sweep() { 1 }"),
        ("sweep-no-block", "t = sweep(lr=[0.1, 0.01])"),
        ("sweep-too-many-points", "t = sweep(a=range(5000), b=range(5000)) { a }"),
        ("table-unknown-column", "t = table(lr=[1], drift=[2])\nt.drfit"),
        ("table-column-lengths", "t = table(lr=[1, 2], drift=[2])"),
        ("table-extra-type", "t = table(lr=3)"),
        ("where-unknown-column", "t = table(lr=[1])\nwhere(t, lrr=1)"),
        ("group-unknown-column", "g = group(table(lr=[1]), by=\"lrr\")"),
        ("export-extension", "export(table(a=[1]), \"t.txt\")"),
        ("logspace-exponents", "lrs = logspace(-4, 0, 10)"),
        ("range-too-long", "xs = range(1e12)"),
        ("elementwise-length", "x = [1, 2] + [1, 2, 3]"),
        ("if-list-condition", "if [1, 2] > 1 { 1 }"),
        ("recursion-depth", "fn f(n) { f(n + 1) }\nf(0)"),
        ("value-nesting", "x = []\nfor i in range(200) { x = [x] }"),
        ("nesting-too-deep", String(repeating: "(", count: 300) + "1" + String(repeating: ")", count: 300)),
        ("user-unknown-argument", "fn f(alpha) { alpha }\nf(alhpa=1)"),
        ("help-unknown", "help trian"),
        ("explain-unknown", "explain drfit"),
        ("command-unavailable", "save \"x.noe\""),
        ("and-not-boolean", "x = 1 and true"),
    ]

    @Test(arguments: cases.map(\.name))
    func rendersAsRecorded(name: String) {
        let source = Self.cases.first { $0.name == name }!.source
        let h = Harness()
        _ = try? h.run(Self.setup, name: "setup.noe")
        let rendered = h.error(source, name: "\(name).noe") ?? "(no error)"
        assertGolden(rendered, named: name)
    }
}
