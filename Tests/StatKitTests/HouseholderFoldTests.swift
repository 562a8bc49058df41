import Foundation
import Testing
@testable import StatKit

/// The Float80 Householder fold of ``QRAccumulator`` after its loops were fused (each
/// column update in the same sweep as the next dot product, the scaled reflector formed in
/// registers, the block's first column read straight from the doubles) against the
/// textbook loops it replaced, kept here as the reference: the factor must be the same
/// bits, for blocks with and without low-order parts, zero columns, one row, one column.
@Suite("Householder fold: fused loops against the textbook loops")
struct HouseholderFoldTests {
    /// The loops as first written: `σ = ‖bₖ‖²`, `bₖ ← bₖ·s` stored, then for each later
    /// column `w = (r_kj + bₖ·b_j)·τ`, `b_j ← b_j − w·bₖ` (dot products in four
    /// interleaved partial sums, as ``TriangularFactor/dot(_:_:_:)``).
    static func textbook(_ r: inout [Float80], _ m: Int, _ block: [Float80], _ b: Int) {
        var blk = block
        func dot(_ x: Int, _ y: Int) -> Float80 {
            var s0: Float80 = 0, s1: Float80 = 0, s2: Float80 = 0, s3: Float80 = 0
            var i = 0
            while i + 4 <= b {
                s0 += blk[x + i] * blk[y + i]; s1 += blk[x + i + 1] * blk[y + i + 1]
                s2 += blk[x + i + 2] * blk[y + i + 2]; s3 += blk[x + i + 3] * blk[y + i + 3]
                i += 4
            }
            while i < b { s0 += blk[x + i] * blk[y + i]; i += 1 }
            return (s0 + s1) + (s2 + s3)
        }
        for k in 0..<m {
            let bk = k * b
            let sigma = dot(bk, bk)
            if sigma == 0 { continue }
            let alpha = r[k + k * m]
            let norm = (alpha * alpha + sigma).squareRoot()
            let beta = alpha >= 0 ? -norm : norm
            let tau = (beta - alpha) / beta
            let scale = 1 / (alpha - beta)
            for i in 0..<b { blk[bk + i] *= scale }
            r[k + k * m] = beta
            for j in (k + 1)..<max(k + 1, m) {
                let w = (r[k + j * m] + dot(bk, j * b)) * tau
                r[k + j * m] -= w
                for i in 0..<b { blk[j * b + i] -= w * blk[bk + i] }
            }
        }
    }

    /// Blocks of `b` rows and `m` columns (the last one the response): random values over
    /// several magnitudes, optional low-order parts on the design columns, optional zero
    /// columns.
    static func block(_ g: inout SeededGenerator, b: Int, m: Int, low: Bool, zeroColumn: Int?)
        -> (x: [Double], lo: [Double]?) {
        var x = [Double](repeating: 0, count: b * m)
        var lo: [Double]? = low ? [Double](repeating: 0, count: b * m) : nil
        for j in 0..<m where j != zeroColumn {
            let size = pow(10, Double(g.nextInt(below: 7)) - 3)
            for i in 0..<b {
                let v = (g.nextUniform() - 0.3) * size
                x[i + j * b] = v
                if j < m - 1, low, g.nextUniform() < 0.7 { lo![i + j * b] = v.ulp * (g.nextUniform() - 0.5) }
            }
        }
        return (x, lo)
    }

    @Test("the same factor to the bit", arguments: [1, 2, 3, 4, 5, 7])
    func fusedEqualsTextbook(m: Int) {
        var g = SeededGenerator(seed: UInt64(100 + m))
        var rRef = [Float80](repeating: 0, count: m * m), rFused = rRef, rDoubles = rRef
        for (n, b) in [1, 3, 4, 9, 64, 513, 2].enumerated() {
            let zero: Int? = n == 3 ? 0 : n == 4 ? m - 1 : nil
            let (x, lo) = Self.block(&g, b: b, m: m, low: n % 2 == 1, zeroColumn: zero)
            // The stored block as the whitening loop fills it: x + low on design columns.
            let stored = (0..<(b * m)).map { k -> Float80 in
                let j = k / b
                return j < m - 1 && lo != nil ? Float80(x[k]) + Float80(lo![k]) : Float80(x[k])
            }
            Self.textbook(&rRef, m, stored, b)
            var work = stored
            rFused.withUnsafeMutableBufferPointer { pr in
                work.withUnsafeMutableBufferPointer { pw in TriangularFactor.householder(pr.baseAddress!, m, pw.baseAddress!, b) }
            }
            var scratch = [Float80](repeating: 0, count: b * m)
            x.withUnsafeBufferPointer { px in
                (lo ?? []).withUnsafeBufferPointer { pl in
                    let cols = (0..<m).map { j in
                        TriangularFactor.DoubleColumn(x: px.baseAddress! + j * b,
                                                      low: lo != nil && j < m - 1 ? pl.baseAddress! + j * b : nil)
                    }
                    rDoubles.withUnsafeMutableBufferPointer { pr in
                        scratch.withUnsafeMutableBufferPointer { pw in
                            TriangularFactor.householderFromDoubles(pr.baseAddress!, m, cols, pw.baseAddress!, b)
                        }
                    }
                }
            }
            #expect(rFused == rRef, "m = \(m), block \(n): fused loops")
            #expect(rDoubles == rRef, "m = \(m), block \(n): first column from the doubles")
        }
    }

    /// A first column of ones (the intercept) takes ``TriangularFactor/householderFromOnes(_:_:_:_:_:)``:
    /// the same factor bits as the textbook loops, block after block; a column with one
    /// entry other than 1 (or a low-order part) does not.
    @Test("an intercept column: the same factor to the bit", arguments: [2, 3, 4, 6])
    func interceptEqualsTextbook(m: Int) {
        var g = SeededGenerator(seed: UInt64(300 + m))
        var rRef = [Float80](repeating: 0, count: m * m), rDoubles = rRef
        for (n, b) in [1, 3, 4, 9, 64, 513, 8192, 2].enumerated() {
            var (x, lo) = Self.block(&g, b: b, m: m, low: n % 2 == 1, zeroColumn: n == 4 ? m - 1 : nil)
            for i in 0..<b { x[i] = 1; lo?[i] = 0 }
            if n == 6 { x[b / 2] = 1.0000000000000002 }   // not all ones: the general path
            #expect(TriangularFactor.allOnes(x, b) == (n != 6))
            let stored = (0..<(b * m)).map { k -> Float80 in
                let j = k / b
                return j < m - 1 && lo != nil ? Float80(x[k]) + Float80(lo![k]) : Float80(x[k])
            }
            Self.textbook(&rRef, m, stored, b)
            var scratch = [Float80](repeating: 0, count: b * m)
            x.withUnsafeBufferPointer { px in
                (lo ?? []).withUnsafeBufferPointer { pl in
                    // Column 0 without a low-order part (an intercept has none).
                    let cols = (0..<m).map { j in
                        TriangularFactor.DoubleColumn(x: px.baseAddress! + j * b,
                                                      low: lo != nil && j > 0 && j < m - 1 ? pl.baseAddress! + j * b : nil)
                    }
                    rDoubles.withUnsafeMutableBufferPointer { pr in
                        scratch.withUnsafeMutableBufferPointer { pw in
                            TriangularFactor.householderFromDoubles(pr.baseAddress!, m, cols, pw.baseAddress!, b)
                        }
                    }
                }
            }
            #expect(rDoubles == rRef, "m = \(m), block \(n) (\(b) rows)")
        }
    }

    /// Through the public accumulator: the direct path (unweighted, no Durbin–Watson
    /// factor) against the stored path (the Durbin–Watson factor on), same factor bits.
    @Test("QRAccumulator: the direct path equals the stored path")
    func accumulatorPaths() throws {
        var g = SeededGenerator(seed: 7)
        let p = 3
        var direct = QRAccumulator(columns: p, durbinWatson: false)
        var stored = QRAccumulator(columns: p, durbinWatson: true)
        for b in [5, 1, 100, 37] {
            let (x, lo) = Self.block(&g, b: b, m: p + 1, low: true, zeroColumn: nil)
            let design = Matrix(rows: b, columns: p, columnMajor: Array(x[0..<(b * p)]))
            let low = Matrix(rows: b, columns: p, columnMajor: Array(lo![0..<(b * p)]))
            let y = Array(x[(b * p)...])
            try direct.add(design, response: y, lowOrder: low)
            try stored.add(design, response: y, lowOrder: low)
        }
        #expect(direct.r.e == stored.r.e)
        #expect(direct.count == stored.count && direct.weightSum == stored.weightSum)
        let a = try direct.fit(hasIntercept: false), c = try stored.fit(hasIntercept: false)
        #expect(a.coefficients == c.coefficients && a.residualSumOfSquares == c.residualSumOfSquares)
    }
}
