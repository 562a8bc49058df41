import Foundation
import Testing
import LayoffKit
import StatKit

/// `layoffs generate` writes data from a model with known parameters; the project's own
/// pipeline (load, join, formula fit) must recover them within their confidence intervals.
@Suite struct SyntheticRecoveryTests {
    @Test(arguments: [UInt64(7), 42])
    func regressionRecoversTheGeneratingParameters(seed: UInt64) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(seed)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = SyntheticLayoffs.Parameters(events: 20_000, companies: 800, seed: seed)
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(p).write(eventsPath: e, fundamentalsPath: f)
        let data = try LayoffDataset.load(eventsPath: e, fundamentalsPath: f)
        #expect(data.events.count == 20_000)
        #expect(data.join?.unmatchedCount == 0)
        let table = try data.join!.regressionTable(events: data.events, fundamentals: data.fundamentalsLoad!.fundamentals)
        // 99.9% intervals: with two seeds and three parameters a false alarm has
        // probability about 0.6%.
        let fit = try LinearModel.fit("log(total_laid_off) ~ log(employees) + revenue_growth", data: table,
                                      covariance: .cluster("company"), level: 0.999)
        let truth = [p.intercept, p.slopeLogEmployees, p.slopeGrowth]
        for (c, t) in zip(fit.coefficients, truth) {
            let lo = try #require(c.ciLow), hi = try #require(c.ciHigh)
            #expect(lo <= t && t <= hi, "\(c.term): true \(t) outside [\(lo), \(hi)]")
        }
        // About 15% of counts are missing by design, and they are counted, not silently dropped.
        let missing = fit.exclusions["missing total_laid_off"]
        #expect(missing > 2_000 && missing < 4_000)
        #expect(abs(fit.sigma - p.sigma) < 0.05)
    }

    @Test func sameSeedSameBytes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-bytes-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let p = SyntheticLayoffs.Parameters(events: 3_000, companies: 100, seed: 9)
        for k in 0..<2 {
            try SyntheticLayoffs(p).write(eventsPath: dir.appendingPathComponent("e\(k).csv").path,
                                          fundamentalsPath: dir.appendingPathComponent("f\(k).csv").path)
        }
        #expect(try Data(contentsOf: dir.appendingPathComponent("e0.csv")) == Data(contentsOf: dir.appendingPathComponent("e1.csv")))
        #expect(try Data(contentsOf: dir.appendingPathComponent("f0.csv")) == Data(contentsOf: dir.appendingPathComponent("f1.csv")))
    }
}
