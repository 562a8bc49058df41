import Foundation
import Testing
@testable import StatKit

/// What a generalized linear model says when the data do not allow an estimate: perfect
/// separation is an error, a group of zero counts and quasi-separation are notes, invalid
/// responses are located errors, and the summary states family, link and convergence.
@Suite("Generalized linear models: edge cases")
struct GLMEdgeCaseTests {
    static func table(_ columns: [(String, [Double?])], text: [(String, [String?])] = []) throws -> DataTable {
        try DataTable(columns.map { ($0.0, Column.numeric(NumericColumn($0.1))) } + text.map { ($0.0, Column.text(TextColumn($0.1))) })
    }

    @Test func perfectSeparationIsAnError() throws {
        let x: [Double?] = (0..<40).map { Double($0) - 19.5 }
        let y: [Double?] = x.map { $0! > 0 ? 1 : 0 }
        let t = try Self.table([("y", y), ("x", x)])
        #expect(throws: RegressionError.self) { _ = try GeneralizedLinearModel.fit("y ~ x", data: t, family: .logit) }
        do { _ = try GeneralizedLinearModel.fit("y ~ x", data: t, family: .logit) } catch {
            #expect("\(error)".contains("perfect separation"))
        }
    }

    /// Three high-leverage outliers among negative-binomial counts: R's glm.nb and
    /// statsmodels' GLM IRLS diverge; halved steps and Newton's weights reach the maximum of
    /// the likelihood (scripts/reference/nb_outliers_reference.py: statsmodels' Newton on the
    /// full likelihood). Coefficients 1e-9 at the scale of their standard error, standard
    /// errors and θ 1e-8, log-likelihood 1e-12.
    @Test func negativeBinomialWhereIRLSDiverges() throws {
        struct Ref: Decodable { var names: [String]; var coefficients: [Double]; var se: [Double]; var theta: Double; var log_likelihood: Double }
        let ref = try JSONDecoder().decode(Ref.self, from: Data(contentsOf: GLMReferenceTests.directory.appendingPathComponent("nb-outliers.json")))
        let r = try GeneralizedLinearModel.fit("y ~ x", csvFile: GLMReferenceTests.directory.appendingPathComponent("nb-outliers.csv").path,
                                               family: .negativeBinomial())
        #expect(r.converged)
        #expect(r.fit.coefficients.map(\.term) == ref.names)
        for (j, c) in r.fit.coefficients.enumerated() {
            #expect(abs(c.estimate! - ref.coefficients[j]) <= 1e-9 * max(abs(ref.coefficients[j]), ref.se[j]), "\(c.term): \(c.estimate!) vs \(ref.coefficients[j])")
            #expect(abs(c.standardError! - ref.se[j]) <= 1e-8 * ref.se[j], "\(c.term): SE \(c.standardError!) vs \(ref.se[j])")
        }
        let theta = try #require(r.theta)
        #expect(abs(theta - ref.theta) <= 1e-8 * ref.theta, "θ \(theta) vs \(ref.theta)")
        #expect(abs(r.logLikelihood - ref.log_likelihood) <= 1e-12 * abs(ref.log_likelihood))
    }

    @Test func aGroupOfZeroCountsIsNoted() throws {
        var y: [Double?] = [], g: [String?] = [], x: [Double?] = []
        for i in 0..<90 {
            let level = ["a", "b", "c"][i % 3]
            g.append(level); x.append(Double(i % 7))
            y.append(level == "c" ? 0 : Double((i * 7919) % 5 + 1))
        }
        let fit = try GeneralizedLinearModel.fit("y ~ x + g", data: Self.table([("y", y), ("x", x)], text: [("g", g)]), family: .poisson)
        #expect(fit.notes.contains { $0.contains("numerically 0") })
        #expect(fit.fit.summary().isEmpty == false)
    }

    @Test func invalidResponsesAreRefused() throws {
        let t = try Self.table([("y", [1, 2, -1, 4, 2, 3]), ("x", [1, 2, 3, 4, 5, 6])])
        do {
            _ = try GeneralizedLinearModel.fit("y ~ x", data: t, family: .poisson)
            Issue.record("expected an error")
        } catch { #expect("\(error)".contains("row 3") && "\(error)".contains("count")) }
        let b = try Self.table([("y", [0, 1, 2, 1, 0, 1]), ("x", [1, 2, 3, 4, 5, 6])])
        #expect(throws: RegressionError.self) { _ = try GeneralizedLinearModel.fit("y ~ x", data: b, family: .logit) }
    }

    @Test func summaryStatesFamilyLinkAndIterations() throws {
        var y: [Double?] = [], x: [Double?] = [], e: [Double?] = []
        for i in 0..<200 {
            let xi = Double(i % 17) / 4, exposure = Double(100 + (i * 37) % 900)
            x.append(xi); e.append(exposure)
            // Overdispersed: a multiplicative shock of 0.2 to 3.
            let shock = [0.2, 3, 0.6, 1.5, 1][(i * 7) % 5]
            y.append((exposure * 0.01 * (1 + xi) * shock).rounded())
        }
        let fit = try GeneralizedLinearModel.fit("y ~ x + offset(log(exposure))", data: Self.table([("y", y), ("x", x), ("exposure", e)]),
                                                 family: .negativeBinomial())
        let text = fit.summary()
        #expect(text.contains("Generalized linear model: y ~ x + offset(log(exposure))"))
        #expect(text.contains("Family: negbin, link: log, theta = "))
        #expect(text.contains("P>|z|") && text.contains("Residual deviance:") && text.contains("IRLS: converged in"))
        // Least squares refuses an offset and says where it belongs.
        #expect(throws: RegressionError.self) { _ = try LinearModel.fit("y ~ x + offset(log(exposure))", data: Self.table([("y", y), ("x", x), ("exposure", e)])) }
        // A Wald test of a z-test model is χ².
        let w = try fit.fit.test("x = 0")
        #expect(w.df2 == nil && w.df1 == 1)
        // Counts without overdispersion: θ → ∞, said, and the Poisson fit stands.
        var flat: [Double?] = []
        for i in 0..<200 { flat.append((e[i]! * 0.01 * (1 + x[i]!)).rounded()) }
        let poissonLike = try GeneralizedLinearModel.fit("y ~ x + offset(log(exposure))",
                                                         data: Self.table([("y", flat), ("x", x), ("exposure", e)]),
                                                         family: .negativeBinomial())
        #expect(poissonLike.notes.contains { $0.contains("no overdispersion") })
    }
}
