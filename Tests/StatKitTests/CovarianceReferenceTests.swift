import Foundation
import Testing
@testable import StatKit

/// Multiway clustering, HAC (Newey–West) and Driscoll–Kraay against pyfixest 0.60 and
/// statsmodels 0.15 on a generated unbalanced panel (scripts/reference/covariance_reference.py
/// → Reference/panel.{csv,json}): coefficients and standard errors to 1e-9 relative, and
/// the degrees of freedom of t.
@Suite("Covariances vs pyfixest and statsmodels")
struct CovarianceReferenceTests {
    struct Case: Decodable { var label: String; var names: [String]; var params: [Double]; var bse: [Double]; var df: Int }
    struct Reference: Decodable { var rows: Int; var cases: [Case] }
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf:
        directory.appendingPathComponent("panel.json")))
    static var table: DataTable { get throws { try DataTable(csvFile: directory.appendingPathComponent("panel.csv").path) } }

    static func check(_ r: RegressionResult, _ label: String) {
        let c = reference.cases.first { $0.label == label }!
        #expect(r.termNames == c.names, "\(label)")
        for (j, coef) in r.coefficients.enumerated() {
            #expect(abs(coef.estimate! - c.params[j]) <= 1e-9 * max(abs(c.params[j]), c.bse[j]), "\(label) \(coef.term)")
            #expect(abs(coef.standardError! - c.bse[j]) <= 1e-9 * c.bse[j], "\(label) \(coef.term): SE \(coef.standardError!) vs \(c.bse[j])")
        }
        #expect(r.inferenceDegreesOfFreedom == c.df, "\(label): df \(r.inferenceDegreesOfFreedom) vs \(c.df)")
    }

    @Test func clusters() throws {
        let fit = try LinearModel.fit("y ~ x1 + x2", data: Self.table)
        Self.check(try fit.with(covariance: .cluster("firm")), "cluster firm")
        Self.check(try fit.with(covariance: .cluster("year")), "cluster year")
        let twoWay = try fit.with(covariance: .cluster(["firm", "year"]))
        Self.check(twoWay, "cluster firm+year")
        #expect(twoWay.clusterCounts == [80, 6] && twoWay.clusterCount == 6)
        // The same with ids given by the caller, and fitted with the estimator directly.
        let table = try Self.table
        guard case .text(let firm)? = table.column(named: "firm"), case .numeric(let year)? = table.column(named: "year") else {
            Issue.record("columns"); return
        }
        let ids = try fit.with(covariance: .cluster(ids: [firm.codes.map(Int.init), year.values.map { Int($0) }]))
        #expect(ids.coefficients == twoWay.coefficients)
        Self.check(try LinearModel.fit("y ~ x1 + x2", data: table, covariance: .cluster(["firm", "year"])), "cluster firm+year")
    }

    @Test func neweyWest() throws {
        let fit = try LinearModel.fit("y ~ x1 + x2", data: Self.table, covariance: .hac(lags: 3))
        Self.check(fit, "HAC 3")
        #expect(fit.notes.first?.contains("Newey–West") == true)
        // One firm's rows, shuffled: the time column puts them in order.
        let table = try Self.table
        guard case .text(let firm)? = table.column(named: "firm") else { Issue.record("firm"); return }
        var rows = (0..<table.rowCount).filter { firm[$0] == "F007" }
        rows.reverse()
        rows.swapAt(0, rows.count / 2)
        var sub = DataTable()
        for name in ["y", "x1", "x2", "t"] {
            guard case .numeric(let col)? = table.column(named: name) else { continue }
            try sub.add(name, .numeric(NumericColumn(rows.map { col[$0] })))
        }
        Self.check(try LinearModel.fit("y ~ x1 + x2", data: sub, covariance: .hac(lags: 2, time: "t")), "HAC 2 firm F007 by t")
        // Over the whole panel the periods repeat: HAC over t is refused, Driscoll–Kraay is the estimator.
        #expect(throws: RegressionError.self) { _ = try fit.with(covariance: .hac(lags: 2, time: "t")) }
    }

    @Test func driscollKraay() throws {
        let fit = try LinearModel.fit("y ~ x1 + x2", data: Self.table, covariance: .driscollKraay(lags: 2, time: "t"),
                                      options: .init(blockRows: 100))
        Self.check(fit, "DK 2 by t")
        #expect(fit.clusterCount == fit.inferenceDegreesOfFreedom + 1)
    }

    @Test("a multiway sum that is not positive semi-definite has its negative eigenvalues set to zero")
    func eigenvalueFix() throws {
        // Two clusterings that nearly coincide make V_A + V_B − V_AB indefinite on some designs;
        // the fix is checked directly on a matrix with a negative eigenvalue.
        let v = Matrix(rowMajor: [[2, 0, 0], [0, 1, 0], [0, 0, -0.5]])
        let fixed = try #require(RegressionResult.positiveSemidefinite(v))
        #expect(fixed[2, 2] == 0 && abs(fixed[0, 0] - 2) < 1e-15 && abs(fixed[1, 1] - 1) < 1e-15)
        #expect(RegressionResult.positiveSemidefinite(Matrix.identity(3)) == nil)
    }
}
