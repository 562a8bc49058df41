/// Formula designs: the public description of a model matrix (``DesignMatrix``), the
/// bookkeeping of listwise deletion, and patsy's rules for term order and coding, shared
/// by `ModelFrame`.

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

        /// `count` rows excluded for `reason`.
        public init(reason: String, count: Int) {
            self.reason = reason
            self.count = count
        }
    }
    /// Rows in the input table.
    public let totalRows: Int
    /// Non-zero counts, in the order the checks run.
    public let reasons: [Reason]

    /// Exclusion counts of `totalRows` rows (reasons with a zero count are dropped).
    public init(totalRows: Int, reasons: [Reason]) {
        self.totalRows = totalRows
        self.reasons = reasons.filter { $0.count > 0 }
    }

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
/// * **One builder.** The design is made by `ModelFrame`, the builder every fit uses on
///   blocks of rows; a ``DesignMatrix`` is its result over a whole table at once.
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
    /// The rounding error of ``x``: columns computed by arithmetic (`I(x^10)`, products of
    /// factors) are evaluated in double-double as well, and `lowOrder[i, j]` is the exact
    /// value minus `x[i, j]` to about 106 bits. `nil` when every column is exact in double.
    /// The fits use it: on NIST's Filip, powers rounded to double cap any solver at ≈ 7.6 digits.
    public let lowOrder: Matrix?

    /// Parses `formula` and builds the design.
    public init(formula: String, data: DataTable, alsoRequire: [String] = []) throws(RegressionError) {
        let f: Formula
        do { f = try Formula(formula) } catch { throw .formula(error) }
        try self.init(f, data: data, alsoRequire: alsoRequire)
    }

    /// Builds the design of `formula` on `data`. `alsoRequire` names further columns whose
    /// missing values exclude a row (weights, cluster ids); they do not enter X.
    public init(_ formula: Formula, data: DataTable, alsoRequire: [String] = []) throws(RegressionError) {
        var frame = try ModelFrame(formula: formula, columns: data.names, require: alsoRequire)
        _ = try frame.evaluate(data, lines: nil, file: "", firstRow: 0)
        let layout = try frame.finish()
        guard let block = try frame.evaluate(data, lines: nil, file: "", firstRow: 0) else {
            throw .noRowsLeft(frame.exclusions)
        }
        self.formula = formula
        x = block.x
        y = block.y
        responseName = formula.response?.text ?? ""
        termNames = layout.names
        terms = layout.terms
        assign = layout.assign
        keptRows = block.sourceRows
        exclusions = frame.exclusions
        categoricalLevels = layout.levels
        lowOrder = block.low
    }
}

/// patsy's rules and listwise deletion, used by `ModelFrame`.
enum DesignRules {
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

