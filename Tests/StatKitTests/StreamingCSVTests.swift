import Foundation
import Testing
@testable import StatKit

/// ``CSVBlockSource`` and the errors of a streamed formula fit: the same design errors as
/// ``FormulaFit``, and data errors located by file, line and field.
@Suite("Streaming fit: CSV input and errors")
struct StreamingCSVTests {
    static func write(_ text: String) throws -> String {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("streaming-\(UUID().uuidString).csv")
        try text.write(to: url, atomically: true, encoding: .utf8)
        return url.path
    }

    static func fit(_ formula: String, _ text: String, covariance: CovarianceType = .classical, cluster: String? = nil,
                    weights: String? = nil, blockRows: Int = 3) throws(StreamingFitError) -> StreamingFormulaFit {
        let path: String
        do { path = try write(text) } catch { preconditionFailure("\(error)") }
        defer { try? FileManager.default.removeItem(atPath: path) }
        return try StreamingFormulaFit(formula: formula, csvFile: path, displayName: "data.csv", covariance: covariance,
                                       cluster: cluster, weights: weights, blockRows: blockRows)
    }

    static func message(_ body: () throws -> Void) -> String {
        do { try body() } catch { return "\(error)" }
        return "(no error)"
    }

    static let clean = """
        y,x,g,w,note
        1.5,1,a,1,first
        2.1,2,b,2,
        2.9,3,a,1,NA
        4.2,4,c,0.5,x
        5.1,5,b,1,y
        5.8,6,c,2,z
        7.4,7,a,1,w

        """

    @Test("the CSV source gives the same fit as the table read in memory, for any block size")
    func csvMatchesTable() throws {
        let path = try Self.write(Self.clean)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try DataTable(csvFile: path)
        let memory = try FormulaFit(formula: "y ~ x + g", data: table, covariance: .hc2, weights: "w")
        for blockRows in [1, 2, 100] {
            let s = try StreamingFormulaFit(formula: "y ~ x + g", csvFile: path, covariance: .hc2, weights: "w",
                                            residualSummary: true, blockRows: blockRows)
            StreamingFitTests.compare(s.result, memory.result, "blocks of \(blockRows)", residualSummary: true)
        }
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
        #expect(Self.message { _ = try StreamingFormulaFit(formula: "y ~ x", csvFile: "/nonexistent/f.csv") }.hasPrefix("cannot open /nonexistent/f.csv"))
    }

    @Test("design errors are those of FormulaFit")
    func designErrors() throws {
        let path = try Self.write(Self.clean)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let table = try DataTable(csvFile: path)
        for (formula, cov, cluster, weights) in [
            ("y ~ nope", CovarianceType.classical, nil, nil), ("y ~ log(g)", .classical, nil, nil), ("g ~ x", .classical, nil, nil),
            ("y ~ C(g, ref=\"zz\")", .classical, nil, nil), ("y ~ x +", .classical, nil, nil), ("y ~ x", .cluster, nil, nil),
            ("y ~ x", .classical, nil, "g"), ("y ~ x", .classical, nil, "nope"),
        ] as [(String, CovarianceType, String?, String?)] {
            var expected = ""
            expected = Self.message { _ = try FormulaFit(formula: formula, data: table, covariance: cov, cluster: cluster, weights: weights) }
            let got = Self.message { _ = try StreamingFormulaFit(formula: formula, csvFile: path, covariance: cov, cluster: cluster, weights: weights) }
            #expect(expected != "(no error)" && got == expected, "\(formula): \(got) vs \(expected)")
        }
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
        for i in 0..<1100 { text += "\(i % 7),\(i),L\(i)\n" }
        let e = Self.message { _ = try Self.fit("y ~ x + g", text, blockRows: 500) }
        #expect(e.hasPrefix("the design needs more than 1024 columns"))
    }

    @Test("two threads give the same bits as one")
    func threadsAreDeterministic() throws {
        let table = try StreamingFitTests.table(n: 3000, seed: 99)
        for cov in [CovarianceType.classical, .hc3, .cluster] {
            let one = try StreamingFormulaFit(formula: "y ~ x1 * C(g) + log(x2)", source: DataTableBlockSource(table, blockRows: 50),
                                              covariance: cov, cluster: cov == .cluster ? "firm" : nil, residualSummary: true, threads: 1)
            let two = try StreamingFormulaFit(formula: "y ~ x1 * C(g) + log(x2)", source: DataTableBlockSource(table, blockRows: 50),
                                              covariance: cov, cluster: cov == .cluster ? "firm" : nil, residualSummary: true, threads: 2)
            #expect(one.result.coefficients == two.result.coefficients)
            #expect(one.result.covarianceMatrix == two.result.covarianceMatrix)
            #expect(one.result.durbinWatson.bitPattern == two.result.durbinWatson.bitPattern)
            #expect(one.result.residualSummary == two.result.residualSummary)
        }
    }

    @Test("precision: double from the start, or switching after the column limit, stays within 1e-10 here")
    func precisionChoices() throws {
        let table = try StreamingFitTests.table(n: 800, seed: 5)
        let memory = try FormulaFit(formula: "y ~ x1 + log(x2) + C(g)", data: table, covariance: .hc1)
        let double = try StreamingFormulaFit(formula: "y ~ x1 + log(x2) + C(g)", source: DataTableBlockSource(table, blockRows: 64),
                                             covariance: .hc1, precision: .double)
        #expect(double.precision == .double)
        StreamingFitTests.compare(double.result, memory.result, "double precision")
        // 70 levels: more than 64 accumulated columns, so the accumulator rounds to double on the way.
        // The robust second pass forms Z = X̃M by BLAS for more than 16 columns.
        var y: [Double] = [], g: [String] = [], x: [Double] = [], firm: [String] = []
        var r = SeededGenerator(seed: 4)
        for i in 0..<2000 {
            let l = i % 70; g.append("L\(l)"); firm.append("F\(r.nextInt(below: 30))")
            let v = r.nextNormal(); x.append(v); y.append(Double(l) * 0.01 + v + r.nextNormal() * (1 + abs(v)))
        }
        let wide = try DataTable([("y", .numeric(NumericColumn(y.map { $0 }))), ("x", .numeric(NumericColumn(x.map { $0 }))),
                                  ("g", .text(TextColumn(g.map { $0 }))), ("firm", .text(TextColumn(firm.map { $0 })))])
        for cov in [CovarianceType.classical, .hc3, .cluster] {
            let cluster = cov == .cluster ? "firm" : nil
            let s = try StreamingFormulaFit(formula: "y ~ x + g", source: DataTableBlockSource(wide, blockRows: 128),
                                            covariance: cov, cluster: cluster, residualSummary: true)
            #expect(s.precision == .double && s.accumulatedColumns == 72)
            StreamingFitTests.compare(s.result, try FormulaFit(formula: "y ~ x + g", data: wide, covariance: cov, cluster: cluster).result,
                                      "70 levels \(cov.rawValue)", residualSummary: true)
        }
    }
}
