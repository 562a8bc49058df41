import Testing
@testable import StatKit

/// The least-squares fit's inner kernels against exact values and an independent QR.
///
/// Compensated sums: data built so that the exact result is a known double and plain
/// double accumulation loses it entirely (each pair of terms cancels to `c·2⁻⁶⁰`); the
/// kernels must return it exactly. 1,003 elements, so both the four-lane loop and the
/// scalar tail are used.
@Suite("Least-squares kernels")
struct LeastSquaresKernelTests {
    static let n = 1_003

    /// `Σ aᵢbᵢ = 2⁻⁶⁰·Σ cⱼ` exactly: pairs `cⱼ(1 + 2⁻³⁰)·(1 + 2⁻³⁰)` and `−cⱼ·(1 + 2⁻²⁹)`,
    /// `cⱼ` powers of two up to 2⁷ (so the result is within double-double reach exactly).
    static func cancellingPairs() -> (a: [Double], b: [Double], exact: Double) {
        var a: [Double] = [], b: [Double] = []
        var sumC = 0.0
        let e = 1 + 0x1p-30
        for j in 0..<(n / 2) {
            let c = Double(sign: .plus, exponent: j % 8, significand: 1)
            a += [c * e, -c]
            b += [e, 1 + 0x1p-29]
            sumC += c
        }
        a.append(0); b.append(3)
        return (a, b, sumC * 0x1p-60)
    }

    @Test func dotOfCancellingProductsIsExact() {
        let (a, b, exact) = Self.cancellingPairs()
        var plain = 0.0
        for i in a.indices { plain += a[i] * b[i] }
        #expect(plain != exact, "the data must defeat plain double accumulation")
        let r = CompensatedSums.dot(a, nil, b, nil, count: a.count)
        #expect(r.value == exact)
    }

    @Test func dotUsesTrailingParts() {
        // The same sum with (1 + 2⁻³⁰)² given as the double-double 1 + 2⁻²⁹ + 2⁻⁶⁰ in one
        // operand, the other operand cⱼ: Σ cⱼ·2⁻⁶⁰ comes only from the trailing parts.
        var a: [Double] = [], hi: [Double] = [], lo: [Double] = []
        var sumC = 0.0
        for j in 0..<(Self.n / 2) {
            let c = Double(sign: .plus, exponent: j % 8, significand: 1)
            a += [c, -c]
            hi += [1 + 0x1p-29, 1 + 0x1p-29]
            lo += [0x1p-60, 0]
            sumC += c
        }
        a.append(1); hi.append(0); lo.append(0)
        let exact = sumC * 0x1p-60
        #expect(CompensatedSums.dot(a, nil, hi, lo, count: a.count).value == exact)
        #expect(CompensatedSums.dot(hi, lo, a, nil, count: a.count).value == exact)
        #expect(CompensatedSums.dot(a, nil, hi, nil, count: a.count).value == 0)
    }

    @Test func dotsAgainstOneOperandAreExact() {
        // Several columns against the same operand (split once for all of them): the
        // cancelling pairs, the same doubled (exactly) and negated.
        let (a, b, exact) = Self.cancellingPairs()
        let zero = [Double](repeating: 0, count: a.count)
        let r = Self.withPointers([a, a.map { 2 * $0 }, a.map { -$0 }]) {
            CompensatedSums.dots($0, b, zero, count: a.count)
        }
        #expect(r.map(\.value) == [exact, 2 * exact, -exact])
        // The operand's trailing parts: Σ aᵢ(1 + βᵢ) with aᵢ = 2⁻²⁰ and βᵢ = 2⁻⁸⁰ on even
        // rows, 1 and 0 on odd ones, is 501 + 502·2⁻⁴⁰ + 502·2⁻¹⁰⁰ exactly.
        var x = [Double](repeating: 1, count: a.count), tiny = zero
        for i in stride(from: 0, to: a.count, by: 2) { x[i] = 0x1p-20; tiny[i] = 0x1p-80 }
        let s = Self.withPointers([x, x]) { CompensatedSums.dots($0, x, tiny, count: a.count) }
        for d in s {
            #expect(d.hi == 501 + 502 * 0x1p-40)
            #expect(d.lo == 502 * 0x1p-100)
        }
    }

    /// Copies of `arrays` as pointers for the length of `body`.
    static func withPointers<R>(_ arrays: [[Double]], _ body: ([UnsafePointer<Double>]) -> R) -> R {
        let copies = arrays.map { a in
            let p = UnsafeMutablePointer<Double>.allocate(capacity: a.count)
            p.initialize(from: a, count: a.count)
            return p
        }
        defer { for p in copies { p.deallocate() } }
        return body(copies.map { UnsafePointer($0) })
    }

    @Test func sumOfSquaresIsExact() {
        // (1 + 2⁻³⁰ + 2⁻⁷⁰)², 1,003 times, without the 2⁻¹⁴⁰ term: 1,003·(1 + 2⁻²⁹) leading,
        // 1,003·(2⁻⁶⁰ + 2⁻⁶⁹ + 2⁻⁹⁹) trailing, every digit of both kept.
        let n = Double(Self.n)
        let a = [Double](repeating: 1 + 0x1p-30, count: Self.n), low = [Double](repeating: 0x1p-70, count: Self.n)
        let r = CompensatedSums.sumOfSquares(a, low, count: Self.n)
        #expect(r.hi == n + n * 0x1p-29)
        #expect(r.lo == n * (0x1p-60 + 0x1p-69 + 0x1p-99))
        let plain = CompensatedSums.sumOfSquares(a, nil, count: Self.n)
        #expect(plain.hi == n + n * 0x1p-29)
        #expect(plain.lo == n * 0x1p-60)
    }

    @Test func sumKeepsWhatDoubleLoses() {
        // 2⁵³ + 1001 ones − 2⁵³: every one is lost to plain accumulation.
        var a = [0x1p53] + [Double](repeating: 1, count: Self.n - 2) + [-0x1p53]
        var plain = 0.0
        for v in a { plain += v }
        #expect(plain != 1_001)
        #expect(CompensatedSums.sum(a, count: a.count).value == 1_001)
        a.swapAt(1, Self.n - 1)
        #expect(CompensatedSums.sum(a, count: a.count).value == 1_001)
    }

    /// A narrow factor folded from one block of 10,000 weighted rows (taken in several
    /// LAPACK calls) has the `R` of LAPACK's QR of all the whitened rows at once, up to the
    /// sign of each row: within 1e-12 of each column's norm.
    @Test func narrowFoldMatchesOneQR() throws {
        let m = 10_000, p = 5
        #expect(TriangularFactor.foldRows(width: p + 1)! < m)
        var g = SeededGenerator(seed: 17)
        var x = Matrix(rows: m, columns: p)
        var y = [Double](repeating: 0, count: m), w = y
        for i in 0..<m {
            x[i, 0] = 1
            for j in 1..<p { x[i, j] = Double.random(in: -3...3, using: &g) * Double(j) }
            y[i] = 2 + x[i, 1] - 0.5 * x[i, 3] + Double.random(in: -1...1, using: &g)
            w[i] = Double.random(in: 0.5...4, using: &g)
        }
        var f = TriangularFactor(designColumns: p, precision: .double)
        try f.fold(x, low: nil, y: y, weights: w)

        var a = Matrix(rows: m, columns: p + 1)
        for i in 0..<m {
            let s = w[i].squareRoot()
            for j in 0..<p { a[i, j] = x[i, j] * s }
            a[i, p] = y[i] * s
        }
        var norms = [Double](repeating: 0, count: p + 1)
        for j in 0...p { for i in 0..<m { norms[j] += a[i, j] * a[i, j] }; norms[j] = norms[j].squareRoot() }
        _ = try LAPACK.geqrf(&a)
        for i in 0...p {
            let sign: Double = (a[i, i] < 0) == (f.element(i, i) < 0) ? 1 : -1
            for j in i...p {
                #expect(abs(f.element(i, j) - sign * a[i, j]) <= 1e-12 * norms[j], "R[\(i), \(j)]")
            }
        }
        #expect(f.rows == m)
    }
}
