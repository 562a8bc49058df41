/// A covariance estimator for the coefficients of a linear model: classical, the
/// heteroskedasticity-robust HC0–HC3, or cluster-robust (CR1).
///
/// ```swift
/// let robust = try fit.with(covariance: .hc3)
/// let byFirm = try fit.with(covariance: .cluster("company"))     // a column of the data
/// let byID   = try fit.with(covariance: .cluster(ids))           // one id per observation
/// ```
///
/// Definitions follow statsmodels' `cov_type` (and Stata): with `ẽ` the whitened
/// residuals, `hᵢᵢ` the leverages and `V = (X̃ᵀX̃)⁻¹ (Σ ωᵢ x̃ᵢx̃ᵢᵀ) (X̃ᵀX̃)⁻¹`:
/// HC0 `ωᵢ = ẽᵢ²`, HC1 HC0 × `n/(n − k)`, HC2 `ẽᵢ²/(1 − hᵢᵢ)`, HC3 `ẽᵢ²/(1 − hᵢᵢ)²`;
/// cluster `Σ_g u_g u_gᵀ` with `u_g = Σ_{i∈g} ẽᵢx̃ᵢ`, times `G/(G − 1)·(n − 1)/(n − k)`,
/// and t and F with `G − 1` degrees of freedom.
public struct Covariance: Sendable, Hashable, CustomStringConvertible {
    /// The estimator families.
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case classical, hc0 = "HC0", hc1 = "HC1", hc2 = "HC2", hc3 = "HC3", cluster
    }

    /// Where cluster ids come from.
    public enum Clusters: Sendable, Hashable {
        /// A column of the data the model was fitted on.
        case column(String)
        /// One id per observation used in the fit, in row order.
        case ids([Int])
    }

    /// The estimator.
    public let kind: Kind
    /// The clusters, for ``Kind/cluster``.
    public let clusters: Clusters?

    private init(_ kind: Kind, _ clusters: Clusters? = nil) { self.kind = kind; self.clusters = clusters }

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
    public static func cluster(_ column: String) -> Covariance { Covariance(.cluster, .column(column)) }
    /// Cluster-robust (CR1) by one id per observation used in the fit.
    public static func cluster(_ ids: [Int]) -> Covariance { Covariance(.cluster, .ids(ids)) }

    /// The estimator of `kind` (``Kind/cluster`` needs ``cluster(_:)-(String)`` instead).
    public init?(kind: Kind) {
        guard kind != .cluster else { return nil }
        self.init(kind)
    }

    /// E.g. `HC3`, `cluster(company)`.
    public var description: String {
        switch clusters {
        case .column(let c)?: return "cluster(\(c))"
        case .ids(let ids)?: return "cluster(\(ids.count) ids)"
        case nil: return kind.rawValue
        }
    }

    /// The heteroskedasticity-robust kinds, which need no ids.
    var isHeteroskedasticityRobust: Bool { kind != .classical && kind != .cluster }
}

/// The middle of a sandwich, `S` in `V = R⁻¹·S·R⁻ᵀ`, accumulated over the rows in the
/// coordinates `zᵢ = R⁻ᵀx̃ᵢ` (so that `hᵢᵢ = ‖zᵢ‖²`). One per estimator a pass was asked for.
struct SandwichMeat: Sendable {
    let kind: Covariance.Kind
    /// `k × k` accumulated `Σ ωᵢ zᵢzᵢᵀ` (HC), or per-cluster scores `u_g` (cluster).
    var sum: Matrix
    /// Cluster scores, `G × k` row-major, growing as ids appear (cluster only).
    var scores: [Double] = []
    /// Number of clusters seen.
    var groups = 0
    /// Rows (among those fitted) with leverage 1, at most 10 (HC2/HC3).
    var leverageOne: [Int] = []

    init(kind: Covariance.Kind, columns k: Int) {
        self.kind = kind
        sum = Matrix(rows: k, columns: k)
    }

    /// Adds a block: `z` (`m × k`), whitened residuals `e`, leverages `h`, cluster codes,
    /// and the number of rows before the block (for the rows named in errors).
    mutating func add(z: Matrix, e: [Double], h: [Double], clusters: [Int32]?, firstRow: Int) {
        let m = z.rows, k = z.columns
        if kind == .cluster {
            guard let clusters else { return }
            let top = Int(clusters.max() ?? -1) + 1
            if top > groups {
                scores.append(contentsOf: repeatElement(0, count: (top - groups) * k))
                groups = top
            }
            for c in 0..<k {
                for i in 0..<m { scores[Int(clusters[i]) * k + c] += e[i] * z[i, c] }
            }
            return
        }
        var w = Matrix(rows: m, columns: k)
        var factor = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var f = abs(e[i])
            if kind == .hc2 || kind == .hc3 {
                let oneMinus = 1 - h[i]
                if oneMinus <= 1e-10 {
                    if leverageOne.count < 10 { leverageOne.append(firstRow + i) }
                    f = 0
                } else {
                    f /= kind == .hc2 ? oneMinus.squareRoot() : oneMinus
                }
            }
            factor[i] = f
        }
        for c in 0..<k { for i in 0..<m { w[i, c] = z[i, c] * factor[i] } }
        let g = w.syrk(.transpose)
        for i in sum.storage.indices { sum.storage[i] += g.storage[i] }
    }

    /// `S` with the estimator's small-sample factor, for `n` observations and `k` coefficients.
    func middle(n: Int, k: Int) -> Matrix {
        var s = sum
        if kind == .cluster {
            for g in 0..<groups {
                for b in 0..<k { for a in 0..<k { s[a, b] += scores[g * k + a] * scores[g * k + b] } }
            }
            let factor = groups < 2 ? Double.nan : Double(groups) / Double(groups - 1) * Double(n - 1) / Double(n - k)
            for i in s.storage.indices { s.storage[i] *= factor }
        } else if kind == .hc1 {
            let f = Double(n) / Double(n - k)
            for i in s.storage.indices { s.storage[i] *= f }
        }
        return s
    }
}
