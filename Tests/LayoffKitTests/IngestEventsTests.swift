import Testing
@testable import LayoffKit

/// Paths of test fixtures and of the shared reference data, from this file's location.
enum IngestPaths {
    static let testsDir: String = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        .dropLast().joined(separator: "/")
    static func fixture(_ name: String) -> String { testsDir + "/Fixtures/" + name }
    /// Package root = 3 levels above this file; shared = root/../shared.
    static let shared: String = String(#filePath).split(separator: "/", omittingEmptySubsequences: false)
        .dropLast(3).joined(separator: "/") + "/../shared"
    static let layoffs = shared + "/datasets/layoffs-fyi-2020-2026.csv"
    static let fortune = shared + "/datasets/fortune1000-2023.csv"
    static func exists(_ path: String) -> Bool { (try? CSVReader(path: path)) != nil }
}

private func load(_ text: String, _ options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
    try EventLoader.load(bytes: Array(text.utf8), name: "e.csv", options: options)
}

private func problems(_ text: String, _ options: EventLoadOptions = .init()) -> [String] {
    do {
        _ = try load(text, options)
        return []
    } catch {
        if case .invalidData(_, let p) = error { return p.map(\.description) }
        return ["unexpected: \(error)"]
    }
}

@Suite struct IngestEventsTests {
    @Test func layoffsFyiLayout() throws {
        let r = try EventLoader.load(path: IngestPaths.fixture("events-fyi.csv"))
        let t = r.events
        #expect(r.rowsRead == 6)
        #expect(t.count == 6)
        #expect(r.problems.isEmpty)
        #expect(t.line == [2, 3, 4, 6, 7, 8])
        #expect((0..<t.count).map { t.company[$0] } == ["Acme Corp", "Globex", "Initech", "Hooli", "Acme Corp", "Umbrella"])
        #expect(t.location[2] == "Multi\nLine City")
        #expect(t.location[1] == "Austin, TX")
        #expect(t.day.map(\.description) == ["2024-01-28", "2024-02-13", "2024-03-01", "2024-04-03", "2024-01-28", "2023-12-31"])
        #expect(t.cut == NumericColumn([16000, 1200, nil, 250, 16000, nil]))
        #expect(t.fraction == NumericColumn([nil, 0.07, nil, 0.05, nil, 1.0]))
        #expect(t.fundsRaised == NumericColumn([8100, 1200, nil, nil, 8100, 27]))
        #expect(t.stage[2] == "Unknown") // kept as a category
        #expect(t.industry[2] == nil)
        #expect(t.dateAdded.map { $0?.description } == ["2024-01-28", "2024-02-14", nil, "2024-04-03", "2024-01-28", "2024-01-02"])
        #expect(t.extra.map(\.name) == ["notes"])
        #expect(t.extra[0].values[1] == "note with \"quotes\"")
        #expect(t.extra[0].values[5] == "second wave")
        #expect(t.extra[0].values[0] == nil)
        #expect(t.groupColumn(named: "notes") != nil)
        // 16000.0 and 16000 are the same value: the Acme rows are exact duplicates.
        #expect(r.duplicates == [DuplicateEvent(line: 7, firstLine: 2)])
        #expect(r.duplicatesDropped == 0)
    }

    @Test func dedupeDropsExactDuplicates() throws {
        let r = try EventLoader.load(path: IngestPaths.fixture("events-fyi.csv"), options: .init(dedupe: true))
        #expect(r.events.count == 5)
        #expect(r.duplicatesDropped == 1)
        #expect(r.duplicates == [DuplicateEvent(line: 7, firstLine: 2)])
        #expect(r.events.line == [2, 3, 4, 6, 8])
        #expect(r.rowsRead == 6)
    }

    @Test func nearDuplicatesAreNotDuplicates() throws {
        let text = "company,date,total_laid_off,source\nA,1/2/2024,10,x\nA,1/2/2024,11,x\nA,1/2/2024,10,y\nA,1/2/2024,10,x\n"
        let r = try load(text, .init(dedupe: true))
        #expect(r.events.count == 3)
        #expect(r.duplicates == [DuplicateEvent(line: 5, firstLine: 2)])
    }

    @Test func everyProblemWithExactText() {
        let file = IngestPaths.fixture("events-problems.csv")
        var got: [String] = []
        do {
            _ = try EventLoader.load(path: file)
            Issue.record("expected the load to fail")
        } catch {
            guard case .invalidData(let f, let p) = error else { Issue.record("\(error)"); return }
            #expect(f == file)
            got = p.map { $0.description.replacingOccurrences(of: file, with: "P") }
            #expect(error.category == .dataError)
            #expect(error.description.hasPrefix("\(file): 10 problems; nothing was loaded (skip invalid rows to load the rest):\n  \(file):2:4 (date)"))
        }
        #expect(got == [
            "P:2:4 (date): \"2/30/2024\" is not a date; expected M/D/YYYY or YYYY-MM-DD",
            "P:3:3 (total_laid_off): \"-5\" is negative; expected a whole number of jobs ≥ 0 such as 16000 or 16,000",
            "P:4:3 (total_laid_off): \"12.5\" is not a whole number; expected a whole number of jobs ≥ 0 such as 16000 or 16,000",
            "P:5:3 (total_laid_off): \"many\" is not a number; expected a whole number of jobs ≥ 0 such as 16000 or 16,000",
            "P:5:5 (percentage_laid_off): \"1.5\" is out of range; expected a fraction between 0 and 1 (for percents, set the percent scale to 100)",
            "P:7:1 (company): \"\" is missing; expected a company name",
            "P:7:9 (funds_raised): \"abc\" is not a number; expected millions of US dollars ≥ 0 such as 1200, 1,200 or $1,200",
            "P:8:4 (date): \"\" is missing; expected a date, M/D/YYYY or YYYY-MM-DD",
            "P:8:11 (date_added): \"31/12/2024\" is not a date; expected M/D/YYYY or YYYY-MM-DD",
            "P:9: record has 4 fields; expected 11 as in the header",
        ])
    }

    @Test func skipInvalidCountsExcludedRowsByFirstReason() throws {
        let r = try EventLoader.load(path: IngestPaths.fixture("events-problems.csv"), options: .init(skipInvalid: true))
        #expect(r.rowsRead == 8)
        #expect(r.events.count == 1)
        #expect(r.events.company[0] == "Wayne")
        #expect(r.events.line == [10])
        #expect(r.problems.count == 10)
        #expect(r.excludedCount == 7)
        #expect(r.excludedByReason == [
            "invalid date": 1, "negative count": 1, "non-integer count": 1, "invalid count": 1,
            "missing company": 1, "missing date": 1, "wrong field count": 1,
        ])
    }

    @Test func percentScale() throws {
        let text = "company,date,percentage_laid_off\nA,1/2/2024,15\nB,1/3/2024,100\nC,1/4/2024,0.5\n"
        let r = try load(text, .init(percentScale: 100))
        #expect(r.events.fraction == NumericColumn([0.15, 1.0, 0.005]))
        #expect(problems(text) == [
            "e.csv:2:3 (percentage_laid_off): \"15\" is out of range; expected a fraction between 0 and 1 (for percents, set the percent scale to 100)",
            "e.csv:3:3 (percentage_laid_off): \"100\" is out of range; expected a fraction between 0 and 1 (for percents, set the percent scale to 100)",
        ])
        #expect(problems("company,date,percentage_laid_off\nA,1/2/2024,-1\nB,1/2/2024,x\n", .init(percentScale: 100)) == [
            "e.csv:2:3 (percentage_laid_off): \"-1\" is out of range; expected a percent between 0 and 100",
            "e.csv:3:3 (percentage_laid_off): \"x\" is not a number; expected a percent between 0 and 100",
        ])
        #expect(throws: IngestError.invalidOptions("percent scale must be 1 (fractions) or 100 (percents), not 10.0")) {
            try load(text, .init(percentScale: 10))
        }
    }

    @Test func columnMappingForWarnNotices() throws {
        let mapping = ["company": "employer", "location": "city", "date": "notice_date",
                       "total_laid_off": "jobs", "percentage_laid_off": "pct"]
        let r = try EventLoader.load(path: IngestPaths.fixture("warn-notices.csv"),
                                     options: .init(columnMapping: mapping, percentScale: 100))
        let t = r.events
        #expect(t.count == 2)
        #expect(t.company[0] == "Acme Corp")
        #expect(t.location[1] == "Shelbyville")
        #expect(t.day.map(\.description) == ["2024-01-15", "2024-02-01"])
        #expect(t.cut == NumericColumn([120, 45]))
        #expect(t.fraction == NumericColumn([0.125, nil]))
        // The file's own `date` column is not used for dates: it is kept as an extra column.
        #expect(t.extra.map(\.name) == ["date"])
        #expect(t.extra[0].values[0] == "ignored")
    }

    @Test func noSilentGuessingOfColumns() {
        // Without a mapping the WARN layout has no `company` column: an error listing what exists.
        let e: IngestError?
        do { _ = try EventLoader.load(path: IngestPaths.fixture("warn-notices.csv")); e = nil } catch { e = error }
        let file = IngestPaths.fixture("warn-notices.csv")
        #expect(e?.description == "\(file):1: no column 'company' (required); the columns are: employer, city, notice_date, jobs, pct, date"
            + "; name the file's columns with a column mapping (e.g. company=employer)")
        #expect(e?.describe(mappingOption: "--map").hasSuffix("; name the file's columns with --map (e.g. --map company=employer)") == true)
        #expect(e?.category == .dataError)
        // A mapping to a header that does not exist.
        #expect(throws: IngestError.missingColumns(file: "e.csv", missing: [(header: "jobs", canonical: "total_laid_off")],
                                                    available: ["company", "date"])) {
            try load("company,date\nA,1/1/2024\n", .init(columnMapping: ["total_laid_off": "jobs"]))
        }
        let missingBoth = IngestError.missingColumns(file: "e.csv", missing: [(header: "company", canonical: "company"), (header: "notice_date", canonical: "date")],
                                                     available: ["x"])
        #expect(missingBoth.description == "e.csv:1: no column 'company' (required), 'notice_date' (mapped to 'date'); the columns are: x"
            + "; name the file's columns with a column mapping (e.g. company=<column>)")
        #expect(throws: missingBoth) { try load("x\n1\n", .init(columnMapping: ["date": "notice_date"])) }
        #expect(throws: IngestError.invalidOptions("column mapping: 'jobz' is not a known column; the known columns are: company, location, total_laid_off, date, percentage_laid_off, industry, source, stage, funds_raised, country, date_added")) {
            try load("company,date\n", .init(columnMapping: ["jobz": "jobs"]))
        }
    }

    @Test func optionalColumnsMayBeAbsent() throws {
        let r = try load("date,company\n2024-05-01,Solo\n")
        #expect(r.events.count == 1)
        #expect(r.events.cut == NumericColumn([nil]))
        #expect(r.events.location[0] == nil)
        #expect(r.events.dateAdded == [nil])
    }

    @Test func csvErrorsPassThroughWithTheirCategory() {
        #expect(throws: IngestError.csv(CSVError(file: "e.csv", line: 2, column: 1, kind: .unterminatedQuote))) {
            try load("company,date\n\"A,1/1/2024\n")
        }
        let e: IngestError?
        do { _ = try EventLoader.load(path: "/nonexistent/events.csv"); e = nil } catch { e = error }
        #expect(e?.category.exitCode == 66)
        #expect(e?.description == "cannot open /nonexistent/events.csv: No such file or directory")
    }

    @Test(.enabled(if: IngestPaths.exists(IngestPaths.layoffs)))
    func layoffsFyiReferenceDataset() throws {
        let r = try EventLoader.load(path: IngestPaths.layoffs)
        #expect(r.rowsRead == 4277)
        #expect(r.events.count == 4277)
        #expect(r.problems.isEmpty)
        #expect(r.duplicates.isEmpty)
        let t = r.events
        let bothKnown = (0..<t.count).filter { t.cut[$0] != nil && t.fraction[$0] != nil }.count
        #expect(bothKnown == 1923) // as stated in ../shared/datasets/README.md
        // The facts the README calls checkable.
        func find(_ company: String, _ day: String) -> Int? {
            (0..<t.count).first { t.company[$0] == company && t.day[$0].description == day }
        }
        let cisco = try #require(find("Cisco", "2024-02-14"))
        #expect(t.cut[cisco] == 4250)
        #expect(t.fraction[cisco] == 0.05)
        let instacart = try #require(find("Instacart", "2024-02-13"))
        #expect(t.cut[instacart] == 250)
        #expect(t.fraction[instacart] == 0.07)
        let microsoft = try #require(find("Microsoft", "2024-01-25"))
        #expect(t.cut[microsoft] == 1900)
        let amazon = (0..<t.count).filter { t.company[$0] == "Amazon" && t.day[$0].description == "2024-04-03" }
        #expect(amazon.count == 1)
        #expect(amazon.allSatisfy { t.cut[$0] == nil })
        #expect(t.day.min()?.description.hasPrefix("2020-03") == true)
        #expect(t.day.max()?.description.hasPrefix("2026-01") == true)
    }

    /// Header names match the canonical names whatever their letter case, surrounding
    /// spaces and word separators; a name written exactly wins; two loose matches are an
    /// error naming both.
    @Test func headersMatchWhateverTheirCaseAndSpaces() throws {
        let r = try load(" Company ,DATE, total_laid_off ,Total Laid-Off Note\nA,1/2/2024,5,x\n")
        #expect(r.events.company[0] == "A" && r.events.day[0] == Day(year: 2024, month: 1, day: 2))
        #expect(r.events.cut == NumericColumn([5]))
        #expect(r.events.extra.map(\.name) == ["Total Laid-Off Note"])
        let exact = try load("Date,date,company\n1/1/2020,2/2/2021,A\n")
        #expect(exact.events.day == [Day(year: 2021, month: 2, day: 2)] && exact.events.extra.map(\.name) == ["Date"])
        #expect(throws: IngestError.ambiguousColumn(file: "e.csv", column: "date", headers: ["Date", "DATE"])) {
            try load("company,Date,DATE\nA,1/1/2020,1/1/2020\n")
        }
        // A mapped header is matched the same way.
        let mapped = try load("Employer Name,notice date\nA,1/1/2020\n", .init(columnMapping: ["company": "employer_name", "date": "Notice_Date"]))
        #expect(mapped.events.company[0] == "A" && mapped.events.count == 1)
    }
}
