#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StatKit

/// Options of ``EventLoader``.
public struct EventLoadOptions: Sendable, Equatable {
    /// Explicit column mapping, canonical name → header in the file, for layouts other
    /// than the layoffs.fyi export: `["date": "notice_date", "total_laid_off": "jobs"]`.
    /// Canonical names not in the mapping are looked up under their own name (letter case,
    /// surrounding spaces and word separators aside). A mapped header that is absent is an error.
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
    /// The columns to keep, by canonical name (extra columns by header); `nil` keeps every
    /// column. `company`, `date`, `total_laid_off` and `percentage_laid_off` are always
    /// kept (the workforce and the join read them). The other columns are read and
    /// checked all the same (their problems are reported, their values take part in the
    /// search for duplicates) but hold no values (`count` 0) in the loaded table; names the
    /// file does not have are ignored.
    public var columns: Set<String>?
    /// The file's layout: recognised from its header (default), or the one named.
    public var layout: EventFileLayout
    /// WARN notices: the date that dates each event (the other stands in where it is empty).
    public var date: NoticeDateChoice
    /// WARN notices: whether notices that amend an earlier one are left out (default) or kept.
    public var amendments: AmendmentPolicy

    /// Options with the given values; the defaults load the layout the header shows
    /// strictly, keeping every column (WARN notices dated by their notice date, amendments
    /// left out).
    public init(columnMapping: [String: String] = [:], percentScale: Double = 1,
                skipInvalid: Bool = false, dedupe: Bool = false, columns: Set<String>? = nil,
                layout: EventFileLayout = .automatic, date: NoticeDateChoice = .notice, amendments: AmendmentPolicy = .drop) {
        self.columnMapping = columnMapping
        self.percentScale = percentScale
        self.skipInvalid = skipInvalid
        self.dedupe = dedupe
        self.columns = columns
        self.layout = layout
        self.date = date
        self.amendments = amendments
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
    /// The layout the file was read in: ``EventFileLayout/warn`` or ``EventFileLayout/layoffsFyi``.
    public var layout: EventFileLayout = .layoffsFyi
    /// WARN notices: events dated by their other date because the chosen one is empty
    /// (the effective date for a notice without a notice date); the column `date_source`
    /// says which date dated each event.
    public var dateFallbacks = 0
    /// WARN notices: the date column read first and the one read where it is empty
    /// (`notice_date`, `effective_date`); `nil` for layouts without a fallback.
    public var dateColumns: (chosen: String, fallback: String)?
    /// The column whose repeated values make ``duplicates`` (`dedupe_key` of the WARN
    /// register's export); `nil` when duplicates are events equal in every field.
    public var duplicateKey: String?
    /// WARN notices: notices left out because they amend an earlier notice.
    public var amendmentsDropped = 0
    /// WARN register exports: the latest day the compiler first saw a notice (`first_seen`),
    /// the data's as-of date; `nil` for layouts without one.
    public var exportDate: Day?
    /// The files read, in order, with the lines of each (one entry for one file).
    public var files: [EventSourceFile] = []

    /// The file and the line in it of `line`, a line of ``EventTable/line``, a problem or a
    /// duplicate (lines of several files are numbered on, file after file).
    public func place(ofLine line: Int) -> (file: String, line: Int) {
        guard let f = files.last(where: { $0.firstLine <= line }) else { return (file, line) }
        return (f.name, line - f.lineOffset)
    }

    /// `line` as messages show it: `line 17` for one file, `tx.csv:17` for several.
    public func describe(line: Int) -> String {
        if files.count <= 1 { return "line \(line)" }
        let p = place(ofLine: line)
        return "\(p.file):\(p.line)"
    }

    /// Total rows left out for problems.
    public var excludedCount: Int { excludedByReason.values.reduce(0, +) }
}

/// Loads layoff events from CSV into an ``EventTable``.
///
/// WARN notices (the WARN Notice Register's export, Big Local News' layout) are recognised
/// from the header and read as <doc:WARNNotices> describes; ``EventLoadOptions/layout``
/// forces a layout. Otherwise the layout is the layoffs.fyi export: `company,location,total_laid_off,date,
/// percentage_laid_off,industry,source,stage,funds_raised,country,date_added`. Only
/// `company` and `date` are required; any other canonical column may be absent (all its
/// values are then missing). Header names match whatever their letter case, surrounding
/// spaces and word separators (`Company`, ` total_laid_off `, `Total Laid Off`). Columns
/// beyond these are kept as text in ``EventTable/extra``, under their header name. Other
/// layouts load through ``EventLoadOptions/columnMapping``.
///
/// Values (surrounding spaces ignored):
/// - `company`: non-empty text.
/// - `date`, `date_added`: `M/D/YYYY` or `YYYY-MM-DD` (`Day.parse(_:)`); `date_added`
///   may be empty or `Unknown`.
/// - `total_laid_off`: a whole number ≥ 0, written `16000`, `16000.0` or `16,000`; empty
///   or `Unknown` (any case) is missing. Negative, fractional (`12.5`) or non-numeric
///   values are problems.
/// - `percentage_laid_off`: a fraction 0–1 (or percent 0–100 with `percentScale: 100`);
///   empty/`Unknown` missing; outside the range or non-numeric is a problem.
/// - `funds_raised`: millions of US dollars ≥ 0; a leading `$` and thousands separators
///   are accepted (`$1,200` is 1200); empty/`Unknown` missing.
/// - text columns (`location`, `industry`, `source`, `stage`, `country`, extras): the text,
///   trimmed; empty is missing (`Unknown` is kept as a category). `source` and the extras
///   are stored as written when most of the file's first rows hold distinct values (URLs,
///   notes; `StringColumn`), else dictionary-encoded.
/// - a record with a field count different from the header's is a problem of the whole
///   record (`wrong field count`).
///
/// Malformed CSV (an unclosed quote, invalid UTF-8, ...) always throws
/// ``IngestError/csv(_:)``: the record boundaries after it cannot be trusted.
///
/// With `threads` ≥ 2, a file of at least 8 MiB is parsed in segments on that many threads
/// (StatKit's `SegmentedCSVParse`); the events, problems and errors are those of one thread, byte
/// for byte.
public enum EventLoader {
    /// The canonical columns, in the layoffs.fyi order.
    public static let canonicalColumns = EventLayout.layoffsFyi.order

    /// Loads events from the CSV file at `path`, on up to `threads` threads.
    public static func load(path: String, options: EventLoadOptions = .init(), threads: Int = 1) throws(IngestError) -> EventLoadResult {
        try load(path: path, options: options, threads: threads, tuning: SegmentTuning())
    }

    /// Loads events from CSV bytes in memory (such as the embedded dataset); `name` is
    /// the display name used in problems and errors.
    public static func load(bytes: [UInt8], name: String, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        try load(CSVReader(bytes: bytes, name: name), path: nil, size: bytes.count, sample: Array(bytes.prefix(sampleBytes)),
                 options: options, threads: 1, tuning: SegmentTuning(), layout: nil, alongside: nil)
    }

    /// ``load(path:options:threads:)`` with the parse's `tuning` (tests split and share tiny
    /// files, read in small chunks, skew where segments write their rows).
    ///
    /// `alongside`, when given, is called with the loaded events while the duplicates are
    /// searched on another thread (unless ``EventLoadOptions/dedupe`` removes them, which
    /// changes the events: it is then called after the search), so work that needs the
    /// events but not their duplicates (the fundamentals join) overlaps the search.
    static func load(path: String, options: EventLoadOptions, threads: Int, tuning: SegmentTuning,
                     layout: EventLayout? = nil, alongside: ((EventTable) -> Void)? = nil) throws(IngestError) -> EventLoadResult {
        let reader: CSVReader
        do { reader = try CSVReader(path: path, chunkSize: tuning.chunkSize) } catch { throw .csv(error) }
        return try load(reader, path: path, size: fileSize(path: path), sample: fileStart(path), options: options,
                        threads: threads, tuning: tuning, layout: layout, alongside: alongside)
    }

    /// Bytes of a file's start read to see which notes to store as written.
    static let sampleBytes = 1 << 18

    private static func fileStart(_ path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return [] }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: sampleBytes)
        let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, 0) }
        return n > 0 ? Array(buffer.prefix(n)) : []
    }

    /// Loads events from `reader` (at the file's start) of the file at `path` (`nil`: one
    /// thread), `size` bytes, whose first bytes are `sample`.
    private static func load(_ reader: CSVReader, path: String?, size: Int, sample: [UInt8], options: EventLoadOptions,
                             threads: Int, tuning: SegmentTuning, layout given: EventLayout?,
                             alongside: ((EventTable) -> Void)?) throws(IngestError) -> EventLoadResult {
        guard options.percentScale == 1 || options.percentScale == 100 else {
            throw .invalidOptions("percent scale must be 1 (fractions) or 100 (percents), not \(options.percentScale)")
        }
        let header = try reader.checkedHeader()
        let layout = given ?? EventLayout.detect(header: header, choice: options.layout, date: options.date)
        let columns = try ColumnLayout(file: reader.name, header: header, canonical: layout.order,
                                       required: layout.required, mapping: layout.headers(mapping: options.columnMapping, in: header))
        let plan = EventPlan(layout: layout, columnLayout: columns, keep: options.columns,
                             asWritten: EventPlan.notesAsWritten(sample: sample, layout: layout, columnLayout: columns),
                             percentScale: options.percentScale)
        let name = reader.name
        // A record that makes an event has at least a comma per column, a line break, a
        // company and an 8-byte date.
        let parsed = SegmentedCSVParse.parse(reader, path: path, size: size, kinds: plan.kinds,
                                             minimumRecordBytes: header.count + 8, threads: threads, tuning: tuning) {
            EventRecordParser(plan: plan, file: name)
        }
        if let e = parsed.error { throw .csv(e) }
        if !parsed.problems.isEmpty && !options.skipInvalid {
            throw .invalidData(file: name, problems: parsed.problems)
        }
        var t = table(parsed, plan)
        var others = plan.othersLane.map { parsed.lanes[$0].uint64 }
        let duplicates: [DuplicateEvent], dropped: Int
        var amendmentsDropped = 0
        if layout.isWARN {
            if options.amendments == .drop, let keep = WARNSteps.dropAmendments(&t) {
                amendmentsDropped = parsed.count - keep.count
                others = others.map { o in keep.map { o[$0] } }
            }
            WARNSteps.addSectors(&t)
        }
        let kept = others
        if let key = layout.duplicateKey, WARNSteps.extra(t, key) != nil {
            (duplicates, dropped) = WARNSteps.keyDuplicates(&t, key: key, dedupe: options.dedupe)
            alongside?(t)
        } else if let alongside, !options.dedupe, threads > 1 {
            // The search reads the events and leaves them as they are.
            let events = t
            let search = BackgroundWork { () -> [DuplicateEvent] in
                var copy = events
                return DuplicateSearch.find(in: &copy, others: kept, dedupe: false, threads: threads).0
            }
            alongside(t)
            (duplicates, dropped) = (search.wait(), 0)
        } else {
            (duplicates, dropped) = DuplicateSearch.find(in: &t, others: kept, dedupe: options.dedupe, threads: threads)
            alongside?(t)
        }
        var result = EventLoadResult(file: name, events: t, problems: parsed.problems, excludedByReason: parsed.excluded,
                                     duplicates: duplicates, duplicatesDropped: dropped, rowsRead: parsed.records)
        result.files = [EventSourceFile(name: name, firstLine: 1, lineOffset: 0, rows: parsed.records)]
        if layout.isWARN {
            result.layout = .warn
            if let s = plan.lane(of: "date"), s.fallback >= 0 {
                result.dateColumns = (plan.header[s.field], plan.header[s.fallback])
                result.dateFallbacks = WARNSteps.fallbacks(t, fallback: plan.header[s.fallback])
            }
            result.amendmentsDropped = amendmentsDropped
            result.duplicateKey = layout.duplicateKey.flatMap { WARNSteps.extra(t, $0) == nil ? nil : $0 }
            result.exportDate = plan.lane(of: "date_added") == nil ? nil : WARNSteps.latestAdded(t)
        }
        return result
    }

    /// The events of a parse made with `plan`: each column from its lanes, text with its
    /// levels or bytes; a column absent from the file every value missing; a column not
    /// kept empty.
    private static func table(_ p: ParsedRows, _ plan: EventPlan) -> EventTable {
        let n = p.count
        func absent(_ name: String) -> Bool { plan.absent.contains(name) }
        func lane(_ name: String) -> (step: EventPlan.Step, lane: Int)? {
            guard let s = plan.lane(of: name), case .lane(let l) = s.store else { return nil }
            return (s, l)
        }
        func text(_ step: (step: EventPlan.Step, lane: Int)) -> TextColumn {
            var c = p.levels[step.step.ordinal]
            c.codes = p.lanes[step.lane].int32
            return c
        }
        func text(_ name: String) -> TextColumn {
            if let s = lane(name) { return text(s) }
            var c = TextColumn()
            if absent(name) { c.codes = [Int32](repeating: -1, count: n) }
            return c
        }
        func strings(_ step: EventPlan.Step?) -> StringColumn {
            guard let s = step, case .lane(let l) = s.store else { return StringColumn() }
            return s.dictionary ? StringColumn(text((s, l))) : StringColumn(bytes: p.texts[s.ordinal], spans: p.lanes[l].uint64)
        }
        func strings(_ name: String) -> StringColumn {
            if let s = plan.lane(of: name) { return strings(s) }
            return absent(name) ? StringColumn(bytes: [], spans: [UInt64](repeating: StringColumn.missingSpan, count: n)) : StringColumn()
        }
        func numbers(_ name: String) -> NumericColumn {
            guard let (_, l) = lane(name) else {
                return absent(name) ? NumericColumn(values: [Double](repeating: 0, count: n), isPresent: [Bool](repeating: false, count: n))
                    : NumericColumn()
            }
            return NumericColumn(values: p.lanes[l].double, isPresent: p.lanes[l + 1].bool)
        }
        var t = EventTable()
        t.company = text("company")
        t.location = text("location")
        t.industry = text("industry")
        t.stage = text("stage")
        t.country = text("country")
        t.source = strings("source")
        t.day = lane("date").map { p.lanes[$0.lane].day } ?? []
        t.cut = numbers("total_laid_off")
        t.fraction = numbers("percentage_laid_off")
        t.fundsRaised = numbers("funds_raised")
        if let (_, l) = lane("date_added") {
            t.dateAdded.numbers = p.lanes[l].int32
        } else if absent("date_added") {
            t.dateAdded.numbers = [Int32](repeating: OptionalDayColumn.missing, count: n)
        }
        t.line = p.lanes[plan.lineLane].int32
        t.extra = zip(plan.extras, plan.extraNames).map { (name: $1, values: strings(plan.lane(ofExtra: $0))) }
        // Which date dated each event, where the date falls back to another column.
        if let (s, l) = lane("date"), s.flagsFallback {
            var source = TextColumn()
            source.levels = [plan.header[s.field]] + (s.fallback >= 0 ? [plan.header[s.fallback]] : [])
            source.codes = p.lanes[l + 1].bool.map { $0 ? 1 : 0 }
            t.extra.append((name: WARNSteps.dateSourceColumn, values: StringColumn(source)))
        }
        return t
    }
}
