import _CLapack

/// Whether an operand enters a product as is or transposed (`op(A) = A` or `Aᵀ`).
public enum Transpose: Sendable {
    /// `op(A) = A`.
    case none
    /// `op(A) = Aᵀ`.
    case transpose
    var cblas: CBLAS_TRANSPOSE { self == .none ? CblasNoTrans : CblasTrans }
    var lapack: CChar { CChar(UInt8(ascii: self == .none ? "N" : "T")) }
}

/// Which triangle of a matrix is referenced.
public enum Triangle: Sendable {
    /// Entries with `i ≤ j`.
    case upper
    /// Entries with `i ≥ j`.
    case lower
    var cblas: CBLAS_UPLO { self == .upper ? CblasUpper : CblasLower }
    var lapack: CChar { CChar(UInt8(ascii: self == .upper ? "U" : "L")) }
}

/// Which side a triangular factor multiplies from.
public enum Side: Sendable {
    /// `op(A)` multiplies from the left.
    case left
    /// `op(A)` multiplies from the right.
    case right
    var cblas: CBLAS_SIDE { self == .left ? CblasLeft : CblasRight }
    var lapack: CChar { CChar(UInt8(ascii: self == .left ? "L" : "R")) }
}

/// Whether a triangular matrix has an implicit unit diagonal.
public enum Diagonal: Sendable {
    /// The stored diagonal is used.
    case nonUnit
    /// The diagonal is taken as all ones and not referenced.
    case unit
    var cblas: CBLAS_DIAG { self == .nonUnit ? CblasNonUnit : CblasUnit }
    var lapack: CChar { CChar(UInt8(ascii: self == .nonUnit ? "N" : "U")) }
}

@inline(__always) func blasInt(_ v: Int) -> Int32 { Int32(truncatingIfNeeded: v) }

/// Level-2 and level-3 BLAS (OpenBLAS, column-major) on ``Matrix``.
///
/// Shapes are checked before the call; a mismatch throws
/// ``LinearAlgebraError/dimensionMismatch(routine:detail:)`` instead of letting BLAS
/// read out of bounds.
extension Matrix {
    /// General matrix product `C ← α·op(A)·op(B) + β·C` (`dgemm`).
    ///
    /// - Parameters:
    ///   - a: the matrix `A`.
    ///   - transA: whether `op(A)` is `A` or `Aᵀ`; `op(A)` is `m × k`.
    ///   - b: the matrix `B`.
    ///   - transB: whether `op(B)` is `B` or `Bᵀ`; `op(B)` must be `k × n`.
    ///   - alpha: the factor `α` of the product.
    ///   - beta: the factor `β` of the previous contents of `c`.
    ///   - c: `m × n` output; with `beta == 0` its contents are ignored. If its shape is
    ///     wrong and `beta == 0` it is replaced by an `m × n` zero matrix.
    public static func gemm(_ a: Matrix, _ transA: Transpose = .none,
                            _ b: Matrix, _ transB: Transpose = .none,
                            alpha: Double = 1, beta: Double = 0, into c: inout Matrix) throws {
        let m = transA == .none ? a.rows : a.columns
        let k = transA == .none ? a.columns : a.rows
        let kb = transB == .none ? b.rows : b.columns
        let n = transB == .none ? b.columns : b.rows
        guard k == kb else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dgemm", detail: "op(A) is \(m)×\(k), op(B) is \(kb)×\(n)")
        }
        if c.rows != m || c.columns != n {
            guard beta == 0 else {
                throw LinearAlgebraError.dimensionMismatch(routine: "dgemm", detail: "C is \(c.rows)×\(c.columns), expected \(m)×\(n)")
            }
            c = Matrix(rows: m, columns: n)
        }
        if m == 0 || n == 0 { return }
        if k == 0 {
            for j in 0..<n { for i in 0..<m { c[i, j] *= beta } }
            return
        }
        let lda = a.leadingDimension, ldb = b.leadingDimension, ldc = c.leadingDimension
        a.storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeBufferPointer { pb in
                c.storage.withUnsafeMutableBufferPointer { pc in
                    cblas_dgemm(CblasColMajor, transA.cblas, transB.cblas, blasInt(m), blasInt(n), blasInt(k),
                                alpha, pa.baseAddress, blasInt(lda), pb.baseAddress, blasInt(ldb),
                                beta, pc.baseAddress, blasInt(ldc))
                }
            }
        }
    }

    /// The product `op(A)·op(B)` (`dgemm` with `α = 1, β = 0`).
    public static func product(_ a: Matrix, _ transA: Transpose = .none,
                               _ b: Matrix, _ transB: Transpose = .none) throws -> Matrix {
        var c = Matrix(rows: 0, columns: 0)
        try gemm(a, transA, b, transB, into: &c)
        return c
    }

    /// Matrix–vector product `α·op(A)·x` (`dgemv`).
    public func gemv(_ x: [Double], _ trans: Transpose = .none, alpha: Double = 1) throws -> [Double] {
        let m = trans == .none ? rows : columns
        let k = trans == .none ? columns : rows
        guard x.count == k else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dgemv", detail: "op(A) is \(m)×\(k), x has \(x.count) elements")
        }
        var y = [Double](repeating: 0, count: m)
        if m == 0 || k == 0 { return y }
        storage.withUnsafeBufferPointer { pa in
            x.withUnsafeBufferPointer { px in
                y.withUnsafeMutableBufferPointer { py in
                    cblas_dgemv(CblasColMajor, trans.cblas, blasInt(rows), blasInt(columns), alpha,
                                pa.baseAddress, blasInt(leadingDimension), px.baseAddress, 1, 0, py.baseAddress, 1)
                }
            }
        }
        return y
    }

    /// Symmetric rank-k update: the Gram matrix `α·AᵀA` (`trans == .transpose`) or
    /// `α·AAᵀ` (`trans == .none`) by `dsyrk`, with both triangles filled.
    public func syrk(_ trans: Transpose = .transpose, alpha: Double = 1) -> Matrix {
        let n = trans == .transpose ? columns : rows
        let k = trans == .transpose ? rows : columns
        var c = Matrix(rows: n, columns: n)
        if n == 0 || k == 0 { return c }
        storage.withUnsafeBufferPointer { pa in
            c.storage.withUnsafeMutableBufferPointer { pc in
                cblas_dsyrk(CblasColMajor, CblasUpper, trans.cblas, blasInt(n), blasInt(k), alpha,
                            pa.baseAddress, blasInt(leadingDimension), 0, pc.baseAddress, blasInt(n))
            }
        }
        for j in 0..<n { for i in (j + 1)..<max(j + 1, n) { c[i, j] = c[j, i] } }
        return c
    }

    /// Triangular solve with multiple right-hand sides (`dtrsm`):
    /// `B ← α·op(A)⁻¹·B` (`side == .left`) or `B ← α·B·op(A)⁻¹` (`side == .right`),
    /// where `A` (self) is square and triangular. BLAS does not test for singularity:
    /// a zero diagonal yields infinities, so callers check the diagonal first
    /// (or use ``LAPACK/trtrs(_:_:_:_:b:)``, which does).
    public func trsm(_ side: Side, _ uplo: Triangle, _ transA: Transpose = .none, _ diag: Diagonal = .nonUnit,
                     alpha: Double = 1, b: inout Matrix) throws {
        guard rows == columns else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtrsm", detail: "A is \(rows)×\(columns), not square")
        }
        let needed = side == .left ? b.rows : b.columns
        guard needed == rows else {
            throw LinearAlgebraError.dimensionMismatch(routine: "dtrsm", detail: "A is \(rows)×\(rows), B is \(b.rows)×\(b.columns)")
        }
        if b.isEmpty { return }
        let ldb = b.leadingDimension
        storage.withUnsafeBufferPointer { pa in
            b.storage.withUnsafeMutableBufferPointer { pb in
                cblas_dtrsm(CblasColMajor, side.cblas, uplo.cblas, transA.cblas, diag.cblas,
                            blasInt(b.rows), blasInt(b.columns), alpha, pa.baseAddress, blasInt(leadingDimension),
                            pb.baseAddress, blasInt(ldb))
            }
        }
    }
}
