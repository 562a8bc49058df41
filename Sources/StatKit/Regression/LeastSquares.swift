import _CLapack

/// An error in the data given to a least-squares fit or a regression.
public enum RegressionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The design has no columns.
    case emptyDesign
    /// The design has no rows.
    case noObservations
    /// Lengths of design, response, weights, clusters or names disagree.
    case dimensionMismatch(String)
    /// A NaN or infinite value; `column` is the term name, `"response"`, `"weights"`;
    /// `row` is zero-based.
    case nonFinite(column: String, row: Int, value: Double)
    /// A weight that is not strictly positive (zero-based `row`).
    case nonPositiveWeight(row: Int, value: Double)
    /// `n − rank ≤ 0`: no degrees of freedom left to estimate σ².
    case noResidualDegreesOfFreedom(observations: Int, rank: Int)
    /// Confidence level outside (0, 1).
    case invalidLevel(Double)
    /// Cluster-robust covariance requested without cluster ids, or with the wrong count.
    case clustersRequired(String)
    /// HC2/HC3 divide by `1 − h_ii`, undefined for observations with leverage 1
    /// (zero-based rows, at most the first 10 listed).
    case leverageOne(covariance: String, rows: [Int])
    /// All columns were found aliased (e.g. every column is zero).
    case noEstimableColumns

    public var description: String {
        switch self {
        case .emptyDesign: return "the design matrix has no columns"
        case .noObservations: return "the design matrix has no rows"
        case let .dimensionMismatch(d): return "dimension mismatch: \(d)"
        case let .nonFinite(c, r, v): return "non-finite value \(v) in column '\(c)', row \(r + 1)"
        case let .nonPositiveWeight(r, v): return "weight \(v) in row \(r + 1) is not strictly positive and finite"
        case let .noResidualDegreesOfFreedom(n, k):
            return "no residual degrees of freedom: \(n) observations for \(k) estimable coefficients (need n > rank)"
        case let .invalidLevel(l): return "confidence level \(l) is not in (0, 1)"
        case let .clustersRequired(d): return "cluster-robust covariance: \(d)"
        case let .leverageOne(c, rows):
            return "\(c) covariance is undefined: observation(s) \(rows.map { String($0 + 1) }.joined(separator: ", ")) have leverage h_ii = 1"
        case .noEstimableColumns: return "no estimable column: every column of the design is aliased (e.g. all zero)"
        }
    }
}

/// The solution of a linear least-squares problem `min_β ‖y − Xβ‖₂`.
public struct LeastSquaresSolution: Sendable {
    /// Coefficients in the input column order; `nil` for an aliased column
    /// (no estimate, like R's `NA`).
    public let coefficients: [Double?]
    /// Numerical rank: number of kept columns.
    public let rank: Int
    /// Zero-based indices of kept columns, ascending.
    public let keptColumns: [Int]
    /// Zero-based indices of aliased (dropped) columns, ascending.
    public let aliasedColumns: [Int]
    /// Residuals `y − Xβ`, evaluated in extended precision and rounded.
    public let residuals: [Double]
    /// `Σ rᵢ²`, accumulated in extended precision.
    public let residualSumOfSquares: Double
    /// A `rank × rank` matrix `M` with `X_kept·M = Q` (orthonormal columns), so that
    /// `(X_keptᵀX_kept)⁻¹ = M·Mᵀ`. Row `i` belongs to `keptColumns[i]`. `M = D·P·R⁻¹`
    /// from the scaled, pivoted QR factorization of the kept columns.
    public let inverseFactor: Matrix
    /// Singular values of the whole design (all columns), descending, from the
    /// triangular factor; `min(n, p)` values.
    public let singularValues: [Double]
    /// 1-norm condition number estimate of the column-scaled triangular factor
    /// of the kept columns (the quantity that selected the precision).
    public let scaledConditionEstimate: Double
    /// Whether the extended-precision (Float80) factorization was used.
    public let usedExtendedPrecision: Bool
    /// Refinement steps taken.
    public let refinementSteps: Int
    /// ``inverseFactor`` before rounding to double (column-major).
    let inverseFactor80: [Float80]
}

/// Linear least squares by Householder QR with column pivoting.
///
/// ## Method
/// 1. **Scaling.** Each column `x_j` is multiplied by `d_j = 2^{−e_j}`, the power of two
///    nearest `1/‖x_j‖₂`, so the scaling is exact in binary floating point
///    (`X_s = X·D`, `β = D·β_s` carry no rounding).
/// 2. **Double-precision QR.** First blocked Householder QR without pivoting (`dgeqrf`);
///    if its `R` is well conditioned (1-norm estimate κ ≤ 10⁴ and `tol·κ < 0.1`) the
///    design has full rank under any column order and this factorization is used.
///    Otherwise pivoted QR (`dgeqp3`): `X_s·P = Q·R`.
/// 3. **Rank.** Column `k` (in pivot order) is aliased when `|R_kk| ≤ tol·|R_11|`.
///    The default `tol = max(n, p)·ε` (ε = 2⁻⁵² ≈ 2.2e-16) is the usual numerical-rank
///    threshold (LAPACK/NumPy `matrix_rank` use the same on singular values): the data
///    are doubles, so a column whose independent part is below the rounding level of the
///    whole design cannot be told from an exactly collinear one. R's `lm` uses 1e-7,
///    which drops a genuinely identifiable term of NIST's Filip (polynomial degree 10,
///    |R_kk|/|R_11| ≈ 1e-10 after scaling), so it is not the default; pass it explicitly
///    for R-compatible behaviour.
/// 4. **Precision selection.** If the 1-norm condition estimate of the scaled `R`
///    (`dtrcon`) exceeds ``extendedPrecisionThreshold`` (10⁴), or the double rank is
///    deficient, the factorization is recomputed by Householder QR with column pivoting
///    in `Float80` (64-bit significand, ε ≈ 1.1e-19), which also decides the rank. The
///    error in `R⁻¹` (hence in standard errors) is about `κ·ε_work`: with κ ≤ 10⁴ in double
///    it stays below ~1e-12; the extended path keeps it ~1e-9 relative up to κ ≈ 10¹⁰.
/// 5. **Aliased columns.** When the rank is deficient, the columns to alias are chosen
///    as R's `lm` does: walking the columns in input order (Float80 Householder without
///    reordering), a column whose component independent of the columns kept so far is
///    `≤ tol·|R_11|` is aliased. So in `x1, x2, x1 + x2` the third is dropped. Aliased
///    columns are removed and the problem is solved again on the kept
///    columns (never a pseudo-inverse).
/// 6. **Iterative refinement.** With `β` from the triangular solve, the residual
///    `r = y − Xβ` is computed with Float80 accumulation and the correction
///    the corrected seminormal equations `RᵀR·δ = Xᵀr` (with `Xᵀr` accumulated in
///    Float80) give the correction, applied until it no longer changes `β` (at most 5
///    steps). If double-precision refinement does not settle, the problem is re-solved
///    with the Float80 factorization (this happens for large-residual problems such as
///    NIST's Wampler5).
///
/// ## Accuracy on the NIST StRD linear datasets
/// Measured by `Tests/StatKitTests/NISTStRDTests.swift` (`swift test --filter StatKitTests.NISTStRDTests`,
/// which prints these numbers) on x86_64 Linux, OpenBLAS 0.3.21, Swift 6.3.
///
/// LRE = −log₁₀(|x − c|/|c|) against the certified value c, capped at 15. Where c = 0
/// (Wampler1/2: residual SD and all coefficient SDs) the absolute error is used, −log₁₀|x|
/// (15 for an exact 0). Each cell is the minimum over that dataset's values. Requirement ≥ 10.
///
/// | dataset  | coefficients | coef. SDs | residual SD | R²   | path |
/// |----------|-------------:|----------:|------------:|-----:|------|
/// | Norris   | 14.1 | 13.9 | 14.0 | 15.0 | double QR + refinement |
/// | Pontius  | 13.5 | 13.8 | 13.8 | 15.0 | double QR + refinement |
/// | NoInt1   | 14.7 | 15.0 | 15.0 | 15.0 | double QR + refinement |
/// | NoInt2   | 15.0 | 14.9 | 15.0 | 15.0 | double QR + refinement |
/// | Filip    | 11.5 | 11.7 | 12.1 | 14.3 | Float80 QR (κ large) |
/// | Longley  | 14.6 | 14.9 | 15.0 | 15.0 | Float80 QR (κ large) |
/// | Wampler1 | 15.0 | 15.0 | 15.0 | 15.0 | Float80 QR (refinement fallback) |
/// | Wampler2 | 13.2 | 14.9 | 14.9 | 15.0 | double QR + refinement |
/// | Wampler3 | 15.0 | 14.5 | 14.8 | 15.0 | Float80 QR (refinement fallback) |
/// | Wampler4 | 15.0 | 14.5 | 14.8 | 15.0 | Float80 QR (refinement fallback) |
/// | Wampler5 | 15.0 | 14.5 | 14.8 | 15.0 | Float80 QR (refinement fallback) |
///
/// ## What it takes
///
/// * **Column scaling** by powers of two (exact) before pivoted Householder QR.
/// * **Precision selection**: LAPACK `dgeqp3` in double when the 1-norm condition estimate
///   of the scaled R is ≤ 10⁴; otherwise Householder QR with column pivoting in Float80.
///   Standard errors come from `R⁻¹` (never from inverting XᵀX).
/// * **Iterative refinement** by the corrected seminormal equations `RᵀRδ = Xᵀr`, the
///   residual and `Xᵀr` in Float80 (double path) or as Float80 pairs with error-free
///   transformations (extended path). When refinement in double does not settle (the
///   large-residual Wampler3–5, and Wampler1), the Float80 factorization is used. Where
///   κ²·ε₈₀ is not small (Filip), the Float80 path corrects through Q instead
///   (`δ = R⁻¹Qᵀr`, r evaluated exactly), which contracts by κ·ε₈₀.
/// * **The design itself**: Filip's powers x^k rounded to double already limit *any* solver
///   to LRE ≈ 7.6 (checked in 60-digit arithmetic: exact data → 14.3, double-rounded powers
///   → 7.6). The test therefore forms x^k in Float80 and passes the design as a
///   double-double pair (`LinearRegression(..., designLowOrder:)`, `LeastSquares.solve(_:_:lowOrder:)`).
///   With the plain double design StatKit reproduces the LRE 7.6 that the rounded data allow.
public enum LeastSquares {
    /// Condition-number estimate of the scaled `R` above which the Float80 path is used.
    public static let extendedPrecisionThreshold: Double = 1e4

    /// Default rank tolerance `max(n, p)·ε`.
    public static func defaultRankTolerance(rows n: Int, columns p: Int) -> Double {
        Double(max(n, p, 1)) * Double.ulpOfOne
    }

    /// Solves `min_β ‖y − Xβ‖₂`.
    ///
    /// - Parameters:
    ///   - x: `n × p` design (column-major).
    ///   - y: response of length `n`.
    ///   - rankTolerance: relative tolerance for `|R_kk| ≤ tol·|R_11|`;
    ///     `nil` means ``defaultRankTolerance(rows:columns:)``.
    ///   - columnNames: names used in errors (default `x1, x2, …`).
    /// - Throws: ``RegressionError`` for empty, mismatched or non-finite data;
    ///   ``LinearAlgebraError`` if LAPACK fails.
    public static func solve(_ x: Matrix, _ y: [Double], lowOrder: Matrix? = nil, rankTolerance: Double? = nil,
                             columnNames: [String]? = nil) throws -> LeastSquaresSolution {
        try solve(x, y, lowOrder: lowOrder, rankTolerance: rankTolerance, columnNames: columnNames, validated: false)
    }

    static func solve(_ x: Matrix, _ y: [Double], lowOrder: Matrix?, rankTolerance: Double?,
                      columnNames: [String]?, validated: Bool) throws -> LeastSquaresSolution {
        let n = x.rows, p = x.columns
        guard p > 0 else { throw RegressionError.emptyDesign }
        guard n > 0 else { throw RegressionError.noObservations }
        guard y.count == n else { throw RegressionError.dimensionMismatch("response has \(y.count) values, design has \(n) rows") }
        let names = columnNames ?? (1...p).map { "x\($0)" }
        guard names.count == p else { throw RegressionError.dimensionMismatch("\(names.count) column names for \(p) columns") }
        if !validated { try checkFinite(x, names: names) }
        if let lo = lowOrder {
            guard lo.rows == n && lo.columns == p else {
                throw RegressionError.dimensionMismatch("low-order design is \(lo.rows)×\(lo.columns), design is \(n)×\(p)")
            }
            try checkFinite(lo, names: names)
        }
        if !validated {
            for i in 0..<n where !y[i].isFinite { throw RegressionError.nonFinite(column: "response", row: i, value: y[i]) }
        }
        let tol = rankTolerance ?? defaultRankTolerance(rows: n, columns: p)

        // First pass over all columns: rank, aliased set, singular values.
        let first = try factor(x, lowOrder, tol: tol)
        var kept = first.kept.sorted()
        if kept.count < p {
            // Rank deficient: which columns to alias is chosen as R does, in input order
            // (a later column that is a combination of earlier ones is the one dropped).
            var scaled = x
            for j in 0..<p { for i in 0..<n { scaled[i, j] *= first.d[j] } }
            let ordered = ExtendedQR(scaled, lowOrder, scales: first.d, tol: tol, ordered: true)
            kept = ordered.perm.prefix(ordered.rank).sorted()
        }
        guard !kept.isEmpty else { throw RegressionError.noEstimableColumns }
        let aliased = (0..<p).filter { !kept.contains($0) }

        var core: Factorization
        var xk: Matrix
        var lok: Matrix? = lowOrder
        if aliased.isEmpty {
            core = first
            xk = x
        } else {
            xk = x.selectingColumns(kept)
            lok = lowOrder?.selectingColumns(kept)
            core = try factor(xk, lok, tol: tol)
            // Refit must be of full rank; if rounding makes it deficient again, keep dropping.
            if core.kept.count < kept.count {
                let sub = try solve(xk, y, lowOrder: lok, rankTolerance: tol, columnNames: kept.map { names[$0] })
                var coefs = [Double?](repeating: nil, count: p)
                for (c, j) in kept.enumerated() { coefs[j] = sub.coefficients[c] }
                let kk = sub.keptColumns.map { kept[$0] }
                return LeastSquaresSolution(coefficients: coefs, rank: sub.rank, keptColumns: kk,
                                            aliasedColumns: (0..<p).filter { !kk.contains($0) },
                                            residuals: sub.residuals, residualSumOfSquares: sub.residualSumOfSquares,
                                            inverseFactor: sub.inverseFactor, singularValues: first.singularValues,
                                            scaledConditionEstimate: sub.scaledConditionEstimate,
                                            usedExtendedPrecision: sub.usedExtendedPrecision || first.extended,
                                            refinementSteps: sub.refinementSteps, inverseFactor80: sub.inverseFactor80)
            }
        }

        var (beta, resid, rss, steps) = try core.solveRefined(xk, lok, y)
        if steps >= Factorization.maxRefinementSteps && !core.extended {
            // Refinement in double did not settle (typically a large-residual problem whose
            // correction is limited by the double R): redo with the Float80 factorization.
            let ext = try factor(xk, lok, tol: tol, forceExtended: true)
            // (If Float80 judged the kept columns rank deficient after all, the double
            // solution stands: the rank was decided on the pivoted factorization above.)
            if ext.kept.count == kept.count {
                core = ext
                (beta, resid, rss, steps) = try core.solveRefined(xk, lok, y)
            }
        }
        var coefs = [Double?](repeating: nil, count: p)
        for (c, j) in kept.enumerated() { coefs[j] = beta[c] }
        return LeastSquaresSolution(coefficients: coefs, rank: kept.count, keptColumns: kept, aliasedColumns: aliased,
                                    residuals: resid, residualSumOfSquares: rss, inverseFactor: try core.inverseFactor(),
                                    singularValues: first.singularValues, scaledConditionEstimate: core.conditionEstimate,
                                    usedExtendedPrecision: core.extended || first.extended, refinementSteps: steps,
                                    inverseFactor80: try core.inverseFactor80())
    }

    static func checkFinite(_ x: Matrix, names: [String]) throws {
        for j in 0..<x.columns {
            let s = j * x.leadingDimension
            // Fast scan: a sum of x·0 is NaN iff some element is NaN or ±∞.
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
            x.storage.withUnsafeBufferPointer { px in
                let c = px.baseAddress! + s
                var i = 0
                while i + 4 <= x.rows { a0 += c[i] * 0; a1 += c[i + 1] * 0; a2 += c[i + 2] * 0; a3 += c[i + 3] * 0; i += 4 }
                while i < x.rows { a0 += c[i] * 0; i += 1 }
            }
            if (a0 + a1) + (a2 + a3) == 0 { continue }
            for i in 0..<x.rows where !x.storage[s + i].isFinite {
                throw RegressionError.nonFinite(column: names[j], row: i, value: x.storage[s + i])
            }
        }
    }

    /// Power-of-two column scales `d_j ≈ 1/‖x_j‖₂` (1 for a zero column).
    static func powerOfTwoScales(_ x: Matrix) -> [Double] {
        (0..<x.columns).map { j in
            let s = j * x.leadingDimension
            // Only the binary exponent of the norm matters: a double sum of squares is
            // enough unless it over- or underflows, then Float80 (wider exponent) is used.
            var a0 = 0.0, a1 = 0.0, a2 = 0.0, a3 = 0.0
            x.storage.withUnsafeBufferPointer { px in
                let c = px.baseAddress! + s
                var i = 0
                while i + 4 <= x.rows {
                    a0 += c[i] * c[i]; a1 += c[i + 1] * c[i + 1]; a2 += c[i + 2] * c[i + 2]; a3 += c[i + 3] * c[i + 3]
                    i += 4
                }
                while i < x.rows { a0 += c[i] * c[i]; i += 1 }
            }
            var ssd = (a0 + a1) + (a2 + a3)
            if !ssd.isNormal {
                var ss: Float80 = 0
                for i in 0..<x.rows { let v = Float80(x.storage[s + i]); ss += v * v }
                if ss == 0 { return 1 }
                ssd = Double(ss.squareRoot())
                return Double(sign: .plus, exponent: -ssd.exponent, significand: 1)
            }
            let norm = ssd.squareRoot()
            return Double(sign: .plus, exponent: -norm.exponent, significand: 1)
        }
    }

    /// Pivoted QR of the scaled design, in double or (if needed) Float80.
    static func factor(_ x: Matrix, _ lo: Matrix?, tol: Double, forceExtended: Bool = false) throws -> Factorization {
        let n = x.rows, p = x.columns
        let d = powerOfTwoScales(x)
        func scaledCopy() -> Matrix {
            var a = Matrix(rows: n, columns: p)
            for j in 0..<p {
                let s = j * x.leadingDimension, t = j * a.leadingDimension, dj = d[j]
                for i in 0..<n { a.storage[t + i] = x.storage[s + i] * dj }
            }
            return a
        }
        var a = scaledCopy()
        if n >= p && !forceExtended {
            // Fast path: blocked QR without pivoting (dgeqrf). If the scaled R is well
            // conditioned (κ₁ ≤ 10⁴ and tol·κ₁ < 0.1), every |R_kk| is far above tol·|R_11|
            // under any column order, so pivoting could not change the rank decision.
            let tau = try LAPACK.geqrf(&a)
            var r = Matrix(rows: p, columns: p)
            for j in 0..<p { for i in 0...j { r[i, j] = a[i, j] } }
            let nonzero = (0..<p).allSatisfy { r[$0, $0] != 0 }
            let rc = nonzero ? try LAPACK.trcon(.upper, r) : 0
            let cond = rc > 0 ? 1 / rc : .infinity
            if cond <= extendedPrecisionThreshold && tol * cond < 0.1 {
                let perm = Array(0..<p)
                let sv = try singularValuesOfR(rank: p, p: p, perm: perm, d: d) { i, j in a[i, j] }
                return Factorization(n: n, p: p, d: d, perm: perm, kept: perm, extended: false, conditionEstimate: cond,
                                     singularValues: sv, double: DoubleQR(qr: a, tau: tau), ext: nil)
            }
            a = scaledCopy()
        }
        var jpvt = [Int32](repeating: 0, count: p)
        let tau = try LAPACK.geqp3(&a, jpvt: &jpvt)
        let perm = jpvt.map { Int($0) - 1 }
        let kmax = min(n, p)
        let r11 = kmax > 0 ? abs(a[0, 0]) : 0
        var rank = 0
        while rank < kmax && abs(a[rank, rank]) > tol * r11 { rank += 1 }
        var cond = Double.infinity
        if rank > 0 {
            var r = Matrix(rows: rank, columns: rank)
            for j in 0..<rank { for i in 0...j { r[i, j] = a[i, j] } }
            let rc = try LAPACK.trcon(.upper, r)
            cond = rc > 0 ? 1 / rc : .infinity
        }
        if rank == p && cond <= extendedPrecisionThreshold && !forceExtended {
            let sv = try singularValuesOfR(rank: kmax, p: p, perm: perm, d: d) { i, j in a[i, j] }
            return Factorization(n: n, p: p, d: d, perm: perm, kept: perm, extended: false, conditionEstimate: cond,
                                 singularValues: sv, double: DoubleQR(qr: a, tau: tau), ext: nil)
        }
        // Extended precision (rebuild the scaled matrix; dgeqp3 overwrote `a`).
        var scaled = Matrix(rows: n, columns: p)
        for j in 0..<p { for i in 0..<n { scaled[i, j] = x[i, j] * d[j] } }
        let e = ExtendedQR(scaled, lo, scales: d, tol: tol)
        var condE = Double.infinity
        if e.rank > 0 {
            var r = Matrix(rows: e.rank, columns: e.rank)
            for j in 0..<e.rank { for i in 0...j { r[i, j] = Double(e.a[i + j * n]) } }
            let rc = try LAPACK.trcon(.upper, r)
            condE = rc > 0 ? 1 / rc : .infinity
        }
        let sv = try singularValuesOfR(rank: e.fullRows, p: p, perm: e.perm, d: d) { i, j in Double(e.a[i + j * n]) }
        return Factorization(n: n, p: p, d: d, perm: e.perm, kept: Array(e.perm.prefix(e.rank)), extended: true,
                             conditionEstimate: condE, singularValues: sv, double: nil, ext: e)
    }

    /// Singular values of X = Q·R·Pᵀ·D⁻¹ from the `rows × p` upper-trapezoidal R.
    static func singularValuesOfR(rank rows: Int, p: Int, perm: [Int], d: [Double],
                                  _ r: (Int, Int) -> Double) throws -> [Double] {
        if rows == 0 { return [] }
        // B = R·Pᵀ·D⁻¹: column perm[k] of B is column k of R divided by d[perm[k]].
        var b = Matrix(rows: rows, columns: p)
        for k in 0..<p {
            let j = perm[k]
            for i in 0..<min(rows, k + 1) { b[i, j] = r(i, k) / d[j] }
        }
        return try LAPACK.gesdd(b).s
    }
}

/// LAPACK double-precision factors of the scaled, pivoted design.
struct DoubleQR {
    var qr: Matrix
    var tau: [Double]
}

/// A pivoted QR factorization of `X·D` and how to solve with it.
struct Factorization {
    static let maxRefinementSteps = 5
    let n: Int
    let p: Int
    let d: [Double]
    /// perm[k] = original column at pivot position k.
    let perm: [Int]
    /// Kept columns (pivot order).
    let kept: [Int]
    let extended: Bool
    let conditionEstimate: Double
    let singularValues: [Double]
    let double: DoubleQR?
    let ext: ExtendedQR?

    /// Solves the full-rank problem with iterative refinement.
    ///
    /// The first solution comes from `Qᵀy`; it is refined by the corrected seminormal
    /// equations `RᵀR·δ = X_sᵀr`, with `r = y − Xβ` and `X_sᵀr` accumulated in Float80.
    /// At the fixed point `Xᵀr ≈ 0` to extended precision, which holds for large-residual
    /// problems too (where refinement through `Qᵀr` in double stalls at `ε‖r‖/σ_min`).
    /// Returns β (column order of `x`), residuals, RSS and the number of refinement steps.
    func solveRefined(_ x: Matrix, _ lo: Matrix?, _ y: [Double]) throws -> ([Double], [Double], Double, Int) {
        precondition(kept.count == p, "solveRefined requires a full-rank factorization")
        // β_s in pivot order, Float80 so the extended path keeps its digits.
        var bs = try correction(y.map { Float80($0) })
        if !extended { bs = bs.map { Float80(Double($0)) } }
        func unscaled(_ b: [Float80]) -> [Float80] {
            var beta80 = [Float80](repeating: 0, count: p)
            for k in 0..<p { beta80[perm[k]] = b[k] * Float80(d[perm[k]]) }
            return beta80
        }
        var steps = 0
        var settled: ([Double], Float80)? = nil
        // Corrected seminormal equations contract by about κ²ε (ε of the factorization).
        let seminormalConverges = conditionEstimate * conditionEstimate * 0x1p-63 < 1e-2
        for _ in 0..<Self.maxRefinementSteps {
            let g: [Float80]
            var current: ([Double], Float80)? = nil
            if extended && !seminormalConverges {
                // κ²·ε₈₀ ≥ 10⁻²: the seminormal iteration would not contract. Correct through
                // Q instead, δ = R⁻¹Qᵀr, with r evaluated exactly and rounded once (contracts
                // by κ·ε₈₀).
                let (hi, lo2) = Self.compensatedResidual(x, lo, y, unscaled(bs))
                let delta = try correction(zip(hi, lo2).map { $0 + $1 })
                var changed = false
                for k in 0..<p {
                    let new = bs[k] + delta[k]
                    if abs(delta[k]) > abs(new) * 0x1p-60 { changed = true }
                    bs[k] = new
                }
                steps += 1
                if !changed { break }
                continue
            } else if extended {
                // Error-free transformations: r and Xᵀr to ~128 bits, so the fixed point
                // Xᵀr = 0 is not limited by Float80 rounding on large-residual problems.
                g = Self.compensatedGradient(x, lo, y, unscaled(bs))
            } else {
                let (r, rss, gg) = Self.residualAndGradient(x, lo, y, unscaled(bs))
                g = gg
                current = (r, rss)
            }
            var gs = [Float80](repeating: 0, count: p)
            for k in 0..<p { gs[k] = g[perm[k]] * Float80(d[perm[k]]) }
            let delta = try seminormal(gs)
            var changed = false
            var small = true
            let before = bs
            for k in 0..<p {
                let old = bs[k]
                var new = old + delta[k]
                if !extended { new = Float80(Double(new)) }
                if extended ? abs(delta[k]) > abs(new) * 0x1p-60 : new != old { changed = true }
                if abs(delta[k]) > abs(new) * 0x1p-40 { small = false }
                bs[k] = new
            }
            steps += 1
            if !changed {
                // In double, β did not move: the residual just computed is the final one.
                settled = current
                break
            }
            if !extended && steps == 1 && small && conditionEstimate <= LeastSquares.extendedPrecisionThreshold,
               let (r1, rss1) = current {
                // The first correction touched only the last ~12 bits. With κ ≤ 10⁴ the
                // next one is smaller by a factor ≤ κ²ε ≈ 2e-8, i.e. below half an ulp of β:
                // stop. The final residual is r₁ − X·δ (δ tiny, so double suffices: ≤ 1.5 ulp),
                // and ‖r₁ − Xδ‖² = ‖r₁‖² − 2δᵀXᵀr₁ + ‖Xδ‖² keeps the RSS in Float80.
                let du80 = (0..<p).map { k -> Float80 in (bs[k] - before[k]) * Float80(d[perm[k]]) }
                var du = [Double](repeating: 0, count: p)
                var dg: Float80 = 0
                for k in 0..<p { du[perm[k]] = Double(du80[k]); dg += du80[k] * g[perm[k]] }
                let t = try x.gemv(du)
                var r = r1
                var tt = 0.0
                for i in 0..<r.count { r[i] -= t[i]; tt += t[i] * t[i] }
                let rss = rss1 - 2 * dg + Float80(tt)
                var beta = [Double](repeating: 0, count: p)
                for k in 0..<p { beta[perm[k]] = Double(bs[k] * Float80(d[perm[k]])) }
                return (beta, r, Double(rss), steps)
            }
        }
        var beta = [Double](repeating: 0, count: p)
        for k in 0..<p { beta[perm[k]] = Double(bs[k] * Float80(d[perm[k]])) }
        if let (r, rss) = settled { return (beta, r, Double(rss), steps) }
        // Residual of the rounded β (what a user recomputing y − Xβ sees).
        let (rFinal, rss, _) = Self.residualAndGradient(x, lo, y, beta.map { Float80($0) })
        return (beta, rFinal, Double(rss), steps)
    }

    /// The same pass when β is exactly representable in double (the double path) and
    /// there is no low-order design: each residual is accumulated in a Float80 register
    /// row by row and split as `r = r_hi + r_lo` (two doubles), so the gradient is
    /// `Σ x·r_hi` (Float80 accumulation of exact-ish products) `+ Σ x·r_lo` (double).
    static func residualAndGradientDoubleBeta(_ x: Matrix, _ y: [Double], _ beta: [Double]) -> ([Double], Float80, [Float80]) {
        let n = x.rows, p = x.columns, ld = x.leadingDimension
        var rHi = [Double](repeating: 0, count: n)
        var g = [Float80](repeating: 0, count: p)
        var gLo = [Double](repeating: 0, count: p)
        var rss: Float80 = 0
        let block = 512
        var lo = [Double](repeating: 0, count: block)
        x.storage.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                rHi.withUnsafeMutableBufferPointer { pr in
                    lo.withUnsafeMutableBufferPointer { pl in
                        let base = px.baseAddress!
                        var start = 0
                        while start < n {
                            let m = min(block, n - start)
                            var acc: Float80 = 0
                            for i in 0..<m {
                                let row = start + i
                                var s = Float80(py[row])
                                for j in 0..<p { s -= Float80(base[row + j * ld]) * Float80(beta[j]) }
                                let h = Double(s)
                                pr[row] = h
                                pl[i] = Double(s - Float80(h))
                                acc += s * s
                            }
                            rss += acc
                            for j in 0..<p {
                                let col = base + j * ld + start
                                var a: Float80 = 0, b: Float80 = 0
                                var i = 0
                                while i + 2 <= m {
                                    a += Float80(col[i]) * Float80(pr[start + i])
                                    b += Float80(col[i + 1]) * Float80(pr[start + i + 1])
                                    i += 2
                                }
                                if i < m { a += Float80(col[i]) * Float80(pr[start + i]) }
                                g[j] += a + b
                                var c = 0.0
                                for i in 0..<m { c += col[i] * pl[i] }
                                gLo[j] += c
                            }
                            start += m
                        }
                    }
                }
            }
        }
        for j in 0..<p { g[j] += Float80(gLo[j]) }
        return (rHi, rss, g)
    }

    /// One blocked pass: `r = y − (X + X_lo)β` and `Σr²` with Float80 accumulation, and
    /// `g = (X + X_lo)ᵀr` from the unrounded Float80 residuals.
    static func residualAndGradient(_ x: Matrix, _ lo: Matrix?, _ y: [Double], _ beta: [Float80])
        -> ([Double], Float80, [Float80]) {
        let n = x.rows, p = x.columns
        let betaD = beta.map { Double($0) }
        if lo == nil && zip(beta, betaD).allSatisfy({ Float80($1) == $0 }) {
            return residualAndGradientDoubleBeta(x, y, betaD)
        }
        var r = [Double](repeating: 0, count: n)
        var g = [Float80](repeating: 0, count: p)
        var rss: Float80 = 0
        let block = 256
        var buf = [Float80](repeating: 0, count: block)
        x.storage.withUnsafeBufferPointer { px in
            y.withUnsafeBufferPointer { py in
                r.withUnsafeMutableBufferPointer { pr in
                    buf.withUnsafeMutableBufferPointer { pb in
                        var start = 0
                        while start < n {
                            let m = min(block, n - start)
                            for i in 0..<m { pb[i] = Float80(py[start + i]) }
                            for j in 0..<p {
                                let b = beta[j]
                                if b == 0 { continue }
                                let col = px.baseAddress! + j * x.leadingDimension + start
                                for i in 0..<m { pb[i] -= Float80(col[i]) * b }
                                if let lo {
                                    for i in 0..<m { pb[i] -= Float80(lo[start + i, j]) * b }
                                }
                            }
                            var r0: Float80 = 0, r1: Float80 = 0
                            var i = 0
                            while i + 2 <= m {
                                pr[start + i] = Double(pb[i]); pr[start + i + 1] = Double(pb[i + 1])
                                r0 += pb[i] * pb[i]; r1 += pb[i + 1] * pb[i + 1]
                                i += 2
                            }
                            if i < m { pr[start + i] = Double(pb[i]); r0 += pb[i] * pb[i] }
                            rss += r0 + r1
                            for j in 0..<p {
                                let col = px.baseAddress! + j * x.leadingDimension + start
                                var s: Float80 = 0, t: Float80 = 0
                                var i = 0
                                while i + 2 <= m { s += Float80(col[i]) * pb[i]; t += Float80(col[i + 1]) * pb[i + 1]; i += 2 }
                                if i < m { s += Float80(col[i]) * pb[i] }
                                s += t
                                if let lo { for i in 0..<m { s += Float80(lo[start + i, j]) * pb[i] } }
                                g[j] += s
                            }
                            start += m
                        }
                    }
                }
            }
        }
        return (r, rss, g)
    }

    /// r = y − (X + X_lo)β with Float80 accumulation, column by column.
    static func residual(_ x: Matrix, _ lo: Matrix?, _ y: [Double], _ beta: [Float80]) -> [Float80] {
        var r = residual(x, y, beta)
        if let lo {
            let neg = beta.map { -$0 }
            let zero = [Double](repeating: 0, count: y.count)
            let extra = residual(lo, zero, neg)
            for i in r.indices { r[i] -= extra[i] }
        }
        return r
    }

    /// r = y − Xβ with Float80 accumulation, column by column.
    static func residual(_ x: Matrix, _ y: [Double], _ beta: [Float80]) -> [Float80] {
        let n = x.rows
        var r = [Float80](repeating: 0, count: n)
        y.withUnsafeBufferPointer { py in
            r.withUnsafeMutableBufferPointer { pr in
                for i in 0..<n { pr[i] = Float80(py[i]) }
                x.storage.withUnsafeBufferPointer { px in
                    for j in 0..<x.columns {
                        let b = beta[j]
                        if b == 0 { continue }
                        let base = px.baseAddress! + j * x.leadingDimension
                        for i in 0..<n { pr[i] -= Float80(base[i]) * b }
                    }
                }
            }
        }
        return r
    }

    /// Xᵀ(y − Xβ) with the residual and the products carried as Float80 pairs
    /// (Dekker's two-product with Veltkamp splitting and Knuth's two-sum).
    /// `y − (X + X_lo)β` as an unevaluated Float80 pair `hi + lo` (error-free products and sums).
    static func compensatedResidual(_ x: Matrix, _ lo: Matrix?, _ y: [Double], _ beta: [Float80]) -> ([Float80], [Float80]) {
        let n = x.rows, p = x.columns
        var rHi = [Float80](repeating: 0, count: n)
        var rLo = [Float80](repeating: 0, count: n)
        for i in 0..<n {
            var s = Float80(y[i]), c: Float80 = 0
            for j in 0..<p {
                let (pr, pe) = twoProduct(Float80(x[i, j]), beta[j])
                let (t, e) = twoSum(s, -pr)
                s = t
                c += e - pe
                if let lo { c -= Float80(lo[i, j]) * beta[j] }
            }
            let (h, l) = twoSum(s, c)
            rHi[i] = h
            rLo[i] = l
        }
        return (rHi, rLo)
    }

    static func compensatedGradient(_ x: Matrix, _ lo: Matrix?, _ y: [Double], _ beta: [Float80]) -> [Float80] {
        let (rHi, rLo) = compensatedResidual(x, lo, y, beta)
        let n = x.rows, p = x.columns
        var g = [Float80](repeating: 0, count: p)
        for j in 0..<p {
            var s: Float80 = 0, c: Float80 = 0
            for i in 0..<n {
                let xv = Float80(x[i, j])
                let (pr, pe) = twoProduct(xv, rHi[i])
                let (t, e) = twoSum(s, pr)
                s = t
                c += e + pe + xv * rLo[i]
                if let lo { c += Float80(lo[i, j]) * rHi[i] }
            }
            g[j] = s + c
        }
        return g
    }

    @inline(__always) static func twoSum(_ a: Float80, _ b: Float80) -> (Float80, Float80) {
        let s = a + b
        let bb = s - a
        return (s, (a - (s - bb)) + (b - bb))
    }

    @inline(__always) static func split(_ a: Float80) -> (Float80, Float80) {
        let c = 4294967297 * a  // 2³² + 1 splits a 64-bit significand in halves
        let hi = c - (c - a)
        return (hi, a - hi)
    }

    @inline(__always) static func twoProduct(_ a: Float80, _ b: Float80) -> (Float80, Float80) {
        let p = a * b
        let (ah, al) = split(a)
        let (bh, bl) = split(b)
        return (p, ((ah * bh - p) + ah * bl + al * bh) + al * bl)
    }

    /// (X + X_lo)ᵀ·r in Float80.
    static func transposeProduct(_ x: Matrix, _ lo: Matrix?, _ r: [Float80]) -> [Float80] {
        let n = x.rows
        var g = [Float80](repeating: 0, count: x.columns)
        r.withUnsafeBufferPointer { pr in
            for j in 0..<x.columns {
                var s: Float80 = 0
                x.storage.withUnsafeBufferPointer { px in
                    let base = px.baseAddress! + j * x.leadingDimension
                    for i in 0..<n { s += Float80(base[i]) * pr[i] }
                }
                if let lo {
                    lo.storage.withUnsafeBufferPointer { pl in
                        let base = pl.baseAddress! + j * lo.leadingDimension
                        for i in 0..<n { s += Float80(base[i]) * pr[i] }
                    }
                }
                g[j] = s
            }
        }
        return g
    }

    /// δ = R⁻¹R⁻ᵀ·g (pivot order), triangular solves in the factorization's precision.
    func seminormal(_ g: [Float80]) throws -> [Float80] {
        if let e = ext {
            var h = [Float80](repeating: 0, count: p)
            for i in 0..<p {
                var s = g[i]
                for j in 0..<i { s -= e.a[j + i * n] * h[j] }
                h[i] = s / e.a[i + i * n]
            }
            return e.backSubstitute(h)
        }
        let dq = double!
        var rm = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0...j { rm[i, j] = dq.qr[i, j] } }
        var rhs = Matrix(rows: p, columns: 1, columnMajor: g.map { Double($0) })
        try LAPACK.trtrs(.upper, .transpose, .nonUnit, rm, b: &rhs)
        try LAPACK.trtrs(.upper, .none, .nonUnit, rm, b: &rhs)
        return rhs.storage.map { Float80($0) }
    }

    /// δ = R⁻¹ (Qᵀ r)₁:ₚ in pivot order.
    func correction(_ r: [Float80]) throws -> [Float80] {
        if let e = ext { return e.solve(r) }
        let dq = double!
        var c = Matrix(rows: n, columns: 1, columnMajor: r.map { Double($0) })
        try LAPACK.ormqr(.left, .transpose, qr: dq.qr, tau: dq.tau, c: &c)
        var rhs = Matrix(rows: p, columns: 1, columnMajor: Array(c.storage[0..<p]))
        var rm = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0...j { rm[i, j] = dq.qr[i, j] } }
        try LAPACK.trtrs(.upper, .none, .nonUnit, rm, b: &rhs)
        return rhs.storage.map { Float80($0) }
    }

    /// M = D·P·R⁻¹ (rows in column order of the factored matrix).
    func inverseFactor() throws -> Matrix {
        let m80 = try inverseFactor80()
        return Matrix(rows: p, columns: p, columnMajor: m80.map { Double($0) })
    }

    /// M = D·P·R⁻¹ in Float80, column-major.
    func inverseFactor80() throws -> [Float80] {
        var rinv: [[Float80]]  // rinv[i][j], upper
        if let e = ext {
            rinv = e.inverseR()
        } else {
            var rm = Matrix(rows: p, columns: p)
            for j in 0..<p { for i in 0...j { rm[i, j] = double!.qr[i, j] } }
            try LAPACK.trtri(.upper, .nonUnit, &rm)
            rinv = (0..<p).map { i in (0..<p).map { j in j >= i ? Float80(rm[i, j]) : 0 } }
        }
        var m = [Float80](repeating: 0, count: p * p)
        for k in 0..<p {
            let row = perm[k]
            let dk = Float80(d[row])
            for c in 0..<p { m[row + c * p] = rinv[k][c] * dk }
        }
        return m
    }
}

/// Householder QR with column pivoting (Businger–Golub) in Float80.
///
/// Column norms are recomputed exactly at each step (no downdating), so pivoting is
/// reliable on nearly collinear columns. The rank is the index of the first pivot
/// whose remaining norm is `≤ tol·|R_11|` (the rank); it is carried on to the end so
/// the whole `R` is available.
struct ExtendedQR {
    let n: Int
    let p: Int
    /// Column-major n×p: R above/on the diagonal, Householder vectors below (v_k[k] = 1 implicit).
    var a: [Float80]
    var tau: [Float80]
    var perm: [Int]
    var rank: Int
    /// Rows of R computed (≥ rank; = min(n,p) unless stopped early, then rank + trailing zeros).
    var fullRows: Int

    /// - Parameter ordered: instead of pivoting on the largest norm, keep columns in
    ///   input order and alias the ones that are numerically dependent on earlier ones.
    init(_ x: Matrix, _ lo: Matrix?, scales d: [Double], tol: Double, ordered: Bool = false) {
        let n = x.rows, p = x.columns
        var a = [Float80](repeating: 0, count: n * p)
        for j in 0..<p { for i in 0..<n { a[i + j * n] = Float80(x[i, j]) } }
        if let lo { for j in 0..<p { for i in 0..<n { a[i + j * n] += Float80(lo[i, j]) * Float80(d[j]) } } }
        var tau: [Float80] = []
        var perm = Array(0..<p)
        let kmax = min(n, p)
        var r11: Float80 = 0
        var k = 0
        var rankFound: Int? = nil
        a.withUnsafeMutableBufferPointer { buf in
            let A = buf.baseAddress!
            while k < kmax {
                // Remaining column norms.
                var norms = [Float80](repeating: 0, count: p)
                for j in k..<p {
                    var ss: Float80 = 0
                    let c = A + j * n
                    for i in k..<n { ss += c[i] * c[i] }
                    norms[j] = ss.squareRoot()
                }
                if k == 0 { r11 = norms.max() ?? 0 }
                var best = k
                if ordered {
                    // R's convention: keep columns in input order, skipping (aliasing) each
                    // column whose part independent of the kept ones is ≤ tol·|R_11|.
                    guard let first = (k..<p).first(where: { norms[$0] > Float80(tol) * r11 && norms[$0] > 0 }) else {
                        rankFound = k
                        break
                    }
                    best = first
                    var j = best
                    while j > k {
                        for i in 0..<n { let t = A[i + j * n]; A[i + j * n] = A[i + (j - 1) * n]; A[i + (j - 1) * n] = t }
                        perm.swapAt(j, j - 1)
                        j -= 1
                    }
                } else {
                    // Pivot: largest remaining column norm.
                    for j in k..<p where norms[j] > norms[best] { best = j }
                    let norm = norms[best]
                    if rankFound == nil && (norm <= Float80(tol) * r11 || norm == 0) { rankFound = k }
                    if norm == 0 { break }
                    if best != k {
                        for i in 0..<n { let t = A[i + k * n]; A[i + k * n] = A[i + best * n]; A[i + best * n] = t }
                        perm.swapAt(k, best)
                    }
                }
                let norm = norms[best]
                let c = A + k * n
                let alpha = c[k]
                var xs: Float80 = 0
                for i in (k + 1)..<n { xs += c[i] * c[i] }
                if xs == 0 {
                    tau.append(0)
                } else {
                    let beta = alpha >= 0 ? -norm : norm
                    let t = (beta - alpha) / beta
                    let scale = 1 / (alpha - beta)
                    for i in (k + 1)..<n { c[i] *= scale }
                    c[k] = beta
                    tau.append(t)
                    for j in (k + 1)..<p {
                        let cj = A + j * n
                        var w = cj[k]
                        for i in (k + 1)..<n { w += c[i] * cj[i] }
                        w *= t
                        cj[k] -= w
                        for i in (k + 1)..<n { cj[i] -= w * c[i] }
                    }
                }
                k += 1
            }
        }
        // The factorization continues past the rank (so R, hence the singular values of
        // the whole design, stay meaningful); only the leading `rank` columns are used to solve.
        if k < kmax {
            // Stopped on an exactly zero remainder: that part of R is zero.
            for j in k..<p { for i in k..<n { a[i + j * n] = 0 } }
        }
        self.n = n
        self.p = p
        self.a = a
        self.tau = tau
        self.perm = perm
        self.rank = rankFound ?? k
        self.fullRows = kmax
    }

    /// Qᵀ·b over the first `rank` reflectors.
    func applyQT(_ b: inout [Float80]) {
        for k in 0..<rank {
            let t = tau[k]
            if t == 0 { continue }
            var w = b[k]
            for i in (k + 1)..<n { w += a[i + k * n] * b[i] }
            w *= t
            b[k] -= w
            for i in (k + 1)..<n { b[i] -= w * a[i + k * n] }
        }
    }

    /// R⁻¹(Qᵀ r)₁:ₖ for the leading `rank` columns.
    func solve(_ r: [Float80]) -> [Float80] {
        var b = r
        applyQT(&b)
        return backSubstitute(b)
    }

    /// R⁻¹·b for the leading `rank × rank` block (uses `b[0..<rank]`).
    func backSubstitute(_ b: [Float80]) -> [Float80] {
        var x = [Float80](repeating: 0, count: rank)
        for i in stride(from: rank - 1, through: 0, by: -1) {
            var s = b[i]
            for j in (i + 1)..<rank { s -= a[i + j * n] * x[j] }
            x[i] = s / a[i + i * n]
        }
        return x
    }

    /// R⁻¹ of the leading `rank × rank` block, as rows.
    func inverseR() -> [[Float80]] {
        let k = rank
        var inv = [[Float80]](repeating: [Float80](repeating: 0, count: k), count: k)
        for c in 0..<k {
            // Solve R·x = e_c.
            for i in stride(from: c, through: 0, by: -1) {
                var s: Float80 = i == c ? 1 : 0
                if i < c { for j in (i + 1)...c { s -= a[i + j * n] * inv[j][c] } }
                inv[i][c] = s / a[i + i * n]
            }
        }
        return inv
    }
}

extension Matrix {
    /// The listed columns, in the given order.
    func selectingColumns(_ cols: [Int]) -> Matrix {
        var m = Matrix(rows: rows, columns: cols.count)
        for (c, j) in cols.enumerated() {
            let s = j * leadingDimension, t = c * m.leadingDimension
            for i in 0..<rows { m.storage[t + i] = storage[s + i] }
        }
        return m
    }
}
