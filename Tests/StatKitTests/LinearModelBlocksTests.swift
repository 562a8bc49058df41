import Foundation
import Testing
@testable import StatKit

/// One fitting path, whatever the blocks: a table in memory, the same table in blocks of
/// any size, a CSV file read in blocks, with one thread or two — and the errors of each,
/// located by file, line and field.
@Suite("Linear model: blocks, threads and input errors")
struct LinearModelBlocksTests {
    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("lm-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func fit(_ formula: String, _ text: String, covariance: Covariance = .classical, weights: String? = nil,
                    blockRows: Int = 3) throws -> RegressionResult {
        let path = try write(text)
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try LinearModel.fit(formula, csvFile: path, displayName: "data.csv", weights: weights, covariance: covariance,
                                   options: .init(blockRows: blockRows))
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "(no error)"
    }

    /// `n` rows: y, x1, x2 (positive), a factor g of 6 levels, a cluster id firm, weights w.
    static func table(n: Int, seed: UInt64) throws -> DataTable {
        var r = SplitMix(seed: seed)
        func uniform() -> Double { Double(r.next() >> 11) * 0x1p-53 }
        func normal() -> Double { (-2 * log(max(uniform(), 1e-300))).squareRoot() * cos(2 * .pi * uniform()) }
        var y: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], w: [Double?] = [], g: [String?] = [], firm: [String?] = []
        for i in 0..<n {
            let a = normal(), b = exp(normal()), level = Int(r.next() % 6)
            x1.append(i % 97 == 5 ? nil : a)
            x2.append(b)
            g.append(i % 101 == 7 ? nil : "L\(level)")
            firm.append("F\(r.next() % 40)")
            w.append(0.5 + uniform())
            y.append(1 + 0.5 * a - 0.3 * log(b) + 0.2 * Double(level) + normal() * (1 + abs(a)))
        }
        return try DataTable([("y", .numeric(NumericColumn(y))), ("x1", .numeric(NumericColumn(x1))),
                              ("x2", .numeric(NumericColumn(x2))), ("g", .text(TextColumn(g))),
                              ("firm", .text(TextColumn(firm))), ("w", .numeric(NumericColumn(w)))])
    }

    static func close(_ a: Double?, _ b: Double?, rtol: Double = 1e-12) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        return abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300)
    }

    @Test("block sizes change the fold order only: every statistic within 1e-12",
          arguments: [Covariance.classical, .hc1, .hc3, .cluster("firm")])
    func blockSizes(_ cov: Covariance) throws {
        let table = try Self.table(n: 3000, seed: 11)
        let formula = "y ~ x1 * C(g) + log(x2)"
        let whole = try LinearModel.fit(formula, data: table, weights: "w", covariance: cov, options: .init(blockRows: 1 << 20))
        for rows in [1, 7, 64, 1000] {
            let r = try LinearModel.fit(formula, data: table, weights: "w", covariance: cov, options: .init(blockRows: rows))
            #expect(r.termNames == whole.termNames && r.n == whole.n && r.exclusions == whole.exclusions)
            for (a, b) in zip(r.coefficients, whole.coefficients) {
                #expect(Self.close(a.estimate, b.estimate) && Self.close(a.standardError, b.standardError), "\(rows): \(a.term)")
            }
            for (a, b) in [(r.sigma, whole.sigma), (r.rSquared, whole.rSquared), (r.fStatistic, whole.fStatistic),
                           (r.durbinWatson, whole.durbinWatson), (r.logLikelihood, whole.logLikelihood)] {
                #expect(Self.close(a, b), "\(rows): \(a) vs \(b)")
            }
            // Residuals cross zero: compared at 1e-12 of σ̂.
            let q = [\FiveNumberSummary.minimum, \.lowerQuartile, \.median, \.upperQuartile, \.maximum]
            for k in q { #expect(abs(r.residualSummary![keyPath: k] - whole.residualSummary![keyPath: k]) <= 1e-12 * whole.sigma) }
        }
    }

    @Test("two threads give the same bits as one", arguments: [Covariance.classical, .hc3, .cluster("firm")])
    func threads(_ cov: Covariance) throws {
        let table = try Self.table(n: 3000, seed: 99)
        let one = try LinearModel.fit("y ~ x1 * C(g) + log(x2)", data: table, covariance: cov,
                                      options: .init(threads: 1, blockRows: 50))
        let two = try LinearModel.fit("y ~ x1 * C(g) + log(x2)", data: table, covariance: cov,
                                      options: .init(threads: 2, blockRows: 50))
        #expect(one.coefficients == two.coefficients)
        #expect(one.covarianceMatrix == two.covarianceMatrix)
        #expect(one.durbinWatson.bitPattern == two.durbinWatson.bitPattern)
        #expect(one.residualSummary == two.residualSummary && one.residuals == two.residuals)
    }

    @Test("a CSV read in blocks gives the fit of the table read in memory")
    func csvEqualsTable() throws {
        let table = try Self.table(n: 500, seed: 3)
        var text = "y,x1,x2,g,firm,w\n"
        for i in 0..<table.rowCount {
            func num(_ c: String) -> String {
                guard case .numeric(let col)? = table.column(named: c), let v = col[i] else { return "" }
                return "\(v)"
            }
            func txt(_ c: String) -> String { if case .text(let col)? = table.column(named: c) { return col[i] ?? "" }; return "" }
            text += [num("y"), num("x1"), num("x2"), txt("g"), txt("firm"), num("w")].joined(separator: ",") + "\n"
        }
        let streamed = try Self.fit("y ~ x1 + C(g) + log(x2)", text, covariance: .hc2, weights: "w", blockRows: 37)
        let memory = try LinearModel.fit("y ~ x1 + C(g) + log(x2)", data: table, weights: "w", covariance: .hc2)
        #expect(streamed.termNames == memory.termNames && streamed.exclusions == memory.exclusions)
        for (a, b) in zip(streamed.coefficients, memory.coefficients) {
            #expect(Self.close(a.estimate, b.estimate) && Self.close(a.standardError, b.standardError))
        }
        #expect(streamed.residuals == nil && memory.residuals?.count == memory.n)
    }

    @Test("a column's type is decided by its first value; a later non-number is located")
    func typeFromFirstValue() {
        let text = "y,x\n1,2\n2,3\n3,4\n4,5\n5,oops\n"
        #expect(Self.message { _ = try Self.fit("y ~ x", text) }
                == "data.csv:6:2: 'oops' in column 'x' is not a number, but the column's first value was; a streaming fit decides a column's type from its first non-missing value (read in memory, without --stream, the whole column would be text)")
        // Missing values first do not decide anything; a text column stays text.
        let late = "y,x,g\n1,NA,\n2,,\n3,4,u\n4,5,7\n5,6,u\n6,7,7\n7,2,u\n"
        let fit = try? Self.fit("y ~ x + g", late)
        #expect(fit?.termNames == ["(Intercept)", "g[T.u]", "x"])
        #expect(fit?.exclusions.description == "2 of 7 rows excluded: missing x: 2")
    }

    @Test("malformed CSV is reported with file, line and field")
    func csvErrors() {
        #expect(Self.message { _ = try Self.fit("y ~ x", "y,x\n1,2\n2,3,4\n") } == "data.csv:3: record has 3 fields; expected 2 as in the header")
        #expect(Self.message { _ = try Self.fit("y ~ x", "y,x\n1,2\n2,\"3\n") }.hasPrefix("data.csv:3:2: quoted field is not closed"))
        #expect(Self.message { _ = try LinearModel.fit("y ~ x", csvFile: "/nonexistent/f.csv") }.hasPrefix("cannot open /nonexistent/f.csv"))
    }

    @Test("design errors name what is wrong")
    func designErrors() throws {
        let clean = "y,x,g,w\n1.5,1,a,1\n2.1,2,b,2\n2.9,3,a,1\n4.2,4,c,0.5\n5.1,5,b,1\n"
        let cases: [(String, Covariance, String?, String)] = [
            ("y ~ nope", .classical, nil, "no column named 'nope'; the columns are: y, x, g, w"),
            ("y ~ log(g)", .classical, nil, "column 'g' holds text and cannot be used in arithmetic ('log(g)'); use it bare or as C(g) for a categorical term"),
            ("g ~ x", .classical, nil, "the response 'g' is categorical; it must be a numeric column or transformation"),
            ("y ~ C(g, ref=\"zz\")", .classical, nil, "reference level 'zz' of C(g) does not occur; the levels are: a, b, c"),
            ("y ~ x", .cluster("nope"), nil, "no column named 'nope'; the columns are: y, x, g, w"),
            ("y ~ x", .classical, "g", "the weights column 'g' must be numeric"),
            // No column at all (found by the formula fuzzer: it trapped).
            ("y ~ 0", .classical, nil, "the design matrix has no columns"),
            ("y ~ -1", .hc3, nil, "the design matrix has no columns"),
        ]
        for (formula, cov, weights, expected) in cases {
            #expect(Self.message { _ = try Self.fit(formula, clean, covariance: cov, weights: weights) } == expected, "\(formula)")
        }
        #expect(Self.message { _ = try Self.fit("y ~ x +", clean) }.hasPrefix("formula error at position 8"))
        // Treatment coding needs two levels among the rows kept.
        #expect(Self.message { _ = try Self.fit("y ~ x + g", "y,x,g\n1,2,a\n2,3,a\n3,5,a\n") } == "g has 1 level (a) among the rows kept; at least 2 are needed")
        #expect(Self.message { _ = try Self.fit("y ~ x", "y,x\nNA,1\n2,NA\n") } == "no rows left after listwise deletion (2 of 2 rows excluded: missing y: 1, missing x: 1)")
    }

    @Test("non-positive weights are located")
    func badWeight() {
        #expect(Self.message { _ = try Self.fit("y ~ x", "y,x,w\n1,2,1\n2,3,1\n3,5,-1\n4,1,1\n", weights: "w") }
                == "data.csv:4:3: weight -1.0 in column 'w' is not strictly positive and finite")
    }

    @Test("more accumulated columns than the cap is an error naming the cap")
    func tooManyColumns() throws {
        var text = "y,x,g\n"
        for i in 0..<(ModelFrame.maximumColumns + 10) { text += "\(i % 7),\(i),L\(i)\n" }
        let e = Self.message { _ = try Self.fit("y ~ x + g", text, blockRows: 500) }
        #expect(e.hasPrefix("the design needs more than \(ModelFrame.maximumColumns) columns"))
    }

    @Test("coefficients by name, and inference for another covariance without a refit")
    func api() throws {
        let table = try Self.table(n: 400, seed: 8)
        let fit = try LinearModel.fit("y ~ x1 + log(x2)", data: table)
        #expect(fit["log(x2)"] == fit.coefficients[2])
        #expect(fit["nope"] == nil)
        #expect(Self.message { _ = try fit.coefficient(named: "nope") } == "no term 'nope' in the model; the terms are: (Intercept), x1, log(x2)")
        let byFirm = try fit.with(covariance: .cluster("firm"))
        let direct = try LinearModel.fit("y ~ x1 + log(x2)", data: table, covariance: .cluster("firm"))
        #expect(byFirm.coefficients == direct.coefficients && byFirm.clusterCount == 40)
        // Arrays: the intercept is added.
        let x1 = (0..<50).map { Double($0) }, y = x1.map { 2 + 3 * $0 + ($0.truncatingRemainder(dividingBy: 3) - 1) }
        let simple = try LinearModel.fit(y: y, x: ["x1": x1])
        #expect(simple.termNames == ["(Intercept)", "x1"] && abs(simple["x1"]!.estimate! - 3) < 0.01)
        #expect(simple.summary().contains("Residual standard error"))
    }
}
