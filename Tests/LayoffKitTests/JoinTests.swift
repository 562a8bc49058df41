import Testing
@testable import LayoffKit

private func events(_ text: String) throws -> EventTable {
    try EventLoader.load(bytes: Array(text.utf8), name: "e.csv").events
}

private func fundamentals(_ text: String) throws -> FundamentalsTable {
    try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv").fundamentals
}

@Suite struct JoinTests {
    static let eventsCSV = """
        company,date,total_laid_off,percentage_laid_off,industry,country,stage,funds_raised
        Google,1/10/2024,1000,,Consumer,United States,Post-IPO,
        Acme Inc.,3/1/2024,50,0.1,Retail,Canada,Series B,30
        Acme,6/1/2023,20,,Retail,Canada,Series B,30
        Nobody,2/2/2024,10,0.5,Food,,,
        Nobody,2/3/2024,,,Food,,,
        Meta,5/5/2024,300,0.25,Consumer,United States,Post-IPO,
        Solo,7/7/2024,,,,,,
        """

    static let fundamentalsCSV = """
        company,fiscal_year,employees,revenue,revenue_growth
        Alphabet Inc.,2023,182502,307394,
        Alphabet Inc.,2024,,350018,
        Acme Corporation,2023,400,90,
        Acme Corporation,2024,500,100,
        Meta Platforms,2023,67317,134902,
        """

    @Test func joinSameYear() throws {
        let e = try events(Self.eventsCSV)
        let f = try fundamentals(Self.fundamentalsCSV)
        let j = try FundamentalsJoin(events: e, fundamentals: f)
        // Google -> Alphabet 2024, Acme Inc. -> Acme Corporation 2024, Acme 2023; Meta has no 2024 row.
        #expect(j.row == [1, 3, 2, -1, -1, -1, -1])
        #expect(j.fiscalYear == [2024, 2024, 2023, 2024, 2024, 2024, 2024])
        #expect(j.matchedCount == 3)
        #expect(j.unmatchedCount == 4)
        #expect(j.unmatchedCompanies.map(\.company) == ["Nobody", "Meta", "Solo"])
        #expect(j.unmatchedCompanies.map(\.events) == [2, 1, 1])
        // Workforce: employees where matched and known, else cut ÷ fraction, else unknown
        // (Alphabet 2024 has no employee count and the Google event no fraction).
        #expect(j.workforce.source == [.unknown, .fundamentals, .fundamentals, .implied, .unknown, .implied, .unknown])
        #expect(j.workforce.values == NumericColumn([nil, 500, 400, 20, nil, 1200, nil]))
    }

    @Test func joinWithLagOne() throws {
        let e = try events(Self.eventsCSV)
        let f = try fundamentals(Self.fundamentalsCSV)
        let j = try FundamentalsJoin(events: e, fundamentals: f, options: .init(lag: 1))
        // Google 2024 -> Alphabet 2023; Acme 2024 -> 2023; Acme 2023 -> 2022 (absent); Meta 2024 -> 2023.
        #expect(j.row == [0, 2, -1, -1, -1, 4, -1])
        #expect(j.fiscalYear == [2023, 2023, 2022, 2023, 2023, 2023, 2023])
        #expect(j.matchedCount == 3)
        #expect(j.workforce.source == [.fundamentals, .fundamentals, .unknown, .implied, .unknown, .fundamentals, .unknown])
        #expect(j.workforce.values == NumericColumn([182502, 400, nil, 20, nil, 67317, nil]))
        #expect(j.unmatchedCompanies.map(\.company) == ["Nobody", "Acme", "Solo"])
    }

    @Test func matchedRowWithoutEmployeesFallsBackToImplied() throws {
        let e = try events("company,date,total_laid_off,percentage_laid_off\nGoogle,1/1/2024,100,0.25\n")
        let f = try fundamentals(Self.fundamentalsCSV)
        let j = try FundamentalsJoin(events: e, fundamentals: f)
        #expect(j.row == [1])
        #expect(j.workforce.source == [.implied])
        #expect(j.workforce.values == NumericColumn([400]))
    }

    @Test func ambiguousFundamentalsUseTheFirstRow() throws {
        let f = try fundamentals("company,fiscal_year,employees\nAcme Inc,2024,1\nAcme Corp,2024,2\n")
        let e = try events("company,date\nAcme,1/1/2024\n")
        let j = try FundamentalsJoin(events: e, fundamentals: f)
        #expect(j.row == [0])
        #expect(j.ambiguousFundamentalsLines == [3])
    }

    @Test func regressionTable() throws {
        let e = try events(Self.eventsCSV)
        let f = try fundamentals(Self.fundamentalsCSV)
        let j = try FundamentalsJoin(events: e, fundamentals: f, options: .init(lag: 1))
        let t = try j.regressionTable(events: e, fundamentals: f)
        #expect(t.names == ["company", "industry", "country", "stage", "total_laid_off", "percentage_laid_off",
                            "funds_raised", "employees", "revenue", "revenue_growth", "workforce", "year"])
        #expect(t.rowCount == 7)
        #expect(t.column(named: "company") == .text(TextColumn(["Google", "Acme Inc.", "Acme", "Nobody", "Nobody", "Meta", "Solo"])))
        #expect(t.column(named: "country") == .text(TextColumn(["United States", "Canada", "Canada", nil, nil, "United States", nil])))
        #expect(t.column(named: "total_laid_off") == .numeric(NumericColumn([1000, 50, 20, 10, nil, 300, nil])))
        #expect(t.column(named: "employees") == .numeric(NumericColumn([182502, 400, nil, nil, nil, 67317, nil])))
        #expect(t.column(named: "revenue") == .numeric(NumericColumn([307394, 90, nil, nil, nil, 134902, nil])))
        #expect(t.column(named: "revenue_growth") == .numeric(NumericColumn([nil, nil, nil, nil, nil, nil, nil])))
        #expect(t.column(named: "workforce") == .numeric(j.workforce.values))
        #expect(t.column(named: "year") == .numeric(NumericColumn([2024, 2024, 2023, 2024, 2024, 2024, 2024])))
        #expect(t.names == FundamentalsJoin.regressionColumnNames)
        // A subset keeps the table's order and the same values.
        let sub = try j.regressionTable(events: e, fundamentals: f, columns: ["year", "employees", "company", "nope"])
        #expect(sub.names == ["company", "employees", "year"])
        for name in sub.names { #expect(sub.column(named: name) == t.column(named: name)) }
        // Tables that are not the ones joined are refused, not read out of bounds.
        let other = try events("company,date\nA,1/1/2024\n")
        #expect(throws: DataTableError.self) { try j.regressionTable(events: other, fundamentals: f) }
    }

    @Test(.enabled(if: IngestPaths.exists(IngestPaths.layoffs) && IngestPaths.exists(IngestPaths.fortune)))
    func layoffsFyiJoinedToFortune1000() throws {
        let e = try EventLoader.load(path: IngestPaths.layoffs).events
        let f = try FundamentalsLoader.load(path: IngestPaths.fortune, options: .init(
            columnMapping: ["company": "Company", "employees": "Number_of_employees", "revenue": "Revenues_M",
                            "revenue_growth": "RevenuePercentChange"],
            fiscalYear: 2022)).fundamentals
        #expect(f.count == 1000)
        // Fortune 2023 holds fiscal 2022: events of 2023 with lag 1.
        let j = try FundamentalsJoin(events: e, fundamentals: f, options: .init(lag: 1))
        let matchedCompanies = Set((0..<e.count).filter { j.row[$0] >= 0 }.compactMap { e.company[$0] })
        for c in ["Amazon", "Meta", "Google", "Microsoft", "Salesforce", "Cisco", "Intel", "Dell"] {
            #expect(matchedCompanies.contains(c), "\(c)")
        }
        #expect(j.matchedCount > 50)
        #expect(j.matchedCount + j.unmatchedCount == e.count)
        #expect(j.workforce.source.filter { $0 == .fundamentals }.count == j.matchedCount)
        let t = try j.regressionTable(events: e, fundamentals: f)
        #expect(t.rowCount == e.count)
    }

    /// The unmatched companies' order (events, most first, then name) against sorting the
    /// `String`s: names over and under 16 bytes, non-ASCII ones, prefixes of each other.
    @Test func unmatchedOrderIsStringOrder() {
        var g = SeededGenerator(seed: 17)
        let stems = ["Acme", "acme", "Acme Corp", "Acme Corporation International", "Zeta", "Caf\u{E9}", "Cafe\u{301} Two",
                     "\u{212A}elvin", "Kelvin", "", "a", "ab", "abc", "Ab", "B2B", "b2b labs", "0day", "~tilde", "Zo\u{EB}"]
        let companies = (0..<3_000).map { i in
            (company: stems[Int.random(in: 0..<stems.count, using: &g)] + (i % 3 == 0 ? "" : " \(Int.random(in: 0..<40, using: &g))"),
             events: Int.random(in: 1...4, using: &g))
        }
        let got = FundamentalsJoin.byEventsThenName(companies)
        let want = companies.enumerated().sorted { a, b in
            a.element.events != b.element.events ? a.element.events > b.element.events
                : a.element.company != b.element.company ? a.element.company < b.element.company : a.offset < b.offset
        }.map(\.element)
        #expect(got.map(\.events) == want.map(\.events))
        #expect(zip(got, want).allSatisfy { $0.company == $1.company })
    }

    /// The first k unmatched companies found by the heap against the first k of the full
    /// sort, for k below, at and above the count, with many ties in events and in names
    /// (canonically equal spellings among them).
    @Test func firstUnmatchedAreThoseOfTheFullSort() {
        var g = SeededGenerator(seed: 23)
        let stems = ["Acme", "acme", "Acme Corporation International", "Caf\u{E9}", "Cafe\u{301}", "Zeta", "", "b2b", "B2B"]
        for trial in 0..<40 {
            let count = Int.random(in: 0...300, using: &g)
            let companies = (0..<count).map { _ in
                (company: stems[Int.random(in: 0..<stems.count, using: &g)] + (Bool.random(using: &g) ? "" : " \(Int.random(in: 0..<9, using: &g))"),
                 events: trial % 2 == 0 ? Int.random(in: 1...3, using: &g) : Int.random(in: 1...200, using: &g))
            }
            let full = FundamentalsJoin.byEventsThenName(companies)
            for k in [0, 1, 5, 100, count, count + 3] {
                let first = FundamentalsJoin.firstByEventsThenName(k, count: count, events: { companies[$0].events },
                                                                   name: { companies[$0].company })
                let got = FundamentalsJoin.byEventsThenName(first.map { companies[$0] })
                let want = full.prefix(k)
                #expect(got.count == want.count, "trial \(trial), k \(k)")
                #expect(zip(got, want).allSatisfy { $0.company == $1.company && $0.events == $1.events }, "trial \(trial), k \(k)")
            }
        }
    }

    @Test func unmatchedTopAndCounts() throws {
        let j = try FundamentalsJoin(events: events(Self.eventsCSV), fundamentals: fundamentals(Self.fundamentalsCSV))
        #expect(j.unmatchedCompanyCount == 3)
        #expect(j.unmatchedEventCount == 4)
        #expect(j.unmatchedCompanies(top: 2).map(\.company) == ["Nobody", "Meta"])
        #expect(j.unmatchedCompanies(top: 10).map(\.company) == ["Nobody", "Meta", "Solo"])
        #expect(j.unmatchedCompanies(top: 0).isEmpty)
    }
}
