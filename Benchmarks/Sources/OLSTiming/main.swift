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
    print("double-double factorization:", c.usedExtendedPrecision, " residual passes:", c.residualPasses)
}

// Phase breakdown (best of `runs`), to see where the time goes.
func best(_ label: String, _ body: () -> Void) {
    var b = Double.infinity
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        body()
        b = min(b, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6)
    }
    print(String(format: "  %-28@ %7.1f ms", label as NSString, b))
}
if CommandLine.arguments.contains("--phases") {
    let names = ["Intercept", "u1", "u2", "u3", "u4"]
    best("fit, classical only") { _ = try? LinearModel.fit(y: y, design: x, names: names, hasIntercept: true, options: .init(keepRows: false)) }
    best("fit, classical + HC3") { _ = try? OLSData.fitClassicalAndHC3(x, y) }
    best("fit keeping the rows") { _ = try? OLSData.fitClassicalAndHC3(x, y, keepRows: true) }
    best("fit on 2 threads") {
        _ = try? LinearModel.fit(y: y, design: x, names: names, hasIntercept: true, options: .init(threads: 2, keepRows: false))
    }
}
