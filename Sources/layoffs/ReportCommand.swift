import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

/// `layoffs report`: the full markdown report with SVG charts.
struct ReportCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write the full markdown report with SVG charts.",
        discussion: """
        With no arguments it uses the embedded datasets and writes layoffs-report.md and \
        its figures in layoffs-report-figures/. With --out, the markdown goes there and the \
        figures into a folder beside it (NAME-figures/), linked by relative paths.

        Examples:
          layoffs report
          layoffs report --as-of 2024-04-03 --out reports/april.md
          layoffs report --data events.csv --fundamentals fundamentals.csv --by country
        """
    )
    @OptionGroup var input: InputOptions
    @Option(name: .customLong("as-of"), help: "Headline and year-to-date date (default: the export date of WARN register files, else the last date in the data).") var asOf: String?
    @Option(help: "Group column for rolling rates and year over year (default: state for WARN notices, industry otherwise).") var by: String?
    @Option(help: ArgumentHelp("Whether each --by group is observed over the whole data's span (shared) or its own first to last event (per-group: spans outside it are n/a, not 0). Default: per-group for WARN notices by state, shared otherwise.", valueName: "shared|per-group")) var coverage: GroupCoverage?
    @Option(help: "Rolling window: Nd or Nm.") var window: String = "90d"
    @Option(name: .customLong("min-events"), help: ArgumentHelp("Fewest events with both cut and workforce a rolling window needs for a rate (default \(ReportOptions.defaultMinimumRateEvents)); windows with fewer are n/a and listed.", valueName: "k")) var minEvents: Int = ReportOptions.defaultMinimumRateEvents
    @Option(help: "Cut-size model formula.") var formula: String = RegressionSettings().formula
    @Option(name: .customLong("count-model"), help: ArgumentHelp("Whether to fit the count model (negative binomial with the workforce as exposure): auto fits it on up to \(RegressionSettings.defaultCountModelRowLimit) rows, on always, off never.", valueName: "auto|on|off")) var countModel: CountModelOption = .auto
    @Option(help: ArgumentHelp("Markdown output file.", valueName: "file")) var out: String = "layoffs-report.md"
    @Flag(help: "No summary on standard error.") var quiet = false

    var outPath: String? { out }
    var isQuiet: Bool { quiet }

    func validate() throws {
        guard out.hasSuffix(".md") else { throw ValidationError("--out must name a .md file") }
        _ = try parseDay(asOf, option: "--as-of")
        do { _ = try TrailingWindow(parsing: window) } catch { throw ValidationError("--window: \(error)") }
        guard minEvents >= 1 else { throw ValidationError("--min-events must be 1 or more") }
    }

    /// The command as it would be typed, with paths shown as in outputs.
    func commandLine(_ env: ExecutionEnvironment) -> String {
        var parts = ["layoffs", "report"]
        func add(_ name: String, _ value: String?, path: Bool = false) {
            guard let value else { return }
            parts += [name, shellQuote(path ? env.displayName(value) : value)]
        }
        if !input.data.isEmpty { parts += ["--data"] + input.data.map { shellQuote(env.displayName($0)) } }
        if input.layout != .automatic { add("--layout", input.layout.rawValue) }
        if input.date != .notice { add("--date", input.date.rawValue) }
        if input.amendments != .drop { add("--amendments", input.amendments.rawValue) }
        add("--fundamentals", input.fundamentals, path: true)
        add("--aliases", input.aliases, path: true)
        add("--map", input.map)
        add("--map-fundamentals", input.mapFundamentals)
        add("--fundamentals-year", input.fundamentalsYear.map(String.init))
        if input.percentScale != 1 { add("--percent-scale", "100") }
        if input.skipInvalid { parts.append("--skip-invalid") }
        if input.dedupe { parts.append("--dedupe") }
        if input.lag != 0 { add("--lag", String(input.lag)) }
        add("--as-of", asOf)
        add("--by", by)
        if let coverage { add("--coverage", coverage.rawValue) }
        if window != "90d" { add("--window", window) }
        if minEvents != ReportOptions.defaultMinimumRateEvents { add("--min-events", String(minEvents)) }
        if formula != RegressionSettings().formula { add("--formula", formula) }
        if countModel != .auto { add("--count-model", countModel.rawValue) }
        add("--out", out, path: true)
        return parts.joined(separator: " ")
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        var options = ReportOptions()
        options.threads = defaultThreadCount()
        if options.threads > 1 {
            // Hash the input files for provenance while they are parsed.
            options.digests = PendingDigests(paths: input.data + [input.fundamentals, input.aliases].compactMap { $0 })
        }
        options.asOf = try parseDay(asOf, option: "--as-of")
        options.window = try TrailingWindow(parsing: window)
        options.minimumRateEvents = minEvents
        var settings = RegressionSettings()
        settings.formula = formula
        switch countModel {
        case .auto: settings.countModelRowLimit = RegressionSettings.defaultCountModelRowLimit
        case .on: settings.countModelRowLimit = nil
        case .off: settings.countModelRowLimit = 0
        }
        options.regression = settings
        // WARN notices: the columns of the state, sector and employer tables and of the
        // possible duplicates (names a file does not have are ignored).
        let data = try input.load(env, columns: options.eventColumns.union(["location", "state", "naics_sector", by ?? "industry"]))
        let by = self.by ?? (data.eventsLoad.layout == .warn ? "state" : "industry")
        options.groupBy = by
        if options.asOf == nil { options.asOf = data.eventsLoad.exportDate }
        options.groupCoverage = coverage ?? .default(for: data.eventsLoad.layout, by: [by])
        options.command = commandLine(env)
        options.toolVersion = LayoffsCommand.configuration.version
        guard data.events.groupColumn(named: by) != nil else {
            throw CLIError(message: "layoffs report: no column '\(by)' to group by; the columns are: \(data.events.groupColumnNames.joined(separator: ", "))", code: Exit.usage)
        }
        // Figures go in a folder beside the markdown: NAME-figures/.
        let base = out.hasSuffix(".md") ? String(out.dropLast(3)) : out
        let figuresDir = base + "-figures"
        let figuresLink = figuresDir.split(separator: "/").last.map(String.init) ?? figuresDir
        options.figuresLink = figuresLink
        let doc: ReportDocument
        do { doc = try ReportBuilder.build(data: data, options: options) } catch {
            throw CLIError(message: "layoffs report: \(error)", code: Exit.dataError)
        }
        let output = CommandOutput()
        output.format = .markdown
        output.write(doc.markdown)
        if env.notebook == nil { try makeDirectory(figuresDir) }
        for f in doc.figures { output.files.append((figuresDir + "/" + f.name, Array(f.svg.utf8))) }
        if !quiet && env.notebook == nil {
            output.diagnostics.append(doc.terminalSummary + "Wrote \(out) and \(doc.figures.count) figures in \(figuresDir)/")
        }
        return output
    }
}

/// Quotes a word for a POSIX shell when it needs it.
func shellQuote(_ s: String) -> String {
    let safe = s.utf8.allSatisfy { c in
        (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || "-_./=:,+@%".utf8.contains(c)
    }
    return safe && !s.isEmpty ? s : "'" + s.replacingAll("'", with: "'\\''") + "'"
}

/// `--count-model`: when the report fits its count model.
enum CountModelOption: String, ExpressibleByArgument, CaseIterable { case auto, on, off }
