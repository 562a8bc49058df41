import Foundation
import Testing
@testable import StatKit

/// The NIST polynomial datasets through the formula interface, as a user would write them
/// (`y ~ x + I(x^2) + … + I(x^10)`): the design's powers are evaluated in Float80 as well
/// (``DesignMatrix/lowOrder``), so the certified values are reproduced to LRE ≥ 10 — with
/// powers rounded to double no solver gets past ≈ 7.6 digits on Filip.
@Suite("NIST StRD through formulas", .enabled(if: NIST.available, "NIST StRD files not found in ../shared/reference/nist-strd"))
struct NISTFormulaTests {
    @Test(arguments: ["Filip", "Pontius", "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"])
    func polynomialThroughFormula(_ name: String) throws {
        let d = try NIST.load(name)
        let x = d.design.column(1), degree = d.terms.count - 1
        let table = try DataTable([("y", .numeric(NumericColumn(d.y.map { $0 }))), ("x", .numeric(NumericColumn(x.map { $0 })))])
        let formula = "y ~ x" + (degree >= 2 ? (2...degree).map { " + I(x^\($0))" }.joined() : "")
        let fit = try FormulaFit(formula: formula, data: table)
        // Integer x (Pontius, Wampler) gives powers exact in double: no low-order part.
        #expect((fit.design.lowOrder != nil) == (name == "Filip"))
        let r = fit.result
        #expect(r.droppedTerms.isEmpty, "\(name): no term may be dropped")
        var lc = 15.0, ls = 15.0
        for (j, c) in r.coefficients.enumerated() {
            lc = min(lc, NIST.lre(c.estimate ?? .nan, d.coefficients[j]))
            ls = min(ls, NIST.lre(c.standardError ?? .nan, d.coefficientSD[j]))
        }
        #expect(lc >= 10, "\(name) coefficients LRE \(lc)")
        #expect(ls >= 10, "\(name) SDs LRE \(ls)")
        #expect(NIST.lre(r.sigma, d.residualSD) >= 10)
        #expect(NIST.lre(r.rSquared, d.rSquared) >= 10)
    }
}
