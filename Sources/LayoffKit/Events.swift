import StatKit

/// Layoff events in columnar form (docs/ARCHITECTURE.md §2, Data model): one entry per announced cut.
///
/// Categories are dictionary-encoded `TextColumn`s; the source and the columns beyond
/// the layout's are `StringColumn`s (stored as written when their values rarely repeat);
/// numbers are `NumericColumn`s with explicit presence masks (missing is missing: never
/// 0). `line[i]` is the physical line in the source file where event `i`'s record starts
/// (header = line 1), so every derived figure can be traced to its row. A column a load
/// left out (``EventLoadOptions/columns``) holds no values: missing for every event, as
/// ``validate()`` describes.
public struct EventTable: Sendable, Equatable {
    /// When the table was cut at a day (``through(_:)``): the day and the events after it,
    /// through which the analyses observe the table; `nil` for a table of every event.
    public var cutoff: EventCutoff?
    public var company = TextColumn()
    public var location = TextColumn()
    /// Announcement day.
    public var day: [Day] = []
    /// Number of jobs cut (`total_laid_off`), missing when not reported.
    public var cut = NumericColumn()
    /// Fraction of the workforce cut, 0–1 (`percentage_laid_off`), missing when not reported.
    public var fraction = NumericColumn()
    public var industry = TextColumn()
    /// Where the event was reported (a URL, usually one per event).
    public var source = StringColumn()
    public var stage = TextColumn()
    /// Funds raised in millions of US dollars (`funds_raised`), missing when not reported.
    public var fundsRaised = NumericColumn()
    public var country = TextColumn()
    /// Day the tracker added the event (`date_added`), missing when not given
    /// (4 bytes per event).
    public var dateAdded = OptionalDayColumn()
    /// Physical source line of each event (header = line 1).
    public var line: [Int32] = []
    /// Any further columns of the input, by header name, as text (usable with `--by`).
    public var extra: [(name: String, values: StringColumn)] = []

    public init() {}

    /// Number of events.
    public var count: Int { day.count }

    /// The grouping column called `name`: `company`, `location`, `industry`, `source`,
    /// `stage`, `country`, or any extra column of the input (dictionary-encoded now when it
    /// is stored as written); `nil` for another name. A column left empty (see
    /// ``validate()``) is returned with every event missing.
    public func groupColumn(named name: String) -> TextColumn? {
        switch name {
        case "company": return filled(company)
        case "location": return filled(location)
        case "industry": return filled(industry)
        case "source": return filled(source.dictionaryEncoded)
        case "stage": return filled(stage)
        case "country": return filled(country)
        default: return extra.first { $0.name == name }.map { filled($0.values.dictionaryEncoded) }
        }
    }

    /// `column`, or every event missing when it was left empty (a load that did not keep it):
    /// the analyses fill a column only when they read it, so that a table loaded with a few
    /// columns does not grow by the others at every analysis.
    func filled(_ column: TextColumn) -> TextColumn {
        guard column.codes.isEmpty, count > 0 else { return column }
        var missing = TextColumn()
        missing.codes = [Int32](repeating: -1, count: count)
        return missing
    }

    /// `column`, or every event missing when it was left empty, as for a text column.
    func filled(_ column: NumericColumn) -> NumericColumn {
        guard column.values.isEmpty, count > 0 else { return column }
        return NumericColumn(values: [Double](repeating: 0, count: count), isPresent: [Bool](repeating: false, count: count))
    }

    /// Names accepted by ``groupColumn(named:)``.
    public var groupColumnNames: [String] {
        ["company", "location", "industry", "source", "stage", "country"] + extra.map(\.name)
    }

    public static func == (a: EventTable, b: EventTable) -> Bool {
        a.company == b.company && a.location == b.location && a.day == b.day && a.cut == b.cut
            && a.fraction == b.fraction && a.industry == b.industry && a.source == b.source
            && a.stage == b.stage && a.fundsRaised == b.fundsRaised && a.country == b.country
            && a.dateAdded == b.dateAdded && a.line == b.line
            && a.extra.map(\.name) == b.extra.map(\.name)
            && zip(a.extra, b.extra).allSatisfy { $0.values == $1.values } && a.cutoff == b.cutoff
    }
}

/// Where an event's workforce figure came from.
public enum WorkforceSource: UInt8, Sendable, Equatable, CaseIterable, BitwiseCopyable {
    /// Employees from the fundamentals file (company and fiscal year matched).
    case fundamentals
    /// Implied by the event itself: cut ÷ fraction.
    case implied
    /// Not known.
    case unknown
}

/// The workforce (headcount) behind each event, with its source.
public struct Workforce: Sendable, Equatable {
    /// Headcount per event; missing where unknown.
    public var values: NumericColumn
    /// Source per event.
    public var source: [WorkforceSource]

    /// A workforce from its columns, one entry per event.
    ///
    /// - Throws: ``AnalysisError/lengthMismatch(what:expected:actual:)`` when `source` or the
    ///   presence mask of `values` has another length than `values`.
    public init(values: NumericColumn, source: [WorkforceSource]) throws(AnalysisError) {
        self.init(checked: values, source: source)
        try check(events: values.values.count)
    }

    /// A workforce whose columns have one entry per event (made so by the caller).
    init(checked values: NumericColumn, source: [WorkforceSource]) {
        self.values = values
        self.source = source
    }

    /// Number of events whose workforce came from `source`.
    public func count(_ source: WorkforceSource) -> Int {
        self.source.reduce(0) { $0 + ($1 == source ? 1 : 0) }
    }

    /// Workforce implied by each event alone: cut ÷ fraction when both are known and
    /// the fraction is positive; unknown otherwise.
    ///
    /// - Throws: what ``EventTable/validate()`` throws.
    public static func implied(by table: EventTable) throws(AnalysisError) -> Workforce {
        implied(checked: try table.checked())
    }

    /// ``implied(by:)`` of a table ``EventTable/checked()`` has made consistent.
    static func implied(checked events: EventTable) -> Workforce {
        let n = events.count
        var values = [Double](repeating: 0, count: n), present = [Bool](repeating: false, count: n)
        var source = [WorkforceSource](repeating: .unknown, count: n)
        let cut = events.cut, fraction = events.fraction
        for i in 0..<n where cut.isPresent[i] && fraction.isPresent[i] && fraction.values[i] > 0 {
            values[i] = cut.values[i] / fraction.values[i]
            present[i] = true
            source[i] = .implied
        }
        return Workforce(checked: NumericColumn(values: values, isPresent: present), source: source)
    }
}

/// Company fundamentals, one row per company and fiscal year (docs/ARCHITECTURE.md §2).
public struct FundamentalsTable: Sendable, Equatable {
    /// Company name per row, as written (trimmed).
    public var company: [String] = [] { didSet { companyCodes = nil } }
    public var fiscalYear: [Int] = []
    public var employees = NumericColumn()
    /// Revenue in the file's currency unit (the curated file uses millions of US dollars).
    public var revenue = NumericColumn()
    /// Revenue growth in percent, given or derived from consecutive revenues.
    public var revenueGrowth = NumericColumn()
    /// Whether `revenueGrowth[i]` was derived from consecutive revenues rather than given.
    public var growthDerived: [Bool] = []
    /// Physical source line (header = line 1).
    public var line: [Int32] = []

    /// The companies as numbered by ``FundamentalsLoader`` (equal names, one code), which
    /// lets growth derivation and joins work on integers; dropped whenever ``company`` is
    /// set or changed in any way, after which they number the names themselves.
    var companyCodes: CompanyCodes?

    public init() {}
    public var count: Int { company.count }

    /// Equal when every public column is (the loader's company codes are a cache of
    /// ``company``, not compared).
    public static func == (a: FundamentalsTable, b: FundamentalsTable) -> Bool {
        a.company == b.company && a.fiscalYear == b.fiscalYear && a.employees == b.employees
            && a.revenue == b.revenue && a.revenueGrowth == b.revenueGrowth
            && a.growthDerived == b.growthDerived && a.line == b.line
    }
}

extension TextColumn {
    /// The values at `indices`, re-encoded (levels in order of first appearance).
    public func selecting(_ indices: [Int]) -> TextColumn {
        selectingRows(indices)
    }
}

extension NumericColumn {
    /// The values at `indices`.
    public func selecting(_ indices: [Int]) -> NumericColumn {
        NumericColumn(values: indices.map { values[$0] }, isPresent: indices.map { isPresent[$0] })
    }
}

extension EventTable {
    /// The events at `indices`, in that order. Like an array subscript, every index must
    /// lie in `0..<count`; columns left empty (a load's ``EventLoadOptions/columns`` left
    /// them out, or a table built in code did not fill them) stay empty (see ``validate()``).
    public func selecting(_ indices: [Int]) -> EventTable {
        func text(_ c: TextColumn) -> TextColumn { c.codes.isEmpty ? c : c.selecting(indices) }
        func text(_ c: StringColumn) -> StringColumn { c.count == 0 ? c : c.selecting(indices) }
        func numbers(_ c: NumericColumn) -> NumericColumn { c.values.isEmpty ? c : c.selecting(indices) }
        var t = EventTable()
        t.company = text(company)
        t.location = text(location)
        t.day = indices.map { day[$0] }
        t.cut = numbers(cut)
        t.fraction = numbers(fraction)
        t.industry = text(industry)
        t.source = text(source)
        t.stage = text(stage)
        t.fundsRaised = numbers(fundsRaised)
        t.country = text(country)
        t.dateAdded = dateAdded.isEmpty ? dateAdded : OptionalDayColumn(indices.map { dateAdded[$0] })
        t.line = line.isEmpty ? line : indices.map { line[$0] }
        t.extra = extra.map { (name: $0.name, values: text($0.values)) }
        return t
    }
}

extension Workforce {
    /// The workforce entries at `indices`, in that order (every index in `0..<count`).
    public func selecting(_ indices: [Int]) -> Workforce {
        Workforce(checked: values.selecting(indices), source: indices.map { source[$0] })
    }
}

/// A column of optional days stored in 4 bytes per entry (`[Day?]` takes 8): a missing
/// day is kept as `Int32.min`, which no `Day` the loaders accept can be (years 1–9999).
///
/// Reads like `[Day?]`: `column[i]` is `nil` where the value is missing.
public struct OptionalDayColumn: RandomAccessCollection, MutableCollection, RangeReplaceableCollection,
                                 ExpressibleByArrayLiteral, Sendable, Equatable {
    @usableFromInline static let missing = Int32.min
    @usableFromInline var numbers: [Int32]

    /// An empty column.
    public init() { numbers = [] }
    /// A column of the given days (`nil` is missing).
    public init(arrayLiteral elements: Day?...) { numbers = elements.map { $0?.number ?? Self.missing } }
    /// A column of the given days (`nil` is missing).
    public init<S: Sequence>(_ elements: S) where S.Element == Day? { numbers = elements.map { $0?.number ?? Self.missing } }

    /// Always 0.
    public var startIndex: Int { 0 }
    /// The number of entries.
    public var endIndex: Int { numbers.count }

    /// The day at `i`, `nil` where it is missing.
    @inlinable public subscript(i: Int) -> Day? {
        get { let v = numbers[i]; return v == Self.missing ? nil : Day(number: v) }
        set { numbers[i] = newValue?.number ?? Self.missing }
    }

    /// Replaces the entries in `r` with `c`.
    public mutating func replaceSubrange<C: Collection>(_ r: Range<Int>, with c: C) where C.Element == Day? {
        numbers.replaceSubrange(r, with: c.map { $0?.number ?? Self.missing })
    }

    /// Reserves room for `n` entries.
    public mutating func reserveCapacity(_ n: Int) { numbers.reserveCapacity(n) }
    /// Appends `d` (`nil` is missing).
    @inlinable public mutating func append(_ d: Day?) { numbers.append(d?.number ?? Self.missing) }
    /// Appends the entries of `other`.
    public mutating func append(contentsOf other: OptionalDayColumn) { numbers.append(contentsOf: other.numbers) }
}
