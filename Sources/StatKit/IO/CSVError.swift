/// A malformed CSV file, or one that cannot be read, located by file, physical line and
/// 1-based field number.
///
/// `description` formats:
///
///     cannot open FILE: REASON
///     cannot read FILE: REASON
///     FILE: the file is UTF-16 (little-endian), not UTF-8; convert it first: iconv -f UTF-16 -t UTF-8 FILE > FILE-utf8.csv
///     FILE: the file is empty; expected a header line
///     FILE:LINE:COL: quoted field is not closed before the end of the file (the quote opens on line LINE)
///     FILE:LINE:COL: stray quote in an unquoted field; quote the whole field and double inner quotes ("a""b")
///     FILE:LINE:COL: unexpected character after a closing quote; expected a comma or a line break
///     FILE:LINE:COL: invalid UTF-8 in field; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)
///     FILE:LINE:COL: NUL byte in field
///     FILE:1: duplicate column names: NAME, NAME
///     FILE:1: empty column name in column 3, 5
///     FILE:LINE: record has 3 fields; expected 11 as in the header
public struct CSVError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// `open(2)` failed; the reason is `strerror(errno)`.
        case cannotOpen(reason: String)
        /// `read(2)` failed; the reason is `strerror(errno)`.
        case readFailed(reason: String)
        /// The input is UTF-16 (detected by its byte-order mark or by NULs in every other
        /// byte). UTF-16 is rejected, not decoded; the message says how to convert it.
        case utf16(bigEndian: Bool)
        /// The input has no header line.
        case empty
        /// A quoted field is still open at the end of the input; `line` is the line of
        /// the opening quote.
        case unterminatedQuote
        /// A `"` inside a field that does not start with a quote.
        case strayQuote
        /// A character other than a comma or a line break after a closing quote.
        case textAfterClosingQuote
        /// A field is not valid UTF-8.
        case invalidUTF8
        /// A NUL byte (0x00) in a field.
        case nulByte
        /// Header names that occur more than once.
        case duplicateHeader([String])
        /// 1-based numbers of the header fields that are empty.
        case emptyHeader([Int])
        /// A record whose field count differs from the header's.
        case raggedRow(expected: Int, actual: Int)
    }

    /// File name as given by the caller (a path or a display name).
    public var file: String
    /// Physical line (header = line 1); 0 when the error concerns the whole file.
    public var line: Int
    /// 1-based field number; 0 when the error concerns a whole record or file.
    public var column: Int
    /// What went wrong.
    public var kind: Kind

    /// An error at a location.
    public init(file: String, line: Int, column: Int, kind: Kind) {
        self.file = file
        self.line = line
        self.column = column
        self.kind = kind
    }

    /// The `sysexits(3)` category: ``DataErrorCategory/cannotOpenInput`` when the file
    /// cannot be opened, ``DataErrorCategory/ioError`` when reading fails,
    /// ``DataErrorCategory/dataError`` otherwise.
    public var category: DataErrorCategory {
        switch kind {
        case .cannotOpen: return .cannotOpenInput
        case .readFailed: return .ioError
        default: return .dataError
        }
    }

    public var description: String {
        var loc = file
        if line > 0 { loc += ":\(line)" }
        if column > 0 { loc += ":\(column)" }
        switch kind {
        case .cannotOpen(let r): return "cannot open \(file): \(r)"
        case .readFailed(let r): return "cannot read \(file): \(r)"
        case .utf16(let be):
            return "\(file): the file is UTF-16 (\(be ? "big" : "little")-endian), not UTF-8; convert it first: "
                + "iconv -f UTF-16 -t UTF-8 \(file) > \(file)-utf8.csv"
        case .empty: return "\(file): the file is empty; expected a header line"
        case .unterminatedQuote:
            return "\(loc): quoted field is not closed before the end of the file (the quote opens on line \(line))"
        case .strayQuote:
            return "\(loc): stray quote in an unquoted field; quote the whole field and double inner quotes (\"a\"\"b\")"
        case .textAfterClosingQuote:
            return "\(loc): unexpected character after a closing quote; expected a comma or a line break"
        case .invalidUTF8:
            return "\(loc): invalid UTF-8 in field; convert the file to UTF-8 (e.g. iconv -f WINDOWS-1252 -t UTF-8)"
        case .nulByte: return "\(loc): NUL byte in field"
        case .duplicateHeader(let names): return "\(loc): duplicate column names: \(names.joined(separator: ", "))"
        case .emptyHeader(let cols):
            return "\(loc): empty column name in column \(cols.map(String.init).joined(separator: ", "))"
        case .raggedRow(let e, let a): return "\(loc): record has \(a) fields; expected \(e) as in the header"
        }
    }
}
