/// A linear model fitted from a formula and a table: the design that was built, the
/// rows it used, and the result (R's `lm(formula, data)` followed by `summary`).
///
/// ```swift
/// let table = try DataTable(csvFile: "cuts.csv")
/// let fit = try FormulaFit(formula: "log(cut) ~ log(employees) + growth",
///                          data: table, covariance: .hc3)
/// print(fit.result.coefficients)
/// ```
public struct FormulaFit: Sendable {
    /// Why a formula fit failed.
    public enum Failure: Error, Sendable, CustomStringConvertible {
        /// The formula or the data do not make a design.
        case design(ModelFrameError)
        /// The least-squares fit or its inference failed.
        case regression(any Error & Sendable)
        /// The weights or cluster column is unusable.
        case column(String)

        public var description: String {
            switch self {
            case .design(let e): return e.description
            case .regression(let e): return "\(e)"
            case .column(let m): return m
            }
        }
    }

    /// The formula as given.
    public let formula: String
    /// The design matrix, the response and the rows used.
    public let design: DesignMatrix
    /// Coefficients and inference.
    public let result: RegressionResult
    /// Name of the weights column, if any.
    public let weightsColumn: String?
    /// Name of the cluster column, if any.
    public let clusterColumn: String?

    /// Builds the design of `formula` over `data` (listwise deletion of rows missing any
    /// used column, the weights or the cluster column) and fits it.
    ///
    /// - Parameters:
    ///   - covariance: The covariance estimator named in the output.
    ///   - cluster: Column defining clusters (text or numeric), required for `.cluster`.
    ///   - weights: Column of positive WLS weights.
    ///   - level: Confidence level of the intervals.
    public init(formula: String, data: DataTable, covariance: CovarianceType = .classical,
                cluster: String? = nil, weights: String? = nil, level: Double = 0.95) throws(Failure) {
        if covariance == .cluster && cluster == nil {
            throw .column("cluster-robust standard errors need a cluster column")
        }
        let also = [weights, cluster].compactMap { $0 }
        let design: DesignMatrix
        do { design = try DesignMatrix(formula: formula, data: data, alsoRequire: also) } catch { throw .design(error) }
        var w: [Double]?
        if let weights {
            guard case .numeric(let col)? = data.column(named: weights) else {
                throw .column("the weights column '\(weights)' must be numeric")
            }
            w = design.keptRows.map { col.values[$0] }
        }
        var clusters: [Int32]?
        if let cluster, covariance == .cluster {
            guard let column = data.column(named: cluster) else {
                throw .column("no cluster column '\(cluster)'; the columns are: \(data.names.joined(separator: ", "))")
            }
            clusters = Self.clusterCodes(column, rows: design.keptRows)
        }
        do {
            let model = try LinearRegression(design: design.x, response: design.y, termNames: design.termNames,
                                             hasIntercept: design.formula.hasIntercept, weights: w,
                                             designLowOrder: design.lowOrder)
            self.result = try model.fit(covariance: covariance, clusters: clusters, level: level)
        } catch {
            throw .regression(error)
        }
        self.formula = formula
        self.design = design
        self.weightsColumn = weights
        self.clusterColumn = covariance == .cluster ? cluster : nil
    }

    /// Cluster ids `0, 1, …` in order of first appearance for the values of `column` at
    /// `rows` (text by level, numbers by value); missing values form no special cluster,
    /// since listwise deletion has already removed them.
    public static func clusterCodes(_ column: Column, rows: [Int]) -> [Int32] {
        func recode<K: Hashable>(_ key: (Int) -> K) -> [Int32] {
            var ids: [K: Int32] = [:]
            return rows.map { r in
                let k = key(r)
                if let id = ids[k] { return id }
                let id = Int32(ids.count)
                ids[k] = id
                return id
            }
        }
        switch column {
        case .text(let c): return recode { c.codes[$0] }
        case .numeric(let c): return recode { c.values[$0] }
        }
    }
}
