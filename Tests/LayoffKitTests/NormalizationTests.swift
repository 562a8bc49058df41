import Testing
@testable import LayoffKit

@Suite struct NormalizationTests {
    @Test(arguments: [
        ("Acme Inc.", "acme"),
        ("ACME, Inc", "acme"),
        ("  Acme   Corporation ", "acme"),
        ("Acme Corp.", "acme"),
        ("Acme Holdings Ltd", "acme"),
        ("Acme Co.", "acme"),
        ("Acme LLC", "acme"),
        ("Acme plc", "acme"),
        ("The Walt Disney Company", "walt disney"),
        ("Booking Holdings Inc.", "booking"),
        ("Goldman Sachs Group", "goldman sachs"),
        ("Salesforce.com", "salesforce"),
        ("Booking.com", "booking"),
        ("Macy's", "macys"),
        ("Lowe’s", "lowes"),
        ("U.S. Bancorp", "us bancorp"),
        ("AT&T", "at and t"),
        ("Procter & Gamble", "procter and gamble"),
        ("Coca-Cola", "coca cola"),
        ("Take-Two Interactive", "take two interactive"),
        ("Zoë  Tech", "zoë tech"),
        ("The Company", "company"), // a word always remains
        ("Inc", "inc"),
        ("Meta Platforms", "meta platforms"), // product words are kept
    ])
    func normalize(_ input: String, _ expected: String) {
        #expect(CompanyNames.normalize(input) == expected)
    }

    @Test func builtInAliases() {
        let n = CompanyNames()
        #expect(n.key("Google") == "alphabet")
        #expect(n.key("Alphabet Inc.") == "alphabet")
        #expect(n.key("Meta") == "meta platforms")
        #expect(n.key("Facebook") == "meta platforms")
        #expect(n.key("Meta Platforms, Inc.") == "meta platforms")
        #expect(n.key("AWS") == "amazon")
        #expect(n.key("Amazon Web Services") == "amazon")
        #expect(n.key("Amazon.com") == "amazon")
        #expect(n.key("Salesforce.com") == "salesforce")
        #expect(n.key("Twitter") == "x")
        #expect(n.key("Cisco") == "cisco systems")
        #expect(n.key("Dell") == "dell technologies")
        #expect(n.key("Uber") == "uber technologies")
        #expect(n.key("Uber Freight") == "uber freight") // a subsidiary is not its parent
        #expect(n.key("Microsoft Corporation") == "microsoft")
    }

    @Test func aliasesFromCSVExtendTheBuiltInTable() throws {
        var n = CompanyNames()
        try n.addAliases(csvFile: IngestPaths.fixture("aliases.csv"))
        #expect(n.key("Globex Intl") == "globex")
        #expect(n.key("Globex International Inc") == "globex international")
        #expect(n.key("Hooli, XYZ") == "hooli")
        #expect(n.key("Google") == "alphabet")
        // A file entry replaces a built-in one.
        try n.addAliases(csvBytes: Array("alias,company\nTwitter,Twitter\n".utf8), name: "a.csv")
        #expect(n.key("Twitter") == "twitter")
        // Replacing the built-in table.
        let bare = CompanyNames(aliases: [])
        #expect(bare.key("Google") == "google")
    }

    @Test func aliasFileErrors() {
        var n = CompanyNames()
        #expect(throws: IngestError.missingColumns(file: "a.csv", missing: [(header: "company", canonical: "company")], available: ["alias", "name"])) {
            try n.addAliases(csvBytes: Array("alias,name\nA,B\n".utf8), name: "a.csv")
        }
        do {
            try n.addAliases(csvBytes: Array("alias,company\nA,B\n--,X\nC\n".utf8), name: "a.csv")
            Issue.record("expected an error")
        } catch {
            #expect(error.description == """
                a.csv: 2 problems; nothing was loaded (skip invalid rows to load the rest):
                  a.csv:3:1 (alias): "--" is empty after normalisation; expected a company name
                  a.csv:4: record has 1 fields; expected 2 as in the header
                """)
        }
        #expect(n.key("A") == "a") // nothing of the failed file was added
    }
}

@Suite struct NormalizationFastPathTests {
    /// The byte path for ASCII names gives exactly what the `Character` path gives.
    @Test func asciiPathMatchesUnicodePath() {
        var rng = SeededTestRNG(seed: 12345)
        let pieces = ["the", "The", "Inc", "inc.", "Co", "company", "Group", "holdings", ".com", ".COM", "&", "'", ".",
                      " ", "  ", "\t", "\r\n", "\n", "\u{0B}", "\u{0C}", "\u{1F}", "-", ",", "(", ")", "/", "A", "z",
                      "Acme", "0", "42", "x", "_", "@", "~", "\u{7F}", "\u{01}"]
        for _ in 0..<20_000 {
            let n = Int(rng.next() % 7)
            let name = (0..<n).map { _ in pieces[Int(rng.next() % UInt64(pieces.count))] }.joined()
            #expect(CompanyNames.normalizeASCII(name) == CompanyNames.normalizeUnicode(name), "\(name.debugDescription)")
        }
        for c in 0..<128 {
            let name = "A" + String(UnicodeScalar(UInt8(c))) + "b"
            #expect(CompanyNames.normalizeASCII(name) == CompanyNames.normalizeUnicode(name), "\(name.debugDescription)")
        }
        #expect(CompanyNames.normalizeASCII("Café") == nil)
    }
}

/// SplitMix64, for reproducible test inputs.
private struct SeededTestRNG {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
