/// One block of rows of a ``NumericBlockSource``: the requested numeric columns and
/// precomputed factors side by side in one buffer, valid only during the call that hands
/// it out.
///
/// With `c` columns requested and `rows` rows, column `k`'s values are at
/// `values[k · rows ..< (k + 1) · rows]` and its presence at the same range of `present`
/// (a value where it is absent is meaningless); precomputed factor `j`'s values (as
/// ``PrecomputedFactor/evaluate(_:over:)`` gives them) are at `values[(c + 2j) · rows …]`
/// and their low-order parts right after them.
public struct NumericColumnsBlock {
    /// Rows in the block.
    public let rows: Int
    /// Columns in ``values``: the requested columns and two per precomputed factor.
    public let columnCount: Int
    /// The values, column after column.
    public let values: UnsafeBufferPointer<Double>
    /// Presence of the requested columns, column after column.
    public let present: UnsafeBufferPointer<Bool>

    /// A block of `rows` rows over `values` (`columnCount × rows`) and `present`.
    public init(rows: Int, columnCount: Int, values: UnsafeBufferPointer<Double>, present: UnsafeBufferPointer<Bool>) {
        precondition(values.count >= rows * columnCount, "NumericColumnsBlock: too few values")
        self.rows = rows
        self.columnCount = columnCount
        self.values = values
        self.present = present
    }
}

/// A ``TableBlockSource`` that can also hand out its numeric columns directly, in the same
/// blocks of rows as ``TableBlockSource/forEachBlock(columns:_:)`` and with the same values,
/// without a ``DataTable`` per block: a streaming fit of a numeric formula
/// (``StreamingFormulaFit``) then reads its design straight from them.
public protocol NumericBlockSource: TableBlockSource {
    /// The columns ``forEachNumericBlock(columns:precomputed:_:)`` hands out; each is
    /// numeric in the blocks of ``TableBlockSource/forEachBlock(columns:_:)`` too.
    var numericColumnNames: [String] { get }
    /// The function-call factors (``PrecomputedFactor/isPrecomputable(_:)``) whose values
    /// and low-order parts it hands out precomputed.
    var precomputedFactors: [FormulaExpression] { get }
    /// Calls `body` with consecutive blocks holding `columns` (from ``numericColumnNames``)
    /// and `precomputed` (from ``precomputedFactors``), the rows of each block those of the
    /// matching block of ``TableBlockSource/forEachBlock(columns:_:)``.
    func forEachNumericBlock(columns: [String], precomputed: [FormulaExpression],
                             _ body: (NumericColumnsBlock) throws(StreamingFitError) -> Void) throws(StreamingFitError)
}

/// The design of a numeric formula read straight from the blocks of a
/// ``NumericBlockSource`` (``NumericColumnsBlock``): exactly what ``DesignMatrix`` builds
/// from the matching ``DataTable`` block — the same kept rows, response, design entries and
/// low-order parts, to the bit — without the table and its per-block allocations.
///
/// It takes formulas whose response is a column or a function of one (`log(y)`) and whose
/// terms are the intercept or one numeric factor each: a column, or a function call the
/// source hands out precomputed (``NumericBlockSource/precomputedFactors``). Whole-number
/// responses below 4,096 take the function's value from a table of its own values.
public struct NumericBlockDesign: Sendable {
    var frame: StreamingModelFrame
    let plan: StreamingModelFrame.NumericPlan
    /// Kept rows of the last block (indices in the block).
    public private(set) var keptRows: [Int] = []
    /// Responses of the kept rows of the last block.
    public private(set) var response: [Double] = []

    /// The design of `formula` over blocks with the named numeric columns and
    /// `precomputed` factors, or `nil` when the formula is not of the shape read here (or
    /// does not resolve).
    public init?(formula: Formula, numericColumns: [String], precomputed: [FormulaExpression]) {
        guard let f = try? StreamingModelFrame(formula: formula, columns: numericColumns, weights: nil, cluster: nil) else { return nil }
        var frame = f
        guard (try? frame.resolveAllNumeric()) != nil, let plan = frame.numericPlan(precomputed: precomputed) else { return nil }
        self.frame = frame
        self.plan = plan
    }

    /// The columns each block must hold, in order.
    public var columns: [String] { frame.used }
    /// The precomputed factors each block must hold, in order.
    public var precomputed: [FormulaExpression] { plan.precomputed }
    /// The design's column names, as ``DesignMatrix/termNames``.
    public var termNames: [String] {
        frame.codings.map { c in
            if case .numeric(let f)? = c.parts.first { return f.displayName }
            return "(Intercept)"
        }
    }
    /// The response as written, as ``DesignMatrix/responseName``.
    public var responseName: String { frame.response.text }
    /// Rows seen and excluded so far, by reason (as ``DesignMatrix/exclusions`` over all the blocks).
    public var exclusions: RowExclusions { frame.exclusions }

    /// The design of one block (kept rows × ``termNames``) and its low-order part (`nil`
    /// when zero), as ``DesignMatrix`` builds them; ``keptRows`` and ``response`` hold the
    /// block's kept rows and responses. `nil` when no row is kept.
    public mutating func evaluate(_ block: NumericColumnsBlock) -> (x: Matrix, lowOrder: Matrix?)? {
        frame.evaluateNumeric(block, plan: plan, kept: &keptRows, response: &response).map { ($0.x, $0.low) }
    }
}
