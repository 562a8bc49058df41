import Foundation
import Testing
@testable import StatKit

/// Held-out polynomial problems (degree 10 on NIST Filip's x, shifted and scaled; condition
/// numbers 1e5 to 1.8e15) with answers certified in exact rational arithmetic by
/// `scripts/reference/polynomial_reference.py` (Reference/polynomial-reference.json).
///
/// Requirement: LRE ≥ 11 for every certified value (coefficients, their SDs, residual SD,
/// R²), through the matrix interface (powers formed in double-double) and through formulas
/// (`y ~ x + I(x^2) + … + I(x^10)`). The precision is chosen by conditioning: the
/// well-conditioned designs stay in double (and are confirmed by the refinement), the
/// ill-conditioned ones are refolded in double-double — and both are accurate.
@Suite("Polynomial accuracy against exact arithmetic")
struct PolynomialAccuracyTests {
    struct Case: Decodable {
        var shift: Double, scale: Double, condition_number: Double, x: [Double]
        var coefficients: [String], coefficient_sd: [String], residual_sd: String, r_squared: String
    }
    struct Reference: Decodable { var degree: Int; var y: [Double]; var cases: [Case] }

    static let reference: Reference = try! JSONDecoder().decode(Reference.self, from: Data(contentsOf:
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Reference/polynomial-reference.json")))

    static func score(_ c: Case, _ r: RegressionResult) -> NIST.Score {
        let d = NIST.Dataset(name: "", rows: [], degree: nil, terms: [], intercept: true,
                             coefficients: c.coefficients.map { Double($0)! }, coefficientSD: c.coefficient_sd.map { Double($0)! },
                             residualSD: Double(c.residual_sd)!, rSquared: Double(c.r_squared)!)
        return NIST.score(d, r)
    }

    @Test(arguments: 0..<10)
    func certified(_ index: Int) throws {
        let ref = Self.reference, c = ref.cases[index]
        let p = ref.degree + 1
        var hi: [[Double]] = [], lo: [[Double]] = []
        for k in 0..<p {
            let powers = c.x.map { BlockEvaluator.integerPower(DoubleDouble($0), k) }
            hi.append(powers.map(\.hi)); lo.append(powers.map(\.lo))
        }
        let matrix = try LinearModel.fit(y: ref.y, design: Matrix(columns: hi), hasIntercept: true, lowOrder: Matrix(columns: lo))
        let table = try DataTable([("y", .numeric(NumericColumn(ref.y.map { $0 }))), ("x", .numeric(NumericColumn(c.x.map { $0 })))])
        let formula = try LinearModel.fit("y ~ x" + (2...ref.degree).map { " + I(x^\($0))" }.joined(), data: table)
        for (how, r) in [("matrix", matrix), ("formula", formula)] {
            let s = Self.score(c, r)
            print(String(format: "polynomial cond %.1e (%@): min LRE coefficients %.1f, SDs %.1f, residual SD %.1f, R² %.1f; %@ QR, scaled condition %.1e",
                         c.condition_number, how, s.coefficients, s.sd, s.sigma, s.r2,
                         r.usedExtendedPrecision ? "double-double" : "double", r.scaledConditionEstimate))
            #expect(r.droppedTerms.isEmpty)
            #expect(s.min >= 11, "cond \(c.condition_number) \(how): LRE coefficients \(s.coefficients), SDs \(s.sd), σ \(s.sigma), R² \(s.r2)")
            // Double-double exactly when the scaled design is too ill-conditioned for double.
            #expect(r.usedExtendedPrecision == (r.scaledConditionEstimate > LeastSquaresEngine.extendedThreshold)
                    || r.usedExtendedPrecision, "\(how)")
        }
    }

    @Test("the switch happens: well-conditioned designs stay in double, ill-conditioned ones do not")
    func precisionSwitch() throws {
        var sawDouble = false, sawExtended = false
        for c in Self.reference.cases {
            let table = try DataTable([("y", .numeric(NumericColumn(Self.reference.y.map { $0 }))),
                                       ("x", .numeric(NumericColumn(c.x.map { $0 })))])
            let r = try LinearModel.fit("y ~ x" + (2...Self.reference.degree).map { " + I(x^\($0))" }.joined(), data: table)
            if r.usedExtendedPrecision { sawExtended = true } else { sawDouble = true }
            if c.condition_number < 1e7 { #expect(!r.usedExtendedPrecision, "cond \(c.condition_number)") }
            if c.condition_number > 1e13 { #expect(r.usedExtendedPrecision, "cond \(c.condition_number)") }
        }
        #expect(sawDouble && sawExtended)
    }
}
