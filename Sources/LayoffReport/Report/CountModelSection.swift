import StatKit
import LayoffKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// What the count-model part of the regression section prints.
struct CountModelSectionModel: Sendable {
    /// The negative binomial with the workforce as exposure, clustered by company.
    var negbin: GLMResult
    /// The same model fitted as a Poisson regression (the fit the negative binomial starts
    /// from): its Pearson χ²/df shows the overdispersion.
    var poissonDispersion: Double
    /// The reference industry (the one with the most matched events) and year (the first).
    var referenceIndustry: String?
    var referenceYear: String?
}

extension ReportBuilder {
    /// The count model's formula over the joined events: cuts with the workforce as
    /// exposure, revenue growth, and industry and year effects (each only when the matched
    /// events have more than one value), the industry with the most matched events as the
    /// reference level.
    static func countModelFormula(data: LayoffDataset, join: FundamentalsJoin) -> (formula: String, industry: String?, year: String?) {
        let events = data.events
        let industry = events.groupColumn(named: "industry")!
        var industryCounts = [Int](repeating: 0, count: industry.levels.count)
        var years: Set<Int> = []
        for i in 0..<events.count where join.row[i] >= 0 {
            let c = Int(industry.codes[i])
            if c >= 0 { industryCounts[c] += 1 }
            years.insert(events.day[i].year)
        }
        var formula = "total_laid_off ~ revenue_growth"
        var reference: String? = nil
        let present = industryCounts.indices.filter { industryCounts[$0] > 0 }
        if present.count > 1 {
            // Most events first, then by name, a catch-all "Other" last: a deterministic
            // baseline a reader can picture.
            func isOther(_ c: Int) -> Bool { ["other", "unknown"].contains(industry.levels[c].lowercased()) }
            let top = present.min { a, b in
                isOther(a) != isOther(b) ? !isOther(a)
                    : industryCounts[a] != industryCounts[b] ? industryCounts[a] > industryCounts[b]
                    : industry.levels[a] < industry.levels[b]
            }!
            let name = industry.levels[top]
            reference = name
            formula += " + C(industry, ref=\"\(name.replacingAll("\"", with: "\\\""))\")"
        }
        var firstYear: String? = nil
        if years.count > 1 {
            formula += " + C(year)"
            firstYear = years.min().map(String.init)
        }
        return (formula + " + offset(log(employees))", reference, firstYear)
    }

    /// The count model's numbers: the negative binomial (θ by maximum likelihood) clustered
    /// by company, and the dispersion of the Poisson fit it starts from.
    static func countModel(data: LayoffDataset, join: FundamentalsJoin, fundamentals: FundamentalsTable,
                           blockRows: Int = 2048, threads: Int = 1) throws(RegressionError) -> CountModelSectionModel {
        let source = RegressionBlockSource(events: data.events, fundamentals: fundamentals, join: join, blockRows: blockRows)
        let (formula, industry, year) = countModelFormula(data: data, join: join)
        let options = LinearModel.Options(threads: threads, blockRows: blockRows, keepRows: false, residualSummary: false)
        let cluster = Covariance.cluster("company")
        let negbin = try GeneralizedLinearModel.fit(formula, source: source, family: .negativeBinomial(),
                                                    covariance: cluster, options: options)
        let dispersion = (negbin.poissonPearsonChiSquared ?? .nan) / Double(negbin.fit.n - negbin.fit.rank)
        return CountModelSectionModel(negbin: negbin, poissonDispersion: dispersion, referenceIndustry: industry, referenceYear: year)
    }

    /// The count model's section when the data has more rows than the report fits it on:
    /// what it would be and how to have it.
    static func countModelSkipped(rows: Int, limit: Int, formula: String) -> String {
        var md = "### Cut counts with the workforce as exposure\n\n"
        md += "The count model (a negative binomial of the number cut with the company's headcount as exposure, θ by maximum likelihood, errors clustered by company) is fitted by the report on up to \(NumberFormat.grouped(limit)) rows; the fit above has \(NumberFormat.grouped(rows)), and the model's iterations would read them about twenty-five times. "
        md += "`layoffs report --count-model on` includes it, or fit it alone:\n\n"
        md += "```sh\nlayoffs regress --family negbin --formula '\(formula)' --cluster company\n```\n\n"
        return md
    }

    /// The count model in markdown: why a count model, why not Poisson, the model summary,
    /// rate ratios with one plain reading each, and why it and least squares can differ.
    static func countModelMarkdown(_ m: CountModelSectionModel, ols: RegressionResult, dataDescription: String) -> String {
        let nb = m.negbin
        var md = "### Cut counts with the workforce as exposure\n\n"
        let terms = ["revenue growth"] + (m.referenceIndustry == nil ? [] : ["industry effects"]) + (m.referenceYear == nil ? [] : ["year effects"])
        md += "A layoff is a count of people out of a workforce. The count model fits the number cut with the company's headcount as its exposure (`offset(log(employees))`, so that the coefficients act on cuts per employee) on "
        md += terms.count == 1 ? terms[0] : terms.dropLast().joined(separator: ", ") + " and " + terms.last!
        md += ", as a negative binomial regression (log link; θ by maximum likelihood, as R's `MASS::glm.nb`) with standard errors clustered by company.\n\n"
        let phi = m.poissonDispersion
        if phi.isFinite {
            md += "The same model fitted as a Poisson regression has Pearson χ²/df = \(NumberFormat.significant(phi, digits: 4)), where a Poisson count has 1"
            if phi > 1.5 {
                md += ": cuts vary far more than a Poisson allows, and its model-based standard errors would be too small by a factor of about \(NumberFormat.significant(phi.squareRoot(), digits: 2)). The negative binomial's variance μ + μ²/θ allows for that"
            }
            md += "; here θ = \(NumberFormat.significant(nb.theta, digits: 4))"
            if let se = nb.thetaStandardError { md += " (standard error \(NumberFormat.significant(se, digits: 2)))" }
            md += ".\n\n"
        }
        md += RegressionSummary(nb, dataDescription: dataDescription).markdown() + "\n"

        md += "Exponentiated, the coefficients are rate ratios: the factor by which the number cut per employee changes, other terms held fixed (95% intervals from the clustered errors).\n\n"
        var t = ReportTable(columns: [.init("Term", key: "term"), .init("Rate ratio", key: "irr", alignment: .right),
                                      .init("95% interval", key: "ci", alignment: .right), .init("p", key: "p", alignment: .right),
                                      .init("Reading", key: "reading")])
        // Numeric terms first, then the industry and year effects (the summary keeps the
        // design's order).
        let ordered = nb.coefficients.filter { !$0.term.hasPrefix("C(") } + nb.coefficients.filter { $0.term.hasPrefix("C(") }
        for c in ordered where c.term != "(Intercept)" {
            guard let b = c.estimate else {
                t.append([.text(c.term), .text("—"), .text("—"), .text("—"), .text("not estimable (aliased with other terms)")])
                continue
            }
            let ci = "\(NumberFormat.significant(exp(c.ciLow ?? .nan), digits: 4))–\(NumberFormat.significant(exp(c.ciHigh ?? .nan), digits: 4))"
            t.append([.text(c.term), .number(exp(b), .significant(digits: 4)), .text(ci), .number(c.pValue, .pValue),
                      .text(countReading(term: c.term, estimate: b, industry: m.referenceIndustry, year: m.referenceYear))])
        }
        md += t.markdown() + "\n"
        md += whyTheModelsDiffer(m, ols: ols)
        return md
    }

    /// One plain reading of a rate ratio.
    static func countReading(term: String, estimate b: Double, industry: String?, year: String?) -> String {
        let pct = (exp(b) - 1) * 100
        let size = "\(NumberFormat.fixed(abs(pct), decimals: abs(pct) < 1 ? 2 : 0))% \(pct >= 0 ? "more" : "fewer") people cut per employee"
        if term == "revenue_growth" { return "each percentage point more revenue growth: \(size)" }
        if let level = levelName(term, factor: "industry") { return "\(level): \(size) than \(industry ?? "the reference industry")" }
        if let level = levelName(term, factor: "year") { return "\(level): \(size) than in \(year ?? "the first year")" }
        return "each unit more of `\(term)`: \(size)"
    }

    /// `C(industry, ref="x")[T.level]` or `C(industry)[T.level]` → `level`.
    static func levelName(_ term: String, factor: String) -> String? {
        guard term.hasPrefix("C(\(factor)"), term.hasSuffix("]") else { return nil }
        // The level follows the first ")[T." (the factor's closing parenthesis).
        guard let r = Substring(term).range(of: ")[T.") else { return nil }
        return String(term[r.upperBound..<term.index(before: term.endIndex)])
    }

    /// Why least squares on log cuts and the count model can disagree, with this data's numbers.
    static func whyTheModelsDiffer(_ m: CountModelSectionModel, ols: RegressionResult) -> String {
        var md = "Why the two models can differ:\n\n"
        let elasticity = ols["log(employees)"]?.estimate
        var exposure = "- **Exposure.** The offset fixes the elasticity of the cut to the workforce at 1: a company twice the size cuts twice as many people, other things equal."
        if let e = elasticity { exposure += " Least squares estimates it instead: \(NumberFormat.significant(e, digits: 3)) above." }
        if let c = ols["log(employees)"], let lo = c.ciLow, let hi = c.ciHigh, hi < 1 || lo > 1 {
            exposure += hi < 1
                ? " Its interval (\(NumberFormat.significant(lo, digits: 3))–\(NumberFormat.significant(hi, digits: 3))) lies below 1: cuts grow less than in proportion to headcount, so the share of the workforce cut falls with company size, and the exposure model credits part of that to whatever goes with size."
                : " Its interval (\(NumberFormat.significant(lo, digits: 3))–\(NumberFormat.significant(hi, digits: 3))) lies above 1: cuts grow more than in proportion to headcount."
        }
        md += exposure + "\n"
        md += "- **Which mean.** Least squares on `log(total_laid_off)` describes the geometric mean cut; the count model, the arithmetic mean. When the spread of cuts changes with the regressors, the two answer different questions, and only the count model's is free of the retransformation bias (Santos Silva and Tenreyro, 2006).\n"
        if m.referenceIndustry != nil || m.referenceYear != nil {
            md += "- **Controls.** The count model holds industry\(m.referenceYear == nil ? "" : " and year") fixed; the least-squares model does not.\n"
        }
        if let g0 = ols["revenue_growth"]?.estimate, let g1 = m.negbin.fit["revenue_growth"]?.estimate {
            md += "- **Revenue growth**, side by side: least squares, \(rateChangePercent(logCoefficient: g0)) per percentage point (on the geometric mean cut); the count model, \(rateChangePercent(logCoefficient: g1)) (on cuts per employee).\n"
        }
        md += "- **Rows.** Least squares used \(NumberFormat.grouped(ols.n)) events, the count model \(NumberFormat.grouped(m.negbin.n)): a log needs a positive cut, the exposure a positive headcount.\n\n"
        return md
    }

    /// `b` on a log scale as a signed percentage, e.g. `−0.04%`.
    static func rateChangePercent(logCoefficient b: Double) -> String {
        let pct = (exp(b) - 1) * 100
        return (pct < 0 ? "−" : "+") + NumberFormat.fixed(abs(pct), decimals: abs(pct) < 1 ? 3 : 1) + "%"
    }
}
