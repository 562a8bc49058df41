/// A covariance estimator for the coefficients of a linear model: classical, the
/// heteroskedasticity-robust HC0–HC3, cluster-robust (CR1, one-way or multiway), or
/// heteroskedasticity- and autocorrelation-robust (Newey–West; Driscoll–Kraay for panels).
///
/// ```swift
/// let robust = try fit.with(covariance: .hc3)
/// let byFirm = try fit.with(covariance: .cluster("company"))            // a column of the data
/// let twoWay = try fit.with(covariance: .cluster(["company", "year"]))  // Cameron–Gelbach–Miller
/// let byID   = try fit.with(covariance: .cluster(ids))                  // one id per observation
/// let nw     = try fit.with(covariance: .hac(lags: 4, time: "month"))    // Newey–West
/// let dk     = try fit.with(covariance: .driscollKraay(lags: 2, time: "month"))
/// ```
///
/// Definitions follow statsmodels' `cov_type` (and Stata): with `ẽ` the whitened
/// residuals, `hᵢᵢ` the leverages, scores `uᵢ = x̃ᵢẽᵢ` and `V = (X̃ᵀX̃)⁻¹ S (X̃ᵀX̃)⁻¹`:
/// - HC0 `S = Σ ẽᵢ²x̃ᵢx̃ᵢᵀ`, HC1 HC0 × `n/(n − k)`, HC2 `ẽᵢ²/(1 − hᵢᵢ)`, HC3 `ẽᵢ²/(1 − hᵢᵢ)²`;
/// - cluster `Σ_g u_g u_gᵀ` with `u_g = Σ_{i∈g} uᵢ`, times `G/(G − 1)·(n − 1)/(n − k)`, t and F
///   with `G − 1` degrees of freedom. With several cluster columns, Cameron, Gelbach and
///   Miller's inclusion–exclusion over every intersection of them, each term with `G` the
///   smallest number of clusters (pyfixest's and fixest's default), `G − 1` degrees of
///   freedom, and negative eigenvalues of the sum set to zero (fixest) when it is not
///   positive semi-definite;
/// - HAC (Newey–West) `S = Γ₀ + Σ_{l=1}^{L} (1 − l/(L + 1))(Γ_l + Γ_lᵀ)`,
///   `Γ_l = Σ_t u_t u_{t−l}ᵀ` over the rows in order (or in the order of a time column with
///   one row per period), no small-sample factor, `n − k` degrees of freedom
///   (statsmodels' `cov_type="HAC"`);
/// - Driscoll–Kraay: the same kernel over the scores summed within each period of a time
///   column (a panel), times `T/(T − 1)·(n − 1)/(n − k)` for `T` periods, `T − 1` degrees of
///   freedom (statsmodels' `cov_type="hac-groupsum"`).
public struct Covariance: Sendable, Hashable, CustomStringConvertible {
    /// The estimator families.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case classical, hc0 = "HC0", hc1 = "HC1", hc2 = "HC2", hc3 = "HC3", cluster, hac = "HAC", driscollKraay = "DK"
    }

    /// Where cluster ids come from.
    public enum Clusters: Sendable, Hashable {
        /// Columns of the data the model was fitted on (one: one-way clustering).
        case columns([String])
        /// Per clustering, one id per observation used in the fit, in row order.
        case ids([[Int]])
    }

    /// The estimator.
    public let kind: Kind
    /// The clusters, for ``Kind/cluster``.
    public let clusters: Clusters?
    /// The kernel's highest lag, for ``Kind/hac`` and ``Kind/driscollKraay``.
    public let lags: Int?
    /// The time column that orders the rows (HAC) or forms the periods (Driscoll–Kraay).
    public let time: String?

    private init(_ kind: Kind, _ clusters: Clusters? = nil, lags: Int? = nil, time: String? = nil) {
        self.kind = kind; self.clusters = clusters; self.lags = lags; self.time = time
    }

    /// `σ̂²(X̃ᵀX̃)⁻¹`: errors independent with equal variance.
    public static let classical = Covariance(.classical)
    /// White's estimator.
    public static let hc0 = Covariance(.hc0)
    /// HC0 scaled by `n/(n − k)`.
    public static let hc1 = Covariance(.hc1)
    /// Leverage-adjusted, `ẽᵢ²/(1 − hᵢᵢ)`.
    public static let hc2 = Covariance(.hc2)
    /// Jackknife-like, `ẽᵢ²/(1 − hᵢᵢ)²` (the usual choice in small samples).
    public static let hc3 = Covariance(.hc3)
    /// Cluster-robust (CR1) by a column of the data.
    public static func cluster(_ column: String) -> Covariance { Covariance(.cluster, .columns([column])) }
    /// Cluster-robust by several columns of the data (multiway, Cameron–Gelbach–Miller).
    public static func cluster(_ columns: [String]) -> Covariance { Covariance(.cluster, .columns(columns)) }
    /// Cluster-robust (CR1) by one id per observation used in the fit.
    public static func cluster(_ ids: [Int]) -> Covariance { Covariance(.cluster, .ids([ids])) }
    /// Cluster-robust by several clusterings, each one id per observation used in the fit.
    public static func cluster(ids: [[Int]]) -> Covariance { Covariance(.cluster, .ids(ids)) }
    /// Newey–West with Bartlett weights up to `lags`, over the rows in order, or ordered by
    /// a `time` column with one row per period.
    public static func hac(lags: Int, time: String? = nil) -> Covariance { Covariance(.hac, lags: lags, time: time) }
    /// Driscoll–Kraay: Newey–West over the scores summed within each period of `time`.
    public static func driscollKraay(lags: Int, time: String) -> Covariance {
        Covariance(.driscollKraay, lags: lags, time: time)
    }

    /// The estimator of `kind` when it needs nothing more (not cluster, HAC or Driscoll–Kraay).
    public init?(kind: Kind) {
        guard [.classical, .hc0, .hc1, .hc2, .hc3].contains(kind) else { return nil }
        self.init(kind)
    }

    /// E.g. `HC3`, `cluster(company)`, `cluster(company, year)`, `HAC(4, month)`.
    public var description: String {
        switch (kind, clusters) {
        case (_, .columns(let c)?): return "cluster(\(c.joined(separator: ", ")))"
        case (_, .ids(let ids)?): return "cluster(\(ids.map { "\($0.count) ids" }.joined(separator: ", ")))"
        case (.hac, _), (.driscollKraay, _):
            return "\(kind.rawValue)(\(lags ?? 0)\(time.map { ", \($0)" } ?? ""))"
        default: return kind.rawValue
        }
    }

    /// The columns a pass must read for this estimator: cluster columns, or the time column.
    var columnsRead: [String] {
        if case .columns(let c)? = clusters { return c }
        return time.map { [$0] } ?? []
    }
}

/// The middle of a sandwich, `S` in `V = R⁻¹·S·R⁻ᵀ`, accumulated over the rows of a
/// residual pass in the coordinates `zᵢ = R⁻ᵀx̃ᵢ` (so that `hᵢᵢ = ‖zᵢ‖²`), with scores
/// `uᵢ = zᵢẽᵢ`. One per estimator a pass was asked for.
struct SandwichMeat: Sendable {
    let kind: Covariance.Kind
    let k: Int
    /// HC: `Σ ωᵢ zᵢzᵢᵀ`; HAC in row order: the kernel sum so far.
    var sum: Matrix
    /// Rows (among those fitted) with leverage 1, at most 10 (HC2/HC3).
    var leverageOne: [Int] = []

    /// Cluster: per non-empty subset of the clusterings (bit mask `1..<2^d`), the scores
    /// summed by group (`G × k`, row-major) and, for intersections, the group of each
    /// combination of codes.
    var dimensions = 0
    var scores: [[Double]] = []
    var groupCount: [Int] = []
    var intersections: [[[Int32]: Int32]] = []

    /// HAC in row order: the kernel's highest lag and the last `lags` scores (row-major).
    let lags: Int
    var tail: [Double] = []
    /// HAC with a time column and Driscoll–Kraay: scores summed by period code (`T × k`)
    /// and rows per period.
    var periods: [Double] = []
    var periodRows: [Int] = []

    init(kind: Covariance.Kind, columns k: Int, dimensions: Int = 1, lags: Int = 0) {
        self.kind = kind
        self.k = k
        self.lags = lags
        sum = Matrix(rows: k, columns: k)
        if kind == .cluster {
            self.dimensions = dimensions
            let subsets = (1 << dimensions) - 1
            scores = Array(repeating: [], count: subsets)
            groupCount = Array(repeating: 0, count: subsets)
            intersections = Array(repeating: [:], count: subsets)
        }
    }

    /// Adds a block: `z` (`m × k`), whitened residuals `e`, leverages `h`, the block's codes
    /// (per clustering, or the time periods), and the rows before the block.
    mutating func add(z: Matrix, e: [Double], h: [Double], codes: [[Int32]], firstRow: Int) {
        let m = z.rows
        switch kind {
        case .classical: return
        case .hc0, .hc1, .hc2, .hc3: addHeteroskedastic(z: z, e: e, h: h, firstRow: firstRow)
        case .cluster:
            for subset in 1..<(1 << dimensions) {
                let dims = (0..<dimensions).filter { subset & (1 << $0) != 0 }
                var ids: [Int32]
                if dims.count == 1 {
                    ids = codes[dims[0]]
                } else {
                    ids = [Int32](repeating: 0, count: m)
                    for i in 0..<m {
                        let key = dims.map { codes[$0][i] }
                        if let id = intersections[subset - 1][key] { ids[i] = id } else {
                            let id = Int32(intersections[subset - 1].count)
                            intersections[subset - 1][key] = id
                            ids[i] = id
                        }
                    }
                }
                Self.addByGroup(z: z, e: e, ids: ids, into: &scores[subset - 1], groups: &groupCount[subset - 1], k: k)
            }
        case .hac, .driscollKraay:
            if let periodCodes = codes.first {
                var count = periodRows.count
                Self.addByGroup(z: z, e: e, ids: periodCodes, into: &periods, groups: &count, k: k)
                if count > periodRows.count { periodRows.append(contentsOf: repeatElement(0, count: count - periodRows.count)) }
                for c in periodCodes { periodRows[Int(c)] += 1 }
            } else {
                addRowOrderHAC(z: z, e: e)
            }
        }
    }

    private mutating func addHeteroskedastic(z: Matrix, e: [Double], h: [Double], firstRow: Int) {
        let m = z.rows
        guard m > 0 else { return }
        // Each row's factor |ẽᵢ|/(1 − hᵢᵢ)^a (a = 0, ½, 1) in a loop without branches; rows of
        // leverage 1 (to 1e-10) are then set to 0 and listed.
        var f = e.withUnsafeBufferPointer { pe in
            h.withUnsafeBufferPointer { ph in
                [Double](unsafeUninitializedCapacity: m) { pf, count in
                    switch kind {
                    case .hc2: for i in 0..<m { pf[i] = abs(pe[i]) / (1 - ph[i]).squareRoot() }
                    case .hc3: for i in 0..<m { pf[i] = abs(pe[i]) / (1 - ph[i]) }
                    default: for i in 0..<m { pf[i] = abs(pe[i]) }
                    }
                    count = m
                }
            }
        }
        if kind == .hc2 || kind == .hc3 {
            for i in 0..<m where 1 - h[i] <= 1e-10 {
                if leverageOne.count < 10 { leverageOne.append(firstRow + i) }
                f[i] = 0
            }
        }
        let w = z.storage.withUnsafeBufferPointer { pz in
            f.withUnsafeBufferPointer { pf in
                Matrix(rows: m, columns: k, columnMajor: [Double](unsafeUninitializedCapacity: max(1, m) * k) { pw, count in
                    for c in 0..<k {
                        let src = pz.baseAddress! + c * z.leadingDimension, dst = pw.baseAddress! + c * m
                        for i in 0..<m { dst[i] = src[i] * pf[i] }
                    }
                    count = max(1, m) * k
                })
            }
        }
        if k > Self.smallGram {
            let g = w.syrk(.transpose)
            for i in sum.storage.indices { sum.storage[i] += g.storage[i] }
            return
        }
        w.storage.withUnsafeBufferPointer { pw in
            for c in 0..<k {
                for d in c..<k {
                    let g = Self.dot(pw.baseAddress! + c * m, pw.baseAddress! + d * m, count: m)
                    sum[c, d] += g
                    if d != c { sum[d, c] += g }
                }
            }
        }
    }

    /// Widest `wᵀw` summed by ``dot(_:_:count:)`` rather than `dsyrk`: OpenBLAS packs and
    /// pads a few columns to its kernel's tile on every block, which took longer than the
    /// `k(k+1)/2` dot products themselves.
    static let smallGram = 8

    /// `Σ aᵢbᵢ` in eight independent lanes (vectorized, and no addition waits for the one
    /// before; the lanes added in a fixed order).
    private static func dot(_ a: UnsafePointer<Double>, _ b: UnsafePointer<Double>, count n: Int) -> Double {
        func load(_ p: UnsafePointer<Double>, _ i: Int) -> SIMD4<Double> {
            UnsafeRawPointer(p + i).loadUnaligned(as: SIMD4<Double>.self)
        }
        var s0 = SIMD4<Double>(repeating: 0), s1 = s0
        var i = 0
        while i + 8 <= n {
            s0 += load(a, i) * load(b, i)
            s1 += load(a, i + 4) * load(b, i + 4)
            i += 8
        }
        if i + 4 <= n { s0 += load(a, i) * load(b, i); i += 4 }
        let s = s0 + s1
        var t = (s[0] + s[1]) + (s[2] + s[3])
        while i < n { t += a[i] * b[i]; i += 1 }
        return t
    }

    /// Scores `zᵢẽᵢ` summed into rows `ids[i]` of `table` (`groups × k`, grown as ids appear).
    private static func addByGroup(z: Matrix, e: [Double], ids: [Int32], into table: inout [Double], groups: inout Int, k: Int) {
        let top = Int(ids.max() ?? -1) + 1
        if top > groups {
            table.append(contentsOf: repeatElement(0, count: (top - groups) * k))
            groups = top
        }
        for c in 0..<k {
            for i in 0..<z.rows { table[Int(ids[i]) * k + c] += e[i] * z[i, c] }
        }
    }

    /// Newey–West over the rows in order: `Γ₀` and the kernel-weighted `Γ_l + Γ_lᵀ` of this
    /// block's scores against the block's and the last `lags` rows of the previous ones.
    private mutating func addRowOrderHAC(z: Matrix, e: [Double]) {
        let m = z.rows
        let before = tail.count / k
        // All scores: the kept tail, then this block's (row-major).
        var u = tail
        u.reserveCapacity((before + m) * k)
        for i in 0..<m { for c in 0..<k { u.append(z[i, c] * e[i]) } }
        let rows = before + m
        for l in 0...lags {
            let w = l == 0 ? 1.0 : 1 - Double(l) / Double(lags + 1)
            // Γ_l over this block's rows t (global order) with t − l available.
            var g = [Double](repeating: 0, count: k * k)
            for t in max(before, l)..<rows {
                let a = t * k, b = (t - l) * k
                for i in 0..<k {
                    let ui = u[a + i]
                    if ui == 0 { continue }
                    for j in 0..<k { g[i * k + j] += ui * u[b + j] }
                }
            }
            for i in 0..<k { for j in 0..<k {
                sum[i, j] += w * (l == 0 ? g[i * k + j] : g[i * k + j] + g[j * k + i])
            } }
        }
        tail = Array(u[(max(0, rows - lags) * k)...])
    }

    /// What the result needs of the middle: `S` with its small-sample factor, the numbers
    /// of clusters (or periods), and the degrees of freedom of t and F (`nil`: `n − k`).
    struct Middle {
        var s: Matrix
        var groups: [Int]
        var degreesOfFreedom: Int?
    }

    /// The middle for `n` observations and `kEffective` parameters in the small-sample
    /// factors (the coefficients, and any absorbed fixed effects); `order` lists the period
    /// codes in time order (HAC with a time column, Driscoll–Kraay).
    func middle(n: Int, k kEffective: Int, order: [Int32]?) throws(RegressionError) -> Middle {
        var s = sum
        let ssc = { (g: Int) in g < 2 ? Double.nan : Double(g) / Double(g - 1) * Double(n - 1) / Double(n - kEffective) }
        switch kind {
        case .classical, .hc0, .hc2, .hc3:
            return Middle(s: s, groups: [], degreesOfFreedom: nil)
        case .hc1:
            let f = Double(n) / Double(n - kEffective)
            for i in s.storage.indices { s.storage[i] *= f }
            return Middle(s: s, groups: [], degreesOfFreedom: nil)
        case .cluster:
            for subset in 1..<(1 << dimensions) {
                let sign = subset.nonzeroBitCount % 2 == 1 ? 1.0 : -1.0
                let t = scores[subset - 1]
                for g in 0..<groupCount[subset - 1] {
                    for b in 0..<k { for a in 0..<k { s[a, b] += sign * t[g * k + a] * t[g * k + b] } }
                }
            }
            let groups = (0..<dimensions).map { groupCount[(1 << $0) - 1] }
            let smallest = groups.min() ?? 0
            let f = ssc(smallest)
            for i in s.storage.indices { s.storage[i] *= f }
            return Middle(s: s, groups: groups, degreesOfFreedom: smallest - 1)
        case .hac, .driscollKraay:
            guard let order else { return Middle(s: s, groups: [], degreesOfFreedom: nil) }
            if kind == .hac, let p = order.first(where: { periodRows[Int($0)] > 1 }) {
                throw .unusableColumn("HAC over a time column needs one row per period; period \(order.firstIndex(of: p)! + 1) of \(order.count) has \(periodRows[Int(p)]) rows (for a panel use Driscoll–Kraay)")
            }
            let t = order.count
            for l in 0...lags {
                let w = l == 0 ? 1.0 : 1 - Double(l) / Double(lags + 1)
                guard l < t else { break }
                for q in l..<t {
                    let a = Int(order[q]) * k, b = Int(order[q - l]) * k
                    for i in 0..<k { for j in 0..<k {
                        let v = periods[a + i] * periods[b + j]
                        s[i, j] += w * v
                        if l > 0 { s[j, i] += w * v }
                    } }
                }
            }
            if kind == .driscollKraay {
                let f = ssc(t)
                for i in s.storage.indices { s.storage[i] *= f }
                return Middle(s: s, groups: [t], degreesOfFreedom: t - 1)
            }
            return Middle(s: s, groups: [t], degreesOfFreedom: nil)
        }
    }
}
