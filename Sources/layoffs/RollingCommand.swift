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
        let data = try input.load(env)
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
