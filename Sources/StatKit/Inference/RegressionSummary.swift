/// Renders a fitted model in the R `summary.lm` / statsmodels tradition: residual
/// five-number summary, coefficient table with the covariance named, fit statistics and
/// numbered notes (excluded rows, aliased terms, large condition number).
///
/// ``RegressionResult/summary(markdown:)`` gives the plain text; a program that adds notes of its
/// own (what the data were, how they were joined) builds one of these.
public struct RegressionSummary: Sendable {
    /// The fit printed.
    public var result: RegressionResult
    /// What the data were, e.g. `events.csv joined to fundamentals.csv`.
    public var dataDescription: String
    /// Extra notes placed before the model's own (e.g. join counts).
    public var extraNotes: [String]
    /// Notes placed after the model's own (e.g. how a streamed fit was made), so the
    /// common notes keep their numbers.
    public var trailingNotes: [String]
    /// Members appended to the JSON object (e.g. `streaming`).
    public var extraJSON: [(key: String, value: JSONValue)]
    /// Wald tests printed after the fit statistics (``RegressionResult/test(_:)``).
    public var tests: [WaldTest] = []
    /// Diagnostics printed after the tests (``RegressionResult/diagnostics()``).
    public var diagnostics: Diagnostics? = nil
    /// The generalized linear model whose working fit ``result`` is, if any: the summary is
    /// then R's `summary.glm` (deviances, likelihood, z tests).
    public var glm: GLMResult? = nil
    /// The fixed-effects model whose demeaned fit ``result`` is, if any.
    public var absorbed: FixedEffectsResult? = nil

    /// A summary of a model with absorbed fixed effects.
    public init(_ fe: FixedEffectsResult, dataDescription: String, extraNotes: [String] = [],
                trailingNotes: [String] = [], extraJSON: [(key: String, value: JSONValue)] = []) {
        self.init(fe.fit, dataDescription: dataDescription, extraNotes: extraNotes, trailingNotes: trailingNotes,
                  extraJSON: extraJSON)
        absorbed = fe
    }

    /// A summary of a generalized linear model.
    public init(_ glm: GLMResult, dataDescription: String, extraNotes: [String] = [],
                trailingNotes: [String] = [], extraJSON: [(key: String, value: JSONValue)] = []) {
        self.init(glm.fit, dataDescription: dataDescription, extraNotes: extraNotes, trailingNotes: trailingNotes,
                  extraJSON: extraJSON)
        self.glm = glm
    }

    /// A summary of `result`.
    public init(_ result: RegressionResult, dataDescription: String, extraNotes: [String] = [],
                trailingNotes: [String] = [], extraJSON: [(key: String, value: JSONValue)] = []) {
        self.result = result
        self.dataDescription = dataDescription
        self.extraNotes = extraNotes
        self.trailingNotes = trailingNotes
        self.extraJSON = extraJSON
    }

    var r: RegressionResult { result }
    var formula: String { r.formula ?? "\(r.responseName) ~ " + r.termNames.joined(separator: " + ") }
    var exclusions: RowExclusions { r.exclusions }
    var weightsColumn: String? { r.weightsColumn }
    /// The cluster columns of a cluster-robust covariance fitted on a table.
    var clusterColumns: [String] {
        if case .columns(let c)? = r.covariance.clusters { return c }
        return absorbed?.clusterColumns ?? []
    }

    /// A sentence naming the covariance estimator.
    public static func covarianceText(_ c: Covariance, counts: [Int], clusterColumns: [String] = []) -> String {
        switch c.kind {
        case .classical: return "classical (homoskedastic)"
        case .hc0: return "HC0 (White heteroskedasticity-robust)"
        case .hc1: return "HC1 (heteroskedasticity-robust, n/(n−k) scaled)"
        case .hc2: return "HC2 (heteroskedasticity-robust, leverage-adjusted)"
        case .hc3: return "HC3 (heteroskedasticity-robust, jackknife-like)"
        case .cluster:
            var names = clusterColumns
            if case .columns(let cols)? = c.clusters { names = cols }
            if names.count > 1 {
                return "multiway cluster-robust CR1 by \(names.joined(separator: " and ")) (\(counts.map(String.init).joined(separator: " and ")) clusters; Cameron–Gelbach–Miller)"
            }
            return "cluster-robust CR1 by \(names.first ?? "cluster") (\(counts.first.map(String.init) ?? "?") clusters; G/(G−1)·(n−1)/(n−k) factor)"
        case .hac:
            return "HAC (Newey–West, \(c.lags ?? 0) lags\(c.time.map { ", ordered by \($0)" } ?? ""))"
        case .driscollKraay:
            return "Driscoll–Kraay (\(c.lags ?? 0) lags, \(counts.first.map(String.init) ?? "?") periods of \(c.time ?? "time"))"
        }
    }

    /// The numbered notes: exclusions, then the caller's, then the model's.
    public var notes: [String] {
        var out: [String] = []
        let ex = exclusions
        if ex.excludedCount > 0 {
            out.append("\(ex.excludedCount) of \(ex.totalRows) rows excluded (listwise deletion): "
                       + ex.reasons.map { "\($0.count) \($0.reason)" }.joined(separator: ", ") + ".")
        }
        out += extraNotes
        if r.isUncentered && absorbed == nil {
            out.append("The model has no intercept: R² is uncentered (computed about 0, not about the mean).")
        }
        if let w = weightsColumn { out.append(glm == nil ? "Weighted least squares with weights from '\(w)'." : "Prior weights from '\(w)'.") }
        if let g = glm { out += g.notes }
        out += r.notes
        out += trailingNotes
        return out
    }

    var levelText: String { NumberFormat.fixed(r.level * 100, decimals: r.level * 100 == (r.level * 100).rounded() ? 0 : 1) + "%" }

    /// The coefficient table (estimates, SEs, t, p, CI).
    public var coefficientTable: ReportTable {
        let lo = NumberFormat.fixed((1 - r.level) / 2, decimals: 3), hi = NumberFormat.fixed(1 - (1 - r.level) / 2, decimals: 3)
        let z = r.state.normal ? "z" : "t"
        var t = ReportTable(columns: [.init("Term", key: "term"), .init("Estimate", key: "estimate", alignment: .right),
                                      .init("Std. Error", key: "std_error", alignment: .right),
                                      .init(z, key: "t", alignment: .right), .init("P>|\(z)|", key: "p_value", alignment: .right),
                                      .init("[\(lo)", key: "ci_low", alignment: .right), .init("\(hi)]", key: "ci_high", alignment: .right)])
        for c in r.coefficients {
            t.append([.text(c.term), .number(c.estimate, .significant(digits: 5)), .number(c.standardError, .significant(digits: 4)),
                      .number(c.t, .fixed(decimals: 3, grouping: false)), .number(c.pValue, .pValue),
                      .number(c.ciLow, .significant(digits: 4)), .number(c.ciHigh, .significant(digits: 4))])
        }
        return t
    }

    /// Fit statistics as lines of text.
    public var statisticsLines: [String] {
        let s4 = { (x: Double) in NumberFormat.significant(x, digits: 4) }
        var lines: [String] = []
        if let fe = absorbed {
            if let dev = fe.deviance {
                lines.append("Residual deviance: \(s4(dev)) on \(r.dfResidual) degrees of freedom,  Pearson chi2: \(s4(fe.pearsonChiSquared ?? .nan))")
                lines.append("Log-likelihood: \(NumberFormat.fixed(fe.logLikelihood, decimals: 2));  IRLS: \(fe.converged ? "converged" : "did not converge") in \(fe.iterations) steps")
            } else {
                lines.append("Residual standard error: \(s4(r.sigma)) on \(r.dfResidual) degrees of freedom")
                lines.append("R-squared: \(NumberFormat.fixed(fe.rSquared, decimals: 4)),  within R-squared: \(NumberFormat.fixed(fe.withinRSquared, decimals: 4))")
            }
            lines.append("Observations: \(r.n),  coefficients estimated: \(r.rank),  fixed-effect parameters: \(r.state.absorbed);  demeaning: at most \(fe.demeaningSweeps) sweeps")
            return lines
        }
        if let g = glm {
            let nullDF = r.n - (r.isUncentered ? 0 : 1)
            lines.append("Null deviance: \(s4(g.nullDeviance)) on \(nullDF) degrees of freedom")
            lines.append("Residual deviance: \(s4(g.deviance)) on \(r.dfResidual) degrees of freedom")
            lines.append("Pearson chi2: \(s4(g.pearsonChiSquared)),  dispersion: \(s4(g.dispersion))"
                         + (g.theta.map { "  theta: \(s4($0))" + (g.thetaStandardError.map { " (std. error \(s4($0)))" } ?? "") } ?? ""))
            lines.append("Log-likelihood: \(NumberFormat.fixed(g.logLikelihood, decimals: 2)),  AIC: \(NumberFormat.fixed(g.aic, decimals: 2)),  BIC: \(NumberFormat.fixed(g.bic, decimals: 2)),  McFadden pseudo R-squared: \(NumberFormat.fixed(g.pseudoRSquared, decimals: 4))")
            lines.append("IRLS: \(g.converged ? "converged" : "did not converge") in \(g.iterations) steps;  observations: \(r.n),  parameters estimated: \(r.rank)"
                         + (r.droppedTerms.isEmpty ? "" : " (\(r.droppedTerms.count) not defined because of singularities)"))
            return lines
        }
        lines.append("Residual standard error: \(s4(r.sigma)) on \(r.dfResidual) degrees of freedom")
        lines.append("R-squared\(r.isUncentered ? " (uncentered)" : ""): \(NumberFormat.fixed(r.rSquared, decimals: 4)),  Adjusted R-squared: \(NumberFormat.fixed(r.adjustedRSquared, decimals: 4))")
        let fdf2 = r.inferenceDegreesOfFreedom
        lines.append("F-statistic\(r.covarianceType == .classical ? "" : " (Wald, \(r.covarianceType.rawValue))"): \(s4(r.fStatistic)) on \(r.dfModel) and \(fdf2) DF,  p-value: \(NumberFormat.pValue(r.fPValue))")
        lines.append("Log-likelihood: \(NumberFormat.fixed(r.logLikelihood, decimals: 2)),  AIC: \(NumberFormat.fixed(r.aic, decimals: 2)),  BIC: \(NumberFormat.fixed(r.bic, decimals: 2))")
        lines.append("Condition number: \(s4(r.conditionNumber)),  Durbin-Watson: \(NumberFormat.fixed(r.durbinWatson, decimals: 3))")
        lines.append("Observations: \(r.n),  parameters estimated: \(r.rank)" + (r.droppedTerms.isEmpty ? "" : " (\(r.droppedTerms.count) not defined because of singularities)"))
        return lines
    }

    /// The residual five-number summary table (`nil` when the quantiles were not computed).
    public var residualTable: ReportTable? {
        guard let s = r.residualSummary else { return nil }
        return ReportTable(columns: [.init("Min", key: "min"), .init("1Q", key: "q1"), .init("Median", key: "median"),
                                     .init("3Q", key: "q3"), .init("Max", key: "max")],
                           rows: [[s.minimum, s.lowerQuartile, s.median, s.upperQuartile, s.maximum].map { .number($0, .significant(digits: 4)) }])
    }

    var header: [String] {
        if let fe = absorbed {
            let kind = fe.family == nil ? (weightsColumn == nil ? "OLS" : "WLS") : "Poisson (log link)"
            let effects = fe.fixedEffects.map { "\($0.name) (\(NumberFormat.grouped($0.levels)) levels)" }.joined(separator: ", ")
            let d = fe.observationsDropped
            var dropped = "\(NumberFormat.grouped(d.singletons)) singleton\(d.singletons == 1 ? "" : "s")"
            if fe.family != nil { dropped += ", \(NumberFormat.grouped(d.separated)) separated by a fixed effect" }
            return ["\(kind) regression with fixed effects: \(formula)",
                    "Fixed effects absorbed: \(effects); dropped: \(dropped)",
                    "Data: \(dataDescription.isEmpty ? "" : dataDescription + "; ")\(r.n) of \(max(exclusions.totalRows, r.n)) rows used",
                    "Standard errors: \(Self.covarianceText(r.covariance, counts: r.clusterCounts, clusterColumns: clusterColumns)); \(r.state.normal ? "z tests" : "t tests"); confidence intervals at \(levelText)"]
        }
        if let g = glm {
            var family = "\(g.family.name), link: \(g.link.rawValue)"
            if let t = g.theta { family += ", theta = \(NumberFormat.significant(t, digits: 4))" }
            return ["Generalized linear model: \(formula)",
                    "Family: \(family)",
                    "Data: \(dataDescription.isEmpty ? "" : dataDescription + "; ")\(r.n) of \(max(exclusions.totalRows, r.n)) rows used",
                    "Standard errors: \(Self.covarianceText(r.covariance, counts: r.clusterCounts, clusterColumns: clusterColumns)); \(r.state.normal ? "z tests" : "t tests"); confidence intervals at \(levelText)"]
        }
        return [(weightsColumn == nil ? "OLS" : "WLS") + " regression: \(formula)",
         "Data: \(dataDescription.isEmpty ? "" : dataDescription + "; ")\(r.n) of \(max(exclusions.totalRows, r.n)) rows used",
         "Standard errors: \(Self.covarianceText(r.covariance, counts: r.clusterCounts, clusterColumns: clusterColumns)); confidence intervals at \(levelText)"]
    }

    /// Plain text for a terminal.
    /// The tests and diagnostics as lines of text.
    public var testLines: [String] {
        var lines: [String] = []
        for t in tests {
            if let df2 = t.df2 {
                lines.append("Wald test of \(t.hypothesis): F = \(NumberFormat.significant(t.statistic, digits: 4)) on \(t.df1) and \(df2) DF,  p-value: \(NumberFormat.pValue(t.pValue))")
            } else {
                lines.append("Wald test of \(t.hypothesis): chi2 = \(NumberFormat.significant(t.statistic, digits: 4)) on \(t.df1) DF,  p-value: \(NumberFormat.pValue(t.pValue))")
            }
        }
        if let d = diagnostics {
            if !d.vif.isEmpty {
                lines.append("Variance inflation factors: " + d.vif.map { "\($0.term) \(NumberFormat.significant($0.value, digits: 4))" }.joined(separator: ", "))
            }
            let bp = d.breuschPagan, reset = d.reset
            lines.append("Breusch–Pagan (Koenker): LM = \(NumberFormat.significant(bp.statistic, digits: 4)) on \(bp.df1) DF,  p-value: \(NumberFormat.pValue(bp.pValue))")
            lines.append("RESET (fitted², fitted³): F = \(NumberFormat.significant(reset.statistic, digits: 4)) on \(reset.df1) and \(reset.df2 ?? 0) DF,  p-value: \(NumberFormat.pValue(reset.pValue))")
            lines.append("Largest Cook's distance: \(NumberFormat.significant(d.cooksDistanceMax, digits: 4)) (observation \(d.cooksDistanceMaxRow + 1))")
        }
        return lines
    }

    public func plainText() -> String {
        var s = header.joined(separator: "\n") + "\n"
        if let t = residualTable { s += "\nResiduals:\n" + t.plainText(border: .ascii) }
        s += "\nCoefficients:\n" + coefficientTable.plainText(border: .ascii)
        s += "\n" + statisticsLines.joined(separator: "\n") + "\n"
        if !testLines.isEmpty { s += "\n" + testLines.joined(separator: "\n") + "\n" }
        let n = notes
        if !n.isEmpty { s += "\nNotes:\n" + n.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n") + "\n" }
        return s
    }

    /// GitHub markdown.
    public func markdown() -> String {
        var s = header.map { MarkdownText.escape($0) + "  " }.joined(separator: "\n") + "\n\n"
        if let t = residualTable { s += "Residuals:\n\n" + t.markdown() + "\n" }
        s += coefficientTable.markdown() + "\n"
        s += statisticsLines.map { MarkdownText.escape($0) + "  " }.joined(separator: "\n") + "\n"
        if !testLines.isEmpty { s += "\n" + testLines.map { MarkdownText.escape($0) + "  " }.joined(separator: "\n") + "\n" }
        let n = notes
        if !n.isEmpty { s += "\nNotes:\n\n" + n.enumerated().map { "\($0.offset + 1). \(MarkdownText.escape($0.element))" }.joined(separator: "\n") + "\n" }
        return s
    }

    /// JSON with every number in shortest round-trip form.
    public func json() -> JSONValue {
        let residuals: JSONValue = r.residualSummary.map { s in
            .object([("min", .number(s.minimum)), ("q1", .number(s.lowerQuartile)), ("median", .number(s.median)),
                     ("q3", .number(s.upperQuartile)), ("max", .number(s.maximum))])
        } ?? .null
        return .object([
            ("formula", .string(formula)),
            ("method", .string(glm != nil ? "GLM" : weightsColumn == nil ? "OLS" : "WLS")),
            ("family", .string(glm?.family.name ?? absorbed?.family?.name ?? "gaussian")),
            ("link", .string(glm?.link.rawValue ?? absorbed?.family?.link.rawValue ?? "identity")),
            ("deviance", .number(glm?.deviance ?? absorbed?.deviance ?? r.state.outcome.rss)),
            ("null_deviance", .number(glm?.nullDeviance ?? r.state.outcome.tss)),
            ("pearson_chi2", .number(glm?.pearsonChiSquared ?? r.state.outcome.rss)),
            ("theta", .number(glm?.theta)), ("theta_se", .number(glm?.thetaStandardError)),
            ("pseudo_r_squared", .number(glm?.pseudoRSquared)),
            ("converged", .bool(glm?.converged ?? absorbed?.converged ?? true)),
            ("iterations", .int(glm?.iterations ?? absorbed?.iterations ?? 1 + r.residualPasses)),
            ("fixed_effects", .array((absorbed?.fixedEffects ?? []).map { .object([("name", .string($0.name)), ("levels", .int($0.levels))]) })),
            ("observations_dropped", .object([("singletons", .int(absorbed?.observationsDropped.singletons ?? 0)),
                                               ("separated", .int(absorbed?.observationsDropped.separated ?? 0)),
                                               ("missing", .int(absorbed?.observationsDropped.missing ?? exclusions.excludedCount))])),
            ("n", .int(r.n)), ("rows_total", .int(max(exclusions.totalRows, r.n))),
            ("rows_excluded", .int(exclusions.excludedCount)),
            ("excluded_by_reason", .object(exclusions.reasons.map { (key: $0.reason, value: .int($0.count)) })),
            ("df_model", .int(r.dfModel)), ("df_resid", .int(r.dfResidual)), ("rank", .int(r.rank)),
            ("r_squared", .number(glm == nil ? (absorbed.map { $0.family == nil ? $0.rSquared : .nan } ?? r.rSquared) : nil)),
            ("within_r_squared", .number(absorbed.map { $0.family == nil ? $0.withinRSquared : .nan })), ("adj_r_squared", .number(glm == nil ? r.adjustedRSquared : nil)),
            ("r_squared_uncentered", .bool(r.isUncentered)),
            ("sigma", .number(glm == nil ? r.sigma : nil)), ("f_statistic", .number(glm == nil ? r.fStatistic : nil)),
            ("f_p_value", .number(glm == nil ? r.fPValue : nil)),
            ("log_likelihood", .number(glm?.logLikelihood ?? absorbed?.logLikelihood ?? r.logLikelihood)), ("aic", .number(glm?.aic ?? r.aic)),
            ("bic", .number(glm?.bic ?? r.bic)),
            ("condition_number", .number(r.conditionNumber)), ("durbin_watson", .number(glm == nil ? r.durbinWatson : nil)),
            ("cov_type", .string(r.covarianceType.rawValue)),
            ("cluster_column", .string(clusterColumns.count == 1 ? clusterColumns[0] : nil)),
            ("clusters", .int(r.clusterCount))]
            + (clusterColumns.count > 1 ? [("cluster_columns", .array(clusterColumns.map { .string($0) })),
                                           ("cluster_counts", .array(r.clusterCounts.map { .int($0) }))] : [])
            + (r.covariance.lags.map { [("lags", JSONValue.int($0)), ("time_column", .string(r.covariance.time))] } ?? [])
            + [("weights_column", .string(weightsColumn)), ("level", .number(r.level)),
            ("dropped_terms", .array(r.droppedTerms.map { .string($0) })),
            ("residuals", residuals),
            ("coefficients", .array(r.coefficients.map { c in
                .object([("term", .string(c.term)), ("estimate", .number(c.estimate)), ("std_error", .number(c.standardError)),
                         ("t", .number(c.t)), ("p_value", .number(c.pValue)), ("ci_low", .number(c.ciLow)), ("ci_high", .number(c.ciHigh))])
            })),
            ("notes", .array(notes.map { .string($0) })),
        ] + (tests.isEmpty ? [] : [("tests", .array(tests.map { t in
            .object([("hypothesis", .string(t.hypothesis)), ("statistic", .number(t.statistic)), ("df1", .int(t.df1)),
                     ("df2", .int(t.df2)), ("p_value", .number(t.pValue))])
        }))]) + (diagnostics.map { d in [("diagnostics", JSONValue.object([
            ("vif", .object(d.vif.map { (key: $0.term, value: .number($0.value)) })),
            ("breusch_pagan", .object([("statistic", .number(d.breuschPagan.statistic)), ("df", .int(d.breuschPagan.df1)),
                                       ("p_value", .number(d.breuschPagan.pValue))])),
            ("reset", .object([("statistic", .number(d.reset.statistic)), ("df1", .int(d.reset.df1)), ("df2", .int(d.reset.df2)),
                               ("p_value", .number(d.reset.pValue))])),
            ("cooks_distance_max", .number(d.cooksDistanceMax)),
        ]))] } ?? []) + extraJSON)
    }
}

extension RegressionResult {
    /// The summary in R's `summary.lm` layout, as plain text (`markdown: true` for GitHub markdown).
    public func summary(markdown: Bool = false) -> String {
        let s = RegressionSummary(self, dataDescription: "")
        return markdown ? s.markdown() : s.plainText()
    }
}

extension GLMResult {
    /// The summary in R's `summary.glm` layout, as plain text (`markdown: true` for GitHub markdown).
    public func summary(markdown: Bool = false) -> String {
        let s = RegressionSummary(self, dataDescription: "")
        return markdown ? s.markdown() : s.plainText()
    }
}

extension FixedEffectsResult {
    /// The summary, as plain text (`markdown: true` for GitHub markdown).
    public func summary(markdown: Bool = false) -> String {
        let s = RegressionSummary(self, dataDescription: "")
        return markdown ? s.markdown() : s.plainText()
    }
}
