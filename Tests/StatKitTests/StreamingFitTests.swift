import Foundation
import Testing
@testable import StatKit

/// Streaming fits against the in-memory ``LinearRegression``/``FormulaFit`` (an independent
/// path: QR of the whole design with iterative refinement, residuals formed from the data)
/// on generated data.
///
/// Tolerance: 1e-10 relative (`|a − b| ≤ 1e-10·max(|a|, |b|)`, with an absolute floor of
/// 1e-10 times the scale of the quantity for values that cross zero: confidence limits are
/// scaled by `|β̂| + t·se`); p-values 1e-8 relative (a p-value of a large t amplifies the
/// relative error of t by about t²).
@Suite("Streaming fit vs in-memory fit")
struct StreamingFitTests {
    static let rtol = 1e-10

    static func close(_ a: Double?, _ b: Double?, rtol: Double = rtol, scale: Double = 0) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        if a.isNaN || b.isNaN { return a.isNaN && b.isNaN }
        if a == b { return true }
        return abs(a - b) <= rtol * max(abs(a), abs(b), scale)
    }

    /// A note with the numbers that are estimates masked: LAPACK's 1-norm condition
    /// *estimate* (`dtrcon`) depends on the signs of R's rows, which differ between the
    /// factor of the design and the factor of accumulated blocks; and the condition number
    /// of a singular design is noise.
    static func maskEstimates(_ note: String) -> String {
        for marker in ["scaled condition estimate ", "The condition number is large, "] {
            if let r = note.range(of: marker), note[r.upperBound...].first?.isNumber == true {
                let tail = note[r.upperBound...].drop { "0123456789.e+-".contains($0) }
                return String(note[..<r.upperBound]) + "#" + tail
            }
        }
        return note
    }

    /// Checks every statistic a summary prints.
    static func compare(_ s: some RegressionStatistics, _ m: RegressionResult, _ label: String,
                        residualSummary: Bool = false, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(s.n == m.n, "\(label): n", sourceLocation: sourceLocation)
        #expect(s.rank == m.rank, "\(label): rank", sourceLocation: sourceLocation)
        #expect(s.dfModel == m.dfModel && s.dfResidual == m.dfResidual, "\(label): df", sourceLocation: sourceLocation)
        #expect(s.droppedTerms == m.droppedTerms, "\(label): dropped \(s.droppedTerms) vs \(m.droppedTerms)", sourceLocation: sourceLocation)
        #expect(s.coefficients.map(\.term) == m.coefficients.map(\.term), "\(label): terms", sourceLocation: sourceLocation)
        #expect(s.clusterCount == m.clusterCount && s.covarianceType == m.covarianceType, "\(label): covariance", sourceLocation: sourceLocation)
        for (a, b) in zip(s.coefficients, m.coefficients) {
            let scale = abs(b.estimate ?? 0) + 3 * (b.standardError ?? 0)
            #expect(close(a.estimate, b.estimate, scale: scale), "\(label) \(a.term): estimate \(a.estimate ?? .nan) vs \(b.estimate ?? .nan)", sourceLocation: sourceLocation)
            #expect(close(a.standardError, b.standardError), "\(label) \(a.term): SE \(a.standardError ?? .nan) vs \(b.standardError ?? .nan)", sourceLocation: sourceLocation)
            #expect(close(a.t, b.t, scale: 1), "\(label) \(a.term): t \(a.t ?? .nan) vs \(b.t ?? .nan)", sourceLocation: sourceLocation)
            #expect(close(a.pValue, b.pValue, rtol: 1e-8, scale: 1e-300), "\(label) \(a.term): p \(a.pValue ?? .nan) vs \(b.pValue ?? .nan)", sourceLocation: sourceLocation)
            #expect(close(a.ciLow, b.ciLow, scale: scale), "\(label) \(a.term): ci low", sourceLocation: sourceLocation)
            #expect(close(a.ciHigh, b.ciHigh, scale: scale), "\(label) \(a.term): ci high", sourceLocation: sourceLocation)
        }
        for (name, a, b) in [("R²", s.rSquared, m.rSquared), ("adj R²", s.adjustedRSquared, m.adjustedRSquared),
                             ("sigma", s.sigma, m.sigma), ("F", s.fStatistic, m.fStatistic),
                             ("llf", s.logLikelihood, m.logLikelihood), ("AIC", s.aic, m.aic), ("BIC", s.bic, m.bic),
                             ("Durbin-Watson", s.durbinWatson, m.durbinWatson)] {
            #expect(close(a, b), "\(label): \(name) \(a) vs \(b)", sourceLocation: sourceLocation)
        }
        // An exactly singular design has a condition number that is rounding noise (≈ 1e18)
        // in either fit; otherwise it is σ_max/σ_min of the same matrix.
        if m.conditionNumber > 1e14 {
            #expect(s.conditionNumber > 1e14, "\(label): condition number \(s.conditionNumber) vs \(m.conditionNumber)", sourceLocation: sourceLocation)
        } else {
            #expect(close(s.conditionNumber, m.conditionNumber, rtol: 1e-9), "\(label): condition number \(s.conditionNumber) vs \(m.conditionNumber)", sourceLocation: sourceLocation)
        }
        #expect(close(s.fPValue, m.fPValue, rtol: 1e-8, scale: 1e-300), "\(label): F p \(s.fPValue) vs \(m.fPValue)", sourceLocation: sourceLocation)
        #expect(s.notes.map(maskEstimates) == m.notes.map(maskEstimates), "\(label): notes \(s.notes) vs \(m.notes)", sourceLocation: sourceLocation)
        if residualSummary, let r = s.residualFiveNumberSummary {
            let a = [r.minimum, r.lowerQuartile, r.median, r.upperQuartile, r.maximum]
            let q = m.residualSummary
            let b = [q.minimum, q.lowerQuartile, q.median, q.upperQuartile, q.maximum]
            let scale = b.map(abs).max() ?? 1
            #expect(zip(a, b).allSatisfy { close($0, $1, scale: scale) }, "\(label): residual summary \(a) vs \(b)", sourceLocation: sourceLocation)
        } else if residualSummary {
            Issue.record("\(label): no residual summary", sourceLocation: sourceLocation)
        }
    }

    /// A mixed table: numeric columns with missing values and zeros (log → −∞), a text
    /// factor whose levels first appear in unsorted order (one only after row 300), a
    /// numeric factor, weights and a cluster id.
    static func table(n: Int = 600, seed: UInt64 = 7) throws -> DataTable {
        var g = SeededGenerator(seed: seed)
        var y: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], w: [Double?] = [], h: [Double?] = []
        var grp: [String?] = [], firm: [String?] = []
        let levels = ["kilo", "alpha", "delta", "bravo"]
        let effect = ["kilo": 0.4, "alpha": 0.0, "delta": -0.3, "bravo": 0.9, "zulu": 1.5]
        for i in 0..<n {
            let a = 10 * g.nextUniform() - 3
            let b = exp(2 * g.nextNormal() + 1)
            let level = i >= 300 && i % 7 == 0 ? "zulu" : levels[g.nextInt(below: levels.count)]
            let hv = Double(g.nextInt(below: 3) * 5)
            let f = "f\(g.nextInt(below: 40))"
            let noise = g.nextNormal() * (0.5 + 0.1 * abs(a))
            var yv: Double? = 1.5 + 0.8 * a - 0.35 * log(b) + effect[level]! + 0.05 * hv + noise
            var x1v: Double? = a
            var x2v: Double? = i % 97 == 5 ? 0 : b
            var levelV: String? = level
            if i % 53 == 11 { yv = nil }
            if i % 61 == 7 { x1v = nil }
            if i % 71 == 3 { x2v = nil }
            if i % 89 == 13 { levelV = nil }
            y.append(yv); x1.append(x1v); x2.append(x2v); grp.append(levelV); h.append(hv)
            w.append(0.25 + 2 * g.nextUniform()); firm.append(f)
        }
        return try DataTable([("y", .numeric(NumericColumn(y))), ("x1", .numeric(NumericColumn(x1))),
                              ("x2", .numeric(NumericColumn(x2))), ("g", .text(TextColumn(grp))),
                              ("h", .numeric(NumericColumn(h))), ("w", .numeric(NumericColumn(w))),
                              ("firm", .text(TextColumn(firm)))])
    }

    static let formulas = [
        "y ~ x1 + log(x2)",
        "y ~ x1 + C(g)",
        "y ~ x1 * C(g)",
        "y ~ C(g, ref=\"delta\") + C(h) + I(x1^2) + log(x2)",
        "y ~ 0 + C(g) + x1",
        "y ~ C(g):C(h) + x1",
        "log(x2) ~ x1:log(x2) + g + x1",
        "y ~ x1 + I(2*x1) + C(h)",
    ]

    @Test("formula fits agree with FormulaFit", arguments: formulas)
    func formulaAgreement(_ formula: String) throws {
        let table = try Self.table()
        for (cov, weights) in [(CovarianceType.classical, nil), (.hc0, nil), (.hc1, "w"), (.hc2, nil), (.hc3, "w"),
                               (.cluster, nil), (.classical, "w"), (.cluster, "w")] as [(CovarianceType, String?)] {
            let cluster = cov == .cluster ? "firm" : nil
            let memory = try FormulaFit(formula: formula, data: table, covariance: cov, cluster: cluster, weights: weights)
            for blockRows in [1, 7, 256] {
                let s = try StreamingFormulaFit(formula: formula, source: DataTableBlockSource(table, blockRows: blockRows),
                                                covariance: cov, cluster: cluster, weights: weights, residualSummary: true)
                let label = "\(formula) [\(cov.rawValue), weights \(weights ?? "-"), blocks of \(blockRows)]"
                #expect(s.termNames == memory.design.termNames, "\(label): \(s.termNames) vs \(memory.design.termNames)")
                #expect(s.terms == memory.design.terms && s.assign == memory.design.assign, "\(label): terms")
                #expect(s.categoricalLevels == memory.design.categoricalLevels, "\(label): levels")
                #expect(s.exclusions == memory.design.exclusions, "\(label): \(s.exclusions) vs \(memory.design.exclusions)")
                Self.compare(s.result, memory.result, label, residualSummary: true)
            }
        }
    }
}
