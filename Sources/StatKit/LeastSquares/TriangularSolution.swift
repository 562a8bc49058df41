import _CLapack

/// The least-squares solution read off a ``TriangularFactor`` of `[X | y]`: which columns
/// are estimable, the coefficients, `R⁻¹` (for standard errors and leverages) and the
/// conditioning that chose the precision.
///
/// **Aliased columns** are found as R's `lm` finds them, in column order: with each
/// column scaled to unit norm (by a power of two, exactly), column `k` is aliased when
/// its component independent of the columns kept before it, `|R_kk|`, is at most `tol`
/// (default `max(n, p)·ε`, the usual numerical-rank threshold: the data are doubles, so a
/// column whose independent part is below their rounding level cannot be told from an
/// exactly collinear one). It is then removed and `R` re-triangularized without it, so
/// in `x1, x2, x1 + x2` the third is the one dropped. No pseudo-inverse is ever formed.
struct TriangularSolution: Sendable {
    /// Design columns with estimates (ascending).
    var kept: [Int]
    /// Design columns without (ascending).
    var aliased: [Int]
    /// The factor of the kept columns and the response.
    var factor: TriangularFactor
    /// Coefficients of the kept columns.
    var beta: [DoubleDouble]
    /// `R⁻¹` of the kept columns (`k × k`, upper triangular): `(X̃ᵀX̃)⁻¹ = R⁻¹R⁻ᵀ`.
    var rInverse: Matrix
    /// 1-norm condition estimate of the kept columns' `R` with unit-norm columns.
    var scaledCondition: Double

    /// Default rank tolerance `max(n, p)·ε`.
    static func defaultTolerance(rows n: Int, columns p: Int) -> Double { Double(max(n, p, 1)) * Double.ulpOfOne }

    /// Power-of-two scales making each design column of `f` about unit norm (1 for a zero column).
    static func scales(_ f: TriangularFactor) -> [Double] {
        (0..<f.designColumns).map { j in
            var s = 0.0
            for i in 0...j { let v = f.element(i, j); s += v * v }
            if s == 0 || !s.isFinite { return 1 }
            return Double(sign: .plus, exponent: -s.squareRoot().exponent, significand: 1)
        }
    }

    /// Scaled condition estimate of the design part of `f` (∞ when a diagonal is 0).
    static func scaledCondition(_ f: TriangularFactor) throws(RegressionError) -> Double {
        let p = f.designColumns
        if p == 0 { return 1 }
        let d = scales(f)
        var a = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0...j { a[i, j] = f.element(i, j) * d[j] } }
        if (0..<p).contains(where: { a[$0, $0] == 0 }) { return .infinity }
        do {
            let rc = try LAPACK.trcon(.upper, a)
            return rc > 0 ? 1 / rc : .infinity
        } catch { throw .numerical("\(error)") }
    }

    /// Singular values of the design part of `f` (those of `X̃`), descending.
    static func singularValues(_ f: TriangularFactor) throws(RegressionError) -> [Double] {
        let p = f.designColumns
        var a = Matrix(rows: p, columns: p)
        for j in 0..<p { for i in 0...j { a[i, j] = f.element(i, j) } }
        do { return try LAPACK.gesdd(a).s } catch { throw .numerical("\(error)") }
    }

    /// Solves from `layout`, the factor of every design column and the response.
    init(_ layout: TriangularFactor, tolerance: Double) throws(RegressionError) {
        let p = layout.designColumns
        var kept = Array(0..<p)
        var f = layout
        var k = 0
        while k < kept.count {
            let d = Self.scales(f)
            guard let first = (k..<kept.count).first(where: { abs(f.element($0, $0)) * d[$0] <= tolerance }) else { break }
            kept.remove(at: first)
            f = try layout.selecting(kept)
            k = first
        }
        guard !kept.isEmpty else { throw .noEstimableColumns }
        self.kept = kept
        aliased = (0..<p).filter { !kept.contains($0) }
        factor = f
        scaledCondition = try Self.scaledCondition(f)
        (beta, rInverse) = try Self.solve(f)
    }

    /// `β = R⁻¹·Qᵀy` and `R⁻¹`, in the factor's precision (`R⁻¹` rounded to double once).
    static func solve(_ f: TriangularFactor) throws(RegressionError) -> ([DoubleDouble], Matrix) {
        let k = f.designColumns
        switch f.precision {
        case .double:
            var r = Matrix(rows: k, columns: k)
            var z = Matrix(rows: k, columns: 1)
            for j in 0..<k { for i in 0...j { r[i, j] = f.element(i, j) } }
            for i in 0..<k { z[i, 0] = f.element(i, k) }
            var inv = r
            do {
                try LAPACK.trtrs(.upper, .none, .nonUnit, r, b: &z)
                try LAPACK.trtri(.upper, .nonUnit, &inv)
            } catch { throw .numerical("\(error)") }
            for j in 0..<k { for i in (j + 1)..<max(j + 1, k) { inv[i, j] = 0 } }
            return ((0..<k).map { DoubleDouble(z[$0, 0]) }, inv)
        case .extended:
            func e(_ i: Int, _ j: Int) -> DoubleDouble { f.extendedElement(i, j) }
            for i in 0..<k where e(i, i).hi == 0 { throw .numerical("zero pivot \(i) in the extended factor") }
            var beta = [DoubleDouble](repeating: .zero, count: k)
            for i in stride(from: k - 1, through: 0, by: -1) {
                var s = e(i, k)
                for j in (i + 1)..<max(i + 1, k) { s -= e(i, j) * beta[j] }
                beta[i] = s / e(i, i)
            }
            // Column c of R⁻¹ by back substitution on e_c.
            var inv = Matrix(rows: k, columns: k)
            for c in 0..<k {
                var x = [DoubleDouble](repeating: .zero, count: c + 1)
                x[c] = DoubleDouble(1) / e(c, c)
                for i in stride(from: c - 1, through: 0, by: -1) {
                    var s = DoubleDouble.zero
                    for j in (i + 1)...c { s -= e(i, j) * x[j] }
                    x[i] = s / e(i, i)
                }
                for i in 0...c { inv[i, c] = x[i].value }
            }
            return (beta, inv)
        }
    }
}
