import _CLapack

extension LAPACK {
    /// Householder QR of a triangular matrix stacked on a pentagonal one (`dtpqrt`):
    /// `[A; B] = Q·[R; 0]`, with `A` upper triangular `n × n` and `B` `m × n`, whose first
    /// `m − l` rows are dense and whose last `l` rows are upper trapezoidal (`l = 0`: `B` is
    /// a plain dense block; `l = n = m`: `B` is upper triangular too).
    ///
    /// This is the update step of a streaming (or tall-skinny, TSQR) QR factorization:
    /// with `A` the `R` factor of the rows seen so far and `B` a new block of rows, the
    /// returned `R` is the `R` factor of all rows (`RᵀR = AᵀA + BᵀB`), computed by
    /// Householder reflections that exploit the zeros of `A`; backward stable.
    ///
    /// On return `a` holds `R` in its upper triangle (the strict lower triangle is not
    /// referenced) and `b` the Householder vectors; `Q` itself is not returned.
    /// - Parameters:
    ///   - a: the upper triangular `n × n` matrix `A`; overwritten with `R`.
    ///   - b: the `m × n` matrix `B`; overwritten with the Householder vectors.
    ///   - l: number of trapezoidal rows at the bottom of `b`, `0 ≤ l ≤ min(m, n)`.
    ///   - blockSize: LAPACK's `nb` (`1 ≤ nb ≤ n`); default `min(n, 32)`.
    public static func tpqrt(_ a: inout Matrix, _ b: inout Matrix, l: Int = 0, blockSize: Int? = nil) throws {
        let n = a.columns, m = b.rows
        guard a.rows == n, b.columns == n else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtpqrt", detail: "A is \(a.rows)×\(a.columns), B is \(b.rows)×\(b.columns); A must be square with B's column count")
        }
        guard l >= 0 && l <= min(m, n) else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtpqrt", detail: "l = \(l) not in 0...\(min(m, n))")
        }
        if n == 0 || m == 0 { return }
        let nb = max(1, min(blockSize ?? 32, n))
        var t = [Double](repeating: 0, count: nb * n)
        var work = [Double](repeating: 0, count: nb * n)
        let (lda, ldb) = (a.leadingDimension, b.leadingDimension)
        let info = a.storage.withUnsafeMutableBufferPointer { pa in
            b.storage.withUnsafeMutableBufferPointer { pb in
                t.withUnsafeMutableBufferPointer { pt in
                    work.withUnsafeMutableBufferPointer { pw in
                        // `_work` interface: no NaN scan of A and B on every block.
                        LAPACKE_dtpqrt_work(colMajor, clapack_int(m), clapack_int(n), clapack_int(l), clapack_int(nb),
                                            pa.baseAddress, clapack_int(lda), pb.baseAddress, clapack_int(ldb),
                                            pt.baseAddress, clapack_int(nb), pw.baseAddress)
                    }
                }
            }
        }
        try LinearAlgebraError.check(info, "dtpqrt")
    }
}
