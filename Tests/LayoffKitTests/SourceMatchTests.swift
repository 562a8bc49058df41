import Foundation
import Testing
@testable import LayoffKit
import StatKit

/// A tracker's events against WARN notices: the same employer (by the join's name key, the
/// notice's canonical or filed name) within the window, US events only; and against a
/// brute-force search over every pair.
@Suite struct SourceMatchTests {
    static func table(_ text: String) throws -> EventTable {
        try EventLoader.load(bytes: Array(text.utf8), name: "t.csv", options: .init(skipInvalid: false, amendments: .keep)).events
    }

    static let events = """
    company,location,total_laid_off,date,percentage_laid_off,industry,source,stage,funds_raised,country,date_added
    Acme,Austin,100,2025-02-01,,,,,,United States,
    Acme,Austin,50,2025-06-01,,,,,,United States,
    Globex Inc.,Dallas,30,2026-01-01,,,,,,United States,
    Initech,Toronto,20,2025-01-01,,,,,,Canada,

    """
    static let notices = """
    hash_id,postal_code,company,location,notice_date,effective_date,jobs,is_temporary,is_closure,is_amendment
    a,TX,ACME INC,Austin,2025-03-20,,90,0,0,0
    b,TX,Globex Holdings,Dallas,2025-11-10,,25,0,0,0
    c,ON,Initech,Toronto,2025-01-02,,20,0,0,0

    """

    @Test func eventsMatchTheNearestNoticeOfTheirEmployer() throws {
        let m = SourceMatch(events: try Self.table(Self.events), notices: try Self.table(Self.notices))
        #expect(m.otherCountries == 1)
        #expect(m.considered.map(\.notice) == [0, nil, 1])
        #expect(m.considered.map(\.days) == [47, nil, -52])
        #expect(m.years == [SourceMatch.Year(year: 2025, events: 2, matched: 1), SourceMatch.Year(year: 2026, events: 1, matched: 1)])
        let narrow = SourceMatch(events: try Self.table(Self.events), notices: try Self.table(Self.notices), window: 47)
        #expect(narrow.considered.map(\.notice) == [0, nil, nil])
    }

    @Test func agreesWithEveryPairChecked() throws {
        var rng = SeededGenerator(seed: 7)
        let companies = ["Acme", "Acme Inc", "Globex", "The Globex Company", "Initech", "Hooli LLC", "Umbrella"]
        var e = "company,date,total_laid_off,country\n", n = "hash_id,postal_code,company,location,notice_date,effective_date,jobs,is_temporary,is_closure,is_amendment\n"
        let base = Day(year: 2024, month: 1, day: 1)!
        for k in 0..<300 {
            e += "\(companies.randomElement(using: &rng)!),\(Day(number: base.number + Int32.random(in: 0..<730, using: &rng))),1,United States\n"
            guard k % 3 == 0 else { continue }
            n += "h,TX,\(companies.randomElement(using: &rng)!),X,\(Day(number: base.number + Int32.random(in: 0..<730, using: &rng))),,1,0,0,0\n"
        }
        let events = try Self.table(e), notices = try Self.table(n)
        let m = SourceMatch(events: events, notices: notices, window: 10)
        let names = CompanyNames()
        for (i, got) in m.considered.enumerated() {
            var best: (row: Int, days: Int)?
            for j in 0..<notices.count where names.key(notices.company[j]!) == names.key(events.company[i]!) {
                let gap = Int(notices.day[j].number - events.day[i].number)
                guard abs(gap) <= 10 else { continue }
                if best == nil || abs(gap) < abs(best!.days) || (abs(gap) == abs(best!.days) && (notices.day[j], j) < (notices.day[best!.row], best!.row)) {
                    best = (j, gap)
                }
            }
            #expect(got.notice == best?.row && got.days == best?.days, "event \(i)")
        }
        #expect(m.considered.count == 300 && m.matched.count > 0 && m.unmatched.count > 0)
    }
}
