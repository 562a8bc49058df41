/// A fitted generalized linear model (``GeneralizedLinearModel``): the coefficients with
/// their inference (z tests for the families with a fixed dispersion), and the likelihood
/// statistics (R's `summary.glm`, statsmodels' `GLMResults`).
public struct GLMResult: Sendable {
    /// The final IRLS step as a least-squares fit: coefficients, covariance, tests
    /// (``RegressionResult/test(_:)``), kept and aliased terms. Its R², F and likelihood are
    /// the working regression's; the model's are this result's ``logLikelihood``,
    /// ``aic``, ``deviance`` and ``pseudoRSquared``.
    public private(set) var fit: RegressionResult
    /// The family and link.
    public let family: GLMFamily
    /// Deviance `Σ wᵢ d(yᵢ, μᵢ)`.
    public let deviance: Double
    /// Deviance of the null model (intercept and offset only).
    public let nullDeviance: Double
    /// Pearson's `Σ wᵢ (yᵢ − μᵢ)²/V(μᵢ)`.
    public let pearsonChiSquared: Double
    /// The dispersion φ (1 for Poisson, negative binomial and binomial; the Pearson χ² per
    /// residual degree of freedom for the gaussian).
    public let dispersion: Double
    /// Log-likelihood at the estimates.
    public let logLikelihood: Double
    /// Log-likelihood of the null model.
    public let nullLogLikelihood: Double
    /// `−2ℓ + 2·p` with `p` the estimated parameters (θ and the gaussian's σ counted, as R).
    public let aic: Double
    /// `−2ℓ + log(n)·p`.
    public let bic: Double
    /// McFadden's `1 − ℓ/ℓ₀`.
    public let pseudoRSquared: Double
    /// The negative binomial's θ (variance `μ + μ²/θ`), estimated or given.
    public let theta: Double?
    /// θ's standard error when it was estimated.
    public let thetaStandardError: Double?
    /// IRLS steps made (all θ rounds included).
    public let iterations: Int
    /// Whether IRLS converged.
    public let converged: Bool
    /// A negative binomial with θ estimated: the Pearson χ² of the Poisson fit it started
    /// from (over `n − rank` it shows how overdispersed the counts are).
    package var poissonPearsonChiSquared: Double? = nil
    /// Notes for a summary.
    public let notes: [String]

    /// One row per design column; aliased terms have `nil` estimates.
    public var coefficients: [Coefficient] { fit.coefficients }
    /// The coefficient of `term`.
    public subscript(term: String) -> Coefficient? { fit[term] }
    /// Number of observations.
    public var n: Int { fit.n }
    /// The link.
    public var link: GLMLink { family.link }

    init(fit: RegressionResult, family: GLMFamily, model: GLMModel, totals: GLMStream.Totals,
         theta: (value: Double, se: Double)?, iterations: Int, converged: Bool, hasIntercept: Bool,
         hasOffset: Bool) throws(RegressionError) {
        self.fit = fit
        self.family = family
        deviance = totals.deviance
        nullDeviance = totals.nullDeviance
        pearsonChiSquared = totals.pearson
        let n = Double(fit.n), k = Double(fit.rank)
        var params = k
        switch family {
        case .gaussian:
            dispersion = totals.pearson / (n - k)
            // Gaussian: ℓ = −n/2·(log(2π·RSS/n) + 1) + ½Σ log w, σ counted as a parameter.
            logLikelihood = fit.logLikelihood
            let nullRSS = totals.nullDeviance
            nullLogLikelihood = -n / 2 * (LibM.log(2 * Double.pi * nullRSS / n) + 1) + 0.5 * fit.state.outcome.sumLogWeights
            params += 1
        case .negativeBinomial(let given):
            dispersion = 1
            logLikelihood = totals.logLikelihood
            nullLogLikelihood = totals.nullLogLikelihood
            if given == nil { params += 1 }
        default:
            dispersion = 1
            logLikelihood = totals.logLikelihood
            nullLogLikelihood = totals.nullLogLikelihood
        }
        aic = -2 * logLikelihood + 2 * params
        bic = -2 * logLikelihood + LibM.log(n) * params
        pseudoRSquared = 1 - logLikelihood / nullLogLikelihood
        self.theta = theta?.value ?? { if case .negativeBinomial(let t) = family { return t } else { return nil } }()
        thetaStandardError = theta?.se
        self.iterations = iterations
        self.converged = converged
        var notes: [String] = []
        if !converged {
            notes.append("IRLS did not converge in \(GeneralizedLinearModel.maxIterations) steps: the estimates are the last step's and may not be the maximum of the likelihood.")
        }
        if let t = theta?.value, t >= GLMModel.thetaLimit {
            notes.append("The counts show no overdispersion: θ's likelihood rises without bound (θ → ∞), so the negative binomial is the Poisson model; its standard error is undefined.")
        }
        if totals.atBoundary > 0 {
            switch family {
            case .binomial:
                notes.append("\(totals.atBoundary) fitted probabilit\(totals.atBoundary == 1 ? "y is" : "ies are") numerically 0 or 1: the outcome is (quasi-)separated by the regressors, so some estimates and their standard errors are unreliable.")
            default:
                notes.append("\(totals.atBoundary) fitted mean\(totals.atBoundary == 1 ? " is" : "s are") numerically 0: a group of zero counts pushes a coefficient towards −∞ (separation), so its estimate and standard error are unreliable.")
            }
        }
        self.notes = notes
        if case .binomial = family, totals.perfectlyPredicted == totals.rows {
            throw .unusableColumn("perfect separation: the regressors predict every outcome exactly, so the maximum-likelihood estimates do not exist (they are infinite)")
        }
    }

    /// The same fit with another covariance estimator (one more pass over the rows for a robust one).
    public func with(covariance: Covariance, level: Double? = nil) throws(RegressionError) -> GLMResult {
        var r = self
        r.fit = try fit.with(covariance: covariance, level: level)
        return r
    }
}
