import Testing
import LayoffKit
import StatKit

@Suite struct SummaryTests {
    @Test func totalsAndLargestEventsWithTies() throws {
        var (t, _) = randomEvents(seed: 5, n: 400, start: Day(parsing: "2022-01-01")!, span: 900, companies: 25)
        // Force ties on the largest cut: same cut, then same day, then same company.
        let big = 1_000_000.0
        for (i, day) in [(3, "2022-05-01"), (8, "2022-04-01"), (13, "2022-05-01"), (21, "2022-05-01")] {
            t.cut.values[i] = big; t.cut.isPresent[i] = true; t.day[i] = Day(parsing: day)!
        }
        t.company.codes[13] = t.company.codes[21]
        t.line[13] = 900; t.line[21] = 800
        let s = try LayoffSummary(events: t, top: 6)
        let all = bruteTotals(t) { _ in true }
        #expect(s.rows == t.count && s.companies == all.companies && s.eventsWithCount == all.eventsWithCount)
        #expect(close(s.totalCut, all.cut, rel: 1e-12))
        #expect(s.coverage?.first == t.day.min() && s.coverage?.last == t.day.max())
        #expect(s.yearToDate?.asOf == t.day.max())
        // Brute force: insertion by a pairwise "ranks before" on (−cut, day, company, line).
        func before(_ a: Int, _ b: Int) -> Bool {
            let ka = (-t.cut.values[a], t.day[a].number, t.company[a] ?? "", t.line[a])
            let kb = (-t.cut.values[b], t.day[b].number, t.company[b] ?? "", t.line[b])
            return ka < kb
        }
        var ranked: [Int] = []
        for i in 0..<t.count where t.cut[i] != nil {
            let pos = ranked.firstIndex { before(i, $0) } ?? ranked.count
            ranked.insert(i, at: pos)
        }
        #expect(s.largest.map(\.index) == Array(ranked.prefix(6)))
        // The planted ties: earliest day first; same day and company → lower line first.
        let top4 = s.largest.prefix(4).map(\.index)
        #expect(top4.first == 8 && Set(top4) == [3, 8, 13, 21])
        #expect(top4.firstIndex(of: 21)! < top4.firstIndex(of: 13)!)
        #expect(s.largest.first.map { $0.cut == big && $0.line == t.line[8] } == true)
    }

    @Test func asOfAndEmptyTable() throws {
        let (t, _) = randomEvents(seed: 6, n: 50, start: Day(parsing: "2023-01-01")!, span: 500)
        let asOf = Day(parsing: "2023-06-30")!
        #expect(try LayoffSummary(events: t, asOf: asOf).yearToDate?.asOf == asOf)
        let e = try LayoffSummary(events: EventTable())
        #expect(e.coverage == nil && e.rows == 0 && e.totalCut == 0 && e.largest.isEmpty && e.yearToDate == nil)
    }
}
