#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import StatKit
import Synchronization

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
    ///
    /// With `threads` ≥ 2 and a file of at least 8 MiB, the file is parsed in `threads`
    /// segments at once; the result,
    /// problems and errors are the same as with one thread, byte for byte.
    ///
    /// Segments start after a line feed near each 1/`threads` of the file, on the guess
    /// that the line feed is not inside a quoted field. The guess is checked: the segment
    /// before must end exactly there. When it does not (a quoted field with a line break
    /// straddles the split), that segment's parse is discarded and the segment before
    /// continues through it, so a wrong guess costs time, never correctness.
    ///
    /// A thread that finishes its segment early takes over the second half of the largest
    /// remainder another thread still has to parse (from a line feed on, checked the same
    /// way), so the threads finish together however the cores are shared at the moment.
    public static func load(path: String, options: EventLoadOptions = .init(), threads: Int = 1) throws(IngestError) -> EventLoadResult {
        try load(path: path, options: options, threads: threads, minimumSplitBytes: minimumSplitBytes)
    }

    /// Smallest file split into segments (smaller ones parse faster on one thread).
    static let minimumSplitBytes = 8 << 20

    /// ``load(path:options:threads:)`` with the smallest file size worth splitting and the
    /// smallest remainder worth taking over given (tests split and share tiny files).
    /// (Tests also read in small chunks, so that readers are overtaken while they read,
    /// and count the segments taken over in `takenOver`; `placement` skews where segments
    /// write their rows in place, or shrinks the columns, and counts what the join moved.)
    ///
    /// `alongside`, when given, is called with the loaded events while the duplicates are
    /// searched on other threads (unless ``EventLoadOptions/dedupe`` removes them, which
    /// changes the events: it is then called after the search), so work that needs the
    /// events but not their duplicates (the fundamentals join) overlaps the search.
    static func load(path: String, options: EventLoadOptions, threads: Int, minimumSplitBytes: Int,
                     minimumStealBytes: Int = 8 << 20, chunkSize: Int = 1 << 20,
                     takenOver: TakeOverCount? = nil, placement: PlacementKnobs = .init(),
                     alongside: ((EventTable) -> Void)? = nil) throws(IngestError) -> EventLoadResult {
        try checkOptions(options)
        let reader: CSVReader
        do { reader = try CSVReader(path: path, chunkSize: chunkSize) } catch { throw .csv(error) }
        let (header, layout) = try readLayout(reader, options: options)
        let size = fileSize(path)
        let splits = threads > 1 && size >= minimumSplitBytes
            ? splitOffsets(path: path, from: reader.position, size: size, parts: threads) : []
        // Room for as many events as the file could hold (a valid record has at least a
        // comma per column, a line break, a company and an 8-byte date), reserved up front
        // so that columns never move while growing: memory is only committed as rows are
        // written (segments write into such columns in place).
        let minimumRecord = header.count + 8
        if splits.isEmpty {
            var part = Partial(layout: layout)
            part.parse(reader, header: header, options: options, reserve: size / minimumRecord + 1)
            var parts = [part]
            part = Partial(layout: layout)
            return try finish(&parts, header: header, options: options, name: reader.name, threads: threads,
                              alongside: alongside)
        }
        return try loadSegments(reader: reader, path: path, header: header, layout: layout, options: options,
                                threads: threads, size: size, splits: splits, capacity: size / minimumRecord + 1,
                                minimumStealBytes: minimumStealBytes, chunkSize: chunkSize, takenOver: takenOver,
                                placement: placement, alongside: alongside)
    }

    /// The parse in segments of ``load(path:options:threads:minimumSplitBytes:minimumStealBytes:chunkSize:takenOver:placement:alongside:)``.
    ///
    /// Every segment writes its rows in place, into the final columns (arrays of
    /// `capacity` rows, an upper bound of the file's events, allocated once: memory is
    /// committed only where rows are written), from the row its first byte is estimated to
    /// start at, so that its rows are written once, never copied into a first segment's
    /// table. A segment reaching the next one's start keeps its further rows in its own
    /// table (its overflow). At the end the segments' rows are moved together (gaps
    /// closed, overflows inserted), text codes remapped on the way; a file that grew
    /// beyond `capacity` while read is joined the ordinary way.
    private static func loadSegments(reader: CSVReader, path: String, header: [String], layout: ColumnLayout,
                                     options: EventLoadOptions, threads: Int, size: Int, splits: [Int], capacity: Int,
                                     minimumStealBytes: Int, chunkSize: Int, takenOver: TakeOverCount?,
                                     placement: PlacementKnobs,
                                     alongside: ((EventTable) -> Void)?) throws(IngestError) -> EventLoadResult {
        let capacity = max(1, placement.capacity ?? capacity)
        let dataStart = reader.position
        // Estimated rows per byte, with 1 % to spare, so that a segment seldom overflows
        // into the next one's rows (a gap costs nothing but the move that closes it).
        let rowsPerByte = rowsPerByteEstimate(path: path, from: dataStart) * 1.01 * placement.rowEstimateScale
        let textCount = 6 + layout.extras.count
        let built = withPlacedColumns(textColumns: textCount, capacity: capacity) { columns -> PlacedJoin in
            // Segment 0 here, segments 1..<k on other threads. A thread done with its segment
            // takes over the second half of the largest remainder still being parsed (from a
            // line feed on, as the splits are made), until no remainder is worth it: the
            // threads then finish together however the system shares the cores among them
            // and the other work of the moment (hashing, the fundamentals).
            let board = SegmentBoard(path: path, size: size, minimumSteal: max(2, minimumStealBytes))
            /// The segment from `start` whose reader follows `progress`, marked finished once parsed.
            @Sendable func parseSegment(from start: Int, _ progress: SegmentProgress, _ placed: PlacedRows) -> (start: Int, part: Partial) {
                var part = Partial(layout: layout, later: true)
                part.placed = placed
                do throws(CSVError) {
                    let r = try CSVReader(path: path, segmentStart: start, firstLine: 1, chunkSize: chunkSize)
                    r.follow(progress)
                    part.parse(r, header: header, options: options)
                } catch {
                    part.csvError = error
                }
                board.finished(progress)
                return (start, part)
            }
            @Sendable func parseTakenOver() -> [(start: Int, part: Partial)] {
                var out: [(start: Int, part: Partial)] = []
                while let s = board.takeOver() { out.append(parseSegment(from: s.start, s.progress, s.placed)) }
                return out
            }
            // Segment k from the row its first byte is estimated to start at, up to the next one's.
            let firstRows = [0] + splits.map { byte in
                Int(min(Double(capacity), (Double(byte - dataStart) * rowsPerByte).rounded(.down)))
            }
            func placed(_ k: Int) -> PlacedRows {
                PlacedRows(columns: columns, byteStart: k == 0 ? dataStart : splits[k - 1], start: firstRows[k],
                           limit: k + 1 < firstRows.count ? firstRows[k + 1] : capacity, rowsPerByte: rowsPerByte)
            }
            let first = board.add(start: reader.position, stop: splits[0], placed: placed(0))
            let pending = splits.indices.map { k in
                let start = splits[k], rows = placed(k + 1)
                let progress = board.add(start: start, stop: k + 1 < splits.count ? splits[k + 1] : Int.max, placed: rows).progress
                return BackgroundWork { [parseSegment(from: start, progress, rows)] + parseTakenOver() }
            }
            reader.follow(first.progress)
            var current = Partial(layout: layout)
            current.placed = first.placed
            current.parse(reader, header: header, options: options)
            board.finished(first.progress)
            var segments = parseTakenOver()
            for p in pending { segments += p.wait() }
            // In file order. Where a segment did not end exactly where the next begins (a quoted
            // line break straddles the boundary), the next one's parse is dropped and this one
            // goes on through it (in place, through the dropped one's rows too, unless it
            // already overflowed).
            segments.sort { $0.start < $1.start }
            takenOver?.count.store(segments.count - splits.count, ordering: .relaxed)
            var done: [Partial] = []
            for k in segments.indices {
                if current.csvError != nil { break } // thrown below; later segments do not matter
                if current.stopPosition == segments[k].start {
                    var n = segments[k].part
                    n.lineOffset = current.lineOffset + current.stopLine - 1
                    done.append(current)
                    current = n
                } else {
                    let stop = k + 1 < segments.count ? segments[k + 1].start : Int.max
                    if let p = current.placed, let q = segments[k].part.placed { p.absorb(q) }
                    do throws(CSVError) {
                        let r = try CSVReader(path: path, segmentStart: current.stopPosition, firstLine: current.stopLine,
                                              chunkSize: chunkSize)
                        r.stop(at: stop)
                        current.parse(r, header: header, options: options)
                    } catch {
                        current.csvError = error
                    }
                }
                segments[k].part = Partial(layout: layout) // drop this reference: `current` or `done` holds it
            }
            done.append(current)
            current = Partial(layout: layout)
            segments = []
            return joinPlaced(&done, columns, threads: threads, stats: placement.stats)
        }
        let join = built.join
        if let e = join.error { throw .csv(e) }
        var t: EventTable
        if let fallback = join.fallback {
            t = fallback
        } else {
            t = EventTable()
            t.extra = layout.extras.map { (name: header[$0], values: TextColumn()) }
            var text = join.text
            for j in text.indices { text[j].codes = built.codes[j] }
            t.textColumns = text
            t.day = built.day
            t.cut = NumericColumn(values: built.values[0], isPresent: built.present[0])
            t.fraction = NumericColumn(values: built.values[1], isPresent: built.present[1])
            t.fundsRaised = NumericColumn(values: built.values[2], isPresent: built.present[2])
            t.dateAdded.numbers = built.added
            t.line = built.line
        }
        return try conclude(t, problems: join.problems, excluded: join.excluded, rows: join.rows, options: options,
                            name: reader.name, threads: threads, alongside: alongside)
    }

    /// Loads events from CSV bytes in memory (such as the embedded dataset); `name` is
    /// the display name used in problems and errors.
    public static func load(bytes: [UInt8], name: String, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        try load(CSVReader(bytes: bytes, name: name), options: options)
    }

    /// Loads events from a reader positioned before the header line.
    public static func load(_ reader: CSVReader, options: EventLoadOptions = .init()) throws(IngestError) -> EventLoadResult {
        try checkOptions(options)
        let (header, layout) = try readLayout(reader, options: options)
        var part = Partial(layout: layout)
        part.parse(reader, header: header, options: options)
        var parts = [part]
        part = Partial(layout: layout)
        return try finish(&parts, header: header, options: options, name: reader.name)
    }

    private static func checkOptions(_ options: EventLoadOptions) throws(IngestError) {
        guard options.percentScale == 1 || options.percentScale == 100 else {
            throw .invalidOptions("percent scale must be 1 (fractions) or 100 (percents), not \(options.percentScale)")
        }
    }

    private static func readLayout(_ reader: CSVReader, options: EventLoadOptions) throws(IngestError) -> ([String], ColumnLayout) {
        let header = try reader.checkedHeader()
        let layout = try ColumnLayout(file: reader.name, header: header, canonical: EventLoader.canonicalColumns,
                                      required: ["company", "date"], mapping: options.columnMapping)
        return (header, layout)
    }

    private static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }

    /// The offset just after the first line feed at or after `offset` and before `end`
    /// (`nil` when there is none within 1 MiB, or the file cannot be read).
    static func lineStart(path: String, atOrAfter offset: Int, before end: Int) -> Int? {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return nil }
        defer { close(fd) }
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        var at = offset
        while at < end && at < offset + (1 << 20) {
            let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
            if n <= 0 { return nil }
            if let i = buf[0..<n].firstIndex(of: 10) { return at + i + 1 < end ? at + i + 1 : nil }
            at += n
        }
        return nil
    }

    /// Offsets just after the first line feed at or after each `size·k/parts` (k ≥ 1)
    /// beyond `from`; empty when no such line feed is found within 1 MiB of a target.
    static func splitOffsets(path: String, from: Int, size: Int, parts: Int) -> [Int] {
        let fd = open(path, O_RDONLY)
        if fd < 0 { return [] }
        defer { close(fd) }
        var out: [Int] = []
        var buf = [UInt8](repeating: 0, count: 1 << 16)
        for k in 1..<parts {
            var at = max(size * k / parts, (out.last ?? from))
            var found: Int?
            while found == nil && at < size && at < size * k / parts + (1 << 20) {
                let n = buf.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off_t(at)) }
                if n <= 0 { break }
                if let i = buf[0..<n].firstIndex(of: 10) { found = at + i + 1 } else { at += n }
            }
            guard let f = found, f < size, f > out.last ?? from else { continue }
            out.append(f)
        }
        return out
    }

    /// What one segment of the file produced: rows, problems and, when the segment's
    /// CSV is malformed, the error (raised only if the segment is used).
    struct Partial: Sendable {
        var table = EventTable()
        var interners: [TextColumnInterner]
        var problems: [DataProblem] = []
        var excluded: [String: Int] = [:]
        var rows = 0
        var csvError: CSVError?
        /// File offset and line where parsing stopped (at a record boundary).
        var stopPosition = 0
        var stopLine = 1
        /// Added to this segment's line numbers to make them the file's.
        var lineOffset = 0
        /// Where the rows go in place (``table`` then holds only the overflow's rows, and
        /// the levels of all); `nil`: into ``table``.
        var placed: PlacedRows?
        let layout: ColumnLayout

        /// An empty part; `later` for a segment after the first, whose text columns are only
        /// read to be merged into the first one's (their ASCII levels go unindexed, see
        /// ``TextColumnInterner/init(asciiLevelsUnindexed:)``).
        init(layout: ColumnLayout, later: Bool = false) {
            self.layout = layout
            interners = [TextColumnInterner](repeating: TextColumnInterner(),
                                             count: 6 + layout.extras.count)
        }

        // Canonical indices.
        static let company = 0, location = 1, cut = 2, date = 3, fraction = 4, industry = 5
        static let source = 6, stage = 7, funds = 8, country = 9, added = 10

        /// Parses records until the reader stops, the input ends or the CSV is malformed.
        mutating func parse(_ reader: CSVReader, header: [String], options: EventLoadOptions, reserve: Int = 0) {
            if table.extra.count != layout.extras.count {
                table.extra = layout.extras.map { (name: header[$0], values: TextColumn()) }
            }
            // Work on locals (moved out of self and back), so the hot loop touches no
            // property of self.
            var checker = RowChecker(file: reader.name, header: header)
            var t = EventTable(), interners: [TextColumnInterner] = [], excluded: [String: Int] = [:], rows = self.rows
            swap(&checker.problems, &problems)
            swap(&t, &table)
            swap(&interners, &self.interners)
            swap(&excluded, &self.excluded)
            if reserve > t.day.capacity { t.reserveCapacity(reserve) }
            let staged = StagedRows(textColumns: 6 + layout.extras.count)
            let placed = self.placed
            // The company of the last row staged, when its lookup is finished only at the
            // next row (or before a flush), so that its prefetched table slot has a whole
            // row's time to arrive; companies are still interned in row order.
            var pendingCompany: (row: Int, value: TextColumnInterner.Deferred)? = nil
            defer {
                if let p = pendingCompany { staged.code(0)[p.row] = interners[0].code(p.value, in: &t.company) }
                staged.flush(into: &t, placing: placed)
                staged.deallocate()
                swap(&checker.problems, &problems)
                swap(&t, &table)
                swap(&interners, &self.interners)
                swap(&excluded, &self.excluded)
                self.rows = rows
                stopPosition = reader.position
                stopLine = reader.currentLine
            }
            let idx = layout.index
            let width = header.count
            let scale = options.percentScale
            var days = DayReader()
            let ci = idx[Partial.company]!, di = idx[Partial.date]!
            let cutColumn = idx[Partial.cut], fractionColumn = idx[Partial.fraction]
            let fundsColumn = idx[Partial.funds], addedColumn = idx[Partial.added]
            let locationColumn = idx[Partial.location], industryColumn = idx[Partial.industry]
            let sourceColumn = idx[Partial.source], stageColumn = idx[Partial.stage]
            let countryColumn = idx[Partial.country]
            // The interners in place for the loop (an array element's mutation checks the
            // array's uniqueness at each of a row's seven lookups).
            interners.withUnsafeMutableBufferPointer { interners in
            while true {
                do throws(CSVError) { guard try reader.next() else { return } } catch { csvError = error; return }
                rows += 1
                let line = reader.recordLine
                let before = checker.problems.count
                if reader.fieldCount != width {
                    checker.reportRagged(line: line, actual: reader.fieldCount)
                    countByFirstReason(checker.problems[before...], into: &excluded)
                    continue
                }
                // The fields as views of the reader's buffer (no copies, no reference
                // counting): valid until the next record.
                let f = reader.fields
                do {
                    // company
                    let companyBytes = trimmedField(f[ci])
                    if companyBytes.isEmpty {
                        checker.report(line: line, column: ci, value: f[ci], issue: "is missing",
                                       expected: "a company name", reason: "missing company")
                    }
                    // Its slot of the table is fetched while the other fields are read (with
                    // thousands of companies it is seldom in cache); interned last.
                    let companyAhead = interners[0].lookahead(companyBytes)
                    // date
                    let dateBytes = trimmedField(f[di])
                    let day = days.parse(dateBytes)
                    if day == nil {
                        if dateBytes.isEmpty {
                            checker.report(line: line, column: di, value: f[di], issue: "is missing",
                                           expected: "a date, M/D/YYYY or YYYY-MM-DD", reason: "missing date")
                        } else {
                            checker.report(line: line, column: di, value: f[di], issue: "is not a date",
                                           expected: "M/D/YYYY or YYYY-MM-DD", reason: "invalid date")
                        }
                    }
                    // total_laid_off
                    var cut: Double? = nil
                    if let c = cutColumn, !isMissingDomainValue(f[c]) {
                        let f = f[c]
                        let expected = "a whole number of jobs ≥ 0 such as 16000 or 16,000"
                        if let v = CSVValue.plainDecimal(f) ?? CSVValue.groupedDouble(f) {
                            if v < 0 {
                                checker.report(line: line, column: c, value: f, issue: "is negative", expected: expected, reason: "negative count")
                            } else if !isWholeNumber(v) {
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
                    if let c = fractionColumn, !isMissingDomainValue(f[c]) {
                        let f = f[c]
                        let expected = scale == 1
                            ? "a fraction between 0 and 1 (for percents use percent scale 100)"
                            : "a percent between 0 and 100"
                        if let v = CSVValue.plainDecimal(f) ?? CSVValue.double(f) {
                            let x = scale == 1 ? v : v / scale // v / 1 is v: no division
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
                    if let c = fundsColumn, !isMissingDomainValue(f[c]) {
                        let f = f[c]
                        let expected = "millions of US dollars ≥ 0 such as 1200, 1,200 or $1,200"
                        if let v = CSVValue.plainDecimal(f) ?? CSVValue.groupedDouble(f, currency: true) {
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
                    if let c = addedColumn, !isMissingDomainValue(f[c]) {
                        let f = f[c]
                        let addedBytes = trimmedField(f)
                        // Usually the same text as the date: the same day, unparsed.
                        added = DayReader.sameBytes(addedBytes, dateBytes) ? day : days.parse(addedBytes)
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
                    // Interned in file order (levels in order of first appearance), staged,
                    // and appended to the table a block of rows at a time.
                    let r = staged.count
                    staged.code(1)[r] = interners.code(f, locationColumn, 1, &t.location)
                    staged.code(2)[r] = interners.code(f, industryColumn, 2, &t.industry)
                    staged.code(3)[r] = interners.code(f, sourceColumn, 3, &t.source)
                    staged.code(4)[r] = interners.code(f, stageColumn, 4, &t.stage)
                    staged.code(5)[r] = interners.code(f, countryColumn, 5, &t.country)
                    for (k, c) in layout.extras.enumerated() {
                        staged.code(6 + k)[r] = interners.code(f, c, 6 + k, &t.extra[k].values)
                    }
                    // Each column has its own interner: the order of the columns changes
                    // no code (levels stay in order of first appearance within a column).
                    // The previous row's company first (row order), then this row's, now or
                    // at the next row.
                    if let p = pendingCompany { staged.code(0)[p.row] = interners[0].code(p.value, in: &t.company) }
                    pendingCompany = nil
                    if let d = interners[0].deferred(companyBytes, lookahead: companyAhead) {
                        pendingCompany = (r, d)
                    } else {
                        staged.code(0)[r] = interners[0].code(companyBytes, lookahead: companyAhead, in: &t.company)
                    }
                    staged.day[r] = day
                    staged.set(0, r, cut)
                    staged.set(1, r, fraction)
                    staged.set(2, r, funds)
                    staged.added[r] = added?.number ?? OptionalDayColumn.missing
                    staged.line[r] = Int32(truncatingIfNeeded: line)
                    staged.count = r + 1
                    if r + 1 == StagedRows.capacity {
                        if let p = pendingCompany { staged.code(0)[p.row] = interners[0].code(p.value, in: &t.company) }
                        pendingCompany = nil
                        staged.flush(into: &t, placing: placed)
                    }
                }
            }
            }
        }
    }

    /// Joins the segments' parts in file order (levels in order of first appearance,
    /// line numbers made the file's), finds exact duplicates, and throws the first CSV
    /// error or, unless invalid rows are skipped, the problems.
    private static func finish(_ parts: inout [Partial], header: [String], options: EventLoadOptions, name: String,
                               threads: Int = 1,
                               alongside: ((EventTable) -> Void)? = nil) throws(IngestError) -> EventLoadResult {
        if let e = firstError(parts) { throw .csv(e) }
        let (problems, excluded, rows) = reports(parts)
        let t = join(&parts, threads: threads)
        return try conclude(t, problems: problems, excluded: excluded, rows: rows, options: options, name: name,
                            threads: threads, alongside: alongside)
    }

    /// The first CSV error of the parts, its line made the file's.
    private static func firstError(_ parts: [Partial]) -> CSVError? {
        for p in parts {
            if var e = p.csvError {
                if e.line > 0 { e.line += p.lineOffset }
                return e
            }
        }
        return nil
    }

    /// The parts' problems (lines made the file's), exclusions and records read, together.
    private static func reports(_ parts: [Partial]) -> (problems: [DataProblem], excluded: [String: Int], rows: Int) {
        var problems = parts[0].problems
        var excluded = parts[0].excluded
        var rows = parts[0].rows
        for p in parts.dropFirst() {
            problems.append(contentsOf: p.problems.map { var q = $0; q.line += p.lineOffset; return q })
            excluded.merge(p.excluded, uniquingKeysWith: +)
            rows += p.rows
        }
        return (problems, excluded, rows)
    }

    /// The parts' tables (none placed) joined in file order; empties `parts`.
    private static func join(_ parts: inout [Partial], threads: Int) -> EventTable {
        var t = parts[0].table
        parts[0].table = EventTable() // t must hold the only reference, or appending copies
        // The text columns (codes remapped to the first segment's levels) and the other
        // columns (copied) are independent: with two threads, the text columns are joined
        // on a second thread while this one copies the rest. Each column is still joined
        // segment after segment, in file order, so the result is the same.
        let box = TextColumnsMerge(into: t.textColumns, from: parts.dropFirst().map { $0.table.textColumns },
                                   interners: parts.map(\.interners))
        t.textColumns = []
        for k in parts.indices.dropFirst() { parts[k].table.textColumns = [] }
        let pendingText = threads > 1 && parts.count > 1 ? BackgroundWork { box.run() } : nil
        if pendingText == nil { box.run() }
        for k in parts.indices.dropFirst() {
            var p = parts[k].table
            parts[k].table = EventTable()
            let offset = Int32(truncatingIfNeeded: parts[k].lineOffset)
            t.day.append(contentsOf: p.day); p.day = []
            t.cut.append(contentsOf: p.cut); p.cut = NumericColumn()
            t.fraction.append(contentsOf: p.fraction); p.fraction = NumericColumn()
            t.fundsRaised.append(contentsOf: p.fundsRaised); p.fundsRaised = NumericColumn()
            t.dateAdded.append(contentsOf: p.dateAdded); p.dateAdded = OptionalDayColumn()
            let from = t.line.count
            t.line.append(contentsOf: p.line); p.line = []
            t.line.withUnsafeMutableBufferPointer { l in
                for i in from..<l.count { l[i] &+= offset }
            }
        }
        pendingText?.wait()
        t.textColumns = box.take()
        parts = []
        return t
    }

    /// What ``joinPlaced(_:_:threads:stats:)`` made of the placed segments.
    struct PlacedJoin {
        /// Rows of the final columns in use (0 on an error, or with `fallback`).
        var count = 0
        /// The text columns' levels (in order of first appearance; codes empty: they are
        /// the final columns').
        var text: [TextColumn] = []
        var problems: [DataProblem] = []
        var excluded: [String: Int] = [:]
        var rows = 0
        /// The first CSV error, thrown by the caller.
        var error: CSVError?
        /// The table joined the ordinary way, when the rows did not fit the final columns.
        var fallback: EventTable?
    }

    /// Joins placed segments (in file order) in the final columns: each segment's rows are
    /// moved to follow the previous segment's (and its overflow), its text codes remapped
    /// to the first segment's levels on the way, its line numbers made the file's, and its
    /// overflow copied after them. With two threads, the text columns are joined on a
    /// second thread while this one joins the rest.
    private static func joinPlaced(_ parts: inout [Partial], _ c: PlacedColumns, threads: Int,
                                   stats: PlacementStats?) -> PlacedJoin {
        var j = PlacedJoin()
        if let e = firstError(parts) {
            j.error = e
            return j
        }
        (j.problems, j.excluded, j.rows) = reports(parts)
        let ranges = parts.map { $0.placed!.range }
        // Each segment claims rows below its limit, the next one's start (limits only
        // move down under the claims' lock): the runs never overlap.
        precondition(zip(ranges, ranges.dropFirst()).allSatisfy { $0.end <= $1.start }, "placed segments overlap")
        var finals: [Int] = [], overflows: [Int] = [], total = 0
        for k in parts.indices {
            finals.append(total)
            overflows.append(parts[k].table.count)
            total += ranges[k].end - ranges[k].start + overflows[k]
        }
        stats?.overflowRows.store(overflows.reduce(0, +), ordering: .relaxed)
        if total > c.capacity {
            // More rows than the columns hold (the file grew while read): each segment's
            // placed rows go before its overflow, and the tables are joined.
            stats?.fellBack.store(true, ordering: .relaxed)
            for k in parts.indices {
                parts[k].table.prepend(c, ranges[k].start..<ranges[k].end)
                parts[k].placed = nil
            }
            j.fallback = join(&parts, threads: threads)
            return j
        }
        let plan = PlacementPlan(starts: ranges.map(\.start), counts: ranges.map { $0.end - $0.start }, finals: finals)
        stats?.movedRows.store(plan.movedRows, ordering: .relaxed)
        let text = parts.map { $0.table.textColumns }, interners = parts.map(\.interners)
        for k in parts.indices { parts[k].table.textColumns = [] }
        let textWork = { @Sendable () -> [TextColumn] in plan.joinText(text, interners: interners, c) }
        let pendingText = threads > 1 ? BackgroundWork(textWork) : nil
        let joinedText = pendingText == nil ? textWork() : nil
        plan.move(c.day)
        for v in 0..<3 {
            plan.move(c.values[v])
            plan.move(c.present[v])
        }
        plan.move(c.added)
        plan.move(c.line)
        for k in parts.indices where overflows[k] > 0 {
            let at = finals[k] + plan.counts[k], t = parts[k].table
            func copy<T>(_ from: [T], _ to: UnsafeMutablePointer<T>) {
                from.withUnsafeBufferPointer { (to + at).initialize(from: $0.baseAddress!, count: $0.count) }
            }
            copy(t.day, c.day)
            copy(t.cut.values, c.values[0]); copy(t.cut.isPresent, c.present[0])
            copy(t.fraction.values, c.values[1]); copy(t.fraction.isPresent, c.present[1])
            copy(t.fundsRaised.values, c.values[2]); copy(t.fundsRaised.isPresent, c.present[2])
            copy(t.dateAdded.numbers, c.added)
            copy(t.line, c.line)
        }
        for k in parts.indices where parts[k].lineOffset != 0 {
            let offset = Int32(truncatingIfNeeded: parts[k].lineOffset)
            for i in finals[k]..<finals[k] + plan.counts[k] + overflows[k] { c.line[i] &+= offset }
        }
        parts = []
        j.text = pendingText?.wait() ?? joinedText!
        // Rows written beyond the end before the moves (the tail of the last moved run):
        // their whole pages go back to the system.
        c.release(from: total, to: ranges.map(\.end).max() ?? 0)
        j.count = total
        return j
    }

    /// Throws the problems (unless invalid rows are skipped), then finds the exact
    /// duplicates of the joined events `t` (dropping them with dedupe).
    private static func conclude(_ t: EventTable, problems: [DataProblem], excluded: [String: Int], rows: Int,
                                 options: EventLoadOptions, name: String, threads: Int,
                                 alongside: ((EventTable) -> Void)?) throws(IngestError) -> EventLoadResult {
        var t = t
        if !problems.isEmpty && !options.skipInvalid {
            throw .invalidData(file: name, problems: problems)
        }
        let duplicates: [DuplicateEvent], dropped: Int
        if let alongside, !options.dedupe, threads > 1 {
            // The search reads the events and leaves them as they are.
            let table = t
            let search = BackgroundWork { () -> [DuplicateEvent] in
                var copy = table
                return findDuplicates(in: &copy, dedupe: false, threads: threads).0
            }
            alongside(t)
            (duplicates, dropped) = (search.wait(), 0)
        } else {
            (duplicates, dropped) = findDuplicates(in: &t, dedupe: options.dedupe, threads: threads)
            alongside?(t)
        }
        return EventLoadResult(file: name, events: t, problems: problems,
                               excludedByReason: excluded, duplicates: duplicates,
                               duplicatesDropped: dropped, rowsRead: rows)
    }

    /// Exact duplicates (all fields equal to an earlier event's), in file order; with
    /// `dedupe`, removes them from `t` (keeping the first).
    ///
    /// Equal events share their day, so events are bucketed by runs of consecutive days
    /// (a counting sort, file order kept within a bucket) and each bucket is searched with
    /// a hash table that stays in cache; a day range too wide for the buckets falls back to one table
    /// over all events. Both find, for each event, the first earlier equal event
    /// (``RowColumns/equal(_:_:)``: every field the same, numbers bit for bit).
    ///
    /// `forcedHash` (tests) gives every row of a day one hash (`forcedHash` mixed with the
    /// day): all rows of a day then collide, and equality alone decides.
    static func findDuplicates(in t: inout EventTable, dedupe: Bool, threads: Int = 1,
                               forcedHash: UInt32? = nil) -> ([DuplicateEvent], Int) {
        let n = t.count
        var pairs: [(row: Int32, first: Int32)] = []
        if n > 1 {
            let table = t
            pairs = table.withRowColumns(forcedHash: forcedHash) { columns in duplicatePairs(columns, count: n, threads: threads) }
        }
        let duplicates = pairs.map { DuplicateEvent(line: Int(t.line[Int($0.row)]), firstLine: Int(t.line[Int($0.first)])) }
        let dropped = dedupe ? pairs.map { Int($0.row) } : []
        if !dropped.isEmpty {
            var keep: [Int] = []
            keep.reserveCapacity(t.count - dropped.count)
            var d = 0
            for r in 0..<t.count {
                if d < dropped.count && dropped[d] == r { d += 1 } else { keep.append(r) }
            }
            // Dropped rows repeat earlier ones, so they hold no level of their own: the
            // re-encoded levels keep their order.
            t = t.selecting(keep)
        }
        return (duplicates, dropped.count)
    }

    /// The duplicate pairs (row, first earlier equal row) of the `n` rows of `c`, sorted by row.
    ///
    /// Equal rows share their day, so the rows are cut into buckets of whole consecutive
    /// days holding about ``bucketRows`` rows each (more when one day has more). A stable
    /// counting sort by bucket writes each row's entry (its ``RowColumns/hash(_:)`` in the
    /// high 32 bits, the row in the low 32), computed as the row is placed, the columns
    /// read in file order; each bucket's entries, in file order, are then searched with a
    /// hash table that stays in cache. (Buckets of single days wrote to thousands of places
    /// at once, each entry a cache miss of its own; a few hundred buckets keep their
    /// write positions in cache.) For large tables the rows are placed in two halves on two
    /// threads (each half with its own cursor per bucket, the first half's rows before the
    /// second's, so the order is the one thread's) and the buckets are searched in two
    /// parts of about equal rows on two threads (pairs sorted by row afterwards).
    private static func duplicatePairs(_ c: RowColumns, count n: Int, threads: Int) -> [(row: Int32, first: Int32)] {
        var first = c.day[0].number, last = first
        for r in 1..<n { let d = c.day[r].number; first = min(first, d); last = max(last, d) }
        let lo = first, hi = last
        let span = Int(hi) - Int(lo) + 1
        var entries = [UInt64](unsafeUninitializedCapacity: n) { _, k in k = n }
        guard span <= max(4 * n, 1 << 16) else {
            // One bucket of all the rows, in file order (the hash covers the day too).
            for r in 0..<n { entries[r] = UInt64(c.hash(r)) << 32 | UInt64(r) }
            return entries.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: [0, Int32(n)], 0..<1) }
        }
        let twoThreads = threads > 1 && n >= 1 << 16
        let halves = twoThreads ? [0..<n / 2, n / 2..<n] : [0..<n]
        var counts = halves.map { rows in
            var k = [Int32](repeating: 0, count: span)
            k.withUnsafeMutableBufferPointer { k in for r in rows { k[Int(c.day[r].number - lo)] &+= 1 } }
            return k
        }
        // Days to buckets, in order: a bucket closes once it holds `bucketRows` rows. Each
        // day's bucket goes where the first half's count of it was (read just before).
        var bucketOfDay = counts[0]
        var sizes: [[Int32]] = halves.map { _ in [] }
        var held = 0
        for k in 0..<span {
            if held >= bucketRows || sizes[0].isEmpty {
                for h in halves.indices { sizes[h].append(0) }
                held = 0
            }
            let b = sizes[0].count - 1
            for h in halves.indices {
                let m = counts[h][k]
                sizes[h][b] &+= m
                held += Int(m)
            }
            bucketOfDay[k] = Int32(truncatingIfNeeded: b)
        }
        counts = []
        let buckets = sizes[0].count
        var starts = [Int32](repeating: 0, count: buckets + 1)
        var fills = sizes
        for b in 0..<buckets {
            var at = starts[b]
            for h in halves.indices {
                fills[h][b] = at
                at += sizes[h][b]
            }
            starts[b + 1] = at
        }
        sizes = []
        entries.withUnsafeMutableBufferPointer { e in
            let out = EntriesOutput(base: e.baseAddress!)
            let dayBucket = bucketOfDay
            @Sendable func place(_ rows: Range<Int>, _ fill: [Int32]) {
                var fill = fill
                fill.withUnsafeMutableBufferPointer { fill in
                    dayBucket.withUnsafeBufferPointer { dayBucket in
                        for r in rows {
                            let b = Int(dayBucket[Int(c.day[r].number &- lo)])
                            let p = Int(fill[b])
                            out.base[p] = UInt64(c.hash(r)) << 32 | UInt64(r)
                            fill[b] = Int32(truncatingIfNeeded: p &+ 1)
                        }
                    }
                }
            }
            if twoThreads {
                let second = BackgroundWork { [fill = fills[1]] in place(halves[1], fill) }
                place(halves[0], fills[0])
                second.wait()
            } else {
                place(halves[0], fills[0])
            }
        }
        fills = []
        bucketOfDay = []
        let byBucket = entries, bounds = starts
        var pairs: [(row: Int32, first: Int32)]
        if twoThreads {
            // The buckets in two parts of about half the rows each, searched on two
            // threads; the pairs are sorted by row afterwards, so the result does not
            // depend on which finishes first.
            var middle = 0
            while middle < buckets && Int(bounds[middle + 1]) <= n / 2 { middle += 1 }
            let split = middle
            let half = BackgroundWork {
                byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, split..<buckets) }
            }
            pairs = byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, 0..<split) }
            pairs += half.wait()
        } else {
            pairs = byBucket.withUnsafeBufferPointer { scanBuckets(c, entries: $0, starts: bounds, 0..<buckets) }
        }
        // Found bucket by bucket: in file order once sorted by row.
        pairs.sort { $0.row < $1.row }
        return pairs
    }

    /// Rows per bucket of days in the duplicate search: a bucket's table (two slots of 8
    /// bytes per row, rounded up to a power of two) stays in a core's cache.
    static let bucketRows = 4096

    /// Where the day sort writes its entries (each half of the rows to places of its own).
    private struct EntriesOutput: @unchecked Sendable {
        let base: UnsafeMutablePointer<UInt64>
    }

    /// Duplicate pairs (row, first earlier equal row) within the buckets `range`: bucket
    /// `k` is `entries[starts[k]..<starts[k + 1]]`, entries in file order (hash in the high
    /// 32 bits, row in the low 32). Equal rows share their bucket, so each bucket is
    /// searched alone: a few entries by comparing each with the earlier ones, more with a
    /// small open-addressing table of the bucket's first occurrences that stays in cache.
    /// Columns are read only for rows whose hashes match.
    private static func scanBuckets(_ c: RowColumns, entries: UnsafeBufferPointer<UInt64>, starts: [Int32],
                                    _ range: Range<Int>) -> [(row: Int32, first: Int32)] {
        var pairs: [(row: Int32, first: Int32)] = []
        var slots = [UInt64](repeating: UInt64.max, count: 64)
        let e = entries.baseAddress!
        for k in range {
            let from = Int(starts[k]), to = Int(starts[k + 1])
            let m = to - from
            if m < 2 { continue }
            if m <= 16 {
                // First earlier equal row: the earliest entry with the same hash and fields
                // (equality is transitive, so an earlier duplicate's first is found first).
                for i in from + 1..<to {
                    let x = e[i]
                    for j in from..<i where e[j] >> 32 == x >> 32 && c.equal(Int(e[j] & 0xFFFF_FFFF), Int(x & 0xFFFF_FFFF)) {
                        pairs.append((Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: e[j])))
                        break
                    }
                }
                continue
            }
            var size = 64
            while size < 2 * m { size *= 2 }
            if size > slots.count { slots = [UInt64](repeating: UInt64.max, count: size) }
            // Rows that agree on the hashed fields and differ elsewhere share a hash and
            // are told apart by comparing each with the earlier ones: quadratic in their
            // number. Past a budget of such comparisons, the bucket is searched again by a
            // hash of all the fields (for its rows only), which keeps a file of many near
            // duplicates (the same company, place, day and cut, other sources) linear.
            let before = pairs.count
            let complete = slots.withUnsafeMutableBufferPointer { s in
                searchTable(c, UnsafeBufferPointer(start: e + from, count: m), s, size: size, budget: 8 * m + 64, into: &pairs)
            }
            if !complete {
                pairs.removeSubrange(before...)
                let full = [UInt64](unsafeUninitializedCapacity: m) { out, k in
                    for i in 0..<m {
                        let r = Int(e[from + i] & 0xFFFF_FFFF)
                        out[i] = UInt64(c.fullHash(r)) << 32 | UInt64(r)
                    }
                    k = m
                }
                full.withUnsafeBufferPointer { f in
                    slots.withUnsafeMutableBufferPointer { s in
                        _ = searchTable(c, f, s, size: size, budget: nil, into: &pairs)
                    }
                }
                fullHashSearches.add(1, ordering: .relaxed)
            }
        }
        return pairs
    }

    /// One bucket's search through an open-addressing table of `size` slots (`s`, all
    /// empty; left empty): each entry's first earlier equal row, appended to `pairs`.
    /// With a `budget`, gives up (returns `false`) once more than that many comparisons of
    /// equal hashes found rows unequal.
    private static func searchTable(_ c: RowColumns, _ entries: UnsafeBufferPointer<UInt64>,
                                    _ s: UnsafeMutableBufferPointer<UInt64>, size: Int, budget: Int?,
                                    into pairs: inout [(row: Int32, first: Int32)]) -> Bool {
        let mask = size - 1
        var unequal = 0
        let limit = budget ?? Int.max
        defer { for p in 0..<size { s[p] = UInt64.max } }  // emptied for the next bucket
        for x in entries {
            let h = x >> 32, r = Int(x & 0xFFFF_FFFF)
            var p = Int(truncatingIfNeeded: h) & mask
            while true {
                let y = s[p]
                if y == UInt64.max {
                    s[p] = x // a first occurrence
                    break
                }
                if y >> 32 == h {
                    if c.equal(Int(y & 0xFFFF_FFFF), r) {
                        pairs.append((Int32(truncatingIfNeeded: x), Int32(truncatingIfNeeded: y)))
                        break
                    }
                    unequal += 1
                    if unequal > limit { return false }
                }
                p = (p + 1) & mask
            }
        }
        return true
    }

    /// Buckets searched again by ``RowColumns/fullHash(_:)`` (tests read it).
    static let fullHashSearches = Atomic<Int>(0)
}

/// The columns of an ``EventTable`` as base addresses (valid inside
/// ``EventTable/withRowColumns(_:)``), for the duplicate search: a hash of a row's
/// fields and field-by-field equality of two rows, read without bounds checks or
/// reference counting.
struct RowColumns: @unchecked Sendable {
    let company, location, industry, source, stage, country: UnsafePointer<Int32>
    let day: UnsafePointer<Day>
    /// Day numbers of `date_added` (``OptionalDayColumn/missing`` when missing).
    let added: UnsafePointer<Int32>
    let cut, fraction, funds: UnsafePointer<Double>
    let cutPresent, fractionPresent, fundsPresent: UnsafePointer<Bool>
    let extras: [UnsafePointer<Int32>]
    /// When set (tests), every row hashes to this value mixed with its day: all rows of a
    /// day collide, so equality alone decides (rows of other days in its bucket of the
    /// search spread over the table as they would).
    let forced: UInt32?

    /// A number's bits, or for a missing one a NaN that parsing never gives (equal values
    /// hash equal: a missing value's stored number is not read).
    @inline(__always) private static func bits(_ v: UnsafePointer<Double>, _ present: UnsafePointer<Bool>, _ r: Int) -> UInt64 {
        present[r] ? v[r].bitPattern : 0x7FF8_0000_0000_0001
    }

    /// A 32-bit hash of row `r`'s company, location, day and count of cuts (equal rows
    /// hash equal): the fields that tell most events apart (a company's events of one day
    /// in several places too), so that the search's pass over every row reads 21 bytes of
    /// it rather than all its fields (60 bytes and more, which made that pass wait on
    /// memory). Rows that agree on these and differ elsewhere (rare) share a hash, and
    /// ``equal(_:_:)`` tells them apart (each such row is compared with the earlier ones). Each 64-bit word of fields times its own
    /// odd constant, summed, then avalanched (murmur3's finalizer).
    @inline(__always) func hash(_ r: Int) -> UInt32 {
        @inline(__always) func w(_ a: Int32, _ b: Int32) -> UInt64 {
            UInt64(UInt32(bitPattern: a)) | UInt64(UInt32(bitPattern: b)) << 32
        }
        var h = w(company[r], location[r]) &* 0x9E37_79B9_7F4A_7C15
        h = h &+ UInt64(UInt32(bitPattern: day[r].number)) &* 0xD6E8_FEB8_6659_FD93
        h = h &+ RowColumns.bits(cut, cutPresent, r) &* 0xA076_1D64_78BD_642F
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        if let forced {
            return forced ^ UInt32(truncatingIfNeeded: UInt64(UInt32(bitPattern: day[r].number)) &* 0x9E37_79B9_7F4A_7C15 >> 32)
        }
        return UInt32(truncatingIfNeeded: h)
    }

    /// A 32-bit hash of all of row `r`'s fields (equal rows hash equal), for a bucket of
    /// the duplicate search where many rows share ``hash(_:)`` and differ elsewhere.
    func fullHash(_ r: Int) -> UInt32 {
        if forced != nil { return hash(r) }
        @inline(__always) func w(_ a: Int32, _ b: Int32) -> UInt64 {
            UInt64(UInt32(bitPattern: a)) | UInt64(UInt32(bitPattern: b)) << 32
        }
        var h = UInt64(hash(r)) &* 0x9E37_79B9_7F4A_7C15
        h = h &+ w(industry[r], source[r]) &* 0xD6E8_FEB8_6659_FD93
        h = h &+ w(stage[r], country[r]) &* 0xA076_1D64_78BD_642F
        h = h &+ UInt64(UInt32(bitPattern: added[r])) &* 0xE703_7ED1_A0B4_28DB
        h = h &+ RowColumns.bits(fraction, fractionPresent, r) &* 0x8EBC_6AF0_9C88_C6E3
        h = h &+ RowColumns.bits(funds, fundsPresent, r) &* 0x5899_65CC_7537_4CC3
        for x in extras { h = (h ^ UInt64(UInt32(bitPattern: x[r]))) &* 0x1D8E_4E27_C47D_124F }
        h ^= h >> 33
        h = h &* 0xFF51_AFD7_ED55_8CCD
        h ^= h >> 33
        h = h &* 0xC4CE_B9FE_1A85_EC53
        h ^= h >> 33
        return UInt32(truncatingIfNeeded: h)
    }

    /// Whether rows `q` and `r` are equal field for field (numbers bit for bit, as
    /// ``hash(_:)`` reads them).
    @inline(__always) func equal(_ q: Int, _ r: Int) -> Bool {
        @inline(__always) func same(_ v: UnsafePointer<Double>, _ p: UnsafePointer<Bool>) -> Bool {
            p[q] == p[r] && (!p[q] || v[q].bitPattern == v[r].bitPattern)
        }
        return company[q] == company[r] && location[q] == location[r] && industry[q] == industry[r]
            && source[q] == source[r] && stage[q] == stage[r] && country[q] == country[r]
            && day[q] == day[r] && added[q] == added[r]
            && same(cut, cutPresent) && same(fraction, fractionPresent) && same(funds, fundsPresent)
            && extras.allSatisfy { $0[q] == $0[r] }
    }
}

extension EventTable {
    /// Calls `body` with the base addresses of the columns of this table (at least one row),
    /// hashing every row to `forcedHash` when it is given.
    func withRowColumns<R>(forcedHash: UInt32? = nil, _ body: (RowColumns) -> R) -> R {
        func extraBases(_ k: Int, _ bases: [UnsafePointer<Int32>], _ body: ([UnsafePointer<Int32>]) -> R) -> R {
            if k == extra.count { return body(bases) }
            return extra[k].values.codes.withUnsafeBufferPointer { extraBases(k + 1, bases + [$0.baseAddress!], body) }
        }
        let cutColumn = cut, fractionColumn = fraction, fundsColumn = fundsRaised
        return company.codes.withUnsafeBufferPointer { company in
        location.codes.withUnsafeBufferPointer { location in
        industry.codes.withUnsafeBufferPointer { industry in
        source.codes.withUnsafeBufferPointer { source in
        stage.codes.withUnsafeBufferPointer { stage in
        country.codes.withUnsafeBufferPointer { country in
        day.withUnsafeBufferPointer { day in
        dateAdded.numbers.withUnsafeBufferPointer { added in
        cutColumn.values.withUnsafeBufferPointer { cut in
        cutColumn.isPresent.withUnsafeBufferPointer { cutPresent in
        fractionColumn.values.withUnsafeBufferPointer { fraction in
        fractionColumn.isPresent.withUnsafeBufferPointer { fractionPresent in
        fundsColumn.values.withUnsafeBufferPointer { funds in
        fundsColumn.isPresent.withUnsafeBufferPointer { fundsPresent in
            extraBases(0, []) { extras in
                body(RowColumns(
                    company: company.baseAddress!, location: location.baseAddress!, industry: industry.baseAddress!,
                    source: source.baseAddress!, stage: stage.baseAddress!, country: country.baseAddress!,
                    day: day.baseAddress!, added: added.baseAddress!,
                    cut: cut.baseAddress!, fraction: fraction.baseAddress!, funds: funds.baseAddress!,
                    cutPresent: cutPresent.baseAddress!, fractionPresent: fractionPresent.baseAddress!,
                    fundsPresent: fundsPresent.baseAddress!, extras: extras, forced: forcedHash))
            }
        }}}}}}}}}}}}}}
    }
}

/// Rows of ``EventLoader/Partial/parse(_:header:options:reserve:)`` not yet in the table:
/// appending a block of rows per column copies them, while appending value by value
/// costs a uniqueness and a capacity check per value (15 per row).
private final class StagedRows {
    /// Rows held before a flush.
    static let capacity = 256
    private let textColumns: Int
    private let codes: UnsafeMutablePointer<Int32>
    private let values: UnsafeMutablePointer<Double>
    private let present: UnsafeMutablePointer<Bool>
    let day: UnsafeMutablePointer<Day>
    /// Day numbers of `date_added`, ``OptionalDayColumn/missing`` when missing.
    let added: UnsafeMutablePointer<Int32>
    let line: UnsafeMutablePointer<Int32>
    /// Rows staged.
    var count = 0

    init(textColumns: Int) {
        self.textColumns = textColumns
        codes = .allocate(capacity: textColumns * Self.capacity)
        values = .allocate(capacity: 3 * Self.capacity)
        present = .allocate(capacity: 3 * Self.capacity)
        day = .allocate(capacity: Self.capacity)
        added = .allocate(capacity: Self.capacity)
        line = .allocate(capacity: Self.capacity)
    }

    func deallocate() {
        codes.deallocate()
        values.deallocate()
        present.deallocate()
        day.deallocate()
        added.deallocate()
        line.deallocate()
    }

    /// Codes of text column `k` (0–5 the canonical ones, then the extras).
    @inline(__always) func code(_ k: Int) -> UnsafeMutablePointer<Int32> { codes + k * Self.capacity }

    /// Sets number `k` (0 cut, 1 fraction, 2 funds) of row `r`.
    @inline(__always) func set(_ k: Int, _ r: Int, _ v: Double?) {
        values[k * Self.capacity + r] = v ?? 0
        present[k * Self.capacity + r] = v != nil
    }

    /// Writes the staged rows in place through `placed` as far as it has room, appends
    /// the rest to `t` (all of them without `placed`, or once it overflowed), and empties
    /// the stage.
    func flush(into t: inout EventTable, placing placed: PlacedRows?) {
        let n = count
        guard n > 0 else { return }
        count = 0
        var from = 0
        if let placed, !placed.overflowed {
            let (at, k) = placed.claim(n)
            if k > 0 {
                let c = placed.columns
                for j in 0..<textColumns { (c.codes[j] + at).initialize(from: code(j), count: k) }
                (c.day + at).initialize(from: day, count: k)
                for v in 0..<3 {
                    (c.values[v] + at).initialize(from: values + v * Self.capacity, count: k)
                    (c.present[v] + at).initialize(from: present + v * Self.capacity, count: k)
                }
                (c.added + at).initialize(from: added, count: k)
                (c.line + at).initialize(from: line, count: k)
            }
            if k < n { placed.overflowed = true }
            from = k
        }
        guard from < n else { return }
        let m = n - from
        func codes(_ k: Int) -> UnsafeBufferPointer<Int32> { UnsafeBufferPointer(start: code(k) + from, count: m) }
        t.company.codes.append(contentsOf: codes(0))
        t.location.codes.append(contentsOf: codes(1))
        t.industry.codes.append(contentsOf: codes(2))
        t.source.codes.append(contentsOf: codes(3))
        t.stage.codes.append(contentsOf: codes(4))
        t.country.codes.append(contentsOf: codes(5))
        for k in t.extra.indices { t.extra[k].values.codes.append(contentsOf: codes(6 + k)) }
        t.day.append(contentsOf: UnsafeBufferPointer(start: day + from, count: m))
        for (k, c) in [\EventTable.cut, \.fraction, \.fundsRaised].enumerated() {
            t[keyPath: c].values.append(contentsOf: UnsafeBufferPointer(start: values + k * Self.capacity + from, count: m))
            t[keyPath: c].isPresent.append(contentsOf: UnsafeBufferPointer(start: present + k * Self.capacity + from, count: m))
        }
        t.dateAdded.numbers.append(contentsOf: UnsafeBufferPointer(start: added + from, count: m))
        t.line.append(contentsOf: UnsafeBufferPointer(start: line + from, count: m))
    }
}

/// Parses dates as ``Day/parse(_:)-(UnsafeBufferPointer<UInt8>)`` does, faster: the fixed
/// patterns of an event file (`M/D/YYYY` with one- or two-digit month and day, and
/// `YYYY-MM-DD`, 8–10 bytes of digits and two separators in place) are read directly and
/// turned into a day through a table of month starts for years 1900–2155; anything else
/// (other years, other shapes, invalid text) goes to `Day.parse`. Results are exactly
/// `Day.parse`'s (the tests compare them on valid and invalid text).
struct DayReader {
    /// First year of the month table.
    static let firstYear = 1900
    /// Day number of the 1st of each month, `(year - firstYear) * 12 + month - 1`, for 256
    /// years, with the month's length in the low 5 bits (`number << 5 | length`).
    private let months: [Int32]

    init() {
        months = (0..<(256 * 12)).map { k in
            let y = DayReader.firstYear + k / 12, m = k % 12 + 1
            return Day(year: y, month: m, day: 1)!.number << 5 | Int32(Day.daysInMonth(year: y, month: m))
        }
    }

    @inline(__always) mutating func parse(_ b: UnsafeBufferPointer<UInt8>) -> Day? {
        let n = b.count
        guard n >= 8 && n <= 10, let p = b.baseAddress else { return Day.parse(b) }
        @inline(__always) func digit(_ i: Int) -> Int { Int(p[i] &- 48) }
        var month = 0, day = 0, year = 0
        var bad = 0 // the OR of digit + 6 over the digits read: 16 or more when one is not a digit
        if p[n - 5] == 47 {
            // M/D/YYYY, MM/D/YYYY, M/DD/YYYY, MM/DD/YYYY.
            let y0 = digit(n - 4), y1 = digit(n - 3), y2 = digit(n - 2), y3 = digit(n - 1)
            bad = (y0 + 6) | (y1 + 6) | (y2 + 6) | (y3 + 6)
            year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            let m0 = digit(0)
            bad |= m0 + 6
            if p[1] == 47 {
                month = m0
                let d0 = digit(2)
                bad |= d0 + 6
                if n == 9 { let d1 = digit(3); bad |= d1 + 6; day = d0 * 10 + d1 } else if n == 8 { day = d0 } else { return Day.parse(b) }
            } else if p[2] == 47 {
                let m1 = digit(1)
                bad |= m1 + 6
                month = m0 * 10 + m1
                let d0 = digit(3)
                bad |= d0 + 6
                if n == 10 { let d1 = digit(4); bad |= d1 + 6; day = d0 * 10 + d1 } else if n == 9 { day = d0 } else { return Day.parse(b) }
            } else {
                return Day.parse(b)
            }
        } else if n == 10 && p[4] == 45 && p[7] == 45 {
            // YYYY-MM-DD.
            let y0 = digit(0), y1 = digit(1), y2 = digit(2), y3 = digit(3)
            let m0 = digit(5), m1 = digit(6), d0 = digit(8), d1 = digit(9)
            bad = (y0 + 6) | (y1 + 6) | (y2 + 6) | (y3 + 6) | (m0 + 6) | (m1 + 6) | (d0 + 6) | (d1 + 6)
            year = ((y0 * 10 + y1) * 10 + y2) * 10 + y3
            month = m0 * 10 + m1
            day = d0 * 10 + d1
        } else {
            return Day.parse(b)
        }
        // A digit is 0–9, so digit + 6 is 6–15; any other byte (below '0' it wraps to 208 or
        // more, above '9' it is 10 or more) gives 16 or more, and so does the OR.
        guard bad < 16 else { return Day.parse(b) }
        let k = (year - DayReader.firstYear) * 12 + month - 1
        guard year >= DayReader.firstYear, k < months.count, month >= 1, month <= 12 else { return Day.parse(b) }
        let entry = months[k]
        guard day >= 1, day <= Int(entry & 31) else { return nil }
        return Day(number: (entry >> 5) + Int32(day - 1))
    }

    /// Whether `a` and `b` hold the same bytes.
    @inline(__always) static func sameBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        let n = a.count
        guard n == b.count else { return false }
        guard n > 0, let pa = a.baseAddress, let pb = b.baseAddress else { return true }
        if n >= 8 && n <= 16 {
            let ra = UnsafeRawPointer(pa), rb = UnsafeRawPointer(pb)
            return ra.loadUnaligned(as: UInt64.self) == rb.loadUnaligned(as: UInt64.self)
                && ra.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self) == rb.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
        }
        return memcmp(pa, pb, n) == 0
    }
}

extension EventTable {
    /// Reserves room for `n` events in every column.
    mutating func reserveCapacity(_ n: Int) {
        for k in 0..<6 {
            switch k {
            case 0: company.codes.reserveCapacity(n)
            case 1: location.codes.reserveCapacity(n)
            case 2: industry.codes.reserveCapacity(n)
            case 3: source.codes.reserveCapacity(n)
            case 4: stage.codes.reserveCapacity(n)
            default: country.codes.reserveCapacity(n)
            }
        }
        for j in extra.indices { extra[j].values.codes.reserveCapacity(n) }
        day.reserveCapacity(n)
        for c in [\EventTable.cut, \.fraction, \.fundsRaised] {
            self[keyPath: c].values.reserveCapacity(n)
            self[keyPath: c].isPresent.reserveCapacity(n)
        }
        dateAdded.reserveCapacity(n)
        line.reserveCapacity(n)
    }
}

/// Segments taken over in a load (tests check that work stealing happened).
final class TakeOverCount: Sendable {
    let count = Atomic<Int>(0)
    var value: Int { count.load(ordering: .relaxed) }
}

/// The segments of a file being parsed in parallel, for threads that finish early to take
/// over half of what another has left (work stealing by moving its reader's stop).
final class SegmentBoard: Sendable {
    private struct Entry: Sendable {
        var progress: SegmentProgress
        var placed: PlacedRows
        var running: Bool
    }
    private let entries = Mutex<[Entry]>([])
    private let path: String
    private let size: Int
    private let minimumSteal: Int

    /// A board for the file at `path` of `size` bytes; remainders under `minimumSteal`
    /// bytes are left alone.
    init(path: String, size: Int, minimumSteal: Int) {
        self.path = path
        self.size = size
        self.minimumSteal = minimumSteal
    }

    /// Registers a running segment from `start` to `stop`, whose rows go through `placed`,
    /// and returns its progress (and `placed`).
    func add(start: Int, stop: Int, placed: PlacedRows) -> (progress: SegmentProgress, placed: PlacedRows) {
        let p = SegmentProgress(start: start, stop: stop)
        entries.withLock { $0.append(Entry(progress: p, placed: placed, running: true)) }
        return (p, placed)
    }

    /// Marks the segment of `progress` finished (nothing more to take from it).
    func finished(_ progress: SegmentProgress) {
        entries.withLock { e in
            if let i = e.firstIndex(where: { $0.progress === progress }) { e[i].running = false }
        }
    }

    /// Takes over the second half of the largest remainder of a running segment: moves that
    /// segment's stop to the first line feed after its midpoint and returns the new segment
    /// from there to the old stop (registered, running), with the rows it takes from that
    /// segment's in place (``PlacedRows/cut(at:)``). `nil` when no remainder is at least
    /// `minimumSteal` bytes or no line feed is found in it.
    func takeOver() -> (start: Int, progress: SegmentProgress, placed: PlacedRows)? {
        entries.withLock { e -> (start: Int, progress: SegmentProgress, placed: PlacedRows)? in
            // The last segment's stop is `Int.max` (to the end of the file, however long):
            // its remainder is counted to the size the file had at the start.
            var best: (index: Int, from: Int, stop: Int)?
            for (i, x) in e.enumerated() where x.running {
                let stop = x.progress.stop
                let end = min(stop, size)
                let from = x.progress.readThrough
                if end - from >= minimumSteal && end - from > (best.map { min($0.stop, size) - $0.from } ?? 0) {
                    best = (i, from, stop)
                }
            }
            guard let b = best else { return nil }
            let end = min(b.stop, size)
            let target = b.from + (end - b.from) / 2
            guard let split = EventLoader.lineStart(path: path, atOrAfter: target, before: end),
                  e[b.index].progress.moveStop(from: b.stop, to: split) else { return nil }
            let p = SegmentProgress(start: split, stop: b.stop)
            let placed = e[b.index].placed.cut(at: split)
            e.append(Entry(progress: p, placed: placed, running: true))
            return (split, p, placed)
        }
    }
}

/// The text columns of the segments, joined on whichever thread calls ``run()``; owns
/// the only references to the columns, so appending never copies them.
private final class TextColumnsMerge: @unchecked Sendable {
    // Touched by one thread at a time: `run()` on the worker, `take()` after its wait.
    private var into: [TextColumn]
    private var from: [[TextColumn]]
    private var interners: [[TextColumnInterner]]

    init(into: [TextColumn], from: [[TextColumn]], interners: [[TextColumnInterner]]) {
        self.into = into
        self.from = from
        self.interners = interners
    }

    /// Appends each later segment's columns, remapped, in segment order.
    func run() {
        for k in from.indices {
            for j in into.indices {
                let map = interners[0][j].codes(of: interners[k + 1][j], in: &into[j])
                into[j].codes.reserveCapacity(into[j].codes.count + from[k][j].codes.count)
                for c in from[k][j].codes { into[j].codes.append(c < 0 ? -1 : map[Int(c)]) }
                from[k][j] = TextColumn()
            }
        }
        from = []
        interners = []
    }

    /// The joined columns (the box is empty afterwards).
    func take() -> [TextColumn] {
        defer { into = [] }
        return into
    }
}

extension EventTable {
    /// The text columns in a fixed order (company, location, industry, source, stage,
    /// country, then the extras), moved out and back in by the segment merge. Setting
    /// fewer columns than there are leaves the rest empty.
    fileprivate var textColumns: [TextColumn] {
        get { [company, location, industry, source, stage, country] + extra.map(\.values) }
        set {
            let v = newValue
            func at(_ i: Int) -> TextColumn { i < v.count ? v[i] : TextColumn() }
            company = at(0); location = at(1); industry = at(2); source = at(3); stage = at(4); country = at(5)
            for j in extra.indices { extra[j].values = at(6 + j) }
        }
    }
}

extension EventTable {
    /// Puts rows `range` of the placed columns `c` (codes in this table's levels) before
    /// this table's rows.
    mutating func prepend(_ c: PlacedColumns, _ range: Range<Int>) {
        func rows<T>(_ p: UnsafeMutablePointer<T>) -> [T] {
            Array(UnsafeBufferPointer(start: p + range.lowerBound, count: range.count))
        }
        var text = textColumns
        for j in text.indices { text[j].codes = rows(c.codes[j]) + text[j].codes }
        textColumns = text
        day = rows(c.day) + day
        cut = NumericColumn(values: rows(c.values[0]) + cut.values, isPresent: rows(c.present[0]) + cut.isPresent)
        fraction = NumericColumn(values: rows(c.values[1]) + fraction.values,
                                 isPresent: rows(c.present[1]) + fraction.isPresent)
        fundsRaised = NumericColumn(values: rows(c.values[2]) + fundsRaised.values,
                                    isPresent: rows(c.present[2]) + fundsRaised.isPresent)
        dateAdded.numbers = rows(c.added) + dateAdded.numbers
        line = rows(c.line) + line
    }
}

extension NumericColumn {
    /// Appends the values of `other`.
    mutating func append(contentsOf other: NumericColumn) {
        values.append(contentsOf: other.values)
        isPresent.append(contentsOf: other.isPresent)
    }
}

extension UnsafeMutableBufferPointer<TextColumnInterner> {
    /// The code of the trimmed field `col` of the record `f` in interner `k`, adding
    /// a level to `column` when new; -1 (missing) for an absent column or an empty cell.
    @inline(__always)
    mutating func code(_ f: CSVFields, _ col: Int?, _ k: Int, _ column: inout TextColumn) -> Int32 {
        guard let c = col else { return -1 }
        let v = trimmedField(f[c])
        return v.isEmpty ? -1 : self[k].recentCode(v, in: &column)
    }
}
