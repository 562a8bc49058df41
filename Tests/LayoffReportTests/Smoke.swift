import Testing

@Test func LayoffReportTestsBuilds() { #expect(Bool(true)) }
