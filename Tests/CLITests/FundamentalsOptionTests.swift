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
        #expect(r.stderr.contains("f.csv:1: no column 'company' (required), 'fiscal_year' (required); the columns are: Rank, Company"),
                "\(command): \(r.stderr)")
        #expect(r.stdout.isEmpty)
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.path) == ["f.csv"])
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
