import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import StatKit
import Testing
@testable import LayoffReport

@Suite struct ChartRenderingTests {
    static let examples: [(String, Chart)] = [
        ("monthly-bars", ChartExamples.monthlyBars), ("lines", ChartExamples.lines),
        ("scatter", ChartExamples.scatter), ("residuals", ChartExamples.residuals),
    ]

    @Test func examplesAreDeterministicAndWellFormed() throws {
        let dir = ProcessInfo.processInfo.environment["LAYOFFREPORT_CHART_DIR"]
        for (name, chart) in Self.examples + ChartExamples.stress {
            let a = chart.svg(), b = chart.svg()
            #expect(a == b, "\(name)")
            let doc = try XMLDocument(xmlString: a, options: [])
            #expect(doc.rootElement()?.name == "svg", "\(name)")
            if let dir { try a.write(toFile: dir + "/" + name + ".svg", atomically: true, encoding: .utf8) }
        }
    }
}
