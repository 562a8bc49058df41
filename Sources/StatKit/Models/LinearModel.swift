/// Linear models by least squares: ordinary (OLS) and weighted (WLS), from a formula over
/// a table, a CSV file read in blocks, or arrays — R's `lm` and statsmodels' `ols`.
///
/// ```swift
/// let table = try DataTable(csvFile: "cuts.csv")
/// let fit = try LinearModel.fit("log(cut) ~ log(employees) + growth + C(industry)", data: table)
/// print(fit.summary())
/// let b = fit["log(employees)"]!.estimate!
///
/// // Arrays: the intercept is added for you.
/// let simple = try LinearModel.fit(y: y, x: ["log(employees)": le, "growth": g], covariance: .hc3)
///
/// // A file larger than memory, read in blocks (memory does not grow with its length).
/// let big = try LinearModel.fit("y ~ x + C(region)", csvFile: "big.csv", covariance: .cluster("firm"))
/// ```
///
/// Every fit takes the same path (``RegressionResult`` describes the numerics): the rows
/// are folded block by block into the `R` factor of `[X | y]` by LAPACK's blocked QR,
/// refolded in double-double arithmetic when the design's conditioning needs it, and a
/// second pass computes the residuals in double-double, confirms the coefficients by one
/// step of iterative refinement, and accumulates the robust covariances. A table in memory
/// is read in blocks like a file, so no full copy of the design is ever made.
public enum LinearModel {
    /// How the rows are read, and what a fit keeps.
    public struct Options: Sendable {
        /// 2 builds the next block of the design on a second thread while this one folds
        /// the last; the blocks are used in the same order, so the numbers are the same bits.
        public var threads: Int
        /// Rows per block.
        public var blockRows: Int
        /// Keep each row's residual, fitted value and leverage (8 bytes each per row);
        /// `nil`: keep them for a table or arrays in memory, not for a file.
        public var keepRows: Bool?
        /// Compute the residuals' five-number summary (exact quantiles hold every residual
        /// while they are computed, 8 bytes per row); `nil`: when the rows are kept.
        public var residualSummary: Bool?
        /// Further covariance estimators computed in the same pass as the fit's, so that
        /// ``RegressionResult/with(covariance:level:)`` needs no other pass for them.
        public var alsoCompute: [Covariance]
        /// Relative tolerance below which a column's independent part counts as zero
        /// (aliased); `nil`: `max(n, p)·ε`. R's `lm` uses 1e-7.
        public var rankTolerance: Double?

        public init(threads: Int = 1, blockRows: Int = 4096, keepRows: Bool? = nil, residualSummary: Bool? = nil,
                    alsoCompute: [Covariance] = [], rankTolerance: Double? = nil) {
            self.threads = threads
            self.blockRows = blockRows
            self.keepRows = keepRows
            self.residualSummary = residualSummary
            self.alsoCompute = alsoCompute
            self.rankTolerance = rankTolerance
        }
    }

    /// Fits `formula` on a table in memory (listwise deletion of rows missing a used
    /// column, the weights or the cluster column).
    /// - Parameters:
    ///   - formula: the model in Wilkinson–Rogers notation (``Formula``), e.g. `"y ~ x1 + log(x2)"`.
    ///   - data: the table whose columns the formula names.
    ///   - weights: a column of positive weights (WLS).
    ///   - covariance: the estimator of the coefficients' covariance.
    ///   - level: confidence level of the intervals.
    ///   - options: how the rows are read and what the fit keeps.
    public static func fit(_ formula: String, data: DataTable, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: Options = Options()) throws(RegressionError) -> RegressionResult {
        var o = options
        if o.keepRows == nil { o.keepRows = true }
        return try fit(formula, source: DataTableBlockSource(data, blockRows: options.blockRows),
                       weights: weights, covariance: covariance, level: level, options: o)
    }

    /// Fits `formula` on a CSV file read in blocks (see ``CSVBlockSource`` for how cells
    /// are read): memory does not grow with the file's length.
    public static func fit(_ formula: String, csvFile path: String, displayName: String? = nil, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95,
                           options: Options = Options()) throws(RegressionError) -> RegressionResult {
        try fit(formula, source: CSVBlockSource(path: path, name: displayName, blockRows: min(options.blockRows, 8192)),
                weights: weights, covariance: covariance, level: level, options: options)
    }

    /// Fits `formula` on any ``TableBlockSource``; `observer` sees every row of the final
    /// pass (residuals, leverages), as the report's charts and leverage list do.
    public static func fit(_ formula: String, source: some TableBlockSource, weights: String? = nil,
                           covariance: Covariance = .classical, level: Double = 0.95, options: Options = Options(),
                           observer: ResidualObserver? = nil) throws(RegressionError) -> RegressionResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        let parsed: Formula
        do { parsed = try Formula(formula) } catch { throw .formula(error) }
        if let fe = parsed.fixedEffects.first {
            throw .unusableColumn("fixed effects ('| \(fe)') are absorbed by FixedEffectsModel.fit (on the command line: regress, which takes the same formula)")
        }
        if let o = parsed.offsets.first {
            throw .unusableColumn("\(o.text) needs a generalized linear model (GeneralizedLinearModel.fit, or --family): least squares has no offset")
        }
        let estimators = ([covariance] + options.alsoCompute)
        var clusterColumns: [String] = []
        for c in estimators { for name in c.columnsRead where !clusterColumns.contains(name) { clusterColumns.append(name) } }
        let stream = try FormulaStream(formula: parsed, source: source, weights: weights, clusters: clusterColumns)
        return try run(stream, formula: formula, responseName: parsed.response?.text ?? "", weightsColumn: weights,
                       covariance: covariance, level: level, options: options, observer: observer) { stream.exclusions }
    }

    /// Fits `y` on named columns, with an intercept unless `intercept` is `false`
    /// (`fit(y: y, x: ["log(employees)": le, "growth": g])`).
    public static func fit(y: [Double], x: KeyValuePairs<String, [Double]>, intercept: Bool = true,
                           weights: [Double]? = nil, covariance: Covariance = .classical, level: Double = 0.95,
                           options: Options = Options()) throws(RegressionError) -> RegressionResult {
        var columns = x.map(\.value), names = x.map(\.key)
        for (name, c) in zip(names, columns) where c.count != y.count {
            throw .dimensionMismatch("column '\(name)' has \(c.count) values, the response has \(y.count)")
        }
        if intercept {
            columns.insert([Double](repeating: 1, count: y.count), at: 0)
            names.insert("(Intercept)", at: 0)
        }
        guard !columns.isEmpty else { throw .emptyDesign }
        return try fit(y: y, design: Matrix(columns: columns), names: names, hasIntercept: intercept, weights: weights,
                       covariance: covariance, level: level, options: options)
    }

    /// Fits `y` on a design matrix as given (no column added).
    /// - Parameters:
    ///   - y: the response, one value per row of `design`.
    ///   - design: the `n × p` design matrix.
    ///   - names: one per column (default `x1, x2, …`).
    ///   - hasIntercept: whether a column is constant (centred `R²`, `F` without it).
    ///   - lowOrder: the design's low-order part, `design + lowOrder` being the exact design
    ///     (e.g. powers `x^k` formed in double-double); lets ill-conditioned polynomial
    ///     designs keep their digits.
    ///   - weights: positive weights, one per row (WLS).
    ///   - covariance: the estimator of the coefficients' covariance.
    ///   - level: confidence level of the intervals.
    ///   - options: how the rows are read and what the fit keeps.
    public static func fit(y: [Double], design: Matrix, names: [String]? = nil, hasIntercept: Bool,
                           lowOrder: Matrix? = nil, weights: [Double]? = nil, covariance: Covariance = .classical,
                           level: Double = 0.95, options: Options = Options()) throws(RegressionError) -> RegressionResult {
        guard level > 0 && level < 1 else { throw .invalidLevel(level) }
        let n = design.rows, p = design.columns
        guard p > 0 else { throw .emptyDesign }
        guard n > 0 else { throw .noObservations }
        guard y.count == n else { throw .dimensionMismatch("response has \(y.count) values, design has \(n) rows") }
        let names = names ?? (1...p).map { "x\($0)" }
        guard names.count == p else { throw .dimensionMismatch("\(names.count) column names for \(p) columns") }
        if let lo = lowOrder, lo.rows != n || lo.columns != p {
            throw .dimensionMismatch("low-order design is \(lo.rows)×\(lo.columns), design is \(n)×\(p)")
        }
        for j in 0..<p {
            for i in 0..<n where !design[i, j].isFinite { throw .nonFinite(column: names[j], row: i, value: design[i, j]) }
            if let lo = lowOrder { for i in 0..<n where !lo[i, j].isFinite { throw .nonFinite(column: names[j], row: i, value: lo[i, j]) } }
        }
        for i in 0..<n where !y[i].isFinite { throw .nonFinite(column: "response", row: i, value: y[i]) }
        if let w = weights {
            guard w.count == n else { throw .dimensionMismatch("\(w.count) weights for \(n) rows") }
            for i in 0..<n where !(w[i] > 0 && w[i].isFinite) { throw .nonPositiveWeight(row: i, value: w[i]) }
        }
        if let c = covariance.columnsRead.first {
            throw .clustersRequired("a fit from arrays has no column '\(c)'; give one id per observation with .cluster(ids)")
        }
        var o = options
        if o.keepRows == nil { o.keepRows = true }
        let stream = MatrixStream(x: design, low: lowOrder, y: y, weights: weights, names: names, hasIntercept: hasIntercept)
        return try run(stream, formula: nil, responseName: "y", weightsColumn: weights == nil ? nil : "weights",
                       covariance: covariance, level: level, options: o, observer: nil) {
            RowExclusions(totalRows: n, reasons: [])
        }
    }

    /// The fit of every entry point: the engine's passes, then the result.
    /// `dispersion` fixes the scale of the classical covariance (a generalized linear
    /// model's φ) and `normal` makes t and F reference distributions normal and χ² (z tests).
    static func run(_ stream: some DesignStream, formula: String?, responseName: String, weightsColumn: String?,
                    covariance: Covariance, level: Double, options: Options, observer: ResidualObserver?,
                    dispersion: Double? = nil, normal: Bool = false, absorbed: Int = 0, absorbedNested: Int = 0,
                    exclusions: () -> RowExclusions) throws(RegressionError) -> RegressionResult {
        var covariances: [Covariance] = []
        for c in [covariance] + options.alsoCompute where c.kind != .classical && !covariances.contains(c) { covariances.append(c) }
        let keep = options.keepRows ?? false
        let rows = keep || options.residualSummary == true ? RowCollector(all: keep) : nil
        let both = Observers(rows, observer)
        var request = LeastSquaresEngine.Request(leverage: keep, tolerance: options.rankTolerance, threads: max(1, options.threads))
        for c in covariances { request.estimators.append(try LeastSquaresEngine.Estimator(c)) }
        let outcome = try LeastSquaresEngine.run(stream, request, observer: both.isEmpty ? nil : both)
        let summary = rows.map { FiveNumberSummary($0.rows.whitened) }
        var kept = keep ? rows?.rows : nil
        kept?.whitened = []
        let state = FitState(outcome: outcome, stream: stream, threads: request.threads, formula: formula,
                             responseName: responseName, exclusions: exclusions(), weightsColumn: weightsColumn,
                             meats: Array(zip(covariances, outcome.meats)), rows: kept, residualSummary: summary,
                             dispersion: dispersion, normal: normal, absorbed: absorbed, absorbedNestedInClusters: absorbedNested)
        return try RegressionResult(state: state, covariance: covariance, meat: state.meat(for: covariance), level: level)
    }
}

/// Collects the last pass's per-row values for a result that keeps its rows (`all`), or
/// only the whitened residuals for their five-number summary.
final class RowCollector: ResidualObserver, @unchecked Sendable {
    let all: Bool
    private(set) var rows = KeptRows(residuals: [], fitted: [], leverages: [], whitened: [])
    init(all: Bool) { self.all = all }
    func restart(observations: Int, rank: Int) {
        rows = KeptRows(residuals: [], fitted: [], leverages: [], whitened: [])
        rows.whitened.reserveCapacity(observations)
    }
    func observe(_ r: ResidualRows) {
        rows.whitened.append(contentsOf: r.whitened)
        guard all else { return }
        rows.residuals.append(contentsOf: r.residuals)
        for i in r.y.indices { rows.fitted.append(r.y[i] - r.residuals[i]) }
        rows.leverages.append(contentsOf: r.leverages)
    }
}

/// Two observers as one.
final class Observers: ResidualObserver {
    let first: ResidualObserver?
    let second: ResidualObserver?
    init(_ a: ResidualObserver?, _ b: ResidualObserver?) { first = a; second = b }
    var isEmpty: Bool { first == nil && second == nil }
    func restart(observations: Int, rank: Int) {
        first?.restart(observations: observations, rank: rank)
        second?.restart(observations: observations, rank: rank)
    }
    func observe(_ r: ResidualRows) { first?.observe(r); second?.observe(r) }
}
