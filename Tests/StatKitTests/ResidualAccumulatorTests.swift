import Foundation
import Testing
@testable import StatKit

/// One ``ResidualAccumulator`` for several estimators at once, its per-row residuals and
/// leverages, and its cluster keys, against the in-memory ``LinearRegression`` (residuals
/// `y − Xβ̂`, ``RegressionResult/leverages()``, every covariance) and against accumulators of
/// one estimator each.
///
/// Tolerances: as ``StreamingFitTests`` (1e-10 relative; p-values 1e-8); residuals and
/// leverages 1e-10 relative to the largest of their kind. One estimator accumulated alone
/// or with others gives the same bits (the shared `ẽᵢ`, `zᵢ` are the same numbers), which
/// is checked exactly.
@Suite("ResidualAccumulator: several estimators, per-row output, cluster keys")
struct ResidualAccumulatorTests {
    static let all: [CovarianceType] = [.hc3, .cluster, .classical, .hc0, .hc1, .hc2]

    @Test("several estimators in one pass equal the in-memory fit and one-estimator accumulators")
    func severalEstimators() throws {
        let d = QRAccumulatorTests.data(n: 700, seed: 17)
        let n = d.y.count
        for weighted in [false, true] {
            let w = weighted ? d.w : nil
            let model = try LinearRegression(design: d.x, response: d.y, termNames: d.names, hasIntercept: true, weights: w)
            let fit = try Streaming.accumulate(d.x, d.y, weights: w, names: d.names, blocks: Streaming.chunks(n, sizes: [64]))
                .fit(hasIntercept: true)
            // Blocks of 600 and 100 rows: more than one dsyrk chunk (512 rows) in a block.
            let blocks = Streaming.chunks(n, sizes: [600, 1, 99])
            var multi = fit.residualAccumulator(covariances: Self.all, keepResiduals: true)
            var residuals: [Double] = [], leverages: [Double] = []
            for r in blocks {
                try multi.add(Streaming.rows(d.x, r), response: Array(d.y[r]), weights: w.map { Array($0[r]) },
                              clusters: d.g[r].map { Int($0) }, residuals: &residuals, leverages: &leverages)
            }
            #expect(multi.covariances == Self.all && multi.covariance == .hc3 && multi.count == n && multi.clusterCount == 25)
            for cov in Self.all {
                let memory = try model.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
                let s = try fit.result(residuals: multi, covariance: cov)
                StreamingFitTests.compare(s, memory, "weighted \(weighted) \(cov.rawValue)", residualSummary: true)
                // One estimator alone, the same blocks: the same bits.
                var single = fit.residualAccumulator(covariance: cov, keepResiduals: true)
                for r in blocks {
                    try single.add(Streaming.rows(d.x, r), response: Array(d.y[r]), weights: w.map { Array($0[r]) },
                                   clusters: cov == .cluster ? d.g[r].map { Int($0) } : nil)
                }
                let alone = try fit.result(residuals: single)
                #expect(alone.covarianceMatrix == s.covarianceMatrix, "weighted \(weighted) \(cov.rawValue): covariance bits")
                #expect(alone.durbinWatson == s.durbinWatson && alone.residualFiveNumberSummary == s.residualFiveNumberSummary)
            }
            // Per-row output: whitened residuals √wᵢ(yᵢ − xᵢᵀβ̂) and leverages, in row order.
            let m = try model.fit()
            let wantResiduals = (0..<n).map { i in m.residuals[i] * (w.map { $0[i].squareRoot() } ?? 1) }
            let h = m.leverages()
            #expect(residuals.count == n && leverages.count == n)
            let rScale = wantResiduals.map(abs).max()!, hScale = h.max()!
            #expect(zip(residuals, wantResiduals).allSatisfy { abs($0 - $1) <= 1e-10 * rScale }, "weighted \(weighted): residuals")
            #expect(zip(leverages, h).allSatisfy { abs($0 - $1) <= 1e-10 * hScale }, "weighted \(weighted): leverages")
            #expect(abs(leverages.reduce(0, +) - Double(m.rank)) <= 1e-9 * Double(m.rank), "leverages sum to the rank")
        }
    }

    @Test("per-row output appends to the caller's arrays; merged accumulators equal one")
    func appendAndMerge() throws {
        let d = QRAccumulatorTests.data(n: 300, seed: 5)
        let fit = try Streaming.accumulate(d.x, d.y, names: d.names, blocks: [0..<300]).fit(hasIntercept: true)
        let model = try LinearRegression(design: d.x, response: d.y, termNames: d.names, hasIntercept: true)
        var residuals: [Double] = [42], leverages: [Double] = []
        var parts: [ResidualAccumulator] = []
        for r in Streaming.chunks(300, sizes: [70, 30]) {
            var p = fit.residualAccumulator(covariances: [.cluster, .hc2])
            try p.add(Streaming.rows(d.x, r), response: Array(d.y[r]), clusters: d.g[r].map { Int($0) },
                      residuals: &residuals, leverages: &leverages)
            parts.append(p)
        }
        #expect(residuals.count == 301 && residuals[0] == 42 && leverages.count == 300)
        var merged = parts[0]
        for p in parts.dropFirst() { try merged.merge(p) }
        for cov in [CovarianceType.cluster, .hc2] {
            let memory = try model.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
            StreamingFitTests.compare(try fit.result(residuals: merged, covariance: cov), memory, "merged \(cov.rawValue)")
        }
        // An estimator that was not accumulated is refused; classical needs no meat.
        #expect(throws: RegressionError.self) { _ = try fit.result(residuals: merged, covariance: .hc3) }
        StreamingFitTests.compare(try fit.result(residuals: merged, covariance: .classical), try model.fit(), "classical")
        // A refused block appends nothing.
        #expect(throws: RegressionError.self) {
            try merged.add(Streaming.rows(d.x, 0..<3), response: [1, 2, 3], residuals: &residuals, leverages: &leverages)
        }
        #expect(residuals.count == 301 && leverages.count == 300)
    }

    @Test("cluster keys: small, large and negative keys give the in-memory cluster covariance")
    func clusterKeys() throws {
        let d = QRAccumulatorTests.data(n: 500, seed: 29)
        let fit = try Streaming.accumulate(d.x, d.y, names: d.names, blocks: [0..<500]).fit(hasIntercept: true)
        let memory = try LinearRegression(design: d.x, response: d.y, termNames: d.names, hasIntercept: true)
            .fit(covariance: .cluster, clusters: d.g)
        // The same 25 clusters under other keys: array-indexed (< 2²⁰), hashed (≥ 2²⁰ or < 0), mixed.
        let maps: [(String, (Int) -> Int)] = [
            ("codes", { $0 }),
            ("sparse small", { $0 * 40_000 + 7 }),
            ("large", { (1 << 40) + $0 * 977 }),
            ("negative", { -1 - $0 }),
            ("mixed", { $0 % 3 == 0 ? -5 - $0 : $0 % 3 == 1 ? (1 << 20) + $0 : $0 }),
        ]
        var covariances: [Matrix] = []
        for (label, key) in maps {
            var acc = fit.residualAccumulator(covariance: .cluster)
            for r in Streaming.chunks(500, sizes: [128, 3]) {
                try acc.add(Streaming.rows(d.x, r), response: Array(d.y[r]), clusters: d.g[r].map { key(Int($0)) })
            }
            #expect(acc.clusterCount == 25, "\(label)")
            let s = try fit.result(residuals: acc)
            StreamingFitTests.compare(s, memory, "cluster keys \(label)")
            covariances.append(s.covarianceMatrix)
        }
        // Slots follow first appearance whatever the keys, so the bits agree too.
        #expect(covariances.allSatisfy { $0 == covariances[0] })
    }
}

/// The one-row-at-a-time path for designs of at most 4 estimated columns against the
/// general path (the same bits) and the in-memory fit (tolerances as above).
@Suite("ResidualAccumulator: narrow designs")
struct ResidualAccumulatorNarrowTests {
    @Test("1 to 4 columns, weighted or not, with a low-order part: the same bits as the general path", arguments: [1, 2, 3, 4])
    func narrowEqualsGeneral(columns k: Int) throws {
        let d = QRAccumulatorTests.data(n: 600, seed: 41)
        let n = d.y.count
        // Intercept, a, the 0/1 dummy (zero entries skip work), b.
        let pick = Array([0, 1, 4, 2].prefix(k))
        let x = d.x.selectingColumns(pick), names = pick.map { d.names[$0] }
        // A low-order part as a transformed column would have (tiny, nonzero).
        var lo = Matrix(rows: n, columns: k)
        if k > 1 { for i in 0..<n { lo[i, 1] = x[i, 1] * 0x1p-60 } }
        for weighted in [false, true] {
            let w = weighted ? d.w : nil
            let fit = try Streaming.accumulate(x, d.y, weights: w, lowOrder: lo, names: names,
                                               blocks: Streaming.chunks(n, sizes: [100])).fit(hasIntercept: true)
            let covariances: [CovarianceType] = [.hc3, .cluster, .hc0, .hc2]
            var narrow = fit.residualAccumulator(covariances: covariances, keepResiduals: true)
            var general = narrow
            general.narrowLimit = 0
            var out = (r: [Double](), h: [Double]()), outGeneral = (r: [Double](), h: [Double]())
            for r in Streaming.chunks(n, sizes: [530, 70]) {
                let block = Streaming.rows(x, r), loBlock = Streaming.rows(lo, r)
                let g = d.g[r].map { Int($0) }
                try narrow.add(block, response: Array(d.y[r]), weights: w.map { Array($0[r]) }, clusters: g,
                               lowOrder: loBlock, residuals: &out.r, leverages: &out.h)
                try general.add(block, response: Array(d.y[r]), weights: w.map { Array($0[r]) }, clusters: g,
                                lowOrder: loBlock, residuals: &outGeneral.r, leverages: &outGeneral.h)
            }
            #expect(out.r == outGeneral.r && out.h == outGeneral.h, "k \(k) weighted \(weighted): per-row output")
            let memory = try LinearRegression(design: x, response: d.y, termNames: names, hasIntercept: true, weights: w)
            for cov in covariances {
                let a = try fit.result(residuals: narrow, covariance: cov)
                let b = try fit.result(residuals: general, covariance: cov)
                #expect(a.covarianceMatrix == b.covarianceMatrix && a.durbinWatson == b.durbinWatson
                        && a.residualFiveNumberSummary == b.residualFiveNumberSummary, "k \(k) weighted \(weighted) \(cov.rawValue)")
                // The in-memory fit never saw the low-order part (2⁻⁶⁰ relative): far below the tolerance.
                let m = try memory.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
                if k > 1 {
                    StreamingFitTests.compare(a, m, "k \(k) weighted \(weighted) \(cov.rawValue)", residualSummary: true)
                } else {
                    // Intercept only: R² is 0 up to rounding (no relative comparison); the estimate and SE.
                    #expect(StreamingFitTests.close(a.coefficients[0].estimate, m.coefficients[0].estimate)
                            && StreamingFitTests.close(a.coefficients[0].standardError, m.coefficients[0].standardError),
                            "intercept only, weighted \(weighted) \(cov.rawValue)")
                }
            }
        }
    }

    /// HC3 as the only heteroskedasticity-consistent estimator (alone or beside the cluster
    /// sums, as the report asks) takes a copy of the loop with its ωᵢ in line: the same bits as
    /// the general path, and the in-memory fit within the tolerances above.
    @Test("one HC3 estimator, with or without clusters: the same bits as the general path", arguments: [1, 2, 3, 4])
    func narrowSingleHC3(columns k: Int) throws {
        let d = QRAccumulatorTests.data(n: 900, seed: 43)
        let n = d.y.count
        let pick = Array([0, 1, 4, 2].prefix(k))
        let x = d.x.selectingColumns(pick), names = pick.map { d.names[$0] }
        var lo = Matrix(rows: n, columns: k)
        if k > 1 { for i in 0..<n { lo[i, 1] = x[i, 1] * 0x1p-60 } }
        for weighted in [false, true] {
            let w = weighted ? d.w : nil
            let fit = try Streaming.accumulate(x, d.y, weights: w, lowOrder: lo, names: names,
                                               blocks: Streaming.chunks(n, sizes: [128])).fit(hasIntercept: true)
            let memory = try LinearRegression(design: x, response: d.y, termNames: names, hasIntercept: true, weights: w)
            for covariances in [[CovarianceType.hc3], [.hc3, .cluster], [.cluster, .hc3]] {
                var narrow = fit.residualAccumulator(covariances: covariances)
                var general = narrow
                general.narrowLimit = 0
                var out = (r: [Double](), h: [Double]()), outGeneral = (r: [Double](), h: [Double]())
                // 700 rows: two dsyrk chunks in the first block.
                for r in Streaming.chunks(n, sizes: [700, 3, 197]) {
                    let block = Streaming.rows(x, r), loBlock = Streaming.rows(lo, r)
                    let g = covariances.contains(.cluster) ? d.g[r].map { Int($0) } : nil
                    try narrow.add(block, response: Array(d.y[r]), weights: w.map { Array($0[r]) }, clusters: g,
                                   lowOrder: loBlock, residuals: &out.r, leverages: &out.h)
                    try general.add(block, response: Array(d.y[r]), weights: w.map { Array($0[r]) }, clusters: g,
                                    lowOrder: loBlock, residuals: &outGeneral.r, leverages: &outGeneral.h)
                }
                let label = "k \(k) weighted \(weighted) \(covariances.map(\.rawValue))"
                #expect(out.r == outGeneral.r && out.h == outGeneral.h, "\(label): per-row output")
                for cov in covariances {
                    let a = try fit.result(residuals: narrow, covariance: cov)
                    let b = try fit.result(residuals: general, covariance: cov)
                    #expect(a.covarianceMatrix == b.covarianceMatrix && a.durbinWatson == b.durbinWatson, "\(label) \(cov.rawValue)")
                    if k > 1 {
                        let m = try memory.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
                        StreamingFitTests.compare(a, m, "\(label) \(cov.rawValue)", residualSummary: false)
                    }
                }
            }
        }
    }

    @Test("a row with leverage 1 is reported by HC2/HC3 on both paths")
    func leverageOne() throws {
        let d = QRAccumulatorTests.data(n: 200, seed: 3)
        var x = Matrix(rows: 200, columns: 3)
        for i in 0..<200 { x[i, 0] = 1; x[i, 1] = d.x[i, 1]; x[i, 2] = i == 17 ? 1 : 0 }
        let fit = try Streaming.accumulate(x, d.y, blocks: [0..<200]).fit(hasIntercept: true)
        for limit in [4, 0] {
            var acc = fit.residualAccumulator(covariances: [.hc3, .hc2, .hc1])
            acc.narrowLimit = limit
            try acc.add(x, response: d.y)
            #expect(throws: RegressionError.leverageOne(covariance: "HC3", rows: [17])) { _ = try fit.result(residuals: acc) }
            #expect(throws: RegressionError.leverageOne(covariance: "HC2", rows: [17])) { _ = try fit.result(residuals: acc, covariance: .hc2) }
            _ = try fit.result(residuals: acc, covariance: .hc1)
            // HC3 alone (its own copy of the narrow loop) reports the row too.
            var alone = fit.residualAccumulator(covariances: [.hc3, .cluster])
            alone.narrowLimit = limit
            try alone.add(x, response: d.y, clusters: (0..<200).map { $0 % 7 })
            #expect(throws: RegressionError.leverageOne(covariance: "HC3", rows: [17])) { _ = try fit.result(residuals: alone) }
            _ = try fit.result(residuals: alone, covariance: .cluster)
        }
    }
}

/// `StreamingFormulaFit(durbinWatson: false)` against the in-memory ``FormulaFit``: the same
/// fit (tolerances of ``StreamingFitTests``), Durbin–Watson left NaN in a one-pass fit and
/// still computed by a second pass.
@Suite("StreamingFormulaFit without the Durbin–Watson factor")
struct StreamingWithoutDurbinWatsonTests {
    @Test func sameFitNoDurbinWatson() throws {
        let table = try StreamingFitTests.table(n: 1500, seed: 31)
        let formula = "y ~ x1 * C(g) + log(x2)"
        for cov in [CovarianceType.classical, .hc3] {
            let memory = try FormulaFit(formula: formula, data: table, covariance: cov)
            let s = try StreamingFormulaFit(formula: formula, source: DataTableBlockSource(table, blockRows: 100),
                                            covariance: cov, durbinWatson: false)
            if cov == .classical {
                #expect(s.result.durbinWatson.isNaN && s.fit.durbinWatson.isNaN)
                // Everything else as the in-memory fit.
                for (a, b) in zip(s.result.coefficients, memory.result.coefficients) {
                    #expect(StreamingFitTests.close(a.estimate, b.estimate) && StreamingFitTests.close(a.standardError, b.standardError))
                }
                #expect(StreamingFitTests.close(s.result.rSquared, memory.result.rSquared)
                        && StreamingFitTests.close(s.result.logLikelihood, memory.result.logLikelihood))
            } else {
                StreamingFitTests.compare(s.result, memory.result, "durbinWatson: false, \(cov.rawValue)")
            }
        }
    }
}
