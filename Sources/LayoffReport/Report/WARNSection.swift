import StatKit
import LayoffKit

extension ReportBuilder {
    /// Rows of the state, sector and employer tables.
    static let warnRowsShown = 10

    /// The section of a report on WARN notices: the year to date by state (each state over
    /// its own span of notices) and by NAICS sector, and the employers with the most jobs in
    /// notices of the year to date, each against the same span a year earlier.
    static func warnSection(events: EventTable, asOf: Day) throws(AnalysisError) -> String {
        var md = "## WARN notices by state, sector and employer\n\n"
        md += "Year to date (\(Day(year: asOf.year, month: 1, day: 1)!) to \(asOf)) against the same days a year earlier, "
            + "the \(warnRowsShown) largest by jobs in notices this year.\n\n"
        let sections: [(title: String, heading: String, column: String, grouping: Grouping)] = [
            ("State", "state", "state", .by("state", coverage: .perGroup)),
            ("Sector (NAICS)", "sector", "naics_sector", .by("naics_sector")),
            ("Employer", "employer", "company", .by("company")),
        ]
        for s in sections where events.groupColumn(named: s.column).map({ $0.count == events.count }) ?? false {
            let ytd = try YearToDate(events: events, asOf: asOf, grouping: s.grouping)
            let rows = ytd.rows.filter { ($0.current?.events ?? 0) > 0 }
                .sorted { ($0.current?.knownCut ?? -1, $1.group) > ($1.current?.knownCut ?? -1, $0.group) }
                .prefix(warnRowsShown)
            var t = ReportTable(columns: [.init(s.title, key: "group"), .init("Notices", key: "events"),
                                          .init("Jobs", key: "cut"), .init("A year earlier", key: "prev_cut"),
                                          .init("Y/Y %", key: "pct_change")])
            for r in rows {
                t.append([.text(r.group), .integer(r.current?.events), .number(r.current?.knownCut, .count),
                          .number(r.previous?.knownCut, .count), .number(r.pctChange, .percentPoints(decimals: 1, alwaysSign: true))])
            }
            md += "**By \(s.heading)**\n\n" + t.markdown() + "\n"
        }
        md += "States are each observed from their first to their last notice: a state whose portal stopped before "
            + "the year began has no figure (n/a), not zero. Sectors are the two-digit NAICS sectors of the notices' codes "
            + "(most notices have none: \(Grouping.defaultMissingLabel)).\n\n"
        return md
    }

    /// The data-quality lines only WARN notices have: notices that may repeat another.
    static func warnQualityNotes(events: EventTable) -> [String] {
        guard events.location.count == events.count, events.count > 0 else { return [] }
        let pairs = events.possibleDuplicates()
        return ["\(NumberFormat.grouped(pairs.count)) possible duplicate notice(s): the same employer and location within 30 days of "
                + "another (kept; `layoffs validate` lists them)."]
    }
}
