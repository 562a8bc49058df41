import Foundation
import Testing
@testable import StatKit

/// Wald tests and diagnostics against statsmodels 0.15 (scripts/reference/diagnostics_reference.py
/// → Reference/diagnostics.json, on Reference/panel.csv): statistics and p-values to 1e-9
/// relative (1e-7 for influence measures, which difference nearly equal quantities).
@Suite("Wald tests and diagnostics vs statsmodels")
struct DiagnosticsReferenceTests {
    struct Ref: Decodable {
        struct T: Decodable { var cov: String; var hypothesis: String; var statistic: Double; var df1: Int; var df2: Int; var p_value: Double }
        struct BP: Decodable { var statistic: Double; var df: Int; var p_value: Double }
        struct F: Decodable { var statistic: Double; var df1: Int; var df2: Int; var p_value: Double }
        struct Rows: Decodable { var leverage: [Double]; var cooks_distance: [Double]; var studentized: [Double]; var dfbetas: [[Double]] }
        var formula: String; var names: [String]; var tests: [T]; var vif: [String: Double]
        var breusch_pagan: BP; var reset: F; var cooks_distance_max: Double; var cooks_distance_max_row: Int; var rows: Rows
    }
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let ref: Ref = try! JSONDecoder().decode(Ref.self, from: Data(contentsOf: directory.appendingPathComponent("diagnostics.json")))
    static func close(_ a: Double, _ b: Double, _ rtol: Double = 1e-9) -> Bool { abs(a - b) <= rtol * max(abs(a), abs(b), 1e-300) }

    static func fit(_ cov: Covariance = .classical) throws -> RegressionResult {
        try LinearModel.fit(ref.formula, data: DataTable(csvFile: directory.appendingPathComponent("panel.csv").path), covariance: cov)
    }

    @Test func waldTests() throws {
        for (name, cov) in [("classical", Covariance.classical), ("HC3", .hc3), ("cluster", .cluster("firm"))] {
            let r = try Self.fit(cov)
            for t in Self.ref.tests where t.cov == name {
                let w = try r.test(t.hypothesis)
                #expect(w.df1 == t.df1 && w.df2 == t.df2, "\(name) \(t.hypothesis): df")
                #expect(Self.close(w.statistic, t.statistic) && Self.close(w.pValue, t.p_value),
                        "\(name) \(t.hypothesis): F \(w.statistic) vs \(t.statistic), p \(w.pValue) vs \(t.p_value)")
            }
        }
        // The classical joint test of every slope is the model's F.
        let r = try Self.fit()
        #expect(Self.close(try r.test("x1 = 0, x2 = 0, I(x2^2) = 0").statistic, r.fStatistic, 1e-12))
    }

    @Test func hypothesesThatCannotBeTested() throws {
        let r = try Self.fit()
        #expect(throws: RegressionError.unknownTerm("x3", terms: r.termNames)) { _ = try r.test("x3 = 0") }
        #expect(throws: RegressionError.self) { _ = try r.test("x1") }
        #expect(throws: RegressionError.self) { _ = try r.test("x1 = 0, x1 = 1") }   // R V Rᵀ singular
        #expect(throws: RegressionError.self) { _ = try r.test("1 = 0") }
        #expect(try r.test("x1=1e-3").df1 == 1)
    }

    @Test func diagnostics() throws {
        let d = try Self.fit().diagnostics()
        #expect(d.vif.map(\.term) == ["x1", "x2", "I(x2^2)"])
        for (term, v) in d.vif { #expect(Self.close(v, Self.ref.vif[term]!), "VIF \(term) \(v) vs \(Self.ref.vif[term]!)") }
        let bp = Self.ref.breusch_pagan
        #expect(Self.close(d.breuschPagan.statistic, bp.statistic) && d.breuschPagan.df1 == bp.df && Self.close(d.breuschPagan.pValue, bp.p_value))
        let reset = Self.ref.reset
        #expect(Self.close(d.reset.statistic, reset.statistic, 1e-8) && d.reset.df1 == reset.df1 && d.reset.df2 == reset.df2)
        #expect(Self.close(d.reset.pValue, reset.p_value, 1e-8))
        #expect(Self.close(d.cooksDistanceMax, Self.ref.cooks_distance_max, 1e-7) && d.cooksDistanceMaxRow == Self.ref.cooks_distance_max_row)
    }

    @Test func influence() throws {
        let r = try Self.fit()
        var first: InfluenceRows?
        var rows = 0
        try r.forEachInfluence { b in
            if first == nil { first = b }
            rows += b.leverage.count
        }
        #expect(rows == r.n)
        let b = try #require(first)
        let ref = Self.ref.rows, k = r.keptTerms.count
        for i in 0..<20 {
            #expect(Self.close(b.leverage[i], ref.leverage[i], 1e-9))
            #expect(Self.close(b.cooksDistance[i], ref.cooks_distance[i], 1e-7))
            #expect(Self.close(b.studentizedResiduals[i], ref.studentized[i], 1e-7))
            for j in 0..<k { #expect(abs(b.dfbetas[i * k + j] - ref.dfbetas[i][j]) <= 1e-7 * max(1e-3, abs(ref.dfbetas[i][j])), "dfbetas[\(i), \(j)]") }
        }
    }
}
