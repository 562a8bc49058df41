import StatKit

/// The span of days the data covers: first to last event day, inclusive.
///
/// Coverage convention (used by ``YearOverYear`` and ``YearToDate``): a span of days
/// (a calendar period, a year-to-date range) is *covered* when it intersects
/// `[first, last]`; a covered span with no events counts as zero, an uncovered one is
/// missing. A covered span that is not wholly inside `[first, last]` (the data starts or
/// stops inside it) is *partial*: its totals are what the data holds, flagged so a reader
/// does not mistake a half-observed month for a quiet one.
public struct Coverage: Sendable, Hashable {
    /// First event day.
    public var first: Day
    /// Last event day.
    public var last: Day

    /// The coverage `first...last`; `nil` when `first` is after `last` (a coverage is never empty).
    public init?(first: Day, last: Day) {
        guard first <= last else { return nil }
        self.init(ordered: first, last)
    }

    /// The coverage `first...last` of days the caller has ordered.
    init(ordered first: Day, _ last: Day) {
        self.first = first; self.last = last
    }

    /// The coverage of `events`, `nil` when there are no events (one pass over the days):
    /// its first to its last event day, or to the day it was cut at when later events were
    /// left out (``EventTable/cutoff``: the data went on past that day).
    public init?(_ events: EventTable) {
        let range: (Int32, Int32)? = events.day.withUnsafeBufferPointer { days in
            guard var lo = days.first?.number else { return nil }
            var hi = lo
            for d in days {
                lo = min(lo, d.number)
                hi = max(hi, d.number)
            }
            return (lo, hi)
        }
        guard let (lo, hi) = range else { return nil }
        self.init(ordered: Day(number: lo), Day(number: max(hi, events.cutoff?.day.number ?? hi)))
    }

    /// Whether `start...end` intersects the coverage.
    public func intersects(_ start: Day, _ end: Day) -> Bool { start <= last && end >= first }

    /// Whether `start...end` intersects the coverage without lying wholly inside it.
    public func isPartial(_ start: Day, _ end: Day) -> Bool {
        intersects(start, end) && (start < first || end > last)
    }
}
