#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Errors building a design matrix from a formula and a table. All are thrown, never trapped.
public enum ModelFrameError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The formula text does not parse.
    case formula(FormulaError)
    /// A column is missing from the table (the wrapped `DataTableError.missingColumn` lists
    /// the columns that exist).
    case data(DataTableError)
    /// A text column appears inside arithmetic or a function such as `log()`.
    case textColumnInArithmetic(column: String, expression: String)
    /// The response is a text column or `C(…)`; it must be numeric.
    case categoricalResponse(String)
    /// The formula is one-sided (`~ x`) but a response is needed.
    case noResponse
    /// `C(g, ref="z")` names a level that does not occur (among the rows kept).
    case unknownReferenceLevel(factor: String, level: String, levels: [String])
    /// A categorical factor coded by treatment contrasts has fewer than two levels left.
    case tooFewLevels(factor: String, levels: [String])
    /// Listwise deletion removed every row.
    case noRowsLeft(RowExclusions)

    /// A one-line message for the user.
    public var description: String {
        switch self {
        case .formula(let e): return e.description
        case .data(let e): return e.description
        case .textColumnInArithmetic(let c, let e):
            return "column '\(c)' holds text and cannot be used in arithmetic ('\(e)'); use it bare or as C(\(c)) for a categorical term"
        case .categoricalResponse(let r): return "the response '\(r)' is categorical; it must be a numeric column or transformation"
        case .noResponse: return "the formula has no response (left-hand side)"
        case .unknownReferenceLevel(let f, let l, let ls):
            return "reference level '\(l)' of \(f) does not occur; the levels are: \(ls.joined(separator: ", "))"
        case .tooFewLevels(let f, let ls):
            return "\(f) has \(ls.count) level\(ls.count == 1 ? "" : "s") (\(ls.joined(separator: ", "))) among the rows kept; at least 2 are needed"
        case .noRowsLeft(let x): return "no rows left after listwise deletion (\(x))"
        }
    }
}

/// How many rows listwise deletion excluded, and why.
///
/// Each excluded row is counted once, under the first reason that applies, checked in
/// this order: a missing value in a used column (response first, then the right-hand side
/// in order of appearance, then `alsoRequire`): reason `"missing <column>"`; then a
/// non-finite value of a factor after transformation (response first): reason
/// `"<factor> not finite"`, e.g. `"log(employees) not finite"`.
public struct RowExclusions: Sendable, Equatable, CustomStringConvertible {
    /// One reason and its count.
    public struct Reason: Sendable, Equatable {
        /// E.g. `"missing total_laid_off"` or `"log(employees) not finite"`.
        public let reason: String
        /// Rows excluded for this reason.
        public let count: Int
    }
    /// Rows in the input table.
    public let totalRows: Int
    /// Non-zero counts, in the order the checks run.
    public let reasons: [Reason]

    /// Rows excluded in total.
    public var excludedCount: Int { reasons.reduce(0) { $0 + $1.count } }
    /// Rows kept.
    public var keptCount: Int { totalRows - excludedCount }
    /// The count for one reason (0 if it never applied).
    public subscript(reason: String) -> Int { reasons.first { $0.reason == reason }?.count ?? 0 }
    /// The counts keyed by reason.
    public var byReason: [String: Int] { Dictionary(uniqueKeysWithValues: reasons.map { ($0.reason, $0.count) }) }

    /// E.g. `"15 of 120 rows excluded: missing total_laid_off: 12, log(employees) not finite: 3"`.
    public var description: String {
        if reasons.isEmpty { return "no rows excluded of \(totalRows)" }
        return "\(excludedCount) of \(totalRows) rows excluded: " + reasons.map { "\($0.reason): \($0.count)" }.joined(separator: ", ")
    }
}

/// A term of the design: its name and the design-matrix columns it spans.
public struct DesignTerm: Sendable, Equatable {
    /// `(Intercept)`, `x1`, `C(g)`, `C(g):x`…
    public let name: String
    /// Columns of ``DesignMatrix/x`` belonging to the term.
    public let columns: Range<Int>
}

/// The levels of one categorical factor among the rows kept.
public struct CategoricalLevels: Sendable, Equatable {
    /// The factor's name stem as used in column names, e.g. `C(g)` or `g`.
    public let factor: String
    /// Levels in coding order (sorted: text by code point, numbers numerically).
    public let levels: [String]
    /// The reference level of treatment coding (the first level unless `ref=` was given).
    public let reference: String
}

/// The model matrix X, response y and bookkeeping for a formula evaluated on a table.
///
/// Construction follows patsy's `dmatrices(formula, data, NA_action="drop")` and R's
/// `model.frame`/`model.matrix` conventions:
/// * **Listwise deletion.** A row is dropped when any used column (or one in
///   `alsoRequire`, e.g. weights or clusters) is missing, or when a factor's value is not
///   finite after transformation (`log(0)`, `sqrt(-1)`, `I(a/0)`). Counts by reason are in
///   ``exclusions``; the surviving rows' indices are ``keptRows`` (ascending), so callers can
///   align weights or cluster ids.
/// * **Categoricals.** A text column used bare is categorical (columns `g[T.b]`), as is
///   `C(col)` for a text or numeric column (`C(g)[T.b]`; numbers become levels written
///   shortest, `C(n)[T.2]`). Levels are those present in the kept rows (unused levels are
///   dropped, as R's `lm` does), sorted; the reference is the first unless `C(g, ref="b")`.
/// * **Coding and column order** follow patsy exactly: terms are grouped by their numeric
///   factors (purely categorical terms first), by degree within a group; a categorical
///   factor is coded by treatment contrasts `[T.level]` when the lower-order margin is
///   already in the model and by full dummies `[level]` otherwise (e.g. `0 + C(g)` or
///   `x:C(g)` without `C(g)`). In an interaction the left-most factor varies fastest.
/// * **Names**: `(Intercept)`, `x1`, `log(x2)`, `I(x^2)` (as written, without whitespace),
///   `C(g)[T.b]`, `g[T.b]`, `a:b`, `C(g)[T.b]:x`.
public struct DesignMatrix: Sendable {
    /// The formula.
    public let formula: Formula
    /// The model matrix, `keptRows.count × termNames.count`, column-major.
    public let x: Matrix
    /// The response at the kept rows.
    public let y: [Double]
    /// The response as written, e.g. `log(total_laid_off)`.
    public let responseName: String
    /// One name per column of ``x``, in column order.
    public let termNames: [String]
    /// The terms in column order; the intercept, when present, is `terms[0]`.
    public let terms: [DesignTerm]
    /// For each column of ``x``, the index in ``terms`` of the term it belongs to
    /// (R's `assign`, shifted so that it indexes ``terms``): use it to pick the columns
    /// of a term for Wald or F tests.
    public let assign: [Int]
    /// Indices (0-based, ascending) of the table rows that survived listwise deletion.
    public let keptRows: [Int]
    /// What was excluded and why.
    public let exclusions: RowExclusions
    /// Levels of each categorical factor, in order of first appearance in ``terms``.
    public let categoricalLevels: [CategoricalLevels]
    /// The rounding error of ``x``: transformed columns (`I(x^10)`, `log(x)`, products) are
    /// evaluated in Float80 as well, and `lowOrder[i, j]` is the Float80 value minus
    /// `x[i, j]`, so `x + lowOrder` is the design to about 64 bits. `nil` when every column
    /// is exact in double (bare columns, dummies, the intercept). ``FormulaFit`` passes it to
    /// the solver: on NIST's Filip, powers rounded to double cap any solver at ≈ 7.6 digits.
    public let lowOrder: Matrix?

    /// Parses `formula` and builds the design; a syntax error is thrown as ``ModelFrameError/formula(_:)``.
    public init(formula: String, data: DataTable, alsoRequire: [String] = []) throws(ModelFrameError) {
        let f: Formula
        do { f = try Formula(formula) } catch { throw .formula(error) }
        try self.init(f, data: data, alsoRequire: alsoRequire)
    }

    /// Builds the design of `formula` on `data`. `alsoRequire` names further columns whose
    /// missing values exclude a row (weights, cluster ids); they do not enter X.
    public init(_ formula: Formula, data: DataTable, alsoRequire: [String] = []) throws(ModelFrameError) {
        guard let response = formula.response else { throw .noResponse }
        let builder = DesignBuilder(data: data)
        let resolvedResponse = try builder.resolve(response)
        guard case .numeric = resolvedResponse else { throw .categoricalResponse(response.text) }

        // Factors in order of appearance (response first).
        var factors: [FormulaFactor] = [response]
        for t in formula.terms { for f in t.factors where !factors.contains(f) { factors.append(f) } }
        var resolved: [FormulaFactor: ResolvedFactor] = [response: resolvedResponse]
        for f in factors.dropFirst() { resolved[f] = try builder.resolve(f) }

        // Columns checked for missingness, in order, then alsoRequire.
        var used: [String] = []
        for f in factors { for c in f.columns where !used.contains(c) { used.append(c) } }
        for c in alsoRequire where !used.contains(c) {
            do { _ = try data.require(c) } catch { throw .data(error) }
            used.append(c)
        }

        // Listwise deletion and factor evaluation. Factors are evaluated column-wise over
        // all rows (values at missing positions are garbage and never used), then each row
        // is checked: missing values first, then non-finite factor values.
        let present = used.map { builder.presence($0) }
        // Right-hand-side transformed factors: a function of a column is rounded from its
        // Float80 value (``DesignBuilder/evaluateFactor(_:)``); the response as evaluated in double.
        var factorColumns: [FormulaFactor: DesignBuilder.FactorColumn] = [:]
        let allValues: [[Double]?] = factors.enumerated().map { k, f in
            if case .text = resolved[f]! { return nil }
            if k > 0, case .numeric(let e) = resolved[f]!, !e.isBareColumn {
                let c = builder.evaluateFactor(e)
                factorColumns[f] = c
                return c.values
            }
            return builder.evaluateColumn(resolved[f]!)
        }
        var counts = [Int](repeating: 0, count: used.count + factors.count)
        var kept: [Int] = []
        Self.listwise(rows: data.rowCount, present: present, values: allValues, counts: &counts, into: &kept)
        var values80: [FormulaFactor: [Float80]] = [:]  // transformed numeric factors, unrounded
        // Factors rounded once from Float80 that only appear alone in a term: their low-order parts as they
        // are (`Float80(x) + Float80(lo) − Float80(x)` is `lo` exactly), without Float80.
        var lowAtKept: [FormulaFactor: [Double]] = [:]
        for f in factors.dropFirst() {
            if case .numeric(let e)? = resolved[f], !e.isBareColumn, let c = factorColumns[f] {
                if let low = c.low, formula.terms.allSatisfy({ $0.factors.count == 1 || !$0.factors.contains(f) }) {
                    lowAtKept[f] = low.withUnsafeBufferPointer { lp in kept.map { lp[$0] } }
                } else {
                    values80[f] = builder.exact(c, e, at: kept)
                }
            }
        }
        var values: [FormulaFactor: [Double]] = [:]   // numeric factors and numeric-source categoricals
        var textCodes: [FormulaFactor: [Int32]] = [:]  // text categoricals: codes into the column's levels
        for (k, f) in factors.enumerated() {
            if let v = allValues[k] {
                values[f] = kept.map { v[$0] }
            } else if case .text(let column) = resolved[f]! {
                let codes = builder.text[column]!.codes
                textCodes[f] = kept.map { codes[$0] }
            }
        }
        var reasons: [RowExclusions.Reason] = []
        for (k, c) in used.enumerated() where counts[k] > 0 { reasons.append(.init(reason: "missing \(c)", count: counts[k])) }
        for (k, f) in factors.enumerated() where counts[used.count + k] > 0 {
            reasons.append(.init(reason: "\(f.text) not finite", count: counts[used.count + k]))
        }
        let exclusions = RowExclusions(totalRows: data.rowCount, reasons: reasons)
        guard !kept.isEmpty else { throw .noRowsLeft(exclusions) }
        let n = kept.count

        // Categorical levels among kept rows: per factor, level labels and a per-row level index.
        var catLevels: [FormulaFactor: [String]] = [:]
        var catIndex: [FormulaFactor: [Int]] = [:]
        var catReference: [FormulaFactor: Int] = [:]
        for f in factors.dropFirst() {
            let r = resolved[f]!
            let labels: [String]
            let index: [Int]
            switch r {
            case .numeric: continue
            case .text(let column):
                let col = builder.text[column]!
                let codes = textCodes[f]!
                let present = Set(codes)
                labels = present.map { col.levels[Int($0)] }.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
                let position = Dictionary(uniqueKeysWithValues: labels.enumerated().map { ($1, $0) })
                // code → position in the sorted labels (-1 for codes absent from kept rows)
                let codePosition = col.levels.map { position[$0] ?? -1 }
                index = codes.map { codePosition[Int($0)] }
            case .numericCategorical:
                let vs = values[f]!
                let distinct = Array(Set(vs)).sorted()
                labels = distinct.map(formulaLevelLabel)
                let position = Dictionary(uniqueKeysWithValues: distinct.enumerated().map { ($1, $0) })
                index = vs.map { position[$0]! }
            }
            var ref = 0
            if case .categorical(_, let reference?) = f.kind {
                guard let k = labels.firstIndex(of: reference) else {
                    throw .unknownReferenceLevel(factor: f.displayName, level: reference, levels: labels)
                }
                ref = k
            }
            catLevels[f] = labels
            catIndex[f] = index
            catReference[f] = ref
        }

        // Term order and coding (patsy's build.py and redundancy.py).
        func isNumeric(_ f: FormulaFactor) -> Bool { if case .numeric = resolved[f]! { return true } else { return false } }

        var columns: [[Double]] = []
        var lowParts: [Int: [Double]] = [:]  // column index → rounding error of that column
        var names: [String] = []
        var designTerms: [DesignTerm] = []
        var assign: [Int] = []
        var levelsOut: [CategoricalLevels] = []
        for bucketTerms in Self.termsInPatsyOrder(formula, isNumeric: isNumeric) {
            var usedSubterms = Set<Set<ExpandedFactor>>()
            for term in bucketTerms {
                let start = columns.count
                let categorical = term.factors.filter { !isNumeric($0) }
                for coding in Self.pickContrasts(categorical, used: &usedSubterms) {
                    // Column parts per factor (in term order): (name suffixes, per-row values).
                    var parts: [[(String, [Double])]] = []
                    var exactParts: [[Float80]?] = []  // per part: the unrounded factor, if it differs
                    for f in term.factors {
                        if isNumeric(f) {
                            parts.append([(f.displayName, values[f]!)])
                            exactParts.append(values80[f])
                        } else if let full = coding[f] {
                            let labels = catLevels[f]!, idx = catIndex[f]!, ref = catReference[f]!
                            if !full && labels.count < 2 { throw .tooFewLevels(factor: f.displayName, levels: labels) }
                            var p: [(String, [Double])] = []
                            for (l, label) in labels.enumerated() where full || l != ref {
                                p.append(("\(f.displayName)[\(full ? "" : "T.")\(label)]", idx.map { $0 == l ? 1 : 0 }))
                            }
                            parts.append(p)
                            exactParts.append(nil)
                        }
                    }
                    if parts.isEmpty {
                        columns.append([Double](repeating: 1, count: n))
                        names.append("(Intercept)")
                        continue
                    }
                    // Cartesian product, left-most factor varying fastest. When a factor or a
                    // product is inexact in double, the unrounded column rides along in Float80.
                    var combos: [(String, [Double], [Float80]?)] = []
                    let productsInexact = term.factors.filter(isNumeric).count > 1
                    for (k, p) in parts.enumerated() {
                        var next: [(String, [Double], [Float80]?)] = []
                        if k == 0 {
                            // The first part times a column of ones is the part itself (1·x = x exactly).
                            for (name, v) in p {
                                let exact = exactParts[0] ?? (productsInexact ? v.map { Float80($0) } : nil)
                                next.append((name, v, exact))
                            }
                            combos = next
                            continue
                        }
                        for (name, v) in p {
                            for (prefix, acc, acc80) in combos {
                                var exact: [Float80]? = nil
                                if acc80 != nil || exactParts[k] != nil || productsInexact {
                                    let a = acc80 ?? acc.map { Float80($0) }
                                    let b = exactParts[k] ?? v.map { Float80($0) }
                                    exact = zip(a, b).map { $0 * $1 }
                                }
                                next.append((k == 0 ? name : prefix + ":" + name, zip(acc, v).map { $0 * $1 }, exact))
                            }
                        }
                        combos = next
                    }
                    for (name, v, exact) in combos {
                        names.append(name)
                        columns.append(v)
                        if let exact { lowParts[columns.count - 1] = zip(exact, v).map { Double($0 - Float80($1)) } }
                        else if term.factors.count == 1, let low = lowAtKept[term.factors[0]] { lowParts[columns.count - 1] = low }
                    }
                }
                for f in term.factors where !isNumeric(f) && !levelsOut.contains(where: { $0.factor == f.displayName }) {
                    levelsOut.append(CategoricalLevels(factor: f.displayName, levels: catLevels[f]!, reference: catLevels[f]![catReference[f]!]))
                }
                let termName = term.factors.isEmpty ? "(Intercept)" : term.factors.map(\.displayName).joined(separator: ":")
                assign.append(contentsOf: [Int](repeating: designTerms.count, count: columns.count - start))
                designTerms.append(DesignTerm(name: termName, columns: start..<columns.count))
            }
        }

        self.formula = formula
        var storage: [Double] = []
        storage.reserveCapacity(n * columns.count)
        for c in columns { storage.append(contentsOf: c) }
        self.x = Matrix(rows: n, columns: columns.count, columnMajor: storage)
        // The finite low-order parts, column by column (zero elsewhere), if any is non-zero.
        var loStorage: [Double] = []
        var anyLow = false
        for (j, part) in lowParts {
            if loStorage.isEmpty { loStorage = [Double](repeating: 0, count: n * columns.count) }
            loStorage.withUnsafeMutableBufferPointer { lp in
                part.withUnsafeBufferPointer { pp in
                    let dst = lp.baseAddress! + j * n
                    for i in 0..<n where pp[i].isFinite {
                        dst[i] = pp[i]
                        if pp[i] != 0 { anyLow = true }
                    }
                }
            }
        }
        self.lowOrder = anyLow ? Matrix(rows: n, columns: columns.count, columnMajor: loStorage) : nil
        self.y = values[response]!
        self.responseName = response.text
        self.termNames = names
        self.terms = designTerms
        self.assign = assign
        self.keptRows = kept
        self.exclusions = exclusions
        self.categoricalLevels = levelsOut
    }

    /// Listwise deletion: the rows (ascending, in `kept`, which is emptied first) where every
    /// `present` mask is `true` and every `values` column is finite. Each other row is
    /// counted once in `counts`, under the first check that fails: mask `k` at index `k`,
    /// then value column `k` at `present.count + k` (masks and columns hold at least `rows`
    /// entries).
    static func listwise(rows n: Int, present: [[Bool]], values: [[Double]?], counts: inout [Int],
                         into kept: inout [Int]) {
        // The first failing check of each row (-1: none), found check by check; `failed`
        // counts the rows with a reason (when none fails, every row is kept).
        // Branch-free: missing values are frequent and scattered, so a branch per row and
        // check would often be mispredicted.
        var reason = [Int32](repeating: -1, count: n)
        var failed = 0
        reason.withUnsafeMutableBufferPointer { r in
            for (k, mask) in present.enumerated() {
                let code = Int32(k)
                mask.withUnsafeBufferPointer { m in
                    var f: Int32 = 0
                    for i in 0..<n {
                        // 1 when no check failed yet (r = −1) and the value is missing; then
                        // r = −1 + code + 1.
                        let fails = Int32(bitPattern: UInt32(bitPattern: r[i]) >> 31) & Int32(1 &- unsafeBitCast(m[i], to: UInt8.self))
                        r[i] = r[i] &+ fails &* (code &+ 1)
                        f &+= fails
                    }
                    failed += Int(f)
                }
            }
            for (k, column) in values.enumerated() {
                guard let column else { continue }
                let code = Int32(present.count + k)
                column.withUnsafeBufferPointer { v in
                    var f: Int32 = 0
                    for i in 0..<n {
                        // Not finite: the exponent bits all ones (0x7FF + 1 carries into bit 11).
                        let exponent = (v[i].bitPattern >> 52) & 0x7FF
                        let notFinite = Int32(truncatingIfNeeded: (exponent &+ 1) >> 11)
                        let fails = Int32(bitPattern: UInt32(bitPattern: r[i]) >> 31) & notFinite
                        r[i] = r[i] &+ fails &* (code &+ 1)
                        f &+= fails
                    }
                    failed += Int(f)
                }
            }
        }
        kept.removeAll(keepingCapacity: true)
        if failed == 0 {
            kept.append(contentsOf: 0..<n)
            return
        }
        // Kept rows written at a cursor that advances only past them; per reason, a count
        // (slot 0 collects the kept rows).
        var tally = [Int](repeating: 0, count: present.count + values.count + 1)
        kept.append(contentsOf: repeatElement(0, count: n))
        var keptCount = 0
        reason.withUnsafeBufferPointer { r in
            kept.withUnsafeMutableBufferPointer { out in
                tally.withUnsafeMutableBufferPointer { t in
                    var j = 0
                    for i in 0..<n {
                        let c = r[i]
                        out[j] = i
                        j &+= c < 0 ? 1 : 0
                        t[Int(c) &+ 1] &+= 1
                    }
                    keptCount = j
                }
            }
        }
        kept.removeLast(n - keptCount)
        for c in 0..<(tally.count - 1) { counts[c] += tally[c + 1] }
    }

    /// The formula's terms (the intercept first when there is one) grouped as patsy
    /// orders them: by the set of numeric factors they hold, groups in order of first
    /// appearance with the purely categorical group first, each group's terms by degree
    /// (stable). The caller codes each group's categorical factors together.
    static func termsInPatsyOrder(_ formula: Formula, isNumeric: (FormulaFactor) -> Bool) -> [[FormulaTerm]] {
        let allTerms = (formula.hasIntercept ? [FormulaTerm([])] : []) + formula.terms
        var bucketOrder: [Set<FormulaFactor>] = []
        var buckets: [Set<FormulaFactor>: [FormulaTerm]] = [:]
        for t in allTerms {
            let key = Set(t.factors.filter(isNumeric))
            if buckets[key] == nil { bucketOrder.append(key) }
            buckets[key, default: []].append(t)
        }
        if let k = bucketOrder.firstIndex(of: []), k > 0 { bucketOrder.insert(bucketOrder.remove(at: k), at: 0) }
        return bucketOrder.map { stableSortedByDegree(buckets[$0]!) }
    }

    static func stableSortedByDegree(_ terms: [FormulaTerm]) -> [FormulaTerm] {
        terms.enumerated().sorted { ($0.element.factors.count, $0.offset) < ($1.element.factors.count, $1.offset) }.map(\.element)
    }

    /// patsy's `pick_contrasts_for_term`: expand the categorical factors into all subterms
    /// (subsets, by size then position), drop those already spanned in this bucket, and
    /// merge greedily (`a-` absorbed by `a-:b-` gives `a-:b+`). Returns one coding per
    /// subterm: factor → full rank (`true`, dummies) or reduced (`false`, treatment contrasts).
    static func pickContrasts(_ categorical: [FormulaFactor], used: inout Set<Set<ExpandedFactor>>) -> [[FormulaFactor: Bool]] {
        let k = categorical.count
        var subsets: [[Int]] = []
        for mask in 0..<(1 << k) { subsets.append((0..<k).filter { mask & (1 << $0) != 0 }) }
        subsets.sort { $0.count != $1.count ? $0.count < $1.count : $0.lexicographicallyPrecedes($1) }
        var subterms: [Set<ExpandedFactor>] = []
        for s in subsets {
            let st = Set(s.map { ExpandedFactor(factor: categorical[$0], full: false) })
            if !used.contains(st) { subterms.append(st) }
        }
        used.formUnion(subterms)
        simplify: while true {
            for i in subterms.indices {
                for j in (i + 1)..<subterms.count {
                    let short = subterms[i], long = subterms[j]
                    if long.count - short.count == 1 && long.isSuperset(of: short) {
                        let extra = long.subtracting(short).first!
                        var merged = short
                        merged.insert(ExpandedFactor(factor: extra.factor, full: true))
                        subterms[j] = merged
                        subterms.remove(at: i)
                        continue simplify
                    }
                }
            }
            break
        }
        return subterms.map { st in Dictionary(uniqueKeysWithValues: st.map { ($0.factor, $0.full) }) }
    }
}

/// A categorical factor annotated with full-rank (`full`) or reduced coding.
struct ExpandedFactor: Hashable {
    let factor: FormulaFactor
    let full: Bool
}

/// How a factor is evaluated.
enum ResolvedFactor {
    case numeric(FormulaExpression)
    /// A text column used bare or in C().
    case text(column: String)
    /// C(numeric column): categorical over distinct values.
    case numericCategorical(column: String)
}

/// Column lookup and evaluation helpers.
struct DesignBuilder {
    let data: DataTable
    private(set) var numeric: [String: NumericColumn] = [:]
    private(set) var text: [String: TextColumn] = [:]

    init(data: DataTable) {
        self.data = data
        for (name, column) in zip(data.names, data.columns) {
            switch column {
            case .numeric(let c): numeric[name] = c
            case .text(let c): text[name] = c
            }
        }
    }

    func require(_ name: String) throws(ModelFrameError) -> Column {
        do { return try data.require(name) } catch { throw .data(error) }
    }

    func resolve(_ f: FormulaFactor) throws(ModelFrameError) -> ResolvedFactor {
        switch f.kind {
        case .categorical(let column, _):
            if case .text = try require(column) { return .text(column: column) }
            return .numericCategorical(column: column)
        case .expression(.column(let name)):
            if case .text = try require(name) { return .text(column: name) }
            return .numeric(.column(name))
        case .expression(let e):
            for c in e.columns {
                if case .text = try require(c) { throw .textColumnInArithmetic(column: c, expression: f.text) }
            }
            return .numeric(e)
        }
    }

    /// Presence mask of a column (`true` where a value is present).
    func presence(_ column: String) -> [Bool] {
        if let c = numeric[column] { return c.isPresent }
        return text[column]!.codes.map { $0 >= 0 }
    }

    /// A numeric factor (or the numbers behind a numeric categorical) at every row.
    func evaluateColumn(_ r: ResolvedFactor) -> [Double] {
        switch r {
        case .numeric(let e): return evaluate(e)
        case .numericCategorical(let column): return numeric[column]!.values
        case .text: return []
        }
    }

    /// A right-hand-side numeric factor at every row: its double values and, when they are
    /// rounded once from a Float80 evaluation, the low-order parts (`low`, every row: the
    /// Float80 value minus the double, exact in a double; 0 where the value is not finite).
    struct FactorColumn {
        var values: [Double]
        var low: [Double]? = nil
    }

    /// Whether a right-hand-side factor's double value is its Float80 value rounded once
    /// (a function of its argument, `log(x)`, `sqrt(x)` …): one long-double evaluation gives
    /// both, and `Double(logl(v))` is the correctly rounded `log` but in rare hard cases
    /// (where glibc's double `log` errs as well; `x + lowOrder` holds the 64 bits). Other
    /// expressions are evaluated in double (`I(x^2)`, products: correctly rounded
    /// operations) and in Float80 separately.
    static func roundsFromExtended(_ e: FormulaExpression) -> Bool {
        if case .call = e { return true } else { return false }
    }

    /// A right-hand-side numeric factor at every row (``FactorColumn``): a function of its
    /// argument from the table's precomputed columns (``DataTable/addPrecomputed(_:values:lowOrder:)``)
    /// when it has them, otherwise as `Double(evaluate80(e))`; any other expression by
    /// ``evaluate(_:)``.
    func evaluateFactor(_ e: FormulaExpression) -> FactorColumn {
        guard Self.roundsFromExtended(e) else { return FactorColumn(values: evaluate(e)) }
        let names = PrecomputedFactor.columnNames(e)
        if let v = numeric[names.value], let lo = numeric[names.low] {
            return FactorColumn(values: v.values, low: lo.values)
        }
        // 8,192 rows at a time, keeping each value's low-order part (8 bytes a row) rather
        // than its Float80 value (16): `x + low` is the same Float80 value, and no
        // whole-table Float80 arrays are held.
        let n = data.rowCount
        var values = [Double](), low = [Double]()
        values.reserveCapacity(n)
        low.reserveCapacity(n)
        var start = 0
        while start < n {
            let end = Swift.min(n, start + 8192)
            for v in evaluate80(e, at: Array(start..<end)) {
                let x = Double(v)
                values.append(x)
                low.append(x.isFinite ? Double(v - Float80(x)) : 0)
            }
            start = end
        }
        return FactorColumn(values: values, low: low)
    }

    /// The Float80 value of a factor evaluated by ``evaluateFactor(_:)`` at the listed rows
    /// (`x + low` is exact: the low-order part of a value rounded once fits a double).
    func exact(_ column: FactorColumn, _ e: FormulaExpression, at rows: [Int]) -> [Float80] {
        if let low = column.low {
            return column.values.withUnsafeBufferPointer { v in
                low.withUnsafeBufferPointer { lo in rows.map { Float80(v[$0]) + Float80(lo[$0]) } }
            }
        }
        return evaluate80(e, at: rows)
    }

    /// Evaluation in Float80 (64-bit significand), for the low-order part of the design.
    /// Integer powers are exact repeated products; functions use the C library's
    /// long-double versions.
    func evaluate80(_ e: FormulaExpression) -> [Float80] { evaluate80(e, at: nil) }

    /// ``evaluate80(_:)`` at the listed rows only (`nil`: every row), in their order: the
    /// same values, without the long-double work for rows that are not used.
    func evaluate80(_ e: FormulaExpression, at rows: [Int]?) -> [Float80] {
        switch e {
        case .number(let v): return [Float80](repeating: Float80(v), count: rows?.count ?? data.rowCount)
        case .column(let n):
            let values = numeric[n]!.values
            guard let rows else { return values.map { Float80($0) } }
            return values.withUnsafeBufferPointer { v in rows.map { Float80(v[$0]) } }
        case .negate(let a): return evaluate80(a, at: rows).map { -$0 }
        case .identity(let a): return evaluate80(a, at: rows)
        case .call(let f, let a):
            let x = evaluate80(a, at: rows)
            switch f {
            case .log: return x.map { logl($0) }
            case .log1p: return x.map { log1pl($0) }
            case .log2: return x.map { log2l($0) }
            case .log10: return x.map { log10l($0) }
            case .sqrt: return x.map { $0.squareRoot() }
            case .exp: return x.map { expl($0) }
            case .abs: return x.map { Swift.abs($0) }
            }
        case .binary(let op, let a, let b):
            if op == .power, case .number(let k) = b, k == k.rounded(), Swift.abs(k) <= 64 {
                return evaluate80(a, at: rows).map { Self.integerPower($0, Int(k)) }
            }
            let x = evaluate80(a, at: rows), y = evaluate80(b, at: rows)
            switch op {
            case .add: return zip(x, y).map { $0 + $1 }
            case .subtract: return zip(x, y).map { $0 - $1 }
            case .multiply: return zip(x, y).map { $0 * $1 }
            case .divide: return zip(x, y).map { $0 / $1 }
            case .power: return zip(x, y).map { powl($0, $1) }
            }
        }
    }

    static func integerPower(_ x: Float80, _ k: Int) -> Float80 {
        var result: Float80 = 1, base = x, e = Swift.abs(k)
        while e > 0 {
            if e & 1 == 1 { result *= base }
            base *= base
            e >>= 1
        }
        return k < 0 ? 1 / result : result
    }

    /// Vectorised evaluation of an expression over all rows.
    func evaluate(_ e: FormulaExpression) -> [Double] {
        switch e {
        case .number(let v): return [Double](repeating: v, count: data.rowCount)
        case .column(let n): return numeric[n]!.values
        case .negate(let a): return evaluate(a).map { -$0 }
        case .identity(let a): return evaluate(a)
        case .call(let f, let a): return evaluate(a).map(f.apply)
        case .binary(let op, let a, let b):
            let x = evaluate(a), y = evaluate(b)
            switch op {
            case .add: return zip(x, y).map { $0 + $1 }
            case .subtract: return zip(x, y).map { $0 - $1 }
            case .multiply: return zip(x, y).map { $0 * $1 }
            case .divide: return zip(x, y).map { $0 / $1 }
            case .power: return zip(x, y).map { LibM.pow($0, $1) }
            }
        }
    }
}
