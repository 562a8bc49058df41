/// Why a streaming fit failed.
public enum StreamingFitError: Error, Sendable, CustomStringConvertible {
    /// The CSV file cannot be read or is malformed (located by file, line and field).
    case csv(CSVError)
    /// A problem with one value, located by file, physical line and 1-based field number
    /// (field 0: the whole record).
    case located(file: String, line: Int, column: Int, message: String)
    /// The formula or the data do not make a design (as ``FormulaFit/Failure/design(_:)``).
    case design(ModelFrameError)
    /// The least-squares fit or its inference failed.
    case regression(any Error & Sendable)
    /// The weights or cluster column is unusable.
    case column(String)
    /// Blocks that do not fit together (a column changing type, a level that appears only
    /// in the second pass because the file changed in between).
    case inconsistentInput(String)
    /// The categorical levels seen need more accumulated columns than ``QRAccumulator/maximumColumns``.
    case tooManyColumns(limit: Int)

    public var description: String {
        switch self {
        case .csv(let e): return e.description
        case let .located(file, line, column, message):
            // Without a line (blocks from memory) a field number alone would read as a line.
            return "\(file)\(line > 0 ? ":\(line)" : "")\(line > 0 && column > 0 ? ":\(column)" : ""): \(message)"
        case .design(let e): return e.description
        case .regression(let e): return "\(e)"
        case .column(let m): return m
        case .inconsistentInput(let m): return m
        case .tooManyColumns(let limit):
            return "the design needs more than \(limit) columns (one per categorical level, or per combination of levels in an interaction, seen so far); a streaming fit keeps an R factor of that size"
        }
    }
}

/// Data that can be read block by block, from the start, as many times as needed (once per pass).
public protocol TableBlockSource: Sendable {
    /// Name used in error messages (a file name).
    var name: String { get }
    /// The names of the columns, in order.
    func columnNames() throws(StreamingFitError) -> [String]
    /// Calls `body` with consecutive blocks of rows, from the first row on; each block holds
    /// (at least) the named columns, with types that do not change from block to block (a
    /// column with only missing values in a block may come as numeric). `lines` gives each
    /// row's physical line for error messages, or is `nil`.
    func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError)
}

/// A CSV file read in blocks of rows with the streaming ``CSVReader`` (1 MiB chunks): memory
/// is O(block), whatever the file's length. Only the requested columns are parsed.
///
/// Cells follow ``DataTable/init(csvFile:)``: the same missing tokens (empty, `NA`, `N/A`,
/// `NaN`, `null`) and number syntax. One difference is unavoidable in one pass: a column's
/// type is decided by its **first non-missing value** — a number makes it numeric, anything
/// else text — whereas ``DataTable`` reads the whole column first. A numeric column with a
/// non-number further down is reported with its file, line and field (``DataTable`` would
/// have made the whole column text).
public struct CSVBlockSource: TableBlockSource, Sendable {
    /// The file.
    public let path: String
    /// Name used in errors (default: the path).
    public let name: String
    /// Rows per block.
    public let blockRows: Int

    /// A source over `path`, handing out `blockRows` rows at a time.
    public init(path: String, name: String? = nil, blockRows: Int = 4096) {
        self.path = path
        self.name = name ?? path
        self.blockRows = max(1, blockRows)
    }

    private func open() throws(StreamingFitError) -> (CSVReader, [String]) {
        do {
            let reader = try CSVReader(path: path)
            return (reader, try reader.readHeader())
        } catch { throw .csv(rename(error)) }
    }

    private func rename(_ e: CSVError) -> CSVError {
        var e = e
        if e.file == path { e.file = name }
        return e
    }

    public func columnNames() throws(StreamingFitError) -> [String] { try open().1 }

    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
        let (reader, header) = try open()
        let width = header.count
        var index: [Int] = []
        for c in columns {
            guard let i = header.firstIndex(of: c) else { throw .design(.data(.missingColumn(c, available: header))) }
            index.append(i)
        }
        enum Kind { case numeric, text }
        var kinds = [Kind?](repeating: nil, count: columns.count)
        var numbers = [NumericColumn](repeating: NumericColumn(), count: columns.count)
        var texts = [TextColumn](repeating: TextColumn(), count: columns.count)
        var interners = [TextColumnInterner](repeating: TextColumnInterner(), count: columns.count)
        var pending = [Int](repeating: 0, count: columns.count)
        var lines: [Int] = []
        lines.reserveCapacity(blockRows)

        func emit() throws(StreamingFitError) {
            if lines.isEmpty { return }
            var table = DataTable()
            for (c, name) in columns.enumerated() {
                let col: Column
                switch kinds[c] {
                case nil: col = .numeric(NumericColumn(values: [Double](repeating: 0, count: pending[c]),
                                                       isPresent: [Bool](repeating: false, count: pending[c])))
                case .numeric?: col = .numeric(numbers[c])
                case .text?: col = .text(texts[c])
                }
                do { try table.add(name, col) } catch { preconditionFailure("\(error)") }
                numbers[c] = NumericColumn()
                texts[c] = TextColumn()
                interners[c] = TextColumnInterner()
                pending[c] = 0
            }
            try body(table, lines)
            lines.removeAll(keepingCapacity: true)
        }

        do {
            while try reader.next() {
                guard reader.fieldCount == width else {
                    throw CSVError(file: name, line: reader.recordLine, column: 0,
                                   kind: .raggedRow(expected: width, actual: reader.fieldCount))
                }
                for (c, fi) in index.enumerated() {
                    let field = reader.field(fi)
                    if CSVValue.isMissingToken(field) {
                        switch kinds[c] {
                        case nil: pending[c] += 1
                        case .numeric?: numbers[c].append(nil)
                        case .text?: texts[c].codes.append(-1)
                        }
                        continue
                    }
                    switch kinds[c] {
                    case .numeric?:
                        guard let v = CSVValue.double(field) else {
                            let shown = String(decoding: field.prefix(60), as: UTF8.self)
                            throw StreamingFitError.located(
                                file: name, line: reader.recordLine, column: fi + 1,
                                message: "'\(shown)' in column '\(columns[c])' is not a number, but the column's first value was; a streaming fit decides a column's type from its first non-missing value (read in memory, without --stream, the whole column would be text)")
                        }
                        numbers[c].append(v)
                    case .text?:
                        texts[c].codes.append(interners[c].canonicalCode(field, in: &texts[c]))
                    case nil:
                        if let v = CSVValue.double(field) {
                            kinds[c] = .numeric
                            for _ in 0..<pending[c] { numbers[c].append(nil) }
                            numbers[c].append(v)
                        } else {
                            kinds[c] = .text
                            texts[c].codes.append(contentsOf: [Int32](repeating: -1, count: pending[c]))
                            texts[c].codes.append(interners[c].canonicalCode(field, in: &texts[c]))
                        }
                        pending[c] = 0
                    }
                }
                lines.append(reader.recordLine)
                if lines.count == blockRows { try emit() }
            }
            try emit()
        } catch let e as CSVError {
            throw .csv(rename(e))
        } catch let e as StreamingFitError {
            throw e
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

/// A table in memory handed out in blocks of rows (for tests, and for data already split
/// into chunks).
public struct DataTableBlockSource: TableBlockSource, Sendable {
    /// The table.
    public let table: DataTable
    /// Rows per block.
    public let blockRows: Int
    /// Name used in errors.
    public let name: String

    /// Blocks of `blockRows` rows of `table`.
    public init(_ table: DataTable, blockRows: Int, name: String = "table") {
        self.table = table
        self.blockRows = max(1, blockRows)
        self.name = name
    }

    public func columnNames() throws(StreamingFitError) -> [String] { table.names }

    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(StreamingFitError) -> Void) throws(StreamingFitError) {
        var start = 0
        while start < table.rowCount {
            let r = start..<min(table.rowCount, start + blockRows)
            var block = DataTable()
            for c in columns {
                guard let col = table.column(named: c) else { throw .design(.data(.missingColumn(c, available: table.names))) }
                let part: Column
                switch col {
                case .numeric(let n): part = .numeric(NumericColumn(values: Array(n.values[r]), isPresent: Array(n.isPresent[r])))
                case .text(let t): part = .text(TextColumn(r.map { t[$0] }))
                }
                do { try block.add(c, part) } catch { preconditionFailure("\(error)") }
            }
            try body(block, nil)
            start = r.upperBound
        }
    }
}

/// A linear model fitted from a formula over data read block by block — a CSV file larger
/// than memory, say — in one pass with `O(p²)` memory (two passes for a robust covariance
/// or the residual summary).
///
/// The design follows ``DesignMatrix`` row by row (same functions, same listwise deletion
/// and reasons, same column names and order, same treatment coding with `C(g, ref=…)`),
/// and the fit follows ``LinearRegression`` (same rank decision, covariance estimators and
/// notes); see ``QRAccumulator`` for how the rows are folded into an `R` factor, and
/// ``StreamingFit`` for how it is solved.
///
/// **Categorical levels** are discovered while streaming: every level (or combination of
/// levels, in an interaction) seen among the kept rows adds an accumulated column; at the
/// end the reference levels are dropped and the columns ordered by re-factoring `R`. The
/// number of accumulated columns is capped at ``QRAccumulator/maximumColumns`` (1024), well
/// above the 256-term cap of formulas — but a factor with thousands of levels (a company
/// name) does not fit; use it as the cluster variable, not as a regressor.
///
/// **Precision.** Rows are folded in Float80 while the design has at most
/// ``extendedPrecisionColumnLimit`` accumulated columns; beyond that the accumulator is
/// rounded once to double and continues with LAPACK `dtpqrt` (`precision:` overrides this).
///
/// **Passes.** Classical inference needs one pass. `HC0`–`HC3` and `cluster` need the
/// residuals, hence a second pass once `β̂` and `R` are known (``ResidualAccumulator``);
/// `residualSummary: true` also makes a second pass, storing the `n` whitened residuals
/// (8 bytes each) for the exact five-number summary. Durbin–Watson needs no second pass
/// (``QRAccumulator`` keeps a factor of the differenced rows); when a second pass is made
/// anyway, it is computed there from the residuals and the factor is not kept.
/// The cluster-robust covariance holds `G × p` sums for `G` clusters.
///
/// ```swift
/// let fit = try StreamingFormulaFit(formula: "log(y) ~ log(x) + C(region)", csvFile: "big.csv",
///                                   covariance: .hc1)
/// print(fit.result.coefficients, fit.exclusions)
/// ```
public struct StreamingFormulaFit: Sendable {
    /// Accumulated columns up to which rows are folded in Float80 by default.
    public static let extendedPrecisionColumnLimit = 64

    /// The formula as given.
    public let formula: String
    /// Design column names, as ``DesignMatrix/termNames``.
    public let termNames: [String]
    /// The terms and their columns, as ``DesignMatrix/terms``.
    public let terms: [DesignTerm]
    /// Term index of each column, as ``DesignMatrix/assign``.
    public let assign: [Int]
    /// Levels of the categorical factors, as ``DesignMatrix/categoricalLevels``.
    public let categoricalLevels: [CategoricalLevels]
    /// Rows read and excluded, by reason (from the first pass).
    public let exclusions: RowExclusions
    /// The solved fit (for further inference without re-reading classical parts).
    public let fit: StreamingFit
    /// Coefficients and inference.
    public let result: StreamingRegressionResult
    /// Name of the weights column, if any.
    public let weightsColumn: String?
    /// Name of the cluster column, if any.
    public let clusterColumn: String?
    /// Passes made over the data (1 or 2).
    public let passes: Int
    /// Accumulated columns before the reference levels were dropped.
    public let accumulatedColumns: Int
    /// The precision the accumulator ended in.
    public let precision: QRAccumulator.Precision

    /// Design entries per block handed to the accumulator at most (8 MB of doubles): wide
    /// designs (hundreds of level columns) are passed on in fewer rows at a time.
    static let blockElements = 1 << 20

    /// Evaluated blocks the reading thread may have ready ahead of the accumulator (with
    /// `threads` ≥ 2): one keeps both threads busy (a block takes about as long to evaluate
    /// as to fold in) and holds the least memory.
    static let blocksAhead = 1

    /// One evaluated block on its way from the reading stage to the accumulator.
    struct Block: Sendable {
        var x: Matrix
        var low: Matrix?
        var response: [Double]
        var weights: [Double]?
        var clusters: [Int]?
        /// Names of the accumulated columns this block introduces.
        var newColumns: [String]
        /// The first pass's checks and response moments of an unweighted block, made by the
        /// reading stage (``QRAccumulator/summarize(_:response:lowOrder:)``).
        var summary: QRAccumulator.BlockSummary? = nil
        /// Rows handed to the first pass's accumulators before this block (all of them:
        /// the ones the reading stage folds too), for the row numbers of errors.
        var firstRow: Int = 0
    }

    /// The first pass's split: whether the reading stage folds part number `part` (counting
    /// every part handed on, from 0) into its own factor, with every `readerShare`-th part
    /// (the last of each group of `readerShare`) its own; never a part that introduces
    /// columns. The same parts whatever the thread count.
    static func readerFolds(part: Int, readerShare: Int, newColumns: [String]) -> Bool {
        readerShare >= 2 && newColumns.isEmpty && part % readerShare == readerShare - 1
    }

    /// `error` with a non-finite value's row (counted by an accumulator that has seen `seen`
    /// rows) renumbered from `firstRow`, the rows of both first-pass accumulators before the block.
    static func renumbered(_ error: any Error, seen: Int, firstRow: Int) -> StreamingFitError {
        if case RegressionError.nonFinite(let column, let row, let value)? = error as? RegressionError {
            return .regression(RegressionError.nonFinite(column: column, row: firstRow + row - seen, value: value))
        }
        return .regression(error)
    }

    /// The source's numeric blocks and the plan that reads the design from them, when the
    /// source hands out every used column as numbers (``NumericBlockSource``) and the
    /// formula has the shape ``StreamingModelFrame/NumericPlan`` reads; the frame is then
    /// resolved with those columns numeric, as their blocks would resolve it. `nil`: the
    /// pass reads ``DataTable`` blocks.
    static func numericPath(_ source: some TableBlockSource,
                            _ box: ProducerState<StreamingModelFrame>) -> ((any NumericBlockSource), StreamingModelFrame.NumericPlan)? {
        guard let numeric = source as? any NumericBlockSource else { return nil }
        let names = numeric.numericColumnNames
        guard box.value.used.allSatisfy(names.contains) else { return nil }
        var frame = box.value
        guard (try? frame.resolveAllNumeric()) != nil, let plan = frame.numericPlan(precomputed: numeric.precomputedFactors) else { return nil }
        box.value = frame
        return (numeric, plan)
    }

    /// A block's design, low-order part and responses in parts of at most
    /// ``blockElements`` design entries (rows in order), as ``StreamingModelFrame/BlockRows/split(maxElements:width:)`` splits them.
    static func parts(_ x: Matrix, _ low: Matrix?, _ response: [Double]) -> [(Matrix, Matrix?, [Double])] {
        let step = max(1, blockElements / max(1, x.columns))
        if x.rows <= step { return [(x, low, response)] }
        func rows(_ m: Matrix, _ r: Range<Int>) -> Matrix {
            var out = Matrix(rows: r.count, columns: m.columns)
            for j in 0..<m.columns { for i in r { out[i - r.lowerBound, j] = m[i, j] } }
            return out
        }
        var out: [(Matrix, Matrix?, [Double])] = []
        var start = 0
        while start < x.rows {
            let r = start..<min(x.rows, start + step)
            out.append((rows(x, r), low.map { rows($0, r) }, Array(response[r])))
            start = r.upperBound
        }
        return out
    }

    /// Fits `formula` over a CSV file read in blocks of `blockRows` rows (see ``CSVBlockSource``).
    public init(formula: String, csvFile path: String, displayName: String? = nil, covariance: CovarianceType = .classical,
                cluster: String? = nil, weights: String? = nil, level: Double = 0.95, residualSummary: Bool = false,
                precision: QRAccumulator.Precision? = nil, blockRows: Int = 4096, threads: Int = 1,
                durbinWatson: Bool = true) throws(StreamingFitError) {
        try self.init(formula: formula, source: CSVBlockSource(path: path, name: displayName, blockRows: blockRows),
                      covariance: covariance, cluster: cluster, weights: weights, level: level,
                      residualSummary: residualSummary, precision: precision, threads: threads, durbinWatson: durbinWatson)
    }

    /// Fits `formula` over the blocks of `source`.
    ///
    /// - Parameters:
    ///   - covariance: the estimator; robust ones make a second pass.
    ///   - cluster: column defining clusters (text or numeric), required for `.cluster`; rows
    ///     missing it are excluded (as in ``FormulaFit``).
    ///   - weights: column of positive WLS weights.
    ///   - residualSummary: make a second pass that stores the residuals for their five-number summary.
    ///   - precision: `nil` for Float80 up to ``extendedPrecisionColumnLimit`` columns, then double.
    ///   - threads: 2 reads and evaluates blocks on a second thread while the calling thread
    ///     folds them in; the blocks are processed in the same order as with 1, so the
    ///     result is the same to the last bit.
    ///   - durbinWatson: in a one-pass fit, keep the differenced factor that gives
    ///     Durbin–Watson (about a third of the cost of folding a block in); `false` leaves
    ///     it NaN, for a caller that computes it in a pass of its own. A second pass
    ///     computes it from the residuals either way.
    ///   - readerShare: 0 (the default): the calling thread folds every block of the first
    ///     pass into one factor, in file order. k ≥ 2: the reading stage folds every k-th
    ///     block (the last of each group of k, counting the blocks handed on; never one that
    ///     introduces columns) into a second factor of its own, merged below the first at the
    ///     end (``QRAccumulator/merge(_:)``) — the work of the first pass shared between the
    ///     threads when evaluating a block costs less than folding it in. The same blocks
    ///     and merge whatever `threads` is, so the result is the same bits with 1 thread or 2;
    ///     it differs from the single chain's in the last bits only (both are Householder QRs
    ///     of the same rows, backward stable). Ignored (a single chain) when the first pass
    ///     keeps the Durbin–Watson factor, whose differences need consecutive blocks.
    public init(formula: String, source: some TableBlockSource, covariance: CovarianceType = .classical,
                cluster: String? = nil, weights: String? = nil, level: Double = 0.95, residualSummary: Bool = false,
                precision: QRAccumulator.Precision? = nil, threads: Int = 1,
                durbinWatson: Bool = true, readerShare: Int = 0) throws(StreamingFitError) {
        if covariance == .cluster && cluster == nil {
            throw .column("cluster-robust standard errors need a cluster column")
        }
        guard level > 0 && level < 1 else { throw .regression(RegressionError.invalidLevel(level)) }
        let parsed: Formula
        do { parsed = try Formula(formula) } catch { throw .design(.formula(error)) }
        let header = try source.columnNames()
        var frame: StreamingModelFrame
        do { frame = try StreamingModelFrame(formula: parsed, columns: header, weights: weights, cluster: cluster) } catch {
            throw .design(error)
        }
        let columns = frame.used
        let file = source.name
        let box = ProducerState(frame)

        // Pass 1: the R factor of [X | y] over the accumulated columns.
        // Durbin–Watson comes from the differenced factor in a one-pass fit, from the
        // residuals when there is a second pass anyway (then the factor is not kept).
        let secondPass = covariance != .classical || residualSummary
        var acc = QRAccumulator(columns: 0, weighted: weights != nil, precision: precision ?? .extended,
                                durbinWatson: durbinWatson && !secondPass)
        // The reading stage's own factor (readerShare ≥ 2), merged below `acc` at the end.
        let share = acc.tracksDurbinWatson ? 0 : readerShare
        let reader = ProducerState(QRAccumulator(columns: 0, weighted: weights != nil, precision: precision ?? .extended,
                                                 durbinWatson: false))
        try StreamingPipeline.run(threads: threads, capacity: Self.blocksAhead, produce: { (emit: (Block) throws(StreamingFitError) -> Void) throws(StreamingFitError) in
            var announced = 0
            var part = 0, rowsHanded = 0
            // Hands a block on, or folds it into the reading stage's factor (its columns
            // kept in step with the blocks' announcements; Float80 only while the calling
            // thread's factor is, when the precision is chosen by width).
            func handOn(_ b: Block) throws(StreamingFitError) {
                var b = b
                b.firstRow = rowsHanded
                rowsHanded += b.x.rows
                defer { part += 1 }
                if share >= 2 {
                    do { try reader.value.appendColumns(names: b.newColumns) } catch { throw .regression(error) }
                    if Self.readerFolds(part: part, readerShare: share, newColumns: b.newColumns)
                        && (precision != nil || reader.value.columns <= Self.extendedPrecisionColumnLimit) {
                        let seen = reader.value.count
                        do {
                            if let summary = b.summary, b.weights == nil {
                                try reader.value.add(b.x, response: b.response, lowOrder: b.low, summary: summary)
                            } else {
                                try reader.value.add(b.x, response: b.response, weights: b.weights, lowOrder: b.low)
                            }
                        } catch { throw Self.renumbered(error, seen: seen, firstRow: b.firstRow) }
                        return
                    }
                }
                try emit(b)
            }
            if let (numeric, plan) = Self.numericPath(source, box) {
                var kept: [Int] = [], response: [Double] = []
                try numeric.forEachNumericBlock(columns: columns, precomputed: plan.precomputed) { (block) throws(StreamingFitError) in
                    guard let (x, lo) = box.value.evaluateNumeric(block, plan: plan, kept: &kept, response: &response) else { return }
                    let width = box.value.accumulatedColumns
                    var names = (announced..<width).map { box.value.termName(box.value.columnKeys[$0]) }
                    announced = width
                    for (px, plo, py) in Self.parts(x, lo, response) {
                        try handOn(Block(x: px, low: plo, response: py, weights: nil, clusters: nil, newColumns: names,
                                         summary: QRAccumulator.summarize(px, response: py, lowOrder: plo)))
                        names = []
                    }
                }
                return
            }
            var rows = StreamingModelFrame.BlockRows()   // reused from block to block
            try source.forEachBlock(columns: columns) { (block, lines) throws(StreamingFitError) in
                try box.value.evaluate(block, lines: lines, file: file, wantClusters: false, into: &rows)
                if rows.rows.isEmpty { return }
                let width = box.value.accumulatedColumns
                var names = (announced..<width).map { box.value.termName(box.value.columnKeys[$0]) }
                announced = width
                for part in rows.split(maxElements: Self.blockElements, width: width) {
                    let (x, lo) = box.value.matrices(part, width: width)
                    try handOn(Block(x: x, low: lo, response: part.response, weights: part.weights, clusters: nil, newColumns: names))
                    names = []
                }
            }
        }, consume: { (b: Block) throws(StreamingFitError) in
            let seen = acc.count
            do {
                try acc.appendColumns(names: b.newColumns)
                if precision == nil && acc.precision == .extended && acc.columns > Self.extendedPrecisionColumnLimit {
                    acc = acc.converted(to: .double)
                }
                if let summary = b.summary, b.weights == nil {
                    try acc.add(b.x, response: b.response, lowOrder: b.low, summary: summary)
                } else {
                    try acc.add(b.x, response: b.response, weights: b.weights, lowOrder: b.low)
                }
            } catch { throw Self.renumbered(error, seen: seen, firstRow: b.firstRow) }
        })
        if reader.value.count > 0 {
            do {
                var tail = reader.value
                // Columns the last blocks announced after the reading stage's last fold.
                if tail.columns < acc.columns { try tail.appendColumns(names: Array(acc.columnNames[tail.columns...])) }
                if tail.precision != acc.precision { tail = tail.converted(to: acc.precision) }
                try acc.merge(tail)
            } catch { throw .regression(error) }
        }
        let exclusions = box.value.exclusions
        let layout: StreamingModelFrame.Layout
        do { layout = try box.value.finish() } catch { throw .design(error) }
        let fit: StreamingFit
        do {
            let final = try acc.selecting(layout.source, names: layout.names)
            fit = try final.fit(hasIntercept: parsed.hasIntercept)
        } catch { throw .regression(error) }

        // Pass 2 (robust covariance or residual summary): residuals with β̂ and R known.
        var passes = 1
        let result: StreamingRegressionResult
        if secondPass {
            passes = 2
            var second = fit.residualAccumulator(covariance: covariance, keepResiduals: residualSummary)
            let width = layout.names.count
            try StreamingPipeline.run(threads: threads, capacity: Self.blocksAhead, produce: { (emit: (Block) throws(StreamingFitError) -> Void) throws(StreamingFitError) in
                if covariance != .cluster, let (numeric, plan) = Self.numericPath(source, box) {
                    var kept: [Int] = [], response: [Double] = []
                    try numeric.forEachNumericBlock(columns: columns, precomputed: plan.precomputed) { (block) throws(StreamingFitError) in
                        guard let (x, lo) = box.value.evaluateNumeric(block, plan: plan, kept: &kept, response: &response) else { return }
                        for (px, plo, py) in Self.parts(x, lo, response) {
                            try emit(Block(x: px, low: plo, response: py, weights: nil, clusters: nil, newColumns: []))
                        }
                    }
                    return
                }
                var rows = StreamingModelFrame.BlockRows()
                try source.forEachBlock(columns: columns) { (block, lines) throws(StreamingFitError) in
                    try box.value.evaluate(block, lines: lines, file: file, wantClusters: covariance == .cluster, into: &rows)
                    if rows.rows.isEmpty { return }
                    for part in rows.split(maxElements: Self.blockElements, width: width) {
                        let (x, lo) = box.value.matrices(part, width: width)
                        try emit(Block(x: x, low: lo, response: part.response, weights: part.weights, clusters: part.clusters, newColumns: []))
                    }
                }
            }, consume: { (b: Block) throws(StreamingFitError) in
                do {
                    try second.add(b.x, response: b.response, weights: b.weights, clusters: b.clusters, lowOrder: b.low)
                } catch { throw .regression(error) }
            })
            let frame = box.value
            guard frame.keptRows == fit.n, frame.exclusions == exclusions else {
                throw .inconsistentInput("the second pass read \(frame.totalRows) rows and kept \(frame.keptRows), the first \(exclusions.totalRows) and \(fit.n) (did the file change?)")
            }
            do { result = try fit.result(residuals: second, level: level) } catch { throw .regression(error) }
        } else {
            do { result = try fit.result(level: level) } catch { throw .regression(error) }
        }
        self.formula = formula
        self.termNames = layout.names
        self.terms = layout.terms
        self.assign = layout.assign
        self.categoricalLevels = layout.levels
        self.exclusions = exclusions
        self.fit = fit
        self.result = result
        self.weightsColumn = weights
        self.clusterColumn = covariance == .cluster ? cluster : nil
        self.passes = passes
        self.accumulatedColumns = acc.columns
        self.precision = acc.precision
    }
}

