/// Linear and Poisson models with fixed effects absorbed, fixest's syntax
/// `y ~ x1 + x2 | company + year` (pyfixest's `feols` and `fepois`).
///
/// ```swift
/// let within = try FixedEffectsModel.fit("log(total_laid_off) ~ log(employees) + revenue_growth | company + year",
///                                        data: table, covariance: .cluster("company"))
/// print(within.summary())
/// let firms = within.fixedEffectValues()["company"]!     // each company's own intercept
/// ```
///
/// The fixed effects are absorbed by alternating projections (Gaure 2013; the method of
/// fixest, pyfixest and reghdfe): the response and every column are demeaned by each
/// fixed effect in turn, all columns together and accelerated as fixest does, until no
/// sweep changes a column by more than 10⁻¹³ of its size (a small second fixed effect,
/// such as years, is solved for directly); then the demeaned columns are fitted by the
/// least-squares core. Singletons (a level with one observation) carry no information
/// and are dropped first, repeatedly, as fixest does; for the Poisson model, so are
/// observations whose fixed-effect group has only zero outcomes (their effect would be
/// −∞). Both are counted. The Poisson model is IRLS with the weighted demeaning inside
/// each step, each step's projection starting from the last one's coefficients.
///
/// Degrees of freedom follow fixest's and pyfixest's defaults: the residual degrees of
/// freedom subtract every fixed-effect level (less one per fixed effect beyond the
/// first); a cluster-robust covariance counts only the fixed effects not nested in the
/// clusters, with `G/(G − 1)·(n − 1)/(n − k)` and `G − 1` degrees of freedom for t.
public enum FixedEffectsModel {
    static let tolerance = 1e-13
    static let maxSweeps = 100_000

    /// Fits `formula` (with `| fe1 + fe2 …`) on a table in memory; `family` `nil` is least
    /// squares, `.poisson` the Poisson model.
    public static func fit(_ formula: String, data: DataTable, family: GLMFamily? = nil, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: LinearModel.Options = LinearModel.Options()) throws(RegressionError) -> FixedEffectsResult {
        try fit(formula, source: DataTableBlockSource(data, blockRows: options.blockRows), family: family, weights: weights,
                covariance: covariance, level: level, options: options)
    }

    /// Fits `formula` on any ``TableBlockSource`` (read once into memory: the demeaning
    /// needs every row many times).
    public static func fit(_ formula: String, source: some TableBlockSource, family: GLMFamily? = nil, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: LinearModel.Options = LinearModel.Options()) throws(RegressionError) -> FixedEffectsResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        let parsed: Formula
        do { parsed = try Formula(formula) } catch { throw .formula(error) }
        guard !parsed.fixedEffects.isEmpty else {
            throw .unusableColumn("the formula has no fixed effects ('| column' after the regressors)")
        }
        if let family, family != .poisson {
            throw .unusableColumn("fixed effects are absorbed for least squares and the Poisson model, not for \(family.name)")
        }
        if !parsed.offsets.isEmpty && family == nil { throw .unusableColumn("offset() needs the Poisson model (family: .poisson)") }
        var extra: [String] = []
        for c in covariance.columnsRead + options.alsoCompute.flatMap(\.columnsRead) where !extra.contains(c) && !parsed.fixedEffects.contains(c) {
            extra.append(c)
        }
        if covariance.kind == .hac || covariance.kind == .driscollKraay {
            throw .unusableColumn("HAC and Driscoll–Kraay covariances are not available with absorbed fixed effects")
        }
        let stream = try FormulaStream(formula: parsed, source: source, weights: weights, clusters: parsed.fixedEffects + extra)
        var data = try AbsorbedData.read(stream, fixedEffects: parsed.fixedEffects, extra: extra, threads: max(1, options.threads))
        let isPoisson = family == .poisson
        let dropped = data.dropUninformative(zeroGroups: isPoisson)
        guard data.n > 0 else {
            throw .noRowsLeft(RowExclusions(totalRows: data.n + dropped.singletons + dropped.separated, reasons: [
                .init(reason: "in singleton groups", count: dropped.singletons), .init(reason: "separated by a fixed effect", count: dropped.separated)]))
        }
        let fit = isPoisson ? try FixedEffectsPoisson(data, threads: options.threads).fit() : try data.leastSquares(threads: options.threads)
        return try FixedEffectsResult(data: data, core: fit, stream: stream, parsed: parsed, formula: formula,
                                      weightsColumn: weights, family: family, dropped: dropped, covariance: covariance,
                                      level: level, options: options)
    }
}

/// The rows of a fixed-effects model in memory: the design (no intercept), response,
/// weights, offset, the fixed effects' and clusters' codes.
struct AbsorbedData: Sendable {
    var x: Matrix
    var y: [Double]
    var weights: [Double]?
    var offset: [Double]?
    /// Per fixed effect, each row's level (dense `0..<G` after ``dropUninformative(zeroGroups:)``).
    var fe: [[Int32]]
    var feLevels: [Int]
    /// Per fixed effect, each level's original code (for its label).
    var feOriginal: [[Int32]]
    var extra: [[Int32]]
    var sourceRows: [Int]
    let names: [String]
    let feNames: [String]
    let extraNames: [String]

    var n: Int { y.count }

    static func read(_ stream: FormulaStream<some TableBlockSource>, fixedEffects: [String], extra: [String],
                     threads: Int) throws(RegressionError) -> AbsorbedData {
        // One pass: the blocks carry the columns accumulated so far (a categorical level
        // met later adds a column, 0 in the earlier rows); the final layout then picks and
        // orders them.
        var accumulated: [[Double]] = []
        var y: [Double] = [], w: [Double]? = nil, off: [Double]? = nil, rows: [Int] = []
        var codes = [[Int32]](repeating: [], count: fixedEffects.count + extra.count)
        try stream.forEachBlock(layout: nil, clusters: fixedEffects + extra, threads: threads) { (b) throws(RegressionError) in
            while accumulated.count < b.columns { accumulated.append([Double](repeating: 0, count: y.count)) }
            b.x.storage.withUnsafeBufferPointer { s in
                for j in 0..<b.columns {
                    let start = j * b.x.leadingDimension
                    accumulated[j].append(contentsOf: s[start..<(start + b.rows)])
                }
            }
            y += b.y
            if let bw = b.weights { w = (w ?? []) + bw }
            if let bo = b.offset { off = (off ?? []) + bo }
            rows += b.sourceRows
            for c in codes.indices { codes[c] += b.clusters[c] }
        }
        let layout = try stream.layout()
        let columns = layout.source.map { $0 >= 0 && $0 < accumulated.count ? accumulated[$0] : [Double](repeating: 0, count: y.count) }
        let f = fixedEffects.count
        var data = AbsorbedData(x: columns.isEmpty ? Matrix(rows: y.count, columns: 0) : Matrix(columns: columns), y: y,
                                weights: w, offset: off, fe: Array(codes[..<f]), feLevels: [], feOriginal: Array(codes[..<f]),
                                extra: Array(codes[f...]), sourceRows: rows, names: layout.names, feNames: fixedEffects,
                                extraNames: extra)
        data.recode()
        return data
    }

    /// Dense codes `0..<G` per fixed effect, in order of first appearance.
    mutating func recode() {
        feLevels = fe.indices.map { f in
            var next: Int32 = 0
            var map = [Int32](repeating: -1, count: Int(fe[f].max() ?? -1) + 1)
            fe[f] = fe[f].map { c in
                if map[Int(c)] < 0 { map[Int(c)] = next; next += 1 }
                return map[Int(c)]
            }
            return Int(next)
        }
    }

    /// Drops singletons (and, for counts, groups of zero outcomes) until none is left.
    mutating func dropUninformative(zeroGroups: Bool) -> (singletons: Int, separated: Int) {
        var singletons = 0, separated = 0
        while true {
            var keep = [Bool](repeating: true, count: n)
            var changed = false
            for f in fe.indices {
                var count = [Int](repeating: 0, count: feLevels[f]), total = [Double](repeating: 0, count: feLevels[f])
                for i in 0..<n where keep[i] { count[Int(fe[f][i])] += 1; total[Int(fe[f][i])] += Swift.abs(y[i]) }
                for i in 0..<n where keep[i] {
                    let g = Int(fe[f][i])
                    if count[g] == 1 { keep[i] = false; singletons += 1; changed = true }
                    else if zeroGroups && total[g] == 0 { keep[i] = false; separated += 1; changed = true }
                }
            }
            if !changed { break }
            select(keep)
        }
        return (singletons, separated)
    }

    mutating func select(_ keep: [Bool]) {
        let idx = keep.indices.filter { keep[$0] }
        x = x.selectingRows(idx)
        y = idx.map { y[$0] }
        weights = weights.map { w in idx.map { w[$0] } }
        offset = offset.map { o in idx.map { o[$0] } }
        fe = fe.map { c in idx.map { c[$0] } }
        feOriginal = feOriginal.map { c in idx.map { c[$0] } }
        extra = extra.map { c in idx.map { c[$0] } }
        sourceRows = idx.map { sourceRows[$0] }
        recode()
    }

    /// The fixed effects' values that add up to `v` (per fixed effect, per level), by the
    /// same projection as the demeaning; each fixed effect after the first is normalised to
    /// 0 at its first level, that level's value moved to the first fixed effect.
    func effects(of v: [Double], weights w: [Double]?) -> [[Double]] {
        var alpha = FixedEffectsProjection(codes: fe, levels: feLevels, weights: w).coefficients(of: [v]).alpha
        for f in alpha.indices.dropFirst() where !alpha[f].isEmpty {
            let shift = alpha[f][0]
            for g in alpha[f].indices { alpha[f][g] -= shift }
            for g in alpha[0].indices { alpha[0][g] += shift }
        }
        return alpha
    }

    /// `[v | X]` less their projection on the fixed effects (weighted by `w`), all columns
    /// together, from the coefficients `start` of an earlier projection (IRLS); with the
    /// coefficients and the sweeps made.
    func demean(_ v: [Double], weights w: [Double]?, start: [[Double]]? = nil) -> (v: [Double], x: Matrix, alpha: [[Double]], sweeps: Int) {
        let projection = FixedEffectsProjection(codes: fe, levels: feLevels, weights: w)
        let columns = [v] + (0..<x.columns).map { x.column($0) }
        let (alpha, sweeps) = projection.coefficients(of: columns, start: start)
        let r = projection.residuals(of: columns, alpha: alpha)
        let xd = x.columns == 0 ? Matrix(rows: n, columns: 0) : Matrix(columns: Array(r.dropFirst()))
        return (r[0], xd, alpha, sweeps)
    }

    /// The fixed effects' parameters counted in the degrees of freedom: every level, less
    /// one per fixed effect beyond the first.
    var absorbedParameters: Int { feLevels.reduce(0, +) - (fe.count - 1) }

    /// Levels of the fixed effects nested in the clusters `codes` (each level inside one
    /// cluster), less one per fully nested fixed effect (pyfixest's `k_fe_nested −
    /// n_fe_fully_nested`).
    func nestedParameters(in clusters: [[Int32]]) -> Int {
        var nested = 0
        for f in fe.indices {
            let inside = clusters.contains { c in
                var home = [Int32](repeating: -1, count: feLevels[f])
                for i in 0..<n {
                    let g = Int(fe[f][i])
                    if home[g] == -1 { home[g] = c[i] } else if home[g] != c[i] { return false }
                }
                return true
            }
            if inside { nested += feLevels[f] - 1 }
        }
        return nested
    }

    /// Least squares on the demeaned columns.
    func leastSquares(threads: Int) throws(RegressionError) -> AbsorbedFit {
        let d = demean(y, weights: weights)
        return AbsorbedFit(x: d.x, y: d.v, weights: weights, sweeps: d.sweeps, glm: nil)
    }
}

/// The demeaned problem a fixed-effects model ends with: least squares on `x`, `y` with
/// `weights` (the working weights of the last IRLS step for the Poisson model).
struct AbsorbedFit: Sendable {
    var x: Matrix
    var y: [Double]
    var weights: [Double]?
    var sweeps: Int
    /// The Poisson model's state: means, deviance, log-likelihood, IRLS steps, convergence.
    var glm: (eta: [Double], deviance: Double, logLikelihood: Double, pearson: Double, iterations: Int, converged: Bool)?
}

/// IRLS for the Poisson model with absorbed fixed effects (pyfixest's `fepois`).
struct FixedEffectsPoisson {
    let data: AbsorbedData
    let threads: Int

    init(_ data: AbsorbedData, threads: Int) { self.data = data; self.threads = threads }

    func fit() throws(RegressionError) -> AbsorbedFit {
        let n = data.n, p = data.x.columns
        let off = data.offset ?? [Double](repeating: 0, count: n)
        let prior = data.weights
        for i in 0..<n where !(data.y[i] >= 0) {
            throw .unusableColumn("row \(data.sourceRows[i] + 1): the response \(data.y[i]) is not valid for a Poisson model (expected a count ≥ 0)")
        }
        let model = GLMModel(.poisson)
        var sw = 0.0, swy = 0.0
        for i in 0..<n { sw += prior?[i] ?? 1; swy += (prior?[i] ?? 1) * data.y[i] }
        let mean = swy / sw
        var mu = data.y.map { ($0 + mean) / 2 }
        var eta = mu.map { LibM.log($0) }
        var previous = Double.infinity, finalDeviance = Double.infinity
        var last: AbsorbedFit? = nil
        var converged = false, steps = 0, sweeps = 0
        var alpha: [[Double]]? = nil
        for step in 1...GeneralizedLinearModel.maxIterations {
            steps = step
            var z = [Double](repeating: 0, count: n), w = [Double](repeating: 0, count: n)
            for i in 0..<n {
                z[i] = eta[i] - off[i] + (data.y[i] - mu[i]) / mu[i]
                w[i] = (prior?[i] ?? 1) * mu[i]
            }
            // The fixed effects' coefficients of the last step start this one's projection.
            let d = data.demean(z, weights: w, start: alpha)
            alpha = d.alpha
            sweeps = max(sweeps, d.sweeps)
            let zd = d.v, xd = d.x
            var beta = [Double](repeating: 0, count: p)
            if p > 0 {
                let stream = MatrixStream(x: xd, low: nil, y: zd, weights: w, names: data.names, hasIntercept: false)
                let o = try LeastSquaresEngine.run(stream, .init(solveOnly: true, threads: threads))
                for (c, j) in o.solution.kept.enumerated() { beta[j] = o.beta[c].value }
            }
            // η = z − (z̃ − X̃β) + offset: the fixed effects' part is what the demeaning removed.
            let start = eta
            var next = eta
            for i in 0..<n {
                var fitted = 0.0
                for j in 0..<p { fitted += xd[i, j] * beta[j] }
                next[i] = z[i] - (zd[i] - fitted) + off[i]
            }
            // A step that raises the deviance (or overflows a mean) is halved towards the
            // linear predictor it started from, as in GeneralizedLinearModel's IRLS.
            var deviance = Double.infinity
            for halving in 0...GeneralizedLinearModel.maxHalvings {
                if halving > 0 { for i in 0..<n { next[i] = (start[i] + next[i]) / 2 } }
                deviance = 0
                for i in 0..<n {
                    mu[i] = model.mu(next[i])
                    deviance += (prior?[i] ?? 1) * model.deviance(data.y[i], mu[i])
                }
                if previous == .infinity || deviance <= previous + GeneralizedLinearModel.tolerance * (Swift.abs(previous) + 0.1) { break }
            }
            guard deviance.isFinite else { throw .numerical("IRLS cannot reduce the Poisson deviance (the step was halved \(GeneralizedLinearModel.maxHalvings) times)") }
            eta = next
            finalDeviance = deviance
            last = AbsorbedFit(x: xd, y: zd, weights: w, sweeps: sweeps, glm: nil)
            if Swift.abs(deviance - previous) <= GeneralizedLinearModel.tolerance * (Swift.abs(deviance) + 0.1) {
                converged = true
                break
            }
            previous = deviance
        }
        var out = last!
        // Statistics at the final means (their deviance is the last step's); the null model
        // is the fixed effects (and offset) alone.
        var ll = 0.0, pearson = 0.0
        for i in 0..<n {
            let pw = prior?[i] ?? 1
            ll += model.logLikelihood(data.y[i], mu[i], weight: pw)
            pearson += pw * (data.y[i] - mu[i]) * (data.y[i] - mu[i]) / mu[i]
        }
        out.glm = (eta, finalDeviance, ll, pearson, steps, converged)
        return out
    }
}

extension Matrix {
    /// The rows at `indices`, in that order.
    func selectingRows(_ indices: [Int]) -> Matrix {
        var out = Matrix(rows: indices.count, columns: columns)
        for j in 0..<columns { for (r, i) in indices.enumerated() { out[r, j] = self[i, j] } }
        return out
    }
}
