#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

extension QRAccumulator {
    /// Solves the least-squares problem of the rows accumulated so far.
    ///
    /// - **Rank** is decided exactly as ``LeastSquares`` decides it on the whole design:
    ///   the same column scaling, pivoted QR, tolerance `max(n, p)·ε·|R₁₁|` (with the real
    ///   row count `n`) and R-style choice of the aliased columns, applied to `R_x` — whose
    ///   column norms, pivoted factorization and singular values are those of `X̃`.
    ///   Aliased columns get no estimate.
    /// - **Coefficients**: `R` restricted to the kept columns and the response is re-factored
    ///   in Float80, `[R_kk  t; 0  ρ]`, and `β = R_kk⁻¹t` by back substitution; the residual
    ///   sum of squares is `ρ²`, and `M = R_kk⁻¹` (by substitution, as LAPACK `dtrtri` does)
    ///   gives `(X̃ᵀX̃)⁻¹ = M·Mᵀ` for the classical covariance and the sandwich estimators.
    /// - **R²** from the Float80 weighted moments of `y` (centred when `hasIntercept`),
    ///   **Durbin–Watson** from the differenced factor, the **condition number** from the
    ///   singular values of `R_x`.
    ///
    /// - Parameters:
    ///   - hasIntercept: whether the design contains a constant column (centred `R²`; the F
    ///     test excludes it), as in ``LinearRegression``.
    ///   - rankTolerance: `nil` for ``LeastSquares/defaultRankTolerance(rows:columns:)``.
    /// - Throws: ``RegressionError`` (no rows, no columns, `n ≤ rank`, all columns aliased).
    public func fit(hasIntercept: Bool, rankTolerance: Double? = nil) throws -> StreamingFit {
        let n = count, p = columns
        guard p > 0 else { throw RegressionError.emptyDesign }
        guard n > 0 else { throw RegressionError.noObservations }
        let tol = rankTolerance ?? LeastSquares.defaultRankTolerance(rows: n, columns: p)
        // R_x as a double-double pair (exact for the Float80 factor), z = Q_xᵀỹ.
        var rx = Matrix(rows: p, columns: p), rlo = Matrix(rows: p, columns: p)
        var anyLow = false
        for j in 0..<p { for i in 0...j {
            let v = r[i, j], h = Double(v)
            rx[i, j] = h
            let l = Double(v - Float80(h))
            rlo[i, j] = l
            if l != 0 { anyLow = true }
        } }
        let z = (0..<p).map { Double(r[$0, p]) }
        let sol = try LeastSquares.solve(rx, z, lowOrder: anyLow ? rlo : nil, rankTolerance: tol,
                                         columnNames: columnNames, validated: true)
        let kept = sol.keptColumns
        let k = kept.count
        guard n > k else { throw RegressionError.noResidualDegreesOfFreedom(observations: n, rank: k) }

        // [R_kk t; 0 ρ] in Float80.
        let r80 = r.converted(extended: true)
        let t = k == p ? r80 : try r80.selecting(kept.map { Optional($0) } + [p])
        for i in 0..<k where t[i, i] == 0 { throw LinearAlgebraError.singular(routine: "streaming least squares", index: i + 1) }
        var beta = [Float80](repeating: 0, count: k)
        for i in stride(from: k - 1, through: 0, by: -1) {
            var s = t[i, k]
            for j in (i + 1)..<max(i + 1, k) { s -= t[i, j] * beta[j] }
            beta[i] = s / t[i, i]
        }
        var m80 = [Float80](repeating: 0, count: k * k)
        for c in 0..<k {
            for i in stride(from: c, through: 0, by: -1) {
                var s: Float80 = i == c ? 1 : 0
                if i < c { for j in (i + 1)...c { s -= t[i, j] * m80[j + c * k] } }
                m80[i + c * k] = s / t[i, i]
            }
        }
        let rss80 = t[k, k] * t[k, k]
        let rss = Double(rss80)

        let tss = Double(hasIntercept ? m2Y : m2Y + sumW * meanY * meanY)
        let kConst = hasIntercept ? 1 : 0
        let dfResidual = n - k, dfModel = k - kConst
        let r2 = tss > 0 ? Double(1 - Float80(rss) / Float80(tss)) : .nan
        let adj = 1 - Double(n - kConst) / Double(dfResidual) * (1 - r2)
        let sigma2 = rss / Double(dfResidual)
        let nD = Double(n)
        let llf = -nD / 2 * (LibM.log(2 * Double.pi) + LibM.log(rss / nD) + 1) + 0.5 * Double(sumLogW)
        var dw = Double.nan
        if let rd = rDiff {
            var v = [Float80](repeating: 0, count: p + 1)
            for (c, j) in kept.enumerated() { v[j] = beta[c] }
            v[p] = -1
            var num: Float80 = 0
            for i in 0...p {
                var s: Float80 = 0
                for j in i...p { s += rd[i, j] * v[j] }
                num += s * s
            }
            dw = Double(num / Float80(rss))
        }
        let sv = sol.singularValues
        let cond: Double = (sv.count < p || sv.last! == 0) ? .infinity : sv[0] / sv[sv.count - 1]
        var constIndex: Int? = nil
        if hasIntercept {
            for (c, j) in kept.enumerated() {
                if case .constant(let v) = constancy[j], v != 0 { constIndex = c; break }
            }
        }

        let notes = FitNotes.notes(aliased: sol.aliasedColumns.map { columnNames[$0] }, keptColumns: k,
                                   conditionNumber: cond, totalSumOfSquares: tss, hasIntercept: hasIntercept,
                                   residualSumOfSquares: rss, solution: sol)
        var coefs = [Double?](repeating: nil, count: p)
        for (c, j) in kept.enumerated() { coefs[j] = Double(beta[c]) }
        var classicalF = (Double.nan, Double.nan)
        if dfModel > 0, rss > 0 || tss > 0 {
            let f = ((tss - rss) / Double(dfModel)) / (rss / Double(dfResidual))
            classicalF = (f, FDistribution(numeratorDF: Double(dfModel), denominatorDF: Double(dfResidual)).sf(f))
        }
        return StreamingFit(termNames: columnNames, n: n, columns: p, hasIntercept: hasIntercept, isWeighted: isWeighted,
                            keptColumns: kept, aliasedColumns: sol.aliasedColumns, coefficients: coefs,
                            residualSumOfSquares: rss, totalSumOfSquares: tss, rSquared: r2, adjustedRSquared: adj,
                            logLikelihood: llf, durbinWatson: dw, conditionNumber: cond, singularValues: sv,
                            usedExtendedPrecision: sol.usedExtendedPrecision,
                            scaledConditionEstimate: sol.scaledConditionEstimate, beta80: beta, inverseFactor80: m80,
                            sigma2: sigma2, dfResidual: dfResidual, dfModel: dfModel, constIndex: constIndex,
                            classicalF: classicalF, baseNotes: notes)
    }
}

/// A least-squares fit solved from a ``QRAccumulator``: coefficients, sums of squares and
/// what inference needs, without the data.
///
/// Classical inference needs nothing more (``result(level:)``). Robust covariances need the
/// residuals, hence a second pass over the data: make a ``ResidualAccumulator`` with
/// ``residualAccumulator(covariance:keepResiduals:)``, feed it the same rows in the same
/// order, and call ``result(residuals:covariance:level:)``.
public struct StreamingFit: Sendable {
    /// One name per design column.
    public let termNames: [String]
    /// Number of observations.
    public let n: Int
    /// Number of design columns `p`.
    public let columns: Int
    /// Whether the design has a constant column (centred `R²`).
    public let hasIntercept: Bool
    /// Whether the fit is weighted (WLS).
    public let isWeighted: Bool
    /// Zero-based indices of the estimated columns, ascending.
    public let keptColumns: [Int]
    /// Zero-based indices of aliased columns (no estimate).
    public let aliasedColumns: [Int]
    /// Estimates in column order; `nil` for an aliased column.
    public let coefficients: [Double?]
    /// `Σ ẽᵢ²` (whitened residuals), `ρ²` from the re-factored `R`.
    public let residualSumOfSquares: Double
    /// Centred (with intercept) or uncentred weighted total sum of squares.
    public let totalSumOfSquares: Double
    /// `1 − RSS/TSS`.
    public let rSquared: Double
    /// `1 − (n − c)/(n − rank)·(1 − R²)`.
    public let adjustedRSquared: Double
    /// Gaussian log-likelihood, `−n/2·(log 2π + log(RSS/n) + 1) + ½Σ log wᵢ`.
    public let logLikelihood: Double
    /// `Σ(ẽᵢ − ẽᵢ₋₁)²/Σẽᵢ²` from the differenced factor (NaN if it was not tracked).
    public let durbinWatson: Double
    /// `σ_max/σ_min` of the whitened design (all columns).
    public let conditionNumber: Double
    /// Singular values of the whitened design (all columns), descending.
    public let singularValues: [Double]
    /// Whether the rank decision needed the extended-precision factorization.
    public let usedExtendedPrecision: Bool
    /// Condition estimate of the scaled factor of the kept columns.
    public let scaledConditionEstimate: Double
    let beta80: [Float80]
    /// `M = R_kk⁻¹`, column-major `k × k` (rows follow ``keptColumns``).
    let inverseFactor80: [Float80]
    let sigma2: Double
    let dfResidual: Int
    let dfModel: Int
    let constIndex: Int?
    let classicalF: (Double, Double)
    let baseNotes: [String]

    /// Numerical rank.
    public var rank: Int { keptColumns.count }
    /// `σ̂ = √(RSS/(n − rank))`.
    public var sigma: Double { sigma2.squareRoot() }

    /// Classical (homoskedastic) inference: `V = σ̂²·M·Mᵀ`.
    public func result(level: Double = 0.95) throws -> StreamingRegressionResult {
        let k = rank
        var meat = Matrix(rows: k, columns: k)
        for i in 0..<k { meat[i, i] = sigma2 }
        return try makeResult(covariance: .classical, meat: meat, clusterCount: nil, residualSummary: nil, level: level)
    }

    /// A second-pass accumulator for a robust covariance (or for the residual five-number
    /// summary, with `keepResiduals`): feed it the rows of the first pass, in the same order.
    public func residualAccumulator(covariance: CovarianceType, keepResiduals: Bool = false) -> ResidualAccumulator {
        ResidualAccumulator(fit: self, covariances: [covariance], keepResiduals: keepResiduals)
    }

    /// One second-pass accumulator for several estimators at once (HC3 and cluster, say):
    /// each row's residual and `zᵢ` are computed once and serve them all; the numbers of
    /// each estimator are the same bits as from ``residualAccumulator(covariance:keepResiduals:)``.
    /// Ask for each with ``result(residuals:covariance:level:)``.
    /// - Precondition: `covariances` is not empty.
    public func residualAccumulator(covariances: [CovarianceType], keepResiduals: Bool = false) -> ResidualAccumulator {
        ResidualAccumulator(fit: self, covariances: covariances, keepResiduals: keepResiduals)
    }

    /// Inference with the covariance `covariance` (default: the accumulator's first,
    /// ``ResidualAccumulator/covariance``) from `residuals` (which saw the same `n` rows).
    ///
    /// `classical` uses `σ̂²` as ``result(level:)`` does (the pass then only supplied the
    /// residual summary); HC0–HC3 and cluster use the accumulated meat, scaled as
    /// ``CovarianceType`` describes. Durbin–Watson comes from the residuals of this pass
    /// (exact, in the order the rows were added), not from the differenced factor.
    /// - Throws: ``RegressionError/dimensionMismatch(_:)`` when the pass saw another number
    ///   of rows or did not accumulate `covariance`; ``RegressionError/leverageOne(covariance:rows:)``
    ///   for HC2/HC3 with `hᵢᵢ = 1`.
    public func result(residuals: ResidualAccumulator, covariance: CovarianceType? = nil,
                       level: Double = 0.95) throws -> StreamingRegressionResult {
        guard residuals.count == n else {
            throw RegressionError.dimensionMismatch("the second pass saw \(residuals.count) rows, the fit \(n)")
        }
        let covariance = covariance ?? residuals.covariance
        let summary = residuals.keepsResiduals ? FiveNumberSummary(residuals.keptResiduals) : nil
        let dw = Double(residuals.dwNumerator / Float80(residualSumOfSquares))
        if covariance == .classical {
            let k = rank
            var meat = Matrix(rows: k, columns: k)
            for i in 0..<k { meat[i, i] = sigma2 }
            return try makeResult(covariance: .classical, meat: meat, clusterCount: nil, residualSummary: summary,
                                  durbinWatson: dw, level: level)
        }
        let (meat, groups) = try residuals.meat(covariance)
        return try makeResult(covariance: covariance, meat: meat, clusterCount: covariance == .cluster ? groups : nil,
                              residualSummary: summary, durbinWatson: dw, level: level)
    }

    /// `computeInference` of ``RegressionResult``, on the streaming state.
    func makeResult(covariance: CovarianceType, meat raw: Matrix, clusterCount: Int?, residualSummary: FiveNumberSummary?,
                    durbinWatson dw: Double? = nil, level: Double) throws -> StreamingRegressionResult {
        guard level > 0 && level < 1 else { throw RegressionError.invalidLevel(level) }
        let k = rank
        var meat = raw
        var notes = baseNotes
        switch covariance {
        case .classical:
            notes.insert("Standard errors assume that the covariance matrix of the errors is correctly specified.", at: 0)
        case .cluster, .hc0, .hc1, .hc2, .hc3:
            finishRobustMeat(&meat, covariance, n: n, k: k, clusters: clusterCount ?? 0, notes: &notes)
        }
        let v80 = sandwich(inverseFactor80, meat, k)
        let v = Matrix(rows: k, columns: k, columnMajor: v80.map { Double($0) })
        let df = Double(covariance == .cluster ? (clusterCount ?? 1) - 1 : dfResidual)
        let tDist = StudentTDistribution(degreesOfFreedom: df)
        let q = tDist.quantile(1 - (1 - level) / 2)
        var coefs = termNames.map { Coefficient(term: $0) }
        for (c, j) in keptColumns.enumerated() {
            let b = Double(beta80[c])
            let v80cc = v80[c + c * k]
            let se = v80cc.isNaN ? .nan : Double(max(0, v80cc).squareRoot())
            let t = b / se
            coefs[j] = Coefficient(term: termNames[j], estimate: b, standardError: se, t: t,
                                   pValue: tDist.twoSidedPValue(t), ciLow: b - q * se, ciHigh: b + q * se)
        }
        var (fStatistic, fPValue) = classicalF
        if covariance != .classical {
            (fStatistic, fPValue) = robustWaldF(covariance: v80, k: k, beta: beta80, constIndex: constIndex,
                                                hasIntercept: hasIntercept, df: df)
        }
        let nD = Double(n)
        return StreamingRegressionResult(
            coefficients: coefs, n: n, rank: k, dfModel: dfModel, dfResidual: dfResidual, rSquared: rSquared,
            adjustedRSquared: adjustedRSquared, isUncentered: !hasIntercept, sigma: sigma, fStatistic: fStatistic,
            fPValue: fPValue, logLikelihood: logLikelihood, aic: -2 * logLikelihood + 2 * Double(k),
            bic: -2 * logLikelihood + LibM.log(nD) * Double(k), conditionNumber: conditionNumber,
            durbinWatson: dw ?? durbinWatson, residualSummary: residualSummary, covarianceMatrix: v, covarianceType: covariance,
            droppedTerms: aliasedColumns.map { termNames[$0] }, level: level, clusterCount: clusterCount, notes: notes,
            usedExtendedPrecision: usedExtendedPrecision, keptTerms: keptColumns.map { termNames[$0] })
    }
}

/// The second pass of a streaming fit: with `β̂` and `M = R⁻¹` known, accumulates what
/// robust covariances need from the rows, in `O(k²)` memory (`O(G·k)` for `G` clusters).
///
/// For each row (whitened by `√wᵢ`): the residual `ẽᵢ = √wᵢ(yᵢ − xᵢᵀβ̂)` (Float80), the row
/// of the orthonormal basis `zᵢ = x̃ᵢᵀM` (so `hᵢᵢ = ‖zᵢ‖²`), and, for each estimator in
/// ``covariances``,
/// - HC0/HC1: `S += ẽᵢ²·zᵢzᵢᵀ`; HC2: `ẽᵢ²/(1 − hᵢᵢ)`; HC3: `ẽᵢ²/(1 − hᵢᵢ)²`
///   (rows with `1 − hᵢᵢ ≤ 10⁻¹⁰` are reported, as ``LinearRegression`` does);
/// - cluster: `u_g += ẽᵢ·zᵢ` per cluster, `S = Σ_g u_g u_gᵀ` in order of first appearance;
/// - Durbin–Watson: `Σ(ẽᵢ − ẽᵢ₋₁)²` in the order the rows come (the last residual of a
///   block, or of a merged accumulator, is carried over to the next).
///
/// One accumulator serves several estimators at once (``StreamingFit/residualAccumulator(covariances:keepResiduals:)``):
/// `ẽᵢ`, `zᵢ` and `hᵢᵢ` are computed once per row and shared, and each estimator's numbers
/// are the same bits as from an accumulator of that estimator alone.
/// ``add(_:response:weights:clusters:lowOrder:residuals:leverages:)`` also hands each
/// row's `ẽᵢ` and `hᵢᵢ` to the caller.
///
/// `V = M·S·Mᵀ`, scaled as ``CovarianceType`` says — the same sandwich as the in-memory
/// fit, in the same coordinates. Accumulators over consecutive chunks combine with
/// ``merge(_:)`` (fixed order, as for ``QRAccumulator``).
public struct ResidualAccumulator: Sendable {
    /// The estimators being accumulated, in the order given (without repeats).
    public let covariances: [CovarianceType]
    /// The first of ``covariances``: the estimator ``StreamingFit/result(residuals:covariance:level:)``
    /// reports when none is named.
    public var covariance: CovarianceType { covariances[0] }
    /// Whether the whitened residuals are stored (memory `8n` bytes) for the five-number summary.
    public let keepsResiduals: Bool
    /// Rows seen.
    public private(set) var count: Int = 0
    let columns: Int
    let kept: [Int]
    let beta: [Float80]
    let m80: [Float80]
    let isWeighted: Bool
    /// Per estimator (parallel to ``covariances``): the HC meat `S` (upper triangle,
    /// column-major `k × k`; zero for classical and cluster) and the rows with `hᵢᵢ ≈ 1`.
    var s: [[Float80]]
    var bad: [[Int]]
    /// Cluster keys → slots in order of first appearance, and `u_g` (`k` per slot).
    var clusterSlots = ClusterSlots()
    var u: [Float80] = []
    var keptResiduals: [Double] = []
    /// Durbin–Watson numerator `Σ(ẽᵢ − ẽᵢ₋₁)²` and the residuals at both ends (to bridge merges).
    var dwNumerator: Float80 = 0
    var firstResidual: Float80?
    var lastResidual: Float80?
    /// Designs of up to this many estimated columns take the one-row-at-a-time path in
    /// registers (`accumulateNarrow`); tests set 0 to compare it with the general path.
    var narrowLimit = 4

    init(fit: StreamingFit, covariances: [CovarianceType], keepResiduals: Bool) {
        precondition(!covariances.isEmpty, "ResidualAccumulator: at least one covariance type")
        var unique: [CovarianceType] = []
        for c in covariances where !unique.contains(c) { unique.append(c) }
        self.covariances = unique
        self.keepsResiduals = keepResiduals
        columns = fit.columns
        kept = fit.keptColumns
        beta = fit.beta80
        m80 = fit.inverseFactor80
        isWeighted = fit.isWeighted
        let k = fit.keptColumns.count
        s = unique.map { [Float80](repeating: 0, count: $0 == .classical || $0 == .cluster ? 0 : k * k) }
        bad = unique.map { _ in [] }
    }

    /// Number of clusters seen so far.
    public var clusterCount: Int { clusterSlots.count }

    /// Adds a block of rows: the same design columns, responses and weights as in the first pass.
    /// - Parameters:
    ///   - clusters: one cluster key per row (any integers, equal for rows of one cluster
    ///     across all blocks); required when ``covariances`` has `.cluster`. Keys in
    ///     `0 ..< 2²⁰` (category codes, say) are looked up in an array, others by hashing;
    ///     either way the clusters are numbered in order of first appearance.
    ///   - lowOrder: the design's low-order part, as given to the first pass.
    public mutating func add(_ x: Matrix, response: [Double], weights: [Double]? = nil, clusters: [Int]? = nil,
                             lowOrder: Matrix? = nil) throws {
        try validate(x, response, weights, clusters, lowOrder)
        accumulate(x, response, weights, clusters, lowOrder, nil, nil)
    }

    /// Adds a block of rows as ``add(_:response:weights:clusters:lowOrder:)`` does, and
    /// appends each row's whitened residual `ẽᵢ = √wᵢ(yᵢ − xᵢᵀβ̂)` to `residuals` and its
    /// leverage `hᵢᵢ = ‖zᵢ‖² = x̃ᵢᵀ(X̃ᵀX̃)⁻¹x̃ᵢ` (over the estimated columns) to `leverages`,
    /// in row order: the numbers the accumulator itself uses, rounded to double once.
    /// Nothing is appended when the block is refused.
    public mutating func add(_ x: Matrix, response: [Double], weights: [Double]? = nil, clusters: [Int]? = nil,
                             lowOrder: Matrix? = nil, residuals: inout [Double], leverages: inout [Double]) throws {
        try validate(x, response, weights, clusters, lowOrder)
        let b = x.rows
        let r0 = residuals.count, l0 = leverages.count
        residuals.append(contentsOf: repeatElement(0, count: b))
        leverages.append(contentsOf: repeatElement(0, count: b))
        residuals.withUnsafeMutableBufferPointer { pr in
            leverages.withUnsafeMutableBufferPointer { pl in
                accumulate(x, response, weights, clusters, lowOrder, pr.baseAddress! + r0, pl.baseAddress! + l0)
            }
        }
    }

    private func validate(_ x: Matrix, _ response: [Double], _ weights: [Double]?, _ clusters: [Int]?,
                          _ lowOrder: Matrix?, checkClusters: Bool = true) throws {
        let b = x.rows
        guard x.columns == columns else { throw RegressionError.dimensionMismatch("block has \(x.columns) columns, the fit \(columns)") }
        guard response.count == b else { throw RegressionError.dimensionMismatch("response has \(response.count) values, block has \(b) rows") }
        guard (weights != nil) == isWeighted, weights.map({ $0.count == b }) ?? true else {
            throw RegressionError.dimensionMismatch(isWeighted ? "the fit is weighted: \(b) weights needed" : "weights given for an unweighted fit")
        }
        if checkClusters && covariances.contains(.cluster) {
            guard let c = clusters else { throw RegressionError.clustersRequired("no cluster ids given") }
            guard c.count == b else { throw RegressionError.clustersRequired("\(c.count) cluster ids for \(b) observations") }
        }
        if let lo = lowOrder, lo.rows != b || lo.columns != columns {
            throw RegressionError.dimensionMismatch("low-order block is \(lo.rows)×\(lo.columns), block is \(b)×\(columns)")
        }
    }

    /// How many rows ahead `accumulateNarrow` prefetches a row's cluster sums.
    static let prefetchRows = 6

    /// How many rows ahead ``add(_:clusters:residuals:leverages:)`` prefetches a row's
    /// cluster sums (further than `accumulateNarrow`: a prepared row is little work besides).
    static let preparedPrefetchRows = 16

    /// Rows per `dsyrk` update of an HC meat (the chunks start at each block's first row).
    static let chunkRows = 512

    /// Zeroed scratch of `n` extended-precision values, for one `accumulate` call to free.
    private static func scratch(_ n: Int) -> UnsafeMutableBufferPointer<Float80> {
        let p = UnsafeMutableBufferPointer<Float80>.allocate(capacity: Swift.max(n, 1))
        p.initialize(repeating: 0)
        return p
    }

    /// The validated block's rows, `chunkRows` at a time: `ẽᵢ`, `zᵢ` and `hᵢᵢ` once per row
    /// (column by column, so that consecutive rows' Float80 work overlaps), then each
    /// estimator's update; optional per-row outputs. Every sum runs in the order of the
    /// one-row-at-a-time definition, so the bits do not depend on the chunking.
    private mutating func accumulate(_ x: Matrix, _ response: [Double], _ weights: [Double]?, _ clusters: [Int]?,
                                     _ lowOrder: Matrix?, _ residualsOut: UnsafeMutablePointer<Double>?,
                                     _ leveragesOut: UnsafeMutablePointer<Double>?) {
        let b = x.rows, k = kept.count
        if b == 0 { return }
        let hcIndices = covariances.indices.filter { covariances[$0] != .classical && covariances[$0] != .cluster }
        let kinds = hcIndices.map { covariances[$0] }
        let clustered = covariances.contains(.cluster)
        let needZ = !kinds.isEmpty || clustered || leveragesOut != nil
        let needH = leveragesOut != nil || kinds.contains { $0 == .hc2 || $0 == .hc3 }
        // Where each row's cluster sums start in `u` (slots numbered by first appearance, in row order).
        var slotOf: [Int] = []
        if clustered, let keys = clusters {
            slotOf = [Int](repeating: 0, count: b)
            let before = clusterSlots.count
            clusterSlots.slots(keys, scale: k, into: &slotOf)
            u.append(contentsOf: repeatElement(0, count: (clusterSlots.count - before) * k))
        }
        if needZ && k <= narrowLimit {
            accumulateNarrow(x, response, weights, slotOf, lowOrder, residualsOut, leveragesOut,
                             hcIndices: hcIndices, clustered: clustered)
            return
        }
        let chunk = Swift.min(b, Self.chunkRows)
        // Per chunk: ẽᵢ, the design rows x̃ᵢ and zᵢ (column-major, chunk × k), hᵢᵢ, √wᵢ;
        // scratch owned by this call.
        let eb = Self.scratch(chunk), hb = Self.scratch(chunk), sb = Self.scratch(weights == nil ? 0 : chunk)
        let xb = Self.scratch(chunk * k), zb = Self.scratch(needZ ? chunk * k : 0)
        defer { for buf in [eb, hb, sb, xb, zb] { buf.deallocate() } }
        // ẽᵢ·ωᵢ·zᵢ per HC estimator, rounded to double as `dsyrk` takes them.
        var zs = [Double](repeating: 0, count: chunk * k)
        let ldx = x.leadingDimension, ldl = lowOrder?.leadingDimension ?? 0
        let low = lowOrder?.storage ?? []
        var hcBad = hcIndices.map { bad[$0] }
        let firstRow = count
        let (kp, bp, mp) = (kept, beta, m80)
        var start = 0
        while start < b {
            let rows = Swift.min(chunk, b - start)
            // ẽᵢ = √wᵢ(yᵢ − Σ_c x_ic β_c), the design entries at full width (x + low-order part).
            for r in 0..<rows { eb[r] = Float80(response[start + r]) }
            x.storage.withUnsafeBufferPointer { px in
                low.withUnsafeBufferPointer { pl in
                    for c in 0..<k {
                        let col = px.baseAddress! + (kp[c] * ldx + start)
                        let bc = bp[c]
                        let xc = xb.baseAddress! + c * rows
                        if lowOrder != nil {
                            let lcol = pl.baseAddress! + (kp[c] * ldl + start)
                            for r in 0..<rows {
                                let v = Float80(col[r]) + Float80(lcol[r])
                                xc[r] = v
                                eb[r] -= v * bc
                            }
                        } else {
                            for r in 0..<rows {
                                let v = Float80(col[r])
                                xc[r] = v
                                eb[r] -= v * bc
                            }
                        }
                    }
                }
            }
            if let weights {
                for r in 0..<rows {
                    sb[r] = Float80(weights[start + r]).squareRoot()
                    eb[r] *= sb[r]
                }
            }
            if needZ {
                // zᵢ = x̃ᵢᵀM, M upper triangular: z_c = Σ_{a ≤ c} x̃_a M[a, c]; zero entries
                // (dummies of other levels) cost nothing.
                for i in 0..<(rows * k) { zb[i] = 0 }
                for a in 0..<k {
                    let xa = xb.baseAddress! + a * rows
                    for r in 0..<rows {
                        let v = weights == nil ? xa[r] : xa[r] * sb[r]
                        if v == 0 { continue }
                        for c in a..<k { zb[r + c * rows] += v * mp[a + c * k] }
                    }
                }
                if needH {
                    for r in 0..<rows {
                        var h: Float80 = 0
                        for c in 0..<k { h += zb[r + c * rows] * zb[r + c * rows] }
                        hb[r] = h
                    }
                }
            }
            // Cluster sums u_g += ẽᵢ·zᵢ, in row order.
            if clustered {
                u.withUnsafeMutableBufferPointer { up in
                    for r in 0..<rows {
                        let base = slotOf[start + r], e = eb[r]
                        for c in 0..<k { up[base + c] += e * zb[r + c * rows] }
                    }
                }
            }
            // HC meats: S += Σ (ẽᵢωᵢzᵢ)(ẽᵢωᵢzᵢ)ᵀ, ωᵢ = 1, (1 − hᵢᵢ)^(−1/2) or (1 − hᵢᵢ)^(−1).
            for (t, kind) in kinds.enumerated() {
                zs.withUnsafeMutableBufferPointer { zsp in
                    for r in 0..<rows {
                        var omega = Swift.abs(eb[r])
                        if kind == .hc2 || kind == .hc3 {
                            let oneMinus = 1 - hb[r]
                            if oneMinus <= 1e-10 {
                                if hcBad[t].count < 10 { hcBad[t].append(firstRow + start + r) }
                                omega = 0
                            } else {
                                omega /= kind == .hc2 ? oneMinus.squareRoot() : oneMinus
                            }
                        }
                        for c in 0..<k { zsp[r + c * rows] = Double(zb[r + c * rows] * omega) }
                    }
                }
                let g = Matrix(rows: rows, columns: k, columnMajor: Array(zs[0..<(rows * k)])).syrk(.transpose)
                let e = hcIndices[t]
                for j in 0..<k { for i in 0...j { s[e][i + j * k] += Float80(g[i, j]) } }
            }
            // Residuals (kept, handed out, Durbin–Watson) and leverages, in row order.
            var last = lastResidual
            var dw = dwNumerator
            for r in 0..<rows {
                let e = eb[r]
                if keepsResiduals { keptResiduals.append(Double(e)) }
                if let l = last { dw += (e - l) * (e - l) } else { firstResidual = e }
                last = e
                residualsOut?[start + r] = Double(e)
                leveragesOut?[start + r] = Double(hb[r])
            }
            lastResidual = last
            dwNumerator = dw
            start += rows
        }
        for (t, e) in hcIndices.enumerated() { bad[e] = hcBad[t] }
        count += b
    }

    /// `accumulate` for designs of at most 4 estimated columns, one row at a
    /// time with `x̃ᵢ`, `ẽᵢ`, `zᵢ` and `hᵢᵢ` in local variables (x87 registers, not memory):
    /// the same operations in the same order, so the same bits.
    ///
    /// The cluster sums `u_g` of the row a few rows ahead are prefetched: with thousands
    /// of clusters they do not stay in cache, and a load that misses would otherwise stall
    /// each row's arithmetic.
    private mutating func accumulateNarrow(_ x: Matrix, _ response: [Double], _ weights: [Double]?, _ slotOf: [Int],
                                           _ lowOrder: Matrix?, _ residualsOut: UnsafeMutablePointer<Double>?,
                                           _ leveragesOut: UnsafeMutablePointer<Double>?,
                                           hcIndices: [Int], clustered: Bool) {
        // One copy of the loop per width and weighting, so that the columns a narrower
        // design does not have are no values at all (not zeros kept in registers or spilled).
        // One HC3 estimator (the report's, beside the cluster sums): its ωᵢ in line.
        let oneHC3 = hcIndices.count == 1 && covariances[hcIndices[0]] == .hc3
        func run<W: NarrowConstant>(_: W.Type) {
            switch (weights != nil, oneHC3) {
            case (false, false): narrowRows(W.self, Unweighted.self, Unweighted.self, x, response, weights, slotOf, lowOrder, residualsOut, leveragesOut, hcIndices, clustered)
            case (false, true): narrowRows(W.self, Unweighted.self, Weighted.self, x, response, weights, slotOf, lowOrder, residualsOut, leveragesOut, hcIndices, clustered)
            case (true, false): narrowRows(W.self, Weighted.self, Unweighted.self, x, response, weights, slotOf, lowOrder, residualsOut, leveragesOut, hcIndices, clustered)
            case (true, true): narrowRows(W.self, Weighted.self, Weighted.self, x, response, weights, slotOf, lowOrder, residualsOut, leveragesOut, hcIndices, clustered)
            }
        }
        switch kept.count {
        case 1: run(Width1.self)
        case 2: run(Width2.self)
        case 3: run(Width3.self)
        case 4: run(Width4.self)
        default: preconditionFailure("accumulateNarrow: \(kept.count) columns")
        }
    }

    /// The body of ``accumulateNarrow``, specialised per width `W.value`, weighting
    /// `Wt.value` and `H.value` (one estimator, HC3) — compile-time constants in each copy.
    private mutating func narrowRows<W: NarrowConstant, Wt: NarrowFlag, H: NarrowFlag>(
        _: W.Type, _: Wt.Type, _: H.Type, _ x: Matrix, _ response: [Double], _ weights: [Double]?,
        _ slotOf: [Int], _ lowOrder: Matrix?, _ residualsOut: UnsafeMutablePointer<Double>?,
        _ leveragesOut: UnsafeMutablePointer<Double>?, _ hcIndices: [Int], _ clustered: Bool) {
        let k = W.value, weighted = Wt.value
        let b = x.rows
        let kinds = hcIndices.map { covariances[$0] }
        let q = kinds.count
        // Per HC estimator: 0 for HC0/HC1 (ωᵢ = |ẽᵢ|), 1 for HC2 (÷ √(1 − hᵢᵢ)), 2 for HC3 (÷ (1 − hᵢᵢ)).
        let leverageKind = kinds.map { $0 == .hc2 ? 1 : $0 == .hc3 ? 2 : 0 }
        // β and M = R⁻¹ (upper triangular, m[a + 4c]) padded with zeros to 4 columns.
        var b4 = [Float80](repeating: 0, count: 4), m4 = [Float80](repeating: 0, count: 16)
        for c in 0..<k { b4[c] = beta[c]; for a in 0...c { m4[a + 4 * c] = m80[a + c * k] } }
        let (b0, b1, b2, b3) = (b4[0], b4[1], b4[2], b4[3])
        let (m00, m01, m02, m03) = (m4[0], m4[4], m4[8], m4[12])
        let (m11, m12, m13) = (m4[5], m4[9], m4[13])
        let (m22, m23, m33) = (m4[10], m4[14], m4[15])
        // Offsets of the kept columns in the design and low-order storage (column 0 for padding).
        let ldx = x.leadingDimension, ldl = lowOrder?.leadingDimension ?? 0
        let ox0 = kept[0] * ldx, ox1 = k > 1 ? kept[1] * ldx : 0, ox2 = k > 2 ? kept[2] * ldx : 0, ox3 = k > 3 ? kept[3] * ldx : 0
        let ol0 = kept[0] * ldl, ol1 = k > 1 ? kept[1] * ldl : 0, ol2 = k > 2 ? kept[2] * ldl : 0, ol3 = k > 3 ? kept[3] * ldl : 0
        let low = lowOrder?.storage ?? []
        let hasLow = lowOrder != nil
        let chunk = Swift.min(b, Self.chunkRows)
        // ẽᵢ·ωᵢ·zᵢ per HC estimator (column-major chunk × k blocks, one per estimator).
        var zs = [Double](repeating: 0, count: Swift.max(1, q * chunk * k))
        var hcBad = hcIndices.map { bad[$0] }
        var uu = u; u = []
        var kr = keptResiduals; keptResiduals = []
        // The previous residual (Durbin–Watson), if any row came before.
        var haveLast = lastResidual != nil
        var last: Float80 = lastResidual ?? 0
        var first = firstResidual
        var dw = dwNumerator
        let keep = keepsResiduals
        let firstRow = count
        var start = 0
        while start < b {
            let rows = Swift.min(chunk, b - start)
            x.storage.withUnsafeBufferPointer { px in
            low.withUnsafeBufferPointer { pl in
            response.withUnsafeBufferPointer { py in
            slotOf.withUnsafeBufferPointer { so in
            uu.withUnsafeMutableBufferPointer { up in
            zs.withUnsafeMutableBufferPointer { zsp in
                let xp = px.baseAddress!, yp = py.baseAddress!
                let lp = pl.baseAddress ?? xp
                for r in 0..<rows {
                    let i = start + r
                    if clustered && i + Self.prefetchRows < b {
                        let next = up.baseAddress! + so[i + Self.prefetchRows]
                        llvmPrefetch(UnsafeRawPointer(next), 0, 3, 1)
                        llvmPrefetch(UnsafeRawPointer(next + (k - 1)), 0, 3, 1)
                    }
                    // x̃ᵢ at full width, ẽᵢ = yᵢ − Σ_c x_ic β_c.
                    var x0 = Float80(xp[i + ox0]), x1: Float80 = 0, x2: Float80 = 0, x3: Float80 = 0
                    if hasLow { x0 += Float80(lp[i + ol0]) }
                    var e = Float80(yp[i])
                    e -= x0 * b0
                    if k > 1 {
                        x1 = Float80(xp[i + ox1])
                        if hasLow { x1 += Float80(lp[i + ol1]) }
                        e -= x1 * b1
                    }
                    if k > 2 {
                        x2 = Float80(xp[i + ox2])
                        if hasLow { x2 += Float80(lp[i + ol2]) }
                        e -= x2 * b2
                    }
                    if k > 3 {
                        x3 = Float80(xp[i + ox3])
                        if hasLow { x3 += Float80(lp[i + ol3]) }
                        e -= x3 * b3
                    }
                    if weighted, let weights {
                        let sw = Float80(weights[i]).squareRoot()
                        e *= sw
                        x0 *= sw; x1 *= sw; x2 *= sw; x3 *= sw
                    }
                    if keep { kr.append(Double(e)) }
                    if haveLast { dw += (e - last) * (e - last) } else { first = e; haveLast = true }
                    last = e
                    residualsOut?[i] = Double(e)
                    // zᵢ = x̃ᵢᵀM (zero entries cost nothing), hᵢᵢ = ‖zᵢ‖².
                    var z0: Float80 = 0, z1: Float80 = 0, z2: Float80 = 0, z3: Float80 = 0
                    if x0 != 0 {
                        z0 += x0 * m00
                        if k > 1 { z1 += x0 * m01 }
                        if k > 2 { z2 += x0 * m02 }
                        if k > 3 { z3 += x0 * m03 }
                    }
                    if k > 1 && x1 != 0 {
                        z1 += x1 * m11
                        if k > 2 { z2 += x1 * m12 }
                        if k > 3 { z3 += x1 * m13 }
                    }
                    if k > 2 && x2 != 0 {
                        z2 += x2 * m22
                        if k > 3 { z3 += x2 * m23 }
                    }
                    if k > 3 && x3 != 0 { z3 += x3 * m33 }
                    var h: Float80 = 0
                    h += z0 * z0
                    if k > 1 { h += z1 * z1 }
                    if k > 2 { h += z2 * z2 }
                    if k > 3 { h += z3 * z3 }
                    leveragesOut?[i] = Double(h)
                    if clustered {
                        let base = so[i]
                        up[base] += e * z0
                        if k > 1 { up[base + 1] += e * z1 }
                        if k > 2 { up[base + 2] += e * z2 }
                        if k > 3 { up[base + 3] += e * z3 }
                    }
                    if H.value {
                        // As the loop below for one estimator with leverageKind 2.
                        var omega = Swift.abs(e)
                        let oneMinus = 1 - h
                        if oneMinus <= 1e-10 {
                            if hcBad[0].count < 10 { hcBad[0].append(firstRow + i) }
                            omega = 0
                        } else {
                            omega /= oneMinus
                        }
                        let zt = zsp.baseAddress! + r
                        zt[0] = Double(z0 * omega)
                        if k > 1 { zt[rows] = Double(z1 * omega) }
                        if k > 2 { zt[2 * rows] = Double(z2 * omega) }
                        if k > 3 { zt[3 * rows] = Double(z3 * omega) }
                    } else {
                    for t in 0..<q {
                        var omega = Swift.abs(e)
                        let lk = leverageKind[t]
                        if lk != 0 {
                            let oneMinus = 1 - h
                            if oneMinus <= 1e-10 {
                                if hcBad[t].count < 10 { hcBad[t].append(firstRow + i) }
                                omega = 0
                            } else {
                                omega /= lk == 1 ? oneMinus.squareRoot() : oneMinus
                            }
                        }
                        let zt = zsp.baseAddress! + t * chunk * k + r
                        zt[0] = Double(z0 * omega)
                        if k > 1 { zt[rows] = Double(z1 * omega) }
                        if k > 2 { zt[2 * rows] = Double(z2 * omega) }
                        if k > 3 { zt[3 * rows] = Double(z3 * omega) }
                    }
                    }
                }
            } } } } } }
            for t in 0..<q {
                let from = t * chunk * k
                let g = Matrix(rows: rows, columns: k, columnMajor: Array(zs[from..<(from + rows * k)])).syrk(.transpose)
                let e = hcIndices[t]
                for j in 0..<k { for i in 0...j { s[e][i + j * k] += Float80(g[i, j]) } }
            }
            start += rows
        }
        for (t, e) in hcIndices.enumerated() { bad[e] = hcBad[t] }
        u = uu
        keptResiduals = kr
        lastResidual = haveLast ? last : nil
        firstResidual = first
        dwNumerator = dw
        count += b
    }

    /// Appends the rows of `other` (which followed the rows of `self`).
    public mutating func merge(_ other: ResidualAccumulator) throws {
        guard other.covariances == covariances, other.columns == columns, other.kept == kept,
              other.keepsResiduals == keepsResiduals else {
            throw RegressionError.dimensionMismatch("merging residual accumulators of different fits or estimators")
        }
        for e in s.indices { for i in s[e].indices { s[e][i] += other.s[e][i] } }
        let k = kept.count
        for (slot, key) in other.clusterSlots.keys.enumerated() {
            let before = clusterSlots.count
            let mine = clusterSlots.slot(key)
            if clusterSlots.count > before { u.append(contentsOf: repeatElement(0, count: k)) }
            for c in 0..<k { u[mine * k + c] += other.u[slot * k + c] }
        }
        for e in bad.indices { bad[e] = Array((bad[e] + other.bad[e].map { $0 + count }).prefix(10)) }
        dwNumerator += other.dwNumerator
        if let last = lastResidual, let first = other.firstResidual { dwNumerator += (first - last) * (first - last) }
        firstResidual = firstResidual ?? other.firstResidual
        lastResidual = other.lastResidual ?? lastResidual
        if keepsResiduals { keptResiduals += other.keptResiduals }
        count += other.count
    }

    /// The middle matrix `S` (unscaled) of `covariance` (one of ``covariances``) and the number of clusters.
    func meat(_ covariance: CovarianceType) throws -> (Matrix, Int) {
        guard let e = covariances.firstIndex(of: covariance) else {
            throw RegressionError.dimensionMismatch("the second pass accumulated \(covariances.map(\.rawValue).joined(separator: ", ")), not \(covariance.rawValue)")
        }
        if !bad[e].isEmpty { throw RegressionError.leverageOne(covariance: covariance.rawValue, rows: bad[e]) }
        let k = kept.count
        var acc = s[e].isEmpty ? [Float80](repeating: 0, count: k * k) : s[e]
        if covariance == .cluster {
            for g in 0..<clusterSlots.count {
                for b in 0..<k { for a in 0...b { acc[a + b * k] += u[g * k + a] * u[g * k + b] } }
            }
        }
        var meat = Matrix(rows: k, columns: k)
        for b in 0..<k { for a in 0...b { meat[a, b] = Double(acc[a + b * k]); meat[b, a] = Double(acc[a + b * k]) } }
        return (meat, clusterSlots.count)
    }
}

/// The per-row work of ``ResidualAccumulator/add(_:response:weights:clusters:lowOrder:residuals:leverages:)``
/// for one block, done apart from the accumulator (``ResidualAccumulator/prepare(_:response:lowOrder:)``,
/// on another thread, say): each row's whitened residual `ẽᵢ`, the products `ẽᵢ·zᵢ` for
/// the cluster sums, the leverage `hᵢᵢ`, and each HC estimator's meat of every chunk of
/// rows. ``ResidualAccumulator/add(_:clusters:residuals:leverages:)`` then only sums them in
/// row order: the same numbers, to the bit, as adding the block itself.
public struct ResidualRows: Sendable {
    /// Rows in the block.
    public let rows: Int
    /// Columns the accumulator estimates (`k`).
    let width: Int
    /// `ẽᵢ` (Float80).
    var residuals: [Float80]
    /// `ẽᵢ·zᵢ` (`k` per row, row after row; empty without a cluster estimator).
    var scores: [Float80]
    /// `hᵢᵢ` rounded to double.
    var leverages: [Double]
    /// Per HC estimator (in the order of the accumulator's), the `k × k` upper triangles
    /// of `dsyrk` over each chunk of ``ResidualAccumulator/chunkRows`` rows, chunk after chunk.
    var meats: [[Double]]
    /// Per HC estimator, the first ten rows (in the block) with `hᵢᵢ ≈ 1`.
    var bad: [[Int]]
}

extension ResidualAccumulator {
    /// Whether ``prepare(_:response:lowOrder:)`` takes this accumulator's blocks: unweighted,
    /// at most 4 estimated columns (the one-row-at-a-time path).
    public var preparesRows: Bool { !isWeighted && kept.count >= 1 && kept.count <= 4 && narrowLimit >= kept.count }

    /// The per-row work of adding a block (``ResidualRows``), without changing the
    /// accumulator: it reads only the fit (`β̂`, `R⁻¹`) and the estimators. Requires
    /// ``preparesRows``. Throws as ``add(_:response:weights:clusters:lowOrder:)`` does for
    /// a block that does not fit.
    public func prepare(_ x: Matrix, response: [Double], lowOrder: Matrix? = nil) throws -> ResidualRows {
        precondition(preparesRows, "ResidualAccumulator.prepare: weighted or wider than 4 columns")
        try validate(x, response, nil, nil, lowOrder, checkClusters: false)
        // One HC3 estimator (the report's, beside the cluster sums): its ωᵢ in line, as in `narrowRows`.
        let hc = covariances.filter { $0 != .classical && $0 != .cluster }
        func run<W: NarrowConstant>(_: W.Type) -> ResidualRows {
            hc == [.hc3] ? prepareRows(W.self, Weighted.self, x, response, lowOrder)
                : prepareRows(W.self, Unweighted.self, x, response, lowOrder)
        }
        switch kept.count {
        case 1: return run(Width1.self)
        case 2: return run(Width2.self)
        case 3: return run(Width3.self)
        default: return run(Width4.self)
        }
    }

    /// ``narrowRows``'s per-row arithmetic (unweighted), the same operations in the same
    /// order, kept per row instead of summed.
    private func prepareRows<W: NarrowConstant, H: NarrowFlag>(_: W.Type, _: H.Type, _ x: Matrix, _ response: [Double],
                                                                _ lowOrder: Matrix?) -> ResidualRows {
        let k = W.value, b = x.rows
        let hcIndices = covariances.indices.filter { covariances[$0] != .classical && covariances[$0] != .cluster }
        let leverageKind = hcIndices.map { covariances[$0] == .hc2 ? 1 : covariances[$0] == .hc3 ? 2 : 0 }
        let q = hcIndices.count
        let clustered = covariances.contains(.cluster)
        var b4 = [Float80](repeating: 0, count: 4), m4 = [Float80](repeating: 0, count: 16)
        for c in 0..<k { b4[c] = beta[c]; for a in 0...c { m4[a + 4 * c] = m80[a + c * k] } }
        let (b0, b1, b2, b3) = (b4[0], b4[1], b4[2], b4[3])
        let (m00, m01, m02, m03) = (m4[0], m4[4], m4[8], m4[12])
        let (m11, m12, m13) = (m4[5], m4[9], m4[13])
        let (m22, m23, m33) = (m4[10], m4[14], m4[15])
        let ldx = x.leadingDimension, ldl = lowOrder?.leadingDimension ?? 0
        let ox0 = kept[0] * ldx, ox1 = k > 1 ? kept[1] * ldx : 0, ox2 = k > 2 ? kept[2] * ldx : 0, ox3 = k > 3 ? kept[3] * ldx : 0
        let ol0 = kept[0] * ldl, ol1 = k > 1 ? kept[1] * ldl : 0, ol2 = k > 2 ? kept[2] * ldl : 0, ol3 = k > 3 ? kept[3] * ldl : 0
        let low = lowOrder?.storage ?? []
        let hasLow = lowOrder != nil
        let chunk = Swift.min(b, Self.chunkRows)
        var zs = [Double](repeating: 0, count: Swift.max(1, q * chunk * k))
        // Every entry is written by the row loop below.
        var residuals = [Float80](unsafeUninitializedCapacity: b) { _, count in count = b }
        var scores = [Float80](unsafeUninitializedCapacity: clustered ? b * k : 0) { _, count in count = clustered ? b * k : 0 }
        var leverages = [Double](unsafeUninitializedCapacity: b) { _, count in count = b }
        var meats = [[Double]](repeating: [], count: q)
        var bad = [[Int]](repeating: [], count: q)
        var start = 0
        while start < b {
            let rows = Swift.min(chunk, b - start)
            x.storage.withUnsafeBufferPointer { px in
            low.withUnsafeBufferPointer { pl in
            response.withUnsafeBufferPointer { py in
            residuals.withUnsafeMutableBufferPointer { ep in
            scores.withUnsafeMutableBufferPointer { sp in
            leverages.withUnsafeMutableBufferPointer { hp in
            zs.withUnsafeMutableBufferPointer { zsp in
                let xp = px.baseAddress!, yp = py.baseAddress!
                let lp = pl.baseAddress ?? xp
                for r in 0..<rows {
                    let i = start + r
                    var x0 = Float80(xp[i + ox0]), x1: Float80 = 0, x2: Float80 = 0, x3: Float80 = 0
                    if hasLow { x0 += Float80(lp[i + ol0]) }
                    var e = Float80(yp[i])
                    e -= x0 * b0
                    if k > 1 {
                        x1 = Float80(xp[i + ox1])
                        if hasLow { x1 += Float80(lp[i + ol1]) }
                        e -= x1 * b1
                    }
                    if k > 2 {
                        x2 = Float80(xp[i + ox2])
                        if hasLow { x2 += Float80(lp[i + ol2]) }
                        e -= x2 * b2
                    }
                    if k > 3 {
                        x3 = Float80(xp[i + ox3])
                        if hasLow { x3 += Float80(lp[i + ol3]) }
                        e -= x3 * b3
                    }
                    ep[i] = e
                    var z0: Float80 = 0, z1: Float80 = 0, z2: Float80 = 0, z3: Float80 = 0
                    if x0 != 0 {
                        z0 += x0 * m00
                        if k > 1 { z1 += x0 * m01 }
                        if k > 2 { z2 += x0 * m02 }
                        if k > 3 { z3 += x0 * m03 }
                    }
                    if k > 1 && x1 != 0 {
                        z1 += x1 * m11
                        if k > 2 { z2 += x1 * m12 }
                        if k > 3 { z3 += x1 * m13 }
                    }
                    if k > 2 && x2 != 0 {
                        z2 += x2 * m22
                        if k > 3 { z3 += x2 * m23 }
                    }
                    if k > 3 && x3 != 0 { z3 += x3 * m33 }
                    var h: Float80 = 0
                    h += z0 * z0
                    if k > 1 { h += z1 * z1 }
                    if k > 2 { h += z2 * z2 }
                    if k > 3 { h += z3 * z3 }
                    hp[i] = Double(h)
                    if clustered {
                        let s = sp.baseAddress! + i * k
                        s[0] = e * z0
                        if k > 1 { s[1] = e * z1 }
                        if k > 2 { s[2] = e * z2 }
                        if k > 3 { s[3] = e * z3 }
                    }
                    if H.value {
                        // As the loop below for one estimator with leverageKind 2.
                        var omega = Swift.abs(e)
                        let oneMinus = 1 - h
                        if oneMinus <= 1e-10 {
                            if bad[0].count < 10 { bad[0].append(i) }
                            omega = 0
                        } else {
                            omega /= oneMinus
                        }
                        let zt = zsp.baseAddress! + r
                        zt[0] = Double(z0 * omega)
                        if k > 1 { zt[rows] = Double(z1 * omega) }
                        if k > 2 { zt[2 * rows] = Double(z2 * omega) }
                        if k > 3 { zt[3 * rows] = Double(z3 * omega) }
                    } else {
                    for t in 0..<q {
                        var omega = Swift.abs(e)
                        let lk = leverageKind[t]
                        if lk != 0 {
                            let oneMinus = 1 - h
                            if oneMinus <= 1e-10 {
                                if bad[t].count < 10 { bad[t].append(i) }
                                omega = 0
                            } else {
                                omega /= lk == 1 ? oneMinus.squareRoot() : oneMinus
                            }
                        }
                        let zt = zsp.baseAddress! + t * chunk * k + r
                        zt[0] = Double(z0 * omega)
                        if k > 1 { zt[rows] = Double(z1 * omega) }
                        if k > 2 { zt[2 * rows] = Double(z2 * omega) }
                        if k > 3 { zt[3 * rows] = Double(z3 * omega) }
                    }
                    }
                }
            } } } } } } }
            for t in 0..<q {
                let from = t * chunk * k
                let g = Matrix(rows: rows, columns: k, columnMajor: Array(zs[from..<(from + rows * k)])).syrk(.transpose)
                for j in 0..<k { for i in 0...j { meats[t].append(g[i, j]) } }
            }
            start += rows
        }
        return ResidualRows(rows: b, width: k, residuals: residuals, scores: scores, leverages: leverages, meats: meats, bad: bad)
    }

    /// Adds a block prepared by ``prepare(_:response:lowOrder:)`` of this accumulator (or
    /// a copy of it) — `clusters` as ``add(_:response:weights:clusters:lowOrder:)`` takes
    /// them — and appends each row's residual and leverage to `residuals` and `leverages`
    /// as ``add(_:response:weights:clusters:lowOrder:residuals:leverages:)`` does: the same
    /// sums in the same order, so the same bits.
    public mutating func add(_ prepared: ResidualRows, clusters: [Int]?, residuals: inout [Double],
                             leverages: inout [Double]) throws {
        let b = prepared.rows, k = kept.count
        guard prepared.width == k else { throw RegressionError.dimensionMismatch("rows prepared for \(prepared.width) columns, the fit has \(k)") }
        let hcIndices = covariances.indices.filter { covariances[$0] != .classical && covariances[$0] != .cluster }
        let clustered = covariances.contains(.cluster)
        if clustered {
            guard let c = clusters else { throw RegressionError.clustersRequired("no cluster ids given") }
            guard c.count == b else { throw RegressionError.clustersRequired("\(c.count) cluster ids for \(b) observations") }
        }
        if b == 0 { return }
        var slotOf: [Int] = []
        if clustered, let keys = clusters {
            slotOf = [Int](repeating: 0, count: b)
            let before = clusterSlots.count
            clusterSlots.slots(keys, scale: k, into: &slotOf)
            u.append(contentsOf: repeatElement(0, count: (clusterSlots.count - before) * k))
        }
        let firstRow = count
        for (t, e) in hcIndices.enumerated() {
            for i in prepared.bad[t] where bad[e].count < 10 { bad[e].append(firstRow + i) }
            // The chunks' meats in order, as each chunk's `dsyrk` is added.
            var at = 0
            let m = prepared.meats[t]
            while at < m.count {
                for j in 0..<k { for i in 0...j { s[e][i + j * k] += Float80(m[at]); at += 1 } }
            }
        }
        let r0 = residuals.count
        residuals.append(contentsOf: repeatElement(0, count: b))
        leverages.append(contentsOf: prepared.leverages)
        var uu = u; u = []
        var haveLast = lastResidual != nil
        var last: Float80 = lastResidual ?? 0
        var first = firstResidual
        var dw = dwNumerator
        let keep = keepsResiduals
        var kr = keptResiduals; keptResiduals = []
        prepared.residuals.withUnsafeBufferPointer { ep in
        prepared.scores.withUnsafeBufferPointer { sp in
        slotOf.withUnsafeBufferPointer { so in
        uu.withUnsafeMutableBufferPointer { up in
        residuals.withUnsafeMutableBufferPointer { ro in
            for i in 0..<b {
                if clustered && i + Self.preparedPrefetchRows < b {
                    let next = up.baseAddress! + so[i + Self.preparedPrefetchRows]
                    llvmPrefetch(UnsafeRawPointer(next), 0, 3, 1)
                    llvmPrefetch(UnsafeRawPointer(next + (k - 1)), 0, 3, 1)
                }
                let e = ep[i]
                if keep { kr.append(Double(e)) }
                if haveLast { dw += (e - last) * (e - last) } else { first = e; haveLast = true }
                last = e
                ro[r0 + i] = Double(e)
                if clustered {
                    let base = so[i], s = sp.baseAddress! + i * k
                    for c in 0..<k { up[base + c] += s[c] }
                }
            }
        } } } } }
        u = uu
        keptResiduals = kr
        lastResidual = haveLast ? last : nil
        firstResidual = first
        dwNumerator = dw
        count += b
    }
}

/// A width known at compile time (one copy of `ResidualAccumulator.narrowRows` each).
protocol NarrowConstant { static var value: Int { get } }
enum Width1: NarrowConstant { static var value: Int { 1 } }
enum Width2: NarrowConstant { static var value: Int { 2 } }
enum Width3: NarrowConstant { static var value: Int { 3 } }
enum Width4: NarrowConstant { static var value: Int { 4 } }
/// A flag known at compile time.
protocol NarrowFlag { static var value: Bool { get } }
enum Weighted: NarrowFlag { static var value: Bool { true } }
enum Unweighted: NarrowFlag { static var value: Bool { false } }

/// LLVM's prefetch intrinsic: a hint that brings the cache line at `address` in ahead of
/// use (read, keep in all cache levels, data cache). It changes no value.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)

/// Cluster keys numbered in order of first appearance: keys in `0 ..< denseLimit` through an
/// array indexed by the key, others through a dictionary.
struct ClusterSlots: Sendable {
    /// Keys below this are looked up in ``dense`` (4 bytes per key up to the largest seen).
    static let denseLimit = 1 << 20
    /// `slot + 1` of each small key (0: not seen).
    private var dense: [Int32] = []
    private var sparse: [Int: Int] = [:]
    /// The key of each slot.
    private(set) var keys: [Int] = []

    var count: Int { keys.count }

    /// `slots[i] = slot(keys[i]) · scale` for every key, in order (keys already seen in
    /// `0 ..< dense.count` read the array in place; the others go through ``slot(_:)``).
    mutating func slots(_ keys: [Int], scale: Int, into slots: inout [Int]) {
        precondition(slots.count >= keys.count)
        var i = 0
        let n = keys.count
        while i < n {
            // Known small keys, without leaving the loop.
            let found: Int = dense.withUnsafeBufferPointer { d in
                keys.withUnsafeBufferPointer { kp in
                    slots.withUnsafeMutableBufferPointer { out in
                        let limit = d.count
                        var j = i
                        while j < n {
                            let key = kp[j]
                            guard key >= 0 && key < limit else { break }
                            let s = Int(d[key])
                            if s == 0 { break }
                            out[j] = (s - 1) &* scale
                            j += 1
                        }
                        return j
                    }
                }
            }
            i = found
            if i < n {
                slots[i] = slot(keys[i]) * scale
                i += 1
            }
        }
    }

    /// The slot of `key`, numbering it next if it is new.
    mutating func slot(_ key: Int) -> Int {
        if key >= 0 && key < Self.denseLimit {
            if key < dense.count {
                let s = dense[key]
                if s > 0 { return Int(s) - 1 }
            } else {
                let size = Swift.min(Self.denseLimit, Swift.max(key + 1, 2 * dense.count, 1024))
                dense.append(contentsOf: repeatElement(0, count: size - dense.count))
            }
            dense[key] = Int32(keys.count + 1)
        } else {
            if let s = sparse[key] { return s }
            sparse[key] = keys.count
        }
        keys.append(key)
        return keys.count - 1
    }
}
