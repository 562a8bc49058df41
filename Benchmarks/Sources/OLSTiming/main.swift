// Plain wall-clock timing of OLS n = 1,000,000, p = 5, classical + HC3 (best of N runs).
import BenchmarkSupport
import Foundation
import StatKit

let n = Int(CommandLine.arguments.dropFirst().first ?? "") ?? 1_000_000
let runs = Int(CommandLine.arguments.dropFirst(2).first ?? "") ?? 7
let (x, y) = OLSData.make(n: n)
var best = Double.infinity
var times: [Double] = []
var last: (RegressionResult, RegressionResult)?
for _ in 0..<runs {
    let t0 = DispatchTime.now().uptimeNanoseconds
    last = try OLSData.fitClassicalAndHC3(x, y)
    let t = Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6
    times.append(t)
    best = min(best, t)
}
let sorted = times.sorted()
print(String(format: "StatKit OLS n=%d p=5 classical+HC3: best %.1f ms, median %.1f ms (%d runs)", n, best, sorted[sorted.count / 2], runs))
if let (c, h) = last {
    print("coefficients:", c.coefficients.map { $0.estimate! })
    print("classical se:", c.coefficients.map { $0.standardError! })
    print("HC3 se:      ", h.coefficients.map { $0.standardError! })
    print("extended precision:", c.usedExtendedPrecision)
}

// Phase breakdown (best of `runs`), to see where the time goes.
func best(_ label: String, _ body: () throws -> Void) rethrows {
    var b = Double.infinity
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        try body()
        b = min(b, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    print(String(format: "  %-28@ %7.1f ms", label as NSString, b))
}
if CommandLine.arguments.contains("--phases") {
    let model = try LinearRegression(design: x, response: y, termNames: ["Intercept", "u1", "u2", "u3", "u4"], hasIntercept: true)
    let fit = try model.fit()
    try best("model init (validation)") { _ = try LinearRegression(design: x, response: y, termNames: ["a", "b", "c", "d", "e"], hasIntercept: true) }
    try best("LeastSquares.solve") { _ = try LeastSquares.solve(x, y) }
    try best("fit (classical)") { _ = try model.fit() }
    try best("with(covariance: .hc3)") { _ = try fit.with(covariance: .hc3) }
    best("FiveNumberSummary") { _ = FiveNumberSummary(fit.residuals) }
}
