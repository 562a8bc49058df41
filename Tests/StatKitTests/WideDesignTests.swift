import Foundation
import Testing
@testable import StatKit

/// A wide categorical design (`y ~ x1 + x2 + C(g)`, 50 levels: 53 columns) against
/// statsmodels 0.15 (scripts/reference/wide_reference.py → Reference/wide-categorical.*):
/// coefficients and standard errors (classical, HC1, HC3, cluster) to 1e-9 relative, in
/// memory and read from the file in blocks; the design is well conditioned, so the fit
/// stays in double precision.
@Suite("Wide categorical design vs statsmodels")
struct WideDesignTests {
    struct Case: Decodable { var cov: String; var names: [String]; var params: [Double]; var bse: [Double]
        var rsquared: Double; var sigma: Double; var fvalue: Double }
    struct Reference: Decodable { var rows: Int; var cases: [Case] }
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let csv = directory.appendingPathComponent("wide-categorical.csv").path
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf:
        directory.appendingPathComponent("wide-categorical.json")))

    static func close(_ a: Double?, _ b: Double, rtol: Double = 1e-9) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= rtol * max(abs(a), abs(b))
    }

    @Test(arguments: 0..<4)
    func matchesStatsmodels(_ index: Int) throws {
        let c = Self.reference.cases[index]
        let cov = c.cov == "cluster" ? Covariance.cluster("firm") : Covariance(kind: Covariance.Kind(rawValue: c.cov)!)!
        let table = try DataTable(csvFile: Self.csv)
        let fits = [("memory", try LinearModel.fit("y ~ x1 + x2 + C(g)", data: table, covariance: cov)),
                    ("file", try LinearModel.fit("y ~ x1 + x2 + C(g)", csvFile: Self.csv, covariance: cov,
                                                 options: .init(threads: 2)))]
        for (how, r) in fits {
            #expect(r.termNames == c.names, "\(how)")
            #expect(r.n == Self.reference.rows && !r.usedExtendedPrecision && r.scaledConditionEstimate < 1e3, "\(how)")
            for (j, coef) in r.coefficients.enumerated() {
                // An estimate near zero is compared at the scale of its standard error.
                #expect(abs(coef.estimate! - c.params[j]) <= 1e-9 * max(abs(c.params[j]), c.bse[j]), "\(how) \(coef.term)")
                #expect(Self.close(coef.standardError, c.bse[j]), "\(how) \(coef.term) SE \(coef.standardError!) vs \(c.bse[j])")
            }
            #expect(Self.close(r.rSquared, c.rsquared) && Self.close(r.sigma, c.sigma) && Self.close(r.fStatistic, c.fvalue),
                    "\(how): F \(r.fStatistic) vs \(c.fvalue)")
            #expect(!r.notes.contains { $0.contains("ill-conditioned") }, "\(how)")
        }
    }
}
