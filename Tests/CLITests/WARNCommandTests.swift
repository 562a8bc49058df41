import Foundation
import Testing

/// WARN notices through the commands: the register's layout recognised from the header,
/// several files after one `--data` (or `--data` repeated), the traps counted in notes and
/// JSON, the export date as the default as-of date, problems naming the file of their row.
@Suite struct WARNCommandTests {
    static let header = "state,employer_name,canonical_name,location,naics,notice_date,effective_date,employees_affected,layoff_type,is_temporary,source_url,is_amendment,dedupe_key,first_seen\n"
    /// Minnesota: one notice without a notice date, one amendment, one filed twice within a week.
    static let mn = header + """
    MN,Acme Inc,Acme,Minneapolis,334517,2025-02-03,2025-04-01,100,closure,0,https://mn.example,0,m1,2025-02-10
    MN,Acme Inc,Acme,Minneapolis,334517,2025-02-08,2025-04-01,100,closure,0,https://mn.example,0,m2,2025-02-10
    MN,Acme Inc,Acme,Minneapolis,334517,2025-03-01,2025-04-01,120,closure,0,https://mn.example,1,m3,2025-03-05
    MN,Globex,Globex,Duluth,445110,,2026-01-15,40,mass_layoff,1,https://mn.example,0,m4,2026-01-20

    """
    /// Texas: one notice dated after the day it was first seen (the dates swapped).
    static let tx = header + """
    TX,Hooli,Hooli,Austin,511210,2025-06-10,2025-08-01,50,mass_layoff,,https://tx.example,0,t1,2025-06-12
    TX,Hooli,Hooli,Austin,511210,2026-03-10,2026-05-01,80,mass_layoff,,https://tx.example,0,t2,2026-03-01
    TX,Initech,Initech,Dallas,522110,2026-02-02,2026-04-01,30,closure,,https://tx.example,0,t3,2026-04-30

    """

    func run(_ args: [String]) throws -> CLIResult {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.mn.write(to: dir.appendingPathComponent("mn.csv"), atomically: true, encoding: .utf8)
        try Self.tx.write(to: dir.appendingPathComponent("tx.csv"), atomically: true, encoding: .utf8)
        return try CLI.run(args, in: dir, environment: ["COLUMNS": "200", "NO_COLOR": "1"])
    }

    func json(_ args: [String]) throws -> [String: Any] {
        let r = try run(args + ["--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        return try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
    }

    @Test func summaryOfSeveralFilesCountsTheTrapsAndEndsAtTheExportDate() throws {
        let one = try run(["summary", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--format", "json"])
        let repeated = try run(["summary", "--data", "mn.csv", "--data", "tx.csv", "--skip-invalid", "--format", "json"])
        #expect(one.status == 0 && one.stdout == repeated.stdout, "\(one.stderr)")
        let s = try json(["summary", "--data", "mn.csv", "tx.csv", "--skip-invalid"])
        #expect(s["date_fallbacks"] as? Int == 1)
        #expect(s["amendments_dropped"] as? Int == 1)
        #expect(s["export_date"] as? String == "2026-04-30")
        // 7 rows: one amendment left out, one notice after first_seen skipped.
        #expect(s["rows"] as? Int == 5)
        let ytd = try #require(s["ytd"] as? [String: Any])
        #expect(ytd["as_of"] as? String == "2026-04-30")
        #expect(ytd["cut"] as? Double == 70 && ytd["prev_cut"] as? Double == 200)
        let notes = try #require(s["notes"] as? [String])
        #expect(notes.contains("1 amended notice(s) (is_amendment = 1) left out: their jobs repeat an earlier notice's (--amendments keep keeps them)."))
        #expect(notes.contains("1 of the 5 events loaded dated by effective_date (notice_date empty; column date_source)."))
        #expect(notes.contains { $0.contains("1 date after first_seen") })
    }

    @Test func amendmentsKeptAndTheEffectiveDateChosen() throws {
        let s = try json(["summary", "--data", "mn.csv", "--amendments", "keep", "--date", "effective"])
        #expect(s["amendments_dropped"] as? Int == 0 && s["rows"] as? Int == 4 && s["date_fallbacks"] as? Int == 0)
        #expect(s["first_date"] as? String == "2025-04-01")
    }

    @Test func validateNamesTheFileOfEachRowAndListsPossibleDuplicates() throws {
        let r = try run(["validate", "--data", "mn.csv", "tx.csv"])
        #expect(r.status == 65)
        #expect(r.stdout.hasPrefix("tx.csv:3:6 (notice_date): \"2026-03-10\" is after first_seen (2026-03-01); expected a date on or before the day the notice was first seen\n"))
        #expect(r.stdout.contains("mn.csv: 4 rows\ntx.csv: 3 rows\n"))
        #expect(r.stdout.contains("1 possible duplicate notice(s) (same employer and location within 30 days; listed, not merged): mn.csv:3 and mn.csv:2 (Acme, MN / Minneapolis, 5 days)"))
        #expect(r.stdout.contains("1 event(s) dated by effective_date (notice_date empty)\n1 amended notice(s) left out\nexport date (latest first_seen): 2026-04-30\n"))
        let j = try run(["validate", "--data", "mn.csv", "tx.csv", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let possible = try #require(obj["possible_duplicates"] as? [[String: Any]])
        #expect(possible.count == 1 && possible[0]["file"] as? String == "mn.csv" && possible[0]["line"] as? Int == 3)
    }

    @Test func groupsByStateAndSector() throws {
        let r = try run(["yoy", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--period", "year", "--by", "naics_sector", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("\n2025,Manufacturing,2,2,1,200,") && r.stdout.contains("\n2025,Information,1,1,1,50,")
                && r.stdout.contains("\n2026,Finance and Insurance,1,1,1,30,") && r.stdout.contains("\n2026,Retail Trade,1,1,1,40,"))
        let s = try run(["yoy", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--ytd", "--by", "state", "--format", "csv"])
        #expect(s.status == 0, "\(s.stderr)")
        #expect(s.stdout.contains("2026-04-30"))
    }

    @Test func statesAreObservedOverTheirOwnSpanByDefault() throws {
        let args = ["yoy", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--period", "month", "--by", "state", "--format", "csv"]
        let byDefault = try run(args), perGroup = try run(args + ["--coverage", "per-group"]), shared = try run(args + ["--coverage", "shared"])
        #expect(byDefault.status == 0 && byDefault.stdout == perGroup.stdout, "\(byDefault.stderr)")
        // Texas's notices start in June 2025: its March 2025 is missing, not a zero.
        #expect(byDefault.stdout.contains("\n2025-03,TX,,,,,2024-03,,,,,,false,false\n"))
        #expect(shared.stdout.contains("\n2025-03,TX,0,0,0,0,2024-03,,,,,,false,false\n"))
    }

    @Test func eventsNameTheirFileAndLine() throws {
        let r = try run(["events", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        // Notices: the site and kind of each notice (no workforce, fraction or country).
        #expect(r.stdout.hasPrefix("date,company,cut,state,location,naics_sector,layoff_type,file,line\n"))
        #expect(r.stdout.contains("\n2026-01-15,Globex,40,MN,Duluth,Retail Trade,mass_layoff,mn.csv,5\n2026-02-02,Initech,30,TX,Dallas,Finance and Insurance,closure,tx.csv,4\n"))
        let s = try json(["summary", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--top", "1"])
        let largest = try #require((s["largest"] as? [[String: Any]])?.first)
        #expect(largest["file"] as? String == "mn.csv" && largest["line"] as? Int == 2)
    }

    @Test func reportOnNoticesHasTheirSectionAndTraps() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.mn.write(to: dir.appendingPathComponent("mn.csv"), atomically: true, encoding: .utf8)
        try Self.tx.write(to: dir.appendingPathComponent("tx.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["report", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--by", "industry", "--out", "r.md", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("r.md"), encoding: .utf8)
        #expect(md.contains("Data: mn.csv and 1 more file, 5 events from 2025-02-03 to 2026-02-02. Figures are as of 2026-04-30."))
        #expect(md.contains("**By state**\n\n| State | Notices | Jobs | A year earlier | Y/Y % |\n| :--- | ---: | ---: | ---: | ---: |\n| MN | 1 | 40 | 200 | -80.0% |\n| TX | 1 | 30 | n/a | n/a |\n"))
        // Grouped by state (the default for notices), the year-over-year section is the
        // states' and the WARN section does not repeat it.
        let byState = try CLI.run(["report", "--data", "mn.csv", "tx.csv", "--skip-invalid", "--out", "s.md", "--quiet"], in: dir)
        #expect(byState.status == 0, "\(byState.stderr)")
        let s = try String(contentsOf: dir.appendingPathComponent("s.md"), encoding: .utf8)
        #expect(s.contains("## Year over year by state\n") && !s.contains("**By state**") && s.contains("**By sector**"))
        #expect(s.contains("| MN | 1 | 40 | 2 | 200 | -160 | -80.0% |"), "\(s)")
        #expect(s.contains("No event has a workforce: the data gives neither"))
        #expect(md.contains("| Retail Trade | 1 | 40 | 0 | n/a |"))
        #expect(md.contains("- 1 possible duplicate notice(s): the same employer and location within 30 days of another"))
        #expect(md.contains("- 1 amended notice(s) (is_amendment = 1) left out"))
        #expect(md.contains("1 date after first_seen"))
    }

    /// `--layout warn` without files reads the embedded notices (40 states since 2018) from
    /// any folder: the report has the notices' sections and its figures.
    @Test func embeddedNoticesReportFromAnyFolder() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["report", "--layout", "warn", "--out", "w.md", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("w.md"), encoding: .utf8)
        #expect(md.contains("Data: Datasets/warn-notices.csv (embedded), 23,094 events from 2018-01-01 to 2026-08-06. Figures are as of 2026-08-08."))
        #expect(md.contains("## Year over year by state\n") && md.contains("**By year since 2018**"))
        #expect(md.contains("| 2020 | 8,250 | 7,803 | 1,076,425 | 39 |"))
        // The leaders of the year to date, as the state and sector tables below have them.
        #expect(md.contains("Most jobs in notices this year, by state: WA (19,242, +13.5%), TX (14,237, -18.9%), IL (13,756, +24.9%); "
                            + "by sector (notices with a NAICS code): Manufacturing (18,526, -15.8%), Retail Trade (14,565, +64.7%), "
                            + "Transportation and Warehousing (14,415, +126.1%)"))
        #expect(md.contains("| WA | 131 | 19,242 | 90 | 16,959 | 2,283 | +13.5% |") && md.contains("| Manufacturing | 137 | 18,526 | 21,995 | -15.8% |"))
        #expect(!md.contains("company-fundamentals"))
        let figures = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("w-figures").path).sorted()
        #expect(figures == ["monthly-cuts.svg", "warn-monthly-jobs.svg"])
        let s = try json(["summary", "--layout", "warn"])
        #expect(s["export_date"] as? String == "2026-08-08")
    }

    @Test func matchCountsTrackerEventsWithANotice() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.mn.write(to: dir.appendingPathComponent("mn.csv"), atomically: true, encoding: .utf8)
        try Self.tx.write(to: dir.appendingPathComponent("tx.csv"), atomically: true, encoding: .utf8)
        try """
        company,date,total_laid_off,country
        Acme,2025-01-20,100,United States
        Hooli,2025-09-01,50,United States
        Initech Inc.,2026-01-05,30,United States
        Globex,2026-01-10,40,Canada

        """.write(to: dir.appendingPathComponent("fyi.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["match", "--data", "fyi.csv", "--warn", "mn.csv", "tx.csv", "--skip-invalid", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let years = try #require(obj["by_year"] as? [[String: Any]])
        #expect(years.map { $0["year"] as? String } == ["2025", "2026", "all"])
        #expect(years.map { $0["matched"] as? Int } == [1, 1, 2] && years.map { $0["events"] as? Int } == [2, 1, 3])
        let matched = try #require(obj["matched"] as? [[String: Any]])
        #expect(matched.map { $0["company"] as? String } == ["Acme", "Initech Inc."])
        #expect(matched.map { $0["days"] as? Int } == [14, 28] && matched.map { $0["state"] as? String } == ["MN", "TX"])
        let unmatched = try #require(obj["unmatched"] as? [[String: Any]])
        #expect(unmatched.map { $0["company"] as? String } == ["Hooli"])
    }

    @Test func forcedLayoutAndOneFileCommands() throws {
        let r = try run(["summary", "--data", "mn.csv", "--layout", "layoffs-fyi"])
        #expect(r.status == 65 && r.stderr.contains("no column 'company'"), "\(r.stderr)")
        let g = try run(["regress", "--data", "mn.csv", "tx.csv", "--formula", "employees_affected ~ 1"])
        #expect(g.status == 64 && g.stderr.contains("regress reads one CSV"), "\(g.stderr)")
        let d = try run(["summary", "--data", "mn.csv", "missing.csv"])
        #expect(d.status == 66 && d.stderr.contains("missing.csv"), "\(d.stderr)")
    }
}
