/// Per-row values of one pass over the design, handed to an observer block by block, in
/// row order: what the report draws and lists (residuals, fitted values, leverages).
public struct ResidualRows: Sendable {
    /// Rows of the fit before this block.
    public var firstRow: Int
    /// Rows of the source these rows came from (table rows, or the CSV's rows counted
    /// from 0 after the header), one per row.
    public var sourceRows: [Int]
    /// The design rows (all design columns).
    public var x: Matrix
    /// The response.
    public var y: [Double]
    /// `yᵢ − xᵢᵀβ̂` (unweighted).
    public var residuals: [Double]
    /// `√wᵢ·(yᵢ − xᵢᵀβ̂)` (the residuals themselves without weights).
    public var whitened: [Double]
    /// The weights of a WLS fit, `nil` for OLS.
    public var weights: [Double]?
    /// Leverages `hᵢᵢ = w̃ᵢ·xᵢᵀ(X̃ᵀX̃)⁻¹xᵢ`, the hat matrix's diagonal.
    public var leverages: [Double]
}

/// Receives a pass's rows (``ResidualRows``) as the fit reads them. A fit may read the
/// rows more than once (a refinement that needs another pass): ``restart(observations:rank:)``
/// is called before each pass, so only the last one's rows stay.
public protocol ResidualObserver: AnyObject {
    /// A pass over `observations` rows of a fit of `rank` coefficients begins: forget the
    /// rows seen so far.
    func restart(observations: Int, rank: Int)
    /// The next rows.
    func observe(_ rows: ResidualRows)
}

/// The second pass of a least-squares fit: with `β̂` and `R⁻¹` known, each row's residual
/// (in double-double: `y − Σ xⱼβⱼ` by error-free products and sums, the design's
/// low-order part included), the refinement's gradient `X̃ᵀẽ`, the sums of squares and
/// Durbin–Watson's differences (compensated dot products, ``CompensatedSums``: as accurate
/// as double-double), leverages `hᵢᵢ = ‖zᵢ‖²` with `Z = X̃R⁻¹`, and the sandwich
/// estimators' middles.
struct ResidualPass: Sendable {
    let kept: [Int]
    let beta: [DoubleDouble]
    let rInverse: Matrix
    /// Weighted mean of the response (centred total sum of squares), or nil (uncentred).
    let center: Double?
    /// Whether to sum the total sum of squares (it does not depend on `β̂`: one pass of a
    /// fit is enough).
    let wantsTotal: Bool
    let wantsLeverage: Bool

    private(set) var rows = 0
    /// `Σ wᵢ xᵢ rᵢ` over the kept columns.
    private(set) var gradient: [DoubleDouble]
    private(set) var rss = DoubleDouble.zero
    private(set) var tss = DoubleDouble.zero
    private(set) var dwNumerator = DoubleDouble.zero
    private var previous: Double? = nil
    /// One per requested estimator.
    private(set) var meats: [SandwichMeat]

    init(solution s: TriangularSolution, beta: [DoubleDouble], center: Double?, total: Bool = true,
         estimators: [LeastSquaresEngine.Estimator], leverage: Bool) {
        kept = s.kept
        self.beta = beta
        rInverse = s.rInverse
        self.center = center
        wantsTotal = total
        meats = estimators.map { SandwichMeat(kind: $0.kind, columns: s.kept.count, dimensions: $0.dimensions, lags: $0.lags) }
        wantsLeverage = leverage || !estimators.isEmpty
        gradient = [DoubleDouble](repeating: .zero, count: s.kept.count)
    }

    /// Adds one block, with each estimator's codes for its rows (per clustering, or the
    /// time periods); returns, when `perRow`, the residuals, unweighted and whitened, and
    /// (when computed) leverages.
    mutating func add(_ b: DesignBlock, codes: [[[Int32]]], perRow: Bool = true)
        -> (residuals: [Double], whitened: [Double], leverages: [Double]) {
        let m = b.rows
        if m == 0 { return ([], [], []) }
        let (rh, rl) = residuals(b)
        // Weighted residuals t = w·r (gradient, RSS), whitened ẽ = √w·r (Durbin–Watson,
        // sandwich).
        var th = rh, tl = rl
        var e: [Double]
        if let w = b.weights {
            e = Self.zeros(m)
            for i in 0..<m {
                let t = DoubleDouble(hi: rh[i], lo: rl[i]) * w[i]
                th[i] = t.hi; tl[i] = t.lo
                e[i] = (rh[i] + rl[i]) * w[i].squareRoot()
            }
        } else {
            e = Self.sum(rh, rl)
        }
        addSums(b, rh: rh, rl: rl, th: th, tl: tl, e: e)

        var h: [Double] = []
        if wantsLeverage {
            let z = scaledRows(b)
            h = z.storage.withUnsafeBufferPointer { pz in
                [Double](unsafeUninitializedCapacity: m) { ph, count in
                    for i in 0..<m { ph[i] = 0 }
                    for c in 0..<z.columns {
                        let col = pz.baseAddress! + c * z.leadingDimension
                        for i in 0..<m { ph[i] += col[i] * col[i] }
                    }
                    count = m
                }
            }
            for s in meats.indices {
                meats[s].add(z: z, e: e, h: h, codes: codes[s], firstRow: rows)
            }
        }
        rows += m
        guard perRow else { return ([], [], []) }
        return (Self.sum(rh, rl), e, h)
    }

    /// Each row's `y − Σ xⱼβⱼ` in double-double, normalised (leading, trailing parts).
    private func residuals(_ b: DesignBlock) -> ([Double], [Double]) {
        let m = b.rows
        var rh = b.y
        var rl = [Double](repeating: 0, count: m)
        rh.withUnsafeMutableBufferPointer { ph in
            rl.withUnsafeMutableBufferPointer { pl in
                b.x.storage.withUnsafeBufferPointer { px in
                    for (c, j) in kept.enumerated() {
                        let col = px.baseAddress! + j * b.x.leadingDimension
                        let bh = beta[c].hi, bl = beta[c].lo
                        if let low = b.low {
                            for i in 0..<m {
                                let (p, e) = DoubleDouble.twoProduct(col[i], bh)
                                let (s, t) = DoubleDouble.twoSum(ph[i], -p)
                                ph[i] = s
                                pl[i] += t - (e + (col[i] * bl + low[i, j] * bh))
                            }
                        } else {
                            for i in 0..<m {
                                let (p, e) = DoubleDouble.twoProduct(col[i], bh)
                                let (s, t) = DoubleDouble.twoSum(ph[i], -p)
                                ph[i] = s
                                pl[i] += t - (e + col[i] * bl)
                            }
                        }
                    }
                    for i in 0..<m { (ph[i], pl[i]) = DoubleDouble.twoSum(ph[i], pl[i]) }
                }
            }
        }
        return (rh, rl)
    }

    /// The gradient `Σ xᵢⱼ·tᵢ` per kept column, `Σ tᵢrᵢ` (RSS), Durbin–Watson's
    /// `Σ (ẽᵢ − ẽᵢ₋₁)²` and (when wanted) the total sum of squares, all by compensated dot
    /// products of double-double operands.
    private mutating func addSums(_ b: DesignBlock, rh: [Double], rl: [Double], th: [Double], tl: [Double], e: [Double]) {
        let m = b.rows
        th.withUnsafeBufferPointer { pth in
            tl.withUnsafeBufferPointer { ptl in
                b.x.storage.withUnsafeBufferPointer { px in
                    let columns = kept.map { px.baseAddress! + $0 * b.x.leadingDimension }
                    if let low = b.low {
                        low.storage.withUnsafeBufferPointer { plow in
                            for (c, j) in kept.enumerated() {
                                gradient[c] += CompensatedSums.dot(columns[c], plow.baseAddress! + j * low.leadingDimension,
                                                                   pth.baseAddress!, ptl.baseAddress!, count: m)
                            }
                        }
                    } else {
                        let g = CompensatedSums.dots(columns, pth.baseAddress!, ptl.baseAddress!, count: m)
                        for c in kept.indices { gradient[c] += g[c] }
                    }
                }
                rh.withUnsafeBufferPointer { prh in
                    rl.withUnsafeBufferPointer { prl in
                        rss += b.weights == nil
                            ? CompensatedSums.sumOfSquares(prh.baseAddress!, prl.baseAddress!, count: m)
                            : CompensatedSums.dot(pth.baseAddress!, ptl.baseAddress!, prh.baseAddress!, prl.baseAddress!, count: m)
                    }
                }
            }
        }
        // Differences of the whitened residuals, exactly (leading, trailing parts); the
        // first against the previous block's last row.
        var dh = Self.zeros(m), dl = Self.zeros(m)
        var count = 0
        if let prev = previous { (dh[0], dl[0]) = DoubleDouble.twoSum(e[0], -prev); count = 1 }
        for i in 1..<m { (dh[count], dl[count]) = DoubleDouble.twoSum(e[i], -e[i - 1]); count += 1 }
        previous = e[m - 1]
        dwNumerator += Self.sumOfSquares(dh, dl, count: count)
        guard wantsTotal else { return }
        // Deviations from the centre, exactly; weighted: w·(y − c) in double-double.
        var vh = b.y, vl = [Double](repeating: 0, count: m)
        if let c = center {
            for i in 0..<m { (vh[i], vl[i]) = DoubleDouble.twoSum(b.y[i], -c) }
        }
        if let w = b.weights {
            var uh = Self.zeros(m), ul = Self.zeros(m)
            for i in 0..<m {
                let u = DoubleDouble(hi: vh[i], lo: vl[i]) * w[i]
                uh[i] = u.hi; ul[i] = u.lo
            }
            tss += Self.dot(uh, ul, vh, vl, count: m)
        } else {
            tss += Self.sumOfSquares(vh, vl, count: m)
        }
    }

    /// `Z = X̃_kept·R⁻¹` (BLAS 3): the rows scaled so that `hᵢᵢ = ‖zᵢ‖²`.
    private func scaledRows(_ b: DesignBlock) -> Matrix {
        let m = b.rows, k = kept.count
        var xk: Matrix
        if b.weights == nil && kept.count == b.columns && b.x.leadingDimension == m {
            // Every column kept, in order (`kept` ascends): the block's design itself.
            xk = b.x
        } else {
            xk = Matrix(rows: m, columns: k)
            let sw = b.weights?.map { $0.squareRoot() }
            b.x.storage.withUnsafeBufferPointer { px in
                xk.storage.withUnsafeMutableBufferPointer { pk in
                    for (c, j) in kept.enumerated() {
                        let src = px.baseAddress! + j * b.x.leadingDimension, dst = pk.baseAddress! + c * m
                        if let sw {
                            for i in 0..<m { dst[i] = src[i] * sw[i] }
                        } else {
                            dst.update(from: src, count: m)
                        }
                    }
                }
            }
        }
        var z = Matrix(rows: 0, columns: 0)
        try! Matrix.gemm(xk, .none, rInverse, .none, into: &z)
        return z
    }

    private static func dot(_ ah: [Double], _ al: [Double], _ bh: [Double], _ bl: [Double], count: Int) -> DoubleDouble {
        ah.withUnsafeBufferPointer { pah in
            al.withUnsafeBufferPointer { pal in
                bh.withUnsafeBufferPointer { pbh in
                    bl.withUnsafeBufferPointer { pbl in
                        CompensatedSums.dot(pah.baseAddress!, pal.baseAddress!, pbh.baseAddress!, pbl.baseAddress!, count: count)
                    }
                }
            }
        }
    }

    private static func sumOfSquares(_ h: [Double], _ l: [Double], count: Int) -> DoubleDouble {
        h.withUnsafeBufferPointer { ph in
            l.withUnsafeBufferPointer { CompensatedSums.sumOfSquares(ph.baseAddress!, $0.baseAddress!, count: count) }
        }
    }

    private static func zeros(_ m: Int) -> [Double] { [Double](repeating: 0, count: m) }

    /// `hᵢ + lᵢ`, rounded.
    private static func sum(_ h: [Double], _ l: [Double]) -> [Double] {
        h.withUnsafeBufferPointer { ph in
            l.withUnsafeBufferPointer { pl in
                [Double](unsafeUninitializedCapacity: ph.count) { out, count in
                    for i in 0..<ph.count { out[i] = ph[i] + pl[i] }
                    count = ph.count
                }
            }
        }
    }
}
