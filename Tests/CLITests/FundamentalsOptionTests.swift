import Foundation
import Testing

/// `--fundamentals FILE` is read through the fundamentals loader by every command that is
/// given it: a file in another layout is refused the same way everywhere, never ignored.
@Suite struct FundamentalsOptionTests {
    /// A Fortune-style list: no `company`/`fiscal_year` columns.
    static let otherLayout = """
    Rank,Company,Number_of_employees,Revenues_M
    1,Walmart,2100000,611289
    2,Amazon,1541000,513983

    """

    static let good = """
    company,fiscal_year,employees,revenue,revenue_growth
    Cisco,2024,90400,53803,

    """

    @Test(arguments: [["summary"], ["yoy", "--period", "year"], ["rolling"], ["events"], ["validate"], ["regress"],
                      ["report", "--out", "r.md"]])
    func aFileInAnotherLayoutIsRefusedByEveryCommand(_ command: [String]) throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.otherLayout.write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(command + ["--fundamentals", "f.csv"], in: dir)
        #expect(r.status == 65, "\(command): \(r.stderr)")
        #expect(r.stderr.contains("f.csv:1: no column 'fiscal_year' (required); the columns are: Rank, Company"),
                "\(command): \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["f.csv"])
    }

    /// validate names the 20 companies with the most events without fundamentals (most
    /// first, then by name) and counts the rest, however many companies there are.
    @Test func validateListsTheFirstTwentyUnmatchedCompanies() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        // Company Cnn has nn + 1 events in 2024 (a tie between C05 and its twin C05b);
        // Cisco matches the one fundamentals row.
        var csv = "company,date,total_laid_off,percentage_laid_off\nCisco,1/5/2024,100,\n"
        var companies = (0..<30).map { (name: String(format: "C%02d", $0), events: $0 + 1) }
        companies.append((name: "C05b", events: 6))
        for c in companies { for d in 0..<c.events { csv += "\(c.name),1/\(d % 28 + 1)/2024,\(d + 1),\n" } }
        try csv.write(to: dir.appendingPathComponent("e.csv"), atomically: true, encoding: .utf8)
        try Self.good.write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["validate", "--data", "e.csv", "--fundamentals", "f.csv"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let ranked = companies.sorted { $0.events != $1.events ? $0.events > $1.events : $0.name < $1.name }
        let listed = ranked.prefix(20).map { "\($0.name) (\($0.events))" }.joined(separator: ", ")
        let rest = ranked.dropFirst(20)
        let total = companies.reduce(0) { $0 + $1.events }
        #expect(r.stdout.contains("\(total) event(s) without fundamentals for their fiscal year: \(listed); and \(rest.count) more companies with \(rest.reduce(0) { $0 + $1.events }) events\n"),
                "\(r.stdout)")
    }

    @Test func aReadableFileIsUsedNotIgnored() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        try Self.good.write(to: dir.appendingPathComponent("f.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["summary", "--fundamentals", "f.csv", "--format", "json"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        // The join is made and reported: Cisco's 2024 event matches the one row.
        #expect(r.stdout.contains("events matched a fundamentals row"), "\(r.stdout)")
    }
}
