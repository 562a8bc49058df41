import Testing
@testable import StatKit

/// Least-squares core: the fast double path against the Float80 path, refinement, and
/// rank decisions. Tolerances are stated per test.
@Suite("Least squares core")
struct LeastSquaresTests {
    /// Deterministic pseudo-random design (LCG), n × p with an intercept.
    static func design(n: Int, p: Int, seed: UInt64, collinearity: Double = 0) -> (Matrix, [Double]) {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) * 0x1p-53 - 0.5
        }
        var cols = [[Double](repeating: 1, count: n)]
        for _ in 1..<p { cols.append((0..<n).map { _ in next() }) }
        if collinearity > 0 {
            // Last column nearly equal to the second: condition number ~ 1/collinearity.
            cols[p - 1] = cols[1].map { $0 + collinearity * next() }
        }
        let y = (0..<n).map { i in cols.indices.reduce(0.0) { $0 + Double($1 + 1) * cols[$1][i] } + next() }
        return (Matrix(columns: cols), y)
    }

    @Test("double fast path and Float80 path agree to 1e-12 on a well-conditioned design")
    func fastMatchesExtended() throws {
        let (x, y) = Self.design(n: 500, p: 6, seed: 42)
        let fast = try LeastSquares.solve(x, y)
        #expect(!fast.usedExtendedPrecision)
        let tol = LeastSquares.defaultRankTolerance(rows: 500, columns: 6)
        let ext = try LeastSquares.factor(x, nil, tol: tol, forceExtended: true)
        #expect(ext.extended)
        let (beta, _, rss, _) = try ext.solveRefined(x, nil, y)
        for j in 0..<6 { #expect(abs(fast.coefficients[j]! - beta[j]) <= 1e-12 * max(1, abs(beta[j]))) }
        #expect(abs(fast.residualSumOfSquares - rss) <= 1e-12 * rss)
        // Same (XᵀX)⁻¹ = M·Mᵀ from both factors.
        let m1 = fast.inverseFactor.syrk(.none), m2 = try ext.inverseFactor().syrk(.none)
        for i in 0..<6 { for j in 0..<6 { #expect(abs(m1[i, j] - m2[i, j]) <= 1e-12 * max(abs(m2[i, i]), abs(m2[j, j]))) } }
    }

    @Test("ill-conditioned integer design (κ ≈ 1e9): Float80 path recovers exact coefficients to 1e-13")
    func illConditioned() throws {
        // x3 = 10⁹·x2 + (−1, 0, 1 pattern): exact integers, κ ≈ 1e9 after scaling.
        let n = 60
        let x2 = (0..<n).map { Double($0 % 13) - 6 }
        let x3 = (0..<n).map { 1e9 * x2[$0] + Double($0 % 3) - 1 }
        let x1 = (0..<n).map { Double(($0 * 7) % 11) }
        let x = Matrix(columns: [[Double](repeating: 1, count: n), x1, x2, x3])
        let truth: [Double] = [3, -2, 5, 7]
        var y = [Double](repeating: 0, count: n)
        for i in 0..<n {
            let a: Double = 3 - 2 * x1[i]
            let b: Double = 5 * x2[i] + 7 * x3[i]
            y[i] = a + b  // exact in double (integers below 2⁵³)
        }
        let s = try LeastSquares.solve(x, y)
        #expect(s.usedExtendedPrecision)
        #expect(s.rank == 4)
        for j in 0..<4 {
            let est: Double = s.coefficients[j]!
            #expect(abs(est - truth[j]) <= 1e-13 * abs(truth[j]))
        }
        #expect(s.residualSumOfSquares == 0)
    }

    @Test("rank tolerance: R's 1e-7 drops the nearly collinear column, the default keeps it")
    func rankTolerance() throws {
        let (x, y) = Self.design(n: 300, p: 4, seed: 9, collinearity: 1e-9)
        #expect(try LeastSquares.solve(x, y).aliasedColumns.isEmpty)
        let r = try LeastSquares.solve(x, y, rankTolerance: 1e-7)
        #expect(r.aliasedColumns == [3])
        #expect(r.coefficients[3] == nil)
    }

    @Test("default tolerance is max(n, p)·ε")
    func defaultTolerance() {
        #expect(LeastSquares.defaultRankTolerance(rows: 100, columns: 3) == 100 * Double.ulpOfOne)
    }

    @Test("exactly collinear columns in a large design are aliased")
    func exactCollinearityLarge() throws {
        let (x0, y) = Self.design(n: 20_000, p: 4, seed: 11)
        var cols = (0..<4).map { x0.column($0) }
        cols.append(zip(cols[1], cols[2]).map { 2 * $0 - $1 })
        let s = try LeastSquares.solve(Matrix(columns: cols), y)
        #expect(s.aliasedColumns == [4])
    }
}
