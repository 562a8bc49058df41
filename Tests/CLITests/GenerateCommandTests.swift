import Foundation
import Testing

/// `layoffs generate`: the export shape by default, the options that shape the files, and
/// refusals of options out of range.
@Suite struct GenerateCommandTests {
    @Test func defaultsToTheExportShapeAndTakesItsOptions() throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["generate", "--events", "2000", "--companies", "400", "--fundamentals-share", "0.5",
                             "--first-year", "2016", "--last-year", "2017", "--out", "data"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.hasPrefix("wrote data/events.csv (2000 events, 400 companies, 2016–2017) and data/fundamentals.csv ("))
        let events = try String(contentsOf: dir.appendingPathComponent("data/events.csv"), encoding: .utf8)
        let lines = events.split(separator: "\n")
        #expect(lines.count == 2_001)
        // Latest first, within the years asked for; a source URL per event.
        #expect(lines[1].contains("/2017,") && lines[2_000].contains("/2016,"))
        #expect(Set(lines.dropFirst().map { $0.split(separator: ",").first { $0.hasPrefix("https://") } }).count > 1_990)
        let fundamentals = try String(contentsOf: dir.appendingPathComponent("data/fundamentals.csv"), encoding: .utf8)
        let listed = fundamentals.split(separator: "\n").count - 1
        #expect(listed % 4 == 0 && listed / 4 > 150 && listed / 4 < 250)  // 2015–2018, half of 400 companies

        let compact = try CLI.run(["generate", "--shape", "compact", "--events", "100", "--out", "c"], in: dir)
        #expect(compact.status == 0)
        #expect(compact.stderr == "wrote c/events.csv (100 events, 2000 companies, 2020–2025) and c/fundamentals.csv (2000 companies × 8 years)\n")
    }

    @Test(arguments: [
        (["--fundamentals-share", "1.5"], "Error: --fundamentals-share must be between 0 and 1"),
        (["--first-year", "2020", "--last-year", "2019"], "Error: --first-year must not be after --last-year"),
        (["--companies", "0"], "Error: --companies must be ≥ 1"),
        (["--shape", "wide"], "Error: The value 'wide' is invalid for '--shape <shape>'"),
    ])
    func refusesOptionsOutOfRange(_ args: [String], _ message: String) throws {
        let dir = try CLI.tempDir(); defer { try? FileManager.default.removeItem(at: dir) }
        let r = try CLI.run(["generate", "--out", "x"] + args, in: dir, environment: ["COLUMNS": "80"])
        #expect(r.status == 64)
        #expect(r.stderr.hasPrefix(message), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("x").path))
    }
}
