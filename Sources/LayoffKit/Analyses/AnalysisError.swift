import StatKit

/// Errors of the analyses and of the in-memory tables they take.
///
/// Every public initialiser of an analysis checks what it is given (``EventTable/validate()``,
/// the workforce, the parameters) and throws one of these rather than stopping the program.
public enum AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The group column does not exist; `available` lists the names that do.
    case unknownGroupColumn(String, available: [String])
    /// A per-event input has a different length from the event table.
    case lengthMismatch(what: String, expected: Int, actual: Int)
    /// A period label could not be parsed.
    case invalidPeriod(String, index: Int)
    /// Periods are not strictly increasing or mix units.
    case periodsOutOfOrder(String, index: Int)
    /// A parameter is out of range.
    case invalidParameter(String)
    /// Entry `index` of column `column` cannot be used; `problem` says why and what is accepted.
    case invalidValue(column: String, index: Int, problem: String)

    /// A message naming the problem and, where it helps, what is accepted.
    public var description: String {
        switch self {
        case .unknownGroupColumn(let n, let av):
            return "no group column named '\(n)'; the group columns are: \(av.joined(separator: ", "))"
        case .lengthMismatch(let w, let e, let a):
            return "\(w) has \(a) entries, expected \(e) (one per event)"
        case .invalidPeriod(let p, let i):
            return "row \(i + 1): invalid period '\(p)' (expected YYYY-MM, YYYY-Qn or YYYY)"
        case .periodsOutOfOrder(let p, let i):
            return "row \(i + 1): period '\(p)' is not after the previous one (periods must be strictly increasing and of one kind)"
        case .invalidParameter(let m):
            return m
        case .invalidValue(let c, let i, let p):
            return "\(c)[\(i)]: \(p)"
        }
    }
}

/// The days the analyses accept: years 1 to 9999, the years the loaders read (`YYYY`). Every
/// period, previous year and window the analyses derive from such a day is a valid ``Day``.
enum SupportedDays {
    static let first = Day(year: 1, month: 1, day: 1)!
    static let last = Day(year: 9999, month: 12, day: 31)!

    static func contains(_ d: Day) -> Bool { d >= first && d <= last }

    /// Throws unless `d` (a parameter called `name`) is a supported day.
    static func check(_ d: Day?, _ name: String) throws(AnalysisError) {
        guard let d, !contains(d) else { return }
        throw .invalidParameter("\(name) \(d) is outside the supported years 0001 to 9999")
    }

    /// Throws unless `window` is at least one day or month and at most 10,000 years long.
    static func check(_ window: TrailingWindow) throws(AnalysisError) {
        switch window {
        case .days(let w) where w >= 1 && w <= 3_652_500: return
        case .months(let m) where m >= 1 && m <= 120_000: return
        default: throw .invalidParameter("window \(window) must be at least 1 and at most 10,000 years long")
        }
    }
}
