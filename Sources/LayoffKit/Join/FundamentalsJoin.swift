/// Options of ``FundamentalsJoin``.
public struct JoinOptions: Sendable, Equatable {
    /// Fiscal year joined to an event = event year − `lag`. 0 (default): the event's own
    /// year; 1: the year before.
    public var lag: Int
    /// Name normalisation and alias table.
    public var names: CompanyNames

    /// Options with the given values.
    public init(lag: Int = 0, names: CompanyNames = CompanyNames()) {
        self.lag = lag
        self.names = names
    }
}

/// Events joined to fundamentals by normalised company name and fiscal year.
public struct FundamentalsJoin: Sendable, Equatable {
    /// Per event, the index of the matched fundamentals row, or `nil`.
    public var row: [Int?]
    /// Per event, the fiscal year looked up (event year − lag).
    public var fiscalYear: [Int]
    /// Workforce per event: employees of the matched row when present, else implied by
    /// cut ÷ fraction, else unknown; with its source.
    public var workforce: Workforce
    /// Companies (as written in the events) with no match, with their number of
    /// unmatched events; most events first, then by name.
    public var unmatchedCompanies: [(company: String, events: Int)]
    /// Fundamentals rows whose key (normalised name, year) repeats an earlier row's; the
    /// join uses the first. Lines of the later rows.
    public var ambiguousFundamentalsLines: [Int]

    /// Number of events with a matched fundamentals row.
    public var matchedCount: Int { row.reduce(0) { $0 + ($1 == nil ? 0 : 1) } }
    /// Number of events without one.
    public var unmatchedCount: Int { row.count - matchedCount }

    /// Joins every event to the fundamentals row with the same company key
    /// (``CompanyNames/key(_:)``) and fiscal year = event year − `options.lag`.
    public init(events: EventTable, fundamentals: FundamentalsTable, options: JoinOptions = .init()) {
        // Company keys are numbered once (fundamentals first); the per-event lookup is then
        // by (key number, year) packed in an Int, not by hashing a String per event.
        var keyNumber: [String: Int] = [:]
        func number(_ key: String) -> Int {
            if let k = keyNumber[key] { return k }
            let k = keyNumber.count
            keyNumber[key] = k
            return k
        }
        func packed(_ key: Int, _ year: Int) -> Int { key &<< 32 ^ (year & 0xFFFF_FFFF) }
        var index: [Int: Int] = [:]
        var ambiguous: [Int] = []
        // A company has a row per fiscal year: its name is keyed once.
        var numberOfName: [String: Int] = [:]
        for i in 0..<fundamentals.count {
            let name = fundamentals.company[i]
            let n: Int
            if let known = numberOfName[name] { n = known } else {
                n = number(options.names.key(name))
                numberOfName[name] = n
            }
            let k = packed(n, fundamentals.fiscalYear[i])
            if index[k] == nil { index[k] = i } else { ambiguous.append(Int(fundamentals.line[i])) }
        }
        // Company keys once per level, not once per event; -1 when no fundamentals row has it.
        let companyKeys = events.company.levels.map { keyNumber[options.names.key($0)] ?? -1 }
        var rows: [Int?] = []
        var years: [Int] = []
        rows.reserveCapacity(events.count)
        years.reserveCapacity(events.count)
        var unmatched: [Int32: Int] = [:]
        let implied = Workforce.implied(by: events)
        var wf = NumericColumn()
        var source: [WorkforceSource] = []
        for i in 0..<events.count {
            let year = events.day[i].year - options.lag
            years.append(year)
            let code = events.company.codes[i]
            let key = code < 0 ? -1 : companyKeys[Int(code)]
            let r = key < 0 ? nil : index[packed(key, year)]
            rows.append(r)
            if r == nil { unmatched[code, default: 0] += 1 }
            if let r, let e = fundamentals.employees[r] {
                wf.append(e); source.append(.fundamentals)
            } else {
                wf.append(implied.values[i]); source.append(implied.source[i])
            }
        }
        row = rows
        fiscalYear = years
        workforce = Workforce(values: wf, source: source)
        unmatchedCompanies = unmatched
            .map { (company: $0.key < 0 ? "" : events.company.levels[Int($0.key)], events: $0.value) }
            .sorted { $0.events != $1.events ? $0.events > $1.events : $0.company < $1.company }
        ambiguousFundamentalsLines = ambiguous
    }

    public static func == (a: FundamentalsJoin, b: FundamentalsJoin) -> Bool {
        a.row == b.row && a.fiscalYear == b.fiscalYear && a.workforce == b.workforce
            && a.unmatchedCompanies.map(\.company) == b.unmatchedCompanies.map(\.company)
            && a.unmatchedCompanies.map(\.events) == b.unmatchedCompanies.map(\.events)
            && a.ambiguousFundamentalsLines == b.ambiguousFundamentalsLines
    }

    /// The table for regression, one row per event, in event order:
    /// text `company`, `industry`, `country`, `stage`; numeric (missing where unknown)
    /// `total_laid_off`, `percentage_laid_off` (fraction 0–1), `funds_raised`, `employees`,
    /// `revenue`, `revenue_growth` (percent; from the matched fundamentals row),
    /// `workforce` (``workforce``, whatever its source), `year` (event year).
    ///
    /// `events` and `fundamentals` must be the tables this join was made from; other
    /// tables make it throw ``DataTableError/lengthMismatch(name:expected:actual:)``.
    ///
    /// `columns` limits the table to the named columns (in the order above; names not
    /// listed above are ignored), so a model over a few of them does not pay for the
    /// rest on large tables; `nil` (default) builds every column.
    public func regressionTable(events: EventTable, fundamentals: FundamentalsTable,
                                columns wanted: Set<String>? = nil) throws(DataTableError) -> DataTable {
        // Values of the matched fundamentals row per event, filled in place (no
        // per-event optionals); a missing entry is kept as 0, as NumericColumn does.
        func fromRow(_ column: NumericColumn) -> NumericColumn {
            var values = [Double](repeating: 0, count: row.count)
            var present = [Bool](repeating: false, count: row.count)
            for (i, r) in row.enumerated() {
                if let r, r < column.count, column.isPresent[r] { values[i] = column.values[r]; present[i] = true }
            }
            return NumericColumn(values: values, isPresent: present)
        }
        let all: [(String, () -> Column)] = [
            ("company", { .text(events.company) }),
            ("industry", { .text(events.industry) }),
            ("country", { .text(events.country) }),
            ("stage", { .text(events.stage) }),
            ("total_laid_off", { .numeric(events.cut) }),
            ("percentage_laid_off", { .numeric(events.fraction) }),
            ("funds_raised", { .numeric(events.fundsRaised) }),
            ("employees", { .numeric(fromRow(fundamentals.employees)) }),
            ("revenue", { .numeric(fromRow(fundamentals.revenue)) }),
            ("revenue_growth", { .numeric(fromRow(fundamentals.revenueGrowth)) }),
            ("workforce", { .numeric(workforce.values) }),
            ("year", { .numeric(NumericColumn(values: events.day.map { Double($0.year) },
                                              isPresent: [Bool](repeating: true, count: events.count))) }),
        ]
        let columns = all.filter { wanted?.contains($0.0) ?? true }.map { ($0.0, $0.1()) }
        return try DataTable(columns)
    }

    /// The column names of ``regressionTable(events:fundamentals:columns:)``, in order.
    public static let regressionColumnNames = [
        "company", "industry", "country", "stage", "total_laid_off", "percentage_laid_off", "funds_raised",
        "employees", "revenue", "revenue_growth", "workforce", "year",
    ]
}
