import StatKit
import Dispatch

/// The regression table of a join (``FundamentalsJoin/regressionTable(events:fundamentals:columns:)``)
/// handed out in blocks of rows, each built from the event and fundamentals columns when
/// it is needed: a streaming fit (``StreamingFormulaFit``) over the joined events never
/// holds the `n`-row table, only one block of `blockRows` rows at a time.
///
/// Block `b` holds rows `b·blockRows ..< (b + 1)·blockRows` of the regression table, in
/// event order, with exactly its columns and cells: text columns share the events' levels,
/// numeric ones are missing where the table has them missing. Rows carry no line numbers.
public struct RegressionBlockSource: TableBlockSource, Sendable {
    /// The joined events.
    public let events: EventTable
    /// The fundamentals they were joined to.
    public let fundamentals: FundamentalsTable
    /// The join of `events` to `fundamentals`.
    public let join: FundamentalsJoin
    /// Name used in error messages.
    public let name: String
    /// Rows per block.
    public let blockRows: Int
    /// The fundamentals columns a formula uses (gathered in one sweep per block) and its
    /// transformed factors of them, evaluated once per fundamentals row.
    let packed: PackedFundamentals?

    /// How many events ahead ``block(_:columns:)`` prefetches an event's fundamentals.
    static let prefetchDistance = 40

    /// The fundamentals columns of the regression table (one value per fundamentals row).
    static let fundamentalsColumns = ["employees", "revenue", "revenue_growth"]

    /// The fundamentals `columns` a formula uses, and its `precomputed` factors
    /// (``PrecomputedFactor``), packed in one record per fundamentals row: at
    /// `records[r · stride]` the row's value of column `k` at `k` (``FundamentalsRecords/missing``'s
    /// bit pattern where it is missing), then factor `j`'s value and low-order part at
    /// `columns.count + 2j` and the next slot. `stride` is a power of two (32 bytes for the
    /// report's two columns and one factor), and records start on a 64-byte boundary, so an
    /// event's gather reads one cache line.
    struct PackedFundamentals: Sendable {
        var columns: [(name: String, column: NumericColumn)]
        var precomputed: [(expression: FormulaExpression, columns: [String])]
        var stride: Int
        var records: FundamentalsRecords
        var rows: Int
    }

    /// A source over the regression table of `join` (made from `events` and `fundamentals`),
    /// `blockRows` rows at a time.
    ///
    /// With `formula`, the fundamentals columns it uses are packed row by row, and its
    /// transformed factors of fundamentals columns only (`log(employees)`; those
    /// ``PrecomputedFactor/isPrecomputable(_:)`` accepts) are evaluated once per fundamentals
    /// row here (``PrecomputedFactor/evaluate(_:over:)``) and packed with them: each block
    /// gathers one record per event and carries the factors gathered
    /// (``DataTable/addPrecomputed(_:values:lowOrder:)``) when it holds their columns. A
    /// design built from the block is the same bit for bit, without a long-double `log` per
    /// event and pass. With `threads` ≥ 2 those factors are evaluated on two threads
    /// (alternate slices of fundamentals rows; the same records either way).
    public init(events: EventTable, fundamentals: FundamentalsTable, join: FundamentalsJoin,
                name: String = "joined events", blockRows: Int = 8192, formula: Formula? = nil, threads: Int = 1) {
        self.events = events
        self.fundamentals = fundamentals
        self.join = join
        self.name = name
        self.blockRows = max(1, blockRows)
        self.packed = formula.flatMap { Self.pack(fundamentals, formula: $0, threads: threads) }
    }

    /// The packed fundamentals of `formula` (`nil` when it uses none). With `threads` ≥ 2
    /// the factors are evaluated on two threads, alternate slices of 8,192 rows each (every
    /// record is written by one thread, with the same values either way).
    static func pack(_ fundamentals: FundamentalsTable, formula: Formula, threads: Int = 1) -> PackedFundamentals? {
        let source: [(name: String, column: NumericColumn)] = [
            ("employees", fundamentals.employees), ("revenue", fundamentals.revenue), ("revenue_growth", fundamentals.revenueGrowth)]
        let used = formula.columnsUsed
        let cols = source.filter { used.contains($0.name) }
        guard !cols.isEmpty else { return nil }
        let rows = cols[0].column.count
        guard cols.allSatisfy({ $0.column.count == rows }) else { return nil }
        var factors: [(expression: FormulaExpression, columns: [String])] = []
        for term in formula.terms {
            for f in term.factors {
                guard case .expression(let e) = f.kind, PrecomputedFactor.isPrecomputable(e), !e.columns.isEmpty,
                      e.columns.allSatisfy({ c in cols.contains { $0.name == c } }),
                      !factors.contains(where: { $0.expression == e }) else { continue }
                factors.append((e, e.columns))
            }
        }
        // A present value with the missing marker's bits (a NaN no parser writes) cannot be
        // packed: the caller then gathers the columns one by one.
        let marker = FundamentalsRecords.missing.bitPattern
        for (_, c) in cols {
            for r in 0..<rows where c.isPresent[r] && c.values[r].bitPattern == marker { return nil }
        }
        let width = cols.count + 2 * factors.count
        var stride = 1
        while stride < width { stride *= 2 }
        // Every slot of every record is written below (the columns', the factors' and zero
        // padding), so the records are not zeroed first.
        let records = FundamentalsRecords(uninitializedCount: rows * stride)
        let out = records.base
        for (k, (_, c)) in cols.enumerated() {
            c.values.withUnsafeBufferPointer { v in
                c.isPresent.withUnsafeBufferPointer { ok in
                    for r in 0..<rows { out[r * stride + k] = ok[r] ? v[r] : FundamentalsRecords.missing }
                }
            }
        }
        if width < stride {
            for r in 0..<rows { (out + r * stride + width).initialize(repeating: 0, count: stride - width) }
        }
        // The factors, evaluated over slices of the fundamentals rows (little memory beside
        // the result).
        let chunk = 8192
        let slices = (rows + chunk - 1) / chunk
        /// Evaluates slice `i`'s factors into the records; `false` when its table cannot be made.
        let (factorList, recordStride) = (factors, stride)
        @Sendable func evaluate(_ i: Int) -> Bool {
            let factors = factorList, stride = recordStride
            let start = i * chunk, end = min(rows, start + chunk)
            var table = DataTable()
            do {
                for (n, c) in cols {
                    try table.add(n, .numeric(NumericColumn(values: Array(c.values[start..<end]),
                                                            isPresent: Array(c.isPresent[start..<end]))))
                }
            } catch { return false }
            let out = records.base
            for (k, f) in factors.enumerated() {
                let (v, lo) = PrecomputedFactor.evaluate(f.expression, over: table)
                let at = cols.count + 2 * k
                for r in start..<end {
                    out[r * stride + at] = v[r - start]
                    out[r * stride + at + 1] = lo[r - start]
                }
            }
            return true
        }
        if !factors.isEmpty {
            if threads >= 2 && slices >= 2 {
                let failed = FailureFlag()
                DispatchQueue.concurrentPerform(iterations: 2) { t in
                    for i in Swift.stride(from: t, to: slices, by: 2) where !evaluate(i) { failed.set() }
                }
                if failed.isSet { return nil }
            } else {
                for i in 0..<slices where !evaluate(i) { return nil }
            }
        }
        return PackedFundamentals(columns: cols, precomputed: factors, stride: stride, records: records, rows: rows)
    }

    /// Number of rows (events).
    public var rowCount: Int { events.count }

    /// ``FundamentalsJoin/regressionColumnNames``.
    public func columnNames() throws(StreamingFitError) -> [String] { FundamentalsJoin.regressionColumnNames }

    /// Calls `body` with consecutive blocks holding the named columns (names from
    /// ``FundamentalsJoin/regressionColumnNames``), `lines` `nil`.
    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
        for c in columns where !FundamentalsJoin.regressionColumnNames.contains(c) {
            throw .design(.data(.missingColumn(c, available: FundamentalsJoin.regressionColumnNames)))
        }
        let n = events.count
        var start = 0
        while start < n {
            let end = min(n, start + blockRows)
            try body(block(start..<end, columns: columns), nil)
            start = end
        }
    }

    /// Rows `range` of the regression table, with the named columns in the given order.
    public func block(_ range: Range<Int>, columns: [String]) -> DataTable {
        func text(_ c: TextColumn) -> Column {
            var t = c
            t.codes = Array(c.codes[range])
            return .text(t)
        }
        func numeric(_ c: NumericColumn) -> Column {
            .numeric(NumericColumn(values: Array(c.values[range]), isPresent: Array(c.isPresent[range])))
        }
        func fromRow(_ c: NumericColumn) -> Column {
            let limit = c.count, start = range.lowerBound
            var present = [Bool](repeating: false, count: range.count)
            let values = [Double](unsafeUninitializedCapacity: range.count) { out, initialized in
                join.row.withUnsafeBufferPointer { rows in
                    c.values.withUnsafeBufferPointer { cv in
                        c.isPresent.withUnsafeBufferPointer { cp in
                            present.withUnsafeMutableBufferPointer { pp in
                                for i in range {
                                    let r = Int(rows[i])
                                    if r >= 0, r < limit, cp[r] {
                                        out[i - start] = cv[r]
                                        pp[i - start] = true
                                    } else {
                                        out[i - start] = 0
                                    }
                                }
                            }
                        }
                    }
                }
                initialized = range.count
            }
            return .numeric(NumericColumn(values: values, isPresent: present))
        }
        // The formula's fundamentals columns and precomputed factors, gathered in one
        // sweep over the block's events (each event's record prefetched 40 events ahead).
        var gathered: [String: Column] = [:]
        var factors: [(FormulaExpression, [Double], [Double])] = []
        if let packed, packed.columns.contains(where: { columns.contains($0.name) }) {
            let n = range.count, start = range.lowerBound, c = packed.columns.count, stride = packed.stride
            let wanted = packed.precomputed.indices.filter { packed.precomputed[$0].columns.allSatisfy(columns.contains) }
            // Column k's values at k·n of one flat array, then factor w's values and low-order parts.
            let width = c + 2 * wanted.count
            var flat = [Double](repeating: 0, count: width * n)
            var presentFlat = [Bool](repeating: false, count: c * n)
            let limit = packed.rows
            let at = wanted.map { c + 2 * $0 }
            let marker = FundamentalsRecords.missing.bitPattern
            // No fundamentals row: nothing to gather, every value is missing.
            if limit > 0 {
            join.row.withUnsafeBufferPointer { rows in
            at.withUnsafeBufferPointer { ap in
            flat.withUnsafeMutableBufferPointer { outBuffer in
            presentFlat.withUnsafeMutableBufferPointer { okBuffer in
                let records = UnsafePointer(packed.records.base), rowPointer = rows.baseAddress! + start
                let out = outBuffer.baseAddress!, ok = okBuffer.baseAddress!
                let distance = Self.prefetchDistance, pairCount = ap.count
                for o in 0..<n {
                    if o + distance < n {
                        let ahead = Int(rowPointer[o + distance])
                        if ahead >= 0 && ahead < limit { llvmPrefetch(UnsafeRawPointer(records + ahead * stride), 0, 3, 1) }
                    }
                    let r = Int(rowPointer[o])
                    guard r >= 0, r < limit else { continue }
                    let record = records + r * stride
                    for k in 0..<c {
                        let v = record[k]
                        if v.bitPattern != marker {
                            out[k * n + o] = v
                            ok[k * n + o] = true
                        }
                    }
                    for w in 0..<pairCount {
                        let a = ap[w]
                        out[(c + 2 * w) * n + o] = record[a]
                        out[(c + 2 * w + 1) * n + o] = record[a + 1]
                    }
                }
            } } } }
            }
            for (k, col) in packed.columns.enumerated() {
                gathered[col.name] = .numeric(NumericColumn(values: Array(flat[(k * n)..<((k + 1) * n)]),
                                                            isPresent: Array(presentFlat[(k * n)..<((k + 1) * n)])))
            }
            for (w, q) in wanted.enumerated() {
                let v = (c + 2 * w) * n
                factors.append((packed.precomputed[q].expression, Array(flat[v..<(v + n)]), Array(flat[(v + n)..<(v + 2 * n)])))
            }
        }
        var table = DataTable()
        for name in columns {
            if let col = gathered[name] {
                if table.column(named: name) != nil { continue }
                do { try table.add(name, col) } catch { preconditionFailure("\(error)") }
                continue
            }
            let col: Column
            switch name {
            case "company": col = text(events.company)
            case "industry": col = text(events.industry)
            case "country": col = text(events.country)
            case "stage": col = text(events.stage)
            case "total_laid_off": col = numeric(events.cut)
            case "percentage_laid_off": col = numeric(events.fraction)
            case "funds_raised": col = numeric(events.fundsRaised)
            case "employees": col = fromRow(fundamentals.employees)
            case "revenue": col = fromRow(fundamentals.revenue)
            case "revenue_growth": col = fromRow(fundamentals.revenueGrowth)
            case "workforce": col = numeric(join.workforce.values)
            case "year": col = .numeric(NumericColumn(values: events.day[range].map { Double($0.year) },
                                                     isPresent: [Bool](repeating: true, count: range.count)))
            default: continue
            }
            if table.column(named: name) != nil { continue }
            do { try table.add(name, col) } catch { preconditionFailure("\(error)") }
        }
        for (e, values, low) in factors {
            do { try table.addPrecomputed(e, values: values, lowOrder: low) } catch { preconditionFailure("\(error)") }
        }
        return table
    }
}

extension RegressionBlockSource: NumericBlockSource {
    /// The numeric columns of the regression table.
    static let numericColumns = ["total_laid_off", "percentage_laid_off", "funds_raised", "employees", "revenue",
                                 "revenue_growth", "workforce", "year"]

    /// The numeric columns of the regression table (every one but the four text columns).
    public var numericColumnNames: [String] { Self.numericColumns }

    /// The formula's transformed factors of fundamentals columns packed when the source
    /// was made (`log(employees)` for the report's formula).
    public var precomputedFactors: [FormulaExpression] { packed?.precomputed.map(\.expression) ?? [] }

    /// Calls `body` with the rows of each block of ``forEachBlock(columns:_:)`` (``blockRows``
    /// rows) as numbers: each value and presence as ``block(_:columns:)`` has it, gathered
    /// into two buffers reused from block to block; the fundamentals columns and
    /// precomputed factors in one sweep over the block's events, as there.
    public func forEachNumericBlock(columns: [String], precomputed: [FormulaExpression],
                                    _ body: (NumericColumnsBlock) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
        for c in columns where !Self.numericColumns.contains(c) {
            throw .design(.data(.missingColumn(c, available: Self.numericColumns)))
        }
        var factorAt: [Int] = []
        for e in precomputed {
            guard let q = packed?.precomputed.firstIndex(where: { $0.expression == e }) else {
                throw .inconsistentInput("no precomputed values of \(e)")
            }
            factorAt.append(q)
        }
        let c = columns.count, width = c + 2 * precomputed.count
        let n = events.count, capacity = min(blockRows, n)
        var values = [Double](repeating: 0, count: width * capacity)
        var present = [Bool](repeating: false, count: c * capacity)
        // The requested column of each packed fundamentals column (-1: not requested).
        let packedSlot = packed?.columns.map { p in columns.firstIndex(of: p.name) ?? -1 } ?? []
        var start = 0
        while start < n {
            let end = min(n, start + blockRows), m = end - start
            values.withUnsafeMutableBufferPointer { vb in
            present.withUnsafeMutableBufferPointer { pb in
                let v = vb.baseAddress!, ok = pb.baseAddress!
                func copy(_ col: NumericColumn, to k: Int) {
                    col.values.withUnsafeBufferPointer { s in (v + k * m).update(from: s.baseAddress! + start, count: m) }
                    col.isPresent.withUnsafeBufferPointer { s in (ok + k * m).update(from: s.baseAddress! + start, count: m) }
                }
                for (k, name) in columns.enumerated() {
                    switch name {
                    case "total_laid_off": copy(events.cut, to: k)
                    case "percentage_laid_off": copy(events.fraction, to: k)
                    case "funds_raised": copy(events.fundsRaised, to: k)
                    case "workforce": copy(join.workforce.values, to: k)
                    case "year":
                        events.day.withUnsafeBufferPointer { d in
                            for o in 0..<m { v[k * m + o] = Double(d[start + o].year) }
                        }
                        (ok + k * m).update(repeating: true, count: m)
                    default:
                        if packedSlot.contains(k) { continue }   // the sweep below
                        let col: NumericColumn
                        switch name {
                        case "employees": col = fundamentals.employees
                        case "revenue": col = fundamentals.revenue
                        default: col = fundamentals.revenueGrowth
                        }
                        gather(col, start: start, rows: m, into: v + k * m, present: ok + k * m)
                    }
                }
                if let packed, packedSlot.contains(where: { $0 >= 0 }) || !factorAt.isEmpty {
                    sweep(packed, start: start, rows: m, slots: packedSlot, factors: factorAt, columns: c, values: v, present: ok)
                }
            } }
            try values.withUnsafeBufferPointer { (vb) throws(StreamingFitError) in
                try present.withUnsafeBufferPointer { (pb) throws(StreamingFitError) in
                    try body(NumericColumnsBlock(rows: m, columnCount: width, values: UnsafeBufferPointer(rebasing: vb[0..<(width * m)]),
                                                 present: UnsafeBufferPointer(rebasing: pb[0..<(c * m)])))
                }
            }
            start = end
        }
    }

    /// A fundamentals column at each event of rows `start ..< start + rows` (0 and absent
    /// where the event has no fundamentals row or the value is missing), as ``block(_:columns:)``'s
    /// gather by row.
    private func gather(_ c: NumericColumn, start: Int, rows m: Int, into out: UnsafeMutablePointer<Double>,
                        present ok: UnsafeMutablePointer<Bool>) {
        let limit = c.count
        join.row.withUnsafeBufferPointer { rows in
            c.values.withUnsafeBufferPointer { cv in
                c.isPresent.withUnsafeBufferPointer { cp in
                    for o in 0..<m {
                        let r = Int(rows[start + o])
                        if r >= 0, r < limit, cp[r] {
                            out[o] = cv[r]
                            ok[o] = true
                        } else {
                            out[o] = 0
                            ok[o] = false
                        }
                    }
                }
            }
        }
    }

    /// The packed fundamentals columns (packed column `k` to requested column `slots[k]`,
    /// skipped where -1) and precomputed factors (`factors[w]`, to value column `columns + 2w`
    /// and its low-order part) of the events `start ..< start + rows`, in one sweep over
    /// their records (each prefetched ``prefetchDistance`` events ahead): values and
    /// presence as ``block(_:columns:)`` gathers them (0 and absent without a record or value).
    private func sweep(_ packed: PackedFundamentals, start: Int, rows m: Int, slots: [Int], factors: [Int], columns c: Int,
                       values out: UnsafeMutablePointer<Double>, present ok: UnsafeMutablePointer<Bool>) {
        let pc = packed.columns.count, stride = packed.stride, limit = packed.rows
        let marker = FundamentalsRecords.missing.bitPattern
        for k in 0..<pc where slots[k] >= 0 {
            (out + slots[k] * m).update(repeating: 0, count: m)
            (ok + slots[k] * m).update(repeating: false, count: m)
        }
        for w in factors.indices { (out + (c + 2 * w) * m).update(repeating: 0, count: 2 * m) }
        if limit == 0 { return }
        let at = factors.map { pc + 2 * $0 }
        join.row.withUnsafeBufferPointer { rows in
        slots.withUnsafeBufferPointer { sp in
        at.withUnsafeBufferPointer { ap in
            let records = UnsafePointer(packed.records.base), rowPointer = rows.baseAddress! + start
            let distance = Self.prefetchDistance, pairCount = ap.count
            for o in 0..<m {
                if o + distance < m {
                    let ahead = Int(rowPointer[o + distance])
                    if ahead >= 0 && ahead < limit { llvmPrefetch(UnsafeRawPointer(records + ahead * stride), 0, 3, 1) }
                }
                let r = Int(rowPointer[o])
                guard r >= 0, r < limit else { continue }
                let record = records + r * stride
                for k in 0..<pc {
                    let slot = sp[k]
                    let v = record[k]
                    if slot >= 0 && v.bitPattern != marker {
                        out[slot * m + o] = v
                        ok[slot * m + o] = true
                    }
                }
                for w in 0..<pairCount {
                    let a = ap[w]
                    out[(c + 2 * w) * m + o] = record[a]
                    out[(c + 2 * w + 1) * m + o] = record[a + 1]
                }
            }
        } } }
    }
}

/// LLVM's prefetch intrinsic: a hint that brings the cache line at `address` in ahead of
/// use (read, keep in all cache levels, data cache). It changes no value.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)

/// The packed fundamentals records of a ``RegressionBlockSource``: doubles on a 64-byte
/// boundary, written once when the source is made and only read afterwards (so the
/// source stays `Sendable`), freed with the last copy of the source.
final class FundamentalsRecords: @unchecked Sendable {
    /// The bits that mark a missing value in a record (a NaN with a payload no parser writes).
    static let missing = Double(bitPattern: 0x7FF4_D15E_A5ED_0001)
    /// The first record.
    let base: UnsafeMutablePointer<Double>

    /// `count` doubles, zeroed.
    convenience init(count: Int) {
        self.init(uninitializedCount: count)
        base.initialize(repeating: 0, count: max(1, count))
    }

    /// `count` doubles that the caller writes, every one, before any is read.
    init(uninitializedCount count: Int) {
        let raw = UnsafeMutableRawPointer.allocate(byteCount: max(1, count) * 8, alignment: 64)
        base = raw.bindMemory(to: Double.self, capacity: max(1, count))
    }

    deinit { base.deallocate() }
}

/// A flag set by any of several threads (under a lock), read after they are done.
final class FailureFlag: @unchecked Sendable {
    private let lock = ConditionLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
