import Foundation
import Testing
import LayoffKit
import StatKit

/// `layoffs generate` writes data from a model with known parameters; the project's own
/// pipeline (load, join, formula fit) must recover them within their confidence intervals,
/// on both shapes of file.
@Suite struct SyntheticRecoveryTests {
    static func generate(_ p: SyntheticLayoffs.Parameters) throws -> (dir: URL, events: String, fundamentals: String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("synth-\(p.seed)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(p).write(eventsPath: e, fundamentalsPath: f)
        return (dir, e, f)
    }

    /// The fit on the events matched to fundamentals, with 99.9% intervals: with four
    /// cases and three parameters a false alarm has probability about 1.2%.
    @discardableResult
    static func expectRecovery(_ p: SyntheticLayoffs.Parameters, _ data: LayoffDataset) throws -> RegressionResult {
        let table = try data.join!.regressionTable(events: data.events, fundamentals: data.fundamentalsLoad!.fundamentals)
        let fit = try LinearModel.fit("log(total_laid_off) ~ log(employees) + revenue_growth", data: table,
                                      covariance: .cluster("company"), level: 0.999)
        let truth = [p.intercept, p.slopeLogEmployees, p.slopeGrowth]
        for (c, t) in zip(fit.coefficients, truth) {
            let lo = try #require(c.ciLow), hi = try #require(c.ciHigh)
            #expect(lo <= t && t <= hi, "\(c.term): true \(t) outside [\(lo), \(hi)]")
        }
        #expect(abs(fit.sigma - p.sigma) < 0.05)
        return fit
    }

    @Test(arguments: [UInt64(7), 42])
    func compactShapeRecoversTheGeneratingParameters(seed: UInt64) throws {
        let p = SyntheticLayoffs.Parameters(events: 20_000, companies: 800, seed: seed, shape: .compact)
        let g = try Self.generate(p)
        defer { try? FileManager.default.removeItem(at: g.dir) }
        let data = try LayoffDataset.load(eventsPath: g.events, fundamentalsPath: g.fundamentals)
        #expect(data.events.count == 20_000)
        #expect(data.join?.unmatchedCount == 0)
        let fit = try Self.expectRecovery(p, data)
        // About 15% of counts are missing by design, and they are counted, not silently dropped.
        let missing = data.events.cut.missingCount
        #expect(missing > 2_000 && missing < 4_000)
        #expect(fit.exclusions["missing total_laid_off"] == missing)
    }

    /// The export shape: fundamentals for a tenth of the companies, so the fit uses the
    /// events of those companies only (the others are counted as unmatched).
    @Test(arguments: [UInt64(7), 42])
    func exportShapeRecoversTheGeneratingParameters(seed: UInt64) throws {
        let p = SyntheticLayoffs.Parameters(events: 60_000, companies: 6_000, seed: seed)
        #expect(p.shape == .export)
        let g = try Self.generate(p)
        defer { try? FileManager.default.removeItem(at: g.dir) }
        let data = try LayoffDataset.load(eventsPath: g.events, fundamentalsPath: g.fundamentals, eventOptions: .init(dedupe: true))
        let join = try #require(data.join)
        #expect(join.matchedCount > 3_000 && join.unmatchedCount > 40_000)
        let fit = try Self.expectRecovery(p, data)
        // Missing counts are counted, not silently dropped.
        #expect(fit.exclusions["missing total_laid_off"] == data.events.cut.missingCount)
    }

    @Test(arguments: SyntheticLayoffs.Parameters.Shape.allCases)
    func sameSeedSameBytes(shape: SyntheticLayoffs.Parameters.Shape) throws {
        let p = SyntheticLayoffs.Parameters(events: 3_000, companies: 100, seed: 9, shape: shape)
        let a = try Self.generate(p), b = try Self.generate(p)
        defer { try? FileManager.default.removeItem(at: a.dir); try? FileManager.default.removeItem(at: b.dir) }
        #expect(try Data(contentsOf: URL(fileURLWithPath: a.events)) == Data(contentsOf: URL(fileURLWithPath: b.events)))
        #expect(try Data(contentsOf: URL(fileURLWithPath: a.fundamentals)) == Data(contentsOf: URL(fileURLWithPath: b.fundamentals)))
    }

    /// What makes the export shape the export's: read back with a plain CSV reader.
    @Test func exportShapeLooksLikeTheExport() throws {
        let p = SyntheticLayoffs.Parameters(events: 40_000, companies: 8_000, seed: 3)
        let g = try Self.generate(p)
        defer { try? FileManager.default.removeItem(at: g.dir) }
        let table = try DataTable(csvFile: g.events)
        #expect(table.names == EventLoader.canonicalColumns)
        #expect(table.rowCount == 40_000)
        func text(_ name: String) throws -> TextColumn {
            guard case .text(let c)? = table.column(named: name) else { throw CSVError(file: name, line: 0, column: 0, kind: .empty) }
            return c
        }
        let source = try text("source"), company = try text("company"), date = try text("date")
        let counts = try text("total_laid_off"), location = try text("location")
        // A source per event (exact duplicate rows aside: about 1 in 2,000).
        #expect(source.levels.count > 39_900)
        // Up to one company per two events; one per five here, most of them used.
        #expect(company.levels.count > 7_000 && company.levels.count <= 8_000)
        // M/D/YYYY over 12 years, latest first.
        let days = (0..<table.rowCount).map { Day(parsing: date[$0]!)! }
        #expect(days.first!.year == 2026 && days.last!.year == 2015)
        #expect(zip(days, days.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(date.levels.allSatisfy { $0.split(separator: "/").count == 3 })
        // Counts like 575.0, some Unknown, some empty, some quoted.
        let countLevels = Set(counts.levels)
        #expect(countLevels.contains("Unknown") && counts.codes.contains(-1))
        #expect(countLevels.allSatisfy { $0 == "Unknown" || $0.hasSuffix(".0") })
        let raw = try String(contentsOfFile: g.events, encoding: .utf8)
        #expect(raw.contains(",\"1") && raw.contains(".0\","))
        // Locations with commas (quoted in the file) and company names longer than 16 bytes.
        #expect(location.levels.contains { $0.contains(", Non-U.S.") })
        #expect(company.levels.contains { $0.utf8.count > 16 } && company.levels.contains { $0.contains(",") })
        // Fundamentals for about a tenth of the companies, every fiscal year.
        let f = try FundamentalsLoader.load(path: g.fundamentals).fundamentals
        #expect(f.count % p.fiscalYears.count == 0)
        #expect(f.count / p.fiscalYears.count > 650 && f.count / p.fiscalYears.count < 950)
    }
}
