// Missing stays missing: a span whose events all lack a count has no cut (not 0) and no
// change; per-group coverage judges each group over its own first to last event; grouping
// by several columns; the minimum number of rate events. Checked by brute force.
import Foundation
import Testing
import LayoffKit
import StatKit

/// Groups with their own spans: group "early" stops a year before the others, "late" starts
/// two years after them, and "dark" never reports a count.
func staggeredEvents(seed: UInt64) -> EventTable {
    var g = SeededGenerator(seed: seed)
    var t = EventTable()
    let start = Day(parsing: "2020-03-17")!
    let spans: [(String, Int, Int)] = [("early", 0, 900), ("steady", 0, 1800), ("late", 700, 1800), ("dark", 100, 1500)]
    for _ in 0..<600 {
        let (name, lo, hi) = spans.randomElement(using: &g)!
        t.day.append(start.advanced(by: Int.random(in: lo..<hi, using: &g)))
        t.state.append(name)
        t.company.append("Co\(Int.random(in: 0..<40, using: &g))")
        t.county.append(Double.random(in: 0..<1, using: &g) < 0.1 ? nil : ["Jefferson", "Wayne", "Cook"].randomElement(using: &g)!)
        let known = name != "dark" && Double.random(in: 0..<1, using: &g) < 0.8
        t.cut.append(known ? Double(Int.random(in: 0...500, using: &g)) : nil)
        t.line.append(Int32(t.day.count + 1))
    }
    return t
}

extension EventTable {
    /// The `state` extra column (created on first use), for tests that build tables in code.
    var state: TextColumn {
        get { groupColumn(named: "state") ?? TextColumn() }
        set { setExtra("state", newValue) }
    }
    var county: TextColumn {
        get { groupColumn(named: "county") ?? TextColumn() }
        set { setExtra("county", newValue) }
    }
    mutating func setExtra(_ name: String, _ c: TextColumn) {
        if let k = extra.firstIndex(where: { $0.name == name }) { extra[k].values = c } else { extra.append((name, c)) }
    }
}

@Suite struct MissingAndCoverageTests {
    /// 2024-01: one event without a count; 2023-01: one with 100; 2024-02: none at all.
    static func smallTable() throws -> EventTable {
        try EventTable(day: ["2023-01-10", "2023-02-05", "2024-01-20", "2024-02-25"].map { Day(parsing: $0)! },
                       company: ["A", "B", "C", "B"], cut: [100, 7, nil, 3], fraction: [0.1, nil, 0.5, nil],
                       industry: ["Retail", "Retail", "Retail", "Finance"])
    }

    @Test func aSpanWhoseEventsAllLackACountHasNoCutAndNoChange() throws {
        let t = try Self.smallTable()
        let y = try YearOverYear(events: t, unit: .month)
        let jan = try #require(y.rows.first { $0.label == "2024-01" })
        #expect(jan.events == 1 && jan.eventsWithCount == 0 && jan.cut == nil)
        #expect(jan.previousCut == 100 && jan.change == nil && jan.pctChange == nil)
        // A month inside the coverage without events is a true zero.
        let may = try #require(y.rows.first { $0.label == "2023-05" })
        #expect(may.events == 0 && may.cut == 0)
        // Year to date as of 2024-01-31: all of January's one event lacks a count.
        let ytd = try #require(try YearToDate(events: t, asOf: Day(parsing: "2024-01-31")!).rows.first)
        #expect(ytd.current?.events == 1 && ytd.current?.knownCut == nil && ytd.previous?.knownCut == 100)
        #expect(ytd.change == nil && ytd.pctChange == nil)
        // Rolling: the 10-day window ending 2024-01-25 holds the one event without a count.
        let w = try Workforce.implied(by: t)
        let r = try RollingRates(events: t, workforce: w, window: .days(10), schedule: .daily,
                                 from: Day(parsing: "2024-01-25")!, to: Day(parsing: "2024-01-25")!)
        #expect(r.rows[0].events == 1 && r.rows[0].cut == 0 && r.rows[0].knownCut == nil && r.rows[0].rate == nil)
        // Summary: a table none of whose events has a count has no total.
        let none = try EventTable(day: [Day(parsing: "2024-01-20")!], company: ["C"], cut: [nil])
        #expect(try LayoffSummary(events: none).totalCut == nil)
        #expect(try LayoffSummary(events: t).totalCut == 110)
    }

    /// Brute force of one group's year-over-year rows under per-group coverage.
    static func brute(_ t: EventTable, unit: PeriodUnit, group: String, column: String, periods: [CalendarPeriod])
        -> [(totals: EventTotals?, cut: Double?, previous: EventTotals?, previousCut: Double?, partial: Bool, previousPartial: Bool)]
    {
        let members = (0..<t.count).filter { (t.groupColumn(named: column)![$0] ?? "(missing)") == group }
        let first = members.map { t.day[$0] }.min()!, last = members.map { t.day[$0] }.max()!
        func inside(_ p: CalendarPeriod) -> Bool { p.start <= last && p.end >= first }
        func partial(_ p: CalendarPeriod) -> Bool { inside(p) && (p.start < first || p.end > last) }
        func totals(_ p: CalendarPeriod) -> EventTotals? {
            inside(p) ? bruteTotals(t) { members.contains($0) && t.day[$0] >= p.start && t.day[$0] <= p.end } : nil
        }
        func cut(_ p: CalendarPeriod) -> Double? {
            inside(p) ? bruteCut(t) { members.contains($0) && t.day[$0] >= p.start && t.day[$0] <= p.end } : nil
        }
        return periods.map { p in
            (totals(p), cut(p), totals(p.previousYear), cut(p.previousYear), partial(p), partial(p.previousYear))
        }
    }

    @Test(arguments: [PeriodUnit.year, .quarter, .month])
    func perGroupCoverageMatchesBruteForce(_ unit: PeriodUnit) throws {
        let t = staggeredEvents(seed: 91)
        let y = try YearOverYear(events: t, unit: unit, grouping: .by("state", coverage: .perGroup))
        #expect(y.groups == ["dark", "early", "late", "steady"])
        for (g, name) in y.groups.enumerated() {
            let rows = y.rows[(g * y.periods.count)..<((g + 1) * y.periods.count)]
            let want = Self.brute(t, unit: unit, group: name, column: "state", periods: y.periods)
            for (a, b) in zip(rows, want) {
                #expect(same(a.totals, b.totals, rel: 1e-12) && same(a.previous, b.previous, rel: 1e-12), "\(name) \(a.label)")
                #expect(a.cut == b.cut && a.previousCut == b.previousCut, "\(name) \(a.label)")
                #expect(a.partial == b.partial && a.previousPartial == b.previousPartial, "\(name) \(a.label)")
                let (ch, pct) = bruteChange(b.cut, b.previousCut)
                #expect(close(a.change, ch, rel: 1e-12) && close(a.pctChange, pct, rel: 1e-12), "\(name) \(a.label)")
            }
        }
        // "early" stops in 2022: its later periods are missing, not zero; shared, they are 0.
        let lastEarly = y.rows.last { $0.group == "early" }!
        #expect(lastEarly.totals == nil && lastEarly.cut == nil && lastEarly.change == nil)
        let shared = try YearOverYear(events: t, unit: unit, grouping: .by("state"))
        let sharedLast = shared.rows.last { $0.group == "early" }!
        #expect(sharedLast.totals?.events == 0 && sharedLast.cut == 0)
        // "dark" never has a count: no cut anywhere inside its span.
        #expect(y.rows.filter { $0.group == "dark" && $0.totals != nil && $0.events! > 0 }.allSatisfy { $0.cut == nil })
    }

    @Test func perGroupCoverageInYearToDateAndRollingRates() throws {
        let t = staggeredEvents(seed: 92)
        let grouping = Grouping.by("state", coverage: .perGroup)
        let early = (0..<t.count).filter { t.state[$0] == "early" }
        let (first, last) = (early.map { t.day[$0] }.min()!, early.map { t.day[$0] }.max()!)
        // As of a day after "early" stops: its year to date is missing; the year before partial.
        let asOf = Day(year: last.year + 1, month: 6, day: 30)!
        let ytd = try YearToDate(events: t, asOf: asOf, grouping: grouping)
        let row = try #require(ytd.rows.first { $0.group == "early" })
        #expect(row.current == nil && row.change == nil)
        #expect(row.previous != nil && row.previousPartial == (row.previousEnd > last))
        // Rolling: windows wholly after its last event are not covered; those straddling
        // its first or last day are partial.
        let grouped = try GroupedEvents(events: t, workforce: try Workforce.implied(by: t), grouping: grouping)
        let r = try RollingRates(grouped: grouped, window: .days(60), schedule: .monthEnd)
        for a in r.rows(forGroup: "early") {
            let lo = a.day.advanced(by: -59)
            #expect(a.covered == (lo <= last && a.day >= first), "\(a.day)")
            #expect(a.partial == (a.covered && (lo < first || a.day > last)), "\(a.day)")
            if !a.covered { #expect(a.events == 0 && a.knownCut == nil && a.rate == nil) }
        }
        #expect(r.rows(forGroup: "early").contains { !$0.covered } && r.rows(forGroup: "early").contains(where: \.partial))
    }

    /// Labels and totals of a grouping by several columns, computed directly.
    @Test func groupingBySeveralColumnsMatchesBruteForce() throws {
        let t = staggeredEvents(seed: 93)
        let y = try YearOverYear(events: t, unit: .year, grouping: Grouping(columns: ["state", "county"]))
        func value(_ c: TextColumn, _ i: Int) -> String? { c[i] }
        // Ordered by state, then county, a missing county last within its state.
        let keys = Set((0..<t.count).map { [t.state[$0]!, t.county[$0] ?? "\u{10FFFF}"] })
            .sorted { $0.lexicographicallyPrecedes($1) }
        let labels = keys.map { $0.map { $0 == "\u{10FFFF}" ? Grouping.defaultMissingLabel : $0 }.joined(separator: " / ") }
        #expect(y.groups == labels)
        #expect(y.groupValues == keys.map { $0.map { $0 == "\u{10FFFF}" ? Grouping.defaultMissingLabel : $0 } })
        for r in y.rows {
            let parts = r.group.components(separatedBy: " / ")
            let want = bruteTotals(t) { i in
                t.state[i] == parts[0] && (t.county[i] ?? Grouping.defaultMissingLabel) == parts[1]
                    && t.day[i] >= r.period.start && t.day[i] <= r.period.end
            }
            #expect(same(r.totals, want, rel: 1e-12), "\(r.group) \(r.label)")
        }
        // Grouped by one column, "Jefferson" merges every state's; by both it does not.
        let byCounty = try YearOverYear(events: t, unit: .year, grouping: .by("county"))
        #expect(byCounty.groups.filter { $0 == "Jefferson" }.count == 1)
        #expect(y.groups.filter { $0.hasSuffix(" / Jefferson") }.count == 4)
    }

    /// More combinations than an Int numbers (six columns of 2,000 values): every event its
    /// own group, in the order of its values.
    @Test func groupingBySeveralWideColumns() throws {
        let n = 2000
        var columns: [(name: String, values: [String?])] = []
        var g = SeededGenerator(seed: 94)
        for c in 0..<6 { columns.append(("c\(c)", (0..<n).map { _ in String(format: "%06d", Int.random(in: 0..<1_000_000, using: &g)) })) }
        let t = try EventTable(day: [Day](repeating: Day(parsing: "2024-01-01")!, count: n),
                               cut: (0..<n).map { Double($0) }, extra: columns)
        let grouped = try GroupedEvents(events: t, workforce: try Workforce.implied(by: t),
                                        grouping: Grouping(columns: columns.map(\.name)))
        let want = (0..<n).map { i in columns.map { $0.values[i]! } }.sorted { $0.lexicographicallyPrecedes($1) }
        #expect(grouped.groupValues == want)
        #expect(grouped.groups == want.map { $0.joined(separator: " / ") })
    }

    @Test func fewerRateEventsThanTheMinimumLeaveTheRateOut() throws {
        let (t, w) = randomEvents(seed: 95, n: 120, start: Day(parsing: "2022-01-01")!, span: 700)
        for k in [1, 2, 4, 9] {
            let r = try RollingRates(events: t, workforce: w, window: .days(30), schedule: .monthEnd, minimumRateEvents: k)
            let all = try RollingRates(events: t, workforce: w, window: .days(30), schedule: .monthEnd)
            #expect(r.minimumRateEvents == k)
            for (a, b) in zip(r.rows, all.rows) {
                let withheld = b.rateWorkforce != 0 && b.rateEvents < k
                #expect(a.rateWithheld == withheld && a.rate == (withheld ? nil : b.rate), "k \(k) \(a.day)")
                #expect(a.events == b.events && a.rateEvents == b.rateEvents && a.rateCut == b.rateCut)
            }
            #expect(k == 1 || r.rows.contains(where: \.rateWithheld))
        }
        #expect(throws: AnalysisError.self) { try RollingRates(events: t, workforce: w, window: .days(30), minimumRateEvents: 0) }
    }
}
