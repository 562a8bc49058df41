import Foundation
import Testing
import StatKit
@testable import LayoffKit
@testable import LayoffReport

/// The report's count model on the embedded data against R (MASS::glm.nb, sandwich::vcovCL)
/// on the same events joined to the same fundamentals in R
/// (scripts/reference/count_model_reference.R → Reference/count-model.json): coefficients
/// 1e-7 at the scale of their standard error, standard errors, θ and the Poisson dispersion
/// 1e-6, the likelihood 1e-9 (θ is iterated to 1e-8 by both).
@Suite struct CountModelSectionTests {
    struct Reference: Decodable {
        var matched: Int, n: Int, reference_industry: String
        var names: [String], coefficients: [Double], se_cluster: [Double]
        var theta: Double, theta_se: Double, log_likelihood: Double, poisson_dispersion: Double
    }

    static let reference: Reference = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/count-model.json")
        return try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }()

    static func rel(_ a: Double, _ b: Double) -> Double { abs(a - b) / max(abs(b), 1e-300) }

    @Test func embeddedDataAgainstR() throws {
        let ref = Self.reference
        let data = try LayoffDataset.load()
        let join = try #require(data.join), f = try #require(data.fundamentalsLoad)
        #expect(join.matchedCount == ref.matched)
        let (formula, industry, _) = ReportBuilder.countModelFormula(data: data, join: join)
        #expect(industry == ref.reference_industry)
        #expect(formula.contains("C(year)") && formula.hasSuffix("offset(log(employees))"))
        let m = try ReportBuilder.countModel(data: data, join: join, fundamentals: f.fundamentals)
        let nb = m.negbin
        #expect(nb.n == ref.n)
        #expect(Set(nb.coefficients.map(\.term)) == Set(ref.names))
        for (j, name) in ref.names.enumerated() {
            let c = try #require(nb.fit[name], "no \(name)")
            #expect(abs(c.estimate! - ref.coefficients[j]) <= 1e-7 * max(abs(ref.coefficients[j]), ref.se_cluster[j]), "\(name)")
            #expect(Self.rel(c.standardError!, ref.se_cluster[j]) <= 1e-6, "\(name): SE \(c.standardError!) vs \(ref.se_cluster[j])")
        }
        #expect(Self.rel(try #require(nb.theta), ref.theta) <= 1e-6)
        #expect(Self.rel(try #require(nb.thetaStandardError), ref.theta_se) <= 1e-5)
        #expect(Self.rel(nb.logLikelihood, ref.log_likelihood) <= 1e-9)
        #expect(Self.rel(m.poissonDispersion, ref.poisson_dispersion) <= 1e-6)
    }

    @Test func readings() {
        #expect(ReportBuilder.levelName("C(industry, ref=\"Retail\")[T.Real Estate]", factor: "industry") == "Real Estate")
        #expect(ReportBuilder.levelName("C(year)[T.2023]", factor: "year") == "2023")
        #expect(ReportBuilder.levelName("revenue_growth", factor: "year") == nil)
        #expect(ReportBuilder.countReading(term: "C(year)[T.2024]", estimate: log(0.7), industry: "Retail", year: "2022")
                == "2024: 30% fewer people cut per employee than in 2022")
        #expect(ReportBuilder.countReading(term: "C(industry, ref=\"Retail\")[T.Crypto]", estimate: log(1.95), industry: "Retail", year: nil)
                == "Crypto: 95% more people cut per employee than Retail")
        #expect(ReportBuilder.countReading(term: "revenue_growth", estimate: log(0.9996), industry: nil, year: nil)
                == "each percentage point more revenue growth: 0.04% fewer people cut per employee")
    }
}

/// The row limit of the report's count model: above it the section says why it is not
/// fitted and gives the command that fits it; 0 leaves the section out; `nil` always fits.
@Suite struct CountModelRowLimitTests {
    static func report(limit: Int?) throws -> String {
        var options = ReportOptions()
        var settings = RegressionSettings()
        settings.countModelRowLimit = limit
        options.regression = settings
        return try ReportBuilder.build(data: LayoffDataset.load(), options: options).markdown
    }

    @Test func aboveTheLimitTheSectionSaysSoAndGivesTheCommand() throws {
        let md = try Self.report(limit: 10)
        #expect(md.contains("### Cut counts with the workforce as exposure"))
        #expect(md.contains("is fitted by the report on up to 10 rows; the fit above has 79,"))
        #expect(md.contains("layoffs regress --family negbin --formula 'total_laid_off ~ revenue_growth + C(industry, ref="))
        #expect(md.contains("`layoffs report --count-model on`"))
        #expect(!md.contains("Family: negbin"))
    }

    @Test func withinTheLimitOrWithoutOneTheModelIsFitted() throws {
        let byDefault = try Self.report(limit: RegressionSettings.defaultCountModelRowLimit)
        #expect(byDefault.contains("Family: negbin"))
        #expect(try Self.report(limit: nil) == byDefault)
    }

    @Test func zeroLeavesTheSectionOut() throws {
        let md = try Self.report(limit: 0)
        #expect(!md.contains("Cut counts with the workforce as exposure"))
        #expect(md.contains("## Data quality") || md.contains("Data quality"))
    }
}
