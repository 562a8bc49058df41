import Testing
import LayoffKit
import StatKit

@Suite struct YoYTests {
    /// Period label of a day, computed directly.
    static func label(_ d: Day, _ unit: PeriodUnit) -> String {
        let c = d.civil
        switch unit {
        case .month: return "\(c.year)-" + (c.month < 10 ? "0\(c.month)" : "\(c.month)")
        case .quarter: return "\(c.year)-Q\((c.month + 2) / 3)"
        case .year: return "\(c.year)"
        }
    }

    /// Brute force: walk every covered day to list periods; previous year by relabelling.
    static func brute(_ t: EventTable, _ unit: PeriodUnit, _ column: String?) -> [YearOverYearRow] {
        let first = t.day.min()!, last = t.day.max()!
        var periods: [String] = []
        var d = first
        while d <= last { let l = label(d, unit); if periods.last != l { periods.append(l) }; d = d.advanced(by: 1) }
        let partial: Set<String> = Set([label(first, unit)].filter { label(first.advanced(by: -1), unit) == $0 }
            + [label(last, unit)].filter { label(last.advanced(by: 1), unit) == $0 })
        func prev(_ p: String) -> String { String(Int(p.prefix(4))! - 1) + p.dropFirst(4) }
        var out: [YearOverYearRow] = []
        for g in expectedGroups(t, column) {
            for p in periods {
                let cur = bruteTotals(t) { groupLabel(t, column, $0) == g && label(t.day[$0], unit) == p }
                let pp = prev(p)
                let before = periods.contains(pp)
                    ? bruteTotals(t) { groupLabel(t, column, $0) == g && label(t.day[$0], unit) == pp } : nil
                let (ch, pct) = bruteChange(bruteCut(t) { groupLabel(t, column, $0) == g && label(t.day[$0], unit) == p },
                                            before == nil ? nil : bruteCut(t) { groupLabel(t, column, $0) == g && label(t.day[$0], unit) == pp })
                out.append(YearOverYearRow(group: g, period: CalendarPeriod(parsing: p)!, partial: partial.contains(p),
                                           totals: cur, previousPeriod: CalendarPeriod(parsing: pp)!, previous: before,
                                           previousPartial: partial.contains(pp), change: ch, pctChange: pct))
            }
        }
        return out
    }

    @Test(arguments: [(PeriodUnit.month, nil as String?, UInt64(21)), (.month, "industry", 22), (.quarter, nil, 23),
                      (.quarter, "industry", 24), (.year, "industry", 25), (.year, "company", 26)])
    func matchesBruteForceOnRandomTables(_ unit: PeriodUnit, _ column: String?, _ seed: UInt64) throws {
        // Starts and ends mid-period, so partial periods and uncovered previous years occur.
        let (t, _) = randomEvents(seed: seed, n: 500, start: Day(parsing: "2021-08-14")!, span: 1000)
        let got = try YearOverYear(events: t, unit: unit, grouping: Grouping(column: column))
        let want = Self.brute(t, unit, column)
        #expect(got.groups == expectedGroups(t, column))
        #expect(got.rows.count == want.count)
        var bad = 0
        for (a, b) in zip(got.rows, want) {
            // Counts exact, sums and percentages to 1e-12 relative.
            let ok = a.group == b.group && a.label == b.label && a.previousLabel == b.previousLabel
                && a.partial == b.partial && a.previousPartial == b.previousPartial
                && same(a.totals, b.totals, rel: 1e-12) && same(a.previous, b.previous, rel: 1e-12)
                && close(a.change, b.change, rel: 1e-12) && close(a.pctChange, b.pctChange, rel: 1e-12)
            if !ok { bad += 1; if bad <= 3 { Issue.record("got \(a)\nwant \(b)") } }
        }
        #expect(bad == 0)
        #expect(got.rows.contains { $0.previous == nil } && got.rows.contains { $0.previous != nil })
    }

    @Test func zeroBaseGivesNilPercentNeverInf() throws {
        var t = EventTable()
        t.day = ["2023-01-05", "2023-03-09", "2024-01-20", "2024-02-11"].map { Day(parsing: $0)! }
        t.company = TextColumn(["A", "B", "A", "C"]); t.cut = NumericColumn([0, 7, 12, nil])
        t.line = [2, 3, 4, 5]
        let y = try YearOverYear(events: t, unit: .month)
        #expect(y.periods.map(\.label) == (1...12).map { "2023-" + ($0 < 10 ? "0\($0)" : "\($0)") } + ["2024-01", "2024-02"])
        let jan = y.rows.first { $0.label == "2024-01" }!
        #expect(jan.previousCut == 0 && jan.change == 12 && jan.pctChange == nil)
        let feb = y.rows.first { $0.label == "2024-02" }!
        // February 2024's one event has no count: its cut is unknown, not 0, and so is the change.
        #expect(feb.previousCut == 0 && feb.cut == nil && feb.eventsWithoutCount == 1 && feb.change == nil && feb.pctChange == nil)
        #expect(feb.partial && !jan.partial)
        #expect(y.rows.first!.previous == nil && y.rows.first!.change == nil)
    }
}
