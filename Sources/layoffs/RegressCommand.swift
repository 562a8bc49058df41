import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

extension CovarianceType: ExpressibleByArgument {
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

        --stream fits a CSV larger than memory: the file is read once in blocks of \
        4,096 rows and folded into the R factor of [X | y] (Householder QR, memory \
        independent of the number of rows); categorical levels are discovered on the way. \
        Classical inference needs that one pass; --cov HC0..HC3 or cluster make a second \
        pass for the residuals (and cluster keeps one sum per cluster). The output has the \
        same layout, without the residual quantiles unless --residual-summary (a second \
        pass that keeps every residual, 8 bytes per row). Needs --data; a column's type is \
        decided by its first non-missing value.

        Examples:
          layoffs regress
          layoffs regress --cov cluster --cluster company --format json
          layoffs regress --data longley.csv --formula "y ~ x1 + x2" --cov HC3
          layoffs regress --stream --data big.csv --formula "log(y) ~ log(x) + C(region)" --cov HC1
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Model formula (default for layoff data: log(total_laid_off) ~ log(employees) + revenue_growth).") var formula: String?
    @Option(help: "Covariance: classical, HC0, HC1, HC2, HC3 or cluster.") var cov: CovarianceType = .classical
    @Option(help: "Cluster column for --cov cluster (default for layoff data: company).") var cluster: String?
    @Option(help: "Column of positive weights (weighted least squares).") var weights: String?
    @Option(help: "Confidence level of the intervals.") var level: Double = 0.95
    @Option(help: "Output format: table, markdown or json.") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Write the result to this file (atomically).", valueName: "file")) var out: String?
    @Flag(help: "Also draw regression-scatter.svg and regression-residuals.svg (beside --out, or in the notebook's figures).") var chart = false
    @Flag(help: "Stream --data in blocks: one pass, memory independent of the file's length (a second pass for --cov HC0..HC3/cluster).") var stream = false
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
            if chart { throw ValidationError("--chart needs every residual and fitted value: run without --stream") }
        }
    }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        if stream { return try executeStreaming(in: env) }
        let table: DataTable
        let description: String
        var extraNotes: [String] = []
        let layoffMode = input.data == nil || input.fundamentals != nil
        if layoffMode {
            // The whole regression table is built (every column the events give it).
            let data = try input.load(env, columns: analysisColumns.union(["industry", "country", "stage", "funds_raised"]))
            guard let join = data.join, let f = data.fundamentalsLoad else {
                throw CLIError(message: "layoffs regress: the layoff model needs fundamentals (--fundamentals FILE)", code: Exit.usage)
            }
            do { table = try join.regressionTable(events: data.events, fundamentals: f.fundamentals) } catch {
                throw CLIError(message: "layoffs regress: \(error)", code: Exit.software)
            }
            description = "\(data.inputs[0].displayName) joined to \(data.inputs[1].displayName) (fiscal year = event year\(input.lag == 0 ? "" : " − \(input.lag)"))"
            extraNotes.append("\(join.matchedCount) of \(data.events.count) events matched a fundamentals row; \(join.unmatchedCount) did not (their employees and revenue_growth are missing).")
            extraNotes += data.qualityNotes.filter { !$0.contains("matched a fundamentals row") }
        } else {
            let path = input.data!
            do { table = try DataTable(csvFile: path) } catch {
                throw CLIError(message: "layoffs regress: \(env.scrubPaths(error.description))", code: error.category.exitCode)
            }
            description = env.displayName(path)
        }
        let formulaText = formula ?? (layoffMode ? Self.defaultFormula : "")
        guard !formulaText.isEmpty else {
            throw CLIError(message: "layoffs regress: --formula is required with a generic --data file; the columns are: \(table.names.joined(separator: ", "))", code: Exit.usage)
        }
        let clusterColumn = cov == .cluster ? (cluster ?? (layoffMode ? "company" : nil)) : nil
        if cov == .cluster && clusterColumn == nil {
            throw CLIError(message: "layoffs regress: --cov cluster needs --cluster COLUMN", code: Exit.usage)
        }
        let fit: FormulaFit
        do {
            fit = try FormulaFit(formula: formulaText, data: table, covariance: cov, cluster: clusterColumn,
                                 weights: weights, level: level)
        } catch {
            var message = "layoffs regress: \(error)"
            if case .design(.formula(let fe)) = error { message += "\n" + fe.caretDisplay }
            throw CLIError(message: message, code: Exit.dataError)
        }
        let summary = RegressionSummary(fit: fit, dataDescription: description, extraNotes: extraNotes)
        let output = CommandOutput()
        if chart {
            for c in RegressionCharts.make(fit: fit, table: table) {
                output.figures.append((c.name, Array(c.svg.utf8), c.alt))
            }
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

extension RegressCommand {
    /// `--stream`: ``StreamingFormulaFit`` over the CSV, rendered like ``RegressionSummary``.
    func executeStreaming(in env: ExecutionEnvironment) throws -> CommandOutput {
        let path = input.data!
        let name = env.displayName(path)
        guard let formulaText = formula, !formulaText.isEmpty else {
            let columns = (try? CSVBlockSource(path: path, name: name).columnNames()) ?? []
            throw CLIError(message: "layoffs regress: --formula is required with --stream" + (columns.isEmpty ? "" : "; the columns are: \(columns.joined(separator: ", "))"), code: Exit.usage)
        }
        if cov == .cluster && cluster == nil {
            throw CLIError(message: "layoffs regress: --cov cluster needs --cluster COLUMN", code: Exit.usage)
        }
        let size = fileSize(path)
        let passes = cov != .classical || residualSummary ? 2 : 1
        let showProgress = env.progress && size > 32 << 20
        if showProgress { printError("layoffs: streaming \(path) (\(size >> 20) MiB), \(passes) pass\(passes == 1 ? "" : "es")…") }
        // Many small LAPACK updates: OpenBLAS threads would only spin between them.
        let blasThreads = NativeLibraries.blasThreads
        NativeLibraries.setBLASThreads(1)
        defer { NativeLibraries.setBLASThreads(blasThreads) }
        let fit: StreamingFormulaFit
        do {
            fit = try StreamingFormulaFit(formula: formulaText, csvFile: path, displayName: name, covariance: cov,
                                          cluster: cov == .cluster ? cluster : nil, weights: weights, level: level,
                                          residualSummary: residualSummary, threads: defaultThreadCount())
        } catch {
            var message = "layoffs regress: \(env.scrubPaths(error.description))"
            if case .design(.formula(let fe)) = error { message += "\n" + fe.caretDisplay }
            let code: Int32
            switch error {
            case .csv(let e): code = e.category.exitCode
            default: code = Exit.dataError
            }
            throw CLIError(message: message, code: code)
        }
        if showProgress { printError("layoffs: done") }
        var notes: [String] = []
        let how = fit.precision == .extended ? "Householder QR in Float80" : "Householder QR (LAPACK dtpqrt)"
        if fit.passes == 1 {
            notes.append("Streaming fit: one pass over the file in blocks of 4,096 rows, folded into the R factor of [X | y] (\(how)); memory does not grow with the number of rows.")
        } else {
            let why = [cov != .classical ? "the residuals for the \(cov.rawValue) covariance" : nil,
                       residualSummary ? "the residual quantiles (keeping every residual)" : nil].compactMap { $0 }.joined(separator: " and ")
            notes.append("Streaming fit: two passes over the file in blocks of 4,096 rows: the first folds the rows into the R factor of [X | y] (\(how)), the second computes \(why).")
        }
        if fit.result.residualSummary == nil {
            notes.append("Residual quantiles are not computed in streaming mode (they need every residual); --residual-summary adds a pass that keeps them (8 bytes per row).")
        }
        var summary = RegressionSummary(fit: fit, dataDescription: name, trailingNotes: notes)
        summary.extraJSON = [("streaming", .object([("passes", .int(fit.passes)), ("precision", .string(fit.precision.rawValue)),
                                                     ("accumulated_columns", .int(fit.accumulatedColumns))]))]
        let output = CommandOutput()
        output.format = format
        switch format {
        case .json: output.write(summary.json().serialized(indent: 2) + "\n")
        case .markdown: output.write(summary.markdown())
        default: output.write(summary.plainText())
        }
        return output
    }
}
