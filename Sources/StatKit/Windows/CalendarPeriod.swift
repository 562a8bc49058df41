/// The length of a calendar period.
public enum PeriodUnit: String, Sendable, Hashable, CaseIterable {
    /// A calendar month, labelled `2023-01`.
    case month
    /// A calendar quarter (Jan–Mar is Q1), labelled `2023-Q1`.
    case quarter
    /// A calendar year, labelled `2023`.
    case year
}

/// A calendar month, quarter or year, labelled `2023-01`, `2023-Q1` or `2023`.
///
/// Ordering is chronological within one ``unit``; comparing periods of different units
/// orders by unit first and is only meant to make sorting deterministic.
public struct CalendarPeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Month, quarter or year.
    public var unit: PeriodUnit
    /// Calendar year.
    public var year: Int
    /// Month 1–12, quarter 1–4, or 1 for a year.
    public var index: Int

    /// The period of `unit` with the given year and index; `index` must be in range for the unit.
    public init(unit: PeriodUnit, year: Int, index: Int) {
        precondition(index >= 1 && index <= unit.periodsPerYear, "period index out of range")
        self.unit = unit; self.year = year; self.index = index
    }

    /// The period of `unit` containing `day`.
    public init(_ unit: PeriodUnit, containing day: Day) {
        let c = day.civil
        switch unit {
        case .month: self.init(unit: .month, year: c.year, index: c.month)
        case .quarter: self.init(unit: .quarter, year: c.year, index: (c.month - 1) / 3 + 1)
        case .year: self.init(unit: .year, year: c.year, index: 1)
        }
    }

    /// Parses `YYYY-MM`, `YYYY-Qn` (also `YYYYQn`) or `YYYY`; `nil` for anything else.
    public init?(parsing text: String) {
        let b = Array(text.utf8)
        func num(_ s: ArraySlice<UInt8>) -> Int? {
            guard !s.isEmpty else { return nil }
            var v = 0
            for c in s { guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        guard b.count >= 4, let y = num(b[0..<4]) else { return nil }
        if b.count == 4 { self.init(unit: .year, year: y, index: 1); return }
        var rest = b[4...]
        if rest.first == UInt8(ascii: "-") { rest = rest.dropFirst() }
        if let q = rest.first, q == UInt8(ascii: "Q") || q == UInt8(ascii: "q") {
            guard rest.count == 2, let n = num(rest.dropFirst()), (1...4).contains(n) else { return nil }
            self.init(unit: .quarter, year: y, index: n)
            return
        }
        guard b.count == 7, b[4] == UInt8(ascii: "-"), let m = num(rest), (1...12).contains(m) else { return nil }
        self.init(unit: .month, year: y, index: m)
    }

    /// First day of the period.
    public var start: Day {
        switch unit {
        case .month: return Day(year: year, month: index, day: 1)!
        case .quarter: return Day(year: year, month: 3 * index - 2, day: 1)!
        case .year: return Day(year: year, month: 1, day: 1)!
        }
    }

    /// Last day of the period (inclusive).
    public var end: Day { next.start.advanced(by: -1) }

    /// The following period of the same unit.
    public var next: CalendarPeriod { advanced(by: 1) }

    /// Consecutive numbering of the periods of one unit: `year × periodsPerYear + index − 1`,
    /// so `b.ordinal − a.ordinal` is the number of periods from `a` to `b`.
    public var ordinal: Int { year * unit.periodsPerYear + index - 1 }

    /// The same period one year earlier.
    public var previousYear: CalendarPeriod { CalendarPeriod(unit: unit, year: year - 1, index: index) }

    /// The period `n` periods of the same unit later (earlier when `n < 0`).
    public func advanced(by n: Int) -> CalendarPeriod {
        let per = unit.periodsPerYear
        let total = ordinal + n
        let y = Int((Double(total) / Double(per)).rounded(.down))
        return CalendarPeriod(unit: unit, year: y, index: total - y * per + 1)
    }

    /// `2023-01`, `2023-Q1` or `2023`.
    public var description: String {
        let y = Day.pad(year, 4)
        switch unit {
        case .month: return y + "-" + Day.pad(index, 2)
        case .quarter: return y + "-Q\(index)"
        case .year: return y
        }
    }

    /// Same as ``description``.
    public var label: String { description }

    /// Chronological within a unit; across units, months before quarters before years.
    public static func < (a: CalendarPeriod, b: CalendarPeriod) -> Bool {
        if a.unit != b.unit { return a.unit.periodsPerYear < b.unit.periodsPerYear }
        return (a.year, a.index) < (b.year, b.index)
    }
}

extension PeriodUnit {
    /// 12, 4 or 1.
    public var periodsPerYear: Int {
        switch self {
        case .month: return 12
        case .quarter: return 4
        case .year: return 1
        }
    }
}
