/// What a regression summary prints, whether the model was fitted in memory
/// (``RegressionResult``) or streamed (``StreamingRegressionResult``).
///
/// A renderer written against this protocol prints both kinds the same way; the only
/// statistic a streamed fit may lack is the residual five-number summary
/// (``residualFiveNumberSummary`` is then `nil`).
public protocol RegressionStatistics: Sendable {
    /// One row per design column, in column order; aliased terms have `nil` estimates.
    var coefficients: [Coefficient] { get }
    /// Number of observations.
    var n: Int { get }
    /// Numerical rank.
    var rank: Int { get }
    /// `rank − 1` with an intercept, `rank` without.
    var dfModel: Int { get }
    /// `n − rank`.
    var dfResidual: Int { get }
    /// `R²` (centred with an intercept).
    var rSquared: Double { get }
    /// Adjusted `R²`.
    var adjustedRSquared: Double { get }
    /// Whether `R²` is uncentered (no intercept).
    var isUncentered: Bool { get }
    /// Residual standard deviation.
    var sigma: Double { get }
    /// Overall F (classical) or Wald statistic (robust).
    var fStatistic: Double { get }
    /// Its upper-tail probability.
    var fPValue: Double { get }
    /// Gaussian log-likelihood.
    var logLikelihood: Double { get }
    /// Akaike's information criterion.
    var aic: Double { get }
    /// Schwarz's Bayesian information criterion.
    var bic: Double { get }
    /// Condition number of the (whitened) design.
    var conditionNumber: Double { get }
    /// Durbin–Watson statistic of the whitened residuals.
    var durbinWatson: Double { get }
    /// Residual five-number summary, `nil` when it was not computed.
    var residualFiveNumberSummary: FiveNumberSummary? { get }
    /// Covariance of the kept coefficients.
    var covarianceMatrix: Matrix { get }
    /// Estimator behind ``covarianceMatrix``.
    var covarianceType: CovarianceType { get }
    /// Aliased terms (no estimate).
    var droppedTerms: [String] { get }
    /// Confidence level of the intervals.
    var level: Double { get }
    /// Number of clusters for the cluster-robust covariance.
    var clusterCount: Int? { get }
    /// Notes for a summary (unnumbered).
    var notes: [String] { get }
    /// Whether the extended-precision factorization was needed.
    var usedExtendedPrecision: Bool { get }
    /// Terms with estimates (the rows and columns of ``covarianceMatrix``).
    var keptTerms: [String] { get }
}

extension RegressionResult: RegressionStatistics {
    /// ``residualSummary``, always computed in memory.
    public var residualFiveNumberSummary: FiveNumberSummary? { residualSummary }
}

/// The inference of a streamed least-squares fit (``StreamingFit``): the statistics of
/// ``RegressionResult`` except the per-observation ones (residuals, fitted values,
/// leverages), which a fit in `O(p²)` memory does not keep.
///
/// The residual five-number summary is present only when the second pass stored the
/// residuals (``ResidualAccumulator`` with `keepResiduals`; `8n` bytes): exact quantiles
/// need every residual. Durbin–Watson is always there (from the differenced factor of
/// ``QRAccumulator``), unless the accumulator was made without it (then NaN).
public struct StreamingRegressionResult: RegressionStatistics {
    /// One row per design column, in column order; aliased terms have `nil` estimates.
    public let coefficients: [Coefficient]
    /// Number of observations.
    public let n: Int
    /// Numerical rank.
    public let rank: Int
    /// `rank − 1` with an intercept, `rank` without.
    public let dfModel: Int
    /// `n − rank`.
    public let dfResidual: Int
    /// `1 − RSS/TSS`, TSS centred (weighted mean) with an intercept; NaN when TSS = 0.
    public let rSquared: Double
    /// `1 − (n − c)/(n − rank)·(1 − R²)`.
    public let adjustedRSquared: Double
    /// Whether `R²` is uncentered (no intercept).
    public let isUncentered: Bool
    /// `σ̂ = √(RSS/(n − rank))`.
    public let sigma: Double
    /// Classical F, or the Wald statistic under a robust covariance.
    public let fStatistic: Double
    /// Upper tail of `F(q, df)` at ``fStatistic``.
    public let fPValue: Double
    /// `−n/2·(log 2π + log(RSS/n) + 1) + ½Σ log wᵢ`.
    public let logLikelihood: Double
    /// `−2ℓ + 2·rank`.
    public let aic: Double
    /// `−2ℓ + log(n)·rank`.
    public let bic: Double
    /// `σ_max/σ_min` of the whitened design, all columns.
    public let conditionNumber: Double
    /// `Σ(ẽᵢ − ẽᵢ₋₁)²/Σẽᵢ²` over the rows in the order they were added.
    public let durbinWatson: Double
    /// Five-number summary of the whitened residuals, when the second pass kept them.
    public let residualSummary: FiveNumberSummary?
    /// Covariance of the kept coefficients (`rank × rank`).
    public let covarianceMatrix: Matrix
    /// Estimator behind ``covarianceMatrix``.
    public let covarianceType: CovarianceType
    /// Aliased terms (no estimate).
    public let droppedTerms: [String]
    /// Confidence level of the intervals.
    public let level: Double
    /// Number of clusters `G` for the cluster-robust covariance, else `nil`.
    public let clusterCount: Int?
    /// Notes for a summary (unnumbered), as ``RegressionResult/notes``.
    public let notes: [String]
    /// Whether the rank decision needed the extended-precision factorization.
    public let usedExtendedPrecision: Bool
    /// Terms with estimates, in column order.
    public let keptTerms: [String]

    /// ``residualSummary``.
    public var residualFiveNumberSummary: FiveNumberSummary? { residualSummary }

    /// Degrees of freedom of the t and F reference distributions (`n − rank`, or `G − 1`).
    public var inferenceDegreesOfFreedom: Int {
        covarianceType == .cluster ? (clusterCount ?? 1) - 1 : dfResidual
    }
}
