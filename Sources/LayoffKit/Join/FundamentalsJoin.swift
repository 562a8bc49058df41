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
    /// Per event, the index of the matched fundamentals row, or -1 when none matched.
    /// (32-bit, as ``EventTable``'s codes: four bytes per event rather than sixteen for an
    /// `Int?`, which at 10⁶ events is 12 MB of a report's memory.)
    public var row: [Int32]
    /// Per event, the fiscal year looked up (event year − lag).
    public var fiscalYear: [Int32]
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
    public var matchedCount: Int { row.reduce(0) { $0 + ($1 < 0 ? 0 : 1) } }
    /// Number of events without one.
    public var unmatchedCount: Int { row.count - matchedCount }

    /// Joins every event to the fundamentals row with the same company key
    /// (``CompanyNames/key(_:)``) and fiscal year = event year − `options.lag`.
    public init(events: EventTable, fundamentals: FundamentalsTable, options: JoinOptions = .init()) {
        // Company keys are numbered once, in order of first appearance in the fundamentals.
        // A company has a row per fiscal year, usually on consecutive rows: its name is
        // keyed once.
        var keyNumber: [String: Int32] = [:]
        var numberOfName: [String: Int32] = [:]
        var fundamentalsKey = [Int32](repeating: 0, count: fundamentals.count)
        var lastName: String?
        var lastNumber: Int32 = 0
        for i in 0..<fundamentals.count {
            let name = fundamentals.company[i]
            if name != lastName {
                if let known = numberOfName[name] { lastNumber = known } else {
                    let key = options.names.key(name)
                    if let k = keyNumber[key] { lastNumber = k } else {
                        lastNumber = Int32(keyNumber.count)
                        keyNumber[key] = lastNumber
                    }
                    numberOfName[name] = lastNumber
                }
                lastName = name
            }
            fundamentalsKey[i] = lastNumber
        }
        // Fundamentals rows by (key, fiscal year, row): per key, its years ascending, each
        // with its first row; later rows of the same key and year are ambiguous.
        let sortedRows = (0..<fundamentals.count).sorted {
            (fundamentalsKey[$0], fundamentals.fiscalYear[$0], $0) < (fundamentalsKey[$1], fundamentals.fiscalYear[$1], $1)
        }
        // One packed entry per (key, year) (years in `tableYear`): row and employees.
        struct Entry {
            var employees: Double
            /// `row << 1 | 1` when the row has employees, `row << 1` when not; -1 for no row.
            var rowAndFlag: Int
        }
        var keyStart = [Int32](repeating: 0, count: keyNumber.count + 1)
        var table: [Entry] = [], tableYear: [Int] = []
        table.reserveCapacity(fundamentals.count)
        tableYear.reserveCapacity(fundamentals.count)
        var ambiguousRows: [Int] = []
        for (j, r) in sortedRows.enumerated() {
            if j > 0, fundamentalsKey[sortedRows[j - 1]] == fundamentalsKey[r],
               fundamentals.fiscalYear[sortedRows[j - 1]] == fundamentals.fiscalYear[r] {
                ambiguousRows.append(r)
                continue
            }
            keyStart[Int(fundamentalsKey[r]) + 1] += 1
            let known = fundamentals.employees.isPresent[r]
            table.append(Entry(employees: known ? fundamentals.employees.values[r] : 0, rowAndFlag: r << 1 | (known ? 1 : 0)))
            tableYear.append(fundamentals.fiscalYear[r])
        }
        for k in 0..<keyNumber.count { keyStart[k + 1] += keyStart[k] }
        let ambiguous = ambiguousRows.sorted().map { Int(fundamentals.line[$0]) }

        // Per company code (not per event), its key; -1 when no fundamentals row has it.
        // Slot levels.count: missing company.
        let levels = events.company.levels
        let missing = levels.count
        var keyOfSlot = [Int32](repeating: -1, count: levels.count + 1)
        for (c, name) in levels.enumerated() {
            // A name spelled as in the fundamentals has that name's key: no normalising.
            if let k = numberOfName[name] ?? keyNumber[options.names.key(name)] { keyOfSlot[c] = k }
        }
        // Event year from a table over the day range (unless it is much wider than the table).
        let n = events.count
        let lo = events.day.min()?.number ?? 0, hi = events.day.max()?.number ?? 0
        let yearOfDay: [Int]? = n > 0 && Int(hi) - Int(lo) < 4 * n + 1024
            ? (lo...hi).map { Day(number: $0).year } : nil
        // The years an event can look up are few (the events' years, less the lag): when
        // keys × years is small, one dense slot per (key, event year) makes the lookup a
        // single array access; else a short linear search in the key's run of `table`.
        let firstYear = n > 0 ? Day(number: lo).year : 0
        let years = n > 0 ? Day(number: hi).year - firstYear + 1 : 0
        let denseSize = keyNumber.count * years
        let dense: [Entry]? = denseSize <= max(4 * table.count, 1 << 16) ? {
            var d = [Entry](repeating: Entry(employees: 0, rowAndFlag: -1), count: denseSize)
            for k in 0..<keyNumber.count {
                for j in Int(keyStart[k])..<Int(keyStart[k + 1]) {
                    let y = tableYear[j] + options.lag - firstYear
                    if y >= 0 && y < years { d[k * years + y] = table[j] }
                }
            }
            return d
        }() : nil
        var unmatched = [Int](repeating: 0, count: levels.count + 1)
        var rows = [Int32](repeating: -1, count: n)
        var fiscal = [Int32](repeating: 0, count: n)
        var wfValue = [Double](repeating: 0, count: n)
        var wfKnown = [Bool](repeating: false, count: n)
        var source = [WorkforceSource](repeating: .unknown, count: n)
        let none = Entry(employees: 0, rowAndFlag: -1)
        let chunkSize = 4096
        var found = [Entry](repeating: none, count: min(n, chunkSize))
        var chunk = 0
        while chunk < n {
            let end = min(n, chunk + chunkSize)
            // Look the chunk's events up first, in a short loop whose scattered reads of the
            // table overlap, then fill the outputs.
            for i in chunk..<end {
                let day = events.day[i]
                let eventYear = yearOfDay.map { $0[Int(day.number - lo)] } ?? day.year
                let year = eventYear - options.lag
                fiscal[i] = Int32(truncatingIfNeeded: year)
                let code = events.company.codes[i]
                let key = Int(keyOfSlot[code < 0 ? missing : Int(code)])
                var entry = none
                if key >= 0 {
                    if let dense {
                        entry = dense[key * years + eventYear - firstYear]
                    } else {
                        // A key's run holds a handful of years: a linear search.
                        var j = Int(keyStart[key])
                        let end = Int(keyStart[key + 1])
                        while j < end, tableYear[j] < year { j += 1 }
                        if j < end, tableYear[j] == year { entry = table[j] }
                    }
                }
                found[i - chunk] = entry
            }
            for i in chunk..<end {
                let entry = found[i - chunk]
                if entry.rowAndFlag >= 0 { rows[i] = Int32(truncatingIfNeeded: entry.rowAndFlag >> 1) }
                if entry.rowAndFlag >= 0 && entry.rowAndFlag & 1 != 0 {
                    wfValue[i] = entry.employees; wfKnown[i] = true; source[i] = .fundamentals
                } else {
                    if entry.rowAndFlag < 0 {
                        let code = events.company.codes[i]
                        unmatched[code < 0 ? missing : Int(code)] += 1
                    }
                    // Implied by the event: cut ÷ fraction (as ``Workforce/implied(by:)``).
                    if events.cut.isPresent[i], events.fraction.isPresent[i], events.fraction.values[i] > 0 {
                        wfValue[i] = events.cut.values[i] / events.fraction.values[i]; wfKnown[i] = true
                        source[i] = .implied
                    }
                }
            }
            chunk = end
        }
        row = rows
        fiscalYear = fiscal
        workforce = Workforce(values: NumericColumn(values: wfValue, isPresent: wfKnown), source: source)
        unmatchedCompanies = unmatched.indices.filter { unmatched[$0] > 0 }
            .map { (company: $0 == missing ? "" : levels[$0], events: unmatched[$0]) }
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
            for (i, r32) in row.enumerated() {
                let r = Int(r32)
                if r >= 0, r < column.count, column.isPresent[r] { values[i] = column.values[r]; present[i] = true }
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
