// libFuzzer target: the LayoffKit analyses driven through their public API with tables and
// parameters made from the input bytes (see Fuzz/README.md).
//
// The bytes choose an event table column by column: each column consistent, left empty, or
// of another length; text codes that may name no level; presence masks that may disagree
// with their values; days that may lie outside the supported years; extra columns that may
// repeat a name. They also choose a workforce (possibly of another length), a grouping
// (zero to three columns, some unknown, shared or per-group coverage), a window, a schedule,
// evaluation and as-of days, a minimum number of rate events and a fundamentals table.
//
// Every public entry point must throw an AnalysisError or return a result that holds
// together (rows = groups × periods or days; no change where a cut is unknown; a withheld
// rate is nil), and an input that EventTable.validate() accepts, with known group columns,
// a matching workforce and parameters in range, must not be refused.
import StatKit
import LayoffKit

/// Reads the input as a stream of choices; past its end every choice is 0.
private struct Choices {
    let bytes: UnsafeRawBufferPointer
    var at = 0

    mutating func byte() -> Int {
        defer { at += 1 }
        return at < bytes.count ? Int(bytes[at]) : 0
    }

    /// A number in `0..<n` (n ≥ 1).
    mutating func below(_ n: Int) -> Int { byte() % n }

    /// `true` with probability about `k`/256.
    mutating func chance(_ k: Int) -> Bool { byte() < k }

    /// Two bytes as a number in `0..<n`.
    mutating func wide(_ n: Int) -> Int { (byte() << 8 | byte()) % n }
}

private let base = Day(year: 2018, month: 1, day: 1)!
/// Days outside the supported years 0001–9999, and the extremes of the type.
private let outside = [Day(number: Int32.max), Day(number: Int32.min), Day(year: 0, month: 12, day: 31)!,
                       Day(year: 10_000, month: 1, day: 1)!]

private func table(_ c: inout Choices) -> EventTable {
    let n = c.below(24)
    func length() -> Int {
        let u = c.byte()
        return u < 200 ? n : u < 228 ? 0 : c.below(n + 4)
    }
    func text(_ pool: [String]) -> TextColumn {
        var col = TextColumn((0..<length()).map { _ in c.chance(40) ? nil : pool[c.below(pool.count)] })
        if !col.codes.isEmpty && c.chance(12) {
            col.codes[c.below(col.codes.count)] = [-2, Int32(col.levels.count), 99, Int32.max, Int32.min][c.below(5)]
        }
        return col
    }
    func numbers() -> NumericColumn {
        var col = NumericColumn((0..<length()).map { _ in c.chance(70) ? nil : Double(c.wide(20_000)) })
        if c.chance(10) { col.values.append(1) }
        if c.chance(10) && !col.isPresent.isEmpty { col.isPresent.removeLast() }
        return col
    }
    var t = EventTable()
    t.day = (0..<n).map { _ in c.chance(6) ? outside[c.below(outside.count)] : base.advanced(by: c.wide(3650)) }
    t.company = text(["A", "B", "C", "D", "Café", "Cafe\u{301}"])
    t.location = text(["X", "Y"])
    t.cut = numbers()
    t.fraction = numbers()
    t.industry = text(["Retail", "AI", "Food", "(missing)"])
    t.source = StringColumn(text(["s"]))
    t.stage = text(["Seed", "Post-IPO"])
    t.fundsRaised = numbers()
    t.country = text(["US", "DE"])
    t.dateAdded = OptionalDayColumn((0..<length()).map { _ in c.chance(128) ? nil : base.advanced(by: c.wide(3650)) })
    if c.chance(220) { t.line = (0..<length()).map { Int32($0 + 2) } }
    for _ in 0..<c.below(3) {
        t.extra.append((["state", "county", "industry", ""][c.below(4)], StringColumn(text(["MI", "OH", "TX"]))))
    }
    return t
}

private func workforce(_ c: inout Choices, _ t: EventTable) -> Workforce? {
    if c.chance(180) { return try? Workforce.implied(by: t) }
    let m = c.chance(128) ? t.count : c.below(t.count + 3)
    var values = NumericColumn((0..<m).map { _ in c.chance(100) ? nil : Double(c.wide(50_000)) })
    let source = (0..<m).map { _ in WorkforceSource.allCases[c.below(3)] }
    if c.chance(20) { values.values.append(1) }
    do {
        var w = try Workforce(values: values, source: source)
        // Fields changed after the checked initialiser.
        if c.chance(20) { w.source.append(.implied) }
        return w
    } catch {
        _ = error.description
        return nil
    }
}

private func day(_ c: inout Choices) -> Day? {
    let u = c.byte()
    if u < 100 { return nil }
    if u < 245 { return base.advanced(by: c.wide(4000) - 200) }
    return outside[c.below(outside.count)]
}

private func inRange(_ d: Day?) -> Bool { d.map { $0.year >= 1 && $0.year <= 9999 } ?? true }

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafeRawPointer, _ count: Int) -> CInt {
    var c = Choices(bytes: UnsafeRawBufferPointer(start: data, count: count))
    let t = table(&c)
    let valid: Bool
    do { try t.validate(); valid = true } catch { _ = error.description; valid = false }
    let w = workforce(&c, t)
    let names = ["industry", "company", "country", "state", "county", "nope", "location"]
    let grouping = Grouping(columns: (0..<c.below(4)).map { _ in names[c.below(names.count)] },
                            coverage: c.chance(128) ? .shared : .perGroup,
                            missingLabel: c.chance(20) ? "A" : Grouping.defaultMissingLabel)
    let groupsKnown = grouping.columns.allSatisfy { t.groupColumnNames.contains($0) }
    let wfOK = w.map { $0.values.values.count == t.count && $0.values.isPresent.count == t.count && $0.source.count == t.count } ?? false
    let (from, to, asOf) = (day(&c), day(&c), day(&c))
    let daysOK = inRange(from) && inRange(to) && inRange(asOf)
    let windows: [TrailingWindow] = [.days(1 + c.below(120)), .months(1 + c.below(24)), .days(0), .months(-1),
                                     .days(Int.max), .months(Int.max), .days(3_652_500), .months(120_000)]
    let window = windows[c.chance(200) ? c.below(2) : c.below(windows.count)]
    let windowOK: Bool
    switch window {
    case .days(let d): windowOK = d >= 1 && d <= 3_652_500
    case .months(let m): windowOK = m >= 1 && m <= 120_000
    }
    let minimum = c.below(6) - 1
    let units: [PeriodUnit] = [.month, .quarter, .year]
    let unit = units[c.below(3)]
    // A daily schedule over a long range is large, not wrong: month ends keep each input fast.
    let schedule: EvaluationSchedule = c.chance(40) && from != nil && to != nil ? .daily : .monthEnd

    do {
        let y = try YearOverYear(events: t, unit: unit, grouping: grouping)
        precondition(y.rows.count == y.groups.count * y.periods.count && y.groupValues.count == y.groups.count)
        for r in y.rows {
            precondition(r.cut != nil || r.change == nil, "a change from an unknown cut")
            precondition(r.totals != nil || r.cut == nil, "a cut outside the coverage")
            precondition(r.pctChange?.isFinite ?? true, "a percent change that is not finite")
        }
    } catch {
        _ = error.description
        precondition(!(valid && groupsKnown), "a valid table was refused: \(error)")
    }
    do {
        let d = try YearToDate(events: t, asOf: asOf ?? base, grouping: grouping)
        precondition(d.rows.count == d.groupValues.count)
        for r in d.rows { precondition(r.change == nil || (r.current?.knownCut != nil && r.previous?.knownCut != nil)) }
    } catch {
        _ = error.description
        precondition(!(valid && groupsKnown && inRange(asOf)), "a valid table was refused: \(error)")
    }
    if let w {
        do {
            let r = try RollingRates(events: t, workforce: w, window: window, schedule: schedule, from: from, to: to,
                                     grouping: grouping, minimumRateEvents: minimum)
            precondition(r.rows.count == r.groups.count * r.days.count)
            for row in r.rows {
                precondition(!row.rateWithheld || row.rate == nil)
                precondition(row.covered || (row.events == 0 && row.knownCut == nil))
                precondition(row.rate?.isFinite ?? true)
            }
        } catch {
            _ = error.description
            precondition(!(valid && groupsKnown && wfOK && daysOK && windowOK && minimum >= 1), "refused: \(error)")
        }
        do {
            let grouped = try GroupedEvents(events: t, workforce: w, grouping: grouping)
            precondition(grouped.groupSizes.reduce(0, +) == t.count)
            if let cov = grouped.coverage {
                _ = try grouped.totals(group: c.below(grouped.groups.count + 1), from: cov.first, to: cov.last)
            }
            _ = try YearOverYear(grouped: grouped, unit: unit,
                                 from: c.chance(128) ? nil : CalendarPeriod(units[c.below(3)], containing: from ?? base))
            _ = try RollingRates(grouped: grouped, window: window, schedule: .monthEnd, from: from, to: to,
                                 only: c.chance(128) ? nil : ["Retail", "nope"], minimumRateEvents: minimum)
        } catch {
            _ = error.description
        }
    }
    do {
        let s = try LayoffSummary(events: t, asOf: asOf, top: c.below(8) - 2)
        precondition(s.rows + s.eventsAfterAsOf == t.count)
        precondition(s.totalCut != nil || s.eventsWithCount == 0)
    } catch {
        _ = error.description
        precondition(!(valid && inRange(asOf)), "a valid table was refused: \(error)")
    }
    var f = FundamentalsTable()
    for k in 0..<c.below(4) {
        f.company.append(["A", "B", "a inc."][c.below(3)]); f.fiscalYear.append(2018 + c.below(10))
        f.employees.append(c.chance(60) ? nil : Double(c.wide(90_000))); f.revenue.append(nil)
        f.revenueGrowth.append(nil); f.growthDerived.append(false); f.line.append(Int32(k + 2))
    }
    if c.chance(30) { f.fiscalYear.append(2020) }
    do { _ = try FundamentalsJoin(events: t, fundamentals: f, options: JoinOptions(lag: c.below(3))) } catch { _ = error.description }
    do { _ = try EventTotals.span(t, from: from ?? base, to: to ?? base) } catch { _ = error.description }
    // The checked initialiser, from the table's columns as optionals.
    do {
        _ = try EventTable(day: t.day, company: (0..<t.company.count).map { t.company.codes[$0] < 0 ? nil : "c\(t.company.codes[$0])" },
                           cut: t.cut.values.map { Optional($0) }, extra: t.extra.map { ($0.name, $0.values.dictionaryEncoded.codes.map { "\($0)" }) })
    } catch { _ = error.description }
    return 0
}
