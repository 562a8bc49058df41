// Pandas reference: the 40 state files of the WARN Notice Register loaded in the register's
// layout, as `layoffs summary --data ../shared/datasets/warn/*.csv --skip-invalid` reads them
// (scripts/reference/warn_register_reference.py): rows left out, amendments, notices dated by
// their effective date, the export date, year over year and year to date by state.
import Foundation
import Testing
import LayoffKit
import StatKit

struct WARNRegisterReference: Decodable {
    struct Totals: Decodable { var events: Int, eventsWithCount: Int, companies: Int, cut: Double? }
    struct Row: Decodable {
        var year: Int?
        var state: String?
        var current: Totals?, previous: Totals?
        var change: Double?, pctChange: Double?
        var partial: Bool, prevPartial: Bool
    }
    struct State: Decodable { var state: String, first: String, last: String, rows: [Row] }
    struct MatchYear: Decodable { var year: Int, events: Int, matched: Int }
    var rowsRead: Int, excluded: Int, datesAfterFirstSeen: Int, amendmentsDropped: Int, events: Int, dateFallbacks: Int
    var exportDate: String, first: String, last: String
    var ytdByState: [Row]
    var yoyByState: [State]
    var matchByYear: [MatchYear]?
}

@Suite(.enabled(if: FileManager.default.fileExists(atPath: sharedWARNFolder.path), "../shared/datasets/warn is absent"))
struct WARNRegisterReferenceTests {
    static func load(threads: Int) throws -> EventLoadResult {
        let files = try FileManager.default.contentsOfDirectory(atPath: sharedWARNFolder.path)
            .filter { $0.hasSuffix(".csv") }.sorted().map { sharedWARNFolder.appendingPathComponent($0).path }
        return try EventLoader.load(paths: files, options: EventLoadOptions(skipInvalid: true), threads: threads)
    }

    /// Totals equal: counts exactly, sums of whole numbers exactly.
    static func same(_ a: EventTotals?, _ b: WARNRegisterReference.Totals?) -> Bool {
        guard let a, let b else { return a == nil && b == nil }
        return a.events == b.events && a.eventsWithCount == b.eventsWithCount && a.companies == b.companies && a.knownCut == b.cut
    }

    @Test func countsOfEveryTrapAndTheExportDate() throws {
        let ref = try loadReference("warn-register.json", as: WARNRegisterReference.self)
        let r = try Self.load(threads: 2)
        #expect(r.layout == .warn && r.files.count == 40)
        #expect(r.rowsRead == ref.rowsRead && r.files.map(\.rows).reduce(0, +) == ref.rowsRead)
        #expect(r.excludedCount == ref.excluded)
        #expect(r.excludedByReason["date after first_seen"] == ref.datesAfterFirstSeen)
        #expect(r.amendmentsDropped == ref.amendmentsDropped)
        #expect(r.events.count == ref.events)
        #expect(r.dateFallbacks == ref.dateFallbacks)
        #expect(r.exportDate == Day(parsing: ref.exportDate))
        #expect(r.events.day.min() == Day(parsing: ref.first) && r.events.day.max() == Day(parsing: ref.last))
    }

    @Test func yearOverYearAndYearToDateByState() throws {
        let ref = try loadReference("warn-register.json", as: WARNRegisterReference.self)
        let r = try Self.load(threads: 2)
        let y = try YearOverYear(events: r.events, unit: .year, grouping: .by("state", coverage: .perGroup))
        for s in ref.yoyByState {
            let rows = y.rows.filter { $0.group == s.state }
            #expect(rows.map(\.period.year) == s.rows.map { $0.year ?? 0 }, "\(s.state)")
            for (a, b) in zip(rows, s.rows) {
                // Percentages to 1e-12 relative; everything else exact.
                let ok = Self.same(a.totals, b.current) && Self.same(a.previous, b.previous) && a.change == b.change
                    && close(a.pctChange, b.pctChange, rel: 1e-12) && a.partial == b.partial && a.previousPartial == b.prevPartial
                #expect(ok, "\(s.state) \(b.year ?? 0): got \(a), pandas \(b)")
            }
        }
        let asOf = try #require(r.exportDate)
        let ytd = try YearToDate(events: r.events, asOf: asOf, grouping: .by("state", coverage: .perGroup))
        #expect(ytd.rows.map(\.group) == ref.ytdByState.map { $0.state ?? "" })
        for (a, b) in zip(ytd.rows, ref.ytdByState) {
            let ok = Self.same(a.current, b.current) && Self.same(a.previous, b.previous) && a.change == b.change
                && close(a.pctChange, b.pctChange, rel: 1e-12) && a.currentPartial == b.partial && a.previousPartial == b.prevPartial
            #expect(ok, "YTD \(a.group): got \(a), pandas \(b)")
        }
    }

    /// The layoffs.fyi export's US events with a notice of the same employer within 60 days,
    /// by year (`layoffs match`).
    @Test func matchSharesByYear() throws {
        let ref = try loadReference("warn-register.json", as: WARNRegisterReference.self)
        let fyi = sharedWARNFolder.deletingLastPathComponent().appendingPathComponent("layoffs-fyi-2020-2026.csv").path
        guard let years = ref.matchByYear, FileManager.default.fileExists(atPath: fyi) else { return }
        let events = try EventLoader.load(path: fyi).events
        let r = try Self.load(threads: 2)
        let m = SourceMatch(events: events, notices: r.events)
        #expect(m.years.map(\.year) == years.map(\.year))
        #expect(m.years.map(\.events) == years.map(\.events))
        #expect(m.years.map(\.matched) == years.map(\.matched))
    }

    /// The files and their concatenation (header once): the same events.
    @Test func severalFilesEqualTheirConcatenation() throws {
        let two = try Self.load(threads: 2)
        let files = two.files.map(\.name)
        var bytes: [UInt8] = []
        for (k, f) in files.enumerated() {
            let b = Array(try Data(contentsOf: URL(fileURLWithPath: f)))
            bytes += k == 0 ? b[...] : b[(b.firstIndex(of: 0x0A)! + 1)...]
            if bytes.last != 0x0A { bytes.append(0x0A) }
        }
        let joined = try EventLoader.load(bytes: bytes, name: "warn.csv", options: EventLoadOptions(skipInvalid: true))
        #expect(joined.events == two.events)
        // Each problem's line, placed back in its file, is the line of the concatenation.
        #expect(joined.problems.map(\.line) == two.problems.map { p in
            let f = two.files.first { $0.name == p.file }!
            return p.line + f.lineOffset
        })
    }
}
