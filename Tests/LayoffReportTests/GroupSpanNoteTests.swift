import Testing
import StatKit
import LayoffKit
@testable import LayoffReport

/// The note that names groups stopping or starting more than a year inside a shared coverage.
@Suite struct GroupSpanNoteTests {
    static func day(_ s: String) -> Day { Day(parsing: s)! }
    static func span(_ a: String, _ b: String) -> Coverage { Coverage(first: day(a), last: day(b))! }

    @Test func namesTheGroupsThatStopOrStartLongInside() throws {
        let coverage = Self.span("2016-01-07", "2026-12-31")
        let text = try #require(GroupSpanNote.text(
            groups: ["MI", "OH", "HI", "WA"],
            spans: [Self.span("2016-01-07", "2025-09-30"), Self.span("2016-02-01", "2026-12-01"),
                    Self.span("2019-01-16", "2026-07-22"), Self.span("2016-01-07", "2026-12-31")],
            coverage: coverage))
        #expect(text == "1 group's events stop over a year before the data's last day (MI on 2025-09-30): their later periods count as 0; "
                + "1 group's events start over a year after the data's first day (HI on 2019-01-16): their earlier periods count as 0. "
                + "If a group's source stopped or started there, --coverage per-group shows those periods as missing.")
    }

    @Test func saysNothingWhenEveryGroupSpansTheData() {
        let coverage = Self.span("2020-01-01", "2024-12-31")
        #expect(GroupSpanNote.text(groups: ["a", "b"], spans: [Self.span("2020-06-01", "2024-01-01"), coverage], coverage: coverage) == nil)
        #expect(GroupSpanNote.text(groups: [], spans: [], coverage: nil) == nil)
    }

    @Test func listsFiveAndCountsTheRest() throws {
        let coverage = Self.span("2010-01-01", "2024-12-31")
        let groups = (0..<8).map { "g\($0)" }
        let spans = (0..<8).map { Self.span("2010-01-01", "201\($0)-06-30") }
        let text = try #require(GroupSpanNote.text(groups: groups, spans: spans, coverage: coverage))
        #expect(text.hasPrefix("8 groups' events stop over a year before the data's last day (g0 on 2010-06-30, g1 on 2011-06-30, g2 on 2012-06-30, g3 on 2013-06-30, g4 on 2014-06-30 and 3 more)"))
    }
}

/// The note naming the spans that have events but none with a count.
@Suite struct UncountedNoteTests {
    @Test func namesTheSpansWithoutACountMostEventsFirst() throws {
        let spans = [UncountedNote.Span(name: "HI 2024", events: 29, withCount: 0),
                     UncountedNote.Span(name: "TX 2024", events: 290, withCount: 281),
                     UncountedNote.Span(name: "HI 2025", events: 31, withCount: 0),
                     UncountedNote.Span(name: "OK 2025", events: 1, withCount: 0),
                     UncountedNote.Span(name: "NY 2023", events: 0, withCount: 0)]
        #expect(UncountedNote.text(spans) == "No event has a reported count in HI 2025 (31 events), HI 2024 (29 events), OK 2025 (1 event): the cut is unknown there, not 0.")
    }

    @Test func saysNothingWhenEverySpanHasACountAndCountsTheRest() throws {
        #expect(UncountedNote.text([UncountedNote.Span(name: "a", events: 3, withCount: 1)]) == nil)
        let many = (0..<13).map { UncountedNote.Span(name: "g\($0 + 10)", events: 2, withCount: 0) }
        let text = try #require(UncountedNote.text(many))
        #expect(text.hasSuffix("g19 (2 events), and 3 more: the cut is unknown there, not 0."))
    }
}
