/// The projection on the fixed effects, computed in coefficient space: for columns `v`
/// (the response and the regressors, all at once), the fixed effects' coefficients `α_q`
/// such that `v − Σ_q D_q·α_q` has (weighted) mean 0 in every level of every fixed effect.
///
/// One sweep is a Gauss–Seidel step over the fixed effects (Gaure 2013; the method of
/// fixest and reghdfe): fixed effect `q`'s coefficients become the level means of
/// `v − Σ_{p≠q} D_p·α_p`. The step is the same as the alternating projections of the
/// demeaned columns, but it reads only the codes and the coefficients, not the columns,
/// and it serves every column in one pass over the codes. Two sweeps in a row are
/// extrapolated by Irons and Tuck's method (as fixest). When the fixed effects other than
/// the largest have few levels in all (years, regions), the iteration starts from their
/// direct solution and the sweeps only confirm it: a panel of firms and years takes 2
/// sweeps instead of about 20. The iteration stops when a sweep moves no coefficient of
/// column `j` by more than ``FixedEffectsModel/tolerance`` of the column's largest
/// value: the stopping rule of plain alternating projections, with each column's own
/// scale.
struct FixedEffectsProjection {
    let codes: [[Int32]]
    let levels: [Int]
    let weights: [Double]?
    /// Per fixed effect, `1/Σw` of each level.
    private let inverseTotals: [[Double]]
    /// The fixed effects in sweep order, most levels first: the first one's coefficients
    /// follow from the others', so the iteration's state is the smaller ones.
    private let order: [Int]

    var n: Int { codes.first?.count ?? 0 }

    init(codes: [[Int32]], levels: [Int], weights: [Double]?) {
        self.codes = codes
        self.levels = levels
        self.weights = weights
        inverseTotals = codes.indices.map { q in
            var t = [Double](repeating: 0, count: levels[q])
            codes[q].withUnsafeBufferPointer { c in
                if let weights {
                    weights.withUnsafeBufferPointer { w in for i in c.indices { t[Int(c[i])] += w[i] } }
                } else {
                    for i in c.indices { t[Int(c[i])] += 1 }
                }
            }
            return t.map { 1 / $0 }
        }
        order = codes.indices.sorted { levels[$0] > levels[$1] || (levels[$0] == levels[$1] && $0 < $1) }
    }

    /// The coefficients for `columns` (each `n` long), from `start` (per fixed effect,
    /// `levels × k` values, level-major) or from 0; with the sweeps made.
    func coefficients(of columns: [[Double]], start: [[Double]]? = nil) -> (alpha: [[Double]], sweeps: Int) {
        let k = columns.count, q = codes.count
        var alpha = start ?? levels.map { [Double](repeating: 0, count: $0 * k) }
        guard k > 0, n > 0 else { return (alpha, 0) }
        let sums = levelSums(columns)
        if q > 1, let direct = directStart(sums: sums, k: k) { alpha = direct }
        let limit = columns.map { c in FixedEffectsModel.tolerance * max(c.reduce(0) { max($0, Swift.abs($1)) }, .leastNormalMagnitude) }
        func settled(_ change: [Double]) -> Bool { zip(change, limit).allSatisfy { $0 <= $1 } }
        if q == 1 {
            _ = sweep(&alpha, sums: sums, k: k)
            return (alpha, 1)
        }
        var sweeps = 0
        while sweeps < FixedEffectsModel.maxSweeps {
            let x = alpha
            sweeps += 1
            if settled(sweep(&alpha, sums: sums, k: k)) { break }
            let gx = alpha
            sweeps += 1
            if settled(sweep(&alpha, sums: sums, k: k)) { break }
            accelerate(&alpha, x: x, gx: gx, k: k)
        }
        return (alpha, sweeps)
    }

    /// Fixed effects beyond the first (in sweep order) with this many levels in all at most
    /// are solved for directly.
    static let directLimit = 256

    /// The starting point when the fixed effects other than the largest have few levels
    /// (years, regions): the largest one's coefficients are eliminated exactly (they are
    /// level means given the others'), which leaves a small symmetric system
    /// `C·β = b` in the others' coefficients, `C = D_sᵀWD_s − D_sᵀWD₀(D₀ᵀWD₀)⁻¹D₀ᵀWD_s`,
    /// `b = D_sᵀWv − D_sᵀWD₀(D₀ᵀWD₀)⁻¹D₀ᵀWv`, solved through its eigendecomposition
    /// (`C` is singular: the levels of each fixed effect sum to the same constant as the
    /// largest one's). The sweeps that follow then only confirm it, or finish the job
    /// when rounding in `C` left a trace; `nil` when the others have too many levels.
    private func directStart(sums: [[Double]], k: Int) -> [[Double]]? {
        let first = order[0], rest = Array(order.dropFirst())
        var offset = [Int](repeating: 0, count: codes.count), m = 0
        for q in rest { offset[q] = m; m += levels[q] }
        guard m > 0, m <= Self.directLimit else { return nil }
        // Rows grouped by the largest fixed effect's level (counting sort).
        let g0 = levels[first]
        var begin = [Int](repeating: 0, count: g0 + 1)
        var rows = [Int32](repeating: 0, count: n)
        codes[first].withUnsafeBufferPointer { c in
            for i in c.indices { begin[Int(c[i]) + 1] += 1 }
            for g in 0..<g0 { begin[g + 1] += begin[g] }
            var next = begin
            for i in c.indices { rows[next[Int(c[i])]] = Int32(i); next[Int(c[i])] += 1 }
        }
        var cm = Matrix(rows: m, columns: m)
        var b = [Double](repeating: 0, count: m * k)
        for q in rest {
            for a in 0..<levels[q] {
                cm[offset[q] + a, offset[q] + a] = 1 / inverseTotals[q][a]
                for j in 0..<k { b[(offset[q] + a) * k + j] = sums[q][a * k + j] }
            }
        }
        var u = [Double](repeating: 0, count: m), seen = [Int](repeating: -1, count: m), touched: [Int] = []
        var here = [Int](repeating: 0, count: rest.count)
        let restCodes = rest.map { codes[$0] }, restOffset = rest.map { offset[$0] }
        cm.storage.withUnsafeMutableBufferPointer { c in
            for g in 0..<g0 {
                touched.removeAll(keepingCapacity: true)
                for r in begin[g]..<begin[g + 1] {
                    let i = Int(rows[r]), wi = weights?[i] ?? 1
                    for x in rest.indices {
                        let e = restOffset[x] + Int(restCodes[x][i])
                        if seen[e] != g { seen[e] = g; touched.append(e) }
                        u[e] += wi
                        here[x] = e
                    }
                    // Two further fixed effects meet in this row: their cross term.
                    for x in here.indices { for y in here.indices where x != y { c[here[x] + here[y] * m] += wi } }
                }
                let inv = inverseTotals[first][g]
                for a in touched {
                    let ua = u[a] * inv
                    for e in touched { c[a + e * m] -= ua * u[e] }
                    for j in 0..<k { b[a * k + j] -= ua * sums[first][g * k + j] }
                }
                for a in touched { u[a] = 0 }
            }
        }
        guard let (values, vectors) = try? LAPACK.syev(cm), let largest = values.last, largest > 0 else { return nil }
        // β = V·diag(1/λ)·Vᵀb over the eigenvalues clear of 0.
        var alpha = levels.map { [Double](repeating: 0, count: $0 * k) }
        for (e, lambda) in values.enumerated() where lambda > 1e-10 * largest {
            for j in 0..<k {
                var proj = 0.0
                for a in 0..<m { proj += vectors[a, e] * b[a * k + j] }
                proj /= lambda
                for q in rest { for a in 0..<levels[q] { alpha[q][a * k + j] += vectors[offset[q] + a, e] * proj } }
            }
        }
        return alpha
    }

    /// `columns − Σ_q D_q·α_q`.
    func residuals(of columns: [[Double]], alpha: [[Double]]) -> [[Double]] {
        let k = columns.count
        return columns.indices.map { j in
            var r = columns[j]
            r.withUnsafeMutableBufferPointer { r in
                for q in codes.indices {
                    codes[q].withUnsafeBufferPointer { c in
                        alpha[q].withUnsafeBufferPointer { a in
                            for i in 0..<r.count { r[i] -= a[Int(c[i]) * k + j] }
                        }
                    }
                }
            }
            return r
        }
    }

    /// Per fixed effect, the weighted sums `Σ w·v` of each level and column (level-major).
    private func levelSums(_ columns: [[Double]]) -> [[Double]] {
        let k = columns.count
        return codes.indices.map { q in
            var s = [Double](repeating: 0, count: levels[q] * k)
            s.withUnsafeMutableBufferPointer { s in
                codes[q].withUnsafeBufferPointer { c in
                    for j in 0..<k {
                        columns[j].withUnsafeBufferPointer { v in
                            if let weights {
                                weights.withUnsafeBufferPointer { w in for i in c.indices { s[Int(c[i]) * k + j] += w[i] * v[i] } }
                            } else {
                                for i in c.indices { s[Int(c[i]) * k + j] += v[i] }
                            }
                        }
                    }
                }
            }
            return s
        }
    }

    /// One Gauss–Seidel sweep; returns each column's largest coefficient change.
    private func sweep(_ alpha: inout [[Double]], sums: [[Double]], k: Int) -> [Double] {
        var change = [Double](repeating: 0, count: k)
        for q in order {
            var acc = sums[q]
            acc.withUnsafeMutableBufferPointer { acc in
                codes[q].withUnsafeBufferPointer { cq in
                    for p in codes.indices where p != q {
                        codes[p].withUnsafeBufferPointer { cp in
                            alpha[p].withUnsafeBufferPointer { a in
                                if let weights {
                                    weights.withUnsafeBufferPointer { w in
                                        for i in cq.indices {
                                            let g = Int(cq[i]) * k, h = Int(cp[i]) * k, wi = w[i]
                                            for j in 0..<k { acc[g + j] -= wi * a[h + j] }
                                        }
                                    }
                                } else {
                                    for i in cq.indices {
                                        let g = Int(cq[i]) * k, h = Int(cp[i]) * k
                                        for j in 0..<k { acc[g + j] -= a[h + j] }
                                    }
                                }
                            }
                        }
                    }
                }
                inverseTotals[q].withUnsafeBufferPointer { inv in
                    alpha[q].withUnsafeMutableBufferPointer { a in
                        for g in inv.indices {
                            for j in 0..<k {
                                let next = acc[g * k + j] * inv[g]
                                change[j] = max(change[j], Swift.abs(next - a[g * k + j]))
                                a[g * k + j] = next
                            }
                        }
                    }
                }
            }
        }
        return change
    }

    /// Irons–Tuck: from `x`, `gx = G(x)` and `alpha = G(G(x))`, per column,
    /// `G(G(x)) − (δ·Δ²/Δ²·Δ²)·δ` with `δ = G(G(x)) − G(x)` and `Δ² = G(G(x)) − 2G(x) + x`.
    /// Only the fixed effects after the first in sweep order are the iteration's state.
    private func accelerate(_ alpha: inout [[Double]], x: [[Double]], gx: [[Double]], k: Int) {
        var num = [Double](repeating: 0, count: k), den = [Double](repeating: 0, count: k)
        for q in order.dropFirst() {
            for g in 0..<levels[q] {
                for j in 0..<k {
                    let e = g * k + j
                    let d = alpha[q][e] - gx[q][e], d2 = d - (gx[q][e] - x[q][e])
                    num[j] += d * d2
                    den[j] += d2 * d2
                }
            }
        }
        for q in order.dropFirst() {
            for g in 0..<levels[q] {
                for j in 0..<k where den[j] > 0 {
                    let e = g * k + j
                    alpha[q][e] -= num[j] / den[j] * (alpha[q][e] - gx[q][e])
                }
            }
        }
    }
}
