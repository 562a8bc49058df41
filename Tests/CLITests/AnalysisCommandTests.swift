import Foundation
import Testing

/// The output contracts other tools rely on (issue: LayoffKit CLI), on the embedded data
/// and on small files written here.
@Suite struct AnalysisCommandTests {
    static let events = """
    company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added
    A,"Austin, TX",100,1/15/2023,0.1,Retail,https://x,Post-IPO,,United States,
    B,Seattle,50,2023-02-10,,Finance,https://x,Series B,20,United States,
    A,"Austin, TX",Unknown,3/1/2024,0.05,Retail,https://x,Post-IPO,,United States,
    C,Berlin,"1,000",2024-01-20,0.25,Finance,https://x,Post-IPO,,Germany,
    B,Seattle,0,2024-02-10,,Finance,https://x,Series B,20,United States,

    """

    func write(_ text: String, _ name: String, in dir: URL) throws -> String {
        let p = dir.appendingPathComponent(name).path
        try text.write(toFile: p, atomically: true, encoding: .utf8)
        return p
    }

    @Test func yoyCSVContract() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = try write(Self.events, "e.csv", in: dir)
        let r = try CLI.run(["yoy", "--data", f, "--period", "month", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "period,group,events,events_with_count,companies,cut,prev_period,prev_events,prev_events_with_count,prev_cut,change,pct_change,partial,prev_partial")
        // 2024-01: C cut 1,000; 2023-01: A cut 100 → change 900, +900%; 2023-01 is partial
        // (the data starts on the 15th).
        #expect(lines.contains("2024-01,all,1,1,1,1000,2023-01,1,1,100,900,900,false,true"))
        // 2024-02: B cut 0 vs 2023-02: 50 → -100%.
        #expect(lines.contains("2024-02,all,1,1,1,0,2023-02,1,1,50,-50,-100,false,false"))
        // 2024-03: A's one event has no count: the cut is unknown (empty), not 0, and there
        // is no change; the month is partial (the data stops on the 1st).
        #expect(lines.contains("2024-03,all,1,0,1,,2023-03,0,0,0,,,true,false"))
        // 2023-01 has no previous-year coverage: empty cells, not inf or nan.
        #expect(lines.contains("2023-01,all,1,1,1,100,2022-01,,,,,,true,false"))
        // 2023-04 is inside coverage with no events: a zero.
        #expect(lines.contains("2023-04,all,0,0,0,0,2022-04,,,,,,false,false"))
        #expect(!r.stdout.contains("inf") && !r.stdout.contains("nan"))
    }

    @Test func yoyByGroupHasNoTotalRow() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = try write(Self.events, "e.csv", in: dir)
        let r = try CLI.run(["yoy", "--data", f, "--period", "year", "--by", "industry", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        // Retail's one 2024 event has no count: no cut and no change (not 0 and −100%).
        #expect(lines == [
            "period,group,events,events_with_count,companies,cut,prev_period,prev_events,prev_events_with_count,prev_cut,change,pct_change,partial,prev_partial",
            "2023,Finance,1,1,1,50,2022,,,,,,true,false", "2024,Finance,2,2,2,1000,2023,1,1,50,950,1900,true,true",
            "2023,Retail,1,1,1,100,2022,,,,,,true,false", "2024,Retail,1,0,1,,2023,1,1,100,,,true,true",
        ])
    }

    @Test func rollingCSVContract() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = try write(Self.events, "e.csv", in: dir)
        let r = try CLI.run(["rolling", "--data", f, "--window", "90d", "--from", "2024-03-01", "--to", "2024-03-01", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "date,group,events,events_with_count,companies,cut,rate_events,rate_cut,rate_workforce,rate,partial,too_few_events")
        // Window (2023-12-02, 2024-03-01]: C (1000 of 4000 implied), B (0, no fraction), A (no count).
        #expect(lines.dropFirst().first == "2024-03-01,all,3,2,3,1000,1,1000,4000,25,false,false")
        #expect(r.stderr.contains("Workforce: 0 events from fundamentals"))
    }

    @Test func summaryJSONContract() throws {
        let r = try CLI.run(["summary", "--as-of", "2024-04-03", "--format", "json"])
        #expect(r.status == 0, "\(r.stderr)")
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        for k in ["rows", "events_with_count", "cut_total", "companies", "first_date", "last_date", "ytd"] {
            #expect(obj[k] != nil, "missing \(k)")
        }
        let ytd = try #require(obj["ytd"] as? [String: Any])
        for k in ["as_of", "events", "companies", "cut", "prev_start", "prev_end", "prev_events", "prev_companies",
                  "prev_cut", "change", "pct_change"] {
            #expect(ytd[k] != nil, "missing ytd.\(k)")
        }
        #expect(ytd["as_of"] as? String == "2024-04-03")
        #expect(ytd["prev_start"] as? String == "2023-01-01")
        #expect(ytd["prev_end"] as? String == "2023-04-03")
    }

    @Test func ytdFeb29MapsToFeb28() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let f = try write(Self.events, "e.csv", in: dir)
        let r = try CLI.run(["summary", "--data", f, "--as-of", "2024-02-29", "--format", "json"])
        let obj = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any])
        let ytd = try #require(obj["ytd"] as? [String: Any])
        #expect(ytd["prev_end"] as? String == "2023-02-28")
        #expect(ytd["cut"] as? Double == 1000)
        #expect(ytd["prev_cut"] as? Double == 150)
    }

    @Test func badFileIsRefusedWithLocationAndExit65() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let bad = Self.events.replacingOccurrences(of: "2023-02-10", with: "2/30/2024")
        let f = try write(bad, "bad.csv", in: dir)
        let r = try CLI.run(["summary", "--data", f])
        #expect(r.status == 65)
        #expect(r.stderr.contains("bad.csv:3:4 (date): \"2/30/2024\" is not a date"))
        #expect(r.stdout.isEmpty)
        // With --skip-invalid the row is left out and the output says so.
        let s = try CLI.run(["summary", "--data", f, "--skip-invalid"])
        #expect(s.status == 0)
        #expect(s.stdout.contains("1 of 5 event rows left out"))
        // validate lists the problem and exits 65.
        let v = try CLI.run(["validate", "--data", f])
        #expect(v.status == 65)
        #expect(v.stdout.contains("bad.csv:3:4 (date)"))
    }

    @Test func missingFileExit66() throws {
        let r = try CLI.run(["summary", "--data", "/nonexistent/file.csv"])
        #expect(r.status == 66)
        #expect(r.stderr.contains("/nonexistent/file.csv"))
    }

    @Test func outIsWrittenAtomically() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let out = dir.appendingPathComponent("yoy.csv").path
        let r = try CLI.run(["yoy", "--format", "csv", "--out", out, "--quiet"])
        #expect(r.status == 0)
        #expect(r.stdout.isEmpty)
        #expect(try String(contentsOfFile: out, encoding: .utf8).hasPrefix("period,group,"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["yoy.csv"])
    }

    @Test func deterministicOutput() throws {
        let a = try CLI.run(["rolling", "--by", "industry", "--at", "month-end", "--format", "json"])
        let b = try CLI.run(["rolling", "--by", "industry", "--at", "month-end", "--format", "json"])
        #expect(a.status == 0 && a.stdout == b.stdout)
    }
}
