import Foundation
import Testing

/// Each command keeps only the events' columns it uses (the others are checked, not kept):
/// those a report's formula or `--by` names, the source for `events`.
@Suite struct ColumnsKeptTests {
    @Test func reportKeepsTheColumnsItsFormulaAndGroupingName() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let g = try CLI.run(["generate", "--shape", "compact", "--events", "3000", "--companies", "200", "--out", "d"], in: dir)
        #expect(g.status == 0, "\(g.stderr)")
        let r = try CLI.run(["report", "--data", "d/events.csv", "--fundamentals", "d/fundamentals.csv",
                             "--formula", "log(total_laid_off) ~ log(employees) + log1p(funds_raised) + C(stage)",
                             "--by", "location", "--out", "r.md", "--quiet"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let md = try String(contentsOf: dir.appendingPathComponent("r.md"), encoding: .utf8)
        #expect(md.contains("C(stage)[") && md.contains("log1p(funds_raised) |") && !md.contains("could not be fitted"))
        #expect(md.contains("## Year over year by location"))
    }

    @Test func eventsKeepsTheSource() throws {
        let r = try CLI.run(["events", "--company", "Cisco", "--format", "csv"])
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n")
        #expect(lines.count > 1 && lines.dropFirst().allSatisfy { $0.contains("http") })
    }
}
