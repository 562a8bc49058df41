import Foundation
import Testing
@testable import LayoffKit

@Suite struct IngestFundamentalsTests {
    @Test func loadAndDeriveGrowth() throws {
        let r = try FundamentalsLoader.load(path: IngestPaths.fixture("fundamentals.csv"))
        let t = r.fundamentals
        #expect(r.rowsRead == 6)
        #expect(t.count == 6)
        #expect(t.company == ["Acme Corporation", "Acme Corporation", "Acme Corporation", "Globex Inc.", "Globex Inc.", "Alphabet"])
        #expect(t.fiscalYear == [2022, 2023, 2024, 2023, 2024, 2023])
        #expect(t.employees == NumericColumn([100000, 90000, 80000, 2500, 2400, 182502]))
        #expect(t.revenue == NumericColumn([500, 550, 1100, 200, 150, nil]))
        #expect(t.line == [2, 3, 4, 5, 6, 7])
        // 2022: no previous year -> missing. 2023: 550/500 - 1 = 10 %. 2024: given 5.5, kept.
        // Globex 2024: 150/200 - 1 = -25 %. Alphabet: no revenue -> missing.
        #expect(t.revenueGrowth[0] == nil)
        #expect(abs(t.revenueGrowth[1]! - 10) < 1e-12)
        #expect(t.revenueGrowth[2] == 5.5)
        #expect(t.revenueGrowth[3] == nil)
        #expect(t.revenueGrowth[4] == -25)
        #expect(t.revenueGrowth[5] == nil)
        #expect(t.growthDerived == [false, true, false, false, true, false])
        #expect(r.derivedGrowthCount == 2)
    }

    @Test func derivationNeedsTheImmediatelyPreviousYear() throws {
        let text = "company,fiscal_year,revenue,revenue_growth\nA,2020,100,\nA,2022,150,\nB,2021,0,\nB,2022,10,\n"
        let r = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv")
        #expect(r.fundamentals.revenueGrowth == NumericColumn([nil, nil, nil, nil]))
        #expect(r.derivedGrowthCount == 0)
    }

    @Test func everyProblemWithExactText() {
        let file = IngestPaths.fixture("fundamentals-problems.csv")
        do {
            _ = try FundamentalsLoader.load(path: file)
            Issue.record("expected the load to fail")
        } catch {
            guard case .invalidData(_, let p) = error else { Issue.record("\(error)"); return }
            #expect(p.map { $0.description.replacingOccurrences(of: file, with: "F") } == [
                "F:2:3 (employees): \"-5\" is negative; expected a whole number of employees ≥ 0",
                "F:3:2 (fiscal_year): \"20x3\" is not a fiscal year; expected a year such as 2023",
                "F:4:3 (employees): \"10.5\" is not a whole number; expected a whole number of employees ≥ 0",
                "F:4:4 (revenue): \"abc\" is not a number; expected a number such as 611289 or 611,289",
                "F:6:2 (fiscal_year): \"2023\" repeats Globex's fiscal year 2023 of line 5; expected one row per company and fiscal year",
                "F:7:1 (company): \"\" is missing; expected a company name",
            ])
        }
    }

    @Test func skipInvalid() throws {
        let r = try FundamentalsLoader.load(path: IngestPaths.fixture("fundamentals-problems.csv"), options: .init(skipInvalid: true))
        #expect(r.fundamentals.line == [5])
        #expect(r.excludedByReason == ["negative employees": 1, "invalid fiscal year": 1, "non-integer employees": 1,
                                       "duplicate company-year": 1, "missing company": 1])
        #expect(r.problems.count == 6)
    }

    @Test func fixedFiscalYearAndMapping() throws {
        let text = "Company,Number_of_employees,Revenues_M,RevenuePercentChange,Sector\nA,10,\"1,000\",2.5,Tech\nB,20,30,,Retail\n"
        let options = FundamentalsLoadOptions(
            columnMapping: ["company": "Company", "employees": "Number_of_employees", "revenue": "Revenues_M",
                            "revenue_growth": "RevenuePercentChange"],
            fiscalYear: 2022)
        let r = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv", options: options)
        #expect(r.fundamentals.fiscalYear == [2022, 2022])
        #expect(r.fundamentals.revenue == NumericColumn([1000, 30]))
        #expect(r.fundamentals.revenueGrowth == NumericColumn([2.5, nil]))
        // Without a fiscal year column or option, the year is required.
        #expect(throws: IngestError.missingColumns(file: "f.csv", missing: [(header: "fiscal_year", canonical: "fiscal_year")],
                                                    available: ["Company", "Number_of_employees", "Revenues_M", "RevenuePercentChange", "Sector"])) {
            try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv",
                                        options: .init(columnMapping: options.columnMapping))
        }
    }

    /// Headers match whatever their case, surrounding spaces and word separators; a file
    /// with none of employees, revenue and revenue growth is refused (it could be joined to
    /// nothing), its message naming a mapping that would read it.
    @Test func headersMatchLooselyAndValueColumnsAreNeeded() throws {
        let text = " COMPANY ,Fiscal Year,employees\nA,2022,10\n"
        let r = try FundamentalsLoader.load(bytes: Array(text.utf8), name: "f.csv")
        #expect(r.fundamentals.company == ["A"] && r.fundamentals.fiscalYear == [2022] && r.fundamentals.employees == NumericColumn([10]))
        let other = "Company,Number_of_employees,Revenues_M\nA,10,5\n"
        let e = IngestError.missingAnyOf(file: "f.csv", columns: ["employees", "revenue", "revenue_growth"],
                                         available: ["Company", "Number_of_employees", "Revenues_M"])
        #expect(throws: e) { try FundamentalsLoader.load(bytes: Array(other.utf8), name: "f.csv", options: .init(fiscalYear: 2022)) }
        #expect(e.description == "f.csv:1: no column 'employees', 'revenue' or 'revenue_growth' (one is needed); the columns are: "
            + "Company, Number_of_employees, Revenues_M; name the file's columns with a column mapping (e.g. employees=Number_of_employees)")
        let noYear = IngestError.missingColumns(file: "f.csv", missing: [(header: "fiscal_year", canonical: "fiscal_year")],
                                                available: ["Company", "Number_of_employees", "Revenues_M"])
        #expect(noYear.describe(mappingOption: "--map-fundamentals", yearOption: "--fundamentals-year")
            == "f.csv:1: no column 'fiscal_year' (required); the columns are: Company, Number_of_employees, Revenues_M; give every "
            + "row's fiscal year with --fundamentals-year (e.g. --fundamentals-year 2022) and name the file's columns with "
            + "--map-fundamentals (e.g. --map-fundamentals employees=Number_of_employees)")
    }

    /// The Fortune 1000 list read with a mapping and a year.
    @Test func fortuneListMapped() throws {
        let path = IngestPaths.fortune
        guard FileManager.default.fileExists(atPath: path) else { return }
        let options = FundamentalsLoadOptions(columnMapping: ["employees": "Number_of_employees", "revenue": "Revenues_M",
                                                              "revenue_growth": "RevenuePercentChange"], fiscalYear: 2022)
        let r = try FundamentalsLoader.load(path: path, options: options)
        #expect(r.fundamentals.count == 1_000 && r.problems.isEmpty)
        #expect(r.fundamentals.company[0] == "Walmart" && r.fundamentals.employees[0] == 2_100_000)
        #expect(throws: (any Error).self) { try FundamentalsLoader.load(path: path) }
    }
}
