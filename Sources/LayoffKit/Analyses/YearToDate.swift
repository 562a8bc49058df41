import StatKit

/// Year to date for one group: Jan 1..D against Jan 1..(D one year earlier).
public struct YearToDateRow: Sendable, Equatable {
    /// Group label (``Grouping/overallLabel`` when ungrouped).
    public var group: String
    /// January 1 of the as-of year.
    public var start: Day
    /// The as-of day D.
    public var end: Day
    /// January 1 of the previous year.
    public var previousStart: Day
    /// `D.addingYears(-1)` (February 29 → February 28).
    public var previousEnd: Day
    /// Totals over `start...end`; `nil` when that span lies outside the data's coverage.
    public var current: EventTotals?
    /// Totals over `previousStart...previousEnd`; `nil` when that span lies outside the coverage.
    public var previous: EventTotals?
    /// Whether the current span is covered only in part (see ``Coverage``).
    public var currentPartial: Bool
    /// Whether the previous span is covered only in part.
    public var previousPartial: Bool
    /// Current cut − previous cut; `nil` unless both spans are covered and both cuts are
    /// known (``EventTotals/knownCut``).
    public var change: Double?
    /// `change / previous cut × 100`; `nil` unless ``change`` is known and the previous cut is non-zero.
    public var pctChange: Double?

    /// A row from its fields.
    public init(group: String, start: Day, end: Day, previousStart: Day, previousEnd: Day,
                current: EventTotals?, previous: EventTotals?, currentPartial: Bool, previousPartial: Bool,
                change: Double?, pctChange: Double?) {
        self.group = group; self.start = start; self.end = end
        self.previousStart = previousStart; self.previousEnd = previousEnd
        self.current = current; self.previous = previous
        self.currentPartial = currentPartial; self.previousPartial = previousPartial
        self.change = change; self.pctChange = pctChange
    }
}

/// Year to date as of a day D (docs/ARCHITECTURE.md §3): January 1..D against January 1..D.addingYears(−1)
/// of the previous year, overall or by group.
///
/// Each span is covered when it intersects the data's ``Coverage`` (the group's own span,
/// under ``GroupCoverage/perGroup``); an uncovered span is `nil` (missing, not zero), and
/// partial spans are flagged. A span whose events all lack a cut has no known cut
/// (``EventTotals/knownCut``) and no change. Grouped, there is one row per group of the
/// whole table (sorted, missing-value group last), zeros included.
public struct YearToDate: Sendable, Equatable {
    /// The as-of day D.
    public var asOf: Day
    /// How events were grouped.
    public var grouping: Grouping
    /// Coverage of the data, `nil` for an empty table.
    public var coverage: Coverage?
    /// One row per group.
    public var rows: [YearToDateRow]
    /// Per group, the value of each group column (see ``GroupedEvents/groupValues``).
    public var groupValues: [[String]]
    /// Per group, its own first to last event day (see ``GroupedEvents/groupSpans``).
    public var groupSpans: [Coverage?]

    /// Computes year to date as of `asOf`.
    ///
    /// - Throws: what ``EventTable/validate()`` throws, ``AnalysisError/unknownGroupColumn(_:available:)``,
    ///   ``AnalysisError/invalidParameter(_:)`` when `asOf` lies outside the years 0001–9999.
    public init(events table: EventTable, asOf: Day, grouping: Grouping = .overall) throws(AnalysisError) {
        try SupportedDays.check(asOf, "the as-of day")
        let (events, coverage) = try table.checkedCovered()
        self.init(try GroupedRecords(totalsOf: events, by: grouping, coverage: coverage), asOf: asOf, grouping: grouping,
                  coverage: coverage, companyLevels: events.company.levels.count)
    }

    /// Computes year to date as of `asOf` for events already split by their grouping
    /// (the same table as ``init(events:asOf:grouping:)`` with that grouping).
    ///
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` when `asOf` lies outside the years 0001–9999.
    public init(grouped: GroupedEvents, asOf: Day) throws(AnalysisError) {
        try SupportedDays.check(asOf, "the as-of day")
        self.init(grouped.records, asOf: asOf, grouping: grouped.grouping, coverage: grouped.coverage,
                  companyLevels: grouped.companyLevels)
    }

    init<Record>(_ grouped: GroupedRecords<Record>, asOf: Day, grouping: Grouping, coverage cov: Coverage?,
                 companyLevels: Int) {
        self.asOf = asOf
        self.grouping = grouping
        self.coverage = cov
        let start = Day(year: asOf.year, month: 1, day: 1)!
        let prevStart = Day(year: asOf.year - 1, month: 1, day: 1)!
        let prevEnd = asOf.addingYears(-1)
        groupValues = grouped.values
        groupSpans = grouped.spans
        // Each group's events are in day order: a span's events are one run of them, found
        // by binary search, and summed in that order.
        var distinct = DistinctCounter(codes: companyLevels)
        rows = (0..<grouped.names.count).map { g in
            let span = grouped.coverage(ofGroup: g, grouping, table: cov)
            let cur = span?.intersects(start, asOf) ?? false
                ? EventTotals(grouped.members(g, from: start, to: asOf), distinct: &distinct) : nil
            let prev = span?.intersects(prevStart, prevEnd) ?? false
                ? EventTotals(grouped.members(g, from: prevStart, to: prevEnd), distinct: &distinct) : nil
            let (ch, pct) = change(cur?.knownCut, from: prev?.knownCut)
            return YearToDateRow(
                group: grouped.names[g], start: start, end: asOf, previousStart: prevStart, previousEnd: prevEnd,
                current: cur, previous: prev,
                currentPartial: span?.isPartial(start, asOf) ?? false,
                previousPartial: span?.isPartial(prevStart, prevEnd) ?? false,
                change: ch, pctChange: pct)
        }
    }
}
