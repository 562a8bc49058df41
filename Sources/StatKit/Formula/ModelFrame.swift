/// The design builder: a formula evaluated on blocks of rows of a table, with the rules of
/// R's `model.frame`/`model.matrix` and patsy's `dmatrices` (see ``DesignMatrix``).
///
/// Every fit builds its design here — a table in memory (one or many blocks), a CSV file
/// read in blocks, the report's joined events — and ``DesignMatrix`` is its result over a
/// whole table. Per row it applies listwise deletion (a missing used column, then a
/// non-finite factor value, counted by reason) and evaluates the factors (arithmetic in
/// double-double, so products and powers carry their rounding errors as a low-order part).
///
/// Because a categorical factor's levels are only all known at the end, the first pass
/// accumulates one column per *combination seen* (`coding × levels`), each new one a new
/// zero-history column. ``finish()`` then sorts the levels, picks references, drops them
/// where coding is by treatment contrasts and orders the columns as patsy does (terms
/// grouped by numeric factors, left-most factor varying fastest); the fit re-triangularizes
/// `R` to that selection. After ``finish()`` the frame is frozen: blocks come out in the
/// final layout, and a level not seen before is an error (the data changed between passes).
struct ModelFrame: Sendable {
    /// One way a term is coded (patsy's subterm): its parts in term order.
    struct Coding: Sendable {
        enum Part: Sendable {
            case numeric(FormulaFactor)
            case categorical(FormulaFactor, full: Bool)
        }
        var term: Int
        var parts: [Part]
        /// Whether the product of the numeric parts can be inexact in double (an
        /// arithmetic factor, or more than one numeric factor).
        var inexact: Bool
    }

    /// An accumulated column: a coding and the level ids of its categorical parts.
    struct ColumnKey: Hashable, Sendable {
        var coding: Int
        var levels: [Int]
    }

    /// The final columns.
    struct Layout: Sendable {
        var names: [String]
        /// Accumulated column of each final column (-1: a combination never seen, all zero).
        var source: [Int]
        var terms: [DesignTerm]
        var assign: [Int]
        var levels: [CategoricalLevels]
        var hasIntercept: Bool
    }

    enum Kind: Equatable, Sendable { case numeric, text }

    let formula: Formula
    let response: FormulaFactor
    /// Response first, then right-hand-side factors in order of appearance.
    let factors: [FormulaFactor]
    /// Columns checked for missingness, in order: the formula's, then weights, clusters
    /// and any further required ones.
    let used: [String]
    let available: [String]
    let weightsColumn: String?
    let clusterColumns: [String]

    private(set) var kinds: [String: Kind] = [:]
    private(set) var resolved: [FormulaFactor: ResolvedFactor]? = nil
    private(set) var codings: [Coding] = []
    private(set) var orderedTerms: [(term: FormulaTerm, codings: Range<Int>)] = []

    private var counts: [Int]
    private(set) var totalRows = 0
    private(set) var keptRows = 0

    private var textLevelID: [String: [String: Int]] = [:]
    private var textLabels: [String: [String]] = [:]
    private var numberLevelID: [String: [Double: Int]] = [:]
    private var numberLevels: [String: [Double]] = [:]
    /// Cluster ids by column, in order of first appearance.
    private var clusterText: [String: [String: Int32]] = [:]
    private var clusterNumber: [String: [Double: Int32]] = [:]
    /// Per numeric cluster column, the ids of the whole numbers 0..<65536 seen (-1: none yet).
    private var clusterSmallNumber: [String: [Int32]] = [:]
    /// Per text cluster column: the levels of the last block and their ids (-1: not yet
    /// looked up). Blocks cut from one table share its levels array, so a block whose
    /// levels are that same array reuses the ids without hashing a label again.
    private var clusterCodeCache: [String: (levels: [String], ids: [Int32])] = [:]

    private(set) var columnKeys: [ColumnKey] = []
    private var columnIndex: [ColumnKey: Int] = [:]
    /// Per coding with one categorical part: level id → accumulated column (-1: none yet),
    /// a shortcut of ``columnIndex`` for the common case.
    private var byLevel: [[Int]] = []
    /// After ``finish()``: accumulated column → final design column (-1: not in the design).
    private(set) var frozen: [Int]? = nil
    private var finalWidth = 0

    /// Most accumulated columns a design may have (one per level combination seen): the
    /// fit keeps an `R` factor of that size (8 MiB at the cap). A factor with thousands of
    /// levels (a company name) is a cluster variable, not a regressor.
    static let maximumColumns = 1024

    init(formula: Formula, columns available: [String], weights: String? = nil, clusters: [String] = [],
         require: [String] = []) throws(RegressionError) {
        guard let response = formula.response else { throw .noResponse }
        var factors: [FormulaFactor] = [response]
        for t in formula.terms { for f in t.factors where !factors.contains(f) { factors.append(f) } }
        // Offsets are evaluated and checked like factors, and never coded into columns.
        for f in formula.offsets where !factors.contains(f) { factors.append(f) }
        var used: [String] = []
        for f in factors {
            for c in f.columns where !used.contains(c) {
                guard available.contains(c) else { throw .missingColumn(c, available: available) }
                used.append(c)
            }
        }
        for c in ([weights].compactMap { $0 } + clusters + require) where !used.contains(c) {
            guard available.contains(c) else { throw .missingColumn(c, available: available) }
            used.append(c)
        }
        self.formula = formula
        self.response = response
        self.factors = factors
        self.used = used
        self.available = available
        self.weightsColumn = weights
        self.clusterColumns = clusters
        counts = [Int](repeating: 0, count: used.count + factors.count)
    }

    /// Number of accumulated columns.
    var accumulatedColumns: Int { columnKeys.count }

    /// Exclusion counts by reason since the frame was made (or finished).
    var exclusions: RowExclusions {
        var reasons: [RowExclusions.Reason] = []
        for (k, c) in used.enumerated() where counts[k] > 0 { reasons.append(.init(reason: "missing \(c)", count: counts[k])) }
        for (k, f) in factors.enumerated() where counts[used.count + k] > 0 {
            reasons.append(.init(reason: "\(f.text) not finite", count: counts[used.count + k]))
        }
        return RowExclusions(totalRows: totalRows, reasons: reasons)
    }

    // MARK: Types and resolution

    /// Records the types of the used columns in `block` (all-missing columns say nothing).
    private mutating func noteTypes(_ block: DataTable) throws(RegressionError) {
        for c in used {
            guard let col = block.column(named: c) else { throw .missingColumn(c, available: block.names) }
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

    /// Fixes the factor kinds and the codings (once every used column has a type; a
    /// column never seen with a value counts as numeric, as an all-missing CSV column is).
    private mutating func resolve() throws(RegressionError) {
        if resolved != nil { return }
        var t = DataTable()
        for c in used {
            let col: Column = kinds[c] == .text ? .text(TextColumn()) : .numeric(NumericColumn())
            do { try t.add(c, col) } catch { preconditionFailure("\(error)") }
        }
        let evaluator = BlockEvaluator(data: t)
        let r0 = try evaluator.resolve(response)
        guard case .numeric = r0 else { throw .categoricalResponse(response.text) }
        var res: [FormulaFactor: ResolvedFactor] = [response: r0]
        for f in factors.dropFirst() { res[f] = try evaluator.resolve(f) }
        if let w = weightsColumn, kinds[w] == .text { throw .unusableColumn("the weights column '\(w)' must be numeric") }
        resolved = res
        func isNumeric(_ f: FormulaFactor) -> Bool { if case .numeric = res[f]! { return true } else { return false } }
        for bucketTerms in DesignRules.termsInPatsyOrder(formula, isNumeric: isNumeric) {
            var usedSubterms = Set<Set<ExpandedFactor>>()
            for term in bucketTerms {
                let start = codings.count
                let categorical = term.factors.filter { !isNumeric($0) }
                let numericCount = term.factors.filter(isNumeric).count
                for coding in DesignRules.pickContrasts(categorical, used: &usedSubterms) {
                    var parts: [Coding.Part] = []
                    var inexact = numericCount > 1
                    for f in term.factors {
                        if isNumeric(f) {
                            parts.append(.numeric(f))
                            if case .numeric(let e)? = res[f], BlockEvaluator.isArithmetic(e) { inexact = true }
                        } else if let full = coding[f] {
                            parts.append(.categorical(f, full: full))
                        }
                    }
                    codings.append(Coding(term: orderedTerms.count, parts: parts, inexact: inexact))
                }
                orderedTerms.append((term, start..<codings.count))
            }
        }
        byLevel = Array(repeating: [], count: codings.count)
    }

    // MARK: Blocks

    /// Evaluates one block of a table: counts its exclusions and returns the kept rows'
    /// design (accumulated columns before ``finish()``, the final ones after), or `nil`
    /// when no row is kept. `lines` (optional) locate rows in errors; `firstRow` is the
    /// block's first row in the source; `clusters` names the columns whose cluster codes
    /// the block should carry.
    mutating func evaluate(_ block: DataTable, lines: [Int]?, file: String, firstRow: Int,
                           clusters: [String] = []) throws(RegressionError) -> DesignBlock? {
        try noteTypes(block)
        let n = block.rowCount
        totalRows += n
        var evaluator = BlockEvaluator(data: block)
        let present = used.map { evaluator.presence($0) }
        if present.count > 1 || present.first?.contains(false) == true {
            var complete = present.first!
            for mask in present.dropFirst() { for i in 0..<n where !mask[i] { complete[i] = false } }
            if complete.contains(false) { evaluator.complete = complete }
        }
        if resolved == nil && used.allSatisfy({ kinds[$0] != nil }) { try resolve() }
        guard let resolved else {
            // Some used column has no value yet, so every row of this block misses one.
            rows: for i in 0..<n {
                for k in present.indices where !present[k][i] { counts[k] += 1; continue rows }
            }
            return nil
        }
        // Factor values at every row (response in double; arithmetic factors with low parts).
        var extended: [FormulaFactor: FactorValues] = [:]
        let values: [[Double]?] = factors.enumerated().map { k, f in
            switch resolved[f]! {
            case .text: return nil
            case .numeric(let e):
                if k > 0 && BlockEvaluator.isArithmetic(e) {
                    let v = evaluator.evaluateExtended(e)
                    extended[f] = v
                    return v.hi
                }
                return evaluator.evaluate(e)
            case .numericCategorical(let c): return evaluator.numeric[c]?.values ?? [Double](repeating: 0, count: n)
            }
        }
        var kept: [Int] = []
        DesignRules.listwise(rows: n, present: present, values: values, counts: &counts, into: &kept)
        keptRows += kept.count
        if kept.isEmpty { return nil }
        let m = kept.count
        let responseValues = values[0]!
        var out = DesignBlock(x: Matrix(rows: 0, columns: 0), y: kept.map { responseValues[$0] })
        if !formula.offsets.isEmpty {
            var offset = [Double](repeating: 0, count: m)
            for f in formula.offsets {
                let v = values[factors.firstIndex(of: f)!]!
                for (r, i) in kept.enumerated() { offset[r] += v[i] }
            }
            out.offset = offset
        }
        out.sourceRows = kept.map { firstRow + $0 }
        if let w = weightsColumn {
            guard let col = evaluator.numeric[w] else { throw .unusableColumn("the weights column '\(w)' must be numeric") }
            var ws = [Double](repeating: 0, count: m)
            for (r, i) in kept.enumerated() {
                let v = col.values[i]
                guard v > 0 && v.isFinite else {
                    throw .located(file: file, line: lines?[i] ?? firstRow + i + 2, column: (available.firstIndex(of: w) ?? -1) + 1,
                                   message: "weight \(v) in column '\(w)' is not strictly positive and finite")
                }
                ws[r] = v
            }
            out.weights = ws
        }
        for c in clusters {
            out.clusters.append(try clusterCodes(c, block: block, rows: kept, lines: lines, file: file, firstRow: firstRow))
        }
        let levelIDs = try levels(block, resolved: resolved, values: values, kept: kept)

        // Per coding: the accumulated column of each kept row (or one for all rows), the
        // value and its low-order part; then the columns are written into the block.
        struct Part { var constant: Int?; var index: [Int]; var value: [Double]; var low: [Double]? }
        var parts: [Part] = []
        parts.reserveCapacity(codings.count)
        let factorIndex = Dictionary(uniqueKeysWithValues: factors.enumerated().map { ($1, $0) })
        for (ci, coding) in codings.enumerated() {
            var numeric: [FactorValues] = [], levels: [[Int]] = []
            for part in coding.parts {
                switch part {
                case .numeric(let f): numeric.append(extended[f] ?? FactorValues(hi: values[factorIndex[f]!]!))
                case .categorical(let f, _):
                    switch resolved[f]! {
                    case .text(let c), .numericCategorical(let c): levels.append(levelIDs[c]!)
                    case .numeric: preconditionFailure("numeric factor coded as categorical")
                    }
                }
            }
            var part = Part(constant: nil, index: [], value: [Double](repeating: 1, count: m), low: nil)
            if levels.isEmpty {
                part.constant = try columnOf(ci, [])
            } else if levels.count == 1 {
                part.index = [Int](repeating: 0, count: m)
                for (r, id) in levels[0].enumerated() {
                    if byLevel[ci].count <= id { byLevel[ci].append(contentsOf: repeatElement(-1, count: id + 1 - byLevel[ci].count)) }
                    if byLevel[ci][id] < 0 { byLevel[ci][id] = try columnOf(ci, [id]) }
                    part.index[r] = byLevel[ci][id]
                }
            } else {
                part.index = try (0..<m).map { (r) throws(RegressionError) in try columnOf(ci, levels.map { $0[r] }) }
            }
            if coding.inexact {
                var lo = [Double](repeating: 0, count: m)
                var anyLow = false
                for (r, i) in kept.enumerated() {
                    var v = DoubleDouble(1)
                    for f in numeric { v = v * DoubleDouble(hi: f.hi[i], lo: f.lo?[i] ?? 0) }
                    part.value[r] = v.hi
                    lo[r] = v.hi.isFinite ? v.lo : 0
                    if lo[r] != 0 { anyLow = true }
                }
                if anyLow { part.low = lo }
            } else if let f = numeric.first {
                f.hi.withUnsafeBufferPointer { src in
                    part.value.withUnsafeMutableBufferPointer { dst in
                        for (r, i) in kept.enumerated() { dst[r] = src[i] }
                    }
                }
            }
            if let r = part.value.firstIndex(where: { !$0.isFinite }) {
                let index = part.constant ?? part.index[r]
                throw .located(file: file, line: lines?[kept[r]] ?? firstRow + kept[r] + 2, column: 0,
                               message: "the design value of \(columnName(columnKeys[index])) is \(part.value[r]) (overflow in a product)")
            }
            parts.append(part)
        }
        let width = frozen == nil ? columnKeys.count : finalWidth
        let target = frozen ?? Array(0..<columnKeys.count)
        func write(_ entries: (Part) -> [Double]?) -> Matrix {
            var x = Matrix(rows: m, columns: width)
            x.storage.withUnsafeMutableBufferPointer { xp in
                for part in parts {
                    guard let v = entries(part) else { continue }
                    if let c = part.constant {
                        let j = target[c]
                        if j >= 0 { for r in 0..<m { xp[r + j * m] = v[r] } }
                    } else {
                        for r in 0..<m {
                            let j = target[part.index[r]]
                            if j >= 0 { xp[r + j * m] = v[r] }
                        }
                    }
                }
            }
            return x
        }
        out.x = write { $0.value }
        if parts.contains(where: { $0.low != nil }) { out.low = write { $0.low } }
        return out
    }

    /// The accumulated column of a coding with these level ids (registered if new, before
    /// ``finish()``).
    private mutating func columnOf(_ coding: Int, _ ids: [Int]) throws(RegressionError) -> Int {
        let key = ColumnKey(coding: coding, levels: ids)
        if let j = columnIndex[key] { return j }
        if frozen != nil { throw .inconsistentInput("a level combination appeared in a later pass only (did the data change?)") }
        guard columnKeys.count < Self.maximumColumns else {
            throw .unusableColumn("the design needs more than \(Self.maximumColumns) columns (one per categorical level, or per combination of levels in an interaction)")
        }
        columnIndex[key] = columnKeys.count
        columnKeys.append(key)
        return columnKeys.count - 1
    }

    /// Level ids (first appearance) of each categorical column at the kept rows.
    private mutating func levels(_ block: DataTable, resolved: [FormulaFactor: ResolvedFactor], values: [[Double]?],
                                 kept: [Int]) throws(RegressionError) -> [String: [Int]] {
        var out: [String: [Int]] = [:]
        for (k, f) in factors.enumerated().dropFirst() {
            switch resolved[f]! {
            case .numeric: continue
            case .text(let c):
                if out[c] != nil { continue }
                guard case .text(let col)? = block.column(named: c) else { continue }
                var map = [Int](repeating: -1, count: col.levels.count)
                var ids = [Int](repeating: 0, count: kept.count)
                for (r, i) in kept.enumerated() {
                    let code = Int(col.codes[i])
                    if map[code] < 0 {
                        let label = col.levels[code]
                        if let id = textLevelID[c]?[label] { map[code] = id } else {
                            if frozen != nil { throw .inconsistentInput("level '\(label)' of '\(c)' appeared in a later pass only (did the data change?)") }
                            map[code] = textLabels[c, default: []].count
                            textLevelID[c, default: [:]][label] = map[code]
                            textLabels[c, default: []].append(label)
                        }
                    }
                    ids[r] = map[code]
                }
                out[c] = ids
            case .numericCategorical(let c):
                if out[c] != nil { continue }
                let v = values[k]!
                var ids = [Int](repeating: 0, count: kept.count)
                for (r, i) in kept.enumerated() {
                    if let id = numberLevelID[c]?[v[i]] { ids[r] = id; continue }
                    if frozen != nil { throw .inconsistentInput("level '\(formulaLevelLabel(v[i]))' of '\(c)' appeared in a later pass only (did the data change?)") }
                    ids[r] = numberLevels[c, default: []].count
                    numberLevelID[c, default: [:]][v[i]] = ids[r]
                    numberLevels[c, default: []].append(v[i])
                }
                out[c] = ids
            }
        }
        return out
    }

    /// Cluster ids (first appearance across blocks) of column `name` at the kept rows; a
    /// missing value there is an error (a column named when fitting excludes such rows).
    private mutating func clusterCodes(_ name: String, block: DataTable, rows: [Int], lines: [Int]?, file: String,
                                       firstRow: Int) throws(RegressionError) -> [Int32] {
        guard let column = block.column(named: name) else { throw .missingColumn(name, available: block.names) }
        func missing(_ i: Int) -> RegressionError {
            .located(file: file, line: lines?[i] ?? firstRow + i + 2, column: (available.firstIndex(of: name) ?? -1) + 1,
                     message: "the cluster column '\(name)' is missing in a row the fit used (name it when fitting, so that such rows are excluded)")
        }
        var out = [Int32](repeating: 0, count: rows.count)
        switch column {
        case .text(let col):
            var byCode: [Int32]
            if let cached = clusterCodeCache.removeValue(forKey: name), Self.sameStorage(cached.levels, col.levels) {
                byCode = cached.ids
            } else {
                byCode = [Int32](repeating: -1, count: col.levels.count)
            }
            var ids = clusterText.removeValue(forKey: name) ?? [:]
            // A table's blocks share its levels: room for all of them at the first block, no
            // rehashing (reserving more at each block would copy the table at every few).
            if ids.isEmpty { ids.reserveCapacity(col.levels.count) }
            for (r, i) in rows.enumerated() {
                let code = Int(col.codes[i])
                guard code >= 0 else {
                    clusterText[name] = ids
                    throw missing(i)
                }
                if byCode[code] < 0 {
                    let label = col.levels[code]
                    if let id = ids[label] { byCode[code] = id } else {
                        byCode[code] = Int32(ids.count)
                        ids[label] = byCode[code]
                    }
                }
                out[r] = byCode[code]
            }
            clusterText[name] = ids
            clusterCodeCache[name] = (col.levels, byCode)
        case .numeric(let col):
            var ids = clusterNumber.removeValue(forKey: name) ?? [:]
            // Whole numbers in 0..<65536 (years, small codes) are looked up in an array.
            var small = clusterSmallNumber.removeValue(forKey: name) ?? []
            defer { clusterNumber[name] = ids; clusterSmallNumber[name] = small }
            for (r, i) in rows.enumerated() {
                guard col.isPresent[i] else { throw missing(i) }
                let v = col.values[i]
                let whole = v >= 0 && v < 65536 && v.rounded(.towardZero) == v ? Int(v) : -1
                if whole >= 0 && whole < small.count && small[whole] >= 0 { out[r] = small[whole]; continue }
                let id: Int32
                if let known = ids[v] { id = known } else {
                    id = Int32(ids.count)
                    ids[v] = id
                }
                if whole >= 0 {
                    if small.count <= whole { small.append(contentsOf: repeatElement(-1, count: whole + 1 - small.count)) }
                    small[whole] = id
                }
                out[r] = id
            }
        }
        return out
    }

    /// The codes given to `column`'s values so far (``evaluate(_:lines:file:firstRow:clusters:)``),
    /// ordered by value: numbers ascending, text by code point.
    func codesInOrder(_ column: String) -> [Int32] {
        if let ids = clusterNumber[column] { return ids.sorted { $0.key < $1.key }.map(\.value) }
        if let ids = clusterText[column] {
            return ids.sorted { $0.key.unicodeScalars.lexicographicallyPrecedes($1.key.unicodeScalars) }.map(\.value)
        }
        return []
    }

    /// The label of each code given to `column`'s values (index = code).
    func codeLabels(_ column: String) -> [String] {
        if let ids = clusterNumber[column] {
            var out = [String](repeating: "", count: ids.count)
            for (v, id) in ids { out[Int(id)] = formulaLevelLabel(v) }
            return out
        }
        if let ids = clusterText[column] {
            var out = [String](repeating: "", count: ids.count)
            for (label, id) in ids { out[Int(id)] = label }
            return out
        }
        return []
    }

    /// Whether two arrays share their storage (so hold the same elements).
    static func sameStorage(_ a: [String], _ b: [String]) -> Bool {
        a.count == b.count && a.withUnsafeBufferPointer { pa in b.withUnsafeBufferPointer { pb in pa.baseAddress == pb.baseAddress } }
    }

    /// A readable name of an accumulated column (for errors).
    private func columnName(_ key: ColumnKey) -> String {
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

    private func levelLabel(_ f: FormulaFactor, _ id: Int) -> String {
        switch resolved?[f] {
        case .text(let c)?: return textLabels[c]![id]
        case .numericCategorical(let c)?: return formulaLevelLabel(numberLevels[c]![id])
        default: return "?"
        }
    }

    // MARK: The final design

    /// Sorts levels, picks references, drops them where coding is by treatment contrasts
    /// and orders the columns; freezes the frame for the passes that follow, whose
    /// exclusion counts start again from zero.
    mutating func finish() throws(RegressionError) -> Layout {
        if resolved == nil { try resolve() }
        guard keptRows > 0, let resolved else { throw .noRowsLeft(exclusions) }
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
                pairs = vs.indices.sorted { vs[$0] < vs[$1] }.map { (formulaLevelLabel(vs[$0]), $0) }
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
        var layout = Layout(names: [], source: [], terms: [], assign: [], levels: [], hasIntercept: formula.hasIntercept)
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
                    layout.source.append(columnIndex[ColumnKey(coding: ci, levels: ids)] ?? -1)
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
        var map = [Int](repeating: -1, count: columnKeys.count)
        for (j, s) in layout.source.enumerated() where s >= 0 { map[s] = j }
        frozen = map
        finalWidth = layout.names.count
        restartCounts()
        return layout
    }

    /// Starts another pass after ``finish()``: its exclusion counts start from zero.
    mutating func restartCounts() {
        counts = [Int](repeating: 0, count: counts.count)
        totalRows = 0
        keptRows = 0
    }

    private func isNumericFactor(_ f: FormulaFactor) -> Bool {
        if case .numeric? = resolved?[f] { return true } else { return false }
    }
}
