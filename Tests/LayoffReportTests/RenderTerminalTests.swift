import Testing
@testable import LayoffReport

@Suite struct TerminalTests {
    @Test func colourDecision() {
        #expect(TerminalStyle.decide(isTerminal: true, noColor: nil).isEnabled)
        #expect(TerminalStyle.decide(isTerminal: true, noColor: "").isEnabled)
        #expect(!TerminalStyle.decide(isTerminal: true, noColor: "1").isEnabled)
        #expect(!TerminalStyle.decide(isTerminal: false, noColor: nil).isEnabled)
    }

    @Test func styling() {
        #expect(TerminalStyle.ansi.bold("x") == "\u{1B}[1mx\u{1B}[0m")
        #expect(TerminalStyle.ansi.color(.red, "x") == "\u{1B}[31mx\u{1B}[0m")
        #expect(TerminalStyle.plain.bold("x") == "x")
        #expect(TerminalStyle.ansi.signed("+1%", value: 0.01) == "\u{1B}[32m+1%\u{1B}[0m")
        #expect(TerminalStyle.ansi.signed("0%", value: 0) == "0%")
    }

    @Test func sparkline() {
        #expect(TextGraphics.sparkline([0, 1, 2, 3, 4, 5, 6, 7]) == "▁▂▃▄▅▆▇█")
        #expect(TextGraphics.sparkline([1, nil, 3, .nan]) == "▁ █ ")
        #expect(TextGraphics.sparkline([5, 5]) == "▄▄")
        #expect(TextGraphics.sparkline([nil, nil]) == "  ")
        #expect(TextGraphics.sparkline([]) == "")
        #expect(TextGraphics.sparkline([7, 14], minimum: 0) == "▅█")
    }

    @Test func bars() {
        #expect(TextGraphics.bar(10, maximum: 10, width: 4) == "████")
        #expect(TextGraphics.bar(5, maximum: 10, width: 3) == "█▌")
        #expect(TextGraphics.bar(0.0001, maximum: 10, width: 3) == "▏")
        #expect(TextGraphics.bar(0, maximum: 10, width: 3) == "")
        #expect(TextGraphics.bar(nil, maximum: 10, width: 3) == "")
        let text = TextGraphics.bars(labels: ["Jan 2024", "Feb"], values: [12400, nil], width: 10)
        #expect(text == "Jan 2024  12,400 ██████████\nFeb          n/a\n")
    }
}
