import StatKit

/// One group and calendar period of a year-over-year table.
public struct YearOverYearRow: Sendable, Equatable {
    /// Group label (``Grouping/overallLabel`` when ungrouped).
    public var group: String
    /// The period (label via `period.label`: `2023-01`, `2023-Q1`, `2023`).
    public var period: CalendarPeriod
    /// Whether the data (the group's own, under ``GroupCoverage/perGroup``) starts or
    /// stops inside this period (see ``Coverage``).
    public var partial: Bool
    /// Totals of the period (zero when no events fell in it); `nil` when the period lies
    /// outside the coverage (the group's own span, under ``GroupCoverage/perGroup``).
    public var totals: EventTotals?
    /// The same period one year earlier.
    public var previousPeriod: CalendarPeriod
    /// Totals of ``previousPeriod``; `nil` when it lies outside the coverage.
    public var previous: EventTotals?
    /// Whether ``previousPeriod`` is covered only in part.
    public var previousPartial: Bool
    /// `cut − previousCut`; `nil` when either cut is unknown (outside the coverage, or no
    /// event of the period has a known cut).
    public var change: Double?
    /// `change / previousCut × 100`; `nil` when ``change`` is or the previous cut is 0.
    public var pctChange: Double?

    /// A row from its fields.
    public init(group: String, period: CalendarPeriod, partial: Bool, totals: EventTotals?,
                previousPeriod: CalendarPeriod, previous: EventTotals?, previousPartial: Bool,
                change: Double?, pctChange: Double?) {
        self.group = group; self.period = period; self.partial = partial; self.totals = totals
        self.previousPeriod = previousPeriod; self.previous = previous
        self.previousPartial = previousPartial; self.change = change; self.pctChange = pctChange
    }

    /// Period label, e.g. `2023-Q1`.
    public var label: String { period.label }
    /// Label of the previous-year period.
    public var previousLabel: String { previousPeriod.label }
    /// Events in the period; `nil` when it is outside the coverage.
    public var events: Int? { totals?.events }
    /// Distinct companies in the period; `nil` when it is outside the coverage.
    public var companies: Int? { totals?.companies }
    /// Σ known cuts in the period; `nil` when it is outside the coverage or none of its
    /// events has a known cut (``EventTotals/knownCut``).
    public var cut: Double? { totals?.knownCut }
    /// Events in the period with a known cut: the basis of ``cut``.
    public var eventsWithCount: Int? { totals?.eventsWithCount }
    /// Events in the period without a known cut.
    public var eventsWithoutCount: Int? { totals?.eventsWithoutCount }
    /// Σ known cuts one year earlier; `nil` when that period is outside the coverage or none
    /// of its events has a known cut.
    public var previousCut: Double? { previous?.knownCut }
}

/// Totals by calendar month, quarter or year, each against the same period a year earlier
/// (docs/ARCHITECTURE.md §3), overall or by group.
///
/// Periods run from the one containing the first event day to the one containing the last
/// (the data's ``Coverage``), every period listed even when it has no events (a zero). The
/// previous-year period is missing (`previous`, `change`, `pctChange` all `nil`) when it does
/// not intersect the coverage; partial periods are flagged (see ``Coverage``). A period whose
/// events all lack a cut has no cut (`nil`, not 0) and no change. Grouped, there is one row
/// per group and period (no total row), groups in sorted order with the missing-value group
/// last, and every group gets every period of the coverage; under
/// ``GroupCoverage/perGroup`` each group's periods are judged against its own span, so a
/// period outside it has no totals (`nil`) rather than zeros.
public struct YearOverYear: Sendable, Equatable {
    /// Month, quarter or year.
    public var unit: PeriodUnit
    /// How events were grouped.
    public var grouping: Grouping
    /// Coverage of the data, `nil` for an empty table.
    public var coverage: Coverage?
    /// The periods of the coverage, ascending.
    public var periods: [CalendarPeriod]
    /// Group labels in output order.
    public var groups: [String]
    /// Per group, the value of each group column (see ``GroupedEvents/groupValues``).
    public var groupValues: [[String]]
    /// Per group, its own first to last event day (see ``GroupedEvents/groupSpans``).
    public var groupSpans: [Coverage?]
    /// All periods of `groups[0]`, then of `groups[1]`, ...
    public var rows: [YearOverYearRow]

    /// Computes the year-over-year table.
    ///
    /// - Throws: what ``EventTable/validate()`` throws, ``AnalysisError/unknownGroupColumn(_:available:)``.
    public init(events table: EventTable, unit: PeriodUnit, grouping: Grouping = .overall) throws(AnalysisError) {
        let (events, coverage) = try table.checkedCovered()
        self.init(try GroupedRecords(totalsOf: events, by: grouping, coverage: coverage), unit: unit, grouping: grouping,
                  coverage: coverage, companyLevels: events.company.levels.count)
    }

    /// Computes the year-over-year table of events already split by their grouping
    /// (the same table as ``init(events:unit:grouping:)`` with that grouping).
    ///
    /// - Parameters:
    ///   - grouped: the events, split by their grouping, with their coverage.
    ///   - unit: the length of the periods compared (month, quarter, year).
    ///   - from: when given, only the periods of the coverage from this one on (of the same
    ///     unit) are listed, in ``periods`` and ``rows``: the rows the full table has for
    ///     them, each still against the period a year earlier. Only the events of those
    ///     periods and of the year before them are summed (a report showing the last two
    ///     years of a long series reads a third of it).
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` when `from` is not a period of `unit`
    ///   or lies outside the years 0001–9999.
    public init(grouped: GroupedEvents, unit: PeriodUnit, from: CalendarPeriod? = nil) throws(AnalysisError) {
        if let from {
            guard from.unit == unit else { throw .invalidParameter("the first period \(from) is not a \(unit)") }
            guard (1...9999).contains(from.year) else { throw .invalidParameter("the first period \(from) is outside the years 0001 to 9999") }
        }
        self.init(grouped.records, unit: unit, grouping: grouped.grouping, coverage: grouped.coverage,
                  companyLevels: grouped.companyLevels, from: from)
    }

    init<Record>(_ grouped: GroupedRecords<Record>, unit: PeriodUnit, grouping: Grouping, coverage: Coverage?,
                 companyLevels: Int, from: CalendarPeriod? = nil) {
        self.unit = unit
        self.grouping = grouping
        self.groups = grouped.names
        self.groupValues = grouped.values
        self.groupSpans = grouped.spans
        self.rows = []
        guard let cov = coverage else {
            self.coverage = nil; periods = []; return
        }
        self.coverage = cov
        let firstPeriod = CalendarPeriod(unit, containing: cov.first)
        var ps: [CalendarPeriod] = [firstPeriod]
        while ps.last!.end < cov.last { ps.append(ps.last!.next) }
        let lag = unit.periodsPerYear
        // First period listed, and first one summed (a year earlier, within the coverage).
        let listed = from.map { f in ps.firstIndex { $0 >= f } ?? ps.count } ?? 0
        let summed = max(0, listed - lag)
        periods = Array(ps[listed...])
        let lastDays = ps.map(\.end.number)
        let firstDay = summed < ps.count ? ps[summed].start : cov.last.advanced(by: 1)
        // Totals per period of one group: its events come in day order, so each period's
        // events are one run of them (found by comparing days with the period's last day),
        // summed in that order.
        var distinct = DistinctCounter(codes: companyLevels)
        func periodTotals(_ members: ArraySlice<Record>) -> [EventTotals] {
            var totals = [EventTotals](repeating: EventTotals(), count: ps.count)
            let members = grouped.members(members, from: firstDay)
            members.withUnsafeBufferPointer { records in
                let m = records.count
                var i = 0, k = summed
                while i < m {
                    while records[i].day > lastDays[k] { k += 1 }
                    let last = lastDays[k]
                    distinct.reset()
                    var sum = SlidingSum()
                    var without = 0
                    let first = i
                    while i < m, records[i].day <= last {
                        let e = records[i]
                        distinct.insert(e.company)
                        if e.hasCut { sum.add(e.cut) } else { without += 1 }
                        i += 1
                    }
                    totals[k] = EventTotals(events: i - first, companies: distinct.count, cut: sum.value,
                                            eventsWithoutCount: without)
                    k += 1
                }
            }
            return totals
        }
        rows.reserveCapacity(periods.count * grouped.names.count)
        for g in 0..<grouped.names.count {
            let members = grouped.members(g)
            let totals = periodTotals(members)
            // The group's span: the table's, or its own (which lies inside the table's).
            let span = grouped.coverage(ofGroup: g, grouping, table: cov) ?? cov
            for (k, p) in ps.enumerated() where k >= listed {
                let prev = p.previousYear
                let current = span.intersects(p.start, p.end) ? totals[k] : nil
                let prevTotals = k >= lag && span.intersects(prev.start, prev.end) ? totals[k - lag] : nil
                let (ch, pct) = change(current?.knownCut, from: prevTotals?.knownCut)
                rows.append(YearOverYearRow(
                    group: grouped.names[g], period: p, partial: span.isPartial(p.start, p.end),
                    totals: current, previousPeriod: prev, previous: prevTotals,
                    previousPartial: span.isPartial(prev.start, prev.end), change: ch, pctChange: pct))
            }
        }
    }
}
