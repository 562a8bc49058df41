import Foundation
import Testing
@testable import LayoffKit
import StatKit

/// A second layout through the same parse loop: WARN Act notices (`EventLayout.warnRegister()`,
/// a table entry: the employer, the notice date falling back to the effective date, the jobs
/// affected), against a plain reading of the same files.
@Suite struct WarnLayoutTests {
    static func load(_ path: String, threads: Int = 1) throws(IngestError) -> EventLoadResult {
        try EventLoader.load(path: path, options: .init(skipInvalid: true), threads: threads,
                             tuning: SegmentTuning(minimumSplitBytes: 0), layout: .warnRegister())
    }

    /// A file written to a temporary folder, removed by the caller.
    static func write(_ text: String, name: String = "warn") throws -> String {
        let path = NSTemporaryDirectory() + "\(name)-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        return path
    }

    /// The register's columns that the loader reads, and every trap: an amendment, an
    /// empty employer and notice date, no date at all, an impossible date, a notice date
    /// after the day it was first seen, a repeated `dedupe_key`.
    static let register = """
    state,employer_name,canonical_name,location,naics,notice_date,effective_date,employees_affected,industry,source_url,is_amendment,dedupe_key,first_seen
    MN,ACME INC #12,Acme,Minneapolis,334517,2024-01-15,2024-03-01,120,Manufacturing,https://mn.example/1,0,k1,2024-02-01
    MN,Acme Inc.,Acme,Minneapolis,334517,,2024-04-01,,Manufacturing,https://mn.example/2,1,k2,2024-04-02
    MN,Acme Inc.,,Minneapolis,,,2024-05-01,30,,https://mn.example/3,0,k3,2024-05-02
    MI,Globex,Globex,Detroit,,,,45,,https://mi.example/4,0,k4,2024-01-01
    MI,Initech,Initech,Lansing,44,2024-02-30,2024-05-01,7,Retail,https://mi.example/5,0,k5,2024-03-01
    TX,Hooli,Hooli,Austin,51,2024-06-10,2024-08-01,50,,https://tx.example/6,0,k6,2024-06-01
    TX,Hooli,Hooli,Austin,51,2024-03-10,2024-05-01,50,,https://tx.example/7,0,k7,2024-03-20
    TX,Hooli,Hooli,Austin,51,2024-03-10,2024-05-01,50,,https://tx.example/8,0,k7,2024-03-20

    """

    @Test func registerExportIsRecognisedAndItsTrapsCounted() throws {
        let path = try Self.write(Self.register)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try EventLoader.load(path: path, options: .init(skipInvalid: true))
        let t = r.events
        #expect(r.layout == .warn)
        // The employer falls back to employer_name; the amendment (line 3) is left out.
        #expect((0..<t.count).map { t.company[$0] } == ["Acme", "Acme Inc.", "Hooli", "Hooli"])
        #expect(t.line == [2, 4, 8, 9])
        #expect(t.day == ["2024-01-15", "2024-05-01", "2024-03-10", "2024-03-10"].map { Day(parsing: $0)! })
        #expect(t.cut == NumericColumn([120, 30, 50, 50]))
        #expect((0..<t.count).map { t.location[$0] } == ["Minneapolis", "Minneapolis", "Austin", "Austin"])
        #expect((0..<t.count).map { t.groupColumn(named: "state")?[$0] } == ["MN", "MN", "TX", "TX"])
        #expect((0..<t.count).map { t.groupColumn(named: "naics_sector")?[$0] } == ["Manufacturing", nil, "Information", "Information"])
        #expect((0..<t.count).map { t.groupColumn(named: "date_source")?[$0] } == ["notice_date", "effective_date", "notice_date", "notice_date"])
        #expect(r.amendmentsDropped == 1 && r.dateFallbacks == 1)
        #expect(r.dateColumns?.chosen == "notice_date" && r.dateColumns?.fallback == "effective_date")
        #expect(r.exportDate == Day(parsing: "2024-05-02"))
        #expect(r.duplicates == [DuplicateEvent(line: 9, firstLine: 8)])
        #expect(r.problems.map(\.description) == [
            "\(path):5:6 (notice_date): \"\" is missing; expected a date, M/D/YYYY or YYYY-MM-DD",
            "\(path):6:6 (notice_date): \"2024-02-30\" is not a date; expected M/D/YYYY or YYYY-MM-DD",
            "\(path):7:6 (notice_date): \"2024-06-10\" is after first_seen (2024-06-01); expected a date on or before the day the notice was first seen",
        ])
        #expect(r.excludedByReason == ["missing date": 1, "invalid date": 1, "date after first_seen": 1])
        #expect(WARNSteps.possibleDuplicates(t, within: 30) == [
            PossibleDuplicate(line: 9, firstLine: 8, company: "Hooli", location: "TX / Austin", days: 0),
        ])
    }

    @Test func amendmentsKeptDuplicatesDroppedAndTheEffectiveDateChosen() throws {
        let path = try Self.write(Self.register)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try EventLoader.load(path: path, options: .init(skipInvalid: true, dedupe: true, date: .effective, amendments: .keep))
        let t = r.events
        #expect(r.amendmentsDropped == 0 && r.duplicatesDropped == 1)
        #expect(t.line == [2, 3, 4, 6, 7, 8])
        // Effective dates first: the notice date stands in only where the effective date is
        // empty (none here); the first_seen check is about notice dates only.
        #expect(t.day == ["2024-03-01", "2024-04-01", "2024-05-01", "2024-05-01", "2024-08-01", "2024-05-01"].map { Day(parsing: $0)! })
        #expect(r.dateFallbacks == 0 && r.dateColumns?.chosen == "effective_date")
        #expect(r.problems.map(\.reason) == ["missing date"])
    }

    @Test func forcedLayoutReadsTheRegisterAsLayoffsFyi() throws {
        let path = try Self.write(Self.register)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let options = EventLoadOptions(columnMapping: ["company": "canonical_name", "date": "notice_date", "total_laid_off": "employees_affected"],
                                       skipInvalid: true, layout: .layoffsFyi)
        let r = try EventLoader.load(path: path, options: options)
        #expect(r.layout == .layoffsFyi && r.amendmentsDropped == 0 && r.exportDate == nil)
        #expect(r.events.line == [2, 7, 8, 9])
    }

    @Test func bigLocalNewsLayoutIsRecognised() throws {
        let path = try Self.write("""
        hash_id,postal_code,company,location,notice_date,effective_date,jobs,is_temporary,is_closure,is_amendment
        a1,IA,Deere & Co,Waterloo,2023-01-05,2023-03-06,"1,200",0,0,0
        a2,IA,Deere & Co,Waterloo,2023-02-01,2023-03-06,1200,0,0,1
        a3,NY,Acme,Buffalo,,2023-04-01,15,1,1,

        """)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try EventLoader.load(path: path)
        let t = r.events
        #expect(r.layout == .warn && r.amendmentsDropped == 1 && r.dateFallbacks == 1 && r.exportDate == nil)
        #expect((0..<t.count).map { t.company[$0] } == ["Deere & Co", "Acme"])
        #expect(t.cut == NumericColumn([1200, 15]))
        #expect((0..<t.count).map { t.groupColumn(named: "state")?[$0] } == ["IA", "NY"])
        #expect((0..<t.count).map { t.groupColumn(named: "is_temporary")?[$0] } == ["0", "1"])
        #expect(t.groupColumn(named: "postal_code") == nil)
    }

    @Test func severalFilesLoadAsOneAndNameTheirRows() throws {
        let header = "state,employer_name,canonical_name,location,naics,notice_date,effective_date,employees_affected,industry,source_url,is_amendment,dedupe_key,first_seen\n"
        let a = try Self.write(header + "MN,A,A,X,,2024-01-15,,10,,u1,0,k1,2024-02-01\n\nMN,B,B,Y,,2024-01-20,,5,,u2,0,k2,2024-02-01", name: "mn")
        let b = try Self.write(header + "TX,C,C,Z,,2024-13-01,,7,,u3,0,k3,2024-02-01\nTX,A,A,X,,2024-01-15,,10,,u4,0,k1,2024-02-02\n", name: "tx")
        defer { for p in [a, b] { try? FileManager.default.removeItem(atPath: p) } }
        let r = try EventLoader.load(paths: [a, b], options: .init(skipInvalid: true))
        #expect(r.events.count == 3 && r.rowsRead == 4)
        #expect(r.files.map(\.name) == [a, b] && r.files.map(\.rows) == [2, 2])
        #expect(r.problems.map(\.description) == ["\(b):2:6 (notice_date): \"2024-13-01\" is not a date; expected M/D/YYYY or YYYY-MM-DD"])
        #expect(r.duplicates.count == 1)
        let d = try #require(r.duplicates.first)
        #expect(r.describe(line: d.line) == "\(b):3" && r.describe(line: d.firstLine) == "\(a):2")
        let place = r.place(ofLine: Int(r.events.line[1]))
        #expect(place.file == a && place.line == 4)
        // Strict: the error names the second file and its own line.
        #expect(throws: IngestError.invalidData(file: b, problems: r.problems)) {
            try EventLoader.load(paths: [a, b])
        }
        let c = try Self.write("company,date\nX,2024-01-01\n", name: "other")
        defer { try? FileManager.default.removeItem(atPath: c) }
        #expect(throws: IngestError.self) { try EventLoader.load(paths: [a, c]) }
    }

    /// Every state file of the WARN Notice Register export, loaded with one thread and two
    /// (split into segments), against a plain reading: the notices with an employer and a
    /// date (the notice date, else the effective date), their jobs and states; amendments
    /// and notice dates after the day the notice was first seen left out.
    @Test func realNoticesMatchAPlainReading() throws {
        let folder = IngestPaths.shared + "/datasets/warn"
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: folder).filter({ $0.hasSuffix(".csv") }), !files.isEmpty else { return }
        var notices = 0
        for file in files.sorted() {
            let path = folder + "/" + file
            let table = try DataTable(csvFile: path)
            func text(_ name: String, _ i: Int) -> String? {
                switch table.column(named: name) {
                case .text(let c)?: return c[i].map { $0.trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
                case .numeric(let c)?: return c[i].map { String($0) }
                case nil: return nil
                }
            }
            var days: [Day] = [], states: [String?] = [], jobs: [Double?] = []
            for i in 0..<table.rowCount {
                let notice = text("notice_date", i), seen = text("first_seen", i)
                guard text("canonical_name", i) ?? text("employer_name", i) != nil,
                      let d = (notice ?? text("effective_date", i)).flatMap({ Day(parsing: $0) }),
                      text("is_amendment", i).flatMap(Double.init) != 1,
                      notice == nil || seen == nil || notice! <= seen!
                else { continue }
                days.append(d)
                states.append(text("state", i))
                jobs.append(text("employees_affected", i).flatMap(Double.init))
            }
            for threads in [1, 2] {
                let t = try Self.load(path, threads: threads).events
                #expect(t.day == days, "\(file), \(threads) threads")
                #expect((0..<t.count).map { t.groupColumn(named: "state")?[$0] } == states, "\(file)")
                #expect((0..<t.count).map { t.cut[$0] } == jobs, "\(file)")
            }
            notices += days.count
        }
        #expect(notices > 40_000)
    }
}
