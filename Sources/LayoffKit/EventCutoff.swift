import StatKit

/// What a table cut at a day knows of the events after it (``EventTable/through(_:)``, the
/// `--as-of` of the commands): their source went on past the day, so the table, and each
/// group with a later event, is observed through the day rather than only through its last
/// event. A state whose notices go on after 31 December is observed through 31 December:
/// its December is whole, not partial, however early in the month its last notice before
/// the cut-off falls. A group without a later event keeps its own last event day.
public final class EventCutoff: Sendable, Equatable {
    /// The day the table was cut at: its events are on or before it.
    public let day: Day
    /// The events after ``day`` (at least one).
    public let later: EventTable
    /// The cut-off of the table this one was cut from, if that table was already cut.
    public let previous: EventCutoff?

    init(day: Day, later: EventTable, previous: EventCutoff?) {
        self.day = day; self.later = later; self.previous = previous
    }

    public static func == (a: EventCutoff, b: EventCutoff) -> Bool {
        a.day == b.day && a.later == b.later && a.previous == b.previous
    }

    /// For each group named in `names` (a grouping of the cut table by `grouping`), ``day``
    /// when the group has an event after the cut-off, else `nil`.
    func observedThrough(_ names: [String], by grouping: Grouping) throws(AnalysisError) -> [Day?] {
        var continuing = Set<String>()
        var cutoff: EventCutoff? = self
        while let c = cutoff {
            continuing.formUnion(try GroupKeys(c.later.checked(), by: grouping).names)
            cutoff = c.previous
        }
        return names.map { continuing.contains($0) ? day : nil }
    }
}

extension EventTable {
    /// The events on or before `day`, in their order, remembering the later ones
    /// (``cutoff``) so that the analyses observe the table, and each group with a later
    /// event, through `day`. The table itself when no event is later.
    public func through(_ day: Day) -> EventTable {
        let keep = self.day.indices.filter { self.day[$0] <= day }
        return keep.count == count ? self : through(day, keeping: keep)
    }

    /// ``through(_:)`` given the events it keeps (`keep`: the indices of the events on or
    /// before `day`, in order; fewer than all).
    func through(_ day: Day, keeping keep: [Int]) -> EventTable {
        var t = selecting(keep)
        t.cutoff = EventCutoff(day: day, later: selecting(self.day.indices.filter { self.day[$0] > day }), previous: cutoff)
        return t
    }
}
