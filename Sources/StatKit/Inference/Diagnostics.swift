/// Regression diagnostics: variance inflation, heteroskedasticity (Breusch–Pagan),
/// functional form (Ramsey's RESET) and influence (leverage, Cook's distance, DFBETAS),
/// with statsmodels' definitions.
///
/// ```swift
/// let d = try fit.diagnostics()
/// print(d.vif, d.breuschPagan.pValue, d.reset.pValue, d.cooksDistanceMax)
/// try fit.forEachInfluence { rows in … }        // per-row leverage, Cook's D, DFBETAS
/// ```
public struct Diagnostics: Sendable {
    /// A test statistic with its degrees of freedom and p-value.
    public struct Test: Sendable, Equatable {
        public let statistic: Double
        /// Degrees of freedom (χ²), or the numerator's (F).
        public let df1: Int
        /// The denominator's degrees of freedom (F), `nil` for χ².
        public let df2: Int?
        public let pValue: Double
    }

    /// Variance inflation factor of each estimated column but the intercept:
    /// `1/(1 − R²ⱼ)` with `R²ⱼ` from regressing column `j` on the others (the constant among
    /// them, so centred), statsmodels' `variance_inflation_factor`.
    public let vif: [(term: String, value: Double)]
    /// Breusch–Pagan in Koenker's studentised form: `n·R²` of the squared residuals on the
    /// design, χ² with `k − 1` degrees of freedom (statsmodels' `het_breuschpagan`,
    /// `robust=True`).
    public let breuschPagan: Test
    /// Ramsey's RESET: the F test of `ŷ²` and `ŷ³` added to the model (statsmodels'
    /// `linear_reset(power=3, test_type="fitted", use_f=True)`).
    public let reset: Test
    /// The largest Cook's distance and its row (0-based among the rows fitted).
    public let cooksDistanceMax: Double
    public let cooksDistanceMaxRow: Int
}

/// Influence measures of a block of rows, in row order (``RegressionResult/forEachInfluence(_:)``).
public struct InfluenceRows: Sendable {
    /// Rows of the fit before this block.
    public var firstRow: Int
    /// Rows of the source (table rows, or records after a CSV header).
    public var sourceRows: [Int]
    /// Leverages `hᵢᵢ`.
    public var leverage: [Double]
    /// Cook's distances `ẽᵢ²hᵢᵢ/(k·s²·(1 − hᵢᵢ)²)`.
    public var cooksDistance: [Double]
    /// Externally studentised residuals `ẽᵢ/(s₍ᵢ₎√(1 − hᵢᵢ))`.
    public var studentizedResiduals: [Double]
    /// DFBETAS per kept term (``RegressionResult/keptTerms``), row-major `rows × k`:
    /// `(β̂ − β̂₍ᵢ₎)ⱼ/(s₍ᵢ₎√((X̃ᵀX̃)⁻¹)ⱼⱼ)`.
    public var dfbetas: [Double]
}

extension RegressionResult {
    /// VIF, Breusch–Pagan, RESET and the largest Cook's distance: two auxiliary fits and one
    /// pass over the rows.
    public func diagnostics() throws(RegressionError) -> Diagnostics {
        let o = state.outcome, sol = o.solution
        let k = sol.kept.count, n = o.n
        let kept = sol.kept, names = termNames
        let inv = sol.rInverse
        // VIF from R: (X̃ᵀX̃)⁻¹ⱼⱼ times column j's sum of squares about its mean (about 0
        // when the other columns hold no constant).
        let r = sol.factor
        func gram(_ a: Int, _ b: Int) -> Double { (0...min(a, b)).reduce(0.0) { $0 + r.element($1, a) * r.element($1, b) } }
        let constant = o.layout.interceptColumn.flatMap { kept.firstIndex(of: $0) }
        var vif: [(term: String, value: Double)] = []
        for j in 0..<k where j != constant {
            var ss = gram(j, j)
            if let c = constant { ss -= gram(c, j) * gram(c, j) / gram(c, c) }
            let diag = (j..<k).reduce(0.0) { $0 + inv[j, $1] * inv[j, $1] }
            vif.append((names[kept[j]], diag * ss))
        }

        let beta = Self.fullBeta(self)
        let base = state.stream, layout = o.layout
        // Breusch–Pagan (Koenker): squared whitened residuals on the whitened design.
        let squared = MappedStream(base: base, baseLayout: layout, names: names) { b in
            var out = b
            let sw = b.weights?.map { $0.squareRoot() }
            var x = b.x
            for i in 0..<b.rows {
                var e = b.y[i]
                for j in 0..<b.columns { e -= b.x[i, j] * beta[j] }
                let s = sw?[i] ?? 1
                out.y[i] = (e * s) * (e * s)
                if sw != nil { for j in 0..<b.columns { x[i, j] *= s } }
            }
            out.x = x
            out.low = nil
            out.weights = nil
            return out
        }
        let aux = try LinearModel.run(squared, formula: nil, responseName: "e²", weightsColumn: nil, covariance: .classical,
                                      level: 0.95, options: .init(threads: state.threads, keepRows: false), observer: nil) {
            RowExclusions(totalRows: n, reasons: [])
        }
        let lm = Double(n) * aux.rSquared
        let bpDF = aux.rank - (layout.hasIntercept ? 1 : 0)
        let bp = Diagnostics.Test(statistic: lm, df1: bpDF, df2: nil,
                                  pValue: ChiSquaredDistribution(degreesOfFreedom: Double(bpDF)).sf(lm))

        // RESET: ŷ² and ŷ³ appended.
        let augmented = MappedStream(base: base, baseLayout: layout, names: names + ["fitted^2", "fitted^3"]) { b in
            var out = b
            var x = Matrix(rows: b.rows, columns: b.columns + 2)
            var lo: Matrix? = b.low.map { _ in Matrix(rows: b.rows, columns: b.columns + 2) }
            for j in 0..<b.columns { for i in 0..<b.rows { x[i, j] = b.x[i, j]; if let l = b.low { lo![i, j] = l[i, j] } } }
            for i in 0..<b.rows {
                var f = 0.0
                for j in 0..<b.columns { f += b.x[i, j] * beta[j] }
                x[i, b.columns] = f * f
                x[i, b.columns + 1] = f * f * f
            }
            out.x = x
            out.low = lo
            return out
        }
        let unrestricted = try LinearModel.run(augmented, formula: nil, responseName: responseName, weightsColumn: weightsColumn,
                                               covariance: .classical, level: 0.95,
                                               options: .init(threads: state.threads, keepRows: false), observer: nil) {
            RowExclusions(totalRows: n, reasons: [])
        }
        let added = unrestricted.rank - k
        let rssR = o.rss, rssU = unrestricted.sigma * unrestricted.sigma * Double(unrestricted.dfResidual)
        let f = added > 0 ? ((rssR - rssU) / Double(added)) / (rssU / Double(unrestricted.dfResidual)) : .nan
        let reset = Diagnostics.Test(statistic: f, df1: added, df2: unrestricted.dfResidual,
                                     pValue: FDistribution(numeratorDF: Double(added), denominatorDF: Double(unrestricted.dfResidual)).sf(f))

        var maxD = -Double.infinity, maxRow = -1
        try forEachInfluence { rows in
            for (i, d) in rows.cooksDistance.enumerated() where d > maxD { maxD = d; maxRow = rows.firstRow + i }
        }
        return Diagnostics(vif: vif, breuschPagan: bp, reset: reset, cooksDistanceMax: maxD, cooksDistanceMaxRow: maxRow)
    }

    /// Every row's leverage, Cook's distance, studentised residual and DFBETAS, block by
    /// block in row order: one pass over the rows (re-reading a streamed file).
    public func forEachInfluence(_ body: (InfluenceRows) throws -> Void) throws(RegressionError) {
        let o = state.outcome, sol = o.solution
        let watch = InfluenceWatch(kept: sol.kept, rInverse: sol.rInverse, rss: o.rss, observations: o.n)
        _ = try LeastSquaresEngine.residualPass(state.stream, layout: o.layout, solution: sol, beta: o.passBeta,
                                                center: nil, total: false,
                                                request: .init(leverage: true, threads: state.threads),
                                                observations: o.n, observer: watch)
        do {
            for rows in watch.blocks { try body(rows) }
        } catch let e as RegressionError { throw e } catch { throw .numerical("\(error)") }
    }

    /// The coefficients over every design column, 0 for an aliased one.
    static func fullBeta(_ r: RegressionResult) -> [Double] {
        var beta = [Double](repeating: 0, count: r.termNames.count)
        for (c, j) in r.state.outcome.solution.kept.enumerated() { beta[j] = r.state.outcome.beta[c].value }
        return beta
    }
}

/// Turns a residual pass's rows into influence measures (kept in memory, one entry per
/// row: what ``RegressionResult/forEachInfluence(_:)`` hands out).
final class InfluenceWatch: ResidualObserver, @unchecked Sendable {
    let kept: [Int]
    let rInverse: Matrix
    let rss: Double
    let observations: Int
    private(set) var blocks: [InfluenceRows] = []

    init(kept: [Int], rInverse: Matrix, rss: Double, observations: Int) {
        self.kept = kept; self.rInverse = rInverse; self.rss = rss; self.observations = observations
    }

    func restart(observations: Int, rank: Int) { blocks = [] }

    func observe(_ r: ResidualRows) {
        let k = kept.count, m = r.y.count, n = observations
        let s2 = rss / Double(n - k)
        let inv = rInverse
        // √((X̃ᵀX̃)⁻¹)ⱼⱼ: row norms of R⁻¹.
        let scale = (0..<k).map { j in (j..<k).reduce(0.0) { $0 + inv[j, $1] * inv[j, $1] }.squareRoot() }
        var out = InfluenceRows(firstRow: r.firstRow, sourceRows: r.sourceRows, leverage: r.leverages,
                                cooksDistance: [Double](repeating: 0, count: m), studentizedResiduals: [Double](repeating: 0, count: m),
                                dfbetas: [Double](repeating: 0, count: m * k))
        for i in 0..<m {
            let h = r.leverages[i], e = r.whitened[i]
            let sw = r.weights.map { $0[i].squareRoot() } ?? 1
            let oneMinus = 1 - h
            out.cooksDistance[i] = e * e * h / (Double(k) * s2 * oneMinus * oneMinus)
            let s2i = (rss - e * e / oneMinus) / Double(n - k - 1)
            let si = max(0, s2i).squareRoot()
            out.studentizedResiduals[i] = e / (si * oneMinus.squareRoot())
            // (X̃ᵀX̃)⁻¹x̃ᵢ = R⁻¹R⁻ᵀx̃ᵢ.
            var z = [Double](repeating: 0, count: k)
            for c in 0..<k { for j in 0...c { z[c] += inv[j, c] * r.x[i, kept[j]] * sw } }
            for j in 0..<k {
                var d = 0.0
                for c in j..<k { d += inv[j, c] * z[c] }
                out.dfbetas[i * k + j] = d * e / oneMinus / (si * scale[j])
            }
        }
        blocks.append(out)
    }
}
