/// Errors from descriptive statistics. All are data-dependent and thrown, never trapped.
public enum DescriptiveError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A present value is NaN or ±∞ (`value` is `"nan"`, `"inf"` or `"-inf"`); `index` is
    /// its zero-based position in the input. Missing values must be expressed as `nil` or
    /// through a ``NumericColumn``'s presence mask, never as NaN.
    case nonFiniteValue(index: Int, value: String)
    /// The statistic needs `needed` values but only `available` remain after skipping
    /// `skippedMissing` missing ones.
    case tooFewValues(statistic: String, needed: Int, available: Int, skippedMissing: Int)
    /// A quantile probability outside [0, 1] (or NaN).
    case probabilityOutOfRange(Double)

    /// A one-line message for the user.
    public var description: String {
        switch self {
        case .nonFiniteValue(let i, let v):
            return "value \(v) at index \(i) is not finite (missing values must be nil, not NaN)"
        case .tooFewValues(let s, let needed, let available, let skipped):
            return "\(s) needs at least \(needed) value\(needed == 1 ? "" : "s"), but \(available) "
                + "remain\(available == 1 ? "s" : "") after skipping \(skipped) missing"
        case .probabilityOutOfRange(let p):
            return "quantile probability \(p) is outside [0, 1]"
        }
    }
}

/// Mean and variance accumulated one value at a time by Welford's method, with a shift.
///
/// The first value added becomes the shift `K`; the recurrences run on `x − K`, so data
/// such as `1e9 + noise` do not lose their low digits to the large common offset
/// (for values within a factor of two of `K` the subtraction is exact). The sum of squared
/// deviations follows Welford's update; the mean is additionally carried as a
/// compensated (Neumaier) sum of `x − K`, so it stays within a few ulps of the exact
/// mean even when positive and negative values cancel. Two accumulators can be
/// combined with ``merge(_:)`` (Chan et al.'s parallel formula).
public struct RunningMoments: Sendable, Equatable {
    /// Number of values added.
    public private(set) var count: Int = 0
    private var shift: Double = 0
    /// Welford's running mean of `x − shift`.
    private var shiftedMean: Double = 0
    /// Sum of squared deviations from the mean.
    private var m2: Double = 0
    /// Neumaier-compensated sum of `x − shift`: `sum + compensation`.
    private var sum: Double = 0
    private var compensation: Double = 0

    /// An empty accumulator.
    public init() {}

    /// An accumulator over `values` (which must be finite; this type does not check).
    public init<S: Sequence>(_ values: S) where S.Element == Double {
        for v in values { add(v) }
    }

    private mutating func addToSum(_ d: Double) {
        let t = sum + d
        if abs(sum) >= abs(d) { compensation += (sum - t) + d } else { compensation += (d - t) + sum }
        sum = t
    }

    /// Adds one value (expected finite; NaN or ∞ make the moments NaN or ∞).
    public mutating func add(_ x: Double) {
        if count == 0 { shift = x }
        count += 1
        let d = x - shift
        let delta = d - shiftedMean
        shiftedMean += delta / Double(count)
        m2 += delta * (d - shiftedMean)
        addToSum(d)
    }

    /// Combines another accumulator into this one, as if its values had been added here.
    public mutating func merge(_ other: RunningMoments) {
        guard other.count > 0 else { return }
        guard count > 0 else { self = other; return }
        let n1 = Double(count), n2 = Double(other.count), n = n1 + n2
        // Express the other's values relative to this shift.
        let shiftDifference = other.shift - shift
        let otherMean = shiftDifference + other.shiftedMean
        let delta = otherMean - shiftedMean
        shiftedMean += delta * (n2 / n)
        m2 += other.m2 + delta * delta * (n1 * n2 / n)
        addToSum(other.sum)
        addToSum(other.compensation)
        addToSum(shiftDifference * n2)
        count += other.count
    }

    /// The mean, or `nil` when no value was added.
    public var mean: Double? { count > 0 ? shift + (sum + compensation) / Double(count) : nil }

    /// The sum of squared deviations from the mean (0 for one value, `nil` for none).
    public var sumOfSquaredDeviations: Double? { count > 0 ? m2 : nil }

    /// The sample variance with divisor `n − 1` (as R's `var`, numpy's `ddof=1`, pandas'
    /// default), or `nil` for fewer than two values.
    public var variance: Double? { count > 1 ? m2 / Double(count - 1) : nil }

    /// The population variance with divisor `n`, or `nil` for no values.
    public var populationVariance: Double? { count > 0 ? m2 / Double(count) : nil }
}

/// Quartiles and extremes: minimum, Q1, median, Q3, maximum, the quartiles by R's
/// type-7 rule (as `quantile`/`summary` in R, numpy's and pandas' defaults).
///
/// Note this differs from R's `fivenum`, which uses Tukey's hinges.
public struct FiveNumberSummary: Sendable, Equatable {
    /// Smallest value.
    public var minimum: Double
    /// Type-7 quantile at 1/4.
    public var lowerQuartile: Double
    /// Type-7 quantile at 1/2.
    public var median: Double
    /// Type-7 quantile at 3/4.
    public var upperQuartile: Double
    /// Largest value.
    public var maximum: Double

    /// A summary from its five values.
    public init(minimum: Double, lowerQuartile: Double, median: Double, upperQuartile: Double, maximum: Double) {
        self.minimum = minimum
        self.lowerQuartile = lowerQuartile
        self.median = median
        self.upperQuartile = upperQuartile
        self.maximum = maximum
    }
}

/// The usual descriptive statistics of one sample, with the number of skipped missing values.
public struct DescriptiveSummary: Sendable, Equatable {
    /// Values used (present ones).
    public var count: Int
    /// Missing values skipped.
    public var missingCount: Int
    /// Arithmetic mean.
    public var mean: Double
    /// Sample variance (divisor n − 1); `nil` when `count < 2`.
    public var variance: Double?
    /// Square root of ``variance``; `nil` when `count < 2`.
    public var standardDeviation: Double?
    /// Minimum, type-7 quartiles and maximum.
    public var fiveNumber: FiveNumberSummary
}

/// A sample of finite numbers with its missing values already skipped and counted.
///
/// Construct it from a ``NumericColumn`` (its presence mask marks missing values), from
/// `[Double?]` (`nil` is missing) or from `[Double]` (nothing is missing). In every form a
/// *present* value that is NaN or ±∞ is an error (``DescriptiveError/nonFiniteValue(index:value:)``),
/// not a missing value: NaN is not a way to spell "missing" in StatKit, and silently
/// skipping it would hide upstream bugs such as a division by zero.
///
/// Statistics that need more values than remain throw
/// ``DescriptiveError/tooFewValues(statistic:needed:available:skippedMissing:)``.
public struct NumericSample: Sendable, Equatable {
    /// The present values in input order.
    public let values: [Double]
    /// The present values in ascending order.
    public let sortedValues: [Double]
    /// How many missing values were skipped.
    public let missingCount: Int

    /// A sample from a column; entries not marked present are skipped and counted.
    public init(_ column: NumericColumn) throws(DescriptiveError) {
        var kept: [Double] = []
        kept.reserveCapacity(column.count)
        var missing = 0
        for i in 0..<column.count {
            guard column.isPresent[i] else { missing += 1; continue }
            let v = column.values[i]
            try Self.checkFinite(v, at: i)
            kept.append(v)
        }
        self.init(checked: kept, missing: missing)
    }

    /// A sample from optionals; `nil` entries are skipped and counted.
    public init(_ optionals: [Double?]) throws(DescriptiveError) {
        var kept: [Double] = []
        kept.reserveCapacity(optionals.count)
        var missing = 0
        for (i, o) in optionals.enumerated() {
            guard let v = o else { missing += 1; continue }
            try Self.checkFinite(v, at: i)
            kept.append(v)
        }
        self.init(checked: kept, missing: missing)
    }

    /// A sample with no missing values. NaN or ±∞ anywhere throws.
    public init(_ values: [Double]) throws(DescriptiveError) {
        for (i, v) in values.enumerated() { try Self.checkFinite(v, at: i) }
        self.init(checked: values, missing: 0)
    }

    private init(checked values: [Double], missing: Int) {
        self.values = values
        self.sortedValues = values.sorted()
        self.missingCount = missing
    }

    private static func checkFinite(_ v: Double, at i: Int) throws(DescriptiveError) {
        guard v.isFinite else {
            throw .nonFiniteValue(index: i, value: v.isNaN ? "nan" : (v > 0 ? "inf" : "-inf"))
        }
    }

    private func require(_ needed: Int, for statistic: String) throws(DescriptiveError) {
        if values.count < needed {
            throw .tooFewValues(statistic: statistic, needed: needed, available: values.count, skippedMissing: missingCount)
        }
    }

    /// Number of present values.
    public var count: Int { values.count }

    /// The arithmetic mean (shifted, compensated sum; see ``RunningMoments``). Needs one value.
    public func mean() throws(DescriptiveError) -> Double {
        try require(1, for: "mean")
        return RunningMoments(values).mean!
    }

    /// The sample variance, divisor n − 1 (shifted Welford). Needs two values.
    public func variance() throws(DescriptiveError) -> Double {
        try require(2, for: "variance")
        return RunningMoments(values).variance!
    }

    /// The sample standard deviation, √``variance()``. Needs two values.
    public func standardDeviation() throws(DescriptiveError) -> Double {
        try require(2, for: "standard deviation")
        return RunningMoments(values).variance!.squareRoot()
    }

    /// The smallest value. Needs one value.
    public func minimum() throws(DescriptiveError) -> Double {
        try require(1, for: "minimum")
        return sortedValues[0]
    }

    /// The largest value. Needs one value.
    public func maximum() throws(DescriptiveError) -> Double {
        try require(1, for: "maximum")
        return sortedValues[sortedValues.count - 1]
    }

    /// The type-7 quantile (R's default, numpy's `linear`, pandas' default): with sorted
    /// values x₁ ≤ … ≤ xₙ and h = (n − 1)·p, the result is x₍⌊h⌋₊₁₎ + (h − ⌊h⌋)·(x₍⌊h⌋₊₂₎ − x₍⌊h⌋₊₁₎).
    /// Needs one value; `p` must lie in [0, 1].
    public func quantile(_ p: Double) throws(DescriptiveError) -> Double {
        try require(1, for: "quantile")
        guard p >= 0, p <= 1 else { throw .probabilityOutOfRange(p) }
        return Self.type7(sortedValues, p)
    }

    /// Type-7 quantiles at several probabilities (see ``quantile(_:)``).
    public func quantiles(_ probabilities: [Double]) throws(DescriptiveError) -> [Double] {
        var out: [Double] = []
        out.reserveCapacity(probabilities.count)
        for p in probabilities { out.append(try quantile(p)) }
        return out
    }

    /// The median (type-7 quantile at 1/2: the middle value, or the mean of the two middle values).
    public func median() throws(DescriptiveError) -> Double {
        try require(1, for: "median")
        return Self.type7(sortedValues, 0.5)
    }

    /// Minimum, type-7 quartiles, maximum. Needs one value.
    public func fiveNumberSummary() throws(DescriptiveError) -> FiveNumberSummary {
        try require(1, for: "five-number summary")
        let s = sortedValues
        return FiveNumberSummary(minimum: s[0], lowerQuartile: Self.type7(s, 0.25), median: Self.type7(s, 0.5),
                                 upperQuartile: Self.type7(s, 0.75), maximum: s[s.count - 1])
    }

    /// All of the above at once. Needs one value (variance and sd are `nil` below two).
    public func summary() throws(DescriptiveError) -> DescriptiveSummary {
        try require(1, for: "summary")
        let m = RunningMoments(values)
        return DescriptiveSummary(count: count, missingCount: missingCount, mean: m.mean!, variance: m.variance,
                                  standardDeviation: m.variance.map { $0.squareRoot() },
                                  fiveNumber: try fiveNumberSummary())
    }

    /// Type 7 on sorted, non-empty data.
    static func type7(_ s: [Double], _ p: Double) -> Double {
        let h = Double(s.count - 1) * p
        let lo = Int(h.rounded(.down))
        let hi = Swift.min(lo + 1, s.count - 1)
        let frac = h - Double(lo)
        if frac == 0 || s[hi] == s[lo] { return s[lo] }
        return s[lo] + frac * (s[hi] - s[lo])
    }
}

extension FiveNumberSummary {
    /// The summary of `values` (NaN everywhere when empty), in O(n) without sorting.
    ///
    /// Type 7: with `h = (n − 1)p`, `Q(p) = v₍⌊h⌋₎ + (h − ⌊h⌋)(v₍⌊h⌋+1₎ − v₍⌊h⌋₎)` on the
    /// sorted values `v₍₀₎ ≤ … ≤ v₍ₙ₋₁₎`. Large inputs: a strided sample brackets each needed
    /// order statistic, one pass counts the values below each bracket and collects those
    /// inside, and a selection inside the bracket finishes (full quickselect if a bracket
    /// misses, which only costs time).
    public init(_ values: [Double]) {
        let n = values.count
        guard n > 0 else { self.init(minimum: .nan, lowerQuartile: .nan, median: .nan, upperQuartile: .nan, maximum: .nan); return }
        var mn = values[0], mx = values[0]
        for x in values { if x < mn { mn = x }; if x > mx { mx = x } }
        let ps = [0.25, 0.5, 0.75]
        let ks = ps.map { Int((Double(n - 1) * $0).rounded(.down)) }
        let needed = ks.flatMap { [$0, Swift.min($0 + 1, n - 1)] }
        let stats = Self.orderStatistics(values, needed)
        func q(_ idx: Int) -> Double {
            let h = Double(n - 1) * ps[idx]
            let a = stats[2 * idx], b = stats[2 * idx + 1]
            let frac = h - Double(ks[idx])
            return frac == 0 ? a : a + frac * (b - a)
        }
        self.init(minimum: mn, lowerQuartile: q(0), median: q(1), upperQuartile: q(2), maximum: mx)
    }

    /// The order statistics `v₍ₖ₎` for each `k` in `ranks` (zero-based, ascending).
    static func orderStatistics(_ values: [Double], _ ranks: [Int]) -> [Double] {
        let n = values.count
        if n < 50_000 {
            var v = values
            return ranks.map { k in select(&v, k, 0, n - 1); return v[k] }
        }
        // Strided sample of 16384 values; bracket each rank by ±(4σ + 8) sample positions,
        // σ ≤ √s/2 being the standard deviation of a sample quantile's rank.
        let s = 16_384
        var sample = (0..<s).map { values[Int(Double($0) * Double(n) / Double(s))] }
        let delta = 4 * Int(Double(s).squareRoot() / 2) + 8
        var brackets: [(lo: Double, hi: Double)] = []
        for k in ranks {
            let t = Int(Double(k) / Double(n) * Double(s))
            let i0 = Swift.max(0, t - delta), i1 = Swift.min(s - 1, t + delta + 1)
            select(&sample, i0, 0, s - 1)
            let lo = sample[i0]
            select(&sample, i1, 0, s - 1)
            let hi = sample[i1]
            if let last = brackets.last, lo <= last.hi {
                brackets[brackets.count - 1].hi = Swift.max(last.hi, hi)
            } else {
                brackets.append((lo, hi))
            }
        }
        // Per bracket: one branch-free counting pass and one collecting pass.
        var below = [Int](), inside = [[Double]]()
        values.withUnsafeBufferPointer { pv in
            for br in brackets {
                // Branch-free count of x < lo: the sign bit of x − lo (x = lo gives +0;
                // only x = −0, lo = +0 would differ, and both are the same value).
                var c: UInt64 = 0
                let lo = br.lo
                for x in pv { c &+= (x - lo).bitPattern >> 63 }
                var v: [Double] = []
                v.reserveCapacity(pv.count / 16)
                // One well-predicted test (|x − mid| ≤ half, widened) before the exact one.
                let mid = br.lo / 2 + br.hi / 2
                let half = (br.hi / 2 - br.lo / 2) * (1 + 0x1p-40) + Double.leastNormalMagnitude
                for x in pv where abs(x - mid) <= half {
                    if x >= br.lo && x <= br.hi { v.append(x) }
                }
                below.append(Int(c))
                inside.append(v)
            }
        }
        var full: [Double]? = nil
        return ranks.map { k in
            if let b = (0..<brackets.count).first(where: { below[$0] <= k && k < below[$0] + inside[$0].count }) {
                let r = k - below[b]
                select(&inside[b], r, 0, inside[b].count - 1)
                return inside[b][r]
            }
            // The sample missed (adversarial order): exact fallback.
            if full == nil { full = values }
            select(&full!, k, 0, n - 1)
            return full![k]
        }
    }

    /// Hoare quickselect with median-of-three pivots: afterwards `v[k]` is the k-th
    /// smallest of `v[lo...hi]`, smaller ones before it and larger ones after.
    static func select(_ v: inout [Double], _ k: Int, _ lo: Int, _ hi: Int) {
        var lo = lo, hi = hi
        v.withUnsafeMutableBufferPointer { a in
            while hi > lo {
                let m = lo + (hi - lo) / 2
                if a[m] < a[lo] { a.swapAt(m, lo) }
                if a[hi] < a[lo] { a.swapAt(hi, lo) }
                if a[hi] < a[m] { a.swapAt(hi, m) }
                let pivot = a[m]
                var i = lo, j = hi
                while i <= j {
                    while a[i] < pivot { i += 1 }
                    while a[j] > pivot { j -= 1 }
                    if i <= j { a.swapAt(i, j); i += 1; j -= 1 }
                }
                if k <= j { hi = j } else if k >= i { lo = i } else { return }
            }
        }
    }
}
