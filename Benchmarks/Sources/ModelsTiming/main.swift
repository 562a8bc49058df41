// The model benchmarks (peers/models_peer.py is the other side): the CSV of
// peers/models_data.py is read into a DataTable once (not timed), then the library call is
// timed `runs` times, one line per run, followed by the coefficients for the cross-check.
//
//   swift run -c release ModelsTiming fe      /tmp/layoffstats-models/panel-1000000.csv  [runs] [threads]
//   swift run -c release ModelsTiming poisson /tmp/layoffstats-models/counts-1000000.csv [runs] [threads]
//   swift run -c release ModelsTiming negbin  /tmp/layoffstats-models/counts-1000000.csv [runs] [threads]
//
// fe       FixedEffectsModel.fit("y ~ x1 + x2 | company + year", covariance: .cluster("company"))
// poisson  GeneralizedLinearModel.fit(counts formula, family: .poisson)       (classical covariance)
// negbin   GeneralizedLinearModel.fit(counts formula, family: .negativeBinomial(theta: nil))
// with the counts formula y ~ x1 + x2 + x3 + x4 + x5 + offset(log(employees)).
import Foundation
import StatKit

let args = Array(CommandLine.arguments.dropFirst())
guard args.count >= 2, ["fe", "poisson", "negbin"].contains(args[0]) else {
    print("usage: ModelsTiming fe|poisson|negbin FILE.csv [runs] [threads]")
    exit(64)
}
let model = args[0], path = args[1]
let runs = args.count > 2 ? Int(args[2]) ?? 3 : 3
let threads = args.count > 3 ? Int(args[3]) ?? 2 : 2
let counts = "y ~ x1 + x2 + x3 + x4 + x5 + offset(log(employees))"
let options = LinearModel.Options(threads: threads, keepRows: false)

// As the CLI does (Sources/layoffs/main.swift): one BLAS thread for these tall, narrow
// designs, so that OpenBLAS's idle workers do not spin beside the fit's own threads.
if ProcessInfo.processInfo.environment["OPENBLAS_NUM_THREADS"] == nil {
    NativeLibraries.setBLASThreads(1)
    _ = NativeLibraries.stopIdleBLASWorkers()
}
let table = try DataTable(csvFile: path)
var printed: [String] = []
for _ in 0..<runs {
    let t0 = DispatchTime.now().uptimeNanoseconds
    switch model {
    case "fe":
        let r = try FixedEffectsModel.fit("y ~ x1 + x2 | company + year", data: table, covariance: .cluster("company"), options: options)
        printed = r.coefficients.map { "coef \($0.term) \($0.estimate!) \($0.standardError!)" }
        printed += ["extra n \(r.n)", "extra singletons \(r.observationsDropped.singletons)", "extra sweeps \(r.demeaningSweeps)"]
    default:
        let family: GLMFamily = model == "poisson" ? .poisson : .negativeBinomial(theta: nil)
        let r = try GeneralizedLinearModel.fit(counts, data: table, family: family, options: options)
        printed = r.coefficients.map { "coef \($0.term) \($0.estimate!) \($0.standardError!)" }
        printed += ["extra iterations \(r.iterations)", "extra converged \(r.converged)"]
        if let t = r.theta { printed += ["extra theta \(t)"] }
        if let s = r.thetaStandardError { printed += ["extra theta_se \(s)"] }
    }
    print(String(format: "time_ms %.1f", Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e6))
}
for line in printed { print(line) }
