import Testing

@Test func StatKitTestsBuilds() { #expect(Bool(true)) }
