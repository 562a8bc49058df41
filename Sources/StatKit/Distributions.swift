import _CRmath

/// Continuous distributions used for inference: normal, Student's t, F and χ².
///
/// Each distribution offers the cumulative distribution function (`cdf`), the survival
/// function (`sf`, computed directly as the upper tail, never as `1 − cdf`, so a p-value
/// of 1e-80 comes out as 1e-80), their logarithms, and the quantile functions
/// (`quantile` for the lower tail, `inverseSF` for the upper tail).
///
/// The numerics are R's own (`libRmath`, Debian's `r-mathlib`), which is what `pt`,
/// `pf`, `pchisq`, `pnorm` and their quantiles in R compute. Arguments outside the
/// domain (negative degrees of freedom, probabilities outside [0, 1]) return NaN,
/// as in R.
public protocol ContinuousDistribution: Sendable {
    /// P(X ≤ x).
    func cdf(_ x: Double) -> Double
    /// P(X > x), computed as an upper tail (accurate far into the tail).
    func sf(_ x: Double) -> Double
    /// log P(X ≤ x).
    func logCDF(_ x: Double) -> Double
    /// log P(X > x).
    func logSF(_ x: Double) -> Double
    /// The x with P(X ≤ x) = p.
    func quantile(_ p: Double) -> Double
    /// The x with P(X > x) = p (accurate for tiny p).
    func inverseSF(_ p: Double) -> Double
}

/// The normal distribution N(mean, sd²).
public struct NormalDistribution: ContinuousDistribution {
    public var mean: Double
    public var standardDeviation: Double
    /// The standard normal by default.
    public init(mean: Double = 0, standardDeviation: Double = 1) {
        self.mean = mean
        self.standardDeviation = standardDeviation
    }
    public func cdf(_ x: Double) -> Double { pnorm5(x, mean, standardDeviation, 1, 0) }
    public func sf(_ x: Double) -> Double { pnorm5(x, mean, standardDeviation, 0, 0) }
    public func logCDF(_ x: Double) -> Double { pnorm5(x, mean, standardDeviation, 1, 1) }
    public func logSF(_ x: Double) -> Double { pnorm5(x, mean, standardDeviation, 0, 1) }
    public func quantile(_ p: Double) -> Double { qnorm5(p, mean, standardDeviation, 1, 0) }
    public func inverseSF(_ p: Double) -> Double { qnorm5(p, mean, standardDeviation, 0, 0) }
}

/// Student's t distribution with `degreesOfFreedom` (> 0, may be fractional).
public struct StudentTDistribution: ContinuousDistribution {
    public var degreesOfFreedom: Double
    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }
    public func cdf(_ x: Double) -> Double { pt(x, degreesOfFreedom, 1, 0) }
    public func sf(_ x: Double) -> Double { pt(x, degreesOfFreedom, 0, 0) }
    public func logCDF(_ x: Double) -> Double { pt(x, degreesOfFreedom, 1, 1) }
    public func logSF(_ x: Double) -> Double { pt(x, degreesOfFreedom, 0, 1) }
    public func quantile(_ p: Double) -> Double { qt(p, degreesOfFreedom, 1, 0) }
    public func inverseSF(_ p: Double) -> Double { qt(p, degreesOfFreedom, 0, 0) }
    /// Two-sided p-value P(|T| ≥ |t|) = 2·sf(|t|).
    public func twoSidedPValue(_ t: Double) -> Double {
        if t.isNaN { return .nan }
        return min(1, 2 * sf(abs(t)))
    }
}

/// Snedecor's F distribution with numerator and denominator degrees of freedom.
public struct FDistribution: ContinuousDistribution {
    public var numeratorDF: Double
    public var denominatorDF: Double
    public init(numeratorDF: Double, denominatorDF: Double) {
        self.numeratorDF = numeratorDF
        self.denominatorDF = denominatorDF
    }
    public func cdf(_ x: Double) -> Double { pf(x, numeratorDF, denominatorDF, 1, 0) }
    public func sf(_ x: Double) -> Double { pf(x, numeratorDF, denominatorDF, 0, 0) }
    public func logCDF(_ x: Double) -> Double { pf(x, numeratorDF, denominatorDF, 1, 1) }
    public func logSF(_ x: Double) -> Double { pf(x, numeratorDF, denominatorDF, 0, 1) }
    /// The x with P(X ≤ x) = p. Uses the Beta form (see ``preciseQuantile(_:)``), not R's
    /// `qf`, which cancels for small lower-tail `p` (qf(1e-10, 1, 10) returns 0, not 1.65e-20).
    public func quantile(_ p: Double) -> Double { preciseQuantile(p) }
    public func inverseSF(_ p: Double) -> Double { preciseInverseSF(p) }
}

/// The χ² distribution with `degreesOfFreedom`.
public struct ChiSquaredDistribution: ContinuousDistribution {
    public var degreesOfFreedom: Double
    public init(degreesOfFreedom: Double) { self.degreesOfFreedom = degreesOfFreedom }
    public func cdf(_ x: Double) -> Double { pchisq(x, degreesOfFreedom, 1, 0) }
    public func sf(_ x: Double) -> Double { pchisq(x, degreesOfFreedom, 0, 0) }
    public func logCDF(_ x: Double) -> Double { pchisq(x, degreesOfFreedom, 1, 1) }
    public func logSF(_ x: Double) -> Double { pchisq(x, degreesOfFreedom, 0, 1) }
    public func quantile(_ p: Double) -> Double { qchisq(p, degreesOfFreedom, 1, 0) }
    public func inverseSF(_ p: Double) -> Double { qchisq(p, degreesOfFreedom, 0, 0) }
}
