import Foundation
import Testing
import StatKit
@testable import LayoffKit
@testable import LayoffReport

/// The report's cut-size regression is fitted over the joined events in blocks
/// (``ReportBuilder/regressionModel(data:join:fundamentals:formula:blockRows:threads:)``),
/// with the rows of the residual pass watched for the leverage list and the charts. Its
/// numbers are checked against the fit of the regression table in memory (itself checked
/// against statsmodels in StatKitTests) and the leverages against brute force.
@Suite struct RegressionSectionTests {
    static let formula = RegressionSettings().formula

    static func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-12) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return abs(a - b) <= tol * max(1, max(abs(a), abs(b)))
    }

    static func dataset(events: Int, companies: Int, seed: UInt64) throws -> LayoffDataset {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("regsection-\(seed)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = SyntheticLayoffs.Parameters(events: events, companies: companies, seed: seed, shape: .compact)
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(p).write(eventsPath: e, fundamentalsPath: f)
        return try LayoffDataset.load(eventsPath: e, fundamentalsPath: f)
    }

    /// Leverages by brute force: `hᵢ = xᵢᵀ(XᵀX)⁻¹xᵢ` with `(XᵀX)⁻¹` by Gauss–Jordan.
    static func bruteLeverages(_ x: Matrix) -> [Double] {
        let p = x.columns
        var a = [[Double]](repeating: [Double](repeating: 0, count: 2 * p), count: p)
        for i in 0..<p {
            for j in 0..<p { a[i][j] = (0..<x.rows).reduce(0) { $0 + x[$1, i] * x[$1, j] } }
            a[i][p + i] = 1
        }
        for c in 0..<p {
            let pivot = (c..<p).max { abs(a[$0][c]) < abs(a[$1][c]) }!
            a.swapAt(c, pivot)
            let d = a[c][c]
            for j in 0..<(2 * p) { a[c][j] /= d }
            for r in 0..<p where r != c {
                let f = a[r][c]
                for j in 0..<(2 * p) { a[r][j] -= f * a[c][j] }
            }
        }
        return (0..<x.rows).map { i in
            var h = 0.0
            for j in 0..<p { for k in 0..<p { h += x[i, j] * a[j][p + k] * x[i, k] } }
            return h
        }
    }

    // Blocks of 3 rows include blocks where every row is excluded (15% of counts missing).
    @Test(arguments: [(UInt64(11), 3), (UInt64(11), 512), (UInt64(23), 8192)])
    func sectionMatchesTheTableFit(seed: UInt64, blockRows: Int) throws {
        let data = try Self.dataset(events: 4_000, companies: 150, seed: seed)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let model = try ReportBuilder.regressionModel(data: data, join: join, fundamentals: fundamentals,
                                                      formula: Self.formula, blockRows: blockRows)
        // Blocks built on a second thread: the same numbers to the last bit.
        let model2 = try ReportBuilder.regressionModel(data: data, join: join, fundamentals: fundamentals,
                                                       formula: Self.formula, blockRows: blockRows, threads: 2)
        for (a, b) in zip(model.variants, model2.variants) {
            #expect(a.name == b.name && a.result.coefficients == b.result.coefficients)
            #expect(a.result.durbinWatson == b.result.durbinWatson && a.result.residualSummary == b.result.residualSummary)
        }
        #expect(model.highLeverageCount == model2.highLeverageCount)
        #expect(model.topLeverage.map(\.name) == model2.topLeverage.map(\.name) && model.topLeverage.map(\.leverage) == model2.topLeverage.map(\.leverage))
        #expect(model.charts.fitted == model2.charts.fitted && model.charts.residuals == model2.charts.residuals && model.charts.means == model2.charts.means)

        // The table in memory.
        let table = try join.regressionTable(events: data.events, fundamentals: fundamentals)
        let r = try LinearModel.fit(Self.formula, data: table)
        let reference: [(String, RegressionResult)] = [("classical", r), ("HC3", try r.with(covariance: .hc3)),
                                                       ("cluster by company", try r.with(covariance: .cluster("company")))]
        #expect(model.variants.map(\.name) == reference.map(\.0))
        for ((_, s), (name, m)) in zip(model.variants, reference) {
            #expect(s.n == m.n && s.rank == m.rank && s.covarianceType == m.covarianceType && s.clusterCount == m.clusterCount)
            for (a, b) in zip(s.coefficients, m.coefficients) {
                #expect(Self.close(a.estimate, b.estimate) && Self.close(a.standardError, b.standardError), "\(name) \(a.term)")
            }
            #expect(Self.close(s.durbinWatson, m.durbinWatson) && Self.close(s.sigma, m.sigma))
        }
        // Leverages: count above 3k/n and the five largest (ties in row order), by brute force.
        let design = try DesignMatrix(formula: Self.formula, data: table)
        let h = Self.bruteLeverages(design.x)
        let cutoff = 3 * Double(r.rank) / Double(r.n)
        #expect(Self.close(model.leverageCutoff, cutoff))
        let high = h.indices.filter { h[$0] > cutoff }
        #expect(model.highLeverageCount == high.count)
        let top = high.sorted { h[$0] != h[$1] ? h[$0] > h[$1] : $0 < $1 }.prefix(5)
        #expect(model.topLeverage.count == top.count)
        for (t, i) in zip(model.topLeverage, top) {
            let event = design.keptRows[i]
            #expect(t.name == "\(data.events.company[event]!) \(data.events.day[event].year)")
            #expect(Self.close(t.leverage, h[i], 1e-9))
        }
        // Charts: every k-th row's fitted value and residual, the design's column means.
        let c = model.charts
        let residuals = try #require(r.residuals)
        let drawn = Array(stride(from: 0, to: r.n, by: c.stride))
        #expect(c.residuals.count == drawn.count)
        for (k, i) in drawn.enumerated() {
            #expect(Self.close(c.residuals[k], residuals[i], 1e-10) && Self.close(c.fitted[k], r.fitted![i], 1e-10))
        }
        for j in 0..<design.x.columns {
            let mean = (0..<design.x.rows).reduce(0.0) { $0 + design.x[$1, j] } / Double(design.x.rows)
            #expect(Self.close(c.means[j], mean, 1e-12))
        }
    }

    /// Categorical terms take the same path: levels are found in the first pass.
    @Test func categoricalFormula() throws {
        let data = try Self.dataset(events: 1_500, companies: 60, seed: 5)
        var settings = RegressionSettings()
        settings.formula = "log(total_laid_off) ~ log(employees) + C(industry)"
        var figures: [(name: String, svg: String)] = []
        let md = ReportBuilder.regressionSection(data: data, settings: settings, options: ReportOptions(), figures: &figures)
        #expect(md.contains("C(industry)[T."))
        #expect(md.contains("cluster by company"))
        #expect(figures.count == 2)
    }

    /// With many rows the leverage cut-off 3k/n and the leverages are small: they are
    /// shown to two significant digits (never as 0.000), the rest of the list counted; a
    /// p-value that underflowed reads "p < 1e-300".
    @Test func smallLeveragesAndTinyPValuesAreReadable() throws {
        let data = try Self.dataset(events: 20_000, companies: 400, seed: 7)
        var figures: [(name: String, svg: String)] = []
        let md = ReportBuilder.regressionSection(data: data, settings: RegressionSettings(), options: ReportOptions(), figures: &figures)
        let line = try #require(md.split(separator: "\n").first { $0.contains("high leverage") })
        #expect(!line.contains("= 0.000)") && !line.contains("leverage 0.00)"), "\(line)")
        #expect(line.contains(try Regex(#"above 3k/n = 0\.000?[1-9][0-9]?\)"#)), "\(line)")
        #expect(line.contains(try Regex(#"\(leverage 0\.0*[1-9][0-9]?\)"#)), "\(line)")
        #expect(line.contains(try Regex(#"\) and [0-9,]+ more\. Such points"#)), "\(line)")
        #expect(!md.contains("p = <"))
    }

    @Test func aFormulaThatCannotBeFittedIsSaid() throws {
        let data = try LayoffDataset.load()
        var settings = RegressionSettings()
        settings.formula = "log(total_laid_off) ~ log(nope)"
        var figures: [(name: String, svg: String)] = []
        let md = ReportBuilder.regressionSection(data: data, settings: settings, options: ReportOptions(), figures: &figures)
        #expect(md.contains("could not be fitted") && md.contains("no column named 'nope'"))
        #expect(figures.isEmpty)
    }
}
