/// Consecutive rows of a design, as the least-squares passes read them: the model matrix
/// (column-major), its low-order part where columns were computed beyond double
/// precision, the response, and per-row weights and cluster codes when the model has them.
struct DesignBlock: Sendable {
    /// `rows × p` model matrix.
    var x: Matrix
    /// `x + low` is the design to about 106 bits where a column is a product or power
    /// (`I(x^10)`); `nil` when every entry is exact in double.
    var low: Matrix?
    /// The response, one per row.
    var y: [Double]
    /// Positive weights (WLS), or `nil`.
    var weights: [Double]? = nil
    /// The offset of each row (`offset(…)` terms, summed), or `nil`.
    var offset: [Double]? = nil
    /// Cluster codes per row, one array per cluster column asked for (`0..<G`, in order of
    /// first appearance across blocks), when a cluster-robust covariance needs them.
    var clusters: [[Int32]] = []
    /// Each row's position in the source (0-based data rows: table rows, or records after
    /// a CSV header), for per-row output.
    var sourceRows: [Int] = []

    var rows: Int { x.rows }
    var columns: Int { x.columns }

    /// The block in consecutive parts of at most `maxElements` design entries (itself when
    /// it is that small).
    func parts(maxElements: Int) -> [DesignBlock] {
        let step = max(1, maxElements / max(1, columns))
        if rows <= step { return [self] }
        return stride(from: 0, to: rows, by: step).map { start in
            let r = start..<min(rows, start + step)
            func slice(_ m: Matrix) -> Matrix {
                var out = Matrix(rows: r.count, columns: m.columns)
                for j in 0..<m.columns { for i in r { out[i - start, j] = m[i, j] } }
                return out
            }
            return DesignBlock(x: slice(x), low: low.map(slice), y: Array(y[r]), weights: weights.map { Array($0[r]) },
                               offset: offset.map { Array($0[r]) }, clusters: clusters.map { Array($0[r]) },
                               sourceRows: Array(sourceRows[r]))
        }
    }
}

/// Where the rows of a least-squares problem come from: anything that can hand out its
/// design blocks, in order, as many times as the fit needs (once per pass).
///
/// Pass 1 may meet new columns on the way (a categorical level seen for the first time):
/// a block's design then has more columns than the earlier ones, the new ones last, and
/// the earlier rows are taken to be 0 in them. From the second pass on the layout is
/// fixed (``DesignLayout``) and every block has the final columns.
protocol DesignStream: Sendable {
    /// Reads every block. `layout == nil` is the first pass (columns as accumulated);
    /// otherwise the blocks carry `layout`'s columns and the cluster codes of the named
    /// `clusters` columns (a row missing one is an error). With `threads` ≥ 2 the blocks
    /// are read and built on a second thread while `body` runs, in the same order.
    func forEachBlock(layout: DesignLayout?, clusters: [String], threads: Int,
                      _ body: (DesignBlock) throws(RegressionError) -> Void) throws(RegressionError)
    /// After the first pass: the final columns, as a selection of the accumulated ones.
    func layout() throws(RegressionError) -> DesignLayout
    /// The codes of `column` handed out so far (with `clusters`), in the order of its values:
    /// numbers ascending, text by code point (how a time column orders its periods).
    func codesInOrder(_ column: String) throws(RegressionError) -> [Int32]
}

/// The final design columns as a selection and order of the accumulated ones, with names.
struct DesignLayout: Sendable, Equatable {
    /// `source[j]`: the accumulated column that becomes design column `j`.
    var source: [Int]
    /// Column names in design order.
    var names: [String]
    /// Whether the design has an intercept (for R² and F).
    var hasIntercept: Bool
    /// The constant column, when the design has one (left out of the robust Wald F).
    var interceptColumn: Int?
    /// The terms and their columns (one term per column for a matrix fit).
    var terms: [DesignTerm]
    /// Term of each column.
    var assign: [Int]
    /// Categorical factors' levels.
    var levels: [CategoricalLevels] = []
}
