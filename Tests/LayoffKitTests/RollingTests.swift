import Testing
import LayoffKit
import StatKit

@Suite struct RollingTests {
    /// Brute force: for each group and evaluation day rescan every event.
    static func brute(_ t: EventTable, _ w: Workforce, window: TrailingWindow, days: [Day], column: String?)
        -> [RollingRateRow]
    {
        var out: [RollingRateRow] = []
        for group in expectedGroups(t, column) {
            for d in days {
                let lower: Day
                switch window {
                case .days(let n): lower = Day(number: d.number - Int32(n))
                case .months(let m): lower = d.addingMonths(-m)
                }
                var n = 0, withCount = 0, rateEvents = 0
                var companies = Set<String>()
                var cut = 0.0, rc = 0.0, rw = 0.0
                var src = WorkforceSourceCounts()
                for i in 0..<t.count where groupLabel(t, column, i) == group && t.day[i] > lower && t.day[i] <= d {
                    n += 1
                    if let c = t.company[i] { companies.insert(c) }
                    if let x = t.cut[i] {
                        cut += x; withCount += 1
                        if let v = w.values[i] {
                            rc += x; rw += v; rateEvents += 1
                            switch w.source[i] {
                            case .fundamentals: src.fundamentals += 1
                            case .implied: src.implied += 1
                            case .unknown: src.unlabeled += 1
                            }
                        }
                    }
                }
                out.append(RollingRateRow(group: group, day: d, events: n, companies: companies.count, cut: cut,
                                          eventsWithCount: withCount, rateEvents: rateEvents, rateCut: rc,
                                          rateWorkforce: rw, rate: rw == 0 ? nil : rc / rw * 100,
                                          workforceSources: src))
            }
        }
        return out
    }

    /// Evaluation days computed directly: every day, or days whose next day is a 1st.
    static func expectedDays(_ schedule: EvaluationSchedule, _ from: Day, _ to: Day) -> [Day] {
        var out: [Day] = []
        var d = from
        while d <= to {
            if schedule == .daily || d.advanced(by: 1).dayOfMonth == 1 { out.append(d) }
            d = d.advanced(by: 1)
        }
        return out
    }

    static func check(_ got: RollingRates, _ want: [RollingRateRow]) {
        #expect(got.rows.count == want.count)
        var bad = 0
        for (a, b) in zip(got.rows, want) {
            // Counts exact; sums and rates to 1e-12 relative.
            let ok = a.group == b.group && a.day == b.day && a.events == b.events && a.companies == b.companies
                && a.eventsWithCount == b.eventsWithCount && a.rateEvents == b.rateEvents
                && a.workforceSources == b.workforceSources
                && close(a.cut, b.cut, rel: 1e-12) && close(a.rateCut, b.rateCut, rel: 1e-12)
                && close(a.rateWorkforce, b.rateWorkforce, rel: 1e-12) && close(a.rate, b.rate, rel: 1e-12)
            if !ok {
                bad += 1
                if bad <= 3 { Issue.record("row mismatch:\n got \(a)\nwant \(b)") }
            }
        }
        #expect(bad == 0)
    }

    static let cases: [(window: String, schedule: EvaluationSchedule, column: String?, seed: UInt64)] = [
        ("90d", .daily, nil, 1), ("30d", .daily, "industry", 2), ("1d", .daily, "industry", 3),
        ("3m", .daily, nil, 4), ("1m", .daily, "industry", 5), ("90d", .monthEnd, "industry", 6),
        ("3m", .monthEnd, "industry", 7), ("12m", .monthEnd, nil, 8), ("7d", .monthEnd, "company", 9),
    ]

    @Test(arguments: 0..<cases.count)
    func matchesBruteForceOnRandomTables(_ k: Int) throws {
        let c = Self.cases[k]
        // 600 events over ~2 years spanning 2024-02-29, so month windows meet clamped days.
        let (t, w) = randomEvents(seed: c.seed, n: 600, start: Day(parsing: "2023-05-17")!, span: 760)
        let window = try TrailingWindow(parsing: c.window)
        let got = try RollingRates(events: t, workforce: w, window: window, schedule: c.schedule,
                                   grouping: Grouping(column: c.column))
        let days = Self.expectedDays(c.schedule, t.day.min()!, t.day.max()!)
        #expect(got.days == days)
        #expect(got.groups == expectedGroups(t, c.column))
        Self.check(got, Self.brute(t, w, window: window, days: days, column: c.column))
        #expect(got.rows(forGroup: got.groups.last!).map(\.day) == days)
        // Events behind the rates, by source, over all evaluated windows.
        var want = WorkforceSourceCounts()
        for i in 0..<t.count where t.cut[i] != nil && w.values[i] != nil
            && days.contains(where: { window.contains(t.day[i], endingOn: $0) }) {
            want[w.source[i]] += 1
        }
        #expect(got.workforceSources == want)
        #expect(want.fundamentals > 0 && want.implied > 0)
    }

    @Test func fromToLimitsAndRangeBeyondData() throws {
        let (t, w) = randomEvents(seed: 11, n: 300, start: Day(parsing: "2024-01-01")!, span: 400)
        let from = Day(parsing: "2023-11-15")!, to = Day(parsing: "2024-06-30")!
        let got = try RollingRates(events: t, workforce: w, window: .days(45), schedule: .daily,
                                   from: from, to: to, grouping: .by("industry"))
        let days = Self.expectedDays(.daily, from, to)
        #expect(got.days == days)
        Self.check(got, Self.brute(t, w, window: .days(45), days: days, column: "industry"))
    }

    @Test func emptyWindowsHaveNilRateNeverNaN() throws {
        var t = EventTable()
        t.day = [Day(parsing: "2024-01-10")!, Day(parsing: "2024-03-01")!]
        t.company = TextColumn(["A", "B"]); t.cut = NumericColumn([10, 5]); t.fraction = NumericColumn([0.1, nil])
        t.line = [2, 3]
        let w = try Workforce.implied(by: t)
        let r = try RollingRates(events: t, workforce: w, window: .days(10))
        #expect(r.rows.count == 52)
        #expect(r.rows.allSatisfy { $0.rate.map { $0.isFinite } ?? true })
        #expect(r.rows.first?.rate == 10.0 / 100.0 * 100)   // 10 of an implied 100
        #expect(r.rows[10].events == 0 && r.rows[10].rate == nil && r.rows[10].cut == 0)
        #expect(r.rows.last?.events == 1 && r.rows.last?.rate == nil && r.rows.last?.cut == 5)
        #expect(r.workforceSources == WorkforceSourceCounts(implied: 1))
        #expect(throws: AnalysisError.self) { try RollingRates(events: t, workforce: w, window: .days(3), grouping: .by("nope")) }
        let short = try Workforce(values: NumericColumn([1]), source: [.implied])
        #expect(throws: AnalysisError.self) { try RollingRates(events: t, workforce: short, window: .days(3)) }
        let empty = try RollingRates(events: EventTable(), workforce: Workforce(values: NumericColumn(), source: []), window: .days(3))
        #expect(empty.rows.isEmpty && empty.days.isEmpty)
    }

    @Test func windowParsing() throws {
        #expect(try TrailingWindow(parsing: "90d") == .days(90))
        #expect(try TrailingWindow(parsing: "3m") == .months(3))
        #expect(try TrailingWindow(parsing: "12M") == .months(12))
        for bad in ["", "d", "0d", "3w", "-3d", "+3d", "1.5m", " 3m", "3m ", "90", "9999999d"] {
            #expect(throws: TrailingWindowError.invalid(bad)) { try TrailingWindow(parsing: bad) }
        }
        #expect(TrailingWindow.months(3).description == "3m")
        // (d − 3 months, d]: 2024-05-31 looks back to, and excludes, 2024-02-29.
        let d = Day(parsing: "2024-05-31")!
        #expect(TrailingWindow.months(3).contains(Day(parsing: "2024-03-01")!, endingOn: d))
        #expect(!TrailingWindow.months(3).contains(Day(parsing: "2024-02-29")!, endingOn: d))
        #expect(TrailingWindow.days(90).contains(d.advanced(by: -89), endingOn: d))
        #expect(!TrailingWindow.days(90).contains(d.advanced(by: -90), endingOn: d))
    }

    @Test func slidingSumCancelsExactly() {
        var s = SlidingSum()
        s.add(1e16); s.add(1.5); s.add(0.25)
        s.remove(1e16)
        #expect(s.value == 1.75)   // naive running sum gives 2.0
        s.remove(1.5); s.remove(0.25)
        #expect(s.value == 0 && s.count == 0)
    }
}
