// Plain wall-clock timing of the layoff pipeline stages on generated data (best of R runs).
//
//   swift run -c release PipelineTiming                 N = 1e5 and 1e6, 3 runs each
//   swift run -c release PipelineTiming 100000 --runs 5
//   swift run -c release PipelineTiming --with-1e7      also N = 1e7 (slow, several GB; not default)
//
// Data: /tmp/layoffstats-pipeline/..., generated once per N (companies = N/50, fixed seed).
import Foundation
import LayoffKit
import LayoffReport
import PipelineSupport

var args = Array(CommandLine.arguments.dropFirst())
var runsArg = 3
if let i = args.firstIndex(of: "--runs"), i + 1 < args.count { runsArg = Int(args[i + 1]) ?? 3; args.removeSubrange(i...(i + 1)) }
let runs = max(1, runsArg)
let with1e7 = args.contains("--with-1e7")
args.removeAll { $0 == "--with-1e7" }
var sizes = args.compactMap { Int($0) }
if sizes.isEmpty { sizes = [100_000, 1_000_000] }
if with1e7 && !sizes.contains(10_000_000) { sizes.append(10_000_000) }

func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }
func loadAverage() -> String { (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8))?.split(separator: " ").prefix(3).joined(separator: " ") ?? "?" }

/// Best and median of `runs` wall-clock times in ms; the last result is kept alive.
func time<T>(_ body: () throws -> T) rethrows -> (best: Double, median: Double, last: T) {
    var ts: [Double] = []
    var last: T?
    for _ in 0..<runs {
        let t0 = now()
        last = try body()
        ts.append(Double(now() - t0) / 1e6)
    }
    ts.sort()
    return (ts[0], ts[ts.count / 2], last!)
}

struct Row { var stage: String; var best: Double; var median: Double; var note: String }
var results: [Int: [Row]] = [:]

for n in sizes {
    let d = PipelineData(events: n)
    let g0 = now()
    try d.ensureWritten()
    let bytes = d.eventsFileBytes
    print(String(format: "N = %d (companies %d): data ready in %.1f s, events file %.1f MB; load average %@",
                 n, d.companies, Double(now() - g0) / 1e9, Double(bytes) / 1e6, loadAverage() as NSString))
    var rows: [Row] = []
    func add(_ stage: String, _ r: (best: Double, median: Double), _ note: String = "") {
        rows.append(Row(stage: stage, best: r.best, median: r.median, note: note))
        print(String(format: "  %-36@ best %9.1f ms  median %9.1f ms  %@", stage as NSString, r.best, r.median, note as NSString))
    }

    let ingest = try time { try PipelineStages.ingest(d) }
    let rowsRead = ingest.last.rowsRead
    add("ingest (EventLoader)", (ingest.best, ingest.median),
        String(format: "%.0f MB/s, %.2f M rows/s", Double(bytes) / 1e6 / (ingest.best / 1e3), Double(rowsRead) / 1e6 / (ingest.best / 1e3)))
    let ingest2 = try time { try PipelineStages.ingest(d, threads: 2) }
    add("ingest, 2 threads (segments)", (ingest2.best, ingest2.median),
        String(format: "%.0f MB/s", Double(bytes) / 1e6 / (ingest2.best / 1e3)))
    let load = try time { try PipelineStages.loadJoined(d) }
    let data = load.last
    add("load + join (LayoffDataset)", (load.best, load.median),
        "\(data.join!.matchedCount) of \(data.events.count) matched")
    let rInd = try time { try PipelineStages.rolling(data, by: "industry") }
    add("rolling 90d month-end by industry", (rInd.best, rInd.median), "\(rInd.last.groups.count) groups, \(rInd.last.rows.count) rows")
    let yoy = try time { try PipelineStages.yoyAndYTD(data) }
    add("monthly YoY + YTD by industry", (yoy.best, yoy.median), "\(yoy.last.0.rows.count) + \(yoy.last.1.rows.count) rows")
    let shared = try time { try PipelineStages.sharedIndustryAnalyses(data) }
    add("both, one shared sort (GroupedEvents)", (shared.best, shared.median),
        "\(shared.last.0.rows.count) + \(shared.last.1.rows.count) + \(shared.last.2.rows.count) rows")
    let hc3 = try time { try PipelineStages.regression(data, covariance: .hc3) }
    add("regression fit HC3", (hc3.best, hc3.median), "n = \(hc3.last.n)")
    let cl = try time { try PipelineStages.regression(data, covariance: .cluster("company")) }
    add("regression fit cluster", (cl.best, cl.median), "\(cl.last.clusterCount ?? 0) clusters")
    let rep = try time { try PipelineStages.report(data) }
    add("report build (ReportBuilder)", (rep.best, rep.median), "")
    // Group scaling: the same rolling rates by company (~N/50 groups).
    let rCo = try time { try PipelineStages.rolling(data, by: "company") }
    add("rolling 90d month-end by company", (rCo.best, rCo.median), "\(rCo.last.groups.count) groups, \(rCo.last.rows.count) rows")
    results[n] = rows
}

// Summary: markdown table, with the growth ratio between consecutive sizes.
print("\nruns per stage: \(runs) (best shown); load average at end: \(loadAverage())")
let ns = sizes.filter { results[$0] != nil }
var header = "| stage |" + ns.map { " N = \($0) |" }.joined()
var rule = "|-------|" + ns.map { _ in "------:|" }.joined()
for (a, b) in zip(ns, ns.dropFirst()) { header += " ×\(b / a) ratio |"; rule += "------:|"; _ = a }
print(header); print(rule)
for (i, r) in results[ns[0]]!.enumerated() {
    var line = "| \(r.stage) |"
    for n in ns { line += String(format: " %.1f ms |", results[n]![i].best) }
    for (a, b) in zip(ns, ns.dropFirst()) { line += String(format: " %.2f |", results[b]![i].best / results[a]![i].best) }
    print(line)
}
var ru = rusage()
getrusage(RUSAGE_SELF.rawValue, &ru)
print("peak resident (whole process): \(ru.ru_maxrss / 1024) MB")
