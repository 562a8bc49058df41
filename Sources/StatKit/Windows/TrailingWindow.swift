/// A trailing window of calendar time ending on (and including) an evaluation day.
///
/// The window ending on day `d` holds the days in the half-open interval
/// `(lowerBound(endingOn: d), d]`:
/// - ``days(_:)``: `(d − W, d]`, exactly `W` days;
/// - ``months(_:)``: `(d.addingMonths(−M), d]`, where ``Day/addingMonths(_:)`` clamps the day of
///   month (the 3-month window ending 2024-05-31 starts after 2024-02-29).
///
/// For both kinds `lowerBound(endingOn:)` is non-decreasing in `d`, which is what lets a
/// two-pointer sweep over sorted days move both pointers forward only.
public enum TrailingWindow: Sendable, Hashable, CustomStringConvertible {
    /// The `W` days ending on the evaluation day, `W ≥ 1`.
    case days(Int)
    /// The calendar months ending on the evaluation day, `M ≥ 1`.
    case months(Int)

    /// Parses `"90d"` (days) or `"3m"` (calendar months); the count must be a positive
    /// integer without sign or spaces, the unit one lower- or upper-case letter `d` or `m`.
    ///
    /// - Throws: ``TrailingWindowError/invalid(_:)`` for anything else (`"0d"`, `"3w"`, `"d"`, `"1.5m"`).
    public init(parsing text: String) throws(TrailingWindowError) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 2, bytes.count <= 7 else { throw .invalid(text) }
        var n = 0
        for c in bytes.dropLast() {
            guard c >= 48 && c <= 57 else { throw .invalid(text) }
            n = n * 10 + Int(c - 48)
        }
        guard n >= 1 else { throw .invalid(text) }
        switch bytes.last! {
        case UInt8(ascii: "d"), UInt8(ascii: "D"): self = .days(n)
        case UInt8(ascii: "m"), UInt8(ascii: "M"): self = .months(n)
        default: throw .invalid(text)
        }
    }

    /// The exclusive lower bound of the window ending on `d`: the window is `(lowerBound, d]`.
    @inlinable public func lowerBound(endingOn d: Day) -> Day {
        switch self {
        case .days(let w): return d.advanced(by: -w)
        case .months(let m): return d.addingMonths(-m)
        }
    }

    /// Whether `day` lies in the window ending on `end`.
    @inlinable public func contains(_ day: Day, endingOn end: Day) -> Bool {
        day <= end && day > lowerBound(endingOn: end)
    }

    /// The spec in parseable form, `"90d"` or `"3m"`.
    public var description: String {
        switch self {
        case .days(let w): return "\(w)d"
        case .months(let m): return "\(m)m"
        }
    }
}

/// Error parsing a ``TrailingWindow``.
public enum TrailingWindowError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The text is not `<positive integer>d` or `<positive integer>m`.
    case invalid(String)

    /// A message quoting the text and the accepted forms.
    public var description: String {
        switch self {
        case .invalid(let s):
            return "invalid window '\(s)': expected a positive number of days or months such as '90d' or '3m'"
        }
    }
}

/// Which days a rolling statistic is evaluated on.
public enum EvaluationSchedule: String, Sendable, Hashable, CaseIterable {
    /// Every day of the range.
    case daily
    /// The last day of each calendar month whose month end lies in the range.
    case monthEnd

    /// The evaluation days in `from...to`, ascending; empty when `from > to`.
    ///
    /// For ``monthEnd`` a month whose last day is after `to` (the data stops mid-month) is not
    /// evaluated: its window would not have been observed to its end.
    public func days(from: Day, to: Day) -> [Day] {
        guard from <= to else { return [] }
        switch self {
        case .daily:
            return Array(from...to)
        case .monthEnd:
            var out: [Day] = []
            var c = from.civil
            while true {
                let end = Day(year: c.year, month: c.month, day: Day.daysInMonth(year: c.year, month: c.month))!
                if end > to { break }
                out.append(end)
                if c.month == 12 { c = (c.year + 1, 1, 1) } else { c = (c.year, c.month + 1, 1) }
            }
            return out
        }
    }
}
