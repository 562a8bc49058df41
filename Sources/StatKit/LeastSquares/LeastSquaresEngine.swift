/// The passes of one least-squares fit over a ``DesignStream``, whatever the data are — a
/// table in memory, a CSV file read in blocks, the report's joined events:
///
/// 1. **Fold.** Every block is folded into the `R` factor of `[X | y]` by LAPACK's
///    blocked double-precision QR; columns met on the way (categorical levels) are added.
///    The response's weighted mean and the sums the log-likelihood needs are kept.
/// 2. **Solve.** The factor is restricted to the final columns, aliased columns are found
///    (``TriangularSolution``) and `β̂ = R⁻¹Qᵀy`.
/// 3. **Precision.** If the design, with its columns scaled to unit norm, has a condition
///    estimate above ``extendedThreshold``, double precision cannot be trusted with it:
///    the rows are folded again in double-double arithmetic (``TriangularFactor``).
/// 4. **Residual pass and refinement.** One more pass computes each residual in
///    double-double, the gradient `X̃ᵀẽ`, the sums of squares and the sandwich middles
///    (``ResidualPass``). The corrected seminormal equations give the refinement
///    `δ = R⁻¹R⁻ᵀX̃ᵀẽ`. When `δ` is below 2⁻⁴⁰ of each coefficient's size (its magnitude
///    or standard error), the fit is confirmed and `β̂ + δ` reported; a larger `δ` takes
///    another pass, in double-double when the double factor was the cause.
///
/// A well-conditioned design thus costs two passes and no extended-precision QR.
enum LeastSquaresEngine {
    /// Scaled condition estimate above which the factorization is redone in double-double.
    ///
    /// The coefficients are made accurate by the refinement whatever the factor's precision,
    /// but standard errors come from `R⁻¹`, whose relative error in double is about
    /// `κ·2⁻⁵³`: measured on polynomial designs, 12.6 correct digits at κ = 7e4 and 11.2 at
    /// κ = 2.4e6. Below 10⁶ double keeps them to about 11 digits; above, double-double does.
    static let extendedThreshold = 1e6
    /// A refinement is accepted when every `|δⱼ|` is at most this fraction of `max(|β̂ⱼ|, seⱼ)`.
    static let acceptance = 0x1p-40
    /// Residual passes at most.
    static let maxPasses = 5

    /// What a fit is asked for.
    struct Request: Sendable {
        /// Sandwich estimators to accumulate in the residual pass.
        var estimators: [Estimator] = []
        /// Compute leverages even when no estimator needs them (for an observer).
        var leverage = false
        /// Rank tolerance (`nil`: `max(n, p)·ε`).
        var tolerance: Double? = nil
        /// Fold in double-double from the start.
        var extended = false
        /// Stop after the fold and the solution (no residual pass): the coefficients of one
        /// step of iteratively reweighted least squares.
        var solveOnly = false
        var threads = 1
        /// The columns the estimators read (cluster and time columns).
        var clusterColumns: [String] {
            var out: [String] = []
            for e in estimators { for c in e.columns where !out.contains(c) { out.append(c) } }
            return out
        }
    }

    /// An estimator and where the codes it groups rows by come from.
    struct Estimator: Sendable {
        var kind: Covariance.Kind
        /// Columns handed out by the stream as codes: the clusterings, or the time column.
        var columns: [String] = []
        /// Per clustering, one id per fitted row in row order, `0..<G` (ids given by the caller).
        var ids: [[Int32]] = []
        var lags = 0
        /// Number of clusterings (1 for one-way).
        var dimensions: Int { max(columns.count, ids.count, 1) }
        var usesTime: Bool { (kind == .hac || kind == .driscollKraay) && !columns.isEmpty }
    }

    /// The state a fit ends in.
    struct Outcome: Sendable {
        var layout: DesignLayout
        var solution: TriangularSolution
        /// Final coefficients of the kept columns.
        var beta: [DoubleDouble]
        /// The coefficients of the last residual pass (the final ones less the accepted
        /// correction): its residuals, leverages and sandwich middles are at these, and so
        /// are those of any later pass, for the same numbers.
        var passBeta: [DoubleDouble]
        /// The response's (weighted) mean.
        var meanResponse: Double
        var n: Int
        var weighted: Bool
        var sumLogWeights: Double
        var rss: Double
        var tss: Double
        var durbinWatson: Double
        var meats: [SandwichMeat]
        var singularValues: [Double]
        var precision: TriangularFactor.Precision
        /// Residual passes made (refinement steps).
        var residualPasses: Int
        /// Largest `|δⱼ|/max(|β̂ⱼ|, seⱼ)` of the last refinement.
        var lastCorrection: Double
    }

    static func run(_ stream: some DesignStream, _ request: Request,
                    observer: ResidualObserver? = nil) throws(RegressionError) -> Outcome {
        // Pass 1: fold in double, with the response's moments (not for a step of IRLS, which
        // uses the coefficients alone).
        var factor = TriangularFactor(designColumns: 0, precision: request.extended ? .extended : .double)
        var n = 0, sumW = DoubleDouble.zero, sumWY = DoubleDouble.zero, sumLogW = 0.0, weighted = false
        try stream.forEachBlock(layout: nil, clusters: [], threads: request.threads) { (b) throws(RegressionError) in
            if b.columns > factor.designColumns { factor.appendColumns(b.columns - factor.designColumns) }
            try factor.fold(b.x, low: b.low, y: b.y, weights: b.weights)
            n += b.rows
            if request.solveOnly {
                weighted = weighted || b.weights != nil
            } else if let w = b.weights {
                weighted = true
                w.withUnsafeBufferPointer { pw in
                    b.y.withUnsafeBufferPointer { py in
                        sumW += CompensatedSums.sum(pw.baseAddress!, count: b.rows)
                        sumWY += CompensatedSums.dot(pw.baseAddress!, nil, py.baseAddress!, nil, count: b.rows)
                    }
                }
                for i in 0..<b.rows { sumLogW += LibM.log(w[i]) }
            } else {
                sumW += DoubleDouble(Double(b.rows))
                sumWY += b.y.withUnsafeBufferPointer { CompensatedSums.sum($0.baseAddress!, count: b.rows) }
            }
        }
        let layout = try stream.layout()
        guard n > 0 else { throw .noObservations }
        guard !layout.source.isEmpty else { throw .emptyDesign }
        var layoutFactor = try factor.selecting(layout.source)
        let singularValues = try TriangularSolution.singularValues(layoutFactor)
        let tol = request.tolerance ?? TriangularSolution.defaultTolerance(rows: n, columns: layout.source.count)
        var solution = try TriangularSolution(layoutFactor, tolerance: tol)

        func refold() throws(RegressionError) {
            var f = TriangularFactor(designColumns: layout.source.count, precision: .extended)
            try stream.forEachBlock(layout: layout, clusters: [], threads: request.threads) { (b) throws(RegressionError) in
                try f.fold(b.x, low: b.low, y: b.y, weights: b.weights)
            }
            layoutFactor = f
            solution = try TriangularSolution(f, tolerance: tol)
        }
        if layoutFactor.precision == .double && solution.scaledCondition > extendedThreshold { try refold() }
        if request.solveOnly {
            return Outcome(layout: layout, solution: solution, beta: solution.beta, passBeta: solution.beta,
                           meanResponse: .nan, n: n, weighted: weighted, sumLogWeights: .nan,
                           rss: .nan, tss: .nan, durbinWatson: .nan, meats: [], singularValues: singularValues,
                           precision: solution.factor.precision, residualPasses: 0, lastCorrection: .nan)
        }

        let center: Double? = layout.hasIntercept ? (sumWY / sumW).value : nil
        var beta = solution.beta
        var passes = 0
        var tss: DoubleDouble? = nil
        while true {
            let k = solution.kept.count
            guard n > k else { throw .noResidualDegreesOfFreedom(observations: n, rank: k) }
            let pass = try residualPass(stream, layout: layout, solution: solution, beta: beta, center: center,
                                        total: tss == nil, request: request, observations: n, observer: observer)
            passes += 1
            if tss == nil { tss = pass.tss }
            // δ = R⁻¹R⁻ᵀg, and each coefficient's scale max(|β̂ⱼ|, seⱼ).
            let g = pass.gradient.map(\.value)
            let inv = solution.rInverse
            var u = [Double](repeating: 0, count: k)
            for c in 0..<k { for j in 0...c { u[c] += inv[j, c] * g[j] } }
            var delta = [Double](repeating: 0, count: k)
            for j in 0..<k { for c in j..<k { delta[j] += inv[j, c] * u[c] } }
            let sigma2 = pass.rss.value / Double(n - k)
            var worst = 0.0
            for j in 0..<k {
                var rowNorm = 0.0
                for c in j..<k { rowNorm += inv[j, c] * inv[j, c] }
                let scale = max(abs(beta[j].value), (sigma2 * rowNorm).squareRoot())
                let ratio = delta[j] == 0 ? 0 : scale > 0 ? abs(delta[j]) / scale : .infinity
                worst = max(worst, ratio)
            }
            if worst <= acceptance || passes >= maxPasses {
                let passBeta = beta
                for j in 0..<k { beta[j] += DoubleDouble(delta[j]) }
                // RSS at β̂ + δ: ‖r − X̃δ‖² = ‖r‖² − 2δᵀg + ‖Rδ‖².
                var rd = DoubleDouble.zero
                for j in 0..<k { rd += DoubleDouble(delta[j]) * g[j] }
                let r = solution.factor
                var quad = 0.0
                for i in 0..<k {
                    var s = 0.0
                    for j in i..<k { s += r.element(i, j) * delta[j] }
                    quad += s * s
                }
                let rss = max(0, (pass.rss - rd - rd + DoubleDouble(quad)).value)
                return Outcome(layout: layout, solution: solution, beta: beta, passBeta: passBeta,
                               meanResponse: (sumWY / sumW).value, n: n, weighted: weighted,
                               sumLogWeights: sumLogW, rss: rss, tss: (tss ?? pass.tss).value,
                               durbinWatson: pass.dwNumerator.value / pass.rss.value, meats: pass.meats,
                               singularValues: singularValues, precision: solution.factor.precision,
                               residualPasses: passes, lastCorrection: worst)
            }
            if solution.factor.precision == .double && worst > 1e-4 {
                // The double factor is not good enough for this problem: redo it in double-double.
                try refold()
                beta = solution.beta
            } else {
                for j in 0..<k { beta[j] += DoubleDouble(delta[j]) }
            }
        }
    }

    /// One residual pass with `beta` (see ``ResidualPass``), observed by `observer`.
    static func residualPass(_ stream: some DesignStream, layout: DesignLayout, solution: TriangularSolution,
                             beta: [DoubleDouble], center: Double?, total: Bool, request: Request, observations n: Int,
                             observer: ResidualObserver?) throws(RegressionError) -> ResidualPass {
        observer?.restart(observations: n, rank: solution.kept.count)
        var pass = ResidualPass(solution: solution, beta: beta, center: center, total: total, estimators: request.estimators,
                                leverage: request.leverage || observer != nil)
        var firstRow = 0
        let columns = request.clusterColumns
        for e in request.estimators {
            for ids in e.ids where ids.count != n { throw .clustersRequired("\(ids.count) cluster ids for \(n) observations") }
        }
        try stream.forEachBlock(layout: layout, clusters: columns, threads: request.threads) { (b) throws(RegressionError) in
            let codes: [[[Int32]]] = request.estimators.map { e in
                if !e.ids.isEmpty { return e.ids.map { Array($0[firstRow..<(firstRow + b.rows)]) } }
                return e.columns.map { b.clusters[columns.firstIndex(of: $0)!] }
            }
            let r = pass.add(b, codes: codes, perRow: observer != nil)
            if let observer, b.rows > 0 {
                observer.observe(ResidualRows(firstRow: firstRow, sourceRows: b.sourceRows, x: b.x, y: b.y,
                                              residuals: r.residuals, whitened: r.whitened, weights: b.weights,
                                              leverages: r.leverages))
            }
            firstRow += b.rows
        }
        guard pass.rows == n else {
            throw .inconsistentInput("a later pass read \(pass.rows) rows where the first read \(n) (did the data change?)")
        }
        return pass
    }

    /// The middles of `estimators` at the fit's final coefficients: one more pass.
    static func sandwich(_ stream: any DesignStream, _ o: Outcome, _ estimators: [Estimator],
                         threads: Int) throws(RegressionError) -> [SandwichMeat] {
        try residualPass(stream, layout: o.layout, solution: o.solution, beta: o.passBeta, center: nil, total: false,
                         request: Request(estimators: estimators, threads: threads), observations: o.n, observer: nil).meats
    }
}

extension LeastSquaresEngine.Estimator {
    /// Each id's code `0..<G` in order of first appearance. Ids that are already small
    /// codes (a fixed-effects model's, a recoded column's) are mapped through an array,
    /// others through a dictionary.
    static func firstAppearanceCodes(_ set: [Int]) -> [Int32] {
        var low = Int.max, high = Int.min
        for id in set { low = min(low, id); high = max(high, id) }
        if !set.isEmpty && low >= 0 && high < 2 * set.count + 1024 {
            var map = [Int32](repeating: -1, count: high + 1)
            var next: Int32 = 0
            return set.map { id in
                if map[id] < 0 { map[id] = next; next += 1 }
                return map[id]
            }
        }
        var index: [Int: Int32] = [:]
        return set.map { id in
            if let c = index[id] { return c }
            let c = Int32(index.count)
            index[id] = c
            return c
        }
    }

    /// The estimator of `c` (ids recoded `0..<G` in order of first appearance; their count
    /// is checked against the observations by the pass that reads them).
    init(_ c: Covariance) throws(RegressionError) {
        kind = c.kind
        lags = max(0, c.lags ?? 0)
        switch c.clusters {
        case .columns(let names)?:
            guard !names.isEmpty else { throw .clustersRequired("no cluster column given") }
            columns = names
        case .ids(let sets)?:
            guard !sets.isEmpty else { throw .clustersRequired("no cluster ids given") }
            ids = sets.map(Self.firstAppearanceCodes)
        case nil:
            if c.kind == .cluster { throw .clustersRequired("no cluster ids given") }
            if c.kind == .driscollKraay && c.time == nil { throw .clustersRequired("Driscoll–Kraay needs a time column") }
            if let t = c.time { columns = [t] }
        }
    }
}
