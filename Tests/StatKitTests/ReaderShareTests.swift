import Foundation
import Testing
@testable import StatKit

/// ``StreamingFormulaFit``'s split first pass (`readerShare`: the reading stage folds every
/// k-th block into a factor of its own, merged at the end) against:
///
/// - the same split made by hand with ``QRAccumulator`` (the blocks in the same groups, the
///   same merge): equal bits;
/// - itself with one thread and two (equal bits), over numeric blocks and ``DataTable``
///   blocks (equal bits);
/// - the single chain (`readerShare: 0`) and the in-memory ``FormulaFit`` (the tolerances of
///   ``StreamingFitTests``: 1e-10 relative);
/// - the NIST StRD certified values (the polynomial datasets through the formula interface,
///   with the thresholds of ``StreamingNISTTests``).
@Suite("Split first pass (readerShare)")
struct ReaderShareTests {
    @Test("which parts the reading stage folds")
    func partsFolded() {
        let folded = (0..<12).filter { StreamingFormulaFit.readerFolds(part: $0, readerShare: 3, newColumns: []) }
        #expect(folded == [2, 5, 8, 11])
        #expect(!(0..<12).contains { StreamingFormulaFit.readerFolds(part: $0, readerShare: 0, newColumns: []) })
        #expect(!(0..<12).contains { StreamingFormulaFit.readerFolds(part: $0, readerShare: 1, newColumns: []) })
        #expect(!StreamingFormulaFit.readerFolds(part: 2, readerShare: 3, newColumns: ["x"]))
        // Error rows counted by one accumulator, renumbered over both.
        let e = StreamingFormulaFit.renumbered(RegressionError.nonFinite(column: "x", row: 107, value: .infinity), seen: 100, firstRow: 250)
        #expect(e.description == StreamingFitError.regression(RegressionError.nonFinite(column: "x", row: 257, value: .infinity)).description)
    }

    @Test("the same bits as the split made by hand with QRAccumulator", arguments: [2, 3, 5])
    func equalsHandMadeSplit(share: Int) throws {
        let d = QRAccumulatorTests.data(n: 2_000, seed: 31)
        let names = ["x1", "x2", "x3", "x4"]
        var columns: [(String, Column)] = [("y", .numeric(NumericColumn(d.y.map { $0 })))]
        for (j, name) in names.enumerated() { columns.append((name, .numeric(NumericColumn((0..<d.y.count).map { d.x[$0, j + 1] })))) }
        let table = try DataTable(columns)
        let blockRows = 97
        for threads in [1, 2] {
            let fit = try StreamingFormulaFit(formula: "y ~ x1 + x2 + x3 + x4", source: DataTableBlockSource(table, blockRows: blockRows),
                                              threads: threads, durbinWatson: false, readerShare: share)
            // By hand: part p to the reader when p % share == share − 1 (part 0 introduces the columns).
            let termNames = ["(Intercept)"] + names
            var main = QRAccumulator(columns: 5, columnNames: termNames, durbinWatson: false)
            var reader = QRAccumulator(columns: 5, columnNames: termNames, durbinWatson: false)
            for (p, r) in Streaming.chunks(d.y.count, sizes: [blockRows]).enumerated() {
                let x = Streaming.rows(d.x, r), y = Array(d.y[r])
                if p > 0 && p % share == share - 1 { try reader.add(x, response: y) } else { try main.add(x, response: y) }
            }
            try main.merge(reader)
            let byHand = try main.selecting((0..<5).map { Optional($0) }, names: termNames).fit(hasIntercept: true)
            #expect(fit.fit.beta80 == byHand.beta80, "share \(share) threads \(threads)")
            #expect(try fit.fit.result().sigma.bitPattern == byHand.result().sigma.bitPattern)
            #expect(try fit.fit.result().rSquared.bitPattern == byHand.result().rSquared.bitPattern)
        }
    }

    @Test("numeric and table blocks, one thread and two: equal bits; single chain and in-memory: 1e-10",
          arguments: ["log(cut) ~ log(e) + r", "sqrt(cut) ~ r + f", "log(cut) ~ r + log(e) + f + h"])
    func splitAgainstSingleChainAndMemory(formula text: String) throws {
        let (table, logE) = try NumericBlockTests.table(n: 3_000, seed: 17)
        let (values, low) = PrecomputedFactor.evaluate(logE, over: table)
        var whole = table
        try whole.addPrecomputed(logE, values: values, lowOrder: low)
        for blockRows in [64, 256] {
            let source = NumericBlockTests.Source(table: table, precomputed: [(logE, values, low)], blockRows: blockRows)
            // Robust covariances: the second pass gives Durbin–Watson (the first keeps no differenced factor).
            for cov in [CovarianceType.hc1, .hc3] {
                let chain = try StreamingFormulaFit(formula: text, source: source, covariance: cov, durbinWatson: false)
                let memory = try FormulaFit(formula: text, data: whole, covariance: cov)
                for share in [2, 3, 5] {
                    let label = "\(text) blocks \(blockRows) \(cov.rawValue) share \(share)"
                    let one = try StreamingFormulaFit(formula: text, source: source, covariance: cov, threads: 1,
                                                      durbinWatson: false, readerShare: share)
                    let two = try StreamingFormulaFit(formula: text, source: source, covariance: cov, threads: 2,
                                                      durbinWatson: false, readerShare: share)
                    let general = try StreamingFormulaFit(formula: text, source: NumericBlockTests.TablesOnly(source: source),
                                                          covariance: cov, threads: 2, durbinWatson: false, readerShare: share)
                    for other in [two, general] {
                        #expect(one.fit.beta80 == other.fit.beta80, "\(label)")
                        #expect(one.result.covarianceMatrix == other.result.covarianceMatrix, "\(label): covariance bits")
                        #expect(one.result.rSquared.bitPattern == other.result.rSquared.bitPattern
                                && one.result.sigma.bitPattern == other.result.sigma.bitPattern, "\(label)")
                        #expect(one.exclusions == other.exclusions && one.fit.n == other.fit.n)
                    }
                    StreamingFitTests.compare(one.result, memory.result, label)
                    Self.expectClose(one.result, chain.result, 1e-12, label + " vs single chain")
                }
            }
        }
    }

    /// Every statistic of `a` within `tol` (relative, absolute below 1) of `b`'s.
    static func expectClose(_ a: StreamingRegressionResult, _ b: StreamingRegressionResult, _ tol: Double, _ label: String,
                            sourceLocation: SourceLocation = #_sourceLocation) {
        func close(_ u: Double?, _ v: Double?) -> Bool {
            guard let u, let v else { return u == nil && v == nil }
            return abs(u - v) <= tol * max(1, abs(u), abs(v))
        }
        #expect(a.n == b.n && a.rank == b.rank, "\(label)", sourceLocation: sourceLocation)
        for (c, e) in zip(a.coefficients, b.coefficients) {
            #expect(close(c.estimate, e.estimate) && close(c.standardError, e.standardError) && close(c.t, e.t),
                    "\(label): \(c.term)", sourceLocation: sourceLocation)
        }
        #expect(close(a.sigma, b.sigma) && close(a.rSquared, b.rSquared) && close(a.fStatistic, b.fStatistic)
                && close(a.logLikelihood, b.logLikelihood) && close(a.conditionNumber, b.conditionNumber), "\(label)",
                sourceLocation: sourceLocation)
    }

    /// The NIST polynomial datasets, streamed in blocks of 7 rows through the formula
    /// interface with the first pass split: the certified values to the same LRE as the
    /// single chain must reach.
    @Test("NIST polynomials with the first pass split", .enabled(if: NIST.available, "NIST StRD files not found in ../shared/reference/nist-strd"),
          arguments: ["Filip", "Pontius", "Wampler1", "Wampler3", "Wampler5"])
    func nistSplit(_ name: String) throws {
        let d = try NIST.load(name)
        let x = d.design.column(1), degree = d.terms.count - 1
        let table = try DataTable([("y", .numeric(NumericColumn(d.y.map { $0 }))), ("x", .numeric(NumericColumn(x.map { $0 })))])
        let formula = "y ~ x" + (degree >= 2 ? (2...degree).map { " + I(x^\($0))" }.joined() : "")
        for share in [2, 3] {
            let fits = try [1, 2].map { threads in
                try StreamingFormulaFit(formula: formula, source: DataTableBlockSource(table, blockRows: 7), threads: threads,
                                        durbinWatson: false, readerShare: share)
            }
            #expect(fits[0].fit.beta80 == fits[1].fit.beta80)
            #expect(fits[0].result.droppedTerms.isEmpty)
            let s = StreamingNISTTests.score(d, fits[0].result)
            StreamingNISTTests.check(name, s, .extended, "formula, share \(share)")
        }
    }
}
