import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport
#if canImport(Glibc)
import Glibc
#endif

/// Input options shared by the analysis commands.
struct InputOptions: ParsableArguments {
    @Option(parsing: .upToNextOption, help: ArgumentHelp("Events CSV file(s): the layoffs.fyi export or WARN notices (the WARN Notice Register's export or Big Local News' layout), recognised from the header; several files with the same header are read as one (--data warn/*.csv, or --data a.csv --data b.csv). Default: the embedded Datasets/tech-layoffs.csv (with --layout warn, the embedded Datasets/warn-notices.csv: WARN notices of 40 states since 2018).", valueName: "file"))
    var data: [String] = []

    @Option(help: ArgumentHelp("Layout of the events files: warn or layoffs-fyi (default: recognised from the header).", valueName: "warn|layoffs-fyi"))
    var layout: EventFileLayout = .automatic

    @Option(help: ArgumentHelp("WARN notices: the date that dates each notice, notice or effective; the other stands in where it is empty (counted in the notes).", valueName: "notice|effective"))
    var date: NoticeDateChoice = .notice

    @Option(help: ArgumentHelp("WARN notices: drop (default; counted in the notes) or keep the notices that amend an earlier notice (is_amendment = 1).", valueName: "drop|keep"))
    var amendments: AmendmentPolicy = .drop

    @Option(help: ArgumentHelp("Company fundamentals CSV: company,fiscal_year,employees,revenue,revenue_growth (default: the embedded Datasets/company-fundamentals.csv when --data is not given).", valueName: "file"))
    var fundamentals: String?

    @Option(help: ArgumentHelp("Extra company-name aliases, a CSV with columns alias,company.", valueName: "file"))
    var aliases: String?

    @Option(help: ArgumentHelp("Column mapping for an events file in another layout: canonical=header pairs, comma-separated (e.g. company=employer_name,date=notice_date,total_laid_off=jobs). Headers match whatever their case, spaces and separators.", valueName: "pairs"))
    var map: String?

    @Option(name: .customLong("map-fundamentals"), help: ArgumentHelp("Column mapping for a fundamentals file in another layout: canonical=header pairs for company, fiscal_year, employees, revenue, revenue_growth (e.g. employees=Number_of_employees,revenue=Revenues_M).", valueName: "pairs"))
    var mapFundamentals: String?

    @Option(name: .customLong("fundamentals-year"), help: ArgumentHelp("Fiscal year of every fundamentals row, for a file without a fiscal_year column (a yearly list such as the Fortune 1000).", valueName: "year"))
    var fundamentalsYear: Int?

    @Option(name: .customLong("percent-scale"), help: "1 if percentage_laid_off holds fractions (0–1), 100 if it holds percents.")
    var percentScale: Double = 1

    @Flag(name: .customLong("skip-invalid"), help: "Leave out rows with problems (and say how many and why) instead of refusing the file.")
    var skipInvalid = false

    @Flag(help: "Drop exact duplicate events (they are reported either way).")
    var dedupe = false

    @Option(help: "Join fundamentals of fiscal year (event year − lag).")
    var lag: Int = 0

    /// The options set away from their defaults, as typed (for commands that read no events).
    var given: [String] {
        [data.isEmpty ? nil : "--data", layout != .automatic ? "--layout" : nil, date != .notice ? "--date" : nil,
         amendments != .drop ? "--amendments" : nil, fundamentals.map { _ in "--fundamentals" }, aliases.map { _ in "--aliases" },
         map.map { _ in "--map" }, percentScale != 1 ? "--percent-scale" : nil, skipInvalid ? "--skip-invalid" : nil,
         dedupe ? "--dedupe" : nil, lag != 0 ? "--lag" : nil].compactMap { $0 }
    }

    func validate() throws {
        guard percentScale == 1 || percentScale == 100 else {
            throw ValidationError("--percent-scale must be 1 (fractions) or 100 (percents), not \(NumberFormat.shortest(percentScale) ?? "\(percentScale)")")
        }
        guard lag >= 0 && lag <= 10 else { throw ValidationError("--lag must be between 0 and 10") }
        if let y = fundamentalsYear, !(1800...2200).contains(y) { throw ValidationError("--fundamentals-year must be a year between 1800 and 2200") }
        _ = try parsedMapping()
        _ = try parsedFundamentalsMapping()
    }

    /// `--map` as canonical → header.
    func parsedMapping() throws -> [String: String] {
        try Self.mapping(map, option: "--map", canonical: EventLoader.canonicalColumns)
    }

    /// `--map-fundamentals` as canonical → header.
    func parsedFundamentalsMapping() throws -> [String: String] {
        try Self.mapping(mapFundamentals, option: "--map-fundamentals", canonical: FundamentalsLoader.canonicalColumns)
    }

    /// `text` (canonical=header pairs separated by commas) as canonical → header.
    static func mapping(_ text: String?, option: String, canonical: [String]) throws -> [String: String] {
        guard let text, !text.isEmpty else { return [:] }
        var out: [String: String] = [:]
        for pair in text.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).trimmingSpaces }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty else {
                throw ValidationError("\(option) expects canonical=header pairs separated by commas; got '\(pair)'")
            }
            guard canonical.contains(parts[0]) else {
                throw ValidationError("\(option): '\(parts[0])' is not a known column; the known columns are: \(canonical.joined(separator: ", "))")
            }
            out[parts[0]] = parts[1]
        }
        return out
    }

    /// Loads the dataset, turning ingest failures into CLI errors with sysexits codes.
    ///
    /// A `--fundamentals` file is always read through the fundamentals loader (a file it
    /// cannot read is refused, whichever command was given it); `wantFundamentals` says
    /// whether the embedded fundamentals are used when neither `--data` nor
    /// `--fundamentals` is given. `columns`: the events' columns the command uses (`nil`:
    /// all); the others are checked, not kept. A column named by `--where`-like options
    /// must be listed by the command itself.
    func load(_ env: ExecutionEnvironment, wantFundamentals: Bool = true, columns: Set<String>? = nil) throws -> LayoffDataset {
        let options = EventLoadOptions(columnMapping: try parsedMapping(), percentScale: percentScale,
                                       skipInvalid: skipInvalid, dedupe: dedupe, columns: columns,
                                       layout: layout, date: date, amendments: amendments)
        let fundamentalsOptions = FundamentalsLoadOptions(columnMapping: try parsedFundamentalsMapping(),
                                                          fiscalYear: fundamentalsYear, skipInvalid: skipInvalid)
        // Progress on stderr for inputs that take a while (a terminal only, never --quiet).
        let big = env.progress ? (data + [fundamentals].compactMap { $0 }).filter { fileSize($0) > 32 << 20 } : []
        for path in big { printError("layoffs: reading \(path) (\(fileSize(path) >> 20) MiB)…") }
        defer { if !big.isEmpty { printError("layoffs: inputs read") } }
        do {
            let dataset = try LayoffDataset.load(eventsFiles: data, fundamentalsPath: fundamentals,
                                                 aliasesPath: aliases, eventOptions: options,
                                                 fundamentalsOptions: fundamentalsOptions, lag: lag,
                                                 useEmbeddedFundamentals: wantFundamentals && data.isEmpty && fundamentals == nil && layout != .warn,
                                                 displayName: env.displayName, threads: defaultThreadCount())
            if env.notebook == nil { ReclaimedAtExit.keep(dataset) }
            return dataset
        } catch {
            throw CLIError(message: "layoffs: " + env.scrubPaths(message(for: error)), code: error.category.exitCode)
        }
    }

    /// The text of a load failure, its hints naming this command's options.
    func message(for error: IngestError) -> String {
        var file: String?
        switch error {
        case .missingColumns(let f, _, _), .missingAnyOf(let f, _, _), .ambiguousColumn(let f, _, _): file = f
        default: break
        }
        let isFundamentals = file != nil && file == fundamentals
        return optionText(error.describe(mappingOption: isFundamentals ? "--map-fundamentals" : "--map",
                                         yearOption: isFundamentals ? "--fundamentals-year" : nil))
    }
}

/// The events' columns every analysis reads (the join and the workforce need the counts
/// and fractions); commands add the ones they group or model by.
let analysisColumns: Set<String> = ["company", "date", "total_laid_off", "percentage_laid_off"]

/// A loader's text (an error, a problem's expected value) with its hints naming the
/// command-line options that act on them.
func optionText(_ text: String) -> String {
    text.replacingAll("(skip invalid rows to load the rest)", with: "(use --skip-invalid to load the rest)")
        .replacingAll("(for percents, set the percent scale to 100)", with: "(for percents use --percent-scale 100)")
}

/// How the analyses that take `--by` group the events.
struct GroupOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Group column: industry, country, stage, company, location or any column of the file; repeat it to group by several (--by state --by county_name).", valueName: "column"))
    var by: [String] = []

    @Option(help: ArgumentHelp("Whether each group is observed over the whole file's span (shared: a period without events is 0 for every group) or its own first to last event (per-group: periods outside a group's span are missing, not 0; for files whose groups end at different times, such as one state's notices). Default: per-group for WARN notices grouped by state (each state's portal has its own history), shared otherwise.", valueName: "shared|per-group"))
    var coverage: GroupCoverage?

    func validate() throws {
        if let dup = by.first(where: { name in by.filter { $0 == name }.count > 1 }) {
            throw ValidationError("--by \(dup) is given twice")
        }
        if coverage == .perGroup && by.isEmpty {
            throw ValidationError("--coverage per-group needs --by (ungrouped, the one group's span is the file's)")
        }
    }

    /// The grouping asked for, for events of `layout` (without `--coverage`, the layout's
    /// default: ``GroupCoverage/default(for:by:)``).
    func grouping(for layout: EventFileLayout) -> Grouping {
        Grouping(columns: by, coverage: coverage ?? .default(for: layout, by: by))
    }

    /// ` by a and b` for titles, empty when ungrouped.
    var titleSuffix: String { by.isEmpty ? "" : " by " + by.joined(separator: " and ") }

    /// The group columns of a table: `group`, and grouped by several columns one column per
    /// group column (named as it; tables show only these, CSV and JSON both).
    func columns(machine: Bool) -> [ReportTable.Column] {
        if by.count <= 1 { return [.init("Group", key: "group")] }
        let each = by.map { ReportTable.Column($0, key: $0) }
        return machine ? [.init("Group", key: "group")] + each : each
    }

    /// The cells of ``columns(machine:)`` for a group labelled `label` with `values`.
    func cells(_ label: String, _ values: [String], machine: Bool) -> [ReportTable.Cell] {
        if by.count <= 1 { return [.text(label)] }
        return (machine ? [.text(label)] : []) + values.map { .text($0) }
    }
}

extension GroupCoverage: ExpressibleByArgument {}
extension EventFileLayout: ExpressibleByArgument {}
extension NoticeDateChoice: ExpressibleByArgument {}
extension AmendmentPolicy: ExpressibleByArgument {}

/// Output options shared by the commands that print tables.
struct OutputOptions: ParsableArguments {
    @Option(help: "Output format: table, markdown, csv or json.")
    var format: OutputFormat = .table

    @Option(help: ArgumentHelp("Write the result to this file (atomically) instead of standard output.", valueName: "file"))
    var out: String?

    @Flag(help: "No progress or notes on standard error.")
    var quiet = false
}

extension String {
    /// The string without leading and trailing spaces and tabs.
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return String(s)
    }
}

extension ExecutionEnvironment {
    /// In notebooks, replaces absolute paths in a message by their display names so
    /// the notebook's bytes do not depend on where the project lives.
    func scrubPaths(_ message: String) -> String {
        guard let nb = notebook else { return message }
        var m = message.replacingAll(nb.notebookDirectory + "/", with: "")
        if let ds = nb.datasetsDirectory { m = m.replacingAll(ds + "/", with: "Datasets/") }
        return m
    }
}

/// Renders a table in the chosen format. CSV and JSON use the machine column keys;
/// table and markdown put numbered notes under the table.
func render(_ table: ReportTable, as format: OutputFormat, color: Bool = false) -> String {
    switch format {
    case .table:
        var s = ""
        if let t = table.title { s += (color ? TerminalStyle.ansi.bold(t) : t) + "\n" }
        var body = table
        body.title = nil
        body.notes = []
        s += body.plainText()
        s += notesText(table.notes)
        return s
    case .markdown:
        var s = ""
        if let t = table.title { s += "**\(MarkdownText.escape(t))**\n\n" }
        var body = table
        body.title = nil
        body.notes = []
        s += body.markdown()
        if !table.notes.isEmpty { s += "\n" + notesText(table.notes) }
        return s
    case .csv:
        var machine = table
        machine.columns = table.columns.map { ReportTable.Column($0.key, key: $0.key, alignment: $0.alignment) }
        return machine.csv(lineEnding: "\n")
    case .json:
        return table.jsonValue().serialized(indent: 2) + "\n"
    }
}

/// Numbered notes, one per line.
func notesText(_ notes: [String]) -> String {
    guard !notes.isEmpty else { return "" }
    return "Notes:\n" + notes.enumerated().map { "[\($0.offset + 1)] \($0.element)" }.joined(separator: "\n") + "\n"
}

/// Parses a `YYYY-MM-DD` or `M/D/YYYY` option value.
func parseDay(_ s: String?, option: String) throws -> Day? {
    guard let s else { return nil }
    guard let d = Day(parsing: s) else { throw ValidationError("\(option): '\(s)' is not a date; expected YYYY-MM-DD or M/D/YYYY") }
    return d
}

/// Size of a file in bytes, 0 if it cannot be read.
func fileSize(_ path: String) -> Int {
    var st = stat()
    return stat(path, &st) == 0 ? Int(st.st_size) : 0
}
