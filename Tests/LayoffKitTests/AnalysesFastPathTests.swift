// The record-based analyses (counting sort by (group, day) into packed records) and the
// array-indexed fundamentals join against (1) the implementations they replaced, kept here
// as straightforward per-group index loops, compared exactly (same bits), and (2) brute force
// (rescan every event per group and period or window), counts exactly and sums to 1e-12
// relative. Random tables cover every sorting path: few groups and a short day range (one
// counting pass), many groups (day pass then group pass), and a day range much wider than
// the table (comparison sort); with missing values, empty groups and windows, ties on days
// and fractional cuts (so summation order matters in the last bit).
import Testing
import LayoffKit
import StatKit

/// A random table for the fast-path tests: `groups` industries (some levels left without
/// events), `companies` companies, days drawn from `dayCount` distinct days spread over
/// `span` days (few distinct days: many ties), fractional and integral cuts over several
/// orders of magnitude, missing values everywhere.
private func fastPathTable(seed: UInt64, n: Int, groups: Int, companies: Int, span: Int, dayCount: Int,
                           start: Day = Day(year: 2021, month: 11, day: 15)!) -> (EventTable, Workforce) {
    var g = SeededGenerator(seed: seed)
    var t = EventTable()
    // Levels that no event uses: empty groups must not appear.
    _ = t.industry.code(for: "Unused industry")
    _ = t.company.code(for: "Unused company")
    let days = (0..<dayCount).map { _ in start.advanced(by: Int.random(in: 0..<span, using: &g)) }
    var wf = NumericColumn(), src: [WorkforceSource] = []
    for i in 0..<n {
        t.day.append(days.randomElement(using: &g)!)
        t.company.append(Double.random(in: 0..<1, using: &g) < 0.05 ? nil : "Co\(Int.random(in: 0..<companies, using: &g))")
        t.industry.append(Double.random(in: 0..<1, using: &g) < 0.08 ? nil : "Ind\(Int.random(in: 0..<groups, using: &g))")
        let u = Double.random(in: 0..<1, using: &g)
        let cut: Double? = u < 0.25 ? nil
            : u < 0.5 ? Double.random(in: 0.1..<500, using: &g)
            : u < 0.55 ? Double(Int.random(in: 10_000...90_000, using: &g)) : Double(Int.random(in: 0...400, using: &g))
        t.cut.append(cut)
        let fr: Double? = Double.random(in: 0..<1, using: &g) < 0.4 ? nil
            : (Double.random(in: 0..<1, using: &g) < 0.05 ? 0 : Double.random(in: 0.01...1, using: &g))
        t.fraction.append(fr)
        t.line.append(Int32(i + 2))
        let v = Double.random(in: 0..<1, using: &g)
        if v < 0.2 {
            wf.append(Double.random(in: 0..<1, using: &g) < 0.1 ? 0 : Double.random(in: 50...300_000, using: &g))
            src.append(.fundamentals)
        } else if let c = cut, let f = fr, f > 0 {
            wf.append(c / f); src.append(.implied)
        } else if v < 0.25 {
            wf.append(Double.random(in: 1...1000, using: &g)); src.append(.unknown)
        } else {
            wf.append(nil); src.append(.unknown)
        }
    }
    return (t, try! Workforce(values: wf, source: src))
}

// MARK: - The replaced implementations (per-group index lists, per-event column reads)

/// Groups as the replaced code built them: one stable sort by day, then buckets by code,
/// buckets ordered by level name, the missing group last.
private func legacyGroups(_ t: EventTable, _ column: String?) -> [(name: String, members: [Int])] {
    let order = t.day.indices.sorted { (t.day[$0], $0) < (t.day[$1], $1) }
    guard let column, let col = t.groupColumn(named: column) else { return [("all", order)] }
    var buckets = Array(repeating: [Int](), count: col.levels.count + 1)
    for i in order {
        let c = col.codes[i]
        buckets[c < 0 ? col.levels.count : Int(c)].append(i)
    }
    var out = (0..<col.levels.count).filter { !buckets[$0].isEmpty }.sorted { col.levels[$0] < col.levels[$1] }
        .map { (name: col.levels[$0], members: buckets[$0]) }
    if !buckets[col.levels.count].isEmpty { out.append((Grouping.defaultMissingLabel, buckets[col.levels.count])) }
    return out
}

/// Totals as the replaced code summed them: `SlidingSum` in the order of `indices`.
private func legacyTotals(_ t: EventTable, _ indices: [Int]) -> EventTotals {
    var companies = Set<Int32>(), sum = SlidingSum(), without = 0
    for i in indices {
        if t.company.codes[i] >= 0 { companies.insert(t.company.codes[i]) }
        if let x = t.cut[i] { sum.add(x) } else { without += 1 }
    }
    return EventTotals(events: indices.count, companies: companies.count, cut: sum.value, eventsWithoutCount: without)
}

private func legacyRolling(_ t: EventTable, _ w: Workforce, window: TrailingWindow, days: [Day], column: String?)
    -> (rows: [RollingRateRow], sources: WorkforceSourceCounts)
{
    var rows: [RollingRateRow] = []
    var sources = WorkforceSourceCounts()
    for (name, members) in legacyGroups(t, column) {
        var l = 0, r = 0
        var perCompany: [Int32: Int] = [:]
        var cut = SlidingSum(), rateCut = SlidingSum(), rateWorkforce = SlidingSum()
        var src = WorkforceSourceCounts()
        for d in days {
            let lo = window.lowerBound(endingOn: d)
            while r < members.count, t.day[members[r]] <= d {
                let i = members[r]
                if t.company.codes[i] >= 0 { perCompany[t.company.codes[i], default: 0] += 1 }
                if let x = t.cut[i] {
                    cut.add(x)
                    if let v = w.values[i] {
                        rateCut.add(x); rateWorkforce.add(v); src[w.source[i]] += 1
                        if t.day[i] > lo { sources[w.source[i]] += 1 }
                    }
                }
                r += 1
            }
            while l < r, t.day[members[l]] <= lo {
                let i = members[l]
                let c = t.company.codes[i]
                if c >= 0 {
                    perCompany[c]! -= 1
                    if perCompany[c] == 0 { perCompany[c] = nil }
                }
                if let x = t.cut[i] {
                    cut.remove(x)
                    if let v = w.values[i] { rateCut.remove(x); rateWorkforce.remove(v); src[w.source[i]] -= 1 }
                }
                l += 1
            }
            let wf = rateWorkforce.value
            // The window's days (lo, d] against the table's first...last event day.
            let (first, last) = (t.day.min()!, t.day.max()!)
            rows.append(RollingRateRow(group: name, day: d, events: r - l, companies: perCompany.count, cut: cut.value,
                                       eventsWithCount: cut.count, rateEvents: rateCut.count, rateCut: rateCut.value,
                                       rateWorkforce: wf, rate: wf == 0 ? nil : rateCut.value / wf * 100,
                                       workforceSources: src,
                                       partial: lo < last && d >= first && (lo < first.advanced(by: -1) || d > last),
                                       covered: lo < last && d >= first))
        }
    }
    return (rows, sources)
}

/// Year-over-year totals per group and period offset, as the replaced code bucketed them.
private func legacyYoYTotals(_ t: EventTable, unit: PeriodUnit, column: String?, first: CalendarPeriod, periods: Int)
    -> [(name: String, totals: [EventTotals])]
{
    legacyGroups(t, column).map { name, members in
        var buckets = Array(repeating: [Int](), count: periods)
        for i in members { buckets[CalendarPeriod(unit, containing: t.day[i]).ordinal - first.ordinal].append(i) }
        return (name, buckets.map { legacyTotals(t, $0) })
    }
}

// MARK: - Brute force

/// Events of each group label, in table order.
private func membersByLabel(_ t: EventTable, _ column: String?) -> [String: [Int]] {
    Dictionary(grouping: 0..<t.count, by: { groupLabel(t, column, $0) })
}

private func bruteGroupTotals(_ t: EventTable, _ members: [Int], _ include: (Day) -> Bool) -> EventTotals {
    var companies = Set<String>(), n = 0, without = 0, cut = 0.0
    for i in members where include(t.day[i]) {
        n += 1
        if let c = t.company[i] { companies.insert(c) }
        if let x = t.cut[i] { cut += x } else { without += 1 }
    }
    return EventTotals(events: n, companies: companies.count, cut: cut, eventsWithoutCount: without)
}

@Suite struct AnalysesFastPathTests {
    /// (seed, events, industries, companies, day span, distinct days): the sorting paths.
    static let tables: [(UInt64, Int, Int, Int, Int, Int)] = [
        (1, 600, 4, 40, 400, 120),        // one counting pass on (group, day)
        (2, 1500, 12, 300, 700, 60),      // few distinct days: many ties
        (3, 2000, 6, 400, 900, 900),      // by company: many groups, day pass then group pass
        (4, 150, 5, 30, 20_000, 140),     // day range much wider than the table: comparison sort
        (5, 40, 3, 8, 120, 10),           // tiny, with windows that hold nothing
        (6, 1, 1, 1, 1, 1),
        (7, 3000, 8, 200, 2000, 1500),    // by industry: many (group, day) keys, by group then by day
    ]

    @Test(arguments: 0..<tables.count)
    func rollingMatchesReplacedImplementationAndBruteForce(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let first = t.day.min()!, last = t.day.max()!
        let settings: [(TrailingWindow, EvaluationSchedule, Day?, Day?)] = [
            (.days(90), .monthEnd, nil, nil), (.days(3), .daily, nil, first.advanced(by: 200)),
            (.months(2), .monthEnd, first.advanced(by: -40), last.advanced(by: 70)), (.days(1), .daily, last, nil),
        ]
        for column in [nil, "industry", "company"] {
            for (window, schedule, from, to) in settings {
                let got = try RollingRates(events: t, workforce: w, window: window, schedule: schedule,
                                           from: from, to: to, grouping: Grouping(column: column))
                // Records shared through GroupedEvents: the same rows, bit for bit.
                let shared = try RollingRates(grouped: try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column)),
                                          window: window, schedule: schedule, from: from, to: to)
                #expect(shared == got)
                let legacy = legacyRolling(t, w, window: window, days: got.days, column: column)
                // Same bits as the replaced implementation.
                #expect(got.rows == legacy.rows, "column \(column ?? "-") window \(window)")
                #expect(got.workforceSources == legacy.sources)
                #expect(got.groups == expectedGroups(t, column))
                // Brute force: counts exactly, sums to 1e-12 relative (plus 1e-9 absolute for
                // windows whose terms cancel).
                let byLabel = membersByLabel(t, column)
                #expect(got.rows.count == got.groups.count * got.days.count)
                for a in got.rows {
                    let lower = window.lowerBound(endingOn: a.day)
                    var n = 0, withCount = 0, rateEvents = 0, cut = 0.0, rc = 0.0, rw = 0.0
                    var names = Set<String>(), src = WorkforceSourceCounts()
                    for i in byLabel[a.group] ?? [] where t.day[i] > lower && t.day[i] <= a.day {
                        n += 1
                        if let c = t.company[i] { names.insert(c) }
                        if let x = t.cut[i] {
                            cut += x; withCount += 1
                            if let v = w.values[i] { rc += x; rw += v; rateEvents += 1; src[w.source[i]] += 1 }
                        }
                    }
                    #expect(a.events == n && a.companies == names.count && a.eventsWithCount == withCount
                            && a.rateEvents == rateEvents && a.workforceSources == src)
                    for (x, y) in [(a.cut, cut), (a.rateCut, rc), (a.rateWorkforce, rw)] {
                        #expect(abs(x - y) <= 1e-12 * max(abs(x), abs(y)) + 1e-9)
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<tables.count)
    func yearOverYearMatchesReplacedImplementationAndBruteForce(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        for column in [nil, "industry", "company"] {
            let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column))
            for unit in [PeriodUnit.month, .quarter, .year] {
                let got = try YearOverYear(events: t, unit: unit, grouping: Grouping(column: column))
                #expect(try YearOverYear(grouped: grouped, unit: unit) == got)   // shared records, same bits
                let legacy = legacyYoYTotals(t, unit: unit, column: column, first: got.periods[0], periods: got.periods.count)
                #expect(got.groups == legacy.map(\.name))
                #expect(got.rows.count == legacy.count * got.periods.count)
                let byLabel = membersByLabel(t, column)
                for (g, (name, totals)) in legacy.enumerated() {
                    for (p, period) in got.periods.enumerated() {
                        let row = got.rows[g * got.periods.count + p]
                        #expect(row.group == name && row.period == period)
                        #expect(row.totals == totals[p])   // same bits
                        let brute = bruteGroupTotals(t, byLabel[name]!) { $0 >= period.start && $0 <= period.end }
                        #expect(same(row.totals, brute, rel: 1e-12))
                    }
                }
            }
        }
    }

    @Test(arguments: 0..<tables.count)
    func yearToDateMatchesReplacedImplementationAndBruteForce(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let first = t.day.min()!, last = t.day.max()!
        for asOf in [last, first, first.advanced(by: 400), Day(year: 2024, month: 2, day: 29)!, first.advanced(by: -30)] {
            for column in [nil, "industry", "company"] {
                let got = try YearToDate(events: t, asOf: asOf, grouping: Grouping(column: column))
                let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column))
                #expect(try YearToDate(grouped: grouped, asOf: asOf) == got)   // shared records, same bits
                let legacy = legacyGroups(t, column)
                let byLabel = membersByLabel(t, column)
                #expect(got.rows.map(\.group) == legacy.map(\.name))
                for (row, (name, members)) in zip(got.rows, legacy) {
                    let cov = try #require(Coverage(first: first, last: last))
                    let cur = cov.intersects(row.start, row.end)
                        ? legacyTotals(t, members.filter { t.day[$0] >= row.start && t.day[$0] <= row.end }) : nil
                    let prev = cov.intersects(row.previousStart, row.previousEnd)
                        ? legacyTotals(t, members.filter { t.day[$0] >= row.previousStart && t.day[$0] <= row.previousEnd }) : nil
                    #expect(row.current == cur && row.previous == prev)   // same bits
                    let bruteCur = bruteGroupTotals(t, byLabel[name]!) { $0 >= row.start && $0 <= row.end }
                    let brutePrev = bruteGroupTotals(t, byLabel[name]!) { $0 >= row.previousStart && $0 <= row.previousEnd }
                    #expect(same(row.current, cur == nil ? nil : bruteCur, rel: 1e-12))
                    #expect(same(row.previous, prev == nil ? nil : brutePrev, rel: 1e-12))
                }
            }
        }
    }

    /// Grouped events written into the record memory of earlier ones (larger, equal or
    /// smaller, with other groupings) give the same analyses, bit for bit, as fresh ones.
    @Test(arguments: 0..<tables.count)
    func groupedEventsReusingStorageMatchFresh(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let (half, wHalf) = fastPathTable(seed: seed &+ 1, n: n / 2, groups: groups, companies: companies, span: span,
                                          dayCount: dayCount)
        var spare = try GroupedEvents(events: t, workforce: w, grouping: .by("company")).releaseStorage()
        for (table, workforce) in [(t, w), (half, wHalf), (t, w)] {
            for column in [nil, "industry", "company"] {
                let fresh = try GroupedEvents(events: table, workforce: workforce, grouping: Grouping(column: column))
                let reused = try GroupedEvents(events: table, workforce: workforce, grouping: Grouping(column: column),
                                               reusing: consume spare)
                #expect(reused.groups == fresh.groups && reused.count == fresh.count)
                #expect(try RollingRates(grouped: reused, window: .days(90)) == (try RollingRates(grouped: fresh, window: .days(90))))
                #expect(try YearOverYear(grouped: reused, unit: .month) == (try YearOverYear(grouped: fresh, unit: .month)))
                if let last = table.day.max() {
                    #expect(try YearToDate(grouped: reused, asOf: last) == (try YearToDate(grouped: fresh, asOf: last)))
                }
                spare = reused.releaseStorage()
            }
        }
    }

    /// Both counting-sort paths, forced, give the rows of the replaced implementation, bit for
    /// bit, for every grouping (where a path does not apply, the one that does is taken).
    @Test(arguments: 0..<tables.count)
    func sortPathsMatchReplacedImplementation(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let last = t.day.max()!
        for column in [nil, "industry", "company"] {
            let legacy = legacyGroups(t, column)
            for path in [RecordSortPath.onePass, .twoLevel] {
                let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column),
                                                reusing: nil, path: path)
                #expect(grouped.groups == legacy.map(\.name))
                let rolling = try RollingRates(grouped: grouped, window: .days(45), schedule: .monthEnd)
                let want = legacyRolling(t, w, window: .days(45), days: rolling.days, column: column)
                #expect(rolling.rows == want.rows, "column \(column ?? "-") path \(path)")
                #expect(rolling.workforceSources == want.sources)
                let yoy = try YearOverYear(grouped: grouped, unit: .month)
                let wantYoY = legacyYoYTotals(t, unit: .month, column: column, first: yoy.periods[0], periods: yoy.periods.count)
                #expect(yoy.rows.map(\.totals) == wantYoY.flatMap(\.totals))
                #expect(try YearToDate(grouped: grouped, asOf: last) == (try YearToDate(events: t, asOf: last, grouping: Grouping(column: column))))
            }
        }
    }

    /// Rolling rates of selected groups only: the rows those groups have in the full result
    /// (same bits), and workforce sources that add up with the other groups' to the full
    /// count (each event is in one group).
    @Test(arguments: 0..<tables.count)
    func rollingOfSelectedGroupsMatchesFullResult(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        for column in [nil, "industry", "company"] {
            let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column))
            let full = try RollingRates(grouped: grouped, window: .days(60), schedule: .monthEnd)
            let labels = full.groups
            let picked = Set(labels.enumerated().filter { $0.offset % 3 != 1 }.map(\.element) + ["no such group"])
            let part = try RollingRates(grouped: grouped, window: .days(60), schedule: .monthEnd, only: picked)
            let rest = try RollingRates(grouped: grouped, window: .days(60), schedule: .monthEnd, only: Set(labels).subtracting(picked))
            #expect(part.groups == labels.filter { picked.contains($0) })
            #expect(part.days == full.days)
            #expect(part.rows == full.rows.filter { picked.contains($0.group) })
            #expect(rest.rows == full.rows.filter { !picked.contains($0.group) })
            for g in part.groups { #expect(part.rows(forGroup: g) == full.rows(forGroup: g)) }
            let sum = WorkforceSourceCounts(fundamentals: part.workforceSources.fundamentals + rest.workforceSources.fundamentals,
                                            implied: part.workforceSources.implied + rest.workforceSources.implied,
                                            unlabeled: part.workforceSources.unlabeled + rest.workforceSources.unlabeled)
            #expect(sum == full.workforceSources)
            let none = try RollingRates(grouped: grouped, window: .days(60), schedule: .monthEnd, only: [])
            #expect(none.groups.isEmpty && none.rows.isEmpty && none.workforceSources == WorkforceSourceCounts())
        }
    }

    /// Year over year from a given period: the full table's rows for the periods from it on
    /// (same bits), for periods before, inside and after the coverage; group sizes and the
    /// coverage against counting the table.
    @Test(arguments: 0..<tables.count)
    func yearOverYearFromAPeriodMatchesFullTable(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let first = t.day.min()!, last = t.day.max()!
        #expect(Coverage(t) == Coverage(first: first, last: last))
        for column in [nil, "industry"] {
            let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column))
            let byLabel = membersByLabel(t, column)
            #expect(grouped.groupSizes == grouped.groups.map { byLabel[$0]!.count })
            for unit in [PeriodUnit.month, .quarter, .year] {
                let full = try YearOverYear(grouped: grouped, unit: unit)
                let firstPeriod = CalendarPeriod(unit, containing: first)
                for offset in [-3, 0, 1, unit.periodsPerYear, unit.periodsPerYear + 1, full.periods.count - 1, full.periods.count + 2] {
                    let from = firstPeriod.advanced(by: offset)
                    let part = try YearOverYear(grouped: grouped, unit: unit, from: from)
                    #expect(part.periods == full.periods.filter { $0 >= from })
                    #expect(part.rows == full.rows.filter { $0.period >= from }, "unit \(unit) from \(from)")
                    #expect(part.groups == full.groups && part.coverage == full.coverage)
                }
            }
        }
    }

    /// `GroupedEvents.totals(group:from:to:)` against the replaced summation (the group's
    /// events in day order, same bits) and brute force (counts exactly, cut to 1e-12
    /// relative), over spans inside, across and outside the data, and empty ones.
    @Test(arguments: 0..<tables.count)
    func spanTotalsMatchReplacedImplementationAndBruteForce(_ k: Int) throws {
        let (seed, n, groups, companies, span, dayCount) = Self.tables[k]
        let (t, w) = fastPathTable(seed: seed, n: n, groups: groups, companies: companies, span: span, dayCount: dayCount)
        let first = t.day.min()!, last = t.day.max()!
        let spans = [(first, last), (first.advanced(by: 10), first.advanced(by: 40)), (first.advanced(by: -30), first),
                     (last, last.advanced(by: 5)), (last.advanced(by: 1), last.advanced(by: 9)),
                     (first.advanced(by: 20), first.advanced(by: 19)), (first.advanced(by: 3), first.advanced(by: 3))]
        for column in [nil, "industry"] {
            let grouped = try GroupedEvents(events: t, workforce: w, grouping: Grouping(column: column))
            let byLabel = membersByLabel(t, column)
            for (g, (name, members)) in legacyGroups(t, column).enumerated() {
                for (from, to) in spans {
                    let got = try grouped.totals(group: g, from: from, to: to)
                    #expect(got == legacyTotals(t, members.filter { t.day[$0] >= from && t.day[$0] <= to }))
                    let brute = bruteGroupTotals(t, byLabel[name]!) { $0 >= from && $0 <= to }
                    #expect(same(got, brute, rel: 1e-12))
                    if column == nil {
                        let table = try EventTotals.span(t, from: from, to: to)
                        #expect(got.events == table.events && got.companies == table.companies
                                && got.eventsWithoutCount == table.eventsWithoutCount)
                        #expect(abs(got.cut - table.cut) <= 1e-12 * abs(table.cut))
                    }
                }
            }
        }
    }

    @Test func emptyTable() throws {
        let t = EventTable(), w = try Workforce.implied(by: t)
        let r = try RollingRates(events: t, workforce: w, window: .days(30), grouping: .by("industry"))
        #expect(r.rows.isEmpty && r.groups.isEmpty)
        let y = try YearOverYear(events: t, unit: .month, grouping: .by("company"))
        #expect(y.rows.isEmpty && y.coverage == nil)
        let d = try YearToDate(events: t, asOf: Day(year: 2024, month: 1, day: 1)!, grouping: .by("industry"))
        #expect(d.rows.isEmpty)
        let g = try GroupedEvents(events: t, workforce: w, grouping: .by("industry"))
        #expect(g.groups.isEmpty && g.coverage == nil && g.count == 0)
        #expect(try RollingRates(grouped: g, window: .days(30)) == r)
        #expect(try YearToDate(grouped: g, asOf: Day(year: 2024, month: 1, day: 1)!) == d)
        #expect(try YearOverYear(grouped: try GroupedEvents(events: t, workforce: w, grouping: .by("company")), unit: .month) == y)
        // Unknown columns and a workforce of another table are refused as by the events initializers.
        #expect(throws: AnalysisError.self) { try GroupedEvents(events: t, workforce: w, grouping: .by("nope")) }
        var one = EventTable()
        one.day.append(Day(year: 2024, month: 1, day: 2)!)
        #expect(throws: AnalysisError.self) { try GroupedEvents(events: one, workforce: w) }
    }
}

// MARK: - Fundamentals join

/// The join as the replaced code did it: a dictionary from (key number, year) to the first
/// row, looked up per event.
private func legacyJoin(_ events: EventTable, _ f: FundamentalsTable, _ options: JoinOptions)
    -> (row: [Int?], year: [Int], workforce: Workforce, unmatched: [(String, Int)], ambiguous: [Int])
{
    var keyNumber: [String: Int] = [:]
    var index: [[Int]: Int] = [:]
    var ambiguous: [Int] = []
    for i in 0..<f.count {
        let key = options.names.key(f.company[i])
        let n = keyNumber[key] ?? keyNumber.count
        keyNumber[key] = n
        if index[[n, f.fiscalYear[i]]] == nil { index[[n, f.fiscalYear[i]]] = i } else { ambiguous.append(Int(f.line[i])) }
    }
    let implied = try! Workforce.implied(by: events)
    var rows: [Int?] = [], years: [Int] = [], wf = NumericColumn(), source: [WorkforceSource] = []
    var unmatched: [String: Int] = [:]
    for i in 0..<events.count {
        let year = events.day[i].year - options.lag
        years.append(year)
        let r = events.company[i].flatMap { keyNumber[options.names.key($0)] }.flatMap { index[[$0, year]] }
        rows.append(r)
        if r == nil { unmatched[events.company[i] ?? "", default: 0] += 1 }
        if let r, let e = f.employees[r] { wf.append(e); source.append(.fundamentals) } else {
            wf.append(implied.values[i]); source.append(implied.source[i])
        }
    }
    return (rows, years, try! Workforce(values: wf, source: source),
            unmatched.map { ($0.key, $0.value) }.sorted { $0.1 != $1.1 ? $0.1 > $1.1 : $0.0 < $1.0 }, ambiguous)
}

extension AnalysesFastPathTests {
    /// (seed, lag, day span): events over ~5 years (a dense (key, year) table) or over
    /// ~820 years (more keys × years than the dense table takes: linear search per key).
    @Test(arguments: [(UInt64(11), 0, 2000), (12, 1, 2000), (13, 0, 2000), (14, 2, 2000), (15, 0, 300_000), (16, 1, 300_000)])
    func joinMatchesReplacedImplementation(_ seed: UInt64, _ lag: Int, _ span: Int) throws {
        var g = SeededGenerator(seed: seed)
        let (t, _) = fastPathTable(seed: seed, n: 3000, groups: 5, companies: 120, span: span, dayCount: 700,
                                   start: Day(year: 2016, month: 3, day: 1)!)
        // Fundamentals: most companies, under variant spellings (suffixes, case, aliases),
        // years in any order, some (company, year) repeated, some employees missing.
        var f = FundamentalsTable()
        var line: Int32 = 2
        var companies = Array(0..<140).shuffled(using: &g)
        companies += companies.prefix(10)   // a company again, later, in another spelling
        for c in companies where Double.random(in: 0..<1, using: &g) < 0.85 {
            let spellings = ["Co\(c)", "Co\(c) Inc.", "CO\(c) Corporation", "The Co\(c)"]
            for year in (2018...2027).shuffled(using: &g) where Double.random(in: 0..<1, using: &g) < 0.6 {
                for _ in 0..<(Double.random(in: 0..<1, using: &g) < 0.05 ? 2 : 1) {
                    f.company.append(spellings.randomElement(using: &g)!)
                    f.fiscalYear.append(year)
                    f.employees.append(Double.random(in: 0..<1, using: &g) < 0.1 ? nil : Double(Int.random(in: 10...90_000, using: &g)))
                    f.revenue.append(nil); f.revenueGrowth.append(nil); f.growthDerived.append(false)
                    f.line.append(line); line += 1
                }
            }
        }
        var names = CompanyNames()
        names.addAlias("Co7", for: "Co8")      // two event companies joined to one key
        names.addAlias("Co9", for: "Nobody")   // an alias to a key with no rows
        let options = JoinOptions(lag: lag, names: names)
        let got = try FundamentalsJoin(events: t, fundamentals: f, options: options)
        let want = legacyJoin(t, f, options)
        #expect(got.row == want.row.map { $0.map(Int32.init) ?? -1 })
        #expect(got.fiscalYear == want.year.map { Int32($0) })
        #expect(got.workforce == want.workforce)
        #expect(got.unmatchedCompanies.map(\.company) == want.unmatched.map(\.0))
        #expect(got.unmatchedCompanies.map(\.events) == want.unmatched.map(\.1))
        #expect(got.ambiguousFundamentalsLines == want.ambiguous)
        #expect(!want.ambiguous.isEmpty && got.matchedCount > 0 && got.unmatchedCount > 0)
    }
}
