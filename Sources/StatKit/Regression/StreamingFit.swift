import Foundation

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
        let llf = -nD / 2 * (Foundation.log(2 * Double.pi) + Foundation.log(rss / nD) + 1) + 0.5 * Double(sumLogW)
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
/// order, and call ``result(residuals:level:)``.
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
        ResidualAccumulator(fit: self, covariance: covariance, keepResiduals: keepResiduals)
    }

    /// Inference with the covariance of `residuals` (which saw the same `n` rows).
    ///
    /// `classical` uses `σ̂²` as ``result(level:)`` does (the pass then only supplied the
    /// residual summary); HC0–HC3 and cluster use the accumulated meat, scaled as
    /// ``CovarianceType`` describes. Durbin–Watson comes from the residuals of this pass
    /// (exact, in the order the rows were added), not from the differenced factor.
    /// - Throws: ``RegressionError/dimensionMismatch(_:)`` when the pass saw another number
    ///   of rows; ``RegressionError/leverageOne(covariance:rows:)`` for HC2/HC3 with `hᵢᵢ = 1`.
    public func result(residuals: ResidualAccumulator, level: Double = 0.95) throws -> StreamingRegressionResult {
        guard residuals.count == n else {
            throw RegressionError.dimensionMismatch("the second pass saw \(residuals.count) rows, the fit \(n)")
        }
        let summary = residuals.keepsResiduals ? FiveNumberSummary(residuals.residuals) : nil
        let dw = Double(residuals.dwNumerator / Float80(residualSumOfSquares))
        let covariance = residuals.covariance
        if covariance == .classical {
            let k = rank
            var meat = Matrix(rows: k, columns: k)
            for i in 0..<k { meat[i, i] = sigma2 }
            return try makeResult(covariance: .classical, meat: meat, clusterCount: nil, residualSummary: summary,
                                  durbinWatson: dw, level: level)
        }
        let (meat, groups) = try residuals.meat()
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
        case .cluster:
            let groups = clusterCount ?? 0
            let factor = Double(groups) / Double(groups - 1) * Double(n - 1) / Double(n - k)
            for i in meat.storage.indices { meat.storage[i] *= factor }
            if groups < 2 {
                for i in meat.storage.indices { meat.storage[i] = .nan }
                notes.append("Only one cluster: the cluster-robust covariance is undefined (NaN).")
            }
            notes.insert("Standard errors are robust to cluster correlation (cluster, CR1, \(groups) clusters; t and F use \(groups - 1) df).", at: 0)
        case .hc0, .hc1, .hc2, .hc3:
            if covariance == .hc1 {
                let f = Double(n) / Double(n - k)
                for i in meat.storage.indices { meat.storage[i] *= f }
            }
            notes.insert("Standard errors are heteroscedasticity robust (\(covariance.rawValue)).", at: 0)
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
            let idx = (0..<k).filter { $0 != constIndex }
            if idx.isEmpty || (hasIntercept && constIndex == nil) {
                (fStatistic, fPValue) = (.nan, .nan)
            } else {
                let qn = idx.count
                var sub = [Float80](repeating: 0, count: qn * qn)
                for (a, i) in idx.enumerated() { for (b, j) in idx.enumerated() { sub[a + b * qn] = v80[i + j * k] } }
                let bsub = idx.map { beta80[$0] }
                if let x = choleskySolve(sub, qn, bsub) {
                    var w: Float80 = 0
                    for i in 0..<qn { w += bsub[i] * x[i] }
                    let f = Double(w) / Double(qn)
                    fStatistic = f
                    fPValue = FDistribution(numeratorDF: Double(idx.count), denominatorDF: df).sf(f)
                } else {
                    (fStatistic, fPValue) = (.nan, .nan)
                }
            }
        }
        let nD = Double(n)
        return StreamingRegressionResult(
            coefficients: coefs, n: n, rank: k, dfModel: dfModel, dfResidual: dfResidual, rSquared: rSquared,
            adjustedRSquared: adjustedRSquared, isUncentered: !hasIntercept, sigma: sigma, fStatistic: fStatistic,
            fPValue: fPValue, logLikelihood: logLikelihood, aic: -2 * logLikelihood + 2 * Double(k),
            bic: -2 * logLikelihood + Foundation.log(nD) * Double(k), conditionNumber: conditionNumber,
            durbinWatson: dw ?? durbinWatson, residualSummary: residualSummary, covarianceMatrix: v, covarianceType: covariance,
            droppedTerms: aliasedColumns.map { termNames[$0] }, level: level, clusterCount: clusterCount, notes: notes,
            usedExtendedPrecision: usedExtendedPrecision, keptTerms: keptColumns.map { termNames[$0] })
    }
}

/// The second pass of a streaming fit: with `β̂` and `M = R⁻¹` known, accumulates what a
/// robust covariance needs from the rows, in `O(k²)` memory (`O(G·k)` for `G` clusters).
///
/// For each row (whitened by `√wᵢ`): the residual `ẽᵢ = √wᵢ(yᵢ − xᵢᵀβ̂)` (Float80), the row
/// of the orthonormal basis `zᵢ = x̃ᵢᵀM` (so `hᵢᵢ = ‖zᵢ‖²`), and
/// - HC0/HC1: `S += ẽᵢ²·zᵢzᵢᵀ`; HC2: `ẽᵢ²/(1 − hᵢᵢ)`; HC3: `ẽᵢ²/(1 − hᵢᵢ)²`
///   (rows with `1 − hᵢᵢ ≤ 10⁻¹⁰` are reported, as ``LinearRegression`` does);
/// - cluster: `u_g += ẽᵢ·zᵢ` per cluster, `S = Σ_g u_g u_gᵀ` in order of first appearance;
/// - Durbin–Watson: `Σ(ẽᵢ − ẽᵢ₋₁)²` in the order the rows come (the last residual of a
///   block, or of a merged accumulator, is carried over to the next).
///
/// `V = M·S·Mᵀ`, scaled as ``CovarianceType`` says — the same sandwich as the in-memory
/// fit, in the same coordinates. Accumulators over consecutive chunks combine with
/// ``merge(_:)`` (fixed order, as for ``QRAccumulator``).
public struct ResidualAccumulator: Sendable {
    /// The estimator being accumulated.
    public let covariance: CovarianceType
    /// Whether the whitened residuals are stored (memory `8n` bytes) for the five-number summary.
    public let keepsResiduals: Bool
    /// Rows seen.
    public private(set) var count: Int = 0
    let columns: Int
    let kept: [Int]
    let beta: [Float80]
    let m80: [Float80]
    let isWeighted: Bool
    var s: [Float80]
    var clusterSlot: [Int: Int] = [:]
    var u: [Float80] = []
    var bad: [Int] = []
    var residuals: [Double] = []
    /// Durbin–Watson numerator `Σ(ẽᵢ − ẽᵢ₋₁)²` and the residuals at both ends (to bridge merges).
    var dwNumerator: Float80 = 0
    var firstResidual: Float80?
    var lastResidual: Float80?

    init(fit: StreamingFit, covariance: CovarianceType, keepResiduals: Bool) {
        self.covariance = covariance
        self.keepsResiduals = keepResiduals
        columns = fit.columns
        kept = fit.keptColumns
        beta = fit.beta80
        m80 = fit.inverseFactor80
        isWeighted = fit.isWeighted
        s = [Float80](repeating: 0, count: kept.count * kept.count)
    }

    /// Number of clusters seen so far.
    public var clusterCount: Int { clusterSlot.count }

    /// Adds a block of rows: the same design columns, responses and weights as in the first pass.
    /// - Parameters:
    ///   - clusters: one cluster key per row (any integers, equal for rows of one cluster
    ///     across all blocks); required for `.cluster`.
    ///   - lowOrder: the design's low-order part, as given to the first pass.
    public mutating func add(_ x: Matrix, response: [Double], weights: [Double]? = nil, clusters: [Int]? = nil,
                             lowOrder: Matrix? = nil) throws {
        let b = x.rows, k = kept.count
        guard x.columns == columns else { throw RegressionError.dimensionMismatch("block has \(x.columns) columns, the fit \(columns)") }
        guard response.count == b else { throw RegressionError.dimensionMismatch("response has \(response.count) values, block has \(b) rows") }
        guard (weights != nil) == isWeighted, weights.map({ $0.count == b }) ?? true else {
            throw RegressionError.dimensionMismatch(isWeighted ? "the fit is weighted: \(b) weights needed" : "weights given for an unweighted fit")
        }
        if covariance == .cluster {
            guard let c = clusters else { throw RegressionError.clustersRequired("no cluster ids given") }
            guard c.count == b else { throw RegressionError.clustersRequired("\(c.count) cluster ids for \(b) observations") }
        }
        if let lo = lowOrder, lo.rows != b || lo.columns != columns {
            throw RegressionError.dimensionMismatch("low-order block is \(lo.rows)×\(lo.columns), block is \(b)×\(columns)")
        }
        let leverage = covariance == .hc2 || covariance == .hc3
        let needZ = covariance != .classical
        var z = [Float80](repeating: 0, count: k)
        var zs = Matrix(rows: min(b, 512), columns: k)
        var filled = 0
        func flush() {
            if filled == 0 { return }
            var blockZ = zs
            if filled < zs.rows {
                blockZ = Matrix(rows: filled, columns: k)
                for c in 0..<k { for i in 0..<filled { blockZ[i, c] = zs[i, c] } }
            }
            let g = blockZ.syrk(.transpose)
            for j in 0..<k { for i in 0...j { s[i + j * k] += Float80(g[i, j]) } }
            filled = 0
        }
        for i in 0..<b {
            let sw: Float80 = weights.map { Float80($0[i]).squareRoot() } ?? 1
            var e = Float80(response[i])
            for (c, j) in kept.enumerated() {
                var v = Float80(x[i, j])
                if let lo = lowOrder { v += Float80(lo[i, j]) }
                e -= v * beta[c]
            }
            e *= sw
            if keepsResiduals { residuals.append(Double(e)) }
            if let last = lastResidual { dwNumerator += (e - last) * (e - last) } else { firstResidual = e }
            lastResidual = e
            guard needZ else { continue }
            for c in 0..<k { z[c] = 0 }
            // Zero entries (dummies of other levels) cost nothing: a row costs nnz·k.
            for (a, j) in kept.enumerated() {
                var v = Float80(x[i, j])
                if let lo = lowOrder { v += Float80(lo[i, j]) }
                v *= sw
                if v == 0 { continue }
                // z_c = Σ_a x̃_a M[a, c], M upper triangular: only c ≥ a.
                for c in a..<k { z[c] += v * m80[a + c * k] }
            }
            if covariance == .cluster {
                let key = clusters![i]
                let slot: Int
                if let sl = clusterSlot[key] { slot = sl } else {
                    slot = clusterSlot.count
                    clusterSlot[key] = slot
                    u.append(contentsOf: [Float80](repeating: 0, count: k))
                }
                for c in 0..<k { u[slot * k + c] += e * z[c] }
                continue
            }
            var omega = abs(e)
            if leverage {
                var h: Float80 = 0
                for c in 0..<k { h += z[c] * z[c] }
                let oneMinus = 1 - h
                if oneMinus <= 1e-10 {
                    if bad.count < 10 { bad.append(count + i) }
                    omega = 0
                } else {
                    omega /= covariance == .hc2 ? oneMinus.squareRoot() : oneMinus
                }
            }
            for c in 0..<k { zs[filled, c] = Double(z[c] * omega) }
            filled += 1
            if filled == zs.rows { flush() }
        }
        flush()
        count += b
    }

    /// Appends the rows of `other` (which followed the rows of `self`).
    public mutating func merge(_ other: ResidualAccumulator) throws {
        guard other.covariance == covariance, other.columns == columns, other.kept == kept,
              other.keepsResiduals == keepsResiduals else {
            throw RegressionError.dimensionMismatch("merging residual accumulators of different fits or estimators")
        }
        for i in s.indices { s[i] += other.s[i] }
        let k = kept.count
        let sortedOther = other.clusterSlot.sorted { $0.value < $1.value }
        for (key, slot) in sortedOther {
            let mine: Int
            if let sl = clusterSlot[key] { mine = sl } else {
                mine = clusterSlot.count
                clusterSlot[key] = mine
                u.append(contentsOf: [Float80](repeating: 0, count: k))
            }
            for c in 0..<k { u[mine * k + c] += other.u[slot * k + c] }
        }
        bad = Array((bad + other.bad.map { $0 + count }).prefix(10))
        dwNumerator += other.dwNumerator
        if let last = lastResidual, let first = other.firstResidual { dwNumerator += (first - last) * (first - last) }
        firstResidual = firstResidual ?? other.firstResidual
        lastResidual = other.lastResidual ?? lastResidual
        if keepsResiduals { residuals += other.residuals }
        count += other.count
    }

    /// The middle matrix `S` (unscaled) and the number of clusters.
    func meat() throws -> (Matrix, Int) {
        if !bad.isEmpty { throw RegressionError.leverageOne(covariance: covariance.rawValue, rows: bad) }
        let k = kept.count
        var acc = s
        if covariance == .cluster {
            for g in 0..<clusterSlot.count {
                for b in 0..<k { for a in 0...b { acc[a + b * k] += u[g * k + a] * u[g * k + b] } }
            }
        }
        var meat = Matrix(rows: k, columns: k)
        for b in 0..<k { for a in 0...b { meat[a, b] = Double(acc[a + b * k]); meat[b, a] = Double(acc[a + b * k]) } }
        return (meat, clusterSlot.count)
    }
}
