import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

/// Cell helpers.
func countCell(_ x: Double?) -> ReportTable.Cell { .number(x, .count) }
/// A percent change (already in percent): `+12.3%` for people, `12.3` in CSV/JSON.
func pctCell(_ x: Double?) -> ReportTable.Cell { .number(x, .percentPoints(decimals: 1, alwaysSign: true)) }
func rateCell(_ x: Double?) -> ReportTable.Cell { .number(x, .fixed(decimals: 3, grouping: false)) }

/// Where workforce figures came from, in words.
func workforceNote(_ data: LayoffDataset) -> String {
    let w = data.workforce
    let (f, i, u) = (w.count(.fundamentals), w.count(.implied), w.count(.unknown))
    return "Workforce: \(f) events from fundamentals (employees), \(i) implied by cut ÷ fraction, \(u) unknown (not in rates)."
}

// MARK: - summary

struct SummaryCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Coverage, totals, year to date against the previous year to date, largest events.",
        discussion: """
        Examples:
          layoffs summary
          layoffs summary --as-of 2024-04-03 --format json
          layoffs summary --data layoffs.csv --skip-invalid
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("as-of"), help: "Year-to-date date (default: the last date in the data).") var asOf: String?
    @Option(help: "Number of largest events to list.") var top: Int = 10

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let data = try input.load(env, wantFundamentals: false, columns: analysisColumns.union(["industry"]))
        let s = LayoffSummary(events: data.events, asOf: try parseDay(asOf, option: "--as-of"), top: top)
        let out = CommandOutput()
        out.format = output.format
        let ytd = s.yearToDate?.rows.first
        let notes = data.qualityNotes
        switch output.format {
        case .json:
            var obj: [(key: String, value: JSONValue)] = [
                ("rows", .int(s.rows)), ("events_with_count", .int(s.eventsWithCount)),
                ("cut_total", .number(s.totalCut)), ("companies", .int(s.companies)),
                ("first_date", .string(s.coverage?.first.description)), ("last_date", .string(s.coverage?.last.description)),
            ]
            if let y = ytd {
                obj.append(("ytd", .object([
                    ("as_of", .string(y.end.description)), ("start", .string(y.start.description)),
                    ("events", .int(y.current?.events)), ("companies", .int(y.current?.companies)),
                    ("cut", .number(y.current?.cut)), ("events_without_count", .int(y.current?.eventsWithoutCount)),
                    ("prev_start", .string(y.previousStart.description)), ("prev_end", .string(y.previousEnd.description)),
                    ("prev_events", .int(y.previous?.events)), ("prev_companies", .int(y.previous?.companies)),
                    ("prev_cut", .number(y.previous?.cut)), ("prev_events_without_count", .int(y.previous?.eventsWithoutCount)),
                    ("change", .number(y.change)), ("pct_change", .number(y.pctChange)),
                ])))
            } else { obj.append(("ytd", .null)) }
            obj.append(("largest", .array(s.largest.map { e in
                .object([("company", .string(e.company)), ("date", .string(e.day.description)), ("cut", .number(e.cut)),
                         ("fraction", .number(e.fraction)), ("industry", .string(e.industry)), ("line", .int(Int(e.line)))])
            })))
            obj.append(("notes", .array(notes.map { .string($0) })))
            out.write(JSONValue.object(obj).serialized(indent: 2) + "\n")
        case .table, .markdown, .csv:
            var t = ReportTable(title: "Summary of \(data.inputs[0].displayName)",
                                columns: [.init("Measure", key: "measure"), .init("Value", key: "value")])
            t.append([.text("rows"), .integer(s.rows)])
            t.append([.text("events with a count"), .integer(s.eventsWithCount)])
            t.append([.text("total cut"), countCell(s.totalCut)])
            t.append([.text("companies"), .integer(s.companies)])
            t.append([.text("first date"), .text(s.coverage?.first.description)])
            t.append([.text("last date"), .text(s.coverage?.last.description)])
            if let y = ytd {
                t.append([.text("YTD \(y.start)..\(y.end): events"), .integer(y.current?.events)])
                t.append([.text("YTD: companies"), .integer(y.current?.companies)])
                t.append([.text("YTD: cut"), countCell(y.current?.cut)])
                t.append([.text("previous YTD \(y.previousStart)..\(y.previousEnd): events"), .integer(y.previous?.events)])
                t.append([.text("previous YTD: companies"), .integer(y.previous?.companies)])
                t.append([.text("previous YTD: cut"), countCell(y.previous?.cut)])
                t.append([.text("YTD change in cut"), countCell(y.change)])
                t.append([.text("YTD % change in cut"), pctCell(y.pctChange)])
            }
            if output.format == .csv {
                out.write(render(t, as: .csv))
                out.diagnostics = output.quiet ? [] : notes
                return out
            }
            t.notes = notes
            out.write(render(t, as: output.format, color: env.color))
            var l = ReportTable(title: "Largest events",
                                columns: [.init("Company", key: "company"), .init("Date", key: "date"),
                                          .init("Cut", key: "cut"), .init("Fraction", key: "fraction"),
                                          .init("Industry", key: "industry")])
            for e in s.largest {
                l.append([.text(e.company), .text(e.day.description), countCell(e.cut),
                          .number(e.fraction, .percent(decimals: 1, alwaysSign: false)), .text(e.industry)])
            }
            out.write("\n" + render(l, as: output.format, color: env.color))
        }
        return out
    }
}

// MARK: - rolling

enum ScheduleOption: String, ExpressibleByArgument, CaseIterable { case daily, monthEnd = "month-end" }

struct RollingCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "rolling",
        abstract: "Rolling layoff rates: cuts over workforce in trailing windows, overall or by group.",
        discussion: """
        The window is "the W days ending on and including day d" (90d) or the calendar \
        months ending on d (3m). rate = Σcut / Σworkforce × 100 over events with both known; \
        workforce is employees from fundamentals when matched, else cut ÷ fraction.
        With --series FILE (columns period,layoffs,employment) it computes the JOLTS-style \
        rate = layoffs / employment × 100 with k-period moving averages (--ma).

        Examples:
          layoffs rolling --window 90d --at month-end
          layoffs rolling --by industry --at month-end --from 2023-01-01 --format csv
          layoffs rolling --series jolts.csv --ma 3 --ma 12
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Window: Nd (days) or Nm (calendar months).") var window: String = "90d"
    @Option(help: "Group column: industry, country, stage, company, location or any column of the file.") var by: String?
    @Option(help: "Evaluate daily or at month ends.") var at: ScheduleOption = .daily
    @Option(help: "First evaluation date.") var from: String?
    @Option(help: "Last evaluation date.") var to: String?
    @Option(help: ArgumentHelp("Aggregate series CSV: period,layoffs,employment.", valueName: "file")) var series: String?
    @Option(help: "Moving-average length in periods for --series (repeatable).") var ma: [Int] = []
    @Flag(help: "Also draw rolling-rate.svg (overall, or the largest groups by events).") var chart = false

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        _ = try parseWindow()
        _ = try parseDay(from, option: "--from")
        _ = try parseDay(to, option: "--to")
        if ma.contains(where: { $0 < 1 }) { throw ValidationError("--ma must be ≥ 1") }
    }

    func parseWindow() throws -> TrailingWindow {
        do { return try TrailingWindow(parsing: window) } catch { throw ValidationError("--window: \(error)") }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        if let series { return try aggregate(series, env) }
        let data = try input.load(env, columns: analysisColumns.union([by].compactMap { $0 }))
        let rr: RollingRates
        do {
            rr = try RollingRates(events: data.events, workforce: data.workforce, window: try parseWindow(),
                                  schedule: at == .daily ? .daily : .monthEnd,
                                  from: try parseDay(from, option: "--from"), to: try parseDay(to, option: "--to"),
                                  grouping: by.map { .by($0) } ?? .overall)
        } catch {
            throw CLIError(message: "layoffs rolling: \(error)", code: Exit.dataError)
        }
        var t = ReportTable(title: "Rolling \(window) layoff rate" + (by.map { " by \($0)" } ?? ""),
                            columns: [.init("Date", key: "date"), .init("Group", key: "group"),
                                      .init("Events", key: "events"), .init("Companies", key: "companies"),
                                      .init("Cut", key: "cut"), .init("Rate cut", key: "rate_cut"),
                                      .init("Rate workforce", key: "rate_workforce"), .init("Rate %", key: "rate")])
        for r in rr.rows {
            t.append([.text(r.day.description), .text(r.group), .integer(r.events), .integer(r.companies),
                      countCell(r.cut), countCell(r.rateCut), countCell(r.rateWorkforce), rateCell(r.rate)])
        }
        let notes = [workforceNote(data)] + data.qualityNotes
        let out = CommandOutput()
        out.format = output.format
        if chart {
            let shown = Array(rr.groups.sorted { a, b in
                let ea = rr.rows(forGroup: a).reduce(0) { $0 + $1.events }, eb = rr.rows(forGroup: b).reduce(0) { $0 + $1.events }
                return ea != eb ? ea > eb : a < b
            }.prefix(6))
            let days = rr.days
            let series = shown.map { g in Chart.Series(name: g, values: rr.rows(forGroup: g).map(\.rate)) }
            let c = Chart.lines(title: "Rolling \(window) layoff rate" + (by.map { " by \($0)" } ?? ""),
                                subtitle: "Cuts as % of the workforce of the companies cutting" + (rr.groups.count > shown.count ? "; largest groups by events" : ""),
                                dates: days, series: series, yAxis: Chart.Axis(title: "Layoff rate", unit: "%", includeZero: true),
                                note: "n/a where no event in the window has both cut and workforce.")
            out.figures.append(("rolling-rate.svg", Array(c.svg().utf8), "Rolling layoff rate"))
        }
        if output.format == .csv || output.format == .json {
            if output.format == .json { t.notes = notes } else if !output.quiet { out.diagnostics = notes }
        } else {
            t.notes = notes
        }
        out.write(render(t, as: output.format, color: env.color))
        return out
    }

    func aggregate(_ path: String, _ env: ExecutionEnvironment) throws -> CommandOutput {
        let table: DataTable
        do { table = try DataTable(csvFile: path) } catch {
            throw CLIError(message: "layoffs rolling: \(env.scrubPaths(error.description))", code: error.category.exitCode)
        }
        guard case .text(let p)? = table.column(named: "period") ?? nil else {
            throw CLIError(message: "layoffs rolling: \(env.displayName(path)) needs a text column 'period' (2023-01, 2023-Q1 or 2023); the columns are: \(table.names.joined(separator: ", "))", code: Exit.dataError)
        }
        func numeric(_ name: String) throws -> [Double?] {
            guard let c = table.column(named: name) else {
                throw CLIError(message: "layoffs rolling: \(env.displayName(path)) has no column '\(name)'; the columns are: \(table.names.joined(separator: ", "))", code: Exit.dataError)
            }
            guard case .numeric(let n) = c else {
                throw CLIError(message: "layoffs rolling: column '\(name)' of \(env.displayName(path)) is not numeric", code: Exit.dataError)
            }
            return (0..<n.count).map { n[$0] }
        }
        let periods = (0..<p.count).map { p[$0] ?? "" }
        let s: AggregateRateSeries
        do {
            s = try AggregateRateSeries(periods: periods, layoffs: try numeric("layoffs"), employment: try numeric("employment"), movingAverages: ma)
        } catch {
            throw CLIError(message: "layoffs rolling: \(env.displayName(path)): \(error)", code: Exit.dataError)
        }
        var cols: [ReportTable.Column] = [.init("Period", key: "period"), .init("Layoffs", key: "layoffs"),
                                          .init("Employment", key: "employment"), .init("Rate %", key: "rate")]
        for k in ma { cols.append(.init("MA\(k) %", key: "ma\(k)")) }
        var t = ReportTable(title: "Layoff rate (layoffs / employment × 100)", columns: cols)
        for r in s.rows {
            t.append([.text(r.period.label), countCell(r.layoffs), countCell(r.employment), rateCell(r.rate)]
                     + r.movingAverages.map { rateCell($0) })
        }
        let out = CommandOutput()
        out.format = output.format
        out.write(render(t, as: output.format, color: env.color))
        return out
    }
}

// MARK: - yoy

struct YoYCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "yoy",
        abstract: "Year over year by month, quarter or year (or year to date), overall or by group.",
        discussion: """
        Each period is compared with the same calendar period a year earlier. A period \
        with no events inside the data's coverage is a zero; outside it, missing. A zero \
        base gives n/a. --ytd compares Jan 1..D with Jan 1..(same month-day) a year earlier.

        Examples:
          layoffs yoy --period month
          layoffs yoy --period quarter --by industry --format csv
          layoffs yoy --ytd --as-of 2024-04-03 --by industry
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Period: month, quarter or year.") var period: PeriodOption = .month
    @Option(help: "Group column.") var by: String?
    @Flag(help: "Year to date instead of periods.") var ytd = false
    @Option(name: .customLong("as-of"), help: "Year-to-date date (default: the last date in the data).") var asOf: String?
    @Flag(help: "Also draw monthly-cuts.svg: monthly cuts with the same month a year earlier (--period month, no --by).") var chart = false

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        if chart && (period != .month || by != nil || ytd) { throw ValidationError("--chart draws monthly totals: use it with --period month and without --by or --ytd") }
    }

    enum PeriodOption: String, ExpressibleByArgument, CaseIterable { case month, quarter, year }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let data = try input.load(env, wantFundamentals: false, columns: analysisColumns.union([by].compactMap { $0 }))
        let grouping: Grouping = by.map { .by($0) } ?? .overall
        let out = CommandOutput()
        out.format = output.format
        let notes = data.qualityNotes
        var t: ReportTable
        do {
            if ytd {
                guard let asOfDay = try parseDay(asOf, option: "--as-of") ?? data.events.day.max() else {
                    throw CLIError(message: "layoffs yoy: no events", code: Exit.dataError)
                }
                let y = try YearToDate(events: data.events, asOf: asOfDay, grouping: grouping)
                t = ReportTable(title: "Year to date as of \(asOfDay)" + (by.map { " by \($0)" } ?? ""),
                                columns: [.init("As of", key: "as_of"), .init("Group", key: "group"),
                                          .init("Events", key: "events"), .init("Companies", key: "companies"),
                                          .init("Cut", key: "cut"), .init("No count", key: "events_without_count"),
                                          .init("Prev start", key: "prev_start"), .init("Prev end", key: "prev_end"),
                                          .init("Prev events", key: "prev_events"), .init("Prev companies", key: "prev_companies"),
                                          .init("Prev cut", key: "prev_cut"), .init("Change", key: "change"),
                                          .init("% change", key: "pct_change")])
                for r in y.rows {
                    t.append([.text(r.end.description), .text(r.group), .integer(r.current?.events), .integer(r.current?.companies),
                              countCell(r.current?.cut), .integer(r.current?.eventsWithoutCount),
                              .text(r.previousStart.description), .text(r.previousEnd.description),
                              .integer(r.previous?.events), .integer(r.previous?.companies), countCell(r.previous?.cut),
                              countCell(r.change), pctCell(r.pctChange)])
                }
            } else {
                let unit: PeriodUnit = period == .month ? .month : period == .quarter ? .quarter : .year
                let y = try YearOverYear(events: data.events, unit: unit, grouping: grouping)
                t = ReportTable(title: "Year over year by \(period.rawValue)" + (by.map { " and \($0)" } ?? ""),
                                columns: [.init("Period", key: "period"), .init("Group", key: "group"),
                                          .init("Events", key: "events"), .init("Companies", key: "companies"),
                                          .init("Cut", key: "cut"), .init("Prev period", key: "prev_period"),
                                          .init("Prev cut", key: "prev_cut"), .init("Change", key: "change"),
                                          .init("% change", key: "pct_change")])
                for r in y.rows {
                    t.append([.text(r.label + (r.partial && output.format != .csv && output.format != .json ? "*" : "")),
                              .text(r.group), .integer(r.events), .integer(r.companies), countCell(r.cut),
                              .text(r.previousLabel), countCell(r.previousCut), countCell(r.change), pctCell(r.pctChange)])
                }
                if chart {
                    let c = Chart.monthlyBars(title: "Announced job cuts by month", subtitle: "Events with a reported count; line: the same month a year earlier",
                                              months: y.rows.map { $0.period.start }, values: y.rows.map(\.cut),
                                              previousYear: y.rows.map(\.previousCut), valueName: "Cuts",
                                              previousName: "Same month a year earlier", yTitle: "Jobs cut")
                    out.figures.append(("monthly-cuts.svg", Array(c.svg().utf8), "Monthly job cuts"))
                }
                if y.rows.contains(where: { $0.partial }) && output.format != .csv && output.format != .json {
                    t.notes.append("* the period is only partly inside the data's coverage (\(y.coverage.map { "\($0.first)..\($0.last)" } ?? "")).")
                }
            }
        } catch let e as CLIError { throw e } catch {
            throw CLIError(message: "layoffs yoy: \(error)", code: Exit.dataError)
        }
        if output.format == .csv {
            if !output.quiet { out.diagnostics = notes }
        } else {
            t.notes += notes
        }
        out.write(render(t, as: output.format, color: env.color))
        return out
    }
}

// MARK: - validate

struct ValidateCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check events and fundamentals files and list every problem.",
        discussion: """
        Lists each problem as FILE:LINE:COLUMN (name): value and what was expected, then a \
        summary. Exits 0 when the files are clean, 65 when there are problems.

        Examples:
          layoffs validate --data layoffs.csv
          layoffs validate --data warn.csv --map date=notice_date,total_laid_off=jobs
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Output format: table, markdown or json.") var format: OutputFormat = .table

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var lenient = input
        lenient.skipInvalid = true
        let data = try lenient.load(env, wantFundamentals: true, columns: analysisColumns)
        let out = CommandOutput()
        out.format = format
        var problems = data.eventsLoad.problems
        if let f = data.fundamentalsLoad { problems += f.problems }
        let dups = data.eventsLoad.duplicates
        var t = ReportTable(title: "Problems", columns: [.init("File", key: "file"), .init("Line", key: "line"),
                                                          .init("Column", key: "column"), .init("Value", key: "value"),
                                                          .init("Problem", key: "problem")])
        for p in problems {
            t.append([.text(env.scrubPaths(p.file)), .integer(p.line), .text("\(p.column) (\(p.columnName))"), .text(p.value),
                      .text(optionText(p.issue + "; expected " + p.expected))])
        }
        var summary: [String] = []
        for i in data.inputs where i.role != "aliases" {
            summary.append("\(i.displayName): \(i.rows) row\(i.rows == 1 ? "" : "s")")
        }
        summary.append("\(problems.count) problem(s) in \(data.eventsLoad.excludedCount + (data.fundamentalsLoad.map { $0.excludedByReason.values.reduce(0, +) } ?? 0)) row(s)")
        summary.append("\(dups.count) exact duplicate event(s)" + (dups.isEmpty ? "" : ": " + dups.prefix(10).map { "line \($0.line) repeats line \($0.firstLine)" }.joined(separator: "; ")))
        if let j = data.join {
            summary.append("\(j.unmatchedCount) event(s) without fundamentals for their fiscal year"
                           + (j.unmatchedCompanies.isEmpty ? "" : ": " + j.unmatchedCompanies.map { "\($0.company) (\($0.events))" }.joined(separator: ", ")))
        }
        switch format {
        case .json:
            out.write(JSONValue.object([
                ("problems", t.jsonRows()), ("summary", .array(summary.map { .string($0) })),
                ("duplicates", .array(dups.map { .object([("line", .int($0.line)), ("first_line", .int($0.firstLine))]) })),
            ]).serialized(indent: 2) + "\n")
        case .csv:
            out.write(render(t, as: .csv))
        case .table, .markdown:
            if problems.isEmpty {
                out.write("No problems found.\n")
            } else if format == .table {
                for p in problems { out.write(optionText(env.scrubPaths(p.description)) + "\n") }
            } else {
                out.write(render(t, as: .markdown))
            }
            out.write("\n" + summary.joined(separator: "\n") + "\n")
        }
        if !problems.isEmpty { out.exitCode = Exit.dataError }
        return out
    }
}
