/// The upper-triangular factor `R` of the (whitened) rows `[X | y]` folded in so far: the
/// whole state of a QR factorization that reads each row once, `O(p²)` numbers whatever
/// the number of rows.
///
/// `RᵀR = [X | y]ᵀ[X | y]`, so `R`'s leading `p × p` block is the `R` of `X`, its last
/// column holds `Qᵀy` above the diagonal and `±‖y − Xβ̂‖` on it. A block of rows is folded
/// in by Householder reflections of `R` stacked on the block — in double precision by
/// LAPACK's triangular-pentagonal QR (`dtpqrt`, blocked), or in double-double arithmetic
/// (``DoubleDouble``) by the same reflections written out, for designs whose conditioning
/// needs the extra precision. Both are backward stable like a QR of all rows at once.
struct TriangularFactor: Sendable {
    enum Precision: String, Sendable, Equatable {
        /// LAPACK's double-precision blocked QR.
        case double
        /// Householder QR in double-double arithmetic (about 106 bits).
        case extended
    }

    let precision: Precision
    /// Columns of `[X | y]`: the design's columns and the response, last.
    private(set) var width: Int
    /// Rows folded in.
    private(set) var rows = 0
    /// `R` (double) or its leading parts (extended), `width × width`, column-major.
    private(set) var r: Matrix
    /// The trailing parts of `R` (extended only).
    private var rLow: [Double]

    /// A factor of no rows over `designColumns` columns and the response.
    init(designColumns: Int, precision: Precision) {
        self.precision = precision
        width = designColumns + 1
        r = Matrix(rows: width, columns: width)
        rLow = precision == .extended ? [Double](repeating: 0, count: width * width) : []
    }

    /// Design columns (`width − 1`).
    var designColumns: Int { width - 1 }

    /// `R[i, j]`, rounded to double.
    func element(_ i: Int, _ j: Int) -> Double {
        precision == .double ? r[i, j] : r[i, j] + rLow[i + j * width]
    }

    /// `R[i, j]` to the factor's precision.
    func extendedElement(_ i: Int, _ j: Int) -> DoubleDouble {
        precision == .double ? DoubleDouble(r[i, j]) : DoubleDouble(hi: r[i, j], lo: rLow[i + j * width])
    }

    /// Adds `count` design columns, zero in every row folded so far, after the existing
    /// ones (before the response). `R` stays upper triangular, with zeros on the new
    /// columns' diagonal that later rows fill in.
    mutating func appendColumns(_ count: Int) {
        guard count > 0 else { return }
        let old = width, new = width + count
        func moved(_ a: [Double]) -> [Double] {
            var b = [Double](repeating: 0, count: new * new)
            for j in 0..<old {
                let to = j == old - 1 ? new - 1 : j
                for i in 0...j { b[i + to * new] = a[i + j * old] }
            }
            return b
        }
        r = Matrix(rows: new, columns: new, columnMajor: moved(r.storage))
        if precision == .extended { rLow = moved(rLow) }
        width = new
    }

    /// Folds in a block of rows: design `x` (+ `low`), response `y`, each row multiplied
    /// by `√wᵢ` when `weights` are given (whitening for WLS).
    mutating func fold(_ x: Matrix, low: Matrix?, y: [Double], weights: [Double]?) throws(RegressionError) {
        precondition(x.columns == width - 1 && y.count == x.rows, "block does not match the factor")
        let m = x.rows
        if m == 0 { return }
        switch precision {
        case .double: try foldDouble(x, y: y, weights: weights)
        case .extended: foldExtended(x, low: low, y: y, weights: weights)
        }
        rows += m
    }

    /// Folds in another factor's rows (its `R`): the factor of both sets of rows.
    mutating func merge(_ other: TriangularFactor) throws(RegressionError) {
        precondition(other.width == width, "factors of different widths")
        let p = width - 1
        var x = Matrix(rows: width, columns: p), lo = Matrix(rows: width, columns: p)
        var y = [Double](repeating: 0, count: width)
        for i in 0..<width {
            for j in 0..<p { let e = other.extendedElement(i, j); x[i, j] = e.hi; lo[i, j] = e.lo }
            y[i] = other.element(i, p)
        }
        let keepRows = rows
        try fold(x, low: other.precision == .extended ? lo : nil, y: y, weights: nil)
        rows = keepRows + other.rows
    }

    /// The factor of the same rows restricted to `columns` (design columns, in that order;
    /// -1 for a column that is zero in every row) and the response: `R` re-triangularized
    /// (a QR of the selected columns of `R`).
    func selecting(_ columns: [Int]) throws(RegressionError) -> TriangularFactor {
        var out = TriangularFactor(designColumns: columns.count, precision: precision)
        var x = Matrix(rows: width, columns: columns.count)
        var lo = Matrix(rows: width, columns: columns.count)
        var y = [Double](repeating: 0, count: width)
        for i in 0..<width {
            for (c, j) in columns.enumerated() where j >= 0 { let e = extendedElement(i, j); x[i, c] = e.hi; lo[i, c] = e.lo }
            y[i] = r[i, width - 1]
        }
        if precision == .extended {
            // The response column's trailing parts ride along as a low-order design column.
            var xr = Matrix(rows: width, columns: columns.count + 1)
            var lr = Matrix(rows: width, columns: columns.count + 1)
            for i in 0..<width {
                for c in 0..<columns.count { xr[i, c] = x[i, c]; lr[i, c] = lo[i, c] }
                xr[i, columns.count] = r[i, width - 1]
                lr[i, columns.count] = rLow[i + (width - 1) * width]
            }
            out.foldExtendedColumns(xr, low: lr, weights: nil)
        } else {
            try out.foldDouble(x, y: y, weights: nil)
        }
        out.rows = rows
        return out
    }

    // MARK: Double precision (LAPACK)

    /// Rows per LAPACK call when the factor is narrow (see ``foldDouble(_:y:weights:)``).
    static func foldRows(width: Int) -> Int? { width <= 32 ? max(256, 8192 / width) : nil }

    /// Folds the rows in by `dtpqrt`. Up to 32 columns its work is matrix–vector products
    /// and rank-1 updates (one panel); OpenBLAS hands those to its worker threads from
    /// about 8,192 matrix elements, and at these sizes the hand-over costs more than it
    /// saves — on a busy machine a worker not yet scheduled stalls every call. So a narrow
    /// factor takes the rows in parts of at most 8,192 elements (``foldRows(width:)``):
    /// the same reflections, one part after the other, each call on the calling thread.
    private mutating func foldDouble(_ x: Matrix, y: [Double], weights: [Double]?) throws(RegressionError) {
        let m = x.rows, p = width - 1
        let step = Self.foldRows(width: width) ?? m
        let sw = weights?.map { $0.squareRoot() }
        var start = 0
        while start < m {
            let rows = min(step, m - start)
            var b = Matrix(rows: rows, columns: width)
            x.storage.withUnsafeBufferPointer { px in
                b.storage.withUnsafeMutableBufferPointer { pb in
                    let ldx = x.leadingDimension
                    for j in 0..<p {
                        let src = px.baseAddress! + j * ldx + start, dst = pb.baseAddress! + j * rows
                        if let sw {
                            for i in 0..<rows { dst[i] = src[i] * sw[start + i] }
                        } else {
                            dst.update(from: src, count: rows)
                        }
                    }
                    let dst = pb.baseAddress! + p * rows
                    for i in 0..<rows { dst[i] = sw.map { y[start + i] * $0[start + i] } ?? y[start + i] }
                }
            }
            do { try LAPACK.tpqrt(&r, &b, blockSize: min(width, 32)) } catch {
                throw .numerical("\(error)")
            }
            start += rows
        }
    }

    // MARK: Extended precision (double-double Householder)

    private mutating func foldExtended(_ x: Matrix, low: Matrix?, y: [Double], weights: [Double]?) {
        let m = x.rows, p = width - 1
        var bh = Matrix(rows: m, columns: width), bl = Matrix(rows: m, columns: width)
        for j in 0..<p {
            for i in 0..<m { bh[i, j] = x[i, j]; bl[i, j] = low?[i, j] ?? 0 }
        }
        for i in 0..<m { bh[i, p] = y[i] }
        foldExtendedColumns(bh, low: bl, weights: weights)
    }

    /// Householder QR of `[R; B]` in double-double, `B = bh + bl` (`m × width`, response
    /// last), rows whitened by `√wᵢ` first. Reflection `k` zeroes `B`'s column `k` into
    /// `R[k, k]`: `v = [R_kk − β; B[:, k]]`, `β = −sign(R_kk)·‖[R_kk; B[:, k]]‖`.
    private mutating func foldExtendedColumns(_ bh: Matrix, low bl: Matrix, weights: [Double]?) {
        let m = bh.rows, w = width
        var b = [DoubleDouble](repeating: .zero, count: m * w)
        for j in 0..<w {
            for i in 0..<m { b[i + j * m] = DoubleDouble(hi: bh[i, j], lo: bl[i, j]) }
        }
        if let weights {
            for i in 0..<m {
                let s = DoubleDouble(weights[i]).squareRoot()
                for j in 0..<w { b[i + j * m] = b[i + j * m] * s }
            }
        }
        var rr = [DoubleDouble](repeating: .zero, count: w * w)
        for j in 0..<w { for i in 0...j { rr[i + j * w] = DoubleDouble(hi: r[i, j], lo: rLow[i + j * w]) } }
        b.withUnsafeMutableBufferPointer { pb in
            for k in 0..<w {
                let col = pb.baseAddress! + k * m
                var ss = DoubleDouble.zero
                for i in 0..<m { ss += col[i] * col[i] }
                if ss.hi == 0 { continue }
                let alpha = rr[k + k * w]
                let norm = (alpha * alpha + ss).squareRoot()
                let beta = alpha.hi >= 0 ? -norm : norm
                let v0 = alpha - beta
                let inv = DoubleDouble(1) / v0
                let tau = (beta - alpha) / beta
                for i in 0..<m { col[i] = col[i] * inv }
                rr[k + k * w] = beta
                for j in (k + 1)..<max(k + 1, w) {
                    let cj = pb.baseAddress! + j * m
                    var s = rr[k + j * w]
                    for i in 0..<m { s += col[i] * cj[i] }
                    let t = tau * s
                    rr[k + j * w] -= t
                    for i in 0..<m { cj[i] -= t * col[i] }
                }
            }
        }
        for j in 0..<w { for i in 0...j { r[i, j] = rr[i + j * w].hi; rLow[i + j * w] = rr[i + j * w].lo } }
    }

    /// The same rows in double-double (for a switch of precision): exact, since a double
    /// factor's elements are double-double values with zero trailing parts.
    func converted(to target: Precision) -> TriangularFactor {
        var out = TriangularFactor(designColumns: width - 1, precision: target)
        out.r = r
        if target == .extended && precision == .extended { out.rLow = rLow }
        if target == .double && precision == .extended {
            for j in 0..<width { for i in 0...j { out.r[i, j] = element(i, j) } }
        }
        out.rows = rows
        return out
    }
}
