import Foundation
import StatKit
import Testing
@testable import LayoffReport

/// Byte-for-byte comparison of one small chart with reviewed SVG text kept in
/// `Fixtures/GoldenMonthlyBars.swift` (a Swift raw string rather than an `.svg` file, so the
/// test target needs no resource rule and SwiftPM warns about no unhandled file).
///
/// After an intentional rendering change, regenerate with
/// `LAYOFFREPORT_UPDATE_GOLDEN=1 swift test --filter ChartGoldenTests` (that run fails, to make
/// the update visible), render the new SVG (`rsvg-convert`) and look at it, then commit.
@Suite struct ChartGoldenTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/GoldenMonthlyBars.swift")

    static var chart: Chart {
        var chart = Chart.monthlyBars(
            title: "Layoffs & <cuts> by month", subtitle: "Golden-file example",
            months: ChartExamples.months(from: 2024, 11, count: 4), values: [1200, nil, 3400, 2750.5],
            previousYear: [900, 1500, nil, 3100], valueName: "2024–25", previousName: "Year before",
            yTitle: "Employees cut", yUnit: "people", note: "Source: test fixture.")
        chart.width = 480
        chart.height = 300
        return chart
    }

    @Test func matchesFixture() throws {
        let svg = Self.chart.svg()
        if ProcessInfo.processInfo.environment["LAYOFFREPORT_UPDATE_GOLDEN"] == "1" {
            #expect(!svg.contains("\"##"))
            // A multi-line raw string drops the newline before its closing delimiter, hence the extra "\n".
            let quotes = String(repeating: "\"", count: 3)
            let source = "// Expected SVG of ChartGoldenTests.chart. Generated with LAYOFFREPORT_UPDATE_GOLDEN=1;\n"
                + "// review the rendered chart before committing a change to this file.\n"
                + "let goldenMonthlyBarsSVG = ##" + quotes + "\n" + svg + "\n" + quotes + "##\n"
            try source.write(to: Self.fixture, atomically: true, encoding: .utf8)
            Issue.record("golden file rewritten at \(Self.fixture.path); review it and rerun without LAYOFFREPORT_UPDATE_GOLDEN")
            return
        }
        let expected = goldenMonthlyBarsSVG
        #expect(svg == expected)
        if svg != expected {
            // Point at the first differing line to make the failure readable.
            let a = svg.split(separator: "\n", omittingEmptySubsequences: false)
            let b = expected.split(separator: "\n", omittingEmptySubsequences: false)
            if let i = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset {
                Issue.record("first difference at line \(i + 1):\n got: \(a[i])\nwant: \(b[i])")
            }
        }
    }
}
