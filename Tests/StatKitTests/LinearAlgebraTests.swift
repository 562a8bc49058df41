import Testing
@testable import StatKit

/// BLAS/LAPACK wrappers against naive loops and closed forms.
/// Tolerance: 1e-13 relative to the operands' magnitude (a few ulps times the dimension).
@Suite("BLAS and LAPACK wrappers")
struct LinearAlgebraTests {
    static let a = Matrix(rowMajor: [[1, 2, 3], [4, 5, 6], [7, 8, 10], [2, -1, 0.5]])   // 4×3
    static let b = Matrix(rowMajor: [[0.5, -1], [2, 3], [-4, 1.5]])                     // 3×2

    static func naive(_ a: Matrix, _ b: Matrix) -> Matrix {
        var c = Matrix(rows: a.rows, columns: b.columns)
        for i in 0..<a.rows { for j in 0..<b.columns { for k in 0..<a.columns { c[i, j] += a[i, k] * b[k, j] } } }
        return c
    }

    static func maxDiff(_ x: Matrix, _ y: Matrix) -> Double {
        precondition(x.rows == y.rows && x.columns == y.columns)
        var m = 0.0
        for i in 0..<x.rows { for j in 0..<x.columns { m = max(m, abs(x[i, j] - y[i, j])) } }
        return m
    }

    @Test func gemmMatchesLoops() throws {
        let c = try Matrix.product(Self.a, .none, Self.b, .none)
        #expect(Self.maxDiff(c, Self.naive(Self.a, Self.b)) < 1e-13)
        let ct = try Matrix.product(Self.b, .transpose, Self.a, .transpose)
        #expect(Self.maxDiff(ct, Self.naive(Self.a, Self.b).transposed) < 1e-13)
        var acc = Matrix(rows: 4, columns: 2, repeating: 1)
        try Matrix.gemm(Self.a, .none, Self.b, .none, alpha: 2, beta: -1, into: &acc)
        let expected = Self.naive(Self.a, Self.b)
        for i in 0..<4 { for j in 0..<2 { #expect(abs(acc[i, j] - (2 * expected[i, j] - 1)) < 1e-13) } }
    }

    @Test func gemmRejectsMismatch() {
        #expect(throws: LinearAlgebraError.self) { _ = try Matrix.product(Self.a, .none, Self.a, .none) }
    }

    @Test func gemvAndSyrk() throws {
        let y = try Self.a.gemv([1, -2, 0.5])
        let expected: [Double] = [-1.5, -3, -4, 4.25]  // rows of A times (1, −2, 0.5)
        #expect(y == expected)
        let yt = try Self.a.gemv([1, 1, 1, 1], .transpose)
        let colSums: [Double] = [14, 14, 19.5]
        #expect(yt == colSums)
        let g = Self.a.syrk()
        #expect(Self.maxDiff(g, Self.naive(Self.a.transposed, Self.a)) < 1e-12)
        #expect(throws: LinearAlgebraError.self) { _ = try Self.a.gemv([1, 2]) }
    }

    @Test func trsmSolvesTriangularSystems() throws {
        let r = Matrix(rowMajor: [[2, 1, -1], [0, 3, 0.5], [0, 0, 4]])
        let x = Matrix(rowMajor: [[1, 2], [-1, 0.5], [3, -2]])
        var b = Self.naive(r, x)
        try r.trsm(.left, .upper, b: &b)
        #expect(Self.maxDiff(b, x) < 1e-14)
        var bt = Self.naive(x.transposed, r)       // Xᵀ·R, solve from the right
        try r.trsm(.right, .upper, b: &bt)
        #expect(Self.maxDiff(bt, x.transposed) < 1e-14)
    }

    @Test func trtrsTrtriAndSingularity() throws {
        let r = Matrix(rowMajor: [[2, 1, -1], [0, 3, 0.5], [0, 0, 4]])
        var inv = r
        try LAPACK.trtri(.upper, .nonUnit, &inv)
        for i in 0..<3 { for j in 0..<i { inv[i, j] = 0 } }
        #expect(Self.maxDiff(Self.naive(r, inv), .identity(3)) < 1e-15)
        var b = Matrix(columns: [[1, 2, 3]])
        try LAPACK.trtrs(.upper, .none, .nonUnit, r, b: &b)
        #expect(Self.maxDiff(Self.naive(r, b), Matrix(columns: [[1, 2, 3]])) < 1e-15)
        let singular = Matrix(rowMajor: [[1, 2], [0, 0]])
        var rhs = Matrix(columns: [[1, 1]])
        #expect(throws: LinearAlgebraError.singular(routine: "dtrtrs", index: 2)) {
            try LAPACK.trtrs(.upper, .none, .nonUnit, singular, b: &rhs)
        }
        var s2 = singular
        #expect(throws: LinearAlgebraError.singular(routine: "dtrtri", index: 2)) { try LAPACK.trtri(.upper, .nonUnit, &s2) }
    }

    @Test func pivotedQRReconstructs() throws {
        var qr = Self.a
        var jpvt = [Int32](repeating: 0, count: 3)
        let tau = try LAPACK.geqp3(&qr, jpvt: &jpvt)
        #expect(Set(jpvt) == [1, 2, 3])
        // Q·R (R padded to 4×3) equals A·P.
        var r = Matrix(rows: 4, columns: 3)
        for j in 0..<3 { for i in 0...j { r[i, j] = qr[i, j] } }
        try LAPACK.ormqr(.left, .none, qr: qr, tau: tau, c: &r)
        for k in 0..<3 { for i in 0..<4 { #expect(abs(r[i, k] - Self.a[i, Int(jpvt[k]) - 1]) < 1e-13) } }
        // |R_kk| non-increasing with column pivoting.
        #expect(abs(qr[0, 0]) >= abs(qr[1, 1]) && abs(qr[1, 1]) >= abs(qr[2, 2]))
        // Thin Q has orthonormal columns.
        let q = try LAPACK.orgqr(qr: qr, tau: tau, columns: 3)
        #expect(Self.maxDiff(Self.naive(q.transposed, q), .identity(3)) < 1e-14)
    }

    @Test func svdClosedForm() throws {
        // AᵀA = [[25, 20], [20, 25]] has eigenvalues 45 and 5.
        let a = Matrix(rowMajor: [[3, 0], [4, 5]])
        let (s, u, vt) = try LAPACK.gesdd(a, vectors: true)
        #expect(abs(s[0] - 45.0.squareRoot()) < 1e-14 && abs(s[1] - 5.0.squareRoot()) < 1e-14)
        var us = u!
        for j in 0..<2 { for i in 0..<2 { us[i, j] *= s[j] } }
        #expect(Self.maxDiff(Self.naive(us, vt!), a) < 1e-14)
        #expect(try LAPACK.gesdd(a).u == nil)
    }

    @Test func errorDescriptionsNameTheRoutine() {
        #expect(LinearAlgebraError.illegalArgument(routine: "dgeqp3", position: 4).description.contains("dgeqp3: argument 4"))
        #expect(LinearAlgebraError.singular(routine: "dtrtrs", index: 2).description.contains("diagonal element 2"))
        #expect(LinearAlgebraError.noConvergence(routine: "dgesdd", info: 3).description.contains("did not converge"))
    }
}
