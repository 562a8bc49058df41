// The library cannot be crashed from its public API: tables built in code with columns of
// the wrong length, codes that name no level, days out of range, and parameters out of
// range are thrown errors (AnalysisError), never traps or reads out of bounds. Every case
// here stopped the program (or read invalid memory) before the tables were checked.
import Foundation
import Testing
@testable import LayoffKit
import StatKit

@Suite struct PublicAPIRobustnessTests {
    static let days = ["2024-01-05", "2024-02-10", "2024-03-15"].map { Day(parsing: $0)! }

    /// A consistent three-event table built column by column, as an embedding program would.
    static func table() -> EventTable {
        var t = EventTable()
        t.day = days
        t.company = TextColumn(["A", "B", "A"])
        t.cut = NumericColumn([10, nil, 30])
        t.fraction = NumericColumn([0.1, nil, 0.3])
        return t
    }

    /// From the report that started this: an `industry` column left empty, grouped by it,
    /// read out of bounds in the record sort (a segmentation fault). A column left empty is
    /// missing for every event.
    @Test func anEmptyGroupColumnIsAllMissingNotASegfault() throws {
        let t = Self.table()
        let w = try Workforce.implied(by: t)
        let r = try RollingRates(events: t, workforce: w, window: .days(90), grouping: .by("industry"))
        #expect(r.groups == [Grouping.defaultMissingLabel])
        #expect(r.rows.last?.events == 3)
        let y = try YearOverYear(events: t, unit: .month, grouping: .by("industry"))
        #expect(y.rows.map(\.events) == [1, 1, 1])
    }

    /// From the same report: a `cut` column shorter than the days trapped in `Workforce.implied`.
    @Test func aShortColumnIsALengthMismatch() throws {
        var t = Self.table()
        t.cut = NumericColumn([10])
        #expect(throws: AnalysisError.lengthMismatch(what: "cut", expected: 3, actual: 1)) { try Workforce.implied(by: t) }
        #expect(throws: AnalysisError.lengthMismatch(what: "cut", expected: 3, actual: 1)) { try t.validate() }
        #expect(throws: AnalysisError.lengthMismatch(what: "cut", expected: 3, actual: 1)) {
            try YearOverYear(events: t, unit: .month)
        }
        #expect(throws: AnalysisError.lengthMismatch(what: "cut", expected: 3, actual: 1)) { try LayoffSummary(events: t) }
        var u = Self.table()
        u.cut.isPresent.removeLast()
        #expect(throws: AnalysisError.lengthMismatch(what: "cut presence mask", expected: 3, actual: 2)) { try u.validate() }
        var v = Self.table()
        v.industry = TextColumn(["x", "y"])
        #expect(throws: AnalysisError.lengthMismatch(what: "industry", expected: 3, actual: 2)) {
            try YearToDate(events: v, asOf: Self.days[2], grouping: .by("industry"))
        }
        v = Self.table()
        v.extra = [("state", StringColumn(TextColumn(["MI"])))]
        #expect(throws: AnalysisError.lengthMismatch(what: "state", expected: 3, actual: 1)) { try v.validate() }
    }

    @Test func aCodeThatNamesNoLevelIsRefused() throws {
        var t = Self.table()
        t.company.codes[1] = 7
        #expect(throws: AnalysisError.invalidValue(column: "company", index: 1, problem: "code 7 names no level (the column has 2; −1 is missing)")) {
            try YearOverYear(events: t, unit: .year)
        }
        t = Self.table()
        t.company.codes[2] = -5
        #expect(throws: AnalysisError.self) { try RollingRates(events: t, workforce: try Workforce.implied(by: Self.table()), window: .days(30)) }
    }

    @Test func daysAndParametersOutOfRangeAreRefused() throws {
        var t = Self.table()
        t.day[1] = Day(number: Int32.max)
        #expect(throws: AnalysisError.self) { try YearOverYear(events: t, unit: .month) }
        let ok = Self.table()
        let w = try Workforce.implied(by: ok)
        #expect(throws: AnalysisError.self) { try RollingRates(events: ok, workforce: w, window: .days(0)) }
        #expect(throws: AnalysisError.self) { try RollingRates(events: ok, workforce: w, window: .months(Int.max)) }
        #expect(throws: AnalysisError.self) { try RollingRates(events: ok, workforce: w, window: .days(30), to: Day(number: Int32.max)) }
        #expect(throws: AnalysisError.self) { try YearToDate(events: ok, asOf: Day(number: Int32.min)) }
        #expect(throws: AnalysisError.self) { try LayoffSummary(events: ok, asOf: Day(year: 10_000, month: 1, day: 1)!) }
        let grouped = try GroupedEvents(events: ok, workforce: w)
        #expect(throws: AnalysisError.self) { try YearOverYear(grouped: grouped, unit: .month, from: CalendarPeriod(unit: .year, year: 2024, index: 1)) }
        #expect(throws: AnalysisError.self) { try grouped.totals(group: 3, from: Self.days[0], to: Self.days[2]) }
        #expect(Coverage(first: Self.days[2], last: Self.days[0]) == nil)
    }

    @Test func workforceAndFundamentalsOfOtherLengthsAreRefused() throws {
        let t = Self.table()
        #expect(throws: AnalysisError.self) { try Workforce(values: NumericColumn([1, 2]), source: [.implied]) }
        var w = try Workforce.implied(by: t)
        w.source.removeLast()
        #expect(throws: AnalysisError.lengthMismatch(what: "workforce source", expected: 3, actual: 2)) {
            try RollingRates(events: t, workforce: w, window: .days(30))
        }
        var f = FundamentalsTable()
        f.company = ["A"]; f.fiscalYear = [2024]
        #expect(throws: AnalysisError.self) { try FundamentalsJoin(events: t, fundamentals: f) }
        f.employees = NumericColumn([100]); f.revenue = NumericColumn([nil]); f.revenueGrowth = NumericColumn([nil])
        f.growthDerived = [false]; f.line = [2]
        let j = try FundamentalsJoin(events: t, fundamentals: f)
        #expect(j.matchedCount == 2)
    }

    /// Columns a table leaves empty (a load that kept a few columns) stay empty through the
    /// checks the analyses run, and are read as missing where an analysis reads them.
    @Test func columnsLeftEmptyStayEmptyAndReadAsMissing() throws {
        var t = EventTable()
        t.day = Self.days
        t.company = TextColumn(["A", "B", "A"])
        t.cut = NumericColumn([10, nil, 30])
        let checked = try t.checked()
        #expect(checked.location.codes.isEmpty && checked.industry.codes.isEmpty && checked.source.count == 0
                && checked.dateAdded.isEmpty)
        #expect(checked.fraction.values.count == 3 && checked.line == [2, 3, 4])
        #expect(t.groupColumn(named: "industry")?.codes == [-1, -1, -1])
        #expect(t.groupColumn(named: "source")?.codes == [-1, -1, -1])
        let s = try LayoffSummary(events: t, top: 2)
        #expect(s.largest.map(\.cut) == [30, 10] && s.largest.allSatisfy { $0.industry == nil })
        let yoy = try YearOverYear(events: t, unit: .year, grouping: .by("industry"))
        #expect(!yoy.rows.isEmpty)
    }

    @Test func theValidatingInitialiserChecksEveryColumn() throws {
        let t = try EventTable(day: Self.days, company: ["A", "B", "A"], cut: [10, nil, 30], industry: ["x", nil, "y"],
                               extra: [("state", ["MI", "OH", nil])])
        #expect(t.count == 3 && t.line == [2, 3, 4] && t.location.codes == [-1, -1, -1])
        #expect(t.groupColumn(named: "state")?[1] == "OH")
        #expect(throws: AnalysisError.lengthMismatch(what: "company", expected: 3, actual: 2)) {
            try EventTable(day: Self.days, company: ["A", "B"])
        }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, cut: [1, -2, 3]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, cut: [1, .nan, 3]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, fraction: [0.5, 1.5, nil]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: [Day(year: 10_000, month: 1, day: 1)!]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, extra: [("industry", ["a", "b", "c"])]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, extra: [("s", ["a", "b", "c"]), ("s", ["a", "b", "c"])]) }
        #expect(throws: AnalysisError.self) { try EventTable(day: Self.days, line: [2, 0, 4]) }
    }

    /// No companies to draw from trapped (a random index below 0); headcounts past `Int`
    /// trapped when written.
    @Test func syntheticDataParametersAreChecked() throws {
        var p = SyntheticLayoffs.Parameters(events: 10, companies: 0, seed: 1)
        #expect(throws: AnalysisError.self) { try SyntheticLayoffs(p) }
        p.companies = 5; p.events = -1
        #expect(throws: AnalysisError.self) { try SyntheticLayoffs(p) }
        p.events = 10; p.logEmployeesMean = 50
        #expect(throws: AnalysisError.self) { try SyntheticLayoffs(p) }
        p.logEmployeesMean = 8; p.sigma = .infinity
        #expect(throws: AnalysisError.self) { try SyntheticLayoffs(p) }
        p.sigma = 0.6; p.missingCutShare = 1.5
        #expect(throws: AnalysisError.self) { try SyntheticLayoffs(p) }
        p.missingCutShare = 0.15
        #expect(try SyntheticLayoffs(p).parameters == p)
    }

    @Test func aDatasetWhosePartsDisagreeIsRefusedByThrough() throws {
        var data = try LayoffDataset.load()
        data.workforce.source.removeLast()
        #expect(throws: AnalysisError.self) { try data.through(Day(parsing: "2024-04-03")!) }
        data = try LayoffDataset.load()
        data.join?.row.removeLast()
        #expect(throws: AnalysisError.self) { try data.through(Day(parsing: "2024-04-03")!) }
    }

    // MARK: - Random inconsistent inputs

    /// A random table whose columns are each consistent, left empty, or of another length,
    /// with codes that may name no level, presence masks that may disagree, days that may be
    /// out of range, and extra columns that may repeat a name.
    static func randomTable(_ g: inout SeededGenerator) -> EventTable {
        let n = Int.random(in: 0...30, using: &g)
        func length() -> Int {
            let u = Double.random(in: 0..<1, using: &g)
            return u < 0.75 ? n : u < 0.88 ? 0 : Int.random(in: 0...(n + 3), using: &g)
        }
        func text(_ pool: [String]) -> TextColumn {
            var c = TextColumn((0..<length()).map { _ in Double.random(in: 0..<1, using: &g) < 0.15 ? nil : pool.randomElement(using: &g)! })
            if !c.codes.isEmpty && Double.random(in: 0..<1, using: &g) < 0.05 {
                c.codes[Int.random(in: 0..<c.codes.count, using: &g)] = [-2, Int32(c.levels.count), 99, Int32.max].randomElement(using: &g)!
            }
            return c
        }
        func numbers() -> NumericColumn {
            let m = length()
            var v = (0..<m).map { _ in Double.random(in: 0..<1, using: &g) < 0.3 ? nil : Double(Int.random(in: 0...5000, using: &g)) }
            if Double.random(in: 0..<1, using: &g) < 0.05 { v.append(1) }
            var c = NumericColumn(v)
            if Double.random(in: 0..<1, using: &g) < 0.05 && !c.isPresent.isEmpty { c.isPresent.removeLast() }
            return c
        }
        var t = EventTable()
        let start = Day(parsing: "2019-06-01")!
        t.day = (0..<n).map { _ in start.advanced(by: Int.random(in: 0..<2500, using: &g)) }
        if n > 0 && Double.random(in: 0..<1, using: &g) < 0.04 {
            t.day[Int.random(in: 0..<n, using: &g)] = [Day(number: Int32.max), Day(number: Int32.min),
                                                      Day(year: 0, month: 12, day: 31)!, Day(year: 10_000, month: 1, day: 1)!]
                .randomElement(using: &g)!
        }
        t.company = text(["A", "B", "C", "D", "E"])
        t.location = text(["X", "Y"])
        t.cut = numbers()
        t.fraction = numbers()
        t.industry = text(["Retail", "AI", "Food"])
        t.source = StringColumn(text(["s"]))
        t.stage = text(["Seed", "Post-IPO"])
        t.fundsRaised = numbers()
        t.country = text(["US", "DE"])
        if Double.random(in: 0..<1, using: &g) < 0.8 { t.line = (0..<length()).map { Int32($0 + 2) } }
        for _ in 0..<Int.random(in: 0...2, using: &g) {
            t.extra.append((["state", "county", "industry", ""].randomElement(using: &g)!, StringColumn(text(["MI", "OH", "TX"]))))
        }
        return t
    }

    static func randomWorkforce(_ g: inout SeededGenerator, _ t: EventTable) -> Workforce {
        if Double.random(in: 0..<1, using: &g) < 0.7, let w = try? Workforce.implied(by: t) { return w }
        let m = Double.random(in: 0..<1, using: &g) < 0.5 ? t.count : Int.random(in: 0...(t.count + 2), using: &g)
        var values = NumericColumn((0..<m).map { _ in Double.random(in: 0..<1, using: &g) < 0.4 ? nil : Double.random(in: 0...9000, using: &g) })
        if Double.random(in: 0..<1, using: &g) < 0.1 { values.values.append(1) }
        return (try? Workforce(values: values, source: (0..<m).map { _ in WorkforceSource.allCases.randomElement(using: &g)! }))
            ?? Workforce.emptyForTests
    }

    static func randomGrouping(_ g: inout SeededGenerator) -> Grouping {
        let names = ["industry", "company", "country", "state", "county", "nope"]
        let k = Int.random(in: 0...3, using: &g)
        return Grouping(columns: (0..<k).map { _ in names.randomElement(using: &g)! },
                        coverage: GroupCoverage.allCases.randomElement(using: &g)!)
    }

    static func randomDay(_ g: inout SeededGenerator) -> Day? {
        let u = Double.random(in: 0..<1, using: &g)
        if u < 0.4 { return nil }
        if u < 0.95 { return Day(parsing: "2018-01-01")!.advanced(by: Int.random(in: 0..<4000, using: &g)) }
        return [Day(number: Int32.max), Day(number: Int32.min), Day(year: 10_000, month: 6, day: 1)!].randomElement(using: &g)!
    }

    /// What an analysis of a consistent table must satisfy.
    static func checkRows(_ y: YearOverYear) {
        #expect(y.rows.count == y.groups.count * y.periods.count && y.groupValues.count == y.groups.count)
        for r in y.rows {
            #expect(r.cut != nil || r.change == nil)
            #expect(r.pctChange == nil || r.pctChange!.isFinite)
        }
    }

    @Test(arguments: 0..<8)
    func randomInconsistentInputsThrowOrGiveValidResults(_ chunk: Int) throws {
        var g = SeededGenerator(seed: 1000 + UInt64(chunk))
        var consistent = 0, refused = 0
        for _ in 0..<250 {
            let t = Self.randomTable(&g)
            let valid = (try? t.validate()) != nil
            let w = Self.randomWorkforce(&g, t)
            let grouping = Self.randomGrouping(&g)
            let known = Set(t.groupColumnNames)
            let groupsExist = grouping.columns.allSatisfy { known.contains($0) }
            let wfOK = w.values.values.count == t.count && w.values.isPresent.count == t.count && w.source.count == t.count
            let (from, to, asOf) = (Self.randomDay(&g), Self.randomDay(&g), Self.randomDay(&g))
            let daysOK = [from, to, asOf].allSatisfy { d in d.map { $0.year >= 1 && $0.year <= 9999 } ?? true }
            let window: TrailingWindow = Double.random(in: 0..<1, using: &g) < 0.9
                ? (Bool.random(using: &g) ? .days(Int.random(in: 1...200, using: &g)) : .months(Int.random(in: 1...24, using: &g)))
                : [.days(0), .days(-3), .months(0), .months(Int.max), .days(Int.max)].randomElement(using: &g)!
            let windowOK = { if case .days(let d) = window { return d >= 1 && d <= 3_652_500 }; if case .months(let m) = window { return m >= 1 && m <= 120_000 }; return false }()
            let minimum = Int.random(in: -1...4, using: &g)
            let unit = PeriodUnit.allCases.randomElement(using: &g)!
            // Every entry point either throws an AnalysisError or returns a result that holds
            // together; a consistent input with parameters in range is never refused.
            do {
                let y = try YearOverYear(events: t, unit: unit, grouping: grouping)
                Self.checkRows(y)
            } catch { #expect(!(valid && groupsExist), "refused a valid table: \(error)") }
            do {
                let d = try YearToDate(events: t, asOf: asOf ?? Self.days[0], grouping: grouping)
                #expect(d.rows.count == d.groupValues.count)
            } catch { #expect(!(valid && groupsExist && daysOK), "refused: \(error)") }
            do {
                let r = try RollingRates(events: t, workforce: w, window: window, schedule: .monthEnd, from: from, to: to,
                                         grouping: grouping, minimumRateEvents: minimum)
                #expect(r.rows.count == r.groups.count * r.days.count)
                #expect(r.rows.allSatisfy { $0.rate?.isFinite ?? true })
                #expect(r.rows.allSatisfy { !$0.rateWithheld || $0.rate == nil })
            } catch { #expect(!(valid && groupsExist && wfOK && daysOK && windowOK && minimum >= 1), "refused: \(error)") }
            do {
                let grouped = try GroupedEvents(events: t, workforce: w, grouping: grouping)
                #expect(grouped.groupSizes.reduce(0, +) == t.count)
                if let c = grouped.coverage { _ = try? grouped.totals(group: 0, from: c.first, to: c.last) }
            } catch { #expect(!(valid && groupsExist && wfOK), "refused: \(error)") }
            do {
                let s = try LayoffSummary(events: t, asOf: asOf, top: Int.random(in: -2...5, using: &g))
                #expect(s.rows + s.eventsAfterAsOf == t.count && s.largest.count <= 5)
            } catch { #expect(!(valid && daysOK), "refused: \(error)") }
            do { _ = try FundamentalsJoin(events: t, fundamentals: FundamentalsTable()) } catch { #expect(!valid) }
            do { _ = try EventTotals.span(t, from: Self.days[0], to: Self.days[2]) } catch { #expect(!valid) }
            if valid { consistent += 1 } else { refused += 1 }
        }
        // The generator makes both kinds.
        #expect(consistent > 20 && refused > 20, "consistent \(consistent), refused \(refused)")
    }
}

extension Workforce {
    /// An empty workforce (no events).
    static var emptyForTests: Workforce { try! Workforce(values: NumericColumn(), source: []) }
}
