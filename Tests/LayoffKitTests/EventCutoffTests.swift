// A table cut at a day (`through`, the commands' --as-of) is observed through that day: the
// table when any event is later, each group (per-group coverage) when one of its events is
// later; a group whose events all come before keeps its own last day. Checked by brute
// force on staggered groups (MissingAndCoverageTests.staggeredEvents).
import Foundation
import Testing
import LayoffKit
import StatKit

@Suite struct EventCutoffTests {
    /// Each group's span after cutting at `day`, by brute force: first event on or before
    /// `day` to the last one, or to `day` when the group has a later event.
    static func spans(_ t: EventTable, cutAt day: Day) -> [String: (Day, Day)] {
        var out: [String: (Day, Day)] = [:]
        var later = Set<String>()
        for i in 0..<t.count {
            let g = t.state[i]!
            if t.day[i] > day { later.insert(g); continue }
            let (a, b) = out[g] ?? (t.day[i], t.day[i])
            out[g] = (min(a, t.day[i]), max(b, t.day[i]))
        }
        for (g, s) in out where later.contains(g) { out[g] = (s.0, day) }
        return out
    }

    @Test(arguments: ["2022-12-31", "2023-06-30", "2024-03-31"])
    func groupsWithLaterEventsAreObservedThroughTheCutoff(_ text: String) throws {
        let full = staggeredEvents(seed: 11)
        let day = Day(parsing: text)!
        let cut = full.through(day)
        #expect(cut.count == full.day.filter { $0 <= day }.count && cut.cutoff?.day == day)
        let expected = Self.spans(full, cutAt: day)
        let y = try YearOverYear(events: cut, unit: .quarter, grouping: .by("state", coverage: .perGroup))
        #expect(y.groups.count == expected.count)
        for (g, span) in zip(y.groups, y.groupSpans) {
            #expect(span?.first == expected[g]?.0 && span?.last == expected[g]?.1, "\(g): \(String(describing: span))")
        }
        for r in y.rows {
            let (a, b) = expected[r.group]!
            let inside = r.period.start <= b && r.period.end >= a
            #expect((r.totals != nil) == inside, "\(r.group) \(r.label)")
            #expect(r.partial == (inside && (r.period.start < a || r.period.end > b)), "\(r.group) \(r.label)")
        }
        // Shared: the whole table is observed through the cut-off.
        let shared = try YearOverYear(events: cut, unit: .quarter)
        #expect(shared.coverage?.first == full.day.min() && shared.coverage?.last == day)
        #expect(Coverage(cut)?.last == day && Coverage(full.through(full.day.max()!)) == Coverage(full))
    }

    @Test func aTableWithoutLaterEventsIsItselfAndCutsChain() throws {
        let full = staggeredEvents(seed: 12)
        #expect(full.through(full.day.max()!) == full && full.through(full.day.max()!).cutoff == nil)
        // Cut twice: a group whose only later events lie past the first cut-off is still
        // observed through the second.
        let first = Day(parsing: "2024-06-30")!, second = Day(parsing: "2023-06-30")!
        let twice = full.through(first).through(second)
        let y = try YearOverYear(events: twice, unit: .year, grouping: .by("state", coverage: .perGroup))
        let expected = Self.spans(full, cutAt: second)
        for (g, span) in zip(y.groups, y.groupSpans) { #expect(span?.last == expected[g]?.1, "\(g)") }
    }
}
