import StatKit
import LayoffKit

/// The note under a grouped table whose groups share the data's coverage while some of
/// them stop (or start) long inside it.
///
/// Under `GroupCoverage.shared` a period after a group's last event counts as zero for
/// the group, which is right when one source covers every group (a tracker's industries)
/// and wrong when the group's own source stopped (a state's notices): the numbers alone
/// cannot tell which. The note names such groups so the reader can judge, and names the
/// option that treats them as missing.
public enum GroupSpanNote {
    /// How far inside the data's span a group must stop or start to be named: a year.
    public static let margin = 365

    /// The note, or `nil` when no group stops more than ``margin`` days before the data's
    /// last day or starts more than ``margin`` days after its first.
    public static func text(groups: [String], spans: [Coverage?], coverage: Coverage?) -> String? {
        guard let coverage else { return nil }
        let pairs = zip(groups, spans).compactMap { g, s in s.map { (group: g, span: $0) } }
        let stopped = pairs.filter { $0.span.last.distance(to: coverage.last) > margin }.sorted { $0.span.last < $1.span.last }
        let started = pairs.filter { coverage.first.distance(to: $0.span.first) > margin }.sorted { $0.span.first > $1.span.first }
        guard !stopped.isEmpty || !started.isEmpty else { return nil }
        func list(_ items: [(group: String, span: Coverage)], _ day: (Coverage) -> Day) -> String {
            let shown = items.prefix(5).map { "\($0.group) on \(day($0.span))" }.joined(separator: ", ")
            return shown + (items.count > 5 ? " and \(items.count - 5) more" : "")
        }
        var parts: [String] = []
        if !stopped.isEmpty {
            parts.append("\(stopped.count) group\(stopped.count == 1 ? "'s" : "s'") events stop over a year before the data's last day "
                         + "(\(list(stopped) { $0.last })): their later periods count as 0")
        }
        if !started.isEmpty {
            parts.append("\(started.count) group\(started.count == 1 ? "'s" : "s'") events start over a year after the data's first day "
                         + "(\(list(started) { $0.first })): their earlier periods count as 0")
        }
        return parts.joined(separator: "; ") + ". If a group's source stopped or started there, --coverage per-group shows those periods as missing."
    }
}

/// The note under a table naming the spans (a group's year, say) that have events but none
/// with a reported count: a state that gives no job counts for a whole year shows an
/// unknown cut there, and the note says where, so that the gap is not read as a lull.
public enum UncountedNote {
    /// Most spans named; the rest are counted.
    public static let listed = 10

    /// A span of a table: its name (`"HI 2025"`), its events and how many have a count.
    public struct Span: Sendable {
        public var name: String
        public var events: Int
        public var withCount: Int
        public init(name: String, events: Int, withCount: Int) {
            self.name = name; self.events = events; self.withCount = withCount
        }
    }

    /// The note, or `nil` when every span with events has a count.
    public static func text(_ spans: [Span]) -> String? {
        let uncounted = spans.filter { $0.events > 0 && $0.withCount == 0 }
            .sorted { ($0.events, $1.name) > ($1.events, $0.name) }
        guard !uncounted.isEmpty else { return nil }
        let named = uncounted.prefix(listed).map { "\($0.name) (\($0.events) event\($0.events == 1 ? "" : "s"))" }
        let rest = uncounted.count - named.count
        return "No event has a reported count in " + named.joined(separator: ", ")
            + (rest > 0 ? ", and \(rest) more" : "") + ": the cut is unknown there, not 0."
    }

    /// The note for the rows of a year-over-year table: the periods shown, and with
    /// `includingPrevious` the periods a year earlier too (a table of one period).
    public static func text(_ rows: [YearOverYearRow], includingPrevious: Bool = false) -> String? {
        text(rows.flatMap { r -> [Span] in
            let current = Span(name: prefix(r.group) + r.label, events: r.events ?? 0, withCount: r.eventsWithCount ?? 0)
            guard includingPrevious else { return [current] }
            return [current, Span(name: prefix(r.group) + r.previousLabel, events: r.previous?.events ?? 0,
                                  withCount: r.previous?.eventsWithCount ?? 0)]
        })
    }

    /// The note for the rows of a year-to-date table: each row's span this year, called
    /// `current` after the group's name, and the same span a year earlier.
    public static func text(_ rows: [YearToDateRow], current: String) -> String? {
        text(rows.flatMap { r -> [Span] in
            [Span(name: prefix(r.group) + current, events: r.current?.events ?? 0, withCount: r.current?.eventsWithCount ?? 0),
             Span(name: prefix(r.group) + "a year earlier", events: r.previous?.events ?? 0,
                  withCount: r.previous?.eventsWithCount ?? 0)]
        })
    }

    private static func prefix(_ group: String) -> String { group.isEmpty ? "" : group + " " }
}
