import Foundation
import Testing
import StatKit
@testable import LayoffKit
@testable import LayoffReport

/// The report's cut-size regression is streamed over the joined events in blocks
/// (``ReportBuilder/streamedRegression(data:join:fundamentals:formula:blockRows:)``). Its
/// numbers are checked against the in-memory ``FormulaFit`` on the regression table of the
/// same join (LAPACK QR with refinement, all residuals and leverages in memory — the path
/// the report used before, itself checked against statsmodels in StatKitTests).
@Suite struct RegressionSectionStreamingTests {
    static let formula = RegressionSettings().formula

    /// Relative difference, with an absolute floor of `tol` for values near zero.
    static func close(_ a: Double?, _ b: Double?, _ tol: Double = 1e-10) -> Bool {
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

    // Blocks of 3 rows include blocks where every row is excluded (15% of counts missing).
    @Test(arguments: [(UInt64(11), 3), (UInt64(11), 512), (UInt64(23), 8192)])
    func streamedSectionMatchesInMemoryFit(seed: UInt64, blockRows: Int) throws {
        let data = try Self.dataset(events: 4_000, companies: 150, seed: seed)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let model = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals,
                                                                   formula: Self.formula, blockRows: blockRows))
        // Blocks built on a second thread: the same numbers to the last bit.
        let model2 = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals,
                                                                    formula: Self.formula, blockRows: blockRows, threads: 2))
        for (a, b) in zip(model.variants, model2.variants) {
            #expect(a.name == b.name && a.result.coefficients == b.result.coefficients)
            #expect(a.result.durbinWatson == b.result.durbinWatson && a.result.residualFiveNumberSummary == b.result.residualFiveNumberSummary)
        }
        #expect(model.highLeverageCount == model2.highLeverageCount)
        #expect(model.topLeverage.map(\.name) == model2.topLeverage.map(\.name) && model.topLeverage.map(\.leverage) == model2.topLeverage.map(\.leverage))
        #expect(model.charts.fitted == model2.charts.fitted && model.charts.residuals == model2.charts.residuals && model.charts.means == model2.charts.means)
        // The reference: the whole table and design in memory.
        let table = try join.regressionTable(events: data.events, fundamentals: fundamentals)
        let fit = try FormulaFit(formula: Self.formula, data: table, covariance: .classical)
        let r = fit.result
        let hc3 = try r.with(covariance: .hc3)
        let company = try #require(table.column(named: "company"))
        let cl = try r.with(covariance: .cluster, clusters: FormulaFit.clusterCodes(company, rows: fit.design.keptRows))
        let reference: [(String, RegressionResult)] = [("classical", r), ("HC3", hc3), ("cluster by company", cl)]

        #expect(model.variants.map(\.name) == reference.map(\.0))
        for ((_, s), (name, m)) in zip(model.variants, reference) {
            #expect(s.n == m.n && s.rank == m.rank && s.covarianceType == m.covarianceType && s.clusterCount == m.clusterCount)
            for (a, b) in zip(s.coefficients, m.coefficients) {
                #expect(a.term == b.term)
                #expect(Self.close(a.estimate, b.estimate), "\(name) \(a.term) estimate \(a.estimate ?? .nan) vs \(b.estimate ?? .nan)")
                #expect(Self.close(a.standardError, b.standardError), "\(name) \(a.term) SE \(a.standardError ?? .nan) vs \(b.standardError ?? .nan)")
                #expect(Self.close(a.t, b.t) && Self.close(a.pValue, b.pValue, 1e-8), "\(name) \(a.term) t/p")
            }
            #expect(Self.close(s.fStatistic, m.fStatistic) && Self.close(s.fPValue, m.fPValue, 1e-8))
        }
        // The summary's fit statistics (classical).
        let s = model.variants[0].result
        #expect(Self.close(s.sigma, r.sigma) && Self.close(s.rSquared, r.rSquared) && Self.close(s.adjustedRSquared, r.adjustedRSquared))
        #expect(Self.close(s.logLikelihood, r.logLikelihood) && Self.close(s.aic, r.aic) && Self.close(s.bic, r.bic))
        #expect(Self.close(s.durbinWatson, r.durbinWatson) && Self.close(s.conditionNumber, r.conditionNumber, 1e-9))
        let q = try #require(s.residualFiveNumberSummary), rq = r.residualSummary
        for (a, b) in zip([q.minimum, q.lowerQuartile, q.median, q.upperQuartile, q.maximum],
                          [rq.minimum, rq.lowerQuartile, rq.median, rq.upperQuartile, rq.maximum]) {
            #expect(Self.close(a, b))
        }
        #expect(model.summary.exclusions == fit.design.exclusions)
        #expect(model.responseName == fit.design.responseName)

        // The leverage sentence: count above 3k/n and the five largest, named company + year.
        let h = r.leverages()
        let cutoff = 3 * Double(r.rank) / Double(r.n)
        #expect(model.leverageCutoff == cutoff)
        let high = h.indices.filter { h[$0] > cutoff }.sorted { h[$0] != h[$1] ? h[$0] > h[$1] : $0 < $1 }
        #expect(high.count > 5)
        #expect(model.highLeverageCount == high.count)
        #expect(model.topLeverage.count == 5)
        for (t, i) in zip(model.topLeverage, high.prefix(5)) {
            let row = fit.design.keptRows[i]
            guard case .text(let names) = company, case .numeric(let years)? = table.column(named: "year") else {
                Issue.record("company or year column"); continue
            }
            #expect(t.name == "\(names[row]!) \(Int(years[row]!))")
            #expect(Self.close(t.leverage, h[i]), "leverage \(t.leverage) vs \(h[i])")
        }

        // The charts' points and line.
        let c = model.charts, mc = RegressionChartData(fit: fit, table: table)
        #expect(c.n == mc.n && c.rows == mc.rows && c.stride == mc.stride && c.mainTerm == mc.mainTerm)
        #expect(c.x == mc.x && c.y == mc.y && c.labels == mc.labels && c.means == mc.means)
        #expect(c.fitted.count == mc.fitted.count && c.residuals.count == mc.residuals.count)
        #expect(zip(c.fitted, mc.fitted).allSatisfy { Self.close($0, $1) })
        #expect(zip(c.residuals, mc.residuals).allSatisfy { Self.close($0, $1) })
        #expect(zip(c.coefficients, mc.coefficients).allSatisfy { Self.close($0.estimate, $1.estimate) })
    }

    /// The first pass split between the threads (the report's default) against the single
    /// chain (`readerShare: 0`): the same rows in other groupings, so the same numbers to
    /// 1e-12 relative (both backward-stable Householder QRs in Float80), and the same
    /// section text; one thread and two give the same bits and charts.
    @Test(arguments: [(UInt64(11), 64), (UInt64(23), 512)])
    func splitFirstPassMatchesSingleChain(seed: UInt64, blockRows: Int) throws {
        let data = try Self.dataset(events: 6_000, companies: 200, seed: seed)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let chain = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals,
                                                                   formula: Self.formula, blockRows: blockRows, threads: 2, readerShare: 0))
        for share in [2, ReportBuilder.regressionReaderShare] {
            let models = try [1, 2].map { threads in
                try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals, formula: Self.formula,
                                                              blockRows: blockRows, threads: threads, readerShare: share))
            }
            for (a, b) in zip(models[0].variants, models[1].variants) {
                #expect(a.result.coefficients == b.result.coefficients && a.result.sigma.bitPattern == b.result.sigma.bitPattern)
                #expect(a.result.residualFiveNumberSummary == b.result.residualFiveNumberSummary)
            }
            // The charts rendered with the section (while the residual quantiles are found on
            // another thread, with 2) are the charts of its chart data.
            for m in models {
                let rendered = try #require(m.renderedCharts)
                let again = RegressionCharts.make(m.charts)
                #expect(rendered.map(\.name) == again.map(\.name) && rendered.map(\.svg) == again.map(\.svg)
                        && rendered.map(\.alt) == again.map(\.alt))
            }
            #expect(models[0].renderedCharts?.map(\.svg) == models[1].renderedCharts?.map(\.svg))
            #expect(models[0].summary.markdown() == chain.summary.markdown(), "share \(share)")
            for ((name, s), (_, m)) in zip(models[0].variants, chain.variants) {
                for (a, b) in zip(s.coefficients, m.coefficients) {
                    #expect(Self.close(a.estimate, b.estimate, 1e-12) && Self.close(a.standardError, b.standardError, 1e-12),
                            "share \(share) \(name) \(a.term)")
                }
                #expect(Self.close(s.rSquared, m.rSquared, 1e-12) && Self.close(s.sigma, m.sigma, 1e-12)
                        && Self.close(s.logLikelihood, m.logLikelihood, 1e-12), "share \(share) \(name)")
            }
            #expect(models[0].highLeverageCount == chain.highLeverageCount && models[0].topLeverage.map(\.name) == chain.topLeverage.map(\.name))
        }
    }

    /// The report on the embedded data takes the streamed path (not the in-memory fallback).
    @Test func embeddedDataIsStreamed() throws {
        let data = try LayoffDataset.load()
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let model = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals, formula: Self.formula))
        #expect(model.variants.map(\.name) == ["classical", "HC3", "cluster by company"])
    }

    /// A formula with a categorical term cannot be rebuilt block by block: the section falls
    /// back to the in-memory fit and still prints the model.
    @Test func categoricalFormulaFallsBackToTheInMemoryFit() throws {
        let data = try Self.dataset(events: 1_500, companies: 60, seed: 5)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let f = "log(total_laid_off) ~ log(employees) + C(industry)"
        #expect(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals, formula: f) == nil)
        var settings = RegressionSettings()
        settings.formula = f
        var figures: [(name: String, svg: String)] = []
        let md = ReportBuilder.regressionSection(data: data, settings: settings, options: ReportOptions(), figures: &figures)
        #expect(md.contains("OLS regression: log(total\\_laid\\_off) ~ log(employees) + C(industry)") || md.contains("C(industry)[T."))
        #expect(md.contains("cluster by company"))
        #expect(figures.count == 2)
    }

    /// A block source given the formula packs the fundamentals it uses and its factors of
    /// them per fundamentals row: every block holds the same columns and cells as the plain
    /// source's, plus the precomputed factors, and gives the same design bit for bit; so
    /// does the streaming fit over all blocks. Formulas with log, sqrt and bare fundamentals, over one,
    /// two and three fundamentals columns (each a copy of the gather's sweep).
    @Test(arguments: [RegressionSettings().formula,
                      "log(total_laid_off) ~ log(employees) + sqrt(revenue) + revenue_growth + log(revenue):revenue_growth",
                      "total_laid_off ~ employees + log1p(revenue_growth + 100)",
                      "log(total_laid_off) ~ log(employees)"])
    func packedFundamentalsGiveTheSameBlocks(formula: String) throws {
        let data = try Self.dataset(events: 3_000, companies: 120, seed: 5)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let parsed = try Formula(formula)
        let plain = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join, blockRows: 700)
        let packed = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join, blockRows: 700,
                                           formula: parsed)
        let columns = parsed.columnsUsed + ["company", "year"]
        var start = 0
        while start < data.events.count {
            let range = start ..< min(data.events.count, start + 700)
            let a = plain.block(range, columns: columns), b = packed.block(range, columns: columns)
            #expect(Array(b.names.prefix(a.names.count)) == a.names)
            for name in a.names {
                switch (a.column(named: name), b.column(named: name)) {
                case (.numeric(let x)?, .numeric(let y)?): #expect(x.isPresent == y.isPresent && x.values == y.values, "\(name)")
                case (.text(let x)?, .text(let y)?): #expect(x.codes == y.codes && x.levels == y.levels, "\(name)")
                default: Issue.record("column \(name) differs in kind")
                }
            }
            let da = try DesignMatrix(parsed, data: a), db = try DesignMatrix(parsed, data: b)
            #expect(da.x.storage == db.x.storage && da.lowOrder?.storage == db.lowOrder?.storage && da.y == db.y)
            #expect(da.keptRows == db.keptRows && da.exclusions == db.exclusions)
            start = range.upperBound
        }
        let f1 = try StreamingFormulaFit(formula: formula, source: plain, covariance: .hc3)
        let f2 = try StreamingFormulaFit(formula: formula, source: packed, covariance: .hc3)
        let r1 = try f1.fit.result(), r2 = try f2.fit.result()
        #expect(r1.coefficients.map(\.estimate) == r2.coefficients.map(\.estimate))
        #expect(r1.coefficients.map(\.standardError) == r2.coefficients.map(\.standardError))
    }
    /// The packed records, factors evaluated on one thread and on two (alternate slices of
    /// 8,192 fundamentals rows), against the whole columns evaluated at once: every slot of
    /// every record, bit for bit (values, the missing marker, zero padding).
    @Test(arguments: [RegressionSettings().formula, "log(total_laid_off) ~ log(employees) + sqrt(revenue) + revenue_growth",
                      "log(total_laid_off) ~ log(employees)"])
    func packedRecordsOnTwoThreads(formula: String) throws {
        let data = try Self.dataset(events: 3_000, companies: 2_500, seed: 7)
        let fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let parsed = try Formula(formula)
        let one = try #require(RegressionBlockSource.pack(fundamentals, formula: parsed, threads: 1))
        let two = try #require(RegressionBlockSource.pack(fundamentals, formula: parsed, threads: 2))
        let rows = one.rows, stride = one.stride
        #expect(rows > 2 * 8192 && two.rows == rows && two.stride == stride)
        // The reference: each column and factor over all rows at once.
        var table = DataTable()
        for (n, c) in one.columns { try table.add(n, .numeric(c)) }
        var expected = [Double](repeating: 0, count: rows * stride)
        for (k, (_, c)) in one.columns.enumerated() {
            for r in 0..<rows { expected[r * stride + k] = c.isPresent[r] ? c.values[r] : FundamentalsRecords.missing }
        }
        for (j, f) in one.precomputed.enumerated() {
            let (v, lo) = PrecomputedFactor.evaluate(f.expression, over: table)
            for r in 0..<rows {
                expected[r * stride + one.columns.count + 2 * j] = v[r]
                expected[r * stride + one.columns.count + 2 * j + 1] = lo[r]
            }
        }
        let bits = expected.map(\.bitPattern)
        #expect((0..<(rows * stride)).allSatisfy { one.records.base[$0].bitPattern == bits[$0] })
        #expect((0..<(rows * stride)).allSatisfy { two.records.base[$0].bitPattern == bits[$0] })
    }

    /// Packed blocks against the plain source's, cell by cell and bit for bit, with a missing
    /// employee count and a present NaN revenue growth at fundamentals rows that events use.
    @Test func packedBlocksWithMissingCellsAndNaN() throws {
        let data = try Self.dataset(events: 1_500, companies: 60, seed: 9)
        let join = try #require(data.join)
        var fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let parsed = try Formula(Self.formula)
        let used = Array(Set(join.row.filter { $0 >= 0 }.map { Int($0) })).sorted()
        try #require(used.count >= 2)
        fundamentals.employees.isPresent[used[0]] = false
        fundamentals.employees.values[used[0]] = 0
        fundamentals.revenueGrowth.isPresent[used[1]] = true
        fundamentals.revenueGrowth.values[used[1]] = .nan
        let packed = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join,
                                           blockRows: 256, formula: parsed)
        let plain = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join, blockRows: 256)
        let columns = parsed.columnsUsed
        var start = 0
        while start < data.events.count {
            let range = start ..< min(data.events.count, start + 256)
            let x = packed.block(range, columns: columns), y = plain.block(range, columns: columns)
            for name in columns {
                guard case .numeric(let u)? = x.column(named: name), case .numeric(let v)? = y.column(named: name) else {
                    Issue.record("\(name) is not numeric"); continue
                }
                #expect(u.isPresent == v.isPresent && u.values.map(\.bitPattern) == v.values.map(\.bitPattern), "\(name)")
            }
            start = range.upperBound
        }
    }
}

/// The streamed section's fused paths — numeric blocks straight from the join
/// (``RegressionBlockSource/forEachNumericBlock(columns:precomputed:_:)``, ``NumericBlockDesign``)
/// and residual rows prepared on the block-building thread — against its general paths
/// (``DataTable`` blocks, ``DesignMatrix``, the accumulator's own per-row work): every number
/// the same bits; and the numeric blocks cell by cell against the table blocks.
@Suite struct RegressionSectionFusedTests {
    @Test(arguments: [(UInt64(11), 3), (UInt64(17), 256), (UInt64(23), 8192)])
    func fusedEqualsGeneral(seed: UInt64, blockRows: Int) throws {
        let data = try RegressionSectionStreamingTests.dataset(events: 5_000, companies: 180, seed: seed)
        let join = try #require(data.join), fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let formula = RegressionSectionStreamingTests.formula
        let general = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals, formula: formula,
                                                                     blockRows: blockRows, threads: 1, fused: false))
        for threads in [1, 2] {
            let m = try #require(ReportBuilder.streamedRegression(data: data, join: join, fundamentals: fundamentals, formula: formula,
                                                               blockRows: blockRows, threads: threads))
            #expect(m.variants.map(\.name) == general.variants.map(\.name))
            for (a, b) in zip(m.variants, general.variants) {
                #expect(a.result.coefficients == b.result.coefficients && a.result.covarianceMatrix == b.result.covarianceMatrix, "\(a.name)")
                #expect(a.result.durbinWatson.bitPattern == b.result.durbinWatson.bitPattern
                        && a.result.residualFiveNumberSummary == b.result.residualFiveNumberSummary
                        && a.result.rSquared.bitPattern == b.result.rSquared.bitPattern && a.result.clusterCount == b.result.clusterCount, "\(a.name)")
            }
            #expect(m.summary.markdown() == general.summary.markdown())
            #expect(m.highLeverageCount == general.highLeverageCount && m.leverageCutoff == general.leverageCutoff)
            #expect(m.topLeverage.map(\.name) == general.topLeverage.map(\.name)
                    && m.topLeverage.map(\.leverage.bitPattern) == general.topLeverage.map(\.leverage.bitPattern))
            let c = m.charts, g = general.charts
            #expect(c.x == g.x && c.y == g.y && c.labels == g.labels && c.means == g.means)
            #expect(c.fitted.map(\.bitPattern) == g.fitted.map(\.bitPattern) && c.residuals.map(\.bitPattern) == g.residuals.map(\.bitPattern))
        }
    }

    /// Every numeric column of the regression table, from plain and packed sources (with a
    /// missing employee count and a present NaN growth that events use), as the table
    /// blocks hold it: presence equal, values equal where present; precomputed factors as
    /// the packed table blocks carry them.
    @Test func numericBlocksEqualTableBlocks() throws {
        let data = try RegressionSectionStreamingTests.dataset(events: 2_500, companies: 90, seed: 13)
        let join = try #require(data.join)
        var fundamentals = try #require(data.fundamentalsLoad).fundamentals
        let used = Array(Set(join.row.filter { $0 >= 0 }.map { Int($0) })).sorted()
        try #require(used.count >= 2)
        fundamentals.employees.isPresent[used[0]] = false
        fundamentals.employees.values[used[0]] = 0
        fundamentals.revenueGrowth.isPresent[used[1]] = true
        fundamentals.revenueGrowth.values[used[1]] = .nan
        let parsed = try Formula("log(total_laid_off) ~ log(employees) + sqrt(revenue) + revenue_growth")
        for packed in [false, true] {
            let source = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join, blockRows: 300,
                                               formula: packed ? parsed : nil)
            // Fundamentals columns first and last, events columns between, in an order of their own.
            let columns = ["revenue_growth", "total_laid_off", "year", "workforce", "percentage_laid_off", "funds_raised",
                           "employees", "revenue"]
            let precomputed = source.precomputedFactors
            #expect(precomputed.count == (packed ? 2 : 0))
            var start = 0, blocks = 0
            try source.forEachNumericBlock(columns: columns, precomputed: precomputed) { block in
                let range = start ..< start + block.rows
                let table = source.block(range, columns: columns)
                #expect(block.rows == min(300, data.events.count - start) && block.columnCount == columns.count + 2 * precomputed.count)
                for (k, name) in columns.enumerated() {
                    guard case .numeric(let col)? = table.column(named: name) else { Issue.record("\(name)"); continue }
                    for i in 0..<block.rows {
                        let ok = block.present[k * block.rows + i]
                        #expect(ok == col.isPresent[i], "\(name) row \(range.lowerBound + i)")
                        if ok { #expect(block.values[k * block.rows + i].bitPattern == col.values[i].bitPattern, "\(name) row \(range.lowerBound + i)") }
                    }
                }
                for (j, e) in precomputed.enumerated() {
                    let names = PrecomputedFactor.columnNames(e)
                    guard case .numeric(let v)? = table.column(named: names.value), case .numeric(let lo)? = table.column(named: names.low) else {
                        Issue.record("no precomputed \(e)"); continue
                    }
                    let at = (columns.count + 2 * j) * block.rows
                    #expect(Array(block.values[at ..< at + block.rows]).map(\.bitPattern) == v.values.map(\.bitPattern), "\(e)")
                    #expect(Array(block.values[at + block.rows ..< at + 2 * block.rows]).map(\.bitPattern) == lo.values.map(\.bitPattern), "\(e) low")
                }
                start = range.upperBound
                blocks += 1
            }
            #expect(start == data.events.count && blocks == (data.events.count + 299) / 300)
            // Text columns are not handed out as numbers.
            #expect(throws: StreamingFitError.self) { try source.forEachNumericBlock(columns: ["company"], precomputed: []) { _ in } }
        }
    }
}
