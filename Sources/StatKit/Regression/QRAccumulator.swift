import Foundation

/// Least squares over data that arrive in blocks, in one pass and `O(p²)` memory: the
/// upper-triangular `R` factor of the augmented matrix `[X | y]` of every row seen.
///
/// ## What is kept
/// With `p` design columns and `m = p + 1`, the state is
/// - `R`, `m × m` upper triangular, with `RᵀR = [X̃ | ỹ]ᵀ[X̃ | ỹ]` for the (whitened) rows
///   seen. Its leading `p × p` block `R_x` is the `R` factor of `X̃`, its last column is
///   `(z, ρ)` with `z = Q_xᵀỹ`, and `ρ² = ‖ỹ − X̃β̂‖²` is the residual sum of squares of
///   the full-rank fit. Everything a least-squares fit needs follows from `R`
///   (``fit(hasIntercept:rankTolerance:)``), because `XᵀX = R_xᵀR_x` — never from the normal
///   equations.
/// - the row count, `Σwᵢ` and `Σ log wᵢ` (WLS), and the weighted mean and centred sum of
///   squares of `y` (for `R²`), accumulated in Float80 with Chan's pairwise update
///   (`M2 = M2_a + M2_b + δ²·w_a·w_b/(w_a + w_b)`), so a response with a large mean
///   loses no digits to cancellation. (The centred TSS is also `R` of the two columns
///   `[1 | y]`, i.e. obtainable from `R` by re-factoring those columns when the design
///   has a constant column; the direct Welford–Chan sum is used because its error does not
///   grow with `|ȳ|/s_y`.)
/// - for Durbin–Watson, a second `m × m` factor `R_Δ` of the *differenced* rows
///   `[x̃ᵢ − x̃ᵢ₋₁ | ỹᵢ − ỹᵢ₋₁]` (in double precision, LAPACK `dtpqrt`, whatever the
///   precision of `R`), and the first and last rows seen: then
///   `Σ(eᵢ − eᵢ₋₁)² = ‖R_Δ·(β; −1)‖²` for any `β`, so DW needs no second pass. (Its
///   relative error is about `ε·‖Δy‖/‖Δe‖`, far below the 3 decimals DW is read to.)
/// - for each column, whether it has been constant so far (the robust F test leaves out
///   a constant column, as statsmodels does).
///
/// ## How rows are folded in
/// Each block `B` of (whitened) rows is folded into `R` by Householder reflections on the
/// stacked matrix `[R; B]` that exploit the triangle of `R` — backward stable, like the
/// QR of the whole matrix, and never through `XᵀX`:
/// - ``Precision/extended`` (the default): the reflections in Float80 (64-bit significand),
///   written out in Swift; the design's low-order parts (``add(_:response:weights:lowOrder:)``)
///   enter at full width. About `b·m²` multiply–adds per block of `b` rows.
/// - ``Precision/double``: LAPACK's `dtpqrt` (``LAPACK/tpqrt(_:_:l:blockSize:)``), blocked and
///   vectorised; the choice for many columns.
///
/// ## Merging
/// ``merge(_:)`` stacks the two `R` factors and re-factors them (TSQR): the result is the
/// factor of the rows of `self` followed by the rows of `other`. Chunks of a file can so be
/// accumulated in parallel and combined. Floating-point results depend on the merge tree,
/// not on timing: combine partial accumulators in a fixed order (e.g. chunk order, a left
/// fold), and the bytes are the same whatever the number of threads.
///
/// ## Columns added on the way
/// ``appendColumn(name:)`` adds a design column whose values for the rows already seen are
/// zero (a categorical level seen for the first time): `R` gains a zero row and column,
/// which is exact. ``selectingColumns(_:)`` re-factors `R` restricted to any subset or
/// permutation of the columns (`X_Sᵀ X_S = R_Sᵀ R_S`), which is how a streaming formula fit
/// drops reference levels and orders columns at the end. At most ``maximumColumns`` columns.
///
/// ```swift
/// var acc = QRAccumulator(columns: 3)
/// for block in blocks { try acc.add(block.x, response: block.y) }   // x: rows × 3
/// let fit = try acc.fit(hasIntercept: true)
/// let result = try fit.result()                                      // classical inference
/// ```
public struct QRAccumulator: Sendable {
    /// The arithmetic of the Householder updates.
    public enum Precision: String, Sendable, CaseIterable {
        /// LAPACK `dtpqrt` in double precision.
        case double
        /// Householder reflections in Float80 (x86 extended precision).
        case extended
    }

    /// The largest number of design columns (`R` is then 1025 × 1025, 8.4 MB in double,
    /// 16.8 MB in Float80). A block update costs `O(b·p²)`, so fits with hundreds of
    /// columns over millions of rows are slow well before this limit.
    public static let maximumColumns = 1024

    /// Arithmetic of the updates.
    public private(set) var precision: Precision
    /// Whether rows carry weights (WLS).
    public let isWeighted: Bool
    /// Whether the differenced factor for Durbin–Watson is kept (it doubles the update cost).
    public let tracksDurbinWatson: Bool
    /// Number of design columns `p` (the response is kept beside them).
    public private(set) var columns: Int
    /// Number of rows folded in.
    public private(set) var count: Int = 0
    /// Column names used in errors and results.
    public private(set) var columnNames: [String]

    var r: TriangularFactor
    var rDiff: TriangularFactor?
    var firstRow: [Float80]?
    var lastRow: [Float80]?
    var sumW: Float80 = 0
    var sumLogW: Float80 = 0
    var meanY: Float80 = 0
    var m2Y: Float80 = 0
    var constancy: [Constancy]
    /// Work arrays reused from block to block (the whitened block in Float80, the differenced
    /// rows): a block's arrays would otherwise be allocated, and their pages faulted in, anew.
    var work80: [Float80] = []
    var diffWork: Matrix?

    /// The constancy of a column over the rows seen.
    enum Constancy: Sendable, Equatable {
        case unset
        case constant(Double)
        case varying

        func merged(_ o: Constancy) -> Constancy {
            switch (self, o) {
            case (.unset, _): return o
            case (_, .unset): return self
            case let (.constant(a), .constant(b)): return a == b ? self : .varying
            default: return .varying
            }
        }
    }

    /// An empty accumulator for `columns` design columns.
    /// - Parameters:
    ///   - columnNames: names used in errors and results (default `x1, x2, …`).
    ///   - weighted: rows come with positive weights (`Var εᵢ = σ²/wᵢ`), folded in as
    ///     `√wᵢ·(xᵢ, yᵢ)` exactly as ``LinearRegression`` whitens.
    ///   - durbinWatson: keep the differenced factor that gives Durbin–Watson in one pass.
    public init(columns: Int, columnNames: [String]? = nil, weighted: Bool = false,
                precision: Precision = .extended, durbinWatson: Bool = true) {
        precondition(columns >= 0 && columns <= Self.maximumColumns, "QRAccumulator: 0...\(Self.maximumColumns) columns")
        self.columns = columns
        self.columnNames = columnNames ?? (0..<columns).map { "x\($0 + 1)" }
        precondition(self.columnNames.count == columns, "QRAccumulator: \(self.columnNames.count) names for \(columns) columns")
        self.isWeighted = weighted
        self.precision = precision
        self.tracksDurbinWatson = durbinWatson
        self.r = TriangularFactor(size: columns + 1, extended: precision == .extended)
        // The differenced factor only feeds Durbin–Watson (printed to 3 decimals): double
        // precision (LAPACK) is ample there and halves the cost of an update.
        self.rDiff = durbinWatson ? TriangularFactor(size: columns + 1, extended: false) : nil
        self.constancy = [Constancy](repeating: .unset, count: columns)
    }

    /// `Σwᵢ` over the rows seen (the row count when unweighted).
    public var weightSum: Double { Double(sumW) }

    /// The `(p + 1) × (p + 1)` factor `R` of `[X̃ | ỹ]` (upper triangle; the last column
    /// belongs to the response). Rounded to double in the extended precision.
    public var factor: Matrix {
        let m = columns + 1
        var out = Matrix(rows: m, columns: m)
        for j in 0..<m { for i in 0...j { out[i, j] = Double(r[i, j]) } }
        return out
    }

    // MARK: Adding rows

    /// Folds a block of rows into the factor.
    ///
    /// - Parameters:
    ///   - x: the block's design rows, `b × p` (column-major, like every ``Matrix``).
    ///   - response: `b` responses.
    ///   - weights: `b` positive, finite weights; required exactly when the accumulator is weighted.
    ///   - lowOrder: optional low-order part of the design (`x + lowOrder` is the design to
    ///     ~64 bits, e.g. powers formed in Float80; see ``LinearRegression/designLowOrder``);
    ///     used by the extended precision, ignored by the double one.
    /// - Throws: ``RegressionError`` for mismatched lengths, NaN/∞ (row numbers count from the
    ///   first row ever added) or non-positive weights; nothing is folded in then.
    public mutating func add(_ x: Matrix, response: [Double], weights: [Double]? = nil, lowOrder: Matrix? = nil) throws {
        let b = x.rows, p = columns
        guard x.columns == p else { throw RegressionError.dimensionMismatch("block has \(x.columns) columns, the accumulator \(p)") }
        guard response.count == b else { throw RegressionError.dimensionMismatch("response has \(response.count) values, block has \(b) rows") }
        if let lo = lowOrder, lo.rows != b || lo.columns != p {
            throw RegressionError.dimensionMismatch("low-order block is \(lo.rows)×\(lo.columns), block is \(b)×\(p)")
        }
        if isWeighted {
            guard let w = weights else { throw RegressionError.dimensionMismatch("a weighted accumulator needs weights") }
            guard w.count == b else { throw RegressionError.dimensionMismatch("\(w.count) weights for \(b) rows") }
            for i in 0..<b where !(w[i] > 0 && w[i].isFinite) { throw RegressionError.nonPositiveWeight(row: count + i, value: w[i]) }
        } else if weights != nil {
            throw RegressionError.dimensionMismatch("weights given to an unweighted accumulator")
        }
        for j in 0..<p { for i in 0..<b where !x[i, j].isFinite {
            throw RegressionError.nonFinite(column: columnNames[j], row: count + i, value: x[i, j])
        } }
        if let lo = lowOrder { for j in 0..<p { for i in 0..<b where !lo[i, j].isFinite {
            throw RegressionError.nonFinite(column: columnNames[j], row: count + i, value: lo[i, j])
        } } }
        for i in 0..<b where !response[i].isFinite { throw RegressionError.nonFinite(column: "response", row: count + i, value: response[i]) }
        if b == 0 { return }
        // Sub-blocks keep the Float80 work array near 4 MB whatever the caller's block.
        let step = max(1, min(b, (1 << 18) / (p + 1)))
        var start = 0
        while start < b {
            let rows = min(step, b - start)
            try fold(x, response, weights, lowOrder, start, rows)
            start += rows
        }
    }

    /// Folds one row (a convenience over ``add(_:response:weights:lowOrder:)``).
    public mutating func add(row: [Double], response: Double, weight: Double? = nil) throws {
        try add(Matrix(rows: 1, columns: row.count, columnMajor: row.isEmpty ? [] : row), response: [response],
                weights: weight.map { [$0] })
    }

    private mutating func fold(_ x: Matrix, _ y: [Double], _ w: [Double]?, _ lo: Matrix?, _ start: Int, _ b: Int) throws {
        let p = columns, m = p + 1
        // Moments of y (Float80, Chan's update of a two-pass block summary).
        var sw: Float80 = 0, swy: Float80 = 0, slw: Float80 = 0
        for i in 0..<b {
            let wi = Float80(w?[start + i] ?? 1)
            sw += wi
            swy += wi * Float80(y[start + i])
        }
        let mean = swy / sw
        var m2: Float80 = 0
        for i in 0..<b {
            let d = Float80(y[start + i]) - mean
            m2 += Float80(w?[start + i] ?? 1) * d * d
        }
        if let w { for i in 0..<b { slw += Float80(Foundation.log(w[start + i])) } }
        let total = sumW + sw
        let delta = mean - meanY
        meanY += delta * sw / total
        m2Y += m2 + delta * delta * sumW * sw / total
        sumW = total
        sumLogW += slw
        // Constancy of each column (unweighted values, as LinearRegression checks the design).
        for j in 0..<p {
            var c = constancy[j]
            var i = 0
            while i < b, c != .varying {
                let v = x[start + i, j]
                switch c {
                case .unset: c = .constant(v)
                case .constant(let a): if v != a { c = .varying }
                case .varying: break
                }
                i += 1
            }
            constancy[j] = c
        }
        // Whitened augmented rows, column-major b × m: Float80 for the extended path (in a
        // work array kept between blocks), rounded once to double for LAPACK. Column by
        // column; each value is the one the row-by-row definition gives.
        let extended = precision == .extended
        if extended && work80.count < b * m { work80 = [Float80](repeating: 0, count: b * m) }
        var a = Matrix(rows: extended ? 0 : b, columns: extended ? 0 : m)
        let scale: [Float80]? = w.map { w in (0..<b).map { Float80(w[start + $0]).squareRoot() } }
        let ldx = x.leadingDimension, ldl = lo?.leadingDimension ?? 0
        let low = lo?.storage ?? []
        let hasLow = lo != nil
        work80.withUnsafeMutableBufferPointer { a80 in
            a.storage.withUnsafeMutableBufferPointer { ad in
                x.storage.withUnsafeBufferPointer { px in
                    low.withUnsafeBufferPointer { pl in
                        y.withUnsafeBufferPointer { py in
                            for j in 0...p {
                                for i in 0..<b {
                                    var v: Float80
                                    if j < p {
                                        v = Float80(px[start + i + j * ldx])
                                        if hasLow { v += Float80(pl[start + i + j * ldl]) }
                                    } else {
                                        v = Float80(py[start + i])
                                    }
                                    if let scale { v *= scale[i] }
                                    if extended { a80[i + j * b] = v } else { ad[i + j * b] = Double(v) }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Durbin–Watson: differences of consecutive rows (Float80 values as folded in, so the
        // double ones widened), the first after the previous block's last row.
        if rDiff != nil {
            let last = lastRow
            let diffRows = last == nil ? b - 1 : b
            var diff: Matrix
            if let kept = diffWork, kept.rows == diffRows, kept.columns == m { diff = kept } else {
                diff = Matrix(rows: diffRows, columns: m)
            }
            diffWork = nil   // `diff` is then the only reference: written in place
            var edge = [[Float80]](repeating: [Float80](repeating: 0, count: m), count: 2)
            work80.withUnsafeBufferPointer { a80 in
                a.storage.withUnsafeBufferPointer { ad in
                    diff.storage.withUnsafeMutableBufferPointer { dp in
                        for j in 0..<m {
                            @inline(__always) func cur(_ i: Int) -> Float80 { extended ? a80[i + j * b] : Float80(ad[i + j * b]) }
                            var at = 0
                            if let last {
                                dp[j * diffRows] = Double(cur(0) - last[j])
                                at = 1
                            }
                            for i in 1..<Swift.max(1, b) {
                                dp[at + j * diffRows] = Double(cur(i) - cur(i - 1))
                                at += 1
                            }
                            edge[0][j] = cur(0)
                            edge[1][j] = cur(b - 1)
                        }
                    }
                }
            }
            if last == nil { firstRow = edge[0] }
            lastRow = edge[1]
            if diffRows > 0 {
                try rDiff!.fold(double: &diff)
                diffWork = diff
            }
        }
        if extended { r.fold(extended: &work80, rows: b) } else { try r.fold(double: &a) }
        count += b
    }

    // MARK: Merging and columns

    /// Folds in the rows of `other` as if they followed the rows of `self`.
    ///
    /// Both accumulators must have the same columns (in the same order), weighting,
    /// Durbin–Watson tracking and precision. The floating-point result depends on the
    /// order of merges, so combine partial accumulators in a fixed order (e.g. the order of
    /// the chunks), never in the order threads finish.
    /// - Throws: ``RegressionError/dimensionMismatch(_:)`` when the two do not match.
    public mutating func merge(_ other: QRAccumulator) throws {
        guard other.columns == columns, other.isWeighted == isWeighted, other.tracksDurbinWatson == tracksDurbinWatson,
              other.precision == precision else {
            throw RegressionError.dimensionMismatch("merging accumulators of \(columns) and \(other.columns) columns (weighted \(isWeighted)/\(other.isWeighted), precision \(precision.rawValue)/\(other.precision.rawValue))")
        }
        if other.count == 0 { return }
        if count == 0 { self = other; return }
        let m = columns + 1
        try r.merge(other.r)
        if rDiff != nil {
            try rDiff!.merge(other.rDiff!)
            if let last = lastRow, let first = other.firstRow {
                try rDiff!.update((0..<m).map { first[$0] - last[$0] }, rows: 1, stride: 1)
            }
            lastRow = other.lastRow
        }
        let total = sumW + other.sumW
        let delta = other.meanY - meanY
        meanY += delta * other.sumW / total
        m2Y += other.m2Y + delta * delta * sumW * other.sumW / total
        sumW = total
        sumLogW += other.sumLogW
        for j in 0..<columns { constancy[j] = constancy[j].merged(other.constancy[j]) }
        count += other.count
    }

    /// The accumulators of `parts` merged left to right (`parts[0]` first): the fixed
    /// order that makes a parallel accumulation reproducible.
    public static func merged(_ parts: [QRAccumulator]) throws -> QRAccumulator {
        guard var acc = parts.first else { throw RegressionError.noObservations }
        for p in parts.dropFirst() { try acc.merge(p) }
        return acc
    }

    /// Adds a design column, zero in every row seen so far, after the existing ones.
    /// - Throws: ``RegressionError/dimensionMismatch(_:)`` beyond ``maximumColumns``.
    public mutating func appendColumn(name: String? = nil) throws {
        try appendColumns(names: [name ?? "x\(columns + 1)"])
    }

    /// Adds one design column per name (zero in every row seen so far), re-laying out the
    /// factors once.
    /// - Throws: ``RegressionError/dimensionMismatch(_:)`` beyond ``maximumColumns``.
    public mutating func appendColumns(names: [String]) throws {
        if names.isEmpty { return }
        guard columns + names.count <= Self.maximumColumns else {
            throw RegressionError.dimensionMismatch("more than \(Self.maximumColumns) design columns")
        }
        let p = columns, k = names.count
        r.insertZeros(at: p, count: k)
        rDiff?.insertZeros(at: p, count: k)
        let zeros = [Float80](repeating: 0, count: k)
        firstRow?.insert(contentsOf: zeros, at: p)
        lastRow?.insert(contentsOf: zeros, at: p)
        constancy.append(contentsOf: [Constancy](repeating: count > 0 ? .constant(0) : .unset, count: k))
        columnNames.append(contentsOf: names)
        columns += k
    }

    /// The accumulator of the design made of the listed columns, in that order (a subset,
    /// a permutation, or repeats), re-factoring `R` and the differenced factor: the
    /// statistics are exactly those of accumulating the selected columns from the start.
    public func selectingColumns(_ indices: [Int]) throws -> QRAccumulator {
        for j in indices where j < 0 || j >= columns {
            throw RegressionError.dimensionMismatch("column \(j) of \(columns)")
        }
        return try selecting(indices.map { Optional($0) }, names: indices.map { columnNames[$0] })
    }

    /// ``selectingColumns(_:)`` where `nil` stands for a column of zeros.
    func selecting(_ indices: [Int?], names: [String]) throws -> QRAccumulator {
        var out = self
        let p = columns
        let all = indices + [p]
        out.r = try r.selecting(all)
        out.rDiff = try rDiff?.selecting(all)
        out.firstRow = firstRow.map { row in all.map { $0.map { row[$0] } ?? 0 } }
        out.lastRow = lastRow.map { row in all.map { $0.map { row[$0] } ?? 0 } }
        out.constancy = indices.map { $0.map { constancy[$0] } ?? (count > 0 ? .constant(0) : .unset) }
        out.columnNames = names
        out.columns = indices.count
        return out
    }

    /// The same accumulator in double precision (rounding the factors once); later updates
    /// use LAPACK. Used when a design grows past the point where Float80 updates are
    /// worth their cost.
    public func converted(to precision: Precision) -> QRAccumulator {
        var out = self
        out.precision = precision
        out.r = r.converted(extended: precision == .extended)
        return out
    }
}

/// An `m × m` upper-triangular factor in double (updated by LAPACK `dtpqrt`) or Float80
/// (updated by Householder reflections written here), column-major.
struct TriangularFactor: Sendable {
    private(set) var m: Int
    let extended: Bool
    var d: Matrix
    var e: [Float80]

    init(size m: Int, extended: Bool) {
        self.m = m
        self.extended = extended
        d = extended ? Matrix(rows: 0, columns: 0) : Matrix(rows: m, columns: m)
        e = extended ? [Float80](repeating: 0, count: m * m) : []
    }

    subscript(i: Int, j: Int) -> Float80 {
        extended ? e[i + j * m] : Float80(d[i, j])
    }

    /// Folds in `rows` rows held column-major in `a` with column stride `stride`.
    mutating func update(_ a: [Float80], rows: Int, stride: Int) throws {
        if rows == 0 { return }
        if extended {
            var block = a
            if stride != rows {
                block = [Float80](repeating: 0, count: rows * m)
                for j in 0..<m { for i in 0..<rows { block[i + j * rows] = a[i + j * stride] } }
            }
            let mm = m
            e.withUnsafeMutableBufferPointer { pr in
                block.withUnsafeMutableBufferPointer { pb in
                    Self.householder(pr.baseAddress!, mm, pb.baseAddress!, rows)
                }
            }
        } else {
            var b = Matrix(rows: rows, columns: m)
            for j in 0..<m { for i in 0..<rows { b.storage[i + j * rows] = Double(a[i + j * stride]) } }
            try LAPACK.tpqrt(&d, &b, l: 0)
            // dtpqrt leaves the strict lower triangle of A untouched (zeros here).
        }
    }

    /// Folds in a Float80 block (`rows × m`, column-major, overwritten).
    mutating func fold(extended block: inout [Float80], rows: Int) {
        precondition(extended)
        let mm = m
        e.withUnsafeMutableBufferPointer { pr in
            block.withUnsafeMutableBufferPointer { pb in Self.householder(pr.baseAddress!, mm, pb.baseAddress!, rows) }
        }
    }

    /// Folds in a double block (`rows × m`, overwritten) with LAPACK `dtpqrt`.
    mutating func fold(double block: inout Matrix) throws {
        precondition(!extended && block.columns == m)
        if block.rows == 0 { return }
        try LAPACK.tpqrt(&d, &block, l: 0)
    }

    /// Stacks `other` below and re-factors.
    mutating func merge(_ other: TriangularFactor) throws {
        precondition(other.m == m && other.extended == extended)
        var a = [Float80](repeating: 0, count: m * m)
        for j in 0..<m { for i in 0...j { a[i + j * m] = other[i, j] } }
        try update(a, rows: m, stride: m)
    }

    /// Inserts `count` zero rows and columns at index `j` (the factor of the design with
    /// zero columns inserted at `j`).
    mutating func insertZeros(at j: Int, count k: Int) {
        let n = m + k
        func map(_ i: Int) -> Int { i < j ? i : i + k }
        if extended {
            var out = [Float80](repeating: 0, count: n * n)
            for c in 0..<m { for i in 0...c { out[map(i) + map(c) * n] = e[i + c * m] } }
            e = out
        } else {
            var out = Matrix(rows: n, columns: n)
            for c in 0..<m { for i in 0...c { out[map(i), map(c)] = d[i, c] } }
            d = out
        }
        m = n
    }

    /// The factor of the selected columns (`nil`: a zero column), by re-factoring `R_S`.
    func selecting(_ cols: [Int?]) throws -> TriangularFactor {
        let q = cols.count
        var out = TriangularFactor(size: q, extended: extended)
        // R_S has m rows; rows below the last nonzero diagonal of R contribute nothing.
        var a = [Float80](repeating: 0, count: m * q)
        for (c, j) in cols.enumerated() {
            guard let j else { continue }
            for i in 0...j { a[i + c * m] = self[i, j] }
        }
        try out.update(a, rows: m, stride: m)
        return out
    }

    func converted(extended toExtended: Bool) -> TriangularFactor {
        if toExtended == extended { return self }
        var out = TriangularFactor(size: m, extended: toExtended)
        for j in 0..<m { for i in 0...j {
            if toExtended { out.e[i + j * m] = Float80(d[i, j]) } else { out.d[i, j] = Double(e[i + j * m]) }
        } }
        return out
    }

    /// `Σ xᵢyᵢ` over `n` entries in four interleaved partial sums (independent Float80
    /// chains that overlap), added as `(s₀ + s₁) + (s₂ + s₃)`.
    @inline(__always)
    static func dot(_ x: UnsafeMutablePointer<Float80>, _ y: UnsafeMutablePointer<Float80>, _ n: Int) -> Float80 {
        var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
        var i = 0
        while i + 4 <= n {
            s0 += x[i] * y[i]; s1 += x[i + 1] * y[i + 1]; s2 += x[i + 2] * y[i + 2]; s3 += x[i + 3] * y[i + 3]
            i += 4
        }
        while i < n { s0 += x[i] * y[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// Householder QR of `[R; B]` for upper-triangular `R` (`m × m`, column-major) and a
    /// dense `b × m` block `B` (column-major): on return `R` holds the new factor. Column
    /// `k`'s reflector touches only row `k` of `R` and the block, so a block of `b` rows
    /// costs about `b·m²` multiply–adds.
    static func householder(_ r: UnsafeMutablePointer<Float80>, _ m: Int, _ blk: UnsafeMutablePointer<Float80>, _ b: Int) {
        for k in 0..<m {
            let bk = blk + k * b
            let sigma = dot(bk, bk, b)
            if sigma == 0 { continue }
            let alpha = r[k + k * m]
            let norm = (alpha * alpha + sigma).squareRoot()
            let beta = alpha >= 0 ? -norm : norm
            let tau = (beta - alpha) / beta
            let scale = 1 / (alpha - beta)
            for i in 0..<b { bk[i] *= scale }
            r[k + k * m] = beta
            var j = k + 1
            while j < m {
                let bj = blk + j * b
                let w = (r[k + j * m] + dot(bk, bj, b)) * tau
                r[k + j * m] -= w
                for i in 0..<b { bj[i] -= w * bk[i] }
                j += 1
            }
        }
    }
}
