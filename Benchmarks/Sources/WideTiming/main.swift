// Wide designs: `y ~ x1 + x2 + C(g)` (g with 50 levels: 53 columns) with HC3 errors, on a
// CSV written by peers/wide_data.py. Times, best of N runs, each phase apart:
//   read     the CSV into a DataTable (what pandas.read_csv does on the numpy side)
//   memory   the fit of the table in memory (design built block by block, never whole)
//   file     the fit read from the file in blocks (--stream), reading included
//
//   swift run -c release WideTiming /tmp/wide/wide-5000000.csv [runs] [threads]
import Foundation
import StatKit

let args = Array(CommandLine.arguments.dropFirst())
guard let path = args.first else {
    print("usage: WideTiming FILE.csv [runs] [threads]")
    exit(64)
}
let runs = args.count > 1 ? Int(args[1]) ?? 3 : 3
let threads = args.count > 2 ? Int(args[2]) ?? 2 : 2
let formula = "y ~ x1 + x2 + C(g)"

func time<T>(_ label: String, _ body: () throws -> T) rethrows -> T {
    var best = Double.infinity
    var last: T?
    for _ in 0..<runs {
        let t0 = DispatchTime.now().uptimeNanoseconds
        last = try body()
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
    print(String(format: "%-8@ best %.2f s (%d runs)", label as NSString, best, runs))
    return last!
}

let table = try time("read") { try DataTable(csvFile: path) }
let options = LinearModel.Options(threads: threads, keepRows: false)
let memory = try time("memory") { try LinearModel.fit(formula, data: table, covariance: .hc3, options: options) }
let file = try time("file") { try LinearModel.fit(formula, csvFile: path, covariance: .hc3, options: options) }
print("n = \(memory.n), columns = \(memory.termNames.count), double-double: \(memory.usedExtendedPrecision), scaled condition \(memory.scaledConditionEstimate)")
let worst = zip(memory.coefficients, file.coefficients).map { abs($0.estimate! - $1.estimate!) / max(abs($1.estimate!), $1.standardError!) }.max()!
print("memory and file agree to \(worst) (relative to max(|b|, se))")
print("x1: \(memory["x1"]!.estimate!) (HC3 se \(memory["x1"]!.standardError!))")
