/// Options of ``EventLoader``.
public struct EventLoadOptions: Sendable, Equatable {
    /// Explicit column mapping, canonical name → header in the file, for layouts other
    /// than the layoffs.fyi export: `["date": "notice_date", "total_laid_off": "jobs"]`.
    /// Canonical names not in the mapping are looked up under their own name, exactly
    /// (no case folding, no guessing). A mapped header that is absent is an error.
    public var columnMapping: [String: String]
    /// Scale of `percentage_laid_off`: 1 (a fraction, 0–1; the layoffs.fyi layout) or 100
    /// (percents, 0–100, divided by 100 on load).
    public var percentScale: Double
    /// `false` (default): any problem makes the load fail, listing all problems.
    /// `true`: rows with problems are left out and counted by reason.
    public var skipInvalid: Bool
    /// Drop exact duplicate events (all fields equal), keeping the first. Duplicates are
    /// reported in ``EventLoadResult/duplicates`` either way.
    public var dedupe: Bool

    /// Options with the given values; the defaults load a layoffs.fyi export strictly.
    public init(columnMapping: [String: String] = [:], percentScale: Double = 1,
                skipInvalid: Bool = false, dedupe: Bool = false) {
        self.columnMapping = columnMapping
        self.percentScale = percentScale
        self.skipInvalid = skipInvalid
        self.dedupe = dedupe
    }
}

/// An event that repeats an earlier one field for field.
public struct DuplicateEvent: Sendable, Equatable {
    /// Line of the repeated record.
    public var line: Int
    /// Line of the first record with the same fields.
    public var firstLine: Int

    /// A duplicate at `line` of the record at `firstLine`.
    public init(line: Int, firstLine: Int) {
        self.line = line
        self.firstLine = firstLine
    }
}

/// What ``EventLoader`` produced.
public struct EventLoadResult: Sendable {
    /// File name as given (path or display name).
    public var file: String
    /// The events loaded (after leaving out invalid rows and, with dedupe, duplicates).
    public var events: EventTable
    /// Every problem found; empty unless ``EventLoadOptions/skipInvalid`` was set
    /// (otherwise problems make the load throw).
    public var problems: [DataProblem]
    /// Rows left out because of problems, by reason (a row counts once, under the reason
    /// of its first problem, e.g. `invalid date`, `negative count`, `wrong field count`).
    public var excludedByReason: [String: Int]
    /// Exact duplicates found, in file order.
    public var duplicates: [DuplicateEvent]
    /// Duplicates dropped (non-zero only with ``EventLoadOptions/dedupe``).
    public var duplicatesDropped: Int
    /// Data records read (header and blank lines not counted).
    public var rowsRead: Int

    /// Total rows left out for problems.
    public var excludedCount: Int { excludedByReason.values.reduce(0, +) }
}

/// Loads layoff events from CSV into an ``EventTable``.
///
/// The layout is the layoffs.fyi export: `company,location,total_laid_off,date,
/// percentage_laid_off,industry,source,stage,funds_raised,country,date_added`. Only
/// `company` and `date` are required; any other canonical column may be absent (all its
/// values are then missing). Columns beyond these are kept as text in
/// ``EventTable/extra``, under their header name. Other layouts load through
/// ``EventLoadOptions/columnMapping``.
///
/// Values (surrounding spaces ignored):
/// - `company`: non-empty text.
/// - `date`, `date_added`: `M/D/YYYY` or `YYYY-MM-DD` (``Day/parse(_:)``); `date_added`
///   may be empty or `Unknown`.
/// - `total_laid_off`: a whole number ≥ 0, written `16000`, `16000.0` or `16,000`; empty
///   or `Unknown` (any case) is missing. Negative, fractional (`12.5`) or non-numeric
///   values are problems.
/// - `percentage_laid_off`: a fraction 0–1 (or percent 0–100 with `percentScale: 100`);
///   empty/`Unknown` missing; outside the range or non-numeric is a problem.
/// - `funds_raised`: millions of US dollars ≥ 0; a leading `$` and thousands separators
///   are accepted (`$1,200` is 1200); empty/`Unknown` missing.
/// - text columns (`location`, `industry`, `source`, `stage`, `country`, extras): the text,
///   trimmed; empty is missing (`Unknown` is kept as a category).
/// - a record with a field count different from the header's is a problem of the whole
///   record (`wrong field count`).
///
/// Malformed CSV (an unclosed quote, invalid UTF-8, ...) always throws
/// ``IngestError/csv(_:)``: the record boundaries after it cannot be trusted.
public enum EventLoader {
    /// The canonical columns, in the layoffs.fyi order.
    public static let canonicalColumns = [
        "company", "location", "total_laid_off", "date", "percentage_laid_off", "industry",
        "source", "stage", "funds_raised", "country", "date_added",
    ]

    /// Loads events from the CSV file at `path`.
    public static func load(path: String, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        let reader: CSVReader
        do { reader = try CSVReader(path: path) } catch { throw .csv(error) }
        return try load(reader, options: options)
    }

    /// Loads events from CSV bytes in memory (such as the embedded dataset); `name` is
    /// the display name used in problems and errors.
    public static func load(bytes: [UInt8], name: String, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        try load(CSVReader(bytes: bytes, name: name), options: options)
    }

    /// Loads events from a reader positioned before the header line.
    public static func load(_ reader: CSVReader, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        guard options.percentScale == 1 || options.percentScale == 100 else {
            throw .invalidOptions("percent scale must be 1 (fractions) or 100 (percents), not \(options.percentScale)")
        }
        return try Loader(reader: reader, options: options).run()
    }

    private struct Loader {
        let reader: CSVReader
        let options: EventLoadOptions

        // Canonical indices.
        static let company = 0, location = 1, cut = 2, date = 3, fraction = 4, industry = 5
        static let source = 6, stage = 7, funds = 8, country = 9, added = 10

        func run() throws(IngestError) -> EventLoadResult {
            let header = try reader.checkedHeader()
            let layout = try ColumnLayout(file: reader.name, header: header, canonical: EventLoader.canonicalColumns,
                                          required: ["company", "date"], mapping: options.columnMapping)
            var checker = RowChecker(file: reader.name, header: header)
            var t = EventTable()
            t.extra = layout.extras.map { (name: header[$0], values: TextColumn()) }
            var excluded: [String: Int] = [:]
            var duplicates: [DuplicateEvent] = []
            var dropped = 0
            var seen = RowIndex()
            var rows = 0
            let idx = layout.index
            let width = header.count
            let scale = options.percentScale

            // Interners for company, location, industry, source, stage, country, then extras.
            var interners = [TextColumnInterner](repeating: TextColumnInterner(), count: 6 + layout.extras.count)

            while try reader.checkedNext() {
                rows += 1
                let line = reader.recordLine
                let before = checker.problems.count
                if reader.fieldCount != width {
                    checker.reportRagged(line: line, actual: reader.fieldCount)
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    continue
                }
                // company
                let ci = idx[Loader.company]!
                let companyBytes = CSVValue.trimmed(reader.field(ci))
                if companyBytes.isEmpty {
                    checker.report(line: line, column: ci, value: reader.field(ci), issue: "is missing",
                                   expected: "a company name", reason: "missing company")
                }
                // date
                let di = idx[Loader.date]!
                let dateBytes = CSVValue.trimmed(reader.field(di))
                let day = Day.parse(dateBytes)
                if day == nil {
                    if dateBytes.isEmpty {
                        checker.report(line: line, column: di, value: reader.field(di), issue: "is missing",
                                       expected: "a date, M/D/YYYY or YYYY-MM-DD", reason: "missing date")
                    } else {
                        checker.report(line: line, column: di, value: reader.field(di), issue: "is not a date",
                                       expected: "M/D/YYYY or YYYY-MM-DD", reason: "invalid date")
                    }
                }
                // total_laid_off
                var cut: Double? = nil
                if let c = idx[Loader.cut], !isMissingDomainValue(reader.field(c)) {
                    let f = reader.field(c)
                    let expected = "a whole number of jobs ≥ 0 such as 16000 or 16,000"
                    if let v = CSVValue.groupedDouble(f) {
                        if v < 0 {
                            checker.report(line: line, column: c, value: f, issue: "is negative", expected: expected, reason: "negative count")
                        } else if v.rounded() != v {
                            checker.report(line: line, column: c, value: f, issue: "is not a whole number", expected: expected, reason: "non-integer count")
                        } else {
                            cut = v
                        }
                    } else {
                        checker.report(line: line, column: c, value: f, issue: "is not a number", expected: expected, reason: "invalid count")
                    }
                }
                // percentage_laid_off
                var fraction: Double? = nil
                if let c = idx[Loader.fraction], !isMissingDomainValue(reader.field(c)) {
                    let f = reader.field(c)
                    let expected = scale == 1
                        ? "a fraction between 0 and 1 (for percents use percent scale 100)"
                        : "a percent between 0 and 100"
                    if let v = CSVValue.double(f) {
                        let x = v / scale
                        if x < 0 || x > 1 {
                            checker.report(line: line, column: c, value: f, issue: "is out of range", expected: expected, reason: "fraction out of range")
                        } else {
                            fraction = x
                        }
                    } else {
                        checker.report(line: line, column: c, value: f, issue: "is not a number", expected: expected, reason: "invalid fraction")
                    }
                }
                // funds_raised
                var funds: Double? = nil
                if let c = idx[Loader.funds], !isMissingDomainValue(reader.field(c)) {
                    let f = reader.field(c)
                    let expected = "millions of US dollars ≥ 0 such as 1200, 1,200 or $1,200"
                    if let v = CSVValue.groupedDouble(f, currency: true) {
                        if v < 0 {
                            checker.report(line: line, column: c, value: f, issue: "is negative", expected: expected, reason: "negative funds")
                        } else {
                            funds = v
                        }
                    } else {
                        checker.report(line: line, column: c, value: f, issue: "is not a number", expected: expected, reason: "invalid funds")
                    }
                }
                // date_added
                var added: Day? = nil
                if let c = idx[Loader.added], !isMissingDomainValue(reader.field(c)) {
                    let f = reader.field(c)
                    added = Day.parse(CSVValue.trimmed(f))
                    if added == nil {
                        checker.report(line: line, column: c, value: f, issue: "is not a date",
                                       expected: "M/D/YYYY or YYYY-MM-DD", reason: "invalid date_added")
                    }
                }
                if checker.problems.count > before {
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    continue
                }
                guard let day else { continue } // unreachable: a missing day is a problem
                // Valid row: encode text and check for an exact duplicate.
                let codes = (
                    interners.code(reader, ci, 0, &t.company),
                    interners.code(reader, idx[Loader.location], 1, &t.location),
                    interners.code(reader, idx[Loader.industry], 2, &t.industry),
                    interners.code(reader, idx[Loader.source], 3, &t.source),
                    interners.code(reader, idx[Loader.stage], 4, &t.stage),
                    interners.code(reader, idx[Loader.country], 5, &t.country)
                )
                var extraCodes: [Int32] = []
                if !layout.extras.isEmpty {
                    extraCodes.reserveCapacity(layout.extras.count)
                    for (k, c) in layout.extras.enumerated() {
                        extraCodes.append(interners.code(reader, c, 6 + k, &t.extra[k].values))
                    }
                }
                func bits(_ c: Int32) -> UInt64 { UInt64(UInt32(bitPattern: c)) }
                func bits(_ v: Double?) -> UInt64 { v?.bitPattern ?? 0x7FF8_0000_0000_0001 } // a NaN never parsed
                var h = RowIndex.mix(bits(codes.0) | bits(codes.1) << 32, bits(codes.2) | bits(codes.3) << 32)
                h = RowIndex.mix(h, bits(codes.4) | bits(codes.5) << 32)
                for v in extraCodes { h = RowIndex.mix(h, bits(v)) }
                h = RowIndex.mix(h, bits(day.number) | (added.map { bits($0.number) } ?? 1 << 63) << 32)
                h = RowIndex.mix(RowIndex.mix(RowIndex.mix(h, bits(cut)), bits(fraction)), bits(funds))
                let first = seen.find(h) { r in
                    t.company.codes[r] == codes.0 && t.location.codes[r] == codes.1 && t.industry.codes[r] == codes.2
                        && t.source.codes[r] == codes.3 && t.stage.codes[r] == codes.4 && t.country.codes[r] == codes.5
                        && t.day[r] == day && t.dateAdded[r] == added && t.cut[r] == cut && t.fraction[r] == fraction
                        && t.fundsRaised[r] == funds && extraCodes.indices.allSatisfy { t.extra[$0].values.codes[r] == extraCodes[$0] }
                }
                if let first {
                    duplicates.append(DuplicateEvent(line: line, firstLine: Int(t.line[first])))
                    if options.dedupe { dropped += 1; continue }
                } else {
                    seen.insert(row: t.count, hash: h)
                }
                t.company.codes.append(codes.0)
                t.location.codes.append(codes.1)
                t.industry.codes.append(codes.2)
                t.source.codes.append(codes.3)
                t.stage.codes.append(codes.4)
                t.country.codes.append(codes.5)
                for k in extraCodes.indices { t.extra[k].values.codes.append(extraCodes[k]) }
                t.day.append(day)
                t.cut.append(cut)
                t.fraction.append(fraction)
                t.fundsRaised.append(funds)
                t.dateAdded.append(added)
                t.line.append(Int32(truncatingIfNeeded: line))
            }
            if !checker.problems.isEmpty && !options.skipInvalid {
                throw .invalidData(file: reader.name, problems: checker.problems)
            }
            return EventLoadResult(file: reader.name, events: t, problems: checker.problems,
                                   excludedByReason: excluded, duplicates: duplicates,
                                   duplicatesDropped: dropped, rowsRead: rows)
        }
    }
}

extension [TextColumnInterner] {
    /// The code of the trimmed field `col` of the current record in interner `k`, adding
    /// a level to `column` when new; -1 (missing) for an absent column or an empty cell.
    mutating func code(_ reader: CSVReader, _ col: Int?, _ k: Int, _ column: inout TextColumn) -> Int32 {
        guard let c = col else { return -1 }
        let v = CSVValue.trimmed(reader.field(c))
        return v.isEmpty ? -1 : self[k].canonicalCode(v, in: &column)
    }
}

/// Open-addressing index of table rows by a 64-bit hash of their fields; equality is
/// decided by the caller against the stored row.
struct RowIndex {
    private var rows = [Int32](repeating: -1, count: 1024)
    private var hashes = [UInt64](repeating: 0, count: 1024)
    private var count = 0

    static func mix(_ h: UInt64, _ v: UInt64) -> UInt64 {
        var x = (h ^ v) &* 0x9E37_79B9_7F4A_7C15
        x ^= x >> 31
        return x &* 0xBF58_476D_1CE4_E5B9
    }

    /// The first stored row with hash `h` for which `equal` holds.
    func find(_ h: UInt64, _ equal: (Int) -> Bool) -> Int? {
        let mask = rows.count - 1
        var i = Int(truncatingIfNeeded: h >> 7) & mask
        while rows[i] >= 0 {
            if hashes[i] == h && equal(Int(rows[i])) { return Int(rows[i]) }
            i = (i + 1) & mask
        }
        return nil
    }

    mutating func insert(row: Int, hash h: UInt64) {
        if (count + 1) * 2 > rows.count { grow() }
        let mask = rows.count - 1
        var i = Int(truncatingIfNeeded: h >> 7) & mask
        while rows[i] >= 0 { i = (i + 1) & mask }
        rows[i] = Int32(truncatingIfNeeded: row)
        hashes[i] = h
        count += 1
    }

    private mutating func grow() {
        let oldRows = rows, oldHashes = hashes
        rows = [Int32](repeating: -1, count: oldRows.count * 2)
        hashes = [UInt64](repeating: 0, count: oldRows.count * 2)
        count = 0
        for i in oldRows.indices where oldRows[i] >= 0 { insert(row: Int(oldRows[i]), hash: oldHashes[i]) }
    }
}
