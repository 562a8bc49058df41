import Foundation
import Testing
@testable import StatKit

/// NIST StRD linear regression datasets, read from `<root>/../shared/reference/nist-strd/`.
///
/// Accuracy is the log relative error `LRE = −log₁₀(|x − c|/|c|)` against the certified
/// value `c`, capped at 15 (the certified values carry 15 significant digits). When the
/// certified value is 0 (Wampler1/2: residual SD and all coefficient SDs), the absolute
/// error is used, `LRE = −log₁₀|x|`, capped likewise; an exact 0 scores 15.
/// Requirement: every certified value (coefficients, their SDs, residual SD, R²) has LRE ≥ 10.
enum NIST {
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("shared/reference/nist-strd")
    static var available: Bool {
        FileManager.default.fileExists(atPath: directory.appendingPathComponent("certified.json").path)
    }
    static let datasets = ["Norris", "Pontius", "NoInt1", "NoInt2", "Filip", "Longley",
                           "Wampler1", "Wampler2", "Wampler3", "Wampler4", "Wampler5"]

    struct Dataset {
        var name: String
        var design: Matrix
        /// Low-order part of the double-double design (powers formed in Float80).
        var low: Matrix
        var y: [Double]
        var terms: [String]
        var intercept: Bool
        var coefficients: [Double]
        var coefficientSD: [Double]
        var residualSD: Double
        var rSquared: Double
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
        let n = c["n"] as! Int
        precondition(rows.count == n, "\(name): \(rows.count) rows, expected \(n)")
        let intercept = c["intercept"] as! Bool
        let params = c["parameters"] as! [String]
        let y = rows.map { $0[0] }
        var columns: [[Double]] = []
        var lows: [[Double]] = []
        if let degree = c["degree"] as? Int {
            // Powers x^k formed in Float80 and split into double hi + lo parts.
            for k in 0...degree {
                let p80 = rows.map { pow80(Float80($0[1]), k) }
                let hi = p80.map { Double($0) }
                columns.append(hi)
                lows.append(zip(p80, hi).map { Double($0 - Float80($1)) })
            }
        } else {
            if intercept { columns.append([Double](repeating: 1, count: n)); lows.append([Double](repeating: 0, count: n)) }
            for j in 1..<rows[0].count { columns.append(rows.map { $0[j] }); lows.append([Double](repeating: 0, count: n)) }
        }
        precondition(columns.count == params.count)
        func num(_ s: Any) -> Double { Double((s as! String).trimmingCharacters(in: .whitespaces))! }
        return Dataset(name: name, design: Matrix(columns: columns), low: Matrix(columns: lows), y: y, terms: params, intercept: intercept,
                       coefficients: (c["coefficients"] as! [Any]).map(num), coefficientSD: (c["coefficient_sd"] as! [Any]).map(num),
                       residualSD: num(c["residual_sd"]!), rSquared: num(c["r_squared"]!))
    }

    static func pow80(_ x: Float80, _ k: Int) -> Float80 {
        var r: Float80 = 1
        for _ in 0..<k { r *= x }
        return r
    }

    /// Log relative error, capped at 15; absolute when the certified value is 0.
    static func lre(_ x: Double, _ c: Double) -> Double {
        guard x.isFinite else { return 0 }
        let err = c == 0 ? abs(x) : abs(x - c) / abs(c)
        if err == 0 { return 15 }
        return min(15, max(0, -log10(err)))
    }

    struct Score { var coefficients: Double; var sd: Double; var sigma: Double; var r2: Double
        var min: Double { Swift.min(coefficients, sd, sigma, r2) } }

    static func score(_ d: Dataset) throws -> (Score, RegressionResult) {
        let model = try LinearRegression(design: d.design, response: d.y, termNames: d.terms, hasIntercept: d.intercept,
                                         designLowOrder: d.low)
        let r = try model.fit()
        var lc = 15.0, ls = 15.0
        for (j, coef) in r.coefficients.enumerated() {
            lc = min(lc, lre(coef.estimate ?? .nan, d.coefficients[j]))
            ls = min(ls, lre(coef.standardError ?? .nan, d.coefficientSD[j]))
        }
        return (Score(coefficients: lc, sd: ls, sigma: lre(r.sigma, d.residualSD), r2: lre(r.rSquared, d.rSquared)), r)
    }
}

@Suite("NIST StRD linear regression", .enabled(if: NIST.available, "NIST StRD files not found in ../shared/reference/nist-strd"))
struct NISTStRDTests {
    @Test("certified values to LRE ≥ 10", arguments: NIST.datasets)
    func certified(_ name: String) throws {
        let d = try NIST.load(name)
        let (s, r) = try NIST.score(d)
        print(String(format: "NIST %@: min LRE coefficients %.1f, SDs %.1f, residual SD %.1f, R² %.1f (extended precision: %@)",
                     name, s.coefficients, s.sd, s.sigma, s.r2, r.usedExtendedPrecision ? "yes" : "no"))
        #expect(r.droppedTerms.isEmpty, "\(name): no term may be dropped")
        #expect(r.rank == d.terms.count)
        #expect(s.coefficients >= 10, "\(name) coefficients LRE \(s.coefficients)")
        #expect(s.sd >= 10, "\(name) coefficient SDs LRE \(s.sd)")
        #expect(s.sigma >= 10, "\(name) residual SD LRE \(s.sigma)")
        #expect(s.r2 >= 10, "\(name) R² LRE \(s.r2)")
    }

    @Test("Filip needs and uses the extended-precision path")
    func filipExtended() throws {
        let (_, r) = try NIST.score(NIST.load("Filip"))
        #expect(r.usedExtendedPrecision)
        #expect(r.conditionNumber > 1e14, "statsmodels-style condition number of Filip ≈ 1.8e15, got \(r.conditionNumber)")
    }
}
