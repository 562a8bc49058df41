import Foundation
import Testing
@testable import StatKit

/// Formula fits of a CSV file read in blocks, and of the same file in memory, against
/// statsmodels 0.15
/// (scripts/reference/streaming_reference.py → Reference/streaming-categorical.{csv,json}).
///
/// The file's `region` levels appear in unsorted order, `west` only after row 600 (a column
/// appended to the accumulator mid-stream); the formulas use treatment coding with the
/// default and an explicit reference, a numeric categorical, interactions, no intercept,
/// weights and clusters. Tolerance 1e-9 relative (CI limits scaled by `|β̂| + t·se`), as
/// the in-memory statsmodels comparisons. For `0 + C(region) + x` the reference R² and
/// model df are R's uncentred ones (computed by the script from statsmodels' residual sum
/// of squares; statsmodels itself sees an implicit constant there).
@Suite("Streaming fit vs statsmodels")
struct StreamingReferenceTests {
    struct Case: Decodable {
        var formula: String, cov: String, cluster: String?, weights: String?
        var n: Int, names: [String], params: [Double], bse: [Double], tvalues: [Double], pvalues: [Double]
        var ci_low: [Double], ci_high: [Double]
        var rsquared: Double, rsquared_adj: Double, fvalue: Double?, f_pvalue: Double?
        var llf: Double, aic: Double, bic: Double, sigma: Double, df_resid: Double, df_model: Double
    }
    struct Reference: Decodable { var cases: [Case]; var rows: Int }

    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let csv = directory.appendingPathComponent("streaming-categorical.csv").path
    static let reference: Reference = try! JSONDecoder().decode(
        Reference.self, from: Data(contentsOf: directory.appendingPathComponent("streaming-categorical.json")))

    /// Relative `rtol`; p-values below 1e-300 count as equal (scipy underflows to 0 where
    /// R's `pt`, used by StatKit, still returns a subnormal such as 4.7e-316).
    static func close(_ a: Double?, _ b: Double, rtol: Double = 1e-9, scale: Double = 0) -> Bool {
        guard let a else { return false }
        if abs(a) < 1e-300 && abs(b) < 1e-300 { return true }
        return abs(a - b) <= rtol * max(abs(a), abs(b), scale)
    }

    @Test(arguments: 0..<7)
    func matchesStatsmodels(index: Int) throws {
        let c = Self.reference.cases[index]
        let kind = Covariance.Kind(rawValue: c.cov)!
        let cov = c.cluster.map { Covariance.cluster($0) } ?? Covariance(kind: kind)!
        let table = try DataTable(csvFile: Self.csv)
        for (blockRows, threads) in [(64, 1), (1000, 1), (7, 2), (0, 1)] {
            let options = LinearModel.Options(threads: threads, blockRows: max(1, blockRows))
            let r = blockRows == 0
                ? try LinearModel.fit(c.formula, data: table, weights: c.weights, covariance: cov, options: options)
                : try LinearModel.fit(c.formula, csvFile: Self.csv, weights: c.weights, covariance: cov, options: options)
            let label = "\(c.formula) [\(c.cov)] \(blockRows == 0 ? "in memory" : "blocks of \(blockRows)")"
            #expect(r.n == c.n, "\(label): n")
            #expect(r.exclusions.totalRows == Self.reference.rows)
            #expect(r.dfResidual == Int(c.df_resid) && r.dfModel == Int(c.df_model), "\(label): df")
            #expect(r.coefficients.map(\.term) == c.names, "\(label): \(r.coefficients.map(\.term)) vs \(c.names)")
            for (j, co) in r.coefficients.enumerated() {
                let scale = abs(c.params[j]) + 3 * c.bse[j]
                #expect(Self.close(co.estimate, c.params[j], scale: scale), "\(label) \(co.term): estimate")
                #expect(Self.close(co.standardError, c.bse[j]), "\(label) \(co.term): SE \(co.standardError ?? .nan) vs \(c.bse[j])")
                #expect(Self.close(co.t, c.tvalues[j], scale: 1), "\(label) \(co.term): t")
                #expect(Self.close(co.pValue, c.pvalues[j]), "\(label) \(co.term): p")
                #expect(Self.close(co.ciLow, c.ci_low[j], scale: scale), "\(label) \(co.term): CI low")
                #expect(Self.close(co.ciHigh, c.ci_high[j], scale: scale), "\(label) \(co.term): CI high")
            }
            // statsmodels gives no robust F without an explicit constant (`0 + C(region)`);
            // there the F is not compared.
            if let f = c.fvalue, let fp = c.f_pvalue {
                #expect(Self.close(r.fStatistic, f), "\(label): F \(r.fStatistic) vs \(f)")
                #expect(Self.close(r.fPValue, fp), "\(label): F p \(r.fPValue) vs \(fp)")
            }
            for (name, a, b) in [("R²", r.rSquared, c.rsquared), ("adj R²", r.adjustedRSquared, c.rsquared_adj),
                                 ("llf", r.logLikelihood, c.llf),
                                 ("AIC", r.aic, c.aic), ("BIC", r.bic, c.bic), ("sigma", r.sigma, c.sigma)] {
                #expect(Self.close(a, b), "\(label): \(name) \(a) vs \(b)")
            }
            #expect(!r.usedExtendedPrecision && r.residualPasses == 1, "\(label): one residual pass, in double")
        }
    }

    @Test("levels discovered mid-stream: west appended after row 600, then ordered and coded as patsy does")
    func levelsDiscoveredOnTheWay() throws {
        let fit = try LinearModel.fit("y ~ x + C(region)", csvFile: Self.csv, options: .init(blockRows: 100))
        #expect(fit.categoricalLevels == [CategoricalLevels(factor: "C(region)", levels: ["central", "coast", "east", "north", "south", "west"], reference: "central")])
        #expect(fit.exclusions.reasons.map(\.reason) == ["missing y", "missing x", "missing region"])
        let inMemory = try LinearModel.fit("y ~ x + C(region)", data: DataTable(csvFile: Self.csv))
        for (a, b) in zip(fit.coefficients, inMemory.coefficients) {
            #expect(a.term == b.term && abs(a.estimate! - b.estimate!) <= 1e-12 * max(1, abs(b.estimate!)))
        }
    }
}
