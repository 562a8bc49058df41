// Pandas reference: monthly totals and year over year on the shared layoffs.fyi export.
import Testing
import LayoffKit
import StatKit

struct MonthlyYoYReference: Decodable {
    struct Row: Decodable {
        var period: String, prevPeriod: String, events: Int, companies: Int, cut: Double?
        var eventsWithoutCount: Int, prevCut: Double?, change: Double?, pctChange: Double?, partial: Bool
    }
    var rows: [Row]
}

@Suite(.enabled(if: sharedDataAvailable, "../shared/datasets is absent"))
struct YoYReferenceTests {
    @Test func monthlyTotalsAndYearOverYear() throws {
        let t = try #require(try loadSharedLayoffsFYI())
        #expect(t.count == 4277)
        let ref = try loadReference("layoffsfyi-monthly-yoy.json", as: MonthlyYoYReference.self)
        let y = try YearOverYear(events: t, unit: .month)
        #expect(y.rows.count == ref.rows.count)
        for (a, b) in zip(y.rows, ref.rows) {
            // Counts exact, sums and percentages 1e-9 relative.
            let ok = a.label == b.period && a.previousLabel == b.prevPeriod && a.events == b.events
                && a.companies == b.companies && a.eventsWithoutCount == b.eventsWithoutCount && a.partial == b.partial
                && close(a.cut, b.cut, rel: 1e-9) && close(a.previousCut, b.prevCut, rel: 1e-9)
                && close(a.change, b.change, rel: 1e-9) && close(a.pctChange, b.pctChange, rel: 1e-9)
            #expect(ok, "\(b.period): got \(a), pandas \(b)")
        }
    }
}
