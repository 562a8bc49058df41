import Foundation
import Testing
@testable import StatKit

/// Generalized linear models against R 4.2 (`glm`, `MASS::glm.nb`, `sandwich`):
/// scripts/reference/glm_reference.R → Reference/glm.{csv,json}. Tolerances: coefficients
/// 1e-7 relative (at the scale of their standard error), standard errors 1e-6, deviances
/// and likelihoods 1e-9 (a binomial's Pearson χ² 1e-7); the negative binomial, whose θ is
/// iterated, 1e-5.
@Suite("Generalized linear models vs R")
struct GLMReferenceTests {
    struct Fit: Decodable {
        var label: String; var family: String; var names: [String]; var coefficients: [Double]; var se: [Double]
        var se_HC0: [Double]; var se_HC1: [Double]; var se_HC3: [Double]; var se_cluster: [Double]
        var deviance: Double; var null_deviance: Double; var pearson: Double; var loglik: Double; var aic: Double; var bic: Double
        var n: Int; var theta: Double?; var theta_se: Double?
    }
    struct Reference: Decodable { var fits: [Fit] }
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("glm.json")))
    static var table: DataTable { get throws { try DataTable(csvFile: directory.appendingPathComponent("glm.csv").path) } }

    /// R's column name of one of ours: `industry[T.Media]` → `industryMedia`.
    static func rName(_ s: String) -> String {
        guard let open = s.firstIndex(of: "["), s.hasSuffix("]") else { return s }
        let level = s[s.index(open, offsetBy: 3)..<s.index(before: s.endIndex)]
        return String(s[..<open]) + level
    }

    static let cases: [(String, String, GLMFamily)] = [
        ("poisson offset", "cut ~ growth + industry + offset(log(employees))", .poisson),
        ("negbin offset", "cut ~ growth + industry + offset(log(employees))", .negativeBinomial()),
        ("logit", "laidoff ~ log(employees) + growth", .logit),
        ("probit", "laidoff ~ log(employees) + growth", .probit),
        ("gaussian", "log1p(cut) ~ growth + log(employees)", .gaussian),
    ]

    @Test(arguments: 0..<5)
    func matchesR(_ index: Int) throws {
        let (label, formula, family) = Self.cases[index]
        let ref = Self.reference.fits.first { $0.label == label }!
        let negbin = family.name == "negbin"
        let (cTol, seTol, llTol) = negbin ? (1e-5, 1e-5, 1e-7) : (1e-7, 1e-6, 1e-9)
        let fit = try GeneralizedLinearModel.fit(formula, data: Self.table, family: family)
        #expect(fit.converged && fit.n == ref.n)
        let order = fit.fit.termNames.map { ref.names.firstIndex(of: Self.rName($0))! }
        func compareSE(_ r: GLMResult, _ expected: [Double], _ what: String) {
            for (j, c) in r.coefficients.enumerated() {
                let e = expected[order[j]]
                #expect(abs(c.standardError! - e) <= seTol * e, "\(label) \(what) \(c.term): \(c.standardError!) vs \(e)")
            }
        }
        for (j, c) in fit.coefficients.enumerated() {
            let e = ref.coefficients[order[j]], s = ref.se[order[j]]
            #expect(abs(c.estimate! - e) <= cTol * max(abs(e), s), "\(label) \(c.term): \(c.estimate!) vs \(e)")
        }
        compareSE(fit, ref.se, "classical")
        compareSE(try fit.with(covariance: .hc0), ref.se_HC0, "HC0")
        compareSE(try fit.with(covariance: .hc1), ref.se_HC1, "HC1")
        compareSE(try fit.with(covariance: .hc3), ref.se_HC3, "HC3")
        compareSE(try fit.with(covariance: .cluster("firm")), ref.se_cluster, "cluster")
        for (name, a, b) in [("deviance", fit.deviance, ref.deviance), ("null deviance", fit.nullDeviance, ref.null_deviance),
                             ("Pearson", fit.pearsonChiSquared, ref.pearson), ("log-likelihood", fit.logLikelihood, ref.loglik),
                             ("AIC", fit.aic, ref.aic), ("BIC", fit.bic, ref.bic)] {
            // Pearson's χ² of a binomial model divides by μ(1 − μ), tiny in the tails:
            // it amplifies the last digits of the fitted probabilities.
            let tol = name == "Pearson" && family.name == "binomial" ? 1e-7 : llTol
            #expect(abs(a - b) <= tol * abs(b), "\(label) \(name): \(a) vs \(b)")
        }
        if negbin {
            let theta = try #require(fit.theta), se = try #require(fit.thetaStandardError)
            #expect(abs(theta - ref.theta!) <= 1e-5 * ref.theta! && abs(se - ref.theta_se!) <= 1e-4 * ref.theta_se!,
                    "θ \(theta) ± \(se) vs \(ref.theta!) ± \(ref.theta_se!)")
        }
        // z tests for the families with a fixed dispersion, t for the gaussian.
        let c = fit.coefficients[1]
        let z = c.estimate! / c.standardError!
        let p = family == .gaussian ? StudentTDistribution(degreesOfFreedom: Double(fit.fit.dfResidual)).twoSidedPValue(z)
                                    : 2 * NormalDistribution(mean: 0, standardDeviation: 1).sf(abs(z))
        #expect(abs(c.pValue! - p) <= 1e-12 * max(p, 1e-300))
    }
}
