import _CLapack

/// Thin, checked wrappers over LAPACKE (`LAPACK_COL_MAJOR`) acting on ``Matrix``.
///
/// Every wrapper converts LAPACK's `info` into a thrown ``LinearAlgebraError`` naming
/// the routine and either the illegal argument (`info < 0`) or the numerical failure
/// (`info > 0`).
public enum LAPACK {
    static let colMajor = Int32(LAPACK_COL_MAJOR)

    /// Householder QR with column pivoting, `A·P = Q·R` (`dgeqp3`).
    ///
    /// On return `a` holds `R` in its upper triangle and the Householder vectors below
    /// it; `Q = H(1)···H(k)` with `H(i) = I − τᵢ vᵢvᵢᵀ`, `k = min(m, n)`.
    /// - Parameters:
    ///   - a: the `m × n` matrix `A`; overwritten with `R` and the Householder vectors.
    ///   - jpvt: on entry, `jpvt[j] ≠ 0` fixes column `j` in front (pass zeros for free
    ///     pivoting); on exit, `jpvt[j]` is the one-based index of the original column
    ///     that became column `j` of `A·P`.
    /// - Returns: the scalar factors `τ` (length `min(m, n)`).
    public static func geqp3(_ a: inout Matrix, jpvt: inout [Int32]) throws -> [Double] {
        guard jpvt.count == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dgeqp3", detail: "jpvt has \(jpvt.count) entries, A has \(a.columns) columns")
        }
        var tau = [Double](repeating: 0, count: min(a.rows, a.columns))
        if a.isEmpty { return tau }
        let (m, n, lda) = (a.rows, a.columns, a.leadingDimension)
        // The `_work` interface skips LAPACKE's O(mn) NaN scan (callers validate data).
        let info = a.storage.withUnsafeMutableBufferPointer { pa in
            jpvt.withUnsafeMutableBufferPointer { pj in
                tau.withUnsafeMutableBufferPointer { pt in
                    var query = 0.0
                    let q = LAPACKE_dgeqp3_work(colMajor, clapack_int(m), clapack_int(n), pa.baseAddress, clapack_int(lda),
                                                pj.baseAddress, pt.baseAddress, &query, -1)
                    if q != 0 { return q }
                    var work = [Double](repeating: 0, count: max(1, Int(query)))
                    return work.withUnsafeMutableBufferPointer { pw in
                        LAPACKE_dgeqp3_work(colMajor, clapack_int(m), clapack_int(n), pa.baseAddress, clapack_int(lda),
                                            pj.baseAddress, pt.baseAddress, pw.baseAddress, clapack_int(pw.count))
                    }
                }
            }
        }
        try LinearAlgebraError.check(info, "dgeqp3")
        return tau
    }

    /// Householder QR without pivoting, `A = Q·R` (`dgeqrf`); same storage as ``geqp3(_:jpvt:)``.
    public static func geqrf(_ a: inout Matrix) throws -> [Double] {
        var tau = [Double](repeating: 0, count: min(a.rows, a.columns))
        if a.isEmpty { return tau }
        let (m, n, lda) = (a.rows, a.columns, a.leadingDimension)
        let info = a.storage.withUnsafeMutableBufferPointer { pa in
            tau.withUnsafeMutableBufferPointer { pt in
                // `_work` interface: no O(mn) NaN scan.
                var query = 0.0
                let q = LAPACKE_dgeqrf_work(colMajor, clapack_int(m), clapack_int(n), pa.baseAddress, clapack_int(lda),
                                            pt.baseAddress, &query, -1)
                if q != 0 { return q }
                var work = [Double](repeating: 0, count: max(1, Int(query)))
                return work.withUnsafeMutableBufferPointer { pw in
                    LAPACKE_dgeqrf_work(colMajor, clapack_int(m), clapack_int(n), pa.baseAddress, clapack_int(lda),
                                        pt.baseAddress, pw.baseAddress, clapack_int(pw.count))
                }
            }
        }
        try LinearAlgebraError.check(info, "dgeqrf")
        return tau
    }

    /// Multiplies `C` by `Q` or `Qᵀ` from a QR factorization (`dormqr`):
    /// `C ← op(Q)·C` (`side == .left`) or `C ← C·op(Q)` (`side == .right`).
    /// - Parameters:
    ///   - side: whether `Q` multiplies `C` from the left or from the right.
    ///   - trans: whether `op(Q)` is `Q` or `Qᵀ`.
    ///   - qr: the factored matrix as returned by ``geqp3(_:jpvt:)`` or ``geqrf(_:)``.
    ///   - tau: its scalar factors; `k = tau.count` reflectors are applied.
    ///   - c: the matrix `C`, overwritten with the product.
    public static func ormqr(_ side: Side, _ trans: Transpose, qr: Matrix, tau: [Double], c: inout Matrix) throws {
        let k = tau.count
        let order = side == .left ? c.rows : c.columns
        guard qr.rows == order, k <= qr.columns, k <= order else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dormqr", detail: "Q from \(qr.rows)×\(qr.columns) with \(k) reflectors, C is \(c.rows)×\(c.columns)")
        }
        if c.isEmpty || k == 0 { return }
        let (m, n, ldc) = (c.rows, c.columns, c.leadingDimension)
        let info = qr.storage.withUnsafeBufferPointer { pa in
            tau.withUnsafeBufferPointer { pt in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    // `_work` interface: no NaN scan of the n×k reflectors on every call.
                    var query = 0.0
                    let q = LAPACKE_dormqr_work(colMajor, side.lapack, trans.lapack, clapack_int(m), clapack_int(n), clapack_int(k),
                                                pa.baseAddress, clapack_int(qr.leadingDimension), pt.baseAddress, pc.baseAddress,
                                                clapack_int(ldc), &query, -1)
                    if q != 0 { return q }
                    var work = [Double](repeating: 0, count: max(1, Int(query)))
                    return work.withUnsafeMutableBufferPointer { pw in
                        LAPACKE_dormqr_work(colMajor, side.lapack, trans.lapack, clapack_int(m), clapack_int(n), clapack_int(k),
                                            pa.baseAddress, clapack_int(qr.leadingDimension), pt.baseAddress, pc.baseAddress,
                                            clapack_int(ldc), pw.baseAddress, clapack_int(pw.count))
                    }
                }
            }
        }
        try LinearAlgebraError.check(info, "dormqr")
    }

    /// Forms the first `columns` columns of `Q` explicitly (`dorgqr`), `k = tau.count` reflectors.
    public static func orgqr(qr: Matrix, tau: [Double], columns: Int) throws -> Matrix {
        let k = tau.count
        guard columns <= qr.rows, k <= columns, columns <= qr.columns || columns <= qr.rows else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dorgqr", detail: "\(columns) columns of Q from \(qr.rows)×\(qr.columns) with \(k) reflectors")
        }
        var q = Matrix(rows: qr.rows, columns: columns)
        for j in 0..<min(columns, qr.columns) { for i in 0..<qr.rows { q[i, j] = qr[i, j] } }
        if q.isEmpty { return q }
        let info = q.storage.withUnsafeMutableBufferPointer { pq in
            tau.withUnsafeBufferPointer { pt in
                LAPACKE_dorgqr(colMajor, clapack_int(q.rows), clapack_int(columns), clapack_int(k),
                               pq.baseAddress, clapack_int(q.rows), pt.baseAddress)
            }
        }
        try LinearAlgebraError.check(info, "dorgqr")
        return q
    }

    /// Solves `op(A)·X = B` for triangular `A` (`dtrtrs`), overwriting `b` with `X`.
    /// Throws ``LinearAlgebraError/singular(routine:index:)`` when `A_ii == 0`.
    public static func trtrs(_ uplo: Triangle, _ trans: Transpose, _ diag: Diagonal, _ a: Matrix, b: inout Matrix) throws {
        guard a.rows == a.columns, b.rows == a.rows else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtrtrs", detail: "A is \(a.rows)×\(a.columns), B is \(b.rows)×\(b.columns)")
        }
        if a.rows == 0 || b.columns == 0 { return }
        let info = a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeMutableBufferPointer { pb in
                LAPACKE_dtrtrs(colMajor, uplo.lapack, trans.lapack, diag.lapack, clapack_int(a.rows), clapack_int(b.columns),
                               pa.baseAddress, clapack_int(a.leadingDimension), pb.baseAddress, clapack_int(b.leadingDimension))
            }
        }
        try LinearAlgebraError.check(info, "dtrtrs")
    }

    /// Inverts a triangular matrix in place (`dtrtri`); the other triangle is not referenced.
    /// Throws ``LinearAlgebraError/singular(routine:index:)`` when `A_ii == 0`.
    public static func trtri(_ uplo: Triangle, _ diag: Diagonal, _ a: inout Matrix) throws {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtrtri", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        if a.rows == 0 { return }
        let (n, lda) = (a.rows, a.leadingDimension)
        let info = a.storage.withUnsafeMutableBufferPointer { pa in
            LAPACKE_dtrtri(colMajor, uplo.lapack, diag.lapack, clapack_int(n), pa.baseAddress, clapack_int(lda))
        }
        try LinearAlgebraError.check(info, "dtrtri")
    }

    /// Reciprocal condition number `1/(‖A‖₁‖A⁻¹‖₁)` estimate of a triangular matrix (`dtrcon`).
    public static func trcon(_ uplo: Triangle, _ a: Matrix) throws -> Double {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtrcon", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        if a.rows == 0 { return 1 }
        var rcond = 0.0
        let info = a.storage.withUnsafeBufferPointer { pa in
            LAPACKE_dtrcon(colMajor, CChar(UInt8(ascii: "1")), uplo.lapack, Diagonal.nonUnit.lapack, clapack_int(a.rows),
                           pa.baseAddress, clapack_int(a.leadingDimension), &rcond)
        }
        try LinearAlgebraError.check(info, "dtrcon")
        return rcond
    }

    /// Singular value decomposition `A = U·diag(s)·Vᵀ` by divide and conquer (`dgesdd`).
    ///
    /// - Parameters:
    ///   - a: the `m × n` matrix `A`.
    ///   - vectors: `false` computes the singular values only (`jobz = 'N'`); `true` the
    ///     thin factors (`jobz = 'S'`): `U` is `m × k`, `Vᵀ` is `k × n`, `k = min(m, n)`.
    /// - Returns: singular values in decreasing order, and `U`, `Vᵀ` when requested.
    public static func gesdd(_ a: Matrix, vectors: Bool = false) throws -> (s: [Double], u: Matrix?, vt: Matrix?) {
        let (m, n) = (a.rows, a.columns)
        let k = min(m, n)
        var s = [Double](repeating: 0, count: k)
        if k == 0 { return (s, vectors ? Matrix(rows: m, columns: 0) : nil, vectors ? Matrix(rows: 0, columns: n) : nil) }
        var work = a
        var u = Matrix(rows: vectors ? m : 1, columns: vectors ? k : 1)
        var vt = Matrix(rows: vectors ? k : 1, columns: vectors ? n : 1)
        let jobz = CChar(UInt8(ascii: vectors ? "S" : "N"))
        let ldu = u.leadingDimension, ldvt = vt.leadingDimension
        let info = work.storage.withUnsafeMutableBufferPointer { pa in
            s.withUnsafeMutableBufferPointer { ps in
                u.storage.withUnsafeMutableBufferPointer { pu in
                    vt.storage.withUnsafeMutableBufferPointer { pv in
                        LAPACKE_dgesdd(colMajor, jobz, clapack_int(m), clapack_int(n), pa.baseAddress, clapack_int(work.leadingDimension),
                                       ps.baseAddress, pu.baseAddress, clapack_int(ldu), pv.baseAddress, clapack_int(ldvt))
                    }
                }
            }
        }
        try LinearAlgebraError.check(info, "dgesdd", positive: .noConvergence)
        return (s, vectors ? u : nil, vectors ? vt : nil)
    }
}
