import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

struct MatchCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Share of a tracker's US layoff events with a WARN notice from the same employer nearby, by year.",
        discussion: """
        An event of --data (the layoffs.fyi export by default) matches when a WARN notice of \
        --warn has the same employer, by the name normaliser and aliases of the fundamentals \
        join (the notice's canonical_name or its employer_name as filed), dated within \
        --window days before or after the event. Only events whose country is --country are \
        considered. Trackers name companies, notices name sites and subsidiaries: a missing \
        match is not proof of a missing notice (--aliases adds name pairs).

        Examples:
          layoffs match --data layoffs-fyi.csv --warn warn/*.csv
          layoffs match --data layoffs-fyi.csv --warn warn/*.csv --window 90 --list unmatched --format csv
        """
    )
    @OptionGroup var input: InputOptions
    @Option(parsing: .upToNextOption, help: ArgumentHelp("WARN notice files (one or more, the same header).", valueName: "file"))
    var warn: [String] = []
    @Option(help: "Days before or after an event within which a notice matches.") var window: Int = 60
    @Option(help: "Country whose events are considered.") var country: String = "United States"
    @Option(help: ArgumentHelp("Events to list: matched, unmatched, both or none.", valueName: "which")) var list: Listing = .both
    @Option(help: "Events listed in each list, largest first (0: all).") var top: Int = 20
    @OptionGroup var output: OutputOptions

    enum Listing: String, ExpressibleByArgument, CaseIterable { case matched, unmatched, both, none }

    var outPath: String? { output.out }
    var isQuiet: Bool { output.quiet }

    func validate() throws {
        guard !warn.isEmpty else { throw ValidationError("--warn needs one or more WARN notice files") }
        guard window >= 0 && window <= 3650 else { throw ValidationError("--window must be between 0 and 3650 days") }
        guard top >= 0 else { throw ValidationError("--top must be 0 or more") }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let data = try input.load(env, wantFundamentals: false, columns: analysisColumns.union(["country"]))
        let notices: EventLoadResult
        do {
            notices = try EventLoader.load(paths: warn, options: EventLoadOptions(skipInvalid: input.skipInvalid, columns: ["employer_name", "state"],
                                                                                   layout: .warn, date: input.date, amendments: input.amendments),
                                           threads: defaultThreadCount())
        } catch {
            throw CLIError(message: "layoffs: " + env.scrubPaths(input.message(for: error)), code: error.category.exitCode)
        }
        let m = SourceMatch(events: data.events, notices: notices.events, names: data.companyNames, window: window, country: country)
        let out = CommandOutput()
        out.format = output.format
        var byYear = ReportTable(title: "Events with a WARN notice from the same employer within ±\(window) days",
                                 columns: [.init("Year", key: "year"), .init("Events", key: "events"), .init("Matched", key: "matched"),
                                           .init("Share", key: "share")])
        for y in m.years {
            byYear.append([.text(String(y.year)), .integer(y.events), .integer(y.matched), .number(y.share, .percent(decimals: 1, alwaysSign: false))])
        }
        let total = m.considered.count, matched = m.matched.count
        byYear.append([.text("all"), .integer(total), .integer(matched), .number(total == 0 ? nil : Double(matched) / Double(total), .percent(decimals: 1, alwaysSign: false))])
        byYear.notes = ["\(total) events in \(country) considered" + (m.otherCountries > 0 ? "; \(m.otherCountries) in other countries left out" : "")
                        + "; \(notices.events.count) WARN notices from \(warn.count) file\(warn.count == 1 ? "" : "s")"
                        + (notices.amendmentsDropped > 0 ? " (\(notices.amendmentsDropped) amendments left out)" : "") + "."]
        if notices.excludedCount > 0 {
            byYear.notes.append("\(notices.excludedCount) WARN rows left out (--skip-invalid): "
                                + notices.excludedByReason.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ") + ".")
        }
        let state = notices.events.groupColumn(named: "state")
        func rows(_ events: [SourceMatch.Event]) -> [SourceMatch.Event] {
            let sorted = events.sorted { ($0.cut ?? -1, $1.day, $1.row) > ($1.cut ?? -1, $0.day, $0.row) }
            return top == 0 ? sorted : Array(sorted.prefix(top))
        }
        func table(_ title: String, _ events: [SourceMatch.Event], withNotice: Bool) -> ReportTable {
            var t = ReportTable(title: title, columns: [.init("Company", key: "company"), .init("Date", key: "date"), .init("Cut", key: "cut")]
                                + (withNotice ? [.init("Notice employer", key: "notice_company"), .init("Notice date", key: "notice_date"),
                                                 .init("State", key: "state"), .init("Days", key: "days")] : []))
            for e in rows(events) {
                var cells: [ReportTable.Cell] = [.text(e.company), .text(e.day.description), countCell(e.cut)]
                if withNotice, let n = e.notice {
                    cells += [.text(notices.events.company[n]), .text(notices.events.day[n].description), .text(state?[n]), .integer(e.days)]
                }
                t.append(cells)
            }
            return t
        }
        var tables = [byYear]
        if list == .matched || list == .both { tables.append(table("Matched events", m.matched, withNotice: true)) }
        if list == .unmatched || list == .both { tables.append(table("Unmatched events", m.unmatched, withNotice: false)) }
        switch output.format {
        case .json:
            out.write(JSONValue.object([("by_year", byYear.jsonRows())] + tables.dropFirst().map { t in
                (t.title == "Matched events" ? "matched" : "unmatched", t.jsonRows())
            } + [("notes", .array(byYear.notes.map { .string($0) }))]).serialized(indent: 2) + "\n")
        case .csv:
            // One table per run in CSV: the list asked for, else the years.
            out.write(render(list == .matched || list == .unmatched ? tables[1] : byYear, as: .csv))
            out.diagnostics = output.quiet ? [] : byYear.notes
        case .table, .markdown:
            out.write(tables.map { render($0, as: output.format, color: env.color) }.joined(separator: "\n"))
        }
        return out
    }
}
