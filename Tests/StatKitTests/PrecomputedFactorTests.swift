import Foundation
import Testing
@testable import StatKit

/// A function of a column in the design is rounded once from its Float80 value
/// (`x = Double(logl(v))`, `lowOrder = logl(v) − x`), and a table may carry such factors
/// precomputed (``PrecomputedFactor``, ``DataTable/addPrecomputed(_:values:lowOrder:)``):
/// the design must then be the same bit for bit.
@Suite struct PrecomputedFactorTests {
    /// `(v, hi, lo)`: ln v to about 106 bits as `hi + lo`, `hi` correctly rounded to double,
    /// from Python's `decimal` at 60 digits (`hi = float(Decimal(v).ln())`, which rounds
    /// correctly; `lo = float(ln − hi)`). The last five are hard cases, ln v within 2⁻¹¹ ulp
    /// of a midpoint between doubles, where glibc's double `log` is one ulp off.
    static let logReference: [(Double, Double, Double)] = [
        (2.0, 0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56),
        (3.0, 0x1.193ea7aad030bp+0, -0x1.a256f99caabebp-54),
        (10.0, 0x1.26bb1bbb55516p+1, -0x1.f48ad494ea3e9p-53),
        (0.1, -0x1.26bb1bbb55515p+1, -0x1.8b752b6b15c17p-53),
        (1e-300, -0x1.5963447f87fb5p+9, -0x1.aa670d35324e6p-46),
        (1.7976931348623157e308, 0x1.62e42fefa39efp+9, 0x1.a9c9e3b39803fp-46),
        (123456.0, 0x1.77280f4671181p+3, 0x1.81765e668de8ep-52),
        (9.5, 0x1.202a5464624b1p+1, -0x1.6d77521a25364p-53),
        (1.0000000000000002, 0x1.fffffffffffffp-53, 0x1.5555555555554p-158),
        (0.9999999999999999, -0x1.0000000000000p-53, -0x1.0000000000000p-107),
        (Double.leastNonzeroMagnitude, -0x1.74385446d71c3p+9, -0x1.8e569fa8ee781p-45),
        (7.0, 0x1.f2272ae325a57p+0, 0x1.51bda525b3c98p-54),
        (1234567.0, 0x1.c0d6e21958116p+3, -0x1.1374c22cdd9aep-51),
        (350.0, 0x1.76e860762a46dp+2, 0x1.c527f67949339p-52),
        (2500.0, 0x1.f4bd2b7ac1bafp+2, 0x1.c2e234bf7104bp-53),
        (68804.33692640917, 0x1.6472de636b2bfp+3, 0x1.fffc7b08a55f3p-51),
        (278698.5545915208, 0x1.91365cc1fa301p+3, -0x1.fff651621150fp-51),
        (424567.5187932428, 0x1.9eaeb48c9a7ccp+3, -0x1.fffcc92df78acp-51),
        (75113.33811969272, 0x1.6741906707b79p+3, -0x1.ffff73c9a822ap-51),
        (695127.1498946642, 0x1.ae758e4059e91p+3, -0x1.ffefdcf92dffdp-51),
    ]

    /// `log(v)` in the design: `x + lowOrder` is the long-double logarithm exactly and within
    /// one Float80 ulp (2⁻⁶³ relative) of ln v; `x` is `Double(logl(v))`, the correctly
    /// rounded double (exactly) at the 15 ordinary values and within one double ulp at the
    /// five hard cases (rounding the 64-bit value to 53 bits cannot always decide them; the
    /// design's value, `x + lowOrder`, carries the 64 bits either way).
    @Test func logDesignValuesAreRoundedOnceFromTheLongDoubleLog() throws {
        let vs = Self.logReference.map(\.0)
        var t = DataTable()
        try t.add("y", .numeric(NumericColumn(values: vs.indices.map(Double.init), isPresent: vs.map { _ in true })))
        try t.add("v", .numeric(NumericColumn(values: vs, isPresent: vs.map { _ in true })))
        let d = try DesignMatrix(formula: "y ~ log(v)", data: t)
        let lo = try #require(d.lowOrder)
        #expect(d.keptRows.count == vs.count)
        for (i, (v, hi, refLo)) in Self.logReference.enumerated() {
            let x = d.x[i, 1]
            let full = Float80(x) + Float80(lo[i, 1])
            #expect(full == logl(Float80(v)), "log(\(v))")
            #expect(x == Double(logl(Float80(v))), "log(\(v))")
            let truth = Float80(hi) + Float80(refLo)
            #expect(abs(full - truth) <= abs(truth) * 0x1p-63, "log(\(v))")
            if i < 15 { #expect(x == hi, "log(\(v))") } else { #expect(abs(x - hi) <= hi.ulp, "log(\(v))") }
        }
    }

    /// Columns `a`, `b` with missing values, zeros (log 0 = −∞: excluded as not finite) and
    /// negative values (sqrt: NaN), and a key into a smaller "rows" table.
    static func tables(rows: Int, seed: UInt64) throws -> (table: DataTable, rowTable: DataTable, key: [Int]) {
        var g = SeededGenerator(seed: seed)
        var a: [Double?] = [], b: [Double?] = []
        for _ in 0..<rows {
            let u = g.nextUniform()
            a.append(u < 0.05 ? nil : u < 0.08 ? 0 : exp(g.nextUniform() * 30 - 10))
            let w = g.nextUniform()
            b.append(w < 0.05 ? nil : w < 0.07 ? -1 : g.nextUniform() * 1e4)
        }
        var rowTable = DataTable()
        try rowTable.add("a", .numeric(NumericColumn(a)))
        try rowTable.add("b", .numeric(NumericColumn(b)))
        // The model table: each of 3·rows rows takes the values of a random row (or none).
        var key: [Int] = [], y: [Double?] = [], ga: [Double?] = [], gb: [Double?] = []
        for _ in 0..<(3 * rows) {
            let r = g.nextUniform() < 0.03 ? -1 : Int(g.next() % UInt64(rows))
            key.append(r)
            ga.append(r >= 0 ? a[r] : nil)
            gb.append(r >= 0 ? b[r] : nil)
            y.append(g.nextUniform() < 0.02 ? nil : g.nextUniform() * 10)
        }
        var table = DataTable()
        try table.add("y", .numeric(NumericColumn(y)))
        try table.add("a", .numeric(NumericColumn(ga)))
        try table.add("b", .numeric(NumericColumn(gb)))
        return (table, rowTable, key)
    }

    static let formula = "y ~ log(a) + sqrt(b) + log(a):b + I(a^2) + log10(b) + a"

    /// The factors precomputed on the rows table and gathered give the same design (x,
    /// low-order parts, y, kept rows, exclusions) bit for bit as evaluating them per row.
    @Test(arguments: [UInt64(1), 2, 3])
    func precomputedFactorsGiveTheSameDesign(seed: UInt64) throws {
        let (table, rowTable, key) = try Self.tables(rows: 400, seed: seed)
        let f = try Formula(Self.formula)
        var withFactors = table
        var attached = 0
        for term in f.terms {
            for factor in term.factors {
                guard case .expression(let e) = factor.kind, PrecomputedFactor.isPrecomputable(e) else { continue }
                let names = PrecomputedFactor.columnNames(e)
                if withFactors.column(named: names.value) != nil { continue }
                let (v, lo) = PrecomputedFactor.evaluate(e, over: rowTable)
                try withFactors.addPrecomputed(e, values: key.map { $0 >= 0 ? v[$0] : 0 }, lowOrder: key.map { $0 >= 0 ? lo[$0] : 0 })
                attached += 1
            }
        }
        #expect(attached == 3)  // log(a), sqrt(b), log10(b); not I(a^2)
        let plain = try DesignMatrix(f, data: table)
        let pre = try DesignMatrix(f, data: withFactors)
        #expect(plain.termNames == pre.termNames)
        #expect(plain.keptRows == pre.keptRows)
        #expect(plain.exclusions == pre.exclusions)
        #expect(plain.y == pre.y)
        #expect(plain.x.storage == pre.x.storage)
        #expect(plain.lowOrder?.storage == pre.lowOrder?.storage)
        #expect(plain.lowOrder != nil)
        // The streaming fit over the same blocks agrees with itself either way, bit for bit.
        let s1 = try StreamingFormulaFit(formula: Self.formula, source: DataTableBlockSource(table, blockRows: 97))
        let s2 = try StreamingFormulaFit(formula: Self.formula, source: DataTableBlockSource(withFactors, blockRows: 97))
        #expect(s1.fit.coefficients == s2.fit.coefficients)
        #expect(s1.fit.sigma == s2.fit.sigma)
        // And with the in-memory fit (same design, factor and solver tolerance as the
        // existing streaming-vs-in-memory tests: 1e-9 relative).
        let m = try FormulaFit(formula: Self.formula, data: table)
        for (a, b) in zip(s2.fit.coefficients, m.result.coefficients.map(\.estimate)) {
            let a = try #require(a), b = try #require(b)
            #expect(abs(a - b) <= 1e-9 * max(1, abs(b)))
        }
    }

    /// A transformed value at a row where its column is missing never reaches the design,
    /// and `evaluate(_:over:)` gives 0 as the low-order part of a non-finite value.
    @Test func nonFiniteValuesHaveNoLowOrderPart() throws {
        var t = DataTable()
        try t.add("a", .numeric(NumericColumn([0, -1, 2, nil])))
        let (v, lo) = PrecomputedFactor.evaluate(.call(.log, .column("a")), over: t)
        #expect(v[0] == -.infinity && v[1].isNaN && v[2] == Double(logl(Float80(2))))
        #expect(lo[0] == 0 && lo[1] == 0 && lo[2] == Double(logl(Float80(2)) - Float80(v[2])))
    }
}
