import Foundation
import Testing
import StatKit
import LayoffKit
import LayoffReport

/// A report built from events loaded with only ``ReportOptions/eventColumns`` is the
/// report built from every column, byte for byte, figures included.
@Suite struct ReportColumnsTests {
    static func options(groupBy: String, formula: String?) -> ReportOptions {
        var o = ReportOptions()
        o.groupBy = groupBy
        if let formula {
            var s = RegressionSettings()
            s.formula = formula
            o.regression = s
        }
        return o
    }

    @Test(arguments: [
        ("industry", nil),
        ("location", "log(total_laid_off) ~ log(employees) + log1p(funds_raised) + C(stage)"),
        ("country", "total_laid_off ~ revenue_growth + C(country)"),
        ("industry", "log(total_laid_off) ~ log(employees) +"),
    ] as [(String, String?)])
    func projectedLoadGivesTheSameReport(groupBy: String, formula: String?) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("report-columns-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(.init(events: 8_000, companies: 1_000, seed: 5)).write(eventsPath: e, fundamentalsPath: f)

        let options = Self.options(groupBy: groupBy, formula: formula)
        let kept = options.eventColumns
        #expect(!kept.contains("source") && kept.contains(groupBy) && kept.contains("industry"))
        let all = try LayoffDataset.load(eventsPath: e, fundamentalsPath: f)
        let projected = try LayoffDataset.load(eventsPath: e, fundamentalsPath: f, eventOptions: .init(columns: kept))
        #expect(projected.events.source.count == 0)
        let a = try ReportBuilder.build(data: all, options: options)
        let b = try ReportBuilder.build(data: projected, options: options)
        #expect(a.markdown == b.markdown)
        #expect(a.figures.map(\.name) == b.figures.map(\.name))
        #expect(a.figures.map(\.svg) == b.figures.map(\.svg))
    }
}
