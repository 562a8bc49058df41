import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

enum ScheduleOption: String, ExpressibleByArgument, CaseIterable { case daily, monthEnd = "month-end" }

struct RollingCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "rolling",
        abstract: "Rolling layoff rates: cuts over workforce in trailing windows, overall or by group.",
        discussion: """
        The window is "the W days ending on and including day d" (90d) or the calendar \
        months ending on d (3m). rate = Σcut / Σworkforce × 100 over events with both known \
        (rate events); workforce is employees from fundamentals when matched, else cut ÷ \
        fraction. --min-events K leaves the rate n/a in windows with fewer than K rate \
        events. CSV and JSON carry events_with_count, rate_events and the flags the table \
        marks: partial (the window reaches outside the data's coverage) and too_few_events.
        With --series FILE (columns period,layoffs,employment) it computes the JOLTS-style \
        rate = layoffs / employment × 100 with k-period moving averages (--ma).

        Examples:
          layoffs rolling --window 90d --at month-end --min-events 3
          layoffs rolling --by industry --at month-end --from 2023-01-01 --format csv
          layoffs rolling --series jolts.csv --ma 3 --ma 12
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Window: Nd (days) or Nm (calendar months); default 90d.") var window: String?
    @OptionGroup var groups: GroupOptions
    @Option(help: "Evaluate daily or at month ends (default daily).") var at: ScheduleOption?
    @Option(help: "First evaluation date.") var from: String?
    @Option(help: "Last evaluation date.") var to: String?
    @Option(name: .customLong("min-events"), help: ArgumentHelp("Fewest events with both cut and workforce a window needs for a rate; windows with fewer are n/a (default 1).", valueName: "k")) var minEvents: Int?
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
        if let k = minEvents, k < 1 { throw ValidationError("--min-events must be 1 or more") }
        if series != nil {
            // The series file is all the input: options about events would be ignored.
            let unused = input.given + [window.map { _ in "--window" }, at.map { _ in "--at" }, from.map { _ in "--from" },
                                        to.map { _ in "--to" }, minEvents.map { _ in "--min-events" },
                                        groups.by.isEmpty ? nil : "--by", groups.coverage.map { _ in "--coverage" },
                                        chart ? "--chart" : nil].compactMap { $0 }
            if let first = unused.first { throw ValidationError("\(first) does not apply to --series (the series file is the whole input)") }
        } else if !ma.isEmpty {
            throw ValidationError("--ma averages an aggregate series: it needs --series FILE")
        }
    }

    func parseWindow() throws -> TrailingWindow {
        do { return try TrailingWindow(parsing: window ?? "90d") } catch { throw ValidationError("--window: \(error)") }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        if let series { return try aggregate(series, env) }
        let data = try input.load(env, columns: analysisColumns.union(groups.by))
        let rr: RollingRates
        let k = minEvents ?? 1
        do {
            rr = try RollingRates(events: data.events, workforce: data.workforce, window: try parseWindow(),
                                  schedule: at == .monthEnd ? .monthEnd : .daily,
                                  from: try parseDay(from, option: "--from"), to: try parseDay(to, option: "--to"),
                                  grouping: groups.grouping(for: data.eventsLoad.layout), minimumRateEvents: k)
        } catch {
            throw CLIError(message: "layoffs rolling: \(error)", code: Exit.dataError)
        }
        let machine = output.format == .csv || output.format == .json
        let windowText = window ?? "90d"
        var cols: [ReportTable.Column] = [.init("Date", key: "date")] + groups.columns(machine: machine)
        cols += [.init("Events", key: "events"), .init("With count", key: "events_with_count"),
                 .init("Companies", key: "companies"), .init("Cut", key: "cut"), .init("Rate events", key: "rate_events"),
                 .init("Rate cut", key: "rate_cut"), .init("Rate workforce", key: "rate_workforce"), .init("Rate %", key: "rate")]
        if machine { cols += [.init("Partial", key: "partial"), .init("Too few events", key: "too_few_events")] }
        var t = ReportTable(title: "Rolling \(windowText) layoff rate" + groups.titleSuffix, columns: cols)
        for (g, values) in rr.groupValues.enumerated() {
            for r in rr.rows(ofGroupAt: g) {
                var row: [ReportTable.Cell] = [.text(r.day.description + (r.partial && !machine ? "*" : ""))]
                row += groups.cells(r.group, values, machine: machine)
                // A window outside the coverage observed nothing: its counts are missing, not 0.
                let c = r.covered
                row += [.integer(c ? r.events : nil), .integer(c ? r.eventsWithCount : nil), .integer(c ? r.companies : nil),
                        countCell(r.knownCut), .integer(c ? r.rateEvents : nil), countCell(c ? r.rateCut : nil),
                        countCell(c ? r.rateWorkforce : nil), rateCell(r.rate)]
                if machine { row += [.flag(r.partial), .flag(r.rateWithheld)] }
                t.append(row)
            }
        }
        var notes = [workforceNote(data)]
        if !machine {
            let perGroup = rr.grouping.coverage == .perGroup
            if rr.rows.contains(where: \.partial) {
                let span = (data.events.day.min()?.description ?? "") + ".." + (data.events.day.max()?.description ?? "")
                notes.append("* the window reaches outside " + (perGroup ? "the group's own span of events." : "the data's coverage (\(span)).") + " Its counts are what the observed days hold.")
            }
            if rr.rows.contains(where: { !$0.covered }) {
                notes.append("n/a counts: the window lies wholly outside " + (perGroup ? "the group's own span of events." : "the data's coverage."))
            }
            if rr.rows.contains(where: \.rateWithheld) {
                notes.append("n/a rate: fewer than \(k) events with both cut and workforce in the window (--min-events \(k)), or none.")
            }
        }
        notes += data.qualityNotes
        let out = CommandOutput()
        out.format = output.format
        if chart {
            let events = rr.groups.indices.map { g in rr.rows(ofGroupAt: g).reduce(0) { $0 + $1.events } }
            let shown = Array(rr.groups.indices.sorted { a, b in
                events[a] != events[b] ? events[a] > events[b] : rr.groups[a] < rr.groups[b]
            }.prefix(6))
            let days = rr.days
            let series = shown.map { g in Chart.Series(name: rr.groups[g], values: rr.rows(ofGroupAt: g).map(\.rate)) }
            let c = Chart.lines(title: "Rolling \(windowText) layoff rate" + groups.titleSuffix,
                                subtitle: "Cuts as % of the workforce of the companies cutting" + (rr.groups.count > shown.count ? "; largest groups by events" : ""),
                                dates: days, series: series, yAxis: Chart.Axis(title: "Layoff rate", unit: "%", includeZero: true),
                                note: k > 1 ? "n/a where fewer than \(k) events in the window have both cut and workforce."
                                            : "n/a where no event in the window has both cut and workforce.")
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
