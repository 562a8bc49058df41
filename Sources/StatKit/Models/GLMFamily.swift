import _CRmath

/// The distribution of a generalized linear model's response.
public enum GLMFamily: Sendable, Hashable, CustomStringConvertible {
    /// Normal errors, identity link: least squares, with the dispersion estimated.
    case gaussian
    /// Counts, log link (rates with an exposure offset: `offset(log(workforce))`).
    case poisson
    /// Overdispersed counts (NB2, variance `μ + μ²/θ`), log link; `theta` `nil` (the
    /// default, `.negativeBinomial()`) estimates θ by maximum likelihood as R's `MASS::glm.nb`.
    case negativeBinomial(theta: Double? = nil)
    /// 0/1 outcomes (or proportions with the number of trials as weights).
    case binomial(link: GLMLink)

    /// `binomial` with the logit link.
    public static let logit = GLMFamily.binomial(link: .logit)
    /// `binomial` with the probit link.
    public static let probit = GLMFamily.binomial(link: .probit)

    /// The link function.
    public var link: GLMLink {
        switch self {
        case .gaussian: return .identity
        case .poisson, .negativeBinomial: return .log
        case .binomial(let l): return l
        }
    }

    /// `gaussian`, `poisson`, `negbin`, `binomial`.
    public var name: String {
        switch self {
        case .gaussian: return "gaussian"
        case .poisson: return "poisson"
        case .negativeBinomial: return "negbin"
        case .binomial: return "binomial"
        }
    }

    public var description: String { "\(name)(\(link.rawValue))" }

    /// Whether the dispersion is fixed at 1 (z statistics) rather than estimated (t).
    var fixedDispersion: Bool { self != .gaussian }
}

/// The link `g` with `g(μ) = η = Xβ + offset`.
public enum GLMLink: String, Sendable, Hashable, CaseIterable {
    case identity, log, logit, probit
}

/// One family with its link and, for the negative binomial, θ: the per-observation
/// functions of iteratively reweighted least squares, with R's `family` objects' guards
/// (so that fits agree with R's `glm` near the edges).
struct GLMModel: Sendable {
    let family: GLMFamily
    let theta: Double

    init(_ family: GLMFamily, theta: Double? = nil) {
        self.family = family
        if case .negativeBinomial(let t) = family { self.theta = theta ?? t ?? 1 } else { self.theta = .infinity }
    }

    static let epsilon = Double.ulpOfOne
    /// R's probit bound: `-qnorm(.Machine$double.eps)`.
    static let probitBound = 8.125890664701906

    func mu(_ eta: Double) -> Double {
        switch family.link {
        case .identity: return eta
        case .log: return max(LibM.exp(eta), Self.epsilon)
        case .logit:
            if eta < -30 { return Self.epsilon }
            if eta > 30 { return 1 - Self.epsilon }
            return 1 / (1 + LibM.exp(-eta))
        case .probit:
            return pnorm5(min(max(eta, -Self.probitBound), Self.probitBound), 0, 1, 1, 0)
        }
    }

    /// `μ` and `dμ/dη` at `η` (one exponential for the log link).
    func meanAndSlope(_ eta: Double) -> (mu: Double, slope: Double) {
        if family.link == .log {
            let m = max(LibM.exp(eta), Self.epsilon)
            return (m, m)
        }
        return (mu(eta), muEta(eta))
    }

    /// `dμ/dη`.
    func muEta(_ eta: Double) -> Double {
        switch family.link {
        case .identity: return 1
        case .log: return max(LibM.exp(eta), Self.epsilon)
        case .logit:
            let a = Swift.abs(eta)
            if a > 30 { return Self.epsilon }
            let e = LibM.exp(-a)
            return e / ((1 + e) * (1 + e))
        case .probit: return max(dnorm4(eta, 0, 1, 0), Self.epsilon)
        }
    }

    func link(_ mu: Double) -> Double {
        switch family.link {
        case .identity: return mu
        case .log: return LibM.log(mu)
        case .logit: return LibM.log(mu / (1 - mu))
        case .probit: return qnorm5(mu, 0, 1, 1, 0)
        }
    }

    /// The Newton (observed-information) working weight and response of one observation,
    /// where they differ from Fisher scoring's and stay positive: the negative binomial's log
    /// link, which is not canonical, so that scoring converges only linearly (and can
    /// oscillate), while with `w = θμ(θ + y)/(θ + μ)²` and `z = η + (y − μ)(θ + μ)/(μ(θ + y))`
    /// the steps are Newton's. `nil` for the other families (canonical links, where the two
    /// coincide, and probit, whose observed weights can be negative).
    func newtonStep(y: Double, mu: Double, eta: Double) -> (w: Double, z: Double)? {
        guard case .negativeBinomial = family else { return nil }
        let t = theta, tm = t + mu
        return (t * mu * (t + y) / (tm * tm), eta + (y - mu) * tm / (mu * (t + y)))
    }

    /// `V(μ)`.
    func variance(_ mu: Double) -> Double {
        switch family {
        case .gaussian: return 1
        case .poisson: return mu
        case .negativeBinomial: return mu + mu * mu / theta
        case .binomial: return mu * (1 - mu)
        }
    }

    /// R's `mustart` for each family (the negative binomial starts from a Poisson fit).
    func start(_ y: Double, weight w: Double) -> Double {
        switch family {
        case .gaussian: return y
        case .poisson: return y + 0.1
        case .negativeBinomial: return y + (y == 0 ? 1.0 / 6 : 0)
        case .binomial: return (w * y + 0.5) / (w + 1)
        }
    }

    /// Whether `y` is a valid response.
    func valid(_ y: Double) -> Bool {
        switch family {
        case .gaussian: return y.isFinite
        case .poisson, .negativeBinomial: return y >= 0 && y.isFinite
        case .binomial: return y >= 0 && y <= 1
        }
    }

    /// The unit deviance `d(y, μ)` (times the prior weight by the caller).
    func deviance(_ y: Double, _ mu: Double) -> Double {
        func ylog(_ a: Double, _ b: Double) -> Double { a == 0 ? 0 : a * LibM.log(a / b) }
        switch family {
        case .gaussian: return (y - mu) * (y - mu)
        case .poisson: return 2 * (ylog(y, mu) - (y - mu))
        case .negativeBinomial:
            return 2 * (y * LibM.log(max(1, y) / mu) - (y + theta) * LibM.log((y + theta) / (mu + theta)))
        case .binomial: return 2 * (ylog(y, mu) + ylog(1 - y, 1 - mu))
        }
    }

    /// The unit deviance with `η` and `log y` (0 for `y = 0`) given: for the log link `log μ`
    /// is `η` (unless `μ` was held at ε), so a pass takes one logarithm per row for the
    /// negative binomial and none for the Poisson model, with `log y` computed once per row
    /// and fit; the other links take the plain form.
    func deviance(_ y: Double, _ mu: Double, eta: Double, logY: Double) -> Double {
        guard family.link == .log else { return deviance(y, mu) }
        let logMu = mu == Self.epsilon ? LibM.log(mu) : eta
        switch family {
        case .poisson: return 2 * ((y == 0 ? 0 : y * (logY - logMu)) - (y - mu))
        case .negativeBinomial:
            return 2 * (y * ((y >= 1 ? logY : 0) - logMu) - (y + theta) * LibM.log((y + theta) / (mu + theta)))
        default: return deviance(y, mu)
        }
    }

    /// The log-likelihood of one observation with prior weight `w` (gaussian: NaN, it needs
    /// the dispersion and is computed from the deviance).
    func logLikelihood(_ y: Double, _ mu: Double, weight w: Double) -> Double {
        likelihoodConstant(y, weight: w) + likelihoodKernel(y, mu, weight: w)
    }

    /// The part of an observation's log-likelihood that does not depend on `μ` (the
    /// log-gamma terms): fitting changes it nowhere, so a fit sums it once per θ over the
    /// distinct responses (``Responses``).
    func likelihoodConstant(_ y: Double, weight w: Double) -> Double {
        switch family {
        case .gaussian: return .nan
        case .poisson: return -w * lgammafn(y + 1)
        case .negativeBinomial:
            let t = theta
            return w * (lgammafn(t + y) - lgammafn(t) - lgammafn(y + 1) + t * LibM.log(t))
        case .binomial:
            // 0/1 outcomes, or proportions of `w` trials (R's binomial aic).
            let m = w, k = (m * y).rounded()
            return lgammafn(m + 1) - lgammafn(k + 1) - lgammafn(m - k + 1)
        }
    }

    /// The part of an observation's log-likelihood that depends on `μ`.
    func likelihoodKernel(_ y: Double, _ mu: Double, weight w: Double) -> Double {
        switch family {
        case .gaussian: return .nan
        case .poisson: return w * (y * LibM.log(mu) - mu)
        case .negativeBinomial:
            return w * (y * LibM.log(mu + (y == 0 ? 1 : 0)) - (theta + y) * LibM.log(theta + mu))
        case .binomial:
            let m = w, k = (m * y).rounded()
            return (k == 0 ? 0 : k * LibM.log(mu)) + (m - k == 0 ? 0 : (m - k) * LibM.log(1 - mu))
        }
    }

    /// The distinct (response, prior weight) pairs of a fit's rows with their counts: the
    /// sums over rows of terms that depend on the response alone (the log-gamma terms of the
    /// likelihood, θ's digamma and trigamma terms) cost one evaluation per distinct pair —
    /// a few hundred for counts — instead of one per row.
    struct Responses: Sendable {
        var y: [Double] = []
        var weight: [Double] = []
        var count: [Double] = []
        /// Rows described.
        var rows = 0

        init(y: [Double], weights: [Double]?) {
            rows = y.count
            struct Key: Hashable { var y: UInt64, w: UInt64 }
            var index: [Key: Int] = [:]
            for i in y.indices {
                let w = weights?[i] ?? 1
                let key = Key(y: y[i].bitPattern, w: w.bitPattern)
                if let g = index[key] { count[g] += 1; continue }
                index[key] = self.y.count
                self.y.append(y[i]); weight.append(w); count.append(1)
            }
        }

        /// `Σ` over the rows of `f(y, w)`.
        func sum(_ f: (Double, Double) -> Double) -> Double {
            var s = 0.0
            for g in y.indices { s += count[g] * f(y[g], weight[g]) }
            return s
        }

        /// The rows' total ``GLMModel/likelihoodConstant(_:weight:)``.
        func likelihoodConstant(_ model: GLMModel) -> Double { sum { model.likelihoodConstant($0, weight: $1) } }
    }

    /// θ beyond which the counts show no overdispersion worth the name (the model is Poisson).
    static let thetaLimit = 1e8

    /// The negative binomial's θ by Newton's method on its profile score (R's
    /// `MASS::theta.ml`), from R's starting value, to convergence; with the observed
    /// information's `1/√i` as its standard error. `responses` (the distinct responses and
    /// weights of `y`, ``Responses``) is computed from `y` when not given; `start` (the last
    /// estimate, while IRLS and θ alternate) replaces R's moment estimate as the first
    /// value: the same root, in fewer steps.
    static func thetaML(y: [Double], mu: [Double], weights: [Double]?, responses: Responses? = nil,
                        from start: Double? = nil) -> (theta: Double, se: Double, iterations: Int) {
        let n = y.count
        let table = responses ?? Responses(y: y, weights: weights)
        var sw = 0.0
        for i in 0..<n { sw += weights?[i] ?? 1 }
        var t: Double
        if let start, start.isFinite, start > 0 {
            t = start
        } else {
            var moment = 0.0
            for i in 0..<n {
                let r = y[i] / mu[i] - 1
                moment += (weights?[i] ?? 1) * r * r
            }
            t = sw / moment
        }
        var info = 1.0, it = 0
        while it < 100 {
            it += 1
            t = Swift.abs(t)
            // The digamma and trigamma terms depend on the response alone: once per distinct one.
            let tt = t
            var score = table.sum { y, w in w * (digamma(tt + y) - digamma(tt)) } + sw * (LibM.log(t) + 1)
            info = table.sum { y, w in w * (-trigamma(tt + y) + trigamma(tt)) } - sw / t
            for i in 0..<n {
                let w = weights?[i] ?? 1, yi = y[i], m = mu[i]
                score -= w * (LibM.log(t + m) + (yi + t) / (m + t))
                info += w * (2 / (m + t) - (yi + t) / ((m + t) * (m + t)))
            }
            let delta = score / info
            let next = t + delta
            // No overdispersion: the likelihood keeps rising as θ → ∞.
            if !next.isFinite || next > thetaLimit || info <= 0 { return (thetaLimit, .nan, it) }
            t = next
            if Swift.abs(delta) <= 1e-12 * max(1, Swift.abs(t)) { break }
        }
        return (max(t, 0), (1 / info).squareRoot(), it)
    }
}
