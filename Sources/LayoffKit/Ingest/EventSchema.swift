import StatKit

/// One column of an events layout: its canonical name, how its values are read and
/// checked, and the words of its problems. The record parser (``EventRecordParser``)
/// follows a table of these (``EventLayout/layoffsFyi``): a layout is a table, not a parse
/// loop of its own.
struct EventColumn: Sendable {
    /// How a column's values are read.
    enum Value: Sendable, Equatable {
        /// Text, trimmed; empty is missing (`Unknown` is a category of its own).
        case text(TextRole)
        /// A whole number ≥ 0 (`16000`, `16000.0`, `16,000`); empty or `Unknown` is missing.
        case count
        /// A fraction 0–1, or a percent 0–100 with a percent scale of 100; empty or `Unknown` is missing.
        case fraction
        /// An amount ≥ 0, a leading `$` and thousands separators accepted; empty or `Unknown` is missing.
        case amount
        /// A day, `M/D/YYYY` or `YYYY-MM-DD`; `required`: a missing one is a problem, else
        /// empty or `Unknown` is missing.
        case date(required: Bool)
    }

    /// How a text column is stored.
    enum TextRole: Sendable, Equatable {
        /// Present in every row (a missing value is a problem), dictionary-encoded: the
        /// events' key (company), grouped and joined by code.
        case key
        /// Dictionary-encoded: values that repeat (industry, country, stage, location).
        case category
        /// Stored as its first rows suggest: as written when they are mostly distinct
        /// (source URLs, notes), else dictionary-encoded.
        case note
    }

    let name: String
    let value: Value
    /// What is accepted, as problems say it (`a whole number of jobs ≥ 0 such as 16000 or 16,000`).
    let expected: String
    /// The word problem reasons are made of (`count`: `negative count`, `invalid count`).
    let noun: String
    /// The header this layout's files give the column (`nil`: its canonical name); a
    /// column mapping of the load replaces it.
    let header: String?
    /// The header of the column whose value stands in where this one's is empty (a WARN
    /// notice without a notice date has its effective date).
    let fallback: String?
    /// For an optional date: the event's date (when not a fallback) may not be later than
    /// this one (a notice is not filed after the day the compiler first saw it).
    let capsDate: Bool

    init(_ name: String, _ value: Value, expected: String = "", noun: String = "", header: String? = nil,
         fallback: String? = nil, capsDate: Bool = false) {
        self.name = name
        self.value = value
        self.expected = expected
        self.noun = noun.isEmpty ? name : noun
        self.header = header
        self.fallback = fallback
        self.capsDate = capsDate
    }
}

/// A layout of events files: its columns in the order a row's values are checked (a
/// row's problems come in this order; text is interned once the row is valid), and their
/// names in the order files list them.
struct EventLayout: Sendable {
    let columns: [EventColumn]
    /// The canonical names in the files' order (for messages and column mappings).
    let order: [String]
    /// Columns every file must have.
    let required: Set<String>

    /// The file column of `column`, as `layout` (made with ``order``) found it.
    func field(of column: EventColumn, in layout: ColumnLayout) -> Int? {
        order.firstIndex(of: column.name).flatMap { layout.index[$0] }
    }

    /// The headers of this layout's files that `header` has (canonical name → header; a
    /// column whose header is absent is missing, or an error when required), with
    /// `mapping`'s entries replacing them.
    func headers(mapping: [String: String], in header: [String]) -> [String: String] {
        let present = Set(header.map(ColumnLayout.normalized))
        var out: [String: String] = [:]
        for c in columns {
            if let h = c.header, present.contains(ColumnLayout.normalized(h)) || required.contains(c.name) { out[c.name] = h }
        }
        return out.merging(mapping) { $1 }
    }

    /// The layoffs.fyi export, `company,location,total_laid_off,date,percentage_laid_off,
    /// industry,source,stage,funds_raised,country,date_added`. Columns beyond these are
    /// kept as notes under their header's name.
    static let layoffsFyi = EventLayout(
        columns: [
            EventColumn("company", .text(.key), expected: "a company name"),
            EventColumn("date", .date(required: true), expected: "M/D/YYYY or YYYY-MM-DD"),
            EventColumn("total_laid_off", .count, expected: "a whole number of jobs ≥ 0 such as 16000 or 16,000", noun: "count"),
            EventColumn("percentage_laid_off", .fraction, expected: "a fraction between 0 and 1", noun: "fraction"),
            EventColumn("funds_raised", .amount, expected: "millions of US dollars ≥ 0 such as 1200, 1,200 or $1,200", noun: "funds"),
            EventColumn("date_added", .date(required: false), expected: "M/D/YYYY or YYYY-MM-DD"),
            EventColumn("location", .text(.category)),
            EventColumn("industry", .text(.category)),
            EventColumn("source", .text(.note)),
            EventColumn("stage", .text(.category)),
            EventColumn("country", .text(.category)),
        ],
        order: ["company", "location", "total_laid_off", "date", "percentage_laid_off", "industry", "source", "stage",
                "funds_raised", "country", "date_added"],
        required: ["company", "date"])

    /// Extra columns shown under another name than their header (`postal_code` → `state`),
    /// so that one name groups every WARN layout's notices.
    var extraNames: [String: String] = [:]
    /// Columns (canonical names, extras by their shown name) every load keeps because the
    /// load itself reads them (the amendment flag, the duplicate key, the NAICS code, the
    /// day a notice was first seen).
    var keptExtras: Set<String> = []
    /// The extra column whose value identifies a notice (`dedupe_key`): rows that share it
    /// are exact duplicates, whatever their other fields. `nil`: duplicates are rows equal
    /// in every field.
    var duplicateKey: String?
    /// Whether this is a WARN notices layout (amendments, NAICS sectors, date fallbacks).
    var isWARN = false

    /// WARN Act notices as the WARN Notice Register exports them (45 columns; see
    /// `../shared/datasets/warn/README.md`): the resolved employer (`canonical_name`, else
    /// `employer_name`), the notice date or, where a state gives none, the effective date
    /// (`date` chooses which is read first), the jobs affected, the site, the industry, the
    /// portal the notice came from, the day the compiler first saw the notice (the
    /// export's as-of date; a notice date after it is a problem). The other columns
    /// (`state`, `county_name`, `naics`, `layoff_type`, `is_temporary`, `is_amendment`,
    /// `dedupe_key`, ...) are kept as notes under their names.
    static func warnRegister(date: NoticeDateChoice = .notice) -> EventLayout {
        let (first, other) = date == .notice ? ("notice_date", "effective_date") : ("effective_date", "notice_date")
        var layout = EventLayout(
            columns: [
                EventColumn("company", .text(.key), expected: "an employer name", header: "canonical_name",
                            fallback: "employer_name"),
                EventColumn("date", .date(required: true), expected: "M/D/YYYY or YYYY-MM-DD", header: first, fallback: other),
                EventColumn("total_laid_off", .count, expected: "a whole number of jobs ≥ 0 such as 16000 or 16,000", noun: "count",
                            header: "employees_affected"),
                EventColumn("date_added", .date(required: false), expected: "M/D/YYYY or YYYY-MM-DD", header: "first_seen",
                            capsDate: date == .notice),
                EventColumn("location", .text(.category)),
                EventColumn("industry", .text(.category)),
                EventColumn("source", .text(.note), header: "source_url"),
            ],
            order: ["company", "location", "total_laid_off", "date", "industry", "source", "date_added"],
            required: ["company", "date"])
        layout.keptExtras = ["is_amendment", "dedupe_key", "naics", "date_added"]
        layout.duplicateKey = "dedupe_key"
        layout.isWARN = true
        return layout
    }

    /// WARN Act notices in Big Local News' consolidated layout, `hash_id, postal_code,
    /// company, location, notice_date, effective_date, jobs, is_temporary, is_closure,
    /// is_amendment`: the employer as filed, the notice date or else the effective date,
    /// the jobs, the site; `postal_code` is shown as `state`.
    static func warnBigLocalNews(date: NoticeDateChoice = .notice) -> EventLayout {
        let (first, other) = date == .notice ? ("notice_date", "effective_date") : ("effective_date", "notice_date")
        var layout = EventLayout(
            columns: [
                EventColumn("company", .text(.key), expected: "an employer name"),
                EventColumn("date", .date(required: true), expected: "M/D/YYYY or YYYY-MM-DD", header: first, fallback: other),
                EventColumn("total_laid_off", .count, expected: "a whole number of jobs ≥ 0 such as 16000 or 16,000", noun: "count",
                            header: "jobs"),
                EventColumn("location", .text(.category)),
            ],
            order: ["company", "location", "total_laid_off", "date"],
            required: ["company", "date"])
        layout.extraNames = ["postal_code": "state"]
        layout.keptExtras = ["is_amendment"]
        layout.isWARN = true
        return layout
    }

    /// The headers (normalised) that make a file the register's export.
    static let registerSignature: Set<String> = ["canonical_name", "notice_date", "employees_affected", "is_amendment", "first_seen"]
    /// The headers (normalised) that make a file Big Local News' consolidated layout.
    static let bigLocalNewsSignature: Set<String> = ["hash_id", "postal_code", "company", "notice_date", "jobs", "is_amendment"]

    /// The layout of a file with `header`: `choice` when it names one (a WARN file is the
    /// register's export when it has its employer columns, else Big Local News'), else the
    /// one the header's columns show (layoffs.fyi when neither WARN layout's are all there).
    static func detect(header: [String], choice: EventFileLayout, date: NoticeDateChoice) -> EventLayout {
        let names = Set(header.map(ColumnLayout.normalized))
        switch choice {
        case .layoffsFyi:
            return .layoffsFyi
        case .warn:
            return names.contains("canonical_name") || names.contains("employer_name") ? warnRegister(date: date) : warnBigLocalNews(date: date)
        case .automatic:
            if registerSignature.isSubset(of: names) { return warnRegister(date: date) }
            if bigLocalNewsSignature.isSubset(of: names) { return warnBigLocalNews(date: date) }
            return .layoffsFyi
        }
    }
}

/// The plan of a load: for each column of the file, where its values go (a lane of the
/// parse, or only into the hash of the columns left out), compiled from the layout, the
/// file's header, the columns kept and what the first rows show.
struct EventPlan: Sendable {
    /// Where a column's values go.
    enum Store: Sendable, Equatable {
        /// Values in lane `lane` (numbers: values in `lane`, presence in `lane + 1`; text:
        /// codes or spans; dates: days or day numbers).
        case lane(Int)
        /// Checked, then folded into the row's hash of columns not kept (``EventPlan/othersLane``).
        case hashed
    }

    /// A column of the file and what the parse does with it.
    struct Step: Sendable {
        let column: EventColumn
        /// Field index in the record.
        let field: Int
        let store: Store
        /// For text in a lane: dictionary-encoded (else as written).
        let dictionary: Bool
        /// The ordinal of its dictionary or text buffer among the parse's.
        let ordinal: Int
        /// Field index of the column read where this one is empty, or -1.
        var fallback = -1

        /// Whether the step is a required date read from another column where empty, whose
        /// lane is followed by a lane of flags: the other column's date was taken.
        var flagsFallback: Bool { column.value == .date(required: true) && column.fallback != nil && store != .hashed }
    }

    let kinds: [LaneKind]
    /// Numbers and dates, in the layout's order (checked before any text is stored).
    let checks: [Step]
    /// Text columns other than the key, extras last.
    let texts: [Step]
    /// The key (company).
    let key: Step
    /// Lane of the line numbers.
    let lineLane: Int
    /// Lane of the hash of the values not kept as codes or numbers (columns left out, text
    /// stored as written), for the duplicate search; `nil` when every value is kept so.
    let othersLane: Int?
    /// The header, and the extra columns' indices.
    let header: [String]
    let extras: [Int]
    /// Scale of fractions: 1 or 100.
    let percentScale: Double
    /// Columns of the layout kept but absent from the file: every value missing.
    let absent: Set<String>
    /// The name each extra column is shown under (its header, or the layout's name for it).
    let extraNames: [String]

    /// The columns every load keeps: the key and the day, and the count and fraction the
    /// workforce and the join read.
    static let alwaysKept: Set<String> = ["company", "date", "total_laid_off", "percentage_laid_off"]

    /// The plan for a file with `header`: every column of `layout` and every extra column
    /// checked; those in `keep` (canonical names, extras by header; `nil`: all) kept, notes
    /// dictionary-encoded unless `asWritten` names them (canonical name or header).
    init(layout: EventLayout, columnLayout: ColumnLayout, keep: Set<String>?, asWritten: Set<String>, percentScale: Double) {
        let keep = keep?.union(EventPlan.alwaysKept).union(layout.keptExtras)
        let header = columnLayout.header
        var kinds: [LaneKind] = [], checks: [Step] = [], texts: [Step] = []
        var key: Step?
        var dictionaries = 0, buffers = 0, hashed = false
        var absent: Set<String> = []
        func step(_ column: EventColumn, field: Int, keep kept: Bool, asWritten written: Bool) -> Step {
            guard kept || layout.required.contains(column.name) else {
                hashed = true
                return Step(column: column, field: field, store: .hashed, dictionary: false, ordinal: 0)
            }
            let lane = kinds.count
            switch column.value {
            case .text(let role):
                if role == .note && written {
                    kinds.append(.spans)
                    hashed = true  // compared through the hash: no codes
                    defer { buffers += 1 }
                    return Step(column: column, field: field, store: .lane(lane), dictionary: false, ordinal: buffers)
                }
                kinds.append(.dictionary)
                defer { dictionaries += 1 }
                return Step(column: column, field: field, store: .lane(lane), dictionary: true, ordinal: dictionaries)
            case .count, .fraction, .amount:
                kinds += [.double, .bool]
            case .date(let required):
                kinds.append(required ? .day : .int32)
                if required && column.fallback != nil { kinds.append(.bool) }
            }
            return Step(column: column, field: field, store: .lane(lane), dictionary: false, ordinal: 0)
        }
        for column in layout.columns {
            guard let field = layout.field(of: column, in: columnLayout) else {
                if keep?.contains(column.name) ?? true { absent.insert(column.name) }
                continue
            }
            var s = step(column, field: field, keep: keep?.contains(column.name) ?? true, asWritten: asWritten.contains(column.name))
            if let f = column.fallback, let i = header.firstIndex(where: { ColumnLayout.normalized($0) == ColumnLayout.normalized(f) }) {
                s.fallback = i
            }
            switch column.value {
            case .text(.key): key = s
            case .text: texts.append(s)
            default: checks.append(s)
            }
        }
        // The table's columns the layout has none of (a WARN notice has no fraction): missing.
        for name in EventLayout.layoffsFyi.order where !layout.order.contains(name) && keep?.contains(name) ?? true {
            absent.insert(name)
        }
        let extraNames = columnLayout.extras.map { layout.extraNames[header[$0]] ?? header[$0] }
        for (field, name) in zip(columnLayout.extras, extraNames) {
            texts.append(step(EventColumn(name, .text(.note)), field: field, keep: keep?.contains(name) ?? true,
                              asWritten: asWritten.contains(name)))
        }
        lineLane = kinds.count
        kinds.append(.line)
        othersLane = hashed ? kinds.count : nil
        if hashed { kinds.append(.uint64) }
        self.kinds = kinds
        self.checks = checks
        self.texts = texts
        self.key = key!
        self.header = header
        self.extras = columnLayout.extras
        self.percentScale = percentScale
        self.absent = absent
        self.extraNames = extraNames
    }

    /// The column of the layout called `name`, when kept in a lane.
    func lane(of name: String) -> Step? {
        (checks + texts + [key]).first { $0.column.name == name && !extras.contains($0.field) && $0.store != .hashed }
    }

    /// The extra column at file column `field`, when kept in a lane.
    func lane(ofExtra field: Int) -> Step? {
        texts.first { $0.field == field && $0.store != .hashed }
    }

    /// The notes (source, extras) that the first records show to be mostly distinct: each
    /// is stored as written unless at most half of its values in `sample` (at least 16 of
    /// them) are distinct. `sample` holds the first records of the file (its header first).
    static func notesAsWritten(sample: [UInt8], layout: EventLayout, columnLayout: ColumnLayout) -> Set<String> {
        var notes: [(name: String, field: Int)] = []
        for column in layout.columns where column.value == .text(.note) {
            if let f = layout.field(of: column, in: columnLayout) { notes.append((column.name, f)) }
        }
        for f in columnLayout.extras { notes.append((columnLayout.header[f], f)) }
        guard !notes.isEmpty, !sample.isEmpty else { return [] }
        let reader = CSVReader(bytes: sample, name: "sample")
        var distinct = [Set<[UInt8]>](repeating: [], count: notes.count), present = [Int](repeating: 0, count: notes.count)
        do {
            guard try reader.next() else { return [] } // the header
            var rows = 0
            // The sample's last record may be cut short: it is left out.
            while try reader.next(), rows < 2_048, reader.position < sample.count {
                rows += 1
                guard reader.fieldCount == columnLayout.header.count else { continue }
                reader.withFields { f in
                    for (k, note) in notes.enumerated() {
                        let v = trimmedField(f[note.field])
                        if v.isEmpty { continue }
                        present[k] += 1
                        distinct[k].insert(Array(v))
                    }
                }
            }
        } catch {
            // A malformed start: the parse reports it; the notes stay dictionary-encoded.
        }
        return Set(notes.indices.filter { present[$0] >= 16 && distinct[$0].count * 2 > present[$0] }.map { notes[$0].name })
    }
}
