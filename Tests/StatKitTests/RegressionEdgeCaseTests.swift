import Testing
@testable import StatKit

/// Edge cases of the regression API: each is a thrown error or a documented result.
@Suite("Regression edge cases")
struct RegressionEdgeCaseTests {
    static let x1: [Double] = [1, 2, 3, 4, 5, 6, 7, 8]
    static let x2: [Double] = [2, 1, 4, 3, 6, 5, 8, 9]
    static let y: [Double] = [3.1, 3.9, 7.2, 7.8, 11.1, 11.8, 15.2, 16.9]
    static let ones = [Double](repeating: 1, count: 8)

    @Test("aliased column: reported by name, no estimate, others equal the fit without it")
    func aliased() throws {
        let sum = zip(Self.x1, Self.x2).map { $0 + $1 }
        let full = try TestModel(design: Matrix(columns: [Self.ones, Self.x1, Self.x2, sum]), response: Self.y,
                                        termNames: ["(Intercept)", "x1", "x2", "x1+x2"], hasIntercept: true).fit()
        let reduced = try TestModel(design: Matrix(columns: [Self.ones, Self.x1, Self.x2]), response: Self.y,
                                           termNames: ["(Intercept)", "x1", "x2"], hasIntercept: true).fit()
        #expect(full.droppedTerms == ["x1+x2"])
        #expect(full.rank == 3 && full.dfResidual == 5)
        #expect(full.coefficients[3].estimate == nil && full.coefficients[3].standardError == nil)
        for j in 0..<3 {
            let a = full.coefficients[j], b = reduced.coefficients[j]
            #expect(abs(a.estimate! - b.estimate!) <= 1e-12 * max(1, abs(b.estimate!)))
            #expect(abs(a.standardError! - b.standardError!) <= 1e-12 * b.standardError!)
        }
        #expect(full.notes.contains { $0.contains("x1+x2") && $0.contains("singularities") })
        #expect(full.covarianceMatrix.rows == 3 && full.keptTerms == ["(Intercept)", "x1", "x2"])
        #expect(full.conditionNumber > 1e12)
    }

    @Test("duplicate and all-zero columns are aliased in input order")
    func duplicateAndZero() throws {
        let zero = [Double](repeating: 0, count: 8)
        let r = try TestModel(design: Matrix(columns: [Self.ones, Self.x1, zero, Self.x1]), response: Self.y,
                                     termNames: ["c", "a", "z", "a2"], hasIntercept: true).fit()
        #expect(r.droppedTerms == ["z", "a2"])
    }

    @Test("n ≤ rank throws")
    func noResidualDF() {
        let x = Matrix(columns: [[1, 1, 1], [1, 2, 3], [1, 4, 9]])
        #expect(throws: RegressionError.noResidualDegreesOfFreedom(observations: 3, rank: 3)) {
            _ = try TestModel(design: x, response: [1, 2, 4], termNames: ["c", "x", "x2"], hasIntercept: true).fit()
        }
        let wide = Matrix(columns: [[1, 1], [1, 2], [3, 5]])
        #expect(throws: RegressionError.self) {
            _ = try TestModel(design: wide, response: [1, 2], termNames: ["c", "x", "z"], hasIntercept: true).fit()
        }
    }

    // As R's lm: an exact fit leaves residuals at the rounding level of the data (a
    // QR in floating point does not return exact zeros), and the summary says so.
    @Test("constant response: R² NaN, σ at rounding level, a note")
    func constantResponse() throws {
        let r = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: [Double](repeating: 5, count: 8),
                                     termNames: ["c", "x"], hasIntercept: true).fit()
        #expect(r.rSquared.isNaN)
        #expect(r.sigma <= 1e-14 * 5)
        #expect(abs(r.coefficients[0].estimate! - 5) <= 1e-15 * 5 && abs(r.coefficients[1].estimate!) <= 1e-15)
        #expect(r.notes.contains { $0.contains("constant") })
    }

    @Test("perfect fit: residuals and σ at rounding level, R² = 1, a note")
    func perfectFit() throws {
        let y = Self.x1.map { 1 + 2 * $0 }
        let r = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: y,
                                     termNames: ["c", "x"], hasIntercept: true).fit()
        #expect(r.residuals!.allSatisfy { abs($0) <= 1e-14 * 17 })
        #expect(r.sigma <= 1e-14 * 17 && abs(r.rSquared - 1) <= 1e-15)
        #expect(zip(r.coefficients.map { $0.estimate! }, [1.0, 2]).allSatisfy { abs($0 - $1) <= 1e-15 * $1 })
        #expect(r.notes.contains { $0.contains("perfect") })
    }

    @Test("NaN/∞ in the design or response names the row and column")
    func nonFinite() {
        var x2 = Self.x2
        x2[2] = .nan
        do {
            _ = try TestModel(design: Matrix(columns: [Self.ones, Self.x1, x2]), response: Self.y,
                                     termNames: ["c", "x1", "x2"], hasIntercept: true)
            Issue.record("expected an error")
        } catch let RegressionError.nonFinite(column, row, value) {
            #expect(column == "x2" && row == 2 && value.isNaN)
        } catch { Issue.record("unexpected \(error)") }
        var y = Self.y
        y[5] = .infinity
        #expect(throws: RegressionError.nonFinite(column: "response", row: 5, value: .infinity)) {
            _ = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: y, termNames: ["c", "x"], hasIntercept: true)
        }
    }

    @Test("weights must be positive and finite")
    func badWeights() {
        var w = [Double](repeating: 1, count: 8)
        w[3] = 0
        #expect(throws: RegressionError.nonPositiveWeight(row: 3, value: 0)) {
            _ = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: Self.y, termNames: ["c", "x"],
                                     hasIntercept: true, weights: w)
        }
        w[3] = .infinity
        #expect(throws: RegressionError.self) {
            _ = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: Self.y, termNames: ["c", "x"],
                                     hasIntercept: true, weights: w)
        }
    }

    @Test("empty design and mismatched lengths")
    func emptyAndMismatch() {
        #expect(throws: RegressionError.emptyDesign) {
            _ = try TestModel(design: Matrix(rows: 8, columns: 0), response: Self.y, termNames: [], hasIntercept: false)
        }
        #expect(throws: RegressionError.noObservations) {
            _ = try TestModel(design: Matrix(rows: 0, columns: 1), response: [], termNames: ["x"], hasIntercept: false)
        }
        #expect(throws: RegressionError.self) {
            _ = try TestModel(design: Matrix(columns: [Self.ones]), response: [1, 2], termNames: ["c"], hasIntercept: true)
        }
        #expect(throws: RegressionError.invalidLevel(1.5)) {
            _ = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: Self.y, termNames: ["c", "x"],
                                     hasIntercept: true).fit(level: 1.5)
        }
    }

    @Test("HC2/HC3 with an observation of leverage 1 throw; HC0/HC1 do not")
    func leverageOne() throws {
        // A dummy that is 1 on a single row gives that row leverage 1.
        var d = [Double](repeating: 0, count: 8)
        d[6] = 1
        let model = try TestModel(design: Matrix(columns: [Self.ones, Self.x1, d]), response: Self.y,
                                         termNames: ["c", "x", "d"], hasIntercept: true)
        #expect(throws: RegressionError.leverageOne(covariance: "HC3", rows: [6])) { _ = try model.fit(covariance: .hc3) }
        #expect(throws: RegressionError.leverageOne(covariance: "HC2", rows: [6])) { _ = try model.fit(covariance: .hc2) }
        let hc0 = try model.fit(covariance: .hc0)
        #expect(hc0.coefficients.allSatisfy { $0.standardError!.isFinite })
    }

    @Test("cluster covariance needs ids; a single cluster gives NaN and a note")
    func clusters() throws {
        let model = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: Self.y,
                                         termNames: ["c", "x"], hasIntercept: true)
        #expect(throws: RegressionError.self) { _ = try model.fit(covariance: .cluster) }
        #expect(throws: RegressionError.self) { _ = try model.fit(covariance: .cluster, clusters: [1, 2]) }
        let one = try model.fit(covariance: .cluster, clusters: [Int](repeating: 7, count: 8))
        #expect(one.clusterCount == 1)
        #expect(one.coefficients.allSatisfy { $0.standardError!.isNaN })
        #expect(one.notes.contains { $0.contains("one cluster") })
    }

    @Test("no intercept: uncentered R²")
    func uncentered() throws {
        let r = try TestModel(design: Matrix(columns: [Self.x1]), response: Self.y, termNames: ["x"], hasIntercept: false).fit()
        #expect(r.isUncentered && r.dfModel == 1)
        let rss = r.residuals!.reduce(0) { $0 + $1 * $1 }
        let tss = Self.y.reduce(0) { $0 + $1 * $1 }
        #expect(abs(r.rSquared - (1 - rss / tss)) < 1e-14)
    }

    @Test("prediction interval uses σ̂²/w₀ for a new observation of weight w₀ (default 1)")
    func predictionWeights() throws {
        let w: [Double] = [1, 2, 1, 2, 1, 2, 1, 2]
        let r = try TestModel(design: Matrix(columns: [Self.ones, Self.x1]), response: Self.y, termNames: ["c", "x"],
                                     hasIntercept: true, weights: w).fit()
        let x0 = Matrix(rowMajor: [[1, 4.5]])
        let p1 = try r.predict(x0)[0]
        let p4 = try r.predict(x0, weights: [4])[0]
        let t = StudentTDistribution(degreesOfFreedom: Double(r.dfResidual)).quantile(0.975)
        let s2 = r.sigma * r.sigma
        let half1 = t * (p1.standardError * p1.standardError + s2).squareRoot()
        let half4 = t * (p4.standardError * p4.standardError + s2 / 4).squareRoot()
        #expect(abs((p1.predictionHigh - p1.fit) - half1) <= 1e-12 * half1)
        #expect(abs((p4.predictionHigh - p4.fit) - half4) <= 1e-12 * half4)
        #expect(p1.standardError == p4.standardError && p1.confidenceLow == p4.confidenceLow)
        #expect(throws: RegressionError.self) { _ = try r.predict(Matrix(rowMajor: [[1, 2, 3]])) }
    }

    @Test("covariance types' raw values are the CLI names")
    func rawValues() {
        #expect(Covariance.Kind.allCases.map(\.rawValue) == ["classical", "HC0", "HC1", "HC2", "HC3", "cluster", "HAC", "DK"])
    }
}

/// A model given as a matrix, fitted as these tests' call sites read: the data checked
/// when it is made, the estimator chosen when it is fitted.
struct TestModel {
    let x: Matrix, y: [Double], names: [String], intercept: Bool, weights: [Double]?

    init(design: Matrix, response: [Double], termNames: [String], hasIntercept: Bool, weights: [Double]? = nil) throws {
        x = design; y = response; names = termNames; intercept = hasIntercept; self.weights = weights
        // The checks of the data (finite values, positive weights, lengths) happen in any fit.
        do { _ = try fit() } catch RegressionError.noResidualDegreesOfFreedom {}
    }

    func fit(covariance: Covariance.Kind = .classical, clusters: [Int]? = nil, level: Double = 0.95) throws -> RegressionResult {
        let c: Covariance
        if covariance == .cluster {
            guard let clusters else { throw RegressionError.clustersRequired("no cluster ids given") }
            c = .cluster(clusters)
        } else {
            c = Covariance(kind: covariance)!
        }
        return try LinearModel.fit(y: y, design: x, names: names, hasIntercept: intercept, weights: weights,
                                   covariance: c, level: level)
    }
}
