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
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Output format: table, markdown or json.") var format: OutputFormat = .table

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var lenient = input
        lenient.skipInvalid = true
        let data = try lenient.load(env, wantFundamentals: true)
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
                      .text(p.issue + "; expected " + p.expected)])
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
                for p in problems { out.write(env.scrubPaths(p.description) + "\n") }
            } else {
                out.write(render(t, as: .markdown))
            }
            out.write("\n" + summary.joined(separator: "\n") + "\n")
        }
        if !problems.isEmpty { out.exitCode = Exit.dataError }
        return out
    }
}
