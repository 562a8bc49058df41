import Foundation
import Testing
import LayoffKit
import StatKit

/// With two threads, `LayoffDataset.load` joins the events to the fundamentals while their
/// duplicates are searched, with aliases read before the events. The dataset, and which
/// error is thrown first when several inputs are bad, must be those of one thread (whose
/// sequential order — events, fundamentals, aliases — is the reference).
@Suite struct DatasetLoadThreadsTests {
    static func files(_ dir: URL) throws -> (events: String, fundamentals: String, aliases: String) {
        let p = SyntheticLayoffs.Parameters(events: 30_000, companies: 900, seed: 11, shape: .compact)
        let e = dir.appendingPathComponent("events.csv").path, f = dir.appendingPathComponent("fundamentals.csv").path
        try SyntheticLayoffs(p).write(eventsPath: e, fundamentalsPath: f)
        // Repeat a few events (exact duplicates) and alias two spellings onto companies.
        var text = try String(contentsOfFile: e, encoding: .utf8)
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        text += lines[5] + "\n" + lines[7_000] + "\n"
        let firstCompany = lines[1].split(separator: ",")[0]
        text += "ACME Renamed,Boston,10,3/4/2024,0.1,Other,https://example.org/x,Unknown,,United States,3/4/2024\n"
        try text.write(toFile: e, atomically: true, encoding: .utf8)
        let a = dir.appendingPathComponent("aliases.csv").path
        try "alias,company\nACME Renamed,\(firstCompany)\n".write(toFile: a, atomically: true, encoding: .utf8)
        return (e, f, a)
    }

    static func outcome(_ body: () throws -> LayoffDataset) -> String {
        do {
            let d = try body()
            guard let j = d.join else { return "no join" }
            return "events \(d.events.count) dups \(d.eventsLoad.duplicates) rows \(j.row.hashValue) fy \(j.fiscalYear.hashValue) "
                + "wf \(d.workforce == j.workforce) \(d.workforce.values.values.hashValue) unmatched \(j.unmatchedCompanies.map(\.company)) "
                + "\(j.unmatchedCompanies.map(\.events)) inputs \(d.inputs.map(\.role))"
        } catch {
            return "error \(error)"
        }
    }

    @Test func twoThreadsGiveTheOneThreadDatasetAndErrors() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("dataset-threads-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let (e, f, a) = try Self.files(dir)
        let badEvents = dir.appendingPathComponent("bad-events.csv").path
        try "company,date\nAcme,2/30/2024\n".write(toFile: badEvents, atomically: true, encoding: .utf8)
        let badFundamentals = dir.appendingPathComponent("bad-fundamentals.csv").path
        try "company,fiscal_year,employees\nAcme,20x4,10\n".write(toFile: badFundamentals, atomically: true, encoding: .utf8)
        let badAliases = dir.appendingPathComponent("bad-aliases.csv").path
        try "alias\nx\n".write(toFile: badAliases, atomically: true, encoding: .utf8)
        let cases: [(String, String, String?, EventLoadOptions)] = [
            (e, f, a, .init()), (e, f, nil, .init()), (e, f, a, .init(dedupe: true)),
            (badEvents, badFundamentals, badAliases, .init()), (e, badFundamentals, badAliases, .init()),
            (e, f, badAliases, .init()), (badEvents, f, a, .init()),
        ]
        for (events, fundamentals, aliases, options) in cases {
            let one = Self.outcome { try LayoffDataset.load(eventsPath: events, fundamentalsPath: fundamentals, aliasesPath: aliases,
                                                            eventOptions: options, threads: 1) }
            let two = Self.outcome { try LayoffDataset.load(eventsPath: events, fundamentalsPath: fundamentals, aliasesPath: aliases,
                                                            eventOptions: options, threads: 2) }
            #expect(one == two, "\(events) \(fundamentals) \(aliases ?? "-") dedupe \(options.dedupe)")
        }
        // The reference outcomes themselves: a clean load finds the two repeats and joins the
        // aliased spelling; bad inputs fail in the order events, fundamentals, aliases.
        let clean = Self.outcome { try LayoffDataset.load(eventsPath: e, fundamentalsPath: f, aliasesPath: a, threads: 1) }
        #expect(clean.hasPrefix("events 30003 dups [") && clean.contains("inputs [\"events\", \"fundamentals\", \"aliases\"]"))
        let data = try LayoffDataset.load(eventsPath: e, fundamentalsPath: f, aliasesPath: a, threads: 2)
        #expect(data.eventsLoad.duplicates.suffix(2) == [DuplicateEvent(line: 30_002, firstLine: 6),
                                                          DuplicateEvent(line: 30_003, firstLine: 7_001)])
        #expect(data.join?.row.last.map { $0 >= 0 } == true) // the aliased spelling is matched
        #expect(Self.outcome { try LayoffDataset.load(eventsPath: badEvents, fundamentalsPath: badFundamentals,
                                                       aliasesPath: badAliases, threads: 2) }.contains("bad-events.csv"))
        #expect(Self.outcome { try LayoffDataset.load(eventsPath: e, fundamentalsPath: badFundamentals,
                                                       aliasesPath: badAliases, threads: 2) }.contains("bad-fundamentals.csv"))
        #expect(Self.outcome { try LayoffDataset.load(eventsPath: e, fundamentalsPath: f,
                                                       aliasesPath: badAliases, threads: 2) }.contains("bad-aliases.csv"))
    }
}
