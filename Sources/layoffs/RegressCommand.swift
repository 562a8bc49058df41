import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

extension Covariance.Kind: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "classical", "nonrobust": self = .classical
        case "hc0": self = .hc0
        case "hc1": self = .hc1
        case "hc2": self = .hc2
        case "hc3": self = .hc3
        case "cluster": self = .cluster
        default: return nil
        }
    }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// `layoffs regress`: least squares with the inference a statistician expects.
struct RegressCommand: LayoffsSubcommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Fit a linear model by least squares (QR through LAPACK) and print its summary.",
        discussion: """
        With --data FILE alone, FILE is any CSV with a header and the formula uses its \
        columns. With no --data (the embedded data) or with --fundamentals, events are \
        joined to fundamentals (fiscal year of the event, --lag 1 for the year before) and \
        the formula can use total_laid_off, percentage_laid_off, employees, revenue, \
        revenue_growth, workforce, funds_raised, year, company, industry, country, stage.

        Formulas: y ~ x1 + log(x2) + log1p(x3) + sqrt(x4) + I(x^2) + C(g) + C(g, ref="b") \
        + a:b + a*b; "- 1" or "+ 0" drops the intercept. Rows with a missing or non-finite \
        value in any used column are excluded and counted.

        Every fit reads the data in blocks: one pass folds them into the R factor of \
        [X | y] (LAPACK's blocked Householder QR; a design whose columns, scaled to unit \
        length, have a condition estimate above 1e6 is folded again in double-double \
        arithmetic), a second computes each residual in double-double, confirms the \
        coefficients by a step of iterative refinement and accumulates the robust \
        covariances. --stream reads --data from the file in both passes instead of \
        loading it: memory does not grow with the file's length. The residual quantiles \
        then need --residual-summary (it keeps every residual, 8 bytes per row). With \
        --stream a column's type is decided by its first non-missing value.

        Examples:
          layoffs regress
          layoffs regress --cov cluster --cluster company --format json
          layoffs regress --data longley.csv --formula "y ~ x1 + x2" --cov HC3
          layoffs regress --stream --data big.csv --formula "log(y) ~ log(x) + C(region)" --cov HC1
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Model formula (default for layoff data: log(total_laid_off) ~ log(employees) + revenue_growth).") var formula: String?
    @Option(help: "Covariance: classical, HC0, HC1, HC2, HC3 or cluster.") var cov: Covariance.Kind = .classical
    @Option(help: "Cluster column for --cov cluster (default for layoff data: company).") var cluster: String?
    @Option(help: "Column of positive weights (weighted least squares).") var weights: String?
    @Option(help: "Confidence level of the intervals.") var level: Double = 0.95
    @Option(help: "Output format: table, markdown or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Write the result to this file (atomically).", valueName: "file")) var out: String?
    @Flag(help: "Also draw regression-scatter.svg and regression-residuals.svg (beside --out, or in the notebook's figures).") var chart = false
    @Flag(help: "Read --data from the file in each pass instead of loading it: memory independent of the file's length.") var stream = false
    @Flag(name: .customLong("residual-summary"), help: "With --stream: a second pass that keeps the residuals for their five-number summary.") var residualSummary = false

    var outPath: String? { out }

    static let defaultFormula = RegressionSettings().formula

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1 (e.g. 0.95)") }
        if format == .csv { throw ValidationError("regress prints table, markdown or json") }
        if cluster != nil && cov != .cluster { throw ValidationError("--cluster needs --cov cluster") }
        if residualSummary && !stream { throw ValidationError("--residual-summary goes with --stream (the in-memory fit always prints the residual summary)") }
        if stream {
            if input.data == nil || input.fundamentals != nil {
                throw ValidationError("--stream reads one CSV given with --data whose columns the formula uses; joining events to fundamentals (--fundamentals, or the embedded data) needs the tables in memory")
            }
        }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let layoffMode = input.data == nil || input.fundamentals != nil
        let formulaText = formula ?? (layoffMode ? Self.defaultFormula : "")
        let clusterColumn = cov == .cluster ? (cluster ?? (layoffMode ? "company" : nil)) : nil
        if cov == .cluster && clusterColumn == nil {
            throw CLIError(message: "layoffs regress: --cov cluster needs --cluster COLUMN", code: Exit.usage)
        }
        let covariance = clusterColumn.map { Covariance.cluster($0) } ?? Covariance(kind: cov)!
        var description: String
        var extraNotes: [String] = []
        var trailingNotes: [String] = []
        var label: (@Sendable (Int) -> String?)? = nil
        let source: any TableBlockSource
        var options = LinearModel.Options(threads: defaultThreadCount(), blockRows: 8192, keepRows: false,
                                          residualSummary: !stream || residualSummary)
        if layoffMode {
            let data = try input.load(env)
            guard let join = data.join, let f = data.fundamentalsLoad else {
                throw CLIError(message: "layoffs regress: the layoff model needs fundamentals (--fundamentals FILE)", code: Exit.usage)
            }
            source = RegressionBlockSource(events: data.events, fundamentals: f.fundamentals, join: join)
            let company = data.events.company
            label = { company[$0] }
            description = "\(data.inputs[0].displayName) joined to \(data.inputs[1].displayName) (fiscal year = event year\(input.lag == 0 ? "" : " − \(input.lag)"))"
            extraNotes.append("\(join.matchedCount) of \(data.events.count) events matched a fundamentals row; \(join.unmatchedCount) did not (their employees and revenue_growth are missing).")
            extraNotes += data.qualityNotes.filter { !$0.contains("matched a fundamentals row") }
        } else if stream {
            let path = input.data!
            source = CSVBlockSource(path: path, name: env.displayName(path), blockRows: 8192)
            description = env.displayName(path)
            let passes = cov == .classical ? "a second computes each residual in double-double, confirming the coefficients by a refinement step" : "a second computes each residual in double-double, confirming the coefficients, and the \(cov.rawValue) covariance"
            trailingNotes.append("Streaming fit: the file is read in blocks of 8,192 rows; one pass folds them into the R factor of [X | y] (LAPACK's blocked Householder QR), \(passes); memory does not grow with the number of rows.")
            if !residualSummary {
                trailingNotes.append("Residual quantiles are not computed in streaming mode (they need every residual); --residual-summary keeps them for the second pass (8 bytes per row).")
            }
            let size = fileSize(path)
            if env.progress && size > 32 << 20 { printError("layoffs: streaming \(path) (\(size >> 20) MiB), two passes…") }
        } else {
            let path = input.data!
            let table: DataTable
            do { table = try DataTable(csvFile: path) } catch {
                throw CLIError(message: "layoffs regress: \(env.scrubPaths(error.description))", code: error.category.exitCode)
            }
            source = DataTableBlockSource(table, name: env.displayName(path))
            if case .text(let company)? = table.column(named: "company") { label = { company[$0] } }
            description = env.displayName(path)
        }
        guard !formulaText.isEmpty else {
            let columns = (try? source.columnNames()) ?? []
            throw CLIError(message: "layoffs regress: --formula is required with a generic --data file; the columns are: \(columns.joined(separator: ", "))", code: Exit.usage)
        }
        let watch = chart ? RegressionRowWatch(label: label) : nil
        options.keepRows = false
        let fit: RegressionResult
        do {
            fit = try LinearModel.fit(formulaText, source: source, weights: weights, covariance: covariance, level: level,
                                      options: options, observer: watch)
        } catch {
            var message = "layoffs regress: \(env.scrubPaths(error.description))"
            if case .formula(let fe) = error { message += "\n" + fe.caretDisplay }
            let code: Int32
            if case .csv(let e) = error { code = e.category.exitCode } else { code = Exit.dataError }
            throw CLIError(message: message, code: code)
        }
        var summary = RegressionSummary(fit, dataDescription: description, extraNotes: extraNotes, trailingNotes: trailingNotes)
        if stream {
            summary.extraJSON = [("streaming", .object([("passes", .int(1 + fit.residualPasses)),
                                                         ("precision", .string(fit.usedExtendedPrecision ? "extended" : "double"))]))]
        }
        let output = CommandOutput()
        if let watch {
            for c in RegressionCharts.make(fit, rows: watch) { output.figures.append((c.name, Array(c.svg.utf8), c.alt)) }
        }
        output.format = format
        switch format {
        case .json: output.write(summary.json().serialized(indent: 2) + "\n")
        case .markdown: output.write(summary.markdown())
        default: output.write(summary.plainText())
        }
        return output
    }
}
