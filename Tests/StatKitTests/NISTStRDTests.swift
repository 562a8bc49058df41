import Foundation
import Testing
@testable import StatKit

/// The NIST StRD linear regression datasets (public domain, US government; copied in
/// `Reference/nist-strd/` with NIST's certified values in `certified.json`).
///
/// Accuracy is the log relative error `LRE = −log₁₀(|x − c|/|c|)` against the certified
/// value `c`, capped at 15 (the certified values carry 15 significant digits). When the
/// certified value is 0 (Wampler1/2: residual SD and all coefficient SDs), the absolute
/// error is used, `LRE = −log₁₀|x|`, capped likewise; an exact 0 scores 15.
/// Requirement: every certified value (coefficients, their SDs, residual SD, R²) has
/// LRE ≥ 12, through the matrix interface and through formulas (`y ~ x + I(x^2) + …`).
enum NIST {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Reference/nist-strd")
    static let datasets = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
                           "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]
    static let required = 12.0

    struct Dataset {
        var name: String
        /// The data columns: y, then x (polynomials) or x1…xk.
        var rows: [[Double]]
        var degree: Int?
        var terms: [String]
        var intercept: Bool
        var coefficients: [Double]
        var coefficientSD: [Double]
        var residualSD: Double
        var rSquared: Double
        var y: [Double] { rows.map { $0[0] } }
    }

    static func load(_ name: String) throws -> Dataset {
        let cert = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.appendingPathComponent("certified.json"))) as! [String: Any]
        let c = cert[name] as! [String: Any]
        let text = try String(contentsOf: directory.appendingPathComponent("\(name).dat"), encoding: .utf8)
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        // Data follow the last line that starts with "Data:" (the header line naming the columns).
        let header = lines.lastIndex { $0.hasPrefix("Data:") }!
        var rows: [[Double]] = []
        for line in lines[(header + 1)...] {
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { Double(String($0))! }
            if !fields.isEmpty { rows.append(fields) }
        }
        precondition(rows.count == c["n"] as! Int, "\(name): \(rows.count) rows")
        func num(_ s: Any) -> Double { Double((s as! String).trimmingCharacters(in: .whitespaces))! }
        return Dataset(name: name, rows: rows, degree: c["degree"] as? Int, terms: c["parameters"] as! [String],
                       intercept: c["intercept"] as! Bool,
                       coefficients: (c["coefficients"] as! [Any]).map(num), coefficientSD: (c["coefficient_sd"] as! [Any]).map(num),
                       residualSD: num(c["residual_sd"]!), rSquared: num(c["r_squared"]!))
    }

    /// The design as a matrix and its low-order part: powers `x^k` formed in double-double.
    static func design(_ d: Dataset) -> (Matrix, Matrix) {
        var hi: [[Double]] = [], lo: [[Double]] = []
        if let degree = d.degree {
            for k in 0...degree {
                let p = d.rows.map { BlockEvaluator.integerPower(DoubleDouble($0[1]), k) }
                hi.append(p.map(\.hi))
                lo.append(p.map(\.lo))
            }
        } else {
            if d.intercept { hi.append([Double](repeating: 1, count: d.rows.count)) }
            for j in 1..<d.rows[0].count { hi.append(d.rows.map { $0[j] }) }
            lo = hi.map { [Double](repeating: 0, count: $0.count) }
        }
        return (Matrix(columns: hi), Matrix(columns: lo))
    }

    /// Log relative error, capped at 15; absolute when the certified value is 0.
    static func lre(_ x: Double?, _ c: Double) -> Double {
        guard let x, x.isFinite else { return 0 }
        let err = c == 0 ? abs(x) : abs(x - c) / abs(c)
        if err == 0 { return 15 }
        return min(15, max(0, -log10(err)))
    }

    struct Score {
        var coefficients = 15.0, sd = 15.0, sigma = 15.0, r2 = 15.0
        var min: Double { Swift.min(coefficients, sd, sigma, r2) }
    }

    static func score(_ d: Dataset, _ r: RegressionResult) -> Score {
        var s = Score()
        for (j, coef) in r.coefficients.enumerated() {
            s.coefficients = min(s.coefficients, lre(coef.estimate, d.coefficients[j]))
            s.sd = min(s.sd, lre(coef.standardError, d.coefficientSD[j]))
        }
        s.sigma = lre(r.sigma, d.residualSD)
        s.r2 = lre(r.rSquared, d.rSquared)
        return s
    }

    static func matrixFit(_ d: Dataset) throws -> RegressionResult {
        let (x, lo) = design(d)
        return try LinearModel.fit(y: d.y, design: x, names: d.terms, hasIntercept: d.intercept, lowOrder: lo)
    }

    static func formulaFit(_ d: Dataset) throws -> RegressionResult {
        var columns: [(String, Column)] = [("y", .numeric(NumericColumn(d.y.map { $0 })))]
        var formula = "y ~ "
        if let degree = d.degree {
            columns.append(("x", .numeric(NumericColumn(d.rows.map { $0[1] }))))
            formula += "x" + (degree >= 2 ? (2...degree).map { " + I(x^\($0))" }.joined() : "")
        } else {
            let k = d.rows[0].count - 1
            for j in 1...k { columns.append(("x\(j)", .numeric(NumericColumn(d.rows.map { $0[j] })))) }
            formula += (1...k).map { "x\($0)" }.joined(separator: " + ")
        }
        if !d.intercept { formula += " - 1" }
        return try LinearModel.fit(formula, data: DataTable(columns))
    }
}

@Suite("NIST StRD linear regression")
struct NISTStRDTests {
    @Test("certified values to LRE ≥ 12 (matrix and formula)", arguments: NIST.datasets)
    func certified(_ name: String) throws {
        let d = try NIST.load(name)
        for (how, r) in [("matrix", try NIST.matrixFit(d)), ("formula", try NIST.formulaFit(d))] {
            let s = NIST.score(d, r)
            print(String(format: "NIST %@ (%@): min LRE coefficients %.1f, SDs %.1f, residual SD %.1f, R² %.1f; %@ QR, %d residual pass(es)",
                         name, how, s.coefficients, s.sd, s.sigma, s.r2, r.usedExtendedPrecision ? "double-double" : "double",
                         r.residualPasses))
            #expect(r.droppedTerms.isEmpty, "\(name): no term may be dropped")
            #expect(r.rank == d.terms.count)
            #expect(s.coefficients >= NIST.required, "\(name) \(how) coefficients LRE \(s.coefficients)")
            #expect(s.sd >= NIST.required, "\(name) \(how) coefficient SDs LRE \(s.sd)")
            #expect(s.sigma >= NIST.required, "\(name) \(how) residual SD LRE \(s.sigma)")
            #expect(s.r2 >= NIST.required, "\(name) \(how) R² LRE \(s.r2)")
        }
    }

    @Test("Filip takes the double-double factorization; the well-conditioned sets do not")
    func precisionChoice() throws {
        let filip = try NIST.matrixFit(NIST.load("Filip"))
        #expect(filip.usedExtendedPrecision)
        #expect(filip.conditionNumber > 1e14, "statsmodels-style condition number of Filip ≈ 1.8e15, got \(filip.conditionNumber)")
        for name in ["Norris", "Pontius", "NoInt1", "NoInt2"] {
            #expect(try !NIST.matrixFit(NIST.load(name)).usedExtendedPrecision, "\(name)")
        }
    }
}
