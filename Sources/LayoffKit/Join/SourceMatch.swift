import StatKit

/// Which events of one source have a WARN notice from the same employer near their date:
/// how much of a tracker's record the official record confirms, by year.
///
/// An event matches when a notice's employer has the event's company key
/// (``CompanyNames/key(_:)``: the same normalisation and aliases as the fundamentals join)
/// and the notice is dated within ``window`` days before or after the event. A notice's
/// employer is its `company` (the register's resolved `canonical_name`) or, when the
/// notices have one, its `employer_name` as filed: trackers name companies, notices often
/// name sites or subsidiaries.
///
/// ```swift
/// let fyi = try EventLoader.load(path: "layoffs.csv").events
/// let warn = try EventLoader.load(paths: ["warn/tx.csv", "warn/wa.csv"]).events
/// let m = SourceMatch(events: fyi, notices: warn)
/// for y in m.years { print(y.year, y.matched, y.events, y.share ?? 0) }
/// ```
public struct SourceMatch: Sendable {
    /// One event and the nearest notice that matched it, if any.
    public struct Event: Sendable, Equatable {
        /// Row of the event in the events table.
        public var row: Int
        /// The event's company as written.
        public var company: String
        /// The event's day.
        public var day: Day
        /// The event's jobs, `nil` when not reported.
        public var cut: Double?
        /// Row of the nearest matching notice (the earlier one on a tie), `nil` when none.
        public var notice: Int?
        /// Days from the event to that notice (negative: the notice came first).
        public var days: Int?
    }

    /// Events and matches of one calendar year (of the events' days).
    public struct Year: Sendable, Equatable {
        /// The calendar year.
        public var year: Int
        /// Events of the year considered.
        public var events: Int
        /// Of them, those with a matching notice.
        public var matched: Int
        /// `matched / events`, `nil` without events.
        public var share: Double? { events == 0 ? nil : Double(matched) / Double(events) }
    }

    /// Days before or after an event within which a notice matches.
    public var window: Int
    /// Every event considered, in the events' row order.
    public var considered: [Event]
    /// Per year of the considered events, ascending.
    public var years: [Year]
    /// Events left out because their country is not ``country`` (none when the events have
    /// no country column).
    public var otherCountries: Int
    /// The country whose events are considered.
    public var country: String

    /// Matches `events` (one row per announced cut, such as the layoffs.fyi export) against
    /// WARN `notices`, considering only events whose `country` is `country` (every event
    /// when `events` has no country values).
    public init(events: EventTable, notices: EventTable, names: CompanyNames = CompanyNames(), window: Int = 60,
                country: String = "United States") {
        self.window = window
        self.country = country
        // Notice days by employer key, each list sorted.
        var byKey: [String: [(day: Int32, row: Int)]] = [:]
        let filed = notices.extra.first { $0.name == "employer_name" }?.values
        func keys(_ names: CompanyNames, _ column: TextColumn) -> [String?] { column.levels.map { names.key($0) } }
        let companyKeys = keys(names, notices.company)
        let filedColumn = filed.flatMap { $0.count == notices.count ? $0.dictionaryEncoded : nil }
        let filedKeys = filedColumn.map { keys(names, $0) }
        for i in 0..<notices.count {
            var seen: Set<String> = []
            let c = notices.company.codes[i]
            if c >= 0, let k = companyKeys[Int(c)], !k.isEmpty { seen.insert(k) }
            if let f = filedColumn, let fk = filedKeys, f.codes[i] >= 0, let k = fk[Int(f.codes[i])], !k.isEmpty { seen.insert(k) }
            for k in seen { byKey[k, default: []].append((notices.day[i].number, i)) }
        }
        for k in byKey.keys { byKey[k]!.sort { ($0.day, $0.row) < ($1.day, $1.row) } }
        let countries = events.country
        let useCountry = countries.count == events.count && countries.codes.contains { $0 >= 0 }
        let isCountry = countries.levels.map { $0 == country }
        let eventKeys = events.company.levels.map { names.key($0) }
        var considered: [Event] = [], other = 0
        for i in 0..<events.count {
            if useCountry, countries.codes[i] < 0 || !isCountry[Int(countries.codes[i])] { other += 1; continue }
            let d = events.day[i].number
            var best: (row: Int, days: Int)?
            let c = events.company.codes[i]
            if c >= 0, let list = byKey[eventKeys[Int(c)]] {
                // The first notice on or after d − window, then those up to d + window.
                var lo = 0, hi = list.count
                while lo < hi { let m = (lo + hi) / 2; if list[m].day < d - Int32(window) { lo = m + 1 } else { hi = m } }
                var k = lo
                while k < list.count && list[k].day <= d + Int32(window) {
                    let gap = Int(list[k].day - d)
                    if best == nil || abs(gap) < abs(best!.days) { best = (list[k].row, gap) }
                    k += 1
                }
            }
            considered.append(Event(row: i, company: events.company[i] ?? "", day: events.day[i], cut: events.cut[i],
                                    notice: best?.row, days: best?.days))
        }
        var perYear: [Int: (events: Int, matched: Int)] = [:]
        for e in considered {
            perYear[e.day.year, default: (0, 0)].events += 1
            if e.notice != nil { perYear[e.day.year]!.matched += 1 }
        }
        self.considered = considered
        self.otherCountries = other
        years = perYear.keys.sorted().map { Year(year: $0, events: perYear[$0]!.events, matched: perYear[$0]!.matched) }
    }

    /// The considered events with a matching notice.
    public var matched: [Event] { considered.filter { $0.notice != nil } }
    /// The considered events without one.
    public var unmatched: [Event] { considered.filter { $0.notice == nil } }
}
