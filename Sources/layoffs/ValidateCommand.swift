import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

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
          layoffs validate --data warn/*.csv

        WARN notices (recognised from the header, or --layout warn) also get: notice dates \
        after the day the notice was first seen (first_seen) listed as problems; the count of \
        notices dated by their other date and of amendments left out; exact duplicates by \
        dedupe_key; and possible duplicates (the same employer and location within 30 days), \
        listed for a person to check and never merged.
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Output format: table, markdown or json.") var format: OutputFormat = .table

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var lenient = input
        lenient.skipInvalid = true
        let data = try lenient.load(env, wantFundamentals: true, columns: analysisColumns.union(["location", "state"]))
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
        let e = data.eventsLoad
        summary.append("\(dups.count) exact duplicate event(s)" + (e.duplicateKey.map { " (same \($0))" } ?? "")
                       + (dups.isEmpty ? "" : ": " + dups.prefix(10).map { "\(e.describe(line: $0.line)) repeats \(e.describe(line: $0.firstLine))" }.joined(separator: "; ")))
        // WARN notices: the traps the load handled, and the pairs a person should look at.
        let possible = e.layout == .warn ? data.events.possibleDuplicates() : []
        if e.layout == .warn {
            if let d = e.dateColumns { summary.append("\(e.dateFallbacks) event(s) dated by \(d.fallback) (\(d.chosen) empty)") }
            summary.append("\(e.amendmentsDropped) amended notice(s) left out" + (input.amendments == .keep ? " (--amendments keep)" : ""))
            if let x = e.exportDate { summary.append("export date (latest first_seen): \(x)") }
            summary.append("\(possible.count) possible duplicate notice(s) (same employer and location within 30 days; listed, not merged)"
                           + (possible.isEmpty ? "" : ": " + possible.prefix(10).map {
                               "\(e.describe(line: $0.line)) and \(e.describe(line: $0.firstLine)) (\($0.company), \($0.location), \($0.days) days)"
                           }.joined(separator: "; ") + (possible.count > 10 ? "; ..." : "")))
        }
        if let j = data.join {
            // The companies with the most such events by name, the rest counted (a file of
            // many companies without fundamentals would otherwise print all of them on one line).
            let shown = j.unmatchedCompanies(top: 20), rest = j.unmatchedCompanyCount - shown.count
            summary.append("\(j.unmatchedCount) event(s) without fundamentals for their fiscal year"
                           + (shown.isEmpty ? "" : ": " + shown.map { "\($0.company) (\($0.events))" }.joined(separator: ", "))
                           + (rest > 0 ? "; and \(rest) more companies with \(j.unmatchedEventCount - shown.reduce(0) { $0 + $1.events }) events" : ""))
        }
        switch format {
        case .json:
            out.write(JSONValue.object([
                ("problems", t.jsonRows()), ("summary", .array(summary.map { .string($0) })),
                ("duplicates", .array(dups.map { d in
                    let (a, b) = (e.place(ofLine: d.line), e.place(ofLine: d.firstLine))
                    return .object([("file", .string(env.scrubPaths(a.file))), ("line", .int(a.line)),
                                    ("first_file", .string(env.scrubPaths(b.file))), ("first_line", .int(b.line))])
                })),
                ("possible_duplicates", .array(possible.map { d in
                    let (a, b) = (e.place(ofLine: d.line), e.place(ofLine: d.firstLine))
                    return .object([("file", .string(env.scrubPaths(a.file))), ("line", .int(a.line)),
                                    ("first_file", .string(env.scrubPaths(b.file))), ("first_line", .int(b.line)),
                                    ("company", .string(d.company)), ("location", .string(d.location)), ("days", .int(d.days))])
                })),
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
