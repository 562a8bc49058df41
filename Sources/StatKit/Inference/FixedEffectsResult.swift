/// A fitted model with absorbed fixed effects (``FixedEffectsModel``).
public struct FixedEffectsResult: Sendable {
    /// Observations dropped before fitting.
    public struct Dropped: Sendable, Equatable {
        /// In a fixed-effect level of their own (no information on the coefficients).
        public let singletons: Int
        /// In a level whose outcomes are all zero (Poisson: the level's effect is −∞).
        public let separated: Int
        /// With a missing or non-finite value in a used column (listwise deletion).
        public let missing: Int
    }

    /// The coefficients of the regressors with their inference (on the demeaned design).
    public private(set) var fit: RegressionResult
    /// `nil` for least squares, `.poisson` for the Poisson model.
    public let family: GLMFamily?
    /// The fixed effects and their numbers of levels (after the drops).
    public let fixedEffects: [(name: String, levels: Int)]
    public let observationsDropped: Dropped
    /// `1 − RSS/TSS` with the fixed effects (least squares).
    public let rSquared: Double
    /// `R²` of the demeaned regression: what the regressors explain beyond the fixed effects.
    public let withinRSquared: Double
    /// Deviance, log-likelihood and Pearson χ² (Poisson).
    public let deviance: Double?
    public let logLikelihood: Double
    public let pearsonChiSquared: Double?
    /// IRLS steps (Poisson; 1 for least squares) and convergence.
    public let iterations: Int
    public let converged: Bool
    /// The most sweeps of alternating projections one demeaning needed (all columns are
    /// demeaned together; the Poisson model demeans once per IRLS step).
    public let demeaningSweeps: Int
    /// The columns the standard errors are clustered by (empty when they are not).
    public let clusterColumns: [String]

    let data: AbsorbedData
    let core: AbsorbedFit
    let labels: [[String]]
    let options: LinearModel.Options
    let formula: String
    let responseName: String
    let weightsColumn: String?

    /// The coefficients, one per regressor.
    public var coefficients: [Coefficient] { fit.coefficients }
    /// The coefficient of `term`.
    public subscript(term: String) -> Coefficient? { fit[term] }
    /// Observations used.
    public var n: Int { fit.n }

    init(data: AbsorbedData, core: AbsorbedFit, stream: FormulaStream<some TableBlockSource>, parsed: Formula, formula: String,
         weightsColumn: String?, family: GLMFamily?, dropped: (singletons: Int, separated: Int), covariance: Covariance,
         level: Double, options: LinearModel.Options) throws(RegressionError) {
        self.data = data
        self.core = core
        self.family = family
        self.options = options
        self.formula = formula
        responseName = parsed.response?.text ?? ""
        self.weightsColumn = weightsColumn
        labels = data.feNames.map { stream.codeLabels($0) }
        fixedEffects = zip(data.feNames, data.feLevels).map { ($0, $1) }
        let exclusions = stream.exclusions
        observationsDropped = Dropped(singletons: dropped.singletons, separated: dropped.separated, missing: exclusions.excludedCount)
        demeaningSweeps = core.sweeps
        if case .columns(let names)? = covariance.clusters { clusterColumns = names } else { clusterColumns = [] }
        fit = try Self.core(data: data, core: core, formula: formula, responseName: responseName, weightsColumn: weightsColumn,
                            poisson: family != nil, covariance: covariance, level: level, options: options,
                            exclusions: RowExclusions(totalRows: exclusions.totalRows, reasons: exclusions.reasons + [
                                .init(reason: "in singleton groups", count: dropped.singletons),
                                .init(reason: "separated by a fixed effect", count: dropped.separated)]))
        if let g = core.glm {
            deviance = g.deviance
            logLikelihood = g.logLikelihood
            pearsonChiSquared = g.pearson
            iterations = g.iterations
            converged = g.converged
            rSquared = .nan
            withinRSquared = .nan
        } else {
            deviance = nil
            pearsonChiSquared = nil
            iterations = 1
            converged = true
            // R² about the (weighted) mean of y; the within R² is the demeaned fit's own.
            let n = data.n
            var sw = 0.0, swy = 0.0
            for i in 0..<n { sw += data.weights?[i] ?? 1; swy += (data.weights?[i] ?? 1) * data.y[i] }
            var tss = 0.0
            for i in 0..<n { let d = data.y[i] - swy / sw; tss += (data.weights?[i] ?? 1) * d * d }
            let rss = fit.sigma * fit.sigma * Double(fit.dfResidual)
            rSquared = 1 - rss / tss
            withinRSquared = fit.rSquared
            logLikelihood = fit.logLikelihood
        }
    }

    /// The least-squares core on the demeaned problem, with `covariance`'s clusters as ids.
    static func core(data: AbsorbedData, core: AbsorbedFit, formula: String, responseName: String, weightsColumn: String?,
                     poisson: Bool, covariance: Covariance, level: Double, options: LinearModel.Options,
                     exclusions: RowExclusions) throws(RegressionError) -> RegressionResult {
        var mapped = covariance
        var nested = 0
        if covariance.kind == .cluster, case .columns(let names)? = covariance.clusters {
            let codes = try names.map { (name) throws(RegressionError) -> [Int32] in
                if let f = data.feNames.firstIndex(of: name) { return data.feOriginal[f] }
                if let e = data.extraNames.firstIndex(of: name) { return data.extra[e] }
                throw .missingColumn(name, available: data.feNames + data.extraNames)
            }
            mapped = .cluster(ids: codes.map { $0.map(Int.init) })
            nested = data.nestedParameters(in: codes)
        }
        let stream = MatrixStream(x: core.x, low: nil, y: core.y, weights: core.weights, names: data.names, hasIntercept: false)
        // fixest and pyfixest scale the Poisson model's classical covariance by their small-sample
        // factor too, (n − 1)/(n − k) with the fixed effects' parameters in k.
        let n = data.n, k = data.x.columns + data.absorbedParameters
        let dispersion: Double? = poisson ? Double(n - 1) / Double(n - k) : nil
        var o = options
        o.keepRows = false
        o.alsoCompute = []
        return try LinearModel.run(stream, formula: formula, responseName: responseName, weightsColumn: weightsColumn,
                                   covariance: mapped, level: level, options: o, observer: nil,
                                   dispersion: dispersion, normal: poisson,
                                   absorbed: data.absorbedParameters, absorbedNested: nested) { exclusions }
    }

    /// The same fit with another covariance estimator (no demeaning again).
    public func with(covariance: Covariance, level: Double? = nil) throws(RegressionError) -> FixedEffectsResult {
        var r = self
        r.fit = try Self.core(data: data, core: core, formula: formula, responseName: responseName, weightsColumn: weightsColumn,
                              poisson: family != nil, covariance: covariance, level: level ?? fit.level, options: options,
                              exclusions: fit.exclusions)
        return r
    }

    /// Each fixed effect's value per level (its label), the first fixed effect carrying the
    /// level of the fit and every other normalised to 0 at its first level.
    public func fixedEffectValues() -> [String: [(level: String, value: Double)]] {
        let beta = RegressionResult.fullBeta(fit)
        let n = data.n
        var part = [Double](repeating: 0, count: n)
        let weights: [Double]?
        if let g = core.glm {
            let off = data.offset ?? [Double](repeating: 0, count: n)
            for i in 0..<n {
                var xb = 0.0
                for j in 0..<data.x.columns { xb += data.x[i, j] * beta[j] }
                part[i] = g.eta[i] - off[i] - xb
            }
            weights = nil
        } else {
            for i in 0..<n {
                var xb = 0.0
                for j in 0..<data.x.columns { xb += data.x[i, j] * beta[j] }
                part[i] = data.y[i] - xb
            }
            weights = data.weights
        }
        let alpha = data.effects(of: part, weights: weights)
        var out: [String: [(level: String, value: Double)]] = [:]
        for (f, name) in data.feNames.enumerated() {
            // Dense level g's original code: the first row that has it.
            var original = [Int32](repeating: -1, count: data.feLevels[f])
            for i in 0..<n where original[Int(data.fe[f][i])] < 0 { original[Int(data.fe[f][i])] = data.feOriginal[f][i] }
            out[name] = alpha[f].indices.map { g in
                let code = Int(original[g])
                return (code >= 0 && code < labels[f].count ? labels[f][code] : "\(code)", alpha[f][g])
            }
        }
        return out
    }
}
