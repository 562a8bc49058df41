/// How a data-loading failure should be reported to a shell: the `sysexits(3)` category.
///
/// Command-line tools map a thrown error to its ``exitCode``: bad content is
/// `EX_DATAERR` (65), an input that cannot be opened is `EX_NOINPUT` (66), and a read
/// that fails midway is `EX_IOERR` (74).
public enum DataErrorCategory: Sendable, Equatable, CaseIterable {
    /// The input is malformed or holds invalid values (`EX_DATAERR`, 65).
    case dataError
    /// The input file does not exist or cannot be opened (`EX_NOINPUT`, 66).
    case cannotOpenInput
    /// Reading the input failed after it was opened (`EX_IOERR`, 74).
    case ioError

    /// The `sysexits(3)` exit status for this category.
    public var exitCode: Int32 {
        switch self {
        case .dataError: return 65
        case .cannotOpenInput: return 66
        case .ioError: return 74
        }
    }
}

/// One invalid value in a data file, located precisely enough to fix it by hand.
///
/// `description` reads like a compiler diagnostic:
///
///     events.csv:17:4 (date): "2/30/2024" is not a date; expected M/D/YYYY or YYYY-MM-DD
///
/// that is `file:line:column (columnName): "value" issue; expected expected`. `line` is
/// the physical line where the record starts (header = line 1); `column` is the 1-based
/// field number in the file (0 when the problem concerns the whole record, in which
/// case the column, its name and the value are left out: `events.csv:9: record has 3
/// fields; expected 11 as in the header`). When `expected` is empty the
/// `; expected ...` part is left out.
public struct DataProblem: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// File name as given by the caller (a path or a display name).
    public var file: String
    /// Physical line where the record starts (header = line 1).
    public var line: Int
    /// 1-based field number in the file; 0 for a problem with the whole record.
    public var column: Int
    /// Header name of the column (empty for a whole-record problem).
    public var columnName: String
    /// The offending value as it appears in the file (after CSV unquoting).
    public var value: String
    /// What is wrong, phrased to follow the quoted value: `is not a date`.
    public var issue: String
    /// What would have been accepted: `M/D/YYYY or YYYY-MM-DD`.
    public var expected: String
    /// A short stable key for counting problems by kind, such as `invalid date`.
    public var reason: String

    /// A problem with every part given explicitly.
    public init(file: String, line: Int, column: Int, columnName: String, value: String,
                issue: String, expected: String, reason: String) {
        self.file = file
        self.line = line
        self.column = column
        self.columnName = columnName
        self.value = value
        self.issue = issue
        self.expected = expected
        self.reason = reason
    }

    public var description: String {
        var s = "\(file):\(line)"
        if column > 0 {
            s += ":\(column) (\(columnName)): \"\(value)\" \(issue)"
        } else {
            s += ": \(issue)"
        }
        if !expected.isEmpty { s += "; expected \(expected)" }
        return s
    }
}
