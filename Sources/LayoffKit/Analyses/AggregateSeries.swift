import StatKit

/// One period of an aggregate (JOLTS-style) layoff series.
public struct AggregateRateRow: Sendable, Equatable {
    /// The period.
    public var period: CalendarPeriod
    /// Layoffs in the period, `nil` when missing.
    public var layoffs: Double?
    /// Employment in the period, `nil` when missing.
    public var employment: Double?
    /// `layoffs / employment × 100`; `nil` when either is missing or employment is 0.
    public var rate: Double?
    /// Trailing moving averages of ``rate``, one per entry of ``AggregateRateSeries/windows``.
    public var movingAverages: [Double?]

    /// A row from its fields.
    public init(period: CalendarPeriod, layoffs: Double?, employment: Double?, rate: Double?, movingAverages: [Double?]) {
        self.period = period; self.layoffs = layoffs; self.employment = employment
        self.rate = rate; self.movingAverages = movingAverages
    }
}

/// An aggregate layoff-rate series from rows `period,layoffs,employment` (a period's rate is
/// layoffs / employment × 100), with k-period trailing moving averages of the rate.
///
/// Moving-average convention: the k-period average at period `t` is the arithmetic mean of
/// the rates of the k consecutive calendar periods ending at `t`, and it is `nil` unless all
/// k periods are present in the input with a defined rate. A gap (a calendar period absent
/// from the input) or a period without a rate therefore breaks the average: it is `nil`
/// until k consecutive periods with rates have been seen again. Averages are never taken
/// across a gap, so a 3-month average always means three adjacent months.
public struct AggregateRateSeries: Sendable, Equatable {
    /// Moving-average lengths, in input order.
    public var windows: [Int]
    /// One row per input period, in input order.
    public var rows: [AggregateRateRow]

    /// Builds the series.
    ///
    /// - Parameters:
    ///   - periods: period labels, `YYYY-MM`, `YYYY-Qn` or `YYYY`, all of one kind, strictly increasing.
    ///   - layoffs: layoffs per period (`nil` missing).
    ///   - employment: employment per period (`nil` missing).
    ///   - movingAverages: window lengths k ≥ 1.
    /// - Throws: ``AnalysisError/invalidPeriod(_:index:)``, ``AnalysisError/periodsOutOfOrder(_:index:)``,
    ///   ``AnalysisError/lengthMismatch(what:expected:actual:)``, ``AnalysisError/invalidParameter(_:)``.
    public init(periods: [String], layoffs: [Double?], employment: [Double?], movingAverages: [Int] = []) throws(AnalysisError) {
        guard layoffs.count == periods.count else {
            throw .lengthMismatch(what: "layoffs", expected: periods.count, actual: layoffs.count)
        }
        guard employment.count == periods.count else {
            throw .lengthMismatch(what: "employment", expected: periods.count, actual: employment.count)
        }
        if let k = movingAverages.first(where: { $0 < 1 }) {
            throw .invalidParameter("moving-average length must be at least 1, got \(k)")
        }
        var parsed: [CalendarPeriod] = []
        parsed.reserveCapacity(periods.count)
        for (i, label) in periods.enumerated() {
            guard let p = CalendarPeriod(parsing: label) else { throw .invalidPeriod(label, index: i) }
            if let last = parsed.last, last.unit != p.unit || !(last < p) { throw .periodsOutOfOrder(label, index: i) }
            parsed.append(p)
        }
        windows = movingAverages
        let rates: [Double?] = (0..<periods.count).map { i in
            guard let l = layoffs[i], let e = employment[i], e != 0 else { return nil }
            return l / e * 100
        }
        // run[i]: number of consecutive adjacent periods ending at i that all have a rate.
        var run = Array(repeating: 0, count: periods.count)
        for i in periods.indices where rates[i] != nil {
            run[i] = (i > 0 && parsed[i - 1].next == parsed[i]) ? run[i - 1] + 1 : 1
        }
        rows = (0..<periods.count).map { i in
            let mas: [Double?] = movingAverages.map { k in
                guard run[i] >= k else { return nil }
                var s = 0.0
                for j in (i - k + 1)...i { s += rates[j]! }
                return s / Double(k)
            }
            return AggregateRateRow(period: parsed[i], layoffs: layoffs[i], employment: employment[i],
                                    rate: rates[i], movingAverages: mas)
        }
    }
}
