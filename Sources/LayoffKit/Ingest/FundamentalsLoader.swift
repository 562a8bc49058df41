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
/// and `fiscal_year` unless ``FundamentalsLoadOptions/fiscalYear`` gives it. Other
/// columns (such as `source`) are ignored. Values (surrounding spaces ignored; empty,
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
        return try load(reader, options: options)
    }

    /// Loads fundamentals from CSV bytes in memory; `name` is used in messages.
    public static func load(bytes: [UInt8], name: String, options: FundamentalsLoadOptions = .init()) throws(IngestError) -> FundamentalsLoadResult {
        try load(CSVReader(bytes: bytes, name: name), options: options)
    }

    /// Loads fundamentals from a reader positioned before the header line.
    public static func load(_ reader: CSVReader, options: FundamentalsLoadOptions = .init()) throws(IngestError) -> FundamentalsLoadResult {
        let header = try reader.checkedHeader()
        let hasYear = header.contains(options.columnMapping["fiscal_year"] ?? "fiscal_year")
        let layout = try ColumnLayout(file: reader.name, header: header, canonical: canonicalColumns,
                                      required: hasYear || options.fiscalYear == nil ? ["company", "fiscal_year"] : ["company"],
                                      mapping: options.columnMapping)
        let idx = layout.index
        var checker = RowChecker(file: reader.name, header: header)
        var t = FundamentalsTable()
        var excluded: [String: Int] = [:]
        var rows = 0
        // First line of each (company, year), the company by its interned code (canonically
        // equivalent spellings share a code, as equal Strings would).
        var firstLine: [CodeYear: Int] = [:]
        var names = TextColumn(), interner = TextColumnInterner()

        func number(_ fields: CSVFields, _ col: Int?, line: Int, integer: Bool, nonNegative: Bool, currency: Bool,
                    expected: String, what: String) -> Double? {
            guard let c = col else { return nil }
            let f = fields[c]
            if CSVValue.isMissingToken(f) || isMissingDomainValue(f) { return nil }
            guard let v = CSVValue.groupedDouble(f, currency: currency) else {
                checker.report(line: line, column: c, value: f, issue: "is not a number", expected: expected, reason: "invalid \(what)")
                return nil
            }
            if nonNegative && v < 0 {
                checker.report(line: line, column: c, value: f, issue: "is negative", expected: expected, reason: "negative \(what)")
                return nil
            }
            if integer && v.rounded() != v {
                checker.report(line: line, column: c, value: f, issue: "is not a whole number", expected: expected, reason: "non-integer \(what)")
                return nil
            }
            return v
        }

        while try reader.checkedNext() {
            rows += 1
            let line = reader.recordLine
            let before = checker.problems.count
            if reader.fieldCount != header.count {
                checker.reportRagged(line: line, actual: reader.fieldCount)
                countByFirstReason(checker.problems[before...], into: &excluded)
                continue
            }
            reader.withFields { f in
                let ci = idx[0]!
                let companyBytes = CSVValue.trimmed(f[ci])
                let company = String(decoding: companyBytes, as: UTF8.self)
                if company.isEmpty {
                    checker.report(line: line, column: ci, value: f[ci], issue: "is missing",
                                   expected: "a company name", reason: "missing company")
                }
                var year = options.fiscalYear
                if let yi = idx[1] {
                    year = nil
                    let f = f[yi]
                    if let v = CSVValue.double(f), v.rounded() == v, v >= 1800, v <= 2200 {
                        year = Int(v)
                    } else {
                        checker.report(line: line, column: yi, value: f, issue: "is not a fiscal year",
                                       expected: "a year such as 2023", reason: "invalid fiscal year")
                    }
                }
                let employees = number(f, idx[2], line: line, integer: true, nonNegative: true, currency: false,
                                       expected: "a whole number of employees ≥ 0", what: "employees")
                let revenue = number(f, idx[3], line: line, integer: false, nonNegative: false, currency: true,
                                     expected: "a number such as 611289 or 611,289", what: "revenue")
                let growth = number(f, idx[4], line: line, integer: false, nonNegative: false, currency: false,
                                    expected: "a percent change such as 6.7 or -14.6", what: "revenue growth")
                if let y = year, !company.isEmpty {
                    let key = CodeYear(code: interner.canonicalCode(companyBytes, in: &names), year: y)
                    if let first = firstLine[key] {
                        let c = idx[1] ?? ci
                        checker.report(line: line, column: c, value: f[c],
                                       issue: "repeats \(company)'s fiscal year \(y) of line \(first)",
                                       expected: "one row per company and fiscal year", reason: "duplicate company-year")
                    } else if checker.problems.count == before {
                        firstLine[key] = line
                    }
                }
                if checker.problems.count > before {
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    return
                }
                guard let y = year else { return } // unreachable: a missing year is a problem
                t.company.append(company)
                t.fiscalYear.append(y)
                t.employees.append(employees)
                t.revenue.append(revenue)
                t.revenueGrowth.append(growth)
                t.growthDerived.append(false)
                t.line.append(Int32(truncatingIfNeeded: line))
            }
        }
        if !checker.problems.isEmpty && !options.skipInvalid {
            throw .invalidData(file: reader.name, problems: checker.problems)
        }
        let derived = deriveGrowth(&t)
        return FundamentalsLoadResult(file: reader.name, fundamentals: t, problems: checker.problems,
                                      excludedByReason: excluded, rowsRead: rows, derivedGrowthCount: derived)
    }

    /// Fills missing revenue growth from the same company's previous fiscal year:
    /// (r_t / r_{t−1} − 1) · 100, marking ``FundamentalsTable/growthDerived``. Returns the
    /// number of values derived.
    @discardableResult
    public static func deriveGrowth(_ t: inout FundamentalsTable) -> Int {
        var row: [CompanyYear: Int] = [:]
        row.reserveCapacity(t.count)
        for i in 0..<t.count where row[CompanyYear(company: t.company[i], year: t.fiscalYear[i])] == nil {
            row[CompanyYear(company: t.company[i], year: t.fiscalYear[i])] = i
        }
        var n = 0
        for i in 0..<t.count where t.revenueGrowth[i] == nil {
            guard let r = t.revenue[i], let p = row[CompanyYear(company: t.company[i], year: t.fiscalYear[i] - 1)],
                  let rp = t.revenue[p], rp != 0 else { continue }
            t.revenueGrowth.values[i] = (r / rp - 1) * 100
            t.revenueGrowth.isPresent[i] = true
            t.growthDerived[i] = true
            n += 1
        }
        return n
    }
}

/// A company (interned code) and fiscal year.
struct CodeYear: Hashable {
    var code: Int32
    var year: Int
}

/// A company name and fiscal year, the key of a fundamentals row (one hash per lookup).
struct CompanyYear: Hashable {
    var company: String
    var year: Int
}
