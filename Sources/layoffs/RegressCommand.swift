import ArgumentParser
import StatKit
import LayoffKit
import LayoffReport

extension Covariance.Kind: ExpressibleByArgument {
    public init?(argument: String) {
        switch argument.lowercased() {
        case "classical", "nonrobust", "iid": self = .classical
        case "hc0": self = .hc0
        case "hc1": self = .hc1
        case "hc2": self = .hc2
        case "hc3": self = .hc3
        case "cluster": self = .cluster
        case "hac", "newey-west": self = .hac
        case "dk", "driscoll-kraay": self = .driscollKraay
        default: return nil
        }
    }
    public static var allValueStrings: [String] { allCases.map(\.rawValue) }
}

/// The model families of `--family`.
enum FamilyOption: String, ExpressibleByArgument, CaseIterable {
    case gaussian, poisson, negbin, binomial
}

/// `layoffs regress`: linear, generalized linear and fixed-effects models with the
/// inference a statistician expects.
struct RegressCommand: LayoffsSubcommand {
    /// Rows per block of every fit. 1,024 keep a block's design below the allocator's 1 MiB
    /// mmap threshold up to about 120 columns, so its buffers are reused from the heap
    /// rather than mapped and faulted in for every block (a 53-column design at 10⁶ rows
    /// streamed: 823,000 page faults with 8,192-row blocks, 2,700 with these).
    static let blockRows = 1024

    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Fit a linear, count, binary or fixed-effects model and print its summary.",
        discussion: """
        With --data FILE alone, FILE is any CSV with a header and the formula uses its \
        columns. With no --data (the embedded data) or with --fundamentals, events are \
        joined to fundamentals (fiscal year of the event, --lag 1 for the year before) and \
        the formula can use total_laid_off, percentage_laid_off, employees, revenue, \
        revenue_growth, workforce, funds_raised, year, company, industry, country, stage.

        Formulas: y ~ x1 + log(x2) + log1p(x3) + sqrt(x4) + I(x^2) + C(g) + C(g, ref="b") \
        + a:b + a*b; "- 1" or "+ 0" drops the intercept; offset(log(employees)) is an \
        exposure (count models); "| company + year" absorbs fixed effects (least squares \
        and --family poisson). Rows with a missing or non-finite value in any used column \
        are excluded and counted.

        Models: least squares by default; --family poisson|negbin|binomial|gaussian fits a \
        generalized linear model by IRLS (negbin: θ by maximum likelihood as MASS::glm.nb; \
        binomial: --link logit or probit), with z tests.

        Covariances: --cov classical|HC0|HC1|HC2|HC3|cluster|HAC|DK. --cluster a,b (or \
        --cluster a --cluster b) clusters by several columns (Cameron–Gelbach–Miller); \
        --cov HAC --lags K is Newey–West over the rows in order (or ordered by --time \
        COLUMN); --cov DK --lags K --time COLUMN is Driscoll–Kraay for panels.

        --test "a = 0, b = 0" (repeatable) adds a Wald test of linear hypotheses; \
        --diagnostics adds VIF, Breusch–Pagan, RESET and Cook's distance; --influence FILE \
        writes each row's leverage, Cook's distance, studentised residual and DFBETAS.

        Every fit reads the data in blocks: one pass folds them into the R factor of \
        [X | y] (LAPACK's blocked Householder QR; a design whose columns, scaled to unit \
        length, have a condition estimate above 1e6 is folded again in double-double \
        arithmetic), a second computes each residual in double-double, confirms the \
        coefficients by a step of iterative refinement and accumulates the robust \
        covariances. --stream reads --data from the file in each pass instead of loading \
        it: memory does not grow with the file's length. The residual quantiles then need \
        --residual-summary (it keeps every residual, 8 bytes per row). With --stream a \
        column's type is decided by its first non-missing value.

        Examples:
          layoffs regress
          layoffs regress --cluster company --format json
          layoffs regress --formula "log(total_laid_off) ~ log(employees) + revenue_growth | company + year" --cluster company,year
          layoffs regress --family negbin --formula "total_laid_off ~ revenue_growth + C(industry) + offset(log(employees))"
          layoffs regress --data longley.csv --formula "y ~ x1 + x2" --cov HC3 --diagnostics --test "x1 = 0, x2 = 0"
          layoffs regress --stream --data big.csv --formula "log(y) ~ log(x) + C(region)" --cov HC1
        """
    )
    @OptionGroup var input: InputOptions
    @Option(help: "Model formula (default for layoff data: log(total_laid_off) ~ log(employees) + revenue_growth).") var formula: String?
    @Option(help: "Model family: gaussian, poisson, negbin or binomial (default: least squares).") var family: FamilyOption?
    @Option(help: "Link of --family binomial: logit (default) or probit.") var link: GLMLink?
    @Option(help: ArgumentHelp("An offset column, added as offset(COLUMN) (count models).", valueName: "column")) var offset: String?
    @Option(help: "Covariance: classical, HC0, HC1, HC2, HC3, cluster, HAC or DK (default classical; cluster when --cluster is given).") var cov: Covariance.Kind?
    @Option(help: ArgumentHelp("Cluster column(s), comma-separated or repeated: cluster-robust covariance (default for --cov cluster on layoff data: company).", valueName: "column")) var cluster: [String] = []
    @Option(help: "Highest lag of --cov HAC or DK (Bartlett kernel).") var lags: Int?
    @Option(help: ArgumentHelp("Time column: the order of --cov HAC, the periods of --cov DK.", valueName: "column")) var time: String?
    @Option(help: "Column of positive weights (weighted least squares; prior weights of a GLM).") var weights: String?
    @Option(help: "Confidence level of the intervals.") var level: Double = 0.95
    @Option(name: .customLong("test"), help: ArgumentHelp("Wald test of linear hypotheses, e.g. \"x1 = 0, x2 = 0\" (repeatable).", valueName: "hypotheses")) var tests: [String] = []
    @Flag(help: "Add diagnostics: VIF, Breusch–Pagan, RESET and the largest Cook's distance (least squares).") var diagnostics = false
    @Option(help: ArgumentHelp("Write each row's leverage, Cook's distance, studentised residual and DFBETAS to this CSV (least squares).", valueName: "file")) var influence: String?
    @Option(help: "Output format: table, markdown, json, or csv (the coefficient table).") var format: OutputFormat = .table
    @Option(help: ArgumentHelp("Write the result to this file (atomically).", valueName: "file")) var out: String?
    @Flag(help: "Also draw regression-scatter.svg and regression-residuals.svg (beside --out, or in the notebook's figures; least squares).") var chart = false
    @Flag(help: "Read --data from the file in each pass instead of loading it: memory independent of the file's length.") var stream = false
    @Flag(name: .customLong("residual-summary"), help: "With --stream: keep the residuals of the second pass for their five-number summary.") var residualSummary = false
    @Flag(help: "No progress or notes on standard error.") var quiet = false

    var outPath: String? { out }
    var isQuiet: Bool { quiet }

    static let defaultFormula = RegressionSettings().formula

    /// The cluster columns, commas split.
    var clusterColumns: [String] {
        cluster.flatMap { $0.split(separator: ",").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) } }
            .filter { !$0.isEmpty }
    }

    /// The covariance kind asked for: `--cov`, else cluster-robust when `--cluster` is given.
    var covarianceKind: Covariance.Kind { cov ?? (clusterColumns.isEmpty ? .classical : .cluster) }

    func validate() throws {
        guard level > 0 && level < 1 else { throw ValidationError("--level must be between 0 and 1 (e.g. 0.95)") }
        let kind = covarianceKind
        if let c = cov, c != .cluster, let column = clusterColumns.first {
            throw ValidationError("--cluster \(column) asks for cluster-robust covariance, but --cov is \(c.rawValue); drop one of them")
        }
        if (kind == .hac || kind == .driscollKraay) && lags == nil {
            throw ValidationError("--cov \(kind.rawValue) needs --lags K (the kernel's highest lag)")
        }
        if kind == .driscollKraay && time == nil { throw ValidationError("--cov DK needs --time COLUMN (the periods)") }
        if lags != nil && kind != .hac && kind != .driscollKraay { throw ValidationError("--lags goes with --cov HAC or DK") }
        if time != nil && kind != .hac && kind != .driscollKraay { throw ValidationError("--time goes with --cov HAC or DK") }
        if let lags, lags < 0 { throw ValidationError("--lags must be 0 or more") }
        if link != nil && family != .binomial { throw ValidationError("--link goes with --family binomial") }
        if family != nil || isFixedEffects {
            if diagnostics { throw ValidationError("--diagnostics are for least-squares models without fixed effects") }
            if influence != nil { throw ValidationError("--influence is for least-squares models without fixed effects") }
            if chart { throw ValidationError("--chart draws a least-squares fit without fixed effects") }
        }
        if residualSummary && !stream { throw ValidationError("--residual-summary goes with --stream (without it the residual summary is always printed)") }
        if input.data.count > 1 && input.fundamentals == nil {
            throw ValidationError("regress reads one CSV given with --data unless it joins events to --fundamentals")
        }
        if stream && (input.data.isEmpty || input.fundamentals != nil) {
            throw ValidationError("--stream reads one CSV given with --data whose columns the formula uses; joining events to fundamentals (--fundamentals, or the embedded data) needs the tables in memory")
        }
    }

    /// Whether the formula absorbs fixed effects.
    var isFixedEffects: Bool { (try? Formula(formula ?? ""))?.fixedEffects.isEmpty == false }

    func execute(in env: ExecutionEnvironment) throws -> CommandOutput {
        let layoffMode = input.data.isEmpty || input.fundamentals != nil
        var formulaText = formula ?? (layoffMode ? Self.defaultFormula : "")
        if let offset, !formulaText.isEmpty { formulaText += " + offset(\(offset))" }
        let kind = covarianceKind
        var columns = clusterColumns
        if kind == .cluster && columns.isEmpty && layoffMode { columns = ["company"] }
        if kind == .cluster && columns.isEmpty {
            throw CLIError(message: "layoffs regress: --cov cluster needs --cluster COLUMN", code: Exit.usage)
        }
        let covariance: Covariance
        switch kind {
        case .cluster: covariance = .cluster(columns)
        case .hac: covariance = .hac(lags: lags ?? 0, time: time)
        case .driscollKraay: covariance = .driscollKraay(lags: lags ?? 0, time: time ?? "")
        default: covariance = Covariance(kind: kind)!
        }
        var description: String
        var extraNotes: [String] = []
        var trailingNotes: [String] = []
        var label: (@Sendable (Int) -> String?)? = nil
        let source: any TableBlockSource
        if layoffMode {
            // The whole regression table is built (every column the events give it).
            let data = try input.load(env, columns: analysisColumns.union(["industry", "country", "stage", "funds_raised"]))
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
            let path = input.data[0]
            source = CSVBlockSource(path: path, name: env.displayName(path), blockRows: Self.blockRows)
            description = env.displayName(path)
            trailingNotes.append("Streaming fit: the file is read in blocks of \(NumberFormat.grouped(Self.blockRows)) rows; one pass folds them into the R factor of [X | y] (LAPACK's blocked Householder QR), a second computes each residual in double-double, confirming the coefficients by a refinement step\(kind == .classical ? "" : ", and the \(kind.rawValue) covariance"); memory does not grow with the number of rows.")
            if !residualSummary && family == nil && !isFixedEffects {
                trailingNotes.append("Residual quantiles are not computed in streaming mode (they need every residual); --residual-summary keeps them for the second pass (8 bytes per row).")
            }
            let size = fileSize(path)
            if env.progress && size > 32 << 20 { printError("layoffs: streaming \(path) (\(size >> 20) MiB)…") }
        } else {
            let path = input.data[0]
            let table: DataTable
            do { table = try DataTable(csvFile: path) } catch {
                throw CLIError(message: "layoffs regress: \(env.scrubPaths(error.description))", code: error.category.exitCode)
            }
            source = DataTableBlockSource(table, blockRows: Self.blockRows, name: env.displayName(path))
            if case .text(let company)? = table.column(named: "company") { label = { company[$0] } }
            description = env.displayName(path)
        }
        guard !formulaText.isEmpty else {
            let names = (try? source.columnNames()) ?? []
            throw CLIError(message: "layoffs regress: --formula is required with a generic --data file; the columns are: \(names.joined(separator: ", "))", code: Exit.usage)
        }
        let options = LinearModel.Options(threads: defaultThreadCount(), blockRows: Self.blockRows, keepRows: false,
                                          residualSummary: !stream || residualSummary)
        let output = CommandOutput()
        var summary: RegressionSummary
        var fit: RegressionResult
        do {
            let parsed: Formula
            do { parsed = try Formula(formulaText) } catch { throw RegressionError.formula(error) }
            if !parsed.fixedEffects.isEmpty {
                let glmFamily: GLMFamily? = family == .poisson ? .poisson : nil
                if let family, family != .poisson {
                    throw CLIError(message: "layoffs regress: fixed effects are absorbed for least squares and --family poisson, not \(family.rawValue)", code: Exit.usage)
                }
                let fe = try FixedEffectsModel.fit(formulaText, source: source, family: glmFamily, weights: weights,
                                                   covariance: covariance, level: level, options: options)
                fit = fe.fit
                summary = RegressionSummary(fe, dataDescription: description, extraNotes: extraNotes, trailingNotes: trailingNotes)
            } else if let family {
                let glmFamily: GLMFamily
                switch family {
                case .gaussian: glmFamily = .gaussian
                case .poisson: glmFamily = .poisson
                case .negbin: glmFamily = .negativeBinomial()
                case .binomial: glmFamily = .binomial(link: link ?? .logit)
                }
                let glm = try GeneralizedLinearModel.fit(formulaText, source: source, family: glmFamily, weights: weights,
                                                         covariance: covariance, level: level, options: options)
                fit = glm.fit
                summary = RegressionSummary(glm, dataDescription: description, extraNotes: extraNotes, trailingNotes: trailingNotes)
            } else {
                let watch = chart ? RegressionRowWatch(label: label) : nil
                fit = try LinearModel.fit(formulaText, source: source, weights: weights, covariance: covariance, level: level,
                                          options: options, observer: watch)
                summary = RegressionSummary(fit, dataDescription: description, extraNotes: extraNotes, trailingNotes: trailingNotes)
                if let watch {
                    for c in RegressionCharts.make(fit, rows: watch) { output.figures.append((c.name, Array(c.svg.utf8), c.alt)) }
                }
                if diagnostics { summary.diagnostics = try fit.diagnostics() }
                if let influence { output.files.append((influence, Array(try Self.influenceCSV(fit).utf8))) }
            }
            summary.tests = try tests.map { (t) throws(RegressionError) in try fit.test(t) }
        } catch let e as CLIError {
            throw e
        } catch let error as RegressionError {
            var message = "layoffs regress: \(env.scrubPaths(error.description))"
            if case .formula(let fe) = error { message += "\n" + fe.caretDisplay }
            let code: Int32
            if case .csv(let e) = error { code = e.category.exitCode } else { code = Exit.dataError }
            throw CLIError(message: message, code: code)
        }
        if stream {
            summary.extraJSON = [("streaming", .object([("passes", .int(1 + fit.residualPasses)),
                                                         ("precision", .string(fit.usedExtendedPrecision ? "extended" : "double"))]))]
        }
        output.format = format
        switch format {
        case .json: output.write(summary.json().serialized(indent: 2) + "\n")
        case .markdown: output.write(summary.markdown())
        case .csv: output.write(render(summary.coefficientTable, as: .csv))
        case .table: output.write(summary.plainText())
        }
        return output
    }

    /// Each row's influence measures as CSV: row (the source's, 1-based), leverage, Cook's
    /// distance, studentised residual, one DFBETAS column per estimated term.
    static func influenceCSV(_ fit: RegressionResult) throws(RegressionError) -> String {
        let terms = fit.keptTerms
        var text = "row,leverage,cooks_distance,studentized_residual," + terms.map { CSV.field("dfbetas_" + $0) }.joined(separator: ",") + "\r\n"
        try fit.forEachInfluence { rows in
            let k = terms.count
            for i in rows.leverage.indices {
                var fields = [String(rows.sourceRows[i] + 1)]
                for v in [rows.leverage[i], rows.cooksDistance[i], rows.studentizedResiduals[i]] + (0..<k).map({ rows.dfbetas[i * k + $0] }) {
                    fields.append(NumberFormat.shortest(v) ?? "")
                }
                text += fields.joined(separator: ",") + "\r\n"
            }
        }
        return text
    }
}

extension GLMLink: ExpressibleByArgument {}
