import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

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
        let data = try input.load(env, wantFundamentals: false)
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
