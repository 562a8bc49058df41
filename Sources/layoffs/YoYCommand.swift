import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

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
        let data = try input.load(env, wantFundamentals: false)
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
