import StatKit
import LayoffKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the cut-size regression section prints.
struct RegressionSectionModel: Sendable {
    /// The fit (classical covariance), with HC3 and cluster by company computed alongside.
    var fit: RegressionResult
    /// The model summary.
    var summary: RegressionSummary
    /// Classical, then HC3 and cluster by company when they could be computed.
    var variants: [(name: String, result: RegressionResult)]
    /// `3k/n`.
    var leverageCutoff: Double
    /// Observations whose leverage exceeds the cutoff.
    var highLeverageCount: Int
    /// The (at most 5) largest of them, by decreasing leverage (ties in row order).
    var topLeverage: [(name: String, leverage: Double)]
    /// What the charts draw.
    var charts: RegressionChartData
}

extension ReportBuilder {
    /// Rows per block of the fit over the joined events.
    static let regressionBlockRows = 8192

    /// The cut-size regression section: the model table as `regress` prints it, robust
    /// and clustered standard errors side by side, one plain sentence per coefficient,
    /// diagnostics, and the scatter and residual charts.
    static func regressionSection(data: LayoffDataset, settings: RegressionSettings, options: ReportOptions,
                                  figures: inout [(name: String, svg: String)]) -> String {
        var md = "## Cut size against workforce and revenue growth\n\n"
        guard let join = data.join, let f = data.fundamentalsLoad else {
            return md + "No fundamentals were given, so there is no workforce or revenue growth to model the cut size on.\n\n"
        }
        let model: RegressionSectionModel
        do {
            model = try regressionModel(data: data, join: join, fundamentals: f.fundamentals, formula: settings.formula,
                                        threads: options.threads)
        } catch {
            return md + "The model `\(settings.formula)` could not be fitted: \(MarkdownText.escape(error.description)).\n\n"
        }
        md += "Events joined to company fundamentals for the event's fiscal year; \(NumberFormat.grouped(join.matchedCount)) of \(NumberFormat.grouped(data.events.count)) events matched. "
        md += "The model is fitted by least squares (Householder QR through LAPACK, confirmed by a refinement step with residuals in double-double precision).\n\n"
        md += model.summary.markdown() + "\n"

        // Robust and clustered errors side by side.
        let variants = model.variants
        let r = model.fit
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
            // Significant digits: with many observations the cut-off and the leverages are small.
            let names = model.topLeverage.map { "\($0.name) (leverage \(NumberFormat.significant($0.leverage, digits: 2)))" }
            md += "\(NumberFormat.grouped(count)) observation\(count == 1 ? " has" : "s have") high leverage (above 3k/n = \(NumberFormat.significant(model.leverageCutoff, digits: 2))): \(names.joined(separator: ", "))\(count > names.count ? " and \(NumberFormat.grouped(count - names.count)) more" : ""). Such points pull the fit towards themselves; where the classical, HC3 and clustered standard errors disagree sharply, they are usually why.\n\n"
        }

        // Plain sentences.
        md += "What the coefficients say (holding the other terms fixed):\n\n"
        let reading = variants.last!
        for s in interpretation(responseName: r.responseName, result: reading.result, label: reading.name) { md += "- " + s + "\n" }
        md += "\nThis is an association across the announced cuts in the data, not a causal effect: companies choose both how much to cut and when to announce, and only events with a reported count and a matched headcount enter the fit.\n\n"

        for c in RegressionCharts.make(model.charts) {
            figures.append((c.name, c.svg))
            md += "![\(c.alt)](\(options.figuresLink)/\(c.name))\n\n"
        }
        if let limit = options.regression?.countModelRowLimit, r.n > limit {
            // 0: left out on request, with nothing to say.
            if limit > 0 { md += countModelSkipped(rows: r.n, limit: limit, formula: countModelFormula(data: data, join: join).formula) }
            return md
        }
        do {
            let count = try countModel(data: data, join: join, fundamentals: f.fundamentals, threads: options.threads)
            md += countModelMarkdown(count, ols: r, dataDescription: regressionDataDescription(data))
        } catch {
            md += "### Cut counts with the workforce as exposure\n\nThe count model could not be fitted: \(MarkdownText.escape(error.description)).\n\n"
        }
        return md
    }

    /// The description of the data in the model summary.
    static func regressionDataDescription(_ data: LayoffDataset) -> String {
        "\(data.inputs[0].displayName) joined to \(data.inputs.first { $0.role == "fundamentals" }?.displayName ?? "fundamentals")"
    }

    /// The section's numbers: `formula` fitted over the joined events read in blocks
    /// (``RegressionBlockSource``; the `n`-row table is never built), with HC3 and cluster
    /// by company computed in the same pass, and the rows of that pass watched for the
    /// leverage list and the charts (``RegressionRowWatch``).
    static func regressionModel(data: LayoffDataset, join: FundamentalsJoin, fundamentals: FundamentalsTable,
                                formula: String, blockRows: Int = regressionBlockRows,
                                threads: Int = 1) throws(RegressionError) -> RegressionSectionModel {
        let events = data.events
        let source = RegressionBlockSource(events: events, fundamentals: fundamentals, join: join, blockRows: blockRows)
        let company = events.company
        let watch = RegressionRowWatch(label: { company[$0] })
        let options = LinearModel.Options(threads: threads, blockRows: blockRows, keepRows: false, residualSummary: true,
                                          alsoCompute: [.hc3, .cluster("company")])
        let fit = try LinearModel.fit(formula, source: source, options: options, observer: watch)
        var variants: [(name: String, result: RegressionResult)] = [("classical", fit)]
        if let hc3 = try? fit.with(covariance: .hc3) { variants.append(("HC3", hc3)) }
        if let cl = try? fit.with(covariance: .cluster("company")) { variants.append(("cluster by company", cl)) }
        let top = watch.top.map { t in
            ("\(events.company[t.source] ?? "row \(t.source + 1)") \(events.day[t.source].year)", t.leverage)
        }
        return RegressionSectionModel(fit: fit, summary: RegressionSummary(fit, dataDescription: regressionDataDescription(data)),
                                      variants: variants, leverageCutoff: watch.cutoff,
                                      highLeverageCount: watch.highLeverageCount, topLeverage: top,
                                      charts: watch.chartData(fit))
    }

    /// One sentence per coefficient in plain words, e.g. "a 10% larger workforce goes with
    /// about x% larger cuts". Log–log terms are elasticities; a level regressor on a log
    /// response is a semi-elasticity.
    static func interpretation(responseName: String, result r: RegressionResult, label: String) -> [String] {
        var out: [String] = []
        let logResponse = responseName.hasPrefix("log(")
        for c in r.coefficients {
            guard let b = c.estimate, c.term != "(Intercept)" else {
                if c.estimate == nil { out.append("`\(c.term)` is not estimable (aliased with other terms).") }
                continue
            }
            let sig: String
            if let p = c.pValue {
                // "p < 1e-300" when it underflowed, not "p = <1e-300".
                let shown = NumberFormat.pValue(p)
                let clause = shown.hasPrefix("<") ? "p < " + shown.dropFirst() : "p = " + shown
                sig = (p < 0.05 ? "" : "not ") + "distinguishable from zero at the 5% level (\(clause), \(label) errors)"
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
