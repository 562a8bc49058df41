import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

struct SummaryCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "summary",
        abstract: "Coverage, totals, year to date against the previous year to date, largest events.",
        discussion: """
        --as-of D summarises the data as of D: events after D are left out (and counted in \
        a note), and the year to date runs from January 1 to D. A total whose events all \
        lack a count is empty (null, n/a), not 0; events_with_count gives each total's basis.

        Examples:
          layoffs summary
          layoffs summary --as-of 2024-04-03 --format json
          layoffs summary --data layoffs.csv --skip-invalid
          layoffs summary --data warn/*.csv --skip-invalid --format json

        WARN notices (the WARN Notice Register's export or Big Local News' layout, \
        recognised from the header) are dated by their notice date, else their effective \
        date (--date effective reverses it); amendments are left out (--amendments keep); \
        the notes count both, and JSON gives date_fallbacks, amendments_dropped and \
        export_date. The default as-of date of a register export is its export date (the \
        latest first_seen), not its latest effective date.
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(name: .customLong("as-of"), help: "Summarise the data as of this date: later events are left out; the year to date ends on it (default: the export date of WARN register files, else the last date in the data).") var asOf: String?
    @Option(help: "Number of largest events to list.") var top: Int = 10

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        _ = try parseDay(asOf, option: "--as-of")
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var data = try input.load(env, wantFundamentals: false, columns: analysisColumns.union(["industry"]))
        // WARN register files: as of their export date, not their latest (effective) date.
        let day = try parseDay(asOf, option: "--as-of") ?? data.eventsLoad.exportDate
        let s: LayoffSummary
        do {
            if let day { data = try data.through(day) }
            s = try LayoffSummary(events: data.events, asOf: day, top: top)
        } catch {
            throw CLIError(message: "layoffs summary: \(error)", code: Exit.dataError)
        }
        let out = CommandOutput()
        out.format = output.format
        let ytd = s.yearToDate?.rows.first
        let notes = data.qualityNotes
        switch output.format {
        case .json:
            out.write(json(s, data: data, notes: notes, env: env).serialized(indent: 2) + "\n")
        case .table, .markdown, .csv:
            let files = data.inputs.filter { $0.role == "events" }.map(\.displayName)
            let title = files.count > 1 ? "\(files[0]) and \(files.count - 1) more file\(files.count > 2 ? "s" : "")" : data.inputs[0].displayName
            var t = ReportTable(title: "Summary of \(title)",
                                columns: [.init("Measure", key: "measure"), .init("Value", key: "value")])
            t.append([.text("rows"), .integer(s.rows)])
            t.append([.text("events with a count"), .integer(s.eventsWithCount)])
            t.append([.text("total cut"), countCell(s.totalCut)])
            t.append([.text("companies"), .integer(s.companies)])
            t.append([.text("first date"), .text(s.coverage?.first.description)])
            t.append([.text("last date"), .text(s.coverage?.last.description)])
            if let y = ytd {
                let star = output.format == .csv ? "" : "*"
                t.append([.text("YTD \(y.start)..\(y.end)\(y.currentPartial ? star : ""): events"), .integer(y.current?.events)])
                t.append([.text("YTD: events with a count"), .integer(y.current?.eventsWithCount)])
                t.append([.text("YTD: companies"), .integer(y.current?.companies)])
                t.append([.text("YTD: cut"), countCell(y.current?.knownCut)])
                t.append([.text("previous YTD \(y.previousStart)..\(y.previousEnd)\(y.previousPartial ? star : ""): events"), .integer(y.previous?.events)])
                t.append([.text("previous YTD: events with a count"), .integer(y.previous?.eventsWithCount)])
                t.append([.text("previous YTD: companies"), .integer(y.previous?.companies)])
                t.append([.text("previous YTD: cut"), countCell(y.previous?.knownCut)])
                t.append([.text("YTD change in cut"), countCell(y.change)])
                t.append([.text("YTD % change in cut"), pctCell(y.pctChange)])
                if output.format == .csv {
                    t.append([.text("YTD: partial"), .flag(y.currentPartial)])
                    t.append([.text("previous YTD: partial"), .flag(y.previousPartial)])
                } else if y.currentPartial || y.previousPartial {
                    t.notes.append("* the span is only partly inside the data's coverage (\(s.coverage.map { "\($0.first)..\($0.last)" } ?? "")).")
                }
            }
            if output.format == .csv {
                out.write(render(t, as: .csv))
                out.diagnostics = output.quiet ? [] : notes
                return out
            }
            t.notes += notes
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

    /// The summary as JSON: totals, the year to date, the largest events (with their file
    /// when several were read), the WARN counts (null for other layouts) and the notes.
    func json(_ s: LayoffSummary, data: LayoffDataset, notes: [String], env: ExecutionEnvironment) -> JSONValue {
        let ytd = s.yearToDate?.rows.first
        var obj: [(key: String, value: JSONValue)] = [
            ("rows", .int(s.rows)), ("events_with_count", .int(s.eventsWithCount)),
            ("cut_total", .number(s.totalCut)), ("companies", .int(s.companies)),
            ("first_date", .string(s.coverage?.first.description)), ("last_date", .string(s.coverage?.last.description)),
        ]
        if let y = ytd {
            obj.append(("ytd", .object([
                ("as_of", .string(y.end.description)), ("start", .string(y.start.description)),
                ("events", .int(y.current?.events)), ("events_with_count", .int(y.current?.eventsWithCount)),
                ("companies", .int(y.current?.companies)),
                ("cut", .number(y.current?.knownCut)), ("events_without_count", .int(y.current?.eventsWithoutCount)),
                ("partial", .bool(y.currentPartial)),
                ("prev_start", .string(y.previousStart.description)), ("prev_end", .string(y.previousEnd.description)),
                ("prev_events", .int(y.previous?.events)), ("prev_events_with_count", .int(y.previous?.eventsWithCount)),
                ("prev_companies", .int(y.previous?.companies)),
                ("prev_cut", .number(y.previous?.knownCut)), ("prev_events_without_count", .int(y.previous?.eventsWithoutCount)),
                ("prev_partial", .bool(y.previousPartial)),
                ("change", .number(y.change)), ("pct_change", .number(y.pctChange)),
            ])))
        } else { obj.append(("ytd", .null)) }
        let load = data.eventsLoad
        obj.append(("largest", .array(s.largest.map { e in
            let place = load.place(ofLine: Int(e.line))
            return .object([("company", .string(e.company)), ("date", .string(e.day.description)), ("cut", .number(e.cut)),
                            ("fraction", .number(e.fraction)), ("industry", .string(e.industry))]
                           + (load.files.count > 1 ? [("file", .string(env.scrubPaths(place.file)))] : []) + [("line", .int(place.line))])
        })))
        let e = data.eventsLoad
        obj.append(("date_fallbacks", e.layout == .warn ? .int(e.dateFallbacks) : .null))
        obj.append(("amendments_dropped", e.layout == .warn ? .int(e.amendmentsDropped) : .null))
        obj.append(("export_date", .string(e.exportDate?.description)))
        obj.append(("notes", .array(notes.map { .string($0) })))
        return JSONValue.object(obj)
    }
}
