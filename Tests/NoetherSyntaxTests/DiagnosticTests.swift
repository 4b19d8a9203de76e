import Testing
@testable import NoetherSyntax

@Suite struct DiagnosticTests {
    @Test func rendersFileLineColumnSnippetAndCaret() {
        let source = SourceFile(name: "drift.noe", text: "x = 1\nrun = train(net, data, opt, step=2000)\n")
        let offset = Array(source.text.utf8).count - "step=2000)\n".utf8.count
        let d = Diagnostic(
            .runtime, "unknown argument 'step' in call to 'train'", at: SourceRange(offset, offset + 4),
            hint: "did you mean 'steps'?")
        #expect(
            DiagnosticRenderer.render(d, in: source) == """
                drift.noe:2:29: error: unknown argument 'step' in call to 'train'
                  |
                2 | run = train(net, data, opt, step=2000)
                  |                             ^~~~ did you mean 'steps'?
                """)
    }

    @Test func rendersWithoutPosition() {
        let d = Diagnostic(.runtime, "something failed", notes: ["try again"])
        #expect(DiagnosticRenderer.render(d, in: nil) == "error: something failed\n  note: try again")
    }

    @Test func suggestionsUseEditDistanceWithACutoff() {
        #expect(Suggestions.closest(to: "trian", in: ["train", "gd", "mlp"]) == "train")
        #expect(Suggestions.closest(to: "step", in: ["steps", "loss"]) == "steps")
        #expect(Suggestions.closest(to: "zzzz", in: ["train", "loss"]) == nil)
        #expect(Suggestions.closest(to: "dta", in: ["data", "net"]) == "data")
        #expect(Suggestions.editDistance(Array("abc"), Array("acb")) == 1)
    }
}
