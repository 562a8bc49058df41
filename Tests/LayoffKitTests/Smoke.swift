import Testing

@Test func LayoffKitTestsBuilds() { #expect(Bool(true)) }
