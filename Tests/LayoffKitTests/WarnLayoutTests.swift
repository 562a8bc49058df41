import Foundation
import Testing
@testable import LayoffKit
import StatKit

/// A second layout through the same parse loop: WARN Act notices (`EventLayout.warnNotices`,
/// a table entry: the employer, the notice date falling back to the effective date, the jobs
/// affected), against a plain reading of the same files.
@Suite struct WarnLayoutTests {
    static func load(_ path: String, threads: Int = 1) throws(IngestError) -> EventLoadResult {
        try EventLoader.load(path: path, options: .init(skipInvalid: true), threads: threads,
                             tuning: SegmentTuning(minimumSplitBytes: 0), layout: .warnNotices)
    }

    @Test func noticeDateFallsBackToTheEffectiveDate() throws {
        let text = """
        state,employer_name,canonical_name,notice_date,effective_date,employees_affected,industry,source_url,is_amendment
        MN,ACME INC #12,Acme,2024-01-15,2024-03-01,120,Manufacturing,https://mn.example/1,0
        MN,Acme Inc.,Acme,,2024-04-01,,Manufacturing,https://mn.example/2,1
        MI,Globex,Globex,,,45,,https://mi.example/3,0
        MI,Initech,Initech,2024-02-30,2024-05-01,7,Retail,https://mi.example/4,0

        """
        let path = NSTemporaryDirectory() + "warn-\(UUID().uuidString).csv"
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let r = try Self.load(path)
        let t = r.events
        #expect(t.company.levels == ["Acme"] && t.count == 2)
        #expect(t.day == [Day(year: 2024, month: 1, day: 15)!, Day(year: 2024, month: 4, day: 1)!])
        #expect(t.cut == NumericColumn([120, nil]))
        #expect(t.location[0] == "MN" && t.source[1] == "https://mn.example/2")
        #expect(t.extra.map(\.name) == ["employer_name", "effective_date", "is_amendment"])
        #expect(t.extra[2].values[1] == "1")
        // Both dates missing, and an impossible notice date (the effective date stands in
        // only for a missing one): problems under the notice date's column.
        #expect(r.problems.map(\.description) == [
            "\(path):4:4 (notice_date): \"\" is missing; expected a date, M/D/YYYY or YYYY-MM-DD",
            "\(path):5:4 (notice_date): \"2024-02-30\" is not a date; expected M/D/YYYY or YYYY-MM-DD",
        ])
    }

    /// Every state file of the WARN Notice Register export, loaded with one thread and two
    /// (split into segments), against a plain reading: the notices with an employer and a
    /// date (the notice date, else the effective date), their jobs and states.
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
                guard text("canonical_name", i) != nil, let d = (text("notice_date", i) ?? text("effective_date", i)).flatMap({ Day(parsing: $0) })
                else { continue }
                days.append(d)
                states.append(text("state", i))
                jobs.append(text("employees_affected", i).flatMap(Double.init))
            }
            for threads in [1, 2] {
                let t = try Self.load(path, threads: threads).events
                #expect(t.day == days, "\(file), \(threads) threads")
                #expect((0..<t.count).map { t.location[$0] } == states, "\(file)")
                #expect((0..<t.count).map { t.cut[$0] } == jobs, "\(file)")
            }
            notices += days.count
        }
        #expect(notices > 40_000)
    }
}
