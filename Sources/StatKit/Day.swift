/// A calendar day in the proleptic Gregorian calendar, stored as the number of days
/// since 1970-01-01 (which is day 0). Dates are civil dates without a time zone: an
/// announcement "on 2024-04-03" is the day 2024-04-03 everywhere.
///
/// Conversions use Howard Hinnant's `days_from_civil` / `civil_from_days` algorithms,
/// exact for every representable day.
public struct Day: Sendable, Hashable, Comparable, Strideable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public var number: Int32

    /// The day with the given serial number (days since 1970-01-01).
    @inlinable public init(number: Int32) { self.number = number }

    /// Years a ``Day`` can hold. Parsed dates have 4-digit years (0000–9999); the range
    /// is much wider so that period arithmetic next to them (the year after 9999-12-31,
    /// the year before 0000-01-01) stays representable.
    public static let yearRange = -999_999...999_999

    /// The day `year-month-day`, or `nil` if no such date exists (month 13, February 30,
    /// a year outside ``yearRange``).
    public init?(year: Int, month: Int, day: Int) {
        guard (1...12).contains(month), day >= 1, day <= Day.daysInMonth(year: year, month: month),
              Day.yearRange.contains(year) else { return nil }
        self.number = Int32(Day.daysFromCivil(year: year, month: month, day: day))
    }

    /// Year, month (1–12) and day of month (1–31).
    public var civil: (year: Int, month: Int, day: Int) { Day.civilFromDays(Int(number)) }
    /// Calendar year.
    public var year: Int { civil.year }
    /// Month, 1–12.
    public var month: Int { civil.month }
    /// Day of month, 1–31.
    public var dayOfMonth: Int { civil.day }
    /// Quarter, 1–4.
    public var quarter: Int { (month - 1) / 3 + 1 }

    /// ISO 8601 `YYYY-MM-DD`.
    public var description: String {
        let c = civil
        return Day.pad(c.year, 4) + "-" + Day.pad(c.month, 2) + "-" + Day.pad(c.day, 2)
    }

    /// Parses ISO `YYYY-MM-DD` or US `M/D/YYYY` (one- or two-digit month and day).
    /// Returns `nil` for anything else, including impossible dates such as `2/30/2024`.
    public init?(parsing text: some StringProtocol) {
        let bytes = Array(text.utf8)
        if let d = Day.parse(bytes[...]) { self = d } else { return nil }
    }

    /// Byte-level parser behind ``init(parsing:)``; accepts `YYYY-MM-DD` and `M/D/YYYY`.
    public static func parse(_ b: ArraySlice<UInt8>) -> Day? {
        b.withUnsafeBufferPointer { parse($0) }
    }

    /// ``parse(_:)-(ArraySlice<UInt8>)`` on bytes in place.
    public static func parse(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        // Digits of b[from..<to] as a number; nil unless 1–4 digits.
        func num(_ from: Int, _ to: Int) -> Int? {
            guard to > from, to - from <= 4 else { return nil }
            var v = 0
            for k in from..<to { let c = b[k]; guard c >= 48 && c <= 57 else { return nil }; v = v * 10 + Int(c - 48) }
            return v
        }
        let n = b.count
        var first = -1, separator: UInt8 = 0
        for k in 0..<n where b[k] == 45 || b[k] == 47 { first = k; separator = b[k]; break }
        guard first >= 0 else { return nil }
        var second = -1
        for k in (first + 1)..<max(first + 1, n) where b[k] == separator { second = k; break }
        guard second >= 0 else { return nil }
        if separator == 45 {
            // YYYY-MM-DD (a slash before the first dash makes this branch fail, as before).
            guard first == 4, (1...2).contains(second - first - 1), (1...2).contains(n - second - 1),
                  let y = num(0, first), let m = num(first + 1, second), let d = num(second + 1, n) else { return nil }
            return Day(year: y, month: m, day: d)
        }
        guard n - second - 1 == 4, (1...2).contains(first), (1...2).contains(second - first - 1),
              let y = num(second + 1, n), let m = num(0, first), let d = num(first + 1, second) else { return nil }
        return Day(year: y, month: m, day: d)
    }

    public static func < (a: Day, b: Day) -> Bool { a.number < b.number }
    public func distance(to other: Day) -> Int { Int(other.number) - Int(number) }
    public func advanced(by n: Int) -> Day { Day(number: number + Int32(n)) }

    /// The same month and day `years` years later (or earlier); February 29 maps to
    /// February 28 in a year that has none.
    public func addingYears(_ years: Int) -> Day {
        let c = civil
        let y = c.year + years
        let d = min(c.day, Day.daysInMonth(year: y, month: c.month))
        return Day(year: y, month: c.month, day: d)!
    }

    /// The same day of month `months` months later (or earlier), clamped to the month's length.
    public func addingMonths(_ months: Int) -> Day {
        let c = civil
        let total = c.year * 12 + (c.month - 1) + months
        let y = Int((Double(total) / 12).rounded(.down)), m = total - y * 12 + 1
        return Day(year: y, month: m, day: min(c.day, Day.daysInMonth(year: y, month: m)))!
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` of `year`.
    public static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: return 31
        case 4, 6, 9, 11: return 30
        case 2: return isLeapYear(year) ? 29 : 28
        default: return 0
        }
    }

    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
        let z = z0 + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let y = yoe + era * 400
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (m <= 2 ? y + 1 : y, m, d)
    }

    static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(abs(v))
        return (v < 0 ? "-" : "") + String(repeating: "0", count: max(0, width - s.count)) + s
    }
}
