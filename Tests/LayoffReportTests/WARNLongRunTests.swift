// The report's table of WARN notices by year on the 40 state files, against the pandas
// reference of year over year by state (Tests/LayoffKitTests/Reference/warn-register.json,
// scripts/reference/warn_register_reference.py): notices, jobs and reporting states are sums
// over the states' rows; the like-for-like change is Σ jobs / Σ jobs a year earlier − 1 over
// the states observed over the whole of both years with a count in both.
import Foundation
import Testing
import StatKit
import LayoffKit
@testable import LayoffReport

private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
private let warnFolder = root.deletingLastPathComponent().appendingPathComponent("shared/datasets/warn")

private struct StateYears: Decodable {
    struct Totals: Decodable { var events: Int, eventsWithCount: Int, cut: Double? }
    struct Row: Decodable { var year: Int?, current: Totals?, previous: Totals?, partial: Bool, prevPartial: Bool }
    struct State: Decodable { var state: String, rows: [Row] }
    var yoyByState: [State]
}

@Suite(.enabled(if: FileManager.default.fileExists(atPath: warnFolder.path), "../shared/datasets/warn is absent"))
struct WARNLongRunTests {
    @Test func yearsSince1999EqualThePandasStateFigures() throws {
        let data = try Data(contentsOf: root.appendingPathComponent("Tests/LayoffKitTests/Reference/warn-register.json"))
        let ref = try JSONDecoder().decode(StateYears.self, from: data)
        let files = try FileManager.default.contentsOfDirectory(atPath: warnFolder.path).filter { $0.hasSuffix(".csv") }
            .sorted().map { warnFolder.appendingPathComponent($0).path }
        let events = try EventLoader.load(paths: files, options: EventLoadOptions(skipInvalid: true), threads: 2).events
        let first = CalendarPeriod(.year, containing: Day(year: 1999, month: 1, day: 1)!)
        let (years, byState) = try ReportBuilder.warnYears(events: events, from: first)
        #expect(byState)
        let lastYear = try #require(events.day.max()).year
        #expect(years.map(\.overall.period.year) == Array(1999...lastYear))
        for y in years {
            let rows = ref.yoyByState.compactMap { s in s.rows.first { $0.year == y.overall.period.year } }
            let notices = rows.reduce(0) { $0 + ($1.current?.events ?? 0) }
            let withCount = rows.reduce(0) { $0 + ($1.current?.eventsWithCount ?? 0) }
            let jobs = rows.reduce(0.0) { $0 + ($1.current?.cut ?? 0) }
            let states = rows.filter { ($0.current?.events ?? 0) > 0 }.count
            let same = rows.filter { !$0.partial && !$0.prevPartial && $0.current?.cut != nil && $0.previous?.cut != nil }
            let now = same.reduce(0.0) { $0 + $1.current!.cut! }, before = same.reduce(0.0) { $0 + $1.previous!.cut! }
            let change: Double? = y.overall.partial || y.overall.previousPartial || before == 0 ? nil : (now / before - 1) * 100
            #expect(y.overall.events == notices && y.overall.eventsWithCount == withCount && y.overall.cut == jobs,
                    "\(y.overall.label): \(y.overall.events ?? -1) notices, \(y.overall.cut ?? -1) jobs; pandas \(notices), \(jobs)")
            #expect(y.states == states, "\(y.overall.label): \(y.states) states; pandas \(states)")
            // Sums of whole numbers are exact; the percentage to 1e-12 relative.
            let ok = (y.change == nil && change == nil) || (y.change != nil && change != nil && abs(y.change! - change!) <= 1e-12 * max(1, abs(change!)))
            #expect(ok, "\(y.overall.label): change \(String(describing: y.change)); pandas \(String(describing: change))")
        }
        // 2001, 2008-09 and 2020 stand out, as they should.
        let change = Dictionary(uniqueKeysWithValues: years.map { ($0.overall.period.year, $0.change ?? 0) })
        #expect(change[2001]! > 50 && change[2008]! > 50 && change[2020]! > 300)
    }
}
