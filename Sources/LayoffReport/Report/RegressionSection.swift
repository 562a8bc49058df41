import StatKit
import LayoffKit
#if canImport(Glibc)
import Glibc
#endif

extension ReportBuilder {
    /// The cut-size regression section: the model table as `regress` prints it, robust
    /// and clustered standard errors side by side, one plain sentence per coefficient,
    /// diagnostics, and the scatter and residual charts.
    static func regressionSection(data: LayoffDataset, settings: RegressionSettings, options: ReportOptions,
                                  figures: inout [(name: String, svg: String)]) -> String {
        var md = "## Cut size against workforce and revenue growth\n\n"
        guard let join = data.join, let f = data.fundamentalsLoad else {
            return md + "No fundamentals were given, so there is no workforce or revenue growth to model the cut size on.\n\n"
        }
        let table: DataTable
        // Only the columns the model uses, plus company (clusters, labels) and year
        // (leverage notes); a formula naming any other column gets the whole table, so
        // its error lists every column there is.
        let used = (try? Formula(settings.formula))?.columnsUsed ?? []
        let wanted: Set<String>? = used.isEmpty || !used.allSatisfy(FundamentalsJoin.regressionColumnNames.contains)
            ? nil : Set(used + ["company", "year"])
        do { table = try join.regressionTable(events: data.events, fundamentals: f.fundamentals, columns: wanted) } catch {
            return md + "The regression table could not be built: \(error).\n\n"
        }
        let fit: FormulaFit
        do { fit = try FormulaFit(formula: settings.formula, data: table, covariance: .classical) } catch {
            return md + "The model `\(settings.formula)` could not be fitted: \(MarkdownText.escape(error.description)).\n\n"
        }
        let r = fit.result
        md += "Events joined to company fundamentals for the event's fiscal year; \(join.matchedCount) of \(data.events.count) events matched. "
        md += "The model is fitted by least squares (Householder QR through LAPACK, with extended-precision refinement where the design is ill-conditioned).\n\n"
        let summary = RegressionSummary(fit: fit, dataDescription: "\(data.inputs[0].displayName) joined to \(data.inputs.first { $0.role == "fundamentals" }?.displayName ?? "fundamentals")")
        md += summary.markdown() + "\n"

        // Robust and clustered errors side by side.
        var variants: [(String, RegressionResult)] = [("classical", r)]
        if let hc3 = try? r.with(covariance: .hc3) { variants.append(("HC3", hc3)) }
        if let company = table.column(named: "company"),
           let cl = try? r.with(covariance: .cluster, clusters: FormulaFit.clusterCodes(company, rows: fit.design.keptRows)) {
            variants.append(("cluster by company", cl))
        }
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
        if let cl = variants.first(where: { $0.0.hasPrefix("cluster") })?.1 {
            md += "\(cl.clusterCount ?? 0) companies form the clusters; several events of one company are not independent draws, which is why the clustered errors are the ones to read.\n\n"
        }

        // Influence: observations that carry a large share of the fit.
        let h = r.leverages()
        let cutoff = 3 * Double(r.rank) / Double(max(1, r.n))
        let high = h.indices.filter { h[$0] > cutoff }.sorted { h[$0] > h[$1] }
        if !high.isEmpty {
            let names: [String] = high.prefix(5).map { i in
                let row = fit.design.keptRows[i]
                var name = "row \(row + 1)"
                if case .text(let col)? = table.column(named: "company"), let c = col[row] { name = c }
                if case .numeric(let yr)? = table.column(named: "year"), let y = yr[row] { name += " \(Int(y))" }
                return "\(name) (leverage \(NumberFormat.fixed(h[i], decimals: 2)))"
            }
            md += "\(high.count) observation\(high.count == 1 ? " has" : "s have") high leverage (above 3k/n = \(NumberFormat.fixed(cutoff, decimals: 3))): \(names.joined(separator: ", "))\(high.count > 5 ? ", ..." : ""). Such points pull the fit towards themselves; where the classical, HC3 and clustered standard errors disagree sharply, they are usually why.\n\n"
        }

        // Plain sentences.
        md += "What the coefficients say (holding the other terms fixed):\n\n"
        let reading = variants.last?.1 ?? r
        for s in interpretation(fit: fit, result: reading, label: variants.last?.0 ?? "classical") { md += "- " + s + "\n" }
        md += "\nThis is an association across the announced cuts in the data, not a causal effect: companies choose both how much to cut and when to announce, and only events with a reported count and a matched headcount enter the fit.\n\n"

        let charts = RegressionCharts.make(fit: fit, table: table)
        for c in charts {
            figures.append((c.name, c.svg))
            md += "![\(c.alt)](\(options.figuresLink)/\(c.name))\n\n"
        }
        return md
    }

    /// One sentence per coefficient in plain words, e.g. "a 10% larger workforce goes with
    /// about x% larger cuts". Log–log terms are elasticities; a level regressor on a log
    /// response is a semi-elasticity.
    static func interpretation(fit: FormulaFit, result r: RegressionResult, label: String) -> [String] {
        var out: [String] = []
        let logResponse = fit.design.responseName.hasPrefix("log(")
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
                out.append("Each unit more of `\(c.term)` goes with \(NumberFormat.significant(b, digits: 3)) more of \(fit.design.responseName); \(sig).")
            }
        }
        return out
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
        let r = fit.result
        var out: [(name: String, svg: String, alt: String)] = []
        let rows = fit.design.x.rows
        let (drawn, k) = sample(rows)
        // The main regressor: log(employees) if present, else the first non-intercept numeric term.
        let candidates = fit.design.termNames.indices.filter { fit.design.termNames[$0] != "(Intercept)" && r.coefficients[$0].estimate != nil }
        if let xi = fit.design.termNames.firstIndex(of: "log(employees)") ?? candidates.first {
            let x = drawn.map { fit.design.x[$0, xi] }
            let y = drawn.map { fit.design.y[$0] }
            var intercept = 0.0
            for (j, c) in r.coefficients.enumerated() where j != xi {
                guard let b = c.estimate else { continue }
                let mean = (0..<rows).reduce(0.0) { $0 + fit.design.x[$1, j] } / Double(max(1, rows))
                intercept += b * mean
            }
            let slope = r.coefficients[xi].estimate ?? 0
            var labels: [String?] = []
            if case .text(let col)? = table.column(named: "company") {
                labels = drawn.map { col[fit.design.keptRows[$0]] }
            }
            let term = fit.design.termNames[xi]
            let scatter = Chart.scatter(
                title: "\(fit.design.responseName) against \(term)",
                subtitle: "Each point is an observation used in the fit; line at the other terms' means",
                x: x, y: y, labels: labels, pointsName: "Observations", fit: (intercept: intercept, slope: slope),
                fitName: "Fitted line", xAxis: Chart.Axis(title: term), yAxis: Chart.Axis(title: fit.design.responseName),
                note: "slope \(NumberFormat.significant(slope, digits: 3)); n = \(r.n)" + sampleNote(drawn: x.count, of: rows, stride: k))
            out.append(("regression-scatter.svg", scatter.svg(), "\(fit.design.responseName) against \(term) with the fitted line"))
        }
        let fitted = k == 1 ? r.fitted : drawn.map { r.fitted[$0] }
        let residuals = k == 1 ? r.residuals : drawn.map { r.residuals[$0] }
        let resid = Chart.residuals(title: "Residuals against fitted values",
                                    subtitle: "A pattern or a funnel here would question the linear, constant-variance model",
                                    fitted: fitted, residuals: residuals,
                                    xAxis: Chart.Axis(title: "Fitted \(fit.design.responseName)"), yAxis: Chart.Axis(title: "Residual"),
                                    note: k == 1 ? nil : "n = \(r.n)" + sampleNote(drawn: fitted.count, of: rows, stride: k))
        out.append(("regression-residuals.svg", resid.svg(), "Residuals against fitted values"))
        return out
    }
}
