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
