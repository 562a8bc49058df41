import StatKit

/// Stable sorting of events by (group, day), for tables whose (group, day) key range is too
/// wide for ``GroupedRecords`` to sort in one counting pass.
enum EventOrder {
    /// The position of each event once the events are ordered by (group, day, index), the
    /// group of event `i` being `keys.group(i)`: `positions[i]`.
    ///
    /// Stable counting sorts by day and then by group when the day range is not much wider
    /// than the table (O(n + range + groups)), else a comparison sort. Both give the same
    /// positions.
    static func positions(_ keys: GroupKeys, days: [Day]) -> [Int32] {
        let n = days.count
        guard let lo = days.min()?.number, let hi = days.max()?.number else { return [] }
        let range = Int(hi) - Int(lo) + 1
        var positions = [Int32](repeating: 0, count: n)
        if range > 4 * n + 1024 {
            let order = (0..<n).sorted { a, b in
                let ga = keys.group(a), gb = keys.group(b)
                if ga != gb { return ga < gb }
                return (days[a], a) < (days[b], b)
            }
            for (p, i) in order.enumerated() { positions[i] = Int32(p) }
            return positions
        }
        // By day, carrying each event's group along; then, in day order, each event takes
        // the next place of its group.
        var next = [Int32](repeating: 0, count: range + 1)
        for d in days { next[Int(d.number - lo) + 1] += 1 }
        for k in 0..<range { next[k + 1] += next[k] }
        var byDay = [Int32](repeating: 0, count: n)
        var groupByDay = [Int32](repeating: 0, count: n)
        for i in 0..<n {
            let k = Int(days[i].number - lo)
            let p = Int(next[k])
            byDay[p] = Int32(i)
            groupByDay[p] = keys.group(i)
            next[k] += 1
        }
        var at = keys.start.map { Int32($0) }
        for p in 0..<n {
            let g = Int(groupByDay[p])
            positions[Int(byDay[p])] = at[g]
            at[g] += 1
        }
        return positions
    }
}

/// Distinct values among runs of small non-negative codes (company codes): a stamp per
/// code instead of a hash set or a bit set per run, so counting the distinct companies of
/// many runs costs O(codes) once plus O(1) per event.
struct DistinctCounter {
    private var stamp: [Int]
    private var current = 1
    /// Distinct codes inserted since the last ``reset()``.
    private(set) var count = 0

    /// A counter for codes `0..<codes`.
    init(codes: Int) { stamp = [Int](repeating: 0, count: codes) }

    /// Starts a new, empty run.
    mutating func reset() { current += 1; count = 0 }

    /// Adds `code` to the current run; negative codes (missing) are ignored.
    @inline(__always) mutating func insert(_ code: Int32) {
        guard code >= 0 else { return }
        // Without a branch on whether the code is new (unpredictable).
        let new = stamp[Int(code)] != current
        stamp[Int(code)] = current
        count += new ? 1 : 0
    }
}

/// Counts of events, distinct companies and cuts over a set of events.
public struct EventTotals: Sendable, Equatable {
    /// Number of events.
    public var events: Int
    /// Number of distinct companies (events with a missing company name are not counted).
    public var companies: Int
    /// Σ cut over events with a known cut.
    public var cut: Double
    /// Number of events whose cut is not known.
    public var eventsWithoutCount: Int

    /// Totals from their fields.
    public init(events: Int = 0, companies: Int = 0, cut: Double = 0, eventsWithoutCount: Int = 0) {
        self.events = events; self.companies = companies; self.cut = cut
        self.eventsWithoutCount = eventsWithoutCount
    }

    /// Events with a known cut.
    public var eventsWithCount: Int { events - eventsWithoutCount }

    /// Σ cut as it may be reported: ``cut`` when at least one event has a known cut or there
    /// are no events (a true zero); `nil` when there are events and none has a known cut
    /// (the total is unknown, not 0).
    public var knownCut: Double? { events > 0 && eventsWithoutCount == events ? nil : cut }
}

extension EventTotals {
    /// Totals over the events `indices` of `events` (each index once).
    init(_ events: EventTable, _ indices: some Sequence<Int>) {
        // Distinct companies by a bit per company code (no hashing per event).
        var seen = [UInt64](repeating: 0, count: (events.company.levels.count + 63) >> 6)
        var companies = 0
        var sum = SlidingSum()
        var n = 0, without = 0
        for i in indices {
            n += 1
            let c = events.company.codes[i]
            if c >= 0 {
                let w = Int(c) >> 6, bit = UInt64(1) << UInt64(c & 63)
                if seen[w] & bit == 0 { seen[w] |= bit; companies += 1 }
            }
            if events.cut.isPresent[i] { sum.add(events.cut.values[i]) } else { without += 1 }
        }
        self.init(events: n, companies: companies, cut: sum.value, eventsWithoutCount: without)
    }

    /// Totals over `records`, counting distinct companies with `distinct` (reset first).
    /// The cut is summed in the order of `records`.
    init(_ records: ArraySlice<some PackedEvent>, distinct: inout DistinctCounter) {
        distinct.reset()
        var sum = SlidingSum()
        var without = 0
        for e in records {
            distinct.insert(e.company)
            if e.hasCut { sum.add(e.cut) } else { without += 1 }
        }
        self.init(events: records.count, companies: distinct.count, cut: sum.value, eventsWithoutCount: without)
    }
}

/// Change from `previous` to `current` and its percentage; the percentage is `nil` when the
/// base is 0 (shown as "n/a"), both are `nil` when either value is unknown.
func change(_ current: Double?, from previous: Double?) -> (change: Double?, pct: Double?) {
    guard let current, let p = previous else { return (nil, nil) }
    let d = current - p
    return (d, p == 0 ? nil : d / p * 100)
}

extension EventTotals {
    /// Totals over the events announced in `from...to` (both days included).
    ///
    /// - Throws: what ``EventTable/validate()`` throws.
    public static func span(_ table: EventTable, from: Day, to: Day) throws(AnalysisError) -> EventTotals {
        let events = try table.checked()
        return EventTotals(events, events.day.indices.lazy.filter { events.day[$0] >= from && events.day[$0] <= to })
    }
}

/// What an analysis reads of one event, packed, so that the events of a group, in day
/// order, lie in one contiguous run of memory.
protocol PackedEvent: Sendable {
    /// Announcement day number.
    var day: Int32 { get }
    /// Company code, −1 when missing.
    var company: Int32 { get }
    /// Whether the cut is known.
    var hasCut: Bool { get }
    /// Cut (unspecified when not known).
    var cut: Double { get }
}

/// `(company code + 1) << 4 | flags` for a packed event.
@inline(__always) func packCompany(_ code: Int32, flags: UInt32) -> UInt32 {
    UInt32(bitPattern: code + 1) << 4 | flags
}

/// What the totals (year over year, year to date) read of an event: 16 bytes.
struct TotalsRecord: PackedEvent {
    var cut: Double
    var day: Int32
    /// `(company code + 1) << 4 | flags`, bit 0 of the flags: cut known.
    var companyAndFlags: UInt32

    @inline(__always) var company: Int32 { Int32(bitPattern: companyAndFlags >> 4) - 1 }
    @inline(__always) var hasCut: Bool { companyAndFlags & 1 != 0 }
}

/// What rolling rates read of an event: 24 bytes.
struct RateRecord: PackedEvent {
    var cut: Double
    /// Workforce (unspecified unless ``isRateEvent``).
    var workforce: Double
    var day: Int32
    /// `(company code + 1) << 4 | flags`: bit 0 cut known, bit 1 cut and workforce known,
    /// bits 2–3 the raw value of the workforce source.
    var companyAndFlags: UInt32

    @inline(__always) var company: Int32 { Int32(bitPattern: companyAndFlags >> 4) - 1 }
    @inline(__always) var hasCut: Bool { companyAndFlags & 1 != 0 }
    /// Whether cut and workforce are both known (the event counts in a rate).
    @inline(__always) var isRateEvent: Bool { companyAndFlags & 2 != 0 }
    /// Raw value of the source of the workforce figure (``WorkforceSource``).
    @inline(__always) var sourceIndex: Int { Int(companyAndFlags >> 2 & 3) }
}

/// How ``GroupedRecords`` orders the events by (group, day) when the key range is small
/// enough for counting sorts (otherwise ``EventOrder/positions(_:days:)`` is used).
package enum RecordSortPath: Sendable, Equatable {
    /// ``twoLevel`` when there are many (group, day) keys (more than 2,048) and at most 64
    /// groups; else ``onePass``.
    case automatic
    /// One counting sort on the (group, day) key: each record is written straight into
    /// its place, a store scattered over all the keys (thousands of write streams).
    case onePass
    /// Records written by block first (a block: a run of consecutive days of one group; at
    /// most about 64 blocks, one sequential write stream each, in table order), then each
    /// block's run, copied aside, sorted by day back into place: two passes whose stores
    /// stay within cache-resident streams. Taken only when no block holds more than a
    /// quarter of the events (the copy aside), else ``onePass``.
    case twoLevel
}

/// The events split into groups, each group's events as packed records in ascending order
/// of day (ties in table order): group `g`, labelled `names[g]`, is
/// `records[start[g]..<start[g + 1]]`.
///
/// The records are made in table order (every column read sequentially) and written
/// into their places, found by counting sorts when the (group, day) key range is small
/// (few groups, days not much more than events; see ``RecordSortPath``), else by
/// ``EventOrder/positions(_:days:)``. All paths give the same records.
struct GroupedRecords<Record: PackedEvent & Sendable>: Sendable {
    var names: [String]
    /// Per group, the value of each group column (see ``GroupKeys/values``).
    var values: [[String]]
    var records: [Record]
    var start: [Int]

    /// The records of group `g`.
    func members(_ g: Int) -> ArraySlice<Record> { records[start[g]..<start[g + 1]] }

    /// Per group, the day it is observed through when the table was cut before its later
    /// events (``EventCutoff``), else `nil`; empty when no group has one.
    var observedThrough: [Day?] = []

    /// Group `g`'s own span: its first to its last event day (its records are in day order),
    /// or to the cut-off day when the group has events after it.
    func span(ofGroup g: Int) -> Coverage? {
        guard start[g] < start[g + 1] else { return nil }
        let last = Day(number: records[start[g + 1] - 1].day)
        let through = g < observedThrough.count ? observedThrough[g] : nil
        return Coverage(ordered: Day(number: records[start[g]].day), max(last, through ?? last))
    }

    /// Each group's own span, in group order.
    var spans: [Coverage?] { names.indices.map(span(ofGroup:)) }

    /// The span group `g` is observed over: the table's `coverage` when `grouping` shares
    /// it, else its own.
    func coverage(ofGroup g: Int, _ grouping: Grouping, table coverage: Coverage?) -> Coverage? {
        grouping.coverage == .perGroup ? span(ofGroup: g) ?? coverage : coverage
    }

    /// The records of `members` (records of one group) announced on or after `day`.
    func members(_ members: ArraySlice<Record>, from day: Day) -> ArraySlice<Record> {
        var lo = members.startIndex, hi = members.endIndex
        while lo < hi {
            let mid = (lo + hi) / 2
            if members[mid].day < day.number { lo = mid + 1 } else { hi = mid }
        }
        return members[lo...]
    }

    /// The records of group `g` announced in `from...to` (both included): one run of them,
    /// found by binary search.
    func members(_ g: Int, from: Day, to: Day) -> ArraySlice<Record> {
        let members = self.members(g)
        func firstAfter(_ limit: Int32, strictly: Bool) -> Int {
            var lo = members.startIndex, hi = members.endIndex
            while lo < hi {
                let mid = (lo + hi) / 2
                let d = members[mid].day
                if strictly ? d <= limit : d < limit { lo = mid + 1 } else { hi = mid }
            }
            return lo
        }
        guard from <= to else { return members[members.startIndex..<members.startIndex] }
        return members[firstAfter(from.number, strictly: false)..<firstAfter(to.number, strictly: true)]
    }

    /// Splits `events` by `grouping`, event `i` packed as `record(i)`. The records are
    /// written into `storage` when it holds at least as many (records are plain values,
    /// so overwriting them is fine): reusing the memory of records no longer needed saves
    /// the page faults of fresh memory. `coverage` is `Coverage(events)` (computed once by
    /// the caller, who needs it too).
    init(_ events: EventTable, by grouping: Grouping, coverage: Coverage?,
         reusing storage: consuming [Record] = [], path: RecordSortPath = .automatic,
         record: (Int) -> Record) throws(AnalysisError) {
        let n = events.count
        guard n < Int(Int32.max) && events.company.levels.count < 1 << 27 else {
            throw .invalidParameter("too many events (\(n)) or companies (\(events.company.levels.count)) for one analysis")
        }
        let keys = try GroupKeys(events, by: grouping)
        names = keys.names
        values = keys.values
        start = keys.start
        if grouping.coverage == .perGroup, let cutoff = events.cutoff {
            observedThrough = try cutoff.observedThrough(keys.names, by: grouping)
        }
        let groups = names.count
        guard let cov = coverage else {
            records = []
            return
        }
        let lo = cov.first.number, hi = cov.last.number
        let range = Int(hi) - Int(lo) + 1
        let scatter = range <= 4 * n + 1024 && groups * range <= max(2 * n, 1 << 16)
        // next[k]: place of the next record of (group, day) key k = group × range + day − lo.
        var next: [Int32] = []
        if scatter {
            next = [Int32](repeating: 0, count: groups * range + 1)
            next.withUnsafeMutableBufferPointer { next in
                events.day.withUnsafeBufferPointer { day in
                    if keys.codes.isEmpty {
                        for i in 0..<n { next[Int(day[i].number - lo) + 1] += 1 }
                    } else {
                        for i in 0..<n { next[Int(keys.group(i)) * range + Int(day[i].number - lo) + 1] += 1 }
                    }
                }
                for k in 0..<(groups * range) { next[k + 1] += next[k] }
            }
        }
        // Two levels: blocks of 2^shift consecutive days of one group (at most 64 blocks
        // when there are at most 64 groups), then the days of each block. `blockStart[b]`:
        // place of the first record of block b = group × perGroup + (day − lo) >> shift.
        var shift = 0
        while groups * ((range - 1) >> shift + 1) > 64 && 1 << shift < range { shift += 1 }
        let perGroup = (range - 1) >> shift + 1
        var blockStart: [Int] = []
        var largest = 0
        let twoLevel: Bool
        switch path {
        case .automatic: twoLevel = groups * range > 1 << 11 && groups <= 64
        case .onePass: twoLevel = false
        case .twoLevel: twoLevel = true
        }
        if scatter && twoLevel && n > 0 {
            blockStart = (0..<(groups * perGroup)).map { b in Int(next[b / perGroup * range + (b % perGroup) << shift]) } + [n]
            largest = (0..<(groups * perGroup)).lazy.map { blockStart[$0 + 1] - blockStart[$0] }.max() ?? 0
        }
        // The run copied aside is at most a quarter of the records (plus a little).
        let byBlockFirst = !blockStart.isEmpty && largest <= n / 4 + 64
        let positions: [Int32] = scatter ? [] : EventOrder.positions(keys, days: events.day)
        func fill(_ out: UnsafeMutablePointer<Record>) {
            guard scatter else {
                for i in 0..<n { (out + Int(positions[i])).initialize(to: record(i)) }
                return
            }
            next.withUnsafeMutableBufferPointer { next in
                if byBlockFirst {
                    // By block, in table order: one sequential write stream per block.
                    var at = blockStart
                    at.withUnsafeMutableBufferPointer { at in
                        events.day.withUnsafeBufferPointer { day in
                            for i in 0..<n {
                                let b = Int(keys.group(i)) * perGroup + Int(day[i].number - lo) >> shift
                                (out + at[b]).initialize(to: record(i))
                                at[b] += 1
                            }
                        }
                    }
                    // Each block's run, copied aside, by day back into place (stable).
                    let aside = UnsafeMutablePointer<Record>.allocate(capacity: max(largest, 1))
                    defer { aside.deallocate() }
                    for b in 0..<(groups * perGroup) {
                        let s = blockStart[b], m = blockStart[b + 1] - s
                        aside.initialize(from: out + s, count: m)
                        let base = b / perGroup * range - Int(lo)
                        for j in 0..<m {
                            let r = aside[j]
                            let k = base + Int(r.day)
                            let p = Int(next[k])
                            next[k] = Int32(p + 1)
                            (out + p).initialize(to: r)
                        }
                    }
                } else {
                    events.day.withUnsafeBufferPointer { day in
                        for i in 0..<n {
                            let k = Int(keys.group(i)) * range + Int(day[i].number - lo)
                            let p = Int(next[k])
                            next[k] = Int32(p + 1)
                            (out + p).initialize(to: record(i))
                        }
                    }
                }
            }
        }
        var reused = storage
        if reused.count >= n {
            reused.removeLast(reused.count - n)
            reused.withUnsafeMutableBufferPointer { fill($0.baseAddress!) }
            records = reused
        } else {
            reused = []
            records = [Record](unsafeUninitializedCapacity: n) { out, initialized in
                fill(out.baseAddress!)
                initialized = n
            }
        }
    }
}

extension GroupedRecords where Record == TotalsRecord {
    /// Splits `events` (whose coverage is `coverage`) by `grouping` into ``TotalsRecord``s.
    init(totalsOf events: EventTable, by grouping: Grouping, coverage: Coverage?) throws(AnalysisError) {
        let (day, company, cut, cutKnown) = (events.day, events.company.codes, events.cut.values, events.cut.isPresent)
        try self.init(events, by: grouping, coverage: coverage) { i in
            TotalsRecord(cut: cut[i], day: day[i].number, companyAndFlags: packCompany(company[i], flags: cutKnown[i] ? 1 : 0))
        }
    }
}

extension GroupedRecords where Record == RateRecord {
    /// Splits `events` (whose coverage is `coverage`) by `grouping` into ``RateRecord``s
    /// with `workforce` (one entry per event).
    init(ratesOf events: EventTable, workforce: Workforce, by grouping: Grouping, coverage: Coverage?,
         reusing storage: consuming [RateRecord] = [], path: RecordSortPath = .automatic) throws(AnalysisError) {
        let (day, company, cut, cutKnown) = (events.day, events.company.codes, events.cut.values, events.cut.isPresent)
        let (wValue, wKnown, wSource) = (workforce.values.values, workforce.values.isPresent, workforce.source)
        try self.init(events, by: grouping, coverage: coverage, reusing: storage, path: path) { i in
            let known = cutKnown[i]
            let flags = (known ? 1 : 0) | (known && wKnown[i] ? 2 : 0) | UInt32(wSource[i].rawValue) << 2
            return RateRecord(cut: cut[i], workforce: wValue[i], day: day[i].number,
                              companyAndFlags: packCompany(company[i], flags: flags))
        }
    }
}

/// Events split by one grouping, once, for several analyses: ``RollingRates``,
/// ``YearOverYear`` and ``YearToDate`` each sort the events by (group, day) into packed
/// records, and built from a `GroupedEvents` they share that sort instead of repeating it
/// (as a pandas `groupby` object serves several aggregations).
///
/// ```swift
/// let byIndustry = try GroupedEvents(events: events, workforce: workforce, grouping: .by("industry"))
/// let rolling = try RollingRates(grouped: byIndustry, window: .days(90), schedule: .monthEnd)
/// let yearly = try YearOverYear(grouped: byIndustry, unit: .year)
/// let ytd = try YearToDate(grouped: byIndustry, asOf: lastDay)
/// ```
///
/// Each analysis gives exactly what its `events:` initializer gives on the same table
/// (tested). Memory: 24 bytes per event, held as long as the value is (and, while the
/// events are sorted, a copy of at most a quarter of them).
public struct GroupedEvents: Sendable {
    /// How the events are grouped.
    public let grouping: Grouping
    /// Coverage of the events, `nil` for an empty table.
    public let coverage: Coverage?
    /// Number of events.
    public let count: Int
    let records: GroupedRecords<RateRecord>
    /// Number of company levels of the table (the size of per-company counters).
    let companyLevels: Int

    /// Group labels in output order (sorted, missing-value group last).
    public var groups: [String] { records.names }

    /// Per group (in the order of ``groups``), the value of each group column, the
    /// grouping's missing label where the value is missing; `[[]]` when ungrouped.
    public var groupValues: [[String]] { records.values }

    /// Per group (in the order of ``groups``), its own first to last event day, whatever
    /// the grouping's ``GroupCoverage``.
    public var groupSpans: [Coverage?] { records.spans }

    /// Number of events of each group, in the order of ``groups``.
    public var groupSizes: [Int] { (0..<records.names.count).map { records.start[$0 + 1] - records.start[$0] } }

    /// Splits `events`, with the workforce behind each event (for rolling rates), by `grouping`.
    ///
    /// - Throws: what ``EventTable/validate()`` throws,
    ///   ``AnalysisError/unknownGroupColumn(_:available:)``,
    ///   ``AnalysisError/lengthMismatch(what:expected:actual:)`` when `workforce` does not match `events`.
    public init(events: EventTable, workforce: Workforce, grouping: Grouping = .overall) throws(AnalysisError) {
        try self.init(events: events, workforce: workforce, grouping: grouping, reusing: nil)
    }

    /// ``init(events:workforce:grouping:)`` writing its records into the memory of
    /// `spare` (the storage of grouped events no longer needed, from
    /// ``releaseStorage()``) when it is large enough. `path` picks the counting sort
    /// (tests compare the paths; the default picks by the shape of the data).
    package init(events table: EventTable, workforce: Workforce, grouping: Grouping = .overall,
                 reusing spare: consuming GroupedEventsStorage?,
                 path: RecordSortPath = .automatic) throws(AnalysisError) {
        let (events, coverage) = try table.checkedCovered()
        try workforce.check(events: events.count)
        self.grouping = grouping
        self.coverage = coverage
        self.count = events.count
        self.records = try GroupedRecords(ratesOf: events, workforce: workforce, by: grouping, coverage: coverage,
                                          reusing: spare.take()?.records ?? [], path: path)
        self.companyLevels = events.company.levels.count
    }

    /// Totals over the events of group `group` (an index into ``groups``) announced in
    /// `from...to`, both days included: the same counts as
    /// ``EventTotals/span(_:from:to:)`` on the group's events, with the cut summed in day
    /// order (ties in table order), as ``YearToDate`` sums it. O(log n) to find the span,
    /// then O(events in it).
    ///
    /// The headline of a report asks for three such spans of the overall events; each is a
    /// binary search in the day-ordered records rather than a scan of the whole table.
    ///
    /// - Throws: ``AnalysisError/invalidParameter(_:)`` when there is no group `group`.
    public func totals(group: Int = 0, from: Day, to: Day) throws(AnalysisError) -> EventTotals {
        guard groups.indices.contains(group) else {
            throw .invalidParameter("no group \(group); the groups are numbered 0 to \(groups.count - 1)")
        }
        var distinct = DistinctCounter(codes: companyLevels)
        return EventTotals(records.members(group, from: from, to: to), distinct: &distinct)
    }

    /// Ends these grouped events and hands their record memory to the next
    /// ``init(events:workforce:grouping:reusing:)``.
    package consuming func releaseStorage() -> GroupedEventsStorage {
        GroupedEventsStorage(records: records.records)
    }
}

/// The record memory of ``GroupedEvents`` no longer needed, for the next one to reuse.
package struct GroupedEventsStorage: Sendable {
    var records: [RateRecord]
}
