// Pandas reference values on the shared layoffs.fyi export
// (scripts/reference/layoffs_reference.py → Reference/layoffsfyi-*.json).
import Testing
import LayoffKit
import StatKit

struct RollingReferenceRow: Decodable {
    var day: String, events: Int, companies: Int, cut: Double, rateEvents: Int
    var rateCut: Double, rateWorkforce: Double, rate: Double?
}
struct RollingReferenceGroup: Decodable { var group: String, rows: [RollingReferenceRow] }
struct RollingReference: Decodable {
    var window: String, schedule: String, overall: [RollingReferenceRow], groups: [RollingReferenceGroup]
}

@Suite(.enabled(if: sharedDataAvailable, "../shared/datasets is absent"))
struct RollingReferenceTests {
    static func compare(_ got: ArraySlice<RollingRateRow>, _ want: [RollingReferenceRow], _ what: String) {
        #expect(got.count == want.count, "\(what)")
        for (a, b) in zip(got, want) {
            // Counts exact; sums and rates to 1e-9 relative (pandas' rolling sum is not compensated).
            let ok = a.day.description == b.day && a.events == b.events && a.companies == b.companies
                && a.rateEvents == b.rateEvents && close(a.cut, b.cut, rel: 1e-9)
                && close(a.rateCut, b.rateCut, rel: 1e-9) && close(a.rateWorkforce, b.rateWorkforce, rel: 1e-9)
                && close(a.rate, b.rate, rel: 1e-9)
            #expect(ok, "\(what) \(b.day): got \(a), pandas \(b)")
        }
    }

    @Test func ninetyDayRatesAtMonthEndsOverallAndByIndustry() throws {
        let t = try #require(try loadSharedLayoffsFYI())
        let ref = try loadReference("layoffsfyi-rolling-90d.json", as: RollingReference.self)
        let window = try TrailingWindow(parsing: ref.window)
        let schedule = try #require(EvaluationSchedule(rawValue: ref.schedule))
        let w = try Workforce.implied(by: t)
        let overall = try RollingRates(events: t, workforce: w, window: window, schedule: schedule)
        Self.compare(overall.rows[...], ref.overall, "all")
        #expect(overall.workforceSources.implied > 1000 && overall.workforceSources.fundamentals == 0)
        let byIndustry = try RollingRates(events: t, workforce: w, window: window, schedule: schedule,
                                          grouping: .by("industry"))
        #expect(byIndustry.groups == ref.groups.map(\.group))
        for g in ref.groups { Self.compare(byIndustry.rows(forGroup: g.group), g.rows, g.group) }
    }
}
