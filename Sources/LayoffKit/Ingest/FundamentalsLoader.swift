#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Options of ``FundamentalsLoader``.
public struct FundamentalsLoadOptions: Sendable, Equatable {
    /// Explicit column mapping, canonical name → header in the file, e.g. for the Fortune
    /// 1000 list: `["company": "Company", "employees": "Number_of_employees",
    /// "revenue": "Revenues_M", "revenue_growth": "RevenuePercentChange"]`.
    public var columnMapping: [String: String]
    /// Fiscal year of every row, for files without a `fiscal_year` column (a yearly list
    /// such as the Fortune 1000). Ignored when the file has the column.
    public var fiscalYear: Int?
    /// `false` (default): any problem makes the load fail, listing all problems.
    /// `true`: rows with problems are left out and counted by reason.
    public var skipInvalid: Bool

    /// Options with the given values.
    public init(columnMapping: [String: String] = [:], fiscalYear: Int? = nil, skipInvalid: Bool = false) {
        self.columnMapping = columnMapping
        self.fiscalYear = fiscalYear
        self.skipInvalid = skipInvalid
    }
}

/// What ``FundamentalsLoader`` produced.
public struct FundamentalsLoadResult: Sendable {
    /// File name as given.
    public var file: String
    /// The rows loaded, in file order.
    public var fundamentals: FundamentalsTable
    /// Every problem found; empty unless ``FundamentalsLoadOptions/skipInvalid`` was set.
    public var problems: [DataProblem]
    /// Rows left out because of problems, by the reason of each row's first problem.
    public var excludedByReason: [String: Int]
    /// Data records read.
    public var rowsRead: Int
    /// Rows whose revenue growth was derived from the previous fiscal year's revenue.
    public var derivedGrowthCount: Int
}

/// Loads company fundamentals from CSV into a ``FundamentalsTable``.
///
/// Layout: `company,fiscal_year,employees,revenue,revenue_growth`; `company` is required,
/// `fiscal_year` unless ``FundamentalsLoadOptions/fiscalYear`` gives it, and at least one
/// of `employees`, `revenue` and `revenue_growth` (a file without them could not be
/// joined to anything). Header names match whatever their letter case, surrounding spaces
/// and word separators; other layouts load through ``FundamentalsLoadOptions/columnMapping``.
/// Other columns (such as `source`) are ignored. Values (surrounding spaces ignored; empty,
/// `NA`, `N/A`, `NaN`, `null` or `Unknown` is missing):
/// - `fiscal_year`: a whole number 1800–2200;
/// - `employees`: a whole number ≥ 0 (`1,541,000` accepted);
/// - `revenue`: a number in the file's unit (`$` and thousands separators accepted);
/// - `revenue_growth`: percent (`9.4` means +9.4 %). When empty it is derived from the
///   same company's revenue in the previous fiscal year, (r_t / r_{t−1} − 1) · 100, and
///   ``FundamentalsTable/growthDerived`` is set; it stays missing when that year is
///   absent or its revenue is missing or zero.
/// - the same company (exact name, trimmed) and fiscal year twice is a problem
///   (`duplicate company-year`) on the second row.
public enum FundamentalsLoader {
    /// The canonical columns.
    public static let canonicalColumns = ["company", "fiscal_year", "employees", "revenue", "revenue_growth"]

    /// Loads fundamentals from the CSV file at `path`.
    public static func load(path: String, options: FundamentalsLoadOptions = .init()) throws(IngestError) -> FundamentalsLoadResult {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw .csv(error) }
        var info = stat()
        let size = stat(path, &info) == 0 ? Int(info.st_size) : 0
        return try load(reader, options: options, expectedRows: min(size / expectedRowBytes, maxExpectedRows))
    }

    /// Loads fundamentals from CSV bytes in memory; `name` is used in messages.
    public static func load(bytes: [UInt8], name: String, options: FundamentalsLoadOptions = .init()) throws(IngestError) -> FundamentalsLoadResult {
        try load(CSVReader(bytes: bytes, name: name), options: options,
                 expectedRows: min(bytes.count / expectedRowBytes, maxExpectedRows))
    }

    /// A guess at the bytes per row of a fundamentals file, to size the working tables of
    /// a load from the file size (rows such as `Company 00001,2019,4481,1092.7,-5.6` take
    /// 36). Only tables dropped after the load are sized so (a file of long rows must not
    /// leave oversized columns), and at most for ``maxExpectedRows`` rows.
    static let expectedRowBytes = 32
    static let maxExpectedRows = 1 << 20

    /// Loads fundamentals from a reader positioned before the header line.
    public static func load(_ reader: CSVReader, options: FundamentalsLoadOptions = .init()) throws(IngestError) -> FundamentalsLoadResult {
        try load(reader, options: options, expectedRows: 0)
    }

    /// ``load(_:options:)`` with the tables sized for `expectedRows` rows (a guess: they
    /// grow past it).
    static func load(_ reader: CSVReader, options: FundamentalsLoadOptions, expectedRows: Int) throws(IngestError) -> FundamentalsLoadResult {
        let header = try reader.checkedHeader()
        let year = ColumnLayout.normalized(options.columnMapping["fiscal_year"] ?? "fiscal_year")
        let hasYear = header.contains { ColumnLayout.normalized($0) == year }
        let layout = try ColumnLayout(file: reader.name, header: header, canonical: canonicalColumns,
                                      required: hasYear || options.fiscalYear == nil ? ["company", "fiscal_year"] : ["company"],
                                      mapping: options.columnMapping, oneOf: ["employees", "revenue", "revenue_growth"])
        var rows = RowBuilder(index: layout.index, fiscalYear: options.fiscalYear,
                              checker: RowChecker(file: reader.name, header: header), expectedRows: expectedRows)
        var read = 0
        while try reader.checkedNext() {
            read += 1
            let line = reader.recordLine
            if reader.fieldCount != header.count {
                let before = rows.checker.problems.count
                rows.checker.reportRagged(line: line, actual: reader.fieldCount)
                countByFirstReason(rows.checker.problems[before...], into: &rows.excluded)
                continue
            }
            reader.withFields { rows.add($0, line: line) }
        }
        rows.flush()
        if !rows.checker.problems.isEmpty && !options.skipInvalid {
            throw .invalidData(file: reader.name, problems: rows.checker.problems)
        }
        var t = FundamentalsTable()
        t.company = RowBuilder.fitted(&rows.company)
        t.fiscalYear = RowBuilder.fitted(&rows.year)
        t.employees = RowBuilder.column(&rows.employees)
        t.revenue = RowBuilder.column(&rows.revenue)
        t.revenueGrowth = RowBuilder.column(&rows.growth)
        t.growthDerived = [Bool](repeating: false, count: t.company.count)
        t.line = RowBuilder.fitted(&rows.line)
        let codes = CompanyCodes(codes: RowBuilder.fitted(&rows.codes), names: rows.names, namesIndexed: false)
        t.companyCodes = codes
        // `rows.firstRow` holds every row (a repeated company-year is a problem that keeps
        // the row out), so it is the index the derivation needs.
        let derived = deriveGrowth(&t, codes: codes.codes, firstRow: rows.firstRow)
        return FundamentalsLoadResult(file: reader.name, fundamentals: t, problems: rows.checker.problems,
                                      excludedByReason: rows.excluded, rowsRead: read, derivedGrowthCount: derived)
    }

    /// The rows of a load, checked and stored one at a time (one value, so the record
    /// callback touches a single variable).
    private struct RowBuilder {
        let index: [Int?]
        let fiscalYear: Int?
        var checker: RowChecker
        var excluded: [String: Int] = [:]
        var company: [String] = [], year: [Int] = [], line: [Int32] = [], codes: [Int32] = []
        /// Numbers with NaN for missing (no number read is NaN), made columns at the end:
        /// one array per column while reading rather than two.
        var employees: [Double] = [], revenue: [Double] = [], growth: [Double] = []
        /// Company codes: canonically equivalent spellings share a code, as equal Strings
        /// would. ASCII names stay out of `names`' index (a `String` hash and dictionary
        /// insert each): ``CompanyNameLookup`` finds them by their bytes.
        var names = TextColumn(), interner = TextColumnInterner()
        /// Row of each (company, year) stored.
        var firstRow: CodeYearIndex
        /// The previous record's company: files list a company's years together, so most
        /// records repeat it and take its `String` and code without interning.
        var lastBytes: [UInt8] = [], lastCompany = "", lastCode: Int32 = -1
        /// The latest rows' years, lines, codes and numbers, appended to their arrays a
        /// block at a time (``flush()``): a row's values are stores, not seven appends
        /// (each a check of its array's uniqueness and capacity).
        let staged = StagedRows()

        init(index: [Int?], fiscalYear: Int?, checker: RowChecker, expectedRows: Int) {
            self.index = index
            self.fiscalYear = fiscalYear
            self.checker = checker
            // The number arrays become the columns (``column(_:)``, which copies one whose
            // reserve went far past its rows) and the index is dropped after the load:
            // sizing them cannot leave oversized columns behind.
            firstRow = CodeYearIndex(expected: expectedRows)
            employees.reserveCapacity(expectedRows); revenue.reserveCapacity(expectedRows)
            growth.reserveCapacity(expectedRows)
            // The other columns too (growing by doubling wrote each about twice, into fresh
            // pages); ``fitted(_:)`` trims a reserve that proved too generous.
            company.reserveCapacity(expectedRows); year.reserveCapacity(expectedRows)
            line.reserveCapacity(expectedRows); codes.reserveCapacity(expectedRows)
        }

        /// `array` (left empty), copied to exactly its count when more than a quarter of
        /// its capacity is spare (the reserve the file's size suggested was too generous).
        static func fitted<T>(_ array: inout [T]) -> [T] {
            var out: [T] = []
            swap(&out, &array)
            if out.capacity - out.count > out.count / 4 + 1024 { out = Array(out) }
            return out
        }

        /// The column of numbers read, NaN marking missing, made in place from `numbers`
        /// (left empty): its array becomes the column's, unless more than a quarter of its
        /// capacity is spare (the reserve the file's size suggested was too generous), when
        /// the column gets a copy of exactly its count.
        static func column(_ numbers: inout [Double]) -> NumericColumn {
            var values = fitted(&numbers)
            var present = [Bool](repeating: true, count: values.count)
            for i in values.indices where values[i].isNaN {
                values[i] = 0
                present[i] = false
            }
            return NumericColumn(values: values, isPresent: present)
        }

        mutating func add(_ f: CSVFields, line: Int) {
            let before = checker.problems.count
            let ci = index[0]!
            let companyBytes = CSVValue.trimmed(f[ci])
            var company = "", code: Int32 = -1
            if companyBytes.isEmpty {
                checker.report(line: line, column: ci, value: f[ci], issue: "is missing",
                               expected: "a company name", reason: "missing company")
            } else if lastCode >= 0 && companyBytes.count == lastBytes.count
                        && lastBytes.withUnsafeBufferPointer({ memcmp($0.baseAddress!, companyBytes.baseAddress!, $0.count) }) == 0 {
                company = lastCompany
                code = lastCode
            } else {
                company = String(decoding: companyBytes, as: UTF8.self)
                code = interner.canonicalCode(companyBytes, in: &names)
                lastBytes.removeAll(keepingCapacity: true)
                lastBytes.append(contentsOf: companyBytes)
                lastCompany = company
                lastCode = code
            }
            var year = fiscalYear
            if let yi = index[1] {
                year = FundamentalsLoader.fiscalYear(f[yi])
                if year == nil {
                    checker.report(line: line, column: yi, value: f[yi], issue: "is not a fiscal year",
                                   expected: "a year such as 2023", reason: "invalid fiscal year")
                }
            }
            let employees = number(f, index[2], line: line, integer: true, nonNegative: true, currency: false,
                                   expected: "a whole number of employees ≥ 0", what: "employees")
            let revenue = number(f, index[3], line: line, integer: false, nonNegative: false, currency: true,
                                 expected: "a number such as 611289 or 611,289", what: "revenue")
            let growth = number(f, index[4], line: line, integer: false, nonNegative: false, currency: false,
                                expected: "a percent change such as 6.7 or -14.6", what: "revenue growth")
            if let y = year, code >= 0 {
                // A row with no problem so far is stored under its key (it will be kept).
                let first = checker.problems.count == before
                    ? firstRow.insertIfAbsent(code: code, year: y, row: Int32(truncatingIfNeeded: self.company.count))
                    : firstRow.find(code: code, year: y)
                if first >= 0 {
                    let c = index[1] ?? ci
                    flush()
                    checker.report(line: line, column: c, value: f[c],
                                   issue: "repeats \(company)'s fiscal year \(y) of line \(self.line[Int(first)])",
                                   expected: "one row per company and fiscal year", reason: "duplicate company-year")
                }
            }
            if checker.problems.count > before {
                countByFirstReason(checker.problems[before...], into: &excluded)
                return
            }
            guard let y = year else { return } // unreachable: a missing year is a problem
            precondition(self.company.count < Int(Int32.max), "too many fundamentals rows")
            self.company.append(company)
            let k = staged.count
            staged.year[k] = y
            staged.code[k] = code
            staged.employees[k] = employees ?? .nan
            staged.revenue[k] = revenue ?? .nan
            staged.growth[k] = growth ?? .nan
            staged.line[k] = Int32(truncatingIfNeeded: line)
            staged.count = k + 1
            if k + 1 == StagedRows.capacity { flush() }
        }

        /// Appends the staged rows to their arrays.
        mutating func flush() {
            let n = staged.count
            guard n > 0 else { return }
            year.append(contentsOf: UnsafeBufferPointer(start: staged.year, count: n))
            codes.append(contentsOf: UnsafeBufferPointer(start: staged.code, count: n))
            employees.append(contentsOf: UnsafeBufferPointer(start: staged.employees, count: n))
            revenue.append(contentsOf: UnsafeBufferPointer(start: staged.revenue, count: n))
            growth.append(contentsOf: UnsafeBufferPointer(start: staged.growth, count: n))
            line.append(contentsOf: UnsafeBufferPointer(start: staged.line, count: n))
            staged.count = 0
        }

        /// The number in column `col`, `nil` when missing or invalid (an invalid one is reported).
        mutating func number(_ fields: CSVFields, _ col: Int?, line: Int, integer: Bool, nonNegative: Bool, currency: Bool,
                             expected: String, what: String) -> Double? {
            guard let c = col else { return nil }
            let f = fields[c]
            let parsed: Double?
            if let v = FundamentalsLoader.signedPlainDecimal(f) {
                parsed = v
            } else if FundamentalsLoader.isPlainNumber(f) {
                parsed = CSVValue.double(f)
            } else {
                if CSVValue.isMissingToken(f) || isMissingDomainValue(f) { return nil }
                parsed = CSVValue.groupedDouble(f, currency: currency)
            }
            guard let v = parsed else {
                checker.report(line: line, column: c, value: f, issue: "is not a number", expected: expected, reason: "invalid \(what)")
                return nil
            }
            if nonNegative && v < 0 {
                checker.report(line: line, column: c, value: f, issue: "is negative", expected: expected, reason: "negative \(what)")
                return nil
            }
            if integer && !isWholeNumber(v) {
                checker.report(line: line, column: c, value: f, issue: "is not a whole number", expected: expected, reason: "non-integer \(what)")
                return nil
            }
            return v
        }
    }

    /// Whether `field` starts with a digit, or `-` and a digit, and holds no `,`: then it
    /// is no missing-value token, and `CSVValue.groupedDouble(field, currency:)` (with or
    /// without currency) is `CSVValue.double(field)`, which is cheaper to call. (A `$`
    /// cannot follow the first digit in a number either way.)
    @inline(__always) static func isPlainNumber(_ field: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = field.count
        guard n > 0 else { return false }
        var i = 0
        if field[0] == UInt8(ascii: "-") {
            guard n > 1 else { return false }
            i = 1
        }
        guard field[i] &- UInt8(ascii: "0") < 10 else { return false }
        while i < n {
            if field[i] == UInt8(ascii: ",") { return false }
            i += 1
        }
        return true
    }

    /// ``CSVValue/plainDecimal(_:)`` of `field`, or of the rest of it negated after a
    /// leading `-` (`-14.6`, a falling revenue): `CSVValue.double(field)` for such fields
    /// (the general parser's exact path applies the sign last, and negation is exact), read
    /// without its general path; `nil` for any other field.
    @inline(__always) static func signedPlainDecimal(_ field: UnsafeBufferPointer<UInt8>) -> Double? {
        guard let first = field.first else { return nil }
        if first != UInt8(ascii: "-") { return CSVValue.plainDecimal(field) }
        return CSVValue.plainDecimal(UnsafeBufferPointer(rebasing: field.dropFirst())).map { -$0 }
    }

    /// The fiscal year in `field`: a whole number 1800–2200 as `CSVValue.double` reads it,
    /// else `nil`. Four plain digits (nearly every value) are read directly.
    static func fiscalYear(_ field: UnsafeBufferPointer<UInt8>) -> Int? {
        if field.count == 4 {
            let d0 = Int(field[0] &- 48), d1 = Int(field[1] &- 48), d2 = Int(field[2] &- 48), d3 = Int(field[3] &- 48)
            if d0 < 10 && d1 < 10 && d2 < 10 && d3 < 10 {
                let y = ((d0 * 10 + d1) * 10 + d2) * 10 + d3
                return y >= 1800 && y <= 2200 ? y : nil
            }
        }
        if let v = CSVValue.double(field), v.rounded() == v, v >= 1800, v <= 2200 { return Int(v) }
        return nil
    }

    /// Fills missing revenue growth from the same company's previous fiscal year:
    /// (r_t / r_{t−1} − 1) · 100, marking ``FundamentalsTable/growthDerived``. Returns the
    /// number of values derived. When a company-year has several rows, the first is used.
    @discardableResult
    public static func deriveGrowth(_ t: inout FundamentalsTable) -> Int {
        let codes = t.companyCodesOrEncoded
        var firstRow = CodeYearIndex(expected: t.count)
        precondition(t.count < Int(Int32.max), "too many fundamentals rows")
        for i in 0..<t.count {
            _ = firstRow.insertIfAbsent(code: codes.codes[i], year: t.fiscalYear[i], row: Int32(truncatingIfNeeded: i))
        }
        return deriveGrowth(&t, codes: codes.codes, firstRow: firstRow)
    }

    /// ``deriveGrowth(_:)`` with the companies' codes and the first row of each
    /// (company, year) already known.
    static func deriveGrowth(_ t: inout FundamentalsTable, codes: [Int32], firstRow: CodeYearIndex) -> Int {
        var n = 0
        for i in 0..<t.count where !t.revenueGrowth.isPresent[i] && t.revenue.isPresent[i] {
            let p = Int(firstRow.find(code: codes[i], year: t.fiscalYear[i] - 1))
            guard p >= 0, t.revenue.isPresent[p] else { continue }
            let r = t.revenue.values[i], rp = t.revenue.values[p]
            guard rp != 0 else { continue }
            t.revenueGrowth.values[i] = (r / rp - 1) * 100
            t.revenueGrowth.isPresent[i] = true
            t.growthDerived[i] = true
            n += 1
        }
        return n
    }
}

/// Values of a block of rows of ``FundamentalsLoader``, before they go to their arrays.
private final class StagedRows {
    /// Rows per block (small enough that the tests' files of a few hundred rows flush
    /// many blocks, duplicates of rows in earlier blocks and in the current one).
    static let capacity = 64
    let year = UnsafeMutablePointer<Int>.allocate(capacity: capacity)
    let code = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    let line = UnsafeMutablePointer<Int32>.allocate(capacity: capacity)
    let employees = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
    let revenue = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
    let growth = UnsafeMutablePointer<Double>.allocate(capacity: capacity)
    /// Rows staged.
    var count = 0

    deinit {
        year.deallocate(); code.deallocate(); line.deallocate()
        employees.deallocate(); revenue.deallocate(); growth.deallocate()
    }
}
