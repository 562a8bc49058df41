import Foundation
import Testing
@testable import StatKit

/// The streamed fit's fused paths against the general ones they replace, bit for bit, and
/// against independent references:
///
/// - ``NumericBlockDesign`` (and ``StreamingModelFrame/evaluateNumeric(_:plan:kept:response:)``)
///   against ``DesignMatrix`` over the same block as a ``DataTable`` (every entry, low-order
///   part, response, kept row and exclusion count equal), and against a brute-force row loop
///   (kept rows and exclusion reasons by hand, `log` of the C library per row: exact);
/// - ``StreamingFormulaFit`` over a ``NumericBlockSource`` against the same fit over
///   ``DataTable`` blocks (equal bits) and the in-memory ``FormulaFit`` (tolerances of
///   ``StreamingFitTests``: 1e-10 relative);
/// - ``QRAccumulator/add(_:response:lowOrder:summary:)`` against ``QRAccumulator/add(_:response:weights:lowOrder:)``
///   (equal factor bits, the same errors);
/// - ``ResidualAccumulator/prepare(_:response:lowOrder:)`` with ``ResidualAccumulator/add(_:clusters:residuals:leverages:)``
///   against ``ResidualAccumulator/add(_:response:weights:clusters:lowOrder:residuals:leverages:)``
///   (equal per-row output and covariance bits) and the in-memory ``LinearRegression``
///   (1e-10 relative).
@Suite("Numeric blocks: fused design, prepared residual rows, summarised QR blocks")
struct NumericBlockTests {
    /// A table of numeric columns with missing values, zeros, negatives, NaN and infinities,
    /// whole and fractional responses (some ≥ 4,096, beyond the response table), and the
    /// precomputed `log(e)`.
    static func table(n: Int, seed: UInt64) throws -> (DataTable, FormulaExpression) {
        var g = SeededGenerator(seed: seed)
        var cut: [Double?] = [], e: [Double?] = [], r: [Double?] = [], f: [Double?] = [], h: [Double?] = []
        for i in 0..<n {
            let emp = (exp(3 * g.nextNormal() + 6)).rounded()
            let growth = 20 * g.nextNormal()
            var c: Double? = (exp(0.8 * log(max(emp, 1)) - 1 + g.nextNormal())).rounded() + 1
            if i % 5 == 1 { c = c! + 0.25 }              // not a whole number
            if i % 41 == 3 { c = 5000 + Double(i) }        // beyond the table
            var ev: Double? = emp, rv: Double? = growth, fv: Double? = g.nextUniform()
            if i % 7 == 2 { c = nil }
            if i % 11 == 4 { ev = nil }
            if i % 13 == 6 { rv = nil }
            if i % 17 == 8 { fv = nil }
            if i % 23 == 9 { c = 0 }                       // log 0 = −∞: not finite
            if i % 29 == 10 { c = -3 }                     // log −3 = NaN
            if i % 31 == 12 { ev = 0 }                     // log(e) not finite
            if i % 37 == 14 { rv = .nan }                  // a present NaN
            if i % 43 == 15 { rv = .infinity }
            if i % 47 == 16 { c = 1 }                      // log 1 = 0
            cut.append(c); e.append(ev); r.append(rv); f.append(fv); h.append(i % 19 == 5 ? nil : Double(i % 10))
        }
        let t = try DataTable([("cut", .numeric(NumericColumn(cut))), ("e", .numeric(NumericColumn(e))),
                               ("r", .numeric(NumericColumn(r))), ("f", .numeric(NumericColumn(f))),
                               ("h", .numeric(NumericColumn(h)))])
        return (t, .call(.log, .column("e")))
    }

    static let formulas = [
        "log(cut) ~ log(e) + r", "log(cut) ~ r + log(e) + f", "sqrt(cut) ~ log(e)", "cut ~ r + f",
        "log(cut) ~ log(e) + r - 1", "log10(cut) ~ f", "log(cut) ~ 1",
        "log(cut) ~ r + log(e) + f + h",   // five columns: the general presence loop
    ]

    @Test("NumericBlockDesign equals DesignMatrix block by block, and a brute-force row loop", arguments: formulas)
    func designEqualsDesignMatrix(formula text: String) throws {
        let (table, logE) = try Self.table(n: 2_000, seed: 3)
        let (values, low) = PrecomputedFactor.evaluate(logE, over: table)
        let formula = try Formula(text)
        var design = try #require(NumericBlockDesign(formula: formula, numericColumns: table.names, precomputed: [logE]))
        var excluded = 0
        for r in Streaming.chunks(table.rowCount, sizes: [300, 1, 699]) {
            var block = DataTable()
            for name in table.names {
                guard case .numeric(let c)? = table.column(named: name) else { continue }
                try block.add(name, .numeric(NumericColumn(values: Array(c.values[r]), isPresent: Array(c.isPresent[r]))))
            }
            try block.addPrecomputed(logE, values: Array(values[r]), lowOrder: Array(low[r]))
            var expected: DesignMatrix? = nil
            do { expected = try DesignMatrix(formula, data: block) } catch {
                guard case .noRowsLeft = error else { throw error }
            }
            let got = Self.withNumericBlock(block, columns: design.columns, precomputed: design.precomputed) { design.evaluate($0) }
            #expect((got == nil) == (expected == nil), "\(text) rows \(r)")
            excluded += r.count - (expected?.keptRows.count ?? 0)
            guard let got, let dm = expected else { continue }
            #expect(design.termNames == dm.termNames && design.responseName == dm.responseName, "\(text)")
            #expect(got.x.storage == dm.x.storage && got.x.rows == dm.x.rows && got.x.columns == dm.x.columns, "\(text) rows \(r): x")
            #expect(got.lowOrder?.storage == dm.lowOrder?.storage, "\(text) rows \(r): low-order part")
            #expect(design.response.map(\.bitPattern) == dm.y.map(\.bitPattern), "\(text) rows \(r): response")
            #expect(design.keptRows == dm.keptRows, "\(text) rows \(r): kept rows")
        }
        // The whole table in memory: the same exclusions, reason by reason.
        var whole = table
        try whole.addPrecomputed(logE, values: values, lowOrder: low)
        let dm = try DesignMatrix(formula, data: whole)
        #expect(design.exclusions == dm.exclusions, "\(text): exclusions")
        #expect(excluded == dm.exclusions.totalRows - dm.keptRows.count)

        // Brute force for the report's formula: a row is kept when cut, e and r are present,
        // log(cut) and log(e) finite and r finite; reasons in that order.
        if text == "log(cut) ~ log(e) + r" {
            func col(_ n: String) -> NumericColumn {
                guard case .numeric(let c)? = table.column(named: n) else { preconditionFailure() }
                return c
            }
            let cut = col("cut"), e = col("e"), rg = col("r")
            var kept: [Int] = [], reasons: [String: Int] = [:], y: [Double] = []
            for i in 0..<table.rowCount {
                if cut[i] == nil { reasons["missing cut", default: 0] += 1; continue }
                if e[i] == nil { reasons["missing e", default: 0] += 1; continue }
                if rg[i] == nil { reasons["missing r", default: 0] += 1; continue }
                if !Foundation.log(cut[i]!).isFinite { reasons["log(cut) not finite", default: 0] += 1; continue }
                if !Foundation.log(e[i]!).isFinite { reasons["log(e) not finite", default: 0] += 1; continue }
                if !rg[i]!.isFinite { reasons["r not finite", default: 0] += 1; continue }
                kept.append(i)
                y.append(Foundation.log(cut[i]!))
            }
            #expect(dm.keptRows == kept && dm.y == y)
            #expect(Dictionary(uniqueKeysWithValues: design.exclusions.reasons.map { ($0.reason, $0.count) }) == reasons)
            #expect(reasons.count == 6, "every reason occurs")
        }
    }

    @Test("formulas the fused design does not read are refused")
    func refused() throws {
        let names = ["cut", "e", "r", "f", "g"]
        let logE = FormulaExpression.call(.log, .column("e"))
        for text in ["log(cut) ~ r:f", "log(cut) ~ I(r^2)", "log(cut) ~ C(f)", "log(cut) ~ log(r)", "log(cut + 1) ~ r",
                     "log(cut) ~ log(e)"] {
            let precomputed = text == "log(cut) ~ log(e)" ? [] : [logE]
            #expect(NumericBlockDesign(formula: try Formula(text), numericColumns: names, precomputed: precomputed) == nil, "\(text)")
        }
        #expect(NumericBlockDesign(formula: try Formula("log(cut) ~ log(e)"), numericColumns: names, precomputed: [logE]) != nil)
    }

    /// `body` with `block`'s named numeric columns and precomputed factors as a ``NumericColumnsBlock``.
    static func withNumericBlock<R>(_ block: DataTable, columns: [String], precomputed: [FormulaExpression],
                                    _ body: (NumericColumnsBlock) throws -> R) rethrows -> R {
        let n = block.rowCount
        var values: [Double] = [], present: [Bool] = []
        for c in columns {
            guard case .numeric(let col)? = block.column(named: c) else { preconditionFailure("\(c) is not numeric") }
            values += col.values
            present += col.isPresent
        }
        for e in precomputed {
            let names = PrecomputedFactor.columnNames(e)
            guard case .numeric(let v)? = block.column(named: names.value), case .numeric(let lo)? = block.column(named: names.low) else {
                preconditionFailure("no precomputed \(e)")
            }
            values += v.values
            values += lo.values
        }
        return try values.withUnsafeBufferPointer { vp in
            try present.withUnsafeBufferPointer { pp in
                try body(NumericColumnsBlock(rows: n, columnCount: columns.count + 2 * precomputed.count, values: vp, present: pp))
            }
        }
    }

    /// A table of numeric columns (and precomputed factors) handed out both ways.
    struct Source: NumericBlockSource {
        let table: DataTable
        let precomputed: [(FormulaExpression, [Double], [Double])]
        let blockRows: Int
        var name: String { "numeric table" }
        var numericColumnNames: [String] { table.names }
        var precomputedFactors: [FormulaExpression] { precomputed.map(\.0) }

        func columnNames() throws(StreamingFitError) -> [String] { table.names }

        func block(_ r: Range<Int>) -> DataTable {
            var b = DataTable()
            for name in table.names {
                guard case .numeric(let c)? = table.column(named: name) else { continue }
                try! b.add(name, .numeric(NumericColumn(values: Array(c.values[r]), isPresent: Array(c.isPresent[r]))))
            }
            for (e, v, lo) in precomputed { try! b.addPrecomputed(e, values: Array(v[r]), lowOrder: Array(lo[r])) }
            return b
        }

        func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
            for r in Streaming.chunks(table.rowCount, sizes: [blockRows]) { try body(block(r), nil) }
        }

        func forEachNumericBlock(columns: [String], precomputed: [FormulaExpression],
                                 _ body: (NumericColumnsBlock) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
            for r in Streaming.chunks(table.rowCount, sizes: [blockRows]) {
                let b = block(r)
                let outcome: StreamingFitError? = NumericBlockTests.withNumericBlock(b, columns: columns, precomputed: precomputed) { nb in
                    do throws(StreamingFitError) { try body(nb); return nil } catch { return error }
                }
                if let outcome { throw outcome }
            }
        }
    }

    /// The general blocks of ``Source``, without its numeric ones.
    struct TablesOnly: TableBlockSource {
        let source: Source
        var name: String { source.name }
        func columnNames() throws(StreamingFitError) -> [String] { try source.columnNames() }
        func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
            try source.forEachBlock(columns: columns, body)
        }
    }

    @Test("StreamingFormulaFit over numeric blocks: the same bits as over tables, and the in-memory fit",
          arguments: ["log(cut) ~ log(e) + r", "sqrt(cut) ~ r + f", "log(cut) ~ log(e) + r - 1", "log(cut) ~ r + log(e) + f + h"])
    func streamingFitEqualsTables(formula text: String) throws {
        let (table, logE) = try Self.table(n: 3_000, seed: 11)
        let (values, low) = PrecomputedFactor.evaluate(logE, over: table)
        var whole = table
        try whole.addPrecomputed(logE, values: values, lowOrder: low)
        for blockRows in [256, 1_000] {
            let source = Source(table: table, precomputed: [(logE, values, low)], blockRows: blockRows)
            for (cov, threads) in [(CovarianceType.classical, 1), (.hc3, 2), (.hc1, 1)] {
                let label = "\(text) blocks \(blockRows) \(cov.rawValue) threads \(threads)"
                let fused = try StreamingFormulaFit(formula: text, source: source, covariance: cov, threads: threads)
                let general = try StreamingFormulaFit(formula: text, source: TablesOnly(source: source), covariance: cov, threads: threads)
                #expect(fused.termNames == general.termNames && fused.exclusions == general.exclusions, "\(label)")
                #expect(fused.result.coefficients.map { $0.estimate?.bitPattern } == general.result.coefficients.map { $0.estimate?.bitPattern }, "\(label)")
                #expect(fused.result.covarianceMatrix == general.result.covarianceMatrix, "\(label): covariance bits")
                #expect(fused.result.durbinWatson.bitPattern == general.result.durbinWatson.bitPattern
                        && fused.result.rSquared == general.result.rSquared && fused.result.sigma == general.result.sigma, "\(label)")
                let memory = try FormulaFit(formula: text, data: whole, covariance: cov)
                #expect(fused.exclusions == memory.design.exclusions, "\(label): exclusions")
                StreamingFitTests.compare(fused.result, memory.result, label)
            }
        }
    }

    /// A wide block is handed to the accumulator in parts of at most
    /// ``StreamingFormulaFit/blockElements`` entries, as the table path splits its rows.
    @Test func widePartsKeepEveryRowInOrder() {
        let columns = 64, rows = 40_000
        let step = StreamingFormulaFit.blockElements / columns
        var x = Matrix(rows: rows, columns: columns), low = Matrix(rows: rows, columns: columns)
        for j in [0, 5, 63] { for i in 0..<rows { x[i, j] = Double(i * 100 + j); low[i, j] = Double(i) * 0x1p-60 } }
        let y = (0..<rows).map { Double($0) / 7 }
        let parts = StreamingFormulaFit.parts(x, low, y)
        #expect(parts.map(\.0.rows) == [step, step, rows - 2 * step])
        var at = 0
        for (px, plo, py) in parts {
            for j in [0, 5, 63] {
                #expect((0..<px.rows).allSatisfy { px[$0, j] == x[at + $0, j] && plo![$0, j] == low[at + $0, j] })
            }
            #expect(py == Array(y[at..<(at + px.rows)]))
            at += px.rows
        }
        let one = StreamingFormulaFit.parts(Streaming.rows(x, 0..<step), nil, Array(y[0..<step]))
        #expect(one.count == 1 && one[0].1 == nil)
    }

    @Test("QRAccumulator: summarised blocks fold to the same bits, and refuse what add refuses")
    func summarisedBlocks() throws {
        let d = QRAccumulatorTests.data(n: 900, seed: 23)
        let n = d.y.count
        var lo = Matrix(rows: n, columns: d.x.columns)
        for i in 0..<n { lo[i, 1] = d.x[i, 1] * 0x1p-60 }
        for withLow in [false, true] {
            var plain = QRAccumulator(columns: d.x.columns, columnNames: d.names)
            var summarised = plain
            for r in Streaming.chunks(n, sizes: [300, 1, 199]) {
                let x = Streaming.rows(d.x, r), l = withLow ? Streaming.rows(lo, r) : nil, y = Array(d.y[r])
                try plain.add(x, response: y, lowOrder: l)
                try summarised.add(x, response: y, lowOrder: l, summary: QRAccumulator.summarize(x, response: y, lowOrder: l))
            }
            let m = d.x.columns + 1
            for j in 0..<m { for i in 0...j { #expect(plain.r[i, j] == summarised.r[i, j], "low \(withLow): R[\(i), \(j)]") } }
            #expect(plain.meanY == summarised.meanY && plain.m2Y == summarised.m2Y && plain.count == summarised.count)
            let a = try plain.fit(hasIntercept: true), b = try summarised.fit(hasIntercept: true)
            #expect(a.beta80 == b.beta80)
            // Against the in-memory fit (the low-order part, 2⁻⁶⁰ relative, is far below the tolerance).
            let memory = try LinearRegression(design: d.x, response: d.y, termNames: d.names, hasIntercept: true).fit()
            StreamingFitTests.compare(try b.result(), memory, "summarised, low \(withLow)")
        }
        // A block with an infinity: the summary says so, and the error is add's.
        var x = Streaming.rows(d.x, 0..<50)
        x[7, 2] = .infinity
        let y = Array(d.y[0..<50])
        let summary = QRAccumulator.summarize(x, response: y)
        var acc = QRAccumulator(columns: d.x.columns, columnNames: d.names)
        try acc.add(Streaming.rows(d.x, 50..<60), response: Array(d.y[50..<60]))
        var other = acc
        #expect(throws: RegressionError.nonFinite(column: d.names[2], row: 17, value: .infinity)) {
            try acc.add(x, response: y, lowOrder: nil, summary: summary)
        }
        #expect(throws: RegressionError.nonFinite(column: d.names[2], row: 17, value: .infinity)) { try other.add(x, response: y) }
        #expect(acc.count == 10 && other.count == 10)
    }

    @Test("ResidualAccumulator: prepared rows add up to the same bits as the block itself", arguments: [1, 2, 3, 4])
    func preparedRows(columns k: Int) throws {
        let d = QRAccumulatorTests.data(n: 1_300, seed: 29)
        let n = d.y.count
        let pick = Array([0, 1, 4, 2].prefix(k))
        let x = d.x.selectingColumns(pick), names = pick.map { d.names[$0] }
        var lo = Matrix(rows: n, columns: k)
        if k > 1 { for i in 0..<n { lo[i, 1] = x[i, 1] * 0x1p-60 } }
        let fit = try Streaming.accumulate(x, d.y, lowOrder: lo, names: names, blocks: Streaming.chunks(n, sizes: [128]))
            .fit(hasIntercept: true)
        let memory = try LinearRegression(design: x, response: d.y, termNames: names, hasIntercept: true)
        for covariances in [[CovarianceType.hc3, .cluster], [.cluster], [.hc0, .hc2, .hc3, .cluster, .classical], [.hc1]] {
            var direct = fit.residualAccumulator(covariances: covariances, keepResiduals: true)
            var mixed = direct
            #expect(mixed.preparesRows)
            var out = (r: [Double](), h: [Double]()), outDirect = (r: [Double](), h: [Double]())
            // 700 rows: two dsyrk chunks in a block; every other block prepared.
            for (b, r) in Streaming.chunks(n, sizes: [700, 3, 197, 400]).enumerated() {
                let block = Streaming.rows(x, r), loBlock = Streaming.rows(lo, r), y = Array(d.y[r])
                let g = covariances.contains(.cluster) ? d.g[r].map { Int($0) } : nil
                try direct.add(block, response: y, clusters: g, lowOrder: loBlock, residuals: &outDirect.r, leverages: &outDirect.h)
                if b % 2 == 0 {
                    let prepared = try mixed.prepare(block, response: y, lowOrder: loBlock)
                    try mixed.add(prepared, clusters: g, residuals: &out.r, leverages: &out.h)
                } else {
                    try mixed.add(block, response: y, clusters: g, lowOrder: loBlock, residuals: &out.r, leverages: &out.h)
                }
            }
            let label = "k \(k) \(covariances.map(\.rawValue))"
            #expect(out.r.map(\.bitPattern) == outDirect.r.map(\.bitPattern) && out.h.map(\.bitPattern) == outDirect.h.map(\.bitPattern), "\(label): per-row output")
            for cov in covariances {
                let a = try fit.result(residuals: mixed, covariance: cov), b = try fit.result(residuals: direct, covariance: cov)
                #expect(a.covarianceMatrix == b.covarianceMatrix && a.durbinWatson.bitPattern == b.durbinWatson.bitPattern
                        && a.residualFiveNumberSummary == b.residualFiveNumberSummary && a.clusterCount == b.clusterCount, "\(label) \(cov.rawValue)")
                if k > 1 {
                    let m = try memory.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
                    StreamingFitTests.compare(a, m, "\(label) \(cov.rawValue)", residualSummary: true)
                }
            }
        }
        // Rows with leverage 1 are reported from prepared rows too (row numbers across blocks).
        var xs = Matrix(rows: 200, columns: 3)
        for i in 0..<200 { xs[i, 0] = 1; xs[i, 1] = d.x[i, 1]; xs[i, 2] = i == 117 ? 1 : 0 }
        let f = try Streaming.accumulate(xs, Array(d.y[0..<200]), blocks: [0..<200]).fit(hasIntercept: true)
        var acc = f.residualAccumulator(covariances: [.hc3, .cluster])
        var r: [Double] = [], h: [Double] = []
        for range in [0..<100, 100..<200] {
            let p = try acc.prepare(Streaming.rows(xs, range), response: Array(d.y[range]))
            try acc.add(p, clusters: range.map { $0 % 9 }, residuals: &r, leverages: &h)
        }
        #expect(throws: RegressionError.leverageOne(covariance: "HC3", rows: [117])) { _ = try f.result(residuals: acc) }
        // Without cluster keys for a cluster estimator: refused, nothing added.
        let p = try acc.prepare(Streaming.rows(xs, 0..<10), response: Array(d.y[0..<10]))
        #expect(throws: RegressionError.self) { try acc.add(p, clusters: nil, residuals: &r, leverages: &h) }
        #expect(acc.count == 200 && r.count == 200)
        // A weighted accumulator does not take prepared rows.
        let wf = try Streaming.accumulate(x, d.y, weights: d.w, names: names, blocks: [0..<n]).fit(hasIntercept: true)
        #expect(!wf.residualAccumulator(covariance: .hc3).preparesRows)
    }
}
