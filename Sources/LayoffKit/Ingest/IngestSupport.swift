/// Why loading a layoff-domain file failed.
///
/// `description` formats:
///
///     <CSVError description>                       (syntax, encoding, open and read errors)
///     FILE:1: no column 'date' (required); the columns are: a, b, c
///     FILE:1: no column 'notice_date' (mapped to 'date'); the columns are: a, b, c
///     column mapping: 'jobz' is not a known column; the known columns are: company, ...
///     FILE: 3 problems; nothing was loaded (skip invalid rows to load the rest):
///       FILE:17:4 (date): "2/30/2024" is not a date; expected M/D/YYYY or YYYY-MM-DD
///       ...
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read, or is not well-formed CSV.
    case csv(CSVError)
    /// Required columns are absent. Each entry of `missing` is the header name that was
    /// looked for, with its canonical name when a mapping renamed it.
    case missingColumns(file: String, missing: [(header: String, canonical: String)], available: [String])
    /// The options are inconsistent (an unknown canonical name in a column mapping, a
    /// percent scale other than 1 or 100, ...).
    case invalidOptions(String)
    /// Values failed validation and invalid rows were not to be skipped: every problem found.
    case invalidData(file: String, problems: [DataProblem])

    /// The `sysexits(3)` category of the failure.
    public var category: DataErrorCategory {
        switch self {
        case .csv(let e): return e.category
        case .missingColumns, .invalidOptions, .invalidData: return .dataError
        }
    }

    public var description: String {
        switch self {
        case .csv(let e): return e.description
        case .missingColumns(let file, let missing, let available):
            let what = missing.map { m in
                m.header == m.canonical ? "'\(m.header)' (required)" : "'\(m.header)' (mapped to '\(m.canonical)')"
            }
            return "\(file):1: no column \(what.joined(separator: ", ")); the columns are: \(available.joined(separator: ", "))"
        case .invalidOptions(let m): return m
        case .invalidData(let file, let problems):
            let n = problems.count == 1 ? "1 problem" : "\(problems.count) problems"
            return "\(file): \(n); nothing was loaded (skip invalid rows to load the rest):\n"
                + problems.map { "  \($0)" }.joined(separator: "\n")
        }
    }

    public static func == (a: IngestError, b: IngestError) -> Bool {
        switch (a, b) {
        case (.csv(let x), .csv(let y)): return x == y
        case (.missingColumns(let f1, let m1, let a1), .missingColumns(let f2, let m2, let a2)):
            return f1 == f2 && a1 == a2 && m1.map(\.header) == m2.map(\.header) && m1.map(\.canonical) == m2.map(\.canonical)
        case (.invalidOptions(let x), .invalidOptions(let y)): return x == y
        case (.invalidData(let f1, let p1), .invalidData(let f2, let p2)): return f1 == f2 && p1 == p2
        default: return false
        }
    }
}

/// Where each canonical column sits in a file, after applying an explicit mapping.
struct ColumnLayout {
    /// File column index per canonical name (index into the canonical list), or nil.
    var index: [Int?]
    /// Header names of the file.
    var header: [String]
    /// File columns not used by any canonical name, in file order.
    var extras: [Int]

    /// Resolves `canonical` names against `header`. A name in `mapping` (canonical →
    /// header) is looked up under its mapped header only; the others under their own
    /// name, exactly. Required names that cannot be found make an error listing the
    /// columns that exist.
    init(file: String, header: [String], canonical: [String], required: Set<String>,
         mapping: [String: String]) throws(IngestError) {
        for key in mapping.keys.sorted() where !canonical.contains(key) {
            throw .invalidOptions("column mapping: '\(key)' is not a known column; the known columns are: "
                + canonical.joined(separator: ", "))
        }
        self.header = header
        var position: [String: Int] = [:]
        for (i, h) in header.enumerated() { position[h] = i }
        var missing: [(header: String, canonical: String)] = []
        index = canonical.map { name in
            let wanted = mapping[name] ?? name
            let i = position[wanted]
            if i == nil && (required.contains(name) || mapping[name] != nil) {
                missing.append((wanted, name))
            }
            return i
        }
        if !missing.isEmpty { throw .missingColumns(file: file, missing: missing, available: header) }
        let used = Set(index.compactMap { $0 })
        extras = header.indices.filter { !used.contains($0) }
    }
}

/// Row-level helpers shared by the loaders.
struct RowChecker {
    let file: String
    let header: [String]
    var problems: [DataProblem] = []

    init(file: String, header: [String]) {
        self.file = file
        self.header = header
    }

    mutating func report(line: Int, column: Int, value: UnsafeBufferPointer<UInt8>, issue: String, expected: String, reason: String) {
        report(line: line, column: column, value: Array(value)[...], issue: issue, expected: expected, reason: reason)
    }

    mutating func report(line: Int, column: Int, value: ArraySlice<UInt8>, issue: String, expected: String, reason: String) {
        problems.append(DataProblem(
            file: file, line: line, column: column + 1, columnName: header[column],
            value: RowChecker.shown(value), issue: issue, expected: expected, reason: reason))
    }

    /// Values longer than this many bytes are shortened in problems.
    static let longValue = 200

    /// The value as shown in a problem: the field itself, or for a field longer than
    /// ``longValue`` bytes its first 100 bytes (cut at a character boundary), `…` and its
    /// size, `9999…[20000000 bytes]`, so a runaway field (a missing closing quote far
    /// above, a binary blob) cannot turn one message into megabytes.
    static func shown(_ value: ArraySlice<UInt8>) -> String {
        guard value.count > longValue else { return String(decoding: value, as: UTF8.self) }
        var end = value.startIndex + 100
        while end > value.startIndex && value[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: value[..<end], as: UTF8.self) + "…[\(value.count) bytes]"
    }

    mutating func reportRagged(line: Int, actual: Int) {
        problems.append(DataProblem(
            file: file, line: line, column: 0, columnName: "", value: "",
            issue: "record has \(actual) fields", expected: "\(header.count) as in the header",
            reason: "wrong field count"))
    }
}

/// ``CSVValue/trimmed(_:)-(UnsafeBufferPointer<UInt8>)`` with its common case (neither end
/// is a space or a tab: nothing to trim) checked in line, without a call.
@inline(__always)
func trimmedField(_ field: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
    if let p = field.baseAddress, field.count > 0, p[0] > 32, p[field.count - 1] > 32 { return field }
    return CSVValue.trimmed(field)
}

/// Whether `field` (trimmed) is empty or `Unknown` in any letter case: the missing-value
/// tokens of the layoff loaders.
func isMissingDomainValue(_ field: ArraySlice<UInt8>) -> Bool {
    field.withUnsafeBufferPointer { isMissingDomainValue($0) }
}

/// ``isMissingDomainValue(_:)-(ArraySlice<UInt8>)`` on bytes in place.
@inline(__always)
func isMissingDomainValue(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
    // Most values start with a digit (not missing) or are empty (missing): no trimming.
    guard let p = field.baseAddress, field.count > 0 else { return true }
    if p[0] &- 48 < 10 { return false }
    let t = trimmedField(field)
    if t.isEmpty { return true }
    guard t.count == 7, let q = t.baseAddress else { return false }
    // "unknown" in any letter case: the seven bytes with bit 5 set (lowercased letters),
    // as two overlapping 4-byte words.
    let raw = UnsafeRawPointer(q)
    let head = raw.loadUnaligned(as: UInt32.self) | 0x2020_2020
    let tail = raw.loadUnaligned(fromByteOffset: 3, as: UInt32.self) | 0x2020_2020
    return head == UInt32(littleEndian: 0x6E6B_6E75) && tail == UInt32(littleEndian: 0x6E77_6F6E)
}

/// Summary of rows left out, by reason: each excluded row counts once, under the reason
/// of its first problem.
func countByFirstReason(_ problems: ArraySlice<DataProblem>, into counts: inout [String: Int]) {
    if let first = problems.first { counts[first.reason, default: 0] += 1 }
}

extension CSVReader {
    /// ``readHeader()`` with its error wrapped as ``IngestError/csv(_:)``.
    func checkedHeader() throws(IngestError) -> [String] {
        do { return try readHeader() } catch { throw .csv(error) }
    }

    /// ``next()`` with its error wrapped as ``IngestError/csv(_:)``.
    func checkedNext() throws(IngestError) -> Bool {
        do { return try next() } catch { throw .csv(error) }
    }
}

/// Whether `v` is a whole number: `v.rounded() == v`, without the call to `round` for
/// values below 2⁵² in magnitude (converted to an integer and back, exactly, since they fit).
@inline(__always) func isWholeNumber(_ v: Double) -> Bool {
    v.magnitude < 0x1p52 ? Double(Int64(v)) == v : v.rounded() == v
}
