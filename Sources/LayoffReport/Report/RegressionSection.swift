import StatKit
import LayoffKit
#if canImport(Glibc)
import Glibc
#endif

/// What the cut-size regression section prints, computed either by streaming the joined
/// events (``ReportBuilder/streamedRegression(data:join:fundamentals:formula:blockRows:threads:)``)
/// or from an in-memory ``FormulaFit`` over the regression table.
struct RegressionSectionModel: Sendable {
    /// The model summary (classical covariance).
    var summary: RegressionSummary
    /// `log(total_laid_off)` and the like.
    var responseName: String
    /// Classical, then HC3 and cluster by company when they could be computed.
    var variants: [(name: String, result: any RegressionStatistics)]
    /// `3k/n`.
    var leverageCutoff: Double
    /// Observations whose leverage exceeds the cutoff.
    var highLeverageCount: Int
    /// The (at most 5) largest of them, by decreasing leverage (ties in row order).
    var topLeverage: [(name: String, leverage: Double)]
    /// What the charts draw.
    var charts: RegressionChartData
    /// The charts already rendered from ``charts`` (`RegressionCharts.make(charts)`), or
    /// `nil` to render them when the section is written.
    var renderedCharts: [(name: String, svg: String, alt: String)]? = nil
}

extension ReportBuilder {
    /// Rows per block of the streamed fit.
    static let regressionBlockRows = 8192

    /// The first pass's split (``StreamingFormulaFit``'s `readerShare`): the block-building
    /// stage folds every fifth block into a factor of its own, merged at the end (TSQR).
    /// Evaluating a block costs about 60% of folding it in Float80, so this roughly
    /// balances the two threads of the first pass.
    static let regressionReaderShare = 5

    /// The cut-size regression section: the model table as `regress` prints it, robust
    /// and clustered standard errors side by side, one plain sentence per coefficient,
    /// diagnostics, and the scatter and residual charts.
    ///
    /// The model is fitted by streaming the joined events in blocks
    /// (``streamedRegression(data:join:fundamentals:formula:blockRows:threads:)``), so memory does
    /// not grow with a copy of the design; a formula with categorical terms, or any failure
    /// of the streamed fit, takes the in-memory path, whose errors are the ones reported.
    static func regressionSection(data: LayoffDataset, settings: RegressionSettings, options: ReportOptions,
                                  figures: inout [(name: String, svg: String)]) -> String {
        var md = "## Cut size against workforce and revenue growth\n\n"
        guard let join = data.join, let f = data.fundamentalsLoad else {
            return md + "No fundamentals were given, so there is no workforce or revenue growth to model the cut size on.\n\n"
        }
        let model: RegressionSectionModel
        if let m = streamedRegression(data: data, join: join, fundamentals: f.fundamentals, formula: settings.formula,
                                       threads: options.threads) {
            model = m
        } else {
            switch inMemoryRegression(data: data, join: join, fundamentals: f.fundamentals, formula: settings.formula) {
            case .success(let m): model = m
            case .failure(let message): return md + message
            }
        }
        md += "Events joined to company fundamentals for the event's fiscal year; \(join.matchedCount) of \(data.events.count) events matched. "
        md += "The model is fitted by least squares (Householder QR through LAPACK, with extended-precision refinement where the design is ill-conditioned).\n\n"
        md += model.summary.markdown() + "\n"

        // Robust and clustered errors side by side.
        let variants = model.variants
        let r = variants[0].result
        md += "Standard errors under three covariance estimators (t and p use n − k degrees of freedom, G − 1 for the clustered ones):\n\n"
        var cols: [ReportTable.Column] = [.init("Term", key: "term"), .init("Estimate", key: "estimate", alignment: .right)]
        for (name, _) in variants {
            cols.append(.init("SE \(name)", key: "se_\(name)", alignment: .right))
            cols.append(.init("p \(name)", key: "p_\(name)", alignment: .right))
        }
        var t = ReportTable(columns: cols)
        for (j, c) in r.coefficients.enumerated() {
            var row: [ReportTable.Cell] = [.text(c.term), .number(c.estimate, .significant(digits: 4))]
            for (_, v) in variants {
                row.append(.number(v.coefficients[j].standardError, .significant(digits: 4)))
                row.append(.number(v.coefficients[j].pValue, .pValue))
            }
            t.append(row)
        }
        md += t.markdown() + "\n"
        if let cl = variants.first(where: { $0.name.hasPrefix("cluster") })?.result {
            md += "\(cl.clusterCount ?? 0) companies form the clusters; several events of one company are not independent draws, which is why the clustered errors are the ones to read.\n\n"
        }

        // Influence: observations that carry a large share of the fit.
        if model.highLeverageCount > 0 {
            let count = model.highLeverageCount
            let names = model.topLeverage.map { "\($0.name) (leverage \(NumberFormat.fixed($0.leverage, decimals: 2)))" }
            md += "\(count) observation\(count == 1 ? " has" : "s have") high leverage (above 3k/n = \(NumberFormat.fixed(model.leverageCutoff, decimals: 3))): \(names.joined(separator: ", "))\(count > 5 ? ", ..." : ""). Such points pull the fit towards themselves; where the classical, HC3 and clustered standard errors disagree sharply, they are usually why.\n\n"
        }

        // Plain sentences.
        md += "What the coefficients say (holding the other terms fixed):\n\n"
        let reading = variants.last!
        for s in interpretation(responseName: model.responseName, result: reading.result, label: reading.name) { md += "- " + s + "\n" }
        md += "\nThis is an association across the announced cuts in the data, not a causal effect: companies choose both how much to cut and when to announce, and only events with a reported count and a matched headcount enter the fit.\n\n"

        for c in model.renderedCharts ?? RegressionCharts.make(model.charts) {
            figures.append((c.name, c.svg))
            md += "![\(c.alt)](\(options.figuresLink)/\(c.name))\n\n"
        }
        return md
    }

    /// The description of the data in the model summary.
    static func regressionDataDescription(_ data: LayoffDataset) -> String {
        "\(data.inputs[0].displayName) joined to \(data.inputs.first { $0.role == "fundamentals" }?.displayName ?? "fundamentals")"
    }

    enum InMemoryOutcome { case success(RegressionSectionModel), failure(String) }

    /// The section's numbers from an in-memory ``FormulaFit`` over the regression table
    /// (the design, residuals and leverages of all rows in memory).
    static func inMemoryRegression(data: LayoffDataset, join: FundamentalsJoin, fundamentals: FundamentalsTable,
                                   formula: String) -> InMemoryOutcome {
        let table: DataTable
        // Only the columns the model uses, plus company (clusters, labels) and year
        // (leverage notes); a formula naming any other column gets the whole table, so
        // its error lists every column there is.
        let used = (try? Formula(formula))?.columnsUsed ?? []
        let wanted: Set<String>? = used.isEmpty || !used.allSatisfy(FundamentalsJoin.regressionColumnNames.contains)
            ? nil : Set(used + ["company", "year"])
        do { table = try join.regressionTable(events: data.events, fundamentals: fundamentals, columns: wanted) } catch {
            return .failure("The regression table could not be built: \(error).\n\n")
        }
        let fit: FormulaFit
        do { fit = try FormulaFit(formula: formula, data: table, covariance: .classical) } catch {
            return .failure("The model `\(formula)` could not be fitted: \(MarkdownText.escape(error.description)).\n\n")
        }
        let r = fit.result
        var variants: [(name: String, result: any RegressionStatistics)] = [("classical", r)]
        if let hc3 = try? r.with(covariance: .hc3) { variants.append(("HC3", hc3)) }
        if let company = table.column(named: "company"),
           let cl = try? r.with(covariance: .cluster, clusters: FormulaFit.clusterCodes(company, rows: fit.design.keptRows)) {
            variants.append(("cluster by company", cl))
        }
        let h = r.leverages()
        let cutoff = 3 * Double(r.rank) / Double(max(1, r.n))
        let high = h.indices.filter { h[$0] > cutoff }.sorted { h[$0] != h[$1] ? h[$0] > h[$1] : $0 < $1 }
        let top: [(name: String, leverage: Double)] = high.prefix(5).map { i in
            let row = fit.design.keptRows[i]
            var name = "row \(row + 1)"
            if case .text(let col)? = table.column(named: "company"), let c = col[row] { name = c }
            if case .numeric(let yr)? = table.column(named: "year"), let y = yr[row] { name += " \(Int(y))" }
            return (name, h[i])
        }
        return .success(RegressionSectionModel(
            summary: RegressionSummary(fit: fit, dataDescription: regressionDataDescription(data)),
            responseName: fit.design.responseName, variants: variants, leverageCutoff: cutoff,
            highLeverageCount: high.count, topLeverage: top, charts: RegressionChartData(fit: fit, table: table)))
    }

    /// The section's numbers from two passes over the joined events in blocks of
    /// `blockRows` rows (``RegressionBlockSource``), never holding the `n`-row table or design:
    ///
    /// 1. ``StreamingFormulaFit`` folds the blocks into the R factor of `[X | y]` (classical fit);
    ///    for a numeric formula (the report's) it reads each block's design straight from the
    ///    source's numeric blocks (``RegressionBlockSource/forEachNumericBlock(columns:precomputed:_:)``).
    /// 2. Each block's design is rebuilt — by ``NumericBlockDesign`` from the numeric blocks, or
    ///    by ``DesignMatrix`` over the block's table for other formulas, the same columns and
    ///    bits either way — and fed to one ``ResidualAccumulator`` for HC3 and cluster by
    ///    company (every other block's per-row work prepared on the block-building thread,
    ///    ``ResidualAccumulator/prepare(_:response:lowOrder:)``), which also hands back
    ///    each row's residual `yᵢ − xᵢᵀβ̂` (Float80, rounded once; kept, 8 bytes per row, for
    ///    the five-number summary; Durbin–Watson from the accumulator) and leverage
    ///    `hᵢᵢ = ‖zᵢ‖² = xᵢᵀ(XᵀX)⁻¹xᵢ`: they give the high-leverage count and top five, and
    ///    with the design, the column means and the charts' sampled points (one in every k
    ///    rows, as ``RegressionCharts`` draws them).
    ///
    /// With `threads` ≥ 2 both passes build blocks on a second thread while this one folds
    /// them in, in the same order: the numbers do not depend on `threads`.
    ///
    /// Returns `nil` when the formula has categorical terms (their levels are known only at
    /// the end of the first pass, so a block's design could not be rebuilt alone) or when
    /// anything fails; the caller then fits in memory.
    ///
    /// The first pass is split between the threads (`readerShare`, ``regressionReaderShare``
    /// by default; 0 for the single chain): the block-building stage folds every
    /// `readerShare`-th block into a factor of its own, merged with the other at the end.
    /// The same blocks and merge with 1 thread or 2.
    ///
    /// `fused: false` (for tests) takes the general paths throughout: ``DataTable`` blocks in
    /// both passes (not ``NumericBlockSource``'s numeric blocks) and the accumulator's own
    /// per-row work for every block; the numbers are the same bits.
    static func streamedRegression(data: LayoffDataset, join: FundamentalsJoin, fundamentals: FundamentalsTable,
                                   formula: String, blockRows: Int = regressionBlockRows,
                                   threads: Int = 1, fused: Bool = true,
                                   readerShare: Int = regressionReaderShare) -> RegressionSectionModel? {
        guard let parsed = try? Formula(formula) else { return nil }
        let used = parsed.columnsUsed
        guard !used.isEmpty, used.allSatisfy(FundamentalsJoin.regressionColumnNames.contains) else { return nil }
        let events = data.events
        let source = RegressionBlockSource(events: events, fundamentals: fundamentals, join: join, blockRows: blockRows,
                                           formula: parsed, threads: threads)
        // Durbin–Watson comes from the second pass's residuals: the first needs no differenced factor.
        let fitted = fused ? try? StreamingFormulaFit(formula: formula, source: source, covariance: .classical, threads: threads,
                                                      durbinWatson: false, readerShare: readerShare)
            : try? StreamingFormulaFit(formula: formula, source: TableBlocks(source: source), covariance: .classical,
                                       threads: threads, durbinWatson: false, readerShare: readerShare)
        guard let sfit = fitted,
              sfit.categoricalLevels.isEmpty, let classical0 = try? sfit.fit.result() else { return nil }
        let fit = sfit.fit
        guard fit.sigma > 0 else { return nil }
        let n = fit.n, p = fit.columns, k = fit.keptColumns.count
        let cutoff = 3 * Double(k) / Double(max(1, n))

        // One accumulator for both robust estimators; it also hands out each row's residual
        // (kept, 8 bytes per row, for the five-number summary) and leverage.
        var acc = fit.residualAccumulator(covariances: [.hc3, .cluster])
        let responseName = parsed.response?.text ?? ""
        var highCount = 0
        var top: [(row: Int, event: Int, h: Double)] = []
        let (drawn, stride) = RegressionCharts.sample(n)
        let candidates = (0..<p).filter { fit.termNames[$0] != "(Intercept)" && fit.coefficients[$0] != nil }
        let xi = fit.termNames.firstIndex(of: "log(employees)") ?? candidates.first
        var points = (x: [Double](), y: [Double](), labels: [String?](), fitted: [Double](), residuals: [Double]())
        let capacity = drawn.underestimatedCount
        points.x.reserveCapacity(capacity); points.y.reserveCapacity(capacity); points.labels.reserveCapacity(capacity)
        points.fitted.reserveCapacity(capacity); points.residuals.reserveCapacity(capacity)
        var residuals: [Double] = []
        residuals.reserveCapacity(n)
        var leverages: [Double] = []
        leverages.reserveCapacity(blockRows)
        var seen = 0, offset = 0
        let columns = used
        // Each block (design, cluster keys and, when the accumulator takes them prepared,
        // each row's residual, leverage and scores) is built on a second thread (one producer
        // for the pass, at most two blocks ahead: blocks differ in cost, and the second
        // smooths that out) while this one sums the previous block into
        // the accumulator: the blocks are consumed in the same order, so every number is
        // the same with one thread.
        /// The design's column sums, added by the producing stage block after block in row
        /// order (the same sums as adding them where the blocks are consumed), read back
        /// when the pass is over.
        final class ColumnSums: @unchecked Sendable {
            var sums: [Double]
            init(_ p: Int) { sums = [Double](repeating: 0, count: p) }
        }
        let columnSums = ColumnSums(p)
        struct Built: Sendable {
            var x: Matrix?
            var y: [Double] = []
            var low: Matrix? = nil
            var kept: [Int] = []
            var clusters: [Int] = []
            var prepared: ResidualRows? = nil
            var rows: Int
            var failed = false
        }
        let totalRows = events.count
        let blockCount = (totalRows + blockRows - 1) / blockRows
        let codes = events.company.codes
        // The design read straight from the source's numeric blocks when the formula allows
        // (NumericBlockDesign: the same design as DesignMatrix over each block).
        let numeric = fused ? NumericBlockDesign(formula: parsed, numericColumns: source.numericColumnNames,
                                                 precomputed: source.precomputedFactors) : nil
        if let numeric, numeric.termNames != fit.termNames { return nil }
        let preparer: ResidualAccumulator? = fused && acc.preparesRows ? acc : nil
        @Sendable func build(_ b: Int) -> Built {
            let range = b * blockRows ..< min(totalRows, (b + 1) * blockRows)
            let block = source.block(range, columns: columns)
            do throws(ModelFrameError) {
                let dm = try DesignMatrix(parsed, data: block)
                guard dm.termNames == fit.termNames else { return Built(x: nil, rows: range.count, failed: true) }
                return Built(x: dm.x, y: dm.y, low: dm.lowOrder, kept: dm.keptRows,
                             clusters: dm.keptRows.map { Int(codes[range.lowerBound + $0]) }, rows: range.count)
            } catch {
                // A block whose every row is excluded adds nothing; anything else fails the pass.
                if case .noRowsLeft = error { return Built(x: nil, rows: range.count) }
                return Built(x: nil, rows: range.count, failed: true)
            }
        }
        let stop = StreamingFitError.inconsistentInput("streamed regression section")
        do throws(StreamingFitError) {
            try StreamingPipeline.run(threads: threads, capacity: 2, produce: { (emit: (Built) throws(StreamingFitError) -> Void) throws(StreamingFitError) in
                // The per-row work of every other block is prepared here, the rest is left to
                // the accumulator's own add on the consuming thread: about as much work on
                // either side (the results are the same bits either way).
                var index = 0
                func finish(_ built: Built) throws(StreamingFitError) {
                    var built = built
                    defer { index += 1 }
                    if let x = built.x, !built.failed, x.columns == p {
                        let rows = x.rows, ldx = x.leadingDimension
                        x.storage.withUnsafeBufferPointer { px in
                            for j in 0..<p {
                                let col = px.baseAddress! + j * ldx
                                var s = columnSums.sums[j]
                                for i in 0..<rows { s += col[i] }
                                columnSums.sums[j] = s
                            }
                        }
                    }
                    if let preparer, let x = built.x, index % 2 == 0 {
                        do { built.prepared = try preparer.prepare(x, response: built.y, lowOrder: built.low) } catch { throw stop }
                    }
                    try emit(built)
                }
                guard var design = numeric else {
                    for b in 0..<blockCount { try finish(build(b)) }
                    return
                }
                var offset = 0
                try source.forEachNumericBlock(columns: design.columns, precomputed: design.precomputed) { (block) throws(StreamingFitError) in
                    defer { offset += block.rows }
                    guard let (x, low) = design.evaluate(block) else { return try finish(Built(x: nil, rows: block.rows)) }
                    let kept = design.keptRows
                    let clusters = codes.withUnsafeBufferPointer { cp in kept.map { Int(cp[offset + $0]) } }
                    try finish(Built(x: x, y: design.response, low: low, kept: kept, clusters: clusters, rows: block.rows))
                }
            }, consume: { (built: Built) throws(StreamingFitError) in
                defer { offset += built.rows }
                if built.failed { throw stop }
                guard let x = built.x else { return }
                let y = built.y
                leverages.removeAll(keepingCapacity: true)
                do {
                    if let prepared = built.prepared {
                        try acc.add(prepared, clusters: built.clusters, residuals: &residuals, leverages: &leverages)
                    } else {
                        try acc.add(x, response: y, clusters: built.clusters, lowOrder: built.low,
                                    residuals: &residuals, leverages: &leverages)
                    }
                } catch { throw stop }
                let rows = x.rows
                // Rows above the cutoff (few), and the sampled rows.
                var above: [Int] = []
                leverages.withUnsafeBufferPointer { lp in
                    for i in 0..<rows where lp[i] > cutoff { above.append(i) }
                }
                highCount += above.count
                for i in above {
                    let g = seen + i
                    let hd = leverages[i]
                    if top.count < 5 || hd > top[top.count - 1].h {
                        // Ties keep row order: a later row goes after equal ones.
                        let at = top.firstIndex { hd > $0.h } ?? top.count
                        top.insert((g, offset + built.kept[i], hd), at: at)
                        if top.count > 5 { top.removeLast() }
                    }
                }
                // Rows g = seen + i with g % stride == 0.
                var i = (stride - seen % stride) % stride
                while i < rows {
                    let g = seen + i
                    let resid = residuals[g]
                    points.residuals.append(resid)
                    points.fitted.append(y[i] - resid)
                    points.y.append(y[i])
                    if let xi { points.x.append(x[i, xi]) }
                    points.labels.append(events.company[offset + built.kept[i]])
                    i += stride
                }
                seen += rows
            })
        } catch { return nil }
        let sums = columnSums.sums
        guard seen == n, let pass = try? fit.result(residuals: acc, covariance: .classical) else { return nil }
        // The residual quantiles (a selection over all n residuals) on a second thread while
        // this one makes the robust covariances and renders the charts: work that shares
        // nothing, so the same bits with one thread (which does it last) or two.
        let allResiduals = residuals
        let quantiles = threads >= 2 ? BackgroundWork { FiveNumberSummary(allResiduals) } : nil
        var robust: [(name: String, result: any RegressionStatistics)] = []
        if let hc3 = try? fit.result(residuals: acc, covariance: .hc3) { robust.append(("HC3", hc3)) }
        if let cl = try? fit.result(residuals: acc, covariance: .cluster) { robust.append(("cluster by company", cl)) }
        let topNamed: [(name: String, leverage: Double)] = top.map { t in
            var name = "row \(t.event + 1)"
            if let c = events.company[t.event] { name = c }
            name += " \(events.day[t.event].year)"
            return (name, t.h)
        }
        let charts = RegressionChartData(
            responseName: responseName, termNames: fit.termNames, coefficients: classical0.coefficients, n: n, rows: n,
            stride: stride, mainTerm: xi, means: sums.map { $0 / Double(max(1, n)) },
            x: points.x, y: points.y, labels: points.labels, fitted: points.fitted, residuals: points.residuals)
        let rendered = RegressionCharts.make(charts)
        // Classical inference from the factor; Durbin–Watson and the residual quantiles
        // from this pass's residuals (as the in-memory fit computes them).
        let classical = ClassicalStreamedStatistics(base: classical0, durbinWatson: pass.durbinWatson,
                                                    residualFiveNumberSummary: quantiles?.wait() ?? FiveNumberSummary(allResiduals))
        let variants: [(name: String, result: any RegressionStatistics)] = [("classical", classical)] + robust
        let summary = RegressionSummary(fit: sfit, statistics: classical, dataDescription: regressionDataDescription(data))
        return RegressionSectionModel(summary: summary, responseName: responseName, variants: variants,
                                      leverageCutoff: cutoff, highLeverageCount: highCount, topLeverage: topNamed,
                                      charts: charts, renderedCharts: rendered)
    }

    /// A source's ``DataTable`` blocks only (the streamed fit's general path, for tests).
    struct TableBlocks: TableBlockSource {
        let source: RegressionBlockSource
        var name: String { source.name }
        func columnNames() throws(StreamingFitError) -> [String] { try source.columnNames() }
        func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
            try source.forEachBlock(columns: columns, body)
        }
    }

    /// One sentence per coefficient in plain words, e.g. "a 10% larger workforce goes with
    /// about x% larger cuts". Log–log terms are elasticities; a level regressor on a log
    /// response is a semi-elasticity.
    static func interpretation(responseName: String, result r: any RegressionStatistics, label: String) -> [String] {
        var out: [String] = []
        let logResponse = responseName.hasPrefix("log(")
        for c in r.coefficients {
            guard let b = c.estimate, c.term != "(Intercept)" else {
                if c.estimate == nil { out.append("`\(c.term)` is not estimable (aliased with other terms).") }
                continue
            }
            let sig: String
            if let p = c.pValue {
                sig = p < 0.05 ? "distinguishable from zero at the 5% level (p = \(NumberFormat.pValue(p)), \(label) errors)"
                    : "not distinguishable from zero at the 5% level (p = \(NumberFormat.pValue(p)), \(label) errors)"
            } else { sig = "without a p-value" }
            if logResponse && c.term.hasPrefix("log(") {
                let pct = (pow(1.1, b) - 1) * 100
                let inner = String(c.term.dropFirst(4).dropLast())
                let what = ["employees": "workforce", "workforce": "workforce", "revenue": "revenue"][inner] ?? "`\(inner)`"
                out.append("A 10% larger \(what) goes with about \(NumberFormat.fixed(abs(pct), decimals: 1))% \(pct >= 0 ? "larger" : "smaller") cuts (elasticity \(NumberFormat.significant(b, digits: 3))); \(sig).")
            } else if logResponse {
                let pct = (exp(b) - 1) * 100
                let unit = c.term == "revenue_growth" ? "percentage point more revenue growth" : "unit more of `\(c.term)`"
                out.append("Each \(unit) goes with about \(NumberFormat.fixed(abs(pct), decimals: 2))% \(pct >= 0 ? "larger" : "smaller") cuts; \(sig).")
            } else {
                out.append("Each unit more of `\(c.term)` goes with \(NumberFormat.significant(b, digits: 3)) more of \(responseName); \(sig).")
            }
        }
        return out
    }
}

/// The classical inference of a streamed fit (``StreamingFit/result(level:)``) with the
/// Durbin–Watson statistic and residual five-number summary of the report's second pass.
struct ClassicalStreamedStatistics: RegressionStatistics {
    var base: StreamingRegressionResult
    var durbinWatson: Double
    var residualFiveNumberSummary: FiveNumberSummary?

    var coefficients: [Coefficient] { base.coefficients }
    var n: Int { base.n }
    var rank: Int { base.rank }
    var dfModel: Int { base.dfModel }
    var dfResidual: Int { base.dfResidual }
    var rSquared: Double { base.rSquared }
    var adjustedRSquared: Double { base.adjustedRSquared }
    var isUncentered: Bool { base.isUncentered }
    var sigma: Double { base.sigma }
    var fStatistic: Double { base.fStatistic }
    var fPValue: Double { base.fPValue }
    var logLikelihood: Double { base.logLikelihood }
    var aic: Double { base.aic }
    var bic: Double { base.bic }
    var conditionNumber: Double { base.conditionNumber }
    var covarianceMatrix: Matrix { base.covarianceMatrix }
    var covarianceType: CovarianceType { base.covarianceType }
    var droppedTerms: [String] { base.droppedTerms }
    var level: Double { base.level }
    var clusterCount: Int? { base.clusterCount }
    var notes: [String] { base.notes }
    var usedExtendedPrecision: Bool { base.usedExtendedPrecision }
    var keptTerms: [String] { base.keptTerms }
}

/// What the regression charts draw: the sampled points (one in every ``stride`` rows, see
/// ``RegressionCharts``) and the whole-fit numbers behind the line and notes.
struct RegressionChartData: Sendable {
    /// The response, e.g. `log(total_laid_off)`.
    var responseName: String
    /// The design's column names.
    var termNames: [String]
    /// The fit's coefficients (any covariance: only the estimates are used).
    var coefficients: [Coefficient]
    /// Observations in the fit (the `n` of the notes).
    var n: Int
    /// Rows of the design (the sampling runs over them).
    var rows: Int
    /// One drawn point in every `stride` rows.
    var stride: Int
    /// The column drawn on the scatter's x axis, if any.
    var mainTerm: Int?
    /// Mean of each design column over all rows.
    var means: [Double]
    /// Main regressor, response, company label, fitted value and residual of the drawn rows
    /// (`x` empty without a main term, `labels` empty without a company column).
    var x: [Double]
    var y: [Double]
    var labels: [String?]
    var fitted: [Double]
    var residuals: [Double]

    init(responseName: String, termNames: [String], coefficients: [Coefficient], n: Int, rows: Int, stride: Int,
         mainTerm: Int?, means: [Double], x: [Double], y: [Double], labels: [String?], fitted: [Double], residuals: [Double]) {
        self.responseName = responseName
        self.termNames = termNames
        self.coefficients = coefficients
        self.n = n
        self.rows = rows
        self.stride = stride
        self.mainTerm = mainTerm
        self.means = means
        self.x = x
        self.y = y
        self.labels = labels
        self.fitted = fitted
        self.residuals = residuals
    }

    /// The chart data of an in-memory fit (labels from `table`'s `company` column).
    init(fit: FormulaFit, table: DataTable) {
        let r = fit.result
        let d = fit.design
        let rows = d.x.rows
        let (drawn, k) = RegressionCharts.sample(rows)
        // The main regressor: log(employees) if present, else the first non-intercept numeric term.
        let candidates = d.termNames.indices.filter { d.termNames[$0] != "(Intercept)" && r.coefficients[$0].estimate != nil }
        let xi = d.termNames.firstIndex(of: "log(employees)") ?? candidates.first
        var labels: [String?] = []
        if case .text(let col)? = table.column(named: "company") {
            labels = drawn.map { col[d.keptRows[$0]] }
        }
        let means = (0..<d.x.columns).map { j in (0..<rows).reduce(0.0) { $0 + d.x[$1, j] } / Double(max(1, rows)) }
        self.init(responseName: d.responseName, termNames: d.termNames, coefficients: r.coefficients, n: r.n, rows: rows,
                  stride: k, mainTerm: xi, means: means, x: xi.map { xi in drawn.map { d.x[$0, xi] } } ?? [],
                  y: drawn.map { d.y[$0] }, labels: labels,
                  fitted: k == 1 ? r.fitted : drawn.map { r.fitted[$0] },
                  residuals: k == 1 ? r.residuals : drawn.map { r.residuals[$0] })
    }
}

/// The regression figures: the scatter of the response against its main regressor with
/// the fitted line (when the model has a `log(employees)`-style main term), and residuals
/// against fitted values.
///
/// A fit on more than ``maxPoints`` observations draws a deterministic sample of them:
/// one in every k observations in row order (k = ⌈n / maxPoints⌉, starting with the first),
/// and the chart note says so. The fitted line and `n` always describe the whole fit.
public enum RegressionCharts {
    /// Largest number of points drawn in a regression chart.
    public static let maxPoints = 2_000

    /// The rows drawn for a fit on `n` observations (all of them up to ``maxPoints``),
    /// and the stride between them.
    static func sample(_ n: Int) -> (rows: StrideTo<Int>, stride: Int) {
        let k = n > maxPoints ? (n + maxPoints - 1) / maxPoints : 1
        return (Swift.stride(from: 0, to: n, by: k), k)
    }

    /// The sampling sentence of a chart note, or `""` when every point is drawn.
    static func sampleNote(drawn: Int, of n: Int, stride k: Int) -> String {
        k == 1 ? "" : "; \(NumberFormat.grouped(drawn)) of \(NumberFormat.grouped(n)) points drawn, one in every \(k) observations in row order"
    }

    /// Figures as (file name, SVG, alternative text).
    public static func make(fit: FormulaFit, table: DataTable) -> [(name: String, svg: String, alt: String)] {
        make(RegressionChartData(fit: fit, table: table))
    }

    /// Figures from sampled chart data.
    static func make(_ d: RegressionChartData) -> [(name: String, svg: String, alt: String)] {
        var out: [(name: String, svg: String, alt: String)] = []
        let k = d.stride, rows = d.rows
        if let xi = d.mainTerm {
            var intercept = 0.0
            for (j, c) in d.coefficients.enumerated() where j != xi {
                guard let b = c.estimate else { continue }
                intercept += b * d.means[j]
            }
            let slope = d.coefficients[xi].estimate ?? 0
            let term = d.termNames[xi]
            let scatter = Chart.scatter(
                title: "\(d.responseName) against \(term)",
                subtitle: "Each point is an observation used in the fit; line at the other terms' means",
                x: d.x, y: d.y, labels: d.labels, pointsName: "Observations", fit: (intercept: intercept, slope: slope),
                fitName: "Fitted line", xAxis: Chart.Axis(title: term), yAxis: Chart.Axis(title: d.responseName),
                note: "slope \(NumberFormat.significant(slope, digits: 3)); n = \(d.n)" + sampleNote(drawn: d.x.count, of: rows, stride: k))
            out.append(("regression-scatter.svg", scatter.svg(), "\(d.responseName) against \(term) with the fitted line"))
        }
        let resid = Chart.residuals(title: "Residuals against fitted values",
                                    subtitle: "A pattern or a funnel here would question the linear, constant-variance model",
                                    fitted: d.fitted, residuals: d.residuals,
                                    xAxis: Chart.Axis(title: "Fitted \(d.responseName)"), yAxis: Chart.Axis(title: "Residual"),
                                    note: k == 1 ? nil : "n = \(d.n)" + sampleNote(drawn: d.fitted.count, of: rows, stride: k))
        out.append(("regression-residuals.svg", resid.svg(), "Residuals against fitted values"))
        return out
    }
}

