/// Why loading a layoff-domain file failed.
///
/// `description` formats:
///
///     <CSVError description>                       (syntax, encoding, open and read errors)
///     FILE:1: no column 'date' (required); the columns are: a, b, c; name the file's columns with a column mapping (e.g. date=notice_date)
///     FILE:1: no column 'notice_date' (mapped to 'date'); the columns are: a, b, c
///     FILE:1: no column 'employees', 'revenue' or 'revenue_growth' (one is needed); the columns are: a, b; name ...
///     FILE:1: columns 'Date' and 'DATE' both match 'date'; name one with a column mapping (e.g. date=Date)
///     column mapping: 'jobz' is not a known column; the known columns are: company, ...
///     FILE: 3 problems; nothing was loaded (skip invalid rows to load the rest):
///       FILE:17:4 (date): "2/30/2024" is not a date; expected M/D/YYYY or YYYY-MM-DD
///       ...
///
/// Header names match canonical names whatever their letter case, surrounding spaces and
/// word separators (`Company`, ` total_laid_off `, `Total Laid Off`);
/// ``describe(mappingOption:yearOption:)`` words the hints for a command-line option.
public enum IngestError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file could not be opened or read, or is not well-formed CSV.
    case csv(CSVError)
    /// Required columns are absent. Each entry of `missing` is the header name that was
    /// looked for, with its canonical name when a mapping renamed it.
    case missingColumns(file: String, missing: [(header: String, canonical: String)], available: [String])
    /// None of `columns` is in the file, and at least one is needed.
    case missingAnyOf(file: String, columns: [String], available: [String])
    /// Several header names match the canonical name `column` (none exactly).
    case ambiguousColumn(file: String, column: String, headers: [String])
    /// The options are inconsistent (an unknown canonical name in a column mapping, a
    /// percent scale other than 1 or 100, ...).
    case invalidOptions(String)
    /// Values failed validation and invalid rows were not to be skipped: every problem found.
    case invalidData(file: String, problems: [DataProblem])

    /// The `sysexits(3)` category of the failure.
    public var category: DataErrorCategory {
        switch self {
        case .csv(let e): return e.category
        case .missingColumns, .missingAnyOf, .ambiguousColumn, .invalidOptions, .invalidData: return .dataError
        }
    }

    public var description: String { describe(mappingOption: nil) }

    /// The description, with the hints naming `mappingOption` (such as `--map`) rather than
    /// "a column mapping", and `yearOption` (such as `--fundamentals-year`) for the fiscal
    /// year of every row of a fundamentals file without one.
    public func describe(mappingOption: String?, yearOption: String? = nil) -> String {
        func mapping(_ example: String) -> String {
            mappingOption.map { "with \($0) (e.g. \($0) \(example))" } ?? "with a column mapping (e.g. \(example))"
        }
        switch self {
        case .csv(let e): return e.description
        case .missingColumns(let file, let missing, let available):
            let what = missing.map { m in
                m.header == m.canonical ? "'\(m.header)' (required)" : "'\(m.header)' (mapped to '\(m.canonical)')"
            }
            var s = "\(file):1: no column \(what.joined(separator: ", ")); the columns are: \(available.joined(separator: ", "))"
            let unmapped = missing.filter { $0.header == $0.canonical }.map(\.canonical)
            if unmapped == ["fiscal_year"] {
                // A yearly list (such as the Fortune 1000): a year for every row, and its
                // columns named when some look like the value columns.
                s += "; give every row's fiscal year" + (yearOption.map { " with \($0) (e.g. \($0) 2022)" } ?? "")
                let example = ColumnLayout.example(for: ["employees", "revenue", "revenue_growth"], among: available)
                if !example.hasSuffix("<column>") { s += " and name the file's columns " + mapping(example) }
            } else if !unmapped.isEmpty {
                s += "; name the file's columns " + mapping(ColumnLayout.example(for: unmapped, among: available))
            }
            return s
        case .missingAnyOf(let file, let columns, let available):
            let names = columns.map { "'\($0)'" }
            let list = names.count > 1 ? names.dropLast().joined(separator: ", ") + " or " + names.last! : names.joined()
            return "\(file):1: no column \(list) (one is needed); the columns are: \(available.joined(separator: ", "))"
                + "; name the file's columns " + mapping(ColumnLayout.example(for: columns, among: available))
        case .ambiguousColumn(let file, let column, let headers):
            let names = headers.map { "'\($0)'" }
            return "\(file):1: columns \(names.dropLast().joined(separator: ", ")) and \(names.last ?? "") \(names.count == 2 ? "both" : "all") match '\(column)'; "
                + "name one " + mapping("\(column)=\(headers.first ?? column)")
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
        case (.missingAnyOf(let f1, let c1, let a1), .missingAnyOf(let f2, let c2, let a2)): return f1 == f2 && c1 == c2 && a1 == a2
        case (.ambiguousColumn(let f1, let c1, let h1), .ambiguousColumn(let f2, let c2, let h2)): return f1 == f2 && c1 == c2 && h1 == h2
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
    /// name. A header written exactly so is taken; else the one header that matches when
    /// letter case, surrounding spaces and word separators (spaces, `_`, `-`) are ignored
    /// (`Company`, ` total_laid_off `, `Total Laid Off`); two such headers are an error.
    /// Required names that cannot be found make an error listing the columns that exist,
    /// and so does a file with none of `oneOf` (when given).
    init(file: String, header: [String], canonical: [String], required: Set<String>,
         mapping: [String: String], oneOf: [String] = []) throws(IngestError) {
        for key in mapping.keys.sorted() where !canonical.contains(key) {
            throw .invalidOptions("column mapping: '\(key)' is not a known column; the known columns are: "
                + canonical.joined(separator: ", "))
        }
        self.header = header
        var exact: [String: Int] = [:], loose: [String: [Int]] = [:]
        for (i, h) in header.enumerated() {
            if exact[h] == nil { exact[h] = i }
            loose[ColumnLayout.normalized(h), default: []].append(i)
        }
        var missing: [(header: String, canonical: String)] = []
        var found: [Int?] = []
        for name in canonical {
            let wanted = mapping[name] ?? name
            var i = exact[wanted]
            if i == nil, let matches = loose[ColumnLayout.normalized(wanted)] {
                if matches.count > 1 { throw .ambiguousColumn(file: file, column: name, headers: matches.map { header[$0] }) }
                i = matches.first
            }
            if i == nil && (required.contains(name) || mapping[name] != nil) {
                missing.append((wanted, name))
            }
            found.append(i)
        }
        index = found
        if !missing.isEmpty { throw .missingColumns(file: file, missing: missing, available: header) }
        if !oneOf.isEmpty && !oneOf.contains(where: { found[canonical.firstIndex(of: $0)!] != nil }) {
            throw .missingAnyOf(file: file, columns: oneOf, available: header)
        }
        let used = Set(found.compactMap { $0 })
        extras = header.indices.filter { !used.contains($0) }
    }

    /// `name` lowercased (ASCII), without surrounding spaces, runs of spaces, `_` and `-`
    /// made one `_`.
    static func normalized(_ name: String) -> String {
        var out: [UInt8] = []
        var gap = false
        for b in name.utf8 {
            if b == 32 || b == 9 || b == 95 || b == 45 {
                gap = !out.isEmpty
                continue
            }
            if gap { out.append(95); gap = false }
            out.append(b >= 65 && b <= 90 ? b + 32 : b)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Words a header naming each canonical column may hold.
    private static let synonyms: [String: [String]] = [
        "company": ["employer", "company"], "date": ["date"], "total_laid_off": ["affected", "laid", "jobs", "employees"],
        "percentage_laid_off": ["percent"], "fiscal_year": ["year"], "employees": ["employees", "employee", "headcount"],
        "revenue": ["revenue"], "revenue_growth": ["growth", "change"],
    ]

    /// An example mapping for the first of `columns` that some header of `available` (not
    /// named as a canonical column) looks like naming (`date=notice_date`,
    /// `company=employer_name`); the first of `columns` and a placeholder when none does.
    static func example(for columns: [String], among available: [String]) -> String {
        // A header named as a canonical column is that column already.
        let known = Set(EventLoader.canonicalColumns + FundamentalsLoader.canonicalColumns)
        let candidates = available.filter { !known.contains(normalized($0)) }
        for c in columns {
            for word in synonyms[c] ?? [c] {
                if let h = candidates.first(where: { normalized($0).contains(word) }) { return "\(c)=\(h)" }
            }
        }
        return "\(columns.first ?? "company")=<column>"
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
