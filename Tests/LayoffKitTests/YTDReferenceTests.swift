// Pandas reference: year to date as of 2024-04-03 on the shared layoffs.fyi export.
import Testing
import LayoffKit
import StatKit

struct YTDReference: Decodable {
    struct Totals: Decodable { var events: Int, companies: Int, cut: Double, eventsWithoutCount: Int }
    struct Pair: Decodable { var current: Totals, previous: Totals }
    struct Group: Decodable { var group: String, current: Totals, previous: Totals }
    var asOf: String, start: String, prevStart: String, prevEnd: String
    var overall: Pair, groups: [Group]
}

@Suite(.enabled(if: sharedDataAvailable, "../shared/datasets is absent"))
struct YTDReferenceTests {
    static func matches(_ a: EventTotals?, _ b: YTDReference.Totals) -> Bool {
        // Counts exact, cut 1e-9 relative.
        guard let a else { return false }
        return a.events == b.events && a.companies == b.companies && a.eventsWithoutCount == b.eventsWithoutCount
            && close(a.cut, b.cut, rel: 1e-9)
    }

    @Test func asOfApril3rd2024OverallAndByIndustry() throws {
        let t = try #require(try loadSharedLayoffsFYI())
        let ref = try loadReference("layoffsfyi-ytd.json", as: YTDReference.self)
        let asOf = try #require(Day(parsing: ref.asOf))
        let overall = try YearToDate(events: t, asOf: asOf)
        let row = try #require(overall.rows.first)
        #expect(row.start.description == ref.start && row.previousStart.description == ref.prevStart
                && row.previousEnd.description == ref.prevEnd)
        #expect(Self.matches(row.current, ref.overall.current), "\(row)")
        #expect(Self.matches(row.previous, ref.overall.previous), "\(row)")
        #expect(!row.currentPartial && !row.previousPartial)
        // The summary as of the day covers the events through it only; its year to date has
        // the same rows.
        let summary = try LayoffSummary(events: t, asOf: asOf)
        #expect(summary.yearToDate?.rows == overall.rows)
        #expect(summary.coverage?.last == asOf && summary.rows + summary.eventsAfterAsOf == t.count)
        let byIndustry = try YearToDate(events: t, asOf: asOf, grouping: .by("industry"))
        #expect(byIndustry.rows.map(\.group) == ref.groups.map(\.group))
        for (a, b) in zip(byIndustry.rows, ref.groups) {
            #expect(Self.matches(a.current, b.current) && Self.matches(a.previous, b.previous), "\(b.group)")
        }
    }
}
