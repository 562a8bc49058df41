import StatKit

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
    static let prefetchDistance = 20

    /// The fundamentals columns of the regression table (one value per fundamentals row).
    static let fundamentalsColumns = ["employees", "revenue", "revenue_growth"]

    /// The fundamentals `columns` a formula uses, and its `precomputed` factors
    /// (``PrecomputedFactor``): per fundamentals row `r`, factor `k`'s value and low-order
    /// part at `pairs[r · stride + 2k]` and the next element (16 bytes per factor and row).
    struct PackedFundamentals: Sendable {
        var columns: [(name: String, column: NumericColumn)]
        var precomputed: [(expression: FormulaExpression, columns: [String])]
        var stride: Int
        var pairs: [Double]
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
    /// event and pass.
    public init(events: EventTable, fundamentals: FundamentalsTable, join: FundamentalsJoin,
                name: String = "joined events", blockRows: Int = 8192, formula: Formula? = nil) {
        self.events = events
        self.fundamentals = fundamentals
        self.join = join
        self.name = name
        self.blockRows = max(1, blockRows)
        self.packed = formula.flatMap { Self.pack(fundamentals, formula: $0) }
    }

    /// The packed fundamentals of `formula` (`nil` when it uses none).
    static func pack(_ fundamentals: FundamentalsTable, formula: Formula) -> PackedFundamentals? {
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
        // Evaluated over slices of the fundamentals rows (little memory beside the result).
        let stride = 2 * factors.count
        var pairs = [Double](repeating: 0, count: rows * stride)
        let chunk = 8192
        var start = 0
        while start < rows && !factors.isEmpty {
            let end = min(rows, start + chunk)
            var table = DataTable()
            do {
                for (n, c) in cols {
                    try table.add(n, .numeric(NumericColumn(values: Array(c.values[start..<end]),
                                                            isPresent: Array(c.isPresent[start..<end]))))
                }
            } catch { return nil }
            for (k, f) in factors.enumerated() {
                let (v, lo) = PrecomputedFactor.evaluate(f.expression, over: table)
                pairs.withUnsafeMutableBufferPointer { pp in
                    for r in start..<end {
                        pp[r * stride + 2 * k] = v[r - start]
                        pp[r * stride + 2 * k + 1] = lo[r - start]
                    }
                }
            }
            start = end
        }
        return PackedFundamentals(columns: cols, precomputed: factors, stride: stride, pairs: pairs, rows: rows)
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
        // sweep over the block's events (each event's row prefetched a few events ahead).
        var gathered: [String: Column] = [:]
        var factors: [(FormulaExpression, [Double], [Double])] = []
        if let packed, packed.columns.contains(where: { columns.contains($0.name) }) {
            let n = range.count, start = range.lowerBound, c = packed.columns.count, stride = packed.stride
            let wanted = packed.precomputed.indices.filter { packed.precomputed[$0].columns.allSatisfy(columns.contains) }
            // Column k at k·n of one flat array; factor w's values and low parts after them.
            let width = c + 2 * wanted.count
            let at = wanted.map { 2 * $0 }
            var flat = [Double](repeating: 0, count: width * n)
            var presentFlat = [Bool](repeating: false, count: c * n)
            let limit = packed.rows, pairCount = wanted.count
            // Base addresses of the columns' values and masks, valid inside the nested
            // closures (no fundamentals row: nothing to gather, every value is missing).
            if limit > 0 {
            withBaseAddresses(packed.columns.map(\.column.values)) { valueBases in
            withBaseAddresses(packed.columns.map(\.column.isPresent)) { maskBases in
            join.row.withUnsafeBufferPointer { rows in
            packed.pairs.withUnsafeBufferPointer { pv in
            at.withUnsafeBufferPointer { ap in
            valueBases.withUnsafeBufferPointer { vb in
            maskBases.withUnsafeBufferPointer { mb in
            flat.withUnsafeMutableBufferPointer { outBuffer in
            presentFlat.withUnsafeMutableBufferPointer { okBuffer in
                let pairBase = pv.baseAddress, out = outBuffer.baseAddress!, ok = okBuffer.baseAddress!
                let rowPointer = rows.baseAddress!, offsets = ap.baseAddress
                let sweep = GatherSweep(n: n, rows: rowPointer + start, limit: limit, values: vb.baseAddress!,
                                        masks: mb.baseAddress!, pairs: pairBase, stride: stride, offsets: offsets,
                                        pairCount: pairCount, out: out, ok: ok)
                switch c {
                case 1: sweep.run(GatherColumns1.self)
                case 2: sweep.run(GatherColumns2.self)
                case 3: sweep.run(GatherColumns3.self)
                default: preconditionFailure("RegressionBlockSource: \(c) fundamentals columns")
                }
            } } } } } } } } }
            }
            let values = (0..<width).map { k in Array(flat[(k * n)..<((k + 1) * n)]) }
            let present = (0..<c).map { k in Array(presentFlat[(k * n)..<((k + 1) * n)]) }
            for (k, col) in packed.columns.enumerated() {
                gathered[col.name] = .numeric(NumericColumn(values: values[k], isPresent: present[k]))
            }
            for (w, q) in wanted.enumerated() {
                factors.append((packed.precomputed[q].expression, values[c + 2 * w], values[c + 2 * w + 1]))
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

/// LLVM's prefetch intrinsic: a hint that brings the cache line at `address` in ahead of
/// use (read, keep in all cache levels, data cache). It changes no value.
@_silgen_name("llvm.prefetch.p0")
private func llvmPrefetch(_ address: UnsafeRawPointer, _ readWrite: Int32, _ locality: Int32, _ cacheType: Int32)

/// A number of fundamentals columns known at compile time (one copy of
/// ``GatherSweep/run(_:)`` each).
protocol GatherColumnCount { static var value: Int { get } }
enum GatherColumns1: GatherColumnCount { static var value: Int { 1 } }
enum GatherColumns2: GatherColumnCount { static var value: Int { 2 } }
enum GatherColumns3: GatherColumnCount { static var value: Int { 3 } }

/// One block's sweep over its events in ``RegressionBlockSource/block(_:columns:)``: each
/// event's fundamentals row (prefetched `prefetchDistance` events ahead), its columns'
/// values where present (column `k` at `out[k·n + o]`, `ok` likewise) and its precomputed
/// factors' value and low-order part (after the columns). The column pointers are locals
/// and the column loop is unrolled for `C.value` columns.
struct GatherSweep {
    let n: Int
    let rows: UnsafePointer<Int32>
    let limit: Int
    let values: UnsafePointer<UnsafePointer<Double>>
    let masks: UnsafePointer<UnsafePointer<Bool>>
    let pairs: UnsafePointer<Double>?
    let stride: Int
    let offsets: UnsafePointer<Int>?
    let pairCount: Int
    let out: UnsafeMutablePointer<Double>
    let ok: UnsafeMutablePointer<Bool>

    func run<C: GatherColumnCount>(_: C.Type) {
        let c = C.value, distance = RegressionBlockSource.prefetchDistance
        let v0 = values[0], v1 = c > 1 ? values[1] : values[0], v2 = c > 2 ? values[2] : values[0]
        let m0 = masks[0], m1 = c > 1 ? masks[1] : masks[0], m2 = c > 2 ? masks[2] : masks[0]
        let (n, limit, out, ok) = (self.n, self.limit, self.out, self.ok)
        for o in 0..<n {
            if o + distance < n {
                let ahead = Int(rows[o + distance])
                if ahead >= 0 && ahead < limit {
                    llvmPrefetch(UnsafeRawPointer(v0 + ahead), 0, 3, 1)
                    llvmPrefetch(UnsafeRawPointer(m0 + ahead), 0, 3, 1)
                    if c > 1 {
                        llvmPrefetch(UnsafeRawPointer(v1 + ahead), 0, 3, 1)
                        llvmPrefetch(UnsafeRawPointer(m1 + ahead), 0, 3, 1)
                    }
                    if c > 2 {
                        llvmPrefetch(UnsafeRawPointer(v2 + ahead), 0, 3, 1)
                        llvmPrefetch(UnsafeRawPointer(m2 + ahead), 0, 3, 1)
                    }
                    if let pairs, pairCount > 0 { llvmPrefetch(UnsafeRawPointer(pairs + ahead * stride), 0, 3, 1) }
                }
            }
            let r = Int(rows[o])
            guard r >= 0, r < limit else { continue }
            if m0[r] { out[o] = v0[r]; ok[o] = true }
            if c > 1 && m1[r] { out[n + o] = v1[r]; ok[n + o] = true }
            if c > 2 && m2[r] { out[2 * n + o] = v2[r]; ok[2 * n + o] = true }
            if let pairs, let offsets {
                let record = pairs + r * stride
                for w in 0..<pairCount {
                    let a = offsets[w]
                    out[(c + 2 * w) * n + o] = record[a]
                    out[(c + 2 * w + 1) * n + o] = record[a + 1]
                }
            }
        }
    }
}

/// Calls `body` with the base address of each of `arrays` (all non-empty), each valid for
/// the duration of the call: nested `withUnsafeBufferPointer` calls, one per array.
private func withBaseAddresses<T, R>(_ arrays: [[T]], _ body: ([UnsafePointer<T>]) -> R) -> R {
    func nest(_ k: Int, _ bases: [UnsafePointer<T>]) -> R {
        if k == arrays.count { return body(bases) }
        return arrays[k].withUnsafeBufferPointer { nest(k + 1, bases + [$0.baseAddress!]) }
    }
    return nest(0, [])
}
