/// Generalized linear models by iteratively reweighted least squares: Poisson and negative
/// binomial counts (with an exposure offset), logit and probit for 0/1 outcomes, and the
/// gaussian — R's `glm` and `MASS::glm.nb`, statsmodels' `GLM`.
///
/// ```swift
/// // Cuts out of a workforce: a rate model, coefficients read as rate ratios.
/// let rates = try GeneralizedLinearModel.fit(
///     "total_laid_off ~ revenue_growth + C(industry) + offset(log(employees))",
///     data: table, family: .negativeBinomial(), covariance: .cluster("company"))
/// print(rates.summary())
/// let any = try GeneralizedLinearModel.fit("laid_off ~ log(employees)", data: firms, family: .logit)
/// ```
///
/// Each IRLS step is one pass of the least-squares core over the rows (LAPACK's QR of
/// `√W·X`, never the normal equations): from R's starting values, the working response
/// `z = η − offset + (y − μ)·dη/dμ` and weights `W = w·(dμ/dη)²/V(μ)` at the current
/// coefficients, until the deviance changes by less than 10⁻¹⁰ of itself. The final step
/// is a full fit of the core (its residual pass gives the robust covariances: HC0–HC3 and
/// cluster as R's `sandwich` computes them for a `glm`). The negative binomial's θ is found
/// by maximum likelihood between IRLS fits (R's `theta.ml`); the coefficients' standard
/// errors are those of the IRLS fit at that θ, and θ's is `1/√` of its observed information.
public enum GeneralizedLinearModel {
    /// Iteration limits and tolerance.
    static let maxIterations = 100
    static let tolerance = 1e-10
    static let maxHalvings = 60

    /// Fits `formula` on a table in memory.
    public static func fit(_ formula: String, data: DataTable, family: GLMFamily, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: LinearModel.Options = LinearModel.Options()) throws(RegressionError) -> GLMResult {
        try fit(formula, source: DataTableBlockSource(data, blockRows: options.blockRows), family: family, weights: weights,
                covariance: covariance, level: level, options: options)
    }

    /// Fits `formula` on a CSV file read in blocks (each IRLS step reads it once).
    public static func fit(_ formula: String, csvFile path: String, displayName: String? = nil, family: GLMFamily,
                           weights: String? = nil, covariance: Covariance = .classical, level: Double = 0.95,
                           options: LinearModel.Options = LinearModel.Options()) throws(RegressionError) -> GLMResult {
        try fit(formula, source: CSVBlockSource(path: path, name: displayName, blockRows: min(options.blockRows, 8192)),
                family: family, weights: weights, covariance: covariance, level: level, options: options)
    }

    /// Fits `formula` on any ``TableBlockSource``.
    public static func fit(_ formula: String, source: some TableBlockSource, family: GLMFamily, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: LinearModel.Options = LinearModel.Options()) throws(RegressionError) -> GLMResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        let parsed: Formula
        do { parsed = try Formula(formula) } catch { throw .formula(error) }
        if let fe = parsed.fixedEffects.first {
            throw .unusableColumn("fixed effects ('| \(fe)') are absorbed by FixedEffectsModel.fit (least squares and Poisson)")
        }
        var columns: [String] = []
        for c in [covariance] + options.alsoCompute { for name in c.columnsRead where !columns.contains(name) { columns.append(name) } }
        let base = try FormulaStream(formula: parsed, source: source, weights: weights, clusters: columns)
        let stream = GLMStream(base: base, model: GLMModel(family == .negativeBinomial() ? .poisson : family),
                               hasIntercept: parsed.hasIntercept)
        let threads = max(1, options.threads)
        stream.collectsPairs = family == .negativeBinomial()
        var (iterations, converged) = try irls(stream, threads: threads)
        // The Poisson fit a negative binomial starts from: its Pearson χ² shows the overdispersion.
        let poissonPearson = family == .negativeBinomial() ? stream.totals.pearson : nil
        var theta: (value: Double, se: Double)? = nil
        if case .negativeBinomial(let given) = family {
            if let given {
                stream.model = GLMModel(family, theta: given)
                let (i, c) = try irls(stream, threads: threads)
                iterations += i; converged = converged && c
            } else {
                // θ and β in turn, as MASS::glm.nb: θ by maximum likelihood at the current
                // means, then IRLS at that θ, until both settle.
                var t = GLMModel.thetaML(y: stream.pairs.y, mu: stream.pairs.mu, weights: stream.pairs.w)
                var previousLL = Double.infinity
                for _ in 0..<maxIterations where t.theta < GLMModel.thetaLimit {
                    stream.model = GLMModel(family, theta: t.theta)
                    let (i, c) = try irls(stream, threads: threads)
                    iterations += i; converged = c
                    let next = GLMModel.thetaML(y: stream.pairs.y, mu: stream.pairs.mu, weights: stream.pairs.w, start: t.theta)
                    let ll = stream.pairsLogLikelihood()
                    // θ to 1e-8 relative: its standard error is orders of magnitude larger,
                    // and past that the alternation only follows the last digits the inner
                    // IRLS (Fisher scoring, linear for this non-canonical link) leaves.
                    let settled = Swift.abs(next.theta - t.theta) <= 1e-8 * t.theta && Swift.abs(ll - previousLL) <= 1e-10 * Swift.abs(ll)
                    t = next
                    previousLL = ll
                    if settled { break }
                }
                stream.model = GLMModel(family, theta: t.theta)
                let (i, c) = try irls(stream, threads: threads)
                iterations += i; converged = converged && c
                theta = (t.theta, GLMModel.thetaML(y: stream.pairs.y, mu: stream.pairs.mu, weights: stream.pairs.w, start: t.theta).se)
            }
        }
        // The final step: a whole fit of the core at the converged weights, for inference.
        stream.newton = false
        let dispersionFixed = family.fixedDispersion
        let working = try LinearModel.run(stream, formula: formula, responseName: parsed.response?.text ?? "", weightsColumn: weights,
                                          covariance: covariance, level: level,
                                          options: .init(threads: threads, blockRows: options.blockRows, keepRows: false,
                                                         residualSummary: false, alsoCompute: options.alsoCompute,
                                                         rankTolerance: options.rankTolerance),
                                          observer: nil, dispersion: dispersionFixed ? 1 : nil, normal: dispersionFixed) {
            base.exclusions
        }
        iterations += 1
        // The statistics at the reported coefficients, and at the null model's.
        stream.beta = RegressionResult.fullBeta(working)
        stream.nullModel = try nullModel(stream, base: base, parsed: parsed, threads: threads)
        try stream.statisticsPass(threads: threads)
        let totals = stream.totals
        var result = try GLMResult(fit: working, family: family, model: stream.model, totals: totals, theta: theta,
                                   iterations: iterations, converged: converged, hasIntercept: parsed.hasIntercept,
                                   hasOffset: !parsed.offsets.isEmpty)
        result.poissonPearsonChiSquared = poissonPearson
        return result
    }

    /// IRLS from the stream's current coefficients (or R's starting values) to convergence
    /// of the deviance; returns the passes made and whether it converged.
    ///
    /// A step that raises the deviance, or sends a fitted mean out of range, is halved
    /// towards the coefficients it started from until it does not (as the `glm2` package
    /// does; R's `glm.fit` halves only non-finite steps). Plain IRLS can diverge on
    /// heavy-tailed counts — a negative binomial of layoffs.fyi's cuts is one — where the
    /// likelihood still has its maximum.
    static func irls(_ stream: GLMStream, threads: Int) throws(RegressionError) -> (Int, Bool) {
        var previous = Double.infinity
        var accepted: [Double]? = nil      // the coefficients whose deviance is `previous`
        var halvings = 0
        for step in 1...maxIterations {
            let at = stream.beta
            let outcome = try LeastSquaresEngine.run(stream, .init(solveOnly: true, threads: threads))
            // The deviance of the pass is at the coefficients it started from.
            let deviance = stream.totals.deviance
            if let accepted, let at, !(deviance <= previous + tolerance * (Swift.abs(previous) + 0.1)) {
                guard halvings < maxHalvings else {
                    throw .numerical("IRLS cannot reduce the deviance from \(previous) (the step was halved \(maxHalvings) times)")
                }
                halvings += 1
                stream.beta = zip(accepted, at).map { ($0 + $1) / 2 }
                continue
            }
            halvings = 0
            if Swift.abs(deviance - previous) <= tolerance * (Swift.abs(deviance) + 0.1) { return (step, true) }
            previous = deviance
            accepted = at
            var beta = [Double](repeating: 0, count: outcome.layout.names.count)
            for (c, j) in outcome.solution.kept.enumerated() { beta[j] = outcome.beta[c].value }
            stream.beta = beta
        }
        return (maxIterations, false)
    }

    /// The null model's means: the weighted mean with an intercept and no offset; the
    /// offset alone without an intercept; an intercept-and-offset fit otherwise (as R's
    /// `glm.fit` does for the null deviance).
    static func nullModel(_ stream: GLMStream, base: any DesignStream, parsed: Formula,
                          threads: Int) throws(RegressionError) -> GLMStream.NullModel {
        if !parsed.hasIntercept { return .offsetOnly }
        if parsed.offsets.isEmpty { return .mean(stream.totals.sumWY / stream.totals.sumW) }
        let layout = try stream.finalLayout()
        let ones = MappedStream(base: base, baseLayout: layout, names: ["(Intercept)"]) { b in
            var out = b
            out.x = Matrix(rows: b.rows, columns: 1, repeating: 1)
            out.low = nil
            return out
        }
        let null = GLMStream(base: ones, model: stream.model, hasIntercept: true)
        _ = try irls(null, threads: threads)
        return .intercept(null.beta?.first ?? 0)
    }
}

/// The rows of a formula fit turned into one IRLS step's working problem: each block's
/// response becomes `z` and its weights `W` at the current coefficients, and the pass's
/// deviance, Pearson χ² and log-likelihood are summed on the way.
final class GLMStream: DesignStream, @unchecked Sendable {
    enum NullModel: Sendable { case mean(Double), offsetOnly, intercept(Double) }
    struct Totals: Sendable {
        var deviance = 0.0, pearson = 0.0, logLikelihood = 0.0, sumW = 0.0, sumWY = 0.0
        var nullDeviance = 0.0, nullLogLikelihood = 0.0, rows = 0
        /// Observations with a fitted mean at the edge of its range (below 1e-8 of the mean
        /// response for counts; within 1e-8 of 0 or 1 for probabilities).
        var atBoundary = 0
        /// Observations whose outcome the fitted probability matches within 1e-6.
        var perfectlyPredicted = 0
    }

    let base: any DesignStream
    var model: GLMModel
    let hasIntercept: Bool
    /// The coefficients over the design's columns (`nil`: R's starting means).
    var beta: [Double]? = nil
    /// Whether the steps are Newton's where the family has them (``GLMModel/newtonStep(y:mu:eta:)``);
    /// off for the final pass, whose weights are the expected information the standard
    /// errors use (as R's `glm.nb` reports them).
    var newton = true
    var nullModel: NullModel? = nil
    /// The mean response of the previous pass: the scale under which a fitted count is 0.
    private var boundaryScale = 1.0
    private(set) var totals = Totals()
    /// Whether passes keep ``pairs`` (a negative binomial estimating θ).
    var collectsPairs = false
    /// Each row's response, mean and prior weight of the last pass (θ's estimation).
    private(set) var pairs: (y: [Double], mu: [Double], w: [Double]?) = ([], [], nil)
    private var baseLayout: DesignLayout? = nil
    private var invalid: RegressionError? = nil

    init(base: any DesignStream, model: GLMModel, hasIntercept: Bool) {
        self.base = base
        self.model = model
        self.hasIntercept = hasIntercept
    }

    /// The base's final layout (after its first pass).
    func finalLayout() throws(RegressionError) -> DesignLayout {
        if let baseLayout { return baseLayout }
        let l = try base.layout()
        baseLayout = l
        return l
    }

    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) {
        if totals.sumW > 0 { boundaryScale = totals.sumWY / totals.sumW }
        totals = Totals()
        pairs = ([], [], nil)
        invalid = nil
        try base.forEachBlock(layout: baseLayout, clusters: clusters, threads: threads) { (b) throws(RegressionError) in
            let working = transform(b)
            if let invalid { throw invalid }
            try body(working)
        }
    }

    /// The first time, the base's own layout (its accumulated columns); after that the
    /// base hands out its final columns, so the layout is theirs in order.
    func layout() throws(RegressionError) -> DesignLayout {
        if let baseLayout {
            return DesignLayout(source: Array(baseLayout.names.indices), names: baseLayout.names, hasIntercept: baseLayout.hasIntercept,
                                interceptColumn: baseLayout.interceptColumn, terms: baseLayout.terms, assign: baseLayout.assign,
                                levels: baseLayout.levels)
        }
        return try finalLayout()
    }

    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32] { try base.codesInOrder(column) }

    /// The log-likelihood at the last pass's means (``pairs``), under the current model.
    func pairsLogLikelihood() -> Double {
        var ll = 0.0
        for i in pairs.y.indices { ll += model.logLikelihood(pairs.y[i], pairs.mu[i], weight: pairs.w?[i] ?? 1) }
        return ll
    }

    /// One pass that only sums the statistics (at ``beta`` and the ``nullModel``).
    func statisticsPass(threads: Int) throws(RegressionError) {
        try forEachBlock(layout: baseLayout, clusters: [], threads: threads) { (_) throws(RegressionError) in }
    }

    private func transform(_ b: DesignBlock) -> DesignBlock {
        var out = b
        let m = b.rows
        var z = [Double](repeating: 0, count: m), w = [Double](repeating: 0, count: m)
        for i in 0..<m {
            let y = b.y[i], prior = b.weights?[i] ?? 1, off = b.offset?[i] ?? 0
            guard model.valid(y) else {
                if invalid == nil {
                    invalid = .unusableColumn("row \(b.sourceRows[i] + 1): the response \(y) is not valid for a \(model.family.name) model (\(model.family.name == "binomial" ? "expected a value from 0 to 1" : "expected a count ≥ 0"))")
                }
                continue
            }
            var eta: Double, mu: Double
            if let beta {
                eta = off
                for j in 0..<b.columns { eta += b.x[i, j] * beta[j] }
                if let low = b.low { for j in 0..<b.columns { eta += low[i, j] * beta[j] } }
                mu = model.mu(eta)
            } else {
                mu = model.start(y, weight: prior)
                eta = model.link(mu)
            }
            let d = model.muEta(eta), v = model.variance(mu)
            if newton, let step = model.newtonStep(y: y, mu: mu, eta: eta) {
                z[i] = step.z - off
                w[i] = prior * step.w
            } else {
                z[i] = eta - off + (y - mu) / d
                w[i] = prior * d * d / v
            }
            guard z[i].isFinite && w[i].isFinite && mu.isFinite else {
                // A mean out of range: the pass's deviance is infinite (its step is halved)
                // and the row weighs nothing in the pass's least squares.
                z[i] = 0
                w[i] = 0
                totals.deviance = .infinity
                continue
            }
            totals.deviance += prior * model.deviance(y, mu)
            totals.pearson += prior * (y - mu) * (y - mu) / v
            // The likelihood (three log-gammas a row) only in the statistics pass.
            if nullModel != nil { totals.logLikelihood += model.logLikelihood(y, mu, weight: prior) }
            totals.sumW += prior
            totals.sumWY += prior * y
            totals.rows += 1
            if model.family.name == "binomial" {
                if mu < 1e-8 || mu > 1 - 1e-8 { totals.atBoundary += 1 }
                if Swift.abs(y - mu) < 1e-6 { totals.perfectlyPredicted += 1 }
            } else if model.family.name != "gaussian" && mu < 1e-8 * max(1, boundaryScale) {
                totals.atBoundary += 1
            }
            if collectsPairs {
                pairs.y.append(y); pairs.mu.append(mu)
                if let pw = b.weights { if pairs.w == nil { pairs.w = [] }; pairs.w!.append(pw[i]) }
            }
            if let null = nullModel {
                let mu0: Double
                switch null {
                case .mean(let m0): mu0 = m0
                case .offsetOnly: mu0 = model.mu(off)
                case .intercept(let b0): mu0 = model.mu(b0 + off)
                }
                totals.nullDeviance += prior * model.deviance(y, mu0)
                totals.nullLogLikelihood += model.logLikelihood(y, mu0, weight: prior)
            }
        }
        out.y = z
        out.weights = w
        out.offset = nil
        return out
    }
}
