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
    ///
    /// Sorted on each access, which for a few hundred thousand companies takes tens of
    /// milliseconds: ``unmatchedCompanies(top:)`` gives the first few in one pass.
    public var unmatchedCompanies: [(company: String, events: Int)] {
        FundamentalsJoin.byEventsThenName(unmatched.map(named))
    }

    /// The first `k` of ``unmatchedCompanies`` (all of them when there are fewer), found
    /// without sorting the rest.
    public func unmatchedCompanies(top k: Int) -> [(company: String, events: Int)] {
        let first = FundamentalsJoin.firstByEventsThenName(k, count: unmatched.count, events: { Int(unmatched[$0].events) },
                                                           name: { named(unmatched[$0]).company })
        return FundamentalsJoin.byEventsThenName(first.map { named(unmatched[$0]) })
    }

    /// Number of companies in ``unmatchedCompanies``.
    public var unmatchedCompanyCount: Int { unmatched.count }
    /// Number of events of the companies in ``unmatchedCompanies``: the sum of their `events`.
    public var unmatchedEventCount: Int { unmatched.reduce(0) { $0 + Int($1.events) } }

    /// The companies without a match: the event column's level (``unmatchedLevels``'s
    /// count for events with no company) and its number of unmatched events, in level order.
    private var unmatched: [(level: Int32, events: Int32)]
    /// The events' company levels, which ``unmatched`` indexes.
    private var unmatchedLevels: [String]

    private func named(_ u: (level: Int32, events: Int32)) -> (company: String, events: Int) {
        (company: Int(u.level) == unmatchedLevels.count ? "" : unmatchedLevels[Int(u.level)], events: Int(u.events))
    }
    /// Fundamentals rows whose key (normalised name, year) repeats an earlier row's; the
    /// join uses the first. Lines of the later rows.
    public var ambiguousFundamentalsLines: [Int]

    /// Number of events with a matched fundamentals row.
    public var matchedCount: Int { row.reduce(0) { $0 + ($1 < 0 ? 0 : 1) } }
    /// Number of events without one.
    public var unmatchedCount: Int { row.count - matchedCount }

    /// Joins every event to the fundamentals row with the same company key
    /// (``CompanyNames/key(_:)``) and fiscal year = event year − `options.lag`.
    ///
    /// With `threads` ≥ 2 and many events, the events are looked up in two halves at once;
    /// the result is the same as with 1.
    ///
    /// - Throws: what ``EventTable/validate()`` throws, and
    ///   ``AnalysisError/lengthMismatch(what:expected:actual:)`` when a column of
    ///   `fundamentals` has another length than its `company` column.
    public init(events: EventTable, fundamentals: FundamentalsTable, options: JoinOptions = .init(),
                threads: Int = 1) throws(AnalysisError) {
        try fundamentals.check()
        self.init(checked: try events.checked(), fundamentals: fundamentals, options: options, threads: threads)
    }

    /// The join of tables whose columns are consistent (the loaders' tables, or tables
    /// checked by the public initialiser).
    init(checked events: EventTable, fundamentals: FundamentalsTable, options: JoinOptions = .init(), threads: Int = 1) {
        let nf = fundamentals.count
        // Company keys are numbered once per company (by its code: equal names share one),
        // in order of first appearance in the fundamentals, from the first row's spelling.
        let companies = fundamentals.companyCodesOrEncoded
        var keyNumber: [String: Int32] = [:]
        keyNumber.reserveCapacity(companies.codeCount)
        var keyOfCode = [Int32](repeating: -1, count: companies.codeCount)
        for i in 0..<nf where keyOfCode[Int(companies.codes[i])] < 0 {
            // One hash of the key whether it is known or new (the defaulted subscript's
            // in-place access finds the entry or makes it).
            let next = Int32(keyNumber.count)
            keyOfCode[Int(companies.codes[i])] = Self.claim(&keyNumber[options.names.key(fundamentals.company[i]), default: -1], next)
        }
        let table = KeyYearTable(codes: companies.codes, keyOfCode: keyOfCode, keyCount: keyNumber.count,
                                 years: fundamentals.fiscalYear)
        let ambiguous = table.ambiguousRows.map { Int(fundamentals.line[Int($0)]) }

        // Per company code of the events (not per event), its key; -1 when no fundamentals
        // row has it.
        let levels = events.company.levels
        var keyOfLevel = [Int32](repeating: -1, count: levels.count)
        var lookup = companies.nameLookup()
        let possible = KeyHashes(keys: keyNumber, names: options.names)
        for (c, name) in levels.enumerated() {
            // A name spelled as in the fundamentals (equal `String`s) has that name's key: no
            // normalising.
            if let f = lookup.code(of: name), keyOfCode[Int(f)] >= 0 {
                keyOfLevel[c] = keyOfCode[Int(f)]
            } else if possible.mayMatch(name), let k = keyNumber[options.names.key(name)] {
                keyOfLevel[c] = k
            }
        }
        // Event year from a table over the day range (unless it is much wider than the table).
        let n = events.count
        let (lo, hi) = FundamentalsJoin.dayRange(events.day)
        let yearOfDay: [Int]? = n > 0 && Int(hi) - Int(lo) < 4 * n + 1024
            ? (lo...hi).map { Day(number: $0).year } : nil
        // The years an event can look up are few (the events' years, less the lag): when
        // keys × years is small, one dense slot per (key, event year) holds the match, so an
        // event's lookup is one access to a table that stays in cache; else a binary search
        // in the key's run of `table`.
        let firstYear = n > 0 ? Day(number: lo).year : 0
        let years = n > 0 ? Day(number: hi).year - firstYear + 1 : 0
        let employees = fundamentals.employees
        var packed = true
        let denseSize = keyNumber.count * years
        let dense: [UInt64]? = denseSize <= max(4 * table.year.count, 1 << 16) ? {
            var d = [UInt64](repeating: EventMatcher.none, count: denseSize)
            for k in 0..<keyNumber.count {
                for j in Int(table.start[k])..<Int(table.start[k + 1]) {
                    let y = table.year[j] + options.lag - firstYear
                    guard y >= 0 && y < years else { continue }
                    let r = Int(table.row[j])
                    var entry = UInt64(r)
                    if employees.isPresent[r] {
                        entry |= EventMatcher.hasEmployees
                        let v = employees.values[r]
                        if let u = UInt32(exactly: v), Double(u).bitPattern == v.bitPattern {
                            entry |= UInt64(u) << 32
                        } else {
                            packed = false
                        }
                    }
                    d[k * years + y] = entry
                }
            }
            return d
        }() : nil
        let matcher = EventMatcher(events: events, employees: employees, lag: options.lag, keyOfLevel: keyOfLevel,
                                   table: table, dense: dense ?? [], useDense: dense != nil, packed: packed,
                                   years: years, firstYear: firstYear, yearOfDay: yearOfDay ?? [], lo: lo)
        // Every entry is written by the matcher (its thread touches the memory first, so
        // with two threads the fresh pages are faulted in on both).
        func uninitialized<T: BitwiseCopyable>(_: T.Type) -> [T] {
            [T](unsafeUninitializedCapacity: n) { _, count in count = n }
        }
        var rows = uninitialized(Int32.self)
        var fiscal = uninitialized(Int32.self)
        var wfValue = uninitialized(Double.self)
        var wfKnown = uninitialized(Bool.self)
        var source = uninitialized(WorkforceSource.self)
        var unmatched: [Int] = []
        rows.withUnsafeMutableBufferPointer { r in
            fiscal.withUnsafeMutableBufferPointer { f in
                wfValue.withUnsafeMutableBufferPointer { v in
                    wfKnown.withUnsafeMutableBufferPointer { k in
                        source.withUnsafeMutableBufferPointer { s in
                            let out = EventMatcher.Outputs(row: r.baseAddress, fiscalYear: f.baseAddress, workforce: v.baseAddress,
                                                           known: k.baseAddress, source: s.baseAddress)
                            if threads > 1 && n >= 1 << 16 {
                                // Two halves, each writing its own events; the unmatched
                                // counts are added up, so the result is the same as with one.
                                let second = BackgroundWork { matcher.run(n / 2..<n, into: out) }
                                unmatched = matcher.run(0..<n / 2, into: out)
                                for (c, u) in second.wait().enumerated() { unmatched[c] += u }
                            } else {
                                unmatched = matcher.run(0..<n, into: out)
                            }
                        }
                    }
                }
            }
        }
        row = rows
        fiscalYear = fiscal
        workforce = Workforce(checked: NumericColumn(values: wfValue, isPresent: wfKnown), source: source)
        self.unmatched = unmatched.indices.filter { unmatched[$0] > 0 }.map { (level: Int32($0), events: Int32(unmatched[$0])) }
        unmatchedLevels = levels
        ambiguousFundamentalsLines = ambiguous
    }

    /// `companies` sorted by events, most first, then by name. A name of at most 16 ASCII
    /// bytes compares as two big-endian words (its bytes' order, which is `String`'s for
    /// ASCII text), so the many companies with as many events (one, two) are ordered
    /// without a `String` comparison each; other names compare as `String`s.
    static func byEventsThenName(_ companies: [(company: String, events: Int)]) -> [(company: String, events: Int)] {
        struct Key { var events: Int; var w0: UInt64; var w1: UInt64; var short: Bool; var index: Int }
        var keys: [Key] = companies.enumerated().map { i, c in
            var name = c.company
            return name.withUTF8 { b -> Key in
                guard b.count <= 16, !b.contains(where: { $0 >= 0x80 }) else { return Key(events: c.events, w0: 0, w1: 0, short: false, index: i) }
                var w0: UInt64 = 0, w1: UInt64 = 0
                for (j, x) in b.enumerated() {
                    if j < 8 { w0 |= UInt64(x) << (56 - 8 * j) } else { w1 |= UInt64(x) << (56 - 8 * (j - 8)) }
                }
                return Key(events: c.events, w0: w0, w1: w1, short: true, index: i)
            }
        }
        keys.sort { p, q in
            if p.events != q.events { return p.events > q.events }
            if p.short && q.short { return p.w0 != q.w0 ? p.w0 < q.w0 : p.w1 < q.w1 }
            return companies[p.index].company < companies[q.index].company
        }
        return keys.map { companies[$0.index] }
    }

    /// The indices of the first `k` of `count` companies in ``byEventsThenName(_:)``'s
    /// order (ties between equal names by index, as its stable sort), in index order;
    /// all of them when there are at most `k`. They are kept in a heap of `k` while the
    /// rest pass by: most companies have fewer events than the `k`-th kept so far and
    /// cost one comparison of counts.
    static func firstByEventsThenName(_ k: Int, count: Int, events: (Int) -> Int, name: (Int) -> String) -> [Int] {
        if count <= k { return Array(0..<count) }
        guard k > 0 else { return [] }
        func before(_ a: Int, _ b: Int) -> Bool {
            let x = events(a), y = events(b)
            if x != y { return x > y }
            let p = name(a), q = name(b)
            return p != q ? p < q : a < b
        }
        // A max-heap in that order: its root is the last of those kept.
        var heap = Array(0..<k)
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < k && before(heap[m], heap[l]) { m = l }
                if r < k && before(heap[m], heap[r]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for i in stride(from: k / 2 - 1, through: 0, by: -1) { siftDown(i) }
        for c in k..<count where events(c) >= events(heap[0]) && before(c, heap[0]) {
            heap[0] = c
            siftDown(0)
        }
        return heap.sorted()
    }

    /// Per event of `range`, the value of `column` (a fundamentals column) at its matched
    /// row; missing where no row matched or the row has none.
    func matched(_ column: NumericColumn, events range: Range<Int>) -> NumericColumn {
        let n = range.count
        var values = [Double](repeating: 0, count: n), present = [Bool](repeating: false, count: n)
        // In place through buffers: a write to a captured array would check its uniqueness
        // at every event.
        row.withUnsafeBufferPointer { rows in
            column.values.withUnsafeBufferPointer { cv in
                column.isPresent.withUnsafeBufferPointer { cp in
                    values.withUnsafeMutableBufferPointer { v in
                        present.withUnsafeMutableBufferPointer { p in
                            for k in 0..<n {
                                let r = Int(rows[range.lowerBound + k])
                                if r >= 0 && r < cv.count && cp[r] {
                                    v[k] = cv[r]
                                    p[k] = true
                                }
                            }
                        }
                    }
                }
            }
        }
        return NumericColumn(values: values, isPresent: present)
    }

    /// The first and last day numbers of `days` (0, 0 when empty), in one pass.
    private static func dayRange(_ days: [Day]) -> (Int32, Int32) {
        guard let first = days.first?.number else { return (0, 0) }
        var lo = first, hi = first
        for d in days {
            lo = min(lo, d.number)
            hi = max(hi, d.number)
        }
        return (lo, hi)
    }

    /// `slot`'s key number, or `next` stored into it when it holds none (-1).
    @inline(__always) private static func claim(_ slot: inout Int32, _ next: Int32) -> Int32 {
        if slot < 0 { slot = next }
        return slot
    }

    public static func == (a: FundamentalsJoin, b: FundamentalsJoin) -> Bool {
        guard a.row == b.row && a.fiscalYear == b.fiscalYear && a.workforce == b.workforce
                && a.ambiguousFundamentalsLines == b.ambiguousFundamentalsLines else { return false }
        // Each side's list sorted once.
        let (x, y) = (a.unmatchedCompanies, b.unmatchedCompanies)
        return x.map(\.company) == y.map(\.company) && x.map(\.events) == y.map(\.events)
    }

    /// The table for regression, one row per event, in event order:
    /// text `company`, `industry`, `country`, `stage`; numeric (missing where unknown)
    /// `total_laid_off`, `percentage_laid_off` (fraction 0–1), `funds_raised`, `employees`,
    /// `revenue`, `revenue_growth` (percent; from the matched fundamentals row),
    /// `workforce` (``workforce``, whatever its source), `year` (event year).
    ///
    /// `events` and `fundamentals` must be the tables this join was made from; other
    /// tables make it throw `DataTableError.lengthMismatch(name:expected:actual:)`.
    ///
    /// `columns` limits the table to the named columns (in the order above; names not
    /// listed above are ignored), so a model over a few of them does not pay for the
    /// rest on large tables; `nil` (default) builds every column.
    public func regressionTable(events: EventTable, fundamentals: FundamentalsTable,
                                columns wanted: Set<String>? = nil) throws(DataTableError) -> DataTable {
        let all: [(String, () -> Column)] = [
            ("company", { .text(events.filled(events.company)) }),
            ("industry", { .text(events.filled(events.industry)) }),
            ("country", { .text(events.filled(events.country)) }),
            ("stage", { .text(events.filled(events.stage)) }),
            ("total_laid_off", { .numeric(events.cut) }),
            ("percentage_laid_off", { .numeric(events.fraction) }),
            ("funds_raised", { .numeric(events.filled(events.fundsRaised)) }),
            ("employees", { .numeric(matched(fundamentals.employees, events: row.indices)) }),
            ("revenue", { .numeric(matched(fundamentals.revenue, events: row.indices)) }),
            ("revenue_growth", { .numeric(matched(fundamentals.revenueGrowth, events: row.indices)) }),
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

/// The per-event part of ``FundamentalsJoin``: everything an event's lookup reads, so a
/// range of events can be matched on any thread.
private struct EventMatcher: Sendable {
    let events: EventTable
    let employees: NumericColumn
    let lag: Int
    /// Key per event company code, or -1.
    let keyOfLevel: [Int32]
    /// Each key's years and their first rows; searched when `useDense` is false.
    let table: KeyYearTable
    /// Per (key, event year − `firstYear`): the matched row (low 30 bits),
    /// ``hasEmployees`` when the row has employees, and with `packed` the employees
    /// themselves (high 32 bits; every matched count is a whole number below 2³², the
    /// usual case), so that an event reads one 8-byte entry of a table that stays in
    /// cache rather than also the employees column at random; ``none`` for no row.
    /// Used when `useDense` is true.
    let dense: [UInt64]
    let useDense: Bool
    let packed: Bool
    static let none = UInt64.max
    static let hasEmployees: UInt64 = 1 << 31
    let years: Int
    let firstYear: Int
    /// Year of day `lo + i`, or empty (then computed per event).
    let yearOfDay: [Int]
    let lo: Int32

    /// Where the events' results go: arrays of the events' length, each element written
    /// by the one ``run(_:into:)`` call whose range holds it.
    struct Outputs: @unchecked Sendable {
        let row: UnsafeMutablePointer<Int32>?
        let fiscalYear: UnsafeMutablePointer<Int32>?
        let workforce: UnsafeMutablePointer<Double>?
        let known: UnsafeMutablePointer<Bool>?
        let source: UnsafeMutablePointer<WorkforceSource>?
    }

    /// Matches the events in `range`, writing their results; returns the number of
    /// unmatched events per company code (the last entry: events without a company).
    func run(_ range: Range<Int>, into out: Outputs) -> [Int] {
        let missing = events.company.levels.count
        var unmatched = [Int](repeating: 0, count: missing + 1)
        guard !range.isEmpty, let rowOut = out.row, let fiscalOut = out.fiscalYear, let wfOut = out.workforce,
              let knownOut = out.known, let sourceOut = out.source else { return unmatched }
        let codes = events.company.codes, day = events.day
        let cut = events.cut, fraction = events.fraction
        for i in range {
            let d = day[i]
            let eventYear = yearOfDay.isEmpty ? d.year : yearOfDay[Int(d.number - lo)]
            let year = eventYear - lag
            fiscalOut[i] = Int32(truncatingIfNeeded: year)
            let code = Int(codes[i])
            // Unmatched, without a workforce, unless found below (every output is written).
            rowOut[i] = -1; wfOut[i] = 0; knownOut[i] = false; sourceOut[i] = .unknown
            var entry = EventMatcher.none
            let key = code >= 0 ? Int(keyOfLevel[code]) : -1
            if key >= 0 {
                if useDense {
                    entry = dense[key * years + eventYear - firstYear]
                } else if let r = table.firstRow(key: key, year: year) {
                    entry = UInt64(r) | (employees.isPresent[Int(r)] ? EventMatcher.hasEmployees : 0)
                }
            }
            if entry != EventMatcher.none { rowOut[i] = Int32(truncatingIfNeeded: entry & 0x3FFF_FFFF) }
            if entry != EventMatcher.none && entry & EventMatcher.hasEmployees != 0 {
                wfOut[i] = packed && useDense ? Double(UInt32(truncatingIfNeeded: entry >> 32))
                    : employees.values[Int(entry & 0x3FFF_FFFF)]
                knownOut[i] = true; sourceOut[i] = .fundamentals
            } else {
                if entry == EventMatcher.none { unmatched[code < 0 ? missing : code] += 1 }
                // Implied by the event: cut ÷ fraction (as ``Workforce/implied(by:)``).
                if cut.isPresent[i], fraction.isPresent[i], fraction.values[i] > 0 {
                    wfOut[i] = cut.values[i] / fraction.values[i]; knownOut[i] = true
                    sourceOut[i] = .implied
                }
            }
        }
        return unmatched
    }
}

/// Fundamentals rows by (key, fiscal year): per key, its years ascending, each with its
/// first row. Built by a counting sort of the rows by key (stable, so a key's rows stay in
/// row order), then a sort of each key's run by year where it is not in order already.
struct KeyYearTable: Sendable {
    /// Key `k`'s entries are `start[k]..<start[k + 1]`.
    var start: [Int32]
    /// Per entry, its year (ascending within a key) and first row.
    var year: [Int]
    var row: [Int32]
    /// Rows whose (key, year) repeats an earlier row's, ascending.
    var ambiguousRows: [Int32]

    /// The table of rows whose keys are `keyOfCode[codes[i]]` (`0..<keyCount`) and years
    /// `years[i]`.
    init(codes: [Int32], keyOfCode: [Int32], keyCount: Int, years: [Int]) {
        let n = codes.count
        var runStart = [Int](repeating: 0, count: keyCount + 1)
        for c in codes { runStart[Int(keyOfCode[Int(c)]) + 1] += 1 }
        for k in 0..<keyCount { runStart[k + 1] += runStart[k] }
        // Rows by key; then, in place, each key's distinct years' first rows.
        var order = [Int32](repeating: 0, count: n)
        do {
            var fill = runStart
            for (i, c) in codes.enumerated() {
                let k = Int(keyOfCode[Int(c)])
                order[fill[k]] = Int32(truncatingIfNeeded: i)
                fill[k] += 1
            }
        }
        start = [Int32](repeating: 0, count: keyCount + 1)
        year = []; year.reserveCapacity(n)
        ambiguousRows = []
        var kept = 0
        for k in 0..<keyCount {
            let a = runStart[k], b = runStart[k + 1]
            var sorted = true
            for j in a..<b where j > a && years[Int(order[j])] < years[Int(order[j - 1])] { sorted = false; break }
            // Rows are in row order within the run: sorting by (year, row) keeps that order
            // among equal years.
            if !sorted { order[a..<b].sort { (years[Int($0)], $0) < (years[Int($1)], $1) } }
            var previous: Int?
            for j in a..<b {
                let r = order[j], y = years[Int(r)]
                if y == previous {
                    ambiguousRows.append(r)
                } else {
                    year.append(y)
                    order[kept] = r   // kept ≤ j: an entry already read
                    kept += 1
                    previous = y
                }
            }
            start[k + 1] = Int32(truncatingIfNeeded: kept)
        }
        order.removeLast(n - kept)
        row = order
        ambiguousRows.sort()
    }

    /// The first row of (`key`, `year`), or `nil`.
    func firstRow(key: Int, year y: Int) -> Int32? {
        var a = Int(start[key]), b = Int(start[key + 1])
        while a < b {
            let m = (a + b) / 2
            if year[m] < y { a = m + 1 } else { b = m }
        }
        return a < Int(start[key + 1]) && year[a] == y ? row[a] : nil
    }
}

/// The byte hashes of the normalised names a name must have to find a key of the join (the
/// keys themselves, and the aliases that lead to one): a name whose normalised bytes hash
/// to none of them finds no key, and is ruled out without making its key as a `String`
/// and hashing it in the keys' dictionary. (Companies with events and no fundamentals are
/// most of them in exports: 180,000 of 200,000.)
private struct KeyHashes {
    private var slots: [UInt64]

    init(keys: [String: Int32], names: CompanyNames) {
        var hashes: [UInt64] = []
        for k in keys.keys { hashes.append(KeyHashes.hash(k)) }
        for (alias, target) in names.aliases where keys[target] != nil { hashes.append(KeyHashes.hash(alias)) }
        var size = 64
        while size < 2 * hashes.count { size *= 2 }
        slots = [UInt64](repeating: 0, count: size)
        for h in hashes { insert(h) }
    }

    /// A hash of normalised bytes, never 0 (the empty slot).
    private static func hash(_ b: UnsafeBufferPointer<UInt8>) -> UInt64 { TextColumnInterner.hash(b).hash | 1 }

    private static func hash(_ s: String) -> UInt64 {
        var s = s
        return s.withUTF8 { hash($0) }
    }

    private mutating func insert(_ h: UInt64) {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 && slots[i] != h { i = (i + 1) & mask }
        slots[i] = h
    }

    private func contains(_ h: UInt64) -> Bool {
        let mask = slots.count - 1
        var i = Int(truncatingIfNeeded: h) & mask
        while slots[i] != 0 {
            if slots[i] == h { return true }
            i = (i + 1) & mask
        }
        return false
    }

    /// Whether `name` may find a key: `false` only when it cannot (an ASCII name whose
    /// normalised bytes hash to no key's and no alias's); non-ASCII names are left to the
    /// full lookup.
    func mayMatch(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { b in
            CompanyNames.withNormalizedASCII(b) { normalized in
                guard let normalized else { return true }
                return contains(KeyHashes.hash(normalized))
            }
        }
    }
}
