/// The design of a formula evaluated block by block, with categorical levels discovered
/// on the way: the streaming counterpart of ``DesignMatrix``.
///
/// Per row it applies ``DesignMatrix``'s rules (the same expression evaluator, listwise
/// deletion in the same order with the same reasons). Because the levels of a categorical
/// factor are only known at the end, it accumulates one column per *combination seen*
/// (`coding × levels`) — a new level is a new zero-history column of the
/// ``QRAccumulator`` — and at the end selects and orders the columns exactly as
/// ``DesignMatrix`` would (reference levels dropped, patsy's term order, left-most factor
/// fastest) by re-factoring `R`.
struct StreamingModelFrame {
    /// One way a term is coded (patsy's subterm): its parts in term order.
    struct Coding {
        enum Part {
            case numeric(FormulaFactor)
            case categorical(FormulaFactor, full: Bool)
        }
        var term: Int
        var parts: [Part]
        /// Whether the product of the numeric parts can be inexact in double (a transformed
        /// factor, or more than one numeric factor), so the Float80 value rides along.
        var inexact: Bool
    }

    /// An accumulated column: a coding and the level ids of its categorical parts.
    struct ColumnKey: Hashable {
        var coding: Int
        var levels: [Int]
    }

    /// The column type a used column turned out to have.
    enum Kind: Equatable { case numeric, text }

    let formula: Formula
    let response: FormulaFactor
    /// Response first, then right-hand-side factors in order of appearance.
    let factors: [FormulaFactor]
    /// Columns checked for missingness, in order (formula columns, then `alsoRequire`).
    let used: [String]
    let available: [String]
    let weightsColumn: String?
    let clusterColumn: String?

    private(set) var kinds: [String: Kind] = [:]
    private(set) var resolved: [FormulaFactor: ResolvedFactor]? = nil
    private(set) var codings: [Coding] = []
    /// Ordered terms (patsy order) and the range of `codings` each one spans.
    private(set) var orderedTerms: [(term: FormulaTerm, codings: Range<Int>)] = []

    private(set) var counts: [Int]
    private(set) var totalRows = 0
    private(set) var keptRows = 0

    /// Levels by column, in order of first appearance among kept rows.
    private(set) var textLevelID: [String: [String: Int]] = [:]
    private(set) var textLabels: [String: [String]] = [:]
    private(set) var numberLevelID: [String: [Double: Int]] = [:]
    private(set) var numberLevels: [String: [Double]] = [:]
    /// Cluster keys (second pass), by first appearance.
    private var clusterText: [String: Int] = [:]
    private var clusterNumber: [Double: Int] = [:]

    private(set) var columnKeys: [ColumnKey] = []
    private(set) var columnIndex: [ColumnKey: Int] = [:]
    /// Per coding: packed level ids → accumulated column (a fast path of ``columnIndex``).
    private var fastIndex: [[Int: Int]] = []
    /// After ``finish()``: accumulated column → final design column.
    private(set) var frozen: [Int?]? = nil

    init(formula: Formula, columns available: [String], weights: String?, cluster: String?) throws(ModelFrameError) {
        guard let response = formula.response else { throw .noResponse }
        var factors: [FormulaFactor] = [response]
        for t in formula.terms { for f in t.factors where !factors.contains(f) { factors.append(f) } }
        // Missing columns, in the order DesignMatrix meets them (factors, then alsoRequire).
        for f in factors {
            for c in f.columns where !available.contains(c) {
                throw .data(.missingColumn(c, available: available))
            }
        }
        var used: [String] = []
        for f in factors { for c in f.columns where !used.contains(c) { used.append(c) } }
        for c in [weights, cluster].compactMap({ $0 }) where !used.contains(c) {
            guard available.contains(c) else { throw .data(.missingColumn(c, available: available)) }
            used.append(c)
        }
        self.formula = formula
        self.response = response
        self.factors = factors
        self.used = used
        self.available = available
        self.weightsColumn = weights
        self.clusterColumn = cluster
        self.counts = [Int](repeating: 0, count: used.count + factors.count)
    }

    /// Number of accumulated columns.
    var accumulatedColumns: Int { columnKeys.count }

    // MARK: Types and resolution

    /// Records the types of the used columns in `block` (all-missing columns say nothing);
    /// a column whose type changes is an error.
    mutating func noteTypes(_ block: DataTable) throws(StreamingFitError) {
        for c in used {
            guard let col = block.column(named: c) else {
                throw .inconsistentInput("a block has no column '\(c)'")
            }
            let kind: Kind?
            switch col {
            case .numeric(let n): kind = n.isPresent.contains(true) ? .numeric : nil
            case .text(let t): kind = t.codes.contains { $0 >= 0 } ? .text : nil
            }
            guard let kind else { continue }
            if let k = kinds[c], k != kind {
                throw .inconsistentInput("column '\(c)' holds \(k == .numeric ? "numbers" : "text") in earlier rows and \(kind == .numeric ? "numbers" : "text") later")
            }
            kinds[c] = kind
        }
    }

    /// A zero-row table with the decided types (undecided columns numeric, as an all-missing
    /// CSV column is), to resolve factors exactly as ``DesignMatrix`` does.
    private func template() -> DataTable {
        var t = DataTable()
        for c in used {
            let col: Column = kinds[c] == .text ? .text(TextColumn()) : .numeric(NumericColumn())
            do { try t.add(c, col) } catch { preconditionFailure("\(error)") }
        }
        return t
    }

    /// Fixes the factor kinds and the column layout (once every used column has a type).
    mutating func resolve() throws(ModelFrameError) {
        if resolved != nil { return }
        let builder = DesignBuilder(data: template())
        let r0 = try builder.resolve(response)
        guard case .numeric = r0 else { throw .categoricalResponse(response.text) }
        var res: [FormulaFactor: ResolvedFactor] = [response: r0]
        for f in factors.dropFirst() { res[f] = try builder.resolve(f) }
        resolved = res
        func isNumeric(_ f: FormulaFactor) -> Bool { if case .numeric = res[f]! { return true } else { return false } }
        // patsy's term order and codings, as DesignMatrix.
        for bucketTerms in DesignMatrix.termsInPatsyOrder(formula, isNumeric: isNumeric) {
            var usedSubterms = Set<Set<ExpandedFactor>>()
            for term in bucketTerms {
                let start = codings.count
                let categorical = term.factors.filter { !isNumeric($0) }
                let numericCount = term.factors.filter(isNumeric).count
                for coding in DesignMatrix.pickContrasts(categorical, used: &usedSubterms) {
                    var parts: [Coding.Part] = []
                    var inexact = numericCount > 1
                    for f in term.factors {
                        if isNumeric(f) {
                            parts.append(.numeric(f))
                            if case .numeric(let e)? = res[f], !e.isBareColumn { inexact = true }
                        } else if let full = coding[f] {
                            parts.append(.categorical(f, full: full))
                        }
                    }
                    codings.append(Coding(term: orderedTerms.count, parts: parts, inexact: inexact))
                }
                orderedTerms.append((term, start..<codings.count))
            }
        }
        fastIndex = [[Int: Int]](repeating: [:], count: codings.count)
    }

    // MARK: Blocks

    /// The rows of one block that survive listwise deletion, with the design values.
    struct BlockRows {
        /// Row indices (in the block) kept.
        var rows: [Int] = []
        /// Per kept row and coding (row-major, `rows.count × codings`): the accumulated
        /// column, its value and low-order part.
        var column: [Int] = []
        var value: [Double] = []
        var low: [Double] = []
        var response: [Double] = []
        var weights: [Double]? = nil
        var clusters: [Int]? = nil
        var hasLow = false

        /// Empties the arrays, keeping their storage for the next block.
        mutating func reset() {
            rows.removeAll(keepingCapacity: true)
            column.removeAll(keepingCapacity: true)
            value.removeAll(keepingCapacity: true)
            low.removeAll(keepingCapacity: true)
            response.removeAll(keepingCapacity: true)
            weights = nil
            clusters = nil
            hasLow = false
        }

        /// The rows in consecutive parts of at most `maxElements / width` rows (one part
        /// when that is all of them).
        func split(maxElements: Int, width: Int) -> [BlockRows] {
            let step = max(1, maxElements / max(1, width))
            if rows.count <= step { return [self] }
            let q = rows.isEmpty ? 0 : column.count / rows.count
            var parts: [BlockRows] = []
            var start = 0
            while start < rows.count {
                let end = min(rows.count, start + step)
                var p = BlockRows()
                p.rows = Array(rows[start..<end])
                p.column = Array(column[(start * q)..<(end * q)])
                p.value = Array(value[(start * q)..<(end * q)])
                p.low = Array(low[(start * q)..<(end * q)])
                p.response = Array(response[start..<end])
                p.weights = weights.map { Array($0[start..<end]) }
                p.clusters = clusters.map { Array($0[start..<end]) }
                p.hasLow = hasLow
                parts.append(p)
                start = end
            }
            return parts
        }
    }

    /// Evaluates one block: counts exclusions and puts the kept rows' design entries in
    /// `out`, registering new level combinations (pass 1) or rejecting them (pass 2, after
    /// ``finish()``). `lines` (optional) locate rows in errors. `out`'s arrays are emptied
    /// and reused: a caller that keeps one `BlockRows` from block to block allocates them once.
    mutating func evaluate(_ block: DataTable, lines: [Int]?, file: String, wantClusters: Bool,
                           into out: inout BlockRows) throws(StreamingFitError) {
        out.reset()
        try noteTypes(block)
        let n = block.rowCount
        totalRows += n
        let present: [[Bool]] = used.map { c in
            switch block.column(named: c)! {
            case .numeric(let col): return col.isPresent
            case .text(let col): return col.codes.map { $0 >= 0 }
            }
        }
        // Rows with a missing used column are excluded whatever the types; if some used
        // column has no type yet, every row of this block is missing it.
        if resolved == nil && used.allSatisfy({ kinds[$0] != nil }) {
            do { try resolve() } catch { throw .design(error) }
        }
        guard let resolved else {
            rows: for i in 0..<n {
                for k in present.indices where !present[k][i] { counts[k] += 1; continue rows }
                preconditionFailure("a row with every used column present before the types are known")
            }
            return
        }
        let builder = DesignBuilder(data: block)
        // As in DesignMatrix: right-hand-side transformed factors by evaluateFactor.
        var factorColumns: [FormulaFactor: DesignBuilder.FactorColumn] = [:]
        let values: [[Double]?] = factors.enumerated().map { k, f in
            switch resolved[f]! {
            case .text: return nil
            case .numeric(let e):
                if k > 0 && !e.isBareColumn {
                    let c = builder.evaluateFactor(e)
                    factorColumns[f] = c
                    return c.values
                }
                return builder.evaluate(e)
            case .numericCategorical(let c):
                if case .numeric(let col) = block.column(named: c)! { return col.values }
                return [Double](repeating: 0, count: n)  // all missing in this block
            }
        }
        DesignMatrix.listwise(rows: n, present: present, values: values, counts: &counts, into: &out.rows)
        keptRows += out.rows.count
        if out.rows.isEmpty { return }
        let response = values[0]!
        for i in out.rows { out.response.append(response[i]) }
        if let w = weightsColumn {
            guard case .numeric(let col) = block.column(named: w)! else {
                throw .column("the weights column '\(w)' must be numeric")
            }
            var ws: [Double] = []
            for i in out.rows {
                let v = col.values[i]
                guard v > 0 && v.isFinite else {
                    throw .located(file: file, line: lines?[i] ?? 0, column: (available.firstIndex(of: w) ?? -1) + 1,
                                   message: "weight \(v) in column '\(w)' is not strictly positive and finite")
                }
                ws.append(v)
            }
            out.weights = ws
        }
        if wantClusters, let c = clusterColumn {
            switch block.column(named: c)! {
            case .text(let col):
                // Per block, each code's label is looked up once.
                var byCode = [Int](repeating: -1, count: col.levels.count)
                out.clusters = out.rows.map { i -> Int in
                    let code = Int(col.codes[i])
                    if byCode[code] >= 0 { return byCode[code] }
                    let label = col.levels[code]
                    let id: Int
                    if let known = clusterText[label] { id = known } else {
                        id = clusterText.count
                        clusterText[label] = id
                    }
                    byCode[code] = id
                    return id
                }
            case .numeric(let col):
                out.clusters = out.rows.map { i -> Int in
                    let v = col.values[i]
                    if let id = clusterNumber[v] { return id }
                    clusterNumber[v] = clusterNumber.count
                    return clusterNumber.count - 1
                }
            }
        }
        // Level ids of the categorical factors' columns at the kept rows.
        var levelIDs: [String: [Int]] = [:]
        for f in factors.dropFirst() {
            switch resolved[f]! {
            case .numeric: continue
            case .text(let c):
                if levelIDs[c] != nil { continue }
                guard case .text(let col) = block.column(named: c)! else { preconditionFailure("kept row with a missing value") }
                var map = [Int](repeating: -1, count: col.levels.count)
                var ids: [Int] = []
                ids.reserveCapacity(out.rows.count)
                for i in out.rows {
                    let code = Int(col.codes[i])
                    if map[code] < 0 {
                        let label = col.levels[code]
                        if let id = textLevelID[c]?[label] { map[code] = id } else {
                            if frozen != nil { throw .inconsistentInput("level '\(label)' of '\(c)' appeared in the second pass only (did the file change?)") }
                            let id = textLabels[c, default: []].count
                            textLevelID[c, default: [:]][label] = id
                            textLabels[c, default: []].append(label)
                            map[code] = id
                        }
                    }
                    ids.append(map[code])
                }
                levelIDs[c] = ids
            case .numericCategorical(let c):
                if levelIDs[c] != nil { continue }
                let v = values[factors.firstIndex(of: f)!]!
                var ids: [Int] = []
                for i in out.rows {
                    if let id = numberLevelID[c]?[v[i]] { ids.append(id); continue }
                    if frozen != nil { throw .inconsistentInput("level '\(formulaLevelLabel(v[i]))' of '\(c)' appeared in the second pass only (did the file change?)") }
                    let id = numberLevels[c, default: []].count
                    numberLevelID[c, default: [:]][v[i]] = id
                    numberLevels[c, default: []].append(v[i])
                    ids.append(id)
                }
                levelIDs[c] = ids
            }
        }
        // Float80 values of transformed factors at the kept rows (for the low-order parts).
        // A precomputed factor alone in its coding takes its low-order parts as they are
        // (`Float80(x) + Float80(lo) − Float80(x)` is `lo` exactly).
        var values80: [FormulaFactor: [Float80]] = [:]
        var lowAtKept: [FormulaFactor: [Double]] = [:]
        for c in codings where c.inexact {
            for part in c.parts {
                guard case .numeric(let f) = part, case .numeric(let e) = resolved[f]!, !e.isBareColumn else { continue }
                if c.parts.count == 1, let fc = factorColumns[f], let low = fc.low {
                    if lowAtKept[f] == nil { lowAtKept[f] = low.withUnsafeBufferPointer { lp in out.rows.map { lp[$0] } } }
                } else if values80[f] == nil {
                    values80[f] = factorColumns[f].map { builder.exact($0, e, at: out.rows) } ?? builder.evaluate80(e, at: out.rows)
                }
            }
        }
        let q = codings.count
        let kept = out.rows.count
        // The entries are written into local arrays (moved out of `out`, so still unique).
        var columnOut: [Int] = [], valueOut: [Double] = [], lowOut: [Double] = []
        swap(&columnOut, &out.column)
        swap(&valueOut, &out.value)
        swap(&lowOut, &out.low)
        var hasLow = false
        columnOut.append(contentsOf: repeatElement(0, count: kept * q))
        valueOut.append(contentsOf: repeatElement(0, count: kept * q))
        lowOut.append(contentsOf: repeatElement(0, count: kept * q))
        try columnOut.withUnsafeMutableBufferPointer { (cp) throws(StreamingFitError) in
        try valueOut.withUnsafeMutableBufferPointer { (vp) throws(StreamingFitError) in
        try lowOut.withUnsafeMutableBufferPointer { (lp) throws(StreamingFitError) in
            let factorIndex = Dictionary(uniqueKeysWithValues: factors.enumerated().map { ($1, $0) })
            for (ci, coding) in codings.enumerated() {
                // The coding's parts as arrays: numeric values (and Float80 values), level ids.
                var numeric: [[Double]] = [], numeric80: [[Float80]?] = [], numericLow: [[Double]?] = []
                var levels: [[Int]] = []
                for part in coding.parts {
                    switch part {
                    case .numeric(let f):
                        numeric.append(values[factorIndex[f]!]!)
                        numeric80.append(values80[f])
                        numericLow.append(coding.parts.count == 1 ? lowAtKept[f] : nil)
                    case .categorical(let f, _):
                        switch resolved[f]! {
                        case .text(let c), .numericCategorical(let c): levels.append(levelIDs[c]!)
                        case .numeric: preconditionFailure("numeric factor coded as categorical")
                        }
                    }
                }
                // The accumulated column of kept row `r` (registered if new, in pass 1).
                func columnOf(_ r: Int) throws(StreamingFitError) -> Int {
                    // Level ids packed into one Int (ids stay below the column cap, 11 bits each).
                    var packed = 0
                    var packable = levels.count <= 5
                    for ids in levels {
                        let id = ids[r]
                        if id >= 2048 { packable = false }
                        packed = packed &* 2048 &+ id
                    }
                    if packable, let j = fastIndex[ci][packed] { return j }
                    let index: Int
                    let key = ColumnKey(coding: ci, levels: levels.map { $0[r] })
                    if let j = columnIndex[key] { index = j } else {
                        if frozen != nil { throw .inconsistentInput("a level combination appeared in the second pass only (did the file change?)") }
                        guard columnKeys.count < QRAccumulator.maximumColumns else {
                            throw .tooManyColumns(limit: QRAccumulator.maximumColumns)
                        }
                        index = columnKeys.count
                        columnIndex[key] = index
                        columnKeys.append(key)
                    }
                    if packable { fastIndex[ci][packed] = index }
                    return index
                }
                // A coding without categorical parts has one column: looked up (or registered)
                // at the first kept row, as the row loop would.
                var constantIndex: Int? = nil
                // Fast path for a coding of at most one numeric factor and no categorical
                // part (the intercept, `x`, `log(x)`): the loop below with its constant
                // index, `v = 1·x = x` and `v80 = 1·x80 = x80` (exact), per row.
                if levels.isEmpty && numeric.count <= 1 && !out.rows.isEmpty {
                    let index = try columnOf(0)
                    let kept = out.rows.count
                    if numeric.isEmpty {
                        for r in 0..<kept { cp[r * q + ci] = index; vp[r * q + ci] = 1 }
                        continue
                    }
                    let col = numeric[0], col80 = coding.inexact ? numeric80[0] : nil
                    let colLow = coding.inexact ? numericLow[0] : nil
                    var failed: (Int, Double)? = nil
                    col.withUnsafeBufferPointer { cv in
                    out.rows.withUnsafeBufferPointer { rows in
                        for r in 0..<kept {
                            let i = rows[r]
                            let v = cv[i]
                            if !v.isFinite { failed = (i, v); return }
                            cp[r * q + ci] = index
                            vp[r * q + ci] = v
                            if coding.inexact {
                                let lo: Double
                                if let colLow { lo = colLow[r] } else {
                                    let v80 = col80?[r] ?? Float80(v)
                                    lo = Double(v80 - Float80(v))
                                }
                                if lo != 0 && lo.isFinite { lp[r * q + ci] = lo; hasLow = true }
                            }
                        }
                    } }
                    if let (i, v) = failed {
                        throw .located(file: file, line: lines?[i] ?? 0, column: 0,
                                       message: "the design value of \(termName(columnKeys[index])) is \(v) (overflow in a product)")
                    }
                    continue
                }
                for (r, i) in out.rows.enumerated() {
                    var v = 1.0
                    var v80: Float80 = 1
                    for (k, col) in numeric.enumerated() {
                        let x = col[i]
                        v *= x
                        if coding.inexact { v80 *= numeric80[k]?[r] ?? Float80(x) }
                    }
                    let index: Int
                    if let j = constantIndex { index = j } else {
                        index = try columnOf(r)
                        if levels.isEmpty { constantIndex = index }
                    }
                    if !v.isFinite {
                        throw .located(file: file, line: lines?[i] ?? 0, column: 0,
                                       message: "the design value of \(termName(columnKeys[index])) is \(v) (overflow in a product)")
                    }
                    cp[r * q + ci] = index
                    vp[r * q + ci] = v
                    if coding.inexact {
                        let lo = Double(v80 - Float80(v))
                        if lo != 0 && lo.isFinite { lp[r * q + ci] = lo; hasLow = true }
                    }
                }
            }
        } } }
        out.column = columnOut
        out.value = valueOut
        out.low = lowOut
        out.hasLow = hasLow
    }

    /// The dense block (kept rows × `width` columns) of `rows`, in accumulated column order
    /// (pass 1) or final design order (after ``finish()``).
    func matrices(_ rows: BlockRows, width: Int) -> (Matrix, Matrix?) {
        let q = codings.count, n = rows.rows.count
        // Design column of each accumulated column (-1: none).
        let target = frozen.map { f in f.map { $0 ?? -1 } } ?? Array(0..<columnKeys.count)
        func scatter(_ entries: [Double]) -> Matrix {
            var m = Matrix(rows: n, columns: width)
            let ld = m.leadingDimension
            m.storage.withUnsafeMutableBufferPointer { mp in
                rows.column.withUnsafeBufferPointer { cp in
                    entries.withUnsafeBufferPointer { ep in
                        for r in 0..<n {
                            for ci in 0..<q {
                                let j = target[cp[r * q + ci]]
                                if j >= 0 { mp[r + j * ld] = ep[r * q + ci] }
                            }
                        }
                    }
                }
            }
            return m
        }
        return (scatter(rows.value), rows.hasLow ? scatter(rows.low) : nil)
    }

    /// A readable name of an accumulated column (for errors).
    func termName(_ key: ColumnKey) -> String {
        var names: [String] = []
        var l = 0
        for part in codings[key.coding].parts {
            switch part {
            case .numeric(let f): names.append(f.displayName)
            case .categorical(let f, _):
                names.append("\(f.displayName)[\(levelLabel(f, key.levels[l]))]")
                l += 1
            }
        }
        return names.isEmpty ? "(Intercept)" : names.joined(separator: ":")
    }

    func levelLabel(_ f: FormulaFactor, _ id: Int) -> String {
        switch resolved?[f] {
        case .text(let c)?: return textLabels[c]![id]
        case .numericCategorical(let c)?: return formulaLevelLabel(numberLevels[c]![id])
        default: return "?"
        }
    }

    /// Exclusion counts by reason, as ``DesignMatrix/exclusions``.
    var exclusions: RowExclusions {
        var reasons: [RowExclusions.Reason] = []
        for (k, c) in used.enumerated() where counts[k] > 0 { reasons.append(.init(reason: "missing \(c)", count: counts[k])) }
        for (k, f) in factors.enumerated() where counts[used.count + k] > 0 {
            reasons.append(.init(reason: "\(f.text) not finite", count: counts[used.count + k]))
        }
        return RowExclusions(totalRows: totalRows, reasons: reasons)
    }

    // MARK: The final design

    /// The design as ``DesignMatrix`` lays it out.
    struct Layout {
        var names: [String]
        /// Accumulated column of each final column (`nil`: a combination never seen, all zero).
        var source: [Int?]
        var terms: [DesignTerm]
        var assign: [Int]
        var levels: [CategoricalLevels]
    }

    /// Sorts levels, picks references, drops them where coding is by treatment contrasts
    /// and orders the columns; freezes the frame for a second pass.
    mutating func finish() throws(ModelFrameError) -> Layout {
        if resolved == nil { try resolve() }   // the same resolution errors as in memory
        guard keptRows > 0, let resolved else { throw .noRowsLeft(exclusions) }
        // Per categorical factor: sorted labels with their ids, and the reference.
        var sortedLevels: [FormulaFactor: [(label: String, id: Int)]] = [:]
        var reference: [FormulaFactor: Int] = [:]
        for f in factors.dropFirst() {
            var pairs: [(label: String, id: Int)]
            switch resolved[f]! {
            case .numeric: continue
            case .text(let c):
                pairs = (textLabels[c] ?? []).enumerated().map { ($1, $0) }
                pairs.sort { $0.label.unicodeScalars.lexicographicallyPrecedes($1.label.unicodeScalars) }
            case .numericCategorical(let c):
                let vs = numberLevels[c] ?? []
                let order = vs.indices.sorted { vs[$0] < vs[$1] }
                pairs = order.map { (formulaLevelLabel(vs[$0]), $0) }
            }
            var ref = 0
            if case .categorical(_, let r?) = f.kind {
                guard let k = pairs.firstIndex(where: { $0.label == r }) else {
                    throw .unknownReferenceLevel(factor: f.displayName, level: r, levels: pairs.map(\.label))
                }
                ref = k
            }
            sortedLevels[f] = pairs
            reference[f] = ref
        }
        var layout = Layout(names: [], source: [], terms: [], assign: [], levels: [])
        for (term, range) in orderedTerms {
            let start = layout.names.count
            for ci in range {
                let coding = codings[ci]
                // (name, level ids of the categorical parts so far), left-most part fastest.
                var combos: [(String, [Int])] = [("", [])]
                for (k, part) in coding.parts.enumerated() {
                    var options: [(String, Int?)] = []
                    switch part {
                    case .numeric(let f): options = [(f.displayName, nil)]
                    case .categorical(let f, let full):
                        let labels = sortedLevels[f]!
                        if !full && labels.count < 2 { throw .tooFewLevels(factor: f.displayName, levels: labels.map(\.label)) }
                        for (l, lv) in labels.enumerated() where full || l != reference[f]! {
                            options.append(("\(f.displayName)[\(full ? "" : "T.")\(lv.label)]", lv.id))
                        }
                    }
                    var next: [(String, [Int])] = []
                    for (name, id) in options {
                        for (prefix, ids) in combos {
                            next.append((k == 0 ? name : prefix + ":" + name, id.map { ids + [$0] } ?? ids))
                        }
                    }
                    combos = next
                }
                for (name, ids) in combos {
                    layout.names.append(coding.parts.isEmpty ? "(Intercept)" : name)
                    layout.source.append(columnIndex[ColumnKey(coding: ci, levels: ids)])
                }
            }
            for f in term.factors where !isNumericFactor(f) && !layout.levels.contains(where: { $0.factor == f.displayName }) {
                let labels = sortedLevels[f]!.map(\.label)
                layout.levels.append(CategoricalLevels(factor: f.displayName, levels: labels, reference: labels[reference[f]!]))
            }
            let termName = term.factors.isEmpty ? "(Intercept)" : term.factors.map(\.displayName).joined(separator: ":")
            layout.assign.append(contentsOf: [Int](repeating: layout.terms.count, count: layout.names.count - start))
            layout.terms.append(DesignTerm(name: termName, columns: start..<layout.names.count))
        }
        var map = [Int?](repeating: nil, count: columnKeys.count)
        for (j, s) in layout.source.enumerated() { if let s { map[s] = j } }
        frozen = map
        // A second pass starts counting again.
        counts = [Int](repeating: 0, count: counts.count)
        totalRows = 0
        keptRows = 0
        return layout
    }

    private func isNumericFactor(_ f: FormulaFactor) -> Bool {
        if case .numeric? = resolved?[f] { return true } else { return false }
    }
}

// MARK: Numeric blocks

extension StreamingModelFrame {
    /// Where a right-hand-side factor's values come from in a ``NumericColumnsBlock``.
    enum NumericSource: Equatable {
        /// A used column (index in ``used``), taken as it is.
        case column(Int)
        /// A precomputed factor (index in ``NumericPlan/precomputed``): its value and low-order part.
        case precomputed(Int)
    }

    /// How the design of a numeric formula is read straight from a block's numeric columns
    /// (``evaluateNumeric(_:plan:kept:response:)``): the response is a column or a function
    /// of one, every term is the intercept or one numeric factor — a column, or a function
    /// call whose values the source hands out precomputed — and there are no weights or
    /// cluster column.
    struct NumericPlan {
        /// The response's column (index in ``used``) and function, if any.
        var responseColumn: Int
        var responseFunction: FormulaFunction?
        /// `f(i)` for the whole numbers `i` below ``NumericPlan/tableSize`` (`f` the response
        /// function): the function's own values, looked up for whole-number arguments.
        var responseTable: [Double]
        /// The values of each right-hand-side factor (`factors[1...]`), in order.
        var factorSources: [NumericSource]
        /// Per coding: `nil` for the intercept, otherwise its factor (index in ``factorSources``).
        var codingFactor: [Int?]
        /// The precomputed factors the block carries, in order.
        var precomputed: [FormulaExpression]

        /// Whole numbers below this are looked up in ``responseTable`` (4,096: 32 KB; the
        /// report's cut sizes are counts, 99.5 % of them below it).
        static let tableSize = 4096
    }

    /// Resolves the frame with every used column numeric, as blocks that hold them as
    /// numbers make it resolve. Throws the resolution errors ``evaluate(_:lines:file:wantClusters:into:)``
    /// would throw.
    mutating func resolveAllNumeric() throws(ModelFrameError) {
        if resolved != nil { return }
        for c in used { kinds[c] = .numeric }
        try resolve()
    }

    /// The plan for blocks that carry `precomputed` factors, or `nil` when the resolved
    /// formula is not of the shape ``NumericPlan`` reads (or the frame is not resolved).
    func numericPlan(precomputed available: [FormulaExpression]) -> NumericPlan? {
        guard let resolved, weightsColumn == nil, clusterColumn == nil else { return nil }
        guard case .numeric(let re)? = resolved[response] else { return nil }
        let responseColumn: Int, function: FormulaFunction?
        switch re {
        case .column(let c): responseColumn = used.firstIndex(of: c)!; function = nil
        case .call(let f, .column(let c)): responseColumn = used.firstIndex(of: c)!; function = f
        default: return nil
        }
        var sources: [NumericSource] = []
        var precomputed: [FormulaExpression] = []
        for f in factors.dropFirst() {
            guard case .numeric(let e)? = resolved[f] else { return nil }
            if case .column(let c) = e {
                sources.append(.column(used.firstIndex(of: c)!))
            } else if PrecomputedFactor.isPrecomputable(e), available.contains(e) {
                if let j = precomputed.firstIndex(of: e) { sources.append(.precomputed(j)) } else {
                    sources.append(.precomputed(precomputed.count))
                    precomputed.append(e)
                }
            } else {
                return nil
            }
        }
        var codingFactor: [Int?] = []
        for c in codings {
            switch c.parts.count {
            case 0: codingFactor.append(nil)
            case 1:
                guard case .numeric(let f) = c.parts[0], let k = factors.firstIndex(of: f), k > 0 else { return nil }
                codingFactor.append(k - 1)
            default: return nil
            }
        }
        let table = function.map { f in (0..<NumericPlan.tableSize).map { f.apply(Double($0)) } } ?? []
        return NumericPlan(responseColumn: responseColumn, responseFunction: function, responseTable: table,
                           factorSources: sources, codingFactor: codingFactor, precomputed: precomputed)
    }

    /// ``evaluate(_:lines:file:wantClusters:into:)`` and ``matrices(_:width:)`` in one sweep
    /// for a block of numeric columns (``used``, in order, then `plan.precomputed`): the
    /// same counts, kept rows, responses and design entries, to the bit.
    ///
    /// `kept` and `response` are emptied and receive the kept rows (indices in the block)
    /// and their responses. Returns the design (kept rows × accumulated columns in pass 1,
    /// × the final columns after ``finish()``) and its low-order part (`nil` when zero),
    /// or `nil` when no row is kept; in pass 1 the first block with a kept row registers
    /// the codings' columns, as the row loop does.
    mutating func evaluateNumeric(_ block: NumericColumnsBlock, plan: NumericPlan, kept: inout [Int],
                                  response: inout [Double]) -> (x: Matrix, low: Matrix?)? {
        let n = block.rows, u = used.count
        precondition(block.columnCount == u + 2 * plan.precomputed.count, "a numeric block with other columns than the plan's")
        totalRows += n
        var local = counts
        let values = block.values.baseAddress!, present = block.present.baseAddress!
        // Where each factor's values start (column k at k·n, precomputed j's value at (u + 2j)·n).
        let factorStart = plan.factorSources.map { s -> Int in
            switch s {
            case .column(let k): return k * n
            case .precomputed(let j): return (u + 2 * j) * n
            }
        }
        let table = plan.responseTable, tableSize = Double(table.count)
        let function = plan.responseFunction
        let responseValues = values + plan.responseColumn * n
        // At most n rows kept: written in place, then trimmed.
        kept.removeAll(keepingCapacity: true)
        response.removeAll(keepingCapacity: true)
        kept.append(contentsOf: repeatElement(0, count: n))
        response.append(contentsOf: repeatElement(0, count: n))
        let m = table.withUnsafeBufferPointer { tp in
        factorStart.withUnsafeBufferPointer { fs in
        local.withUnsafeMutableBufferPointer { cp in
        kept.withUnsafeMutableBufferPointer { kp in
        response.withUnsafeMutableBufferPointer { rp in
            let q = fs.count
            // As DesignMatrix.listwise: each row is counted under the first missing used
            // column, else the first factor (response first) that is not finite.
            // 1. The rows with every used column present, listed without a branch per row
            //    (missing values are frequent and scattered), the others counted.
            var candidates = 0
            if u == 0 {
                for i in 0..<n { kp[i] = i }
                candidates = n
            } else {
                if u <= 4 {
                    // Up to four columns: presence as 0/1 (1 for the columns beyond u), the
                    // first missing one counted with arithmetic only.
                    let ones = UnsafeMutablePointer<Bool>.allocate(capacity: n)
                    defer { ones.deallocate() }
                    ones.initialize(repeating: true, count: n)
                    let q0 = present, q1 = u > 1 ? present + n : UnsafePointer(ones)
                    let q2 = u > 2 ? present + 2 * n : UnsafePointer(ones), q3 = u > 3 ? present + 3 * n : UnsafePointer(ones)
                    @inline(__always) func bit(_ b: Bool) -> Int { Int(unsafeBitCast(b, to: UInt8.self)) }
                    var c0 = 0, c1 = 0, c2 = 0, c3 = 0
                    for i in 0..<n {
                        let a = bit(q0[i]), b = bit(q1[i]), c = bit(q2[i]), d = bit(q3[i])
                        let ab = a & b, abc = ab & c
                        c0 &+= 1 &- a
                        c1 &+= a & (1 &- b)
                        c2 &+= ab & (1 &- c)
                        c3 &+= abc & (1 &- d)
                        kp[candidates] = i
                        candidates &+= abc & d
                    }
                    cp[0] += c0
                    if u > 1 { cp[1] += c1 }
                    if u > 2 { cp[2] += c2 }
                    if u > 3 { cp[3] += c3 }
                } else {
                    for i in 0..<n {
                        var first = u
                        var k = u - 1
                        while k >= 0 {
                            first = present[k * n + i] ? first : k
                            k -= 1
                        }
                        kp[candidates] = i
                        candidates &+= first == u ? 1 : 0
                        if first < u { cp[first] += 1 }
                    }
                }
            }
            // 2. Their response and factors (rarely not finite), compacted in place.
            var m = 0
            rows: for c in 0..<candidates {
                let i = kp[c]
                let raw = responseValues[i]
                var y = raw
                if let function {
                    if raw >= 1 && raw < tableSize, Double(Int(raw)) == raw { y = tp[Int(raw)] } else { y = function.apply(raw) }
                }
                if !y.isFinite { cp[u] += 1; continue }
                for j in 0..<q where !values[fs[j] + i].isFinite {
                    cp[u + 1 + j] += 1
                    continue rows
                }
                kp[m] = i
                rp[m] = y
                m += 1
            }
            return m
        } } } } }
        kept.removeLast(n - m)
        response.removeLast(n - m)
        counts = local
        keptRows += m
        if kept.isEmpty { return nil }
        // Pass 1: the codings' columns, registered in coding order at the first kept row.
        if frozen == nil && columnKeys.isEmpty {
            for ci in codings.indices {
                let key = ColumnKey(coding: ci, levels: [])
                let index = columnKeys.count
                columnIndex[key] = index
                columnKeys.append(key)
                fastIndex[ci][0] = index
            }
        }
        let width = frozen.map { f in f.reduce(0) { Swift.max($0, ($1 ?? -1) + 1) } } ?? columnKeys.count
        // Every entry is written below (columns no coding fills, and the low-order part of
        // columns without one, with zeros), so the storage starts uninitialised.
        var xs = [Double](unsafeUninitializedCapacity: m * width) { _, count in count = m * width }
        var ls = [Double](unsafeUninitializedCapacity: m * width) { _, count in count = m * width }
        var hasLow = false
        xs.withUnsafeMutableBufferPointer { xp in
        ls.withUnsafeMutableBufferPointer { lp in
        kept.withUnsafeBufferPointer { kp in
            var written = [Bool](repeating: false, count: width)
            for (ci, factor) in plan.codingFactor.enumerated() {
                let accumulated = columnIndex[ColumnKey(coding: ci, levels: [])]!
                guard let j = frozen.map({ $0[accumulated] }) ?? accumulated else { continue }
                written[j] = true
                let out = xp.baseAddress! + j * m, lout = lp.baseAddress! + j * m
                guard let factor else {
                    out.update(repeating: 1, count: m)
                    lout.update(repeating: 0, count: m)
                    continue
                }
                switch plan.factorSources[factor] {
                case .column(let k):
                    let v = values + k * n
                    for r in 0..<m { out[r] = v[kp[r]] }
                    lout.update(repeating: 0, count: m)
                case .precomputed(let p):
                    let v = values + (u + 2 * p) * n, lo = v + n
                    var any = false
                    for r in 0..<m {
                        let i = kp[r]
                        out[r] = v[i]
                        let l = lo[i]
                        // The finite nonzero low-order parts (+0 elsewhere), as the row loop keeps them.
                        let keep = l != 0 && l.isFinite
                        lout[r] = keep ? l : 0
                        any = any || keep
                    }
                    hasLow = hasLow || any
                }
            }
            for j in 0..<width where !written[j] {
                (xp.baseAddress! + j * m).update(repeating: 0, count: m)
                (lp.baseAddress! + j * m).update(repeating: 0, count: m)
            }
        } } }
        let x = Matrix(rows: m, columns: width, columnMajor: xs)
        return (x, hasLow ? Matrix(rows: m, columns: width, columnMajor: ls) : nil)
    }
}
