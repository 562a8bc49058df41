#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

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
        if let (j, i) = Self.firstNonFinite(x) {
            throw RegressionError.nonFinite(column: columnNames[j], row: count + i, value: x[i, j])
        }
        if let lo = lowOrder, let (j, i) = Self.firstNonFinite(lo) {
            throw RegressionError.nonFinite(column: columnNames[j], row: count + i, value: lo[i, j])
        }
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

    /// What ``add(_:response:weights:lowOrder:)`` checks and sums over an unweighted block
    /// before it folds it in, found apart from the accumulator (``summarize(_:response:lowOrder:)``,
    /// on another thread while this one folds the previous block in, say).
    public struct BlockSummary: Sendable {
        /// Rows and columns of the block summarised.
        let rows: Int
        let columns: Int
        /// Whether every design entry, low-order part and response is finite.
        let finite: Bool
        /// The response moments when the block is folded in one piece.
        let moments: Moments?
    }

    /// The checks and response moments of an unweighted block (``BlockSummary``): the same
    /// sums as ``add(_:response:weights:lowOrder:)`` makes, to the bit.
    public static func summarize(_ x: Matrix, response: [Double], lowOrder: Matrix? = nil) -> BlockSummary {
        let b = x.rows, p = x.columns
        let finite = response.count == b && firstNonFinite(x) == nil && (lowOrder.map { firstNonFinite($0) == nil } ?? true)
            && response.allSatisfy { $0.isFinite }
        // One piece: at most as many rows as `add` folds at a time.
        let whole = b > 0 && b <= max(1, (1 << 18) / (p + 1))
        return BlockSummary(rows: b, columns: p, finite: finite,
                            moments: finite && whole ? moments(response, nil, 0, b) : nil)
    }

    /// ``add(_:response:weights:lowOrder:)`` for an unweighted block summarised by
    /// ``summarize(_:response:lowOrder:)``: its checks and response moments are not made
    /// again. The same factor, to the bit; a block that is not finite (or not the one
    /// summarised, by its shape) goes through ``add(_:response:weights:lowOrder:)`` and its errors.
    public mutating func add(_ x: Matrix, response: [Double], lowOrder: Matrix? = nil, summary: BlockSummary) throws {
        let b = x.rows
        guard summary.finite, let moments = summary.moments, !isWeighted, summary.rows == b, summary.columns == x.columns,
              x.columns == columns, response.count == b, lowOrder.map({ $0.rows == b && $0.columns == columns }) ?? true else {
            return try add(x, response: response, lowOrder: lowOrder)
        }
        try fold(x, response, nil, lowOrder, 0, b, moments: moments)
    }

    /// The first (column, row) of `x`, column by column, holding NaN or ±∞.
    static func firstNonFinite(_ x: Matrix) -> (Int, Int)? {
        let rows = x.rows, ld = x.leadingDimension
        return x.storage.withUnsafeBufferPointer { px -> (Int, Int)? in
            for j in 0..<x.columns {
                let col = px.baseAddress! + j * ld
                for i in 0..<rows where !col[i].isFinite { return (j, i) }
            }
            return nil
        }
    }

    /// Folds one row (a convenience over ``add(_:response:weights:lowOrder:)``).
    public mutating func add(row: [Double], response: Double, weight: Double? = nil) throws {
        try add(Matrix(rows: 1, columns: row.count, columnMajor: row.isEmpty ? [] : row), response: [response],
                weights: weight.map { [$0] })
    }

    /// The response moments of rows `start ..< start + b` (Float80: `Σwᵢ`, `Σwᵢyᵢ` and
    /// `Σwᵢ(yᵢ − ȳ)²` about their own mean), as a fold sums them.
    struct Moments: Sendable {
        var sw: Float80
        var swy: Float80
        var m2: Float80
    }

    static func moments(_ y: [Double], _ w: [Double]?, _ start: Int, _ b: Int) -> Moments {
        // (Unweighted, wᵢ = 1 exactly: 1·yᵢ and 1·d·d are the values without the factor.)
        var sw: Float80 = 0, swy: Float80 = 0
        var m2: Float80 = 0
        y.withUnsafeBufferPointer { py in
            let yb = py.baseAddress! + start
            if let w {
                for i in 0..<b {
                    let wi = Float80(w[start + i])
                    sw += wi
                    swy += wi * Float80(yb[i])
                }
            } else {
                for i in 0..<b {
                    sw += 1
                    swy += Float80(yb[i])
                }
            }
            let mean = swy / sw
            if let w {
                for i in 0..<b {
                    let d = Float80(yb[i]) - mean
                    m2 += Float80(w[start + i]) * d * d
                }
            } else {
                for i in 0..<b {
                    let d = Float80(yb[i]) - mean
                    m2 += d * d
                }
            }
        }
        return Moments(sw: sw, swy: swy, m2: m2)
    }

    private mutating func fold(_ x: Matrix, _ y: [Double], _ w: [Double]?, _ lo: Matrix?, _ start: Int, _ b: Int,
                               moments given: Moments? = nil) throws {
        let p = columns, m = p + 1
        // Moments of y (Float80, Chan's update of a two-pass block summary).
        let block = given ?? Self.moments(y, w, start, b)
        let sw = block.sw, swy = block.swy, m2 = block.m2
        var slw: Float80 = 0
        let mean = swy / sw
        if let w { for i in 0..<b { slw += Float80(LibM.log(w[start + i])) } }
        let total = sumW + sw
        let delta = mean - meanY
        meanY += delta * sw / total
        m2Y += m2 + delta * delta * sumW * sw / total
        sumW = total
        sumLogW += slw
        // Constancy of each column (unweighted values, as LinearRegression checks the design).
        x.storage.withUnsafeBufferPointer { px in
            for j in 0..<p {
                let col = px.baseAddress! + (start + j * x.leadingDimension)
                var c = constancy[j]
                var i = 0
                if case .unset = c, b > 0 { c = .constant(col[0]); i = 1 }
                if case .constant(let a) = c {
                    while i < b && col[i] == a { i += 1 }
                    if i < b { c = .varying }
                }
                constancy[j] = c
            }
        }
        // Whitened augmented rows, column-major b × m: Float80 for the extended path (in a
        // work array kept between blocks), rounded once to double for LAPACK. Column by
        // column; each value is the one the row-by-row definition gives.
        let extended = precision == .extended
        if extended && work80.count < b * m { work80 = [Float80](repeating: 0, count: b * m) }
        if extended && w == nil && rDiff == nil {
            // The block's first reflector reads the columns straight from `x`, the low-order
            // part and `y`; only the columns it updates are written to the work array (the
            // same Float80 values as filling it first, without the stores and reloads).
            let ldx = x.leadingDimension, ldl = lo?.leadingDimension ?? 0
            let low = lo?.storage ?? []
            x.storage.withUnsafeBufferPointer { px in
                low.withUnsafeBufferPointer { pl in
                    y.withUnsafeBufferPointer { py in
                        var cols: [TriangularFactor.DoubleColumn] = []
                        cols.reserveCapacity(m)
                        for j in 0..<p {
                            cols.append(.init(x: px.baseAddress! + (start + j * ldx),
                                              low: lo == nil ? nil : pl.baseAddress! + (start + j * ldl)))
                        }
                        cols.append(.init(x: py.baseAddress! + start, low: nil))
                        work80.withUnsafeMutableBufferPointer { a80 in
                            r.fold(columns: cols, rows: b, work: a80.baseAddress!)
                        }
                    }
                }
            }
            count += b
            return
        }
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
                                // Column j of [X | y] (at full width) and where it goes.
                                let src = j < p ? px.baseAddress! + (start + j * ldx) : py.baseAddress! + start
                                let lcol = hasLow && j < p ? pl.baseAddress! + (start + j * ldl) : nil
                                if extended, scale == nil {
                                    let dst = a80.baseAddress! + j * b
                                    if let lcol {
                                        for i in 0..<b { dst[i] = Float80(src[i]) + Float80(lcol[i]) }
                                    } else {
                                        for i in 0..<b { dst[i] = Float80(src[i]) }
                                    }
                                    continue
                                }
                                for i in 0..<b {
                                    var v = Float80(src[i])
                                    if let lcol { v += Float80(lcol[i]) }
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

    /// A block column given in double precision: `Float80(x[i])`, plus `Float80(low[i])`
    /// when there is a low-order part (the value the whitening loop would store).
    struct DoubleColumn {
        let x: UnsafePointer<Double>
        let low: UnsafePointer<Double>?

        @inline(__always) subscript(i: Int) -> Float80 {
            if let low { return Float80(x[i]) + Float80(low[i]) }
            return Float80(x[i])
        }
    }

    /// Folds in a block of `rows` rows given as `m` double columns (see ``DoubleColumn``),
    /// with `work` (at least `rows × m` values) as scratch: the same factor, to the bit, as
    /// storing the block in Float80 and calling ``fold(extended:rows:)``.
    mutating func fold(columns: [DoubleColumn], rows b: Int, work: UnsafeMutablePointer<Float80>) {
        precondition(extended && columns.count == m)
        let mm = m
        e.withUnsafeMutableBufferPointer { pr in
            Self.householderFromDoubles(pr.baseAddress!, mm, columns, work, b)
        }
    }

    /// ``householder(_:_:_:_:from:)`` with the block's columns read from `src` (column 0 is
    /// only read; the others are written to `blk` by the first reflector's update and
    /// folded on from there).
    static func householderFromDoubles(_ r: UnsafeMutablePointer<Float80>, _ m: Int, _ src: [DoubleColumn],
                                       _ blk: UnsafeMutablePointer<Float80>, _ b: Int) {
        let c0 = src[0]
        if m > 1 && b > 0 && c0.low == nil && allOnes(c0.x, b) {
            householderFromOnes(r, m, src, blk, b)
            return
        }
        var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
        var i = 0
        while i + 4 <= b {
            let v0 = c0[i], v1 = c0[i + 1], v2 = c0[i + 2], v3 = c0[i + 3]
            s0 += v0 * v0; s1 += v1 * v1; s2 += v2 * v2; s3 += v3 * v3
            i += 4
        }
        while i < b { let v = c0[i]; s0 += v * v; i += 1 }
        let sigma = (s0 + s1) + (s2 + s3)
        if sigma == 0 {
            // No reflector: the block goes on unchanged.
            for j in 1..<max(1, m) { let cj = src[j]; for i in 0..<b { blk[i + j * b] = cj[i] } }
            householder(r, m, blk, b, from: 1)
            return
        }
        let (beta, tau, scale) = reflector(alpha: r[0], sigma: sigma)
        r[0] = beta
        if m == 1 { return }
        // d = Σ (c0ᵢ·s)·c1ᵢ, then per column j: update into the work array, with the next dot.
        @inline(__always) func dot(_ cj: DoubleColumn) -> Float80 {
            var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
            var i = 0
            while i + 4 <= b {
                s0 += (c0[i] * scale) * cj[i]; s1 += (c0[i + 1] * scale) * cj[i + 1]
                s2 += (c0[i + 2] * scale) * cj[i + 2]; s3 += (c0[i + 3] * scale) * cj[i + 3]
                i += 4
            }
            while i < b { s0 += (c0[i] * scale) * cj[i]; i += 1 }
            return (s0 + s1) + (s2 + s3)
        }
        var d = dot(src[1])
        for j in 1..<m {
            let w = (r[j * m] + d) * tau
            r[j * m] -= w
            let cj = src[j], bj = blk + j * b
            if j + 1 < m {
                let cn = src[j + 1]
                var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
                var i = 0
                while i + 4 <= b {
                    let v0 = c0[i] * scale, v1 = c0[i + 1] * scale
                    bj[i] = cj[i] - w * v0; s0 += v0 * cn[i]
                    bj[i + 1] = cj[i + 1] - w * v1; s1 += v1 * cn[i + 1]
                    let v2 = c0[i + 2] * scale, v3 = c0[i + 3] * scale
                    bj[i + 2] = cj[i + 2] - w * v2; s2 += v2 * cn[i + 2]
                    bj[i + 3] = cj[i + 3] - w * v3; s3 += v3 * cn[i + 3]
                    i += 4
                }
                while i < b {
                    let v = c0[i] * scale
                    bj[i] = cj[i] - w * v; s0 += v * cn[i]
                    i += 1
                }
                d = (s0 + s1) + (s2 + s3)
            } else {
                for i in 0..<b { bj[i] = cj[i] - w * (c0[i] * scale) }
            }
        }
        householder(r, m, blk, b, from: 1)
    }

    /// Whether the `b` values at `x` are all exactly 1 (an intercept column).
    static func allOnes(_ x: UnsafePointer<Double>, _ b: Int) -> Bool {
        var differ = false
        for i in 0..<b { differ = differ || x[i] != 1 }
        return !differ
    }

    /// ``householderFromDoubles(_:_:_:_:_:)`` for a block whose column 0 is all ones (the
    /// intercept): `c0ᵢ·c0ᵢ = 1`, so `σ` is `b` exactly (whole numbers below 2⁶⁴ add exactly in
    /// any order); `c0ᵢ·s = s` and `w·(c0ᵢ·s) = w·s` exactly, so the dots are `Σ s·cⱼᵢ` in
    /// the same partial sums and the updates `cⱼᵢ − w·s`: the same operations on the same
    /// values, without reading the column of ones.
    static func householderFromOnes(_ r: UnsafeMutablePointer<Float80>, _ m: Int, _ src: [DoubleColumn],
                                    _ blk: UnsafeMutablePointer<Float80>, _ b: Int) {
        let sigma = Float80(b)
        let (beta, tau, scale) = reflector(alpha: r[0], sigma: sigma)
        r[0] = beta
        @inline(__always) func dot(_ cj: DoubleColumn) -> Float80 {
            var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
            var i = 0
            while i + 4 <= b {
                s0 += scale * cj[i]; s1 += scale * cj[i + 1]
                s2 += scale * cj[i + 2]; s3 += scale * cj[i + 3]
                i += 4
            }
            while i < b { s0 += scale * cj[i]; i += 1 }
            return (s0 + s1) + (s2 + s3)
        }
        var d = dot(src[1])
        for j in 1..<m {
            let w = (r[j * m] + d) * tau
            r[j * m] -= w
            let ws = w * scale
            let cj = src[j], bj = blk + j * b
            if j + 1 < m {
                let cn = src[j + 1]
                var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
                var i = 0
                while i + 4 <= b {
                    bj[i] = cj[i] - ws; s0 += scale * cn[i]
                    bj[i + 1] = cj[i + 1] - ws; s1 += scale * cn[i + 1]
                    bj[i + 2] = cj[i + 2] - ws; s2 += scale * cn[i + 2]
                    bj[i + 3] = cj[i + 3] - ws; s3 += scale * cn[i + 3]
                    i += 4
                }
                while i < b {
                    bj[i] = cj[i] - ws; s0 += scale * cn[i]
                    i += 1
                }
                d = (s0 + s1) + (s2 + s3)
            } else {
                for i in 0..<b { bj[i] = cj[i] - ws }
            }
        }
        householder(r, m, blk, b, from: 1)
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

    /// The reflector that zeroes a column below `alpha` whose other entries' squares sum to
    /// `sigma`: the new diagonal `β = −sign(α)·√(α² + σ)`, `τ = (β − α)/β` and the scale
    /// `s = 1/(α − β)` of the reflector's tail (`v = (1, bₖ·s)`).
    @inline(__always)
    static func reflector(alpha: Float80, sigma: Float80) -> (beta: Float80, tau: Float80, scale: Float80) {
        let norm = (alpha * alpha + sigma).squareRoot()
        let beta = alpha >= 0 ? -norm : norm
        return (beta, (beta - alpha) / beta, 1 / (alpha - beta))
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

    /// ``dot(_:_:_:)`` of `(x·s)` and `y`, each `xᵢ·s` rounded to Float80 as a stored
    /// product would be: the same partial sums in the same order.
    @inline(__always)
    static func dotScaled(_ x: UnsafeMutablePointer<Float80>, _ s: Float80, _ y: UnsafeMutablePointer<Float80>,
                          _ n: Int) -> Float80 {
        var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
        var i = 0
        while i + 4 <= n {
            s0 += (x[i] * s) * y[i]; s1 += (x[i + 1] * s) * y[i + 1]
            s2 += (x[i + 2] * s) * y[i + 2]; s3 += (x[i + 3] * s) * y[i + 3]
            i += 4
        }
        while i < n { s0 += (x[i] * s) * y[i]; i += 1 }
        return (s0 + s1) + (s2 + s3)
    }

    /// `y ← y − w·(x·s)` elementwise, and the ``dotScaled(_:_:_:_:)`` of `x·s` with `next`
    /// (not written), in one sweep: the values and partial sums of the two loops apart.
    @inline(__always)
    static func updateThenDot(_ x: UnsafeMutablePointer<Float80>, _ s: Float80, _ w: Float80,
                              _ y: UnsafeMutablePointer<Float80>, _ next: UnsafeMutablePointer<Float80>,
                              _ n: Int) -> Float80 {
        var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
        var i = 0
        while i + 4 <= n {
            let v0 = x[i] * s, v1 = x[i + 1] * s
            y[i] -= w * v0; s0 += v0 * next[i]
            y[i + 1] -= w * v1; s1 += v1 * next[i + 1]
            let v2 = x[i + 2] * s, v3 = x[i + 3] * s
            y[i + 2] -= w * v2; s2 += v2 * next[i + 2]
            y[i + 3] -= w * v3; s3 += v3 * next[i + 3]
            i += 4
        }
        while i < n {
            let v = x[i] * s
            y[i] -= w * v; s0 += v * next[i]
            i += 1
        }
        return (s0 + s1) + (s2 + s3)
    }

    /// Householder QR of `[R; B]` for upper-triangular `R` (`m × m`, column-major) and a
    /// dense `b × m` block `B` (column-major): on return `R` holds the new factor. Column
    /// `k`'s reflector touches only row `k` of `R` and the block, so a block of `b` rows
    /// costs about `b·m²` multiply–adds.
    ///
    /// Column `k`'s reflector is `v = (1, bₖ·s)` with `s = 1/(α − β)`; `bₖ·s` is formed in
    /// registers where it is used, never stored (the block's column `k` is not needed
    /// afterwards), and each update of a column `j` is made in the same sweep as the dot
    /// product of the next column with `v` (which the update does not touch): the
    /// operations of the textbook loops, in the same order, with fewer passes over the
    /// block (the values are the same bits).
    /// `from` skips the reflectors of the columns before it (already applied).
    static func householder(_ r: UnsafeMutablePointer<Float80>, _ m: Int, _ blk: UnsafeMutablePointer<Float80>, _ b: Int,
                            from k0: Int = 0) {
        for k in k0..<max(k0, m) {
            let bk = blk + k * b
            let sigma = dot(bk, bk, b)
            if sigma == 0 { continue }
            let (beta, tau, scale) = reflector(alpha: r[k + k * m], sigma: sigma)
            r[k + k * m] = beta
            var j = k + 1
            if j == m { continue }
            var d = dotScaled(bk, scale, blk + j * b, b)
            while j < m {
                let bj = blk + j * b
                let w = (r[k + j * m] + d) * tau
                r[k + j * m] -= w
                if j + 1 < m {
                    d = updateThenDot(bk, scale, w, bj, blk + (j + 1) * b, b)
                } else {
                    for i in 0..<b { bj[i] -= w * (bk[i] * scale) }
                }
                j += 1
            }
        }
    }
}
