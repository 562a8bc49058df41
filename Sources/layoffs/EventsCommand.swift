import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

/// `layoffs events`: list events, filtered.
struct EventsCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "List events (filtered by company, dates or group), with the workforce each one used.",
        discussion: """
        Examples:
          layoffs events --company Cisco --company Instacart
          layoffs events --from 2024-01-01 --to 2024-04-03 --format csv
          layoffs events --where industry=Retail
        """
    )
    @OptionGroup var input: InputOptions
    @OptionGroup var output: OutputOptions
    @Option(help: "Company name as written in the events file (repeatable).") var company: [String] = []
    @Option(help: "First date.") var from: String?
    @Option(help: "Last date.") var to: String?
    @Option(name: .customLong("where"), help: "COLUMN=VALUE filter on a group column (repeatable).") var filters: [String] = []

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        _ = try parseDay(from, option: "--from")
        _ = try parseDay(to, option: "--to")
        for f in filters where !f.contains("=") { throw ValidationError("--where expects COLUMN=VALUE; got '\(f)'") }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let data = try input.load(env)
        let e = data.events
        let lo = try parseDay(from, option: "--from"), hi = try parseDay(to, option: "--to")
        var conditions: [(TextColumn, String)] = []
        for f in filters {
            let parts = f.split(separator: "=", maxSplits: 1).map(String.init)
            guard let col = e.groupColumn(named: parts[0]) else {
                throw CLIError(message: "layoffs events: no column '\(parts[0])'; the columns are: \(e.groupColumnNames.joined(separator: ", "))", code: Exit.usage)
            }
            conditions.append((col, parts.count > 1 ? parts[1] : ""))
        }
        let wanted = Set(company)
        let rows = e.day.indices.filter { i in
            if let lo, e.day[i] < lo { return false }
            if let hi, e.day[i] > hi { return false }
            if !wanted.isEmpty && !wanted.contains(e.company[i] ?? "") { return false }
            return conditions.allSatisfy { $0.0[i] == $0.1 }
        }.sorted { (e.day[$0], e.company[$0] ?? "", e.line[$0]) < (e.day[$1], e.company[$1] ?? "", e.line[$1]) }
        // Several files: each event's file, and its line in it.
        let load = data.eventsLoad, several = load.files.count > 1
        let title = "Events" + (rows.count == e.count ? "" : " (\(rows.count) of \(e.count))")
        let fileColumn: [ReportTable.Column] = several ? [.init("File", key: "file")] : []
        func placeCells(_ i: Int) -> [ReportTable.Cell] {
            let place = load.place(ofLine: Int(e.line[i]))
            return (several ? [.text(env.scrubPaths(place.file))] : []) + [.integer(place.line)]
        }
        var t: ReportTable
        if load.layout == .warn {
            // Notices: the employer's site and the notice's kind; no workforce, fraction or
            // country to show.
            let extras = ["state", "location", "naics_sector", "layoff_type"].map { e.groupColumn(named: $0) }
            t = ReportTable(title: title,
                            columns: [.init("Date", key: "date"), .init("Employer", key: "company"), .init("Jobs", key: "cut"),
                                      .init("State", key: "state"), .init("Location", key: "location"),
                                      .init("Sector (NAICS)", key: "naics_sector"), .init("Type", key: "layoff_type")]
                                + fileColumn + [.init("Line", key: "line")])
            for i in rows {
                t.append([.text(e.day[i].description), .text(e.company[i]), .number(e.cut[i], .count)]
                         + extras.map { column -> ReportTable.Cell in .text(column?[i]) }
                         + placeCells(i))
            }
        } else {
            t = ReportTable(title: title,
                            columns: [.init("Date", key: "date"), .init("Company", key: "company"), .init("Cut", key: "cut"),
                                      .init("Fraction", key: "fraction"), .init("Workforce", key: "workforce"),
                                      .init("Workforce from", key: "workforce_source"), .init("Industry", key: "industry"),
                                      .init("Country", key: "country")] + fileColumn
                                + [.init("Line", key: "line"), .init("Source", key: "source")])
            for i in rows {
                let src: String
                switch data.workforce.source[i] {
                case .fundamentals: src = "fundamentals"
                case .implied: src = "cut ÷ fraction"
                case .unknown: src = ""
                }
                t.append([.text(e.day[i].description), .text(e.company[i]), .number(e.cut[i], .count),
                          .number(e.fraction[i], .percent(decimals: 1, alwaysSign: false)),
                          .number(data.workforce.values[i], .count), .text(src.isEmpty ? nil : src),
                          .text(e.industry[i]), .text(e.country[i])]
                         + placeCells(i) + [.text(e.source[i])])
            }
        }
        let out = CommandOutput()
        out.format = output.format
        out.write(render(t, as: output.format, color: env.color))
        return out
    }
}
