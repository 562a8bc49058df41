import StatKit

/// The regression table of a join (``FundamentalsJoin/regressionTable(events:fundamentals:columns:)``)
/// handed out in blocks of rows, each built from the event and fundamentals columns when it
/// is needed: a fit over the joined events (`LinearModel.fit(_:source:weights:covariance:level:options:observer:)`)
/// never holds the `n`-row table, only one block at a time.
///
/// Block `b` holds rows `b·blockRows ..< (b + 1)·blockRows` of the regression table, in
/// event order, with exactly its columns and cells: text columns share the events' levels,
/// numeric ones are missing where the table has them missing. Rows carry no line numbers.
public struct RegressionBlockSource: TableBlockSource, Sendable {
    /// The joined events.
    public let events: EventTable
    /// The fundamentals they were joined to.
    public let fundamentals: FundamentalsTable
    /// The join of `events` to `fundamentals`.
    public let join: FundamentalsJoin
    /// Name used in error messages.
    public let name: String
    /// Rows per block.
    public let blockRows: Int

    /// A source over the regression table of `join` (made from `events` and `fundamentals`),
    /// `blockRows` rows at a time.
    public init(events: EventTable, fundamentals: FundamentalsTable, join: FundamentalsJoin,
                name: String = "joined events", blockRows: Int = 8192) {
        self.events = events
        self.fundamentals = fundamentals
        self.join = join
        self.name = name
        self.blockRows = max(1, blockRows)
    }

    /// Rows of the regression table (one per event).
    public var rowCount: Int { events.count }

    public func columnNames() throws(RegressionError) -> [String] { FundamentalsJoin.regressionColumnNames }

    public func forEachBlock(columns: [String], _ body: (DataTable, [Int]?) throws(RegressionError) -> Void) throws(RegressionError) {
        for c in columns where !FundamentalsJoin.regressionColumnNames.contains(c) {
            throw .missingColumn(c, available: FundamentalsJoin.regressionColumnNames)
        }
        var start = 0
        while start < events.count {
            let end = min(events.count, start + blockRows)
            try body(block(start..<end, columns: columns), nil)
            start = end
        }
    }

    /// Rows `range` of the regression table, with the named columns (in that order).
    public func block(_ range: Range<Int>, columns: [String]) -> DataTable {
        func text(_ c: TextColumn) -> Column {
            var t = c   // the levels are shared, not copied
            t.codes = Array(c.codes[range])
            return .text(t)
        }
        func numeric(_ c: NumericColumn) -> Column {
            .numeric(NumericColumn(values: Array(c.values[range]), isPresent: Array(c.isPresent[range])))
        }
        func fromRow(_ c: NumericColumn) -> Column { .numeric(join.matched(c, events: range)) }
        var table = DataTable()
        for name in columns where table.column(named: name) == nil {
            let col: Column
            switch name {
            case "company": col = text(events.filled(events.company))
            case "industry": col = text(events.filled(events.industry))
            case "country": col = text(events.filled(events.country))
            case "stage": col = text(events.filled(events.stage))
            case "total_laid_off": col = numeric(events.cut)
            case "percentage_laid_off": col = numeric(events.fraction)
            case "funds_raised": col = numeric(events.filled(events.fundsRaised))
            case "employees": col = fromRow(fundamentals.employees)
            case "revenue": col = fromRow(fundamentals.revenue)
            case "revenue_growth": col = fromRow(fundamentals.revenueGrowth)
            case "workforce": col = numeric(join.workforce.values)
            case "year": col = .numeric(NumericColumn(values: events.day[range].map { Double($0.year) },
                                                     isPresent: [Bool](repeating: true, count: range.count)))
            default: continue
            }
            do { try table.add(name, col) } catch { preconditionFailure("\(error)") }
        }
        return table
    }
}
