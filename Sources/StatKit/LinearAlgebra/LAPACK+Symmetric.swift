import _CLapack

extension LAPACK {
    /// Eigenvalues (ascending) and eigenvectors (the columns of the returned matrix) of a
    /// symmetric matrix, from its upper triangle (`dsyev`).
    public static func syev(_ a: Matrix) throws -> (values: [Double], vectors: Matrix) {
        guard a.rows == a.columns else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dsyev", detail: "A is \(a.rows)×\(a.columns), not square")
        }
        var v = a
        var w = [Double](repeating: 0, count: a.rows)
        if a.rows == 0 { return (w, v) }
        let (n, lda) = (a.rows, v.leadingDimension)
        let info = v.storage.withUnsafeMutableBufferPointer { pv in
            w.withUnsafeMutableBufferPointer { pw in
                LAPACKE_dsyev(colMajor, CChar(UInt8(ascii: "V")), CChar(UInt8(ascii: "U")), clapack_int(n),
                              pv.baseAddress, clapack_int(lda), pw.baseAddress)
            }
        }
        try LinearAlgebraError.check(info, "dsyev", positive: .noConvergence)
        return (w, v)
    }
}
