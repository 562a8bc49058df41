/// The values of a transformed formula factor computed ahead of the design, e.g. once per
/// row of a table that many rows of the model table point to (`log(employees)` once per
/// fundamentals row, gathered per event), instead of once per row of every block.
///
/// ``evaluate(_:over:)`` gives, at every row of a table, exactly what ``DesignMatrix`` puts
/// in its design for that factor: the double value (``DesignMatrix/x``) and its low-order
/// part (``DesignMatrix/lowOrder``). Gathered to the rows of a model table and attached with
/// ``DataTable/addPrecomputed(_:values:lowOrder:)``, they are used by ``DesignMatrix`` and the
/// streaming fits in place of evaluating the expression: the design is the same bit for bit.
///
/// Only functions of their argument (`log(x)`, `sqrt(x)`, … — ``isPrecomputable(_:)``) are
/// taken from precomputed columns; other expressions are always evaluated.
public enum PrecomputedFactor {
    /// Whether ``DesignMatrix`` takes `expression` from precomputed columns when a table has
    /// them: a function call (its double value is its Float80 value rounded once).
    public static func isPrecomputable(_ expression: FormulaExpression) -> Bool {
        DesignBuilder.roundsFromExtended(expression)
    }

    /// The names of the two hidden columns that carry `expression`'s precomputed values and
    /// low-order parts in a ``DataTable`` (they start with a control character, so no CSV
    /// header or formula names them).
    public static func columnNames(_ expression: FormulaExpression) -> (value: String, low: String) {
        let key = String(describing: expression)
        return ("\u{1}value \(key)", "\u{1}low \(key)")
    }

    /// `expression` (a precomputable one, ``isPrecomputable(_:)``) at every row of `table`:
    /// the double value ``DesignMatrix`` would put in its design and the low-order part
    /// (Float80 value minus the double; 0 where the value is not finite). Values at rows
    /// where a column is missing are meaningless, as in the design they never reach.
    public static func evaluate(_ expression: FormulaExpression, over table: DataTable) -> (values: [Double], lowOrder: [Double]) {
        precondition(isPrecomputable(expression), "only function calls are precomputed")
        let c = DesignBuilder(data: table).evaluateFactor(expression)
        return (c.values, c.low ?? [Double](repeating: 0, count: c.values.count))
    }
}

extension DataTable {
    /// Attaches the precomputed values and low-order parts of `expression` at this table's
    /// rows (from ``PrecomputedFactor/evaluate(_:over:)``, gathered), as two hidden columns
    /// named by ``PrecomputedFactor/columnNames(_:)``. ``DesignMatrix`` and the streaming fits
    /// use them for `expression` instead of evaluating it; the caller guarantees they are
    /// the values ``PrecomputedFactor/evaluate(_:over:)`` gives for each row's columns.
    public mutating func addPrecomputed(_ expression: FormulaExpression, values: [Double], lowOrder: [Double]) throws(DataTableError) {
        let names = PrecomputedFactor.columnNames(expression)
        let present = [Bool](repeating: true, count: values.count)
        try add(names.value, .numeric(NumericColumn(values: values, isPresent: present)))
        try add(names.low, .numeric(NumericColumn(values: lowOrder, isPresent: present)))
    }
}
