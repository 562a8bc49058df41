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
/// low-order part included), the refinement's gradient `X̃ᵀẽ` in double-double, the sums
/// of squares, Durbin–Watson's differences, leverages `hᵢᵢ = ‖zᵢ‖²` with `Z = X̃R⁻¹`, and
/// the sandwich estimators' middles.
struct ResidualPass: Sendable {
    let kept: [Int]
    let beta: [DoubleDouble]
    let rInverse: Matrix
    /// Weighted mean of the response (centred total sum of squares), or nil (uncentred).
    let center: Double?
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

    init(solution s: TriangularSolution, beta: [DoubleDouble], center: Double?,
         estimators: [LeastSquaresEngine.Estimator], leverage: Bool) {
        kept = s.kept
        self.beta = beta
        rInverse = s.rInverse
        self.center = center
        meats = estimators.map { SandwichMeat(kind: $0.kind, columns: s.kept.count, dimensions: $0.dimensions, lags: $0.lags) }
        wantsLeverage = leverage || !estimators.isEmpty
        gradient = [DoubleDouble](repeating: .zero, count: s.kept.count)
    }

    /// Adds one block, with each estimator's codes for its rows (per clustering, or the
    /// time periods); returns the residuals, unweighted and whitened, and (when computed)
    /// leverages.
    mutating func add(_ b: DesignBlock, codes: [[[Int32]]]) -> (residuals: [Double], whitened: [Double], leverages: [Double]) {
        let m = b.rows, k = kept.count
        if m == 0 { return ([], [], []) }
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
        // Weighted residuals t = w·r (gradient), whitened ẽ = √w·r (sums of squares, sandwich).
        var th = rh, tl = rl
        var e = [Double](repeating: 0, count: m)
        if let w = b.weights {
            for i in 0..<m {
                let t = DoubleDouble(hi: rh[i], lo: rl[i]) * w[i]
                th[i] = t.hi; tl[i] = t.lo
                e[i] = (rh[i] + rl[i]) * w[i].squareRoot()
            }
        } else {
            for i in 0..<m { e[i] = rh[i] + rl[i] }
        }
        // Gradient: Σ xᵢⱼ·tᵢ per kept column, by error-free products and sums (Dot2).
        b.x.storage.withUnsafeBufferPointer { px in
            for (c, j) in kept.enumerated() {
                let col = px.baseAddress! + j * b.x.leadingDimension
                var sh = 0.0, sl = 0.0
                for i in 0..<m {
                    let (p, pe) = DoubleDouble.twoProduct(col[i], th[i])
                    let (s, q) = DoubleDouble.twoSum(sh, p)
                    sh = s
                    sl += q + (pe + col[i] * tl[i])
                }
                if let low = b.low { for i in 0..<m { sl += low[i, j] * th[i] } }
                gradient[c] += DoubleDouble(normalising: DoubleDouble.twoSum(sh, sl))
            }
        }
        // Sums of squares and Durbin–Watson's differences of the whitened residuals.
        var ss = DoubleDouble.zero, dd = DoubleDouble.zero, ts = DoubleDouble.zero
        for i in 0..<m {
            let r = DoubleDouble(hi: rh[i], lo: rl[i])
            ss += (r * r) * (b.weights?[i] ?? 1)
            if let prev = i == 0 ? previous : e[i - 1] {
                let d = DoubleDouble(normalising: DoubleDouble.twoSum(e[i], -prev))
                dd += d * d
            }
            let yv = DoubleDouble(b.y[i])
            let dev = center.map { yv - DoubleDouble($0) } ?? yv
            ts += (dev * dev) * (b.weights?[i] ?? 1)
        }
        previous = e[m - 1]
        rss += ss; dwNumerator += dd; tss += ts

        var h: [Double] = []
        if wantsLeverage {
            // Z = X̃_kept·R⁻¹ (BLAS 3), hᵢᵢ = ‖zᵢ‖².
            var xk = Matrix(rows: m, columns: k)
            let sw = b.weights?.map { $0.squareRoot() }
            for (c, j) in kept.enumerated() {
                for i in 0..<m { xk[i, c] = b.x[i, j] * (sw?[i] ?? 1) }
            }
            var z = Matrix(rows: 0, columns: 0)
            try! Matrix.gemm(xk, .none, rInverse, .none, into: &z)
            h = [Double](repeating: 0, count: m)
            for c in 0..<k { for i in 0..<m { h[i] += z[i, c] * z[i, c] } }
            for s in meats.indices {
                meats[s].add(z: z, e: e, h: h, codes: codes[s], firstRow: rows)
            }
        }
        rows += m
        var residuals = [Double](repeating: 0, count: m)
        for i in 0..<m { residuals[i] = rh[i] + rl[i] }
        return (residuals, e, h)
    }
}

