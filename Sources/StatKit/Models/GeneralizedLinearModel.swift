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
    /// Most design entries kept in memory between IRLS steps (512 MiB of doubles: 10⁶ rows
    /// of 60 columns).
    static let retainedBudget = 1 << 26
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
        let formulaStream = try FormulaStream(formula: parsed, source: source, weights: weights, clusters: columns)
        // A table in memory: its design is kept after the first full pass (memory of the
        // table's order) instead of being evaluated again by every IRLS step. A file read
        // in blocks keeps its promise of memory that does not grow with its length.
        let base: any DesignStream = source is DataTableBlockSource
            ? RetainedStream(base: formulaStream, budget: retainedBudget) : formulaStream
        let stream = GLMStream(base: base, model: GLMModel(family == .negativeBinomial(theta: nil) ? .poisson : family))
        let threads = max(1, options.threads)
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
                var t = stream.thetaML()
                var previousLL = Double.infinity
                for _ in 0..<maxIterations where t.theta < GLMModel.thetaLimit {
                    stream.model = GLMModel(family, theta: t.theta)
                    let (i, c) = try irls(stream, threads: threads)
                    iterations += i; converged = c
                    let next = stream.thetaML(from: t.theta)
                    let ll = stream.logLikelihood()
                    // θ to 1e-8 relative: its standard error is orders of magnitude larger,
                    // and past that the alternation only follows the last digits the inner
                    // IRLS leaves.
                    let settled = Swift.abs(next.theta - t.theta) <= 1e-8 * t.theta && Swift.abs(ll - previousLL) <= 1e-10 * Swift.abs(ll)
                    t = next
                    previousLL = ll
                    if settled { break }
                }
                stream.model = GLMModel(family, theta: t.theta)
                let (i, c) = try irls(stream, threads: threads)
                iterations += i; converged = converged && c
                theta = (t.theta, stream.thetaML(from: t.theta).se)
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
            formulaStream.exclusions
        }
        iterations += 1
        // The statistics at the reported coefficients, and at the null model's.
        stream.beta = RegressionResult.fullBeta(working)
        stream.nullModel = nullModel(stream, parsed: parsed)
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
    /// `glm.fit` does for the null deviance), by IRLS on the rows of the stream's last pass.
    static func nullModel(_ stream: GLMStream, parsed: Formula) -> GLMStream.NullModel {
        if !parsed.hasIntercept { return .offsetOnly }
        guard let offset = stream.pairs.offset, !parsed.offsets.isEmpty else { return .mean(stream.totals.sumWY / stream.totals.sumW) }
        return .intercept(interceptWithOffset(y: stream.pairs.y, offset: offset, weights: stream.pairs.w, logY: stream.logResponse,
                                              model: stream.model))
    }

    /// The intercept of the model with an offset and nothing else: IRLS with the one
    /// column of ones to the same convergence of the deviance, each step's weighted least
    /// squares being the weighted mean of `z`. It starts from R's starting means, or, for
    /// the log link, from the Poisson estimate `log(Σwy / Σw·e^offset)` (exact for the
    /// Poisson model, close for the negative binomial): the same optimum in fewer steps.
    static func interceptWithOffset(y: [Double], offset: [Double], weights: [Double]?, logY: [Double],
                                    model: GLMModel) -> Double {
        var b0: Double? = nil
        if model.family.link == .log {
            var swy = 0.0, swe = 0.0
            for i in y.indices { swy += (weights?[i] ?? 1) * y[i]; swe += (weights?[i] ?? 1) * LibM.exp(offset[i]) }
            if swy > 0 && swe > 0 && swe.isFinite { b0 = LibM.log(swy / swe) }
        }
        var previous = Double.infinity
        for _ in 1...maxIterations {
            var deviance = 0.0, swz = 0.0, sw = 0.0
            for i in y.indices {
                let prior = weights?[i] ?? 1
                let eta: Double, mu: Double, d: Double
                if let b0 {
                    eta = offset[i] + b0
                    (mu, d) = model.meanAndSlope(eta)
                } else {
                    mu = model.start(y[i], weight: prior)
                    eta = model.link(mu)
                    d = model.muEta(eta)
                }
                let w = prior * d * d / model.variance(mu)
                swz += w * (eta - offset[i] + (y[i] - mu) / d)
                sw += w
                deviance += prior * model.deviance(y[i], mu, eta: eta, logY: logY[i])
            }
            b0 = swz / sw
            if Swift.abs(deviance - previous) <= tolerance * (Swift.abs(deviance) + 0.1) { break }
            previous = deviance
        }
        return b0 ?? 0
    }
}

/// The rows of a formula fit turned into one IRLS step's working problem: each block's
/// response becomes `z` and its weights `W` at the current coefficients, and the pass's
/// deviance and Pearson χ² are summed on the way (the log-likelihood by the statistics
/// pass).
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
    /// Each row's response, mean, prior weight and offset in the last pass (θ's
    /// estimation, the null model).
    private(set) var pairs: (y: [Double], mu: [Double], w: [Double]?, offset: [Double]?) = ([], [], nil, nil)
    /// `log y` (0 for `y = 0`) of each row, for the deviance of the log link.
    private(set) var logResponse: [Double] = []
    /// Whether a whole pass recorded the rows' responses, weights and offsets (they are the
    /// same in every pass: later passes record the means only).
    private var rowsRecorded = false
    private var baseLayout: DesignLayout? = nil
    private var invalid: RegressionError? = nil
    /// Whether the pass sums the log-likelihoods (only the statistics pass needs them).
    private var likelihood = false
    private var responseTable: GLMModel.Responses? = nil

    init(base: any DesignStream, model: GLMModel) {
        self.base = base
        self.model = model
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
        pairs.mu.removeAll(keepingCapacity: true)
        if !rowsRecorded {
            pairs.y.removeAll(keepingCapacity: true)
            pairs.w = nil
            pairs.offset = nil
            logResponse.removeAll(keepingCapacity: true)
        }
        invalid = nil
        // With two threads the working response and weights of a block are made (and the
        // base read) on one thread while the other folds the block before: the same blocks
        // in the same order, so the same bits as with one.
        let layout = baseLayout
        try StreamingPipeline.run(threads: threads, capacity: 2, produce: { [self] (emit: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError) in
            try base.forEachBlock(layout: layout, clusters: clusters, threads: 1) { (b) throws(RegressionError) in
                let working = transform(b)
                if let invalid { throw invalid }
                try emit(working)
            }
        }, consume: body)
        rowsRecorded = true
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

    /// One pass that only sums the statistics (at ``beta`` and the ``nullModel``), the
    /// log-likelihoods included.
    func statisticsPass(threads: Int) throws(RegressionError) {
        likelihood = true
        defer { likelihood = false }
        try forEachBlock(layout: baseLayout, clusters: [], threads: threads) { (_) throws(RegressionError) in }
        // The part of each observation's log-likelihood that depends on its response and
        // prior weight alone, the same for the model and the null model.
        let constant = responses().likelihoodConstant(model)
        totals.logLikelihood += constant
        if nullModel != nil { totals.nullLogLikelihood += constant }
    }

    /// The log-likelihood at the means of the last pass.
    func logLikelihood() -> Double {
        var kernel = 0.0
        for i in pairs.y.indices { kernel += model.likelihoodKernel(pairs.y[i], pairs.mu[i], weight: pairs.w?[i] ?? 1) }
        return responses().likelihoodConstant(model) + kernel
    }

    /// θ by maximum likelihood at the means of the last pass
    /// (``GLMModel/thetaML(y:mu:weights:responses:from:)``).
    func thetaML(from start: Double? = nil) -> (theta: Double, se: Double, iterations: Int) {
        GLMModel.thetaML(y: pairs.y, mu: pairs.mu, weights: pairs.w, responses: responses(), from: start)
    }

    /// The distinct responses and prior weights of the rows (they are the same in every pass).
    private func responses() -> GLMModel.Responses {
        if let r = responseTable, r.rows == pairs.y.count { return r }
        let r = GLMModel.Responses(y: pairs.y, weights: pairs.w)
        responseTable = r
        return r
    }

    private func transform(_ b: DesignBlock) -> DesignBlock {
        var out = b
        let m = b.rows
        // η = offset + Xβ (+ the low-order parts), column by column.
        var eta = b.offset ?? [Double](repeating: 0, count: m)
        if let beta {
            eta.withUnsafeMutableBufferPointer { e in
                for part in [b.x] + (b.low.map { [$0] } ?? []) {
                    part.storage.withUnsafeBufferPointer { x in
                        for j in 0..<b.columns {
                            let bj = beta[j], column = x.baseAddress! + j * part.leadingDimension
                            for i in 0..<m { e[i] += column[i] * bj }
                        }
                    }
                }
            }
        }
        // Everything the rows read in locals (the stream is a class: no access checks per
        // row), the sums written into the totals once.
        let model = model, newton = newton, likelihood = likelihood, nullModel = nullModel, started = beta != nil
        let binomial = model.family.name == "binomial", gaussian = model.family == .gaussian
        let countScale = 1e-8 * max(1, boundaryScale)
        var t = totals
        let first = t.rows
        if !rowsRecorded {
            logResponse += b.y.map { $0 > 0 && $0.isFinite ? LibM.log($0) : 0 }
            pairs.y += b.y
            if let pw = b.weights {
                if pairs.w == nil { pairs.w = [] }
                pairs.w!.append(contentsOf: pw)
            }
            if let o = b.offset {
                if pairs.offset == nil { pairs.offset = [] }
                pairs.offset!.append(contentsOf: o)
            }
        }
        var z = [Double](repeating: 0, count: m), w = [Double](repeating: 0, count: m), mus = [Double](repeating: 0, count: m)
        var firstInvalid: Int? = nil
        for i in 0..<m {
            let y = b.y[i], prior = b.weights?[i] ?? 1, off = b.offset?[i] ?? 0
            guard model.valid(y) else {
                if firstInvalid == nil { firstInvalid = i }
                continue
            }
            let mu: Double, d: Double
            if started {
                (mu, d) = model.meanAndSlope(eta[i])
            } else {
                mu = model.start(y, weight: prior)
                eta[i] = model.link(mu)
                d = model.muEta(eta[i])
            }
            let v = model.variance(mu)
            if newton, let step = model.newtonStep(y: y, mu: mu, eta: eta[i]) {
                z[i] = step.z - off
                w[i] = prior * step.w
            } else {
                z[i] = eta[i] - off + (y - mu) / d
                w[i] = prior * d * d / v
            }
            mus[i] = mu
            guard z[i].isFinite && w[i].isFinite && mu.isFinite else {
                // A mean out of range: the pass's deviance is infinite (its step is halved)
                // and the row weighs nothing in the pass's least squares.
                z[i] = 0
                w[i] = 0
                t.deviance = .infinity
                continue
            }
            t.deviance += prior * model.deviance(y, mu, eta: eta[i], logY: logResponse[first + i])
            t.pearson += prior * (y - mu) * (y - mu) / v
            if likelihood { t.logLikelihood += model.likelihoodKernel(y, mu, weight: prior) }
            t.sumW += prior
            t.sumWY += prior * y
            if binomial {
                if mu < 1e-8 || mu > 1 - 1e-8 { t.atBoundary += 1 }
                if Swift.abs(y - mu) < 1e-6 { t.perfectlyPredicted += 1 }
            } else if !gaussian && mu < countScale {
                t.atBoundary += 1
            }
            if let nullModel {
                let mu0: Double
                switch nullModel {
                case .mean(let m0): mu0 = m0
                case .offsetOnly: mu0 = model.mu(off)
                case .intercept(let b0): mu0 = model.mu(b0 + off)
                }
                t.nullDeviance += prior * model.deviance(y, mu0)
                if likelihood { t.nullLogLikelihood += model.likelihoodKernel(y, mu0, weight: prior) }
            }
        }
        if let i = firstInvalid, invalid == nil {
            let y = b.y[i]
            invalid = .unusableColumn("row \(b.sourceRows[i] + 1): the response \(y) is not valid for a \(model.family.name) model (\(binomial ? "expected a value from 0 to 1" : "expected a count ≥ 0"))")
        }
        t.rows += m
        totals = t
        pairs.mu += mus
        out.y = z
        out.weights = w
        out.offset = nil
        return out
    }
}
