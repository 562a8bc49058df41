import Foundation
import Testing
@testable import StatKit

/// The absorbed fixed effects against brute force: the same model with every fixed effect
/// as dummy columns (`C(firm) + C(year)`, Frisch–Waugh–Lovell says the coefficients and the
/// residuals are the same), in the shapes that take the projection's different paths: a
/// small second fixed effect (solved directly), two large ones (Irons–Tuck iterations), a
/// third fixed effect (cross terms in the direct system), weights, and the fixed effects
/// listed smallest first.
@Suite("Fixed effects: projection vs dummy columns")
struct FixedEffectsProjectionTests {
    /// A deterministic unbalanced panel: `firms` firms over `years` years, each present in a
    /// run of years, a region per firm-year, a worker id with `workers` levels, and weights.
    static func panel(firms: Int, years: Int, workers: Int, seed: UInt64) -> DataTable {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53
        }
        var firm: [String?] = [], year: [Double?] = [], region: [String?] = [], worker: [String?] = []
        var y: [Double?] = [], x1: [Double?] = [], x2: [Double?] = [], w: [Double?] = []
        for f in 0..<firms {
            let start = Int(next() * Double(years - 1)), length = 2 + Int(next() * Double(years - 1))
            let effect = 3 * next()
            for t in start..<min(years, start + length) {
                firm.append("f\(f)")
                year.append(Double(2000 + t))
                region.append("r\(Int(next() * 5))")
                worker.append("w\(Int(next() * Double(workers)))")
                let a = next() + 0.3 * effect, b = next()
                x1.append(a)
                x2.append(b)
                y.append(1.5 * a - 0.7 * b + effect + 0.2 * Double(t) + next())
                w.append(0.5 + next())
            }
        }
        var table = DataTable()
        try! table.add("firm", .text(TextColumn(firm)))
        try! table.add("year", .numeric(NumericColumn(year)))
        try! table.add("region", .text(TextColumn(region)))
        try! table.add("worker", .text(TextColumn(worker)))
        try! table.add("y", .numeric(NumericColumn(y)))
        try! table.add("x1", .numeric(NumericColumn(x1)))
        try! table.add("x2", .numeric(NumericColumn(x2)))
        try! table.add("w", .numeric(NumericColumn(w)))
        return table
    }

    static let shapes: [(label: String, fixedEffects: [String], dummies: String, workers: Int, weighted: Bool)] = [
        ("firm + year (direct)", ["firm", "year"], "C(firm) + C(year)", 10, false),
        ("year + firm, weighted", ["year", "firm"], "C(year) + C(firm)", 10, true),
        ("firm + worker (iterated)", ["firm", "worker"], "C(firm) + C(worker)", 300, false),
        ("firm + year + region", ["firm", "year", "region"], "C(firm) + C(year) + C(region)", 10, true),
    ]

    @Test("coefficients and residual sum of squares as with dummy columns", arguments: 0..<4)
    func matchesDummyColumns(_ index: Int) throws {
        let shape = Self.shapes[index]
        let table = Self.panel(firms: 280, years: 8, workers: shape.workers, seed: 7 + UInt64(index))
        let weights = shape.weighted ? "w" : nil
        let absorbed = try FixedEffectsModel.fit("y ~ x1 + x2 | " + shape.fixedEffects.joined(separator: " + "),
                                                 data: table, weights: weights)
        // A singleton dropped by the absorbed fit is fitted exactly by its dummy in the
        // other: neither the coefficients, the residuals nor the degrees of freedom differ.
        let dummies = try LinearModel.fit("y ~ x1 + x2 + " + shape.dummies, data: table, weights: weights)
        for term in ["x1", "x2"] {
            let a = try #require(absorbed[term]?.estimate), b = try #require(dummies[term]?.estimate)
            #expect(abs(a - b) <= 1e-10 * abs(b), "\(shape.label) \(term): \(a) vs \(b)")
        }
        let rssAbsorbed = absorbed.fit.sigma * absorbed.fit.sigma * Double(absorbed.fit.dfResidual)
        let rssDummies = dummies.sigma * dummies.sigma * Double(dummies.dfResidual)
        #expect(abs(rssAbsorbed - rssDummies) <= 1e-10 * rssDummies, "\(shape.label): RSS \(rssAbsorbed) vs \(rssDummies)")
        #expect(absorbed.fit.dfResidual == dummies.dfResidual, "\(shape.label)")
    }

    /// The projection's own stopping rule: every level mean of every demeaned column is
    /// zero to 1e-13 of the column's size, whichever path found the coefficients.
    @Test("demeaned columns have zero mean in every level", arguments: 0..<4)
    func levelMeansVanish(_ index: Int) throws {
        let shape = Self.shapes[index]
        let table = Self.panel(firms: 280, years: 8, workers: shape.workers, seed: 7 + UInt64(index))
        let parsed = try Formula("y ~ x1 + x2 | " + shape.fixedEffects.joined(separator: " + "))
        let stream = try FormulaStream(formula: parsed, source: DataTableBlockSource(table), weights: shape.weighted ? "w" : nil,
                                       clusters: parsed.fixedEffects)
        var data = try AbsorbedData.read(stream, fixedEffects: parsed.fixedEffects, extra: [], threads: 1)
        _ = data.dropUninformative(zeroGroups: false)
        let d = data.demean(data.y, weights: data.weights)
        let columns = [data.y, data.x.column(0), data.x.column(1)]
        let demeaned = [d.v, d.x.column(0), d.x.column(1)]
        for (c, column) in demeaned.enumerated() {
            let scale = columns[c].map(abs).max()!
            for f in data.fe.indices {
                var sum = [Double](repeating: 0, count: data.feLevels[f]), total = sum
                for i in 0..<data.n {
                    let w = data.weights?[i] ?? 1
                    sum[Int(data.fe[f][i])] += w * column[i]
                    total[Int(data.fe[f][i])] += w
                }
                let worst = zip(sum, total).map { abs($0 / $1) }.max()!
                #expect(worst <= 1e-12 * scale, "\(shape.label) column \(c) fixed effect \(f): \(worst)")
            }
        }
    }
}
