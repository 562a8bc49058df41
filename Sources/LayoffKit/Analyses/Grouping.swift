import StatKit

/// How events are split into groups for an analysis.
///
/// Groups are reported in ascending order of their names (Swift `String` ordering), with
/// the missing-value group, if any events lack a value, always last. Events whose group
/// value is missing are never dropped: they are counted under ``missingLabel``, as a group of
/// their own even if a real value happens to equal the label (pick another label then).
public struct Grouping: Sendable, Hashable {
    /// Name of the group column, or `nil` for one overall group called ``overallLabel``.
    public var column: String?
    /// Label of the group of events whose group value is missing.
    public var missingLabel: String

    /// Label of the single group of an ungrouped analysis.
    public static let overallLabel = "all"
    /// Default label of the missing-value group.
    public static let defaultMissingLabel = "(missing)"

    /// One group holding every event.
    public static let overall = Grouping(column: nil)

    /// Groups by the column `column` (any name accepted by ``EventTable/groupColumn(named:)``),
    /// or overall when `column` is `nil`.
    public init(column: String?, missingLabel: String = Grouping.defaultMissingLabel) {
        self.column = column
        self.missingLabel = missingLabel
    }

    /// Groups by `column`.
    public static func by(_ column: String) -> Grouping { Grouping(column: column) }
}

/// Errors of the analyses.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The group column does not exist; `available` lists the names that do.
    case unknownGroupColumn(String, available: [String])
    /// A per-event input has a different length from the event table.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A period label could not be parsed.
    case invalidPeriod(String, index: Int)
    /// Periods are not strictly increasing or mix units.
    case periodsOutOfOrder(String, index: Int)
    /// A parameter is out of range.
    case invalidParameter(String)

    /// A message naming the problem and, where it helps, what is accepted.
    public var description: String {
        switch self {
        case .unknownGroupColumn(let n, let av):
            return "no group column named '\(n)'; the group columns are: \(av.joined(separator: ", "))"
        case .lengthMismatch(let w, let e, let a):
            return "\(w) has \(a) entries, expected \(e) (one per event)"
        case .invalidPeriod(let p, let i):
            return "row \(i + 1): invalid period '\(p)' (expected YYYY-MM, YYYY-Qn or YYYY)"
        case .periodsOutOfOrder(let p, let i):
            return "row \(i + 1): period '\(p)' is not after the previous one (periods must be strictly increasing and of one kind)"
        case .invalidParameter(let m):
            return m
        }
    }
}

/// The events split into groups: `members[g]` are the event indices of group `g`, in
/// ascending order of day (ties in table order), and `names[g]` its label.
struct GroupedEvents {
    var names: [String]
    var members: [[Int]]

    /// Splits `events` by `grouping`, after one stable sort of all events by day.
    init(_ events: EventTable, by grouping: Grouping) throws(AnalysisError) {
        let order = GroupedEvents.dayOrder(events.day)
        guard let name = grouping.column else {
            names = [Grouping.overallLabel]
            members = [order]
            return
        }
        guard let col = events.groupColumn(named: name) else {
            throw .unknownGroupColumn(name, available: events.groupColumnNames)
        }
        // Bucket by code (index levels.count holds the missing group), then order buckets by name.
        var buckets = Array(repeating: [Int](), count: col.levels.count + 1)
        for i in order {
            let c = col.codes[i]
            buckets[c < 0 ? col.levels.count : Int(c)].append(i)
        }
        let present = (0..<col.levels.count).filter { !buckets[$0].isEmpty }
            .sorted { col.levels[$0] < col.levels[$1] }
        names = present.map { col.levels[$0] }
        members = present.map { buckets[$0] }
        if !buckets[col.levels.count].isEmpty {
            names.append(grouping.missingLabel)
            members.append(buckets[col.levels.count])
        }
    }
}

extension GroupedEvents {
    /// Indices of `days` in ascending order of day, ties in index order: a stable
    /// counting sort over the day range (O(n + range)) when the range is not much wider
    /// than the table, else a comparison sort. Both give the same order.
    static func dayOrder(_ days: [Day]) -> [Int] {
        guard let lo = days.min()?.number, let hi = days.max()?.number else { return [] }
        let range = Int(hi) - Int(lo) + 1
        guard range <= 4 * days.count + 1024 else {
            return days.indices.sorted { (days[$0], $0) < (days[$1], $1) }
        }
        var start = [Int](repeating: 0, count: range + 1)
        for d in days { start[Int(d.number - lo) + 1] += 1 }
        for k in 0..<range { start[k + 1] += start[k] }
        var order = [Int](repeating: 0, count: days.count)
        for (i, d) in days.enumerated() {
            let k = Int(d.number - lo)
            order[start[k]] = i
            start[k] += 1
        }
        return order
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
}

/// Change from `previous` to `current` and its percentage; the percentage is `nil` when the
/// base is 0 (shown as "n/a"), both are `nil` when the base is unknown.
func change(_ current: Double, from previous: Double?) -> (change: Double?, pct: Double?) {
    guard let p = previous else { return (nil, nil) }
    let d = current - p
    return (d, p == 0 ? nil : d / p * 100)
}

extension EventTotals {
    /// Totals over the events announced in `from...to` (both days included).
    public static func span(_ events: EventTable, from: Day, to: Day) -> EventTotals {
        EventTotals(events, events.day.indices.lazy.filter { events.day[$0] >= from && events.day[$0] <= to })
    }
}
