/// One row of a coefficient table.
public struct Coefficient: Sendable, Equatable {
    /// Term (column) name.
    public var term: String
    /// Estimate `β̂_j`, `nil` when the column is aliased (not estimable, like R's `NA`).
    public var estimate: Double?
    /// `√V_jj`.
    public var standardError: Double?
    /// `β̂_j / se_j`.
    public var t: Double?
    /// Two-sided p-value `P(|T_df| ≥ |t|)`.
    public var pValue: Double?
    /// Lower confidence limit `β̂_j − t_{df,(1+level)/2}·se_j`.
    public var ciLow: Double?
    /// Upper confidence limit `β̂_j + t_{df,(1+level)/2}·se_j`.
    public var ciHigh: Double?

    /// A row; every statistic `nil` unless given.
    public init(term: String, estimate: Double? = nil, standardError: Double? = nil, t: Double? = nil,
                pValue: Double? = nil, ciLow: Double? = nil, ciHigh: Double? = nil) {
        self.term = term
        self.estimate = estimate
        self.standardError = standardError
        self.t = t
        self.pValue = pValue
        self.ciLow = ciLow
        self.ciHigh = ciHigh
    }
}

/// A prediction at one new design row `x₀`.
public struct Prediction: Sendable, Equatable {
    /// `ŷ₀ = x₀ᵀβ̂`.
    public var fit: Double
    /// Standard error of the mean response, `√(x₀ᵀ V x₀)` with `V` the result's covariance.
    public var standardError: Double
    /// Lower limit of the confidence interval for the mean response, `ŷ₀ − t·se`.
    public var confidenceLow: Double
    /// Upper limit of the confidence interval for the mean response, `ŷ₀ + t·se`.
    public var confidenceHigh: Double
    /// Lower limit of the prediction interval for a new observation, `ŷ₀ − t·√(se² + σ̂²/w₀)`.
    public var predictionLow: Double
    /// Upper limit of the prediction interval for a new observation, `ŷ₀ + t·√(se² + σ̂²/w₀)`.
    public var predictionHigh: Double
}

/// A fitted linear model: estimates, inference and diagnostics (R's `summary.lm`,
/// statsmodels' `RegressionResults`), the same whether the rows were in memory or streamed.
///
/// ```swift
/// let fit = try LinearModel.fit("log(cut) ~ log(employees) + growth", data: table)
/// fit["log(employees)"]?.estimate          // a coefficient by name
/// let robust = try fit.with(covariance: .hc3)   // other errors, no refit
/// print(robust.summary())
/// ```
///
/// **Weighted least squares** (`Var εᵢ = σ²/wᵢ`) is solved as OLS on the whitened rows
/// `√wᵢ·(xᵢ, yᵢ)`, as statsmodels' `WLS`: robust covariances use the whitened design and
/// residuals, `R²` the weighted mean and sums of squares, and the log-likelihood gains
/// `½·Σ log wᵢ`.
public struct RegressionResult: Sendable {
    /// The formula as given (`nil` for a fit from arrays or a matrix).
    public let formula: String?
    /// The response as written, e.g. `log(total_laid_off)` (`y` for a matrix fit).
    public let responseName: String
    /// The design's column names, in order (the rows of ``coefficients``).
    public let termNames: [String]
    /// The terms and the columns each spans (``DesignMatrix/terms``).
    public let terms: [DesignTerm]
    /// Term index of each column (R's `assign`).
    public let assign: [Int]
    /// The levels of the categorical factors.
    public let categoricalLevels: [CategoricalLevels]
    /// Rows read and excluded (listwise deletion); none for a matrix fit.
    public let exclusions: RowExclusions
    /// Name of the weights column (`"weights"` for weights given as an array), `nil` for OLS.
    public let weightsColumn: String?

    /// One row per design column, in order; aliased terms have `nil` estimates.
    public let coefficients: [Coefficient]
    /// Number of observations.
    public let n: Int
    /// Numerical rank (number of estimated coefficients).
    public let rank: Int
    /// `rank − 1` with an intercept, `rank` without.
    public let dfModel: Int
    /// `n − rank`.
    public let dfResidual: Int
    /// `1 − RSS/TSS`; TSS is centred (weighted mean) with an intercept and uncentred
    /// (`Σwᵢyᵢ²`) without. NaN when TSS = 0 (constant response).
    public let rSquared: Double
    /// `1 − (n − c)/(n − rank)·(1 − R²)`, `c` = 1 with an intercept, 0 without.
    public let adjustedRSquared: Double
    /// Whether `R²` is uncentred (no intercept).
    public let isUncentered: Bool
    /// Residual standard deviation `σ̂ = √(RSS/(n − rank))` (whitened residuals for WLS).
    public let sigma: Double
    /// Overall F statistic: classical `(ESS/df_model)/(RSS/df_resid)`; with a robust
    /// covariance, the Wald statistic `β̂ᵀV⁻¹β̂/q` for all non-constant coefficients
    /// (as statsmodels' `fvalue`).
    public let fStatistic: Double
    /// Upper tail of `F(q, df)` at ``fStatistic`` (`df = G − 1` when clustered).
    public let fPValue: Double
    /// Gaussian log-likelihood `−n/2·(log 2π + log(RSS/n) + 1) + ½Σ log wᵢ`.
    public let logLikelihood: Double
    /// `−2ℓ + 2·rank`.
    public let aic: Double
    /// `−2ℓ + log(n)·rank`.
    public let bic: Double
    /// `σ_max/σ_min` of the (whitened) design, all columns: the square root of the
    /// eigenvalue ratio of `XᵀX` that statsmodels reports, from `R` without forming `XᵀX`.
    public let conditionNumber: Double
    /// Condition estimate of the design with its columns scaled to unit norm: what decides
    /// whether double precision suffices (``usedExtendedPrecision``).
    public let scaledConditionEstimate: Double
    /// `Σ(ẽᵢ − ẽᵢ₋₁)²/Σẽᵢ²` on the whitened residuals, in row order.
    public let durbinWatson: Double
    /// Five-number summary of the whitened residuals `√wᵢ·eᵢ` (R's `summary.lm`); `nil` for
    /// a streamed fit that did not keep its residuals.
    public let residualSummary: FiveNumberSummary?
    /// Residuals `y − Xβ̂` on the original scale, when the fit kept its rows.
    public let residuals: [Double]?
    /// Fitted values `Xβ̂`, when the fit kept its rows.
    public let fitted: [Double]?
    /// Leverages `hᵢᵢ`, the diagonal of the hat matrix `X(XᵀWX)⁻¹XᵀW`, when the fit kept its
    /// rows. They sum to the rank; a value near 1 means the observation alone determines
    /// part of the fit (and makes HC2/HC3 undefined). Rule of thumb: look at `hᵢᵢ > 3k/n`.
    public let leverages: [Double]?
    /// Covariance of the kept coefficients (`rank × rank`, kept terms in order).
    public let covarianceMatrix: Matrix
    /// The estimator behind ``covarianceMatrix``.
    public let covariance: Covariance
    /// Number of clusters `G` for a cluster-robust covariance (the smallest, with several
    /// clusterings), of periods for Driscoll–Kraay; else `nil`.
    public let clusterCount: Int?
    /// Number of clusters of each clustering (of periods for HAC over a time column and
    /// Driscoll–Kraay).
    public let clusterCounts: [Int]
    /// Confidence level of the intervals.
    public let level: Double
    /// Aliased terms (no estimate).
    public let droppedTerms: [String]
    /// Notes for a summary (unnumbered; ``summary(markdown:)`` numbers them).
    public let notes: [String]
    /// Whether the design's conditioning needed the double-double factorization.
    public let usedExtendedPrecision: Bool
    /// Passes over the rows after the first (the residual pass and any refinement).
    public let residualPasses: Int

    /// What the fit keeps to recompute inference without refitting.
    let state: FitState
    /// `S` of `V = R⁻¹·S·R⁻ᵀ` (for predictions).
    let middle: Matrix

    /// The estimator family of ``covariance``.
    public var covarianceType: Covariance.Kind { covariance.kind }
    /// Terms with estimates, in order (the rows and columns of ``covarianceMatrix``).
    public var keptTerms: [String] { state.outcome.solution.kept.map { termNames[$0] } }
    /// Degrees of freedom of t and F reference distributions: `n − rank`, `G − 1` when
    /// clustered (the smallest `G`), `T − 1` for Driscoll–Kraay.
    public let inferenceDegreesOfFreedom: Int

    /// The coefficient of `term` (e.g. `fit["log(employees)"]`), `nil` if the model has no such term.
    public subscript(term: String) -> Coefficient? { coefficients.first { $0.term == term } }

    /// The coefficient of `term`, or an error that lists the terms there are.
    public func coefficient(named term: String) throws(RegressionError) -> Coefficient {
        guard let c = self[term] else { throw .unknownTerm(term, terms: termNames) }
        return c
    }

    /// The same fit with inference recomputed for another covariance estimator or level,
    /// without refitting (statsmodels' `get_robustcov_results`). A robust estimator makes
    /// one more pass over the rows (re-reading a streamed file).
    public func with(covariance: Covariance, level: Double? = nil) throws(RegressionError) -> RegressionResult {
        let level = level ?? self.level
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        if covariance == self.covariance {
            return try RegressionResult(state: state, covariance: covariance, meat: state.meat(for: covariance), level: level)
        }
        var s = state
        let meat = try s.addMeat(for: covariance)
        return try RegressionResult(state: s, covariance: covariance, meat: meat, level: level)
    }
}

/// What a result holds on to: the engine's final state, the stream to read the rows again,
/// the middles already computed, and the rows kept.
struct FitState: Sendable {
    var outcome: LeastSquaresEngine.Outcome
    var stream: any DesignStream
    var threads: Int
    var formula: String?
    var responseName: String
    var exclusions: RowExclusions
    var weightsColumn: String?
    /// Middles computed so far, by covariance.
    var meats: [(Covariance, SandwichMeat)]
    /// Per-row values, when the fit kept them (`whitened` only when just the summary was asked for).
    var rows: KeptRows?
    var residualSummary: FiveNumberSummary?
    /// A generalized linear model's working fit: the fixed dispersion φ of its classical
    /// covariance (`nil` for least squares), and whether inference is by z (normal) tests.
    var dispersion: Double? = nil
    var normal = false
    /// Fixed effects absorbed (``FixedEffectsModel``): their parameters, counted in the
    /// residual degrees of freedom and the small-sample factors, and, for a cluster-robust
    /// covariance, those of fixed effects nested in the clusters, which are not (fixest's
    /// and pyfixest's default).
    var absorbed = 0
    var absorbedNestedInClusters = 0

    func meat(for c: Covariance) -> SandwichMeat? { meats.first { $0.0 == c }?.1 }

    /// The middle of `c`, computing it by one more pass if it was not made with the fit.
    mutating func addMeat(for c: Covariance) throws(RegressionError) -> SandwichMeat? {
        if c.kind == .classical { return nil }
        if let m = meat(for: c) { return m }
        let estimator = try LeastSquaresEngine.Estimator(c)
        let m = try LeastSquaresEngine.sandwich(stream, outcome, [estimator], threads: threads)[0]
        meats.append((c, m))
        return m
    }
}

/// Per-row values of a fit that kept its rows.
struct KeptRows: Sendable {
    var residuals: [Double]
    var fitted: [Double]
    var leverages: [Double]
    var whitened: [Double]
}

extension RegressionResult {
    init(state: FitState, covariance: Covariance, meat: SandwichMeat?, level: Double) throws(RegressionError) {
        let o = state.outcome
        let sol = o.solution
        let k = sol.kept.count, n = o.n
        let layout = o.layout
        formula = state.formula
        responseName = state.responseName
        termNames = layout.names
        terms = layout.terms
        assign = layout.assign
        categoricalLevels = layout.levels
        exclusions = state.exclusions
        weightsColumn = state.weightsColumn
        self.state = state
        self.covariance = covariance
        self.level = level
        self.n = n
        rank = k
        let kConst = layout.hasIntercept ? 1 : 0
        dfResidual = n - k - state.absorbed
        dfModel = k - kConst
        isUncentered = !layout.hasIntercept
        let rss = o.rss, tss = o.tss
        rSquared = tss > 0 ? 1 - rss / tss : .nan
        adjustedRSquared = 1 - Double(n - kConst) / Double(dfResidual) * (1 - rSquared)
        let sigma2 = rss / Double(dfResidual)
        sigma = sigma2.squareRoot()
        let nD = Double(n)
        logLikelihood = -nD / 2 * (LibM.log(2 * Double.pi) + LibM.log(rss / nD) + 1) + 0.5 * o.sumLogWeights
        aic = -2 * logLikelihood + 2 * Double(k)
        bic = -2 * logLikelihood + LibM.log(nD) * Double(k)
        let sv = o.singularValues
        conditionNumber = (sv.count < layout.names.count || sv.last! == 0) ? .infinity : sv[0] / sv[sv.count - 1]
        scaledConditionEstimate = sol.scaledCondition
        durbinWatson = o.durbinWatson
        usedExtendedPrecision = o.precision == .extended
        residualPasses = o.residualPasses
        droppedTerms = sol.aliased.map { layout.names[$0] }
        let kept = state.rows.flatMap { $0.residuals.count == n ? $0 : nil }
        residuals = kept?.residuals
        fitted = kept?.fitted
        leverages = kept?.leverages
        residualSummary = state.residualSummary

        // V = R⁻¹·S·R⁻ᵀ.
        var middle = Matrix(rows: k, columns: k)
        // R's test for an essentially perfect fit: σ̂² below 1e-30 of the fitted values' size
        // (their squared mean plus their variance).
        let explained = max(0, (layout.hasIntercept ? tss : tss - Double(n) * o.meanResponse * o.meanResponse) - rss)
        let fittedSize = o.meanResponse * o.meanResponse + explained / Double(max(1, n - 1))
        // A GLM's working design is weighted by the last step: its condition number says
        // nothing a reader of the model can act on, so only least squares notes it.
        var notes = FitNotes.base(aliased: droppedTerms, kept: k, conditionNumber: state.dispersion == nil ? conditionNumber : 0,
                                  scaledCondition: sol.scaledCondition, extended: usedExtendedPrecision,
                                  tss: state.dispersion == nil ? tss : 1, rss: state.dispersion == nil ? rss : 1,
                                  hasIntercept: layout.hasIntercept,
                                  perfect: state.dispersion == nil && sigma2 <= fittedSize * 1e-30)
        var counts: [Int] = []
        var df = dfResidual
        switch covariance.kind {
        case .classical:
            for i in 0..<k { middle[i, i] = state.dispersion ?? sigma2 }
            notes.insert("Standard errors assume that the covariance matrix of the errors is correctly specified.", at: 0)
        default:
            guard let meat else { throw .numerical("no sandwich middle for \(covariance)") }
            if !meat.leverageOne.isEmpty { throw .leverageOne(covariance: covariance.kind.rawValue, rows: meat.leverageOne) }
            let order = try covariance.time.map { (t) throws(RegressionError) in try state.stream.codesInOrder(t) }
            let kEffective = k + state.absorbed - (covariance.kind == .cluster ? state.absorbedNestedInClusters : 0)
            let m = try meat.middle(n: n, k: kEffective, order: order)
            middle = m.s
            counts = m.groups
            df = m.degreesOfFreedom ?? dfResidual
            notes.insert(Self.covarianceNote(covariance, counts: counts, normal: state.normal), at: 0)
            if covariance.kind == .cluster && (counts.min() ?? 0) < 2 {
                notes.append("Only one cluster: the cluster-robust covariance is undefined (NaN).")
            }
        }
        clusterCount = covariance.kind == .cluster ? counts.min() : covariance.kind == .driscollKraay ? counts.first : nil
        clusterCounts = counts
        inferenceDegreesOfFreedom = df
        self.middle = middle
        // In the coordinates of unit-norm columns (`d_j`, powers of two): `V = D·V_s·D` with
        // `V_s = R_s⁻¹·S·R_s⁻ᵀ`, `R_s⁻¹ = D⁻¹R⁻¹`. Standard errors `d_j·√(V_s)_jj` stay finite
        // for data near 1e±150, whose variances themselves overflow a double.
        let d = TriangularSolution.scales(sol.factor)
        var inv = sol.rInverse
        for c in 0..<k { for i in 0...c { inv[i, c] /= d[i] } }
        var a = Matrix(rows: k, columns: k)
        for j in 0..<k { for i in 0..<k {
            var s = 0.0
            for c in i..<k { s += inv[i, c] * middle[c, j] }
            a[i, j] = s
        } }
        var vs = Matrix(rows: k, columns: k)
        for j in 0..<k { for i in 0...j {
            var s = 0.0
            for c in j..<k { s += a[i, c] * inv[j, c] }
            vs[i, j] = s
            vs[j, i] = s
        } }
        var v = vs
        for j in 0..<k { for i in 0..<k { v[i, j] = d[i] * vs[i, j] * d[j] } }
        if covariance.kind == .cluster && counts.count > 1, let fixed = Self.positiveSemidefinite(v) {
            // The inclusion–exclusion sum need not be positive semi-definite: as fixest, its
            // negative eigenvalues are set to zero.
            v = fixed
            for j in 0..<k { for i in 0..<k { vs[i, j] = v[i, j] / (d[i] * d[j]) } }
            notes.append("The multiway cluster-robust covariance was not positive semi-definite: its negative eigenvalues were set to zero.")
        }
        covarianceMatrix = v
        self.notes = notes

        let dfT = state.normal ? Double.infinity : Double(df)
        let tDist = StudentTDistribution(degreesOfFreedom: dfT)
        let q = tDist.quantile(1 - (1 - level) / 2)
        var coefs = layout.names.map { Coefficient(term: $0) }
        let beta = o.beta.map(\.value)
        for (c, j) in sol.kept.enumerated() {
            let b = beta[c]
            let se = vs[c, c].isNaN ? .nan : d[c] * max(0, vs[c, c]).squareRoot()
            let t = b / se
            coefs[j] = Coefficient(term: layout.names[j], estimate: b, standardError: se, t: t,
                                   pValue: tDist.twoSidedPValue(t), ciLow: b - q * se, ciHigh: b + q * se)
        }
        coefficients = coefs

        let constant = layout.interceptColumn.flatMap { sol.kept.firstIndex(of: $0) }
        if covariance.kind == .classical {
            if dfModel > 0, rss > 0 || tss > 0 {
                fStatistic = ((tss - rss) / Double(dfModel)) / (rss / Double(dfResidual))
                fPValue = FDistribution(numeratorDF: Double(dfModel), denominatorDF: Double(dfResidual)).sf(fStatistic)
            } else {
                (fStatistic, fPValue) = (.nan, .nan)
            }
        } else {
            (fStatistic, fPValue) = Self.waldF(vs, beta: zip(beta, d).map { $0 / $1 }, constant: constant,
                                               hasIntercept: layout.hasIntercept, df: dfT)
        }
    }

    /// `v` with its negative eigenvalues set to zero, or `nil` when it has none.
    static func positiveSemidefinite(_ v: Matrix) -> Matrix? {
        guard let (values, vectors) = try? LAPACK.syev(v), values.contains(where: { $0 < 0 }) else { return nil }
        let k = v.rows
        var out = Matrix(rows: k, columns: k)
        for (c, lambda) in values.enumerated() where lambda > 0 {
            for j in 0..<k { for i in 0..<k { out[i, j] += lambda * vectors[i, c] * vectors[j, c] } }
        }
        return out
    }

    /// The sentence that names a robust estimator.
    static func covarianceNote(_ c: Covariance, counts: [Int], normal: Bool) -> String {
        // z-test models (GLMs) compare with the normal and χ²: no t or F degrees of freedom.
        func df(_ d: Int) -> String { normal ? "" : "; t and F use \(d) df" }
        switch c.kind {
        case .cluster where counts.count > 1:
            let g = counts.min() ?? 0
            return "Standard errors are robust to correlation within each of \(counts.count) clusterings (multiway CR1, Cameron–Gelbach–Miller; \(counts.map(String.init).joined(separator: " and ")) clusters; G = \(g) in the small-sample factor\(df(g - 1)))."
        case .cluster:
            let g = counts.first ?? 0
            return "Standard errors are robust to cluster correlation (cluster, CR1, \(g) clusters\(df(g - 1)))."
        case .hac:
            return "Standard errors are heteroskedasticity and autocorrelation robust (Newey–West, Bartlett kernel, \(c.lags ?? 0) lags\(c.time.map { ", rows ordered by \($0)" } ?? ", rows in order"); no small-sample correction)."
        case .driscollKraay:
            let t = counts.first ?? 0
            return "Standard errors are robust to heteroskedasticity, autocorrelation and correlation across units within a period (Driscoll–Kraay, Bartlett kernel, \(c.lags ?? 0) lags, \(t) periods of \(c.time ?? "time")\(df(t - 1)))."
        default:
            return "Standard errors are heteroscedasticity robust (\(c.kind.rawValue))."
        }
    }

    /// The Wald F test that every slope is zero under a robust covariance: `F = b'V⁻¹b/q`
    /// over the `q` coefficients other than the intercept, `(q, df)` degrees of freedom.
    /// NaN when there is no slope or the slopes' block of `V` is not positive definite.
    static func waldF(_ v: Matrix, beta: [Double], constant: Int?, hasIntercept: Bool, df: Double) -> (Double, Double) {
        let idx = (0..<beta.count).filter { $0 != constant }
        if idx.isEmpty || (hasIntercept && constant == nil) { return (.nan, .nan) }
        let q = idx.count
        // Cholesky of the slopes' block, then ‖L⁻¹b‖².
        var l = [Double](repeating: 0, count: q * q)
        for j in 0..<q {
            var s = v[idx[j], idx[j]]
            for c in 0..<j { s -= l[j + c * q] * l[j + c * q] }
            guard s > 0, s.isFinite else { return (.nan, .nan) }
            let d = s.squareRoot()
            l[j + j * q] = d
            for i in (j + 1)..<max(j + 1, q) {
                var t = v[idx[i], idx[j]]
                for c in 0..<j { t -= l[i + c * q] * l[j + c * q] }
                l[i + j * q] = t / d
            }
        }
        var y = idx.map { beta[$0] }
        var w = 0.0
        for i in 0..<q {
            for c in 0..<i { y[i] -= l[i + c * q] * y[c] }
            y[i] /= l[i + i * q]
            w += y[i] * y[i]
        }
        let f = w / Double(q)
        return (f, FDistribution(numeratorDF: Double(q), denominatorDF: df).sf(f))
    }

    /// Predictions at new rows `x0` (`m × p`, the design's columns, unweighted).
    ///
    /// The standard error of the mean uses the result's covariance (robust if the result
    /// is robust, as statsmodels' `get_prediction`); the prediction interval adds
    /// `σ̂²/w₀` with `w₀ = 1` unless `weights` gives the new observations' weights. Aliased
    /// columns of `x0` are ignored (their coefficients are not estimable).
    public func predict(_ x0: Matrix, level: Double? = nil, weights: [Double]? = nil) throws(RegressionError) -> [Prediction] {
        let lv = level ?? self.level
        guard lv > 0 && lv < 1 else { throw .invalidLevel(lv) }
        guard x0.columns == termNames.count else {
            throw .dimensionMismatch("x0 has \(x0.columns) columns, the model has \(termNames.count)")
        }
        if let w = weights {
            guard w.count == x0.rows else { throw .dimensionMismatch("\(w.count) weights for \(x0.rows) rows") }
            for i in 0..<w.count where !(w[i] > 0 && w[i].isFinite) { throw .nonPositiveWeight(row: i, value: w[i]) }
        }
        for j in 0..<x0.columns { for i in 0..<x0.rows where !x0[i, j].isFinite {
            throw .nonFinite(column: termNames[j], row: i, value: x0[i, j])
        } }
        let kept = state.outcome.solution.kept
        let beta = state.outcome.beta
        // statsmodels' get_prediction uses df_resid (not the G − 1 of clustered tests).
        let q = StudentTDistribution(degreesOfFreedom: Double(dfResidual)).quantile(1 - (1 - lv) / 2)
        let sigma2 = sigma * sigma
        let r = state.outcome.solution.factor
        let k = kept.count
        return (0..<x0.rows).map { i in
            var fit = DoubleDouble.zero
            for (c, j) in kept.enumerated() { fit += beta[c] * x0[i, j] }
            // se² = x₀ᵀVx₀ = uᵀSu with Rᵀu = x₀ solved in double-double: no cancellation
            // between the terms of x₀ᵀVx₀, which loses digits on ill-conditioned designs.
            var u = [DoubleDouble](repeating: .zero, count: k)
            for c in 0..<k {
                var s = DoubleDouble(x0[i, kept[c]])
                for j in 0..<c { s -= r.extendedElement(j, c) * u[j] }
                u[c] = s / r.extendedElement(c, c)
            }
            let ud = u.map(\.value)
            var s2 = 0.0
            for a in 0..<k { for b in 0..<k { s2 += ud[a] * middle[a, b] * ud[b] } }
            let se = s2.isNaN ? .nan : max(0, s2).squareRoot()
            let seObs = (max(0, s2) + sigma2 / (weights?[i] ?? 1)).squareRoot()
            let f = fit.value
            return Prediction(fit: f, standardError: se, confidenceLow: f - q * se, confidenceHigh: f + q * se,
                              predictionLow: f - q * seObs, predictionHigh: f + q * seObs)
        }
    }
}

/// The notes every least-squares fit prints about itself.
enum FitNotes {
    static func base(aliased names: [String], kept k: Int, conditionNumber cond: Double, scaledCondition: Double,
                     extended: Bool, tss: Double, rss: Double, hasIntercept: Bool, perfect: Bool) -> [String] {
        var notes: [String] = []
        if !names.isEmpty {
            notes.append("\(names.count) coefficient\(names.count == 1 ? " is" : "s are") not defined because of singularities (aliased, no estimate): \(names.joined(separator: ", ")). The model was refitted on the \(k) remaining columns.")
        }
        if cond > 1000 {
            notes.append("The condition number is large, \(CFormat.g(cond, digits: 3)). This might indicate that there are strong multicollinearity or other numerical problems.")
        }
        if !(tss > 0) {
            notes.append(hasIntercept ? "The response is constant: R² and adjusted R² are undefined (NaN)." : "The response is identically zero: R² is undefined (NaN).")
        }
        if rss == 0 {
            notes.append("The residuals are all zero (perfect fit): σ̂ = 0, so standard errors are 0 and t statistics undefined.")
        } else if perfect {
            notes.append("The fit is essentially perfect (σ̂² is below 1e-30 of the fitted values' size): standard errors, t statistics and p-values are rounding noise.")
        }
        if extended {
            notes.append("The design is ill-conditioned (condition estimate \(CFormat.g(scaledCondition, digits: 3)) with its columns scaled to unit length): the least-squares problem was solved with a double-double (about 106-bit) QR factorization.")
        }
        return notes
    }
}
