/// How a formula factor is evaluated, once the types of its columns are known.
enum ResolvedFactor: Sendable, Equatable {
    /// A numeric column or an arithmetic expression over numeric columns.
    case numeric(FormulaExpression)
    /// A text column used bare or in `C()`: categorical over its labels.
    case text(column: String)
    /// `C(numeric column)`: categorical over its distinct values.
    case numericCategorical(column: String)
}

/// A numeric factor's values at every row of a block: doubles, and, where the factor is
/// arithmetic whose result is not exact in double (`I(x^10)`, `a:b`), the low-order parts
/// (`hi + lo` carries about 106 bits; `nil` when every value is exact).
struct FactorValues {
    var hi: [Double]
    var lo: [Double]?
}

/// Column lookup and evaluation over one block of a table.
struct BlockEvaluator {
    let data: DataTable
    private(set) var numeric: [String: NumericColumn] = [:]
    private(set) var text: [String: TextColumn] = [:]
    /// The rows at which every column the model uses is present, when some are not: a
    /// function (`log`, `sqrt`, …) or a non-integer power is evaluated at those rows
    /// only and is 0 at the others, which are dropped for their missing value before
    /// their factors' values are looked at. (Joined events miss most fundamentals: the
    /// logarithms of their placeholders would be most of the evaluation's time.)
    var complete: [Bool]?

    init(data: DataTable) {
        self.data = data
        for (name, column) in zip(data.names, data.columns) {
            switch column {
            case .numeric(let c): numeric[name] = c
            case .text(let c): text[name] = c
            }
        }
    }

    /// How `f` is evaluated given the block's column types.
    func resolve(_ f: FormulaFactor) throws(RegressionError) -> ResolvedFactor {
        func isText(_ name: String) throws(RegressionError) -> Bool {
            if text[name] != nil { return true }
            if numeric[name] != nil { return false }
            throw .missingColumn(name, available: data.names)
        }
        switch f.kind {
        case .categorical(let column, _):
            return try isText(column) ? .text(column: column) : .numericCategorical(column: column)
        case .expression(.column(let name)):
            return try isText(name) ? .text(column: name) : .numeric(.column(name))
        case .expression(let e), .offset(let e):
            for c in e.columns where try isText(c) { throw .textColumnInArithmetic(column: c, expression: f.text) }
            return .numeric(e)
        }
    }

    /// Presence mask of a column (`true` where a value is present).
    func presence(_ column: String) -> [Bool] {
        if let c = numeric[column] { return c.isPresent }
        return text[column]!.codes.map { $0 >= 0 }
    }

    /// `f` of each value of `x`, at the ``complete`` rows only when set (0 elsewhere).
    private func apply(_ x: [Double], _ f: (Double) -> Double) -> [Double] {
        guard let complete else { return x.map(f) }
        var out = [Double](repeating: 0, count: x.count)
        for i in x.indices where complete[i] { out[i] = f(x[i]) }
        return out
    }

    /// `f` of each pair of values of `x` and `y`, at the ``complete`` rows only when set.
    private func apply(_ x: [Double], _ y: [Double], _ f: (Double, Double) -> Double) -> [Double] {
        guard let complete else { return zip(x, y).map(f) }
        var out = [Double](repeating: 0, count: x.count)
        for i in x.indices where complete[i] { out[i] = f(x[i], y[i]) }
        return out
    }

    /// An expression at every row, in double (see ``complete``).
    func evaluate(_ e: FormulaExpression) -> [Double] {
        switch e {
        case .number(let v): return [Double](repeating: v, count: data.rowCount)
        case .column(let n): return numeric[n]!.values
        case .negate(let a): return evaluate(a).map { -$0 }
        case .identity(let a): return evaluate(a)
        case .call(let f, let a): return apply(evaluate(a), f.apply)
        case .binary(let op, let a, let b):
            let x = evaluate(a), y = evaluate(b)
            switch op {
            case .add: return zip(x, y).map { $0 + $1 }
            case .subtract: return zip(x, y).map { $0 - $1 }
            case .multiply: return zip(x, y).map { $0 * $1 }
            case .divide: return zip(x, y).map { $0 / $1 }
            case .power: return apply(x, y) { LibM.pow($0, $1) }
            }
        }
    }

    /// An expression at every row, arithmetic carried in double-double: `+ − × ÷` and
    /// integer powers (up to 64, by repeated products) keep their rounding errors in `lo`;
    /// a function's value (`log`, `sqrt`, …) is its double result of the rounded argument,
    /// as is a non-integer power (see ``complete``).
    func evaluateExtended(_ e: FormulaExpression) -> FactorValues {
        let n = data.rowCount
        func dd(_ v: FactorValues) -> [DoubleDouble] {
            guard let lo = v.lo else { return v.hi.map { DoubleDouble($0) } }
            return zip(v.hi, lo).map { DoubleDouble(hi: $0, lo: $1) }
        }
        func values(_ x: [DoubleDouble]) -> FactorValues {
            var hi = [Double](repeating: 0, count: x.count), lo = [Double](repeating: 0, count: x.count)
            var any = false
            for i in x.indices {
                hi[i] = x[i].hi
                // A non-finite value's low part is meaningless (and never used).
                lo[i] = x[i].hi.isFinite ? x[i].lo : 0
                if lo[i] != 0 { any = true }
            }
            return FactorValues(hi: hi, lo: any ? lo : nil)
        }
        switch e {
        case .number(let v): return FactorValues(hi: [Double](repeating: v, count: n))
        case .column(let c): return FactorValues(hi: numeric[c]!.values)
        case .negate(let a):
            let v = evaluateExtended(a)
            return FactorValues(hi: v.hi.map { -$0 }, lo: v.lo?.map { -$0 })
        case .identity(let a): return evaluateExtended(a)
        case .call(let f, let a):
            let v = evaluateExtended(a)
            return FactorValues(hi: v.lo.map { lo in apply(v.hi, lo) { f.apply($0 + $1) } } ?? apply(v.hi, f.apply))
        case .binary(.power, let a, .number(let k)) where k == k.rounded() && Swift.abs(k) <= 64:
            return values(dd(evaluateExtended(a)).map { Self.integerPower($0, Int(k)) })
        case .binary(.power, let a, let b):
            let x = evaluateExtended(a), y = evaluateExtended(b)
            return FactorValues(hi: apply(dd(x).map(\.value), dd(y).map(\.value)) { LibM.pow($0, $1) })
        case .binary(let op, let a, let b):
            let x = dd(evaluateExtended(a)), y = dd(evaluateExtended(b))
            switch op {
            case .add: return values(zip(x, y).map { $0 + $1 })
            case .subtract: return values(zip(x, y).map { $0 - $1 })
            case .multiply: return values(zip(x, y).map { $0 * $1 })
            case .divide: return values(zip(x, y).map { $1.hi == 0 ? DoubleDouble($0.hi / $1.hi) : $0 / $1 })
            case .power: preconditionFailure("handled above")
            }
        }
    }

    static func integerPower(_ x: DoubleDouble, _ k: Int) -> DoubleDouble {
        var result = DoubleDouble(1), base = x, e = Swift.abs(k)
        while e > 0 {
            if e & 1 == 1 { result = result * base }
            e >>= 1
            if e > 0 { base = base * base }
        }
        if !result.hi.isFinite { return DoubleDouble(k < 0 ? 0 : result.hi) }
        return k < 0 ? (result.hi == 0 ? DoubleDouble(.infinity) : DoubleDouble(1) / result) : result
    }

    /// Whether an expression's double-double value can differ from its double one.
    static func isArithmetic(_ e: FormulaExpression) -> Bool {
        switch e {
        case .number, .column, .call: return false
        case .negate(let a), .identity(let a): return isArithmetic(a)
        case .binary: return true
        }
    }
}
