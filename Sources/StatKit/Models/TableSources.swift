/// Data that can be read block by block, from the start, as many times as needed (once
/// per pass of a fit): a CSV file (``CSVBlockSource``), a table in memory
/// (``DataTableBlockSource``), or rows gathered from elsewhere.
public protocol TableBlockSource: Sendable {
    /// Name used in error messages (a file name).
    var name: String { get }
    /// The names of the columns, in order.
    func columnNames() throws(RegressionError) -> [String]
    /// Calls `body` with consecutive blocks of rows, from the first row on; each block holds
    /// (at least) the named columns, with types that do not change from block to block (a
    /// column with only missing values in a block may come as numeric). `lines` gives each
    /// row's physical line for error messages, or is `nil`.
    func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(RegressionError) -> Void) throws(RegressionError)
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

    private func open() throws(RegressionError) -> (CSVReader, [String]) {
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

    public func columnNames() throws(RegressionError) -> [String] { try open().1 }

    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(RegressionError) -> Void) throws(RegressionError) {
        let (reader, header) = try open()
        let width = header.count
        var index: [Int] = []
        for c in columns {
            guard let i = header.firstIndex(of: c) else { throw .missingColumn(c, available: header) }
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

        func emit() throws(RegressionError) {
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
                            throw RegressionError.located(
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
        } catch let e as RegressionError {
            throw e
        } catch {
            preconditionFailure("unexpected error \(error)")
        }
    }
}

/// A table in memory handed out in blocks of rows: how a fit reads a ``DataTable``, so
/// that no more than a block of its design exists at a time.
public struct DataTableBlockSource: TableBlockSource, Sendable {
    /// The table.
    public let table: DataTable
    /// Rows per block.
    public let blockRows: Int
    /// Name used in errors.
    public let name: String

    /// Blocks of `blockRows` rows of `table`.
    public init(_ table: DataTable, blockRows: Int = 4096, name: String = "table") {
        self.table = table
        self.blockRows = max(1, blockRows)
        self.name = name
    }

    public func columnNames() throws(RegressionError) -> [String] { table.names }

    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(RegressionError) -> Void) throws(RegressionError) {
        var start = 0
        while start < table.rowCount {
            let r = start..<min(table.rowCount, start + blockRows)
            var block = DataTable()
            for c in columns {
                guard let col = table.column(named: c) else { throw .missingColumn(c, available: table.names) }
                let part: Column
                switch col {
                case .numeric(let n): part = .numeric(NumericColumn(values: Array(n.values[r]), isPresent: Array(n.isPresent[r])))
                case .text(let t): part = .text(TextColumn(viewCodes: t.codes[r], levels: t.levels))
                }
                do { try block.add(c, part) } catch { preconditionFailure("\(error)") }
            }
            try body(block, nil)
            start = r.upperBound
        }
    }
}
