import Foundation
import Testing
@testable import StatKit

/// ``QRAccumulator``, ``StreamingFit`` and ``ResidualAccumulator`` against the in-memory
/// ``LinearRegression`` on generated designs, fed in blocks and merged by random trees.
/// Tolerances as in ``StreamingFitTests`` (1e-10 relative; p-values 1e-8).
@Suite("QRAccumulator")
struct QRAccumulatorTests {
    /// n rows: intercept, three correlated regressors, a dummy; heteroskedastic errors;
    /// weights; 25 clusters with a shared shock.
    static func data(n: Int = 400, seed: UInt64 = 11) -> (x: Matrix, y: [Double], w: [Double], g: [Int32], names: [String]) {
        var r = SeededGenerator(seed: seed)
        var x = Matrix(rows: n, columns: 5)
        var y = [Double](repeating: 0, count: n), w = y
        var g = [Int32](repeating: 0, count: n)
        let shock = (0..<25).map { _ in r.nextNormal() }
        for i in 0..<n {
            let a = r.nextNormal() * 3 + 10, b = 0.6 * a + r.nextNormal(), c = r.nextUniform() * 100
            let d: Double = r.nextUniform() < 0.3 ? 1 : 0
            g[i] = Int32(r.nextInt(below: 25))
            x[i, 0] = 1; x[i, 1] = a; x[i, 2] = b; x[i, 3] = c; x[i, 4] = d
            y[i] = 2 - 0.5 * a + 0.8 * b + 0.01 * c + 0.7 * d + shock[Int(g[i])] + r.nextNormal() * (0.5 + 0.05 * c)
            w[i] = 0.5 + r.nextUniform() * 2
        }
        return (x, y, w, g, ["(Intercept)", "a", "b", "c", "d"])
    }

    @Test("fit and every covariance agree with LinearRegression, any blocks or merge tree")
    func agreesWithLinearRegression() throws {
        let d = Self.data()
        let n = d.y.count
        for weighted in [false, true] {
            let model = try LinearRegression(design: d.x, response: d.y, termNames: d.names, hasIntercept: true,
                                             weights: weighted ? d.w : nil)
            for precision in QRAccumulator.Precision.allCases {
                for (label, acc) in [
                    ("blocks of 1", try Streaming.accumulate(d.x, d.y, weights: weighted ? d.w : nil, names: d.names,
                                                              blocks: Streaming.chunks(n, sizes: [1]), precision: precision)),
                    ("blocks of 3/7/64", try Streaming.accumulate(d.x, d.y, weights: weighted ? d.w : nil, names: d.names,
                                                                   blocks: Streaming.chunks(n, sizes: [3, 7, 64]), precision: precision)),
                    ("merge tree", try Streaming.mergeTree(d.x, d.y, weights: weighted ? d.w : nil, names: d.names,
                                                            chunks: Streaming.chunks(n, sizes: [13, 1, 40, 7]), seed: 5, precision: precision)),
                ] {
                    let fit = try acc.fit(hasIntercept: true)
                    for cov in CovarianceType.allCases {
                        let memory = try model.fit(covariance: cov, clusters: cov == .cluster ? d.g : nil)
                        // Second pass in chunks, merged left to right.
                        var parts: [ResidualAccumulator] = []
                        for r in Streaming.chunks(n, sizes: [17, 5, 100]) {
                            var p = fit.residualAccumulator(covariance: cov, keepResiduals: true)
                            try p.add(Streaming.rows(d.x, r), response: Array(d.y[r]), weights: weighted ? Array(d.w[r]) : nil,
                                      clusters: cov == .cluster ? d.g[r].map { Int($0) } : nil)
                            parts.append(p)
                        }
                        var second = parts[0]
                        for p in parts.dropFirst() { try second.merge(p) }
                        let s = try fit.result(residuals: second)
                        StreamingFitTests.compare(s, memory, "\(precision) \(label) weighted \(weighted) \(cov.rawValue)",
                                                  residualSummary: true)
                        // The covariance matrix itself.
                        let scale = memory.covarianceMatrix.storage.map(abs).max()!
                        #expect(zip(s.covarianceMatrix.storage, memory.covarianceMatrix.storage).allSatisfy {
                            abs($0 - $1) <= 1e-10 * scale
                        }, "\(label) \(cov.rawValue): covariance matrix")
                    }
                }
            }
        }
    }

    @Test("merging in a fixed order is reproducible to the bit; R matches the in-memory QR up to row signs")
    func deterministicMerges() throws {
        let d = Self.data(n: 300, seed: 3)
        let a = try Streaming.mergeTree(d.x, d.y, chunks: Streaming.chunks(300, sizes: [10, 20, 5]), seed: 9)
        let b = try Streaming.mergeTree(d.x, d.y, chunks: Streaming.chunks(300, sizes: [10, 20, 5]), seed: 9)
        #expect(a.factor == b.factor)
        // |R_ij| of [X | y] against LAPACK's QR of the whole augmented matrix.
        var aug = Matrix(rows: 300, columns: 6)
        for j in 0..<5 { for i in 0..<300 { aug[i, j] = d.x[i, j] } }
        for i in 0..<300 { aug[i, 5] = d.y[i] }
        _ = try LAPACK.geqrf(&aug)
        let r = a.factor
        for j in 0..<6 { for i in 0...j {
            #expect(abs(abs(r[i, j]) - abs(aug[i, j])) <= 1e-12 * abs(aug[j, j]) + 1e-12 * abs(aug[i, j]), "R[\(i),\(j)]")
        } }
    }

    @Test("selecting columns equals accumulating the selected columns; appended columns start at zero")
    func columnSelection() throws {
        let d = Self.data(n: 200, seed: 21)
        let acc = try Streaming.accumulate(d.x, d.y, names: d.names, blocks: Streaming.chunks(200, sizes: [9]))
        let pick = [3, 0, 4, 1]
        let sel = try acc.selectingColumns(pick)
        let direct = try LinearRegression(design: d.x.selectingColumns(pick), response: d.y, termNames: pick.map { d.names[$0] },
                                          hasIntercept: true).fit()
        StreamingFitTests.compare(try sel.fit(hasIntercept: true).result(), direct, "selected [c, 1, d, a]")

        // A column appended after 120 rows, nonzero afterwards: as if zero from the start.
        var x6 = Matrix(rows: 200, columns: 6)
        for j in 0..<5 { for i in 0..<200 { x6[i, j] = d.x[i, j] } }
        for i in 120..<200 { x6[i, 5] = Double(i % 3) }
        var grown = QRAccumulator(columns: 5, columnNames: d.names)
        try grown.add(Streaming.rows(d.x, 0..<120), response: Array(d.y[0..<120]))
        try grown.appendColumn(name: "late")
        try grown.add(Streaming.rows(x6, 120..<200), response: Array(d.y[120..<200]))
        let full = try LinearRegression(design: x6, response: d.y, termNames: d.names + ["late"], hasIntercept: true).fit()
        StreamingFitTests.compare(try grown.fit(hasIntercept: true).result(), full, "appended column")
    }

    @Test("rank-deficient designs alias the same columns as LeastSquares")
    func aliasing() throws {
        let d = Self.data(n: 150, seed: 8)
        var x = Matrix(rows: 150, columns: 7)
        for j in 0..<5 { for i in 0..<150 { x[i, j] = d.x[i, j] } }
        for i in 0..<150 { x[i, 5] = d.x[i, 1] + d.x[i, 2]; x[i, 6] = 0 }
        let names = d.names + ["a+b", "zero"]
        let memory = try LinearRegression(design: x, response: d.y, termNames: names, hasIntercept: true).fit(covariance: .hc1)
        let acc = try Streaming.accumulate(x, d.y, names: names, blocks: Streaming.chunks(150, sizes: [4]))
        let fit = try acc.fit(hasIntercept: true)
        #expect(fit.aliasedColumns == [5, 6])
        var second = fit.residualAccumulator(covariance: .hc1)
        try second.add(x, response: d.y)
        let s = try fit.result(residuals: second)
        #expect(s.droppedTerms == ["a+b", "zero"])
        StreamingFitTests.compare(s, memory, "aliased")
    }

    @Test("bad input is refused with the row and column")
    func errors() throws {
        var acc = QRAccumulator(columns: 2, columnNames: ["one", "x"], weighted: true)
        try acc.add(Matrix(rowMajor: [[1, 2], [1, 3]]), response: [1, 2], weights: [1, 1])
        #expect(throws: RegressionError.nonPositiveWeight(row: 3, value: 0)) {
            try acc.add(Matrix(rowMajor: [[1, 2], [1, 3]]), response: [1, 2], weights: [1, 0])
        }
        #expect(throws: RegressionError.nonFinite(column: "x", row: 2, value: .infinity)) {
            try acc.add(Matrix(rowMajor: [[1, .infinity]]), response: [1], weights: [1])
        }
        #expect(acc.count == 2, "a refused block leaves the accumulator unchanged")
        #expect(throws: RegressionError.self) { try acc.add(Matrix(rowMajor: [[1, 2]]), response: [1]) }
        #expect(throws: RegressionError.noResidualDegreesOfFreedom(observations: 2, rank: 2)) { _ = try acc.fit(hasIntercept: true) }
        var other = QRAccumulator(columns: 3)
        try other.add(row: [1, 2, 3], response: 1)
        #expect(throws: RegressionError.self) { try acc.merge(other) }
        #expect(throws: RegressionError.noObservations) { _ = try QRAccumulator(columns: 2).fit(hasIntercept: true) }
    }

    @Test("a robust second pass that saw other rows is refused")
    func secondPassMismatch() throws {
        let d = Self.data(n: 50, seed: 2)
        let fit = try Streaming.accumulate(d.x, d.y, blocks: [0..<50]).fit(hasIntercept: true)
        var second = fit.residualAccumulator(covariance: .hc0)
        try second.add(Streaming.rows(d.x, 0..<49), response: Array(d.y[0..<49]))
        #expect(throws: RegressionError.self) { _ = try fit.result(residuals: second) }
    }
}
