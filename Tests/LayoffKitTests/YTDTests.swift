import Testing
import LayoffKit
import StatKit

@Suite struct YTDTests {
    @Test(arguments: ["2024-02-29", "2024-02-28", "2024-03-01", "2023-12-31", "2024-01-01", "2025-02-28",
                      "2022-03-01", "2021-06-30", "2026-05-01", "2020-01-10"])
    func matchesBruteForce(_ asOfText: String) throws {
        let (t, _) = randomEvents(seed: 77, n: 700, start: Day(parsing: "2021-03-10")!, span: 1400)
        let asOf = Day(parsing: asOfText)!
        let c = asOf.civil
        // Previous end computed directly: Feb 29 → Feb 28.
        let prevEnd = Day(year: c.year - 1, month: c.month, day: c.month == 2 && c.day == 29 ? 28 : c.day)!
        let start = Day(year: c.year, month: 1, day: 1)!, prevStart = Day(year: c.year - 1, month: 1, day: 1)!
        let first = t.day.min()!, last = t.day.max()!
        for column in [nil, "industry"] as [String?] {
            let got = try YearToDate(events: t, asOf: asOf, grouping: Grouping(column: column))
            #expect(got.rows.map(\.group) == expectedGroups(t, column))
            for row in got.rows {
                #expect(row.start == start && row.end == asOf && row.previousStart == prevStart && row.previousEnd == prevEnd)
                let inGroup = { (i: Int) in groupLabel(t, column, i) == row.group }
                let cur = (start <= last && asOf >= first)
                    ? bruteTotals(t) { inGroup($0) && t.day[$0] >= start && t.day[$0] <= asOf } : nil
                let prev = (prevStart <= last && prevEnd >= first)
                    ? bruteTotals(t) { inGroup($0) && t.day[$0] >= prevStart && t.day[$0] <= prevEnd } : nil
                #expect(same(row.current, cur, rel: 1e-12), "\(asOfText) \(row.group)")
                #expect(same(row.previous, prev, rel: 1e-12), "\(asOfText) \(row.group)")
                let curCut = cur == nil ? nil : bruteCut(t) { inGroup($0) && t.day[$0] >= start && t.day[$0] <= asOf }
                let prevCut = prev == nil ? nil : bruteCut(t) { inGroup($0) && t.day[$0] >= prevStart && t.day[$0] <= prevEnd }
                #expect(row.current?.knownCut == curCut && row.previous?.knownCut == prevCut)
                let (change, pct) = bruteChange(curCut, prevCut)
                #expect(close(row.change, change, rel: 1e-12) && close(row.pctChange, pct, rel: 1e-12))
                #expect(row.currentPartial == (cur != nil && (start < first || asOf > last)))
                #expect(row.previousPartial == (prev != nil && (prevStart < first || prevEnd > last)))
            }
        }
    }
}
