import StatKit

/// One of the largest events of a ``LayoffSummary``.
public struct LargestEvent: Sendable, Equatable {
    /// Row index in the event table.
    public var index: Int
    /// Company, `nil` when missing.
    public var company: String?
    /// Announcement day.
    public var day: Day
    /// Jobs cut.
    public var cut: Double
    /// Fraction of the workforce cut, `nil` when not reported.
    public var fraction: Double?
    /// Industry, `nil` when missing.
    public var industry: String?
    /// Physical source line.
    public var line: Int32

    /// An entry from its fields.
    public init(index: Int, company: String?, day: Day, cut: Double, fraction: Double?, industry: String?, line: Int32) {
        self.index = index; self.company = company; self.day = day; self.cut = cut
        self.fraction = fraction; self.industry = industry; self.line = line
    }
}

/// Headline figures of an event table as of a day (what `layoffs summary` prints): every figure is
/// over the events announced on or before the as-of day.
public struct LayoffSummary: Sendable, Equatable {
    /// First and last event day on or before the as-of day, `nil` when there is none.
    public var coverage: Coverage?
    /// Number of events on or before the as-of day.
    public var rows: Int
    /// Events left out because they come after the as-of day.
    public var eventsAfterAsOf: Int
    /// Events with a known cut.
    public var eventsWithCount: Int
    /// Σ known cuts; `nil` when there are events and none has a known cut.
    public var totalCut: Double?
    /// Distinct companies (missing company names not counted).
    public var companies: Int
    /// Year to date against the previous year's, overall, as of ``YearToDate/asOf``;
    /// `nil` for an empty table.
    public var yearToDate: YearToDate?
    /// The largest events by cut, at most `top` of them, among events with a known cut:
    /// cut descending, ties by day ascending, then company name ascending (a missing name
    /// sorts first), then source line ascending, then row index.
    public var largest: [LargestEvent]

    /// Summarises the events of `events` announced on or before `asOf`.
    ///
    /// - Parameters:
    ///   - table: the events.
    ///   - asOf: the as-of day: the summary and its year-to-date comparison cover the events
    ///     announced on or before it; default the last event day (every event).
    ///   - top: how many largest events to list (≥ 0).
    /// - Throws: what ``EventTable/validate()`` throws; ``AnalysisError/invalidParameter(_:)``
    ///   when `asOf` lies outside the years 0001–9999.
    public init(events table: EventTable, asOf: Day? = nil, top: Int = 10) throws(AnalysisError) {
        try SupportedDays.check(asOf, "the as-of day")
        var events = try table.checked()
        if let asOf { events = events.through(asOf) }
        eventsAfterAsOf = table.count - events.count
        let cov = Coverage(events)
        coverage = cov
        rows = events.count
        let totals = EventTotals(events, 0..<events.count)
        eventsWithCount = totals.eventsWithCount
        totalCut = totals.knownCut
        companies = totals.companies
        if let d = asOf ?? cov?.last {
            yearToDate = try YearToDate(events: events, asOf: d)
        } else {
            yearToDate = nil
        }
        let ranked = (0..<events.count).filter { events.cut.isPresent[$0] }.sorted { a, b in
            let ca = events.cut.values[a], cb = events.cut.values[b]
            if ca != cb { return ca > cb }
            if events.day[a] != events.day[b] { return events.day[a] < events.day[b] }
            let na = events.company[a] ?? "", nb = events.company[b] ?? ""
            if na != nb { return na < nb }
            if events.line[a] != events.line[b] { return events.line[a] < events.line[b] }
            return a < b
        }
        let industry = events.filled(events.industry)
        largest = ranked.prefix(max(0, top)).map { i in
            LargestEvent(index: i, company: events.company[i], day: events.day[i], cut: events.cut.values[i],
                         fraction: events.fraction[i], industry: industry[i], line: events.line[i])
        }
    }
}
