import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import StatKit
import Testing
@testable import LayoffReport

/// Parsed view of a rendered chart for structural checks.
struct ParsedSVG {
    let doc: XMLDocument
    /// Parses `svg` with the SVG namespace declaration removed, so that XPath and attribute
    /// lookups work on plain names (the full document is parsed as is elsewhere).
    init(_ svg: String) throws {
        let plain = svg.replacingOccurrences(of: " xmlns=\"http://www.w3.org/2000/svg\"", with: "")
        #expect(plain != svg)
        doc = try XMLDocument(xmlString: plain, options: [])
    }

    func elements(_ xpath: String) throws -> [XMLElement] { try doc.nodes(forXPath: xpath).compactMap { $0 as? XMLElement } }
    func texts(inGroup cls: String) throws -> [XMLElement] { try elements("//g[@class='\(cls)']/text") }
    func number(_ e: XMLElement, _ attr: String) -> Double { Double(e.attribute(forName: attr)?.stringValue ?? "") ?? .nan }

    /// The plot rectangle (the clip path's rectangle, which is 1 px larger on each side).
    func plotRect() throws -> (x0: Double, y0: Double, x1: Double, y1: Double) {
        let r = try #require(try elements("//clipPath/rect").first)
        let x = number(r, "x") + 1, y = number(r, "y") + 1
        return (x, y, x + number(r, "width") - 2, y + number(r, "height") - 2)
    }
}

@Suite struct ChartStructureTests {
    static func tickValue(_ label: String) -> Double? {
        Double(label.replacingOccurrences(of: ",", with: "").replacingOccurrences(of: "%", with: ""))
    }

    @Test(arguments: ["monthly-bars", "lines", "scatter", "residuals"])
    func yTicksAreRoundAndEvenlySpaced(name: String) throws {
        let chart = ChartRenderingTests.examples.first { $0.0 == name }!.1
        let svg = try ParsedSVG(chart.svg())
        let labels = try svg.texts(inGroup: "y-axis").filter { $0.attribute(forName: "text-anchor")?.stringValue == "end" }
        let values = try labels.map { try #require(Self.tickValue($0.stringValue ?? "")) }
        #expect(values.count >= 3)
        let step = values[1] - values[0]   // labels run bottom (smallest) to top
        #expect(step > 0)
        // The step is 1, 2 or 5 times a power of ten, every tick a multiple of it.
        let e = (log10(step)).rounded(.down)
        let mantissa = (step / pow(10, e) * 1000).rounded() / 1000
        #expect([1, 2, 5].contains(mantissa), "\(step)")
        for (a, b) in zip(values, values.dropFirst()) { #expect(abs((b - a) - step) <= step * 1e-9) }
        for v in values { #expect(abs(v / step - (v / step).rounded()) <= 1e-9) }
    }

    @Test func nilValuesBreakLines() throws {
        let days = ChartExamples.months(from: 2024, 1, count: 7)
        let chart = Chart.lines(title: "Gaps", dates: days, series: [
            .init(name: "A", values: [1, 2, nil, 4, 5, nil, 7]),      // two segments and an isolated point
            .init(name: "B", values: [1, 1, 1, 1, 1, 1, 1]),
        ])
        let svg = try ParsedSVG(chart.svg())
        let groups = try svg.elements("//g[@class='line']")
        #expect(groups.count == 2)
        let pathA = try #require(groups[0].elements(forName: "path").first?.attribute(forName: "d")?.stringValue)
        #expect(pathA.filter { $0 == "M" }.count == 2)
        #expect(pathA.filter { $0 == "L" }.count == 2)   // (1→2) and (4→5)
        #expect(groups[0].elements(forName: "circle").count == 1)  // the isolated 7
        let pathB = try #require(groups[1].elements(forName: "path").first?.attribute(forName: "d")?.stringValue)
        #expect(pathB.filter { $0 == "M" }.count == 1)
        #expect(pathB.filter { $0 == "L" }.count == 6)
    }

    @Test func missingBarsAreNotDrawn() throws {
        let svg = try ParsedSVG(ChartExamples.monthlyBars.svg())
        let bars = try svg.elements("//g[@class='bars']/rect")
        #expect(bars.count == 17)  // 18 months, one missing
    }

    @Test func textIsEscaped() throws {
        let title = "Cuts <& \"quotes\" 'apos'> \u{01}bell"
        var chart = ChartExamples.scatter
        chart.title = title
        chart.note = "a < b && c > d"
        let text = chart.svg()
        #expect(!text.contains("\u{01}"))
        let svg = try ParsedSVG(text)
        let t = try #require(try svg.elements("/svg/title").first)
        #expect(t.stringValue == "Cuts <& \"quotes\" 'apos'> bell")
        #expect(XMLText.escape("<a href='x'>&\"") == "&lt;a href=&apos;x&apos;&gt;&amp;&quot;")
    }

    @Test(arguments: ["monthly-bars", "lines", "scatter"])
    func legendIsOutsideThePlot(name: String) throws {
        let chart = ChartRenderingTests.examples.first { $0.0 == name }!.1
        let svg = try ParsedSVG(chart.svg())
        let plot = try svg.plotRect()
        let legend = try svg.texts(inGroup: "legend")
        #expect(legend.count >= 2)
        for t in legend {
            let x = svg.number(t, "x"), y = svg.number(t, "y")
            #expect(x > plot.x1 || y > plot.y1 + 30, "\(t.stringValue ?? "") at \(x),\(y)")
        }
    }

    /// X tick labels, measured with the layout's own width estimate, never overlap —
    /// for long and short date ranges, many months of bars and narrow charts.
    @Test(arguments: [(2, 800.0), (30, 800.0), (72, 800.0), (130, 800.0), (400, 800.0), (36, 420.0), (130, 420.0)])
    func xTickLabelsDoNotOverlap(monthCount: Int, width: Double) throws {
        let months = ChartExamples.months(from: 1995, 1, count: monthCount)
        for var chart in [
            Chart.monthlyBars(title: "Bars", months: months, values: months.indices.map { Double($0 % 7) * 1000 }),
            Chart.lines(title: "Lines", dates: months, series: [.init(name: "x", values: months.indices.map { Double($0) })]),
        ] {
            chart.width = width
            let svg = try ParsedSVG(chart.svg())
            let labels = try svg.texts(inGroup: "x-axis").filter { $0.attribute(forName: "font-weight") == nil && $0.attribute(forName: "font-size")?.stringValue == "12" }
            #expect(labels.count >= 2, "\(monthCount) months")
            let boxes = labels.map { l -> (Double, Double) in
                let w = TextMetrics.width(l.stringValue ?? "", size: 12)
                return (svg.number(l, "x") - w / 2, svg.number(l, "x") + w / 2)
            }
            for (a, b) in zip(boxes, boxes.dropFirst()) { #expect(a.1 + 4 <= b.0, "\(monthCount) months at \(width) px") }
            let years = try svg.texts(inGroup: "x-axis").filter { $0.attribute(forName: "font-weight") != nil }
            let yearBoxes = years.map { svg.number($0, "x") }
            for (a, b) in zip(yearBoxes, yearBoxes.dropFirst()) { #expect(b - a >= TextMetrics.width("0000", size: 12) + 4) }
        }
    }

    @Test func determinismAcrossSeparatelyBuiltCharts() {
        // Two independently constructed, equal charts give identical bytes, and a change shows.
        #expect(ChartExamples.lines.svg() == ChartExamples.lines.svg())
        var other = ChartExamples.lines
        other.subtitle = "different"
        #expect(other.svg() != ChartExamples.lines.svg())
    }

    @Test func emptyAndDegenerateChartsStillRender() throws {
        let empty = Chart(title: "Nothing yet")
        _ = try ParsedSVG(empty.svg())
        let single = Chart.lines(title: "One point", dates: [Day(year: 2024, month: 5, day: 1)!], series: [.init(name: "A", values: [3])])
        let svg = try ParsedSVG(single.svg())
        #expect(try svg.elements("//g[@class='line']/circle").count == 1)
        let negative = Chart.monthlyBars(title: "Net change", months: ChartExamples.months(from: 2024, 1, count: 4), values: [-300, 200, nil, -50])
        let neg = try ParsedSVG(negative.svg())
        #expect(try neg.elements("//g[@class='bars']/rect").count == 3)
    }

    @Test func longTitlesAndNotesWrap() throws {
        var chart = ChartExamples.scatter
        chart.width = 420
        chart.title = "Layoffs rise with company size across every sector we could measure in 2024"
        chart.note = "Source: WARN notices filed with state labour departments, company announcements and press reports; synthetic data."
        let svg = try ParsedSVG(chart.svg())
        let texts = try svg.elements("/svg/text")
        let titleLines = texts.filter { $0.attribute(forName: "font-size")?.stringValue == "20" }
        #expect(titleLines.count >= 2)
        #expect(titleLines.map { $0.stringValue ?? "" }.joined(separator: " ") == chart.title)
        for t in texts {
            let w = TextMetrics.width(t.stringValue ?? "", size: svg.number(t, "font-size"), bold: t.attribute(forName: "font-weight") != nil)
            #expect(svg.number(t, "x") + w <= chart.width - ChartRenderer.pad + 0.5, "\(t.stringValue ?? "")")
        }
        let noteLines = texts.filter { $0.attribute(forName: "font-size")?.stringValue == "11" }
        #expect(noteLines.count >= 2)
        // The plot starts below the last title line.
        let plot = try svg.plotRect()
        #expect(titleLines.allSatisfy { svg.number($0, "y") < plot.y0 - 20 })
    }

    @Test func wideRightLegendMovesBelow() throws {
        let days = ChartExamples.months(from: 2024, 1, count: 6)
        let series = (0..<4).map { k in Chart.Series(name: "A rather long series name number \(k) for the legend", values: days.map { _ in Double(k) }) }
        let svg = try ParsedSVG(Chart.lines(title: "Wide legend", dates: days, series: series).svg())
        let plot = try svg.plotRect()
        #expect(plot.x1 > 700)
        for t in try svg.texts(inGroup: "legend") { #expect(svg.number(t, "y") > plot.y1 + 30) }
    }
}
