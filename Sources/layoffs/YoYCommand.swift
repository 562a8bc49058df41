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
        with no events inside the data's coverage is a zero; outside it, missing. A period \
        whose events all lack a count has no cut (empty, null, n/a), not 0, and no change. \
        A zero base gives n/a. --ytd compares Jan 1..D with Jan 1..(same month-day) a year \
        earlier. CSV and JSON carry events_with_count (the basis of each cut) and the \
        partial flags that the table marks with *.

        --as-of D (or --to D) uses the data as of D: later events are left out and D's \
        period is partial unless D ends it. --from D lists the periods from the one \
        containing D (each still against the year before).

        Examples:
          layoffs yoy --period month
          layoffs yoy --period quarter --by industry --format csv
          layoffs yoy --period year --by state --coverage per-group --from 2020-01-01
          layoffs yoy --ytd --as-of 2024-04-03 --by industry
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Period: month, quarter or year.") var period: PeriodOption = .month
    @OptionGroup var groups: GroupOptions
    @Flag(help: "Year to date instead of periods.") var ytd = false
    @Option(name: .customLong("as-of"), help: "Use the data as of this date: later events are left out; with --ytd, the year-to-date date (default: the export date of WARN register files, else the last date in the data).") var asOf: String?
    @Option(help: "List the periods from the one containing this date (not with --ytd).") var from: String?
    @Option(help: "Last date of the data used, as --as-of (not with --ytd).") var to: String?
    @Flag(help: "Also draw monthly-cuts.svg: monthly cuts with the same month a year earlier (--period month, no --by).") var chart = false

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        if chart && (period != .month || !groups.by.isEmpty || ytd) { throw ValidationError("--chart draws monthly totals: use it with --period month and without --by or --ytd") }
        let (f, t, a) = (try parseDay(from, option: "--from"), try parseDay(to, option: "--to"), try parseDay(asOf, option: "--as-of"))
        if ytd && (f != nil || t != nil) { throw ValidationError("--from/--to choose periods; with --ytd the span is Jan 1 to --as-of") }
        if t != nil && a != nil { throw ValidationError("--to and --as-of both set the last date of the data; give one") }
        if let f, let last = t ?? a, f > last { throw ValidationError("--from \(f) is after the last date \(last)") }
    }

    enum PeriodOption: String, ExpressibleByArgument, CaseIterable { case month, quarter, year }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var data = try input.load(env, wantFundamentals: false, columns: analysisColumns.union(groups.by))
        let cutoff = try parseDay(to, option: "--to") ?? parseDay(asOf, option: "--as-of")
        if let cutoff {
            do { data = try data.through(cutoff) } catch { throw CLIError(message: "layoffs yoy: \(error)", code: Exit.dataError) }
        }
        let grouping = groups.grouping(for: data.eventsLoad.layout)
        let out = CommandOutput()
        out.format = output.format
        let machine = output.format == .csv || output.format == .json
        var t: ReportTable
        var spanNote: String?
        do {
            if ytd {
                guard let asOfDay = cutoff ?? data.eventsLoad.exportDate ?? data.events.day.max() else {
                    throw CLIError(message: "layoffs yoy: no events", code: Exit.dataError)
                }
                let y = try YearToDate(events: data.events, asOf: asOfDay, grouping: grouping)
                t = ytdTable(y, asOf: asOfDay, machine: machine)
                spanNote = spanNoteText(y.rows.map(\.group), y.groupSpans, y.coverage, grouping)
            } else {
                let unit: PeriodUnit = period == .month ? .month : period == .quarter ? .quarter : .year
                let y = try YearOverYear(events: data.events, unit: unit, grouping: grouping)
                let first = try parseDay(from, option: "--from").map { CalendarPeriod(unit, containing: $0) }
                let rows = y.rows.filter { r in first.map { r.period >= $0 } ?? true }
                t = periodTable(y, rows: rows, machine: machine)
                spanNote = spanNoteText(y.groups, y.groupSpans, y.coverage, grouping)
                if chart {
                    let c = Chart.monthlyBars(title: "Announced job cuts by month", subtitle: "Events with a reported count; line: the same month a year earlier",
                                              months: rows.map { $0.period.start }, values: rows.map(\.cut),
                                              previousYear: rows.map(\.previousCut), valueName: "Cuts",
                                              previousName: "Same month a year earlier", yTitle: "Jobs cut")
                    out.figures.append(("monthly-cuts.svg", Array(c.svg().utf8), "Monthly job cuts"))
                }
            }
        } catch let e as CLIError { throw e } catch {
            throw CLIError(message: "layoffs yoy: \(error)", code: Exit.dataError)
        }
        let notes = (spanNote.map { [$0] } ?? []) + data.qualityNotes
        if output.format == .csv {
            if !output.quiet { out.diagnostics = notes }
        } else {
            t.notes += notes
        }
        out.write(render(t, as: output.format, color: env.color))
        return out
    }

    /// The note on groups that stop or start long inside a shared coverage.
    func spanNoteText(_ groups: [String], _ spans: [Coverage?], _ coverage: Coverage?, _ grouping: Grouping) -> String? {
        guard !grouping.columns.isEmpty, grouping.coverage == .shared else { return nil }
        return GroupSpanNote.text(groups: groups, spans: spans, coverage: coverage)
    }

    func periodTable(_ y: YearOverYear, rows: [YearOverYearRow], machine: Bool) -> ReportTable {
        var cols: [ReportTable.Column] = [.init("Period", key: "period")] + groups.columns(machine: machine)
        cols += [.init("Events", key: "events"), .init("With count", key: "events_with_count"),
                 .init("Companies", key: "companies"), .init("Cut", key: "cut"), .init("Prev period", key: "prev_period"),
                 .init("Prev events", key: "prev_events"), .init("Prev with count", key: "prev_events_with_count"),
                 .init("Prev cut", key: "prev_cut"), .init("Change", key: "change"), .init("% change", key: "pct_change")]
        if machine { cols += [.init("Partial", key: "partial"), .init("Prev partial", key: "prev_partial")] }
        var t = ReportTable(title: "Year over year by \(period.rawValue)" + (groups.by.isEmpty ? "" : " and " + groups.by.joined(separator: " and ")),
                            columns: cols)
        let valuesOf = Dictionary(zip(y.groups, y.groupValues), uniquingKeysWith: { a, _ in a })
        for r in rows {
            var row: [ReportTable.Cell] = [.text(r.label + (r.partial && !machine ? "*" : ""))]
            row += groups.cells(r.group, valuesOf[r.group] ?? [], machine: machine)
            row += [.integer(r.events), .integer(r.eventsWithCount), .integer(r.companies), countCell(r.cut),
                    .text(r.previousLabel + (r.previousPartial && r.previous != nil && !machine ? "*" : "")),
                    .integer(r.previous?.events), .integer(r.previous?.eventsWithCount), countCell(r.previousCut),
                    countCell(r.change), pctCell(r.pctChange)]
            if machine { row += [.flag(r.partial), .flag(r.previousPartial)] }
            t.append(row)
        }
        if !machine {
            let perGroup = y.grouping.coverage == .perGroup
            if rows.contains(where: { $0.partial || ($0.previousPartial && $0.previous != nil) }) {
                let span = y.coverage.map { "\($0.first)..\($0.last)" } ?? ""
                t.notes.append("* the period is only partly inside " + (perGroup ? "the group's own span of events." : "the data's coverage (\(span))."))
            }
            if rows.contains(where: { $0.totals == nil || $0.cut == nil || ($0.previous != nil && $0.previousCut == nil) }) {
                t.notes.append("n/a cut: " + (perGroup ? "outside the group's own span of events, or " : "") + "no event of the period has a reported count (unknown, not 0).")
            }
            if let note = UncountedNote.text(rows) { t.notes.append(note) }
        }
        return t
    }

    func ytdTable(_ y: YearToDate, asOf: Day, machine: Bool) -> ReportTable {
        var cols: [ReportTable.Column] = [.init("As of", key: "as_of")] + groups.columns(machine: machine)
        cols += [.init("Events", key: "events"), .init("With count", key: "events_with_count"),
                 .init("No count", key: "events_without_count"), .init("Companies", key: "companies"), .init("Cut", key: "cut"),
                 .init("Prev start", key: "prev_start"), .init("Prev end", key: "prev_end"),
                 .init("Prev events", key: "prev_events"), .init("Prev with count", key: "prev_events_with_count"),
                 .init("Prev companies", key: "prev_companies"), .init("Prev cut", key: "prev_cut"),
                 .init("Change", key: "change"), .init("% change", key: "pct_change")]
        if machine { cols += [.init("Partial", key: "partial"), .init("Prev partial", key: "prev_partial")] }
        var t = ReportTable(title: "Year to date as of \(asOf)" + groups.titleSuffix, columns: cols)
        for (r, values) in zip(y.rows, y.groupValues) {
            var row: [ReportTable.Cell] = [.text(r.end.description + (r.currentPartial && r.current != nil && !machine ? "*" : ""))]
            row += groups.cells(r.group, values, machine: machine)
            row += [.integer(r.current?.events), .integer(r.current?.eventsWithCount), .integer(r.current?.eventsWithoutCount),
                    .integer(r.current?.companies), countCell(r.current?.knownCut),
                    .text(r.previousStart.description + (r.previousPartial && r.previous != nil && !machine ? "*" : "")),
                    .text(r.previousEnd.description), .integer(r.previous?.events), .integer(r.previous?.eventsWithCount),
                    .integer(r.previous?.companies), countCell(r.previous?.knownCut), countCell(r.change), pctCell(r.pctChange)]
            if machine { row += [.flag(r.currentPartial), .flag(r.previousPartial)] }
            t.append(row)
        }
        if !machine {
            let perGroup = y.grouping.coverage == .perGroup
            if y.rows.contains(where: { ($0.currentPartial && $0.current != nil) || ($0.previousPartial && $0.previous != nil) }) {
                t.notes.append("* the span is only partly inside " + (perGroup ? "the group's own span of events." : "the data's coverage."))
            }
            if y.rows.contains(where: { $0.current?.knownCut == nil || $0.previous?.knownCut == nil }) {
                t.notes.append("n/a: outside " + (perGroup ? "the group's own span of events" : "the data's coverage") + ", or no event of the span has a reported count (unknown, not 0).")
            }
            if let note = UncountedNote.text(y.rows, current: "year to date") { t.notes.append(note) }
        }
        return t
    }
}
