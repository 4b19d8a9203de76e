import Testing

@testable import NoetherLang

/// `wrapText`: help and lesson prose at the terminal's width.
@Suite struct TextWrapTests {
    @Test func wrapsAtSpacesUnderTheSecondColumn() {
        let line = "  train   Trains a network on a dataset with an optimizer and records the ledger."
        #expect(
            wrapText(line, width: 40) == """
                  train   Trains a network on a dataset
                          with an optimizer and records
                          the ledger.
                """)
    }

    @Test func proseContinuesUnderItsIndentation() {
        #expect(wrapText("    one two three four five six", width: 20) == "    one two three\n    four five six")
        #expect(wrapText("short\n\nlines stay", width: 20) == "short\n\nlines stay")
    }

    @Test func aWordLongerThanTheLineStaysWhole() {
        let long = String(repeating: "x", count: 30)
        #expect(wrapText("a \(long) b", width: 20) == "a\n\(long)\nb")
    }

    @Test func everyLineFitsAndNoWordIsCut() {
        let text = BuiltinRegistry.standard.overview
        for width in [24, 40, 61, 80, 133] {
            let wrapped = wrapText(text, width: width)
            let words = { (s: String) in s.split(whereSeparator: { $0 == " " || $0 == "\n" }) }
            #expect(words(wrapped) == words(text), "width \(width)")
            for line in wrapped.split(separator: "\n") where line.count > width {
                // Only a single word too long for the line may exceed it.
                #expect(!line.trimmingPrefix(while: { $0 == " " }).contains(" "), "width \(width): \(line)")
            }
        }
    }
}
