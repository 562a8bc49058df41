import StatKit
import LayoffKit

/// Settings of a layoff report.
public struct ReportOptions: Sendable {
    /// The headline and year-to-date date (default: the last date in the data).
    public var asOf: Day?
    /// Group column for the rolling-rate and year-over-year sections.
    public var groupBy: String = "industry"
    /// Whether each group of `groupBy` is observed over the whole data's span or its own
    /// (see LayoffKit's `GroupCoverage`).
    public var groupCoverage: GroupCoverage = .shared
    /// Rolling window.
    public var window: TrailingWindow = .days(90)
    /// Fewest events with both cut and workforce a rolling window needs for a rate; the
    /// report leaves windows with fewer n/a and lists them.
    public var minimumRateEvents: Int = ReportOptions.defaultMinimumRateEvents
    /// The default of ``minimumRateEvents``: three events, so that one small company closing
    /// in an otherwise quiet window does not read as a 100% layoff rate.
    public static let defaultMinimumRateEvents = 3
    /// Number of months in the monthly trend table and chart.
    public var trendMonths: Int = 24
    /// Largest number of groups drawn in the rolling-rate chart (by number of events).
    public var chartGroups: Int = 5
    /// Folder name (relative link) where figures live, e.g. `layoffs-report-figures`.
    public var figuresLink: String = "figures"
    /// The exact command that produced the report, for provenance.
    public var command: String = "layoffs report"
    /// Tool version, for provenance.
    public var toolVersion: String = "unknown"
    /// Cut-size model settings; `nil` leaves the regression section out.
    public var regression: RegressionSettings? = RegressionSettings()
    /// Threads to use: with 2 or more, the regression section is built on a second thread
    /// while the rolling-rate and year-over-year sections are built. The report is the
    /// same, byte for byte, whatever the number.
    public var threads: Int = 1
    /// Digests of input files already being computed (see ``PendingDigests``); inputs not
    /// covered are hashed when the provenance section is written.
    public var digests: PendingDigests?

    public init() {}
}

/// The cut-size model of a report.
public struct RegressionSettings: Sendable {
    /// Model formula over the joined events (columns of
    /// `FundamentalsJoin.regressionTable(events:fundamentals:columns:)`).
    public var formula: String = "log(total_laid_off) ~ log(employees) + revenue_growth"
    /// Largest number of rows of the cut-size fit for which the report also fits the count
    /// model (a negative binomial with the workforce as exposure); `nil`: whatever the
    /// number; 0: never (the section is left out). Its IRLS reads the rows about twenty-five times, so on large data it costs
    /// several times the rest of the report; above the limit the section says so and gives
    /// the `layoffs regress` command that fits it.
    public var countModelRowLimit: Int? = RegressionSettings.defaultCountModelRowLimit
    /// The default ``countModelRowLimit``: ten times the largest real layoff trackers.
    public static let defaultCountModelRowLimit = 50_000
    public init() {}
}

/// A rendered report: markdown, its figures, and a short terminal summary.
public struct ReportDocument: Sendable {
    /// The markdown document.
    public var markdown: String
    /// Figures by file name (SVG text), linked from the markdown as `figuresLink/name`.
    public var figures: [(name: String, svg: String)]
    /// A few lines for the terminal.
    public var terminalSummary: String
}

/// Builds the layoff report: headline, monthly trend with YoY, rolling rate
/// overall and by group, year over year by group, the cut-size regression, data quality
/// and provenance. Same inputs and options give the same bytes: no clock is read.
public enum ReportBuilder {
    static let monthNames = ["January", "February", "March", "April", "May", "June", "July", "August",
                             "September", "October", "November", "December"]

    /// Largest number of unmatched companies listed by name in the data-quality section
    /// (most events first); the rest are counted.
    public static let maxUnmatchedListed = 100

    static func monthName(_ p: CalendarPeriod) -> String { monthNames[p.index - 1] + " " + String(p.year) }

    /// Builds the report for `data`.
    public static func build(data fullData: LayoffDataset, options: ReportOptions) throws -> ReportDocument {
        guard let fullCoverage = Coverage(fullData.events) else {
            throw ReportError("the events file has no events")
        }
        let asOf = options.asOf ?? fullCoverage.last
        let data = try fullData.through(asOf)
        let events = data.events
        // The events through the last day of the data are all the events.
        guard let coverage = asOf >= fullCoverage.last ? fullCoverage : Coverage(events) else {
            throw ReportError("no events on or before \(asOf)")
        }
        // The regression section depends on nothing built before it: with a second
        // thread it is started first and built there while the headline, trend,
        // rolling-rate and year-over-year sections are built here (it is the longest
        // section), and its text and figures are added after theirs as before.
        typealias Section = (md: String, figures: [(name: String, svg: String)])
        @Sendable func regression(_ settings: RegressionSettings) -> Section {
            var f: [(name: String, svg: String)] = []
            let text = regressionSection(data: data, settings: settings, options: options, figures: &f)
            return (text, f)
        }
        let pendingRegression = options.threads > 1 ? options.regression.map { settings in
            BackgroundWork { regression(settings) }
        } : nil

        var md = ""
        var figures: [(name: String, svg: String)] = []
        var terminal = ""

        md += "# Layoff report\n\n"
        let eventFiles = data.inputs.filter { $0.role == "events" }
        let source = eventFiles.count > 1 ? "\(eventFiles[0].displayName) and \(eventFiles.count - 1) more file\(eventFiles.count > 2 ? "s" : "")" : data.inputs[0].displayName
        // The events' own days (the coverage runs on to the as-of day when later events were cut).
        md += "Data: \(source), \(NumberFormat.grouped(events.count)) events from \(coverage.first) to \(events.day.max() ?? coverage.last)"
        if let f = data.inputs.first(where: { $0.role == "fundamentals" }) { md += "; fundamentals: \(f.displayName)" }
        md += ". Figures are as of \(asOf).\n\n"

        // Headline. The events are sorted into per-group records once per grouping and
        // each grouping's analyses share them (overall here, by group below); each set of
        // records is released before the next is made. The headline's spans are read off
        // the overall records.
        let (monthly, overallRolling, headline, spare) = try { () throws(AnalysisError) -> (YearOverYear, RollingRates, [String], GroupedEventsStorage) in
            let overall = try GroupedEvents(events: events, workforce: data.workforce, reusing: nil)
            // The months shown: the trend's and the headline's (as-of) month.
            let lastMonth = CalendarPeriod(.month, containing: coverage.last)
            let shown = min(lastMonth.advanced(by: 1 - max(options.trendMonths, 1)), CalendarPeriod(.month, containing: asOf))
            let monthly = try YearOverYear(grouped: overall, unit: .month, from: shown)
            let ytd = try YearToDate(grouped: overall, asOf: asOf)
            return (monthly, try RollingRates(grouped: overall, window: options.window, schedule: .monthEnd, to: asOf,
                                              minimumRateEvents: options.minimumRateEvents),
                    try headlineText(monthly: monthly, ytd: ytd, asOf: asOf) { f, t throws(AnalysisError) in try overall.totals(from: f, to: t) },
                    overall.releaseStorage())
        }()
        // WARN notices: the year to date by state, sector and employer, for the headline's
        // leaders and the notices' section.
        let warnLargest = data.eventsLoad.layout == .warn ? try warnLargest(events: events, asOf: asOf) : nil
        let sentences = headline + (warnLargest.flatMap(warnLeaders).map { [$0] } ?? [])
        md += "## Headline\n\n" + sentences.joined(separator: "\n\n") + "\n\n"
        terminal += sentences.map { $0.replacingAll("**", with: "") }.joined(separator: "\n") + "\n"

        // Monthly trend.
        let asOfMonth = CalendarPeriod(.month, containing: asOf)
        let trendRows = monthly.rows.filter { $0.period <= asOfMonth }.suffix(options.trendMonths)
        md += "## Monthly trend\n\n"
        var trend = ReportTable(columns: [.init("Month", key: "month"), .init("Events", key: "events"),
                                          .init("Companies", key: "companies"), .init("Cut", key: "cut"),
                                          .init("Same month a year earlier", key: "prev_cut"),
                                          .init("Y/Y change", key: "change"), .init("Y/Y %", key: "pct_change")])
        for r in trendRows {
            trend.append([.text(r.label + (r.partial ? "*" : "")), .integer(r.events), .integer(r.companies),
                          .number(r.cut, .count), .number(r.previousCut, .count), .number(r.change, .count),
                          .number(r.pctChange, .percentPoints(decimals: 1, alwaysSign: true))])
        }
        md += trend.markdown()
        if trendRows.contains(where: { $0.partial }) {
            md += "\n\\* partly outside the data's coverage (\(coverage.first) to \(coverage.last)).\n"
        }
        if trendRows.contains(where: { $0.cut == nil || ($0.previous != nil && $0.previousCut == nil) }) {
            md += "\nn/a: no event of the month has a reported count (the total is unknown, not zero).\n"
        }
        let months = trendRows.map { $0.period.start }
        let chart = Chart.monthlyBars(
            title: "Announced job cuts by month", subtitle: "\(months.first.map { monthName(CalendarPeriod(.month, containing: $0)) } ?? "") to \(monthName(asOfMonth)); events with a reported count",
            months: months, values: trendRows.map { $0.cut }, previousYear: trendRows.map { $0.previousCut },
            valueName: "Cuts", previousName: "Same month a year earlier", yTitle: "Jobs cut", note: "Source: \(source)")
        figures.append(("monthly-cuts.svg", chart.svg()))
        md += "\n![Monthly job cuts with the same month a year earlier](\(options.figuresLink)/monthly-cuts.svg)\n\n"
        terminal += "Monthly cuts, last \(trendRows.count) months: " + TextGraphics.sparkline(trendRows.map { $0.cut }) + "\n"


        // Rolling rate.
        do {
            let byGroup = try GroupedEvents(events: events, workforce: data.workforce,
                                            grouping: .by(options.groupBy, coverage: options.groupCoverage),
                                            reusing: consume spare)
            md += try rollingSection(data: data, options: options, overall: overallRolling, byGroup: byGroup, asOf: asOf,
                                     figures: &figures)

        // Year over year by group.
            md += try groupYoYSection(options: options, byGroup: byGroup, asOf: asOf)
            if let warnLargest {
                md += try warnSection(events: events, asOf: asOf, largest: warnLargest, options: options, figures: &figures, source: source)
            }
        }

        // Regression.
        if let section = pendingRegression?.wait() ?? options.regression.map(regression) {
            md += section.md
            figures += section.figures
        }

        // Data quality.
        md += "## Data quality\n\n"
        let notes = data.qualityNotes + (data.eventsLoad.layout == .warn ? warnQualityNotes(events: events) : [])
        if notes.isEmpty { md += "Nothing was left out.\n\n" } else { md += notes.map { "- " + $0 }.joined(separator: "\n") + "\n\n" }
        if let j = data.join, j.unmatchedCompanyCount > 0 {
            md += "Companies without a fundamentals row for the event's fiscal year (events): "
            let shown = j.unmatchedCompanies(top: maxUnmatchedListed)
            md += shown.map { "\(MarkdownText.escape($0.company)) (\($0.events))" }.joined(separator: ", ")
            if j.unmatchedCompanyCount > shown.count {
                let restEvents = j.unmatchedEventCount - shown.reduce(0) { $0 + $1.events }
                md += "; and \(NumberFormat.grouped(j.unmatchedCompanyCount - shown.count)) more companies with \(NumberFormat.grouped(restEvents)) events"
            }
            md += ".\n\n"
        }

        // Provenance.
        md += "## Provenance\n\n"
        var prov = ReportTable(columns: [.init("Input", key: "input"), .init("Role", key: "role"), .init("Rows", key: "rows"),
                                         .init("Bytes", key: "bytes"), .init("SHA-256", key: "sha256")])
        for i in data.inputs {
            let digest = i.embeddedBytes.map { FileDigest.of(bytes: $0) } ?? i.path.flatMap { path in
                options.digests.flatMap { $0.covers(path: path) ? $0.digest(path: path) : nil } ?? FileDigest.of(path: path)
            }
            prov.append([.text(i.displayName), .text(i.role), .integer(i.role == "aliases" ? nil : i.rows),
                         .integer(digest?.bytes), .text(digest.map { "`\($0.sha256)`" })])
        }
        md += prov.markdown() + "\n"
        md += "Produced by LayoffStats \(options.toolVersion) with:\n\n```sh\n\(options.command)\n```\n"
        return ReportDocument(markdown: md, figures: figures, terminalSummary: terminal)
    }

    static func signedPercent(_ p: Double?) -> String {
        guard let p else { return "n/a" }
        return NumberFormat.percent(p / 100, decimals: 1, alwaysSign: true)
    }

    static func direction(_ p: Double?) -> String {
        guard let p else { return "" }
        return p > 0 ? "up" : p < 0 ? "down" : "unchanged,"
    }

    /// Challenger-style headline sentences; `span(from, to)` gives the totals of the events
    /// announced in `from...to`.
    static func headlineText(monthly: YearOverYear, ytd: YearToDate, asOf: Day,
                             span: (Day, Day) throws(AnalysisError) -> EventTotals) throws(AnalysisError) -> [String] {
        var out: [String] = []
        let month = CalendarPeriod(.month, containing: asOf)
        if let cur = monthly.rows.first(where: { $0.period == month }) {
            let full = asOf == month.end
            // A month in progress is compared over the same days of the other months.
            let day = asOf.dayOfMonth
            func upTo(_ p: CalendarPeriod) -> Day { full ? p.end : min(p.end, p.start.advanced(by: day - 1)) }
            let now = try span(month.start, asOf)
            let prevMonth = month.advanced(by: -1), yearAgo = month.previousYear
            let spanText = full ? "" : " (days 1–\(day))"
            let where_ = " in \(now.events) event\(now.events == 1 ? "" : "s") at \(now.companies) compan\(now.companies == 1 ? "y" : "ies")"
            let through = full ? "" : " through \(asOf)"
            var s: String
            if let cut = now.knownCut {
                s = "Employers in the data announced **\(NumberFormat.grouped(Int(cut)))** job cuts in \(monthName(month))" + through + "," + where_
            } else {
                s = "Employers in the data announced cuts in \(monthName(month))" + through + where_ + ", none with a reported count"
            }
            var clauses: [String] = []
            for (p, inData) in [(prevMonth, monthly.coverage.map { $0.intersects(prevMonth.start, upTo(prevMonth)) } ?? false),
                                (yearAgo, cur.previous != nil)] {
                guard inData else { clauses.append("\(monthName(p)) is outside the data"); continue }
                let t = try span(p.start, upTo(p))
                guard let before = t.knownCut else {
                    clauses.append("\(monthName(p))\(spanText) had \(t.events) event\(t.events == 1 ? "" : "s") and no reported count")
                    continue
                }
                if before == 0 {
                    clauses.append("\(monthName(p))\(spanText) had no counted cuts")
                } else if let cut = now.knownCut {
                    let ch = (cut - before) / before * 100
                    clauses.append("\(direction(ch)) \(NumberFormat.percent(abs(ch) / 100, decimals: 1)) from \(NumberFormat.grouped(Int(before))) in \(monthName(p))\(spanText)")
                } else {
                    clauses.append("against \(NumberFormat.grouped(Int(before))) in \(monthName(p))\(spanText)")
                }
            }
            s += "; " + clauses.joined(separator: "; ") + "."
            if now.eventsWithoutCount > 0 && now.knownCut != nil {
                s += " \(now.eventsWithoutCount) of this month's events had no reported count."
            }
            out.append(s)
        }
        if let y = ytd.rows.first, let c = y.current {
            func cuts(_ t: EventTotals) -> String { t.knownCut.map { NumberFormat.grouped(Int($0)) } ?? "an unknown number of" }
            var s = "Year to date (\(y.start) to \(y.end)): **\(cuts(c))** cuts in \(c.events) events at \(c.companies) companies"
            if let p = y.previous {
                s += ", against \(cuts(p)) in \(p.events) events at \(p.companies) companies over \(y.previousStart) to \(y.previousEnd) (\(signedPercent(y.pctChange)))"
            } else {
                s += "; the same span a year earlier is outside the data"
            }
            s += "."
            let missing = c.eventsWithoutCount + (y.previous?.eventsWithoutCount ?? 0)
            if missing > 0 {
                s += " \(c.eventsWithoutCount) event\(c.eventsWithoutCount == 1 ? "" : "s") this year and \(y.previous?.eventsWithoutCount ?? 0) last year had no reported count: they count as events, not in the cut totals."
            }
            out.append(s)
        }
        return out
    }

    static func rollingSection(data: LayoffDataset, options: ReportOptions, overall: RollingRates, byGroup: GroupedEvents,
                               asOf: Day, figures: inout [(name: String, svg: String)]) throws(AnalysisError) -> String {
        var md = "## Rolling \(windowText(options.window)) layoff rate\n\n"
        md += "Rate = cuts ÷ workforce × 100 over the events of the \(windowPhrase(options.window)) ending on and including each month end, counting only events whose cut and workforce are both known. "
        var bySource = [Int](repeating: 0, count: WorkforceSource.allCases.count)
        for s in data.workforce.source { bySource[Int(s.rawValue)] += 1 }
        func count(_ s: WorkforceSource) -> Int { bySource[Int(s.rawValue)] }
        guard count(.unknown) < data.workforce.source.count else {
            // No workforce at all (WARN notices give the jobs affected, not the employer's
            // headcount): a table of n/a rates would say nothing.
            return md + "No event has a workforce: the data gives neither the company's employees (a fundamentals file, `--fundamentals`) nor the fraction of the workforce cut, so there is no layoff rate to compute.\n\n"
        }
        md += "Workforce is the company's employees from the fundamentals file for the event's fiscal year (\(count(.fundamentals)) events) or, failing that, implied by cut ÷ reported fraction (\(count(.implied)) events); \(count(.unknown)) events have neither and stay out of the rate. "
        let k = options.minimumRateEvents
        md += k > 1 ? "A window needs at least \(k) such events for a rate (the report's default is \(ReportOptions.defaultMinimumRateEvents)); with fewer it is n/a.\n\n"
                    : "A window with one such event has a rate (no minimum; the report's default is \(ReportOptions.defaultMinimumRateEvents)).\n\n"
        // Top groups by number of events: the only groups shown, so the only ones computed.
        var counts: [String: Int] = [:]
        for (g, n) in zip(byGroup.groups, byGroup.groupSizes) { counts[g, default: 0] += n }
        let top = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(options.chartGroups).map(\.key)
        let grouped = try RollingRates(grouped: byGroup, window: options.window, schedule: .monthEnd, to: asOf, only: Set(top),
                                       minimumRateEvents: k)
        let last12 = overall.rows.suffix(12)
        var cols: [ReportTable.Column] = [.init("Month end", key: "date"), .init("All: events", key: "events", alignment: .right),
                                          .init("All: rate %", key: "rate", alignment: .right)]
        for g in top { cols.append(.init("\(g) %", key: g, alignment: .right)) }
        var t = ReportTable(columns: cols)
        let byGroupDay: [String: [Day: RollingRateRow]] = Dictionary(grouping: grouped.rows, by: { $0.group })
            .mapValues { Dictionary(uniqueKeysWithValues: $0.map { ($0.day, $0) }) }
        func rateCell(_ r: RollingRateRow?) -> ReportTable.Cell {
            guard let r, r.covered else { return .missing }
            guard let rate = r.rate else { return .missing }
            return .text(NumberFormat.fixed(rate, decimals: 2, grouping: false) + (r.partial ? "*" : ""))
        }
        var anyPartial = false
        for r in last12 {
            var row: [ReportTable.Cell] = [.text(r.day.description + (r.partial ? "*" : "")), .integer(r.events), rateCell(r)]
            anyPartial = anyPartial || r.partial
            for g in top {
                let gr = byGroupDay[g]?[r.day]
                anyPartial = anyPartial || (gr?.partial ?? false) && gr?.rate != nil
                row.append(rateCell(gr))
            }
            t.append(row)
        }
        md += t.markdown() + "\n"
        if anyPartial {
            md += "\\* the window reaches outside the data's coverage" + (options.groupCoverage == .perGroup ? " (the group's own span)" : "") + ".\n\n"
        }
        // Which windows of the table had a rate withheld for too few events.
        let shownDays = Set(last12.map(\.day))
        var blanked: [String] = []
        let overallBlank = last12.filter(\.rateWithheld).map(\.day.description)
        if !overallBlank.isEmpty { blanked.append("all: " + overallBlank.joined(separator: ", ")) }
        for g in top {
            let days = grouped.rows(forGroup: g).filter { $0.rateWithheld && shownDays.contains($0.day) }.map(\.day.description)
            if !days.isEmpty { blanked.append("\(g): " + days.joined(separator: ", ")) }
        }
        if !blanked.isEmpty {
            md += "In the table, left n/a for fewer than \(k) events with cut and workforce: " + blanked.map { MarkdownText.escape($0) }.joined(separator: "; ") + ".\n\n"
        }
        let days = overall.rows.map(\.day)
        var series = [Chart.Series(name: "All", values: overall.rows.map(\.rate))]
        for g in top { series.append(Chart.Series(name: g, values: days.map { byGroupDay[g]?[$0]?.rate })) }
        let chart = Chart.lines(title: "Rolling \(windowText(options.window)) layoff rate", subtitle: "Cuts as % of the workforce of the companies cutting, at month ends; largest \(options.groupBy) groups by events",
                                dates: days, series: series, yAxis: Chart.Axis(title: "Layoff rate", unit: "%", includeZero: true),
                                note: k > 1 ? "n/a where fewer than \(k) events in the window have both cut and workforce."
                                            : "n/a where no event in the window has both cut and workforce.")
        figures.append(("rolling-rate.svg", chart.svg()))
        md += "![Rolling layoff rate overall and by \(options.groupBy)](\(options.figuresLink)/rolling-rate.svg)\n\n"
        md += "Read this as the typical depth of the cuts being announced, not as an economy-wide layoff rate: the workforce is that of the companies that announced cuts.\n\n"
        return md
    }

    static func groupYoYSection(options: ReportOptions, byGroup: GroupedEvents, asOf: Day) throws(AnalysisError) -> String {
        var md = "## Year over year by \(options.groupBy)\n\n"
        let y = try YearToDate(grouped: byGroup, asOf: asOf)
        guard let first = y.rows.first else { return md + "No events.\n\n" }
        md += "Year to date \(first.start) to \(first.end) against \(first.previousStart) to \(first.previousEnd), largest first"
        md += options.groupCoverage == .perGroup ? "; each \(options.groupBy) is judged over its own span of events, so a span outside it is n/a.\n\n" : ".\n\n"
        var t = ReportTable(columns: [.init(options.groupBy.capitalizedFirst, key: "group"), .init("Events", key: "events", alignment: .right),
                                      .init("Cut", key: "cut", alignment: .right), .init("Previous events", key: "prev_events", alignment: .right),
                                      .init("Previous cut", key: "prev_cut", alignment: .right), .init("Change", key: "change", alignment: .right),
                                      .init("Y/Y %", key: "pct_change", alignment: .right)])
        let rows = y.rows.filter { ($0.current?.events ?? 0) + ($0.previous?.events ?? 0) > 0 }
            .sorted { (a, b) in
                let ca = a.current?.knownCut ?? 0, cb = b.current?.knownCut ?? 0
                if ca != cb { return ca > cb }
                let pa = a.previous?.knownCut ?? 0, pb = b.previous?.knownCut ?? 0
                return pa != pb ? pa > pb : a.group < b.group
            }
        for r in rows {
            t.append([.text(r.group), .integer(r.current?.events), .number(r.current?.knownCut, .count),
                      .integer(r.previous?.events), .number(r.previous?.knownCut, .count), .number(r.change, .count),
                      .number(r.pctChange, .percentPoints(decimals: 1, alwaysSign: true))])
        }
        md += t.markdown() + "\n"
        if options.groupCoverage == .shared, let note = GroupSpanNote.text(groups: y.rows.map(\.group), spans: y.groupSpans, coverage: y.coverage) {
            md += MarkdownText.escape(note) + "\n\n"
        }
        md += missingNote(rows.contains { $0.current.map { $0.knownCut == nil } ?? true || $0.previous.map { $0.knownCut == nil } ?? true },
                          options)
        if let note = UncountedNote.text(rows, current: "this year") { md += MarkdownText.escape(note) + "\n\n" }
        // Last complete calendar year against the one before: the latest year that, with the
        // year before it, lies wholly inside the coverage (the rows of a yearly
        // `YearOverYear` that are neither partial nor without a previous year), known from
        // the coverage alone, so the yearly table is computed from that year on only.
        let lastFull = byGroup.coverage.flatMap { cov in
            stride(from: cov.last.year, to: cov.first.year, by: -1).lazy
                .map { CalendarPeriod(.year, containing: Day(year: $0, month: 1, day: 1)!) }
                .first { !cov.isPartial($0.start, $0.end) && !cov.isPartial($0.previousYear.start, $0.previousYear.end) }
        }
        if let lastFull {
            let yearly = try YearOverYear(grouped: byGroup, unit: .year, from: lastFull)
            md += "Full year \(lastFull.label) against \(lastFull.previousYear.label):\n\n"
            var f = ReportTable(columns: [.init(options.groupBy.capitalizedFirst, key: "group"), .init("Events", key: "events", alignment: .right),
                                          .init("Cut", key: "cut", alignment: .right), .init("Previous cut", key: "prev_cut", alignment: .right),
                                          .init("Y/Y %", key: "pct_change", alignment: .right)])
            let shown = yearly.rows.filter { $0.period == lastFull && (($0.events ?? 0) + ($0.previous?.events ?? 0)) > 0 }
                .sorted { a, b in
                    let ca = a.cut ?? 0, cb = b.cut ?? 0
                    return ca != cb ? ca > cb : a.group < b.group
                }
            for r in shown {
                f.append([.text(r.group + (r.partial || r.previousPartial ? "*" : "")), .integer(r.events), .number(r.cut, .count),
                          .number(r.previousCut, .count), .number(r.pctChange, .percentPoints(decimals: 1, alwaysSign: true))])
            }
            md += f.markdown() + "\n"
            if shown.contains(where: { $0.partial || $0.previousPartial }) {
                md += "\\* the \(options.groupBy)'s own span of events starts or ends inside \(lastFull.previousYear.label)–\(lastFull.label).\n\n"
            }
            md += missingNote(shown.contains { $0.totals == nil || $0.cut == nil || $0.previous == nil || $0.previousCut == nil }, options)
            if let note = UncountedNote.text(shown, includingPrevious: true) { md += MarkdownText.escape(note) + "\n\n" }
        }
        return md
    }

    /// The line under a table that has n/a cuts, saying what they mean.
    static func missingNote(_ any: Bool, _ options: ReportOptions) -> String {
        guard any else { return "" }
        let outside = options.groupCoverage == .perGroup ? "the \(options.groupBy)'s own span of events" : "the data's coverage"
        return "n/a: outside \(outside), or no event of the span has a reported count (unknown, not zero).\n\n"
    }

    static func windowPhrase(_ w: TrailingWindow) -> String {
        switch w {
        case .days(let d): return "\(d) days"
        case .months(let m): return "\(m) calendar months"
        }
    }

    static func windowText(_ w: TrailingWindow) -> String {
        switch w {
        case .days(let d): return "\(d)-day"
        case .months(let m): return "\(m)-month"
        }
    }
}

/// A report could not be built.
public struct ReportError: Error, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ d: String) { description = d }
}

extension String {
    var capitalizedFirst: String { prefix(1).uppercased() + dropFirst() }
}
