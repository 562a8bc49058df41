import Foundation
import Testing

/// Missing stays missing in every output, flags the tables mark are columns and fields of
/// CSV and JSON, and `--by`, `--coverage`, `--as-of`, `--from/--to` and `--min-events` do
/// what they say. On a small file shaped like the WARN notices: state MI stops in
/// 2025-09 while OH runs on, and OK's 2025 notices have no count.
@Suite struct MissingStaysMissingTests {
    static let notices = """
    state,county_name,canonical_name,notice_date,employees_affected
    MI,Wayne County,Ford,2024-02-10,400
    MI,Jefferson County,GM,2024-11-03,120
    MI,Wayne County,Ford,2025-03-15,300
    MI,Wayne County,Stellantis,2025-09-30,80
    OH,Jefferson County,Kroger,2024-01-20,50
    OH,Franklin County,Wendy's,2025-06-01,60
    OH,Franklin County,Honda,2026-04-02,200
    OK,Tulsa County,Spirit,2024-05-05,359
    OK,Tulsa County,Spirit,2025-02-01,
    OK,Oklahoma County,Devon,2025-07-07,
    OK,Tulsa County,Spirit,2026-05-30,10

    """
    static let map = ["--map", "company=canonical_name,date=notice_date,total_laid_off=employees_affected"]

    func run(_ args: [String]) throws -> CLIResult {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.notices.write(to: dir.appendingPathComponent("warn.csv"), atomically: true, encoding: .utf8)
        return try CLI.run(args + ["--data", "warn.csv"] + Self.map, in: dir, environment: ["COLUMNS": "200", "NO_COLOR": "1"])
    }

    func csv(_ args: [String]) throws -> [[String: String]] {
        let r = try run(args + ["--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        return lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
    }

    @Test func aYearWhoseNoticesAllLackACountIsEmptyNotZero() throws {
        let rows = try csv(["yoy", "--period", "year", "--by", "state"])
        let ok2025 = try #require(rows.first { $0["group"] == "OK" && $0["period"] == "2025" })
        #expect(ok2025["events"] == "2" && ok2025["events_with_count"] == "0" && ok2025["cut"] == "")
        #expect(ok2025["prev_cut"] == "359" && ok2025["change"] == "" && ok2025["pct_change"] == "")
        // JSON: null; table: n/a with a note saying why.
        let j = try run(["yoy", "--period", "year", "--by", "state", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(j.stdout.utf8)) as? [String: Any])
        let jrows = try #require(obj["rows"] as? [[String: Any]])
        let jok = try #require(jrows.first { $0["group"] as? String == "OK" && $0["period"] as? String == "2025" })
        #expect(jok["cut"] is NSNull && jok["pct_change"] is NSNull && jok["events_with_count"] as? Int == 0)
        #expect(jok["partial"] as? Bool == false)
        let t = try run(["yoy", "--period", "year", "--by", "state"])
        let line = try #require(t.stdout.split(separator: "\n").first { $0.contains("│ 2025 ") && $0.contains("│ OK ") })
        #expect(line.contains("│ n/a │ 2024"), "\(line)")
        #expect(t.stdout.contains("n/a cut: no event of the period has a reported count (unknown, not 0)."))
    }

    @Test func perGroupCoverageMakesAStateThatStoppedMissingAfterItsLastNotice() throws {
        // Shared coverage (the default): MI's 2026 is a zero against 2025's 380, −100%.
        let shared = try csv(["yoy", "--period", "year", "--by", "state"])
        let mi = try #require(shared.first { $0["group"] == "MI" && $0["period"] == "2026" })
        #expect(mi["events"] == "0" && mi["cut"] == "0" && mi["pct_change"] == "-100")
        // Per group: missing, and 2025 is partial (MI stopped on 2025-09-30).
        let own = try csv(["yoy", "--period", "year", "--by", "state", "--coverage", "per-group"])
        let mi26 = try #require(own.first { $0["group"] == "MI" && $0["period"] == "2026" })
        #expect(mi26["events"] == "" && mi26["cut"] == "" && mi26["change"] == "" && mi26["pct_change"] == "")
        #expect(mi26["prev_partial"] == "true")
        let mi25 = try #require(own.first { $0["group"] == "MI" && $0["period"] == "2025" })
        #expect(mi25["partial"] == "true" && mi25["cut"] == "380")
        // Ungrouped per-group coverage is refused: it would mean the file's span anyway.
        let r = try run(["yoy", "--coverage", "per-group"])
        #expect(r.status == 64 && r.stderr.contains("--coverage per-group needs --by"))
    }

    /// Shared coverage counts a group's periods after its last event as 0; when a group
    /// stops over a year before the data does, the output says so and names the option.
    @Test func groupsThatStopLongBeforeTheDataAreNamed() throws {
        let r = try CLI.run(["yoy", "--period", "year", "--by", "industry", "--format", "csv"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("groups' events stop over a year before the data's last day (Crypto on 2023-01-10,"), "\(r.stderr)")
        #expect(r.stderr.contains("--coverage per-group shows those periods as missing."))
        let own = try CLI.run(["yoy", "--period", "year", "--by", "industry", "--coverage", "per-group", "--format", "csv"])
        #expect(own.status == 0 && !own.stderr.contains("stop over a year"))
    }

    @Test func groupingByTwoColumnsKeepsSameNamedCountiesApart() throws {
        let rows = try csv(["yoy", "--period", "year", "--by", "state", "--by", "county_name"])
        #expect(Set(rows.compactMap { $0["group"] }).contains("MI / Jefferson County"))
        #expect(Set(rows.compactMap { $0["group"] }).contains("OH / Jefferson County"))
        let mij = try #require(rows.first { $0["group"] == "MI / Jefferson County" && $0["period"] == "2024" })
        #expect(mij["state"] == "MI" && mij["county_name"] == "Jefferson County" && mij["cut"] == "120")
        // By the county alone the two Jefferson Counties are one group.
        let one = try csv(["yoy", "--period", "year", "--by", "county_name"])
        #expect(one.first { $0["group"] == "Jefferson County" && $0["period"] == "2024" }?["cut"] == "170")
        let r = try run(["yoy", "--by", "state", "--by", "state"])
        #expect(r.status == 64 && r.stderr.contains("--by state is given twice"))
    }

    @Test func asOfAndToStopTheDataAndFromChoosesThePeriods() throws {
        let rows = try csv(["yoy", "--period", "month", "--as-of", "2025-06-15", "--from", "2025-01-01"])
        #expect(rows.first?["period"] == "2025-01" && rows.last?["period"] == "2025-06")
        #expect(rows.last?["partial"] == "true")
        // June 2025 as of the 15th: Wendy's notice of June 1st is in, nothing after.
        #expect(rows.last?["cut"] == "60")
        let to = try csv(["yoy", "--period", "month", "--to", "2025-06-15", "--from", "2025-01-01"])
        #expect(to == rows)
        let both = try run(["yoy", "--as-of", "2025-06-15", "--to", "2025-06-15"])
        #expect(both.status == 64)
        let ytd = try run(["yoy", "--ytd", "--from", "2025-01-01"])
        #expect(ytd.status == 64 && ytd.stderr.contains("with --ytd the span is Jan 1 to --as-of"))
    }

    @Test func summaryAsOfSummarisesTheDataAsOfThatDay() throws {
        let r = try run(["summary", "--as-of", "2025-02-01", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        #expect(obj["rows"] as? Int == 5 && obj["last_date"] as? String == "2025-02-01")
        let largest = try #require(obj["largest"] as? [[String: Any]])
        #expect(largest.allSatisfy { ($0["date"] as? String ?? "") <= "2025-02-01" })
        let ytd = try #require(obj["ytd"] as? [String: Any])
        // 2025 through Feb 1: one notice (OK), without a count.
        #expect(ytd["events"] as? Int == 1 && ytd["events_with_count"] as? Int == 0 && ytd["cut"] is NSNull)
        #expect(ytd["partial"] as? Bool == false && ytd["pct_change"] is NSNull)
        #expect((obj["notes"] as? [String] ?? []).contains("6 event(s) dated after the as-of date left out."))
    }

    @Test func rollingCarriesItsBasisAndFlagsAndLeavesThinWindowsOut() throws {
        let rows = try csv(["rolling", "--window", "365d", "--at", "month-end", "--min-events", "2", "--from", "2024-01-31", "--to", "2024-06-30"])
        // The first window reaches back before the first notice: partial.
        #expect(rows.first?["partial"] == "true")
        // The notices have no fraction, so no workforce: no rate events, no rate, nothing withheld.
        #expect(rows.allSatisfy { $0["rate_events"] == "0" && $0["rate"] == "" && $0["too_few_events"] == "false" })
        #expect(rows.first { $0["date"] == "2024-05-31" }?["events_with_count"] == "3")
        let r = try run(["rolling", "--min-events", "0"])
        #expect(r.status == 64)
    }

    @Test func tooFewRateEventsAreWithheldAndSaidSo() throws {
        // Embedded data: 90-day windows with one or two rate events get no rate with --min-events 3.
        let r = try CLI.run(["rolling", "--at", "month-end", "--min-events", "3", "--from", "2025-06-30", "--to", "2025-09-30", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map { $0.split(separator: ",", omittingEmptySubsequences: false).map(String.init) }
        let rows = lines.dropFirst().map { Dictionary(uniqueKeysWithValues: zip(lines[0], $0)) }
        let withheld = rows.filter { $0["too_few_events"] == "true" }
        #expect(!withheld.isEmpty)
        #expect(withheld.allSatisfy { $0["rate"] == "" && Int($0["rate_events"] ?? "") ?? 9 < 3 && Int($0["rate_events"] ?? "") ?? 0 > 0 })
        let t = try CLI.run(["rolling", "--at", "month-end", "--min-events", "3", "--from", "2025-06-30", "--to", "2025-09-30"])
        #expect(t.stdout.contains("n/a rate: fewer than 3 events with both cut and workforce in the window (--min-events 3), or none."))
    }

    @Test func theReportShowsUnknownCutsAsNAAndStatesItsMinimum() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.notices.write(to: dir.appendingPathComponent("warn.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["report", "--data", "warn.csv"] + Self.map + ["--by", "state", "--coverage", "per-group",
                                                                             "--as-of", "2026-05-30", "--out", "r.md", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("r.md"), encoding: .utf8)
        // Year to date 2026-01-01..2026-05-30
        // against 2025-01-01..2025-05-30 by state: MI is outside its own span (n/a, not 0
        // against 300 and −100%); OK's one notice of that span has no count.
        #expect(md.contains("| MI | n/a | n/a | 1 | 300 | n/a | n/a |"), "\(md)")
        #expect(md.contains("| OK | 1 | 10 | 1 | n/a | n/a | n/a |"), "\(md)")
        #expect(md.contains("n/a: outside the state's own span of events, or no event of the span has a reported count (unknown, not zero)."))
        // Notices carry no workforce: no rate, said in one line rather than a table of n/a.
        #expect(md.contains("No event has a workforce: the data gives neither the company's employees"))
        #expect(!md.contains("rolling-rate.svg"))
        #expect(md.contains("--coverage per-group"))
    }
}
