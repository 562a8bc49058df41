import StatKit
import LayoffKit

extension ReportBuilder {
    /// Rows of the state, sector and employer tables.
    static let warnRowsShown = 10

    /// The first year of the long-run table and chart: most state portals' online history
    /// starts between 1999 and 2015, and the years before hold a handful of states.
    static let warnFirstYear = 1999

    /// The groupings of the notices' year-to-date tables, by column: state (each state over
    /// its own span of notices), NAICS sector, employer.
    static let warnGroupings: [(column: String, grouping: Grouping)] = [
        ("state", .by("state", coverage: .perGroup)), ("naics_sector", .by("naics_sector")), ("company", .by("company")),
    ]

    /// For each of ``warnGroupings`` whose column the notices have, the year to date of each
    /// group with notices this year, most jobs first (ties by name): the rows of the
    /// section's tables and of the headline's leaders.
    static func warnLargest(events: EventTable, asOf: Day) throws(AnalysisError) -> [String: [YearToDateRow]] {
        var out: [String: [YearToDateRow]] = [:]
        for (column, grouping) in warnGroupings where events.groupColumnNames.contains(column) {
            out[column] = try YearToDate(events: events, asOf: asOf, grouping: grouping).rows.filter { ($0.current?.events ?? 0) > 0 }
                .sorted { ($0.current?.knownCut ?? -1, $1.group) > ($1.current?.knownCut ?? -1, $0.group) }
        }
        return out
    }

    /// The section of a report on WARN notices: notices and jobs by year and month since
    /// 1999 (the recessions of 2001 and 2008–09 and 2020's spike), then the year to date by
    /// state (each state over its own span of notices; left out when the report already
    /// groups by state) and by NAICS sector, and the employers with the most jobs in
    /// notices of the year to date, each against the same span a year earlier (`largest`:
    /// ``warnLargest(events:asOf:)``).
    static func warnSection(events: EventTable, asOf: Day, largest: [String: [YearToDateRow]], options: ReportOptions,
                            figures: inout [(name: String, svg: String)], source: String) throws(AnalysisError) -> String {
        var md = "## WARN notices by year, state, sector and employer\n\n"
        md += try warnLongRun(events: events, asOf: asOf, options: options, figures: &figures, source: source)
        md += "Year to date (\(Day(year: asOf.year, month: 1, day: 1)!) to \(asOf)) against the same days a year earlier, "
            + "the \(warnRowsShown) largest by jobs in notices this year.\n\n"
        let sections: [(title: String, heading: String, column: String)] = [
            ("State", "state", "state"), ("Sector (NAICS)", "sector", "naics_sector"), ("Employer", "employer", "company"),
        ]
        for s in sections where s.column != options.groupBy {
            guard let rows = largest[s.column]?.prefix(warnRowsShown) else { continue }
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

    /// Rows of the headline's leaders.
    static let warnLeadersShown = 3

    /// The headline sentence on notices: the states and the NAICS sectors whose notices of
    /// the year to date hold the most jobs, each with its change on the same days a year
    /// earlier (`largest`: ``warnLargest(events:asOf:)``); `nil` when the notices have
    /// neither column.
    static func warnLeaders(_ largest: [String: [YearToDateRow]]) -> String? {
        func leaders(_ column: String) -> String? {
            let rows = (largest[column] ?? [])
                .filter { $0.group != Grouping.defaultMissingLabel && $0.current?.knownCut != nil }.prefix(warnLeadersShown)
            guard !rows.isEmpty else { return nil }
            return rows.map { r in
                let change = r.pctChange.map { ", " + NumberFormat.percent($0 / 100, decimals: 1, alwaysSign: true) } ?? ""
                return "\(r.group) (\(NumberFormat.grouped(Int(r.current!.knownCut!)))\(change))"
            }.joined(separator: ", ")
        }
        let states = leaders("state"), sectors = leaders("naics_sector")
        guard states != nil || sectors != nil else { return nil }
        var s = "Most jobs in notices this year"
        if let states { s += ", by state: " + states }
        if let sectors { s += (states == nil ? ", by sector: " : "; by sector (notices with a NAICS code): ") + sectors }
        return s + " (jobs, change on the same days a year earlier)."
    }

    /// Notices, jobs and reporting states by year since ``warnFirstYear`` (or the data's
    /// first year), and the chart of jobs by month over the same years.
    static func warnLongRun(events: EventTable, asOf: Day, options: ReportOptions,
                            figures: inout [(name: String, svg: String)], source: String) throws(AnalysisError) -> String {
        guard let firstDay = events.day.min() else { return "" }
        let first = CalendarPeriod(.year, containing: Day(year: max(firstDay.year, warnFirstYear), month: 1, day: 1)!)
        let (yearly, byState) = try warnYears(events: events, from: first)
        guard !yearly.isEmpty else { return "" }
        var md = "**By year since \(first.label)**\n\n"
        var t = ReportTable(columns: [.init("Year", key: "year"), .init("Notices", key: "events"), .init("With a job count", key: "events_with_count"),
                                      .init("Jobs", key: "cut"), .init("States with notices", key: "states"),
                                      .init(byState ? "Y/Y %, same states" : "Y/Y %", key: "pct_change")])
        for y in yearly {
            let r = y.overall
            t.append([.text(r.label + (r.partial ? "*" : "")), .integer(r.events), .integer(r.eventsWithCount), .number(r.cut, .count),
                      .integer(y.states), .number(y.change, .percentPoints(decimals: 1, alwaysSign: true))])
        }
        md += t.markdown() + "\n"
        if yearly.contains(where: \.overall.partial) {
            md += "\\* a year only partly inside the data (notices from \(firstDay) to \(events.day.max()!)); its change is left out "
                + "(the year to date below compares like with like).\n\n"
        }
        md += "The states in the data change over the years (each state's portal has its own history), so a year's total "
            + "is the total of the states then reporting, not a national count"
            + (byState ? "; the change compares the jobs of the states observed over the whole of both years, with job counts in both "
               + "(none against the data's first year: which states reported through all of it is unknown).\n\n" : ".\n\n")
        let monthly = try YearOverYear(events: events, unit: .month).rows
            .filter { $0.period >= CalendarPeriod(.month, containing: first.start) && $0.period.start <= asOf }
        let chart = Chart.monthlyBars(
            title: "Jobs in WARN notices by month", subtitle: "\(monthName(monthly.first!.period)) to \(monthName(monthly.last!.period)); notices with a job count, states as reported each year",
            months: monthly.map { $0.period.start }, values: monthly.map(\.cut), valueName: "Jobs in notices",
            yTitle: "Jobs", note: "Source: \(source)")
        figures.append(("warn-monthly-jobs.svg", chart.svg()))
        md += "![Jobs in WARN notices by month since \(first.label)](\(options.figuresLink)/warn-monthly-jobs.svg)\n\n"
        return md
    }

    /// The data-quality lines only WARN notices have: notices that may repeat another.
    static func warnQualityNotes(events: EventTable) -> [String] {
        guard events.location.count == events.count, events.count > 0 else { return [] }
        let pairs = events.possibleDuplicates()
        return ["\(NumberFormat.grouped(pairs.count)) possible duplicate notice(s): the same employer and location within 30 days of "
                + "another (kept; `layoffs validate` lists them)."]
    }

    /// One year of the long-run table.
    struct WARNYear: Equatable {
        /// The year's notices against the year before, all states together.
        var overall: YearOverYearRow
        /// States with at least one notice in the year.
        var states: Int
        /// Percent change of the jobs against the year before: with a state column, over
        /// the states observed over the whole of both years with a job count in both (the
        /// states in the data change over the years); else over all notices. `nil` for a
        /// year only partly inside the data, the year after the data's first (with a state
        /// column), or a zero or unknown base.
        var change: Double?
    }

    /// The years from `first` on, and whether the events have a state for every notice.
    static func warnYears(events: EventTable, from first: CalendarPeriod) throws(AnalysisError) -> (years: [WARNYear], byState: Bool) {
        let yearly = try YearOverYear(events: events, unit: .year).rows.filter { $0.period >= first }
        var states: [CalendarPeriod: Int] = [:]
        var sameStates: [CalendarPeriod: (cut: Double, previous: Double)] = [:]
        let byState = events.groupColumnNames.contains("state")
        if byState {
            for r in try YearOverYear(events: events, unit: .year, grouping: .by("state", coverage: .perGroup)).rows {
                if (r.events ?? 0) > 0 { states[r.period, default: 0] += 1 }
                if !r.partial, !r.previousPartial, let cut = r.cut, let previous = r.previousCut {
                    let sum = sameStates[r.period] ?? (0, 0)
                    sameStates[r.period] = (sum.cut + cut, sum.previous + previous)
                }
            }
        }
        // Which states reported through the whole of the data's first year is unknown (their
        // notices may start with the data, not with their portal): no like-for-like change
        // against it.
        let firstYear = events.day.min().map { CalendarPeriod(.year, containing: $0) }
        let years = yearly.map { r in
            var change: Double? = nil
            if !r.partial && !r.previousPartial && !(byState && r.previousPeriod == firstYear) {
                change = byState ? sameStates[r.period].flatMap { $0.previous > 0 ? ($0.cut / $0.previous - 1) * 100 : nil } : r.pctChange
            }
            return WARNYear(overall: r, states: states[r.period] ?? 0, change: change)
        }
        return (years, byState)
    }
}
