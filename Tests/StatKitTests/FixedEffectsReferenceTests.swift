import Foundation
import Testing
@testable import StatKit

/// Fixed effects absorbed, against pyfixest 0.60 (scripts/reference/fixed_effects_reference.py
/// → Reference/fixed-effects.{csv,json}): coefficients 1e-7 and standard errors 1e-6
/// relative, observations used and t's degrees of freedom exactly; singletons and
/// separated observations dropped and counted.
@Suite("Fixed effects vs pyfixest")
struct FixedEffectsReferenceTests {
    struct Fit: Decodable { var label: String; var names: [String]; var coefficients: [Double]; var se: [Double]; var n: Int; var df_t: Int }
    struct Reference: Decodable { var fits: [Fit] }
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference")
    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf: directory.appendingPathComponent("fixed-effects.json")))
    static var table: DataTable { get throws { try DataTable(csvFile: directory.appendingPathComponent("fixed-effects.csv").path) } }

    static func check(_ r: FixedEffectsResult, _ label: String) {
        let ref = reference.fits.first { $0.label == label }!
        #expect(r.fit.termNames == ref.names, "\(label)")
        #expect(r.n == ref.n && r.fit.inferenceDegreesOfFreedom == ref.df_t, "\(label): n \(r.n) vs \(ref.n), df \(r.fit.inferenceDegreesOfFreedom) vs \(ref.df_t)")
        for (j, c) in r.coefficients.enumerated() {
            #expect(abs(c.estimate! - ref.coefficients[j]) <= 1e-7 * max(abs(ref.coefficients[j]), ref.se[j]), "\(label) \(c.term): \(c.estimate!) vs \(ref.coefficients[j])")
            #expect(abs(c.standardError! - ref.se[j]) <= 1e-6 * ref.se[j], "\(label) \(c.term): SE \(c.standardError!) vs \(ref.se[j])")
        }
    }

    @Test func leastSquares() throws {
        let fit = try FixedEffectsModel.fit("log1p(cut) ~ growth + log(employees) | firm + year", data: Self.table)
        Self.check(fit, "feols iid")
        Self.check(try fit.with(covariance: .cluster("firm")), "feols firm")
        Self.check(try fit.with(covariance: .cluster(["firm", "year"])), "feols firm+year")
        #expect(fit.observationsDropped.singletons == 4 && fit.observationsDropped.separated == 0)
        #expect(fit.fixedEffects.map(\.name) == ["firm", "year"] && fit.fixedEffects.map(\.levels) == [151, 10])
        #expect(fit.withinRSquared > 0 && fit.withinRSquared < fit.rSquared && fit.rSquared < 1)
    }

    @Test func poisson() throws {
        let fit = try FixedEffectsModel.fit("cut ~ growth + log(employees) | firm + year", data: Self.table, family: .poisson)
        Self.check(fit, "fepois iid")
        Self.check(try fit.with(covariance: .cluster("firm")), "fepois firm")
        #expect(fit.observationsDropped.separated == 6 && fit.converged)
    }

    /// The fixed effects' values reproduce the fitted values: y − Xβ̂ − α_firm − α_year is
    /// the residual, orthogonal to every fixed effect.
    @Test func fixedEffectValuesAddUp() throws {
        let table = try Self.table
        let fit = try FixedEffectsModel.fit("log1p(cut) ~ growth + log(employees) | firm + year", data: table)
        let values = fit.fixedEffectValues()
        let firm = Dictionary(uniqueKeysWithValues: values["firm"]!.map { ($0.level, $0.value) })
        let year = Dictionary(uniqueKeysWithValues: values["year"]!.map { ($0.level, $0.value) })
        #expect(values["year"]!.first!.value == 0)
        guard case .text(let f)? = table.column(named: "firm"), case .numeric(let yr)? = table.column(named: "year"),
              case .numeric(let cut)? = table.column(named: "cut"), case .numeric(let g)? = table.column(named: "growth"),
              case .numeric(let e)? = table.column(named: "employees") else { Issue.record("columns"); return }
        let b = fit.coefficients.map { $0.estimate! }
        var byFirm: [String: Double] = [:], rss = 0.0
        for i in 0..<table.rowCount {
            guard let a = firm[f[i]!], let t = year[String(Int(yr[i]!))] else { continue }   // singletons were dropped
            let r = log1p(cut[i]!) - b[0] * g[i]! - b[1] * log(e[i]!) - a - t
            byFirm[f[i]!, default: 0] += r
            rss += r * r
        }
        #expect(byFirm.values.allSatisfy { abs($0) < 1e-9 })
        #expect(abs(rss - fit.fit.sigma * fit.fit.sigma * Double(fit.fit.dfResidual)) < 1e-9 * rss)
    }
}
