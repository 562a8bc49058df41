import StatKit

/// The benchmark design, reproducible bit for bit in Python (peers/ols_numpy.py).
///
/// Uniforms come from SplitMix64 used as a counter-based generator: element `i` of
/// stream `s` is `mix(seed + (s·n + i + 1)·0x9E3779B97F4A7C15)`, mapped to
/// `[0, 1)` as `(z >> 11)·2⁻⁵³`. Columns: intercept, `u₁…u₄` scaled to (−1, 1);
/// `y = 1 + 2u₁ − u₂ + 0.5u₃ + e`, `e = (u₅ − ½)·(1 + |u₁|)` (heteroscedastic).
public enum OLSData {
    public static let seed: UInt64 = 20_261_126

    @inline(__always) static func mix(_ x: UInt64) -> UInt64 {
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform `[0, 1)` stream `s` of length `n`.
    public static func uniforms(stream s: Int, count n: Int) -> [Double] {
        (0..<n).map { i in
            let k = UInt64(s * n + i + 1)
            return Double(mix(seed &+ k &* 0x9E37_79B9_7F4A_7C15) >> 11) * 0x1p-53
        }
    }

    /// `(X, y)` with `X` of size `n × 5`.
    public static func make(n: Int) -> (Matrix, [Double]) {
        let u = (0..<5).map { uniforms(stream: $0, count: n).map { 2 * $0 - 1 } }
        var cols = [[Double](repeating: 1, count: n)]
        cols.append(contentsOf: u[0..<4])
        let y = (0..<n).map { (i: Int) -> Double in
            let a: Double = 1 + 2 * u[0][i] - u[1][i]
            let b: Double = 0.5 * u[2][i]
            let e: Double = (u[4][i] / 2) * (1 + abs(u[0][i]))
            return a + b + e
        }
        return (Matrix(columns: cols), y)
    }

    /// Classical fit with HC3 computed in the same pass, then HC3 inference on the same fit
    /// (what the benchmark times). The rows are not kept (no per-row vectors).
    public static func fitClassicalAndHC3(_ x: Matrix, _ y: [Double], keepRows: Bool = false) throws -> (RegressionResult, RegressionResult) {
        let classical = try LinearModel.fit(y: y, design: x, names: ["Intercept", "u1", "u2", "u3", "u4"], hasIntercept: true,
                                            options: .init(keepRows: keepRows, alsoCompute: [.hc3]))
        let hc3 = try classical.with(covariance: .hc3)
        return (classical, hc3)
    }
}
