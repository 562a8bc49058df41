import StatKit

/// Numbers of events by the source of their workforce figure.
public struct WorkforceSourceCounts: Sendable, Equatable {
    /// Events whose workforce came from the fundamentals file.
    public var fundamentals: Int = 0
    /// Events whose workforce was implied by cut ÷ fraction.
    public var implied: Int = 0
    /// Events with a workforce value labelled ``WorkforceSource/unknown`` (a caller-built
    /// ``Workforce`` may do this; ``Workforce/implied(by:)`` never does).
    public var unlabeled: Int = 0

    /// Counts from their fields.
    public init(fundamentals: Int = 0, implied: Int = 0, unlabeled: Int = 0) {
        self.fundamentals = fundamentals; self.implied = implied; self.unlabeled = unlabeled
    }

    /// The count for `source` (``WorkforceSource/unknown`` reads ``unlabeled``).
    public subscript(source: WorkforceSource) -> Int {
        get {
            switch source {
            case .fundamentals: return fundamentals
            case .implied: return implied
            case .unknown: return unlabeled
            }
        }
        set {
            switch source {
            case .fundamentals: fundamentals = newValue
            case .implied: implied = newValue
            case .unknown: unlabeled = newValue
            }
        }
    }

    /// Total over all sources.
    public var total: Int { fundamentals + implied + unlabeled }
}

/// One group on one evaluation day of a rolling-rate series.
public struct RollingRateRow: Sendable, Equatable {
    /// Group label (``Grouping/overallLabel`` when ungrouped).
    public var group: String
    /// Last day of the window.
    public var day: Day
    /// Events in the window.
    public var events: Int
    /// Distinct companies among the events in the window (missing company names not counted).
    public var companies: Int
    /// Σ cut over events in the window with a known cut.
    public var cut: Double
    /// Events in the window with a known cut.
    public var eventsWithCount: Int
    /// Events in the window with both cut and workforce known (the events behind ``rate``).
    public var rateEvents: Int
    /// Σ cut over the ``rateEvents``.
    public var rateCut: Double
    /// Σ workforce over the ``rateEvents``.
    public var rateWorkforce: Double
    /// `rateCut / rateWorkforce × 100`; `nil` when `rateWorkforce` is 0 (including no rate
    /// events) or when the window has fewer rate events than the minimum (``rateWithheld``).
    public var rate: Double?
    /// The ``rateEvents`` by source of their workforce figure.
    public var workforceSources: WorkforceSourceCounts
    /// Whether the window reaches outside the coverage (the group's own span, under
    /// ``GroupCoverage/perGroup``): its counts are what the observed days hold.
    public var partial: Bool
    /// Whether the window meets the coverage at all; when it does not, the counts are zero
    /// because nothing was observed, and read as missing.
    public var covered: Bool
    /// Whether the rate is `nil` only because the window has fewer rate events than
    /// ``RollingRates/minimumRateEvents`` (its workforce is not 0).
    public var rateWithheld: Bool

    /// A row from its fields.
    public init(group: String, day: Day, events: Int, companies: Int, cut: Double, eventsWithCount: Int,
                rateEvents: Int, rateCut: Double, rateWorkforce: Double, rate: Double?,
                workforceSources: WorkforceSourceCounts, partial: Bool = false, covered: Bool = true,
                rateWithheld: Bool = false) {
        self.group = group; self.day = day; self.events = events; self.companies = companies
        self.cut = cut; self.eventsWithCount = eventsWithCount; self.rateEvents = rateEvents
        self.rateCut = rateCut; self.rateWorkforce = rateWorkforce; self.rate = rate
        self.workforceSources = workforceSources
        self.partial = partial; self.covered = covered; self.rateWithheld = rateWithheld
    }

    /// Σ known cuts as it may be reported: ``cut``, or `nil` when the window is not covered
    /// or holds events none of which has a known cut (unknown, not 0).
    public var knownCut: Double? { !covered || (events > 0 && eventsWithCount == 0) ? nil : cut }
}

/// Rolling layoff rates over a trailing window (docs/ARCHITECTURE.md §3, Statistics).
///
/// For each evaluation day `d` and group, the window holds the events with day in
/// `(window.lowerBound(endingOn: d), d]` (see StatKit's `TrailingWindow`). Counts and cut cover
/// every event in the window; the rate uses only events with both a known cut and a known
/// workforce (rate events): `rate = Σcut / Σworkforce × 100` over those events, `nil` when that
/// Σworkforce is 0 or when there are fewer than ``minimumRateEvents`` of them (one small
/// company closing in an otherwise empty window is not a 100% layoff rate). Each group gets a
/// row for every evaluation day, including days with an empty window; windows reaching
/// outside the coverage (each group's own span under ``GroupCoverage/perGroup``) are flagged
/// ``RollingRateRow/partial``, and those wholly outside it ``RollingRateRow/covered`` `false`.
///
/// Complexity: one sort of the events by (group, day) into compact records (counting
/// sorts, O(n + groups × days)), then per group one two-pointer sweep, O(n_g + days), over
/// the group's contiguous records,
/// with a per-company counter (no hashing) for distinct companies. Window sums use
/// `SlidingSum` so removing large events does not leave rounding residue behind.
public struct RollingRates: Sendable, Equatable {
    /// The trailing window.
    public var window: TrailingWindow
    /// Daily or month-end evaluation.
    public var schedule: EvaluationSchedule
    /// How events were grouped.
    public var grouping: Grouping
    /// The evaluation days, ascending.
    public var days: [Day]
    /// Group labels in output order (sorted, missing-value group last).
    public var groups: [String]
    /// One row per group and evaluation day: all days of `groups[0]`, then of `groups[1]`, ...
    public var rows: [RollingRateRow]
    /// Distinct rate events (cut and workforce known) that fell in at least one evaluated
    /// window, by the source of their workforce: what the rates are built on.
    public var workforceSources: WorkforceSourceCounts
    /// Fewest rate events a window needs for a rate (1: any).
    public var minimumRateEvents: Int
    /// Per group, the value of each group column (see ``GroupedEvents/groupValues``).
    public var groupValues: [[String]]

    /// Computes rolling rates.
    ///
    /// - Parameters:
    ///   - events: the events.
    ///   - workforce: the workforce per event (e.g. ``Workforce/implied(by:)`` or a fundamentals join).
    ///   - window: the trailing window, e.g. `try TrailingWindow(parsing: "90d")`.
    ///   - schedule: `EvaluationSchedule.daily` or `EvaluationSchedule.monthEnd`.
    ///   - from: first day of the evaluation range; default the first event day of the table.
    ///   - to: last day of the evaluation range; default the last event day of the table.
    ///   - grouping: overall, or by group columns; missing group values form their own group.
    ///   - minimumRateEvents: fewest rate events (cut and workforce known) a window needs for
    ///     a rate; windows with fewer have `rate` `nil` (default 1: any).
    /// - Throws: what ``EventTable/validate()`` throws, ``AnalysisError/unknownGroupColumn(_:available:)``,
    ///   ``AnalysisError/lengthMismatch(what:expected:actual:)`` when `workforce` does not match `events`,
    ///   ``AnalysisError/invalidParameter(_:)`` for a window, day or minimum out of range.
    public init(events: EventTable, workforce: Workforce, window: TrailingWindow,
                schedule: EvaluationSchedule = .daily, from: Day? = nil, to: Day? = nil,
                grouping: Grouping = .overall, minimumRateEvents: Int = 1) throws(AnalysisError) {
        try self.init(grouped: try GroupedEvents(events: events, workforce: workforce, grouping: grouping),
                      window: window, schedule: schedule, from: from, to: to, minimumRateEvents: minimumRateEvents)
    }

    /// Computes rolling rates of events already split by their grouping (the same rows as
    /// ``init(events:workforce:window:schedule:from:to:grouping:minimumRateEvents:)`` with
    /// that grouping and workforce).
    ///
    /// - Parameters:
    ///   - source: the events, their workforce and grouping.
    ///   - window: the trailing window, e.g. `try TrailingWindow(parsing: "90d")`.
    ///   - schedule: `EvaluationSchedule.daily` or `EvaluationSchedule.monthEnd`.
    ///   - from: first day of the evaluation range; default the first event day of the table.
    ///   - to: last day of the evaluation range; default the last event day of the table.
    ///   - selected: when given, only the groups with these labels are computed (``groups``
    ///     then lists them, in output order; labels of no group are ignored): their rows are
    ///     the rows those groups have in the full result, and ``workforceSources`` counts
    ///     their events only. A report charting a few groups skips the sweeps of the others.
    ///   - minimumRateEvents: fewest rate events a window needs for a rate (default 1: any).
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` for a window longer than 10,000 years,
    ///   `from` or `to` outside the years 0001–9999, or a minimum below 1.
    public init(grouped source: GroupedEvents, window: TrailingWindow, schedule: EvaluationSchedule = .daily,
                from: Day? = nil, to: Day? = nil, only selected: Set<String>? = nil,
                minimumRateEvents: Int = 1) throws(AnalysisError) {
        try SupportedDays.check(window)
        try SupportedDays.check(from, "the first evaluation day")
        try SupportedDays.check(to, "the last evaluation day")
        guard minimumRateEvents >= 1 else {
            throw .invalidParameter("the minimum number of rate events must be at least 1, not \(minimumRateEvents)")
        }
        self.window = window
        self.schedule = schedule
        self.grouping = source.grouping
        self.minimumRateEvents = minimumRateEvents
        let grouped = source.records
        let chosen = grouped.names.indices.filter { selected?.contains(grouped.names[$0]) ?? true }
        self.groups = chosen.map { grouped.names[$0] }
        self.groupValues = chosen.map { grouped.values[$0] }
        let days: [Day]
        if let lo = from ?? source.coverage?.first, let hi = to ?? source.coverage?.last {
            days = schedule.days(from: lo, to: hi)
        } else {
            days = []
        }
        self.days = days
        let names = grouped.names
        let ends = days.map(\.number)
        let lowers = days.map { window.lowerBound(endingOn: $0).number }
        var rows: [RollingRateRow] = []
        rows.reserveCapacity(days.count * chosen.count)
        // Rate events by the raw value of their workforce source: in the current window
        // (`inWindow`), and distinct over all windows (`ever`).
        let inWindow = UnsafeMutablePointer<Int>.allocate(capacity: 6)
        inWindow.initialize(repeating: 0, count: 6)
        defer { inWindow.deallocate() }
        let ever = inWindow + 3
        var perCompany = [Int32](repeating: 0, count: source.companyLevels)
        perCompany.withUnsafeMutableBufferPointer { perCompany in
            grouped.records.withUnsafeBufferPointer { records in
                for g in chosen {
                    let base = grouped.start[g], m = grouped.start[g + 1] - base
                    let span = grouped.coverage(ofGroup: g, source.grouping, table: source.coverage)
                    var l = 0, r = 0
                    var companies = 0
                    var cut = SlidingSum(), rateCut = SlidingSum(), rateWorkforce = SlidingSum()
                    inWindow.update(repeating: 0, count: 3)
                    for k in 0..<days.count {
                        let d = ends[k], lo = lowers[k]
                        while r < m, records[base + r].day <= d {
                            let e = records[base + r]
                            let c = Int(e.company)
                            if c >= 0 {
                                // Counted without a branch on the count (new or not is unpredictable).
                                let was = perCompany[c]
                                perCompany[c] = was + 1
                                companies += was == 0 ? 1 : 0
                            }
                            if e.hasCut {
                                cut.add(e.cut)
                                if e.isRateEvent {
                                    rateCut.add(e.cut); rateWorkforce.add(e.workforce)
                                    let s = e.sourceIndex
                                    inWindow[s] += 1
                                    if e.day > lo { ever[s] += 1 }
                                }
                            }
                            r += 1
                        }
                        while l < r, records[base + l].day <= lo {
                            let e = records[base + l]
                            let c = Int(e.company)
                            if c >= 0 {
                                let left = perCompany[c] - 1
                                perCompany[c] = left
                                companies -= left == 0 ? 1 : 0
                            }
                            if e.hasCut {
                                cut.remove(e.cut)
                                if e.isRateEvent {
                                    rateCut.remove(e.cut); rateWorkforce.remove(e.workforce)
                                    inWindow[e.sourceIndex] -= 1
                                }
                            }
                            l += 1
                        }
                        let wf = rateWorkforce.value
                        let withheld = wf != 0 && rateCut.count < minimumRateEvents
                        let first = Day(number: lo).advanced(by: 1)
                        rows.append(RollingRateRow(
                            group: names[g], day: days[k], events: r - l, companies: companies,
                            cut: cut.value, eventsWithCount: cut.count, rateEvents: rateCut.count,
                            rateCut: rateCut.value, rateWorkforce: wf,
                            rate: wf == 0 || withheld ? nil : rateCut.value / wf * 100,
                            workforceSources: WorkforceSourceCounts(fundamentals: inWindow[0], implied: inWindow[1],
                                                                    unlabeled: inWindow[2]),
                            partial: span?.isPartial(first, days[k]) ?? false,
                            covered: span?.intersects(first, days[k]) ?? false, rateWithheld: withheld))
                    }
                    // Leave the shared company counter all zero for the next group.
                    for j in l..<r where records[base + j].company >= 0 { perCompany[Int(records[base + j].company)] -= 1 }
                }
            }
        }
        let sources = WorkforceSourceCounts(fundamentals: ever[0], implied: ever[1], unlabeled: ever[2])
        self.rows = rows
        self.workforceSources = sources
    }

    /// The rows of group `group`, in day order (empty for an unknown group).
    public func rows(forGroup group: String) -> ArraySlice<RollingRateRow> {
        guard let g = groups.firstIndex(of: group) else { return [] }
        return rows(ofGroupAt: g)
    }

    /// The rows of the group at `index` in ``groups``, in day order (`index` in
    /// `groups.indices`): no search, for going through every group.
    public func rows(ofGroupAt index: Int) -> ArraySlice<RollingRateRow> {
        rows[(index * days.count)..<((index + 1) * days.count)]
    }
}

