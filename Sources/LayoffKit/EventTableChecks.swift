import StatKit

extension EventTable {
    /// A table from its columns, checked: every given column has one entry per day, text
    /// and numbers are usable, days lie in the supported years.
    ///
    /// ```swift
    /// let events = try EventTable(day: [Day(parsing: "2024-01-25")!, Day(parsing: "2024-02-14")!],
    ///                             company: ["Microsoft", "Cisco"], cut: [1_900, 4_250],
    ///                             industry: ["Other", nil])
    /// ```
    ///
    /// A column left out (`nil`) is missing for every event; `line` defaults to the lines a
    /// CSV of the table would have (event `i` on line `i + 2`, after the header).
    ///
    /// - Throws: ``AnalysisError/lengthMismatch(what:expected:actual:)`` when a column's length
    ///   differs from `day`'s; ``AnalysisError/invalidValue(column:index:problem:)`` for a day
    ///   outside the years 0001–9999, a negative or non-finite cut or funds figure, a fraction
    ///   outside 0–1, a line number below 1; ``AnalysisError/invalidParameter(_:)`` for an extra
    ///   column without a name or with the name of another column.
    public init(day: [Day], company: [String?]? = nil, location: [String?]? = nil, cut: [Double?]? = nil,
                fraction: [Double?]? = nil, industry: [String?]? = nil, source: [String?]? = nil,
                stage: [String?]? = nil, fundsRaised: [Double?]? = nil, country: [String?]? = nil,
                dateAdded: [Day?]? = nil, line: [Int32]? = nil,
                extra: [(name: String, values: [String?])] = []) throws(AnalysisError) {
        let n = day.count
        func check(_ name: String, _ count: Int?) throws(AnalysisError) {
            if let count, count != n { throw .lengthMismatch(what: name, expected: n, actual: count) }
        }
        try check("company", company?.count); try check("location", location?.count)
        try check("cut", cut?.count); try check("fraction", fraction?.count)
        try check("industry", industry?.count); try check("source", source?.count)
        try check("stage", stage?.count); try check("fundsRaised", fundsRaised?.count)
        try check("country", country?.count); try check("dateAdded", dateAdded?.count)
        try check("line", line?.count)
        var names = Set(["company", "location", "industry", "source", "stage", "country"])
        for e in extra {
            guard !e.name.isEmpty, names.insert(e.name).inserted else {
                throw .invalidParameter("extra column '\(e.name)' needs a name of its own (not empty, not the name of another column)")
            }
            try check(e.name, e.values.count)
        }
        for (i, d) in day.enumerated() where !SupportedDays.contains(d) {
            throw .invalidValue(column: "day", index: i, problem: "\(d) is outside the supported years 0001 to 9999")
        }
        for (i, d) in (dateAdded ?? []).enumerated() {
            if let d, !SupportedDays.contains(d) {
                throw .invalidValue(column: "dateAdded", index: i, problem: "\(d) is outside the supported years 0001 to 9999")
            }
        }
        func numbers(_ name: String, _ values: [Double?]?, _ range: ClosedRange<Double>, _ expected: String) throws(AnalysisError) -> NumericColumn {
            guard let values else { return NumericColumn(values: [], isPresent: []) }
            for (i, v) in values.enumerated() {
                if let v, !(v.isFinite && range.contains(v)) {
                    throw .invalidValue(column: name, index: i, problem: "\(v) is not \(expected)")
                }
            }
            return NumericColumn(values)
        }
        for (i, l) in (line ?? []).enumerated() where l < 1 {
            throw .invalidValue(column: "line", index: i, problem: "\(l) is not a line number (1 or more)")
        }
        self.init()
        self.day = day
        self.company = TextColumn(company ?? [])
        self.location = TextColumn(location ?? [])
        self.cut = try numbers("cut", cut, 0...Double.greatestFiniteMagnitude, "a finite number of jobs ≥ 0")
        self.fraction = try numbers("fraction", fraction, 0...1, "a fraction between 0 and 1")
        self.industry = TextColumn(industry ?? [])
        self.source = StringColumn(source ?? [])
        self.stage = TextColumn(stage ?? [])
        self.fundsRaised = try numbers("fundsRaised", fundsRaised, 0...Double.greatestFiniteMagnitude, "a finite amount ≥ 0")
        self.country = TextColumn(country ?? [])
        self.dateAdded = OptionalDayColumn(dateAdded ?? [])
        self.line = line ?? []
        self.extra = extra.map { (name: $0.name, values: StringColumn($0.values)) }
        self = try checkedCovered(fillingEveryColumn: true).events
    }

    /// Checks that the table can be analysed: each column has one entry per event (``day``)
    /// or none at all (a column left empty is missing for every event, so a table built in
    /// code need not fill the columns it does not use), every text code names a level of
    /// its column or is −1 (missing), the numeric columns' values and presence masks agree,
    /// and the days lie in the years 0001–9999.
    ///
    /// The analyses (``YearOverYear``, ``YearToDate``, ``RollingRates``, ``GroupedEvents``,
    /// ``LayoffSummary``, ``FundamentalsJoin``) run this check first and throw what it throws,
    /// so a table whose public columns were changed by hand is refused, never read out of
    /// bounds. It reads every text code once (O(events × text columns)).
    ///
    /// - Throws: ``AnalysisError/lengthMismatch(what:expected:actual:)``,
    ///   ``AnalysisError/invalidValue(column:index:problem:)``.
    public func validate() throws(AnalysisError) {
        _ = try checked()
    }

    /// This table checked as ``validate()`` does, with the columns the analyses read at
    /// every event filled when left empty: `company`, and `cut` and `fraction` with missing
    /// values, `line` with `i + 2`. The other columns stay empty (a load that did not keep
    /// them would otherwise grow by them at every analysis) and are filled where one is
    /// read (``groupColumn(named:)``, the regression's tables). The same table (no copy)
    /// when nothing was filled.
    func checked() throws(AnalysisError) -> EventTable { try checkedCovered().events }

    /// ``checked()`` and the table's ``Coverage`` (found while checking the days);
    /// `fillingEveryColumn` fills every column left empty, as the checked initialiser does.
    func checkedCovered(fillingEveryColumn all: Bool = false) throws(AnalysisError) -> (events: EventTable, coverage: Coverage?) {
        let n = count
        guard n < Int(Int32.max) else { throw .invalidParameter("too many events (\(n)) for one table") }
        var t = self
        func text(_ name: String, _ c: inout TextColumn, fill: Bool = false) throws(AnalysisError) {
            if c.codes.isEmpty {
                if n > 0 && (fill || all) { c.codes = [Int32](repeating: -1, count: n) }
                return
            }
            guard c.codes.count == n else { throw .lengthMismatch(what: name, expected: n, actual: c.codes.count) }
            let levels = Int32(clamping: c.levels.count)
            // The smallest and largest code in one pass the compiler vectorises (every
            // analysis runs this check); the offending entry is searched for only when one is out.
            let (lo, hi) = c.codes.withUnsafeBufferPointer { codes in
                var lo = Int32.max, hi = Int32.min
                for code in codes { lo = min(lo, code); hi = max(hi, code) }
                return (lo, hi)
            }
            if lo < -1 || hi >= levels, let i = c.codes.firstIndex(where: { $0 < -1 || $0 >= levels }) {
                throw .invalidValue(column: name, index: i,
                                    problem: "code \(c.codes[i]) names no level (the column has \(c.levels.count); −1 is missing)")
            }
        }
        func strings(_ name: String, _ c: inout StringColumn) throws(AnalysisError) {
            if c.count == 0 {
                if n > 0 && all { c = StringColumn(filled(TextColumn())) }
                return
            }
            guard c.count == n else { throw .lengthMismatch(what: name, expected: n, actual: c.count) }
            if var codes = c.dictionary { try text(name, &codes) }
        }
        func numeric(_ name: String, _ c: inout NumericColumn, fill: Bool = false) throws(AnalysisError) {
            if c.values.isEmpty && c.isPresent.isEmpty {
                if n > 0 && (fill || all) { c = NumericColumn(values: [Double](repeating: 0, count: n), isPresent: [Bool](repeating: false, count: n)) }
                return
            }
            guard c.values.count == n else { throw .lengthMismatch(what: name, expected: n, actual: c.values.count) }
            guard c.isPresent.count == n else { throw .lengthMismatch(what: name + " presence mask", expected: n, actual: c.isPresent.count) }
        }
        try text("company", &t.company, fill: true)
        try text("location", &t.location)
        try numeric("cut", &t.cut, fill: true)
        try numeric("fraction", &t.fraction, fill: true)
        try text("industry", &t.industry)
        try strings("source", &t.source)
        try text("stage", &t.stage)
        try numeric("fundsRaised", &t.fundsRaised)
        try text("country", &t.country)
        if t.dateAdded.isEmpty {
            if n > 0 && all { t.dateAdded = OptionalDayColumn(repeatElement(nil, count: n)) }
        } else if t.dateAdded.count != n {
            throw .lengthMismatch(what: "dateAdded", expected: n, actual: t.dateAdded.count)
        }
        if t.line.isEmpty {
            if n > 0 { t.line = (0..<n).map { Int32($0 + 2) } }
        } else if t.line.count != n {
            throw .lengthMismatch(what: "line", expected: n, actual: t.line.count)
        }
        for k in t.extra.indices { try strings(t.extra[k].name, &t.extra[k].values) }
        let coverage = Coverage(t)
        if let cov = coverage, !(SupportedDays.contains(cov.first) && SupportedDays.contains(cov.last)) {
            let i = t.day.firstIndex { !SupportedDays.contains($0) }!
            throw .invalidValue(column: "day", index: i, problem: "\(t.day[i]) is outside the supported years 0001 to 9999")
        }
        return (t, coverage)
    }
}

extension Workforce {
    /// Throws unless this workforce has one value, presence flag and source per event of a
    /// table of `events` events.
    func check(events: Int) throws(AnalysisError) {
        guard values.values.count == events else {
            throw .lengthMismatch(what: "workforce", expected: events, actual: values.values.count)
        }
        guard values.isPresent.count == events else {
            throw .lengthMismatch(what: "workforce presence mask", expected: events, actual: values.isPresent.count)
        }
        guard source.count == events else {
            throw .lengthMismatch(what: "workforce source", expected: events, actual: source.count)
        }
    }
}

extension FundamentalsTable {
    /// Throws unless every column has one entry per row (``company``) and there are fewer
    /// than 2³⁰ rows (the join numbers them in 30 bits).
    func check() throws(AnalysisError) {
        let n = company.count
        guard n < 1 << 30 else { throw .invalidParameter("too many fundamentals rows (\(n))") }
        for (name, count) in [("fiscalYear", fiscalYear.count), ("employees", employees.values.count),
                              ("employees presence mask", employees.isPresent.count), ("revenue", revenue.values.count),
                              ("revenue presence mask", revenue.isPresent.count), ("revenueGrowth", revenueGrowth.values.count),
                              ("revenueGrowth presence mask", revenueGrowth.isPresent.count),
                              ("growthDerived", growthDerived.count), ("line", line.count)] where count != n {
            throw .lengthMismatch(what: "fundamentals " + name, expected: n, actual: count)
        }
    }
}
