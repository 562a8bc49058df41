#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Covariance estimator for the coefficient estimates `β̂`.
///
/// With `B = (XᵀWX)⁻¹` (computed as `M·Mᵀ` from the QR factor, never by inverting
/// `XᵀX`), whitened residuals `eᵢ`, leverages `hᵢᵢ` and `k = rank`:
/// - `classical`: `σ̂²·B`, `σ̂² = Σeᵢ²/(n − k)`;
/// - `HC0`: `B·(Σ eᵢ² xᵢxᵢᵀ)·B` (White);
/// - `HC1`: `n/(n − k)·HC0`;
/// - `HC2`: `eᵢ²` replaced by `eᵢ²/(1 − hᵢᵢ)`;
/// - `HC3`: `eᵢ²` replaced by `eᵢ²/(1 − hᵢᵢ)²`;
/// - `cluster`: one-way cluster-robust CR1, `c·B·(Σ_g u_g u_gᵀ)·B` with
///   `u_g = Σ_{i∈g} eᵢxᵢ` and `c = G/(G − 1)·(n − 1)/(n − k)` (statsmodels'
///   `cov_type='cluster'` default, Stata's `vce(cluster)`); t and F tests then use
///   `G − 1` denominator degrees of freedom, as statsmodels does.
public enum CovarianceType: String, Sendable, CaseIterable {
    case classical
    case hc0 = "HC0"
    case hc1 = "HC1"
    case hc2 = "HC2"
    case hc3 = "HC3"
    case cluster
}

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

/// An ordinary or weighted least-squares linear model `y = Xβ + ε`.
///
/// The model holds data; ``fit(covariance:clusters:level:)`` returns a separate
/// ``RegressionResult`` (statsmodels' model/result split).
///
/// **Weighted least squares.** With weights `wᵢ > 0` (`Var εᵢ = σ²/wᵢ`), the model is
/// whitened, `X̃ = diag(√w)·X`, `ỹ = diag(√w)·y`, and solved as OLS, exactly as
/// statsmodels' `WLS`: robust covariances use the whitened design and residuals,
/// `R²` uses the weighted mean and weighted sums of squares, and the log-likelihood
/// gains `½·Σ log wᵢ`.
public struct LinearRegression: Sendable {
    /// `n × p` design, column-major.
    public let design: Matrix
    /// Response of length `n`.
    public let response: [Double]
    /// One name per column of the design.
    public let termNames: [String]
    /// Whether the design contains a constant column (centered `R²`, `F` excludes it).
    public let hasIntercept: Bool
    /// Optional positive, finite weights (WLS).
    public let weights: [Double]?
    /// Rank tolerance (`nil`: ``LeastSquares/defaultRankTolerance(rows:columns:)``).
    public let rankTolerance: Double?
    /// Optional low-order part of a double-double design: the model matrix is
    /// `design + designLowOrder` exactly (e.g. `hi = fl(x^k)`, `lo = x^k − hi` for
    /// polynomial terms formed in extended precision). Ill-conditioned designs such as
    /// NIST's Filip lose digits merely by rounding `x^k` to double (LRE ≈ 7.6 for any
    /// solver); the low-order part lets the extended-precision path and the refinement
    /// see the design to ~64 bits.
    public let designLowOrder: Matrix?

    /// Validates and stores the data.
    /// - Throws: ``RegressionError`` for empty or mismatched data, NaN/∞ (naming the row
    ///   and column), or weights that are not strictly positive and finite.
    public init(design: Matrix, response: [Double], termNames: [String], hasIntercept: Bool,
                weights: [Double]? = nil, rankTolerance: Double? = nil, designLowOrder: Matrix? = nil) throws {
        guard design.columns > 0 else { throw RegressionError.emptyDesign }
        guard design.rows > 0 else { throw RegressionError.noObservations }
        guard response.count == design.rows else {
            throw RegressionError.dimensionMismatch("response has \(response.count) values, design has \(design.rows) rows")
        }
        guard termNames.count == design.columns else {
            throw RegressionError.dimensionMismatch("\(termNames.count) term names for \(design.columns) columns")
        }
        try LeastSquares.checkFinite(design, names: termNames)
        if let lo = designLowOrder {
            guard lo.rows == design.rows && lo.columns == design.columns else {
                throw RegressionError.dimensionMismatch("low-order design is \(lo.rows)×\(lo.columns), design is \(design.rows)×\(design.columns)")
            }
            try LeastSquares.checkFinite(lo, names: termNames)
        }
        for i in 0..<response.count where !response[i].isFinite {
            throw RegressionError.nonFinite(column: "response", row: i, value: response[i])
        }
        if let w = weights {
            guard w.count == design.rows else {
                throw RegressionError.dimensionMismatch("\(w.count) weights for \(design.rows) rows")
            }
            for i in 0..<w.count where !(w[i] > 0 && w[i].isFinite) {
                throw RegressionError.nonPositiveWeight(row: i, value: w[i])
            }
        }
        self.design = design
        self.response = response
        self.termNames = termNames
        self.hasIntercept = hasIntercept
        self.weights = weights
        self.rankTolerance = rankTolerance
        self.designLowOrder = designLowOrder
    }

    /// Fits the model by pivoted QR least squares (see ``LeastSquares``) and computes
    /// inference with the chosen covariance.
    ///
    /// - Parameters:
    ///   - covariance: covariance estimator (default classical).
    ///   - clusters: one cluster id per observation, required for `.cluster`.
    ///   - level: confidence level of the intervals, in (0, 1).
    /// - Throws: ``RegressionError/noResidualDegreesOfFreedom(observations:rank:)`` when
    ///   `n ≤ rank`; ``RegressionError/leverageOne(covariance:rows:)`` for HC2/HC3 with an
    ///   observation of leverage 1; other ``RegressionError``s for bad arguments.
    public func fit(covariance: CovarianceType = .classical, clusters: [Int32]? = nil,
                    level: Double = 0.95) throws -> RegressionResult {
        let n = design.rows, p = design.columns
        var xw = design
        var lw = designLowOrder
        var yw = response
        var sqrtW: [Double]? = nil
        if let w = weights {
            let s = w.map { $0.squareRoot() }
            sqrtW = s
            // Whitened low-order part keeps the rounding error of √wᵢ·xᵢⱼ.
            var lo = Matrix(rows: n, columns: p)
            for j in 0..<p {
                let base = j * xw.leadingDimension
                for i in 0..<n {
                    let hi = xw.storage[base + i]
                    let prod = hi * s[i]
                    var err = Float80(hi) * Float80(s[i]) - Float80(prod)
                    if let l = designLowOrder { err += Float80(l[i, j]) * Float80(s[i]) }
                    xw.storage[base + i] = prod
                    lo[i, j] = Double(err)
                }
            }
            lw = lo
            for i in 0..<n { yw[i] *= s[i] }
        }
        let sol = try LeastSquares.solve(xw, yw, lowOrder: lw, rankTolerance: rankTolerance, columnNames: termNames,
                                         validated: true)
        let k = sol.rank
        guard n > k else { throw RegressionError.noResidualDegreesOfFreedom(observations: n, rank: k) }
        let kept = sol.keptColumns
        let xk = kept.count == p ? xw : xw.selectingColumns(kept)
        let beta = kept.map { sol.coefficients[$0]! }

        // Residuals on the original scale, y − Xβ (extended accumulation).
        let wresid = sol.residuals
        var resid = wresid
        if let s = sqrtW { for i in 0..<n { resid[i] = wresid[i] / s[i] } }
        if weights != nil {
            var b80 = [Float80](repeating: 0, count: p)
            for (c, j) in kept.enumerated() { b80[j] = Float80(beta[c]) }
            resid = Factorization.residual(design, designLowOrder, response, b80).map { Double($0) }
        }
        let fitted = (0..<n).map { response[$0] - resid[$0] }

        // Sums of squares.
        let ssr = sol.residualSumOfSquares
        var tss: Float80 = 0
        let w = weights
        if hasIntercept {
            var sw: Float80 = 0, swy: Float80 = 0
            for i in 0..<n { let wi = Float80(w?[i] ?? 1); sw += wi; swy += wi * Float80(response[i]) }
            let mean = swy / sw
            for i in 0..<n { let d = Float80(response[i]) - mean; tss += Float80(w?[i] ?? 1) * d * d }
        } else {
            for i in 0..<n { let v = Float80(response[i]); tss += Float80(w?[i] ?? 1) * v * v }
        }
        let kConst = hasIntercept ? 1 : 0
        let dfResidual = n - k
        let dfModel = k - kConst
        let rss = Double(ssr)
        let tssD = Double(tss)
        let r2 = tssD > 0 ? Double(1 - Float80(rss) / tss) : .nan
        let adj = 1 - Double(n - kConst) / Double(dfResidual) * (1 - r2)
        let sigma2 = rss / Double(dfResidual)
        let nD = Double(n)
        var sumLogW = 0.0
        if let w { for v in w { sumLogW += LibM.log(v) } }
        let llf = -nD / 2 * (LibM.log(2 * Double.pi) + LibM.log(rss / nD) + 1) + 0.5 * sumLogW
        var dwNum: Float80 = 0
        for i in 1..<max(n, 1) { let d = Float80(wresid[i]) - Float80(wresid[i - 1]); dwNum += d * d }
        let dw = Double(dwNum / Float80(ssr))
        let sv = sol.singularValues
        let cond: Double = (sv.count < p || sv.last! == 0) ? .infinity : sv[0] / sv[sv.count - 1]

        // The constant column among the kept ones (all values equal and nonzero), as statsmodels.
        var constIndex: Int? = nil
        if hasIntercept {
            for (c, j) in kept.enumerated() {
                let base = j * design.leadingDimension
                let f = design.storage[base]
                var constant = f != 0
                var i = 1
                while constant && i < n { constant = design.storage[base + i] == f; i += 1 }
                if constant { constIndex = c; break }
            }
        }

        let notes = FitNotes.notes(aliased: sol.aliasedColumns.map { termNames[$0] }, keptColumns: k,
                                   conditionNumber: cond, totalSumOfSquares: tssD, hasIntercept: hasIntercept,
                                   residualSumOfSquares: rss, solution: sol)

        let fitData = FitData(n: n, k: k, keptColumns: kept, beta: beta, xKept: xk, inverseFactor: sol.inverseFactor,
                              inverseFactor80: sol.inverseFactor80, extended: sol.usedExtendedPrecision,
                              whitenedResiduals: wresid, sigma2: sigma2, dfResidual: dfResidual, dfModel: dfModel,
                              constIndex: constIndex, hasIntercept: hasIntercept, classicalF: classicalF(tss: tssD, rss: rss, dfModel: dfModel, dfResidual: dfResidual),
                              termNames: termNames, baseNotes: notes)
        var result = RegressionResult(
            coefficients: [], n: n, rank: k, dfModel: dfModel, dfResidual: dfResidual, rSquared: r2,
            adjustedRSquared: adj, isUncentered: !hasIntercept, sigma: sigma2.squareRoot(), fStatistic: .nan,
            fPValue: .nan, logLikelihood: llf, aic: -2 * llf + 2 * Double(k), bic: -2 * llf + LibM.log(nD) * Double(k),
            conditionNumber: cond, durbinWatson: dw, residualSummary: FiveNumberSummary(wresid), residuals: resid,
            fitted: fitted, covarianceMatrix: Matrix(rows: k, columns: k), covarianceType: covariance,
            droppedTerms: sol.aliasedColumns.map { termNames[$0] }, level: level, clusterCount: nil, notes: [],
            usedExtendedPrecision: sol.usedExtendedPrecision, data: fitData, meat: Matrix(rows: k, columns: k))
        try result.computeInference(covariance: covariance, clusters: clusters, level: level)
        return result
    }

    private func classicalF(tss: Double, rss: Double, dfModel: Int, dfResidual: Int) -> (Double, Double) {
        guard dfModel > 0, rss > 0 || tss > 0 else { return (.nan, .nan) }
        let f = ((tss - rss) / Double(dfModel)) / (rss / Double(dfResidual))
        return (f, FDistribution(numeratorDF: Double(dfModel), denominatorDF: Double(dfResidual)).sf(f))
    }
}

/// What a result keeps to recompute inference without refitting.
struct FitData: Sendable {
    let n: Int
    let k: Int
    let keptColumns: [Int]
    let beta: [Double]
    /// Whitened kept design, `n × k`.
    let xKept: Matrix
    /// `M` with `X̃_kept·M = Q`.
    let inverseFactor: Matrix
    /// The same, unrounded (column-major k×k).
    let inverseFactor80: [Float80]
    /// Whether the fit needed extended precision (then Z = X·M is formed in Float80).
    let extended: Bool
    let whitenedResiduals: [Double]
    let sigma2: Double
    let dfResidual: Int
    let dfModel: Int
    let constIndex: Int?
    let hasIntercept: Bool
    let classicalF: (Double, Double)
    let termNames: [String]
    let baseNotes: [String]
}

/// The fitted model: estimates, inference and diagnostics (statsmodels' `RegressionResults`).
public struct RegressionResult: Sendable {
    /// One row per design column, in input order; aliased terms have `nil` estimates.
    public internal(set) var coefficients: [Coefficient]
    /// Number of observations.
    public let n: Int
    /// Numerical rank (number of estimated coefficients).
    public let rank: Int
    /// `rank − 1` with an intercept, `rank` without.
    public let dfModel: Int
    /// `n − rank`.
    public let dfResidual: Int
    /// `1 − RSS/TSS`; TSS is centered (weighted mean) with an intercept and uncentered
    /// (`Σwᵢyᵢ²`) without. NaN when TSS = 0 (constant response).
    public let rSquared: Double
    /// `1 − (n − c)/(n − rank)·(1 − R²)`, `c` = 1 with an intercept, 0 without.
    public let adjustedRSquared: Double
    /// Whether `R²` is uncentered (no intercept).
    public let isUncentered: Bool
    /// Residual standard deviation `σ̂ = √(RSS/(n − rank))` (whitened residuals for WLS).
    public let sigma: Double
    /// Overall F statistic: classical `(ESS/df_model)/(RSS/df_resid)`; with a robust
    /// covariance, the Wald statistic `β̂ᵀV⁻¹β̂/q` for all non-constant coefficients
    /// (as statsmodels' `fvalue`).
    public internal(set) var fStatistic: Double
    /// Upper tail of `F(q, df)` at ``fStatistic`` (`df = G − 1` when clustered).
    public internal(set) var fPValue: Double
    /// Gaussian log-likelihood `−n/2·(log 2π + log(RSS/n) + 1) + ½Σ log wᵢ`.
    public let logLikelihood: Double
    /// `−2ℓ + 2·rank`.
    public let aic: Double
    /// `−2ℓ + log(n)·rank`.
    public let bic: Double
    /// `σ_max/σ_min` of the (whitened) design, all columns: the square root of the
    /// eigenvalue ratio of `XᵀX` that statsmodels reports, computed from `R` without forming `XᵀX`.
    public let conditionNumber: Double
    /// `Σ(eᵢ − eᵢ₋₁)²/Σeᵢ²` on the whitened residuals.
    public let durbinWatson: Double
    /// Five-number summary of the whitened residuals `√wᵢ·eᵢ` (R's `summary.lm`).
    public let residualSummary: FiveNumberSummary
    /// Residuals `y − Xβ̂` on the original scale.
    public let residuals: [Double]
    /// Fitted values `Xβ̂`.
    public let fitted: [Double]
    /// Covariance of the kept coefficients (`rank × rank`, kept terms in input order).
    public internal(set) var covarianceMatrix: Matrix
    /// Estimator behind ``covarianceMatrix``.
    public internal(set) var covarianceType: CovarianceType
    /// Aliased terms (no estimate).
    public let droppedTerms: [String]
    /// Confidence level of the intervals.
    public internal(set) var level: Double
    /// Number of clusters `G` for the cluster-robust covariance, else `nil`.
    public internal(set) var clusterCount: Int?
    /// Notes for a summary (unnumbered; renderers number them).
    public internal(set) var notes: [String]
    /// Whether the extended-precision factorization was needed.
    public let usedExtendedPrecision: Bool
    let data: FitData
    /// The middle matrix `S` of `V = M·S·Mᵀ` (`σ̂²·I` for classical), kept for predictions.
    var meat: Matrix

    /// Terms with estimates, in input order (the rows and columns of ``covarianceMatrix``).
    public var keptTerms: [String] { data.keptColumns.map { data.termNames[$0] } }

    /// Degrees of freedom of t and F reference distributions (`n − rank`, or `G − 1` when clustered).
    public var inferenceDegreesOfFreedom: Int {
        covarianceType == .cluster ? (clusterCount ?? 1) - 1 : dfResidual
    }

    /// The same fit with inference recomputed for another covariance estimator or
    /// level, without refitting (statsmodels' `get_robustcov_results`).
    public func with(covariance: CovarianceType, clusters: [Int32]? = nil, level: Double? = nil) throws -> RegressionResult {
        var r = self
        try r.computeInference(covariance: covariance, clusters: clusters, level: level ?? self.level)
        return r
    }

    mutating func computeInference(covariance: CovarianceType, clusters: [Int32]?, level: Double) throws {
        guard level > 0 && level < 1 else { throw RegressionError.invalidLevel(level) }
        let d = data
        let n = d.n, k = d.k
        var notes = d.baseNotes
        var clusterCount: Int? = nil
        var meat: Matrix
        switch covariance {
        case .classical:
            meat = Matrix(rows: k, columns: k)
            for i in 0..<k { meat[i, i] = d.sigma2 }
            notes.insert("Standard errors assume that the covariance matrix of the errors is correctly specified.", at: 0)
        case .hc0, .hc1, .hc2, .hc3, .cluster:
            var ids: [Int]? = nil
            var groups = 0
            if covariance == .cluster {
                guard let g = clusters else { throw RegressionError.clustersRequired("no cluster ids given") }
                guard g.count == n else { throw RegressionError.clustersRequired("\(g.count) cluster ids for \(n) observations") }
                var index: [Int32: Int] = [:]
                var idv = [Int](repeating: 0, count: n)
                for i in 0..<n {
                    if let c = index[g[i]] { idv[i] = c } else { idv[i] = index.count; index[g[i]] = idv[i] }
                }
                groups = index.count
                ids = idv
                clusterCount = groups
            }
            meat = try robustMeat(d, covariance, clusterIDs: ids, groups: groups)
            finishRobustMeat(&meat, covariance, n: n, k: k, clusters: groups, notes: &notes)
        }
        // V = M·S·Mᵀ in Float80.
        let v80 = sandwich(d.inverseFactor80, meat, k)
        let v = Matrix(rows: k, columns: k, columnMajor: v80.map { Double($0) })
        self.meat = meat
        self.covarianceMatrix = v
        self.covarianceType = covariance
        self.clusterCount = clusterCount
        self.level = level
        self.notes = notes

        let df = Double(covariance == .cluster ? (clusterCount ?? 1) - 1 : d.dfResidual)
        let tDist = StudentTDistribution(degreesOfFreedom: df)
        let q = tDist.quantile(1 - (1 - level) / 2)
        var coefs = d.termNames.map { Coefficient(term: $0) }
        for (c, j) in d.keptColumns.enumerated() {
            let b = d.beta[c]
            // From the Float80 covariance: its exponent range keeps SEs of data near
            // 1e±150 finite even where the variance itself overflows a Double.
            let v80cc = v80[c + c * k]
            let se = v80cc.isNaN ? .nan : Double(max(0, v80cc).squareRoot())
            let t = b / se
            coefs[j] = Coefficient(term: d.termNames[j], estimate: b, standardError: se, t: t,
                                   pValue: tDist.twoSidedPValue(t), ciLow: b - q * se, ciHigh: b + q * se)
        }
        self.coefficients = coefs

        if covariance == .classical {
            (fStatistic, fPValue) = d.classicalF
        } else {
            (fStatistic, fPValue) = robustWaldF(covariance: v80, k: k, beta: d.beta.map { Float80($0) },
                                                constIndex: d.constIndex, hasIntercept: d.hasIntercept, df: df)
        }
    }

    /// Predictions at new rows `x0` (`m × p`, same columns as the design, unweighted).
    ///
    /// The standard error of the mean uses the result's covariance (robust if the result
    /// is robust, as statsmodels' `get_prediction`); the prediction interval adds
    /// `σ̂²/w₀` with `w₀ = 1` unless `weights` gives the new observations' weights (the
    /// variance of a new observation in a WLS model is `σ²/w₀`). Aliased columns of `x0`
    /// are ignored (their coefficients are not estimable).
    public func predict(_ x0: Matrix, level: Double? = nil, weights: [Double]? = nil) throws -> [Prediction] {
        let lv = level ?? self.level
        guard lv > 0 && lv < 1 else { throw RegressionError.invalidLevel(lv) }
        guard x0.columns == data.termNames.count else {
            throw RegressionError.dimensionMismatch("x0 has \(x0.columns) columns, the model has \(data.termNames.count)")
        }
        if let w = weights {
            guard w.count == x0.rows else { throw RegressionError.dimensionMismatch("\(w.count) weights for \(x0.rows) rows") }
            for i in 0..<w.count where !(w[i] > 0 && w[i].isFinite) { throw RegressionError.nonPositiveWeight(row: i, value: w[i]) }
        }
        try LeastSquares.checkFinite(x0, names: data.termNames)
        let kept = data.keptColumns
        // statsmodels' get_prediction uses df_resid (not the G − 1 of clustered tests).
        let q = StudentTDistribution(degreesOfFreedom: Double(dfResidual)).quantile(1 - (1 - lv) / 2)
        let k = kept.count
        var out: [Prediction] = []
        out.reserveCapacity(x0.rows)
        for i in 0..<x0.rows {
            let xr = kept.map { x0[i, $0] }
            var fit: Float80 = 0
            for c in 0..<kept.count { fit += Float80(xr[c]) * Float80(data.beta[c]) }
            // se² = x₀ᵀ·M·S·Mᵀ·x₀ = uᵀSu with u = Mᵀx₀ in Float80 (no cancellation in x₀ᵀVx₀).
            var u = [Float80](repeating: 0, count: k)
            for c in 0..<k { for j in 0..<k { u[c] += Float80(xr[j]) * data.inverseFactor80[j + c * k] } }
            var s80: Float80 = 0
            for a in 0..<k { for b in 0..<k { s80 += u[a] * Float80(meat[a, b]) * u[b] } }
            let s2 = Double(s80)
            let se = nonNegativeRoot(s2)
            let seObs = nonNegativeRoot(s2 + data.sigma2 / (weights?[i] ?? 1))
            let f = Double(fit)
            out.append(Prediction(fit: f, standardError: se, confidenceLow: f - q * se, confidenceHigh: f + q * se,
                                  predictionLow: f - q * seObs, predictionHigh: f + q * seObs))
        }
        return out
    }
}

/// The middle matrix of a robust sandwich, in the orthonormal coordinates `Z = X̃·M`
/// (so `V = M·S·Mᵀ`), in one blocked pass without storing `Z`:
/// `S = Σᵢ ωᵢ zᵢzᵢᵀ` with `ωᵢ = eᵢ²` (HC0/HC1), `eᵢ²/(1 − hᵢᵢ)` (HC2), `eᵢ²/(1 − hᵢᵢ)²`
/// (HC3), `hᵢᵢ = ‖zᵢ‖²`; or `S = Σ_g u_g u_gᵀ`, `u_g = Σ_{i∈g} eᵢzᵢ` (cluster). Rows of `Z`
/// are formed in Float80 when the fit needed extended precision. Cost O(nk²).
func robustMeat(_ d: FitData, _ covariance: CovarianceType, clusterIDs: [Int]?, groups: Int) throws -> Matrix {
    let n = d.n, k = d.k
    let x = d.xKept, ld = x.leadingDimension
    let m = d.inverseFactor.storage  // column-major k×k
    let m80 = d.inverseFactor80
    let block = 512
    // Block of Z, column-major: zc[c·block + i].
    var zc = [Double](repeating: 0, count: block * k)
    var w = [Double](repeating: 0, count: block)
    var acc = [Double](repeating: 0, count: k * k)
    var u = [Double](repeating: 0, count: clusterIDs == nil ? 0 : groups * k)
    var bad: [Int] = []
    let leverage = covariance == .hc2 || covariance == .hc3
    let hc2 = covariance == .hc2
    x.storage.withUnsafeBufferPointer { px in
    d.whitenedResiduals.withUnsafeBufferPointer { pe in
    zc.withUnsafeMutableBufferPointer { pzb in
    w.withUnsafeMutableBufferPointer { pw in
    acc.withUnsafeMutableBufferPointer { pa in
        let base = px.baseAddress!
        let pz = pzb.baseAddress!
        var start = 0
        while start < n {
            let rows = min(block, n - start)
            if d.extended {
                for c in 0..<k {
                    for i in 0..<rows {
                        var t: Float80 = 0
                        for j in 0..<k { t += Float80(base[start + i + j * ld]) * m80[j + c * k] }
                        pz[c * block + i] = Double(t)
                    }
                }
            } else {
                for c in 0..<k {
                    let zcol = pz + c * block
                    for i in 0..<rows { zcol[i] = 0 }
                    for j in 0..<k {
                        let mjc = m[j + c * k]
                        if mjc == 0 { continue }
                        let col = base + j * ld + start
                        for i in 0..<rows { zcol[i] += col[i] * mjc }
                    }
                }
            }
            if let ids = clusterIDs {
                for c in 0..<k {
                    let zcol = pz + c * block
                    for i in 0..<rows { u[ids[start + i] * k + c] += pe[start + i] * zcol[i] }
                }
                start += rows
                continue
            }
            for i in 0..<rows { pw[i] = abs(pe[start + i]) }
            if leverage {
                var h = [Double](repeating: 0, count: rows)
                for c in 0..<k {
                    let zcol = pz + c * block
                    for i in 0..<rows { h[i] += zcol[i] * zcol[i] }
                }
                for i in 0..<rows {
                    let oneMinus = 1 - h[i]
                    if oneMinus <= 1e-10 {
                        if bad.count < 10 { bad.append(start + i) }
                        pw[i] = 0
                        continue
                    }
                    pw[i] /= hc2 ? oneMinus.squareRoot() : oneMinus
                }
            }
            for c in 0..<k {
                let zcol = pz + c * block
                for i in 0..<rows { zcol[i] *= pw[i] }
            }
            // S += Z_blockᵀ Z_block (upper triangle), four partial sums per dot product.
            for bcol in 0..<k {
                let zb = pz + bcol * block
                for acol in 0...bcol {
                    let za = pz + acol * block
                    var s0 = 0.0, s1 = 0.0, s2 = 0.0, s3 = 0.0
                    var i = 0
                    while i + 4 <= rows {
                        s0 += za[i] * zb[i]; s1 += za[i + 1] * zb[i + 1]
                        s2 += za[i + 2] * zb[i + 2]; s3 += za[i + 3] * zb[i + 3]
                        i += 4
                    }
                    while i < rows { s0 += za[i] * zb[i]; i += 1 }
                    pa[acol + bcol * k] += (s0 + s1) + (s2 + s3)
                }
            }
            start += rows
        }
    } } } } }
    if !bad.isEmpty { throw RegressionError.leverageOne(covariance: covariance.rawValue, rows: bad) }
    var meat = Matrix(rows: k, columns: k)
    if clusterIDs != nil {
        for g in 0..<groups {
            for b in 0..<k { for a in 0...b { acc[a + b * k] += u[g * k + a] * u[g * k + b] } }
        }
    }
    for b in 0..<k { for a in 0...b { meat[a, b] = acc[a + b * k]; meat[b, a] = acc[a + b * k] } }
    return meat
}

/// `√max(0, v)` that keeps NaN (Swift's `max(0, .nan)` is 0).
@inline(__always) func nonNegativeRoot(_ v: Double) -> Double { v.isNaN ? .nan : max(0, v).squareRoot() }

/// The small-sample factor of a robust meat and the note that names the estimator, shared
/// by the in-memory and streaming fits: CR1's `G/(G − 1)·(n − 1)/(n − k)` for `.cluster`
/// (NaN with fewer than two clusters), `n/(n − k)` for HC1, nothing for HC0, HC2, HC3.
func finishRobustMeat(_ meat: inout Matrix, _ covariance: CovarianceType, n: Int, k: Int, clusters groups: Int,
                      notes: inout [String]) {
    if covariance == .cluster {
        let factor = Double(groups) / Double(groups - 1) * Double(n - 1) / Double(n - k)
        for i in meat.storage.indices { meat.storage[i] *= factor }
        if groups < 2 {
            // G/(G − 1) is undefined; u_g = X̃ᵀe ≈ 0 would otherwise give 0·∞ noise.
            for i in meat.storage.indices { meat.storage[i] = .nan }
            notes.append("Only one cluster: the cluster-robust covariance is undefined (NaN).")
        }
        notes.insert("Standard errors are robust to cluster correlation (cluster, CR1, \(groups) clusters; t and F use \(groups - 1) df).", at: 0)
    } else {
        if covariance == .hc1 {
            let f = Double(n) / Double(n - k)
            for i in meat.storage.indices { meat.storage[i] *= f }
        }
        notes.insert("Standard errors are heteroscedasticity robust (\(covariance.rawValue)).", at: 0)
    }
}

/// `M·S·Mᵀ` in Float80 (column-major `k × k` result).
func sandwich(_ m: [Float80], _ s: Matrix, _ k: Int) -> [Float80] {
    var ms = [Float80](repeating: 0, count: k * k)
    for c in 0..<k { for a in 0..<k {
        var t: Float80 = 0
        for b in 0..<k { t += m[a + b * k] * Float80(s[b, c]) }
        ms[a + c * k] = t
    } }
    var v = [Float80](repeating: 0, count: k * k)
    for j in 0..<k { for i in 0...j {
        var t: Float80 = 0
        for c in 0..<k { t += ms[i + c * k] * m[j + c * k] }
        v[i + j * k] = t
        v[j + i * k] = t
    } }
    return v
}

/// The Wald F test that every slope is zero under a robust covariance `V` (k × k,
/// column-major, Float80): `F = b'V⁻¹b / q` over the `q` coefficients other than the
/// intercept (column `constIndex`), with `(q, df)` degrees of freedom. `(nan, nan)` when
/// there is no slope, when the model has an intercept that is not a column, or when the
/// slopes' block of `V` is not positive definite. Shared by the in-memory and streaming fits.
func robustWaldF(covariance v80: [Float80], k: Int, beta: [Float80], constIndex: Int?, hasIntercept: Bool,
                 df: Double) -> (f: Double, p: Double) {
    let idx = (0..<k).filter { $0 != constIndex }
    if idx.isEmpty || (hasIntercept && constIndex == nil) { return (.nan, .nan) }
    let q = idx.count
    var sub = [Float80](repeating: 0, count: q * q)
    for (a, i) in idx.enumerated() { for (b, j) in idx.enumerated() { sub[a + b * q] = v80[i + j * k] } }
    let bsub = idx.map { beta[$0] }
    guard let x = choleskySolve(sub, q, bsub) else { return (.nan, .nan) }
    var w: Float80 = 0
    for i in 0..<q { w += bsub[i] * x[i] }
    let f = Double(w) / Double(q)
    return (f, FDistribution(numeratorDF: Double(q), denominatorDF: df).sf(f))
}

/// Solves `A·x = b` for symmetric positive definite `A` (column-major `n × n`) by
/// Cholesky in Float80; `nil` if `A` is not numerically positive definite.
func choleskySolve(_ a: [Float80], _ n: Int, _ b: [Float80]) -> [Float80]? {
    var l = [Float80](repeating: 0, count: n * n)
    for j in 0..<n {
        var s = a[j + j * n]
        for k in 0..<j { s -= l[j + k * n] * l[j + k * n] }
        guard s > 0, s.isFinite else { return nil }
        let d = s.squareRoot()
        l[j + j * n] = d
        for i in (j + 1)..<max(j + 1, n) {
            var t = a[i + j * n]
            for k in 0..<j { t -= l[i + k * n] * l[j + k * n] }
            l[i + j * n] = t / d
        }
    }
    var y = b
    for i in 0..<n {
        for k in 0..<i { y[i] -= l[i + k * n] * y[k] }
        y[i] /= l[i + i * n]
    }
    for i in stride(from: n - 1, through: 0, by: -1) {
        for k in (i + 1)..<max(i + 1, n) { y[i] -= l[k + i * n] * y[k] }
        y[i] /= l[i + i * n]
    }
    return y
}

extension RegressionResult {
    /// Leverages `hᵢᵢ`, the diagonal of the hat matrix `X(XᵀWX)⁻¹XᵀW`, computed as
    /// `‖zᵢ‖²` with `Z = X̃·R⁻¹` (whitened design times the inverse QR factor), O(nk²).
    /// They sum to the rank; a value near 1 means the observation alone determines part of
    /// the fit (and makes HC2/HC3 undefined). Rule of thumb: look at `hᵢᵢ > 3k/n`.
    public func leverages() -> [Double] {
        let d = data
        let x = d.xKept, k = d.k, ld = x.leadingDimension
        var h = [Double](repeating: 0, count: d.n)
        for i in 0..<d.n {
            var s: Float80 = 0
            for c in 0..<k {
                var z: Float80 = 0
                for j in 0..<k { z += Float80(x.storage[i + j * ld]) * d.inverseFactor80[j + c * k] }
                s += z * z
            }
            h[i] = Double(s)
        }
        return h
    }
}

/// The notes every least-squares fit prints about itself (aliased columns, conditioning,
/// a constant response, a perfect fit, extended precision), shared by the in-memory and
/// streaming fits so that both say the same thing in the same words.
enum FitNotes {
    static func notes(aliased names: [String], keptColumns k: Int, conditionNumber cond: Double,
                      totalSumOfSquares tss: Double, hasIntercept: Bool, residualSumOfSquares rss: Double,
                      solution sol: LeastSquaresSolution) -> [String] {
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
        }
        if sol.usedExtendedPrecision {
            notes.append("The design is ill-conditioned (scaled condition estimate \(CFormat.g(sol.scaledConditionEstimate, digits: 3))): the least-squares problem was solved with an extended-precision (Float80) QR factorization.")
        }
        return notes
    }
}
