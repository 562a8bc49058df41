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

/// Headline figures of an event table (DESIGN §4 `summary`).
public struct LayoffSummary: Sendable, Equatable {
    /// First and last event day, `nil` for an empty table.
    public var coverage: Coverage?
    /// Number of events (rows of the table).
    public var rows: Int
    /// Events with a known cut.
    public var eventsWithCount: Int
    /// Σ known cuts.
    public var totalCut: Double
    /// Distinct companies (missing company names not counted).
    public var companies: Int
    /// Year to date against the previous year's, overall, as of ``YearToDate/asOf``;
    /// `nil` for an empty table.
    public var yearToDate: YearToDate?
    /// The largest events by cut, at most `top` of them, among events with a known cut:
    /// cut descending, ties by day ascending, then company name ascending (a missing name
    /// sorts first), then source line ascending, then row index.
    public var largest: [LargestEvent]

    /// Summarises `events`.
    ///
    /// - Parameters:
    ///   - asOf: as-of day of the year-to-date comparison; default the last event day.
    ///   - top: how many largest events to list (≥ 0).
    public init(events: EventTable, asOf: Day? = nil, top: Int = 10) {
        let cov = Coverage(events)
        coverage = cov
        rows = events.count
        let totals = EventTotals(events, 0..<events.count)
        eventsWithCount = totals.eventsWithCount
        totalCut = totals.cut
        companies = totals.companies
        if let d = asOf ?? cov?.last {
            // Overall grouping cannot fail.
            yearToDate = try? YearToDate(events: events, asOf: d)
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
        largest = ranked.prefix(max(0, top)).map { i in
            LargestEvent(index: i, company: events.company[i], day: events.day[i], cut: events.cut.values[i],
                         fraction: events.fraction[i], industry: events.industry[i], line: events.line[i])
        }
    }
}
